"""One episode's sound: mix the cached sentences with the music, master, encode to MP3.

This is the part of a render that can run anywhere the sentence cache can be read: on this
machine, or on a Dask worker (:mod:`audioguide.cluster`). It gets everything it needs as one
:class:`EpisodeJob` and hands back an :class:`EpisodeAudio`; tags and records are written by
the caller, which owns ``output/``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import master, mix
from .models import Audio, Chapter, Cue, Loudness, Utterance


@dataclass(frozen=True)
class EpisodeJob:
    """What an episode is made of, with the mastering targets."""

    utterances: tuple[Utterance, ...]
    chapter_titles: tuple[str, ...]
    bed: mix.MusicBed
    loudness: float
    true_peak: float
    bitrate: str
    first_gain: float | None = None
    """Gain and aim from the previous render of this episode: a good first guess."""
    first_aim: float | None = None


@dataclass(frozen=True)
class EpisodeAudio:
    """The encoded episode's facts: timeline, loudness and how it was mastered."""

    duration: float
    chapters: tuple[Chapter, ...]
    cues: tuple[Cue, ...]
    loudness: Loudness
    gain: float
    aim: float


def make_episode_audio(job: EpisodeJob, audio: Callable[[Utterance], Audio], dest: Path) -> EpisodeAudio:
    """Mix, master and encode ``job`` into the untagged MP3 ``dest``; ``audio`` gives each
    sentence's sound (from the sentence cache)."""
    with tempfile.TemporaryDirectory(prefix="audioguide-") as work:
        mixed = mix.mix(list(job.utterances), (audio(u) for u in job.utterances), job.bed,
                        list(job.chapter_titles), Path(work) / "mix.raw")
        duration = mixed.duration
        mastered = master.encode(mixed.path, dest, target=job.loudness, ceiling=job.true_peak,
                                 bitrate=job.bitrate, first_gain=job.first_gain,
                                 first_aim=job.first_aim)
    return EpisodeAudio(duration, mixed.chapters, mixed.cues, mastered.loudness, mastered.gain,
                        mastered.aim)
