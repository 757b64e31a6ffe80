"""The feed, transcripts, chapters and artwork, read back by real podcast clients' parsers.

The rendered sample's feed, cover and chapters are plumbing and are read from the tone-engine
render; where each transcript cue is heard is judged on the Piper render (``slow``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
from pathlib import Path

import feedparser
import numpy as np
import podcastparser
import pytest
from lxml import etree
from mutagen.id3 import ID3
from PIL import Image

from audioguide.audio import artwork
from audioguide.audio.artwork import generate_cover, prepare_cover
from audioguide.cli import cli
from audioguide.config import parse_config
from audioguide.errors import ConfigError, InputError
from audioguide.models import Chapter, Cue, EpisodeRecord
from audioguide.publish.feed import build_feed, podcast_guid
from audioguide.publish.podcast import PODCAST_NS
from tests.clirunner import cli_runner
from tests.conftest import Rendered, decode, trim_sample

GOLDEN = Path(__file__).parent / "data" / "golden" / "feed.xml"


def small_config(tmp_path: Path, **show: object):
    data = {"show": {"title": "Tiny & <Show>", "description": "A fixed show for golden tests.",
                     "author": "Ada", "owner_name": "Ada", "owner_email": "ada@example.org",
                     "categories": ["Education/Courses", "Technology"], "explicit": False,
                     "base_url": "https://pods.example.org/tiny/", "copyright": "© 2026 Ada", **show}}
    return parse_config(data, tmp_path)


def record(slug: str, day: int, number: int, title: str | None = None) -> EpisodeRecord:
    return EpisodeRecord(
        slug=slug, title=title or f"Episode {number}", date=dt.date(2026, 1, day),
        description=f"About {slug}.", number=number, guid=f"audioguide:{slug}", kind="episode",
        mp3=f"{slug}.mp3", size=1000 + number, duration=61.4 + number,
        integrated_lufs=-16.0, true_peak_dbtp=-1.5,
        chapters=(Chapter("Introduction", 0.0, 30.0), Chapter("Part two", 30.0, 62.4 + number)),
        cues=(Cue("Hello.", 2.4, 3.0),),
    )


def golden_feed(tmp_path: Path) -> bytes:
    config = small_config(tmp_path)
    records = [record("one", 5, 1), record("two", 12, 2)]
    base = config.show.base_url
    return build_feed(config, records, cover_url=base + "cover.jpg",
                      urls={r.slug: f"{base}episodes/{r.mp3}" for r in records})


def test_golden_feed(tmp_path: Path) -> None:
    """A fixed small project gives exactly the committed feed (UPDATE_GOLDEN=1 rewrites it)."""
    data = golden_feed(tmp_path)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_bytes(data)
    assert data.decode() == GOLDEN.read_text()


def test_feed_channel_and_items_as_podcast_apps_read_them(tmp_path: Path) -> None:
    data = golden_feed(tmp_path)
    parsed = podcastparser.parse("https://pods.example.org/tiny/feed.xml", io.BytesIO(data))
    assert parsed["title"] == "Tiny & <Show>"
    assert [e["title"] for e in parsed["episodes"]] == ["Episode 2", "Episode 1"]  # newest first
    assert parsed["episodes"][0]["enclosures"][0]["file_size"] == 1002
    assert parsed["episodes"][0]["total_time"] == 63
    assert [c["title"] for c in parsed["episodes"][0]["chapters"]] == ["Introduction", "Part two"]
    root = etree.fromstring(data)
    ns = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
          "podcast": "https://podcastindex.org/namespace/1.0"}
    channel = root.find("channel")
    assert channel.findtext("itunes:explicit", namespaces=ns) == "false"
    assert channel.findtext("podcast:guid", namespaces=ns) == podcast_guid("https://pods.example.org/tiny/feed.xml")
    assert [c.get("text") for c in channel.findall("itunes:category", ns)] == ["Education", "Technology"]
    assert channel.find("itunes:category", ns).find("itunes:category", ns).get("text") == "Courses"
    item = channel.find("item")
    types = sorted(t.get("type") for t in item.findall("podcast:transcript", ns))
    assert types == ["application/x-subrip", "text/vtt"]
    assert item.find("podcast:chapters", ns).get("url").endswith("/episodes/two.chapters.json")


def test_podcast_guid_follows_the_podcasting_2_0_example() -> None:
    # The spec's own example: podcastindex.org/namespace/1.0 guid section.
    assert podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"


def test_hostile_titles_stay_text(tmp_path: Path) -> None:
    config = small_config(tmp_path, title="<script>alert(1)</script> ]]> & co")
    evil = record("evil", 3, 1, title='Bad ]]> <b>"title"</b> & more')
    data = build_feed(config, [evil], cover_url="https://x/cover.jpg", urls={"evil": "https://x/e.mp3"})
    parsed = feedparser.parse(data)
    assert not parsed.bozo
    assert parsed.feed.title == "<script>alert(1)</script> ]]> & co"
    assert parsed.entries[0].title == 'Bad ]]> <b>"title"</b> & more'


def test_explicit_is_spelled_as_apple_asks(tmp_path: Path) -> None:
    data = build_feed(small_config(tmp_path, explicit=True), [], cover_url="https://x/c.jpg", urls={})
    assert b"<itunes:explicit>true</itunes:explicit>" in data


def test_bad_show_settings_reported_together(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        small_config(tmp_path, categories=["Cooking", "Business/Knitting"], owner_email="nope",
                     base_url="ftp://x", type="weekly")
    text = " ".join(info.value.problems)
    assert len(info.value.problems) == 5
    for needle in ("Cooking", "Knitting", "owner_email", "base_url", "show.type"):
        assert needle in text


def test_generated_cover_is_apple_compliant() -> None:
    data = generate_cover("Career Conversations", "Someone")
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "JPEG" and img.mode == "RGB" and img.size == (3000, 3000)
        # The title is drawn: the middle band has bright text pixels on the dark gradient.
        band = np.asarray(img.convert("L").crop((300, 1200, 2700, 1800)))
        assert (band > 240).mean() > 0.01
    assert data == generate_cover("Career Conversations", "Someone")


def _title_pixels(data: bytes) -> float:
    with Image.open(io.BytesIO(data)) as img:
        return float((np.asarray(img.convert("L").crop((300, 700, 2700, 2300))) > 240).mean())


@pytest.mark.parametrize("title", ["Café Łódź Straße", "Ελληνικά νέα", "Русский подкаст", "שלום עולם",
                                   "مرحبا بكم"])
def test_the_generated_cover_has_the_letters_of_the_title(title: str) -> None:
    """Pillow's bundled font has Latin letters only: every other letter, and é, was a box."""
    from fontTools.ttLib import TTFont

    path = artwork.font_for(title)
    assert path is not None and Path(path).name == artwork.BUNDLED_FONT
    with TTFont(path) as font:
        assert {ord(c) for c in title if not c.isspace()} <= set(font.getBestCmap())
    assert _title_pixels(generate_cover(title)) > 0.01


def test_a_title_no_font_here_can_draw_gives_a_cover_without_it(monkeypatch: pytest.MonkeyPatch,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(artwork, "SYSTEM_FONTS", ())
    with caplog.at_level(logging.WARNING, logger="audioguide"):  # whatever a -q render before set
        data = generate_cover("播客节目")
    assert _title_pixels(data) < 0.004  # the rule under the title only (0.0023)
    assert "the generated cover has no title: no font here has every letter of '播客节目'" in caplog.text
    with Image.open(io.BytesIO(data)) as img:
        assert img.size == (3000, 3000)


@pytest.mark.parametrize(("size", "needle", "fix"), [
    ((1400, 1200), "is 1400x1200, not square", "Crop it to 1200x1200"),
    ((1000, 1000), "1400-3000", "at least 1400x1400"),
])
def test_a_cover_that_cannot_be_fixed_is_refused_with_what_to_do(tmp_path: Path, size, needle, fix) -> None:
    path = tmp_path / "cover.jpg"
    Image.new("RGB", size).save(path, format="JPEG")
    with pytest.raises(InputError, match=needle) as info:
        prepare_cover(path)
    assert fix in info.value.format_message()


@pytest.mark.parametrize(("size", "mode", "fmt", "ext"), [
    ((1400, 1400), "RGBA", "PNG", "png"),
    ((1400, 1400), "CMYK", "JPEG", "jpg"),
    ((1400, 1400), "P", "GIF", "jpg"),
    ((3600, 3600), "RGB", "JPEG", "jpg"),
])
def test_a_cover_with_the_wrong_mode_format_or_size_is_converted(tmp_path: Path, size, mode, fmt, ext) -> None:
    path = tmp_path / f"cover.{fmt.lower()}"
    image = Image.new(mode, size)
    if mode == "RGBA":  # transparent: laid on white
        image.putpixel((0, 0), (0, 0, 0, 255))
    image.save(path, format=fmt)
    data, got = prepare_cover(path)
    assert got == ext
    with Image.open(io.BytesIO(data)) as out:
        assert out.mode == "RGB" and out.format in ("JPEG", "PNG") and out.size[0] == out.size[1] <= 3000
        if mode == "RGBA":
            assert out.getpixel((5, 5)) == (255, 255, 255)


def test_a_compliant_cover_is_used_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "cover.png"
    Image.new("RGB", (1400, 1400), (10, 20, 30)).save(path, format="PNG")
    assert prepare_cover(path) == (path.read_bytes(), "png")


# --- the rendered sample -------------------------------------------------------------------

def test_sample_feed_read_by_podcastparser_and_feedparser(rendered_tone: Rendered) -> None:
    out = rendered_tone.config.output_dir
    feed_path = out / "feed.xml"
    [rec] = [json.loads(p.read_text()) for p in (out / "episodes").glob("second-interview.json")]
    size = (out / "episodes" / "second-interview.mp3").stat().st_size
    with feed_path.open("rb") as f:
        parsed = podcastparser.parse("http://127.0.0.1:8000/feed.xml", f)
    [episode] = parsed["episodes"]
    assert episode["title"] == "Is getting a second interview a good sign?"
    [enclosure] = episode["enclosures"]
    assert enclosure["url"] == "http://127.0.0.1:8000/episodes/second-interview.mp3"
    assert enclosure["file_size"] == size
    assert episode["total_time"] == round(rec["duration"])
    assert [c["title"] for c in episode["chapters"]] == [c["title"] for c in rec["chapters"]]
    fp = feedparser.parse(feed_path.read_bytes())
    assert not fp.bozo
    [entry] = fp.entries
    assert int(entry.enclosures[0].length) == size
    assert entry.itunes_duration == str(round(rec["duration"]))
    assert fp.feed.image.href == "http://127.0.0.1:8000/cover.jpg"


def test_sample_cover_is_embedded_and_referenced(rendered_tone: Rendered) -> None:
    out = rendered_tone.config.output_dir
    cover = (out / "cover.jpg").read_bytes()
    [apic] = ID3(rendered_tone.mp3).getall("APIC")
    assert apic.data == cover and apic.mime == "image/jpeg"


@pytest.mark.slow
def test_transcript_cues_start_where_the_sentence_is_heard(rendered_sample: Rendered) -> None:
    """Each VTT cue starts within 50 ms of the speech onset measured in the decoded MP3."""
    out = rendered_sample.config.output_dir
    vtt = (out / "episodes" / "second-interview.vtt").read_text()
    assert vtt.startswith("WEBVTT\n\n1\n00:00:02.")
    [episode] = rendered_sample.report.rendered
    samples = decode(rendered_sample.mp3)
    frame = 441  # 10 ms
    rms = np.sqrt(np.convolve(samples**2, np.ones(frame) / frame, mode="same"))
    errors = []
    for cue in episode.cues[1:]:  # the first sentence starts over the intro music
        lo = int((cue.start - 0.25) * 44100)
        window = rms[lo : lo + int(0.5 * 44100)]
        onset = lo + int(np.argmax(window > 0.02))
        errors.append(abs(onset / 44100 - cue.start))
    assert max(errors) < 0.05, max(errors)
    srt = (out / "episodes" / "second-interview.srt").read_text()
    from audioguide.publish.transcripts import cards

    assert srt.count(" --> ") == sum(len(cards(c)) for c in episode.cues) and "," in srt.split("\n")[1]


def test_sample_chapters_json(rendered_tone: Rendered) -> None:
    data = json.loads((rendered_tone.config.output_dir / "episodes" / "second-interview.chapters.json").read_text())
    assert data["version"] == "1.2.0"
    starts = [c["startTime"] for c in data["chapters"]]
    assert starts == sorted(starts) and starts[0] == 0
    assert data["chapters"][-1]["title"] == "Conclusion"


def test_check_passes_on_the_rendered_sample(rendered_tone: Rendered) -> None:

    from audioguide.cli import cli

    result = cli_runner().invoke(cli, ["-C", str(rendered_tone.config.root), "check"])
    assert result.exit_code == 0, result.stderr
    assert "no problems" in result.stdout


@pytest.mark.parametrize(("show", "needle"), [
    ({"title": ""}, "show.title is empty"),
    ({"title": "   "}, "show.title is empty"),
    ({"base_url": "https://example.com/my pod/"}, "has a space in it: write a space inside it as %20"),
    ({"base_url": " https://example.com/pod/"}, "has a space in it"),
    ({"base_url": "example.com/pod/"}, "must be a URL starting with http:// or https://"),
    ({"base_url": "https://example.org/x/?a=1&b=2"}, "has a query (?…): every address of the feed is made by"),
    ({"base_url": "https://example.org/x/#top"}, "has a fragment (#…)"),
])
def test_a_show_setting_the_feed_cannot_take_is_one_line(tmp_path: Path, show: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        small_config(tmp_path, **show)
    assert len(info.value.problems) == 1 and needle in info.value.problems[0]


def _podcast_guid(root: Path) -> str | None:
    return etree.parse(str(root / "output" / "feed.xml")).findtext(f"channel/{{{PODCAST_NS}}}guid")


def test_the_podcast_guid_stays_when_the_show_moves(tone_project: Path) -> None:
    """Made from the feed's address at every render, it changed with base_url: apps took the
    moved show for another one."""
    root = trim_sample(tone_project)
    run = cli_runner()
    assert run.invoke(cli, ["-C", str(root), "-q", "render"]).exit_code == 0
    first = _podcast_guid(root)
    assert first == podcast_guid("http://127.0.0.1:8000/feed.xml")
    toml = root / "audioguide.toml"
    toml.write_text(toml.read_text().replace('base_url = "http://127.0.0.1:8000/"',
                                             'base_url = "https://pods.example.org/career/"'), "utf-8")
    result = run.invoke(cli, ["-C", str(root), "-q", "render"])
    assert result.exit_code == 0, result.output
    feed = (root / "output" / "feed.xml").read_text("utf-8")
    assert "https://pods.example.org/career/episodes/second-interview.mp3" in feed
    assert _podcast_guid(root) == first
    result = run.invoke(cli, ["-C", str(root), "check"])
    assert result.exit_code == 0, result.output
    # set in audioguide.toml, the guid is that one (the show came from another host), and kept
    other = "9b024349-ccf0-5f69-a609-6b82873eab3c"
    toml.write_text(toml.read_text().replace("[show]\n", f'[show]\nguid = "{other}"\n', 1), "utf-8")
    assert run.invoke(cli, ["-C", str(root), "-q", "render"]).exit_code == 0
    assert _podcast_guid(root) == other
    assert run.invoke(cli, ["-C", str(root), "check"]).exit_code == 0
    toml.write_text(toml.read_text().replace(f'guid = "{other}"', 'guid = "not-a-uuid"'), "utf-8")
    result = run.invoke(cli, ["-C", str(root), "render"])
    assert result.exit_code == 2 and "show.guid 'not-a-uuid' must be a UUID" in result.stderr


def test_episodes_of_one_day_are_a_minute_apart_in_number_order(tmp_path: Path) -> None:
    """They had the same pubDate, and apps ordered them as they liked."""
    config = small_config(tmp_path)
    records = [record("b", 5, 3), record("a", 5, 2), record("c", 6, 4)]
    data = build_feed(config, records, cover_url="https://x/c.jpg",
                      urls={r.slug: f"https://x/{r.slug}.mp3" for r in records})
    parsed = podcastparser.parse("https://x/feed.xml", io.BytesIO(data))
    times = {e["title"]: e["published"] for e in parsed["episodes"]}
    assert times["Episode 3"] - times["Episode 2"] == 60  # the later number a minute later
    assert times["Episode 4"] - times["Episode 2"] == 24 * 3600  # alone on its day: the day's own time


def test_a_heavy_cover_is_published_and_embedded_under_512_kb(tmp_path: Path) -> None:
    """A photo-like 3000 px PNG of 15 MB was published and embedded as it was: a 4-second
    episode's MP3 weighed 15 MB, its Opus 21 MB. It is now a JPEG apps accept (under 512 kB)."""
    import numpy as np

    path = tmp_path / "cover.png"
    y, x = np.mgrid[0:3000, 0:3000]
    photo = np.stack([x / 3000 * 255, y / 3000 * 255, (x + y) / 6000 * 255], -1)
    photo += np.random.default_rng(0).normal(0, 4, (3000, 3000, 3))  # a photograph's grain
    Image.fromarray(np.clip(photo, 0, 255).astype("uint8"), "RGB").save(path, format="PNG")
    assert path.stat().st_size > 10_000_000
    data, ext = prepare_cover(path)
    assert ext == "jpg" and len(data) <= 512_000
    with Image.open(io.BytesIO(data)) as out:
        assert out.format == "JPEG" and out.mode == "RGB" and out.size[0] == out.size[1] >= 1400


def test_a_base_url_with_other_letters_is_written_as_apps_fetch_it(tmp_path: Path) -> None:
    """``…/Ünï/episodes/a.mp3`` went into the feed as it was; hosts and paths are now in ASCII."""
    config = small_config(tmp_path, base_url="https://Bücher.example/Shows/Ünï")
    assert config.show.base_url == "https://xn--bcher-kva.example/Shows/%C3%9Cn%C3%AF/"


def test_small_setting_mistakes_get_the_exact_fix(tmp_path: Path) -> None:
    """A category in other capitals got the whole list of categories; a guid in capitals was
    written as given (apps index it as text); a slug with capitals named no fix."""
    with pytest.raises(ConfigError) as info:
        small_config(tmp_path, categories=["society & culture", "Education/courses"])
    assert info.value.problems == [
        "show.categories: 'society & culture' is not an Apple Podcasts category (write 'Society & Culture': "
        "Apple's spelling)",
        "show.categories: 'courses' is not a subcategory of Education (write 'Courses': Apple's spelling)"]
    guid = "3BA779E3-8F0C-5E4B-9A5D-2B0E6C1D7F00"
    assert small_config(tmp_path, guid=guid).show.guid == guid.lower()
    from audioguide.ingest import script as scripts

    path = tmp_path / "Café.md"
    path.write_text("---\ntitle: Café\n---\n\nHello.\n", "utf-8")
    with pytest.raises(InputError, match="add 'slug: cafe' to the front matter, or rename the file"):
        scripts.load(path)


def _last_build(root: Path) -> str:
    return etree.parse(str(root / "output" / "feed.xml")).findtext("channel/lastBuildDate")


def test_last_build_date_is_when_the_feeds_content_last_changed(tone_project: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """It was always the newest item's pubDate: an episode's new title left it as it was, so apps
    that go by it kept the old title."""
    from tests.conftest import short_sample

    short_sample(tone_project)
    feed = tone_project / "output" / "feed.xml"
    run = cli_runner()

    def render_at(day: dt.date) -> None:
        moment = dt.datetime.combine(day, dt.time(9), dt.UTC)
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(moment.timestamp())))
        result = run.invoke(cli, ["-C", str(tone_project), "render"])
        assert result.exit_code == 0, result.stderr

    render_at(dt.date(2027, 1, 4))
    assert _last_build(tone_project) == "Mon, 04 Jan 2027 09:00:00 +0000"
    written = feed.stat().st_mtime_ns
    render_at(dt.date(2027, 2, 1))  # nothing changed: the feed is left alone
    assert feed.stat().st_mtime_ns == written and _last_build(tone_project).startswith("Mon, 04 Jan 2027")
    script = tone_project / "episodes" / "second-interview.md"
    script.write_text(script.read_text("utf-8").replace("title: ", "title: Updated ", 1), "utf-8")
    render_at(dt.date(2027, 3, 1))
    assert _last_build(tone_project) == "Mon, 01 Mar 2027 09:00:00 +0000"
    script.write_text(script.read_text("utf-8").replace("title: Updated ", "title: ", 1), "utf-8")
    render_at(dt.date(2020, 1, 1))  # a clock behind the newest item: never before it
    assert _last_build(tone_project) == "Wed, 25 Nov 2026 06:00:00 +0000"


def test_an_episode_without_a_description_is_described_by_its_opening(tone_project: Path) -> None:
    """Its ``<description>`` was its title, so apps showed the title twice."""
    script = tone_project / "episodes" / "bare.md"
    script.write_text("---\ntitle: The harbour at dawn\ndate: 2026-11-26\n---\n\n"
                      "Welcome to Career Conversations. Today: The harbour at dawn\n\n[pause 0.5s]\n\n"
                      "The boats come in before six. The gulls know it first.\n\n"
                      "By seven the market is loud. " + "It goes on. " * 30 + "\n\n## Later\n\nMore.\n", "utf-8")
    result = cli_runner().invoke(cli, ["-C", str(tone_project), "render", str(script)])
    assert result.exit_code == 0, result.stderr
    feed = etree.parse(str(tone_project / "output" / "feed.xml"))
    item = next(i for i in feed.findall("channel/item") if i.findtext("title") == "The harbour at dawn")
    said = item.findtext("description")
    assert said.startswith("The boats come in before six. The gulls know it first. By seven the market is loud.")
    assert said.endswith("It goes on.") and len(said) <= 280
    assert "Welcome" not in said
    record = json.loads((tone_project / "output" / "episodes" / "bare.json").read_text("utf-8"))
    assert record["description"] == said  # the tags and the pages have it from there


def test_a_locked_feed_names_its_owner_and_a_moved_one_its_new_address(tmp_path: Path) -> None:
    """``[show] locked`` and ``new_feed_url`` did not exist: podcast:locked was always "no"."""
    config = small_config(tmp_path, locked=True, new_feed_url="https://new.example.org/show/feed.xml")
    records = [record("one", 5, 1)]
    channel = etree.fromstring(build_feed(config, records, cover_url="https://x.example/c.jpg",
                                          urls={"one": "https://x.example/one.mp3"})).find("channel")
    ns = {"podcast": PODCAST_NS, "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd"}
    locked = channel.find("podcast:locked", ns)
    assert (locked.text, locked.get("owner")) == ("yes", "ada@example.org")
    assert channel.findtext("itunes:new-feed-url", namespaces=ns) == "https://new.example.org/show/feed.xml"
    with pytest.raises(ConfigError, match="show.locked needs show.owner_email"):
        small_config(tmp_path, locked=True, owner_email="")
    with pytest.raises(ConfigError, match="new_feed_url"):
        small_config(tmp_path, new_feed_url="feed.xml")
