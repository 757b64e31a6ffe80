"""Speech engines: one small protocol, found through the ``audioguide.engines`` entry points.

An engine is a class registered under the entry-point group ``audioguide.engines`` (the
built-in ``piper`` and ``gtts`` are registered the same way, in ``pyproject.toml``). It is
built from :class:`EngineSettings` and turns one sentence into :class:`~audioguide.models.Audio`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import ClassVar, Protocol, runtime_checkable

from audioguide.errors import EngineError
from audioguide.models import Audio
from audioguide.settings import same_language

GROUP = "audioguide.engines"


@dataclass(frozen=True)
class EngineSettings:
    """Everything that selects and tunes a voice. All of it changes the sound."""

    voice: str | None = None
    """Engine-specific voice: a Piper ``.onnx`` path or bundled name; unused by gTTS."""
    language: str = "en"
    """Language code of the text (``en``, ``en-US``, ``de``)."""
    rate: float = 1.0
    """Speaking rate: 1.0 is the voice's normal speed, 1.2 is 20 % faster."""
    variation: float = 1.0
    """Piper only: scales the voice's noise settings; 0 gives the same samples on every run."""
    tld: str = "com"
    """gTTS only: Google host top-level domain, which selects the accent (``co.uk``, ``com.au``)."""
    slow: bool = False
    """gTTS only: Google's slow reading."""


@dataclass(frozen=True)
class Availability:
    """Whether an engine can run on this machine, and if not, why and how to fix it."""

    usable: bool
    detail: str


@dataclass(frozen=True)
class Voice:
    """A voice an engine can speak with here, as ``audioguide voices`` lists it."""

    name: str
    """What selects it: the value of ``voice`` (Piper), the language code (gTTS)."""
    language: str
    """The language it speaks (``en-US``, ``fr``); empty when it reads any text, ``?`` when unknown."""
    source: str
    """Where it comes from: an installed package, a file, an online service."""
    detail: str = ""
    """Anything else worth knowing: sample rate, quality, what it needs."""
    default: bool = False
    """The engine's own choice when no voice is configured."""
    chosen: bool = False
    """The voice the settings :meth:`Engine.voices` was given select."""

    def speaks(self, language: str) -> bool:
        """Whether it reads text in ``language``: the same base language (``en-GB`` text, an
        ``en-US`` voice), as the engines themselves accept; a voice without one reads any.

        >>> [Voice("x", lang, "").speaks("en_gb") for lang in ("en-US", "fr", "")]
        [True, False, True]
        """
        return not self.language or same_language(self.language, language)


@runtime_checkable
class Engine(Protocol):
    """What audioguide needs from a speech engine."""

    name: str
    speaks_phonemes: ClassVar[bool]
    """Capability: text may carry espeak phonemes in ``[[ … ]]`` (lexicon entries for Piper)."""
    concurrency: ClassVar[int]
    """Capability: how many sentences may be synthesized at once."""
    cpu_bound: ClassVar[bool]
    """Capability: synthesis uses this machine's cores, so ``--jobs`` limits the concurrency too
    (a network engine is limited only by its own politeness)."""
    words_per_minute: ClassVar[float]
    """Capability: how fast the voice reads at rate 1.0, in words as written per minute of the
    audio it returns (the silence it pads sentences with included), measured; a render's
    duration estimate divides the words by it (times the ``rate`` setting)."""

    def __init__(self, settings: EngineSettings) -> None: ...

    def synthesize(self, text: str) -> Audio:
        """Speak one sentence; raise :class:`~audioguide.errors.EngineError` on failure."""
        ...

    def identity(self) -> dict[str, object]:
        """Everything that changes the sound (engine, voice, model hash, rate…), for cache keys."""
        ...

    @classmethod
    def availability(cls) -> Availability:
        """Whether this engine can run here; must be cheap and must not raise."""
        ...

    @classmethod
    def voices(cls, settings: EngineSettings) -> list[Voice]:
        """The voices this engine can use here, the one ``settings`` selects marked ``chosen``
        (listed even when it cannot be found, with why in its ``detail``); must not raise."""
        ...


TYPICAL_WORDS_PER_MINUTE = 155.0
"""Words a minute of an audiobook or podcast narrator (150-160 is the usual figure): the speed
assumed for an engine that does not state its own."""


@dataclass(frozen=True)
class Capabilities:
    """What an engine can do, read from its class (absent attributes mean "no", one at a time)."""

    phonemes: bool = False
    concurrency: int = 1
    cpu_bound: bool = False
    words_per_minute: float = TYPICAL_WORDS_PER_MINUTE
    """An engine that does not say reads at a typical narrator's pace."""

    @classmethod
    def of(cls, engine: type[Engine] | Engine) -> Capabilities:
        wpm = getattr(engine, "words_per_minute", None)
        return cls(bool(getattr(engine, "speaks_phonemes", False)),
                   max(1, int(getattr(engine, "concurrency", 1))),
                   bool(getattr(engine, "cpu_bound", False)),
                   float(wpm) if isinstance(wpm, (int, float)) and wpm > 0 else TYPICAL_WORDS_PER_MINUTE)

    def workers(self, jobs: int) -> int:
        """Sentences to synthesize at once, given ``--jobs``."""
        return max(1, min(jobs, self.concurrency) if self.cpu_bound else self.concurrency)


def capabilities(name: str) -> Capabilities:
    """The capabilities of the engine registered as ``name``; an engine that cannot be loaded
    has none (the error is reported where it is used)."""
    try:
        return Capabilities.of(engine_class(name))
    except EngineError:
        return Capabilities()


@functools.cache
def available_engines() -> dict[str, object]:
    """Registered engine entry points by name (not loaded). Read once per process: scanning the
    installed packages' metadata takes milliseconds, and every planned episode asks."""
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def engine_class(name: str) -> type[Engine]:
    """Load the engine class registered as ``name``."""
    eps = available_engines()
    if name not in eps:
        known = ", ".join(sorted(eps)) or "none"
        raise EngineError(
            f"unknown speech engine {name!r} (registered: {known})",
            fix='Set engine to one of those in audioguide.toml or pass --engine',
        )
    try:
        return eps[name].load()  # type: ignore[attr-defined,no-any-return]
    except ImportError as exc:
        raise EngineError(
            f"speech engine {name!r} cannot be loaded: {exc}",
            fix="Install its extra, for example pip install 'audioguide[piper]'",
        ) from exc


def create_engine(name: str, settings: EngineSettings) -> Engine:
    """Instantiate the engine ``name`` with ``settings``."""
    return engine_class(name)(settings)


def warm_up(name: str, settings: EngineSettings) -> None:
    """Load what the engine ``name`` needs before its first sentence (a local voice), for a
    process that will speak later (``audioguide watch``). An engine without a ``warm()`` method
    has nothing to load; one that cannot load says so when it is first asked to speak."""
    warm = getattr(create_engine(name, settings), "warm", None)
    if callable(warm):
        warm()


@dataclass(frozen=True)
class EngineVoices:
    """A registered engine as ``audioguide voices`` lists it."""

    name: str
    availability: Availability
    voices: tuple[Voice, ...]


def engine_voices(settings: Callable[[str], EngineSettings], only: str | None = None) -> list[EngineVoices]:
    """Every registered engine (or only the one named ``only``), whether it can run here and
    the voices it can use, each asked of the engine itself; ``settings(name)`` gives the
    settings whose voice each engine marks as chosen. Never raises for a broken engine."""
    listed = []
    for name, ep in sorted(available_engines().items()):
        if only is not None and name != only:
            continue
        try:
            cls = ep.load()  # type: ignore[attr-defined]
            status = cls.availability()
        except Exception as exc:  # noqa: BLE001 - a third-party engine that fails to import
            listed.append(EngineVoices(name, Availability(False, f"cannot be loaded: {exc}"), ()))
            continue
        try:
            voices = tuple(cls.voices(settings(name))) if hasattr(cls, "voices") else ()
        except Exception as exc:  # noqa: BLE001 - an engine's listing must not hide the others
            status = Availability(status.usable, f"{status.detail}; its voices cannot be listed: {exc}")
            voices = ()
        listed.append(EngineVoices(name, status, voices))
    return listed
