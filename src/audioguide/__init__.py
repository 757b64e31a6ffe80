"""audioguide: turn written articles into podcast episodes and audio guides."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("audioguide")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"
