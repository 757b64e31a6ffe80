"""Crash safety, part two: staged files never appear under ``output/``, and one render runs per
project at a time (a second one fails fast or waits with ``--wait``, and a lock dies with its
holder). Killing or interrupting a render at each named step is tested in ``test_faults.py``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from audioguide import writer
from audioguide.config import load_config
from audioguide.errors import InputError
from audioguide.pipeline import render
from audioguide.render.lock import render_lock
from tests.conftest import Rendered, copy_project, copy_tone_project, short_sample


@pytest.fixture(scope="module")
def rendered_short(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The sample project cut to six sentences (``short_sample``), rendered with the tone engine."""
    root = short_sample(copy_tone_project(tmp_path_factory.mktemp("short") / "project"))
    config = load_config(root)
    return Rendered(config, render(config))


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "audioguide", "render", *args]


def test_staging_is_outside_the_output_root(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    dest = project / "output" / "episodes" / "x.mp3"
    assert writer.root_of(dest) == project / "output"
    with writer.atomic_path(dest) as tmp:
        assert tmp.parent == project / ".output.staging"
        tmp.write_bytes(b"data")
    assert dest.read_bytes() == b"data"
    # a temporary file left by a dead process is removed by the next process's first write
    stale = project / ".output.staging" / ".x.mp3.999999999-0.part"
    stale.write_bytes(b"half")
    writer._ready.clear()
    writer.write_text(project / "output" / "feed.xml", "<rss/>")
    assert not stale.exists()
    # a registered root wins; outside any root the file is staged beside its destination
    elsewhere = tmp_path / "site"
    with writer.output_root(elsewhere):
        assert writer.root_of(elsewhere / "episodes" / "a.mp3") == elsewhere
    assert writer.root_of(tmp_path / "loose" / "a.txt") is None


def test_write_files_writes_many_files_as_write_bytes_does(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    out, staging = project / "output", project / ".output.staging"
    folder = out / "episodes"
    old_umask = os.umask(0o077)  # the files are readable by all whatever the umask, as with write_bytes
    try:
        with writer.output_root(out):
            assert writer.write_files(folder, [("a.html", b"A"), ("b.vtt", b"B")]) == ["a.html", "b.vtt"]
            assert writer.written(out) == [Path("episodes/a.html"), Path("episodes/b.vtt")]
            assert staging.is_dir() and list(staging.iterdir()) == []  # staged there; nothing left
    finally:
        os.umask(old_umask)
    assert (folder / "a.html").read_bytes() == b"A" and (folder / "b.vtt").read_bytes() == b"B"
    assert {(folder / n).stat().st_mode & 0o777 for n in ("a.html", "b.vtt")} == {0o644}

    # unchanged bytes are left alone (same file, same time); changed and new files are written
    for name in ("a.html", "b.vtt"):
        os.utime(folder / name, ns=(1, 1))
    inode = (folder / "a.html").stat().st_ino
    assert writer.write_files(folder, iter([("a.html", b"A"), ("b.vtt", b"B2"), ("c.json", b"C")])) \
        == ["b.vtt", "c.json"]
    assert (folder / "a.html").stat().st_mtime_ns == 1 and (folder / "a.html").stat().st_ino == inode
    assert (folder / "b.vtt").read_bytes() == b"B2" and (folder / "c.json").read_bytes() == b"C"

    # a name that would leave the folder is refused, and nothing is written outside it
    with pytest.raises(InputError, match="outside"):
        writer.write_files(folder, [("../escaped.html", b"x")])
    assert not (out / "escaped.html").exists()

    # interrupted while the files are being made: those written are whole, the rest absent
    def files() -> Iterator[tuple[str, bytes]]:
        yield "d.html", b"D" * 100_000
        yield "e.html", b"E"
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        writer.write_files(folder, files())
    assert (folder / "d.html").read_bytes() == b"D" * 100_000 and (folder / "e.html").read_bytes() == b"E"
    assert sorted(p.name for p in folder.iterdir()) == ["a.html", "b.vtt", "c.json", "d.html", "e.html"]
    assert list(staging.iterdir()) == []  # the project's staging folder, kept outside a render


@pytest.mark.slow  # waits two seconds for the lock
def test_second_render_fails_fast_while_the_lock_is_held(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    with render_lock(project):
        started = time.monotonic()
        proc = subprocess.run(command(), cwd=project, capture_output=True, text=True, timeout=60)
        fast = time.monotonic() - started
        started = time.monotonic()
        waited = subprocess.run(command("--wait", "2"), cwd=project, capture_output=True,
                                text=True, timeout=60)
        slow = time.monotonic() - started
    for result in (proc, waited):
        assert result.returncode == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("Error: another audioguide render is running in")
        assert f"(pid {os.getpid()})" in lines[0] and "--wait" in lines[0]
        assert "Traceback" not in result.stderr
    assert not (project / "output").exists()
    # --wait 2 waited its 2 s (a lower bound holds however loaded the machine); how much faster
    # the first refusal is depends on the load, so it is printed, not asserted (tests never race
    # the clock): without --wait the lock is tried once, without blocking (render/lock.py)
    assert slow >= 2.0, (fast, slow)
    print(f"\nlock refused in {fast:.1f} s, with --wait 2 in {slow:.1f} s")


@pytest.mark.slow  # a holder keeps the lock for 1.5 s
def test_lock_dies_with_its_holder_and_waiting_succeeds(rendered_short: Rendered,
                                                        tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(rendered_short.config.root, project)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from audioguide.render.lock import render_lock\n"
         "with render_lock(Path(sys.argv[1])):\n print('held', flush=True); time.sleep(60)",
         str(project)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    finally:
        if holder.poll() is None:
            holder.kill()
    with render_lock(project):  # not stale: taken at once
        pass
    # a render waiting with --wait starts as soon as the holder lets go
    held = threading.Event()

    def hold() -> None:
        with render_lock(project):
            held.set()
            time.sleep(1.5)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(10)
    started = time.monotonic()
    proc = subprocess.run(command("--wait", "30"), cwd=project, capture_output=True, text=True,
                          timeout=120)
    thread.join()
    assert proc.returncode == 0, proc.stderr
    assert "already up to date" in proc.stdout
    assert time.monotonic() - started >= 1.0
