"""A large show (issue 14, point 7): the first build writes every episode's files once and
gives the same bytes as a show built up a few episodes at a time, an edit to one episode
rewrites only its files plus the feed and the show page, and an unchanged publish writes
nothing. (How long it takes is measured by ``scripts/bench --only-site``, not here.)

The episodes besides the rendered sample are records written by hand (with small stand-in
MP3 files): publishing reads only the records and the files they name.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import feedparser
import podcastparser

from audioguide import writer
from audioguide.cli import cli
from audioguide.config import load_config
from audioguide.models import Chapter, Cue, EpisodeRecord
from audioguide.publish.publish import publish
from tests.clirunner import cli_runner
from tests.conftest import copy_project, trim_sample


def add_records(out: Path, count: int, first: int = 1) -> list[Path]:
    """``count`` episode records (and stand-in MP3s) in ``out/episodes``, numbered from
    ``first``; their paths."""
    episodes = out / "episodes"
    episodes.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(first, first + count):
        slug = f"extra-{i:04d}"
        (episodes / f"{slug}.mp3").write_bytes(b"\xff\xfb" + bytes(98))
        record = EpisodeRecord(
            slug=slug, title=f"Extra {i}: <notes> & more", date=dt.date(2020, 1, 1) + dt.timedelta(days=i),
            description="A stand-in episode.", number=100 + i, guid=f"audioguide:{slug}", kind="episode",
            mp3=f"{slug}.mp3", size=100, duration=300.0 + i, integrated_lufs=-16.0, true_peak_dbtp=-1.5,
            chapters=(Chapter("Start", 0.0, 150.0), Chapter("Middle", 150.0, 300.0 + i)),
            cues=tuple(Cue(f"Sentence {c} of episode {i}.", c * 3.0, c * 3.0 + 2.5) for c in range(6)),
        )
        path = episodes / f"{slug}.json"
        path.write_text(json.dumps(record.to_json()))
        paths.append(path)
    return paths


def files_of(out: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``out``: (inode, modification time), which any rewrite changes."""
    return {str(p.relative_to(out)): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(out.rglob("*")) if p.is_file()}


def _render(project: Path) -> None:
    result = cli_runner().invoke(cli, ["-q", "-C", str(project), "render"])
    assert result.exit_code == 0, result.stderr


def test_a_large_show_publishes_then_rewrites_only_what_an_edit_changed(tone_project: Path) -> None:
    project = trim_sample(tone_project)
    _render(project)
    out = project / "output"
    count = 520  # a large show
    add_records(out, count)
    _render(project)

    parsed = podcastparser.parse("https://example.org/feed.xml", io.BytesIO((out / "feed.xml").read_bytes()))
    assert len(parsed["episodes"]) == count + 1
    fp = feedparser.parse((out / "feed.xml").read_bytes())
    assert not fp.bozo and len(fp.entries) == count + 1
    for suffix in (".vtt", ".srt", ".chapters.json", ".html"):
        assert len(list((out / "episodes").glob(f"extra-*{suffix}"))) == count, suffix
    page = (out / "episodes" / "extra-0007.html").read_text("utf-8")
    assert "Extra 7: &lt;notes&gt; &amp; more" in page and "Sentence 5 of episode 7." in page

    before = files_of(out)
    record_path = out / "episodes" / "extra-0007.json"
    data = json.loads(record_path.read_text())
    data["title"] = "Extra 7, retitled"
    data["cues"][0]["text"] = "A corrected first sentence."
    record_path.write_text(json.dumps(data))
    edited = files_of(out)
    _render(project)
    after = files_of(out)
    rewritten = {name for name in after if after[name] != edited.get(name)}
    assert rewritten == {f"episodes/extra-0007{suffix}" for suffix in (".vtt", ".srt", ".chapters.json", ".html")} \
        | {"feed.xml", "index.html", ".publish-state.json"}
    assert set(after) == set(before)
    assert "A corrected first sentence." in (out / "episodes" / "extra-0007.vtt").read_text("utf-8")
    assert "Extra 7, retitled" in (out / "index.html").read_text("utf-8")

    _render(project)
    assert files_of(out) == after  # nothing written


EPISODE_FILES = (".vtt", ".srt", ".chapters.json", ".html")


def _publish(project: Path) -> list[str]:
    """Publish the project's output folder; the files written, relative to it."""
    config = load_config(project)
    with writer.output_root(config.output_dir) as root:
        publish(config, config.output_dir)
        return [str(p) for p in writer.written(root)]


def _episode_files(numbers: range) -> set[str]:
    return {f"episodes/extra-{i:04d}{suffix}" for i in numbers for suffix in EPISODE_FILES}


def _contents(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_a_first_build_writes_every_file_once_and_matches_a_show_built_up_gradually(tmp_path: Path) -> None:
    count, step = 240, 80
    at_once = copy_project(tmp_path / "at-once")
    add_records(at_once / "output", count)
    written = _publish(at_once)
    assert {w for w in written if w.startswith("episodes/")} == _episode_files(range(1, count + 1))
    assert {"feed.xml", "index.html", "style.css", "site.js", ".publish-state.json"} <= set(written)

    gradual = copy_project(tmp_path / "gradual")
    for first in range(1, count + 1, step):
        add_records(gradual / "output", step, first)
        written = _publish(gradual)
        # only the new episodes' files, and what lists every episode
        assert {w for w in written if w.startswith("episodes/")} == _episode_files(range(first, first + step))
        assert {w for w in written if not w.startswith("episodes/")} >= {"feed.xml", "index.html"}
    assert _contents(gradual / "output") == _contents(at_once / "output")
    assert _publish(gradual) == []  # and then nothing is left to do
