"""Issue 16, points 2 and 6: whom an episode credits (``people:`` in its front matter, the show's
host) and its own artwork (``artwork:``), from the script through the render to the tags, the
feed and ``check``."""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

import feedparser
import podcastparser
import pytest
from bs4 import BeautifulSoup
from lxml import etree
from mutagen.id3 import ID3
from mutagen.oggopus import OggOpus
from PIL import Image

from audioguide.cli import cli
from audioguide.errors import InputError
from audioguide.ingest import script as scripts
from audioguide.people import Person
from tests.clirunner import cli_runner

NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
      "podcast": "https://podcastindex.org/namespace/1.0"}
SCRIPT = """---
title: The old harbour
slug: harbour
date: 2026-11-25
{front}---

The harbour is old. Its wall shelters boats.
"""
PEOPLE = """people:
  - Maria Souza
  - name: Tom Lee
    role: translator
    href: https://tom.example.org/
    img: https://tom.example.org/tom.jpg
"""


def _image(path: Path, size: tuple[int, int], colour: tuple[int, int, int] = (200, 40, 40),
           fmt: str = "JPEG", mode: str = "RGB") -> Path:
    Image.new(mode, size, colour if mode == "RGB" else (*colour, 128)).save(path, format=fmt)
    return path


def _png_header(path: Path, side: int) -> Path:
    """A PNG that says it is ``side`` x ``side`` pixels and has no pixels: what Pillow reads
    first, and all it needs to refuse an image too large to read (a real one of 30000 x 30000 px
    is a few hundred kB, and takes minutes to make)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", b"") + chunk(b"IEND", b""))
    return path


# --- the script ---------------------------------------------------------------------------------


def test_people_in_front_matter_become_credited_people(tmp_path: Path) -> None:
    meta = scripts.parse(SCRIPT.format(front=PEOPLE), tmp_path / "harbour.md").meta
    assert meta.people == (Person("Maria Souza", "Guest", "Cast"),
                           Person("Tom Lee", "Translator", "Writing", "https://tom.example.org/",
                                  "https://tom.example.org/tom.jpg"))
    # written back the way it was given (a plain name stays a plain name)
    again = scripts.parse(scripts.dumps(scripts.parse(SCRIPT.format(front=PEOPLE), tmp_path / "h.md")),
                          tmp_path / "harbour.md").meta
    assert again.people == meta.people


@pytest.mark.parametrize(("front", "needle"), [
    ("people:\n  - name: Ana\n    role: Chef\n", "people: Ana's role 'Chef' is not in the Podcast Taxonomy Project"),
    ("people:\n  - name: Ana\n    role: Host\n    group: Writing\n",
     "people: Ana's role 'Host' is in the group 'Cast', not 'Writing': leave group out"),
    ("people:\n  - name: Ana\n    href: ana.example.org\n",
     "people: Ana's href 'ana.example.org' must be a full address starting with http:// or https://"),
    ("people:\n  - name: Ana\n    email: a@b.org\n", "people: Ana has unknown keys email"),
    ("people:\n  - role: Guest\n", "people: an entry has no name"),
    ("people:\n  - [Ana]\n", "people: each entry is a name, or a table"),
])
def test_bad_people_are_one_line_each_naming_the_script(tmp_path: Path, front: str, needle: str) -> None:
    path = tmp_path / "harbour.md"
    with pytest.raises(InputError) as caught:
        scripts.parse(SCRIPT.format(front=front), path)
    message = caught.value.format_message()
    assert str(path) in message and needle in message, message
    assert len([line for line in message.splitlines() if needle in line]) == 1


def test_artwork_must_be_a_file_beside_the_script(tmp_path: Path) -> None:
    path = tmp_path / "harbour.md"
    (tmp_path / "art").mkdir()
    _image(tmp_path / "art" / "harbour.jpg", (1400, 1400))
    script = scripts.parse(SCRIPT.format(front="artwork: art/harbour.jpg\n"), path)
    assert script.meta.artwork == "art/harbour.jpg"
    with pytest.raises(InputError) as caught:
        scripts.parse(SCRIPT.format(front="artwork: art/missing.png\n"), path)
    assert "artwork 'art/missing.png' is not a file" in caught.value.format_message()


# --- rendered, published and checked (the tone engine: plumbing, not sound) ---------------------


def _add_front(script: Path, lines: str) -> None:
    text = script.read_text("utf-8")
    script.write_text(text.replace("date: 2026-11-25\n", "date: 2026-11-25\n" + lines, 1), "utf-8")


def _second(project: Path) -> Path:
    """A second episode beside the sample's, so a refused one can be seen not to stop the other."""
    path = project / "episodes" / "harbour.md"
    path.write_text(SCRIPT.format(front=""), "utf-8")
    return path


@pytest.fixture
def credited(tone_project: Path) -> Path:
    """The sample project with a host, people in front matter and its own (RGBA PNG) artwork."""
    toml = tone_project / "audioguide.toml"
    toml.write_text(toml.read_text("utf-8").replace(
        "[show]\n", '[show]\nhost = "Ben Ortiz"\nhost_role = "Narrator"\n', 1), "utf-8")
    script = tone_project / "episodes" / "second-interview.md"
    _image(tone_project / "episodes" / "cover-2.png", (1600, 1600), fmt="PNG", mode="RGBA")
    _add_front(script, "author: Ana Lopes\nartwork: cover-2.png\n" + PEOPLE)
    result = cli_runner().invoke(cli, ["-C", str(tone_project), "-q", "render"])
    assert result.exit_code == 0, result.output
    return tone_project


def test_people_reach_the_feed_in_order_and_the_host_is_on_the_channel(credited: Path) -> None:
    data = (credited / "output" / "feed.xml").read_bytes()
    channel = etree.fromstring(data).find("channel")
    item = channel.find("item")
    people = [(p.text, p.get("role"), p.get("group"), p.get("href"), p.get("img"))
              for p in item.findall("podcast:person", NS)]
    assert people == [("Ana Lopes", "author", "writing", None, None),
                      ("Maria Souza", "guest", "cast", None, None),
                      ("Tom Lee", "translator", "writing", "https://tom.example.org/",
                       "https://tom.example.org/tom.jpg"),
                      ("Ben Ortiz", "narrator", "cast", None, None)]
    host = channel.find("podcast:person", NS)
    assert (host.text, host.get("role")) == ("Ben Ortiz", "narrator")
    assert not feedparser.parse(data).bozo
    assert podcastparser.parse("http://127.0.0.1:8000/feed.xml", io.BytesIO(data))["episodes"]


def test_the_episodes_artwork_is_in_its_tags_beside_its_mp3_and_in_the_feed(credited: Path) -> None:
    episodes = credited / "output" / "episodes"
    art = episodes / "second-interview.png"
    with Image.open(art) as image:
        assert (image.format, image.mode, image.size) == ("PNG", "RGB", (1600, 1600))  # RGBA flattened
    art_bytes = art.read_bytes()
    pictures = ID3(episodes / "second-interview.mp3").getall("APIC")
    assert [p.data for p in pictures] == [art_bytes] and pictures[0].mime == "image/png"
    opus = OggOpus(episodes / "second-interview.opus")
    assert opus.get("metadata_block_picture"), "the Opus alternate has a cover too"
    item = etree.fromstring((credited / "output" / "feed.xml").read_bytes()).find("channel/item")
    assert item.find("itunes:image", NS).get("href") == "http://127.0.0.1:8000/episodes/second-interview.png"
    channel_cover = (credited / "output" / "feed.xml").read_bytes()
    assert b'<itunes:image href="http://127.0.0.1:8000/cover.jpg"/>' in channel_cover
    # its chapters show it too, not the show's cover (apps swapped the art during playback)
    chapters = json.loads((episodes / "second-interview.chapters.json").read_text("utf-8"))["chapters"]
    assert {c["img"] for c in chapters} == {"http://127.0.0.1:8000/episodes/second-interview.png"}
    result = cli_runner().invoke(cli, ["-C", str(credited), "check"])
    assert result.exit_code == 0, result.output


def test_the_pages_credit_the_same_people_and_show_the_episodes_artwork(credited: Path) -> None:
    """What the publisher wrote (issue 16, point 8): the episode page lists the feed's people and
    shows the episode's own artwork; the show page names the host."""
    out = credited / "output"
    page = BeautifulSoup((out / "episodes" / "second-interview.html").read_bytes(), "lxml")
    people = [(li.select_one(".person-name").get_text(), li.select_one(".person-role").get_text())
              for li in page.select(".people .person")]
    assert people == [("Ana Lopes", "Author"), ("Maria Souza", "Guest"), ("Tom Lee", "Translator"),
                      ("Ben Ortiz", "Narrator")]
    tom = page.select(".people .person")[2]
    assert tom.a["href"] == "https://tom.example.org/" and tom.img["src"] == "https://tom.example.org/tom.jpg"
    art = page.select_one("img.episode-art")
    assert art["src"] == "second-interview.png" and (out / "episodes" / art["src"]).is_file()
    host = BeautifulSoup((out / "index.html").read_bytes(), "lxml").select_one(".show-header .person")
    assert host.get_text() == "Ben Ortiz, Narrator"


def test_artwork_removed_from_the_script_goes_and_the_show_cover_comes_back(credited: Path) -> None:
    script = credited / "episodes" / "second-interview.md"
    script.write_text(script.read_text("utf-8").replace("artwork: cover-2.png\n", ""), "utf-8")
    result = cli_runner().invoke(cli, ["-C", str(credited), "-q", "render"])
    assert result.exit_code == 0, result.output
    episodes = credited / "output" / "episodes"
    assert not (episodes / "second-interview.png").exists()
    item = etree.fromstring((credited / "output" / "feed.xml").read_bytes()).find("channel/item")
    assert item.find("itunes:image", NS).get("href") == "http://127.0.0.1:8000/cover.jpg"
    cover = (credited / "output" / "cover.jpg").read_bytes()
    assert [p.data for p in ID3(episodes / "second-interview.mp3").getall("APIC")] == [cover]
    page = BeautifulSoup((episodes / "second-interview.html").read_bytes(), "lxml")
    assert page.select_one("img.episode-art")["src"] == "../cover.jpg"
    chapters = json.loads((episodes / "second-interview.chapters.json").read_text("utf-8"))["chapters"]
    assert {c["img"] for c in chapters} == {"http://127.0.0.1:8000/cover.jpg"}


def test_check_finds_an_episode_artwork_apple_would_refuse(credited: Path) -> None:
    _image(credited / "output" / "episodes" / "second-interview.png", (1600, 1000), fmt="PNG")
    result = cli_runner().invoke(cli, ["-C", str(credited), "check"])
    assert result.exit_code == 1
    assert "episodes/second-interview.png: is 1600x1000, Apple needs a square image" in result.stderr
    assert "artwork: in the episode's front matter" in result.stderr


@pytest.mark.parametrize(("make", "needle"), [
    (lambda p: _image(p, (1600, 1200)), "cover image is 1600x1200, not square"),
    (lambda p: _image(p, (800, 800)), "cover image is 800 px wide, not 1400-3000"),
    (lambda p: p.write_bytes(b"not an image"), "cover image cannot be read as an image"),
    (lambda p: _png_header(p, 30000), "cover image has over 89 million pixels"),  # Pillow: a decompression bomb
    (lambda p: _png_header(p, 10000), "cover image has over 89 million pixels"),  # Pillow: only a warning
])
def test_artwork_apple_would_refuse_stops_only_its_episode(
        tone_project: Path, make: object, needle: str) -> None:
    script = tone_project / "episodes" / "second-interview.md"
    art = tone_project / "episodes" / "bad.jpg"
    make(art)  # type: ignore[operator]
    _add_front(script, "artwork: bad.jpg\n")
    _second(tone_project)
    result = cli_runner().invoke(cli, ["-C", str(tone_project), "-q", "render"])
    assert result.exit_code != 0
    lines = [line for line in result.stderr.splitlines() if needle in line]
    assert len(lines) == 1 and str(art) in lines[0], result.stderr
    assert "Traceback" not in result.output + result.stderr
    episodes = tone_project / "output" / "episodes"
    assert (episodes / "harbour.mp3").is_file(), "the other episode still renders"
    assert not list(episodes.glob("second-interview.*"))


def test_a_show_image_too_large_to_read_is_refused_before_anything_is_spoken(tone_project: Path) -> None:
    _png_header(tone_project / "huge.png", 30000)
    toml = tone_project / "audioguide.toml"
    toml.write_text(toml.read_text("utf-8").replace("[show]\n", '[show]\nimage = "huge.png"\n', 1), "utf-8")
    result = cli_runner().invoke(cli, ["-C", str(tone_project), "render"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: {tone_project / 'huge.png'}: cover image has over 89 million pixels, too many to read safely. "
        "Scale it down to a square of 1400-3000 px, then point show.image at it, or leave show.image empty to "
        "generate one."]
    assert not (tone_project / ".cache" / "audioguide").exists() and not (tone_project / "output" / "episodes").exists()
