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
from pathlib import Path

import pytest

from audioguide import writer
from audioguide.config import load_config
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
    assert slow >= 2.0 and slow - fast > 1.5, (fast, slow)
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
