"""Episode numbers do not change once published and do not repeat: podcast apps list (and, for
a serial show, order) episodes by ``itunes:episode``. A guide takes no episode number."""

from __future__ import annotations

import datetime as dt
import json
import types
from pathlib import Path
from typing import Any

import podcastparser
import pytest

from audioguide.cli import cli
from audioguide.models import EpisodeMeta, Script
from audioguide.render.inputs import number_episodes
from tests.clirunner import cli_runner


def _s(slug: str, day: int, episode: int | None = None) -> Script:
    return Script(EpisodeMeta(title=slug, slug=slug, date=dt.date(2026, 1, day), episode=episode), ())


@pytest.mark.parametrize(("scripts", "published", "expected"), [
    # a new show: by date; an explicit number is not given again (it was: two episodes numbered 2)
    ([_s("a", 1), _s("b", 2), _s("c", 3, 2)], {}, {"a": 1, "c": 2, "b": 3}),
    # an episode dated before the published ones comes after them, and moves none of them
    ([_s("old", 1), _s("x", 5), _s("y", 9)], {"x": 1, "y": 2}, {"x": 1, "y": 2, "old": 3}),
    # a published episode whose script is gone keeps its number: a new one does not take it
    ([_s("x", 5), _s("new", 9)], {"x": 1, "gone": 2}, {"x": 1, "new": 3}),
    # an episode taken down does not move the ones after it
    ([_s("a", 1), _s("c", 3)], {"a": 1, "c": 3}, {"a": 1, "c": 3}),
    # an explicit number takes a published one's: that episode moves, after the others
    ([_s("a", 1), _s("b", 2), _s("c", 3, 1)], {"a": 1, "b": 2}, {"c": 1, "b": 2, "a": 3}),
])
def test_numbers(scripts: list[Script], published: dict[str, int], expected: dict[str, int]) -> None:
    assert number_episodes(scripts, published) == expected


def _run(project: Path, *args: str) -> tuple[int, str, str]:
    result = cli_runner().invoke(cli, ["-C", str(project), *args])
    return result.exit_code, result.stdout, result.stderr


def _write(project: Path, slug: str, date: str, extra: str = "") -> Path:
    path = project / "episodes" / f"{slug}.md"
    path.write_text(f"---\ntitle: {slug.title()}\ndate: {date}\n{extra}---\n\nAbout {slug}, in a sentence or two.\n",
                    "utf-8")
    return path


def _feed_numbers(project: Path) -> dict[str, int]:
    with (project / "output" / "feed.xml").open("rb") as feed:
        parsed = podcastparser.parse("http://127.0.0.1:8000/feed.xml", feed)
    return {e["title"]: e["number"] for e in parsed["episodes"]}


@pytest.fixture
def show(tone_project: Path) -> Path:
    for script in (tone_project / "episodes").glob("*.md"):
        script.unlink()
    for slug, date in (("bread", "2026-03-01"), ("cheese", "2026-03-08"), ("wine", "2026-03-15")):
        _write(tone_project, slug, date)
    code, _, err = _run(tone_project, "render")
    assert code == 0, err
    assert _feed_numbers(tone_project) == {"Bread": 1, "Cheese": 2, "Wine": 3}
    return tone_project


def test_a_backdated_episode_is_numbered_after_the_published_ones_and_renders_alone(show: Path) -> None:
    """It took number 1, moved every published episode up by one, and rendered them all again."""
    mp3s = {p.name: p.read_bytes() for p in (show / "output" / "episodes").glob("*.mp3")}
    _write(show, "apples", "2026-02-01")
    code, out, err = _run(show, "render")
    assert code == 0, err
    assert "Rendered 1 episode" in out and "3 already up to date" in out
    assert _feed_numbers(show) == {"Bread": 1, "Cheese": 2, "Wine": 3, "Apples": 4}
    assert all((show / "output" / "episodes" / name).read_bytes() == data for name, data in mp3s.items())


def test_taking_an_episode_down_moves_no_number(show: Path) -> None:
    (show / "episodes" / "cheese.md").unlink()
    assert _run(show, "unpublish", "cheese")[0] == 0
    _write(show, "olives", "2026-04-01")
    code, out, err = _run(show, "render")
    assert code == 0 and "Rendered 1 episode" in out, err
    assert _feed_numbers(show) == {"Bread": 1, "Wine": 3, "Olives": 4}


def test_an_explicit_number_given_twice_is_refused_in_one_line(show: Path) -> None:
    _write(show, "figs", "2026-04-01", "episode: 7\n")
    _write(show, "olives", "2026-04-02", "episode: 7\n")
    code, out, err = _run(show, "render")
    assert code == 1 and "olives.md" in err and "episode 7 is also the number of figs.md" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert _feed_numbers(show) == {"Bread": 1, "Cheese": 2, "Wine": 3, "Figs": 7}


def test_an_explicit_number_moves_the_episode_that_had_it_and_says_so(show: Path,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    """``episode: 2`` in a new script gave two episodes number 2."""
    _write(show, "olives", "2026-04-01", "episode: 2\n")
    code, out, err = _run(show, "render")
    assert code == 0, err
    assert _feed_numbers(show) == {"Bread": 1, "Olives": 2, "Wine": 3, "Cheese": 4}
    assert "'cheese' was number 2 and is now 4: another script's episode: gives it 2" in caplog.text


def test_a_guide_takes_no_number_and_is_not_rendered_again_when_an_episode_comes(show: Path) -> None:
    """Every script was numbered, guides too: an episode dated before a guide gave it another
    number, and the whole guide was rendered again."""
    guide = show / "episodes" / "tour.md"
    guide.write_text("---\ntitle: Tour\nkind: guide\ndate: 2026-05-01\n---\n\n## The gate\n\nOld iron.\n\n"
                     "## The lake\n\nStill water.\n", "utf-8")
    assert _run(show, "render")[0] == 0
    record = json.loads((show / "output" / "guides" / "tour" / "guide.json").read_text("utf-8"))
    _write(show, "apples", "2026-02-01")
    code, out, err = _run(show, "render")
    assert code == 0, err
    assert "Rendered 1 episode," in out and "4 already up to date" in out
    assert json.loads((show / "output" / "guides" / "tour" / "guide.json").read_text("utf-8")) == record
    assert _feed_numbers(show)["Apples"] == 4


def test_a_project_whose_scripts_are_all_drafts_renders_nothing_quietly(tone_project: Path) -> None:
    """Rendering all of episodes/ skips drafts; when the only script was one, render failed (exit 2)."""
    for script in (tone_project / "episodes").glob("*.md"):
        script.unlink()
    _write(tone_project, "later", "2026-03-01", "draft: true\n")
    code, out, err = _run(tone_project, "render")
    assert code == 0, err
    assert "Rendered 0 episodes" in out
    code, _, err = _run(tone_project, "render", str(tone_project / "episodes" / "later.md"))  # named: said
    assert code == 2 and "is a draft" in err


class _Tomorrow(dt.date):
    @classmethod
    def today(cls) -> _Tomorrow:
        day = dt.date.today() + dt.timedelta(days=1)
        return cls(day.year, day.month, day.day)


def test_a_script_without_a_date_keeps_the_day_it_was_first_published(show: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """It was dated today at every render: the next day it moved to the top of the feed, and was
    rendered again."""
    from audioguide.ingest import script as scripts

    path = show / "episodes" / "undated.md"
    path.write_text("---\ntitle: Undated\n---\n\nNo date here, on purpose.\n", "utf-8")
    assert _run(show, "render")[0] == 0
    first = (show / "output" / "feed.xml").read_bytes()
    monkeypatch.setattr(scripts, "dt", types.SimpleNamespace(date=_Tomorrow, datetime=dt.datetime,
                                                             timezone=dt.timezone, timedelta=dt.timedelta))
    assert scripts.load(path).meta.date == dt.date.today() + dt.timedelta(days=1)  # the patch holds
    code, out, err = _run(show, "render")
    assert code == 0 and "Rendered 0 episodes" in out, err
    assert (show / "output" / "feed.xml").read_bytes() == first


def test_a_guid_another_episode_has_is_refused_in_one_line(show: Path) -> None:
    """A copied script that kept its guid: line was published beside the original, and apps
    showed one of them."""
    _write(show, "copy", "2026-04-01", "guid: audioguide:bread\n")
    code, out, err = _run(show, "render")
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "copy.md" in err and "guid 'audioguide:bread' is also the guid of bread.md" in err
    assert "Copy" not in _feed_numbers(show)
    # the published one keeps it even when the other sorts first
    (show / "episodes" / "copy.md").unlink()
    _write(show, "a-bread", "2026-04-01", "guid: audioguide:bread\n")
    code, _, err = _run(show, "render")
    assert code == 1 and "a-bread.md" in err and "is also the guid of bread.md" in err


def _feed(project: Path) -> dict[str, Any]:
    with (project / "output" / "feed.xml").open("rb") as feed:
        parsed: dict[str, Any] = podcastparser.parse("http://127.0.0.1:8000/feed.xml", feed)
    return parsed


def test_a_renamed_script_that_keeps_the_old_guid_takes_the_episode_over(show: Path,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    """The README's rename (keep ``guid:`` set to the old guid): the old episode stayed published
    without a script, with the same guid (apps showed one of the two), and render said nothing."""
    old = {e["title"]: e for e in _feed(show)["episodes"]}["Cheese"]
    (show / "episodes" / "cheese.md").unlink()
    (show / "episodes" / "fromage.md").write_text("---\ntitle: Fromage\nguid: audioguide:cheese\n---\n\n"
                                                  "About cheese, in a sentence or two.\n", "utf-8")
    code, out, err = _run(show, "render")
    assert code == 0 and "Rendered 1 episode" in out, err
    episodes = {e["title"]: e for e in _feed(show)["episodes"]}
    assert sorted(episodes) == ["Bread", "Fromage", "Wine"]
    # the same item for apps: its guid, its number and its date (the script gives none)
    assert episodes["Fromage"]["guid"] == old["guid"] == "audioguide:cheese"
    assert episodes["Fromage"]["number"] == 2 and episodes["Fromage"]["published"] == old["published"]
    assert episodes["Fromage"]["enclosures"][0]["url"].endswith("/episodes/fromage.mp3")
    assert not list((show / "output" / "episodes").glob("cheese.*"))
    assert "episode 'fromage' took over 'cheese'" in caplog.text and "no script" not in caplog.text
    code, out, err = _run(show, "check")
    assert code == 0, out + err
    code, out, err = _run(show, "render")
    assert code == 0 and "Rendered 0 episodes" in out, err


def test_a_number_held_by_a_published_episode_without_a_script_is_refused(show: Path,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    """``episode: 2`` while episode 2 is published without a script: the feed had two episodes 2,
    check said nothing, and render said the new one's own number came from another script."""
    (show / "episodes" / "cheese.md").unlink()
    _write(show, "olives", "2026-04-01", "episode: 2\n")
    code, out, err = _run(show, "render")
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "olives.md: episode 2 is also the number of the published episode 'cheese'" in err
    assert "audioguide unpublish cheese" in err
    assert _feed_numbers(show) == {"Bread": 1, "Cheese": 2, "Wine": 3}
    assert "was number" not in caplog.text


def test_an_episode_renumbered_by_its_own_script_is_named_rightly(show: Path, caplog: pytest.LogCaptureFixture) -> None:
    (show / "episodes" / "wine.md").write_text((show / "episodes" / "wine.md").read_text("utf-8")
                                               .replace("title: Wine\n", "title: Wine\nepisode: 5\n"), "utf-8")
    code, _, err = _run(show, "render")
    assert code == 0, err
    assert _feed_numbers(show) == {"Bread": 1, "Cheese": 2, "Wine": 5}
    assert "episode 'wine' was number 3 and is now 5: its script's episode: says so" in caplog.text


def test_check_reports_two_items_with_one_episode_number(show: Path) -> None:
    feed = show / "output" / "feed.xml"
    feed.write_text(feed.read_text("utf-8").replace("<itunes:episode>3<", "<itunes:episode>1<"), "utf-8")
    code, _, err = _run(show, "check")
    assert code == 1
    assert "('Bread'): <itunes:episode> 1 is the same as item 1's" in err
