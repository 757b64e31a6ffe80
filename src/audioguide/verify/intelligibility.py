"""Measured intelligibility: offline speech recognition scored against the spoken script.

A rendered episode is decoded back to 16 kHz mono PCM, each chapter is transcribed with
pocketsphinx (CMU Sphinx, fully offline, US English model shipped in its wheel), and the
transcript is compared with the text that was sent to the speech engine. The score is
**word recall**: reference words matched in order (``difflib`` matching blocks) over the
number of reference words. Recognition is imperfect even on clean speech (raw Piper audio of
the sample scores about 0.83), so the number is a regression signal, not an absolute grade.

This module hears and compares: audio in, words with their times out (:func:`hear`), reference
words with what kind of word each is (:func:`tokens`: a name, a letter run), in-order matching
(:func:`compare`), and which words the recogniser can output at all (:func:`recognizable`).
:mod:`audioguide.verify.recall` scores episodes and guides sentence by sentence with them.

pocketsphinx is an optional dependency; without it :func:`transcribe` raises
:class:`~audioguide.errors.EngineError` naming the extra to install.
"""

from __future__ import annotations

import difflib
import itertools
import multiprocessing
import os
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from audioguide.errors import EngineError
from audioguide.ffmpeg import run

RATE = 16000
"""Sample rate pocketsphinx's default acoustic model expects."""

MAX_SEGMENT_SECONDS = 30.0
"""Longer audio is cut at its quietest moments into pieces at most this long before decoding."""

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "`": "'", "\u00b4": "'",
})
_TOKEN = re.compile(r"[\w']+")


# --------------------------------------------------------------------------- comparing words


@dataclass(frozen=True)
class Token:
    """One word of a text as compared with a recogniser's output."""

    word: str
    """Lowercase, as :func:`words` gives it."""
    capital: bool = False
    """Written with a capital inside a sentence (not its first word): a name, most likely."""
    spelled: bool = False
    """Joined from single letters (``F.B.I`` → ``fbi``): heard as letters, not looked up as a word."""


def words(text: str) -> list[str]:
    """Lowercase word tokens of ``text`` for comparison with a recognizer's output.

    Letters and apostrophes only: curly apostrophes become straight ones, hyphens and dots split
    words (``thank-you`` → ``thank``, ``you``), apostrophes at the edges of a word (quotes) are
    dropped, and any token containing a digit is dropped (the reference should be spelled out
    already). Runs of two or more single letters are joined (``F.B.I`` and ``f b i`` both give
    ``fbi``), since the recognizer reports spelled letters either way.
    """
    return [t.word for t in tokens(text)]


def tokens(text: str) -> list[Token]:
    """:func:`words` with what each word is: capitalised inside a sentence, or spelled letters.

    >>> [(t.word, t.capital) for t in tokens("Ask Ana: “Why Lisbon?” I said")]
    [('ask', False), ('ana', True), ('why', False), ('lisbon', True), ('i', False), ('said', False)]
    """
    text = unicodedata.normalize("NFC", text.translate(_QUOTES))
    out: list[Token] = []
    for m in _TOKEN.finditer(text):
        token = m.group()
        if any(ch.isdigit() for ch in token):
            continue
        first = token.split("'")[0]  # "I'm" is no name, nor is a lone letter
        capital = len(first) > 1 and first[0].isupper() and not _starts_sentence(text, m.start())
        for part in token.split("_"):
            part = part.strip("'").casefold()
            if part:
                out.append(Token(part, capital))
    return _join_spelled(out)


def _starts_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens its text, a sentence (after ``.``, ``!``, ``?``, ``:``)
    or a quotation (“Why do you want this job?”)."""
    before = text[:start].rstrip()
    return not before or before[-1] in ".!?…:\"'“‘(["


def _join_spelled(found: list[Token]) -> list[Token]:
    """Join runs of two or more one-letter tokens into one word."""
    out: list[Token] = []
    run: list[Token] = []
    for token in [*found, None]:
        if token is not None and len(token.word) == 1:
            run.append(token)
            continue
        if len(run) >= 2:
            out.append(Token("".join(t.word for t in run), spelled=True))
        else:
            out.extend(run)
        run = []
        if token is not None:
            out.append(token)
    return out


def align(reference: Sequence[str], heard: Sequence[str]) -> list[bool]:
    """For each reference word, whether it is matched in ``heard`` in order (difflib's blocks)."""
    hit = [False] * len(reference)
    matcher = difflib.SequenceMatcher(None, list(reference), list(heard), autojunk=False)
    for block in matcher.get_matching_blocks():
        for i in range(block.a, block.a + block.size):
            hit[i] = True
    return hit


@dataclass(frozen=True)
class RecallResult:
    """How much of a reference text a transcript contains, word by word and in order."""

    recall: float
    """Matched words over reference words; 1.0 for an empty reference."""
    reference: tuple[str, ...]
    """The reference's words (:func:`words`)."""
    heard: tuple[str, ...]
    """The transcript's words."""
    missed: tuple[str, ...]
    """Reference words not matched, in order."""

    @property
    def matched(self) -> int:
        """Number of reference words matched."""
        return len(self.reference) - len(self.missed)


def compare(reference: str, hypothesis: str) -> RecallResult:
    """Align ``hypothesis`` with ``reference`` and report recall and the missed words."""
    ref = words(reference)
    hyp = words(hypothesis)
    hit = align(ref, hyp)
    matched = sum(hit)
    recall = matched / len(ref) if ref else 1.0
    missed = tuple(w for w, h in zip(ref, hit, strict=False) if not h)
    return RecallResult(recall, tuple(ref), tuple(hyp), missed)


def word_recall(reference: str, hypothesis: str) -> float:
    """Reference words found in ``hypothesis`` in order, over reference words (1.0 if empty)."""
    return compare(reference, hypothesis).recall


# --------------------------------------------------------------------------- recognition


@dataclass(frozen=True)
class HeardWord:
    """A word the recognizer heard, and when."""

    word: str
    start: float
    """Seconds from the start of the audio given to :func:`hear` (or of the episode)."""
    end: float


FRAMES_PER_SECOND = 100
"""pocketsphinx's feature frame rate: word segments are given in these frames."""


class _Recognizer:
    """One pocketsphinx decoder, loaded on first use and shared under a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._decoder: Any = None

    def _load(self) -> Any:
        try:
            from pocketsphinx import Decoder
        except ImportError as exc:
            raise EngineError(
                "speech recognition needs pocketsphinx, which is not installed",
                fix="pip install 'audioguide[speech]'",
            ) from exc
        try:
            return Decoder(samprate=RATE, loglevel="FATAL")
        except Exception as exc:  # pragma: no cover - a broken install
            raise EngineError(f"pocketsphinx could not load its model: {exc}") from exc

    def _loaded(self) -> Any:
        with self._lock:
            if self._decoder is None:
                self._decoder = self._load()
            return self._decoder

    def decode(self, pcm16k: bytes) -> list[HeardWord]:
        """The words of the best hypothesis for one utterance of 16 kHz mono s16le PCM, timed
        from its start.

        Near-silent audio is not decoded (the recognizer invents words in digital silence),
        but the recognizer is still loaded so that a missing install is always reported.
        """
        d = self._loaded()
        if _quiet(pcm16k):
            return []
        with self._lock:
            d.start_utt()
            d.process_raw(pcm16k, full_utt=True)
            d.end_utt()
            segments = [(seg.word, seg.start_frame, seg.end_frame) for seg in d.seg()]
        return [HeardWord(_WORD_VARIANT.sub("", word), a / FRAMES_PER_SECOND, (b + 1) / FRAMES_PER_SECOND)
                for word, a, b in segments if not _FILLER.match(word)]

    def knows(self, candidates: Iterable[str]) -> frozenset[str]:
        """The ``candidates`` the recognizer can output: in its dictionary and its language model."""
        d = self._loaded()
        with self._lock:
            model = d.get_lm(d.current_search())
            unknown = model.prob([PLACEHOLDER_WORD])
            return frozenset(w for w in set(candidates)
                             if d.lookup_word(w) is not None and model.prob([w]) > unknown)


_FILLER = re.compile(r"<.*>$|\[.*\]$|\(NULL\)$")
"""Segments that are no words: ``<s>``, ``</s>``, ``<sil>``, ``[NOISE]``."""
_WORD_VARIANT = re.compile(r"\(\d+\)$")
"""The pronunciation variant pocketsphinx appends to a word: ``the(2)``."""
PLACEHOLDER_WORD = "zzqxjvk"
"""A word no English model has: its language-model score is the score of an unknown word."""


_RECOGNIZER = _Recognizer()

SILENCE_DBFS = -60.0
"""Audio whose RMS level is below this is treated as silence and not decoded."""


def _quiet(pcm16k: bytes) -> bool:
    """Whether ``pcm16k`` is empty or quieter than :data:`SILENCE_DBFS` overall."""
    samples = np.frombuffer(pcm16k[: len(pcm16k) // 2 * 2], dtype="<i2").astype(np.float64)
    if samples.size == 0:
        return True
    rms = float(np.sqrt(np.mean(samples**2))) / 32768
    return rms < 10 ** (SILENCE_DBFS / 20)


def _cut_points(samples: np.ndarray, max_seconds: float) -> list[int]:
    """Sample offsets that split ``samples`` into pieces of at most ``max_seconds``.

    Each cut goes in the middle of the longest quiet stretch (200 ms smoothed power within
    twice the minimum) in the second half of the allowed window: in narrated speech, the
    longest pause between sentences there.
    """
    frame = RATE // 100  # 10 ms
    limit = int(max_seconds * 100)  # in frames
    n_frames = len(samples) // frame
    if n_frames <= limit:
        return []
    power = (samples[: n_frames * frame].astype(np.float64).reshape(n_frames, frame) ** 2).mean(1)
    smooth = np.convolve(power, np.ones(20) / 20, mode="same")
    cuts: list[int] = []
    start = 0
    while n_frames - start > limit:
        lo, hi = start + limit // 2, start + limit
        window = smooth[lo:hi]
        floor = float(window.min())
        cut = lo + _middle_of_longest_run(window <= floor * 2 + 1.0)
        cuts.append(cut * frame)
        start = cut
    return cuts


def _middle_of_longest_run(mask: np.ndarray) -> int:
    """Index of the middle of the longest run of ``True`` in ``mask`` (which has one)."""
    best_start, best_len, run_start = 0, 0, -1
    for i, flag in enumerate([*mask.tolist(), False]):
        if flag and run_start < 0:
            run_start = i
        elif not flag and run_start >= 0:
            if i - run_start > best_len:
                best_start, best_len = run_start, i - run_start
            run_start = -1
    return best_start + best_len // 2


def hear(pcm16k: bytes, *, max_seconds: float = MAX_SEGMENT_SECONDS, offset: float = 0.0) -> list[HeardWord]:
    """The words pocketsphinx hears in 16 kHz mono s16le ``pcm16k``, timed from ``offset``.

    Audio longer than ``max_seconds`` is decoded in pieces cut at pauses. Raises
    :class:`EngineError` when pocketsphinx is not installed.
    """
    pcm16k = pcm16k[: len(pcm16k) // 2 * 2]
    samples = np.frombuffer(pcm16k, dtype="<i2")
    bounds = [0, *_cut_points(samples, max_seconds), len(samples)]
    if len(bounds) == 2 and not len(samples):  # empty input: still report a missing recognizer
        _RECOGNIZER.decode(b"")
    out: list[HeardWord] = []
    for a, b in itertools.pairwise(bounds):
        if b > a:
            start = offset + a / RATE
            out += [HeardWord(w.word, start + w.start, start + w.end)
                    for w in _RECOGNIZER.decode(samples[a:b].tobytes())]
    return out


def transcribe(pcm16k: bytes, *, max_seconds: float = MAX_SEGMENT_SECONDS) -> str:
    """What pocketsphinx hears in 16 kHz mono s16le ``pcm16k``, lowercase words ('' for none)."""
    return " ".join(w.word for w in hear(pcm16k, max_seconds=max_seconds))


def recognizable(candidates: Iterable[str]) -> frozenset[str]:
    """Those of ``candidates`` (lowercase words) the recognizer can output at all: a word missing
    from pocketsphinx's dictionary or language model is never heard, however well it is said."""
    return _RECOGNIZER.knows(candidates)


PARALLEL_SECONDS = 60.0
"""Spans adding up to more than this are transcribed in one process per core (the decoder holds
the GIL, so threads would not help); shorter ones are not worth starting processes for."""


def hear_spans(pcm16k: bytes, spans: Sequence[tuple[float, float]]) -> list[list[HeardWord]]:
    """The words heard in each ``(start, end)`` span, in seconds, of 16 kHz mono s16le ``pcm16k``,
    timed from the start of ``pcm16k``."""
    n = len(pcm16k) // 2
    pieces = []
    offsets = []
    for start, end in spans:
        a = min(max(round(start * RATE), 0), n)
        b = min(max(round(end * RATE), a), n)
        pieces.append(pcm16k[2 * a : 2 * b])
        offsets.append(a / RATE)
    workers = min(os.cpu_count() or 1, len(pieces))
    if workers < 2 or sum(len(p) for p in pieces) / 2 / RATE < PARALLEL_SECONDS:
        return [hear(p, offset=o) for p, o in zip(pieces, offsets, strict=True)]
    _RECOGNIZER.decode(b"")  # a missing install is reported here, once, not from each process
    context = multiprocessing.get_context("spawn")  # no fork of a process that runs threads
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_hear_at, pieces, offsets))


def _hear_at(pcm16k: bytes, offset: float) -> list[HeardWord]:
    return hear(pcm16k, offset=offset)


def transcribe_spans(pcm16k: bytes, spans: Sequence[tuple[float, float]]) -> list[str]:
    """Transcribe each ``(start, end)`` span, in seconds, of 16 kHz mono s16le ``pcm16k``."""
    return [" ".join(w.word for w in heard) for heard in hear_spans(pcm16k, spans)]


def decode_16k(path: Path) -> bytes:
    """Any audio file decoded by the bundled ffmpeg to 16 kHz mono s16le PCM."""
    return run(["-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(RATE), "pipe:1"],
               what=f"decoding {Path(path).name}")
