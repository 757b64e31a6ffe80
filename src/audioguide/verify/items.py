"""The ``<item>`` rules: titles, guids (unique in the feed, unchanged since they were published),
``pubDate``, the enclosure (type, length, the audio file itself), ``itunes:duration`` and
``itunes:episode``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

from audioguide.layout import GUIDS, GUIDS_FIX, OUTPUT_DIR, guid_record
from audioguide.publish.podcast import ENCLOSURE_TYPES, ITUNES_NS
from audioguide.verify.channel import check_description_size
from audioguide.verify.context import (
    RERENDER,
    THEN_RERENDER,
    ItemFacts,
    SiteCheck,
    child,
    clean,
    text,
)

DURATION_TOLERANCE = 2.0
"""Seconds ``itunes:duration`` may differ from the audio's real length."""

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_RFC2822 = re.compile(
    r"^(?:(?P<dow>Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(?P<day>\d{1,2}) (?P<mon>"
    + "|".join(_MONTHS)
    + r") (?P<year>\d{4}) (?P<h>\d{2}):(?P<m>\d{2})(?::(?P<s>\d{2}))? "
    r"(?P<zone>[+-]\d{4}|GMT|UT|EST|EDT|CST|CDT|MST|MDT|PST|PDT)$"
)
_KINDS = [suffix.lstrip(".").upper() for suffix in ENCLOSURE_TYPES]
_AUDIO_KINDS = ", ".join(_KINDS[:-1]) + " or " + _KINDS[-1]
"""The audio formats Apple accepts, for messages: ``MP3, M4A or M4B``."""


@dataclass
class Guids:
    """The guids of the items checked so far, and those recorded when the site was published."""

    published: dict[str, str]
    """Slug -> guid, from the output folder's guid record."""
    seen: dict[str, int] = field(default_factory=dict)
    """Guid -> the number of the first item that has it."""
    numbers: dict[tuple[str, str], int] = field(default_factory=dict)
    """(``itunes:season``, ``itunes:episode``) -> the first item that has it."""


def read_published_guids(site: SiteCheck) -> dict[str, str]:
    """Slug -> guid of everything published from this folder; empty when there is no record (a
    damaged one is reported, read as render reads it: :func:`~audioguide.layout.guid_record`)."""
    if not site.output.guids.is_file():
        return {}
    kept, problem = guid_record(site.root)
    if problem is not None:
        site.add(GUIDS, problem, GUIDS_FIX)
    return kept


def check_item(site: SiteCheck, item: etree._Element, number: int, guids: Guids) -> ItemFacts:
    """Every rule for item ``number`` (from 1); return what the sidecar rules need."""
    title = text(item, None, "title")
    where = f"{site.feed} item {number}" + (f" ({title!r})" if title else "")
    if not title:
        site.add(where, "<title> is missing or empty",
                 f"Give the episode a title in its front matter, {THEN_RERENDER}")
    guid = _check_guid(site, item, where, number, guids)
    check_pubdate(site, item, where)
    duration, slug = check_enclosure(site, item, where)
    if slug and guid and slug in guids.published and guids.published[slug] != guid:
        site.add(where, f"guid changed since it was published ({guids.published[slug]!r} -> "
                 f"{guid!r}): podcast apps will show it as a new episode",
                 f"Set guid: {guids.published[slug]} in the front matter of episode {slug!r}, "
                 + THEN_RERENDER)
    check_episode_number(site, item, where, number, guids)
    check_description_size(site, item, where, f"the description: in the front matter of {slug or 'the episode'}")
    return ItemFacts(where, slug, duration)


def _check_guid(site: SiteCheck, item: etree._Element, where: str, number: int,
                guids: Guids) -> str:
    """The item's guid is there and no earlier item has it; return it."""
    guid = text(item, None, "guid")
    if not guid:
        site.add(where, "<guid> is missing; apps cannot tell episodes apart",
                 f"{RERENDER}; it writes a stable guid for every episode")
    elif guid in guids.seen:
        site.add(where, f"<guid> {guid!r} is the same as item {guids.seen[guid]}'s; apps will "
                 "show only one of them", "Give one of the episodes its own guid in its "
                 "front matter, " + THEN_RERENDER)
    else:
        guids.seen[guid] = number
    return guid


def check_pubdate(site: SiteCheck, item: etree._Element, where: str) -> None:
    """``pubDate`` is an RFC 2822 date that exists, with the right day of the week."""
    value = text(item, None, "pubDate")
    fix = f"Set date: YYYY-MM-DD in the episode's front matter, {THEN_RERENDER}"
    if not value:
        site.add(where, "<pubDate> is missing", fix)
        return
    match = _RFC2822.match(value)
    if not match:
        site.add(where, f"<pubDate> {value!r} is not an RFC 2822 date "
                 "(like 'Wed, 02 Oct 2024 08:00:00 +0000')", fix)
        return
    try:
        when = email.utils.parsedate_to_datetime(value)
        dt.date(int(match["year"]), _MONTHS.index(match["mon"]) + 1, int(match["day"]))
    except (TypeError, ValueError):
        site.add(where, f"<pubDate> {value!r} is not a real date", fix)
        return
    if int(match["h"]) > 23 or int(match["m"]) > 59 or int(match["s"] or 0) > 60:
        site.add(where, f"<pubDate> {value!r} has an impossible time", fix)
    elif match["dow"] and _DAYS[when.weekday()] != match["dow"]:
        site.add(where, f"<pubDate> {value!r} says {match['dow']} but that date is a "
                 f"{_DAYS[when.weekday()]}", fix)


def check_enclosure(site: SiteCheck, item: etree._Element,
                    where: str) -> tuple[float | None, str | None]:
    """Check the enclosure and duration; return the audio's duration and the episode slug."""
    enclosure = child(item, None, "enclosure")
    if enclosure is None:
        site.add(where, "<enclosure> is missing; there is nothing to play", RERENDER)
        return None, None
    url = clean(enclosure.get("url"))
    if not url:
        site.add(where, "<enclosure> has no url", RERENDER)
        return None, None
    name = PurePosixPath(unquote(urlsplit(url).path)).name
    slug = PurePosixPath(name).stem or None
    _check_enclosure_type(site, where, name, clean(enclosure.get("type")))
    path = site.local_file(url)
    if path is None:
        site.add(where, f"the enclosure {url} is not in the site",
                 f"{RERENDER}; every item needs its audio file under {OUTPUT_DIR}/")
        check_duration(site, item, where, None)
        return None, slug
    length = clean(enclosure.get("length"))
    size = path.stat().st_size
    if not length.isdigit():
        site.add(where, f"enclosure length is {length or 'missing'!r}, it must be the file's "
                 "size in bytes", RERENDER)
    elif int(length) != size:
        site.add(where, f"enclosure length is {int(length)} bytes but {site.rel(path)} has "
                 f"{size}", f"{RERENDER} so the feed matches the audio file")
    return check_duration(site, item, where, path), slug


def _check_enclosure_type(site: SiteCheck, where: str, name: str, kind: str) -> None:
    suffix = PurePosixPath(name).suffix.lower()
    allowed = ENCLOSURE_TYPES.get(suffix)
    if allowed is None:
        site.add(where, f"enclosure {name!r} is not an {_AUDIO_KINDS} file",
                 "Publish audio as .mp3 (audio/mpeg)")
    elif kind not in allowed:
        site.add(where, f"enclosure type is {kind or 'missing'!r}, a {suffix} file needs "
                 + " or ".join(sorted(allowed)), RERENDER)


def audio_seconds(site: SiteCheck, path: Path, where: str) -> float | None:
    """How long the audio file lasts; None (and a problem) when it cannot be read."""
    import mutagen
    from mutagen.mp3 import MP3

    audio: Any
    try:
        if path.suffix.lower() == ".mp3":
            audio = MP3(path)  # type: ignore[no-untyped-call]
        else:
            audio = mutagen.File(path)
    except (mutagen.MutagenError, OSError) as exc:
        site.add(where, f"{site.rel(path)} is not readable audio ({exc})", RERENDER)
        return None
    if audio is None or not getattr(audio.info, "length", 0):
        site.add(where, f"{site.rel(path)} is not readable audio", RERENDER)
        return None
    return float(audio.info.length)


def check_duration(site: SiteCheck, item: etree._Element, where: str,
                   path: Path | None) -> float | None:
    """``itunes:duration`` is whole seconds and matches the audio; return the audio's length."""
    seconds = audio_seconds(site, path, where) if path is not None else None
    value = text(item, ITUNES_NS, "duration")
    if not value:
        site.add(where, "<itunes:duration> is missing", RERENDER)
    elif not value.isdigit():
        site.add(where, f"<itunes:duration> {value!r} is not a whole number of seconds",
                 RERENDER)
    elif seconds is not None and abs(int(value) - seconds) > DURATION_TOLERANCE:
        site.add(where, f"<itunes:duration> is {int(value)} s but the audio lasts "
                 f"{seconds:.1f} s", f"{RERENDER} so the feed matches the audio file")
    return seconds


def check_episode_number(site: SiteCheck, item: etree._Element, where: str, position: int,
                         guids: Guids) -> None:
    """``itunes:episode``, when present, counts from 1, and no earlier item of the same season
    (item ``position`` from 1) has it: apps list, and in a serial show order, episodes by it."""
    number = child(item, ITUNES_NS, "episode")
    if number is None:
        return
    value = clean(number.text)
    if not value.isdigit() or int(value) < 1:
        site.add(where, f"<itunes:episode> {value!r} is not a positive whole number",
                 "Set episode: to a number from 1 in the front matter, or remove it")
        return
    key = (text(item, ITUNES_NS, "season") or "", str(int(value)))
    if key in guids.numbers:
        site.add(where, f"<itunes:episode> {int(value)} is the same as item {guids.numbers[key]}'s",
                 "Give one of the episodes another number (episode: in its front matter), or take the "
                 f"one without a script down (audioguide unpublish SLUG), {THEN_RERENDER}")
    else:
        guids.numbers[key] = position
