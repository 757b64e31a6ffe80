"""An episode dated later is scheduled: rendered now, listed in the feed and on the site from its
date (it was published at once, with a pubDate in the future, and check said nothing)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from audioguide import schedule
from tests.test_numbering import _feed_numbers, _run, _write, show  # noqa: F401 - the fixture


def _the_day_comes(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    """Make ``day`` today, for the rule of what is still to come (:mod:`audioguide.schedule`)."""

    class Later(dt.date):
        @classmethod
        def today(cls) -> Later:
            return cls(day.year, day.month, day.day)

    monkeypatch.setattr(schedule, "dt", type("dt", (), {"date": Later, "datetime": dt.datetime}))


def test_an_episode_dated_later_is_listed_from_its_date(show: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
                                                         caplog: pytest.LogCaptureFixture) -> None:
    later = dt.date.today() + dt.timedelta(days=30)
    _write(show, "soon", later.isoformat())
    code, out, err = _run(show, "render")
    assert code == 0, err
    assert "Rendered 1 episode" in out
    assert f"episode 'soon' is dated {later.isoformat()}: it is rendered" in caplog.text
    assert (show / "output" / "episodes" / "soon.mp3").is_file()
    assert "Soon" not in _feed_numbers(show)
    assert "soon.html" not in (show / "output" / "index.html").read_text("utf-8")
    code, out, err = _run(show, "check")
    assert code == 0, out + err
    code, out, _ = _run(show, "render")  # nothing new: nothing written
    assert code == 0 and "Rendered 0 episodes" in out
    assert "Soon" not in _feed_numbers(show)

    _the_day_comes(monkeypatch, later)
    code, out, err = _run(show, "render")
    assert code == 0 and "Rendered 0 episodes" in out, err
    assert _feed_numbers(show)["Soon"] == 4
    assert "soon.html" in (show / "output" / "index.html").read_text("utf-8")


def test_a_scheduled_episode_takes_its_number_when_it_is_listed(show: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    """Numbered at its first render, an episode dated next year held number 4: the next episode
    published was 5, and the feed skipped 4 (and would list the scheduled one, newest, below 5)."""
    from mutagen.id3 import ID3

    later = dt.date.today() + dt.timedelta(days=300)
    _write(show, "soon", later.isoformat())
    assert _run(show, "render")[0] == 0
    _write(show, "olives", (dt.date.today() - dt.timedelta(days=1)).isoformat())
    code, out, err = _run(show, "render")
    assert code == 0, err
    assert _feed_numbers(show) == {"Bread": 1, "Cheese": 2, "Wine": 3, "Olives": 4}
    soon = show / "output" / "episodes" / "soon"
    assert json.loads(soon.with_suffix(".json").read_text("utf-8"))["number"] == 5
    assert str(ID3(soon.with_suffix(".mp3"))["TRCK"]) == "5"
    assert "was number" not in caplog.text
    code, out, _ = _run(show, "render")  # nothing new: nothing renumbered, nothing written
    assert code == 0 and "Rendered 0 episodes" in out

    _the_day_comes(monkeypatch, later)
    code, out, err = _run(show, "render")
    assert code == 0 and "Rendered 0 episodes" in out, err
    assert _feed_numbers(show) == {"Bread": 1, "Cheese": 2, "Wine": 3, "Olives": 4, "Soon": 5}


def test_rendering_one_episode_moves_the_scheduled_one_past_it(show: Path) -> None:  # noqa: F811
    """``render episodes/olives.md`` gave olives number 4 and left the scheduled episode at 4 too
    (its record, its MP3's track and its page) until a full render moved it."""
    from mutagen.id3 import ID3

    later = dt.date.today() + dt.timedelta(days=300)
    _write(show, "soon", later.isoformat())
    assert _run(show, "render")[0] == 0
    soon = show / "output" / "episodes" / "soon"
    assert json.loads(soon.with_suffix(".json").read_text("utf-8"))["number"] == 4
    olives = _write(show, "olives", (dt.date.today() - dt.timedelta(days=1)).isoformat())
    code, out, err = _run(show, "render", str(olives))
    assert code == 0, err
    assert _feed_numbers(show) == {"Bread": 1, "Cheese": 2, "Wine": 3, "Olives": 4}
    assert json.loads(soon.with_suffix(".json").read_text("utf-8"))["number"] == 5
    assert str(ID3(soon.with_suffix(".mp3"))["TRCK"]) == "5"
    assert "Episode 5" in soon.with_suffix(".html").read_text("utf-8")
    code, out, _ = _run(show, "render")  # a full render finds nothing to do
    assert code == 0 and "Rendered 0 episodes" in out
