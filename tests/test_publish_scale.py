"""A large show (issue 14, point 7): many episodes publish through worker processes with the same
bytes as in one process, an edit to one episode rewrites only its files plus the feed and the
show page, and an unchanged publish writes nothing.

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

from audioguide.cli import cli
from audioguide.models import Chapter, Cue, EpisodeRecord
from tests.clirunner import cli_runner
from tests.conftest import trim_sample


def add_records(out: Path, count: int) -> list[Path]:
    """``count`` episode records (and stand-in MP3s) in ``out/episodes``; their paths."""
    episodes = out / "episodes"
    episodes.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(1, count + 1):
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
