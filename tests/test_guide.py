"""The sample rendered as an audio guide: stops, full MP3 and M4B with chapters, playlist, ZIP, feed.

The files, tags, chapters, playlist, archive, feed and page are plumbing and are read from the
tone-engine render; the loudness of every file is judged on the Piper render (``slow``).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import feedparser
import podcastparser
import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4

from audioguide import ffmpeg
from audioguide.audio.master import measure_file
from audioguide.cli import cli
from audioguide.models import GuideRecord
from audioguide.render.inputs import Overrides, as_guide
from audioguide.settings import aac_bitrate
from tests.clirunner import cli_runner
from tests.conftest import Rendered, RenderedGuide, decode
from tests.test_render import HEADINGS


def test_stops_numbered_as_the_headings_with_an_unnumbered_introduction(
        rendered_tone_guide: RenderedGuide) -> None:
    """The default: the introduction has no number, the headings are stops 1-4 (as the plaques
    an article describes), and file names and titles say so; track numbers are 1/5 to 5/5."""
    folder = rendered_tone_guide.folder
    files = sorted(p.name for p in folder.glob("[0-9][0-9]-*.mp3"))
    assert [f[:3] for f in files] == ["00-", "01-", "02-", "03-", "04-"]
    for n, (name, heading) in enumerate(zip(files, HEADINGS, strict=True)):
        tags = ID3(folder / name)
        assert str(tags["TRCK"]) == f"{n + 1}/5"  # the place in the guide, as players sort
        assert str(tags["TALB"]) == "Is getting a second interview a good sign?"
        assert str(tags["TIT2"]) == (heading if n == 0 else f"{n}. {heading}")
        assert tags.getall("APIC")


def test_each_stop_opens_with_a_chime_and_its_announcement(rendered_tone_guide: RenderedGuide) -> None:
    [guide] = rendered_tone_guide.report.guides
    assert [s.numbered for s in guide.stops] == [False, True, True, True, True]
    for stop in guide.stops:
        spoken = f"Stop {stop.number}. {stop.title}." if stop.number else f"{stop.title}."
        assert stop.cues[0].text == spoken
        samples = decode(rendered_tone_guide.folder / stop.file)
        chime = samples[int(0.1 * 44100) : int(1.0 * 44100)]
        assert (chime**2).mean() ** 0.5 > 0.02  # the sting plays before the first word
        assert 1.0 < stop.cues[0].start < 1.6


@pytest.mark.slow
def test_every_file_meets_the_loudness_targets(rendered_guide: RenderedGuide) -> None:
    folder = rendered_guide.folder
    for path in [*sorted(folder.glob("[0-9][0-9]-*.mp3")), folder / "second-interview.mp3",
                 folder / "second-interview.m4b"]:
        measured = measure_file(path)
        assert abs(measured.integrated_lufs + 16) <= 1.0, path.name
        assert measured.true_peak_dbtp <= -1.0, path.name


def test_full_mp3_and_m4b_have_a_chapter_per_stop(rendered_tone_guide: RenderedGuide) -> None:
    folder = rendered_tone_guide.folder
    meta = ffmpeg.run(["-i", str(folder / "second-interview.m4b"), "-f", "ffmetadata", "-"]).decode()
    titles = [line[6:] for line in meta.splitlines() if line.startswith("title=")][1:]
    assert titles == HEADINGS
    assert "genre=Audiobook" in meta
    full = MP3(folder / "second-interview.mp3").info.length
    assert abs(len(decode(folder / "second-interview.m4b")) / 44100 - full) < 0.2
    [guide] = rendered_tone_guide.report.guides
    assert abs(sum(s.duration for s in guide.stops) + 4 * 1.5 - full) < 0.2


def test_chapters_stored_in_time_order_and_cover_art_everywhere(
        rendered_tone_guide: RenderedGuide, rendered_tone: Rendered) -> None:
    """Issue 13, point 15: the chapters as they are stored in the files (no sorting when read
    back), the table of contents in the same order, and cover art in every audio file."""
    folder = rendered_tone_guide.folder
    for path in (folder / "second-interview.mp3", rendered_tone.mp3):
        tags = ID3(path)
        chaps = tags.getall("CHAP")  # in the order the frames are stored in the file
        assert [str(c.sub_frames["TIT2"]) for c in chaps] == HEADINGS
        assert [c.start_time for c in chaps] == sorted(c.start_time for c in chaps)
        [toc] = tags.getall("CTOC")
        assert list(toc.child_element_ids) == [c.element_id for c in chaps]
        assert tags.getall("APIC"), path.name
    m4b = MP4(folder / "second-interview.m4b")
    assert [c.title for c in m4b.chapters] == HEADINGS
    [cover] = m4b.tags["covr"]
    assert bytes(cover) == (rendered_tone_guide.config.output_dir / "cover.jpg").read_bytes()
    # tagged as the whole guide's MP3 is (it had only the art: no date, description or genre)
    whole = ID3(folder / "second-interview.mp3")
    assert m4b.tags["\xa9day"] == [str(whole["TDRC"])] and m4b.tags["\xa9gen"] == ["Audiobook"]
    assert m4b.tags["\xa9nam"] == [str(whole["TIT2"])] and m4b.tags["desc"] == [str(whole["COMM::eng"])]
    for stop in rendered_tone_guide.report.guides[0].stops:
        assert ID3(folder / stop.file).getall("APIC")


def test_m4b_bitrate_matches_the_mp3_setting(rendered_tone_guide: RenderedGuide) -> None:
    """AAC at two thirds of the MP3's bitrate (64k for the default 96k): the audiobook is
    smaller than the MP3 of the same guide, not larger."""
    folder = rendered_tone_guide.folder
    assert aac_bitrate(rendered_tone_guide.config.audio.bitrate) == "64k"
    m4b, mp3 = MP4(folder / "second-interview.m4b"), MP3(folder / "second-interview.mp3")
    assert mp3.info.bitrate == 96000
    assert m4b.info.bitrate <= 64000 * 1.05
    assert (folder / "second-interview.m4b").stat().st_size < (folder / "second-interview.mp3").stat().st_size


def test_playlist_zip_and_record(rendered_tone_guide: RenderedGuide) -> None:
    folder = rendered_tone_guide.folder
    record = GuideRecord.from_json(json.loads((folder / "guide.json").read_text()))
    assert record.to_json() == rendered_tone_guide.report.guides[0].to_json()
    lines = (folder / record.playlist).read_text().splitlines()
    assert lines[0] == "#EXTM3U"
    assert [line for line in lines if not line.startswith("#")] == [s.file for s in record.stops]
    with zipfile.ZipFile(folder / record.archive) as zf:  # in one folder: unzipped, they spread out
        assert zf.namelist() == [f"{record.slug}/{name}" for name in [s.file for s in record.stops] + [record.playlist]]
        for stop in record.stops:
            assert zf.read(f"{record.slug}/{stop.file}") == (folder / stop.file).read_bytes()


def test_guide_feed_is_a_serial_podcast_in_stop_order(rendered_tone_guide: RenderedGuide) -> None:
    """Issue 13, point 14: each stop has its own pubDate, one minute after the stop before it,
    so apps that order a serial show oldest first play the stops in order; itunes:episode is the
    stop's number, and the unnumbered introduction is the show's trailer."""
    folder = rendered_tone_guide.folder
    data = (folder / "feed.xml").read_bytes()
    parsed = podcastparser.parse("http://127.0.0.1:8000/guides/second-interview/feed.xml", io.BytesIO(data))
    assert parsed["type"] == "serial"
    episodes = sorted(parsed["episodes"], key=lambda e: e["published"])  # as apps order them
    assert [e.get("number") for e in episodes] == [None, 1, 2, 3, 4]
    assert [e["type"] for e in episodes] == ["trailer", "full", "full", "full", "full"]
    published = [e["published"] for e in episodes]
    assert len(set(published)) == 5
    assert [b - a for a, b in zip(published, published[1:], strict=False)] == [60] * 4
    for episode, stop in zip(episodes, rendered_tone_guide.report.guides[0].stops, strict=True):
        [enclosure] = episode["enclosures"]
        assert enclosure["url"].endswith(f"/guides/second-interview/{stop.file}")
        assert enclosure["file_size"] == (folder / stop.file).stat().st_size
        assert episode["title"] == stop.heading
        assert episode["link"] == f"http://127.0.0.1:8000/guides/second-interview/#stop-{stop.number}"
    assert (folder / "00-introduction.vtt").read_text().startswith("WEBVTT")
    feed = feedparser.parse(data)
    assert [e.get("itunes_episode") for e in feed.entries] == [None, "1", "2", "3", "4"]


def test_kind_guide_in_front_matter_selects_guide_rendering(tmp_path) -> None:
    from audioguide.ingest import script as scripts

    path = tmp_path / "tour.md"
    path.write_text("---\ntitle: Tour\nkind: guide\n---\n\nHello.\n")
    assert as_guide(scripts.load(path), Overrides())
    path.write_text("---\ntitle: Tour\n---\n\nHello.\n")
    assert not as_guide(scripts.load(path), Overrides())
    assert as_guide(scripts.load(path), Overrides(guide=True))


def test_guide_page_of_the_rendered_sample(rendered_tone_guide: RenderedGuide) -> None:
    """The real render's page: every stop, its QR code decoding to that stop's URL; the show
    page links the guide."""
    from bs4 import BeautifulSoup

    from tests.test_guide_site import decode_qr, rasterize_qr

    page = BeautifulSoup((rendered_tone_guide.folder / "index.html").read_text(), "html.parser")
    [guide] = rendered_tone_guide.report.guides
    base = rendered_tone_guide.config.show.base_url
    for stop in guide.stops:
        article = page.select_one(f"#stop-{stop.number}")
        assert stop.title in article.get_text()
        assert article.select_one("audio")["src"] == stop.file
        url = f"{base}guides/second-interview/#stop-{stop.number}"
        assert decode_qr(rasterize_qr(article.select_one("svg"))) == [url]
    assert (rendered_tone_guide.folder / "sw.js").is_file()
    assert (rendered_tone_guide.folder / "manifest.webmanifest").is_file()
    show = (rendered_tone_guide.config.output_dir / "index.html").read_text()
    # the stops counted are those with a number (the introduction has none), as the keypad counts them
    assert 'href="guides/second-interview/"' in show and "4 stops" in show
    page = (rendered_tone_guide.folder / "index.html").read_text("utf-8")
    assert "<span>4 stops</span>" in page


def test_a_guide_script_kept_outside_episodes_renders_as_a_guide(tone_project: Path) -> None:
    """A .md file outside episodes/ is read as an article; its kind: guide was ignored, it was
    published as an episode, and its [location] lines were read aloud."""
    tours = tone_project / "tours"
    tours.mkdir()
    (tours / "harbour.md").write_text("---\ntitle: Harbour walk\nkind: guide\n---\n\n## The Pier\n\n"
                                      "[location 50.1, -5.1]\n\nThe old pier.\n\n## The Lighthouse\n\n"
                                      "White and tall.\n", "utf-8")
    result = cli_runner().invoke(cli, ["-C", str(tone_project), "render", str(tours / "harbour.md")])
    assert result.exit_code == 0, result.output
    assert "Rendered 0 episodes and 1 guide" in result.stdout
    folder = tone_project / "output" / "guides" / "harbour"
    record = json.loads((folder / "guide.json").read_text("utf-8"))
    assert [s["title"] for s in record["stops"]] == ["The Pier", "The Lighthouse"]
    assert record["stops"][0]["location"]["lat"] == 50.1
    assert not any("location" in p.read_text("utf-8") for p in folder.glob("*.vtt"))
