"""Audio guides: one episode script rendered as a numbered tour, one track per section ("stop").

(sentences spoken once, into the cache) -> per stop: chime + "Stop N. Title." + text, mastered and tagged
-> the whole guide as one MP3 and one M4B with a chapter per stop -> M3U8 playlist, ZIP,
per-stop transcripts, a serial feed, ``guide.json`` and the guide page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import logging
import shutil
import tempfile
import zipfile
from pathlib import Path

from audioguide.audio.tags import Tags, write_tags
from audioguide.errors import InputError
from audioguide.ingest.script import slugify
from audioguide.models import (
    Chapter,
    EpisodeRecord,
    GuideRecord,
    Script,
    Section,
    StopRecord,
    Utterance,
)
from audioguide.publish import publish
from audioguide.render import work as produce
from audioguide.settings import Config
from audioguide.speech.synth import Synthesizer
from audioguide.writer import atomic_path, inside, write_bytes, write_text

log = logging.getLogger(__name__)

def announce(index: int, section: Section) -> str:
    """What opens a stop: its number and title."""
    return f"Stop {index + 1}. {section.chapter_title}."


def _stops(script: Script, utterances: list[Utterance]) -> list[tuple[str, list[Utterance]]]:
    """Utterances grouped by section; sections with nothing to say are skipped."""
    groups = []
    for index, section in enumerate(script.sections):
        picked = [k for k, u in enumerate(utterances) if u.section == index and u.text]
        if not picked:
            continue
        first, last = picked[0], picked[-1]
        us = [dataclasses.replace(u, section=0) for u in utterances[first:last + 1]]
        us[-1] = dataclasses.replace(us[-1], pause_after=0.6)
        groups.append((section.chapter_title, us))
    return groups


def _playlist(guide_title: str, stops: list[StopRecord]) -> str:
    lines = ["#EXTM3U", f"#PLAYLIST:{guide_title}"]
    for s in stops:
        lines += [f"#EXTINF:{int(round(s.duration))},{s.number}. {s.title}", s.file]
    return "\n".join(lines) + "\n"


def _archive(guide_dir: Path, files: list[str], date: dt.date) -> bytes:
    """A ZIP of the stop files with fixed timestamps, so an unchanged guide gives the same bytes."""
    buf = io.BytesIO()
    stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0)
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for name in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            zf.writestr(info, (guide_dir / name).read_bytes())
    return buf.getvalue()


def media_files(folder: Path, data: dict[str, object]) -> list[Path]:
    """Every audio file a ``guide.json`` names."""
    stops = data.get("stops", [])
    names = [str(s["file"]) for s in stops] if isinstance(stops, list) else []
    return [folder / n for n in [*names, str(data.get("full_mp3")), str(data.get("full_m4b"))]]


def load_record(folder: Path) -> GuideRecord:
    return GuideRecord.from_json(json.loads((folder / "guide.json").read_text("utf-8")))


def guide_job(config: Config, script: Script, utterances: list[Utterance]) -> produce.GuideJob:
    """The stops to master, from ``utterances`` (the script planned with :func:`announce`)."""
    groups = _stops(script, utterances)
    if not groups:
        raise InputError("the script has no stops to speak", path=script.path)
    a = config.audio
    return produce.GuideJob(tuple((title, tuple(us)) for title, us in groups), script.meta.title,
                            config.show.author, a.loudness, a.true_peak, a.bitrate)


def render_guide(config: Config, script: Script, utterances: list[Utterance], synth: Synthesizer, *,
                 out_dir: Path, cover: Path | None, key: str = "") -> GuideRecord:
    """Render ``script`` as an audio guide into ``out_dir/guides/<slug>/`` from its sentences,
    which ``synth.prepare`` has put into the cache.

    ``utterances`` is the script planned with :func:`announce` as its headings.
    """
    job = guide_job(config, script, utterances)
    with tempfile.TemporaryDirectory(prefix="audioguide-") as work:
        made = produce.make_guide_audio(job, synth.audio, Path(work))
        return write_guide(config, script, made, Path(work), out_dir=out_dir, cover=cover, key=key)


def write_guide(config: Config, script: Script, made: produce.GuideAudio, work: Path, *,
                out_dir: Path, cover: Path | None, key: str) -> GuideRecord:
    """Tag the guide's audio from ``work`` and move it into ``out_dir/guides/<slug>/``; write the
    playlist, the archive, the transcripts, the feed, the page and ``guide.json``."""
    meta = script.meta
    language = meta.language or config.show.language
    guide_dir = inside(out_dir, "guides", meta.slug)
    stops: list[StopRecord] = []
    for number, stop in enumerate(made.stops, start=1):
        name = f"{number:02d}-{slugify(stop.title, limit=40)}.mp3"
        dest = guide_dir / name
        with atomic_path(dest) as tmp:
            shutil.copyfile(work / stop.file, tmp)
            write_tags(tmp, Tags(title=f"{number}. {stop.title}", artist=config.show.author,
                                 album=meta.title, date=meta.date, track=number,
                                 track_total=len(made.stops), description=meta.description,
                                 language=language, cover=cover), ())
        stops.append(StopRecord(number, stop.title, name, dest.stat().st_size, stop.duration, stop.cues))
    full_mp3, full_m4b = f"{meta.slug}.mp3", f"{meta.slug}.m4b"
    with atomic_path(guide_dir / full_mp3) as tmp:
        shutil.copyfile(work / produce.FULL_MP3, tmp)
        write_tags(tmp, Tags(title=meta.title, artist=config.show.author, album=meta.title,
                             date=meta.date, description=meta.description, language=language,
                             cover=cover, genre="Audiobook"), made.chapters)
    with atomic_path(guide_dir / full_m4b) as tmp:
        shutil.copyfile(work / produce.FULL_M4B, tmp)
    playlist, archive = f"{meta.slug}.m3u8", f"{meta.slug}.zip"
    write_text(guide_dir / playlist, _playlist(meta.title, stops))
    write_bytes(guide_dir / archive, _archive(guide_dir, [s.file for s in stops] + [playlist], meta.date))
    record = GuideRecord(slug=meta.slug, title=meta.title, description=meta.description,
                         language=language, date=meta.date, stops=tuple(stops), full_mp3=full_mp3,
                         full_m4b=full_m4b, full_duration=made.full_duration, chapters=made.chapters,
                         playlist=playlist, archive=archive)
    publish_guide(config, record, guide_dir, cover or publish.cover_path(config, out_dir))
    write_text(guide_dir / "guide.json", json.dumps({**record.to_json(), "build_key": key}, indent=2) + "\n")
    return record


def stop_episode(guide: GuideRecord, stop: StopRecord) -> EpisodeRecord:
    """A stop as a feed item: serial episodes in stop order."""
    return EpisodeRecord(
        slug=Path(stop.file).stem, title=f"{stop.number}. {stop.title}", date=guide.date,
        description=f"Stop {stop.number} of {guide.title}.", number=stop.number,
        guid=f"audioguide:{guide.slug}:stop:{stop.number}", kind="stop", mp3=stop.file,
        size=stop.size, duration=stop.duration, integrated_lufs=0.0, true_peak_dbtp=0.0,
        chapters=(Chapter(stop.title, 0.0, round(stop.duration, 3)),), cues=stop.cues,
    )


def publish_guide(config: Config, guide: GuideRecord, guide_dir: Path, cover: Path) -> None:
    """Per-stop transcripts and chapters, the guide's serial feed, and its page."""
    from audioguide.publish.feed import build_feed

    base = config.show.base_url
    guide_url = f"{base}guides/{guide.slug}/"
    cover_url = base + cover.name
    items = [stop_episode(guide, s) for s in guide.stops]
    for item in items:
        stem = guide_dir / item.slug
        write_text(stem.with_suffix(".vtt"), publish.webvtt(item.cues))
        write_text(stem.with_suffix(".srt"), publish.srt(item.cues))
        write_text(guide_dir / f"{item.slug}.chapters.json", publish.chapters_json(item, cover_url))
    show = dataclasses.replace(config.show, title=guide.title, type="serial",
                               description=guide.description or guide.title, base_url=guide_url,
                               link=guide_url)
    feed = build_feed(dataclasses.replace(config, show=show), items, cover_url=cover_url,
                      urls={i.slug: guide_url + i.mp3 for i in items})
    write_bytes(guide_dir / "feed.xml", feed)
    try:
        from audioguide.guide.page import build_guide_page
    except ImportError:  # pragma: no cover - ships with the package
        log.warning("guide page not built: audioguide.guide.page is missing")
        return
    build_guide_page(config, guide, guide_dir, base_url=base, cover=f"../../{cover.name}")
