"""The tone engine: the deterministic stand-in voice that plumbing tests render with."""

from __future__ import annotations

import os
import sys
import threading

import numpy as np
import pytest

from audioguide.cli import cli
from audioguide.models import Utterance
from audioguide.speech.cache import SentenceCache
from audioguide.speech.engines import Engine, EngineSettings, available_engines, create_engine
from audioguide.speech.engines.tone import SAMPLE_RATE, ToneEngine, pitch, words
from audioguide.speech.synth import SPEAKING_NICENESS, Synthesizer
from tests.clirunner import cli_runner

SENTENCE = "The museum opens at nine in the morning."


def tone(text: str, **settings: object) -> np.ndarray:
    audio = create_engine("tone", EngineSettings(**settings)).synthesize(text)  # type: ignore[arg-type]
    assert audio.sample_rate == SAMPLE_RATE == 22050
    return np.frombuffer(audio.pcm, dtype="<i2")


def dominant_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    return float(np.argmax(spectrum) * SAMPLE_RATE / len(samples))


def test_registered_through_the_entry_point_and_usable() -> None:
    assert "tone" in available_engines()
    engine = create_engine("tone", EngineSettings())
    assert isinstance(engine, ToneEngine) and isinstance(engine, Engine)
    assert engine.name == "tone"
    assert ToneEngine.availability().usable


def test_same_text_gives_the_same_bytes() -> None:
    assert tone(SENTENCE).tobytes() == tone(SENTENCE).tobytes()
    fresh = ToneEngine(EngineSettings()).synthesize(SENTENCE)  # a new instance, same bytes
    assert fresh.pcm == tone(SENTENCE).tobytes()


def test_distinct_words_sound_different() -> None:
    museum, morning = tone("museum"), tone("morning")
    assert museum.tobytes() != morning.tobytes()
    assert pitch("museum") != pitch("morning")
    for word, samples in (("museum", museum), ("morning", morning)):
        assert abs(dominant_hz(samples) - pitch(word)) < 8, word  # the tone is at the word's pitch
    assert tone("Museum!").tobytes() == museum.tobytes()  # a word is a word, however written
    assert tone("The museum opens.").tobytes() != tone("The museum closes.").tobytes()


def test_one_tone_per_word_with_gaps_and_faded_ends() -> None:
    samples = tone(SENTENCE)
    assert words(SENTENCE) == ["the", "museum", "opens", "at", "nine", "in", "the", "morning"]
    silent = np.abs(samples) == 0
    # runs of silence between the words: seven gaps for eight words
    edges = np.flatnonzero(np.diff(silent.astype(np.int8)) == 1)
    assert len(edges) == 7
    assert samples[0] == 0 or abs(int(samples[0])) < 200  # faded in, no click
    assert abs(int(samples[-1])) < 200  # faded out
    peak = int(np.max(np.abs(samples)))
    assert 0.4 * 32767 < peak <= 0.5 * 32767 + 1
    seconds = len(samples) / SAMPLE_RATE
    assert 8 * 0.12 < seconds < 3.0
    assert tone("...").size == 0 and tone("").size == 0  # nothing to say, no sound


def test_longer_words_last_longer() -> None:
    assert tone("antidisestablishmentarianism").size > tone("cat").size


def test_rate_shortens_and_is_part_of_the_identity() -> None:
    normal, fast = tone(SENTENCE), tone(SENTENCE, rate=1.5)
    assert fast.size == pytest.approx(normal.size / 1.5, rel=0.02)
    assert tone(SENTENCE, rate=0.8).size > normal.size
    ident = create_engine("tone", EngineSettings(rate=1.5)).identity()
    assert ident["engine"] == "tone" and ident["rate"] == 1.5 and "format" in ident
    assert ident != create_engine("tone", EngineSettings()).identity()


def test_synthesizer_caches_tone_sentences(tmp_path) -> None:
    synth = Synthesizer("tone", EngineSettings(), SentenceCache(tmp_path), jobs=2)
    utterances = [Utterance(0, SENTENCE, 0.3), Utterance(1, "Welcome.", 0.3),
                  Utterance(2, SENTENCE, 0.3)]
    synth.prepare(utterances)
    assert synth.synthesized == 2
    assert synth.audio(utterances[0]).pcm == tone(SENTENCE).tobytes()
    again = Synthesizer("tone", EngineSettings(), SentenceCache(tmp_path))
    again.prepare(utterances)
    assert again.synthesized == 0


def test_voices_lists_the_tone_engine_as_usable() -> None:
    result = cli_runner().invoke(cli, ["voices"])
    assert result.exit_code == 0
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert "usable" in lines["tone"] and "not usable" not in lines["tone"]


def test_a_tone_project_renders_end_to_end(tmp_path) -> None:
    """A short article through the whole pipeline with the tone voice: an MP3 whose cues line
    up with the words' tones."""
    from tests.conftest import decode

    root = tmp_path / "p"
    (root / "episodes").mkdir(parents=True)
    (root / "audioguide.toml").write_text('[voice]\nengine = "tone"\n\n[audio]\nmusic = "none"\n')
    article = root / "note.txt"
    article.write_text("A short note\n\nThe first sentence is here. And a second one follows.\n")
    result = cli_runner().invoke(cli, ["-C", str(root), "render", str(article)])
    assert result.exit_code == 0, result.output
    assert "sentences synthesized" in result.stdout
    mp3 = root / "output" / "episodes" / "a-short-note.mp3"
    samples = decode(mp3)
    assert len(samples) / 44100 > 2
    import json

    record = json.loads(mp3.with_suffix(".json").read_text())
    for cue in record["cues"]:
        middle = samples[int((cue["start"] + cue["end"]) / 2 * 44100) - 2205:][:4410]
        assert np.sqrt(np.mean(middle**2)) > 0.02, cue["text"]  # a tone is heard during each cue


class _Gated:
    """A two-worker engine (wrapping the tone engine) that holds one sentence until told to go on,
    and notes when each sentence starts."""

    cpu_bound, concurrency = True, 2

    def __init__(self, inner: object, held: str) -> None:
        self.inner, self.held = inner, held
        self.started: dict[str, threading.Event] = {}
        self.go = threading.Event()

    def begun(self, text: str) -> threading.Event:
        return self.started.setdefault(text, threading.Event())

    def synthesize(self, text: str) -> object:
        self.begun(text).set()
        if text == self.held:
            assert self.go.wait(30), "never let go"
        return self.inner.synthesize(text)  # type: ignore[attr-defined]


def test_the_next_segments_sentences_start_before_the_last_of_this_one_is_done(tmp_path) -> None:
    synth = Synthesizer("tone", EngineSettings(), SentenceCache(tmp_path), jobs=2)
    gated = _Gated(synth.engine, held="Last of the first.")
    synth.engine = gated  # type: ignore[assignment]
    groups = [[Utterance(0, "First of the first.", 0.3), Utterance(0, "Last of the first.", 0.3)],
              [Utterance(1, "First of the second.", 0.3), Utterance(1, "Last of the second.", 0.3)]]
    ready: list[int] = []
    worker = threading.Thread(target=lambda: ready.extend(synth.prepare_groups(groups)))
    worker.start()
    try:
        # while the first segment's last sentence is held, the free worker goes on to the second
        # segment (waiting at each segment's end would leave it idle until this one is done)
        assert gated.begun("First of the second.").wait(30)
        assert ready == []
    finally:
        gated.go.set()
        worker.join(30)
    assert ready == [0, 1] and synth.synthesized == 4


class _Noting:
    """A two-worker engine (wrapping the tone engine) that notes the priority each sentence is
    spoken at (Linux's per-thread nice value)."""

    concurrency = 2

    def __init__(self, inner: object, cpu_bound: bool) -> None:
        self.inner, self.cpu_bound = inner, cpu_bound
        self.niceness: list[int] = []

    def synthesize(self, text: str) -> object:
        self.niceness.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return self.inner.synthesize(text)  # type: ignore[attr-defined]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="threads have their own priority on Linux")
@pytest.mark.parametrize("cpu_bound", [True, False])
def test_a_voice_that_computes_yields_to_mastering(tmp_path, cpu_bound: bool) -> None:
    # a voice that computes speaks below the render's priority, so that mastering (in the render's
    # own threads) keeps up with it; a voice on the network waits anyway, at the render's priority
    synth = Synthesizer("tone", EngineSettings(), SentenceCache(tmp_path), jobs=2)
    noting = _Noting(synth.engine, cpu_bound)
    synth.engine = noting  # type: ignore[assignment]
    synth.prepare([Utterance(0, f"Sentence number {n}.", 0.3) for n in ("one", "two", "three")])
    here = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    expected = min(19, here + SPEAKING_NICENESS) if cpu_bound else here
    assert noting.niceness == [expected] * 3
