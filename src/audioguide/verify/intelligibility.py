"""Measured intelligibility: offline speech recognition scored against the spoken script.

A rendered episode is decoded back to 16 kHz mono PCM, each chapter is transcribed with
pocketsphinx (CMU Sphinx, fully offline, US English model shipped in its wheel), and the
transcript is compared with the text that was sent to the speech engine. The score is
**word recall**: reference words matched in order (``difflib`` matching blocks) over the
number of reference words. Recognition is imperfect even on clean speech (raw Piper audio of
the sample scores about 0.83), so the number is a regression signal, not an absolute grade.

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
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from audioguide.errors import EngineError
from audioguide.ffmpeg import run
from audioguide.models import EpisodeRecord

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


def words(text: str) -> list[str]:
    """Lowercase word tokens of ``text`` for comparison with a recognizer's output.

    Letters and apostrophes only: curly apostrophes become straight ones, hyphens and dots split
    words (``thank-you`` → ``thank``, ``you``), apostrophes at the edges of a word (quotes) are
    dropped, and any token containing a digit is dropped (the reference should be spelled out
    already). Runs of two or more single letters are joined (``F.B.I`` and ``f b i`` both give
    ``fbi``), since the recognizer reports spelled letters either way.
    """
    text = unicodedata.normalize("NFC", text.translate(_QUOTES)).casefold()
    out: list[str] = []
    for token in _TOKEN.findall(text):
        if any(ch.isdigit() for ch in token):
            continue
        for part in token.split("_"):
            part = part.strip("'")
            if part:
                out.append(part)
    return _join_spelled(out)


def _join_spelled(tokens: list[str]) -> list[str]:
    """Join runs of two or more one-letter tokens into one word."""
    out: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1:
            run.append(token)
            continue
        out.extend(["".join(run)] if len(run) >= 2 else run)
        run = []
        if token:
            out.append(token)
    return out


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
    hit = [False] * len(ref)
    matcher = difflib.SequenceMatcher(None, ref, hyp, autojunk=False)
    for block in matcher.get_matching_blocks():
        for i in range(block.a, block.a + block.size):
            hit[i] = True
    matched = sum(hit)
    recall = matched / len(ref) if ref else 1.0
    missed = tuple(w for w, h in zip(ref, hit, strict=False) if not h)
    return RecallResult(recall, tuple(ref), tuple(hyp), missed)


def word_recall(reference: str, hypothesis: str) -> float:
    """Reference words found in ``hypothesis`` in order, over reference words (1.0 if empty)."""
    return compare(reference, hypothesis).recall


# --------------------------------------------------------------------------- recognition


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

    def decode(self, pcm16k: bytes) -> str:
        """The best hypothesis for one utterance of 16 kHz mono s16le PCM ('' if none).

        Near-silent audio is not decoded (the recognizer invents words in digital silence),
        but the recognizer is still loaded so that a missing install is always reported.
        """
        with self._lock:
            if self._decoder is None:
                self._decoder = self._load()
        if _quiet(pcm16k):
            return ""
        with self._lock:
            d = self._decoder
            d.start_utt()
            d.process_raw(pcm16k, full_utt=True)
            d.end_utt()
            hyp = d.hyp()
        return hyp.hypstr.strip() if hyp is not None and hyp.hypstr else ""


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


def transcribe(pcm16k: bytes, *, max_seconds: float = MAX_SEGMENT_SECONDS) -> str:
    """What pocketsphinx hears in 16 kHz mono s16le ``pcm16k``, lowercase words ('' for none).

    Audio longer than ``max_seconds`` is decoded in pieces cut at pauses, and the pieces'
    transcripts are joined. Raises :class:`EngineError` when pocketsphinx is not installed.
    """
    pcm16k = pcm16k[: len(pcm16k) // 2 * 2]
    samples = np.frombuffer(pcm16k, dtype="<i2")
    bounds = [0, *_cut_points(samples, max_seconds), len(samples)]
    texts = [_RECOGNIZER.decode(samples[a:b].tobytes()) for a, b in itertools.pairwise(bounds) if b > a]
    if not texts:  # empty input: still report a missing recognizer
        texts = [_RECOGNIZER.decode(b"")]
    return " ".join(t for t in texts if t)


PARALLEL_SECONDS = 60.0
"""Spans adding up to more than this are transcribed in one process per core (the decoder holds
the GIL, so threads would not help); shorter ones are not worth starting processes for."""


def transcribe_spans(pcm16k: bytes, spans: Sequence[tuple[float, float]]) -> list[str]:
    """Transcribe each ``(start, end)`` span, in seconds, of 16 kHz mono s16le ``pcm16k``."""
    n = len(pcm16k) // 2
    pieces = []
    for start, end in spans:
        a = min(max(round(start * RATE), 0), n)
        b = min(max(round(end * RATE), a), n)
        pieces.append(pcm16k[2 * a : 2 * b])
    workers = min(os.cpu_count() or 1, len(pieces))
    if workers < 2 or sum(len(p) for p in pieces) / 2 / RATE < PARALLEL_SECONDS:
        return [transcribe(p) for p in pieces]
    _RECOGNIZER.decode(b"")  # a missing install is reported here, once, not from each process
    context = multiprocessing.get_context("spawn")  # no fork of a process that runs threads
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(transcribe, pieces))


def decode_16k(path: Path) -> bytes:
    """Any audio file decoded by the bundled ffmpeg to 16 kHz mono s16le PCM."""
    return run(["-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(RATE), "pipe:1"],
               what=f"decoding {Path(path).name}")


# --------------------------------------------------------------------------- episodes


@dataclass(frozen=True)
class SectionRecall:
    """Intelligibility of one chapter of a rendered episode."""

    title: str
    start: float
    end: float
    recall: float
    reference: str
    """The text that was spoken in this chapter (the cues' spoken text, joined)."""
    heard: str
    """What the recognizer heard in the chapter's span."""
    matched: int = 0
    """Reference words matched in order."""
    total: int = 0
    """Reference words."""
    missed: tuple[str, ...] = field(default=())
    """Reference words not matched, in order."""


def _cue_text(cue: Any) -> str:
    """The text a cue's audio actually says: its ``spoken`` text when recorded, else ``text``."""
    return getattr(cue, "spoken", "") or cue.text


def chapter_references(record: EpisodeRecord, spoken: Sequence[str] | None = None) -> list[str]:
    """The spoken text of each chapter: the cues whose midpoint falls inside it, joined.

    Chapters are taken in order and tile the file, so a cue belongs to the last chapter that
    starts at or before its midpoint.

    ``spoken``, when given, replaces each cue's text (one string per cue of ``record``).
    """
    cues = list(record.cues)
    if spoken is not None and len(spoken) != len(cues):
        raise ValueError(f"spoken has {len(spoken)} texts for {len(cues)} cues")
    texts = list(spoken) if spoken is not None else [_cue_text(c) for c in cues]
    chapters = list(record.chapters)
    parts: list[list[str]] = [[] for _ in chapters]
    if not chapters:
        return []
    for cue, text in zip(cues, texts, strict=False):
        mid = (cue.start + cue.end) / 2
        # the last chapter starting at or before the cue's midpoint (the first one otherwise)
        index = max((i for i, ch in enumerate(chapters) if ch.start <= mid), default=0)
        parts[index].append(text)
    return [" ".join(p) for p in parts]


def episode_report(
    mp3: Path, record: EpisodeRecord, spoken: Sequence[str] | None = None
) -> list[SectionRecall]:
    """Transcribe every chapter of ``mp3`` and score it against that chapter's spoken text.

    ``spoken`` optionally gives the spoken text of each cue of ``record`` (same length as
    ``record.cues``); otherwise each cue's ``spoken`` attribute, falling back to its ``text``.
    """
    return score_chapters(record, transcribe_chapters(mp3, record), spoken)


def transcribe_chapters(mp3: Path, record: EpisodeRecord) -> list[str]:
    """What the recognizer hears in each chapter's span of ``mp3`` (the slow part)."""
    pcm = decode_16k(mp3)
    return transcribe_spans(pcm, [(c.start, c.end) for c in record.chapters])


def score_chapters(
    record: EpisodeRecord, heard: Sequence[str], spoken: Sequence[str] | None = None
) -> list[SectionRecall]:
    """Score per-chapter transcripts (:func:`transcribe_chapters`) against the spoken text."""
    if len(heard) != len(record.chapters):
        raise ValueError(f"{len(heard)} transcripts for {len(record.chapters)} chapters")
    references = chapter_references(record, spoken)
    report: list[SectionRecall] = []
    for chapter, ref, hyp in zip(record.chapters, references, heard, strict=False):
        r = compare(ref, hyp)
        report.append(SectionRecall(chapter.title, chapter.start, chapter.end, r.recall, ref, hyp,
                                    r.matched, len(r.reference), r.missed))
    return report


def overall(report: Sequence[SectionRecall]) -> float:
    """Word-weighted recall of a whole report: all matched words over all reference words."""
    total = sum(s.total for s in report)
    return sum(s.matched for s in report) / total if total else 1.0


def _clock(seconds: float) -> str:
    s = max(int(seconds), 0)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def format_report(report: Sequence[SectionRecall], *, show_missed: int = 8) -> str:
    """One line per chapter (recall, span, title, first missed words), then the overall line."""
    lines = []
    for s in report:
        line = f"  {s.recall:.2f}  {_clock(s.start)}-{_clock(s.end)}  {s.title}"
        if s.missed:
            shown = " ".join(s.missed[:show_missed])
            more = " …" if len(s.missed) > show_missed else ""
            line += f"  (missed: {shown}{more})"
        lines.append(line)
    matched = sum(s.matched for s in report)
    total = sum(s.total for s in report)
    lines.append(f"  {overall(report):.2f}  overall ({matched} of {total} words heard)")
    return "\n".join(lines)
