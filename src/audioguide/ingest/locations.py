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

A ``[location …]`` line is the stop's only directly under its heading (blank lines around it or
not): one written inside a paragraph, or under the text, was read aloud ("location fifty-one
point four…") and the stop silently had no place; it is now a problem naming its line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from audioguide.ingest.cues import line_of
from audioguide.models import Block, Location, Section
from audioguide.wording import heading_number

LOCATION_CUE = re.compile(r"^\[\s*location\b(.*)\]$", re.IGNORECASE | re.DOTALL)
"""A paragraph that is only a location: ``[location 52.3731, 4.8926]``."""
_LOCATION_LINE = re.compile(r"^ {0,3}\[\s*location\b[^\]\n]*\][ \t]*$", re.IGNORECASE)
_HEADING_LINE = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_LOOKS_LIKE_A_CUE = re.compile(r"\[\s*location\b[^\]\n]*\]?", re.IGNORECASE)
PLACE = "put it on a line of its own directly under the stop's heading"
"""Where a ``[location …]`` line goes, for messages."""
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


def set_apart(body: str) -> str:
    r"""A script's Markdown ``body`` with each ``[location …]`` line that stands directly under a
    heading (or opens the body, for the introduction) made a paragraph of its own, so that a
    line written without a blank line after it (``## The Gate\n[location …]\nA gate.``) is
    the stop's place and not the first words of its text.

    >>> set_apart("## The Gate\n[location 51.48, -0.01]\nA gate.")
    '## The Gate\n\n[location 51.48, -0.01]\n\nA gate.'
    """
    out: list[str] = []
    under_heading = True
    for line in body.split("\n"):
        if under_heading and _LOCATION_LINE.match(line):
            out += ["", line.strip(), ""]
            continue
        if line.strip():
            under_heading = bool(_HEADING_LINE.match(line))
        out.append(line)
    return "\n".join(out)


def take_location(heading: str | None, blocks: Sequence[Block], body: str, first_line: int,
                  problems: list[str]) -> tuple[list[Block], Location | None]:
    """The blocks of a section that are spoken, and the location its ``[location …]`` paragraphs
    before them give. A location anywhere else in the section (after its text, inside a
    paragraph or a list item) is a problem naming its line of ``body`` (which starts at line
    ``first_line`` of the script) and where it goes."""
    said: list[Block] = []
    location: Location | None = None
    for block in blocks:
        text = block.text.strip()
        place = LOCATION_CUE.match(text) if block.kind == "paragraph" else None
        if place and not said:
            found = from_text(place.group(1))
            if isinstance(found, str):
                problems.append(f"{stop_name(heading)}: [location{place.group(1)}]: {found}")
            elif location is not None:
                problems.append(f"{stop_name(heading)} has two [location] lines: keep one")
            else:
                location = found
            continue
        cue = _LOOKS_LIKE_A_CUE.search(text)
        if cue is not None:
            where = "is below the stop's text" if place else "is inside the text, where it would be read aloud"
            problems.append(f"{line_of(cue.group(0), body, first_line)}{stop_name(heading)}: "
                            f"{cue.group(0)!r} {where}: {PLACE}")
            continue
        said.append(block)
    return said, location


def front_matter_locations(value: Any, problems: list[str]) -> list[tuple[int | str, Location]]:
    """The front matter's ``locations``: (stop number or heading, location) pairs."""
    if value is None:
        return []
    if not isinstance(value, dict):
        problems.append("locations must map each stop's number or heading to its location, e.g. "
                        "'1: 52.3731, 4.8926'")
        return []
    found: list[tuple[int | str, Location]] = []
    for key, raw in value.items():
        stop: int | str
        if isinstance(key, int) and not isinstance(key, bool):
            stop, name = key, f"stop {key}"
        elif isinstance(key, str) and key.strip().isdigit():
            stop, name = int(key), f"stop {int(key)}"
        elif isinstance(key, str) and key.strip():
            stop, name = key.strip(), f"stop {key.strip()!r}"
        else:
            problems.append(f"locations: {key!r} is neither a stop number nor a heading")
            continue
        location = from_value(raw)
        if isinstance(location, str):
            problems.append(f"locations: {name}: {location}")
        else:
            found.append((stop, location))
    return found


def stop_name(heading: str | None) -> str:
    """How a problem names a section: ``stop 'The Gate'``, or the introduction."""
    return f"stop {heading!r}" if heading else "the introduction (before the first heading)"


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def normal_heading(text: str) -> str:
    """A heading as ``locations:`` keys match it: spaces, case and curly quotes aside (an editor
    writes St. Mary’s, a keyboard St. Mary's)."""
    return " ".join(text.translate(_QUOTES).split()).casefold()


def place_sections(sections: list[Section], by_heading: list[tuple[int | str, Location]],
                   problems: list[str], language: str) -> list[Section]:
    """``sections`` with the front matter's locations given by heading: as written, or without
    the plaque number it carries (``The Trafalgar Tavern`` for ``## 13. The Trafalgar Tavern``,
    the stop's title as the page shows it; ``language`` names the stop word, as in ``Étape 3 :``)."""
    index: dict[str, list[int]] = {}
    for at, s in enumerate(sections):
        if s.heading:
            numbered = heading_number(s.heading, language)
            for name in {normal_heading(s.heading), *([normal_heading(numbered[1])] if numbered else [])}:
                index.setdefault(name, []).append(at)
    out = list(sections)
    for key, location in by_heading:
        found = index.get(normal_heading(str(key)), [])
        if len(found) > 1:
            problems.append(f"locations: {len(found)} stops are headed {key!r}: give each its location by "
                            "its stop number instead (1: 52.37, 4.89)")
            continue
        if not found:
            headings = ", ".join(repr(s.heading) for s in sections if s.heading) or "none"
            problems.append(f"locations: no stop is headed {key!r} (the headings: {headings}); use a heading "
                            "as written, or the stop's number")
            continue
        stop = out[found[0]]
        if stop.location is not None:
            problems.append(f"{stop_name(stop.heading)} has a location in the front matter and a "
                            "[location] line: keep one")
        else:
            out[found[0]] = Section(stop.heading, stop.blocks, location)
    return out
