"""Guides people walk with (issue 17, points 1, 2 and 7): stop locations written by the author,
the route map drawn from them, the GPX file beside the guide and ``podcast:location`` in its feed.

Rendered through the command line with the tone engine: a canal walk of an introduction and three
located stops, one located by a ``[location]`` line with an OpenStreetMap id, one by a line with
its own radius, one by the front matter's ``locations`` keyed by stop number.
"""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path

import feedparser
import gpxpy
import podcastparser
import pytest
from bs4 import BeautifulSoup
from lxml import etree

import audioguide
from audioguide.cli import cli
from audioguide.guide.route import project, route_map
from audioguide.models import GuideRecord, Location, StopRecord
from audioguide.publish.podcast import PODCAST_NS
from tests.clirunner import cli_runner

BASE = "https://walks.example.org/"
GPX_NS = "http://www.topografix.com/GPX/1/1"
TOUR = """---
title: Canal walk
slug: canals
guide: canals
date: 2026-11-20
description: A short walk along the canals.
locations:
  3: 52.3764, 4.8903, 25 m
---

Welcome to the canal walk. We start in front of the station.

## The Station Square

[location 52.3788, 4.9]

The square in front of the station is always busy.

## The Old Church

[location 52.3745, 4.898, 40 m, osm W123]

The oldest building of the city.

## The Flower Market

Flowers float on the canal here.
"""
PLACES = {1: Location(52.3788, 4.9, 30.0), 2: Location(52.3745, 4.898, 40.0, "W123"),
          3: Location(52.3764, 4.8903, 25.0)}
"""What the record must say: stop number -> location, the default radius (30 m) filled in."""
NAMES = {1: "Stop 1: The Station Square", 2: "Stop 2: The Old Church", 3: "Stop 3: The Flower Market"}


def make_project(root: Path, tour: str = TOUR) -> Path:
    (root / "episodes").mkdir(parents=True)
    (root / "episodes" / "canals.md").write_text(tour, "utf-8")
    (root / "audioguide.toml").write_text(
        '[show]\ntitle = "Walks"\nauthor = "Ada"\nowner_name = "Ada"\nowner_email = "ada@example.org"\n'
        f'categories = ["Leisure"]\nbase_url = "{BASE}"\n\n[voice]\nengine = "tone"\n', "utf-8")
    return root


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = cli_runner().invoke(cli, ["-q", "-C", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("walk") / "project")
    code, _, err = run(root, "render")
    assert code == 0, err
    return root / "output" / "guides" / "canals"


def _record(folder: Path) -> GuideRecord:
    return GuideRecord.from_json(json.loads((folder / "guide.json").read_text("utf-8")))


def test_locations_from_lines_and_front_matter_reach_the_record(walk: Path) -> None:
    record = _record(walk)
    assert [(s.number, s.location) for s in record.stops] == [(0, None), *PLACES.items()]
    assert record.group == "canals"


def test_gpx_beside_the_guide_is_a_valid_route(walk: Path) -> None:
    """GPX 1.1 as GPS apps read it: gpxpy parses it, and its structure is the schema's (root in
    the GPX 1.1 namespace with version and creator, waypoints before the route)."""
    data = (walk / "canals.gpx").read_bytes()
    root = etree.fromstring(data)
    assert root.tag == f"{{{GPX_NS}}}gpx" and root.get("version") == "1.1"
    assert root.get("creator", "").startswith("audioguide")
    children = [etree.QName(c).localname for c in root]
    assert children == ["metadata", "wpt", "wpt", "wpt", "rte"]
    parsed = gpxpy.parse(data.decode("utf-8"))
    assert parsed.version == "1.1" and parsed.name == "Canal walk"
    assert [(w.name, w.latitude, w.longitude) for w in parsed.waypoints] == [
        (NAMES[n], p.lat, p.lon) for n, p in PLACES.items()]
    assert [w.link for w in parsed.waypoints] == [f"{BASE}guides/canals/#stop-{n}" for n in PLACES]
    [route] = parsed.routes
    assert [(p.name, p.latitude, p.longitude) for p in route.points] == [
        (NAMES[n], p.lat, p.lon) for n, p in PLACES.items()]


def test_feed_has_a_podcast_location_per_located_stop(walk: Path) -> None:
    """Podcasting 2.0's rules: on the item, the place's name as text (at most 128 characters),
    rel="subject" (what the item is about), an RFC 5870 geo URI, the OpenStreetMap id when given."""
    data = (walk / "feed.xml").read_bytes()
    root = etree.fromstring(data)
    assert root.nsmap.get("podcast") == PODCAST_NS
    found = {}
    for item in root.iter("item"):
        places = item.findall(f"{{{PODCAST_NS}}}location")
        assert len(places) <= 1
        found[item.findtext("guid")] = places[0] if places else None
    assert found["audioguide:canals:stop:0"] is None  # the introduction stands nowhere
    for number, place in PLACES.items():
        tag = found[f"audioguide:canals:stop:{number}"]
        assert tag is not None
        assert tag.text == NAMES[number].split(": ", 1)[1]
        assert tag.get("rel") == "subject"
        assert tag.get("geo") == f"geo:{place.lat!r},{place.lon!r}"
        assert tag.get("osm") == (place.osm or None)
    parsed = podcastparser.parse(BASE + "guides/canals/feed.xml", io.BytesIO(data))
    assert len(parsed["episodes"]) == 4
    assert not feedparser.parse(data).bozo


def test_page_shows_the_route_and_maps_links(walk: Path) -> None:
    page = BeautifulSoup((walk / "index.html").read_text("utf-8"), "html.parser")
    svg = page.select_one("section.route svg.route-map")
    assert svg is not None
    markers = svg.select("a.route-marker")
    assert [m["href"] for m in markers] == ["#stop-1", "#stop-2", "#stop-3"]
    assert [m.get_text(" ", strip=True).split()[-1] for m in markers] == ["1", "2", "3"]
    assert [m["aria-label"] for m in markers] == list(NAMES.values())
    _, _, width, height = (float(v) for v in svg["viewbox"].split())
    for m in markers:
        circle = m.select_one("circle")
        assert 0 < float(circle["cx"]) < width and 0 < float(circle["cy"]) < height
    # The line joins the markers in stop order.
    path = svg.select_one("path.route-line")["d"]
    assert path == " ".join(f"{'M' if i == 0 else 'L'}{float(m.select_one('circle')['cx']):g} "
                            f"{float(m.select_one('circle')['cy']):g}" for i, m in enumerate(markers))
    assert page.select_one("#stop-0 .geo-link") is None
    for number, place in PLACES.items():
        article = page.select_one(f"#stop-{number}")
        assert article["data-lat"] == repr(place.lat) and article["data-lon"] == repr(place.lon)
        assert article["data-radius"] == f"{place.radius:g}"
        assert article.select_one(".geo-link")["href"] == f"geo:{place.lat!r},{place.lon!r}"
        assert article.select_one(".osm-link")["href"] == (
            f"https://www.openstreetmap.org/?mlat={place.lat!r}&mlon={place.lon!r}"
            f"#map=18/{place.lat!r}/{place.lon!r}")
    assert page.select_one('.download-list a[href="canals.gpx"]') is not None


def test_check_accepts_a_located_guide(walk: Path) -> None:
    code, out, err = run(walk.parents[2], "check")
    assert code == 0, err + out


def test_a_heading_key_matches_curly_and_straight_quotes_alike(tmp_path: Path) -> None:
    """An editor writes St. Mary’s, a keyboard St. Mary's: the key was "not a heading"."""
    tour = TOUR.replace("3: 52.3764, 4.8903, 25 m", "St. Mary's Square: 52.3764, 4.8903, 25 m") \
        .replace("## The Flower Market", "## St. Mary\u2019s Square")
    root = make_project(tmp_path / "project", tour)
    code, _, err = run(root, "render")
    assert code == 0, err


@pytest.mark.parametrize(("change", "message"), [
    (("[location 52.3745, 4.898, 40 m, osm W123]", "[location 95, 4.898]"),
     "canals.md: stop 'The Old Church': [location 95, 4.898]: latitude 95 is not between -90 and 90."),
    (("[location 52.3788, 4.9]", "[location 52.3788 north]"),
     "canals.md: stop 'The Station Square': [location 52.3788 north]: write LATITUDE, LONGITUDE or "
     "LATITUDE, LONGITUDE, RADIUS m (e.g. 52.3731, 4.8926, 40 m), not 52.3788 north."),
    (("3: 52.3764, 4.8903, 25 m", "7: 52.3764, 4.8903"),
     "canals.md: locations: there is no stop 7 (the stops are 1 to 3, as [guide] introduction = "
     "'unnumbered' numbers them)."),
    (("3: 52.3764, 4.8903, 25 m", "2: 52.3764, 4.8903"),
     "canals.md: stop 2 (The Old Church) has a location by number and another by heading or [location] "
     "line: keep one."),
    (("3: 52.3764, 4.8903, 25 m", "The Market: 52.3764, 4.8903"),
     "canals.md: locations: no stop is headed 'The Market' (the headings: 'The Station Square', 'The Old "
     "Church', 'The Flower Market'); use a heading as written, or the stop's number."),
    (("3: 52.3764, 4.8903, 25 m", "3: {lat: 52.3764, lon: 4.8903, radius: 0}"),
     "canals.md: locations: stop 3: radius 0 m is not between 1 and 10000 m."),
    # two stops with one heading: it was given to the last, without a word
    (("3: 52.3764, 4.8903, 25 m\n---\n", "The Square: 52.3764, 4.8903\n---\n## The Square\n\nOne.\n\n"
                                         "## The Square\n\nTwo.\n"),
     "canals.md: locations: 2 stops are headed 'The Square': give each its location by its stop number "
     "instead (1: 52.37, 4.89)."),
    # a location inside a sentence, or on the line under the text: it was read aloud, and the stop
    # had no place
    (("Flowers float on the canal here.", "Flowers float. [location 52.3764, 4.8903] Look."),
     "canals.md: line 27: stop 'The Flower Market': '[location 52.3764, 4.8903]' is inside the text, where "
     "it would be read aloud: put it on a line of its own directly under the stop's heading."),
    (("Flowers float on the canal here.", "Flowers float on the canal here.\n[location 52.3764, 4.8903]"),
     "canals.md: line 28: stop 'The Flower Market': '[location 52.3764, 4.8903]' is inside the text, where "
     "it would be read aloud: put it on a line of its own directly under the stop's heading."),
    (("Flowers float on the canal here.", "Flowers float on the canal here.\n\n[location 52.3764, 4.8903]"),
     "canals.md: line 29: stop 'The Flower Market': '[location 52.3764, 4.8903]' is below the stop's "
     "text: put it on a line of its own directly under the stop's heading."),
])
def test_bad_locations_are_one_line_errors_naming_the_stop(tmp_path: Path, change: tuple[str, str],
                                                           message: str) -> None:
    root = make_project(tmp_path / "project", TOUR.replace(*change))
    code, _, err = run(root, "render")
    assert code == 2
    assert err.strip().splitlines() == [f"Error: {root / 'episodes' / message}"]
    assert not (root / "output" / "guides" / "canals").exists()


def test_locations_may_name_a_stop_by_its_title_without_its_plaque_number(tmp_path: Path) -> None:
    """``## 13. The Trafalgar Tavern`` keyed ``The Trafalgar Tavern:`` (its title on the page) was
    refused: "no stop is headed 'The Trafalgar Tavern'"."""
    tour = (TOUR.replace("## The Flower Market", "## 3. The Flower Market")
            .replace("  3: 52.3764, 4.8903, 25 m", '  "The Flower Market": {lat: 52.3764, lon: 4.8903, radius: 25}'))
    root = make_project(tmp_path / "project", tour)
    code, _, err = run(root, "render")
    assert code == 0, err
    assert _record(root / "output" / "guides" / "canals").stops[3].location == PLACES[3]


def test_a_location_line_without_blank_lines_around_it_is_the_stops_place(tmp_path: Path) -> None:
    """``## The Gate`` then ``[location …]`` then the text, no blank line between: the line was the
    start of the stop's text, read aloud, and the stop had no coordinates (no map, no GPX)."""
    tight = (TOUR.replace("\n\n[location 52.3788, 4.9]\n\n", "\n[location 52.3788, 4.9]\n")
             .replace("Welcome to", "[location 52.3790, 4.9001]\nWelcome to"))
    root = make_project(tmp_path / "project", tight)
    code, _, err = run(root, "render")
    assert code == 0, err
    folder = root / "output" / "guides" / "canals"
    record = _record(folder)
    assert record.stops[1].location == PLACES[1]
    assert record.stops[0].location == Location(52.379, 4.9001, 30.0)
    spoken = "".join(p.read_text("utf-8") for p in folder.glob("*.vtt"))
    assert "location" not in spoken.lower() and "52.37" not in spoken
    assert (folder / "canals.gpx").exists()


def test_adding_a_location_later_updates_the_guide_without_speaking_again(tmp_path: Path) -> None:
    tour = TOUR.replace("[location 52.3788, 4.9]\n\n", "")
    root = make_project(tmp_path / "project", tour)
    assert run(root, "render")[0] == 0
    folder = root / "output" / "guides" / "canals"
    assert _record(folder).stops[1].location is None
    (root / "episodes" / "canals.md").write_text(TOUR, "utf-8")
    code, out, err = run(root, "render")
    assert code == 0, err
    assert _record(folder).stops[1].location == PLACES[1]
    assert b"geo:52.3788,4.9" in (folder / "feed.xml").read_bytes()
    # Every location gone: so is the GPX file and the map.
    bare = "\n".join(line for line in TOUR.splitlines()
                     if not line.startswith(("[location", "locations:", "  3:")))
    (root / "episodes" / "canals.md").write_text(bare, "utf-8")
    assert run(root, "render")[0] == 0
    assert not (folder / "canals.gpx").exists()
    assert "route-map" not in (folder / "index.html").read_text("utf-8")


# --------------------------------------------------------------------------------------------
# The map's projection, without a page
# --------------------------------------------------------------------------------------------

def _stop(number: int, lat: float, lon: float) -> StopRecord:
    return StopRecord(number, f"S{number}", f"{number:02d}.mp3", 1, 1.0, (), True, Location(lat, lon, 30.0))


def _ground(a: Location, b: Location) -> float:
    """Great-circle metres between two places (haversine on the WGS 84 equatorial sphere)."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    return 2 * 6_378_137.0 * math.asin(math.sqrt(h))


@pytest.mark.parametrize("lat", [0.0, 52.37, 69.65])  # the equator, Amsterdam, Tromsø
def test_map_keeps_shapes_and_its_scale_bar_measures_the_ground(lat: float) -> None:
    """A walk around a square block (400 m a side) is drawn square at any latitude (Web Mercator
    keeps angles), fills the width, and the scale bar's length matches the ground."""
    side = 400.0
    dlat = math.degrees(side / 6_378_137.0)
    dlon = dlat / math.cos(math.radians(lat))
    stops = [_stop(1, lat, 10.0), _stop(2, lat, 10.0 + dlon), _stop(3, lat + dlat, 10.0 + dlon),
             _stop(4, lat + dlat, 10.0)]
    drawn = route_map(stops, {s.number: f"S{s.number}" for s in stops}, {s.number: f"stop-{s.number}" for s in stops})
    assert drawn is not None
    xs = [m.x for m in drawn.markers]
    ys = [m.y for m in drawn.markers]
    assert [m.anchor for m in drawn.markers] == ["stop-1", "stop-2", "stop-3", "stop-4"]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    assert abs(width - height) <= 0.01 * width + 0.2  # square on the ground, square on the map
    assert all(0 < x < drawn.width for x in xs) and all(0 < y < drawn.height for y in ys)
    assert ys[2] < ys[1]  # north is up
    metres_per_unit = _ground(stops[0].location, stops[1].location) / (xs[1] - xs[0])  # type: ignore[arg-type]
    said = float(drawn.scale_text.split()[0]) * (1000 if drawn.scale_text.endswith("km") else 1)
    assert abs(drawn.scale_length * metres_per_unit - said) / said < 0.01
    assert drawn.path.startswith("M") and drawn.path.count("L") == 3


def test_markers_of_stops_a_few_metres_apart_do_not_cover_each_other() -> None:
    """On a 1 km walk, stops 15 m apart were drawn on top of each other (stop 3's number hidden),
    and two stops at one place as one marker."""
    north = math.degrees(1000 / 6_378_137.0)
    step = math.degrees(15 / 6_378_137.0)
    stops = [_stop(1, 55.9486, -3.1999), _stop(2, 55.9486 + north / 2, -3.1999), _stop(3, 55.9486 + north / 2 + step,
             -3.1999), _stop(4, 55.9486 + north, -3.1999), _stop(5, 55.9486 + north, -3.1999)]
    drawn = route_map(stops, {s.number: f"S{s.number}" for s in stops}, {s.number: f"stop-{s.number}" for s in stops})
    assert drawn is not None
    points = [(m.x, m.y) for m in drawn.markers]
    for i, a in enumerate(points):
        for b in points[i + 1:]:
            assert math.dist(a, b) >= 39.8  # a marker is 36 across
    assert all(0 < x < drawn.width and 0 < y < drawn.height for x, y in points)
    assert points[0][1] > points[1][1] > points[3][1]  # still north up, in order along the walk


def test_a_walk_across_the_180th_meridian_is_drawn_as_a_walk() -> None:
    """Two stops 45 m apart either side of the 180° line (Taveuni, Fiji) were drawn at the opposite
    edges of the map, with a scale bar of 10000 km."""
    stops = [_stop(1, -16.7958, 179.9998), _stop(2, -16.7960, -179.9996)]
    drawn = route_map(stops, {1: "S1", 2: "S2"}, {1: "stop-1", 2: "stop-2"})
    assert drawn is not None
    assert drawn.scale_text.endswith(" m")
    (x1, _), (x2, _) = [(m.x, m.y) for m in drawn.markers]
    assert x2 > x1  # the second stop is east of the first, as on the ground
    metres_per_unit = _ground(stops[0].location, stops[1].location) / math.dist(  # type: ignore[arg-type]
        *[(m.x, m.y) for m in drawn.markers])
    said = float(drawn.scale_text.split()[0])
    assert abs(drawn.scale_length * metres_per_unit - said) / said < 0.02


def test_map_of_one_stop_and_of_none() -> None:
    one = route_map([_stop(1, 48.8583, 2.2945)], {1: "S1"}, {1: "stop-1"})
    assert one is not None and one.path == "" and one.scale_text == ""
    [marker] = one.markers
    assert (marker.x, marker.y) == (one.width / 2, one.height / 2)
    assert route_map([], {}, {}) is None
    assert project(0.0, 0.0) == pytest.approx((0.0, 0.0), abs=1e-6)


# --------------------------------------------------------------------------------------------
# The theme the listener chooses is the site's own palette
# --------------------------------------------------------------------------------------------

def _variables(css: str, opening: str) -> dict[str, str]:
    """The custom properties of the first block that follows ``opening`` in ``css``."""
    start = css.index(opening)
    body = css[css.index("{", start + len(opening) - 1) + 1:]
    body = body[:body.index("}")]
    return dict(re.findall(r"(--[\w-]+):\s*([^;]+);", body))


def test_chosen_themes_use_the_site_palettes() -> None:
    static = Path(audioguide.__file__).parent / "static"
    site, guide = (static / "style.css").read_text(), (static / "guide.css").read_text()
    light = {k: v for k, v in _variables(site, ":root {").items() if k != "--radius"}
    dark = _variables(site, "@media (prefers-color-scheme: dark) {\n  :root {")
    assert _variables(guide, ':root[data-theme="light"] {') == light
    assert _variables(guide, ':root[data-theme="dark"] {') == dark
    assert len(dark) > 10
