"""The guide page for people who walk (issue 17, points 2-5 and 8), in a real headless Chromium:
the keypad, the stop the listener is near (Playwright's emulated position and permission), the
route map, resuming and the comfort settings, offline after the first visit, and the print sheet.

The guide is the three-stop tone guide of :mod:`tests.test_guide_site`, its stops placed a few
hundred metres apart in Prague's Old Town; it is served by the project's own server.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from audioguide.config import parse_config
from audioguide.guide.page import build_guide_page
from audioguide.models import GuideRecord, Location
from tests.browser import page_errors
from tests.test_guide_site import HOSTILE, SLUG, _cover, _serve, make_guide

PLACES = {1: Location(50.08700, 14.42080, 40.0), 2: Location(50.08650, 14.41750, 40.0),
          3: Location(50.08550, 14.41400, 30.0)}
"""Stop number -> where it is (about 250 m apart, so every radius is far from the others)."""
FAR = {"latitude": 50.09500, "longitude": 14.40000}
"""Over a kilometre from every stop."""


def near(number: int, metres_north: float = 8.0) -> dict[str, float]:
    """A position ``metres_north`` of stop ``number`` (inside its radius)."""
    place = PLACES[number]
    return {"latitude": place.lat + metres_north / 111_320.0, "longitude": place.lon, "accuracy": 5.0}


@dataclass
class Walk:
    out: Path
    record: GuideRecord
    url: str
    server: Any


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Walk]:
    root = tmp_path_factory.mktemp("walk") / "project"
    out = root / "output"
    guide_dir = out / "guides" / SLUG
    record = make_guide(guide_dir)
    record = dataclasses.replace(record, stops=tuple(
        dataclasses.replace(s, location=PLACES[s.number]) for s in record.stops))
    _cover(out / "cover.jpg")
    server = _serve(out)
    config = parse_config({"show": {"title": "City Walks", "base_url": f"http://127.0.0.1:{server.port}/"}}, root)
    build_guide_page(config, record, guide_dir, base_url=config.show.base_url, cover="../../cover.jpg")
    try:
        yield Walk(out, record, f"http://127.0.0.1:{server.port}/guides/{SLUG}/", server)
    finally:
        server.shutdown()
        server.server_close()


def _playing(page: Any) -> list[str]:
    """The ids of the stops whose players are playing."""
    return list(page.evaluate(
        "[...document.querySelectorAll('article.stop')].filter(a => !a.querySelector('audio').paused)"
        ".map(a => a.id)"))


def _wait_playing(page: Any, number: int) -> None:
    page.wait_for_function(
        f"(a => !a.paused && a.currentTime > 0.2)(document.querySelector('#stop-{number} audio'))",
        timeout=10_000)


def _pause_all(page: Any) -> None:
    page.evaluate("document.querySelectorAll('audio').forEach(a => a.pause())")


@pytest.mark.browser
def test_keypad_plays_the_stop_typed_and_says_when_there_is_none(browser: Any, walk: Walk) -> None:
    page = browser.new_page()
    errors = page_errors(page)
    page.goto(walk.url, wait_until="load")
    entry = page.get_by_role("textbox", name="Number on the placard")
    assert entry.is_visible()
    # By keyboard alone: Tab to the field, type, Enter.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "keypad-input":
            break
    else:
        pytest.fail("Tab never reached the keypad")
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    _wait_playing(page, 3)
    assert _playing(page) == ["stop-3"] and page.evaluate("location.hash") == "#stop-3"
    status = page.get_by_role("status").filter(has_text="Playing")
    assert status.inner_text() == "Playing stop 3: The River Gate."
    assert page.evaluate("document.activeElement.id") == "keypad-input"  # ready for the next number
    # The on-screen keys, by their accessible names.
    page.get_by_role("button", name="2", exact=True).click()
    page.get_by_role("button", name="Play this stop").click()
    _wait_playing(page, 2)
    assert _playing(page) == ["stop-2"]
    # Numbers no stop has are said, and nothing else starts.
    for typed in ("7", "0"):
        page.fill("#keypad-input", typed)
        page.keyboard.press("Enter")
        page.wait_for_function("t => document.getElementById('keypad-status').textContent"
                               ".startsWith('There is no stop ' + t)", arg=typed)
        assert page.inner_text("#keypad-status") == f"There is no stop {typed}. The stops are 1 to 3."
        assert _playing(page) == ["stop-2"]
    assert page.input_value("#keypad-input") == "0"  # kept, to correct
    page.get_by_role("button", name="Delete the last digit").click()
    page.get_by_role("button", name="9", exact=True).click()
    assert page.input_value("#keypad-input") == "9"
    page.get_by_role("button", name="Delete the last digit").click()
    assert page.input_value("#keypad-input") == ""
    assert errors == []
    page.close()


@pytest.mark.browser
def test_near_stop_3_offers_stop_3_and_never_plays_it_unasked(browser: Any, walk: Walk) -> None:
    context = browser.new_context(geolocation=near(3), permissions=["geolocation"])
    page = context.new_page()
    errors = page_errors(page)
    page.goto(walk.url, wait_until="load")
    assert page.is_hidden("#near-offer")  # nothing is watched before the listener asks
    page.click("#near-toggle")
    assert page.get_attribute("#near-toggle", "aria-pressed") == "true"
    page.wait_for_selector("#near-offer", state="visible", timeout=10_000)
    assert page.inner_text("#near-text") == "You are near stop 3: The River Gate."
    assert page.inner_text("#near-play") == "Play stop 3"
    assert _playing(page) == []  # offered, never forced
    page.click("#near-play")
    _wait_playing(page, 3)
    assert page.is_hidden("#near-offer")
    _pause_all(page)
    # Walking on to stop 1 offers stop 1; "Not now" puts the offer away until the listener
    # leaves the stop; far from every stop nothing is offered.
    context.set_geolocation(near(1))
    page.wait_for_function("document.getElementById('near-text').textContent.includes('stop 1')", timeout=10_000)
    assert page.is_visible("#near-offer")
    page.click("#near-dismiss")
    assert page.is_hidden("#near-offer")
    seen = int(page.get_attribute("#nearby", "data-positions") or 0)
    context.set_geolocation(near(1, metres_north=12.0))
    page.wait_for_function(f"+document.getElementById('nearby').dataset.positions > {seen}", timeout=10_000)
    assert page.is_hidden("#near-offer")
    context.set_geolocation(FAR)
    page.wait_for_function("document.getElementById('near-status').textContent.startsWith('Watching')",
                           timeout=10_000)
    assert page.is_hidden("#near-offer") and _playing(page) == []
    page.click("#near-toggle")  # and off again
    assert page.get_attribute("#near-toggle", "aria-pressed") == "false"
    assert errors == []
    context.close()


GEOLOCATION_STUB = """
window.__watchers = [];
navigator.geolocation.watchPosition = function (ok, fail) { window.__watchers.push([ok, fail]); return 1; };
navigator.geolocation.clearWatch = function () {};
window.__fix = function (lat, lon, accuracy) {
  window.__watchers.forEach(function (w) { w[0]({coords: {latitude: lat, longitude: lon, accuracy: accuracy || 5},
                                                 timestamp: Date.now()}); });
};
window.__lost = function () {
  window.__watchers.forEach(function (w) { w[1]({code: 2, message: "position unavailable"}); });
};
"""
"""A position that the test gives, and takes away, when it says (a phone losing its signal for
a moment under an archway)."""


@pytest.mark.browser
def test_a_fix_after_a_lost_signal_clears_the_no_signal_note(browser: Any, walk: Walk) -> None:
    """Back at the stop already offered, the page said "no signal yet" beside the offer."""
    context = browser.new_context()
    context.add_init_script(GEOLOCATION_STUB)
    page = context.new_page()
    errors = page_errors(page)
    page.goto(walk.url, wait_until="load")
    page.click("#near-toggle")
    at = near(1)
    page.evaluate("([lat, lon]) => window.__fix(lat, lon)", [at["latitude"], at["longitude"]])
    assert page.is_visible("#near-offer") and "stop 1" in page.inner_text("#near-text")
    page.evaluate("window.__lost()")
    assert page.inner_text("#near-status") == "Waiting for a position\u2026 (no signal yet)"
    page.evaluate("([lat, lon]) => window.__fix(lat, lon)", [at["latitude"], at["longitude"]])
    assert page.inner_text("#near-status") == "" and page.is_visible("#near-offer")
    assert errors == []
    context.close()


CLOSE = {1: Location(50.08700, 14.42080, 30.0), 2: Location(50.08700 + 30 / 111_320.0, 14.42080, 30.0),
         3: PLACES[3]}
"""Stops 1 and 2 thirty metres apart, each with the default 30 m radius."""


@pytest.fixture(scope="module")
def close_walk(walk: Walk) -> str:
    """The walk's guide again, stops 1 and 2 placed 30 m apart, at its own address."""
    guide_dir = walk.out / "guides" / "close"
    record = make_guide(guide_dir)
    record = dataclasses.replace(record, stops=tuple(
        dataclasses.replace(s, location=CLOSE[s.number]) for s in record.stops))
    config = parse_config({"show": {"title": "City Walks", "base_url": walk.url}}, walk.out.parent)
    build_guide_page(config, record, guide_dir, base_url=config.show.base_url, cover="../../cover.jpg")
    return walk.url.replace(f"/guides/{SLUG}/", "/guides/close/")


STATUS_LOG = """
window.__said = [];
new MutationObserver(function () {
  window.__said.push(document.getElementById('near-status').textContent);
}).observe(document.getElementById('near-status'), {childList: true, characterData: true, subtree: true});
"""
"""Every text the near-a-stop status line is given (a screen reader reads each one out)."""
WATCHING = "Watching for the next stop. Nothing leaves this device."


def _fix(page: Any, metres_north: float, accuracy: float = 5.0) -> tuple[bool, str]:
    """Give the page a position ``metres_north`` of stop 1; whether a stop is offered, and which."""
    page.evaluate("([lat, lon, acc]) => window.__fix(lat, lon, acc)",
                  [CLOSE[1].lat + metres_north / 111_320.0, CLOSE[1].lon, accuracy])
    return page.is_visible("#near-offer"), page.inner_text("#near-text")


@pytest.mark.browser
def test_the_offer_near_two_close_stops_does_not_flap(browser: Any, close_walk: str) -> None:
    """Between two stops 30 m apart, readings jittering by a metre switched the offer at every
    reading; after "Not now", jitter at the radius' edge brought the offer back each time, and the
    status line said "Watching for the next stop…" each time; a first reading from a cell tower
    (3 km) offered stop 1 at once."""
    context = browser.new_context()
    context.add_init_script(GEOLOCATION_STUB)
    page = context.new_page()
    errors = page_errors(page)
    page.goto(close_walk, wait_until="load")
    page.click("#near-toggle")
    page.evaluate(STATUS_LOG)
    assert _fix(page, 0.0, accuracy=3000.0)[0] is False  # a cell tower's guess: nothing offered
    assert page.inner_text("#near-status") == "Looking for your position\u2026"
    offers = {_fix(page, 15.0 + (1 if i % 2 else -1)) for i in range(8)}
    assert len(offers) == 1 and next(iter(offers))[0]  # one stop offered, kept
    # Clearly nearer stop 2: it is offered.
    assert _fix(page, 28.0) == (True, "You are near stop 2: The Market Hall " + HOSTILE + ".")
    # At stop 1, "Not now"; then at its radius' edge, away from stop 2, the offer stays away.
    assert _fix(page, 0.0)[1] == "You are near stop 1: Welcome to the Old Town."
    page.click("#near-dismiss")
    page.evaluate("window.__said = []")
    for i in range(8):
        assert _fix(page, -29.0 if i % 2 else -31.0)[0] is False
    assert page.evaluate("window.__said") == []  # nothing new to say
    # Well away (over 1.5 radius): watching; back again, stop 1 is offered again.
    assert _fix(page, -60.0)[0] is False
    assert page.inner_text("#near-status") == WATCHING
    _fix(page, -61.0)
    assert page.evaluate("window.__said") == [WATCHING]  # said once
    assert _fix(page, -5.0) == (True, "You are near stop 1: Welcome to the Old Town.")
    assert errors == []
    context.close()


@pytest.mark.browser
def test_near_stop_without_permission_degrades_quietly(browser: Any, walk: Walk) -> None:
    context = browser.new_context(geolocation=near(2))  # position known, permission not granted
    page = context.new_page()
    errors = page_errors(page)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(walk.url, wait_until="load")
    page.click("#near-toggle")
    page.wait_for_function("document.getElementById('near-status').textContent.includes('not shared')",
                           timeout=10_000)
    assert page.is_hidden("#near-offer")
    assert page.get_attribute("#near-toggle", "aria-pressed") == "false"
    assert page.is_visible("#keypad-input")  # the keypad and the list still work
    assert errors == []
    assert all(url.startswith(walk.url) or url.endswith("/cover.jpg") for url in requests)  # nothing leaves
    context.close()
    # Permission given but no position (no signal): the page says it is looking, and waits.
    context = browser.new_context(permissions=["geolocation"])
    page = context.new_page()
    errors = page_errors(page)
    page.goto(walk.url, wait_until="load")
    page.click("#near-toggle")
    assert page.inner_text("#near-status") == "Looking for your position\u2026"
    assert page.is_hidden("#near-offer") and page.is_visible("#keypad-input")
    page.click("#near-toggle")
    assert page.get_attribute("#near-toggle", "aria-pressed") == "false"
    assert errors == []
    context.close()


@pytest.mark.browser
def test_map_has_one_marker_per_located_stop_in_order(browser: Any, walk: Walk) -> None:
    page = browser.new_page(viewport={"width": 800, "height": 1000})
    errors = page_errors(page)
    page.goto(walk.url, wait_until="load")
    markers = page.locator("svg.route-map a.route-marker")
    assert markers.count() == 3
    assert [markers.nth(i).get_attribute("data-stop") for i in range(3)] == ["stop-1", "stop-2", "stop-3"]
    assert [(markers.nth(i).locator("text").text_content() or "").strip() for i in range(3)] == ["1", "2", "3"]
    box = page.locator("svg.route-map").bounding_box()
    centres = []
    for i in range(3):
        b = markers.nth(i).locator("circle").bounding_box()
        assert box["x"] <= b["x"] and b["x"] + b["width"] <= box["x"] + box["width"]
        assert box["y"] <= b["y"] and b["y"] + b["height"] <= box["y"] + box["height"]
        centres.append((b["x"] + b["width"] / 2, b["y"] + b["height"] / 2))
    # West is left, north is up: stop 1 (north-east) ... stop 3 (south-west).
    assert centres[0][0] > centres[1][0] > centres[2][0]
    assert centres[0][1] < centres[1][1] < centres[2][1]
    markers.nth(1).click()
    page.wait_for_function("location.hash === '#stop-2'")
    assert page.evaluate("document.querySelector('#stop-2').classList.contains('is-current')")
    assert page.locator(".route-marker.is-current").get_attribute("data-stop") == "stop-2"
    assert page.get_attribute("#stop-2 .geo-link", "href") == "geo:50.0865,14.4175"
    assert errors == []
    page.close()


def _saved_visit(context: Any, url: str) -> tuple[Any, list[str]]:
    """A first visit to the guide at ``url``: the page, once its service worker has saved it,
    and the errors it reports."""
    page = context.new_page()
    errors = page_errors(page)
    page.goto(url, wait_until="load")
    page.wait_for_function(
        "document.getElementById('offline-status').textContent.startsWith('Saved')", timeout=15_000)
    return page, errors


@pytest.mark.browser
def test_resume_and_comfort_settings_work_offline_after_the_first_visit(browser: Any, walk: Walk) -> None:
    server = _serve(walk.out)  # its own origin, stopped halfway through
    url = f"http://127.0.0.1:{server.port}/guides/{SLUG}/"
    context = browser.new_context(service_workers="allow")
    try:
        page, errors = _saved_visit(context, url)
        page.select_option("#speed", "1.5")
        page.select_option("#theme", "dark")
        page.check("#large-text")
        page.evaluate("""() => new Promise(resolve => {
            const a = document.querySelector('#stop-2 audio');
            a.addEventListener('seeked', () => resolve(true), { once: true });
            a.preload = 'metadata';
            a.addEventListener('loadedmetadata', () => { a.currentTime = 1.5; }, { once: true });
            a.load();
        })""")
        page.evaluate("document.querySelector('#stop-2 audio').play()")
        _wait_playing(page, 2)
        _pause_all(page)
        played_to = page.evaluate("document.querySelector('#stop-2 audio').currentTime")
        assert played_to >= 1.5
    finally:
        server.shutdown()
        server.server_close()
    context.set_offline(True)
    page.reload(wait_until="load")
    deadline = time.monotonic() + 5
    while page.locator("article.stop").count() != 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert page.locator("article.stop").count() == 3
    # The settings are back, and applied.
    assert page.input_value("#speed") == "1.5" and page.input_value("#theme") == "dark"
    assert page.is_checked("#large-text")
    assert page.evaluate("document.documentElement.classList.contains('large-text')")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(18, 19, 22)"
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") == 20
    # Continue where the listener left off: stop 2, at the second they had reached.
    assert page.is_visible("#resume-button")
    said = " ".join((page.text_content("#resume-button") or "").split())
    assert said == f"Continue stop 2: The Market Hall {HOSTILE} at 0:0{int(played_to)}"
    page.click("#resume-button")
    page.wait_for_function(
        f"(a => !a.paused && a.currentTime > {played_to})(document.querySelector('#stop-2 audio'))",
        timeout=10_000)
    assert page.evaluate("document.querySelector('#stop-2 audio').playbackRate") == 1.5
    _pause_all(page)
    # The keypad plays a stop with no connection at all.
    page.fill("#keypad-input", "3")
    page.keyboard.press("Enter")
    _wait_playing(page, 3)
    assert page.evaluate("document.querySelector('#stop-3 audio').playbackRate") == 1.5
    _pause_all(page)
    page.select_option("#theme", "auto")
    page.uncheck("#large-text")
    assert page.evaluate("document.documentElement.hasAttribute('data-theme')") is False
    assert errors == []
    context.close()


@pytest.mark.browser
def test_print_sheet_is_still_one_placard_per_stop(browser: Any, walk: Walk) -> None:
    page = browser.new_page(viewport={"width": 800, "height": 1100})
    errors = page_errors(page)
    page.goto(walk.url, wait_until="load")
    page.emulate_media(media="print")
    for selector in (".keypad", ".nearby", ".route", ".guide-tools"):
        assert page.locator(selector).is_hidden(), selector
    assert page.locator("article.stop").count() == 3
    for number in PLACES:
        assert page.is_visible(f"#stop-{number} .stop-number")
        assert page.is_visible(f"#stop-{number} svg.qr-code")
        assert page.is_hidden(f"#stop-{number} .geo-link")
    assert errors == []
    page.close()


@pytest.mark.browser
def test_a_returning_visitor_is_told_the_guide_was_updated(browser: Any, walk: Walk, tmp_path: Path) -> None:
    """The saved version served the page, and the new one came silently on a later reload (the
    visitor saw the old page twice, then new audio beside old text)."""
    import shutil

    out = tmp_path / "output"
    shutil.copytree(walk.out, out)
    server = _serve(out)
    url = f"http://127.0.0.1:{server.port}/guides/{SLUG}/"
    context = browser.new_context(service_workers="allow")
    try:
        page, errors = _saved_visit(context, url)
        renamed = dataclasses.replace(walk.record, stops=(
            dataclasses.replace(walk.record.stops[0], title="The New Gate"), *walk.record.stops[1:]))
        config = parse_config({"show": {"title": "City Walks", "base_url": f"http://127.0.0.1:{server.port}/"}},
                              tmp_path)
        build_guide_page(config, renamed, out / "guides" / SLUG, base_url=config.show.base_url,
                         cover="../../cover.jpg")  # the guide rendered again, with a stop renamed
        page.reload(wait_until="load")
        page.wait_for_function(
            "document.getElementById('offline-status').textContent.includes('was updated')", timeout=15_000)
        page.reload(wait_until="load")
        assert "The New Gate" in page.inner_text(f"#stop-{walk.record.stops[0].number}-title")
        page.wait_for_function(
            "document.getElementById('offline-status').textContent.startsWith('Saved')", timeout=15_000)
        assert errors == []
    finally:
        context.close()
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_keypad_plays_a_plaque_numbered_stop(browser: Any, walk: Walk) -> None:
    """A museum's plaques numbered 101, 102, 205: typing 101 answered "There is no stop 101"."""
    guide_dir = walk.out / "guides" / "plaques"
    record = make_guide(guide_dir)
    record = dataclasses.replace(record, stops=tuple(
        dataclasses.replace(s, number=n) for s, n in zip(record.stops, (101, 102, 205), strict=True)))
    config = parse_config({"show": {"title": "City Walks", "base_url": walk.url}}, walk.out.parent)
    build_guide_page(config, record, guide_dir, base_url=config.show.base_url, cover="../../cover.jpg")
    page = browser.new_page()
    errors = page_errors(page)
    page.goto(walk.url.replace(f"/guides/{SLUG}/", "/guides/plaques/"), wait_until="load")
    for key in "205":
        page.get_by_role("button", name=key, exact=True).click()
    page.get_by_role("button", name="Play this stop").click()
    _wait_playing(page, 205)
    assert _playing(page) == ["stop-205"] and page.evaluate("location.hash") == "#stop-205"
    page.fill("#keypad-input", "101")
    page.keyboard.press("Enter")
    _wait_playing(page, 101)
    assert _playing(page) == ["stop-101"]
    page.fill("#keypad-input", "1")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('keypad-status').textContent.startsWith('There is no')")
    assert page.inner_text("#keypad-status") == "There is no stop 1. The stops are 101 to 205."
    assert errors == []
    page.close()
