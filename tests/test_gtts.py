"""The gTTS engine against a local copy of Google's TTS endpoint (and, with ``-m net``, Google).

This machine has no internet, so the engine talks to :class:`gtts_fake.FakeGoogleTTS`: a real
HTTP server on 127.0.0.1 speaking Google's ``batchexecute`` protocol, with real MP3 audio made
from the text (here by the tone engine: the protocol, retries and decoding are plumbing, and
need no neural voice behind them).
gTTS is pointed at it by monkeypatching ``gtts.tts._translate_url``, the function gTTS builds
its request URL with (``fake.install(monkeypatch)``); nothing in the engine knows about it.
Faults are queued on ``fake.faults`` and every request is logged in ``fake.requests``.
"""

from __future__ import annotations

import socket
from types import SimpleNamespace

import numpy as np
import pytest
from gtts import gTTS

from audioguide.errors import EngineError
from audioguide.models import Audio
from audioguide.speech.engines import Availability, EngineSettings
from audioguide.speech.engines.gtts import GTTSEngine
from audioguide.speech.engines.tone import ToneEngine
from tests.gtts_fake import FakeGoogleTTS

SHORT = "The museum opens at nine in the morning."
LONG = (
    "Walk past the fountain and through the iron gate, then turn left at the old bakery, "
    "where the guided tour of the medieval quarter begins every hour on the hour."
)


class ToneVoice:
    """The voice behind the fake Google: the tone engine, answering like Piper's ``synthesize``
    (chunks of 16-bit PCM; a ``length_scale`` above 1 is Google's slow reading)."""

    def synthesize(self, text: str, config: object) -> list[SimpleNamespace]:
        rate = 1.0 / float(getattr(config, "length_scale", None) or 1.0)
        audio = ToneEngine(EngineSettings(rate=rate)).synthesize(text)
        return [SimpleNamespace(audio_int16_bytes=audio.pcm, sample_rate=audio.sample_rate)] if audio.pcm else []


@pytest.fixture(scope="module")
def server():
    """One fake Google per module."""
    with FakeGoogleTTS(ToneVoice(), stall_seconds=1.0) as fake:
        yield fake


@pytest.fixture
def fake(server, monkeypatch):
    """The shared fake, emptied, with gTTS pointed at it for this test."""
    server.reset()
    server.install(monkeypatch)
    return server


@pytest.fixture
def delays(monkeypatch):
    """Backoff sleeps, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr(GTTSEngine, "sleep", staticmethod(recorded.append))
    return recorded


@pytest.fixture
def engine(delays):
    return GTTSEngine(EngineSettings(language="en"))


def expected_parts(text: str) -> list[str]:
    """The pieces gTTS sends for ``text`` (it cleans and splits at 100 characters)."""
    return gTTS(text, lang="en")._tokenize(text)


def rms(audio: Audio) -> float:
    samples = np.frombuffer(audio.pcm, dtype="<i2").astype(np.float64)
    return float(np.sqrt(np.mean(samples**2))) if samples.size else 0.0


# --- synthesis -------------------------------------------------------------------------------


def test_synthesizes_real_speech_through_the_protocol(fake, engine):
    audio = engine.synthesize(SHORT)

    assert isinstance(audio, Audio)
    assert audio.sample_rate == 24000
    assert 0.3 < audio.seconds < 10
    assert rms(audio) > 300, "decoded speech should not be silent"
    assert [(r.text, r.lang, r.slow, r.rpc, r.outcome) for r in fake.requests] == [
        (expected_parts(SHORT)[0], "en", False, "jQ1olc", "ok")
    ]


def test_long_sentence_is_split_into_several_requests(fake, engine):
    short = engine.synthesize(SHORT)
    fake.reset()

    audio = engine.synthesize(LONG)

    parts = expected_parts(LONG)
    assert len(parts) >= 2
    assert fake.texts == parts
    assert all(len(t) <= 100 for t in fake.texts)
    assert audio.seconds > short.seconds
    assert rms(audio) > 300


def test_rate_speeds_google_audio_up_with_atempo(fake, engine, delays):
    normal = engine.synthesize(SHORT)
    faster = GTTSEngine(EngineSettings(language="en", rate=1.5)).synthesize(SHORT)
    assert faster.seconds == pytest.approx(normal.seconds / 1.5, rel=0.1)


def test_slow_and_tld_reach_gtts(fake, delays):
    engine = GTTSEngine(EngineSettings(language="en", slow=True, tld="co.uk"))
    engine.synthesize(SHORT)
    assert [r.slow for r in fake.requests] == [True]
    assert engine.identity()["tld"] == "co.uk"


def test_punctuation_only_makes_no_request(fake, engine):
    assert engine.synthesize("...").pcm == b""
    assert fake.requests == []


# --- retries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", ["503", "500", "429", "drop"])
def test_one_transient_failure_then_success(fake, engine, delays, fault):
    fake.faults.append(fault)

    audio = engine.synthesize(SHORT)

    assert rms(audio) > 300
    assert [r.outcome for r in fake.requests] == [fault, "ok"]
    assert fake.texts[0] == fake.texts[1]
    assert len(delays) == 1


def test_read_timeout_then_success(fake, engine, delays, monkeypatch):
    monkeypatch.setattr(GTTSEngine, "timeout", (2.0, 0.3))  # the fake stalls for 1 s
    fake.faults.append("timeout")

    audio = engine.synthesize(SHORT)

    assert audio.seconds > 0.3
    assert [r.outcome for r in fake.requests] == ["timeout", "ok"]
    assert len(delays) == 1


def test_rate_limited_on_every_attempt_gives_up_after_four(fake, engine, delays, monkeypatch):
    monkeypatch.setattr(GTTSEngine, "jitter", staticmethod(lambda: 1.0))  # delays = ceilings
    fake.faults.extend(["429"] * 10)

    with pytest.raises(EngineError) as info:
        engine.synthesize(SHORT)

    err = info.value
    message = err.format_message()
    assert len(fake.requests) == 4
    assert "\n" not in message and "Traceback" not in message
    assert "429" in message and "piper" in message
    assert "after 4 attempts" in message
    assert SHORT not in message and err.text == SHORT
    assert err.exit_code == 1
    assert delays == [0.5, 1.0, 2.0]


def test_backoff_grows_with_full_jitter_and_is_capped(monkeypatch):
    engine = GTTSEngine(EngineSettings())
    monkeypatch.setattr(GTTSEngine, "jitter", staticmethod(lambda: 1.0))
    assert [engine.backoff(n) for n in range(1, 8)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    monkeypatch.setattr(GTTSEngine, "jitter", staticmethod(lambda: 0.0))
    assert engine.backoff(5) == 0.0
    monkeypatch.undo()
    for n in range(1, 10):
        assert 0.0 <= engine.backoff(n) <= min(8.0, 0.5 * 2 ** (n - 1))


@pytest.mark.parametrize("fault", ["garbage", "noaudio", "403"])
def test_answers_without_audio_or_client_errors_are_not_retried(fake, engine, delays, fault):
    fake.faults.append(fault)

    with pytest.raises(EngineError) as info:
        engine.synthesize(SHORT)

    message = info.value.format_message()
    assert len(fake.requests) == 1 and delays == []
    assert "\n" not in message and "piper" in message and SHORT not in message


def test_unreachable_service_fails_fast(monkeypatch, engine, delays):
    import gtts.tts

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setattr(
        gtts.tts, "_translate_url", lambda tld="com", path="": f"http://127.0.0.1:{port}/{path}"
    )

    with pytest.raises(EngineError) as info:
        engine.synthesize(SHORT)

    message = info.value.format_message()
    assert delays == []  # refused at once: no retries, no backoff
    assert "refused" in message and "piper" in message and "audioguide.toml" in message
    assert "\n" not in message and "Traceback" not in message and SHORT not in message


def test_unresolvable_host_fails_fast(monkeypatch, engine, delays):
    import gtts.tts

    monkeypatch.setattr(
        gtts.tts, "_translate_url", lambda tld="com", path="": f"http://tts.invalid/{path}"
    )
    with pytest.raises(EngineError) as info:
        engine.synthesize(SHORT)
    assert delays == []
    assert "resolved" in info.value.format_message()


# --- settings and identity -------------------------------------------------------------------


def test_unknown_language_is_rejected():
    with pytest.raises(EngineError) as info:
        GTTSEngine(EngineSettings(language="xx-YY"))
    message = info.value.format_message()
    assert "xx-YY" in message and "audioguide voices" in message


@pytest.mark.parametrize(
    ("given", "used"), [("en-US", "en"), ("en_GB", "en"), ("zh-tw", "zh-TW"), ("fr-CA", "fr-CA"), ("de", "de")]
)
def test_region_codes_fall_back_to_known_languages(given, used):
    assert GTTSEngine(EngineSettings(language=given)).lang == used


def test_region_code_is_sent_as_its_base_language(fake, delays):
    GTTSEngine(EngineSettings(language="en-US")).synthesize(SHORT)
    assert [r.lang for r in fake.requests] == ["en"]


def test_identity():
    import gtts

    identity = GTTSEngine(EngineSettings(language="en-US", tld="com.au")).identity()
    assert identity == {
        "engine": "gtts",
        "lang": "en",
        "tld": "com.au",
        "slow": False,
        "rate": 1.0,
        "gtts": gtts.__version__,
    }


def test_availability_is_quick_and_never_raises(monkeypatch):
    from audioguide.speech.engines import gtts as gtts_engine

    real = gtts_engine._tcp_reachable
    waits: list[float] = []

    def recording(host: str, port: int, timeout: float) -> str | None:
        waits.append(timeout)
        return real(host, port, timeout)

    monkeypatch.setattr(gtts_engine, "_tcp_reachable", recording)
    result = GTTSEngine.availability()
    assert isinstance(result, Availability)
    assert waits and max(waits) <= 2.0  # one bounded connection attempt, whatever the network
    if not result.usable:
        assert "piper" in result.detail


# --- the real service ------------------------------------------------------------------------


@pytest.mark.net
def test_live_google_tts():
    if not GTTSEngine.availability().usable:
        pytest.skip("Google's TTS service is not reachable from this machine")
    audio = GTTSEngine(EngineSettings(language="en")).synthesize(SHORT)
    assert audio.sample_rate == 24000
    assert 0.3 < audio.seconds < 10
    assert rms(audio) > 300


def test_synthesizer_sends_gtts_requests_concurrently_into_the_cache(fake, delays, tmp_path):
    """Through the sentence cache: every sentence requested once, in parallel, then cached."""
    from audioguide.models import Utterance
    from audioguide.speech.cache import SentenceCache
    from audioguide.speech.synth import Synthesizer

    synth = Synthesizer("gtts", EngineSettings(language="en"), SentenceCache(tmp_path), jobs=1)
    assert synth._concurrency() == 4
    texts = [f"Sentence number {n} of the test." for n in ("one", "two", "three", "four", "five")]
    utterances = [Utterance(0, t, 0.3) for t in [*texts, texts[0]]]
    synth.prepare(utterances)
    assert sorted(fake.texts) == sorted(t.rstrip(".") for t in texts) and synth.synthesized == 5
    assert all(synth.audio(u).seconds > 0.3 for u in utterances)
    fake.reset()
    synth.prepare(utterances)  # all cached now
    assert fake.texts == []
