"""Mixing with pydub: speech, pauses, intro music ducking under the first words, outro.

Input: the utterances and the audio the engine made for each. Output: one mono 44.1 kHz
``AudioSegment`` plus the chapter and sentence (cue) times measured on that very timeline.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from audioguide import ffmpeg
from audioguide.errors import InputError
from audioguide.models import Audio, Chapter, Cue, Utterance
from audioguide.writer import atomic_path

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
CHIME_LEAD = 1.3
"""Seconds of a guide stop's chime alone before its first word."""


@dataclass(frozen=True)
class MusicBed:
    """Intro and outro music as mono 16-bit PCM at 44.1 kHz (empty bytes for none)."""

    intro: bytes
    outro: bytes
    lead: float = MUSIC_LEAD
    """Seconds of intro music alone before the first word."""

    @classmethod
    def generated(cls, cache: Path | None = None) -> MusicBed:
        """The generated intro and outro; composed once (0.3 s) and kept in ``cache`` when
        given, keyed by the composing code, so a quick edit does not compose them again."""
        import numpy as np

        from audioguide.audio import music

        if cache is None:
            return cls(music.intro_sting(), music.outro_sting())
        key = hashlib.blake2b(Path(music.__file__).read_bytes() + np.__version__.encode(),
                              digest_size=8).hexdigest()
        intro, outro = cache / f"intro-{key}.pcm", cache / f"outro-{key}.pcm"
        try:
            return cls(intro.read_bytes(), outro.read_bytes())
        except OSError:
            bed = cls(music.intro_sting(), music.outro_sting())
        cache.mkdir(parents=True, exist_ok=True)
        for path, pcm in ((intro, bed.intro), (outro, bed.outro)):
            with atomic_path(path, beside=True) as tmp:
                tmp.write_bytes(pcm)
        return bed

    @classmethod
    def stop_chime(cls) -> MusicBed:
        """The short sting that opens each stop of an audio guide."""
        from audioguide.audio import music

        return cls(music.stop_chime(), b"", lead=CHIME_LEAD)

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

    path: Path
    """Raw PCM on disk: mono, signed 16-bit little-endian, 44.1 kHz."""
    chapters: tuple[Chapter, ...]
    cues: tuple[Cue, ...]

    @property
    def duration(self) -> float:
        return self.path.stat().st_size / 2 / RATE


def _segment(pcm: bytes) -> Any:
    AudioSegment = ffmpeg.audio_segment_class()
    return AudioSegment(data=pcm, sample_width=2, frame_rate=RATE, channels=1)


def to_rate(audio: Audio) -> bytes:
    """Engine audio resampled to 44.1 kHz (high-quality soxr) as 16-bit PCM."""
    import numpy as np
    import soxr

    samples = np.frombuffer(audio.pcm, dtype="<i2")
    if audio.sample_rate == RATE or samples.size == 0:
        return samples.tobytes()
    return np.asarray(soxr.resample(samples, audio.sample_rate, RATE, quality="HQ"), dtype="<i2").tobytes()


def audible_span(pcm: bytes, threshold: float = 0.02) -> tuple[int, int]:
    """First and last sample (end exclusive) louder than ``threshold`` of full scale: engines
    pad sentences with silence, and transcript cues should start when the words are heard."""
    import numpy as np

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


@dataclass(frozen=True)
class Part:
    """One segment of a timeline: what it holds, in seconds from the start of the whole
    timeline."""

    samples: int
    offset: int
    """Samples before it in the whole timeline."""
    cues: tuple[Cue, ...]
    section_starts: tuple[tuple[int, float], ...]
    """(section, time of its first word) for the sections that start in it."""


class Timeline:
    """Lays the sentences out with their pauses, the music around them, one segment at a time.

    Each segment is streamed into its own stream (a file, or a buffer in memory) as it is made:
    only the opening seconds (where the intro music is overlaid with pydub) and the closing
    seconds (the outro) are held besides, so memory does not grow with the episode's length. A
    segment that is not the last is filled with silence to ``align`` samples (a whole number of
    MP3 frames), so it can be encoded on its own and joined without a gap.
    """

    def __init__(self, bed: MusicBed, *, align: int = 1) -> None:
        self.bed = bed
        self.align = align
        self.lead = bed.lead if bed.intro else 0.5
        self._intro = _ducked(bed.intro, self.lead) if bed.intro else None
        self._head_samples = int(len(bed.intro) // 2) if bed.intro else 0
        self.pos = int(round(self.lead * RATE))
        """Samples laid out so far."""
        self._head: list[bytes] | None = [bytes(2 * self.pos)]
        self.cues: list[Cue] = []
        self.section_starts: dict[int, float] = {}

    def skip(self, samples: int, cues: tuple[Cue, ...], section_starts: tuple[tuple[int, float], ...]) -> None:
        """Account for a segment made earlier (its file is not needed): ``cues`` and
        ``section_starts`` are relative to its start."""
        if self._head is not None:  # a kept opening segment holds the lead-in and the intro
            self._head = None
            self.pos = 0
        self._place(cues, section_starts, self.pos / RATE)
        self.pos += samples

    def segment(self, utterances: list[Utterance], audios: Iterable[Audio], out: BinaryIO, *,
                last: bool) -> Part:
        """Lay out ``utterances`` into the binary stream ``out``; the last segment gets the outro."""
        offset = self.pos - (sum(len(b) for b in self._head) // 2 if self._head is not None else 0)
        first_cue = len(self.cues)
        sections_before = set(self.section_starts)
        speech_end = self.pos
        for utterance, audio in zip(utterances, audios, strict=True):
            pcm = to_rate(audio)
            if utterance.text:
                first, final = audible_span(pcm)
                start = (self.pos + first) / RATE
                self.section_starts.setdefault(utterance.section, start)
                self.cues.append(Cue(utterance.caption, start, (self.pos + final) / RATE, utterance.text))
            self._emit(out, pcm)
            self.pos += len(pcm) // 2
            speech_end = self.pos
            pause = int(round(utterance.pause_after * RATE))
            if pause:
                self._emit(out, bytes(2 * pause))
            self.pos += pause
        if self._head is not None and (not last or self.cues):
            self._flush_head(out)
        if last:
            if not self.cues:
                raise InputError("the script has nothing to say", fix="Add some text under its headings")
            self._outro(out, offset, speech_end)
        else:
            fill = -(self.pos - offset) % self.align
            out.write(bytes(2 * fill))
            self.pos += fill
        at = offset / RATE
        cues = tuple(Cue(c.text, c.start - at, c.end - at, c.spoken) for c in self.cues[first_cue:])
        starts = tuple((k, v - at) for k, v in self.section_starts.items() if k not in sections_before)
        # the whole timeline's times as a later render that reuses this segment computes them
        # (its times relative to the segment, plus where it starts), so both give the same bytes
        del self.cues[first_cue:]
        for k, _ in starts:
            del self.section_starts[k]
        self._place(cues, starts, at)
        return Part(self.pos - offset, offset, cues, starts)

    def _place(self, cues: tuple[Cue, ...], starts: tuple[tuple[int, float], ...], at: float) -> None:
        self.cues += [Cue(c.text, c.start + at, c.end + at, c.spoken) for c in cues]
        for section, start in starts:
            self.section_starts.setdefault(section, start + at)

    def _emit(self, out: Any, pcm: bytes) -> None:
        if self._head is None:
            out.write(pcm)
            return
        self._head.append(pcm)
        if sum(len(b) for b in self._head) // 2 >= self._head_samples:
            self._flush_head(out)

    def _flush_head(self, out: Any) -> None:
        """Write the opening seconds with the intro music laid over them (exactly: pydub's
        overlay is given a base of the music's own length, the rest is written as it is)."""
        assert self._head is not None
        data = b"".join(self._head)
        self._head = None
        if self._intro is None:
            out.write(data)
            return
        size = 2 * self._head_samples
        if len(data) < size:
            self.pos += (size - len(data)) // 2
            data += bytes(size - len(data))
        opening = _segment(data[:size]).overlay(self._intro, position=0).raw_data[:size]
        out.write(opening + bytes(size - len(opening)))
        out.write(data[size:])

    def _outro(self, out: Any, offset: int, speech_end: int) -> None:
        if self.bed.outro:
            # the outro starts 0.6 s after the last word (not after the last pause)
            outro_at = max(int((self.cues[-1].end + 0.6) * RATE), speech_end)
            if outro_at < self.pos:  # drop the part of the last pause the outro replaces
                out.seek(2 * (outro_at - offset))
                out.truncate()
            else:
                out.write(bytes(2 * (outro_at - self.pos)))
            out.write(_segment(self.bed.outro).raw_data)
            self.pos = outro_at + len(self.bed.outro) // 2
        out.write(bytes(2 * int(0.5 * RATE)))
        self.pos += int(0.5 * RATE)

    def chapters(self, chapter_titles: list[str]) -> tuple[Chapter, ...]:
        """Each section's chapter: from just before its first word to just before the next's,
        but never before the end of the sentence before it (with ``section_pause: 0`` the gap
        is shorter than :data:`CHAPTER_PREROLL`, and a chapter began inside the last words of
        the one before, which a player jumping to it then spoke)."""
        duration = self.pos / RATE
        starts = sorted(self.section_starts.items())
        cue_starts = [c.start for c in self.cues]  # in time order

        def after_previous(start: float) -> float:
            before = bisect.bisect_left(cue_starts, start) - 1
            return self.cues[before].end if before >= 0 else 0.0

        begins = [0.0 if i == 0 else max(0.0, start - CHAPTER_PREROLL, after_previous(start))
                  for i, (_, start) in enumerate(starts)]
        return tuple(Chapter(chapter_titles[section], round(begin, 3),
                             round(begins[i + 1] if i + 1 < len(starts) else duration, 3))
                     for i, ((section, _), begin) in enumerate(zip(starts, begins, strict=True)))


def mix(utterances: list[Utterance], audios: Iterable[Audio], bed: MusicBed,
        chapter_titles: list[str], dest: Path) -> Mix:
    """Lay the sentences out on one timeline with their pauses, and the music around them, into
    the raw PCM file ``dest`` (see :class:`Timeline`)."""
    timeline = Timeline(bed)
    with dest.open("wb") as out:
        timeline.segment(utterances, audios, out, last=True)
    return Mix(dest, timeline.chapters(chapter_titles), tuple(timeline.cues))
