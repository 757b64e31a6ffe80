"""Synthesis through the sentence cache, with both cores busy.

:class:`Synthesizer` wraps one engine: it knows every sentence's cache key, synthesizes only
the sentences the cache lacks (several at once: Piper one core per sentence, gTTS a polite
number of concurrent requests), and hands audio back one sentence at a time from the cache,
so an episode of any length never sits in memory whole.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Generator, Sequence
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
SPEAKING_NICENESS = 10
"""How much lower (Linux's ``nice``) the threads that speak a CPU-bound voice run than the rest
of the render. Speech runs ahead of mastering, and mastering (each segment's gain waiting on the
one before's measurement) got a third of the processor beside two voices: when the 33-minute
new text of ``scripts/bench`` was spoken, 24 segments were still to be made, one after the
other, with a core half idle (6.3 s). Yielding to mastering, the voices are only one segment
ahead: 60.7-62.5 s against 63.0-65.0 s (five renders and three, alternating), the last segment
made 0.4 s after the last sentence. Only the pool's own threads are lowered: a thread cannot raise
its priority again without privileges."""


def _yield_to_mastering() -> None:
    """Lower the calling thread's priority by :data:`SPEAKING_NICENESS` (Linux, where a thread
    has a priority of its own; elsewhere nothing: there the call would name a process)."""
    if not sys.platform.startswith("linux"):
        return
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + SPEAKING_NICENESS)
    except OSError:  # a system that refuses it: the voices run at the render's priority
        pass


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
        for _ in self.prepare_groups([utterances], where=where, progress=progress):
            pass

    def prepare_groups(self, groups: Sequence[Sequence[Utterance]], *, where: str = "",
                       progress: Progress | None = None,
                       starting: Callable[[int], None] | None = None) -> Generator[int, None, None]:
        """Put every sentence of ``groups`` (an episode's segments) into the cache, and yield
        each group's index, in order, as soon as its sentences are there.

        The missing sentences are spoken in order, several at once, without waiting at the end
        of a group: while the caller works on the group just yielded, the workers are already on
        the next one's (waiting at each group's end left a core idle for its last sentence).
        ``starting(i)`` is called before waiting for group ``i``; ``progress`` as in
        :meth:`prepare`. Closing the iterator early, or a sentence that fails, drops the
        sentences not yet started and waits for those being spoken."""
        todo: dict[str, str] = {}
        counts: dict[str, int] = {}
        waits: list[list[str]] = []
        ready = 0
        for group in groups:
            keys: list[str] = []
            for u in group:
                if not u.text:
                    continue
                key = self.key(u.text)
                counts[key] = counts.get(key, 0) + 1
                if key not in todo and key not in self.cache:
                    todo[key] = u.text
                    keys.append(key)
                elif key not in todo:
                    ready += 1
            waits.append(keys)
        if progress and ready:
            progress(ready)
        if todo:
            log.info("synthesizing %d of %d sentences (%d at a time)", len(todo),
                     sum(len(g) for g in groups), self._concurrency())
        workers = self._concurrency()
        if workers == 1 or len(todo) <= 1:
            for index, keys in enumerate(waits):
                if starting:
                    starting(index)
                for key in keys:
                    self.speak(key, todo[key], where=where)
                    self._spoken(key, counts, progress)
                yield index
            return
        lower = Capabilities.of(self.engine).cpu_bound  # a voice on the network waits, it does not compute
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="speak",
                                  initializer=_yield_to_mastering if lower else None)
        finished = False
        try:
            futures = {key: pool.submit(self.speak, key, text, where=where) for key, text in todo.items()}
            for index, keys in enumerate(waits):
                if starting:
                    starting(index)
                for key in keys:
                    futures[key].result()
                    self._spoken(key, counts, progress)
                yield index
            finished = True
        finally:
            if not finished:
                # Ctrl-C, a sentence that failed, or the caller gave up: the sentences not yet
                # started are dropped, and the ones being spoken are waited for (a voice cannot
                # be stopped mid-sentence, and the process must not exit while threads still run
                # inside it: that aborts it)
                faults.release()
                pool.shutdown(wait=True, cancel_futures=True)
            else:
                pool.shutdown(wait=True)

    def _spoken(self, key: str, counts: dict[str, int], progress: Progress | None) -> None:
        self.synthesized += 1
        if progress:
            progress(counts[key])

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
