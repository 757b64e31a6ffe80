"""A tour author's guide through the command line (issue 13, points 12-14): how the introduction
is numbered, and that the announcement, file names, track tags, playlist, page, QR codes and
feed agree; a project of guides only publishes no empty podcast feed; ``check`` checks guides.

Rendered with the tone engine: a short walk of an introduction and two numbered plaques.
"""

from __future__ import annotations

import email.utils
import io
import json
import logging
import re
import shutil
from pathlib import Path

import podcastparser
import pytest
from bs4 import BeautifulSoup
from mutagen.id3 import ID3

from audioguide.cli import cli
from audioguide.ingest import script as scripts
from audioguide.models import GuideRecord, Script
from audioguide.render.guides import StopNumber, stop_numbers
from tests.clirunner import cli_runner
from tests.test_guide_site import decode_qr, rasterize_qr

BASE = "https://walks.example.org/"
TOUR = """---
title: Garden walk
slug: garden
kind: guide
date: 2026-11-20
description: A short walk through the garden.
---

Welcome to the garden walk. Each plaque carries a number.

## The Gate

The gate was built in 1820.

## The Pond

Carp live in the pond.
"""
EPISODE = """---
title: News
slug: news
date: 2026-11-21
---

A short piece of news.
"""


def make_project(root: Path, introduction: str | None = None) -> Path:
    """A project with the tour (tone engine), and ``[guide] introduction`` when given."""
    (root / "episodes").mkdir(parents=True)
    (root / "episodes" / "garden.md").write_text(TOUR, "utf-8")
    guide = f'[guide]\nintroduction = "{introduction}"\n' if introduction else ""
    (root / "audioguide.toml").write_text(
        '[show]\ntitle = "Walks"\ndescription = "Walks in town."\nauthor = "Ada"\n'
        'owner_name = "Ada"\nowner_email = "ada@example.org"\ncategories = ["Leisure"]\n'
        f'base_url = "{BASE}"\n\n[voice]\nengine = "tone"\n\n{guide}', "utf-8")
    return root


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = cli_runner().invoke(cli, ["-q", "-C", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def rendered(root: Path) -> GuideRecord:
    code, _, err = run(root, "render")
    assert code == 0, err
    return GuideRecord.from_json(json.loads((root / "output/guides/garden/guide.json").read_text()))


MODES = {
    # introduction -> (stop numbers, spoken openings, file names, list titles, itunes:episode)
    "unnumbered": ([0, 1, 2], ["Introduction.", "Stop 1. The Gate.", "Stop 2. The Pond."],
                   ["00-introduction.mp3", "01-the-gate.mp3", "02-the-pond.mp3"],
                   ["Introduction", "1. The Gate", "2. The Pond"], [None, 1, 2]),
    "stop 0": ([0, 1, 2], ["Stop 0. Introduction.", "Stop 1. The Gate.", "Stop 2. The Pond."],
               ["00-introduction.mp3", "01-the-gate.mp3", "02-the-pond.mp3"],
               ["0. Introduction", "1. The Gate", "2. The Pond"], [None, 1, 2]),
    "stop 1": ([1, 2, 3], ["Stop 1. Introduction.", "Stop 2. The Gate.", "Stop 3. The Pond."],
               ["01-introduction.mp3", "02-the-gate.mp3", "03-the-pond.mp3"],
               ["1. Introduction", "2. The Gate", "3. The Pond"], [1, 2, 3]),
}


@pytest.mark.parametrize("introduction", [None, "stop 0", "stop 1"])
def test_every_output_numbers_the_stops_as_announced(tmp_path: Path, introduction: str | None) -> None:
    """Issue 13, point 13: the author chooses how the introduction is numbered (default: no
    number, so "Stop 1" is the first plaque); every output agrees with what is spoken."""
    root = make_project(tmp_path / "walk", introduction)
    numbers, spoken, files, titles, episodes = MODES[introduction or "unnumbered"]
    guide = rendered(root)
    folder = root / "output/guides/garden"
    assert [s.number for s in guide.stops] == numbers
    assert [s.cues[0].text for s in guide.stops] == spoken
    assert [s.file for s in guide.stops] == files
    assert sorted(p.name for p in folder.glob("[0-9][0-9]-*.mp3")) == files
    for position, (stop, title) in enumerate(zip(guide.stops, titles, strict=True), start=1):
        tags = ID3(folder / stop.file)  # the track is the place in the guide: 0/3 ... 2/3 before
        assert (str(tags["TRCK"]), str(tags["TIT2"])) == (f"{position}/3", title)
    playlist = (folder / "garden.m3u8").read_text().splitlines()
    assert [line.split(",", 1)[1] for line in playlist if line.startswith("#EXTINF")] == titles
    feed = podcastparser.parse(BASE + "guides/garden/feed.xml", io.BytesIO((folder / "feed.xml").read_bytes()))
    assert [e["title"] for e in feed["episodes"]] == titles
    assert [e.get("number") for e in feed["episodes"]] == episodes
    page = BeautifulSoup((folder / "index.html").read_text(), "html.parser")
    for stop in guide.stops:
        article = page.select_one(f"#stop-{stop.number}")
        assert article is not None and article.select_one("audio")["src"] == stop.file
        shown = article.select_one(".stop-number").get_text(strip=True)
        assert shown == (str(stop.number) if stop.numbered else "")
        assert decode_qr(rasterize_qr(article.select_one("svg"))) == [
            f"{BASE}guides/garden/#stop-{stop.number}"]
    code, out, err = run(root, "check")
    assert code == 0, err
    assert "no problems found" in out


def test_only_an_untitled_opening_is_an_introduction(tmp_path: Path) -> None:
    """A script that opens with a heading has no introduction: its stops count from 1 whatever
    the setting."""
    headed = TOUR.replace("Welcome to the garden walk.", "## Welcome\n\nWelcome to the garden walk.")
    for text, setting, want in (
            (TOUR, "unnumbered", [StopNumber(0, False), StopNumber(1, True), StopNumber(2, True)]),
            (TOUR, "stop 0", [StopNumber(0, True), StopNumber(1, True), StopNumber(2, True)]),
            (TOUR, "stop 1", [StopNumber(1, True), StopNumber(2, True), StopNumber(3, True)]),
            (headed, "unnumbered", [StopNumber(1, True), StopNumber(2, True), StopNumber(3, True)]),
            (headed, "stop 0", [StopNumber(1, True), StopNumber(2, True), StopNumber(3, True)])):
        assert stop_numbers(_script(text, tmp_path), setting, "en") == want


def _script(text: str, folder: Path) -> Script:
    path = folder / "garden.md"
    path.write_text(text, "utf-8")
    return scripts.load(path)


def test_changing_the_numbering_leaves_no_stops_of_the_old_one(tmp_path: Path) -> None:
    root = make_project(tmp_path / "walk")
    rendered(root)
    make_project(tmp_path / "again", "stop 1")
    shutil.copy(tmp_path / "again" / "audioguide.toml", root / "audioguide.toml")
    guide = rendered(root)
    folder = root / "output/guides/garden"
    numbered = sorted(p.name for p in folder.glob("[0-9][0-9]-*"))
    assert numbered == sorted(f"{Path(s.file).stem}{suffix}" for s in guide.stops
                              for suffix in (".mp3", ".vtt", ".srt", ".chapters.json"))
    assert [s.file for s in guide.stops] == MODES["stop 1"][2]
    assert run(root, "check")[0] == 0


def test_an_unknown_introduction_setting_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path / "walk", "stop 2")
    code, _, err = run(root, "render")
    assert code == 2
    assert "guide.introduction must be 'unnumbered', 'stop 0' or 'stop 1'" in err
    assert not (root / "output" / "guides").exists()


def test_a_project_of_guides_only_publishes_no_podcast_feed(tmp_path: Path) -> None:
    """Issue 13, point 12: a guide-only project writes no empty top-level feed.xml and the show
    page does not link one; once the episodes are gone, a feed from before is removed."""
    root = make_project(tmp_path / "walk")
    rendered(root)
    out = root / "output"
    assert not (out / "feed.xml").exists()
    index = (out / "index.html").read_text()
    assert "feed.xml" not in index and "Subscribe" not in index
    assert 'href="guides/garden/"' in index
    assert 'href="../../feed.xml"' not in (out / "guides/garden/index.html").read_text()
    code, out_text, err = run(root, "check")
    assert (code, err) == (0, "")

    (root / "episodes" / "news.md").write_text(EPISODE, "utf-8")
    rendered(root)
    assert (out / "feed.xml").is_file() and 'href="feed.xml"' in (out / "index.html").read_text()

    (root / "episodes" / "news.md").unlink()
    for path in (out / "episodes").glob("news*"):
        path.unlink()
    rendered(root)
    assert not (out / "feed.xml").exists()
    assert "feed.xml" not in (out / "index.html").read_text()
    assert run(root, "check")[0] == 0


def test_check_finds_what_is_wrong_in_a_guide(tmp_path: Path) -> None:
    """Issue 13, point 12: ``check`` checks a guide's feed by the podcast rules, and its stops,
    playlist, ZIP, whole-guide MP3 and M4B, and page."""
    from mutagen.id3 import TRCK

    root = make_project(tmp_path / "walk")
    guide = rendered(root)
    folder = root / "output/guides/garden"
    assert run(root, "check")[0] == 0

    ID3(folder / "garden.mp3").save()  # mutagen alone stores the chapters by size
    (folder / "garden.m4b").unlink()
    tags = ID3(folder / guide.stops[2].file)
    tags.add(TRCK(encoding=3, text="7/3"))
    tags.save()
    with (folder / guide.stops[1].file).open("ab") as f:
        f.write(b"\0" * 100)
    playlist = folder / "garden.m3u8"
    lines = playlist.read_text().splitlines()
    playlist.write_text("\n".join(lines[:2] + lines[4:6] + lines[2:4] + lines[6:]) + "\n")
    shutil.copy(folder / "garden.m3u8", folder / "garden.zip")
    feed = folder / "feed.xml"
    text = feed.read_text()
    first = text[text.index("<pubDate>"):text.index("</pubDate>")]
    text = "".join(part if i == 0 else first + part[part.index("</pubDate>"):]
                   for i, part in enumerate(text.split("<pubDate>")))
    feed.write_text(text.replace("<podcast:locked>no</podcast:locked>", ""))

    code, _, err = run(root, "check")
    assert code == 1
    expected = [
        "guides/garden/garden.mp3: stores its chapters out of time order",
        "guides/garden/garden.m4b: is missing",
        f"guides/garden/{guide.stops[2].file}: track number is '7/3', not '3/3'",
        f"guides/garden/{guide.stops[1].file}: has {guide.stops[1].size + 100} bytes",
        f"guides/garden/feed.xml item 2 ('1. The Gate'): enclosure length is {guide.stops[1].size}",
        "guides/garden/garden.m3u8: does not list the stops' files in order",
        "guides/garden/garden.zip: is not a readable ZIP",
        "guides/garden/feed.xml item 2 ('1. The Gate'): <pubDate> is not later than the stop before it",
        "guides/garden/feed.xml <channel>: <podcast:locked> is missing",
    ]
    for line in expected:
        assert line in err, f"{line!r} not in:\n{err}"
    when = [email.utils.parsedate_to_datetime(p.split("</pubDate>")[0])
            for p in text.split("<pubDate>")[1:]]
    assert len(set(when)) == 1


def test_a_stop_with_nothing_under_its_heading_keeps_its_number_and_the_next_theirs(tone_project: Path) -> None:
    """It vanished without a word, and every later stop took the number before its own: the
    audio said "Stop 2. The Lake." beside a placard saying 3, and ``locations: 3`` was refused."""
    path = tone_project / "episodes" / "park.md"
    path.write_text("---\ntitle: Park trail\nkind: guide\nlocations:\n  3: 52.37, 4.89\n---\n\n"
                    "## The Gate\n\nThe old gate.\n\n## The Bandstand\n\n## The Lake\n\nDucks live here.\n", "utf-8")
    result = cli_runner().invoke(cli, ["-C", str(tone_project), "render", str(path)])
    assert result.exit_code == 0, result.output
    record = json.loads((tone_project / "output" / "guides" / "park" / "guide.json").read_text("utf-8"))
    stops = [(s["number"], s["title"], s["file"], bool(s.get("location"))) for s in record["stops"]]
    assert stops == [(1, "The Gate", "01-the-gate.mp3", False), (2, "The Bandstand", "02-the-bandstand.mp3", False),
                     (3, "The Lake", "03-the-lake.mp3", True)]
    assert record["stops"][1]["cues"][0]["text"] == "Stop 2. The Bandstand."
    # an episode keeps such a heading too: a chapter that is only its spoken heading
    episode = tone_project / "episode.md"
    episode.write_text("---\ntitle: E\n---\n\nOpening words.\n\n## Empty\n\n## Full\n\nText.\n", "utf-8")
    assert [s.heading for s in scripts.load(episode).sections] == [None, "Empty", "Full"]


def test_the_introduction_is_announced_and_titled_in_the_guides_language(tone_project: Path) -> None:
    """A German guide said "Station 1. Der Saal." but "Introduction." (and listed it so)."""
    path = tone_project / "episodes" / "saal.md"
    path.write_text("---\ntitle: Rundgang\nkind: guide\nlanguage: de\n---\n\nWillkommen im Museum.\n\n"
                    "## Der Saal\n\nEin großer Raum.\n", "utf-8")
    result = cli_runner().invoke(cli, ["-C", str(tone_project), "render", "--any-language", str(path)])
    assert result.exit_code == 0, result.output
    record = json.loads((tone_project / "output" / "guides" / "saal" / "guide.json").read_text("utf-8"))
    assert [(s["title"], s["cues"][0]["text"]) for s in record["stops"]] == [
        ("Einführung", "Einführung."), ("Der Saal", "Station 1. Der Saal.")]
    playlist = (tone_project / "output" / "guides" / "saal" / "saal.m3u8").read_text("utf-8")
    assert "Einführung" in playlist and "Introduction" not in playlist
    # The whole guide's chapter list is titled in German, and the M4B's tracks are German: its
    # MP3 said "Chapters", its audio was 'und' and its chapter track 'eng'
    folder = tone_project / "output" / "guides" / "saal"
    assert [str(t.sub_frames["TIT2"]) for t in ID3(folder / "saal.mp3").getall("CTOC")] == ["Kapitel"]
    assert track_languages(folder / "saal.m4b") == ["deu", "deu"]


def track_languages(path: Path) -> list[str]:
    """The language of each track of an MP4 (its ``mdhd`` box), as ffmpeg prints it."""
    from mutagen.mp4._atom import Atoms

    with path.open("rb") as file:
        found = []
        for mdhd in Atoms(file)[b"moov"].findall(b"mdhd", True):
            file.seek(mdhd.offset + 8)
            version = file.read(1)
            file.seek(mdhd.offset + 12 + (28 if version == b"\x01" else 16))
            packed = int.from_bytes(file.read(2), "big")
            found.append("".join(chr(((packed >> shift) & 31) + 0x60) for shift in (10, 5, 0)))
        return found


def test_a_renamed_stop_leaves_no_files_whatever_its_number_width_and_the_authors_files_stay(
        tone_project: Path) -> None:
    """Old stops were found by the pattern ``[0-9][0-9]-*``: the files of a guide of 100 stops or
    more (``005-room-5.mp3``) stayed behind, and so did every stop's after it shrank to 99; and a
    ``01-floorplan.pdf`` the author put in the folder was deleted."""
    from audioguide.render.guides import STOP_FILES, _earlier_stops, _remove_old_stops

    path = tone_project / "episodes" / "rooms.md"
    path.write_text("---\ntitle: Rooms\nkind: guide\n---\n\n## Room One\n\nOne.\n\n## Room Two\n\nTwo.\n", "utf-8")
    assert cli_runner().invoke(cli, ["-C", str(tone_project), "render", str(path)]).exit_code == 0
    folder = tone_project / "output" / "guides" / "rooms"
    (folder / "01-floorplan.pdf").write_bytes(b"%PDF-1.4\n")
    path.write_text(path.read_text("utf-8").replace("## Room Two", "## Room 2"), "utf-8")
    assert cli_runner().invoke(cli, ["-C", str(tone_project), "render", str(path)]).exit_code == 0
    stops = ("01-room-one", "02-room-2")
    assert sorted(p.name for p in folder.glob("0*")) == [
        "01-floorplan.pdf", *sorted(f"{stem}{suffix}" for stem in stops for suffix in STOP_FILES)]
    # Three digits down to two (a guide of 100 stops shrunk to 99), from the record's names
    record = GuideRecord.from_json(json.loads((folder / "guide.json").read_text("utf-8")))
    wide = [stop.__class__(**{**stop.__dict__, "file": f"1{stop.file}"}) for stop in record.stops]
    (folder / "guide.json").write_text(json.dumps(
        GuideRecord(**{**record.__dict__, "stops": tuple(wide)}).to_json()), "utf-8")
    for stop in wide:
        for suffix in STOP_FILES:
            (folder / f"{Path(stop.file).stem}{suffix}").write_text("old", "utf-8")
    earlier = _earlier_stops(folder)
    assert earlier == {"101-room-one", "102-room-2"}
    _remove_old_stops(folder, earlier, record)
    assert not list(folder.glob("1*")) and (folder / "01-room-one.mp3").is_file()
    # Without a readable record, the files named as stops are are the earlier stops
    (folder / "guide.json").write_text("{", "utf-8")
    assert _earlier_stops(folder) == {"01-room-one", "02-room-2"}


def test_headings_that_carry_their_plaque_number_are_not_numbered_twice(tone_project: Path, caplog) -> None:
    """``## 1. The Gate`` was announced "Stop 1. 1. The Gate." and listed "1. 1. The Gate"."""
    path = tone_project / "episodes" / "yard.md"
    path.write_text("---\ntitle: Yard\nkind: guide\n---\n\n## 1. The Gate\n\nHello.\n\n## 2) The Hall\n\nBye.\n\n"
                    "## Stop 3: The Yard\n\nYes.\n\n## 1984: The Year\n\nNo.\n", "utf-8")
    assert cli_runner().invoke(cli, ["-C", str(tone_project), "render", str(path)]).exit_code == 0
    folder = tone_project / "output" / "guides" / "yard"
    record = json.loads((folder / "guide.json").read_text("utf-8"))
    assert [(s["title"], s["file"], s["cues"][0]["text"]) for s in record["stops"]] == [
        ("The Gate", "01-the-gate.mp3", "Stop 1. The Gate."), ("The Hall", "02-the-hall.mp3", "Stop 2. The Hall."),
        ("The Yard", "03-the-yard.mp3", "Stop 3. The Yard."),
        ("1984: The Year", "04-1984-the-year.mp3", "Stop 4. 1984: The Year.")]
    assert re.search(r"#EXTINF:\d+,1\. The Gate\n", (folder / "yard.m3u8").read_text("utf-8"))
    # An introduction counted as stop 1 moves every heading's number: said, and the numbers kept
    toml = tone_project / "audioguide.toml"
    toml.write_text(toml.read_text("utf-8") + '\n[guide]\nintroduction = "stop 1"\n', "utf-8")
    path.write_text(path.read_text("utf-8").replace("---\n\n## 1.", "---\n\nWelcome.\n\n## 1."), "utf-8")
    with caplog.at_level(logging.WARNING, logger="audioguide"):
        assert cli_runner().invoke(cli, ["-C", str(tone_project), "render", str(path)]).exit_code == 0
    assert f"{path}: the heading '1. The Gate' is stop 2, not 1" in caplog.text
    record = json.loads((folder / "guide.json").read_text("utf-8"))
    assert [s["title"] for s in record["stops"]][:2] == ["Introduction", "1. The Gate"]
    assert "or change [guide] introduction (now 'stop 1')" in caplog.text


def test_two_headings_with_one_plaque_number_are_refused_and_the_other_guides_render(
        tone_project: Path) -> None:
    """``## 2. The Hall`` and ``## 2. The Yard`` were a warning: the guide was published, the yard
    announced "Stop 3. 2. The Yard." and the keypad's 2 played the hall."""
    episodes = tone_project / "episodes"
    (episodes / "dup.md").write_text("---\ntitle: Dup\nkind: guide\n---\n\n## 1. The Gate\n\nA gate.\n\n"
                                     "## 2. The Hall\n\nA hall.\n\n## 2. The Yard\n\nA yard.\n", "utf-8")
    (episodes / "fine.md").write_text("---\ntitle: Fine\nkind: guide\n---\n\n## 1. The Gate\n\nA gate.\n",
                                      "utf-8")
    result = cli_runner().invoke(cli, ["-C", str(tone_project), "render", str(episodes / "dup.md")])
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("dup.md: two stops are numbered 2: '2. The Hall' and '2. The Yard'; "
                                          "give each stop its own number.")
    result = cli_runner().invoke(cli, ["-C", str(tone_project), "render"])
    assert result.exit_code == 1 and "dup.md: two stops are numbered 2" in result.stderr
    guides = tone_project / "output" / "guides"
    assert not (guides / "dup").exists() and (guides / "fine" / "guide.json").is_file()


def test_plaque_numbers_of_their_own_are_the_stop_numbers(tone_project: Path, caplog) -> None:
    """``## 101. The Thinker``, ``## 102. The Kiss`` were stops 1 and 2 with a warning, and the
    keypad answered 101 with "There is no stop 101". Headings that all carry a number, each above
    the one before, are numbered so everywhere; the track tag stays the place in the guide."""
    path = tone_project / "episodes" / "rodin.md"
    path.write_text("---\ntitle: Rodin\nkind: guide\n---\n\nWelcome.\n\n## 101. The Thinker\n\nA man.\n\n"
                    "## 102. The Kiss\n\nTwo.\n\n## 205. The Gates of Hell\n\nA door.\n", "utf-8")
    with caplog.at_level(logging.WARNING, logger="audioguide"):
        assert cli_runner().invoke(cli, ["-C", str(tone_project), "render", str(path)]).exit_code == 0
    assert "rodin.md" not in caplog.text
    folder = tone_project / "output" / "guides" / "rodin"
    guide = GuideRecord.from_json(json.loads((folder / "guide.json").read_text("utf-8")))
    assert [(s.number, s.title, s.file, s.cues[0].text) for s in guide.stops] == [
        (0, "Introduction", "000-introduction.mp3", "Introduction."),
        (101, "The Thinker", "101-the-thinker.mp3", "Stop 101. The Thinker."),
        (102, "The Kiss", "102-the-kiss.mp3", "Stop 102. The Kiss."),
        (205, "The Gates of Hell", "205-the-gates-of-hell.mp3", "Stop 205. The Gates of Hell.")]
    assert [str(ID3(folder / s.file)["TRCK"]) for s in guide.stops] == ["1/4", "2/4", "3/4", "4/4"]
    playlist = (folder / "rodin.m3u8").read_text("utf-8")
    assert [line.split(",", 1)[1] for line in playlist.splitlines() if line.startswith("#EXTINF")] == [
        "Introduction", "101. The Thinker", "102. The Kiss", "205. The Gates of Hell"]
    feed = podcastparser.parse(BASE, io.BytesIO((folder / "feed.xml").read_bytes()))
    assert [e.get("number") for e in feed["episodes"]] == [None, 101, 102, 205]
    page = BeautifulSoup((folder / "index.html").read_text("utf-8"), "html.parser")
    assert [a["id"] for a in page.select("article[id^=stop-]")] == ["stop-0", "stop-101", "stop-102", "stop-205"]
    assert page.select_one("#stop-205 .stop-number").get_text(strip=True) == "205"
    code, out, err = run(tone_project, "check")
    assert code == 0, err
    # Numbers out of order, or a heading without one, keep the count 1, 2, ... and its warning
    path.write_text(path.read_text("utf-8").replace("## 205.", "## 100."), "utf-8")
    with caplog.at_level(logging.WARNING, logger="audioguide"):
        assert cli_runner().invoke(cli, ["-C", str(tone_project), "render", str(path)]).exit_code == 0
    assert (f"{path}: the heading '101. The Thinker' is stop 1, not 101: stops are numbered 1, 2, ... in the "
            "order of the headings unless every heading carries its own number, each above the one before; "
            "number the headings so") in caplog.text
    assert "[guide] introduction" not in caplog.text
    guide = GuideRecord.from_json(json.loads((folder / "guide.json").read_text("utf-8")))
    assert [s.number for s in guide.stops] == [0, 1, 2, 3]


def test_a_heading_without_letters_is_a_stop_file_and_a_placeholder_location_is_named(
        tone_project: Path, caplog) -> None:
    """``## ???`` gave the file ``02-episode.mp3`` (a guide has stops, not episodes), and
    ``[location 0, 0]``, in the Gulf of Guinea and most likely a placeholder, was taken silently."""
    path = tone_project / "episodes" / "odd.md"
    path.write_text("---\ntitle: Odd\nkind: guide\n---\n\n## The Gate\n\n[location 0, 0]\n\nA gate.\n\n"
                    "## ???\n\n[location 0.0, 0.0]\n\nWhat is it.\n\n## The Yard\n\n[location 52.1, 4.3]\n\n"
                    "A yard.\n", "utf-8")
    with caplog.at_level(logging.WARNING, logger="audioguide"):
        assert cli_runner().invoke(cli, ["-C", str(tone_project), "render", str(path)]).exit_code == 0
    record = json.loads((tone_project / "output" / "guides" / "odd" / "guide.json").read_text("utf-8"))
    assert [s["file"] for s in record["stops"]] == ["01-the-gate.mp3", "02-stop.mp3", "03-the-yard.mp3"]
    warned = [r.getMessage() for r in caplog.records if "0, 0" in r.getMessage()]
    assert warned == [f"{path}: stops 1 (The Gate), 2 (???) located at 0, 0, in the Gulf of Guinea: a "
                      "placeholder? Give the stop's coordinates, or remove its location"]


def test_a_guide_rendered_before_the_track_and_zip_changes_is_rendered_again(tmp_path: Path, monkeypatch) -> None:
    """Guides rendered before their track tags counted 1 to N and their ZIP had a folder were up to
    date, so ``check`` failed them with a fix ('render again') that did nothing."""
    from audioguide.render import items

    root = make_project(tmp_path / "walk")
    monkeypatch.setattr(items, "GUIDE_FORMAT", 1)
    before = json.loads(json.dumps(rendered(root).to_json()))
    key = json.loads((root / "output/guides/garden/guide.json").read_text())["build_key"]
    monkeypatch.setattr(items, "GUIDE_FORMAT", 2)
    assert rendered(root).to_json() == before
    assert json.loads((root / "output/guides/garden/guide.json").read_text())["build_key"] != key
