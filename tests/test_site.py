"""The podcast web pages: unit tests on hand-made records, then a real Chromium on the sample.

The unit tests build the site from :class:`EpisodeRecord`s written by hand into ``tmp_path`` (no
audio needed) and parse the HTML with BeautifulSoup. The browser tests build the site from the rendered
sample's records into a copy of its output folder, serve it over HTTP on 127.0.0.1 (with Range
support, which Chromium needs to seek audio) and drive a headless Chromium with Playwright. The
sample is the tone-engine render: the pages are plumbing, and its cues and chapters line up with
its audio just as a Piper render's do.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import io
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup, Tag

from audioguide.errors import InputError
from audioguide.models import Chapter, Cue, EpisodeRecord
from audioguide.publish.site import (
    build_site,
    clock,
    iso_duration,
    long_date,
    podcast_url,
    seconds_attr,
)
from audioguide.settings import Config, ShowConfig
from tests.browser import page_errors

HOSTILE = '<script>alert(1)</script> & "]]>'
FEED_URL = "https://pods.example.org/show/feed.xml"


# --------------------------------------------------------------------------------------------
# Hand-made records
# --------------------------------------------------------------------------------------------

def make_record(slug: str, title: str, day: dt.date, number: int | None = 1) -> EpisodeRecord:
    """A plausible record with three chapters and a few cues; no audio behind it."""
    chapters = (Chapter("Introduction", 0.0, 30.5), Chapter("Why it matters", 30.5, 95.25),
                Chapter(f"Next steps for {title}", 95.25, 3725.0))
    cues = (Cue(f"Welcome. Today: {title}", 2.4, 6.0), Cue("A second sentence.", 6.3, 9.0),
            Cue("Why it matters", 30.7, 32.0), Cue("Because it does.", 32.6, 35.0),
            Cue(f"Next steps for {title}", 95.45, 98.0), Cue("Goodbye.", 3700.0, 3724.0))
    return EpisodeRecord(
        slug=slug, title=title, date=day, description=f"About {title}.", number=number,
        guid=f"audioguide:{slug}", kind="episode", mp3=f"{slug}.mp3", size=2_449_440,
        duration=3725.0, integrated_lufs=-16.0, true_peak_dbtp=-1.5, chapters=chapters, cues=cues,
    )


def make_config(root: Path, title: str = "Career Conversations", language: str = "en") -> Config:
    show = ShowConfig(title=title, description="Short episodes about interviews.",
                      author="Sample Author", language=language,
                      base_url="https://pods.example.org/show/")
    return Config(show=show, root=root)


def publish_side_files(out: Path, records: list[EpisodeRecord], cover: str = "cover.jpg") -> None:
    """Stand-ins for the files other publishing steps write, so that links can be checked."""
    (out / "episodes").mkdir(parents=True, exist_ok=True)
    (out / cover).write_bytes(b"\xff\xd8\xff\xd9")
    (out / "feed.xml").write_text("<rss/>", encoding="utf-8")
    for r in records:
        for name in (r.mp3, f"{r.slug}.vtt", f"{r.slug}.srt", f"{r.slug}.chapters.json"):
            (out / "episodes" / name).write_bytes(b"x")


@dataclass
class Site:
    out: Path
    config: Config
    records: list[EpisodeRecord]
    written: list[Path]

    def page(self, relative: str) -> BeautifulSoup:
        return BeautifulSoup((self.out / relative).read_bytes(), "lxml")


@pytest.fixture
def records() -> list[EpisodeRecord]:
    return [make_record("hostile", HOSTILE, dt.date(2026, 12, 2), number=2),
            make_record("second-interview", "Is a second interview a good sign?",
                        dt.date(2026, 11, 25), number=1)]


@pytest.fixture
def site(tmp_path: Path, records: list[EpisodeRecord]) -> Site:
    config = make_config(tmp_path, title=f"Show {HOSTILE}")
    out = tmp_path / "output"
    publish_side_files(out, records)
    written = build_site(config, records, out, cover="cover.jpg", feed_url=FEED_URL)
    return Site(out, config, records, written)


def one(page: BeautifulSoup | Tag, selector: str) -> Tag:
    """The single element matching ``selector``; fails the test when there is none."""
    found = page.select_one(selector)
    assert isinstance(found, Tag), f"nothing matches {selector!r}"
    return found


# --------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------

def test_clock_formats_minutes_and_hours() -> None:
    assert clock(0) == "0:00"
    assert clock(59.4) == "0:59"
    assert clock(59.6) == "1:00"
    assert clock(203.689) == "3:24"
    assert clock(3725) == "1:02:05"
    assert iso_duration(203.689) == "PT3M24S"
    assert iso_duration(3725) == "PT1H2M5S"
    assert iso_duration(0) == "PT0S"


def test_small_formatters() -> None:
    assert podcast_url("https://pods.example.org/show/feed.xml") == "podcast://pods.example.org/show/feed.xml"
    assert podcast_url("http://127.0.0.1:8000/feed.xml") == "podcast://127.0.0.1:8000/feed.xml"
    assert seconds_attr(55.436) == "55.436"
    assert seconds_attr(0.0) == "0"
    assert seconds_attr(30.5) == "30.5"
    assert long_date(dt.date(2026, 11, 5)) == "5 November 2026"


# --------------------------------------------------------------------------------------------
# Pages from hand-made records
# --------------------------------------------------------------------------------------------

def test_pages_exist_and_are_returned(site: Site) -> None:
    expected = {site.out / "index.html", site.out / "style.css", site.out / "site.js",
                site.out / "episodes" / "hostile.html", site.out / "episodes" / "second-interview.html"}
    assert set(site.written) == expected
    assert all(p.is_file() for p in expected)


def test_hostile_strings_are_text(site: Site) -> None:
    index = site.page("index.html")
    assert one(index, "h1").get_text(strip=True) == f"Show {HOSTILE}"
    assert [a.get_text() for a in index.select("ol.episode-list h3 a")] == [
        HOSTILE, "Is a second interview a good sign?"]
    episode = site.page("episodes/hostile.html")
    assert one(episode, "h1").get_text(strip=True) == HOSTILE
    assert HOSTILE in one(episode, "title").get_text()
    chapter_titles = [s.get_text() for s in episode.select("button.chapter .chapter-title")]
    assert chapter_titles[2] == f"Next steps for {HOSTILE}"
    assert f"Welcome. Today: {HOSTILE}" in [c.get_text() for c in episode.select(".cue-text")]
    # The only script is the site's own file: nothing was injected by a title.
    for page in (index, episode):
        scripts = page.find_all("script")
        assert len(scripts) == 1 and str(scripts[0].get("src", "")).endswith("site.js")
        assert not scripts[0].get_text().strip()
    raw = (site.out / "episodes" / "hostile.html").read_text("utf-8")
    assert "<script>alert" not in raw


def _urls(page: BeautifulSoup) -> list[str]:
    urls = [str(el["href"]) for el in page.select("a[href], link[href]")]
    return urls + [str(el["src"]) for el in page.select("[src]")]


@pytest.mark.parametrize("relative", ["index.html", "episodes/hostile.html",
                                      "episodes/second-interview.html"])
def test_links_are_relative_and_resolve(site: Site, relative: str) -> None:
    page = site.page(relative)
    base = (site.out / relative).parent
    urls = _urls(page)
    assert urls
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme == "podcast":
            assert url == podcast_url(FEED_URL)
            continue
        assert not parts.scheme and not parts.netloc, f"{relative}: {url} is not relative"
        if parts.path:
            target = (base / unquote(parts.path)).resolve()
            assert target.is_file(), f"{relative}: {url} does not resolve"
            assert site.out.resolve() in target.parents


def test_show_page_subscribe_block(site: Site) -> None:
    index = site.page("index.html")
    assert one(index, "html").get("lang") == "en"
    field = one(index, "#feed-url")
    assert field.name == "input" and field.get("value") == FEED_URL and field.has_attr("readonly")
    assert index.select("label[for=feed-url]")
    button = one(index, "#copy-feed")
    assert button.name == "button" and button.get("type") == "button"
    assert button.get_text() == "Copy"
    status = one(index, f"#{button['data-status']}")
    assert status.get("aria-live") == "polite"
    hrefs = [a.get("href") for a in index.select(".subscribe a")]
    assert "podcast://pods.example.org/show/feed.xml" in hrefs and "feed.xml" in hrefs
    cover = one(index, "img.cover")
    assert cover.get("src") == "cover.jpg" and HOSTILE in str(cover.get("alt"))
    for tag in ("header", "main", "footer", "meta[name=viewport]"):
        assert index.select(tag), tag


def test_show_page_episode_list(site: Site) -> None:
    items = site.page("index.html").select("ol.episode-list > li")
    assert len(items) == 2  # in the order given: newest first
    first = items[0]
    date, duration = first.select("time")
    assert date.get("datetime") == "2026-12-02" and date.get_text() == "2 December 2026"
    assert duration.get_text() == "1:02:05" and duration.get("datetime") == "PT1H2M5S"
    audio = one(first, "audio")
    assert audio.get("preload") == "none" and audio.has_attr("controls")
    assert audio.get("src") == "episodes/hostile.mp3"
    assert one(first, "h3 a").get("href") == "episodes/hostile.html"


def test_episode_page_player_chapters_transcript(site: Site, records: list[EpisodeRecord]) -> None:
    record = records[1]
    page = site.page("episodes/second-interview.html")
    player = one(page, "#player")
    assert player.name == "audio" and player.get("preload") == "metadata"
    assert player.get("src") == "second-interview.mp3" and player.has_attr("controls")
    track = one(player, "track")
    assert track.get("kind") == "captions" and track.get("src") == "second-interview.vtt"
    assert track.get("srclang") == "en" and track.has_attr("default")

    buttons = page.select("button.chapter")
    assert [float(str(b["data-start"])) for b in buttons] == [c.start for c in record.chapters]
    assert [b.get("type") for b in buttons] == ["button"] * 3
    assert one(buttons[1], ".chapter-time").get_text() == "0:30"
    assert one(buttons[2], ".chapter-time").get_text() == "1:35"

    cues = page.select(".cue")
    assert [float(str(c["data-start"])) for c in cues] == [c.start for c in record.cues]
    assert one(cues[-1], "button.cue-time").get_text().endswith("1:01:40")
    assert "cue-heading" in cues[2]["class"]  # "Why it matters" is a chapter heading read aloud

    downloads = {a.get("href"): a for a in page.select(".downloads a")}
    assert downloads["second-interview.mp3"].has_attr("download")
    assert {"second-interview.vtt", "second-interview.srt",
            "second-interview.chapters.json"} <= set(downloads)
    assert page.select("nav a[href='../index.html']")


def test_language_comes_from_the_show(tmp_path: Path, records: list[EpisodeRecord]) -> None:
    out = tmp_path / "output"
    build_site(make_config(tmp_path, language="de-DE"), records, out, cover="cover.jpg",
               feed_url=FEED_URL)
    page = BeautifulSoup((out / "episodes" / "hostile.html").read_bytes(), "lxml")
    assert one(page, "html").get("lang") == "de-DE"
    assert one(page, "track").get("srclang") == "de-DE"


def test_output_is_deterministic(tmp_path: Path, records: list[EpisodeRecord]) -> None:
    def build(out: Path) -> dict[str, bytes]:
        written = build_site(make_config(tmp_path), records, out, cover="cover.jpg", feed_url=FEED_URL)
        return {str(p.relative_to(out)): p.read_bytes() for p in written}

    first = build(tmp_path / "a")
    assert first == build(tmp_path / "b")
    # Building again over unchanged files leaves them (and their timestamps) alone.
    for p in (tmp_path / "a").rglob("*"):
        os.utime(p, ns=(1, 1))
    assert build(tmp_path / "a") == first
    assert {p.stat().st_mtime_ns for p in (tmp_path / "a").rglob("*") if p.is_file()} == {1}


def test_no_episodes_still_makes_a_show_page(tmp_path: Path) -> None:
    out = tmp_path / "output"
    build_site(make_config(tmp_path), [], out, cover="cover.jpg", feed_url=FEED_URL)
    assert "No episodes yet" in (out / "index.html").read_text("utf-8")


def test_slug_cannot_escape_the_output_folder(tmp_path: Path, records: list[EpisodeRecord]) -> None:
    bad = replace(records[0], slug="../../escaped")
    with pytest.raises(InputError):
        build_site(make_config(tmp_path), [bad], tmp_path / "output", cover="cover.jpg",
                   feed_url=FEED_URL)
    assert not (tmp_path / "escaped.html").exists()


# --------------------------------------------------------------------------------------------
# Browser tests: the rendered sample, served over HTTP, in a real Chromium
# --------------------------------------------------------------------------------------------

class _RangeHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with single byte-range support (HTTP 206), enough for media seeking."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".mp3": "audio/mpeg", ".vtt": "text/vtt", ".js": "text/javascript",
                      ".json": "application/json", ".xml": "application/xml"}

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def end_headers(self) -> None:
        self.send_header("Accept-Ranges", "bytes")
        super().end_headers()

    def send_head(self) -> io.BytesIO | Any:
        path = self.translate_path(self.path)
        match = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", "").strip())
        if not match or not os.path.isfile(path) or not (match[1] or match[2]):
            return super().send_head()
        size = os.path.getsize(path)
        if match[1]:
            start, end = int(match[1]), min(int(match[2]) if match[2] else size - 1, size - 1)
        else:
            start, end = max(0, size - int(match[2])), size - 1
        if start > end:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        with open(path, "rb") as f:
            f.seek(start)
            body = f.read(end - start + 1)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def _start_server(root: Path) -> Any:
    """``audioguide.publish.serve.create_server`` when it exists, else the small handler above."""
    try:
        from audioguide.publish.serve import create_server  # type: ignore[attr-defined]
    except ImportError:
        handler = functools.partial(_RangeHandler, directory=str(root))
        server: Any = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
    else:
        server = create_server(root, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _placeholder_cover(path: Path) -> None:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (26, 86, 196)).save(buf, format="JPEG")
    path.write_bytes(buf.getvalue())


@dataclass
class Served:
    root: Path
    url: str
    feed_url: str
    records: list[EpisodeRecord]
    shots: Path

    @property
    def record(self) -> EpisodeRecord:
        return self.records[0]

    def episode_url(self) -> str:
        return f"{self.url}episodes/{self.record.slug}.html"


@pytest.fixture(scope="module")
def served(rendered_tone: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The sample's output copied, its site built from its records, served on 127.0.0.1."""
    base = tmp_path_factory.mktemp("site")
    root = base / "output"
    shutil.copytree(rendered_tone.config.output_dir, root)
    records = [EpisodeRecord.from_json(json.loads(p.read_text("utf-8")))
               for p in sorted((root / "episodes").glob("*.json"))
               if not p.name.endswith(".chapters.json")]
    records.sort(key=lambda r: (r.date, r.number or 0, r.slug), reverse=True)
    assert records, "the sample render wrote no episode records"
    # Before publishing is wired into the render, the cover and captions may not exist yet.
    if not (root / "cover.jpg").is_file():
        _placeholder_cover(root / "cover.jpg")
    for r in records:
        vtt = root / "episodes" / f"{r.slug}.vtt"
        if not vtt.is_file():
            vtt.write_text("WEBVTT\n", encoding="utf-8")
    server = _start_server(root)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    feed_url = rendered_tone.config.show.base_url + "feed.xml"
    build_site(rendered_tone.config, records, root, cover="cover.jpg", feed_url=feed_url)
    shots = Path(os.environ.get("AUDIOGUIDE_SCREENSHOTS", str(base / "screenshots")))
    shots.mkdir(parents=True, exist_ok=True)
    try:
        yield Served(root, url, feed_url, records, shots)
    finally:
        server.shutdown()
        server.server_close()


def _wait_for_metadata(page: Any) -> None:
    page.wait_for_function("document.getElementById('player').readyState >= 1", timeout=10_000)


@pytest.mark.browser
def test_show_page_lists_episode_and_copies_feed(browser: Any, served: Served) -> None:
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served.url.rstrip("/"))
    page = context.new_page()
    errors = page_errors(page)
    page.goto(served.url + "index.html", wait_until="load")
    assert served.record.title in page.inner_text("ol.episode-list")
    assert page.input_value("#feed-url") == served.feed_url
    page.click("#copy-feed")
    page.wait_for_function("document.getElementById('copy-status').textContent === 'Copied'",
                           timeout=5_000)
    assert page.evaluate("navigator.clipboard.readText()") == served.feed_url
    assert errors == []
    context.close()


@pytest.mark.browser
def test_episode_audio_chapters_and_transcript(browser: Any, served: Served) -> None:
    page = browser.new_page()
    errors = page_errors(page)
    page.goto(served.episode_url(), wait_until="load")
    _wait_for_metadata(page)
    assert abs(page.evaluate("player.duration") - served.record.duration) < 0.5

    third = served.record.chapters[2]
    page.click("button.chapter >> nth=2")
    page.wait_for_function(f"Math.abs(player.currentTime - {third.start}) < 1", timeout=10_000)
    page.wait_for_function(
        "document.querySelectorAll('button.chapter')[2].getAttribute('aria-current') === 'true'",
        timeout=5_000)
    assert page.locator("button.chapter[aria-current]").count() == 1
    page.wait_for_function("document.querySelector('.cue[aria-current]') !== null", timeout=5_000)
    current_cue = float(page.get_attribute(".cue[aria-current]", "data-start") or "nan")
    assert third.start <= current_cue <= third.start + 5

    cue = served.record.cues[1]
    page.click(".cue >> nth=1 >> .cue-text")
    page.wait_for_function(f"Math.abs(player.currentTime - {cue.start}) < 1", timeout=10_000)
    page.evaluate("player.pause()")
    assert errors == []
    page.close()


@pytest.mark.browser
def test_keyboard_user_can_seek_by_chapter(browser: Any, served: Served) -> None:
    page = browser.new_page()
    page.goto(served.episode_url(), wait_until="load")
    _wait_for_metadata(page)
    target = served.record.chapters[1]
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('button.chapter')"
                         f" && document.activeElement.dataset.start === '{seconds_attr(target.start)}'"):
            break
    else:
        pytest.fail("Tab never reached the second chapter button")
    page.keyboard.press("Enter")
    page.wait_for_function(f"Math.abs(player.currentTime - {target.start}) < 1", timeout=10_000)
    page.evaluate("player.pause()")
    page.close()


@pytest.mark.browser
def test_phone_width_has_no_horizontal_scroll(browser: Any, served: Served) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2)
    page = context.new_page()
    for name, url in (("show", served.url + "index.html"), ("episode", served.episode_url())):
        page.goto(url, wait_until="load")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, name
        page.screenshot(path=str(served.shots / f"{name}-375.png"), full_page=True)
    context.close()


@pytest.mark.browser
def test_episode_page_works_from_file_url(browser: Any, served: Served) -> None:
    page = browser.new_page()
    html = served.root / "episodes" / f"{served.record.slug}.html"
    page.goto(html.as_uri(), wait_until="load")
    _wait_for_metadata(page)
    mp3 = served.root / "episodes" / served.record.mp3
    assert page.evaluate("player.currentSrc") == mp3.as_uri()
    assert abs(page.evaluate("player.duration") - served.record.duration) < 0.5
    page.close()
