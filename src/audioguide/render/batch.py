"""One render's shared state, and rendering its pending items on this machine: each item is
mixed and mastered in a second thread while the next one is synthesized (as a cluster overlaps
them across workers: :mod:`audioguide.render.cluster` uses the same :class:`Batch`).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from audioguide import faults
from audioguide.audio import mix
from audioguide.errors import AudioguideError, naming, unwritable
from audioguide.layout import RECORD, Output
from audioguide.models import Script, Utterance
from audioguide.render import guides
from audioguide.render.assembly import Assembly
from audioguide.render.inputs import Overrides, as_guide, described, engine_choice
from audioguide.render.items import (
    Pending,
    Progress,
    Report,
    SynthPool,
    build_key,
    cover_for,
    episode_artwork,
    episode_dest,
    episode_job,
    episode_media,
    name_script,
    up_to_date,
    write_episode,
)
from audioguide.settings import Config

log = logging.getLogger(__name__)

WAKE = 0.1
"""Seconds the main thread waits for the mastering thread at a time. The kernel may hand Ctrl-C's
signal to any thread, and a main thread blocked without a timeout acts on it only when it wakes:
waiting for the last episode's mastering, Ctrl-C went unheard until it was done."""


@dataclass
class Batch:
    """One render's shared state: where files go, the music, the report and its failures."""

    config: Config
    out_dir: Path
    cover: Path | None
    bed: Callable[[], mix.MusicBed]
    report: Report
    single: bool
    """Rendering a single input: its failure is the command's failure, raised as it is."""
    publish_guide: guides.PublishGuide
    progress: Progress | None = None
    """Told of each item and sentence as it is ready (see :class:`Progress`)."""
    assemblies: list[Assembly] = field(default_factory=list)
    """The episodes being made here, told to stop when the render is interrupted."""

    def pending(self, path: Path, script: Script, utterances: list[Utterance], pool: SynthPool,
                numbers: dict[str, int], overrides: Overrides) -> Pending | None:
        """The work for one input, or ``None`` when its files are up to date (then it is
        counted as unchanged)."""
        name, settings = engine_choice(self.config, script, overrides)
        synth = pool.get(name, settings)
        guide = as_guide(script, overrides)
        script = script if guide else described(self.config, script)
        number = None if guide else numbers.get(script.meta.slug)  # a guide's stops are its own numbers
        work = Pending(path, script, utterances, synth, number, guide, "")
        work.key = build_key(self.config, script, utterances, synth, number=number, cover=self.cover,
                             guide_mode=work.guide)
        out = Output(self.out_dir)
        slug = script.meta.slug
        if work.guide:
            folder = out.guide(slug)
            record = out.guide_record(slug)
            if not up_to_date(record, work.key, lambda d: guides.media_files(folder, d)):
                episode_artwork(script)  # a cover Apple would refuse: refused before anything is spoken
                return work
            self.report.guides.append(guides.load_record(folder))
        else:
            record = out.episode(slug, RECORD)
            if not up_to_date(record, work.key, functools.partial(episode_media, record)):
                episode_artwork(script)  # a cover Apple would refuse: refused before anything is spoken
                return work
        name_script(record, self.config, script)
        self.report.unchanged.append(slug)
        return None

    def failed(self, path: Path, exc: OSError) -> None:
        """:meth:`fail` for an item that could not be written (a full disk, a read-only folder):
        the others may still fit. Any other :class:`OSError` is a bug, and is raised."""
        said = unwritable(exc)
        if said is None:
            raise exc
        self.fail(path, said)

    def fail(self, path: Path, exc: AudioguideError) -> None:
        """Record a failed input and go on with the others (or raise, for a single input); either
        way its message names the input."""
        exc = naming(exc, path)
        if self.single and not self.report.failures:
            raise exc
        self.report.failures.append((str(path), exc))

    def render_all_here(self, pending: list[Pending]) -> None:
        """Render on this machine. A second thread masters while this one synthesizes: each
        episode segment by segment (:mod:`audioguide.render.assembly`: a segment is mastered
        while the next is spoken), each guide as a whole while the next item is spoken."""
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="master") as masterer:
            try:
                running: list[tuple[Pending, Future[None]]] = []
                for number, work in enumerate(pending):
                    if self.progress:
                        self.progress.begin(number)
                    done = (self._guide(work, masterer) if work.guide
                            else self._episode_in_segments(work, masterer))
                    if done is not None:
                        running.append((work, done))
                for work, done in running:
                    self._collect(work, done)
            except KeyboardInterrupt:
                # Ctrl-C: only the step under way is waited for (about a second), not every
                # segment queued behind it (27 s for a 30-minute episode); the episode being
                # made is left as it was
                for assembly in self.assemblies:
                    assembly.stop()
                masterer.shutdown(wait=False, cancel_futures=True)
                faults.release()  # a step paused at a fault point goes on, and stops
                raise

    def _prepare(self, work: Pending, utterances: list[Utterance]) -> bool:
        """Put ``utterances`` into the sentence cache; ``False`` (the item failed) if that fails."""
        try:
            work.synth.prepare(utterances, where=str(work.script.path or work.script.meta.slug),
                               progress=self.progress)
        except AudioguideError as exc:
            self.fail(work.path, exc)
            return False
        except OSError as exc:
            self.failed(work.path, exc)
            return False
        return True

    def _guide(self, work: Pending, masterer: ThreadPoolExecutor) -> Future[None] | None:
        if not self._prepare(work, work.utterances):
            return None
        return masterer.submit(self.render_here, work)

    def _episode_in_segments(self, work: Pending, masterer: ThreadPoolExecutor) -> Future[None] | None:
        dest = episode_dest(self.out_dir, work.script)
        job = episode_job(self.config, work.script, work.utterances, work.synth, self.bed(), dest)
        folder = Path(tempfile.mkdtemp(prefix="audioguide-"))
        assembly = job.assembly(work.synth.audio, folder)
        self.assemblies.append(assembly)
        parts: list[Future[None]] = []
        titles = work.script.chapter_titles(self.config.show.language)

        def starting(index: int) -> None:
            if self.progress:
                section = work.utterances[assembly.plan[index][0]].section
                self.progress.chapter(titles[section], section + 1, len(titles))

        groups = [work.utterances[start:end] for start, end in assembly.plan]
        ready = work.synth.prepare_groups(groups, where=str(work.script.path or work.script.meta.slug),
                                          progress=self.progress, starting=starting)
        try:
            with contextlib.closing(ready):  # however this ends, no sentence is still being spoken
                for index in ready:
                    parts.append(masterer.submit(assembly.add, index))
        except (AudioguideError, OSError) as exc:
            self.assemblies.remove(assembly)
            masterer.submit(assembly.close)  # after the segments already queued: none goes on
            masterer.submit(shutil.rmtree, folder, True)
            if isinstance(exc, OSError):
                self.failed(work.path, exc)
            else:
                self.fail(work.path, exc)  # raises for a single input: the two above still run
            return None

        def finish() -> None:
            try:
                for part in parts:  # done already: the same thread ran them first
                    part.result()
                self.report.rendered.append(write_episode(
                    self.config, work.script, assembly.finish, dest=dest,
                    number=work.number, cover=self.cover, key=work.key))
                log.info("rendered %s", work.script.meta.slug)
            finally:
                self.assemblies.remove(assembly)
                shutil.rmtree(folder, ignore_errors=True)

        return masterer.submit(finish)

    def _collect(self, work: Pending, done: Future[None]) -> None:
        while not wait([done], timeout=WAKE).done:
            pass  # awake now and then: a Ctrl-C that another thread received is acted on here
        try:
            done.result()
        except AudioguideError as exc:
            self.fail(work.path, exc)
        except OSError as exc:
            self.failed(work.path, exc)

    def render_here(self, work: Pending) -> None:
        """Mix, master and write one guide whose sentences are in the cache (episodes are made
        segment by segment: :meth:`_episode_in_segments`)."""
        with cover_for(work.script, self.cover) as cover:
            self.report.guides.append(guides.render_guide(
                self.config, work.script, work.utterances, work.synth, out_dir=self.out_dir,
                cover=cover, publish=self.publish_guide, key=work.key))
