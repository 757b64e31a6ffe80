"""Intro and outro music that audioguide composes itself: original, deterministic, no samples.

A short phrase of soft bell tones over a warm pad, synthesised with numpy from sine partials
with exponential decays. The same inputs always give the same samples, so renders are
reproducible and no third-party audio lives in the repository.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np

RATE = 44100

# Notes as semitones above A3 (220 Hz); a phrase is (start beat, semitone, beats) triples.
_INTRO_PHRASE = [(0, 3, 2), (0.5, 10, 2), (1, 15, 2), (1.5, 19, 3), (2.5, 17, 2), (3, 22, 4)]
_OUTRO_PHRASE = [(0, 15, 2), (0.5, 10, 2), (1, 7, 2), (1.5, 3, 4)]
_INTRO_PAD = [(0, [3, 10, 15], 4), (2, [1, 8, 13], 5)]
_OUTRO_PAD = [(0, [3, 10, 15], 4.5)]
_CHIME_PHRASE = [(0, 10, 2), (0.5, 15, 3)]
_CHIME_PAD = [(0, [3, 10], 2.5)]
_BEAT = 0.42  # seconds


def _hz(semitone: float) -> float:
    return 220.0 * 2 ** (semitone / 12)


def _bell(freq: float, seconds: float) -> np.ndarray:
    """A soft mallet tone: a few inharmonic partials, quick attack, exponential decay."""
    t = np.arange(int(seconds * RATE)) / RATE
    tone = np.zeros_like(t)
    for ratio, gain, decay in ((1.0, 1.0, 1.6), (2.0, 0.35, 2.8), (3.01, 0.12, 4.5), (4.17, 0.05, 6.0)):
        tone += gain * np.sin(2 * np.pi * freq * ratio * t) * np.exp(-decay * t)
    attack = np.minimum(1.0, t / 0.008)
    return tone * attack


def _pad(freqs: list[float], seconds: float) -> np.ndarray:
    """A warm sustained chord: slightly detuned sines with a slow swell and release."""
    t = np.arange(int(seconds * RATE)) / RATE
    chord = np.zeros_like(t)
    for f in freqs:
        for detune in (-0.6, 0.6):
            chord += np.sin(2 * np.pi * (f + detune) * t) + 0.2 * np.sin(2 * np.pi * 2 * (f + detune) * t)
    swell = np.minimum(1.0, t / 0.6) * np.minimum(1.0, (seconds - t) / 1.2).clip(0, 1)
    return cast(np.ndarray, chord * swell / (2 * len(freqs)))


def _render(phrase: Sequence[tuple[float, float, float]], pads: Sequence[tuple[float, Sequence[float], float]],
            seconds: float) -> np.ndarray:
    out = np.zeros(int(seconds * RATE))

    def place(signal: np.ndarray, at: float, gain: float) -> None:
        start = int(at * RATE)
        end = min(len(out), start + len(signal))
        out[start:end] += gain * signal[: end - start]

    for beat, semis, beats in pads:
        place(_pad([_hz(s - 12) for s in semis], beats * _BEAT * 2), beat * _BEAT, 0.45)
    for beat, semi, beats in phrase:
        place(_bell(_hz(semi), beats * _BEAT * 2), beat * _BEAT, 0.33)
    fade = int(0.8 * RATE)
    out[-fade:] *= np.linspace(1.0, 0.0, fade) ** 2
    return out / max(1e-9, float(np.max(np.abs(out)))) * 0.5  # peak -6 dBFS


def _to_pcm(samples: np.ndarray) -> bytes:
    return cast(bytes, (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())


INTRO_SECONDS = 5.5
OUTRO_SECONDS = 3.5
CHIME_SECONDS = 2.2
"""How long each piece is (what a render's estimate needs, without composing them)."""


def intro_sting() -> bytes:
    """About 5.5 s of intro music: mono 16-bit PCM at 44.1 kHz."""
    return _to_pcm(_render(_INTRO_PHRASE, _INTRO_PAD, INTRO_SECONDS))


def outro_sting() -> bytes:
    """About 3.5 s of closing music: mono 16-bit PCM at 44.1 kHz."""
    return _to_pcm(_render(_OUTRO_PHRASE, _OUTRO_PAD, OUTRO_SECONDS))


def stop_chime() -> bytes:
    """About 2 s: the two-note sting that opens each stop of an audio guide."""
    return _to_pcm(_render(_CHIME_PHRASE, _CHIME_PAD, CHIME_SECONDS))
