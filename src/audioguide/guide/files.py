"""Audio guides, publishing side: from a guide's record and audio, its M3U8 playlist, a ZIP of
every stop, per-stop transcripts and chapters, a serial feed, and the offline guide page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import logging
import zipfile
from pathlib import Path

from audioguide import __version__
from audioguide.guide.page import build_guide_page, gpx_name, page_language, stop_anchor, stop_name, stop_url
from audioguide.guide.route import gpx
from audioguide.layout import FEED, GUIDE_FOLDER, GUIDE_RECORD, Output, archive_member
from audioguide.models import Chapter, EpisodeRecord, GuideRecord, StopRecord
from audioguide.publish.feed import build_feed, kept_guid, published
from audioguide.publish.locations import Place, add_locations
from audioguide.publish.transcripts import captions, chapters_json
from audioguide.settings import Config
from audioguide.writer import write_bytes, write_text

log = logging.getLogger(__name__)


def _playlist(guide_title: str, stops: list[StopRecord]) -> str:
    lines = ["#EXTM3U", f"#PLAYLIST:{guide_title}"]
    for s in stops:
        lines += [f"#EXTINF:{int(round(s.duration))},{s.heading}", s.file]
    return "\n".join(lines) + "\n"


def _archive(guide_dir: Path, slug: str, files: list[str], date: dt.date) -> bytes:
    """A ZIP of the stop files with fixed timestamps, so an unchanged guide gives the same bytes,
    in a folder named after the guide (:func:`~audioguide.layout.archive_member`)."""
    buf = io.BytesIO()
    stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0)
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for name in files:
            info = zipfile.ZipInfo(archive_member(slug, name), date_time=stamp)
            info.external_attr = 0o644 << 16
            zf.writestr(info, (guide_dir / name).read_bytes())
    return buf.getvalue()


def stop_episode(guide: GuideRecord, stop: StopRecord) -> EpisodeRecord:
    """A stop as a feed item: serial episodes numbered as the stops are (``itunes:episode``
    counts from 1, so an introduction before stop 1 is an unnumbered trailer)."""
    intro = stop.number < 1
    end = "" if guide.title.rstrip()[-1:] in ".!?…" else "."  # "…a good sign?", not "…a good sign?."
    return EpisodeRecord(
        slug=Path(stop.file).stem, title=stop.heading, date=guide.date,
        description=(f"The introduction to {guide.title}{end}" if intro
                     else f"Stop {stop.number} of {guide.title}{end}"),
        number=None if intro else stop.number,
        guid=f"audioguide:{guide.slug}:stop:{stop.number}", kind="introduction" if intro else "stop",
        mp3=stop.file, size=stop.size, duration=stop.duration, integrated_lufs=0.0,
        true_peak_dbtp=0.0, chapters=(Chapter(stop.title, 0.0, round(stop.duration, 3)),),
        cues=stop.cues,
    )


def stop_dates(guide: GuideRecord) -> dict[str, dt.datetime]:
    """Each stop's ``pubDate`` by feed slug: the guide's date, one minute later per stop in the
    order they are played, so apps list a serial show's stops oldest (first) first."""
    ordered = sorted(guide.stops, key=lambda s: s.number)
    return {Path(s.file).stem: published(guide.date, i) for i, s in enumerate(ordered)}


def stop_places(guide: GuideRecord) -> dict[str, Place]:
    """Each located stop's place, by its feed item's guid."""
    return {stop_episode(guide, s).guid: Place(s.title, s.location.lat, s.location.lon, s.location.osm)
            for s in guide.stops if s.location is not None}


def write_route(guide: GuideRecord, guide_dir: Path, base_url: str, language: str) -> None:
    """``<slug>.gpx`` beside a guide with located stops (its waypoints named in ``language``);
    one left from before is removed."""
    name = gpx_name(guide)
    if name is None:
        (guide_dir / Output.guide_names(guide.slug).gpx).unlink(missing_ok=True)
        return
    stops = guide.stops
    write_text(guide_dir / name, gpx(guide, {s.number: stop_name(s, language) for s in stops},
                                     {s.number: stop_url(base_url, guide.slug, s.number) for s in stops},
                                     creator=f"audioguide {__version__}"))


def publish_guide(config: Config, guide: GuideRecord, guide_dir: Path, cover: Path) -> None:
    """The playlist and archive, per-stop transcripts and chapters, the route (GPX), the guide's
    serial feed, and its page, for a guide whose audio is in ``guide_dir``."""
    write_text(guide_dir / guide.playlist, _playlist(guide.title, list(guide.stops)))
    write_bytes(guide_dir / guide.archive,
                _archive(guide_dir, guide.slug, [s.file for s in guide.stops] + [guide.playlist], guide.date))
    base = config.show.base_url
    guide_url = f"{base}guides/{guide.slug}/"
    cover_url = base + cover.name
    items = [stop_episode(guide, s) for s in guide.stops]
    for item in items:
        stem = guide_dir / item.slug
        vtt, srt = captions(item.cues)
        write_text(stem.with_suffix(".vtt"), vtt)
        write_text(stem.with_suffix(".srt"), srt)
        write_text(guide_dir / f"{item.slug}.chapters.json", chapters_json(item, cover_url))
    guid = kept_guid(guide_dir.parent.parent, f"{GUIDE_FOLDER}/{guide.slug}/{FEED}", guide_url + FEED)
    show = dataclasses.replace(config.show, title=guide.title, type="serial",
                               language=guide.language or config.show.language,
                               description=guide.description or guide.title, base_url=guide_url,
                               link=guide_url, guid=guid)
    feed = build_feed(dataclasses.replace(config, show=show), items, cover_url=cover_url,
                      urls={i.slug: guide_url + i.mp3 for i in items}, when=stop_dates(guide),
                      pages={Path(s.file).stem: guide_url + "#" + stop_anchor(s.number)
                             for s in guide.stops})
    write_bytes(guide_dir / FEED, add_locations(feed, stop_places(guide)))
    write_route(guide, guide_dir, base, page_language(config, guide))
    build_guide_page(config, guide, guide_dir, base_url=base, cover=f"../../{cover.name}",
                     versions=versions(guide_dir.parent, guide))


def _records(guides: Path) -> list[GuideRecord]:
    """Every guide record under ``output/guides/`` that can be read."""
    found = []
    for path in sorted(guides.glob(f"*/{GUIDE_RECORD}")):
        try:
            found.append(GuideRecord.from_json(json.loads(path.read_text("utf-8"))))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("%s: not read (%s)", path, exc)
    return found


def versions(guides: Path, guide: GuideRecord) -> list[GuideRecord]:
    """The languages of ``guide``: every guide in ``guides`` (``output/guides/``) with its id,
    ``guide`` itself as given (its record on disk may be older)."""
    found = {r.slug: r for r in _records(guides) if r.group == guide.group}
    found[guide.slug] = guide
    return sorted(found.values(), key=lambda r: r.slug)


def link_languages(config: Config, out_dir: Path, cover: Path, groups: set[str], *, alone: bool = False) -> None:
    """Rebuild the pages of the guides with an id in ``groups`` that are in several languages (and
    with ``alone``, in one: another was taken down), so that each lists all of them and no other
    (a language rendered after another, or up to date while another was added or taken down).
    Unchanged pages are left untouched."""
    guides = Output(out_dir).guides
    records = _records(guides)
    members_of: dict[str, list[GuideRecord]] = {}
    for record in records:
        if record.group in groups:
            members_of.setdefault(record.group, []).append(record)
    for group, members in members_of.items():
        if len(members) < 2 and not alone:
            continue
        stops = {r.language: [s.number for s in r.stops] for r in members}
        if len({tuple(n) for n in stops.values()}) > 1:
            log.warning("guide %r: its languages have different stops (%s); a placard's QR code for a stop a "
                        "listener's language lacks opens that stop in the placard's language", group,
                        ", ".join(f"{lang}: {n[0]} to {n[-1]}" if n else f"{lang}: none" for lang, n in stops.items()))
        for record in members:
            build_guide_page(config, record, Output(out_dir).guide(record.slug), base_url=config.show.base_url,
                             cover=f"../../{cover.name}", versions=members)
