"""``audioguide watch`` (issue 14, quick edits): a process that renders, then renders again each
time an input is saved, with the voice kept loaded. Run as a user runs it, in its own process;
every wait is for a line it prints (a bound against hangs, not a guess at timing)."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

import pytest

from audioguide.layout import is_hidden
from audioguide.settings import Config
from audioguide.watch import Contents, _files, watched
from tests.conftest import trim_sample

LIMIT = 120.0
"""Seconds to wait for a line before failing (a hang, not a slow machine)."""


class Watching:
    """``audioguide watch`` running on a project, its output lines read as they come."""

    def __init__(self, root: Path, *args: str) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "audioguide", "-vv", "-C", str(root), "watch", *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        self.seen: list[tuple[str, str]] = []
        self.readers = [threading.Thread(target=self._read, args=(name, stream), daemon=True)
                        for name, stream in (("out", self.process.stdout), ("err", self.process.stderr))]
        for reader in self.readers:
            reader.start()

    def _read(self, name: str, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put((name, line.rstrip("\n")))

    def wait_for(self, wanted: Callable[[str], bool], stream: str = "out") -> str:
        """The next line on ``stream`` that ``wanted`` accepts (lines before it are kept in ``seen``)."""
        while True:
            try:
                name, line = self.lines.get(timeout=LIMIT)
            except queue.Empty:
                self.stop()
                pytest.fail(f"no such line within {LIMIT} s; seen: {self.seen[-20:]}")
            self.seen.append((name, line))
            if name == stream and wanted(line):
                return line

    def said(self, stream: str = "out") -> list[str]:
        return [line for name, line in self.seen if name == stream]

    def stop(self) -> int:
        """SIGTERM (as a service manager stops it), its exit code, and every line it printed read."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=LIMIT)
        for reader in self.readers:
            reader.join(timeout=LIMIT)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return code


@pytest.fixture
def watching(tone_project: Path) -> Iterator[Watching]:
    trim_sample(tone_project)
    w = Watching(tone_project)
    yield w
    w.stop()


def _record(root: Path) -> Any:
    return json.loads((root / "output" / "episodes" / "second-interview.json").read_text())


def _spoken(root: Path) -> str:
    return " ".join(str(c["text"]) for c in _record(root)["cues"])


def _save(path: Path, text: str) -> None:
    """Save as most editors do: the whole new text under another name, then renamed over the
    file (a save written in place, whose writing is seen half done, is rendered twice)."""
    temporary = path.with_name(f".{path.name}.saving")
    temporary.write_text(text, "utf-8")
    temporary.replace(path)


def _edit(root: Path, old: str, new: str) -> None:
    script = root / "episodes" / "second-interview.md"
    text = script.read_text("utf-8")
    assert old in text
    _save(script, text.replace(old, new))


def test_renders_then_renders_each_save_with_the_unchanged_reused(watching: Watching, tone_project: Path) -> None:
    first = watching.wait_for(lambda line: line.startswith("Rendered"))
    assert "Rendered 1 episode, 0 failed" in first
    watching.wait_for(lambda line: line.startswith("Watching"))
    assert "real professionalism" not in _spoken(tone_project)

    _edit(tone_project, "interest and professionalism", "interest and real professionalism")
    assert watching.wait_for(lambda line: line.startswith("Saved")) == "Saved episodes/second-interview.md"
    again = watching.wait_for(lambda line: line.startswith("Rendered"))
    assert "Rendered 1 episode, 0 failed" in again and "1 sentence synthesized" in again, again
    assert "real professionalism" in _spoken(tone_project)
    kept = set(_record(tone_project)["segments"])

    # a save that changed nothing (an editor's touch, the same bytes written again) renders nothing
    script = tone_project / "episodes" / "second-interview.md"
    _save(script, script.read_text("utf-8"))
    os.utime(script)
    watching.wait_for(lambda line: "saved as they were" in line, stream="err")
    _edit(tone_project, "real professionalism", "true professionalism")
    watching.wait_for(lambda line: line.startswith("Rendered"))
    assert [line for line in watching.said() if line.startswith("Rendered")][1:] == [again, watching.said()[-1]]
    assert "true professionalism" in _spoken(tone_project)
    assert kept & set(_record(tone_project)["segments"])  # the unchanged segments reused

    assert watching.stop() == 0
    assert watching.said()[-1] == "Stopped watching."


def test_a_bad_save_is_one_line_and_watching_goes_on(watching: Watching, tone_project: Path) -> None:
    watching.wait_for(lambda line: line.startswith("Watching"))
    before = (tone_project / "output" / "episodes" / "second-interview.mp3").read_bytes()

    toml = tone_project / "audioguide.toml"
    good = toml.read_text("utf-8")
    _save(toml, good.replace("[show]", "[show]\nbitrate = 'loud'\n[show", 1))  # not TOML
    error = watching.wait_for(lambda line: line.startswith("Error:"), stream="err")
    assert "audioguide.toml" in error and "Traceback" not in error
    _save(toml, good)
    watching.wait_for(lambda line: line.startswith("Rendered"))

    _edit(tone_project, "---\n\n", "---\n\n[pause 99999s]\n\n")  # a pause cue out of range
    failed = watching.wait_for(lambda line: line.startswith(("Failed:", "Error:")), stream="err")
    assert "second-interview.md" in failed, failed
    assert (tone_project / "output" / "episodes" / "second-interview.mp3").read_bytes() == before  # untouched
    script = tone_project / "episodes" / "second-interview.md"
    script.write_text(script.read_text("utf-8").replace("[pause 99999s]\n\n", ""), "utf-8")  # in place, too
    watching.wait_for(lambda line: line.startswith("Rendered"))
    assert not any("Traceback" in line for _, line in watching.seen)
    assert watching.process.poll() is None  # still watching


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigterm_stops_it_at_once_leaving_no_child(watching: Watching) -> None:
    watching.wait_for(lambda line: line.startswith("Watching"))
    pid = watching.process.pid
    assert watching.stop() == 0
    assert watching.said()[-1] == "Stopped watching."
    children = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _parent(p) == pid]
    assert children == []


def _parent(proc: Path) -> int | None:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def test_contents_tell_a_real_change_from_the_same_bytes_saved_again(tmp_path: Path) -> None:
    folder = tmp_path / "episodes"
    folder.mkdir()
    a, b = folder / "a.md", folder / "b.md"
    a.write_text("one")
    b.write_text("two")
    contents = Contents.of([folder])
    a.write_text("one")  # saved as it was
    assert contents.changed([a, b]) == []
    a.write_text("one, edited")
    b.unlink()
    new = folder / "c.md"
    new.write_text("three")
    assert contents.changed([a, b, new]) == [a, b, new]
    assert contents.changed([a, b, new]) == []  # remembered
    gone = folder / ".a.md.swp"  # an editor's temporary file, made and removed between two looks
    assert contents.changed([gone]) == []
    awaited = tmp_path / "articles"  # watched for as a file, then made as a folder
    assert contents.changed([awaited]) == []
    awaited.mkdir()
    assert contents.changed([awaited]) == [awaited]


def test_hidden_files_in_a_watched_folder_are_not_saves(tmp_path: Path) -> None:
    # an editor's temporary file seen before its rename (a loaded machine can part the two
    # events), swap and lock files, backups: nothing renders them, so none is a save
    folder = tmp_path / "episodes"
    folder.mkdir()
    script = folder / "a.md"
    script.write_text("one")
    hidden = [folder / ".a.md.saving", folder / ".a.md.swp", folder / "a.md~", folder / "#a.md#", folder / "._a.md"]
    for path in hidden:
        path.write_text("half a save")
    assert set(_files([folder])) == {script}
    assert Contents.of([folder]).digests.keys() == {script}
    assert [p for p in hidden if not is_hidden(p)] == [] and not is_hidden(script)


def test_watched_paths_are_the_inputs_that_exist_or_may_without_repeats(tmp_path: Path) -> None:
    (tmp_path / "audioguide.toml").write_text("")
    (tmp_path / "episodes").mkdir()
    inside = tmp_path / "episodes" / "x.md"
    inside.write_text("# X")
    (tmp_path / "cover.png").write_bytes(b"png")
    article = tmp_path / "elsewhere" / "article.md"
    article.parent.mkdir()
    article.write_text("# A")
    base = Config(root=tmp_path)
    config = replace(base, show=replace(base.show, image="cover.png"), audio=replace(base.audio, music="gone.mp3"))
    paths = watched(config, [inside, article, tmp_path / "missing.md", tmp_path / "nowhere" / "x.md"])
    # a file not there yet is watched for through its folder; one whose folder is missing is not
    assert paths == [(tmp_path / p).resolve() for p in ("audioguide.toml", "episodes", "elsewhere/article.md",
                                                          "missing.md", "cover.png", "gone.mp3")]


def test_warm_up_loads_the_shows_voice_once_and_never_raises(project: Path) -> None:
    from audioguide.config import load_config
    from audioguide.pipeline import warm_up
    from audioguide.render.inputs import Overrides
    from audioguide.speech.engines import piper

    piper._cached_voice.cache_clear()
    config = load_config(project)  # the sample: Piper with the bundled voice
    warm_up(config)
    warm_up(config)
    assert piper._cached_voice.cache_info().currsize == 1
    assert piper._cached_voice.cache_info().hits == 1
    warm_up(config, Overrides(engine="no-such-engine"))  # left for the render to report


def test_a_save_during_another_render_is_rendered_after_it(watching: Watching, tone_project: Path) -> None:
    from audioguide.render.lock import render_lock

    watching.wait_for(lambda line: line.startswith("Watching"))
    with render_lock(tone_project):  # another render of the project, as far as the lock tells
        _edit(tone_project, "interest and professionalism", "interest and steady professionalism")
        watching.wait_for(lambda line: "waiting for another audioguide render" in line, stream="err")
        assert watching.process.poll() is None
    line = watching.wait_for(lambda line: line.startswith(("Rendered", "Error")))
    assert line.startswith("Rendered 1 episode, 0 failed"), line
    assert "steady professionalism" in _spoken(tone_project)


def test_a_cover_named_later_is_watched_for_and_rendered_when_it_is_made(watching: Watching,
                                                                          tone_project: Path) -> None:
    from PIL import Image

    watching.wait_for(lambda line: line.startswith("Watching"))
    (tone_project / "art").mkdir()  # not watched: the project's folder is watched for its files only
    toml = tone_project / "audioguide.toml"
    _save(toml, toml.read_text("utf-8").replace("[show]", '[show]\nimage = "art/cover.png"', 1))
    error = watching.wait_for(lambda line: line.startswith(("Error:", "Failed:")), stream="err")
    assert "cover.png" in error, error  # not there yet: one line
    # that render read the new setting: the watches are set again, the cover's folder among them
    watching.wait_for(lambda line: line.startswith("Watching") and "art/cover.png" in line)
    cover = tone_project / "art" / "cover.png"
    Image.new("RGB", (1400, 1400), (200, 80, 40)).save(cover.with_name(".cover.png.saving"), "PNG")
    cover.with_name(".cover.png.saving").replace(cover)
    assert watching.wait_for(lambda line: line.startswith("Saved")) == "Saved art/cover.png"
    rendered = watching.wait_for(lambda line: line.startswith("Rendered"))
    assert "Rendered 1 episode, 0 failed" in rendered, rendered
    newest = max((tone_project / "output").glob("cover.*"), key=lambda path: path.stat().st_mtime)
    with Image.open(newest) as shown:
        centre = shown.convert("RGB").getpixel((700, 700))
    assert all(abs(a - b) <= 8 for a, b in zip(centre, (200, 80, 40), strict=True))  # the new cover


def test_a_config_briefly_gone_is_waited_for_not_replaced_by_the_defaults(watching: Watching,
                                                                          tone_project: Path) -> None:
    watching.wait_for(lambda line: line.startswith("Watching"))
    feed = tone_project / "output" / "feed.xml"
    before = feed.read_bytes()
    toml = tone_project / "audioguide.toml"
    kept = toml.read_text("utf-8")
    toml.unlink()  # git stash, a checkout, an editor saving by delete and recreate
    gone = watching.wait_for(lambda line: "is gone" in line, stream="err")
    assert gone.endswith("audioguide.toml: is gone; nothing is rendered until it is back"), gone
    assert feed.read_bytes() == before
    _save(toml, kept.replace("[show]", "[show]\n# back\n", 1))
    back = watching.wait_for(lambda line: line.startswith("Rendered"))
    assert "0 failed" in back and "0 sentences synthesized" in back, back
    assert feed.read_bytes() == before
    assert [line for line in watching.said() if line.startswith("Rendered")][1:] == [back]
