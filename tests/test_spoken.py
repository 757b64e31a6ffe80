"""``audioguide spoken``: what the voice will say, sentence by sentence, beside the text as
written, without speaking anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from audioguide.cli import cli
from audioguide.config import load_config
from audioguide.ingest import script as scripts
from audioguide.render.inputs import Overrides, episode_plan
from audioguide.render.spoken import words
from tests.clirunner import cli_runner

SCRIPT = """---
title: Numbers
{extra}---

In the 1990s, 75% of firms paid $1.2bn. Plain words stay plain.

## Costs

The office is at 12 Main St. in town. Nothing to change here.
"""


def _spoken(root: Path, *args: str) -> tuple[int, str, str]:
    result = cli_runner().invoke(cli, ["-C", str(root), "spoken", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tone_project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tone_project)  # paths are given from the working folder, as a user types them
    (tone_project / "episodes" / "numbers.md").write_text(SCRIPT.format(extra=""), "utf-8")
    return tone_project


def test_lists_the_sentences_whose_words_change_as_the_engine_gets_them(project: Path) -> None:
    code, out, err = _spoken(project, "episodes/numbers.md")
    assert code == 0 and not err
    lines = out.splitlines()
    assert lines[0].endswith("numbers.md: 2 of 5 sentences read differently from how they are written")
    assert "    written: In the 1990s, 75% of firms paid $1.2bn." in lines
    assert ("    spoken:  In the nineteen nineties, seventy-five percent of firms paid one point two "
            "billion dollars.") in lines
    assert "  [Costs]" in lines and "    spoken:  The office is at twelve Main Street in town." in lines
    assert "Plain words stay plain." not in out  # unchanged sentences are left out
    assert not (project / "output" / "episodes").exists()  # nothing spoken, nothing written there


def test_what_it_prints_is_the_plan_a_render_speaks(project: Path) -> None:
    """With --all, every sentence, in order, in the words the render's plan hands the engine."""
    _, out, _ = _spoken(project, "--all", "episodes/numbers.md")
    planned = episode_plan(load_config(project), scripts.load(project / "episodes" / "numbers.md"), Overrides())
    printed = [words(line.split(":", 1)[1]) for line in out.splitlines()
               if line.startswith(("    spoken:", "    same:"))]
    assert printed == [words(u.text) for u in planned if u.text.strip()]
    assert "    same:    Plain words stay plain." in out.splitlines()


def test_the_lexicon_and_guide_announcements_are_shown(project: Path) -> None:
    path = project / "episodes" / "numbers.md"
    path.write_text(SCRIPT.format(extra="lexicon:\n  Main: Mayne\n"), "utf-8")
    _, out, _ = _spoken(project, "--engine", "tone", "--guide", "episodes/numbers.md")
    assert "    spoken:  The office is at twelve Mayne Street in town." in out.splitlines()
    assert any(line.startswith("    spoken:  Stop") for line in out.splitlines()), out


def test_a_bad_input_is_one_line_and_the_others_are_still_shown(project: Path) -> None:
    (project / "episodes" / "draft.md").write_text(SCRIPT.format(extra="draft: true\n"), "utf-8")
    code, out, err = _spoken(project, "nosuch.md", "episodes/draft.md")
    assert code == 2
    assert err.strip().splitlines() == [
        "Failed: nosuch.md: does not exist. Give an episode script in episodes/ or an article file."]
    assert "draft.md: 2 of 5 sentences" in out  # drafts are read: an editor checks them before publishing
