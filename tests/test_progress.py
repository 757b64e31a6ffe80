"""What ``audioguide render`` shows while it works: a progress bar per episode on a terminal,
nothing but the summary line anywhere else, and a summary line whose figures are right.

The renders run the real command in a subprocess: stderr a pipe (as in CI logs), or a real
pseudo-terminal (:mod:`pty`), as a user's shell gives it.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from audioguide.speech.cache import SentenceCache
from tests.conftest import KEPT_SENTENCE, copy_project, short_sample, trim_sample

SUMMARY = re.compile(
    r"Rendered (\d+) episodes?(?: and (\d+) guides?)?, (\d+) failed(?: \(([^)]*)\))?, "
    r"(\d+) already up to date; (\d+) sentences? synthesized, (\d+) from the cache; "
    r"(\d+\.\d) min of audio in \d+\.\d s")
OTHER = f"""---
title: Another episode
slug: another
date: 2026-11-26
---

A second episode, short. {KEPT_SENTENCE} It ends here.
"""
"""An episode that shares one sentence with the trimmed sample and has two of its own."""


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "audioguide", "render", *args]


def piped(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Render with stdout and stderr both pipes, as in CI or ``render | tee log``."""
    return subprocess.run(command(*args), cwd=project, capture_output=True, text=True, timeout=120)


def on_terminal(project: Path, *args: str) -> tuple[int, str, str]:
    """Render with stderr a pseudo-terminal (stdout a pipe); the exit code, stdout, and all the
    bytes the terminal received."""
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(command(*args), cwd=project, stdout=subprocess.PIPE, stderr=terminal,
                            stdin=subprocess.DEVNULL, text=True)
    os.close(terminal)
    received = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        received += chunk
    os.close(controller)
    stdout = proc.stdout.read() if proc.stdout else ""
    return proc.wait(timeout=120), stdout, received.decode("utf-8", "replace")


def figures(summary: str) -> dict[str, object]:
    match = SUMMARY.fullmatch(summary.strip())
    assert match, summary
    episodes, guides, failed, names, unchanged, spoken, cached, minutes = match.groups()
    return {"episodes": int(episodes), "guides": int(guides or 0), "failed": int(failed),
            "failed names": names, "unchanged": int(unchanged), "synthesized": int(spoken),
            "cached": int(cached), "minutes": minutes}


def minutes(project: Path, *slugs: str) -> str:
    """The audio the records of ``slugs`` say was written, as the summary rounds it."""
    records = [json.loads((project / "output" / "episodes" / f"{s}.json").read_text()) for s in slugs]
    return f"{sum(r['duration'] for r in records) / 60:.1f}"


def cache_entries(project: Path) -> int:
    return SentenceCache(project / ".cache" / "audioguide").stats().entries


def test_summary_counts_a_cold_a_no_change_and_a_one_sentence_edit_render(tone_project: Path) -> None:
    """The user's three renders of a day, each ending with one line whose figures are right; with
    stderr not a terminal, nothing else is printed."""
    project = trim_sample(tone_project)
    (project / "episodes" / "another.md").write_text(OTHER)

    cold = piped(project)
    assert cold.returncode == 0, cold.stderr
    assert cold.stderr == "" and len(cold.stdout.splitlines()) == 1  # no progress in a pipe
    entries = cache_entries(project)
    assert figures(cold.stdout) == {
        "episodes": 2, "guides": 0, "failed": 0, "failed names": None, "unchanged": 0,
        # every distinct sentence spoken once; the shared one is taken from the cache by the
        # second episode
        "synthesized": entries, "cached": 1,
        "minutes": minutes(project, "another", "second-interview")}
    sample_sentences = entries - 2  # "another" has two sentences of its own

    (project / "episodes" / "broken.md").write_text("---\ntitle: Broken\n")  # no closing ---
    same = piped(project)
    assert same.returncode == 1
    assert figures(same.stdout) == {
        "episodes": 0, "guides": 0, "failed": 1, "failed names": "broken.md",
        "unchanged": 2, "synthesized": 0, "cached": 0, "minutes": "0.0"}
    assert "Failed:" in same.stderr and "broken.md" in same.stderr
    (project / "episodes" / "broken.md").unlink()

    script = project / "episodes" / "second-interview.md"
    script.write_text(script.read_text().replace(KEPT_SENTENCE, "This gesture shows real interest."))
    edit = piped(project)
    assert edit.returncode == 0, edit.stderr
    assert edit.stderr == "" and len(edit.stdout.splitlines()) == 1
    assert figures(edit.stdout) == {
        "episodes": 1, "guides": 0, "failed": 0, "failed names": None, "unchanged": 1,
        "synthesized": 1, "cached": sample_sentences - 1, "minutes": minutes(project, "second-interview")}


def test_guides_are_counted_as_guides(tone_project: Path) -> None:
    project = trim_sample(tone_project)
    cold = piped(project, "--guide")
    assert cold.returncode == 0, cold.stderr
    assert figures(cold.stdout) | {"minutes": ""} == {
        "episodes": 0, "guides": 1, "failed": 0, "failed names": None, "unchanged": 0,
        "synthesized": cache_entries(project), "cached": 0, "minutes": ""}
    again = piped(project, "--guide")
    assert figures(again.stdout) | {"minutes": ""} == {
        "episodes": 0, "guides": 0, "failed": 0, "failed names": None, "unchanged": 1,
        "synthesized": 0, "cached": 0, "minutes": ""}
    assert figures(again.stdout)["minutes"] == "0.0"


def bar_counts(screen: str) -> dict[str, list[tuple[int, int]]]:
    """Each progress line the terminal was sent, by label: the (done, total) of each redraw."""
    counts: dict[str, list[tuple[int, int]]] = {}
    for label, done, total in re.findall(r"((?:episode|guide) \d+/\d+ [\w-]+): sentence (\d+)/(\d+)", screen):
        counts.setdefault(label, []).append((int(done), int(total)))
    return counts


def spoken_sentences(project: Path, slug: str) -> int:
    """The sentences of a rendered episode, from its record (one cue per sentence)."""
    return len(json.loads((project / "output" / "episodes" / f"{slug}.json").read_text())["cues"])


def check_bars(project: Path, screen: str, slugs: list[str]) -> None:
    counts = bar_counts(screen)
    assert list(counts) == [f"episode {n}/{len(slugs)} {slug}" for n, slug in enumerate(slugs, 1)], screen
    for slug, redraws in zip(slugs, counts.values(), strict=True):
        total = spoken_sentences(project, slug)
        assert {t for _, t in redraws} == {total}
        done = [d for d, _ in redraws]
        assert done == sorted(done) and done[0] == 0 and done[-1] == total  # counts up to the total
    assert "\r" in screen  # redrawn in place


def test_progress_on_a_terminal_reaches_every_total(tone_project: Path) -> None:
    project = trim_sample(tone_project)
    (project / "episodes" / "another.md").write_text(OTHER)
    code, stdout, screen = on_terminal(project, "--jobs", "2")
    assert code == 0, screen
    check_bars(project, screen, ["another", "second-interview"])
    assert figures(stdout)["episodes"] == 2
    # the chapter being spoken is shown beside the count (issue 14, point 8)
    assert re.search(r"sentence \d+/\d+ +chapter 1/\d+: Introduction", screen), screen
    # a render with nothing to do shows no bar, only the summary
    code, stdout, screen = on_terminal(project)
    assert code == 0 and "sentence" not in screen and figures(stdout)["unchanged"] == 2


def test_quiet_silences_the_progress_not_the_summary(tone_project: Path) -> None:
    project = trim_sample(tone_project)
    code, stdout, screen = on_terminal(project, "-q")
    assert code == 0 and "sentence" not in screen, screen
    assert figures(stdout)["episodes"] == 1


@pytest.mark.slow
def test_progress_with_piper_speaking_two_sentences_at_once(tmp_path: Path) -> None:
    """Real parallel synthesis (Piper, ``--jobs 2``): the bar still counts every sentence."""
    project = short_sample(copy_project(tmp_path / "project"))
    code, stdout, screen = on_terminal(project, "--jobs", "2")
    assert code == 0, screen
    check_bars(project, screen, ["second-interview"])
    assert figures(stdout)["synthesized"] == spoken_sentences(project, "second-interview")
