"""Crash safety: a render killed at any moment leaves output/ as it was before or after each file,
never a partial or temporary file; one render per project at a time; Ctrl-C exits cleanly.

The kill test runs real ``python -m audioguide render`` processes and SIGKILLs them at points
spread over a re-render (synthesis, mixing, mastering, tagging, publishing), each on a fresh copy
of the rendered sample project, then checks the tree and finishes the render.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from audioguide import writer
from audioguide.render.lock import render_lock
from tests.conftest import Rendered, copy_project, decode

SLUG = "second-interview"
MP3 = f"episodes/{SLUG}.mp3"
RECORD = f"episodes/{SLUG}.json"
OLD_SENTENCE = "This gesture shows your continued interest and professionalism."
NEW_SENTENCE = "This gesture shows your steady interest and your professionalism."


def snapshot(out: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``out`` (hidden ones included)."""
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "audioguide", "render", *args]


def make_copy(source: Path, dest: Path, *, cache_from: Path | None = None) -> Path:
    """A copy of the rendered project ``source`` with one sentence and the bitrate changed.

    With ``cache_from`` the sentence cache is taken from that project instead, so the edited
    sentence is already spoken and the render produces exactly that project's bytes (Piper's
    default variation makes a fresh synthesis differ from run to run).
    """
    shutil.copytree(source, dest)
    script = dest / "episodes" / f"{SLUG}.md"
    text = script.read_text()
    assert OLD_SENTENCE in text
    script.write_text(text.replace(OLD_SENTENCE, NEW_SENTENCE))
    toml = dest / "audioguide.toml"
    config = toml.read_text()
    assert 'bitrate = "96k"' in config
    toml.write_text(config.replace('bitrate = "96k"', 'bitrate = "80k"'))  # the whole MP3 changes
    if cache_from is not None:
        shutil.rmtree(dest / ".cache")
        shutil.copytree(cache_from / ".cache", dest / ".cache")
    return dest


def synthesized(stdout: str) -> int:
    match = re.search(r"(\d+) sentences? synthesized", stdout)
    assert match, stdout
    return int(match.group(1))


@dataclass
class State:
    """One complete state of output/: its hashes and the facts about its MP3."""

    hashes: dict[str, str]
    mp3_size: int
    duration: float

    @classmethod
    def of(cls, out: Path) -> State:
        import json

        record = json.loads((out / RECORD).read_text())
        state = cls(snapshot(out), (out / MP3).stat().st_size, float(record["duration"]))
        assert record["size"] == state.mp3_size
        assert enclosure_length(out / "feed.xml") == state.mp3_size
        return state


def enclosure_length(feed: Path) -> int:
    [enclosure] = etree.parse(str(feed)).getroot().findall("./channel/item/enclosure")
    return int(enclosure.get("length"))


def check_before_or_after(out: Path, before: State, after: State, label: str) -> None:
    now = snapshot(out)
    for rel, digest in now.items():
        assert digest in (before.hashes.get(rel), after.hashes.get(rel)), f"{label}: {rel} is neither"
    for rel in set(before.hashes) & set(after.hashes):
        assert rel in now, f"{label}: {rel} disappeared"
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")], label

    def state(rel: str) -> State:
        return before if now[rel] == before.hashes[rel] else after

    mp3 = out / MP3
    samples = decode(mp3)
    assert abs(len(samples) / 44100 - state(MP3).duration) < 0.5, f"{label}: MP3 does not decode fully"
    if state(RECORD) is state(MP3):
        import json

        assert json.loads((out / RECORD).read_text())["size"] == mp3.stat().st_size, label
    length = enclosure_length(out / "feed.xml")
    assert length == state("feed.xml").mp3_size, label
    if state("feed.xml") is state(MP3):
        assert length == mp3.stat().st_size, label


def timed_run(project: Path) -> tuple[float, str]:
    started = time.monotonic()
    proc = subprocess.run(command(), cwd=project, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return time.monotonic() - started, proc.stdout


def kill_at(project: Path, when: float | str) -> float | None:
    """Start a render in ``project`` and SIGKILL it ``when`` seconds later, or at an event:
    ``"staged"`` (the MP3's temporary file exists) or ``"renamed"`` (the new MP3 is in place).
    Returns when it was killed, or ``None`` if a timed render finished first (timing varies)."""
    staging = writer.staging_dir(project / "output")
    mp3 = project / "output" / MP3
    inode = mp3.stat().st_ino
    started = time.monotonic()
    proc = subprocess.Popen(command(), cwd=project, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        while proc.poll() is None:
            elapsed = time.monotonic() - started
            if isinstance(when, float):
                hit = elapsed >= when
            elif when == "staged":
                hit = staging.is_dir() and any(p.name.startswith(f".{SLUG}.mp3.")
                                               for p in staging.iterdir())
            else:
                hit = mp3.exists() and mp3.stat().st_ino != inode
            if hit:
                proc.send_signal(signal.SIGKILL)
                break
            assert elapsed < 120, "render never reached the kill point"
            time.sleep(0.002)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode == 0 and isinstance(when, float):
        return None
    assert proc.returncode == -signal.SIGKILL, f"render finished before the kill at {when}"
    return time.monotonic() - started


def test_kill_at_any_point_leaves_before_or_after(rendered_sample: Rendered,
                                                  tmp_path: Path) -> None:
    source = rendered_sample.config.root
    before = State.of(source / "output")
    cold = rendered_sample.report.synthesized
    # the after state, and how long the two kinds of re-render take
    reference = make_copy(source, tmp_path / "reference")
    t_fresh, out = timed_run(reference)
    assert synthesized(out) == 1
    after = State.of(reference / "output")
    assert after.hashes[MP3] != before.hashes[MP3]
    seeded = make_copy(source, tmp_path / "seeded", cache_from=reference)
    t_seeded, out = timed_run(seeded)
    assert synthesized(out) == 0 and snapshot(seeded / "output") == after.hashes  # deterministic

    # early kills speak the edited sentence themselves (synthesis, cache writes); later ones
    # reuse the reference's so whatever they publish is byte-identical to the after state
    points: list[tuple[str, float | str, bool]] = [
        ("synthesis", 0.15 * t_fresh, False),
        ("synthesis/mixing", 0.3 * t_fresh, False),
        *((f"{f:.0%} of a re-render", f * t_seeded, True) for f in (0.45, 0.6, 0.75, 0.85)),
        ("MP3 staged", "staged", True),
        ("MP3 renamed in", "renamed", True),
    ]
    report = []
    for n, (label, when, seed) in enumerate(points):
        project = make_copy(source, tmp_path / f"kill{n}", cache_from=reference if seed else None)
        killed = kill_at(project, when)
        out_dir = project / "output"
        check_before_or_after(out_dir, before, after, label)
        if killed is None:  # this run was quicker than the reference: it simply finished
            assert snapshot(out_dir) == after.hashes or not seed, label
            report.append(f"{label} (finished first)")
            continue
        # the next render finishes the job, reusing what was spoken, and cleans the staging area
        _, out = timed_run(project)
        assert synthesized(out) <= 1 < cold
        if seed:
            assert snapshot(out_dir) == after.hashes, label
        else:
            State.of(out_dir)
        assert not [p for p in writer.staging_dir(out_dir).iterdir() if p.name.endswith(".part")]
        report.append(f"{label} ({killed:.1f} s)")
    kills = sum(1 for r in report if "finished first" not in r)
    print(f"\n{kills} of {len(points)} kill points hit, re-render {t_fresh:.1f} s fresh / "
          f"{t_seeded:.1f} s cached: " + "; ".join(report))
    assert kills >= 6


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


def test_lock_dies_with_its_holder_and_waiting_succeeds(rendered_sample: Rendered,
                                                        tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(rendered_sample.config.root, project)
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


def test_ctrl_c_exits_130_with_one_line_and_output_unchanged(rendered_sample: Rendered,
                                                             tmp_path: Path) -> None:
    project = make_copy(rendered_sample.config.root, tmp_path / "p")
    before = snapshot(project / "output")
    lock_file = project / ".cache" / "audioguide.render.lock"
    proc = subprocess.Popen(command(), cwd=project, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (lock_file.exists() and lock_file.read_text().strip() == str(proc.pid)):
            assert proc.poll() is None and time.monotonic() < deadline, "render never started"
            time.sleep(0.01)
        time.sleep(1.0)  # well inside synthesis / mixing, seconds before the MP3 is written
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Interrupted: output/ is unchanged"), stderr
    assert "run audioguide render again" in lines[0]
    assert snapshot(project / "output") == before
    staging = writer.staging_dir(project / "output")
    assert not staging.is_dir() or not list(staging.iterdir())
