"""Scheduled episodes: an episode dated later is rendered at once, but listed in the feed and on
the site only from its date (at the first render or sync after it). Publishing asks this to leave
it out until then, and numbering, so that it takes its number only when it is listed."""

from __future__ import annotations

import datetime as dt


def later(when: str) -> bool:
    """Whether ``when`` (ISO 8601: a day, or a time; without a zone, this machine's) is still to come.

    >>> later("2000-01-01"), later("9999-12-31"), later("2000-01-01T08:00:00+02:00")
    (False, True, False)
    """
    moment = dt.datetime.fromisoformat(when) if "T" in when else None
    if moment is None:
        return dt.date.fromisoformat(when) > dt.date.today()
    return moment > dt.datetime.now(moment.tzinfo)
