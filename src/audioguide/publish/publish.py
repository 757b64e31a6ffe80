"""Publishing: after the audio, make ``output/`` a complete podcast site.

cover -> per-episode transcripts (WebVTT, SRT) and chapters JSON -> feed.xml -> web pages.
Everything is read from the episode records (``output/episodes/<slug>.json``) and written
through :mod:`audioguide.writer`, so unchanged files keep their timestamps.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from importlib import resources
from pathlib import Path

from audioguide import __version__
from audioguide.errors import BuildError
from audioguide.models import Cue, EpisodeRecord, GuideRecord
from audioguide.publish import artwork
from audioguide.publish.feed import build_feed, timestamp
from audioguide.settings import Config
from audioguide.writer import atomic_path, write_bytes, write_text

log = logging.getLogger(__name__)

GUIDS = ".audioguide-guids.json"
"""Slug -> guid of everything ever published from this output folder (for ``check``)."""


def cover_path(config: Config, out_dir: Path) -> Path:
    """Write (or copy) the show cover into ``out_dir``; return its path there."""
    if config.show.image:
        source = config.root / config.show.image
        ext = artwork.check_cover(source)
        dest = out_dir / f"cover.{ext}"
        if not dest.is_file() or dest.read_bytes() != source.read_bytes():
            with atomic_path(dest) as tmp:
                shutil.copyfile(source, tmp)
        return dest
    dest = out_dir / "cover.jpg"
    stamp = out_dir / ".cover-source.json"
    wanted = json.dumps({"title": config.show.title, "author": config.show.author,
                         "style": artwork.STYLE})
    if not (dest.is_file() and stamp.is_file() and stamp.read_text() == wanted):
        write_bytes(dest, artwork.generate_cover(config.show.title, config.show.author))
        write_text(stamp, wanted)
    return dest


def load_records(out_dir: Path) -> list[EpisodeRecord]:
    """Every rendered episode whose MP3 is present, from its side record."""
    records = []
    for path in sorted((out_dir / "episodes").glob("*.json")):
        if path.name.endswith(".chapters.json"):
            continue
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
    for path in sorted((out_dir / "guides").glob("*/guide.json")):
        try:
            guides.append(GuideRecord.from_json(json.loads(path.read_text("utf-8"))))
        except (ValueError, KeyError, TypeError) as exc:
            raise BuildError(f"{path}: guide record is damaged ({exc})",
                             fix="Delete the guide's folder and run audioguide render --guide again") from exc
    return guides


def webvtt(cues: tuple[Cue, ...]) -> str:
    """WebVTT captions, one cue per sentence."""
    blocks = [f"{i}\n{timestamp(c.start)} --> {timestamp(c.end)}\n{c.text}"
              for i, c in enumerate(cues, start=1)]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"


def srt(cues: tuple[Cue, ...]) -> str:
    """SubRip captions, one cue per sentence."""
    blocks = [f"{i}\n{timestamp(c.start, ',')} --> {timestamp(c.end, ',')}\n{c.text}"
              for i, c in enumerate(cues, start=1)]
    return "\n\n".join(blocks) + "\n"


def chapters_json(record: EpisodeRecord, cover_url: str) -> str:
    """Podcasting 2.0 JSON chapters."""
    data = {
        "version": "1.2.0",
        "title": record.title,
        "chapters": [{"startTime": round(c.start, 3), "endTime": round(c.end, 3), "title": c.title,
                      "img": cover_url} for c in record.chapters],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def _remember_guids(out_dir: Path, records: list[EpisodeRecord]) -> None:
    path = out_dir / GUIDS
    known: dict[str, str] = json.loads(path.read_text()) if path.is_file() else {}
    for r in records:
        known.setdefault(r.slug, r.guid)
    write_text(path, json.dumps(dict(sorted(known.items())), indent=2) + "\n")


STATE = ".publish-state.json"
"""What the last publish was made from: a digest of the settings and of each record."""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


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
    feed and show page when any record or the show's settings changed.
    """
    base = config.show.base_url
    cover = cover_path(config, out_dir)
    cover_url = base + cover.name
    record_files = sorted(p for p in (out_dir / "episodes").glob("*.json")
                          if not p.name.endswith(".chapters.json"))
    guide_files = sorted((out_dir / "guides").glob("*/guide.json"))
    digests = {str(p.relative_to(out_dir)): _digest(p.read_bytes()) for p in [*record_files, *guide_files]}
    settings = _settings_digest(config, cover)
    state_path = out_dir / STATE
    try:
        state = json.loads(state_path.read_text())
    except (OSError, ValueError):
        state = {}
    same_settings = state.get("settings") == settings
    if same_settings and state.get("records") == digests and (out_dir / "feed.xml").is_file() \
            and (out_dir / "index.html").is_file():
        log.debug("feed and site are up to date")
        return
    records = load_records(out_dir)
    changed = {r.slug for r in records
               if not same_settings or state.get("records", {}).get(f"episodes/{r.slug}.json")
               != digests.get(f"episodes/{r.slug}.json")
               or not (out_dir / "episodes" / f"{r.slug}.html").is_file()}
    urls = {r.slug: f"{base}episodes/{r.mp3}" for r in records}
    for r in records:
        if r.slug not in changed:
            continue
        stem = out_dir / "episodes" / r.slug
        write_text(stem.with_suffix(".vtt"), webvtt(r.cues))
        write_text(stem.with_suffix(".srt"), srt(r.cues))
        write_text(stem.parent / f"{r.slug}.chapters.json", chapters_json(r, cover_url))
    write_bytes(out_dir / "feed.xml", build_feed(config, records, cover_url=cover_url, urls=urls),
                durable=True)
    _remember_guids(out_dir, records)
    from audioguide.publish.site import build_site

    newest_first = sorted(records, key=lambda r: (r.date, r.number or 0, r.slug),
                          reverse=config.show.type == "episodic")
    build_site(config, newest_first, out_dir, cover=cover.name, feed_url=base + "feed.xml",
               guides=load_guides(out_dir), pages_for=changed)
    write_text(state_path, json.dumps({"settings": settings, "records": digests}, indent=1) + "\n")
