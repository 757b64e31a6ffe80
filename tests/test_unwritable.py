"""A full disk or a read-only ``output/``: one line naming the file and the fix, a non-zero
exit, the other items still rendered where they fit, nothing left half written. The full disk
is simulated at a named fault point (:mod:`audioguide.faults`); the read-only folder is real."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from audioguide import faults
from audioguide.cli import cli
from tests.clirunner import cli_runner
from tests.conftest import short_sample


def two_episodes(root: Path) -> Path:
    short_sample(root)
    text = (root / "episodes" / "second-interview.md").read_text("utf-8")
    (root / "episodes" / "copy.md").write_text(text.replace("slug: second-interview", "slug: copy"), "utf-8")
    return root


def render(root: Path, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDIOGUIDE_")}
    if fault:
        env[faults.ENV] = fault
    return subprocess.run([sys.executable, "-m", "audioguide", "render"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


def test_a_full_disk_fails_that_item_in_one_line_and_the_others_are_rendered(tone_project: Path) -> None:
    root = two_episodes(tone_project)
    result = render(root, "mp3-staged#1=full")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    [failed] = [line for line in result.stderr.splitlines() if line.startswith("Failed:")]
    assert "copy.md: " in failed and "No space left on device" in failed and "Free some disk space" in failed
    assert "1 failed (copy.md)" in result.stdout
    episodes = root / "output" / "episodes"
    assert (episodes / "second-interview.mp3").is_file() and not (episodes / "copy.mp3").exists()
    assert not [p for p in root.rglob("*") if p.name.endswith(".part")]
    assert render(root).returncode == 0
    assert (episodes / "copy.mp3").is_file()


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` read-only for this process: a read-only bind mount for root (which ignores
    permissions), the write permission taken away for anyone else."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")] if p.is_dir()}
        for p, mode in modes.items():
            p.chmod(mode & ~0o222)
        try:
            yield
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    mounted = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"running as root without the right to mount: {mounted.stderr.strip()!r}")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_read_only_output_is_one_line_for_render_and_unpublish(tone_project: Path) -> None:
    root = two_episodes(tone_project)
    runner = cli_runner()
    assert runner.invoke(cli, ["-C", str(root), "render"]).exit_code == 0
    script = root / "episodes" / "second-interview.md"
    script.write_text(script.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    (root / "episodes" / "copy.md").unlink()  # to be taken down
    with read_only(root / "output"):
        for args in (["render"], ["unpublish", "copy"]):
            result = runner.invoke(cli, ["-C", str(root), *args])
            assert result.exit_code == 1, (args, result.stderr)
            assert result.stderr.count("\n") == 1, (args, result.stderr)
            assert "output/" in result.stderr and "Make that folder writable" in result.stderr, result.stderr
    assert render(root).returncode == 0


def test_a_read_only_episodes_folder_is_named_not_the_file_staged_for_it(tone_project: Path) -> None:
    """The file that could not be moved into place was named by its staged copy
    (``.output.staging/.copy.opus.2251-3.part``: gone by then, in a folder that is writable)."""
    root = two_episodes(tone_project)
    runner = cli_runner()
    assert runner.invoke(cli, ["-C", str(root), "render"]).exit_code == 0
    script = root / "episodes" / "second-interview.md"
    script.write_text(script.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    with read_only(root / "output" / "episodes"):
        result = runner.invoke(cli, ["-C", str(root), "render"])
    assert result.exit_code == 1, result.stderr
    [failed] = result.stderr.splitlines()
    assert failed.startswith(f"Failed: {script}: {root / 'output' / 'episodes' / 'second-interview.'}"), failed
    assert ".part" not in failed and "staging" not in failed and "Make that folder writable" in failed


def test_a_feed_that_cannot_be_written_fails_the_render_with_its_summary(tone_project: Path) -> None:
    """The episodes were rendered, then the feed did not fit: that was an ``Error:`` line and no
    summary, as if nothing had been done."""
    root = short_sample(tone_project)
    result = render(root, "feed-written=readonly")
    assert result.returncode == 1, result.stderr
    [failed] = result.stderr.splitlines()
    assert failed.startswith("Failed: ") and "Read-only file system" in failed, failed
    assert result.stdout.startswith("Rendered 1 episode, 1 failed"), result.stdout
    assert render(root).returncode == 0
