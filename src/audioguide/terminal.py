"""What the command line shows while it renders: a progress bar per item on a terminal, and the
one line an interrupted render prints; :func:`run_rendering` runs a render (for ``render`` and
``sync``) under the project's render lock, in its scratch space, with both."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from audioguide.pipeline import SyncReport
    from audioguide.render.items import ProgressFactory, ProgressItem
    from audioguide.settings import Config

T = TypeVar("T")


def counted(n: int, word: str) -> str:
    """``n`` and ``word``, plural unless one (English regular plurals only).

    >>> counted(1, "Piper voice"), counted(0, "episode script")
    ('1 Piper voice', '0 episode scripts')
    """
    return f"{n} {word}{'s' if n != 1 else ''}"


def exit_now(code: int) -> None:
    """Exit at once, after an interrupt: every file is closed and every worker thread has
    finished, but the speech engine's native thread pools must not be torn down by the
    interpreter's exit (onnxruntime then aborts with "terminate called without an active
    exception", exit 134)."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def interrupted(out_dir: Path, files: list[Path]) -> str:
    """The one line a Ctrl-C prints: what this render had already written, if anything."""
    again = "run audioguide render again to finish (finished sentences are cached)"
    try:
        where = str(out_dir.resolve().relative_to(Path.cwd())) + "/"
    except ValueError:
        where = str(out_dir)
    if not files:
        return f"Interrupted: {where} is unchanged; {again}."
    shown = ", ".join(str(f) for f in files[:8]) + (f" and {len(files) - 8} more" if len(files) > 8 else "")
    return (f"Interrupted: wrote {len(files)} file{'s' if len(files) != 1 else ''} in {where} ({shown}), "
            f"each one whole; the item in progress was left as it was; {again}.")


class TerminalProgress:
    """A render's progress on a terminal (stderr): one click progress bar per episode or guide,
    ``episode 2/5 sample: sentence 14/40  [#####     ]``, redrawn in place at most ten times a
    second; each finished item's line stays. On a cluster, whose items overlap, one bar counts
    every item's sentences. Implements :class:`audioguide.render.items.Progress`."""

    REDRAW = 0.1
    """Seconds between two redraws: sentences from the cache come by the thousand a second."""

    def __init__(self, items: list[ProgressItem]) -> None:
        self.items = items
        self.bar: Any = None
        self.now = ""
        """The chapter being spoken, shown after the bar."""
        self.steps = 0
        """Sentences counted but not drawn yet."""
        self.drawn = 0.0

    def _open(self, label: str, length: int) -> None:
        self.close()
        self.now = ""
        self.bar = click.progressbar(length=length, label=label, file=sys.stderr, show_pos=True,
                                     show_percent=False, width=20, item_show_func=lambda _: self.now or None,
                                     bar_template="%(label)s %(info)s  [%(bar)s]")
        self.bar.render_progress()
        self.drawn = time.monotonic()

    def begin(self, item: int) -> None:
        it = self.items[item]
        self._open(f"{it.kind} {item + 1}/{len(self.items)} {it.slug}: sentence", it.sentences)

    def chapter(self, title: str, number: int, total: int) -> None:
        short = title if len(title) <= 40 else title[:39] + "…"
        self.now = f"chapter {number}/{total}: {short}"

    def __call__(self, sentences: int) -> None:
        if self.bar is None:
            self._open("all items: sentence", sum(it.sentences for it in self.items))
        self.steps += sentences
        now = time.monotonic()
        if now - self.drawn >= self.REDRAW or self.bar.pos + self.steps >= self.bar.length:
            self.bar.update(self.steps)
            self.steps, self.drawn = 0, now

    def filter(self, record: logging.LogRecord) -> bool:
        """As a filter of the log handler: a log line starts on a line of its own (the bar
        goes on below it)."""
        if self.bar is not None:
            sys.stderr.write("\n")
        return True

    def close(self) -> bool:
        """Draw what is counted and end the line; whether a bar was open."""
        if self.bar is None:
            return False
        if self.steps:
            self.bar.update(self.steps)
            self.steps = 0
        self.bar.render_finish()
        self.bar = None
        return True


class Terminated(KeyboardInterrupt):
    """SIGTERM (a service manager or ``kill`` stopping a render), ended as Ctrl-C is: the
    progress bar closed (it had hidden the terminal's cursor, and left it hidden), what was
    written said, exit 143."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated


def run_rendering(config: Config, out_dir: Path, run: Callable[[ProgressFactory | None], T], *,
                  wait: float = 0.0, quiet: bool = False) -> T:
    """``run(progress_factory)`` under the render lock (waiting up to ``wait`` seconds for another
    render), with temporary files in the project's scratch space and the progress shown on a
    terminal unless ``quiet``; Ctrl-C says what was written and exits 130."""
    from audioguide.render.lock import render_lock
    from audioguide.render.scratch import scratch_space
    from audioguide.writer import output_root, written

    shown: list[TerminalProgress] = []

    def progress(items: list[ProgressItem]) -> TerminalProgress:
        shown.append(TerminalProgress(items))
        for handler in logging.getLogger().handlers:
            handler.addFilter(shown[-1])
        return shown[-1]

    main = threading.current_thread() is threading.main_thread()
    before = signal.signal(signal.SIGTERM, _terminated) if main else None
    try:
        with render_lock(config.root, wait=wait), scratch_space(config.root), output_root(out_dir):
            return run(progress if sys.stderr.isatty() and not quiet else None)
    except KeyboardInterrupt as stop:
        ended = any([p.close() for p in shown])  # the ^C the terminal echoed ends a line unless a bar did
        click.echo(("\n" if sys.stderr.isatty() and not ended else "") + interrupted(out_dir, written(out_dir)),
                   err=True)
        exit_now(128 + signal.SIGTERM if isinstance(stop, Terminated) else 130)
        raise  # not reached
    finally:
        if main:
            signal.signal(signal.SIGTERM, before)
        for p in shown:
            p.close()
            for handler in logging.getLogger().handlers:
                handler.removeFilter(p)


def sync_lines(report: SyncReport, root: Path) -> list[tuple[str, bool]]:
    """What ``audioguide sync`` says, as ``(line, for stderr)``: per source a count (or that its
    server had nothing new), the scripts kept as edited, the entries gone, the errors; then
    what was taken down and what the render did."""
    from audioguide.errors import naming


    def shown(path: Path) -> str:
        return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)

    lines: list[tuple[str, bool]] = []
    for s in report.sources:
        name = s.source.name
        if s.not_modified:
            lines.append((f"{name}: nothing new (the server says it has not changed)", False))
        elif s.read or not s.failed:  # (said also when every entry failed)
            counts = [f"{len(s.new)} new", f"{len(s.updated)} updated", f"{s.unchanged} unchanged"]
            counts += [f"{len(s.kept)} kept as you edited"] if s.kept else []
            counts += [f"{len(s.failed)} failed"] if s.failed else []
            lines.append((f"{name}: " + ", ".join(counts), False))
        lines += [(f"Wrote {shown(p)}", False) for p in s.new] + [(f"Updated {shown(p)}", False) for p in s.updated]
        lines += [(f"Kept your edits in {shown(p)}: its source changed too (audioguide sync --force merges "
                   "the changes in and keeps your edits)", True) for p in s.kept]
        lines += [(f"{slug}: no longer in {name}; its episode stays published (audioguide sync --prune "
                   "takes it down)", True) for slug in s.gone if slug not in report.pruned]
        lines += [(f"{name}: {old} moved to {new}; {shown(path)} follows it", False) for old, new, path in s.moved]
        lines += [(f"{name}: {label} is the same post as {shown(path)} (from {owner}): one episode for both", False)
                  for label, path, owner in s.same]
        lines += [(f"{name}: {s.skipped}", True)] if s.skipped else []
        lines += [(f"Error: {name}: {e.format_message()}", True) for e in s.failed]  # which feed's entry 4
    lines += [(f"Took down {slug}: its entry left its source", False) for slug in report.pruned]
    if report.render is not None:
        lines += [(f"Failed: {naming(error, where).format_message()}", True)
                  for where, error in report.render.failures]
        lines.append((report.render.summary(), False))
    return lines
