"""Where a guide's stops are, as authors write it: a ``[location …]`` line under a stop's heading,
or the front matter's ``locations`` keyed by stop number or heading.

Both take the same text, latitude then longitude in decimal degrees (WGS 84, as phones and
OpenStreetMap show them), and optionally the radius in metres within which a listener counts as
at the stop::

    ## The River Gate

    [location 52.37310, 4.89260]
    [location 52.37310, 4.89260, 40 m]
    [location 48.85826, 2.29450, 60 m, osm W5013364]

    locations:
      1: 52.37310, 4.89260
      The River Gate: 52.37310, 4.89260, 40 m
      3: {lat: 52.3741, lon: 4.8952, radius: 25, osm: W123456}

Each check returns a problem as one line (or ``None``); the caller names the stop.
"""

from __future__ import annotations

import math
import re
from typing import Any

from audioguide.models import Location

LOCATION_CUE = re.compile(r"^\[\s*location\b(.*)\]$", re.IGNORECASE | re.DOTALL)
"""A paragraph that is only a location: ``[location 52.3731, 4.8926]``."""
LATITUDE = (-90.0, 90.0)
LONGITUDE = (-180.0, 180.0)
RADIUS = (1.0, 10_000.0)
"""Metres a stop's radius may be: from a doorway to a park."""
OSM_ID = re.compile(r"^[NWR][1-9][0-9]*$")
"""An OpenStreetMap element: ``N`` (node), ``W`` (way) or ``R`` (relation) and its number."""
FORMAT = "LATITUDE, LONGITUDE or LATITUDE, LONGITUDE, RADIUS m (e.g. 52.3731, 4.8926, 40 m)"
"""How a location is written, for messages."""

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_TEXT = re.compile(rf"^\s*({_NUMBER})\s*[,;\s]\s*({_NUMBER})\s*(?:[,;\s]\s*({_NUMBER})\s*(?:m|metres|meters)?)?"
                   r"\s*(?:[,;\s]\s*osm\s*[:=]?\s*(\S+))?\s*$", re.IGNORECASE)


def check(lat: Any, lon: Any, radius: Any = None, osm: Any = "") -> Location | str:
    """A :class:`Location` from its parts, or the problem with them as one line.

    >>> check(52.3731, 4.8926, 40)
    Location(lat=52.3731, lon=4.8926, radius=40.0, osm='')
    >>> check(95, 4.9)
    'latitude 95 is not between -90 and 90'
    """
    parts = (("latitude", lat, LATITUDE), ("longitude", lon, LONGITUDE))
    for name, value, (low, high) in parts:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return f"{name} {value!r} is not a number"
        if not low <= value <= high:
            return f"{name} {value:g} is not between {low:g} and {high:g}"
    if radius is not None:
        if isinstance(radius, bool) or not isinstance(radius, (int, float)) or not math.isfinite(radius):
            return f"radius {radius!r} is not a number of metres"
        if not RADIUS[0] <= radius <= RADIUS[1]:
            return f"radius {radius:g} m is not between {RADIUS[0]:g} and {RADIUS[1]:g} m"
    if osm is None:
        osm = ""
    if not isinstance(osm, str) or (osm and not OSM_ID.match(osm.strip())):
        return f"osm {osm!r} must be an OpenStreetMap id such as N123, W5013364 or R7444"
    return Location(float(lat), float(lon), None if radius is None else float(radius), osm.strip())


def from_text(text: str) -> Location | str:
    """A location written as text (a ``[location …]`` line's inside, or a front matter value).

    >>> from_text("52.3731, 4.8926, 40 m")
    Location(lat=52.3731, lon=4.8926, radius=40.0, osm='')
    >>> from_text("52.3731")
    'write LATITUDE, LONGITUDE or LATITUDE, LONGITUDE, RADIUS m (e.g. 52.3731, 4.8926, 40 m), not 52.3731'
    """
    match = _TEXT.match(text)
    if not match:
        return f"write {FORMAT}, not {text.strip() or 'nothing'}"
    lat, lon, radius, osm = match.groups()
    return check(float(lat), float(lon), None if radius is None else float(radius), osm or "")


def from_value(value: Any) -> Location | str:
    """A front matter ``locations`` value: text, ``[lat, lon]`` or ``[lat, lon, radius]``, or a
    mapping with ``lat``, ``lon`` and optional ``radius`` and ``osm``.

    >>> from_value({"lat": 48.8583, "lon": 2.2945, "osm": "W5013364"})
    Location(lat=48.8583, lon=2.2945, radius=None, osm='W5013364')
    """
    if isinstance(value, str):
        return from_text(value)
    if isinstance(value, list) and len(value) in (2, 3):
        return check(*value)
    if isinstance(value, dict):
        unknown = sorted(str(k) for k in value if k not in ("lat", "lon", "radius", "osm"))
        if unknown:
            return f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not lat, lon, radius or osm"
        if "lat" not in value or "lon" not in value:
            return "needs lat and lon"
        return check(value["lat"], value["lon"], value.get("radius"), value.get("osm", ""))
    return f"write {FORMAT}, or {{lat: …, lon: …, radius: …}}"


def cue_text(location: Location) -> str:
    """How a location is written back into a script: ``52.3731, 4.8926`` (``, 40 m``, ``, osm W1``).

    >>> cue_text(Location(52.3731, 4.8926, 40.0, "W5013364"))
    '52.3731, 4.8926, 40 m, osm W5013364'
    """
    text = f"{location.lat!r}, {location.lon!r}"
    text += f", {location.radius:g} m" if location.radius is not None else ""
    return text + (f", osm {location.osm}" if location.osm else "")
