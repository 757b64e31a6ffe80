"""Tone: a deterministic stand-in voice for tests that check plumbing, not sound.

Each word of a sentence becomes a short tone whose pitch comes from a stable hash of the word
(about 0.12 s plus a little per letter, with a short fade in and out), and a tiny gap separates
the words. The output is mono 16-bit PCM at 22,050 Hz, like Piper's, and is the same bytes for
the same text and rate on every run and every machine: pure integer and IEEE arithmetic in
numpy (no transcendental functions, no randomness, no clock), fast enough that a whole episode
takes milliseconds.

It exists so that tests of incremental builds, crash safety, the command line, the cluster, the
pages and the cache do not spend seconds per sentence on a neural voice. It is not speech: tests
that judge the voice itself (loudness, cue timings, transcripts, intelligibility) use Piper.
Select it with ``engine = "tone"`` under ``[voice]``.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from audioguide.models import Audio
from audioguide.speech.engines import Availability, EngineSettings, Voice

SAMPLE_RATE = 22050
FORMAT = 1
"""Bumped whenever the sound for a given text changes (it is part of the cache identity)."""

WORD_SECONDS = 0.12
"""Length of a word's tone before the per-letter part, at rate 1.0."""
LETTER_SECONDS = 0.012
"""Added to a word's tone for each of its characters, at rate 1.0."""
GAP_SECONDS = 0.03
"""Silence between two words, at rate 1.0."""
FADE_SAMPLES = 220
"""Linear fade in and out of every tone (10 ms), so words do not click."""
AMPLITUDE = 0.5
"""Peak level of a tone (Piper's sentences peak at 0.7)."""
LOWEST_HZ, HIGHEST_HZ = 180, 1200
"""Range of the word pitches, in whole hertz."""

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_TABLE_BITS = 12


def _sine_table() -> np.ndarray:
    """One period of a smooth sine-like wave (Bhaskara's approximation: only + − × ÷)."""
    n = 1 << _TABLE_BITS
    half = n // 2
    t = (np.arange(half, dtype=np.float64) + 0.5) / half  # (0, 1): the positive half-period
    x = t * (1.0 - t)
    positive = 16.0 * x / (5.0 - 4.0 * x)  # sin(πt) to within 0.2 %
    return np.concatenate([positive, -positive])


_TABLE = _sine_table()


def words(text: str) -> list[str]:
    """The words of ``text`` (letters and digits, inner apostrophes kept), case-folded."""
    return [w.casefold() for w in _WORD.findall(text)]


def pitch(word: str) -> int:
    """The tone's frequency for ``word``, in hertz, from a stable hash (not Python's ``hash``)."""
    digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
    return LOWEST_HZ + int.from_bytes(digest, "big") % (HIGHEST_HZ - LOWEST_HZ + 1)


def _tone(hz: int, samples: int) -> np.ndarray:
    """``samples`` of a tone at ``hz`` with faded ends, as float in [-AMPLITUDE, AMPLITUDE]."""
    step = (hz << 32) // SAMPLE_RATE  # fixed-point phase increment: exact integers
    phase = (np.arange(samples, dtype=np.uint64) * np.uint64(step)) & np.uint64(0xFFFFFFFF)
    wave = _TABLE[(phase >> np.uint64(32 - _TABLE_BITS)).astype(np.intp)]
    fade = min(FADE_SAMPLES, samples // 2)
    if fade:
        ramp = (np.arange(fade, dtype=np.float64) + 1.0) / (fade + 1)
        wave[:fade] *= ramp
        wave[samples - fade:] *= ramp[::-1]
    return wave * AMPLITUDE


class ToneEngine:
    """One hash-pitched tone per word: deterministic, instant, not speech (see the module)."""

    name = "tone"
    speaks_phonemes = False
    """No espeak phonemes: lexicon entries are spoken by their respelling."""
    cpu_bound = True
    concurrency = 1
    """Sentences one at a time: each takes well under a millisecond, threads would only cost."""
    words_per_minute = 283.0
    """Measured on the sample script: 511 words as written, 108.3 s of tones."""

    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings
        self.sample_rate = SAMPLE_RATE

    def _samples(self, seconds: float) -> int:
        return max(1, int(round(seconds / self.settings.rate * SAMPLE_RATE)))

    def synthesize(self, text: str) -> Audio:
        """A tone per word with a short gap between words; no words, no sound."""
        parts: list[np.ndarray] = []
        gap = np.zeros(self._samples(GAP_SECONDS), dtype=np.float64)
        for n, word in enumerate(words(text)):
            if n:
                parts.append(gap)
            parts.append(_tone(pitch(word), self._samples(WORD_SECONDS + LETTER_SECONDS * len(word))))
        if not parts:
            return Audio(pcm=b"", sample_rate=SAMPLE_RATE)
        pcm = np.round(np.concatenate(parts) * 32767.0).astype("<i2")
        return Audio(pcm=pcm.tobytes(), sample_rate=SAMPLE_RATE)

    def identity(self) -> dict[str, object]:
        """Everything that changes the sound: the engine, its format version and the rate."""
        return {"engine": "tone", "format": FORMAT, "rate": self.settings.rate}

    @classmethod
    def voices(cls, settings: EngineSettings) -> list[Voice]:
        """Its one voice, which reads any language (as tones)."""
        return [Voice("tone", "", "built in", "test tones, one per word: for tests, not listening",
                      default=True, chosen=True)]

    @classmethod
    def availability(cls) -> Availability:
        return Availability(True, "built in; test tones, one per word (for tests, not listening)")
