"""Issue 16 on the publish side: the Podcasting 2.0 channel extras from ``[show]``, people, show
notes, soundbite and the Opus alternate in the feed, each read back from the XML and the feed
still read by podcastparser and feedparser."""

from __future__ import annotations

import io
from pathlib import Path

import feedparser
import podcastparser
import pytest
from bs4 import BeautifulSoup
from lxml import etree

from audioguide.cli import cli
from audioguide.errors import ConfigError
from audioguide.publish.feed import build_feed, podcast_guid
from tests.clirunner import cli_runner
from tests.test_feed import record, small_config

NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
      "podcast": "https://podcastindex.org/namespace/1.0",
      "content": "http://purl.org/rss/1.0/modules/content/"}
EXTRAS = {
    "funding_url": "https://pods.example.org/support", "funding_text": "Buy us a coffee",
    "txt": "apple-verify-1234", "txt_purpose": "applepodcastsverify", "medium": "podcast",
    "license": "cc-by-4.0", "license_url": "https://creativecommons.org/licenses/by/4.0/",
    "podroll": ["https://other.example.net/feed.xml", "917393e3-1b1e-5cef-ace4-edaa54e1f810"],
    "update_frequency": "Weekly", "update_rrule": "FREQ=WEEKLY;BYDAY=MO",
    "season": 2, "season_name": "Second season",
    "host": "Ben Ortiz", "host_role": "Narrator", "host_href": "https://ben.example.org/",
    "host_img": "https://ben.example.org/ben.jpg",
}


def feed_with(tmp_path: Path, **show: object) -> bytes:
    config = small_config(tmp_path, **show)
    records = [record("one", 5, 1), record("two", 12, 2)]
    base = config.show.base_url
    return build_feed(config, records, cover_url=base + "cover.jpg",
                      urls={r.slug: f"{base}episodes/{r.mp3}" for r in records})


def test_channel_extras_from_the_show_settings_read_back(tmp_path: Path) -> None:
    data = feed_with(tmp_path, **EXTRAS)
    channel = etree.fromstring(data).find("channel")
    funding = channel.find("podcast:funding", NS)
    assert (funding.get("url"), funding.text) == ("https://pods.example.org/support", "Buy us a coffee")
    txt = channel.find("podcast:txt", NS)
    assert (txt.get("purpose"), txt.text) == ("applepodcastsverify", "apple-verify-1234")
    assert channel.findtext("podcast:medium", namespaces=NS) == "podcast"
    licence = channel.find("podcast:license", NS)
    assert (licence.text, licence.get("url")) == ("cc-by-4.0", "https://creativecommons.org/licenses/by/4.0/")
    items = channel.findall("podcast:podroll/podcast:remoteItem", NS)
    assert [(i.get("feedGuid"), i.get("feedUrl")) for i in items] == [
        (podcast_guid("https://other.example.net/feed.xml"), "https://other.example.net/feed.xml"),
        ("917393e3-1b1e-5cef-ace4-edaa54e1f810", None)]
    frequency = channel.find("podcast:updateFrequency", NS)
    assert (frequency.text, frequency.get("rrule")) == ("Weekly", "FREQ=WEEKLY;BYDAY=MO")
    # still a feed the apps read
    parsed = podcastparser.parse("https://pods.example.org/tiny/feed.xml", io.BytesIO(data))
    assert [e["title"] for e in parsed["episodes"]] == ["Episode 2", "Episode 1"]
    assert not feedparser.parse(data).bozo


def test_channel_extras_left_out_when_not_set(tmp_path: Path) -> None:
    channel = etree.fromstring(feed_with(tmp_path)).find("channel")
    for name in ("funding", "txt", "medium", "license", "podroll", "updateFrequency"):
        assert channel.find(f"podcast:{name}", NS) is None, name


@pytest.mark.parametrize(("show", "needle"), [
    ({"medium": "radio"}, "show.medium 'radio' is not a podcast:medium"),
    ({"host": "Ana", "host_role": "Author"}, "show.host_role 'Author' is not a Cast role"),
    ({"funding_url": "ftp://x"}, "show.funding_url 'ftp://x' must be an address starting with http"),
    ({"funding_url": "https://x.org/", "funding_text": "x" * 129}, "show.funding_text is 129 characters"),
    ({"txt": "x" * 4001}, "show.txt is 4001 characters"),
    ({"podroll": ["not a feed"]}, "show.podroll: 'not a feed' must be a feed address"),
    ({"update_frequency": "Often", "update_rrule": "WEEKLY"}, "show.update_rrule 'WEEKLY' must be an iCalendar"),
    ({"season": -1}, "show.season must be a season number from 1"),
    ({"season": True}, "show.season must be a whole number"),
    ({"season_name": "One"}, "show.season_name is set but show.season is 0"),
    ({"license_url": "https://x.org/l"}, "show.license_url is set but show.license is empty"),
])
def test_bad_channel_extras_are_one_line_each(tmp_path: Path, show: dict[str, object], needle: str) -> None:
    with pytest.raises(ConfigError) as caught:
        small_config(tmp_path, **show)
    lines = [line for line in str(caught.value.format_message()).splitlines() if needle in line]
    assert len(lines) == 1, str(caught.value.format_message())


def rich_feed(tmp_path: Path, **show: object) -> bytes:
    import dataclasses

    from audioguide.models import Chapter, OpusFile, Soundbite

    config = small_config(tmp_path, **{**EXTRAS, **show})
    one = dataclasses.replace(
        record("one", 5, 1), authors=("Ana Lopes",), url="https://blog.example.org/one?a=1&b=<2>",
        description="Why <tags> & ampersands stay text.",
        chapters=(Chapter("Introduction", 0.0, 20.0), Chapter("Middle", 20.0, 75.5),
                  Chapter("End & after", 75.5, 3725.0)),
        opus=OpusFile("one.opus", 4321, 24000, 62.4, "sha256-" + "A" * 43 + "="),
        soundbite=Soundbite(12.5, 31.25, "The lede, in whole sentences."))
    base = config.show.base_url
    return build_feed(config, [one], cover_url=base + "cover.jpg", urls={"one": f"{base}episodes/one.mp3"})


def test_item_tags_read_back_from_the_xml(tmp_path: Path) -> None:
    data = rich_feed(tmp_path)
    item = etree.fromstring(data).find("channel/item")
    people = [(p.text, p.get("role"), p.get("group"), p.get("href"), p.get("img"))
              for p in item.findall("podcast:person", NS)]
    assert people == [("Ana Lopes", "author", "writing", None, None),
                      ("Ben Ortiz", "narrator", "cast", "https://ben.example.org/", "https://ben.example.org/ben.jpg")]
    assert item.findtext("itunes:season", namespaces=NS) == "2"
    season = item.find("podcast:season", NS)
    assert (season.text, season.get("name")) == ("2", "Second season")
    assert item.findtext("podcast:episode", namespaces=NS) == "1"
    bite = item.find("podcast:soundbite", NS)
    assert (bite.get("startTime"), bite.get("duration"), bite.text) == (
        "12.5", "31.25", "The lede, in whole sentences.")
    alt = item.find("podcast:alternateEnclosure", NS)
    assert {k: alt.get(k) for k in ("type", "codecs", "length", "bitrate", "title")} == {
        "type": "audio/ogg", "codecs": "opus", "length": "4321", "bitrate": "24000", "title": "Opus"}
    assert alt.find("podcast:source", NS).get("uri") == "https://pods.example.org/tiny/episodes/one.opus"
    integrity = alt.find("podcast:integrity", NS)
    assert (integrity.get("type"), integrity.get("value")) == ("sri", "sha256-" + "A" * 43 + "=")
    # MP3 stays the main enclosure
    assert item.find("enclosure").get("type") == "audio/mpeg"


def test_show_notes_in_content_encoded_are_safe_html_with_apple_timestamps(tmp_path: Path) -> None:
    data = rich_feed(tmp_path)
    html = etree.fromstring(data).find("channel/item").findtext("content:encoded", namespaces=NS)
    notes = etree.fromstring(f"<div>{html}</div>")  # well-formed: every text escaped
    assert notes.findtext("p") == "Why <tags> & ampersands stay text."
    assert [li.text for li in notes.iter("li")] == ["00:00 Introduction", "00:20 Middle", "01:15 End & after"]
    hrefs = [a.get("href") for a in notes.iter("a")]
    assert hrefs == ["https://blog.example.org/one?a=1&b=<2>",
                     "https://pods.example.org/tiny/episodes/one.vtt",
                     "https://pods.example.org/tiny/episodes/one.srt",
                     "https://pods.example.org/tiny/episodes/one.chapters.json"]
    assert {el.tag for el in notes.iter()} <= {"div", "p", "ul", "li", "a"}
    # the clients read the notes and the new tags without complaint
    parsed = podcastparser.parse("https://pods.example.org/tiny/feed.xml", io.BytesIO(data))
    assert "00:20 Middle" in parsed["episodes"][0]["description_html"]
    fp = feedparser.parse(data)
    assert not fp.bozo
    assert "01:15 End &amp; after" in fp.entries[0].content[0].value
    assert fp.entries[0].enclosures[0].type == "audio/mpeg"


@pytest.fixture(scope="module")
def sine_mp3(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real three-second MP3."""
    from audioguide.ffmpeg import run

    path = tmp_path_factory.mktemp("audio") / "sine.mp3"
    run(["-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:a", "libmp3lame", "-b:a", "64k", str(path)])
    return path


@pytest.fixture
def published(tmp_path: Path, sine_mp3: Path) -> Path:
    """A site the real publisher wrote, with every new tag: an author, a host, a soundbite, a real
    Opus alternate and the channel extras."""
    import shutil

    from audioguide.config import parse_config
    from audioguide.ffmpeg import run
    from audioguide.publish.publish import publish
    from audioguide.stamps import integrity
    from tests.test_check import Site

    config = parse_config({"show": {
        "title": "Tiny", "description": "A tiny show.", "author": "Ada", "owner_name": "Ada",
        "owner_email": "ada@example.org", "categories": ["Education/Courses", "Technology"],
        "base_url": "https://pods.example.org/tiny/", **EXTRAS}}, tmp_path)
    out = tmp_path / "output"
    (out / "episodes").mkdir(parents=True)
    shutil.copy(sine_mp3, out / "episodes" / "ep1.mp3")
    opus = out / "episodes" / "ep1.opus"
    run(["-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:a", "libopus", "-b:a", "24k", str(opus)])
    Site(out).episode_record("ep1", authors=["Ana Lopes"], url="https://blog.example.org/one",
                             opus={"file": "ep1.opus", "size": opus.stat().st_size, "bitrate": 24000,
                                   "duration": 3.0, "integrity": integrity(opus)},
                             soundbite={"start": 0.5, "duration": 2.0, "title": "The lede."})
    publish(config, out)
    return out


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CHECK_DEFECTS = {
    "integrity not the file's": (lambda out: _edit(out / "feed.xml", 'value="sha256-', 'value="sha256-AA'),
                                 "the file changed after the feed was written"),
    "soundbite past the end": (lambda out: _edit(out / "feed.xml", 'startTime="0.5"', 'startTime="2.5"'),
                               "<podcast:soundbite> runs to 4.500 s"),
    "role not in the group": (lambda out: _edit(out / "feed.xml", 'role="author" group="writing"',
                                                'role="author" group="cast"'), "'author' is in group 'Writing'"),
    "role unknown": (lambda out: _edit(out / "feed.xml", 'role="narrator"', 'role="presenter"'),
                     "'presenter' is not a role of the Podcast Taxonomy Project"),
    "medium unknown": (lambda out: _edit(out / "feed.xml", "<podcast:medium>podcast<", "<podcast:medium>radio<"),
                       "<podcast:medium> 'radio' is not one"),
    "podroll without a guid": (lambda out: _edit(out / "feed.xml", 'feedGuid="917393e3', 'feedGuid="x917393e3'),
                               "feedGuid> 'x917393e3"),
}


def test_published_site_with_every_new_tag_passes_the_check(published: Path) -> None:
    from audioguide.verify.check import check_site, format_problems

    problems = check_site(published, base_url="https://pods.example.org/tiny/")
    assert problems == [], format_problems(problems)
    item = etree.parse(str(published / "feed.xml")).getroot().find("channel/item")
    assert item.find("podcast:alternateEnclosure", NS) is not None
    assert item.find("podcast:soundbite", NS) is not None


@pytest.mark.parametrize("name", list(CHECK_DEFECTS))
def test_check_finds_each_defect_of_the_new_tags(published: Path, name: str) -> None:
    from audioguide.verify.check import check_site, format_problems

    mutate, expected = CHECK_DEFECTS[name]
    mutate(published)
    problems = check_site(published, base_url="https://pods.example.org/tiny/")
    assert len(problems) == 1, format_problems(problems)
    assert expected in problems[0].message, str(problems[0])


def test_check_finds_an_opus_length_that_is_not_the_files(published: Path) -> None:
    from audioguide.verify.check import check_site

    feed = published / "feed.xml"
    size = (published / "episodes/ep1.opus").stat().st_size
    _edit(feed, f'length="{size}" bitrate="24000"', f'length="{size + 1}" bitrate="24000"')
    problems = check_site(published, base_url="https://pods.example.org/tiny/")
    assert [p.message for p in problems] == [
        f"<podcast:alternateEnclosure> (audio/ogg) length is '{size + 1}' but episodes/ep1.opus has {size} bytes"]


def test_one_chapter_is_not_listed_and_a_title_ending_in_a_question_keeps_one_mark() -> None:
    import datetime as dt

    from audioguide.guide.files import stop_episode
    from audioguide.models import GuideRecord, StopRecord
    from audioguide.publish.notes import NoteLinks, show_notes

    guide = GuideRecord("walk", "Is this a good walk?", "", "en", dt.date(2026, 1, 1),
                        (StopRecord(0, "Introduction", "Introduction", "00-introduction.mp3", 1, 30.0, ()),),
                        "walk.mp3", "walk.m4b", 30.0, (), "walk.m3u8", "walk.zip")
    record = stop_episode(guide, guide.stops[0])
    assert record.description == "The introduction to Is this a good walk?"
    notes = str(show_notes(record, NoteLinks("a.vtt", "a.srt", "a.json")))
    assert "Chapters:" not in notes and "<li>" not in notes


def test_a_description_of_several_paragraphs_keeps_them(tone_project: Path) -> None:
    """They were run into one paragraph in the feed's show notes and on the pages."""
    for script in (tone_project / "episodes").glob("*.md"):
        script.unlink()
    (tone_project / "episodes" / "bread.md").write_text(
        "---\ntitle: Bread\ndescription: |\n  Flour, water and time.\n\n  And a hot oven.\n---\n\nBread is good.\n",
        "utf-8")
    result = cli_runner().invoke(cli, ["-C", str(tone_project), "-q", "render"])
    assert result.exit_code == 0, result.output
    notes = etree.parse(str(tone_project / "output" / "feed.xml")).findtext(
        "channel/item/{http://purl.org/rss/1.0/modules/content/}encoded")
    assert notes.startswith("<p>Flour, water and time.</p>\n<p>And a hot oven.</p>")
    page = BeautifulSoup((tone_project / "output" / "episodes" / "bread.html").read_text("utf-8"), "html.parser")
    assert [p.get_text() for p in page.select("p.description")] == ["Flour, water and time.", "And a hot oven."]
