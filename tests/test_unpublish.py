"""Episodes can leave (issue 13, point 4): a published item whose script is deleted (or made a
draft) stays published until ``unpublish`` takes it down; render warns and check reports it."""

from __future__ import annotations

import shutil
from pathlib import Path

import feedparser
import pytest

from audioguide.cli import cli
from tests.clirunner import cli_runner
from tests.conftest import trim_sample


def _run(project: Path, *args: str) -> tuple[int, str, str]:
    result = cli_runner().invoke(cli, ["-C", str(project), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def two_episodes(tone_project: Path) -> Path:
    """The trimmed sample plus a second episode, rendered."""
    trim_sample(tone_project)
    second = tone_project / "episodes" / "second.md"
    second.write_text("---\ntitle: Second\ndate: 2026-11-01\n---\n\nA second, shorter episode.\n", "utf-8")
    code, _, err = _run(tone_project, "render")
    assert code == 0, err
    return tone_project


def _feed_titles(project: Path) -> list[str]:
    return [e.title for e in feedparser.parse(str(project / "output" / "feed.xml")).entries]


def test_deleted_script_is_reported_then_unpublished(two_episodes: Path, caplog: pytest.LogCaptureFixture) -> None:
    project = two_episodes
    (project / "episodes" / "second.md").unlink()
    code, _, err = _run(project, "render")
    assert code == 0, err
    assert "episode 'second' is published but no script in episodes/: run audioguide unpublish second" \
        in caplog.text
    assert "Second" in _feed_titles(project)  # a published feed never loses an item by accident
    code, _, err = _run(project, "check")
    assert code == 1
    assert "episodes/second: is published but no script in episodes/. Fix: Run audioguide unpublish second" in err

    assert "episodes/second." in (project / "output" / "index.html").read_text("utf-8")
    assert (project / "output" / "episodes" / "second.opus").is_file()  # the Opus alternate goes too
    code, out, err = _run(project, "unpublish", "second")
    assert code == 0, err
    assert "Unpublished second" in out
    assert "Second" not in _feed_titles(project) and _feed_titles(project)
    assert not list((project / "output" / "episodes").glob("second.*"))
    assert "episodes/second." not in (project / "output" / "index.html").read_text("utf-8")
    code, out, err = _run(project, "check")
    assert code == 0, err


def test_a_draft_is_not_rendered_and_a_published_one_is_reported(two_episodes: Path) -> None:
    project = two_episodes
    script = project / "episodes" / "second.md"
    script.write_text(script.read_text("utf-8").replace("title: Second", "title: Second\ndraft: true"), "utf-8")
    code, _, err = _run(project, "render", str(script))
    assert code == 2 and "is a draft (draft: true)" in err and len(err.strip().splitlines()) == 1
    assert _run(project, "render")[0] == 0  # the others render; the draft waits
    code, _, err = _run(project, "check")
    assert code == 1 and "episodes/second: is published but its script is a draft" in err


def test_unpublish_a_guide_and_unknown_slugs(tone_project: Path) -> None:
    trim_sample(tone_project)
    assert _run(tone_project, "render", "--guide")[0] == 0
    code, _, err = _run(tone_project, "unpublish", "nope")
    assert code == 2 and "nothing published as 'nope'" in err and "second-interview" in err
    (tone_project / "episodes" / "second-interview.md").unlink()
    assert "guides/second-interview" in (tone_project / "output" / "index.html").read_text("utf-8")
    code, _, err = _run(tone_project, "unpublish", "second-interview")
    assert code == 0, err
    assert not (tone_project / "output" / "guides" / "second-interview").exists()
    assert "guides/second-interview" not in (tone_project / "output" / "index.html").read_text("utf-8")


def test_unpublished_episode_can_come_back_with_its_guid(two_episodes: Path) -> None:
    project = two_episodes
    before = {e.title: e.id for e in feedparser.parse(str(project / "output" / "feed.xml")).entries}
    saved = (project / "episodes" / "second.md").read_text("utf-8")
    code, _, err = _run(project, "unpublish", "second")  # its script is still there: it would come back
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "'second' still has a script in episodes/" in err and "Delete the script (or set draft: true" in err
    (project / "episodes" / "second.md").unlink()
    assert _run(project, "unpublish", "second")[0] == 0
    (project / "episodes" / "second.md").write_text(saved, "utf-8")
    assert _run(project, "render")[0] == 0
    after = {e.title: e.id for e in feedparser.parse(str(project / "output" / "feed.xml")).entries}
    assert after == before
    shutil.rmtree(project / "output")


def test_a_script_that_lost_its_guid_line_keeps_the_published_guid(two_episodes: Path) -> None:
    """Restored without its ``guid:`` line, an episode came back as audioguide:<slug>: apps took it
    for a new episode (the README says its guid is remembered)."""
    project = two_episodes
    third = project / "episodes" / "third.md"
    third.write_text("---\ntitle: Third\ndate: 2026-11-02\nguid: urn:custom:1\n---\n\nA third one.\n", "utf-8")
    assert _run(project, "render")[0] == 0
    third.write_text(third.read_text("utf-8").replace("guid: urn:custom:1\n", ""), "utf-8")
    code, _, err = _run(project, "render")
    assert code == 0, err
    ids = {e.title: e.id for e in feedparser.parse(str(project / "output" / "feed.xml")).entries}
    assert ids["Third"] == "urn:custom:1"
    assert _run(project, "check")[0] == 0
