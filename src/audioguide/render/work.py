"""The sound of an episode or an audio guide: mix the cached sentences, master, encode.

This is the part of a render that can run anywhere the sentence cache can be read: on this
machine, or on a Dask worker (:mod:`audioguide.cluster`). It gets everything it needs as one
job (:class:`EpisodeJob`, :class:`GuideJob`), writes untagged files, and hands back their facts
(:class:`~audioguide.render.assembly.EpisodeAudio`, :class:`GuideAudio`); tags, records and
``output/`` belong to the caller.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from audioguide.audio import master, mix
from audioguide.models import Audio, Chapter, Cue, Utterance
from audioguide.render.assembly import Assembly, EpisodeAudio
from audioguide.settings import aac_bitrate


@dataclass(frozen=True)
class EpisodeJob:
    """What an episode is made of, with the mastering targets."""

    utterances: tuple[Utterance, ...]
    keys: tuple[str, ...]
    """Each utterance's sentence-cache key ("" for a pause)."""
    chapter_titles: tuple[str, ...]
    bed: mix.MusicBed
    loudness: float
    true_peak: float
    bitrate: str
    previous_gains: tuple[float, ...] = ()
    """Each segment's gain in the previous render of this episode (empty for a first render):
    kept when still right, so unchanged segments are reused."""
    first_threshold: float | None = None
    """The compressor threshold of the previous render (kept with its gain)."""
    store: Path | None = None
    """Where encoded segments are kept for the next render (``None``: nowhere)."""
    opus_bitrate: str | None = None
    """Also make the episode's Opus alternate, at this bitrate (``None``: MP3 only)."""

    def assembly(self, audio: Callable[[Utterance], Audio], work: Path) -> Assembly:
        """The episode to make one segment at a time (:mod:`audioguide.render.assembly`);
        ``audio`` gives each sentence's sound (from the sentence cache), ``work`` is a folder
        for its temporary files."""
        if self.store is not None:
            self.store.mkdir(parents=True, exist_ok=True)
        return Assembly(self.utterances, self.keys, self.chapter_titles, self.bed, self.loudness,
                        self.true_peak, self.bitrate, audio, work, self.store,
                        self.previous_gains[0] if self.previous_gains else None, self.first_threshold,
                        opus_bitrate=self.opus_bitrate, previous_gains=self.previous_gains)


def make_episode_audio(job: EpisodeJob, audio: Callable[[Utterance], Audio], dest: Path,
                       opus_dest: Path | None = None) -> EpisodeAudio:
    """Mix, master and encode ``job`` into the untagged MP3 ``dest`` (and Opus ``opus_dest``),
    one segment after the other; ``audio`` gives each sentence's sound (from the sentence cache)."""
    with tempfile.TemporaryDirectory(prefix="audioguide-") as work:
        assembly = job.assembly(audio, Path(work))
        for index in range(len(assembly.plan)):
            assembly.add(index)
        return assembly.finish(dest, opus_dest)


STOP_GAP = 1.5
"""Seconds of silence between stops in the full-length guide."""
FULL_MP3, FULL_M4B = "full.mp3", "full.m4b"


@dataclass(frozen=True)
class GuideJob:
    """An audio guide's stops (each one's title and sentences), mastering targets, M4B tags."""

    stops: tuple[tuple[str, tuple[Utterance, ...]], ...]
    title: str
    artist: str
    loudness: float
    true_peak: float
    bitrate: str


@dataclass(frozen=True)
class StopAudio:
    """One mastered stop: its file in the work folder, length and transcript cues."""

    title: str
    file: str
    duration: float
    cues: tuple[Cue, ...]


@dataclass(frozen=True)
class GuideAudio:
    """A guide's stops, and the whole guide (``full.mp3``, ``full.m4b``) with a chapter per stop."""

    stops: tuple[StopAudio, ...]
    chapters: tuple[Chapter, ...]
    full_duration: float


def make_guide_audio(job: GuideJob, audio: Callable[[Utterance], Audio], folder: Path) -> GuideAudio:
    """Master every stop on its own into ``folder/NN.mp3``, then the whole guide (the stops with
    a gap between them) into ``folder/full.mp3`` and ``folder/full.m4b``. MP3s are untagged."""
    bed = mix.MusicBed.stop_chime()
    stops: list[StopAudio] = []
    chapters: list[Chapter] = []
    position = 0.0
    with tempfile.TemporaryDirectory(prefix="audioguide-") as work_dir:
        work = Path(work_dir)
        full_raw = work / "full.raw"
        with full_raw.open("wb") as full:
            for number, (title, us) in enumerate(job.stops, start=1):
                mixed = mix.mix(list(us), (audio(u) for u in us), bed, [title], work / f"{number}.raw")
                name = f"{number:02d}.mp3"
                master.encode(mixed.path, folder / name, target=job.loudness, ceiling=job.true_peak,
                              bitrate=job.bitrate, mastered=work / "stop.mastered")
                duration = mixed.duration
                stops.append(StopAudio(title, name, duration, mixed.cues))
                chapters.append(Chapter(title, round(position, 3), round(position + duration, 3)))
                if number > 1:
                    full.write(bytes(2 * int(STOP_GAP * mix.RATE)))
                with mixed.path.open("rb") as part:
                    shutil.copyfileobj(part, full)
                mixed.path.unlink()
                position += duration + STOP_GAP
        full_duration = full_raw.stat().st_size / 2 / mix.RATE
        chapters[-1] = replace(chapters[-1], end=round(full_duration, 3))
        mastered = master.encode(full_raw, folder / FULL_MP3, target=job.loudness,
                                 ceiling=job.true_peak, bitrate=job.bitrate,
                                 mastered=work / "full.mastered")
        master.encode_m4b(mastered.pcm, folder / FULL_M4B, title=job.title, artist=job.artist,
                          album=job.title, chapters=tuple(chapters),
                          bitrate=aac_bitrate(job.bitrate), ceiling=job.true_peak)
    return GuideAudio(tuple(stops), tuple(chapters), full_duration)
