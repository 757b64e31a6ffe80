"""Mixing with pydub: speech, pauses, intro music ducking under the first words, outro.

Input: the utterances and the audio the engine made for each. Output: one mono 44.1 kHz
``AudioSegment`` plus the chapter and sentence (cue) times measured on that very timeline.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import soxr

from . import ffmpeg, music
from .errors import InputError
from .models import Audio, Chapter, Cue, Utterance

log = logging.getLogger(__name__)

RATE = 44100
MUSIC_LEAD = 2.4
"""Seconds of music alone before the first word."""
DUCK_DB = -16.0
"""Music gain under speech, relative to its level alone."""
DUCK_RAMP = 0.6
"""Seconds over which the music dips as the voice comes in."""
CHAPTER_PREROLL = 0.2
"""Chapters start this long before their first word, so a seek does not clip it."""
MAX_USER_MUSIC = 20.0


@dataclass(frozen=True)
class MusicBed:
    """Intro and outro music as mono 16-bit PCM at 44.1 kHz (empty bytes for none)."""

    intro: bytes
    outro: bytes
    lead: float = MUSIC_LEAD
    """Seconds of intro music alone before the first word."""

    @classmethod
    def generated(cls) -> MusicBed:
        return cls(music.intro_sting(), music.outro_sting())

    @classmethod
    def stop_chime(cls) -> MusicBed:
        """The short sting that opens each stop of an audio guide."""
        return cls(music.stop_chime(), b"", lead=1.3)

    @classmethod
    def none(cls) -> MusicBed:
        return cls(b"", b"")

    @classmethod
    def from_file(cls, path: Path) -> MusicBed:
        """A user's music file (any format ffmpeg reads), cut to 20 s and faded, for both ends."""
        if not path.is_file():
            raise InputError("intro music file does not exist", path=path,
                             fix="Fix audio.music in audioguide.toml, or leave it empty for the generated sting")
        pcm = ffmpeg.run(["-i", str(path), "-t", str(MAX_USER_MUSIC), "-f", "s16le", "-ac", "1",
                          "-ar", str(RATE), "pipe:1"], what=f"reading music {path}")
        if not pcm:
            raise InputError("intro music file has no audio", path=path,
                             fix="Use an MP3, WAV, FLAC or OGG file with sound in it")
        seg = _segment(pcm).fade_out(min(1500, len(_segment(pcm)) // 3))
        return cls(seg.raw_data, seg[-min(len(seg), 4000):].fade_in(300).raw_data)


@dataclass(frozen=True)
class Mix:
    """The mixed episode, not yet loudness-normalised or encoded."""

    audio: Any
    """pydub ``AudioSegment``: mono, 16-bit, 44.1 kHz."""
    chapters: tuple[Chapter, ...]
    cues: tuple[Cue, ...]

    @property
    def duration(self) -> float:
        return len(self.audio.raw_data) / 2 / RATE


def _segment(pcm: bytes) -> Any:
    AudioSegment = ffmpeg.audio_segment_class()
    return AudioSegment(data=pcm, sample_width=2, frame_rate=RATE, channels=1)


def to_rate(audio: Audio) -> bytes:
    """Engine audio resampled to 44.1 kHz (high-quality soxr) as 16-bit PCM."""
    samples = np.frombuffer(audio.pcm, dtype="<i2")
    if audio.sample_rate == RATE or samples.size == 0:
        return samples.tobytes()
    return np.asarray(soxr.resample(samples, audio.sample_rate, RATE, quality="HQ"), dtype="<i2").tobytes()


def audible_span(pcm: bytes, threshold: float = 0.02) -> tuple[int, int]:
    """First and last sample (end exclusive) louder than ``threshold`` of full scale: engines
    pad sentences with silence, and transcript cues should start when the words are heard."""
    samples = np.abs(np.frombuffer(pcm, dtype="<i2").astype(np.int32))
    loud = np.flatnonzero(samples > threshold * 32768)
    if loud.size == 0:
        return 0, len(samples)
    return int(loud[0]), int(loud[-1]) + 1


def _ducked(intro: bytes, speech_at: float) -> Any:
    """The intro music at full level until the voice comes in, then dipped under it."""
    seg = _segment(intro)
    start = max(0, int((speech_at - DUCK_RAMP / 2) * 1000))
    end = min(len(seg), start + int(DUCK_RAMP * 1000))
    if start >= len(seg):
        return seg
    ramp = seg[start:end].fade(to_gain=DUCK_DB, start=0, end=len(seg[start:end]))
    return seg[:start] + ramp + seg[end:].apply_gain(DUCK_DB)


def mix(utterances: list[Utterance], audios: Iterable[Audio], bed: MusicBed,
        chapter_titles: list[str]) -> Mix:
    """Lay the sentences out on one timeline with their pauses, and the music around them."""
    lead = bed.lead if bed.intro else 0.5
    parts: list[bytes] = []
    pos = 0  # samples from the start of the speech track
    cues: list[Cue] = []
    section_starts: dict[int, float] = {}
    for utterance, audio in zip(utterances, audios, strict=True):
        pcm = to_rate(audio)
        n = len(pcm) // 2
        if utterance.text:
            first, last = audible_span(pcm)
            start = lead + (pos + first) / RATE
            section_starts.setdefault(utterance.section, start)
            cues.append(Cue(utterance.caption, start, lead + (pos + last) / RATE, utterance.text))
        parts.append(pcm)
        pause = int(round(utterance.pause_after * RATE))
        parts.append(bytes(2 * pause))
        pos += n + pause
    if not cues:
        raise InputError("the script has nothing to say", fix="Add some text under its headings")
    speech = _segment(b"".join(parts))
    speech_end = lead + (pos / RATE)
    outro_at = cues[-1].end + 0.6 if bed.outro else speech_end
    outro = _segment(bed.outro) if bed.outro else None
    total = max(speech_end, outro_at + (len(outro) / 1000 if outro else 0)) + 0.5
    AudioSegment = ffmpeg.audio_segment_class()
    out = AudioSegment.silent(duration=int(total * 1000) + 1, frame_rate=RATE).set_sample_width(2)
    if bed.intro:
        out = out.overlay(_ducked(bed.intro, lead), position=0)
    out = out.overlay(speech, position=int(round(lead * 1000)))
    if outro is not None:
        out = out.overlay(outro, position=int(round(outro_at * 1000)))
    duration = len(out.raw_data) / 2 / RATE
    starts = sorted(section_starts.items())
    chapters = []
    for i, (section, start) in enumerate(starts):
        begin = 0.0 if i == 0 else max(0.0, start - CHAPTER_PREROLL)
        end = max(0.0, starts[i + 1][1] - CHAPTER_PREROLL) if i + 1 < len(starts) else duration
        chapters.append(Chapter(chapter_titles[section], round(begin, 3), round(end, 3)))
    return Mix(out, tuple(chapters), tuple(cues))
