"""A guide's route from its stops' coordinates alone: an SVG map, "open in maps" links and GPX.

The map needs no tiles and no network. Stops are projected with the spherical Web Mercator
projection, the one OpenStreetMap and phone map apps draw with: it keeps angles and shapes (a
square block stays square at any latitude), so the route looks as it does when the listener
opens a stop in their maps app. The projected points are scaled to fit a 640-unit-wide
``viewBox`` with room for the markers, keeping their proportions; a scale bar gives the distance
(a length on the ground at the route's latitude). Markers are numbered as the stops are, joined
in stop order, and each links to its stop on the page; markers that would cover each other are
moved apart just enough to be read.

The GPX 1.1 file (written with gpxpy) holds every located stop as a waypoint and the walk as a
route, for GPS and hiking apps. Everything here is a pure function of the guide's record.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from audioguide.models import GuideRecord, Location, StopRecord

MAP_WIDTH = 640.0
"""Width of the map's ``viewBox``; its height follows the route's shape."""
MAP_HEIGHT = (260.0, 560.0)
"""Lowest and highest height of the ``viewBox``: a route running east-west still gets room."""
MAP_MARGIN = 36.0
"""Room around the outermost markers (a marker's radius is 18), and for the scale bar."""
MAX_LATITUDE = 85.05112878
"""Web Mercator's edge: the latitude where the projected world is square."""
EARTH_RADIUS = 6_378_137.0
"""Metres: the sphere Web Mercator projects (WGS 84's equatorial radius)."""
OSM_ZOOM = 18
"""The zoom an OpenStreetMap link opens at: streets and buildings."""


def located(guide: GuideRecord) -> list[StopRecord]:
    """The stops that have a location, in stop order."""
    return [s for s in sorted(guide.stops, key=lambda s: s.number) if s.location is not None]


def geo_uri(place: Location) -> str:
    """The ``geo:`` URI (RFC 5870) that opens the place in the phone's maps app.

    >>> geo_uri(Location(52.3731, 4.8926))
    'geo:52.3731,4.8926'
    """
    return f"geo:{place.lat!r},{place.lon!r}"


def osm_url(place: Location) -> str:
    """The place on openstreetmap.org, with a marker on it.

    >>> osm_url(Location(52.3731, 4.8926))
    'https://www.openstreetmap.org/?mlat=52.3731&mlon=4.8926#map=18/52.3731/4.8926'
    """
    lat, lon = repr(place.lat), repr(place.lon)
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map={OSM_ZOOM}/{lat}/{lon}"


def project(lat: float, lon: float) -> tuple[float, float]:
    """Spherical Web Mercator in metres: x east, y north (the map flips y to point down).

    >>> [round(v) for v in project(0.0, 180.0)]
    [20037508, 0]
    """
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    x = EARTH_RADIUS * math.radians(lon)
    y = EARTH_RADIUS * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return x, y


def unwrapped(longitudes: list[float]) -> list[float]:
    """``longitudes`` as one stretch of the globe: when they spread over more than 180° (a route
    across the 180th meridian, in Fiji or Chukotka), the western ones count on past 180°, so two
    stops 45 m apart are drawn side by side and not at the opposite edges of a map of the world;
    kept as they are when that does not narrow them.

    >>> unwrapped([179.9998, -179.9996]), unwrapped([4.89, 4.90])
    ([179.9998, 180.0004], [4.89, 4.9])
    """
    if not longitudes or max(longitudes) - min(longitudes) <= 180:
        return longitudes
    shifted = [lon + 360 if lon < 0 else lon for lon in longitudes]
    return shifted if max(shifted) - min(shifted) < max(longitudes) - min(longitudes) else longitudes


def nice_length(metres: float) -> float:
    """The largest of 1, 2 or 5 times a power of ten that is at most ``metres`` (a scale bar).

    >>> nice_length(730.0), nice_length(38.0), nice_length(1.0)
    (500.0, 20.0, 1.0)
    """
    if metres < 1:
        return 1.0
    power = 10 ** math.floor(math.log10(metres))
    return float(max(step * power for step in (1, 2, 5) if step * power <= metres))


def distance_text(metres: float) -> str:
    """``200 m``, ``1 km``, ``2.5 km``.

    >>> distance_text(200.0), distance_text(1000.0), distance_text(2500.0)
    ('200 m', '1 km', '2.5 km')
    """
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


@dataclass(frozen=True)
class Marker:
    """A stop on the map."""

    number: str
    """The stop's number as shown, empty for an unnumbered introduction."""
    anchor: str
    """The stop's element id (``stop-3``), the marker's link."""
    name: str
    """``Stop 3: The River Gate``, for the marker's title."""
    x: float
    y: float


@dataclass(frozen=True)
class RouteMap:
    """Everything the page needs to draw the route."""

    width: float
    height: float
    markers: tuple[Marker, ...]
    path: str
    """SVG path data joining the markers in stop order (empty for a single stop)."""
    scale_length: float
    """Width of the scale bar in map units."""
    scale_text: str
    """The distance the scale bar stands for, e.g. ``200 m``."""

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:g} {self.height:g}"


def _fmt(value: float) -> float:
    return round(value, 1)


MARKER_GAP = 40.0
"""Least distance between two markers' centres: a marker's diameter (36) and a little room."""


def spread(points: list[tuple[float, float]], width: float, height: float) -> list[tuple[float, float]]:
    """``points`` moved apart where markers drawn on them would overlap (stops a few metres apart
    on a map of a walk covered each other's number), each pair by as little as it takes, kept
    inside the map; points far enough apart do not move.

    >>> spread([(100.0, 100.0), (110.0, 100.0), (400.0, 100.0)], 640, 300)
    [(85.0, 100.0), (125.0, 100.0), (400.0, 100.0)]
    """
    moved = [list(p) for p in points]
    for _ in range(60):
        pushed = False
        for i in range(len(moved)):
            for j in range(i + 1, len(moved)):
                dx, dy = moved[j][0] - moved[i][0], moved[j][1] - moved[i][1]
                distance = math.hypot(dx, dy)
                if distance >= MARKER_GAP - 0.01:
                    continue
                if distance == 0:  # one place: side by side, in stop order
                    dx, dy, distance = 1.0, 0.0, 1.0
                push = (MARKER_GAP - distance) / 2
                ux, uy = dx / distance, dy / distance
                moved[i][0] -= ux * push
                moved[i][1] -= uy * push
                moved[j][0] += ux * push
                moved[j][1] += uy * push
                pushed = True
        for p in moved:
            p[0] = min(width - MAP_MARGIN / 2, max(MAP_MARGIN / 2, p[0]))
            p[1] = min(height - MAP_MARGIN / 2, max(MAP_MARGIN / 2, p[1]))
        if not pushed:
            break
    return [(round(x, 3), round(y, 3)) for x, y in moved]


def route_map(stops: list[StopRecord], names: dict[int, str], anchors: dict[int, str]) -> RouteMap | None:
    """The map of ``stops`` (those with a location, in stop order), or ``None`` when none has one.

    ``names`` and ``anchors`` give each stop number's label and element id. Points are fitted
    into the ``viewBox`` with :data:`MAP_MARGIN` on every side, centred, keeping proportions; a
    single stop (or stops at one point) sits in the middle.
    """
    places = [(s, s.location) for s in stops if s.location is not None]
    if not places:
        return None
    points = [project(p.lat, lon) for (_, p), lon in zip(places, unwrapped([p.lon for _, p in places]), strict=True)]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    inner_w = MAP_WIDTH - 2 * MAP_MARGIN
    if span_x <= 0 and span_y <= 0:
        height, scale = MAP_HEIGHT[0], 0.0
    else:
        wanted = MAP_HEIGHT[1] if span_x <= 0 else span_y / span_x * inner_w + 2 * MAP_MARGIN
        height = max(MAP_HEIGHT[0], min(MAP_HEIGHT[1], wanted))
        inner_h = height - 2 * MAP_MARGIN
        scale = min(inner_w / span_x if span_x > 0 else math.inf, inner_h / span_y if span_y > 0 else math.inf)
    mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    drawn = spread([(MAP_WIDTH / 2 + (x - mid_x) * scale, height / 2 - (y - mid_y) * scale) for x, y in points],
                   MAP_WIDTH, height)
    markers = tuple(
        Marker(str(stop.number) if stop.numbered else "", anchors[stop.number], names[stop.number], _fmt(x), _fmt(y))
        for (stop, _), (x, y) in zip(places, drawn, strict=True))
    path = " ".join(f"{'M' if i == 0 else 'L'}{m.x:g} {m.y:g}" for i, m in enumerate(markers)) \
        if len(markers) > 1 else ""
    # A projected metre is 1/cos(latitude) metres on the ground: the bar measures at the middle.
    mid_lat = sum(p.lat for _, p in places) / len(places)
    if scale > 0:
        ground_per_unit = math.cos(math.radians(mid_lat)) / scale
        metres = nice_length(ground_per_unit * MAP_WIDTH / 4)
        bar = metres / ground_per_unit
    else:
        metres, bar = 0.0, 0.0
    return RouteMap(MAP_WIDTH, _fmt(height), markers, path, _fmt(bar),
                    distance_text(metres) if metres else "")


def gpx(guide: GuideRecord, names: dict[int, str], urls: dict[int, str], creator: str) -> str:
    """The route as a GPX 1.1 document: a waypoint per located stop and a route through them
    in stop order, each point named as the page names its stop and linked to it."""
    import gpxpy.gpx

    doc = gpxpy.gpx.GPX()
    doc.creator = creator
    doc.name = guide.title
    doc.description = guide.description or None
    route = gpxpy.gpx.GPXRoute(name=guide.title)
    for stop in located(guide):
        place = stop.location
        assert place is not None
        point = gpxpy.gpx.GPXWaypoint(place.lat, place.lon, name=names[stop.number])
        point.link = urls[stop.number]  # type: ignore[assignment]  # gpxpy types them as None
        point.link_text = names[stop.number]  # type: ignore[assignment]
        doc.waypoints.append(point)
        route.points.append(gpxpy.gpx.GPXRoutePoint(place.lat, place.lon, name=names[stop.number]))
    doc.routes.append(route)
    xml: str = doc.to_xml(version="1.1")
    return xml if xml.endswith("\n") else xml + "\n"


__all__ = ["Marker", "RouteMap", "distance_text", "geo_uri", "gpx", "located", "nice_length",
           "osm_url", "project", "route_map", "unwrapped"]
