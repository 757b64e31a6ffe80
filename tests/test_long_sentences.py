"""Long sentences are spoken in pieces of bounded length (Piper's memory grows with what one ONNX
run speaks), joined into one sentence's audio; ordinary sentences are spoken whole, as before.

The memory itself is measured by ``scripts/bench`` (the "new text" row), not here.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest
import soxr

from audioguide.speech.clauses import CLAUSE_BREAKS, pieces
from audioguide.speech.engines import EngineSettings
from audioguide.speech.engines import piper as piper_engine
from audioguide.speech.engines.piper import PIECE_PHONEMES, PiperEngine
from audioguide.verify.intelligibility import transcribe
from tests.conftest import piper_with

CLAUSES = [
    "the old harbour, which the sailors of the northern coast had used for three hundred years",
    "was rebuilt in stone after the great storm of that long and bitter winter",
    "when the river rose above the bridge and the market flooded",
    "and the painters who lived near the square carried their canvases up to the museum tower",
]
RUN_ON = ("the bakers and the sailors and the gardeners walked together along the river past the copper "
          "market and the silver bridge and the stone tower and the quiet garden and the old museum where "
          "the painters had worked through every summer evening of their lives")
"""A clause of about 250 characters without a comma: longer than one run, so cut between words."""


def long_sentence(chars: int = 2000) -> str:
    """One sentence of about ``chars`` characters: clauses joined by commas and semicolons, one
    run-on clause in the middle, and a distinct ending to listen for."""
    parts: list[str] = []
    while sum(len(p) + 2 for p in parts) < chars - 60:
        parts.append(CLAUSES[len(parts) % len(CLAUSES)])
        if len(parts) == 6:
            parts.append(RUN_ON)
    body = "".join(p + (", " if i % 3 else "; ") for i, p in enumerate(parts, 1))
    return "In the end " + body + "and then the museum closed its doors for the night."


@pytest.fixture(scope="module")
def piper() -> PiperEngine:
    """Piper with variation 0: the same samples on every run."""
    return PiperEngine(EngineSettings(variation=0.0))


class Runs:
    """Records the phonemes of every ONNX run of the (shared) loaded voice, and how many
    phonemes several runs at once spoke together at most, calling the real model each time."""

    def __init__(self, voice: Any):
        self.voice = voice
        self.real = voice.phoneme_ids_to_audio
        self.sizes: list[int] = []
        self.lengths: list[int] = []
        self.in_flight = 0
        self.running = 0
        self.most_together = 0
        self._lock = threading.Lock()

    def __call__(self, ids: list[int], *args: Any, **kwargs: Any) -> Any:
        pad = self.voice.config.phoneme_id_map["_"][0]
        size = sum(1 for i in ids if i != pad) - 2  # one id a phoneme, between BOS and EOS
        with self._lock:
            self.in_flight += size
            self.running += 1
            if self.running > 1:
                self.most_together = max(self.most_together, self.in_flight)
        try:
            audio = self.real(ids, *args, **kwargs)
        finally:
            with self._lock:
                self.in_flight -= size
                self.running -= 1
        with self._lock:
            self.sizes.append(size)
            self.lengths.append(len(audio))
        return audio


def _spy(engine: PiperEngine, monkeypatch: pytest.MonkeyPatch) -> Runs:
    voice = engine._load()
    spy = Runs(voice)
    monkeypatch.setattr(voice, "phoneme_ids_to_audio", spy)
    return spy


@pytest.fixture
def runs(piper: PiperEngine, monkeypatch: pytest.MonkeyPatch) -> Runs:
    return _spy(piper, monkeypatch)


@pytest.fixture(scope="module")
def whole_piper() -> PiperEngine:
    """Piper running its voice's whole graph, as it does a voice that cannot be split in two
    (:mod:`audioguide.speech.engines.piper_parts`): then the runs in flight are budgeted."""
    engine: PiperEngine = piper_with(in_parts=False)
    assert not engine._load().in_parts
    return engine


@pytest.fixture
def whole_runs(whole_piper: PiperEngine, monkeypatch: pytest.MonkeyPatch) -> Runs:
    return _spy(whole_piper, monkeypatch)


def samples(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768


def longest_quiet(x: np.ndarray, level: float) -> float:
    """Seconds of the longest run of samples no louder than ``level``, inside ``x``."""
    loud = np.flatnonzero(np.abs(x) > level)
    return float(np.max(np.diff(loud))) / 22050 if loud.size > 1 else len(x) / 22050


def test_pieces_cover_the_sentence_within_the_limit_cut_at_clause_breaks_first() -> None:
    text = long_sentence()
    for limit in (40, 120, 200, 500):
        spans = pieces(text, limit)
        assert all(0 < end - start <= limit for start, end in spans)
        # everything is spoken, in order: only the spaces at the cuts are left out
        covered = [i for a, b in spans for i in range(a, b)]
        assert covered == sorted(covered)
        assert all(text[i] == " " for i in set(range(len(text))) - set(covered))
        # a piece ends at a clause break whenever one was within its reach
        for a, b in spans[:-1]:
            if text[b - 1] not in CLAUSE_BREAKS:
                assert not any(c in CLAUSE_BREAKS for c in text[a:a + limit]), (limit, text[a:b])
                assert text[b] == " " or b - a == limit
    assert pieces(text, len(text)) == [(0, len(text))]


@pytest.mark.slow
def test_a_2000_character_sentence_is_spoken_in_bounded_pieces_and_heard_whole(piper: PiperEngine,
                                                                             runs: Runs) -> None:
    text = long_sentence()
    assert len(text) >= 2000
    whole = [p for sentence in piper._load().phonemize(text) for p in sentence]
    audio = piper.synthesize(text)
    x = samples(audio.pcm)

    assert len(runs.sizes) >= len(whole) / PIECE_PHONEMES
    assert max(runs.sizes) <= PIECE_PHONEMES
    assert sum(runs.sizes) == len(whole) - (len(runs.sizes) - 1)  # all but one space at each cut
    # every piece is in the audio, the joins at clause breaks padded to the voice's own pause
    assert sum(runs.lengths) <= len(x) <= sum(runs.lengths) + len(runs.sizes) * piper_engine.JOIN_PAUSE * 22050
    # one sentence: normalised as a whole (one peak at the headroom), no gap longer than a pause
    assert np.max(np.abs(x)) == pytest.approx(0.7, abs=0.001)
    assert longest_quiet(x, 0.01) < 0.6
    # 2,000 characters at the voice's pace (about 20 characters a second): nothing is lost
    assert 2000 / 30 < len(x) / 22050 < 2000 / 12
    # and its last words are heard at the very end
    tail = (x[-4 * 22050:] * 32767).astype("<i2")
    heard = transcribe(soxr.resample(tail, 22050, 16000).astype("<i2").tobytes())
    assert {"museum", "doors", "night"} & set(heard.split()), heard


def test_a_sentence_within_the_limit_is_spoken_in_one_run(piper: PiperEngine, runs: Runs) -> None:
    text = ("The old harbour, which the sailors of the northern coast had used for three hundred "
            "years, was rebuilt in stone after the great storm.")
    phonemes = piper._load().phonemize(text)
    assert len(phonemes) == 1 and len(phonemes[0]) <= PIECE_PHONEMES
    first = piper.synthesize(text)
    assert runs.sizes == [len(phonemes[0])]
    assert piper.synthesize(text).pcm == first.pcm


SIDE_BY_SIDE = [", ".join(CLAUSES[i:] + CLAUSES[:i]) + "." for i in range(4)] + [
    "The river rose.", "The market flooded.", "Nobody was hurt.", "The painters came back."]
"""Four long sentences (spoken in pieces of up to 200 phonemes) and four short ones."""


def _speak_side_by_side(engine: PiperEngine) -> None:
    threads = [threading.Thread(target=engine.synthesize, args=(s,)) for s in SIDE_BY_SIDE]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


@pytest.mark.slow
def test_a_whole_graph_never_speaks_more_phonemes_at_once_than_the_budget(whole_piper: PiperEngine,
                                                                           whole_runs: Runs) -> None:
    """Runs overlap only while they fit the budget together (a longer piece runs alone)."""
    _speak_side_by_side(whole_piper)
    assert len(whole_runs.sizes) > len(SIDE_BY_SIDE)
    assert whole_runs.most_together <= piper_engine.PHONEMES_IN_FLIGHT


@pytest.mark.slow
def test_a_voice_in_parts_speaks_long_pieces_side_by_side(piper: PiperEngine, runs: Runs) -> None:
    """Its memory is bounded by a chunk of audio, not by the run: two long pieces run at once."""
    assert piper._load().in_parts
    _speak_side_by_side(piper)
    assert runs.most_together > piper_engine.PHONEMES_IN_FLIGHT


def test_the_budget_serves_runs_in_turn() -> None:
    """A run that does not fit waits, and a smaller one that would fit waits behind it, so a
    long sentence is never starved by short ones."""
    budget = piper_engine._PhonemeBudget(200)
    order: list[str] = []
    first_in, release_first = threading.Event(), threading.Event()

    def run(name: str, cost: int, *, hold_until: threading.Event | None = None) -> None:
        with budget.hold(cost):
            order.append(name)
            if hold_until is not None:
                first_in.set()
                hold_until.wait()

    first = threading.Thread(target=run, args=("first", 150), kwargs={"hold_until": release_first})
    first.start()
    first_in.wait()
    big = threading.Thread(target=run, args=("big", 100))
    big.start()
    with budget._changed:
        budget._changed.wait_for(lambda: len(budget._turns) == 1)
    small = threading.Thread(target=run, args=("small", 10))
    small.start()
    with budget._changed:
        budget._changed.wait_for(lambda: len(budget._turns) == 2)
    assert order == ["first"]
    release_first.set()
    for t in (first, big, small):
        t.join()
    assert order == ["first", "big", "small"]
    assert budget.used == 0
