"""The files beside each episode's audio: ``podcast:transcript`` files, the ``podcast:chapters``
JSON, the Podlove Simple Chapters in the item, and the episode record's loudness and Opus
alternate.
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from audioguide import stamps
from audioguide.layout import RECORD
from audioguide.models import OpusFile
from audioguide.publish.podcast import (
    CHAPTERS_TYPE,
    CHAPTERS_TYPES,
    PODCAST_NS_ACCEPTED,
    PSC_NS,
    TRANSCRIPT_TYPES,
)
from audioguide.verify.context import (
    RERENDER,
    THEN_RERENDER,
    ItemFacts,
    SiteCheck,
    child,
    children,
    clean,
)

LOUDNESS_TOLERANCE = 1.0
"""LUFS an episode's integrated loudness may differ from the target."""

_PSC_TIME = re.compile(r"^(\d{2}):([0-5]\d):([0-5]\d)\.(\d{3})$")


def check_sidecars(site: SiteCheck, item: etree._Element, facts: ItemFacts) -> None:
    """Every rule for the files an item links besides its audio, and for its episode record."""
    check_transcripts(site, item, facts.where)
    check_chapters(site, item, facts.where, facts.duration)
    check_psc(site, item, facts.where)
    if facts.slug:
        record = _record(site, facts.slug)
        if record is not None:
            check_loudness(site, *record)
            check_opus(site, *record)


def _linked(site: SiteCheck, url: str, where: str, what: str) -> Path | None:
    """The site's file for ``url``; None (and a problem) when there is no URL or no such file."""
    if not url:
        site.add(where, f"{what} has no url", RERENDER)
        return None
    path = site.local_file(url)
    if path is None:
        site.add(where, f"{what} {url} is not in the site",
                 f"{RERENDER}; it writes the file next to the audio")
    return path


def check_transcripts(site: SiteCheck, item: etree._Element, where: str) -> None:
    """Each ``podcast:transcript`` is in the site, not empty, and typed for its extension."""
    for el in children(item, PODCAST_NS_ACCEPTED, "transcript"):
        url, kind = clean(el.get("url")), clean(el.get("type"))
        path = _linked(site, url, where, "podcast:transcript")
        suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
        expected = TRANSCRIPT_TYPES.get(suffix)
        if expected is None:
            site.add(where, f"podcast:transcript {url} has an unknown file type {suffix!r}",
                     "Link .vtt, .srt, .html, .json or .txt transcripts")
        elif kind != expected:
            site.add(where, f"podcast:transcript type for a {suffix} file is "
                     f"{kind or 'missing'!r}, not {expected!r}", RERENDER)
        if path is not None and path.stat().st_size == 0:
            site.add(site.rel(path), "is empty", RERENDER)


def check_chapters(site: SiteCheck, item: etree._Element, where: str,
                   duration: float | None) -> None:
    """``podcast:chapters`` links a JSON chapters file with a version and ordered start times."""
    el = child(item, PODCAST_NS_ACCEPTED, "chapters")
    if el is None:
        return
    url, kind = clean(el.get("url")), clean(el.get("type"))
    if kind not in CHAPTERS_TYPES:
        site.add(where, f"podcast:chapters type is {kind or 'missing'!r}, not "
                 f"{CHAPTERS_TYPE!r}", RERENDER)
    path = _linked(site, url, where, "podcast:chapters")
    if path is None:
        return
    fwhere = site.rel(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        site.add(fwhere, f"is not valid JSON ({exc})", RERENDER)
        return
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        site.add(fwhere, "has no \"version\" string (JSON chapters need one, e.g. \"1.2.0\")",
                 RERENDER)
    chapters = data.get("chapters") if isinstance(data, dict) else None
    if not isinstance(chapters, list):
        site.add(fwhere, "has no \"chapters\" list", RERENDER)
        return
    _check_chapter_starts(site, fwhere, chapters, duration)


def _check_chapter_starts(site: SiteCheck, fwhere: str, chapters: list[Any],
                          duration: float | None) -> None:
    """Start times are seconds, increasing, and inside the audio; report the first one that is not."""
    previous: float | None = None
    for i, chapter in enumerate(chapters, start=1):
        start = chapter.get("startTime") if isinstance(chapter, dict) else None
        if isinstance(start, bool) or not isinstance(start, (int, float)) or start < 0:
            site.add(fwhere, f"chapter {i} has no valid \"startTime\" (seconds, >= 0)", RERENDER)
            return
        if previous is not None and start <= previous:
            site.add(fwhere, f"chapter {i} starts at {start} s, not after chapter {i - 1} "
                     f"({previous} s); chapters must be in increasing startTime order",
                     f"{RERENDER}; if you edited the file, sort the chapters by startTime")
            return
        if duration is not None and start >= duration:
            site.add(fwhere, f"chapter {i} starts at {start} s, after the audio ends "
                     f"({duration:.1f} s)", RERENDER)
            return
        previous = float(start)


def check_psc(site: SiteCheck, item: etree._Element, where: str) -> None:
    """``psc:chapter`` starts are ``HH:MM:SS.mmm``, increasing, and every chapter has a title."""
    block = child(item, PSC_NS, "chapters")
    if block is None:
        return
    previous: float | None = None
    for i, chapter in enumerate(children(block, PSC_NS, "chapter"), start=1):
        start = clean(chapter.get("start"))
        match = _PSC_TIME.match(start)
        if not match:
            site.add(where, f"psc:chapter {i} start {start!r} is not HH:MM:SS.mmm", RERENDER)
            return
        h, m, s, ms = (int(g) for g in match.groups())
        seconds = h * 3600 + m * 60 + s + ms / 1000
        if previous is not None and seconds <= previous:
            site.add(where, f"psc:chapter {i} starts at {start}, not after the chapter "
                     "before it; chapters must be in increasing order", RERENDER)
            return
        if not clean(chapter.get("title")):
            site.add(where, f"psc:chapter {i} has no title", RERENDER)
        previous = seconds


def _record(site: SiteCheck, slug: str) -> tuple[str, dict[str, Any]] | None:
    """The episode's record (where it is, and its data); ``None`` when there is none (not
    rendered by audioguide) or it cannot be read (a problem, then)."""
    path = site.output.episode(slug, RECORD)
    if not path.is_file():
        return None  # not rendered by audioguide, or an older render: nothing to compare
    where = site.rel(path)
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        site.add(where, f"is not valid JSON ({exc})", RERENDER)
        return None
    if not isinstance(data, dict):
        site.add(where, "is not an episode record", RERENDER)
        return None
    return where, data


def check_opus(site: SiteCheck, where: str, data: dict[str, Any]) -> None:
    """The Opus alternate the record names is there, with the size and SHA-256 it records
    (what the feed's ``podcast:alternateEnclosure`` and ``podcast:integrity`` state)."""
    opus = data.get("opus")
    if opus is None:
        return
    try:
        record = OpusFile.from_json(opus)
    except (KeyError, TypeError, ValueError):
        site.add(where, "has an \"opus\" entry without file, size, bitrate, duration and integrity", RERENDER)
        return
    path = site.output.episodes / PurePosixPath(record.file).name
    if not path.is_file():
        site.add(where, f"names the Opus alternate {record.file}, which is missing", RERENDER)
        return
    size = path.stat().st_size
    if size != record.size:
        site.add(site.rel(path), f"has {size} bytes but its record says {record.size}", RERENDER)
    elif stamps.integrity(path) != record.integrity:
        site.add(site.rel(path), f"does not match the SHA-256 its record gives ({record.integrity}): "
                 "podcast apps that check it will refuse the file", RERENDER)


def check_loudness(site: SiteCheck, where: str, data: dict[str, Any]) -> None:
    """The episode record's loudness is on the target, and its true peak under the ceiling."""
    loudness = data.get("loudness")
    nested: dict[str, Any] = loudness if isinstance(loudness, dict) else {}
    lufs = data.get("integrated_lufs", nested.get("integrated_lufs"))
    peak = data.get("true_peak_dbtp", nested.get("true_peak_dbtp"))
    if isinstance(lufs, (int, float)) and abs(lufs - site.loudness) > LOUDNESS_TOLERANCE:
        site.add(where, f"integrated loudness is {lufs:.1f} LUFS, podcasts should be "
                 f"{site.loudness:g} ± {LOUDNESS_TOLERANCE:g}",
                 f"Set audio.loudness = {site.loudness:g} in audioguide.toml, {THEN_RERENDER}")
    if isinstance(peak, (int, float)) and peak > site.true_peak:
        site.add(where, f"true peak is {peak:.1f} dBTP, above {site.true_peak:g} dBTP "
                 "(players and encoders will clip it)",
                 f"Set audio.true_peak = {site.true_peak:g} or lower, {THEN_RERENDER}")
