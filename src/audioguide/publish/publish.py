"""Publishing: after the audio, make ``output/`` a complete podcast site.

cover -> per-episode transcripts (WebVTT, SRT) and chapters JSON -> feed.xml -> web pages.
Everything is read from the episode records (``output/episodes/<slug>.json``) and written
through :mod:`audioguide.writer`, so unchanged files keep their timestamps.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import json
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import replace
from email.utils import format_datetime, parsedate_to_datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from audioguide import __version__, faults, stamps
from audioguide.audio import artwork
from audioguide.errors import BuildError
from audioguide.layout import CHAPTERS, FEED, PAGE, RECORD, SRT, VTT, Output, published_guids
from audioguide.models import EpisodeRecord, GuideRecord
from audioguide.publish.records import load_record
from audioguide.schedule import later
from audioguide.settings import Config
from audioguide.writer import write_bytes, write_files, write_text

if TYPE_CHECKING:
    from audioguide.publish.episodes import EpisodeFiles

log = logging.getLogger(__name__)


def cover_path(config: Config, out_dir: Path) -> Path:
    """Write (or copy) the show cover into ``out_dir``; return its path there. A cover of the
    other kind left from before (``cover.png`` after a JPEG took its place) is removed: it would
    be uploaded with the site."""
    out = Output(out_dir)
    if config.show.image:
        source = config.root / config.show.image
        data, ext = artwork.prepare_cover(source)
        dest = out.cover(ext)
        write_bytes(dest, data, durable=True)  # left alone when unchanged
        out.cover_stamp.unlink(missing_ok=True)  # cover.jpg is no longer the generated one
    else:
        dest = out.cover()
        font = artwork.font_for(config.show.title.strip() or "Podcast")  # a font installed since: drawn again
        wanted = {"title": config.show.title, "author": config.show.author, "style": artwork.STYLE,
                  "font": Path(font).name if font else None}
        if not (dest.is_file() and stamps.read(out.cover_stamp) == wanted):
            write_bytes(dest, artwork.generate_cover(config.show.title, config.show.author))
            write_text(out.cover_stamp, json.dumps(wanted))
    for ext in artwork.COVER_EXTENSIONS:
        if out.cover(ext) != dest:
            out.cover(ext).unlink(missing_ok=True)
    return dest


def load_records(out_dir: Path) -> list[EpisodeRecord]:
    """Every rendered episode whose MP3 is present, from its side record."""
    loaded = ((path, load_record(path)) for path in Output(out_dir).episode_records())
    return [record for path, record in loaded if (path.parent / record.mp3).is_file()]


def _changed_files(paths: list[Path], texts: dict[Path, bytes], stale: set[Path], files: EpisodeFiles,
                   episodes: list[EpisodeRecord]) -> Iterator[tuple[str, bytes]]:
    """The files of each episode whose record is ``stale`` (changed since the last publish) or
    whose page is missing, one episode at a time, from the records in ``paths`` (whose bytes are
    ``texts``); appends each record whose MP3 is present to ``episodes``, without its cues (so a
    large show's cues are never all in memory at once). Each record is parsed once."""
    folder = paths[0].parent
    present = {entry.name for entry in os.scandir(folder) if entry.is_file()}
    for path in paths:
        same = path not in stale
        record = load_record(path, cues=not same, text=texts[path])
        mp3_there = record.mp3 in present if os.path.basename(record.mp3) == record.mp3 \
            else (folder / record.mp3).is_file()
        if not mp3_there:
            continue
        if same and not all(f"{record.slug}{suffix}" in present for suffix in EPISODE_FILES):
            record, same = load_record(path, text=texts[path]), False
        if not same:
            yield from files.of(record)
            record = replace(record, cues=())
        episodes.append(record)


EPISODE_FILES = (PAGE, VTT, SRT, CHAPTERS)
"""What publishing writes beside each episode's MP3 (:class:`~audioguide.publish.episodes.EpisodeFiles`)."""


def _files_there(out: Output, records: list[Path]) -> bool:
    """Whether every episode of ``records`` still has each of :data:`EPISODE_FILES` (a deleted
    transcript is written again, as ``check`` says it would be)."""
    if not records:
        return True
    with os.scandir(out.episodes) as entries:
        present = {entry.name for entry in entries}
    return all(record.name[:-len(RECORD)] + suffix in present for record in records for suffix in EPISODE_FILES)


def load_guides(out_dir: Path) -> list[GuideRecord]:
    """Every rendered audio guide, from ``guides/<slug>/guide.json``."""
    guides = []
    for path in Output(out_dir).guide_records():
        try:
            guides.append(GuideRecord.from_json(json.loads(path.read_text("utf-8"))))
        except (ValueError, KeyError, TypeError) as exc:
            raise BuildError(f"{path}: guide record is damaged ({exc})",
                             fix="Delete the guide's folder and run audioguide render --guide again") from exc
    return guides


def _remember_guids(out_dir: Path, records: list[EpisodeRecord]) -> None:
    path = Output(out_dir).guids
    known = published_guids(out_dir)
    for r in records:
        known.setdefault(r.slug, r.guid)
    write_text(path, json.dumps(dict(sorted(known.items())), indent=2) + "\n")


def _digest(data: bytes) -> str:
    return stamps.digest(data, 32)


def _settings_digest(config: Config, cover: Path) -> str:
    """Everything besides the records that the feed and pages depend on."""
    package = resources.files("audioguide")
    parts = [repr(config.show), __version__, cover.name, str(cover.stat().st_size)]
    for folder in ("templates", "static"):
        for item in sorted((package / folder).iterdir(), key=lambda t: t.name):
            parts.append(item.name + _digest(item.read_bytes()))
    return _digest("\n".join(parts).encode())


def publish(config: Config, out_dir: Path) -> None:
    """Write cover, transcripts, chapters, feed and pages for every rendered episode.

    Only what changed is redone: per-episode files when that episode's record changed, and the
    feed and show page when any record or the show's settings changed. Without episodes (only
    guides) there is no podcast feed: none is written, and one left from before is removed.
    """
    out = Output(out_dir)
    cover = cover_path(config, out_dir)
    paths = out.episode_records()
    texts = {p: p.read_bytes() for p in [*paths, *out.guide_records()]}
    keys = {p: str(p.relative_to(out_dir)) for p in texts}
    digests = {keys[p]: _digest(text) for p, text in texts.items()}
    settings = _settings_digest(config, cover)
    state = stamps.read(out.publish_state)
    same_settings = state.get("settings") == settings
    before: dict[str, str] = state.get("records", {}) if same_settings else {}
    scheduled: dict[str, str] = state.get("scheduled", {}) if isinstance(state.get("scheduled"), dict) else {}
    due = [slug for slug, when in scheduled.items() if not later(when)]
    if same_settings and before == digests and out.feed.is_file() == bool(paths) and out.index.is_file() \
            and _files_there(out, paths) and not due:
        log.debug("feed and site are up to date")
        return
    stale = {p for p in paths if before.get(keys[p]) != digests[keys[p]]}
    with _fewer_collections():
        scheduled, feed = _publish(config, out, cover, paths, texts, stale, state.get("feed"))
    write_text(out.publish_state, json.dumps({"settings": settings, "records": digests, "scheduled": scheduled,
                                              "feed": feed}, indent=1) + "\n")
    faults.point("published")


def _when(record: EpisodeRecord) -> str:
    """When ``record`` is to be published: its time, else its day (ISO 8601)."""
    return record.published.isoformat() if record.published else record.date.isoformat()


def _publish(config: Config, out: Output, cover: Path, paths: list[Path], texts: dict[Path, bytes],
             stale: set[Path], feed_before: object) -> tuple[dict[str, str], str | None]:
    """The episodes' files (of the ``stale`` records, and those without a page), the feed and
    the show page; an episode dated later is left out of the feed and the show page until then
    (scheduled). Those scheduled, by slug, with when they are due, and the feed's content digest
    (:func:`_write_feed`; ``feed_before`` is the last one's)."""
    # only now: these import feedgen and Jinja2, which an up-to-date check does not need
    from audioguide.publish.episodes import EpisodeFiles
    from audioguide.publish.feed import build_feed, feed_order, item_dates, kept_guid
    from audioguide.publish.site import Pages, write_show_page

    base = config.show.base_url
    files = EpisodeFiles(config.show, cover=cover.name, cover_url=base + cover.name, feed_url=base + FEED)
    episodes: list[EpisodeRecord] = []  # those whose MP3 is present, without their cues
    if paths:
        write_files(out.episodes, _changed_files(paths, texts, stale, files, episodes))
    scheduled = {r.slug: _when(r) for r in episodes if later(_when(r))}
    for slug, when in scheduled.items():
        log.warning("episode %r is dated %s: it is rendered, and the feed and the site list it from then "
                    "(at the first render or sync after it)", slug, when)
    episodes = [r for r in episodes if r.slug not in scheduled]
    feed_url = base + FEED if episodes else ""  # the pages above are of episodes: there is a feed
    feed = None
    if episodes:
        guid = kept_guid(out.root, FEED, base + FEED, config.show.guid)
        show = dataclasses.replace(config.show, guid=guid)
        feed = _write_feed(out.feed, build_feed(dataclasses.replace(config, show=show), episodes,
                                                cover_url=base + cover.name,
                                                urls={r.slug: f"{base}episodes/{r.mp3}" for r in episodes}),
                           feed_before)
    else:  # no episodes (a project of guides only, or every episode gone): no empty podcast
        out.feed.unlink(missing_ok=True)
    faults.point("feed-written")
    _remember_guids(out.root, episodes)
    newest_first = feed_order(episodes, item_dates(episodes), config.show.type)  # the page shows what the feed says
    write_show_page(Pages(config.show, cover=cover.name, feed_url=feed_url), newest_first,
                    out.root, load_guides(out.root))
    return scheduled, feed


_LAST_BUILD = re.compile(rb"<lastBuildDate>([^<]*)</lastBuildDate>")


def build_time() -> dt.datetime:
    """Now, or the moment ``SOURCE_DATE_EPOCH`` gives (seconds since 1970, the reproducible-builds
    convention for a build's timestamps): the same inputs then give the same bytes, as tests need."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit() else dt.datetime.now(dt.UTC)


def _write_feed(path: Path, feed: bytes, before: object) -> str:
    """Write ``feed`` (from :func:`~audioguide.publish.feed.build_feed`) unless its content is
    the content last written (``before``, the digest returned then); return its digest.

    RSS 2.0's ``lastBuildDate`` is "the last time the content of the channel changed", and apps
    use it to tell whether to read the items again: it was the newest item's ``pubDate``, so an
    episode's new title or description left it as it was. Now a changed feed says the time of
    this render (:func:`build_time`; never before its newest item, the date ``build_feed`` puts
    there), and an unchanged one is not written at all, so it keeps the time of its last change.
    Comparing digests keeps a large show's unchanged publish as fast as before."""
    content = _digest(feed)
    if content == before and path.is_file():
        return content
    if found := _LAST_BUILD.search(feed):
        newest = parsedate_to_datetime(found[1].decode())
        now = format_datetime(max(build_time(), newest)).encode()
        feed = feed[:found.start(1)] + now + feed[found.end(1):]
    write_bytes(path, feed, durable=True)
    return content


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the cycle collector a hundredth as often inside the block. Publishing a large show
    makes hundreds of thousands of small objects (records, views, feed items) and next to no
    reference cycles, and each collection scans every live object: for 5,000 episodes it cost
    0.15 s of 2.9 s of processor time, to free fewer than 50 objects."""
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0] * 100, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
