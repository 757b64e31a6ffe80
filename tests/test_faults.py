"""Crash safety at named points: a render stopped at each step a crash could hit leaves
``output/`` as it was before or after each file, and the next render finishes the job.

The render is stopped by the fault-injection seam (:mod:`audioguide.faults`,
``AUDIOGUIDE_FAULT=<point>=kill|interrupt|pause``), never by a timer: each case stops at exactly
the step it names. The voice is the deterministic tone engine, so the "after" state is the same
bytes however it is reached.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree

from audioguide import faults, writer
from tests.conftest import copy_project, decode, trim_sample

SLUG = "short"
MP3 = f"episodes/{SLUG}.mp3"
RECORD = f"episodes/{SLUG}.json"
SCRIPT = """---
title: A short walk
slug: short
date: 2026-11-20
---

Welcome to a short walk. It has two parts.

## The bridge

The bridge was built in 1890. It carries trains and people.

## The square

The square hosts a market on Saturdays. {ending}
"""
BEFORE, AFTER = "Thank you for walking.", "Thank you for walking with us today."


def project(root: Path, ending: str = BEFORE) -> Path:
    copy_project(root)
    (root / "episodes" / "second-interview.md").unlink()
    toml = root / "audioguide.toml"
    toml.write_text(toml.read_text().replace('engine = "piper"', 'engine = "tone"', 1))
    (root / "episodes" / f"{SLUG}.md").write_text(SCRIPT.format(ending=ending))
    return root


def render(root: Path, fault: str | None = None, *args: str, **popen: object) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDIOGUIDE_")}
    if fault:
        env[faults.ENV] = fault
    return subprocess.run([sys.executable, "-m", "audioguide", "render", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)


def snapshot(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def edit(root: Path) -> None:
    script = root / "episodes" / f"{SLUG}.md"
    script.write_text(script.read_text().replace(BEFORE, AFTER))


class States:
    """The project rendered before the edit, and a copy re-rendered after the edit."""

    def __init__(self, before: Path, after: Path) -> None:
        self.base = before
        self.before = snapshot(before / "output")
        self.after = snapshot(after / "output")
        self.records = {"before": json.loads((before / "output" / RECORD).read_text()),
                        "after": json.loads((after / "output" / RECORD).read_text())}

    def which(self, now: dict[str, str], rel: str) -> str:
        return "after" if now[rel] == self.after.get(rel) else "before"


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> States:
    base = project(tmp_path_factory.mktemp("faults") / "before")
    assert render(base).returncode == 0
    after = copy_of(base, tmp_path_factory.mktemp("faults") / "after")  # re-rendered from before,
    assert render(after).returncode == 0  # as every stopped render will be
    return States(base, after)


def copy_of(base: Path, dest: Path) -> Path:
    subprocess.run(["cp", "-a", str(base), str(dest)], check=True)
    edit(dest)
    return dest


def consistent(out: Path, states: States, label: str) -> None:
    """Every file is whole and is either its before or its after version; the MP3 decodes to
    its state's duration; the record and the feed describe the MP3 of their own state."""
    now = snapshot(out)
    for rel, digest in now.items():
        assert digest in (states.before.get(rel), states.after.get(rel)), f"{label}: {rel} is neither"
    for rel in states.before:
        assert rel in now, f"{label}: {rel} disappeared"
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")], label
    mp3_state = states.which(now, MP3)
    seconds = len(decode(out / MP3)) / 44100
    assert abs(seconds - float(states.records[mp3_state]["duration"])) < 0.5, f"{label}: MP3 cut short"
    if states.which(now, RECORD) == mp3_state:
        assert json.loads((out / RECORD).read_text())["size"] == (out / MP3).stat().st_size, label
    [enclosure] = etree.parse(str(out / "feed.xml")).getroot().findall("./channel/item/enclosure")
    feed_record = states.records[states.which(now, "feed.xml")]
    assert int(enclosure.get("length")) == feed_record["size"], label


@pytest.mark.parametrize("point", faults.POINTS)
def test_killed_at_each_point_leaves_before_or_after_and_the_next_render_finishes(
        states: States, tmp_path: Path, point: str) -> None:
    root = copy_of(states.base, tmp_path / "p")
    killed = render(root, f"{point}=kill")
    assert killed.returncode == -signal.SIGKILL, f"the render never reached {point}: {killed.stderr}"
    consistent(root / "output", states, point)
    finished = render(root)
    assert finished.returncode == 0, finished.stderr
    assert snapshot(root / "output") == states.after, f"after a kill at {point}, the next render differs"
    staging = writer.staging_dir(root / "output")
    assert not staging.is_dir() or not [p for p in staging.iterdir() if p.name.endswith(".part")]


def interrupted_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Interrupted: "), stderr
    assert "run audioguide render again" in lines[0]
    return lines[0]


def render_until_paused(root: Path, point: str, ready: Path, *args: str) -> subprocess.Popen[str]:
    """Start a render that waits at ``point``; return once it is there (it says so in ``ready``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDIOGUIDE_")}
    env.update({faults.ENV: f"{point}=pause", faults.READY_ENV: str(ready)})
    # as from a terminal: SIGINT raises KeyboardInterrupt (a test runner's worker may ignore
    # SIGINT, and an ignored signal stays ignored in its children)
    proc = subprocess.Popen([sys.executable, "-m", "audioguide", "render", *args], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 300  # a safety net for a hung render, not a timing assumption
    while not ready.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the render ended before reaching {point}: {proc.communicate()[1]}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"the render never reached {point}: {proc.communicate()[1]}")
        time.sleep(0.01)  # polling for the named point, not guessing how long it takes
    return proc


def interrupt(proc: subprocess.Popen[str], *, sent: bool = False) -> str:
    """Send Ctrl-C's signal to a paused render (unless ``sent`` already); its stderr once it has exited."""
    try:
        if not sent:
            proc.send_signal(signal.SIGINT)
        return proc.communicate(timeout=60)[1]
    finally:
        if proc.poll() is None:  # never leave a paused render behind
            proc.kill()
            proc.wait()


def test_ctrl_c_before_anything_is_written_says_output_is_unchanged(
        states: States, tmp_path: Path) -> None:
    root = copy_of(states.base, tmp_path / "p")
    proc = render_until_paused(root, "sentence-cached", tmp_path / "ready", "--jobs", "1")
    stderr = interrupt(proc)
    assert proc.returncode == 130, stderr
    assert "is unchanged" in interrupted_line(stderr)
    assert snapshot(root / "output") == states.before


def test_ctrl_c_after_files_were_written_says_what_was_written(
        states: States, tmp_path: Path) -> None:
    root = copy_of(states.base, tmp_path / "p")
    proc = render_until_paused(root, "feed-written", tmp_path / "ready")
    stderr = interrupt(proc)
    assert proc.returncode == 130, stderr
    line = interrupted_line(stderr)
    assert "unchanged" not in line
    for name in (MP3, RECORD, "feed.xml"):
        assert name in line, line
    now = snapshot(root / "output")
    assert now[MP3] == states.after[MP3] and now["feed.xml"] == states.after["feed.xml"]
    consistent(root / "output", states, "ctrl-c after the feed")


def test_an_interrupt_in_the_mastering_thread_after_the_record_names_the_episode(
        states: States, tmp_path: Path) -> None:
    root = copy_of(states.base, tmp_path / "p")
    result = render(root, "record-written=interrupt")
    assert result.returncode == 130, result.stderr
    line = interrupted_line(result.stderr)
    assert MP3 in line and RECORD in line and "feed.xml" in line  # the finished episode is published
    consistent(root / "output", states, "interrupt after the record")
    assert snapshot(root / "output") == states.after


@pytest.mark.parametrize("point", ["mp3-renamed", "record-written"])
def test_ctrl_c_once_an_episode_is_in_place_publishes_it(states: States, tmp_path: Path, point: str) -> None:
    """Ctrl-C as an episode's new MP3 goes into place: the step is finished (its record) and
    the episode published before the render exits. The feed used to give the old MP3's length,
    and its transcripts, chapters and page the old text, while the new MP3 was served."""
    root = copy_of(states.base, tmp_path / "p")
    proc = render_until_paused(root, point, tmp_path / "ready")
    stderr = interrupt(proc)
    assert proc.returncode == 130, stderr
    line = interrupted_line(stderr)
    for name in (MP3, RECORD, "feed.xml", f"episodes/{SLUG}.vtt", f"episodes/{SLUG}.html"):
        assert name in line, line
    assert snapshot(root / "output") == states.after


def test_a_fault_spec_naming_no_point_is_refused() -> None:
    with pytest.raises(ValueError, match="points: sentence-cached"):
        os.environ[faults.ENV] = "nowhere=kill"
        try:
            faults.point("sentence-cached")
        finally:
            del os.environ[faults.ENV]


@pytest.mark.slow
@pytest.mark.parametrize("nth", [2, 5, 8])
def test_ctrl_c_while_piper_speaks_in_parallel_exits_130_with_one_line(tmp_path: Path, nth: int) -> None:
    """Regression: Ctrl-C during parallel Piper synthesis sometimes aborted the process after the
    message ("terminate called without an active exception", exit 134)."""
    root = trim_sample(copy_project(tmp_path / "p"))
    proc = render_until_paused(root, f"sentence-cached#{nth}", tmp_path / "ready")
    stderr = interrupt(proc)
    assert proc.returncode == 130, stderr
    interrupted_line(stderr)
    assert "terminate called" not in stderr


TGKILL = {"x86_64": 234, "aarch64": 131}
"""Linux's ``tgkill`` system call number: a signal to one thread of another process."""


def signal_thread(ready: Path, sig: int) -> None:
    """Send ``sig`` to the very thread that is paused at a fault point (its ids are in ``ready``),
    as the kernel may do with a Ctrl-C sent to the whole process."""
    import ctypes

    while len(fields := ready.read_text().split()) < 3:  # being written
        time.sleep(0.01)
    pid, tid = int(fields[0]), int(fields[2])
    libc = ctypes.CDLL(None, use_errno=True)
    assert libc.syscall(TGKILL[platform.machine()], pid, tid, sig) == 0, ctypes.get_errno()


@pytest.mark.parametrize("to_thread", [False, True], ids=["to-the-process", "to-the-mastering-thread"])
def test_ctrl_c_while_mastering_catches_up_stops_the_queued_work_and_leaves_the_item_as_it_was(
        states: States, tmp_path: Path, to_thread: bool) -> None:
    """Ctrl-C while the mastering thread is behind (here: held at the first episode's final
    mix, with the next episode's segments queued behind it) stops after the step under way: it
    used to master every queued segment and write both episodes first (27 s for a 30-minute one).
    The kernel may hand the signal to any thread; the mastering thread's is the case where the
    main thread, waiting for it, used to hear nothing until mastering was done."""
    if to_thread and (not sys.platform.startswith("linux") or platform.machine() not in TGKILL):
        pytest.fail("tgkill's number is not known for this machine: add it to TGKILL")
    root = copy_of(states.base, tmp_path / "p")
    edit(root)
    (root / "episodes" / "zz-next.md").write_text(SCRIPT.format(ending=AFTER).replace(f"slug: {SLUG}", "slug: zz-next"))
    # one sentence at a time: the held step is let go only by the interrupted render
    proc = render_until_paused(root, "item-mixed", tmp_path / "ready", "--jobs", "1")
    if to_thread:
        signal_thread(tmp_path / "ready", signal.SIGINT)
    stderr = interrupt(proc, sent=to_thread)
    assert proc.returncode == 130, stderr
    assert "is unchanged" in interrupted_line(stderr)
    assert snapshot(root / "output") == states.before
    finished = render(root)
    assert finished.returncode == 0, finished.stderr
    assert snapshot(root / "output")[MP3] == states.after[MP3]
    checked = subprocess.run([sys.executable, "-m", "audioguide", "check"], cwd=root, capture_output=True,
                             text=True, timeout=120)
    assert checked.returncode == 0, checked.stderr


def test_sigterm_ends_a_render_as_ctrl_c_does(states: States, tmp_path: Path) -> None:
    """SIGTERM (a service manager stopping a sync) killed the render silently: its progress bar
    had hidden the terminal's cursor and left it hidden, and nothing said what was written."""
    root = copy_of(states.base, tmp_path / "p")
    proc = render_until_paused(root, "feed-written", tmp_path / "ready")
    proc.send_signal(signal.SIGTERM)
    stderr = interrupt(proc, sent=True)
    assert proc.returncode == 143, stderr
    assert "feed.xml" in interrupted_line(stderr)
