"""Each episode's own published files: WebVTT and SRT captions, JSON chapters and its web page.

They depend on that episode's record alone, so the publisher writes them only for episodes
whose record changed, and, when there are many (a first build of a large show), spreads them
over worker processes while it builds the feed and the show page itself.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from audioguide.layout import CHAPTERS, PAGE, SRT, VTT, Output
from audioguide.publish.records import load_record
from audioguide.publish.site import Pages
from audioguide.publish.transcripts import chapters_json, srt, webvtt
from audioguide.settings import ShowConfig
from audioguide.writer import output_root, write_text

PARALLEL_FROM = 500
"""Changed episodes from which their files are written by worker processes (one per core).
Below it, starting the workers (a fresh interpreter each, about 0.2 s) costs more than it saves:
one episode's four files take about 0.5 ms."""

CHUNK = 100
"""Episodes per task sent to a worker: small enough that Ctrl-C waits for little."""


@dataclass(frozen=True)
class EpisodeFiles:
    """What an episode's files need besides its record: small and picklable, so that a worker
    process can write them."""

    show: ShowConfig
    out_dir: Path
    cover: str
    """The cover's file name inside ``out_dir``."""
    cover_url: str
    feed_url: str
    """Empty when there is no feed."""
    root: Path | None = None
    """The output root the files are staged for (see :mod:`audioguide.writer`), registered in
    each worker as the publishing process has it."""

    def write(self, records: Sequence[Path]) -> int:
        """Load each record and write its episode's files; return how many episodes."""
        out = Output(self.out_dir)
        pages = Pages(self.show, cover=self.cover, feed_url=self.feed_url)
        for path in records:
            record = load_record(path)
            stem = str(out.episode(record.slug, ""))  # checked once: the suffixes add no folder
            write_text(Path(stem + VTT), webvtt(record.cues))
            write_text(Path(stem + SRT), srt(record.cues))
            write_text(Path(stem + CHAPTERS), chapters_json(record, self.cover_url))
            write_text(Path(stem + PAGE), pages.episode(record))
        return len(records)


_worker_root: contextlib.ExitStack | None = None


def _start_worker(root: Path | None) -> None:
    """Worker set-up: Ctrl-C is the publishing process's to handle (it cancels what is left),
    and files are staged for the same output root as there."""
    global _worker_root
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if root is not None:
        _worker_root = contextlib.ExitStack()
        _worker_root.enter_context(output_root(root))


def _write(files: EpisodeFiles, records: Sequence[Path]) -> int:
    return files.write(records)


@contextlib.contextmanager
def writing(files: EpisodeFiles, records: Sequence[Path], *, workers: int | None = None) -> Iterator[None]:
    """Write the files of the episodes whose records are ``records``, during the block.

    In this process before the block runs, or, from :data:`PARALLEL_FROM` episodes on (or with
    ``workers`` > 1), in worker processes while it runs; the block's end waits for them and
    raises their first error. An error or Ctrl-C in the block cancels what has not started."""
    count = workers or ((os.cpu_count() or 1) if len(records) >= PARALLEL_FROM else 1)
    if count <= 1:
        files.write(records)
        yield
        return
    context = multiprocessing.get_context("spawn")  # no fork of a process that may run threads
    pool = ProcessPoolExecutor(count, mp_context=context, initializer=_start_worker,
                               initargs=(files.root,))
    try:
        tasks: list[Future[int]] = [pool.submit(_write, files, records[i:i + CHUNK])
                                    for i in range(0, len(records), CHUNK)]
        yield
        for task in tasks:
            task.result()
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
