"""audioguide: turn written articles into podcast episodes and audio guides."""

__version__ = "0.1.0"
