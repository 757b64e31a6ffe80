"""Synthesis through the sentence cache, with both cores busy.

:class:`Synthesizer` wraps one engine: it knows every sentence's cache key, synthesizes only
the sentences the cache lacks (several at once: Piper one core per sentence, gTTS a polite
number of concurrent requests), and hands audio back one sentence at a time from the cache,
so an episode of any length never sits in memory whole.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from audioguide import faults
from audioguide.errors import EngineError
from audioguide.models import Audio, Utterance
from audioguide.speech.cache import SentenceCache, sentence_key
from audioguide.speech.engines import (
    Capabilities,
    Engine,
    EngineSettings,
    create_engine,
)

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
SILENCE = Audio(b"", 22050)


@dataclass
class Synthesizer:
    """One engine with its settings, the cache, and a count of what was really synthesized."""

    name: str
    settings: EngineSettings
    cache: SentenceCache
    jobs: int = 2
    engine: Engine = field(init=False)
    synthesized: int = 0
    """Sentences this synthesizer sent to the engine (cache misses)."""

    def __post_init__(self) -> None:
        self.engine = create_engine(self.name, self.settings)
        self._identity = self.engine.identity()

    def key(self, text: str) -> str:
        return sentence_key(self._identity, text)

    def keys(self, utterances: list[Utterance]) -> list[str]:
        return [self.key(u.text) if u.text else "" for u in utterances]

    def _concurrency(self) -> int:
        return Capabilities.of(self.engine).workers(self.jobs)

    def prepare(self, utterances: list[Utterance], *, where: str = "",
                progress: Progress | None = None) -> None:
        """Make sure every sentence is in the cache, synthesizing the missing ones in parallel.

        ``progress`` is told how many sentences (utterances with text) are ready as they become
        ready, in the calling thread: first those already in the cache, then each one spoken."""
        todo: dict[str, str] = {}
        counts: dict[str, int] = {}
        done = 0
        for u in utterances:
            if not u.text:
                continue
            key = self.key(u.text)
            counts[key] = counts.get(key, 0) + 1
            if key not in todo and key not in self.cache:
                todo[key] = u.text
            elif key not in todo:
                done += 1
        if progress and done:
            progress(done)
        if not todo:
            return
        log.info("synthesizing %d of %d sentences (%d at a time)", len(todo), len(utterances),
                 self._concurrency())

        def speak(item: tuple[str, str]) -> str:
            self.speak(*item, where=where)
            return item[0]

        workers = self._concurrency()
        if workers == 1 or len(todo) == 1:
            finished = map(speak, todo.items())
            for key in finished:
                self.synthesized += 1
                if progress:
                    progress(counts[key])
            return
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="speak")
        try:
            for key in pool.map(speak, todo.items()):
                self.synthesized += 1
                if progress:
                    progress(counts[key])
        except BaseException:
            # Ctrl-C, or a sentence that failed: the sentences not yet started are dropped, and
            # the ones being spoken are waited for (a voice cannot be stopped mid-sentence, and
            # the process must not exit while threads still run inside it: that aborts it)
            faults.release()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)

    def speak(self, key: str, text: str, *, where: str = "") -> None:
        """Synthesize one sentence into the cache; a failure names the episode and the sentence."""
        try:
            audio = self.engine.synthesize(text)
        except EngineError as exc:
            sentence = text if len(text) < 80 else text[:77] + "..."
            prefix = f"{where}: " if where else ""
            raise EngineError(f"{prefix}while speaking {sentence!r}: {exc.message}") from exc
        self.cache.put(key, audio)
        faults.point("sentence-cached")

    @property
    def identity(self) -> dict[str, object]:
        """The engine's identity (what the cache keys are made from)."""
        return self._identity

    def audio(self, utterance: Utterance) -> Audio:
        """The audio of one prepared sentence, read from the cache."""
        if not utterance.text:
            return SILENCE
        key = self.key(utterance.text)
        audio = self.cache.get(key)
        if audio is None:  # evicted or damaged since prepare(): speak it again
            audio = self.engine.synthesize(utterance.text)
            self.synthesized += 1
            self.cache.put(key, audio)
        return audio
