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
from audioguide.models import Chapter, Cue, EpisodeRecord, OpusFile, Soundbite
from audioguide.people import Person
from audioguide.publish.feed import episode_people
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
    """What a browser follows or loads: links and sources. The canonical address and the Open
    Graph tags are absolute by definition and not fetched by the page: they are checked apart."""
    urls = [str(el["href"]) for el in page.select("a[href], link[href]:not([rel=canonical])")]
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
# What the feed says, on the pages: people, artwork, highlight, Opus, funding
# --------------------------------------------------------------------------------------------

FUNDING = "https://pods.example.org/support?from=site&x=<1>"
BEN = Person("Ben Ortiz", "Translator", "Writing", "https://example.org/ben?a=1&b=2",
             "https://example.org/ben.jpg")


def rich_config(root: Path, **show: Any) -> Config:
    """The sample show with a host (linked) and, unless told otherwise, a funding link."""
    config = make_config(root)
    return replace(config, show=replace(config.show, **{
        "host": "Cy Host", "host_role": "Narrator", "host_href": "https://example.org/cy",
        "funding_url": FUNDING, "funding_text": f"Support {HOSTILE}", **show}))


def rich(record: EpisodeRecord) -> EpisodeRecord:
    """``record`` with everything the feed has: authors, people, artwork, soundbite and Opus."""
    return replace(record, authors=("Ana Lopes",), url="https://blog.example.org/post?a=1&b=2",
                   people=(BEN, Person(HOSTILE, "Guest", "Cast")), image=f"{record.slug}.jpg",
                   soundbite=Soundbite(12.5, 31.25, f"The lede of {record.title}."),
                   opus=OpusFile(f"{record.slug}.opus", 874_321, 24_000, record.duration, "sha256-AAAA"))


@pytest.fixture
def rich_site(tmp_path: Path, records: list[EpisodeRecord]) -> Site:
    """The hand-made site, its first episode with every extra, the second with none."""
    config = rich_config(tmp_path)
    records = [rich(records[0]), records[1]]
    out = tmp_path / "rich"  # not the plain site's folder: a test may compare the two
    publish_side_files(out, records)
    for name in ("hostile.jpg", "hostile.opus"):
        (out / "episodes" / name).write_bytes(b"x")
    written = build_site(config, records, out, cover="cover.jpg", feed_url=FEED_URL)
    return Site(out, config, records, written)


EXTERNAL = {"https://blog.example.org/post?a=1&b=2", FUNDING, "https://example.org/cy", BEN.href, BEN.img}
"""The absolute addresses the rich site may link to: the article, the funding page, and the
pages and pictures of the people credited (nothing else leaves the site)."""


@pytest.mark.parametrize("relative", ["index.html", "episodes/hostile.html",
                                      "episodes/second-interview.html"])
def test_rich_site_links_only_its_own_files_and_the_given_addresses(rich_site: Site, relative: str) -> None:
    page = rich_site.page(relative)
    base = (rich_site.out / relative).parent
    for url in _urls(page):
        parts = urlsplit(url)
        if parts.scheme in ("http", "https"):
            assert url in EXTERNAL, f"{relative}: {url} leaves the site"
        elif parts.scheme != "podcast":
            assert not parts.scheme and not parts.netloc, f"{relative}: {url}"
            if parts.path:
                assert (base / unquote(parts.path)).resolve().is_file(), f"{relative}: {url} does not resolve"


def test_episode_page_lists_the_feeds_people(rich_site: Site) -> None:
    record = rich_site.records[0]
    page = rich_site.page("episodes/hostile.html")
    people = page.select(".people .person")
    credited = episode_people(rich_site.config.show, record)
    assert [one(li, ".person-name").get_text() for li in people] == [p.name for p in credited]
    assert [one(li, ".person-role").get_text() for li in people] == ["Author", "Translator", "Guest", "Narrator"]
    assert one(page, "#people-heading").get_text() == "People"
    ana, ben, hostile, cy = people
    assert not ana.select("a, img")
    assert one(ben, "a").get("href") == BEN.href and one(ben, "a").get_text() == "Ben Ortiz"
    img = one(ben, "img")
    assert img.get("src") == BEN.img and img.get("alt") == "Picture of Ben Ortiz"
    assert one(hostile, ".person-name").get_text() == HOSTILE and not hostile.select("a, img")
    assert one(cy, "a").get("href") == "https://example.org/cy"
    assert "<script>alert" not in (rich_site.out / "episodes" / "hostile.html").read_text("utf-8")
    scripts = page.find_all("script")
    assert len(scripts) == 1 and str(scripts[0].get("src")) == "../site.js"


def test_show_page_names_the_host_but_lists_no_episodes_people(rich_site: Site) -> None:
    index = rich_site.page("index.html")
    host = one(index, ".show-header .person")
    assert one(host, "a").get("href") == "https://example.org/cy" and one(host, "a").get_text() == "Cy Host"
    assert one(host, ".person-role").get_text() == "Narrator"
    assert len(index.select(".person")) == 1  # the episodes' people are on their own pages


def test_only_web_addresses_become_links_or_pictures(tmp_path: Path, records: list[EpisodeRecord]) -> None:
    """A record or setting edited by hand cannot make a ``javascript:`` (or any non-web) link."""
    bad = "javascript:alert(1)"
    record = replace(records[1], url=bad, people=(
        Person("Mallory", "Guest", "Cast", bad, bad), Person("Relative", "Guest", "Cast", "../index.html",
                                                             "data:image/png;base64,AAAA")))
    config = rich_config(tmp_path, host_href=bad, host_img="//example.org/cy.jpg", funding_url=bad)
    out = tmp_path / "output"
    build_site(config, [record], out, cover="cover.jpg", feed_url=FEED_URL)
    for relative in ("index.html", "episodes/second-interview.html"):
        raw = (out / relative).read_text("utf-8")
        assert "javascript:" not in raw and "data:image" not in raw and "//example.org" not in raw, relative
        page = BeautifulSoup(raw, "lxml")
        assert not page.select(".person a, .person img, a.funding"), relative
    page = BeautifulSoup((out / "episodes" / "second-interview.html").read_bytes(), "lxml")
    assert [one(li, ".person-name").get_text() for li in page.select(".person")] == ["Mallory", "Relative", "Cy Host"]
    assert not page.select(".source a")


def test_episode_artwork_or_else_the_show_cover(rich_site: Site) -> None:
    own = one(rich_site.page("episodes/hostile.html"), "img.episode-art")
    assert own.get("src") == "hostile.jpg" and own.get("alt") == f"Artwork for {HOSTILE}"
    cover = one(rich_site.page("episodes/second-interview.html"), "img.episode-art")
    assert cover.get("src") == "../cover.jpg" and cover.get("alt") == f"Cover art for {rich_site.config.show.title}"
    # The show keeps its own cover in the page's navigation and icon.
    assert one(rich_site.page("episodes/hostile.html"), "link[rel=icon]").get("href") == "../cover.jpg"


def test_funding_link_only_when_configured(rich_site: Site, site: Site) -> None:
    for relative in ("index.html", "episodes/hostile.html", "episodes/second-interview.html"):
        link = one(rich_site.page(relative), "a.funding")
        assert link.get("href") == FUNDING and link.get_text() == f"Support {HOSTILE}", relative
        assert not site.page(relative).select("a.funding"), relative


def test_opus_download_only_with_an_opus_file(rich_site: Site) -> None:
    downloads = {str(a.get("href")): a for a in rich_site.page("episodes/hostile.html").select(".downloads a")}
    opus = downloads["hostile.opus"]
    assert opus.get("type") == "audio/ogg; codecs=opus" and opus.has_attr("download")
    assert " ".join(opus.get_text().split()) == "Episode audio Opus, 874 kB"
    assert not [h for h in _urls(rich_site.page("episodes/second-interview.html")) if h.endswith(".opus")]
    first, second = rich_site.page("index.html").select("ol.episode-list > li")
    card_opus = one(first, "a[href$='.opus']")
    assert card_opus.get("href") == "episodes/hostile.opus" and card_opus.get("type") == "audio/ogg; codecs=opus"
    assert "874 kB" in card_opus.get_text() and HOSTILE in one(card_opus, ".visually-hidden").get_text()
    assert not second.select("a[href$='.opus']")


def test_highlight_buttons_carry_the_soundbite(rich_site: Site) -> None:
    bite = rich_site.records[0].soundbite
    assert bite is not None
    page = rich_site.page("episodes/hostile.html")
    button = one(page, "button.highlight")
    assert button.get("type") == "button"
    assert float(str(button["data-highlight-start"])) == bite.start
    assert float(str(button["data-highlight-duration"])) == bite.duration
    assert one(page, f"#{button['aria-controls']}").name == "audio"
    assert button.get_text() == "▶ Play highlight (0:31)"
    # Its accessible name: the words it shows (not the arrow), then the highlight's first sentence.
    assert button.get("aria-label") == f"Play highlight (0:31): “{bite.title}”"
    assert one(button, "[aria-hidden=true]").get_text() == "▶"
    assert not rich_site.page("episodes/second-interview.html").select("button.highlight")

    first, second = rich_site.page("index.html").select("ol.episode-list > li")
    card_button = one(first, "button.highlight")
    assert (card_button["data-highlight-start"], card_button["data-highlight-duration"]) == ("12.5", "31.25")
    assert one(first, "audio").get("id") == card_button["aria-controls"]  # this card's player
    assert one(first, f"#{card_button['aria-describedby']}").name == "h3"
    assert not second.select("button.highlight")


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
    show: ShowConfig

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
    first = records[0]
    assert first.soundbite is not None and first.opus is not None, "the sample has its highlight and Opus"
    # A second episode (the same audio under another name, with a later highlight and no Opus),
    # so that the show page has two players; the first credits a guest besides the host.
    again = replace(first, slug=f"{first.slug}-again", mp3=f"{first.slug}-again.mp3",
                    title=f"{first.title} (again)", date=first.date - dt.timedelta(days=7), number=None,
                    soundbite=Soundbite(30.0, 8.0, "A later highlight."), opus=None)
    shutil.copy(root / "episodes" / first.mp3, root / "episodes" / again.mp3)
    records = [replace(first, people=(Person("Ana Lopes", "Guest", "Cast", "https://example.org/ana"),)),
               again]
    show = replace(rendered_tone.config.show, host="Cy Host", host_href="https://example.org/cy",
                   funding_url="https://example.org/support")
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
    build_site(replace(rendered_tone.config, show=show), records, root, cover="cover.jpg", feed_url=feed_url)
    shots = Path(os.environ.get("AUDIOGUIDE_SCREENSHOTS", str(base / "screenshots")))
    shots.mkdir(parents=True, exist_ok=True)
    try:
        yield Served(root, url, feed_url, records, shots, show)
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
    errors = page_errors(page)
    html = served.root / "episodes" / f"{served.record.slug}.html"
    page.goto(html.as_uri(), wait_until="load")
    _wait_for_metadata(page)
    mp3 = served.root / "episodes" / served.record.mp3
    assert page.evaluate("player.currentSrc") == mp3.as_uri()
    assert abs(page.evaluate("player.duration") - served.record.duration) < 0.5
    start, _end = _highlight(served.record)
    page.click("button.highlight")
    page.wait_for_function(PLAYING_NEAR, arg=["player", start], timeout=10_000)
    page.evaluate("player.pause()")
    # Chromium loads no <track> from file:// (each file is its own origin) and says so; the rest works.
    assert [e for e in errors if not (e.startswith("Unsafe attempt to load URL") and ".vtt" in e)] == []
    page.close()


# --------------------------------------------------------------------------------------------
# Browser tests of the highlight, the people, the funding link and the Opus download
# --------------------------------------------------------------------------------------------

PLAYING_NEAR = """([id, t]) => {
  const audio = document.getElementById(id);
  return !audio.paused && audio.readyState >= 3 && audio.currentTime >= t - 0.25 && audio.currentTime < t + 1.5;
}"""
"""Whether the player ``id`` plays, just after ``t`` (seconds), with its media loaded (before
that, ``currentTime`` is only where it will start)."""


def _highlight(record: EpisodeRecord) -> tuple[float, float]:
    """Where ``record``'s highlight starts and ends, in seconds."""
    assert record.soundbite is not None
    return record.soundbite.start, record.soundbite.start + record.soundbite.duration


def _highlight_name(record: EpisodeRecord) -> str:
    """The accessible name of ``record``'s "Play highlight" button."""
    assert record.soundbite is not None
    return f"Play highlight ({clock(record.soundbite.duration)}): “{record.soundbite.title}”"


def _plays_to_the_end_and_stops(page: Any, player: str, end: float) -> None:
    """Take the player ``player`` (its id) most of the way to ``end`` at once (scrubbing inside
    the highlight keeps its end), then let it play: the page pauses it at ``end``."""
    audio = f"document.getElementById('{player}')"
    page.evaluate(f"{audio}.currentTime = {end - 0.3}")
    # the stop is the page's: wait for the seek to land, then for the pause at the highlight's end
    # (generous bounds: a loaded machine can stall playback for a few seconds)
    page.wait_for_function(f"!{audio}.seeking", timeout=15_000)
    page.wait_for_function(f"{audio}.paused", timeout=15_000)
    assert end - 0.05 <= page.evaluate(f"{audio}.currentTime") <= end + 0.3


@pytest.mark.browser
def test_play_highlight_plays_the_soundbite_and_pauses_at_its_end(browser: Any, served: Served) -> None:
    start, end = _highlight(served.record)
    page = browser.new_page()
    errors = page_errors(page)
    page.goto(served.episode_url(), wait_until="load")
    _wait_for_metadata(page)
    button = page.get_by_role("button", name=_highlight_name(served.record), exact=True)
    assert button.count() == 1
    button.click()
    page.wait_for_function(PLAYING_NEAR, arg=["player", start], timeout=10_000)
    _plays_to_the_end_and_stops(page, "player", end)
    assert errors == []
    page.close()


@pytest.mark.parametrize("elsewhere", ["seek past the end", "click a sentence"])
@pytest.mark.browser
def test_going_elsewhere_cancels_the_highlights_stop(browser: Any, served: Served, elsewhere: str) -> None:
    start, end = _highlight(served.record)
    page = browser.new_page()
    errors = page_errors(page)
    page.goto(served.episode_url(), wait_until="load")
    _wait_for_metadata(page)
    page.click("button.highlight")
    page.wait_for_function(PLAYING_NEAR, arg=["player", start], timeout=10_000)
    assert page.locator("button.highlight[data-playing]").count() == 1
    if elsewhere == "seek past the end":
        page.evaluate(f"player.currentTime = {end + 1}")
        page.wait_for_selector("button.highlight:not([data-playing])", timeout=5_000)  # the stop is off
    else:  # a sentence inside the highlight: a choice to play on from there
        cue = next(c for c in served.record.cues if start + 1 < c.start < end - 1)
        page.click(f".cue[data-start='{seconds_attr(cue.start)}'] .cue-time")
        page.wait_for_function(PLAYING_NEAR, arg=["player", cue.start], timeout=10_000)
    page.evaluate(f"player.currentTime = {end - 0.3}")
    page.wait_for_function(f"player.currentTime > {end + 0.3}", timeout=15_000)
    assert not page.evaluate("player.paused")
    page.evaluate("player.pause()")
    assert errors == []
    page.close()


@pytest.mark.browser
def test_show_page_highlights_play_their_own_cards(browser: Any, served: Served) -> None:
    first, second = served.records
    page = browser.new_page()
    errors = page_errors(page)
    page.goto(served.url + "index.html", wait_until="load")
    cards = page.locator("ol.episode-list > li")
    cards.nth(1).get_by_role("button", name=_highlight_name(second), exact=True).click()
    page.wait_for_function(PLAYING_NEAR, arg=["audio-2", _highlight(second)[0]], timeout=10_000)
    assert page.evaluate("document.getElementById('audio-1').paused")
    assert page.evaluate("document.getElementById('audio-1').currentTime") == 0

    start, end = _highlight(first)
    cards.nth(0).get_by_role("button", name=_highlight_name(first), exact=True).click()
    page.wait_for_function(PLAYING_NEAR, arg=["audio-1", start], timeout=10_000)
    assert page.evaluate("document.getElementById('audio-2').paused")  # one player at a time
    _plays_to_the_end_and_stops(page, "audio-1", end)
    assert errors == []
    page.close()


@pytest.mark.browser
def test_keyboard_user_plays_the_highlight(browser: Any, served: Served) -> None:
    page = browser.new_page()
    errors = page_errors(page)
    page.goto(served.episode_url(), wait_until="load")
    _wait_for_metadata(page)
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('button.highlight')"):
            break
    else:
        pytest.fail("Tab never reached the Play highlight button")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"  # focus shows
    page.keyboard.press("Enter")
    page.wait_for_function(PLAYING_NEAR, arg=["player", _highlight(served.record)[0]], timeout=10_000)
    page.evaluate("player.pause()")
    assert errors == []
    page.close()


@pytest.mark.browser
def test_episode_page_credits_people_and_offers_a_playable_opus(browser: Any, served: Served) -> None:
    record = served.record
    assert record.opus is not None
    page = browser.new_page()
    errors = page_errors(page)
    page.goto(served.episode_url(), wait_until="load")
    credited = episode_people(served.show, record)
    assert page.locator(".people .person-name").all_inner_texts() == [p.name for p in credited]
    assert page.locator(".people .person-role").all_inner_texts() == [p.role for p in credited]
    assert [p.role for p in credited] == ["Guest", "Host"]
    assert page.get_by_role("link", name="Ana Lopes", exact=True).get_attribute("href") == "https://example.org/ana"
    assert page.get_by_role("link", name="Support the show", exact=True).get_attribute("href") == \
        "https://example.org/support"
    opus = page.get_by_role("link", name=re.compile(r"^Episode audio Opus, "))
    assert opus.get_attribute("type") == "audio/ogg; codecs=opus"
    # The link is to a file Chromium can play: its length, read from the file itself.
    duration = page.evaluate("""(href) => new Promise((resolve, reject) => {
      const audio = new Audio();
      audio.preload = "metadata";
      audio.onloadedmetadata = () => resolve(audio.duration);
      audio.onerror = () => reject(new Error("the Opus file does not play"));
      audio.src = href;
    })""", opus.get_attribute("href"))
    assert abs(duration - record.opus.duration) < 0.5
    assert errors == []
    page.close()


def test_the_show_page_lists_what_the_feed_lists_in_its_order(tone_project: Path) -> None:
    """The page sorted by calendar day, the feed by moment: with times and zones, the page's
    order was the feed's reversed. And an episode's description paragraphs ran into one."""
    import feedparser

    from audioguide.cli import cli
    from tests.clirunner import cli_runner

    episodes = tone_project / "episodes"
    for old in episodes.glob("*.md"):
        old.unlink()
    for slug, date in (("west", "2026-11-20T23:30:00-08:00"), ("day", "2026-11-21"),
                       ("east", "2026-11-21T01:00:00+09:00")):
        (episodes / f"{slug}.md").write_text(
            f"---\ntitle: {slug.title()}\ndate: {date}\ndescription: |\n  First part.\n\n  Second part.\n---\n\n"
            "Hello.\n", "utf-8")
    result = cli_runner().invoke(cli, ["-C", str(tone_project), "render"])
    assert result.exit_code == 0, result.output
    out = tone_project / "output"
    feed = [e.title for e in feedparser.parse((out / "feed.xml").read_bytes()).entries]
    assert feed == ["West", "Day", "East"]  # 07:30 UTC on the 21st, 06:00 UTC, 16:00 UTC on the 20th
    page = BeautifulSoup((out / "index.html").read_text("utf-8"), "html.parser")
    assert [h.get_text(strip=True) for h in page.select(".episode-list h3")] == feed
    assert [p.get_text() for p in page.select(".episode-list li")[0].select("p.description")] == [
        "First part.", "Second part."]


def test_pages_tell_link_previews_what_they_are(site: Site) -> None:
    """A shared episode link showed no title, picture or description: the pages had no Open
    Graph tags and no canonical address."""
    def meta(page: BeautifulSoup) -> dict[str, str]:
        return {str(m["property"]): str(m["content"]) for m in page.select("meta[property]")}

    index = site.page("index.html")
    assert one(index, "link[rel=canonical]")["href"] == "https://pods.example.org/show/"
    shown = meta(index)
    assert shown["og:title"] == f"Show {HOSTILE}" and shown["og:type"] == "website"
    assert shown["og:image"] == "https://pods.example.org/show/cover.jpg"
    episode = site.page("episodes/hostile.html")
    shown = meta(episode)
    assert one(episode, "link[rel=canonical]")["href"] == shown["og:url"] == \
        "https://pods.example.org/show/episodes/hostile.html"
    assert shown["og:title"] == HOSTILE and shown["og:type"] == "article"
    assert shown["og:audio"] == "https://pods.example.org/show/episodes/hostile.mp3"
    assert "<script>alert" not in (site.out / "episodes" / "hostile.html").read_text("utf-8")
