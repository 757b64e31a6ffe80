"""Publishing: after the audio, make ``output/`` a complete podcast site.

cover -> per-episode transcripts (WebVTT, SRT) and chapters JSON -> feed.xml -> web pages.
Everything is read from the episode records (``output/episodes/<slug>.json``) and written
through :mod:`audioguide.writer`, so unchanged files keep their timestamps.
"""

from __future__ import annotations

import json
import logging
from importlib import resources
from pathlib import Path

from audioguide import __version__, faults, stamps
from audioguide.errors import BuildError
from audioguide.layout import FEED, PAGE, RECORD, Output
from audioguide.models import EpisodeRecord, GuideRecord
from audioguide.publish import artwork
from audioguide.publish.feed import build_feed
from audioguide.publish.site import build_site
from audioguide.publish.transcripts import chapters_json, srt, webvtt
from audioguide.settings import Config
from audioguide.writer import write_bytes, write_text

log = logging.getLogger(__name__)


def cover_path(config: Config, out_dir: Path) -> Path:
    """Write (or copy) the show cover into ``out_dir``; return its path there."""
    if config.show.image:
        source = config.root / config.show.image
        data, ext = artwork.prepare_cover(source)
        dest = Output(out_dir).cover(ext)
        write_bytes(dest, data, durable=True)  # left alone when unchanged
        return dest
    dest = Output(out_dir).cover()
    stamp = Output(out_dir).cover_stamp
    wanted = {"title": config.show.title, "author": config.show.author, "style": artwork.STYLE}
    if not (dest.is_file() and stamps.read(stamp) == wanted):
        write_bytes(dest, artwork.generate_cover(config.show.title, config.show.author))
        write_text(stamp, json.dumps(wanted))
    return dest


def load_records(out_dir: Path) -> list[EpisodeRecord]:
    """Every rendered episode whose MP3 is present, from its side record."""
    records = []
    for path in Output(out_dir).episode_records():
        try:
            record = EpisodeRecord.from_json(json.loads(path.read_text("utf-8")))
        except (ValueError, KeyError, TypeError) as exc:
            raise BuildError(f"{path}: episode record is damaged ({exc})",
                             fix="Delete it and run audioguide render again") from exc
        if (path.parent / record.mp3).is_file():
            records.append(record)
    return records


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
    known: dict[str, str] = json.loads(path.read_text()) if path.is_file() else {}
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
    base = config.show.base_url
    cover = cover_path(config, out_dir)
    cover_url = base + cover.name
    digests = {str(p.relative_to(out_dir)): _digest(p.read_bytes())
               for p in [*out.episode_records(), *out.guide_records()]}
    settings = _settings_digest(config, cover)
    state_path = out.publish_state
    state = stamps.read(state_path)
    same_settings = state.get("settings") == settings
    episodes = bool(out.episode_records())
    if (same_settings and state.get("records") == digests and out.feed.is_file() == episodes
            and out.index.is_file()):
        log.debug("feed and site are up to date")
        return
    records = load_records(out_dir)
    def record_key(slug: str) -> str:
        return str(out.episode(slug, RECORD).relative_to(out_dir))

    changed = {r.slug for r in records
               if not same_settings or state.get("records", {}).get(record_key(r.slug))
               != digests.get(record_key(r.slug)) or not out.episode(r.slug, PAGE).is_file()}
    urls = {r.slug: f"{base}episodes/{r.mp3}" for r in records}
    for r in records:
        if r.slug not in changed:
            continue
        write_text(out.episode(r.slug, ".vtt"), webvtt(r.cues))
        write_text(out.episode(r.slug, ".srt"), srt(r.cues))
        write_text(out.episode(r.slug, ".chapters.json"), chapters_json(r, cover_url))
    if records:
        write_bytes(out.feed, build_feed(config, records, cover_url=cover_url, urls=urls),
                    durable=True)
    else:  # no episodes (a project of guides only, or every episode gone): no empty podcast
        out.feed.unlink(missing_ok=True)
    faults.point("feed-written")
    _remember_guids(out_dir, records)

    newest_first = sorted(records, key=lambda r: (r.date, r.number or 0, r.slug),
                          reverse=config.show.type == "episodic")
    build_site(config, newest_first, out_dir, cover=cover.name,
               feed_url=base + FEED if records else "",
               guides=load_guides(out_dir), pages_for=changed)
    write_text(state_path, json.dumps({"settings": settings, "records": digests}, indent=1) + "\n")
    faults.point("published")
