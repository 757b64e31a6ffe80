"""Issue 14, point 6: an article of hundreds of tiny sections renders, with every chapter in the
MP3 (a nested ID3 table of contents past 255), the chapters JSON, the feed and the page, and
``check`` accepts it; the nesting itself at its boundaries; an M4B with 1,500 chapters."""

from __future__ import annotations

import datetime as dt
import io
import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import podcastparser
import pytest
from bs4 import BeautifulSoup
from lxml import etree
from mutagen.id3 import ID3, CTOCFlags
from mutagen.mp4 import MP4

from audioguide import ffmpeg
from audioguide.audio.master import encode_m4b
from audioguide.audio.tags import TOC_LIMIT, Tags, listed_chapters, tables_of_contents, write_tags
from audioguide.cli import cli
from audioguide.models import Chapter
from audioguide.publish.podcast import PSC_NS
from tests.clirunner import cli_runner
from tests.conftest import copy_tone_project

SECTIONS = 620
WORDS = ("amber", "bold", "calm", "dark", "eager", "faint", "grand", "hollow", "idle", "jolly",
         "keen", "loud", "mild", "narrow", "odd", "pale", "quiet", "rough", "sharp", "tall",
         "vast", "warm", "young", "brisk", "crisp")
TITLES = [f"{a.capitalize()} {b}" for a in WORDS for b in WORDS][:SECTIONS]


def many_sections(root: Path) -> Path:
    """An article of :data:`SECTIONS` sections: each a two-word heading and a two-word paragraph,
    with short pauses so that the episode stays a few minutes long."""
    (root / "episodes" / "second-interview.md").unlink()
    body = "\n".join(f"## {title}\n\n{title.split()[1].capitalize()} noted.\n" for title in TITLES)
    script = root / "episodes" / "many.md"
    script.write_text("---\ntitle: Many small sections\nslug: many\ndate: 2026-11-26\n"
                      "sentence_pause: 0.1\nparagraph_pause: 0.1\nsection_pause: 0.2\n---\n\n" + body,
                      "utf-8")
    return script


def toc_problems(tags: ID3) -> list[str]:
    """What is wrong with the tag's tables of contents (empty when they are valid)."""
    tocs = tags.getall("CTOC")
    problems = [f"{t.element_id} lists {len(t.child_element_ids)}" for t in tocs
                if len(t.child_element_ids) > TOC_LIMIT]
    problems += [f"{t.element_id} is not ordered" for t in tocs if not t.flags & CTOCFlags.ORDERED]
    if sum(1 for t in tocs if t.flags & CTOCFlags.TOP_LEVEL) != 1:
        problems.append("not exactly one top-level table")
    if listed_chapters(tags) != [c.element_id for c in tags.getall("CHAP")]:
        problems.append("the tables do not list every chapter once, in the order stored")
    return problems


def test_an_article_of_hundreds_of_tiny_sections_renders_and_checks(tmp_path: Path) -> None:
    root = copy_tone_project(tmp_path / "project")
    many_sections(root)
    runner = cli_runner()
    result = runner.invoke(cli, ["-C", str(root), "render"])
    assert result.exit_code == 0, result.stderr
    episodes = root / "output" / "episodes"

    tags = ID3(episodes / "many.mp3")
    chaps = tags.getall("CHAP")  # as stored in the file
    assert [str(c.sub_frames["TIT2"]) for c in chaps] == TITLES
    starts = [c.start_time for c in chaps]
    assert starts[0] == 0 and all(a < b for a, b in zip(starts, starts[1:], strict=False))
    assert all(a.end_time == b.start_time for a, b in zip(chaps, chaps[1:], strict=False))
    assert toc_problems(tags) == []
    assert len(tags.getall("CTOC")) == 1 + -(-SECTIONS // TOC_LIMIT)  # the top and 3 below it

    record = json.loads((episodes / "many.json").read_text())
    assert [c["title"] for c in record["chapters"]] == TITLES
    data = json.loads((episodes / "many.chapters.json").read_text())
    assert [c["title"] for c in data["chapters"]] == TITLES
    assert [round(c["startTime"] * 1000) for c in data["chapters"]] == starts

    feed = (root / "output" / "feed.xml").read_bytes()
    [item] = podcastparser.parse("http://127.0.0.1:8000/feed.xml", io.BytesIO(feed))["episodes"]
    assert [c["title"] for c in item["chapters"]] == TITLES
    assert [c["start"] for c in item["chapters"]] == [ms // 1000 for ms in starts]  # it keeps seconds
    psc = etree.fromstring(feed).findall(f".//{{{PSC_NS}}}chapter")
    assert [c.get("start") for c in psc] == [
        f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}" for ms in starts]

    page = BeautifulSoup((episodes / "many.html").read_text("utf-8"), "html.parser")
    buttons = page.select("button.chapter")
    assert [b.select_one(".chapter-title").get_text() for b in buttons] == TITLES

    check = runner.invoke(cli, ["-C", str(root), "check"])
    assert check.exit_code == 0, check.stdout + check.stderr


@pytest.mark.parametrize("count", [1, 254, 255, 256, 510, 511, 512, TOC_LIMIT * TOC_LIMIT,
                                   TOC_LIMIT * TOC_LIMIT + 1])
def test_tables_of_contents_nest_past_255_entries(count: int) -> None:
    ids = [f"chp{i}" for i in range(count)]
    tocs = tables_of_contents(ids)
    by_id = {t.element_id: t for t in tocs}
    assert len(by_id) == len(tocs) and tocs[0].element_id == "toc"
    assert all(len(t.children) <= TOC_LIMIT for t in tocs)

    def flat(element: str) -> list[str]:
        return [c for child in by_id[element].children
                for c in (flat(child) if child in by_id else [child])]

    assert flat("toc") == ids
    def depth_first(element: str) -> list[str]:
        return [element, *(e for child in by_id[element].children if child in by_id
                           for e in depth_first(child))]

    # every table is listed once, and they are stored in the order a reader meets them
    assert depth_first("toc") == [t.element_id for t in tocs]
    levels = 0 if count <= TOC_LIMIT else 1 if count <= TOC_LIMIT**2 else 2
    expected = {1: 1, 254: 1, 255: 1, 256: 3, 510: 3, 511: 4, 512: 4}
    assert len(tocs) == expected.get(count, len(tocs))
    assert max((int(t.element_id[3:].split(".")[0]) for t in tocs[1:]), default=0) == levels
    if count == 256:
        assert [t.title for t in tocs] == ["Chapters", "Chapters 1-255", "Chapters 256-256"]


@pytest.mark.parametrize("count", [255, 256, 511])
def test_nested_chapters_read_back_from_the_mp3(tmp_path: Path, count: int) -> None:
    mp3 = tmp_path / "x.mp3"
    ffmpeg.run(["-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono", "-t", "2", "-c:a", "libmp3lame",
                "-y", str(mp3)])
    step = 2.0 / count
    chapters = tuple(Chapter(f"Chapter {i + 1}", round(i * step, 3), round((i + 1) * step, 3))
                     for i in range(count))
    write_tags(mp3, Tags("Title", "Artist", "Album", dt.date(2026, 1, 1)), chapters)
    tags = ID3(mp3)
    assert [str(c.sub_frames["TIT2"]) for c in tags.getall("CHAP")] == [c.title for c in chapters]
    assert toc_problems(tags) == []
    assert len(tags.getall("CTOC")) == (1 if count <= TOC_LIMIT else 1 + -(-count // TOC_LIMIT))


def test_m4b_holds_1500_chapters(tmp_path: Path) -> None:
    """The audiobook's chapters come from an ffmetadata file: all 1,500 arrive in its chapter
    track (what Apple Books and ffmpeg-based players read). Its Nero ``chpl`` list, which
    mutagen reads, counts chapters in one byte: ffmpeg writes the first 255 there."""
    seconds = 150
    t = np.arange(seconds * 44100) / 44100
    pcm = tmp_path / "mastered.raw"
    pcm.write_bytes((0.2 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2").tobytes())
    chapters = tuple(Chapter(f"Part {i + 1}", i * 0.1, (i + 1) * 0.1) for i in range(1500))
    book = tmp_path / "book.m4b"
    encode_m4b(pcm, book, title="Book", artist="A", album="Book", chapters=chapters, bitrate="64k")
    meta = ffmpeg.run(["-i", str(book), "-f", "ffmetadata", "-"]).decode()
    blocks = [dict(line.split("=", 1) for line in block.strip().splitlines())
              for block in meta.split("[CHAPTER]")[1:]]
    assert [b["title"] for b in blocks] == [c.title for c in chapters]
    starts = [int(b["START"]) * Fraction(b["TIMEBASE"]) for b in blocks]
    assert [round(float(s), 2) for s in starts] == [round(c.start, 2) for c in chapters]
    assert [c.title for c in MP4(book).chapters] == [c.title for c in chapters[:255]]
