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


WALK = "---\ntitle: Walk\n---\n\n## The gate\n\nOld iron.\n\n## The lake\n\nStill water.\n"


@pytest.fixture
def walk(tone_project: Path) -> Path:
    """A project whose one script, ``walk``, is an episode, rendered."""
    for script in (tone_project / "episodes").glob("*.md"):
        script.unlink()
    (tone_project / "episodes" / "walk.md").write_text(WALK, "utf-8")
    code, _, err = _run(tone_project, "render")
    assert code == 0, err
    return tone_project


def test_an_episode_made_a_guide_is_reported_and_can_be_taken_down(walk: Path,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    """Adding ``kind: guide`` left the episode in the feed for good: render and check were silent,
    and unpublish refused it because "it still has a script"."""
    (walk / "episodes" / "walk.md").write_text(WALK.replace("title: Walk\n", "title: Walk\nkind: guide\n"), "utf-8")
    code, _, err = _run(walk, "render")
    assert code == 0, err
    assert "episode 'walk' is published but its script is now a guide (kind: guide): run audioguide " \
           "unpublish walk to take it down, or take kind: guide out of its script" in caplog.text
    code, _, err = _run(walk, "check")
    assert code == 1 and "episodes/walk: is published but its script is now a guide" in err
    code, out, err = _run(walk, "unpublish", "walk")
    assert code == 0 and "Unpublished walk" in out, err
    output = walk / "output"
    assert not list((output / "episodes").glob("walk.*")) and not (output / "feed.xml").exists()
    assert (output / "guides" / "walk" / "guide.json").is_file()  # the guide its script makes stays
    assert 'href="guides/walk/' in (output / "index.html").read_text("utf-8")
    assert _run(walk, "check")[0] == 0
    code, _, err = _run(walk, "unpublish", "walk")  # now only what the script makes: refused
    assert code == 2 and "'walk' still has a script" in err


def test_a_guide_made_an_episode_again_is_reported_and_can_be_taken_down(walk: Path) -> None:
    script = walk / "episodes" / "walk.md"
    script.write_text(WALK.replace("title: Walk\n", "title: Walk\nkind: guide\n"), "utf-8")
    assert _run(walk, "render")[0] == 0 and _run(walk, "unpublish", "walk")[0] == 0  # the episode goes
    script.write_text(WALK, "utf-8")  # and back: an episode again
    assert _run(walk, "render")[0] == 0
    code, _, err = _run(walk, "check")
    assert code == 1 and "guides/walk: is published but its script is now an episode" in err
    assert _run(walk, "unpublish", "walk")[0] == 0
    output = walk / "output"
    assert not (output / "guides" / "walk").exists()
    assert "guides/walk/" not in (output / "index.html").read_text("utf-8")
    assert _feed_titles(walk) == ["Walk"]
    assert _run(walk, "check")[0] == 0


def test_a_guide_rendered_with_the_guide_option_is_not_reported(walk: Path) -> None:
    """``render --guide`` makes a guide of a script without ``kind: guide``: it is not left over."""
    assert _run(walk, "unpublish", "walk")[0] == 2
    (walk / "episodes" / "walk.md").unlink()
    assert _run(walk, "unpublish", "walk")[0] == 0
    (walk / "episodes" / "walk.md").write_text(WALK, "utf-8")
    assert _run(walk, "render", "--guide")[0] == 0
    code, out, err = _run(walk, "check")
    assert code == 0, out + err


def test_an_article_rendered_from_outside_episodes_is_published_on_purpose(
        two_episodes: Path, caplog: pytest.LogCaptureFixture) -> None:
    """``render ../notes.md`` (a documented use) published the article, then that very render
    warned it was "published but no script in episodes/", as did every later one, and ``check``
    failed."""
    project = two_episodes
    notes = project.parent / "notes.md"
    notes.write_text("---\ntitle: Notes\n---\n\nSome notes.\n", "utf-8")
    code, _, err = _run(project, "render", str(notes))
    assert code == 0, err
    assert "Notes" in _feed_titles(project)
    code, _, err = _run(project, "render")
    assert code == 0, err
    assert "is published but" not in caplog.text
    code, _, err = _run(project, "check")
    assert code == 0, err
    code, _, err = _run(project, "unpublish", "notes")  # and it can be taken down
    assert code == 0, err
    assert "Notes" not in _feed_titles(project)
