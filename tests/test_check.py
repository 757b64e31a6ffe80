"""``check_site`` on a small hand-built site: clean when valid, one precise problem per defect."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from audioguide.errors import InputError
from audioguide.ffmpeg import run
from audioguide.models import Chapter, Cue, EpisodeRecord
from audioguide.publish.feed import podcast_guid
from audioguide.publish.podcast import APPLE_CATEGORIES
from audioguide.verify.check import Problem, check_site, format_problems

BASE = "https://example.com/show/"
SPEC_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
FEED_GUID = str(uuid.uuid5(SPEC_NAMESPACE, "example.com/show/feed.xml"))

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
     xmlns:podcast="https://podcastindex.org/namespace/1.0"
     xmlns:atom="http://www.w3.org/2005/Atom" xmlns:psc="http://podlove.org/simple-chapters">
  <channel>
    <title>Career Conversations</title>
    <description>Short answers to job-seeking questions.</description>
    <link>https://example.com/show/</link>
    <language>en</language>
    <atom:link href="https://example.com/show/feed.xml" rel="self" type="application/rss+xml"/>
    <itunes:image href="https://example.com/show/cover.jpg"/>
    <itunes:category text="Business"><itunes:category text="Careers"/></itunes:category>
    <itunes:category text="Education"/>
    <itunes:explicit>false</itunes:explicit>
    <itunes:author>Jo Example</itunes:author>
    <itunes:owner><itunes:name>Jo Example</itunes:name><itunes:email>jo@example.com</itunes:email></itunes:owner>
    <itunes:type>episodic</itunes:type>
    <podcast:guid>{feed_guid}</podcast:guid>
    <podcast:locked>yes</podcast:locked>
    <item>
      <title>Is a second interview a good sign?</title>
      <guid isPermaLink="false">ep-one-guid</guid>
      <pubDate>Mon, 25 Nov 2024 08:00:00 +0000</pubDate>
      <enclosure url="https://example.com/show/episodes/ep1.mp3" type="audio/mpeg" length="{size1}"/>
      <itunes:duration>3</itunes:duration>
      <itunes:episode>1</itunes:episode>
      <podcast:transcript url="https://example.com/show/episodes/ep1.vtt" type="text/vtt"/>
      <podcast:transcript url="https://example.com/show/episodes/ep1.srt" type="application/x-subrip"/>
      <podcast:chapters url="https://example.com/show/episodes/ep1.chapters.json" type="application/json+chapters"/>
      <psc:chapters version="1.2">
        <psc:chapter start="00:00:00.000" title="Introduction"/>
        <psc:chapter start="00:00:01.500" title="The answer"/>
      </psc:chapters>
    </item>
    <item>
      <title>Thank-you notes</title>
      <guid isPermaLink="false">ep-two-guid</guid>
      <pubDate>Mon, 02 Dec 2024 08:00:00 GMT</pubDate>
      <enclosure url="https://example.com/show/episodes/ep2.mp3" type="audio/mpeg" length="{size2}"/>
      <itunes:duration>3</itunes:duration>
    </item>
  </channel>
</rss>
"""

CHAPTERS = {"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Introduction"},
                                             {"startTime": 1.5, "title": "The answer"}]}


@pytest.fixture(scope="session")
def sine_mp3(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real three-second MP3, encoded once per test session."""
    path = tmp_path_factory.mktemp("audio") / "sine.mp3"
    run(["-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:a", "libmp3lame",
         "-b:a", "64k", str(path)])
    return path


@dataclass
class Site:
    root: Path

    @property
    def feed(self) -> Path:
        return self.root / "feed.xml"

    def edit_feed(self, old: str, new: str) -> None:
        text = self.feed.read_text(encoding="utf-8")
        assert old in text, f"fixture feed has no {old!r}"
        self.feed.write_text(text.replace(old, new, 1), encoding="utf-8")

    def cover(self, size: tuple[int, int] = (1400, 1400), mode: str = "RGB",
              name: str = "cover.jpg", fmt: str = "JPEG") -> None:
        colour = {"RGB": (200, 80, 20), "RGBA": (200, 80, 20, 128), "CMYK": (0, 60, 90, 10)}[mode]
        Image.new(mode, size, colour).save(self.root / name, fmt)

    def episode_record(self, slug: str, **changes: object) -> None:
        record = EpisodeRecord(
            slug=slug, title=slug, date=dt.date(2024, 11, 25), description="", number=1,
            guid=f"{slug}-guid", kind="episode", mp3=f"{slug}.mp3",
            size=(self.root / "episodes" / f"{slug}.mp3").stat().st_size, duration=3.0,
            integrated_lufs=-16.0, true_peak_dbtp=-1.5,
            chapters=(Chapter("Introduction", 0.0, 1.5), Chapter("The answer", 1.5, 3.0)),
            cues=(Cue("Hello.", 0.2, 1.0),))
        data = record.to_json() | changes
        (self.root / "episodes" / f"{slug}.json").write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path, sine_mp3: Path) -> Site:
    """A small valid site, as ``audioguide render`` would leave it."""
    root = tmp_path / "output"
    episodes = root / "episodes"
    episodes.mkdir(parents=True)
    for slug in ("ep1", "ep2"):
        shutil.copy(sine_mp3, episodes / f"{slug}.mp3")
    size = sine_mp3.stat().st_size
    (root / "feed.xml").write_text(FEED.format(feed_guid=FEED_GUID, size1=size, size2=size),
                                   encoding="utf-8")
    (root / "index.html").write_text("<!doctype html><title>Career Conversations</title>")
    (episodes / "ep1.vtt").write_text("WEBVTT\n\n00:00.200 --> 00:01.000\nHello.\n")
    (episodes / "ep1.srt").write_text("1\n00:00:00,200 --> 00:00:01,000\nHello.\n")
    (episodes / "ep1.chapters.json").write_text(json.dumps(CHAPTERS))
    (root / ".audioguide-guids.json").write_text(json.dumps({"ep1": "ep-one-guid",
                                                             "ep2": "ep-two-guid"}))
    s = Site(root)
    s.cover()
    s.episode_record("ep1")
    s.episode_record("ep2")
    return s


def test_valid_site_has_no_problems(site: Site) -> None:
    assert check_site(site.root, base_url=BASE) == []


def test_valid_site_without_base_url_uses_the_self_link(site: Site) -> None:
    assert check_site(site.root) == []
    assert check_site(site.root, base_url=BASE.rstrip("/")) == []


def test_podcast_guid_matches_the_spec_examples() -> None:
    # The two examples in the Podcasting 2.0 namespace's docs/tags/guid.md.
    assert podcast_guid("https://podnews.net/rss") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert podcast_guid("http://mp3s.nashownotes.com/pc20rss.xml/") == \
        "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    assert podcast_guid(BASE + "feed.xml") == FEED_GUID


def test_apple_categories_shape() -> None:
    assert len(APPLE_CATEGORIES) == 19
    assert "Careers" in APPLE_CATEGORIES["Business"]
    assert APPLE_CATEGORIES["Technology"] == set() and APPLE_CATEGORIES["True Crime"] == set()


def _set_chapters(site: Site, starts: list[float]) -> None:
    data = {"version": "1.2.0", "chapters": [{"startTime": s, "title": f"c{i}"}
                                            for i, s in enumerate(starts)]}
    (site.root / "episodes" / "ep1.chapters.json").write_text(json.dumps(data))


def _rgba_cover(site: Site) -> None:
    (site.root / "cover.jpg").unlink()
    site.cover(mode="RGBA", name="cover.png", fmt="PNG")
    site.edit_feed("show/cover.jpg", "show/cover.png")


def _no_category(site: Site) -> None:
    site.edit_feed('<itunes:category text="Education"/>', "")
    site.edit_feed('<itunes:category text="Business"><itunes:category text="Careers"/>'
                   "</itunes:category>", "")


def _duplicate_guid(site: Site) -> None:
    # Never published: without the record, the changed guid is only a duplicate.
    (site.root / ".audioguide-guids.json").unlink()
    site.edit_feed('<guid isPermaLink="false">ep-two-guid', '<guid isPermaLink="false">ep-one-guid')


Mutation = Callable[[Site], None]

MUTATIONS: dict[str, tuple[Mutation, str]] = {
    "wrong enclosure length": (
        lambda s: s.edit_feed('type="audio/mpeg" length="', 'type="audio/mpeg" length="1'),
        "enclosure length is"),
    "missing audio file": (
        lambda s: (s.root / "episodes" / "ep1.mp3").unlink(), "ep1.mp3 is not in the site"),
    "duplicate guid": (_duplicate_guid, "is the same as item 1's"),
    "explicit yes": (
        lambda s: s.edit_feed("<itunes:explicit>false", "<itunes:explicit>yes"),
        "itunes:explicit> is 'yes'"),
    "unknown category": (
        lambda s: s.edit_feed('text="Education"', 'text="Careers"'),
        "'Careers' is not an Apple Podcasts category"),
    "wrong-case category": (
        lambda s: s.edit_feed('text="Education"', 'text="education"'),
        "'education' is not an Apple Podcasts category"),
    "unknown subcategory": (
        lambda s: s.edit_feed('text="Careers"', 'text="Jobs"'),
        "'Jobs' is not a subcategory of 'Business'"),
    "no category": (_no_category, "no <itunes:category>"),
    "non-square cover": (lambda s: s.cover(size=(1400, 1500)), "Apple needs a square image"),
    "small cover": (lambda s: s.cover(size=(1000, 1000)), "Apple needs 1400-3000 px"),
    "huge cover": (lambda s: s.cover(size=(3200, 3200)), "Apple needs 1400-3000 px"),
    "RGBA cover": (_rgba_cover, "has an alpha channel"),
    "CMYK cover": (lambda s: s.cover(mode="CMYK"), "is CMYK"),
    "PNG named .jpg": (lambda s: s.cover(fmt="PNG"), "is a PNG file named .jpg"),
    "missing cover": (lambda s: (s.root / "cover.jpg").unlink(), "cover art"),
    "bad pubDate": (
        lambda s: s.edit_feed("Mon, 25 Nov 2024 08:00:00 +0000", "2024-11-25"),
        "is not an RFC 2822 date"),
    "pubDate wrong weekday": (
        lambda s: s.edit_feed("Mon, 25 Nov 2024", "Tue, 25 Nov 2024"), "says Tue"),
    "pubDate impossible day": (
        lambda s: s.edit_feed("Mon, 25 Nov 2024", "31 Nov 2024"), "is not a real date"),
    "duration off by 10 s": (
        lambda s: s.edit_feed("<itunes:duration>3<", "<itunes:duration>13<"),
        "<itunes:duration> is 13 s but the audio lasts 3"),
    "duration not whole seconds": (
        lambda s: s.edit_feed("<itunes:duration>3<", "<itunes:duration>00:00:03<"),
        "is not a whole number of seconds"),
    "wrong podcast:guid": (
        lambda s: s.edit_feed(FEED_GUID, str(uuid.uuid5(SPEC_NAMESPACE, "example.com/other.xml"))),
        "<podcast:guid> is"),
    "missing owner email": (
        lambda s: s.edit_feed("<itunes:email>jo@example.com</itunes:email>", ""),
        "<itunes:owner> has no <itunes:email>"),
    "guid changed since published": (
        lambda s: (s.root / ".audioguide-guids.json").write_text(
            json.dumps({"ep1": "first-published-guid"})),
        "guid changed since it was published"),
    "chapters out of order": (lambda s: _set_chapters(s, [0, 2.0, 1.0]), "not after chapter 2"),
    "chapters without version": (
        lambda s: (s.root / "episodes" / "ep1.chapters.json").write_text('{"chapters": []}'),
        'no "version" string'),
    "chapter after the end": (lambda s: _set_chapters(s, [0, 60]), "after the audio ends"),
    "psc chapters out of order": (
        lambda s: s.edit_feed('start="00:00:01.500"', 'start="00:00:00.000"'),
        "psc:chapter 2 starts at"),
    "psc bad time": (
        lambda s: s.edit_feed('start="00:00:01.500"', 'start="1.5"'), "is not HH:MM:SS.mmm"),
    "missing transcript": (
        lambda s: (s.root / "episodes" / "ep1.vtt").unlink(), "podcast:transcript"),
    "transcript wrong type": (
        lambda s: s.edit_feed('type="text/vtt"', 'type="text/plain"'),
        "podcast:transcript type for a .vtt file"),
    "chapters wrong type": (
        lambda s: s.edit_feed('type="application/json+chapters"', 'type="text/plain"'),
        "podcast:chapters type"),
    "enclosure wrong type": (
        lambda s: s.edit_feed('type="audio/mpeg" length', 'type="audio/mp3" length'),
        "enclosure type is 'audio/mp3'"),
    "episode number zero": (
        lambda s: s.edit_feed("<itunes:episode>1<", "<itunes:episode>0<"), "itunes:episode"),
    "itunes:type wrong": (
        lambda s: s.edit_feed("<itunes:type>episodic", "<itunes:type>weekly"), "itunes:type"),
    "podcast:locked wrong": (
        lambda s: s.edit_feed("<podcast:locked>yes", "<podcast:locked>maybe"),
        "podcast:locked> is 'maybe'"),
    "self link elsewhere": (
        lambda s: s.edit_feed('href="https://example.com/show/feed.xml"',
                              'href="https://example.com/old/feed.xml"'),
        'atom:link rel="self"> is https://example.com/old/feed.xml'),
    "missing language": (lambda s: s.edit_feed("<language>en</language>", ""), "<language>"),
    "loudness off target": (lambda s: s.episode_record("ep1", integrated_lufs=-20.0),
                            "integrated loudness is -20.0 LUFS"),
    "true peak too high": (lambda s: s.episode_record("ep1", true_peak_dbtp=-0.2),
                           "true peak is -0.2 dBTP"),
    "malformed XML": (lambda s: s.edit_feed("</channel>", ""), "is not well-formed XML"),
    "item description over 4000 bytes": (
        lambda s: s.edit_feed("<title>Thank-you notes</title>",
                              "<title>Thank-you notes</title><description>" + "é" * 2001 + "</description>"),
        "<description> is 4002 bytes, over Apple's 4000"),
    "show description over 4000 bytes": (
        lambda s: s.edit_feed("Short answers to job-seeking questions.", "x" * 4001),
        "<description> is 4001 bytes, over Apple's 4000"),
}


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_each_defect_gives_exactly_its_problem(site: Site, name: str) -> None:
    mutate, expected = MUTATIONS[name]
    mutate(site)
    problems = check_site(site.root, base_url=BASE)
    assert len(problems) == 1, format_problems(problems)
    assert expected in problems[0].message, str(problems[0])
    assert problems[0].fix and problems[0].where


def test_site_built_for_another_base_url(site: Site) -> None:
    problems = check_site(site.root, base_url="http://127.0.0.1:8000/")
    text = format_problems(problems)
    assert 'atom:link rel="self"> is https://example.com/show/feed.xml' in text
    assert "podcast:guid" in text
    assert "do not start with base_url" in text
    # The files are still found by their path, so nothing else is reported.
    assert len(problems) == 3, text


def test_format_problems_one_line_each(site: Site) -> None:
    site.edit_feed("<itunes:explicit>false", "<itunes:explicit>yes")
    (site.root / "episodes" / "ep2.mp3").unlink()
    problems = check_site(site.root, base_url=BASE)
    lines = format_problems(problems).splitlines()
    assert len(lines) == len(problems) == 2
    assert lines[0].startswith("feed.xml <channel>: <itunes:explicit> is 'yes'")
    assert all(". Fix: " in line and line.endswith(".") for line in lines)
    assert str(Problem("a", "b.", "c")) == "a: b. Fix: c."


def test_loudness_is_checked_against_the_configured_target(site: Site) -> None:
    """A show rendered for -20 LUFS is on target for its own settings, off it for the default."""
    for slug in ("ep1", "ep2"):
        site.episode_record(slug, integrated_lufs=-20.3, true_peak_dbtp=-1.5)
    assert check_site(site.root, base_url=BASE, loudness=-20.0) == []
    problems = check_site(site.root, base_url=BASE)
    assert [p.where for p in problems] == ["episodes/ep1.json", "episodes/ep2.json"]
    assert all(p.message == "integrated loudness is -20.3 LUFS, podcasts should be -16 ± 1"
               for p in problems), format_problems(problems)
    assert problems[0].fix == ("Set audio.loudness = -16 in audioguide.toml, "
                               "then run audioguide render again")
    flagged = check_site(site.root, base_url=BASE, loudness=-20.0, true_peak=-2.0)
    assert [p.message for p in flagged] == \
        ["true peak is -1.5 dBTP, above -2 dBTP (players and encoders will clip it)"] * 2


def test_check_command_uses_the_projects_loudness(site: Site) -> None:
    """``audioguide check`` passes audio.loudness and audio.true_peak from audioguide.toml."""
    from audioguide.cli import cli
    from tests.clirunner import cli_runner

    project = site.root.parent
    for slug in ("ep1", "ep2"):
        site.episode_record(slug, integrated_lufs=-20.0)
    config = project / "audioguide.toml"
    config.write_text(f'[show]\nbase_url = "{BASE}"\n\n[audio]\nloudness = -20.0\n',
                      encoding="utf-8")
    result = cli_runner().invoke(cli, ["-C", str(project), "check"])
    assert result.exit_code == 0, result.output
    assert "no problems found" in result.stdout

    config.write_text(f'[show]\nbase_url = "{BASE}"\n', encoding="utf-8")
    result = cli_runner().invoke(cli, ["-C", str(project), "check"])
    assert result.exit_code == 1
    assert "integrated loudness is -20.0 LUFS, podcasts should be -16" in result.stderr


def test_missing_feed_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        check_site(tmp_path)
    assert "audioguide render" in err.value.message


def test_what_publish_writes_passes_the_check(tmp_path: Path, sine_mp3: Path) -> None:
    """End to end with the real publisher: an episode record and its MP3 in, a clean site out."""
    publish_module = pytest.importorskip("audioguide.publish.publish")
    from audioguide.config import parse_config

    config = parse_config({"show": {
        "title": "Tiny", "description": "A tiny show.", "author": "Ada", "owner_name": "Ada",
        "owner_email": "ada@example.org", "categories": ["Education/Courses", "Technology"],
        "base_url": "https://pods.example.org/tiny/"}}, tmp_path)
    out = tmp_path / "output"
    (out / "episodes").mkdir(parents=True)
    shutil.copy(sine_mp3, out / "episodes" / "ep1.mp3")
    Site(out).episode_record("ep1")
    publish_module.publish(config, out)
    assert check_site(out, base_url=config.show.base_url) == []
    assert check_site(out) == []


def test_a_feed_only_this_computer_can_reach_is_said_but_passes(site: Site, caplog) -> None:
    """``init``'s base_url (http://127.0.0.1:8000/, where ``serve`` listens) passed ``check`` in
    silence: a feed uploaded so had every enclosure pointing at the listener's own computer."""
    import logging

    with caplog.at_level(logging.WARNING, logger="audioguide"):
        assert check_site(site.root, base_url=BASE) == []
        assert "only this computer can reach" not in caplog.text
        for old in ("https://example.com/show/", "https://example.com/"):
            (site.root / "feed.xml").write_text(site.feed.read_text("utf-8").replace(old, "http://127.0.0.1:8000/"),
                                                encoding="utf-8")
        check_site(site.root)
    assert "feed.xml: its addresses start with http://127.0.0.1:8000/, which only this computer can reach" \
        in caplog.text
