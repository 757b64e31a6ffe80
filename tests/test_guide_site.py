"""The audio guide's web page: stops, QR codes, placards and offline use in a real Chromium.

One guide is built once for the module: three stops whose MP3s are short, distinct tones made with
ffmpeg, a 1400 px cover at the output root, and a hand-made :class:`GuideRecord`. The output root
is served by :func:`audioguide.publish.serve.create_server` on a port picked before the build, so the QR
codes point at that server. The unit tests parse the HTML (and rasterize the inline QR SVGs
themselves); the browser tests drive headless Chromium with Playwright, including the service
worker with the network switched off and the server stopped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import os
import re
import shutil
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup, Tag

from audioguide.config import parse_config
from audioguide.ffmpeg import run
from audioguide.guide.page import (
    build_guide_page,
    cache_version,
    qr_svg,
    short_name,
    stop_url,
)
from audioguide.models import Chapter, Cue, GuideRecord, StopRecord
from audioguide.publish.serve import create_server
from audioguide.settings import Config
from tests.browser import page_errors

SLUG = "old-town"
HOSTILE = '<script>alert(1)</script> & "]]>'
TONES = ((1, "Welcome to the Old Town", 440, 4.0),
         (2, f"The Market Hall {HOSTILE}", 660, 3.0),
         (3, "The River Gate", 880, 5.0))
"""Stops: number, title, tone frequency (Hz) and length (seconds)."""


# --------------------------------------------------------------------------------------------
# The guide, built and served once
# --------------------------------------------------------------------------------------------

def _tone(path: Path, frequency: int, seconds: float) -> None:
    run(["-f", "lavfi", "-i", f"sine=frequency={frequency}:duration={seconds}", "-ac", "1",
         "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "64k", str(path)])


def _duration(path: Path) -> float:
    from mutagen.mp3 import MP3

    return float(MP3(path).info.length)


def _cover(path: Path) -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1400, 1400), (26, 86, 196))
    ImageDraw.Draw(image).ellipse((350, 350, 1050, 1050), fill=(255, 243, 196))
    image.save(path, format="JPEG", quality=85)


def make_guide(guide_dir: Path) -> GuideRecord:
    """Three real stop MP3s and the side files in ``guide_dir``, and the record describing them."""
    guide_dir.mkdir(parents=True, exist_ok=True)
    stops: list[StopRecord] = []
    for number, title, frequency, seconds in TONES:
        name = f"{number:02d}-stop-{number}.mp3"
        _tone(guide_dir / name, frequency, seconds)
        duration = _duration(guide_dir / name)
        cues = (Cue(f"Stop {number}: {title}", 0.2, 1.2),
                Cue(f"A tone of {frequency} hertz.", 1.4, min(duration, 2.6)),
                Cue("Listen closely.", 2.7, duration))
        stops.append(StopRecord(number, title, name, (guide_dir / name).stat().st_size,
                                duration, cues))
    (guide_dir / f"{SLUG}.mp3").write_bytes(b"".join((guide_dir / s.file).read_bytes() for s in stops))
    (guide_dir / f"{SLUG}.m4b").write_bytes(b"\x00\x00\x00\x18ftypM4B ")
    (guide_dir / f"{SLUG}.m3u8").write_text(
        "#EXTM3U\n" + "".join(f"#EXTINF:{round(s.duration)},{s.title}\n{s.file}\n" for s in stops),
        encoding="utf-8")
    with zipfile.ZipFile(guide_dir / f"{SLUG}.zip", "w") as archive:
        for s in stops:
            archive.write(guide_dir / s.file, s.file)
    (guide_dir / "feed.xml").write_text("<rss/>", encoding="utf-8")
    starts = [0.0]
    for s in stops:
        starts.append(starts[-1] + s.duration)
    return GuideRecord(
        slug=SLUG, title="Old Town Walk", description=f"A short walk. {HOSTILE}", language="en",
        date=dt.date(2026, 5, 1), stops=tuple(stops), full_mp3=f"{SLUG}.mp3",
        full_m4b=f"{SLUG}.m4b", full_duration=starts[-1],
        chapters=tuple(Chapter(s.title, starts[i], starts[i + 1]) for i, s in enumerate(stops)),
        playlist=f"{SLUG}.m3u8", archive=f"{SLUG}.zip")


@dataclass
class Guide:
    config: Config
    record: GuideRecord
    out: Path
    """The output root (served)."""
    dir: Path
    """``out/guides/<slug>/``."""
    url: str
    """The served guide page, ``http://127.0.0.1:PORT/guides/<slug>/``."""
    written: list[Path]
    shots: Path

    @property
    def base_url(self) -> str:
        return self.config.show.base_url

    def page(self) -> BeautifulSoup:
        return BeautifulSoup((self.dir / "index.html").read_text("utf-8"), "html.parser")


def _serve(root: Path, port: int = 0) -> Any:
    server = create_server(root, "127.0.0.1", port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def guide(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Guide]:
    base = tmp_path_factory.mktemp("guide")
    root = base / "project"
    out = root / "output"
    guide_dir = out / "guides" / SLUG
    record = make_guide(guide_dir)
    _cover(out / "cover.jpg")
    server = _serve(out)  # first, so that the QR codes can name its port
    port = server.port
    config = parse_config({"show": {"title": "City Walks", "base_url": f"http://127.0.0.1:{port}/",
                                    "author": "Sample Author"}}, root)
    written = build_guide_page(config, record, guide_dir, base_url=config.show.base_url,
                               cover="../../cover.jpg")
    shots = Path(os.environ.get("AUDIOGUIDE_SCREENSHOTS", str(base / "screenshots")))
    shots.mkdir(parents=True, exist_ok=True)
    try:
        yield Guide(config, record, out, guide_dir, f"http://127.0.0.1:{port}/guides/{SLUG}/",
                    written, shots)
    finally:
        server.shutdown()
        server.server_close()


def one(page: BeautifulSoup | Tag, selector: str) -> Tag:
    found = page.select(selector)
    assert len(found) == 1, f"{selector!r} matched {len(found)} elements"
    return found[0]


def _text(tag: Tag) -> str:
    return " ".join(tag.get_text(" ").split())


# --------------------------------------------------------------------------------------------
# QR codes without a browser: rasterize segno's inline SVG path ourselves
# --------------------------------------------------------------------------------------------

def rasterize_qr(svg: Tag, module: int = 8) -> Any:
    """The QR code drawn by the ``<svg>`` (a white square and one path of 1-unit strokes)."""
    from PIL import Image, ImageDraw

    width, height = (int(float(v)) for v in str(svg.get("viewbox") or svg["viewBox"]).split()[2:])
    image = Image.new("L", (width * module, height * module), 255)
    draw = ImageDraw.Draw(image)
    stroke = next(p for p in svg.find_all("path") if p.get("stroke"))
    x = y = 0.0
    for command, args in re.findall(r"([MmHh])([^MmHh]*)", str(stroke["d"])):
        numbers = [float(n) for n in args.replace(",", " ").split()]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:
            length = numbers[0] if command == "h" else numbers[0] - x
            left, right = sorted((x, x + length))
            row = int(y - 0.5)
            draw.rectangle((left * module, row * module, right * module - 1, (row + 1) * module - 1),
                           fill=0)
            x += length
    return image


def decode_qr(image: Any) -> list[str]:
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp is not installed")
    return [r.text for r in zxingcpp.read_barcodes(image)]


# --------------------------------------------------------------------------------------------
# Unit tests on the written files
# --------------------------------------------------------------------------------------------

def test_files_are_written_and_returned(guide: Guide) -> None:
    names = [p.name for p in guide.written]
    assert names == ["style.css", "guide.css", "guide.js", "manifest.webmanifest", "sw.js",
                     "index.html"]
    assert all(p.parent == guide.dir.resolve() and p.is_file() for p in guide.written)


def test_page_lists_every_stop_in_order(guide: Guide) -> None:
    page = guide.page()
    assert page.html is not None and page.html["lang"] == "en"
    assert _text(one(page, "h1")) == "Old Town Walk"
    articles = page.select("article.stop")
    assert [a["id"] for a in articles] == ["stop-1", "stop-2", "stop-3"]
    for article, stop in zip(articles, guide.record.stops, strict=True):
        assert _text(one(article, ".stop-number")) == str(stop.number)
        assert _text(one(article, "h2")) == f"Stop {stop.number}: {stop.title}"
        audio = one(article, "audio")
        assert audio.has_attr("controls") and audio["preload"] == "none"
        assert audio["src"] == stop.file
        assert one(article, "time.duration")["datetime"].startswith("PT")
        assert [_text(p.select_one(".cue-text")) for p in article.select(".cue")] == [
            c.text for c in stop.cues]
        assert one(article, "a.stop-link")["href"] == f"#stop-{stop.number}"
    nexts = [a.select_one("a.next-stop") for a in articles]
    assert [n["href"] if n else None for n in nexts] == ["#stop-2", "#stop-3", None]
    assert one(page, "#play-in-order").has_attr("checked")
    assert _text(one(page, "label[for=play-in-order]")) == "Play stops one after another"
    assert one(page, "#print-placards")["type"] == "button"


def test_downloads_and_podcast_link(guide: Guide) -> None:
    page = guide.page()
    links = {a["href"]: _text(a) for a in page.select(".download-list a")}
    assert set(links) == {f"{SLUG}.mp3", f"{SLUG}.m4b", f"{SLUG}.zip", f"{SLUG}.m3u8"}
    assert "MB" in links[f"{SLUG}.mp3"] or "kB" in links[f"{SLUG}.mp3"]
    feed_url = f"{guide.base_url}guides/{SLUG}/feed.xml"
    podcast = one(page, 'a[href^="podcast://"]')
    assert podcast["href"] == "podcast://" + feed_url.split("://", 1)[1]
    assert _text(one(page, ".feed-address")) == feed_url
    assert page.select_one('a[href="feed.xml"]') is not None
    assert one(page, 'link[rel="manifest"]')["href"] == "manifest.webmanifest"


def _urls(page: BeautifulSoup) -> list[str]:
    """What the browser follows or loads (the canonical address is absolute by definition and
    not fetched; test_translations checks it)."""
    return ([str(t["href"]) for t in page.select("[href]:not([rel=canonical])")]
            + [str(t["src"]) for t in page.select("[src]")])


def test_urls_are_relative_and_resolve(guide: Guide) -> None:
    for url in _urls(guide.page()):
        if url.startswith("podcast://"):
            continue
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc and not url.startswith("/"), url
        if not parts.path:
            assert re.fullmatch(r"#(content|stop-[123])", url), url
            continue
        target = (guide.dir / unquote(parts.path)).resolve()
        if parts.path.endswith("/"):
            target = target / "index.html"
        if target == (guide.out / "index.html").resolve() or target.name == "feed.xml":
            continue  # the show's page and feed come from the podcast site build
        assert target.is_file(), url
        assert guide.out.resolve() in target.parents, url


def test_hostile_titles_are_text(guide: Guide) -> None:
    html = (guide.dir / "index.html").read_text("utf-8")
    assert "<script>alert" not in html
    page = guide.page()
    assert [str(s["src"]) for s in page.select("script:not([type='application/json'])")] == ["guide.js"]
    assert all(isinstance(v, str) for v in json.loads(one(page, "#guide-words").string or "").values())
    assert HOSTILE in _text(one(page, "#stop-2-title"))
    assert HOSTILE in _text(one(page, ".guide-head .description"))
    assert HOSTILE in str(one(page, "#stop-2 audio")["aria-label"])


def test_qr_codes_hold_the_stop_urls(guide: Guide) -> None:
    page = guide.page()
    for stop in guide.record.stops:
        url = stop_url(guide.base_url, SLUG, stop.number)
        assert url == f"{guide.base_url}guides/{SLUG}/#stop-{stop.number}"
        svg = one(page, f"#stop-{stop.number} svg")
        assert svg["role"] == "img"
        assert svg["aria-label"] == f"QR code for stop {stop.number}: {url}"
        assert decode_qr(rasterize_qr(svg)) == [url]
        assert _text(one(page, f"#stop-{stop.number} .qr-url")) == url


def test_qr_svg_escapes_its_label() -> None:
    svg = str(qr_svg("http://x.org/", 'say "hi" <b>'))
    assert svg.startswith('<svg role="img" aria-label="say &#34;hi&#34; &lt;b&gt;"') or \
        svg.startswith('<svg role="img" aria-label="say &quot;hi&quot; &lt;b&gt;"')


def test_manifest(guide: Guide) -> None:
    data = json.loads((guide.dir / "manifest.webmanifest").read_text("utf-8"))
    assert data["name"] == "Old Town Walk"
    assert data["short_name"] == "Old Town" and len(data["short_name"]) <= 12
    assert data["start_url"] == "." and data["scope"] == "." and data["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-f]{6}", data["background_color"])
    assert re.fullmatch(r"#[0-9a-f]{6}", data["theme_color"])
    [icon] = data["icons"]
    assert icon["src"] == "../../cover.jpg" and (guide.dir / icon["src"]).resolve().is_file()
    assert icon["sizes"] == "1400x1400" and icon["type"] == "image/jpeg"


def test_short_name() -> None:
    assert short_name("Old Town Walk") == "Old Town"
    assert short_name("Supercalifragilistic") == "Supercalifra"
    assert short_name("Zoo") == "Zoo"


def _sw_config(guide_dir: Path) -> dict[str, Any]:
    text = (guide_dir / "sw.js").read_text("utf-8")
    match = re.search(r"self\.AUDIOGUIDE_GUIDE = (\{.*?\});\n", text, re.S)
    assert match, "sw.js has no generated preamble"
    return dict(json.loads(match[1]))


def test_service_worker_precaches_the_guide(guide: Guide) -> None:
    config = _sw_config(guide.dir)
    assert config["precache"] == ["index.html", "style.css", "guide.css", "guide.js",
                                  "manifest.webmanifest", "../../cover.jpg",
                                  *[s.file for s in guide.record.stops]]
    assert re.fullmatch(rf"audioguide-guide:{SLUG}:[0-9a-f]{{16}}", config["cacheName"])
    assert config["cacheName"].startswith(config["cachePrefix"])
    text = (guide.dir / "sw.js").read_text("utf-8")
    for needle in ('"install"', '"activate"', '"fetch"', "206", "Content-Range", "skipWaiting"):
        assert needle in text


def test_cache_version_follows_the_files() -> None:
    entries: list[tuple[str, bytes | None, int | None]] = [("index.html", b"<p>", None),
                                                           ("01-a.mp3", None, 1000)]
    first = cache_version(entries)
    assert first == cache_version(list(entries))
    assert cache_version([entries[0], ("01-a.mp3", None, 1001)]) != first
    assert cache_version([("index.html", b"<p>!", None), entries[1]]) != first
    assert cache_version([entries[0], ("01-b.mp3", None, 1000)]) != first


def test_output_is_deterministic_and_rerender_keeps_files(guide: Guide, tmp_path: Path) -> None:
    copy = tmp_path / "project"
    shutil.copytree(guide.config.root, copy)
    copy_dir = copy / "output" / "guides" / SLUG
    config = dataclasses.replace(guide.config, root=copy)
    for path in copy_dir.iterdir():
        if path.name in {p.name for p in guide.written}:
            path.unlink()
    written = build_guide_page(config, guide.record, copy_dir, base_url=guide.base_url,
                               cover="../../cover.jpg")
    assert [p.name for p in written] == [p.name for p in guide.written]
    for path, original in zip(written, guide.written, strict=True):
        assert path.read_bytes() == original.read_bytes(), path.name
    # Rendering again into the same folder leaves every file (and its mtime) alone.
    mtimes = {p: p.stat().st_mtime_ns for p in written}
    time.sleep(0.01)
    build_guide_page(config, guide.record, copy_dir, base_url=guide.base_url, cover="../../cover.jpg")
    assert {p: p.stat().st_mtime_ns for p in written} == mtimes
    # A re-rendered stop changes the service worker's cache name (and nothing else).
    version = _sw_config(copy_dir)["cacheName"]
    (copy_dir / guide.record.stops[0].file).unlink()
    _tone(copy_dir / guide.record.stops[0].file, 500, 4.0)
    build_guide_page(config, guide.record, copy_dir, base_url=guide.base_url, cover="../../cover.jpg")
    assert _sw_config(copy_dir)["cacheName"] != version


# --------------------------------------------------------------------------------------------
# A real Chromium
# --------------------------------------------------------------------------------------------

def _load_metadata(page: Any, number: int) -> None:
    """Have stop ``number``'s player (``preload="none"``) fetch its metadata."""
    page.evaluate("n => { const a = document.querySelector(`#stop-${n} audio`);"
                  " a.preload = 'metadata'; a.load(); }", number)
    page.wait_for_function(f"document.querySelector('#stop-{number} audio').readyState >= 1",
                           timeout=10_000)


def _audio(page: Any, number: int, expression: str) -> Any:
    return page.evaluate(f"(a => {expression})(document.querySelector('#stop-{number} audio'))")


def _wait_playing(page: Any, number: int) -> None:
    page.wait_for_function(
        f"(a => !a.paused && a.currentTime > 0.3)(document.querySelector('#stop-{number} audio'))",
        timeout=10_000)


@pytest.mark.browser
def test_browser_lists_stops_and_loads_their_audio(browser: Any, guide: Guide) -> None:
    page = browser.new_page()
    errors = page_errors(page)
    page.goto(guide.url, wait_until="load")
    assert page.locator("article.stop").count() == 3
    for stop in guide.record.stops:
        heading = page.inner_text(f"#stop-{stop.number}-title")
        assert stop.title in heading  # hostile title shown as text
        _load_metadata(page, stop.number)
        assert abs(_audio(page, stop.number, "a.duration") - stop.duration) < 0.3
        assert _audio(page, stop.number, "a.currentSrc") == guide.url + stop.file
    assert page.is_visible("#print-placards")
    assert errors == []
    page.close()


@pytest.mark.browser
def test_browser_qr_codes_decode_from_screenshots(browser: Any, guide: Guide) -> None:
    from PIL import Image

    context = browser.new_context(device_scale_factor=3)
    page = context.new_page()
    page.goto(guide.url, wait_until="load")
    # the offline line above the stops changes once the guide is saved for offline use, which
    # moves the stops: take the pictures after that, not while it may happen
    page.wait_for_function("document.getElementById('offline-status').textContent.startsWith('Saved')",
                           timeout=15_000)
    for stop in guide.record.stops:
        png = page.locator(f"#stop-{stop.number} svg.qr-code").screenshot()
        image = Image.open(io.BytesIO(png)).convert("L")
        assert decode_qr(image) == [stop_url(guide.base_url, SLUG, stop.number)]
    context.close()


@pytest.mark.browser
@pytest.mark.slow  # plays the ends of two stops in real time
def test_browser_next_stop_and_playing_in_order(browser: Any, guide: Guide) -> None:
    page = browser.new_page()
    errors = page_errors(page)
    page.goto(guide.url, wait_until="load")
    page.evaluate("localStorage.clear()")
    # (c) "Next stop" on stop 1 goes to #stop-2 and plays it.
    page.click("#stop-1 a.next-stop")
    page.wait_for_function("location.hash === '#stop-2'", timeout=5_000)
    _wait_playing(page, 2)
    assert page.evaluate("document.activeElement.id") == "stop-2"
    assert page.evaluate("document.querySelector('#stop-2').classList.contains('is-current')")
    assert _audio(page, 1, "a.paused")
    page.wait_for_function(  # scrolled (smoothly) to the top of the window
        "Math.abs(document.querySelector('#stop-2').getBoundingClientRect().top) < 40",
        timeout=5_000)
    # (d) Near its end, stop 2 hands over to stop 3.
    _audio(page, 2, "(a.currentTime = a.duration - 0.6, a.play(), 0)")
    page.wait_for_function("location.hash === '#stop-3'", timeout=10_000)
    _wait_playing(page, 3)
    assert _audio(page, 2, "a.paused")
    assert page.evaluate("document.querySelectorAll('article.is-current').length") == 1
    assert page.evaluate("document.querySelector('#stop-3').classList.contains('is-current')")
    _audio(page, 3, "a.pause()")
    # With the toggle off (and remembered), a stop that ends stays the last one played.
    page.uncheck("#play-in-order")
    assert page.evaluate("localStorage.getItem('audioguide:play-stops-in-order')") == "off"
    page.reload(wait_until="load")
    assert not page.is_checked("#play-in-order")
    _load_metadata(page, 1)
    _audio(page, 1, "(a.currentTime = a.duration - 0.4, a.play(), 0)")
    page.wait_for_function("document.querySelector('#stop-1 audio').ended", timeout=10_000)
    page.wait_for_timeout(300)
    assert _audio(page, 2, "a.paused") and page.evaluate("location.hash") != "#stop-2"
    page.check("#play-in-order")
    assert errors == []
    page.close()


@pytest.mark.browser
def test_browser_direct_link_highlights_the_stop(browser: Any, guide: Guide) -> None:
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    errors = page_errors(page)
    page.goto(guide.url + "#stop-3", wait_until="load")
    assert page.evaluate("document.activeElement.id") == "stop-3"
    assert page.evaluate("document.querySelector('#stop-3').classList.contains('is-current')")
    assert page.evaluate("document.querySelector('#stop-3').matches(':target')")
    assert page.locator("article.stop.is-current").count() == 1
    box = page.locator("#stop-3").bounding_box()
    assert box is not None and box["y"] < 800
    page.screenshot(path=str(guide.shots / "stop-3-linked.png"))
    # Playing another stop makes it the current one, in the address too, without scrolling.
    # (scrollY is read once the page has drawn twice: on a busy machine the browser may still be
    # keeping the linked stop in place as the script's styles settle, a few pixels at a time)
    scroll = _settled_scroll(page)
    _audio(page, 1, "a.play()")
    _wait_playing(page, 1)
    _audio(page, 1, "a.pause()")
    assert page.evaluate("location.hash") == "#stop-1" and _settled_scroll(page) == scroll
    assert page.locator("article.stop.is-current").count() == 1
    assert page.evaluate("document.querySelector('#stop-1').classList.contains('is-current')")
    colors = page.evaluate("[1, 2, 3].map(n => getComputedStyle("
                           "document.getElementById('stop-' + n)).borderTopColor)")
    assert colors[0] != colors[1] == colors[2]
    assert errors == []
    page.close()


def _settled_scroll(page: Any) -> int:
    """``scrollY`` after two more frames have been drawn (layout and scroll anchoring done)."""
    return int(page.evaluate("new Promise(done => requestAnimationFrame(() => "
                             "requestAnimationFrame(() => done(scrollY))))"))


def _cached_stops(page: Any) -> int:
    return int(page.evaluate("""async () => {
        const names = await caches.keys();
        let found = 0;
        for (const name of names) {
            const keys = await (await caches.open(name)).keys();
            found = Math.max(found, keys.filter(r => r.url.endsWith('.mp3')).length);
        }
        return found;
    }"""))


@pytest.mark.browser
def test_browser_offline_after_the_first_visit(browser: Any, guide: Guide) -> None:
    server = _serve(guide.out)  # its own origin, stopped halfway through
    url = f"http://127.0.0.1:{server.port}/guides/{SLUG}/"
    context = browser.new_context(service_workers="allow")
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload(wait_until="load")
        assert page.evaluate("navigator.serviceWorker.controller !== null")
        deadline = time.monotonic() + 10
        while _cached_stops(page) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _cached_stops(page) == 3
        page.wait_for_function(
            "document.getElementById('offline-status').textContent.startsWith('Saved')",
            timeout=5_000)
    finally:
        server.shutdown()
        server.server_close()
    context.set_offline(True)
    errors = page_errors(page)
    page.reload(wait_until="load")
    assert page.locator("article.stop").count() == 3
    assert page.evaluate("getComputedStyle(document.querySelector('.stop-number')).color") != \
        page.evaluate("getComputedStyle(document.body).color")  # the stylesheets came too
    stop = guide.record.stops[1]
    _load_metadata(page, 2)
    assert abs(_audio(page, 2, "a.duration") - stop.duration) < 0.3
    page.evaluate("""() => new Promise(resolve => {
        const a = document.querySelector('#stop-2 audio');
        a.addEventListener('seeked', () => resolve(true), { once: true });
        a.currentTime = 1.5;
    })""")
    assert abs(_audio(page, 2, "a.currentTime") - 1.5) < 0.1
    _audio(page, 2, "a.play()")
    page.wait_for_function("document.querySelector('#stop-2 audio').currentTime > 1.8",
                           timeout=10_000)
    _audio(page, 2, "a.pause()")
    # The service worker answers byte ranges from the cache itself.
    data = (guide.dir / stop.file).read_bytes()
    size = len(data)
    result = page.evaluate("""async (file) => {
        const get = async (range) => {
            const r = await fetch(file + '?v=1', { headers: { Range: range } });
            const body = new Uint8Array(await r.arrayBuffer());
            return { status: r.status, range: r.headers.get('Content-Range'),
                     length: r.headers.get('Content-Length'), body: Array.from(body.slice(0, 8)),
                     size: body.length };
        };
        return [await get('bytes=100-199'), await get('bytes=-50'), await get('bytes=99999999-')];
    }""", stop.file)
    middle, suffix, beyond = result
    assert (middle["status"], middle["range"], middle["length"], middle["size"]) == (
        206, f"bytes 100-199/{size}", "100", 100)
    assert bytes(middle["body"]) == data[100:108]
    assert (suffix["status"], suffix["range"], suffix["size"]) == (
        206, f"bytes {size - 50}-{size - 1}/{size}", 50)
    assert bytes(suffix["body"]) == data[size - 50:size - 42]
    assert (beyond["status"], beyond["range"]) == (416, f"bytes */{size}")
    assert page.evaluate("fetch('./?from=qr').then(r => r.text())").startswith("<!doctype html>")
    page.wait_for_function(
        "document.getElementById('offline-status').textContent.startsWith('Saved')", timeout=5_000)
    assert [e for e in errors if "(Range Not Satisfiable)" not in e] == []  # the 416 asked for
    context.close()


@pytest.mark.browser
def test_browser_print_shows_placards(browser: Any, guide: Guide) -> None:
    from PIL import Image

    context = browser.new_context(viewport={"width": 800, "height": 1100}, device_scale_factor=2)
    page = context.new_page()
    page.goto(guide.url, wait_until="load")
    page.emulate_media(media="print")
    for selector in ("audio", ".stop-actions", ".stop-transcript", ".guide-tools", ".downloads",
                     ".site-header", ".site-footer"):
        assert page.locator(selector).first.is_hidden(), selector
    assert page.locator("article.stop").count() == 3
    boxes = [page.locator(f"#stop-{n}").bounding_box() for n in (1, 2, 3)]
    assert all(boxes)
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 1 and boxes[1]["x"] > boxes[0]["x"]  # two a row
    assert boxes[2]["y"] >= boxes[0]["y"] + boxes[0]["height"] - 1
    for stop in guide.record.stops:
        assert page.is_visible(f"#stop-{stop.number} .stop-number")
        assert page.is_visible(f"#stop-{stop.number} h2")
        qr = page.locator(f"#stop-{stop.number} svg.qr-code")
        assert qr.is_visible()
        png = qr.screenshot()
        assert decode_qr(Image.open(io.BytesIO(png)).convert("L")) == [
            stop_url(guide.base_url, SLUG, stop.number)]
    page.screenshot(path=str(guide.shots / "print.png"), full_page=True)
    context.close()


@pytest.mark.browser
def test_browser_phone_width_and_dark_mode(browser: Any, guide: Guide) -> None:
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2,
                                      color_scheme=scheme)
        page = context.new_page()
        errors = page_errors(page)
        page.goto(guide.url + "#stop-2", wait_until="load")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, scheme
        page.screenshot(path=str(guide.shots / f"guide-375-{scheme}.png"), full_page=True)
        assert errors == []
        context.close()


@pytest.mark.browser
def test_browser_keyboard_reaches_next_stop(browser: Any, guide: Guide) -> None:
    page = browser.new_page()
    page.goto(guide.url, wait_until="load")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('#stop-1 a.next-stop')"):
            break
    else:
        pytest.fail("Tab never reached stop 1's Next stop button")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#stop-2'", timeout=5_000)
    _wait_playing(page, 2)
    _audio(page, 2, "a.pause()")
    page.close()


def test_french_labels_set_a_narrow_space_before_the_colon_and_name_the_introduction() -> None:
    """A French page said "Étape 1: Le Cutty Sark" and "Vous êtes près de l’étape 1: …" (French
    sets a narrow no-break space before a colon), and labelled the introduction's QR code "Code
    QR de Introduction"."""
    from audioguide.guide.page import stop_name, stop_views
    from audioguide.translations import translations

    stops = (StopRecord(0, "Introduction", "00-introduction.mp3", 1, 1.0, (), numbered=False),
             StopRecord(1, "Le Cutty Sark", "01-le-cutty-sark.mp3", 1, 1.0, ()))
    guide = GuideRecord(slug="greenwich", title="Greenwich", description="", language="fr",
                        date=dt.date(2026, 5, 1), stops=stops, full_mp3="g.mp3", full_m4b="g.m4b",
                        full_duration=2.0, chapters=(), playlist="g.m3u8", archive="g.zip")
    intro, first = stop_views(guide, "https://example.org/", "fr")
    assert stop_name(stops[1], "fr") == "Étape 1\u202f: Le Cutty Sark"
    assert first.said == "l’étape 1\u202f: Le Cutty Sark" and first.label_prefix == "Étape 1\u202f: "
    assert 'aria-label="Code QR de l’introduction\u202f: https://example.org/guides/greenwich/#stop-0"' in intro.qr
    assert "Code QR de l’étape 1\u202f: " in first.qr
    assert translations("fr").gettext("You are near {stop}.").format(stop=first.said) == (
        "Vous êtes près de l’étape 1\u202f: Le Cutty Sark.")
    assert stop_name(stops[1], "en") == "Stop 1: Le Cutty Sark"  # English keeps its colon
    assert 'aria-label="QR code for the introduction: ' in stop_views(guide, "https://example.org/", "en")[0].qr
