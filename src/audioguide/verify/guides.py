"""An audio guide's own files, beyond its feed (which :mod:`~audioguide.verify.check` checks by
the podcast rules): the record ``guide.json``; each stop's MP3 (present, the length the record
and the feed state, tagged with its place in the guide and the cover); the feed's items against the
stops (one per stop, in order, with ``pubDate`` rising and ``itunes:episode`` the stop number);
the playlist; the ZIP; the whole guide as MP3 and M4B (present, as long as the stops, chapters in
time order, cover art); and the page (every stop there with its player).
"""

from __future__ import annotations

import email.utils
import json
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

from audioguide.layout import FEED, GUIDE_RECORD, INDEX, archive_member
from audioguide.models import GuideRecord, StopRecord
from audioguide.publish.podcast import ITUNES_NS
from audioguide.verify.context import SiteCheck, child, children, clean, text
from audioguide.verify.items import DURATION_TOLERANCE, audio_seconds
from audioguide.wording import stop_number_text

RENDER_GUIDE = "Run audioguide render again (with --guide, or kind: guide in the script)"
"""The fix for a guide's files: they are all rebuilt from the script."""


def check_guide(site: SiteCheck, record_path: Path) -> None:
    """Every rule for the guide whose record is ``record_path`` (``guides/<slug>/guide.json``)."""
    guide = _load(site, record_path)
    if guide is None:
        return
    folder = record_path.parent
    check_numbers(site, folder, guide)
    highest = max((s.number for s in guide.stops), default=0)
    for position, stop in enumerate(guide.stops, start=1):
        check_stop(site, folder, stop, position, len(guide.stops), highest)
    check_feed_items(site, guide)
    check_playlist(site, folder, guide)
    check_archive(site, folder, guide)
    check_full_mp3(site, folder, guide)
    check_m4b(site, folder, guide)
    check_page(site, folder, guide)


def _load(site: SiteCheck, path: Path) -> GuideRecord | None:
    try:
        return GuideRecord.from_json(json.loads(path.read_text("utf-8")))
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        site.add(site.rel(path), f"is not a guide record ({exc})",
                 f"Delete {site.rel(path.parent)}/; then {RENDER_GUIDE.lower()}")
        return None


def _present(site: SiteCheck, path: Path, what: str) -> bool:
    if path.is_file():
        return True
    site.add(site.rel(path), f"is missing ({what})", RENDER_GUIDE)
    return False


def _tags(path: Path) -> Any:
    """The ID3 tag of ``path``, or None when it has none (mutagen is unannotated)."""
    from mutagen.id3 import ID3, ID3NoHeaderError

    try:
        return ID3(path)  # type: ignore[no-untyped-call]
    except (ID3NoHeaderError, OSError):
        return None


def check_numbers(site: SiteCheck, folder: Path, guide: GuideRecord) -> None:
    """Stop numbers increase in the guide's order, each used once, as the headings give them (1,
    2, ... or a plaque numbering of their own such as 101, 102, ...); only an introduction
    before them, number 0, may be unnumbered."""
    for i, stop in enumerate(guide.stops):
        where = site.rel(folder / stop.file)
        if i and stop.number <= guide.stops[i - 1].number:
            site.add(where, f"is stop {stop.number} after stop {guide.stops[i - 1].number}: stops are "
                     "numbered in increasing order, each once", RENDER_GUIDE)
        elif stop.number < 0:
            site.add(where, f"is stop {stop.number}; stop numbers start at 0", RENDER_GUIDE)
        elif not stop.numbered and (i or stop.number != 0):
            site.add(where, f"stop {stop.number} is marked unnumbered; only an introduction "
                     "before stop 1 may be", RENDER_GUIDE)


def check_stop(site: SiteCheck, folder: Path, stop: StopRecord, position: int, total: int,
               highest: int) -> None:
    """A stop's MP3: named by its number, present, of the recorded size and duration, tagged
    with its place in the guide (``position/total``, counting from 1: players sort by it, and a
    plaque numbering such as 101 would not count up to the total) and its title, with cover art."""
    path = folder / stop.file
    where = site.rel(path)
    start = stop_number_text(stop.number, highest) + "-"
    if not stop.file.startswith(start):
        site.add(where, f"is stop {stop.number}, its name must start with {start}", RENDER_GUIDE)
    if not _present(site, path, f"stop {stop.number} of the guide"):
        return
    if path.stat().st_size != stop.size:
        site.add(where, f"has {path.stat().st_size} bytes, {GUIDE_RECORD} says {stop.size}",
                 RENDER_GUIDE)
    seconds = audio_seconds(site, path, where)
    if seconds is not None and abs(seconds - stop.duration) > DURATION_TOLERANCE:
        site.add(where, f"lasts {seconds:.1f} s, {GUIDE_RECORD} says {stop.duration:.1f} s",
                 RENDER_GUIDE)
    tags = _tags(path)
    track = str(tags["TRCK"]) if tags is not None and "TRCK" in tags else ""
    if track != f"{position}/{total}":
        site.add(where, f"track number is {track or 'missing'!r}, not '{position}/{total}' (its place "
                 "in the guide)", RENDER_GUIDE)
    title = str(tags["TIT2"]) if tags is not None and "TIT2" in tags else ""
    if title != stop.heading:
        site.add(where, f"title tag is {title!r}, not {stop.heading!r}", RENDER_GUIDE)
    if tags is None or not tags.getall("APIC"):
        site.add(where, "has no cover art", RENDER_GUIDE)


def _items(site: SiteCheck) -> list[etree._Element] | None:
    """The guide feed's items; None when the feed is missing or unreadable (already reported)."""
    try:
        tree = etree.parse(str(site.root / site.feed),
                           etree.XMLParser(resolve_entities=False, no_network=True))
    except (OSError, etree.XMLSyntaxError):
        return None
    channel = child(tree.getroot(), None, "channel")
    return None if channel is None else children(channel, None, "item")


def check_feed_items(site: SiteCheck, guide: GuideRecord) -> None:
    """One item per stop, in stop order, each ``pubDate`` later than the one before (apps order
    a serial show by date), ``itunes:episode`` the stop's number when it has one from 1."""
    items = _items(site)
    if items is None:
        return
    names = [PurePosixPath(unquote(urlsplit(clean(enc.get("url"))).path)).name
             for item in items for enc in children(item, None, "enclosure")[:1]]
    if names != [s.file for s in guide.stops]:
        site.add(site.feed, f"lists {', '.join(names) or 'nothing'}, not the stops in order "
                 f"({', '.join(s.file for s in guide.stops)})", RENDER_GUIDE)
        return
    previous = None
    for n, (item, stop) in enumerate(zip(items, guide.stops, strict=True), start=1):
        where = f"{site.feed} item {n} ({stop.heading!r})"
        try:
            when = email.utils.parsedate_to_datetime(text(item, None, "pubDate"))
        except (TypeError, ValueError):
            continue  # reported by the item rules
        if previous is not None and when <= previous:
            site.add(where, "<pubDate> is not later than the stop before it; podcast apps will "
                     "list the stops out of order", RENDER_GUIDE)
        previous = when
        episode = text(item, ITUNES_NS, "episode")
        wanted = str(stop.number) if stop.number >= 1 else ""
        if episode != wanted:
            site.add(where, f"<itunes:episode> is {episode or 'missing'!r}, not "
                     f"{wanted or 'absent'!r} (the stop's number)", RENDER_GUIDE)


def check_playlist(site: SiteCheck, folder: Path, guide: GuideRecord) -> None:
    """The M3U8 lists every stop's file in order, titled as the stop is."""
    path = folder / guide.playlist
    if not _present(site, path, "the playlist"):
        return
    lines = path.read_text("utf-8", errors="replace").splitlines()
    files = [line for line in lines if line.strip() and not line.startswith("#")]
    titles = [line.split(",", 1)[1] for line in lines if line.startswith("#EXTINF:") and "," in line]
    if not lines or lines[0] != "#EXTM3U":
        site.add(site.rel(path), "does not start with #EXTM3U", RENDER_GUIDE)
    if files != [s.file for s in guide.stops]:
        site.add(site.rel(path), "does not list the stops' files in order", RENDER_GUIDE)
    elif titles != [s.heading for s in guide.stops]:
        site.add(site.rel(path), "does not title the stops as they are announced", RENDER_GUIDE)
    for name in files:
        if not (folder / name).is_file():
            site.add(site.rel(path), f"lists {name}, which is not in the guide's folder",
                     RENDER_GUIDE)


def check_archive(site: SiteCheck, folder: Path, guide: GuideRecord) -> None:
    """The ZIP holds every stop and the playlist in a folder named after the guide, each the
    same bytes as the file beside it."""
    path = folder / guide.archive
    if not _present(site, path, "every stop for offline listening"):
        return
    files = [s.file for s in guide.stops] + [guide.playlist]
    wanted = [archive_member(guide.slug, name) for name in files]
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if names != wanted:
                site.add(site.rel(path), f"holds {', '.join(names) or 'nothing'}, not the stops "
                         f"and the playlist in order in the folder {guide.slug}/", RENDER_GUIDE)
                return
            stale = [n for n, member in zip(files, names, strict=True)
                     if (folder / n).is_file() and zf.read(member) != (folder / n).read_bytes()]
    except (zipfile.BadZipFile, OSError) as exc:
        site.add(site.rel(path), f"is not a readable ZIP ({exc})", RENDER_GUIDE)
        return
    if stale:
        site.add(site.rel(path), f"holds another version of {', '.join(stale)}", RENDER_GUIDE)


def _full_length(site: SiteCheck, path: Path, guide: GuideRecord) -> None:
    seconds = audio_seconds(site, path, site.rel(path))
    if seconds is not None and abs(seconds - guide.full_duration) > DURATION_TOLERANCE:
        site.add(site.rel(path), f"lasts {seconds:.1f} s, {GUIDE_RECORD} says "
                 f"{guide.full_duration:.1f} s", RENDER_GUIDE)


def _chapter_problem(stored: list[tuple[str, float]], guide: GuideRecord, limit: int | None = None) -> str | None:
    """Why chapters stored as ``(title, start)``, in file order, are not one per stop (of the
    first ``limit`` stops) in time order; None when they are."""
    by_time = sorted(stored, key=lambda chapter: chapter[1])
    titles = [title for title, _ in by_time]
    expected = [s.title for s in guide.stops][:limit]
    if titles != expected:
        return f"has chapters {titles}, not one per stop in order ({expected})"
    if stored != by_time:
        return (f"stores its chapters out of time order ({', '.join(t for t, _ in stored)}); "
                "players that list them as stored show them so")
    return None


def check_full_mp3(site: SiteCheck, folder: Path, guide: GuideRecord) -> None:
    """The whole guide as one MP3: as long as recorded, a CHAP frame per stop stored in time
    order and listed in that order by the CTOC (nested past 255 chapters), and cover art."""
    from audioguide.audio.tags import listed_chapters

    path = folder / guide.full_mp3
    if not _present(site, path, "the whole guide as MP3"):
        return
    _full_length(site, path, guide)
    tags = _tags(path)
    chaps = tags.getall("CHAP") if tags is not None else []
    stored = [(str(c.sub_frames.get("TIT2", "")), c.start_time / 1000) for c in chaps]
    problem = _chapter_problem(stored, guide)
    listed = listed_chapters(tags) if tags is not None else None
    if problem is None and listed != [c.element_id for c in chaps]:
        problem = "has a table of contents (CTOC) that does not list its chapters in order"
    if problem:
        site.add(site.rel(path), problem, RENDER_GUIDE)
    if tags is None or not tags.getall("APIC"):
        site.add(site.rel(path), "has no cover art", RENDER_GUIDE)


def check_m4b(site: SiteCheck, folder: Path, guide: GuideRecord) -> None:
    """The audiobook: readable, as long as recorded, a chapter per stop in order, cover art."""
    from mutagen import MutagenError
    from mutagen.mp4 import MP4

    from audioguide.audio.tags import NERO_CHAPTER_LIMIT

    path = folder / guide.full_m4b
    if not _present(site, path, "the whole guide as an M4B audiobook"):
        return
    _full_length(site, path, guide)
    try:
        audio: Any = MP4(path)  # type: ignore[no-untyped-call]
    except (MutagenError, OSError):
        return  # reported by _full_length
    chapters = [(c.title, c.start) for c in (audio.chapters or [])]  # its Nero list
    problem = _chapter_problem(chapters, guide, NERO_CHAPTER_LIMIT)
    if problem:
        site.add(site.rel(path), problem, RENDER_GUIDE)
    if not (audio.tags or {}).get("covr"):
        site.add(site.rel(path), "has no cover art", RENDER_GUIDE)


def check_page(site: SiteCheck, folder: Path, guide: GuideRecord) -> None:
    """The guide's page: every stop is there (``#stop-N``) with a player for its own file."""
    from bs4 import BeautifulSoup

    path = folder / INDEX
    if not _present(site, path, "the guide's page"):
        return
    page = BeautifulSoup(path.read_text("utf-8", errors="replace"), "html.parser")
    for stop in guide.stops:
        article = page.find(id=f"stop-{stop.number}")
        audio = article.find("audio") if article is not None else None
        if audio is None or unquote(str(audio.get("src", ""))) != stop.file:
            site.add(site.rel(path), f"has no player for stop {stop.number} ({stop.file}) at "
                     f"#stop-{stop.number}", RENDER_GUIDE)
    if page.find("a", href=FEED) is None:
        site.add(site.rel(path), f"does not link the guide's {FEED}", RENDER_GUIDE)
