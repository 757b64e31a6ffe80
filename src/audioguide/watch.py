"""``audioguide watch``: render, then render again each time an input is saved.

A one-sentence edit rendered by a new process spends most of its time starting: Python and the
imports, then loading the voice, before the one new sentence is spoken. This process stays, with
the voice loaded, so an edit costs what it changes: the new sentences, the segments they fall in
(:mod:`audioguide.render.assembly`), the tags, the feed and the site.

What is watched: ``episodes/`` (scripts, articles, artwork beside them), ``audioguide.toml``,
the inputs given on the command line, and the show's cover image and intro music when they are
files; a file that does not exist yet, in a folder that does, is watched for. After each render
the list is made again (``audioguide.toml`` may name another cover, a folder may have been made
where a file was awaited), and the watches are set again when it changed. Saves are noticed from
the system's file events (``watchfiles``), grouped until the files have been quiet for
:data:`QUIET_MS`. A save that changed no byte (an editor touching a file, a file written again
as it was) starts nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import queue
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from audioguide.layout import CONFIG_NAME, is_hidden
from audioguide.settings import Config

log = logging.getLogger(__name__)

QUIET_MS = 50
"""Milliseconds without a new file event before a group of saves is rendered: an editor's save
(a temporary file, then a rename) arrives as one group."""
TIMEOUT_MS = 200
"""How long one wait for file events lasts: the first one's end tells that the watches are in
place; the next ones let a watcher notice that it should stop."""


def watched(config: Config, inputs: Iterable[Path]) -> list[Path]:
    """The files and folders whose saves start a render: those that exist, and those that do not
    yet but whose folder does (watched through it, so that making them is a save too)."""
    candidates = [config.root / CONFIG_NAME, config.episodes_dir, *inputs]
    for setting in (config.show.image, config.audio.music):
        if setting.strip() and setting.strip().lower() != "none":
            candidates.append(config.root / setting.strip())
    seen: dict[Path, None] = {}
    for path in candidates:
        path = path.resolve()
        if (path.exists() or path.parent.is_dir()) and not any(path.is_relative_to(p) for p in seen if p.is_dir()):
            seen[path] = None
    return list(seen)


def _digest(path: Path) -> str | None:
    if path.is_dir():  # a folder made where a file was awaited: a change, after which it is watched
        return "folder"
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:  # gone, a folder, or not readable: compared as such
        return None


def _files(paths: Iterable[Path]) -> Iterator[Path]:
    """Every file under ``paths`` (folders with everything in them but hidden files)."""
    for path in paths:
        yield from ((p for p in path.rglob("*") if p.is_file() and not is_hidden(p)) if path.is_dir() else [path])


@dataclass
class Contents:
    """What the watched files hold, so that a save which changed nothing is told apart."""

    digests: dict[Path, str | None] = field(default_factory=dict)

    @classmethod
    def of(cls, paths: Iterable[Path]) -> Contents:
        return cls({file: _digest(file) for file in _files(paths)})

    def changed(self, paths: Iterable[Path]) -> list[Path]:
        """Those of ``paths`` whose content differs from when last seen (and remember it)."""
        changed = []
        for path in sorted(set(paths)):
            now = _digest(path)
            if self.digests.get(path) != now:
                changed.append(path)
            if now is None:
                self.digests.pop(path, None)
            else:
                self.digests[path] = now
        return changed


@dataclass
class Watcher:
    """The watched paths, and what they held when watching began (made before the first render,
    so that a save during it is rendered once the watches are in place)."""

    paths: list[Path]
    contents: Contents = field(init=False)

    def __post_init__(self) -> None:
        self.contents = Contents.of(self.paths)

    def watching(self, paths: list[Path]) -> Watcher:
        """A watcher of ``paths`` (after a render that changed what is watched: a new setting in
        ``audioguide.toml``, a folder made where a file was awaited) that remembers what this
        one saw, so that a file both watch, saved meanwhile, is still rendered."""
        moved = Watcher(paths)
        moved.contents.digests.update({path: digest for path, digest in self.contents.digests.items()
                                       if path in moved.contents.digests})
        return moved

    def saves(self, *, ready: Callable[[], None]) -> Generator[list[Path], None, None]:
        """The watched files whose content changed, one group of saves at a time, until Ctrl-C
        (``KeyboardInterrupt``). ``ready()`` is called once the system's watches are in place:
        no save after it is missed.

        Folders are watched with everything in them but hidden files (an editor's temporary,
        swap and backup files: :func:`~audioguide.layout.is_hidden`, which no render reads, and
        which a loaded machine could otherwise report as a save of their own between an editor's
        write and its rename); a single file through the folder it is in,
        for itself only: the system's watch on a file stays with the file it was, so an editor
        that saves by renaming a new file over it would be heard once and never again."""
        folders = [p for p in self.paths if p.is_dir()]
        files = {p for p in self.paths if not p.is_dir()}
        groups: queue.Queue[tuple[int, set[Path]]] = queue.Queue()
        stop = threading.Event()
        watchers = [(folders, True, lambda path: not is_hidden(path)),
                    (sorted({f.parent for f in files}), False, lambda path: path in files)]
        watchers = [w for w in watchers if w[0]]
        threads = [threading.Thread(target=_listen, args=(n, paths, recursive, wanted, groups, stop),
                                    name=f"watch-{n}", daemon=True)
                   for n, (paths, recursive, wanted) in enumerate(watchers)]
        for thread in threads:
            thread.start()
        try:
            waiting = set(range(len(threads)))
            while True:
                try:
                    number, names = groups.get(timeout=TIMEOUT_MS / 1000)
                except queue.Empty:
                    if not any(t.is_alive() for t in threads):
                        return
                    continue
                heard = set(names)
                if waiting:
                    waiting.discard(number)
                    if not waiting:  # every watch is in place; and what changed before them
                        ready()
                        names |= set(_files(self.paths)) | set(self.contents.digests)
                changed = self.contents.changed(names)
                if changed:
                    log.debug("saved: %s", ", ".join(map(str, changed)))
                    yield changed
                elif heard:
                    log.debug("saved as they were, so nothing to render: %s", ", ".join(sorted(map(str, heard))))
        finally:
            stop.set()


def render_on_saves(watcher: Watcher, render: Callable[[], Config | None], inputs: list[Path], root: Path,
                    say: Callable[[str], None]) -> None:
    """Call ``render`` after each group of saves that ``watcher`` hears, saying what it watches
    and what was saved (paths shown from ``root``), until Ctrl-C (``KeyboardInterrupt``) or the
    end of the system's watches. ``render`` gives the configuration it read; when that, with
    ``inputs``, makes another list of :func:`watched` paths, the watches are set again on it."""

    def shown(path: Path) -> str:
        name = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        return name + ("/" if path.is_dir() else "")

    while True:
        listed = ", ".join(map(shown, watcher.paths))
        saves = watcher.saves(ready=lambda: say(f"Watching {listed} (Ctrl-C stops)"))  # noqa: B023
        with contextlib.closing(saves):  # closed: its watches are taken down
            for changed in saves:
                say(f"Saved {', '.join(map(shown, changed))}")
                used = render()
                now = watched(used, inputs) if used is not None else watcher.paths
                if now != watcher.paths:
                    watcher = watcher.watching(now)
                    break
            else:
                return  # the system's watches ended


def _listen(number: int, paths: list[Path], recursive: bool, wanted: Callable[[Path], bool],
            groups: queue.Queue[tuple[int, set[Path]]], stop: threading.Event) -> None:
    """Put each group of file events under ``paths`` that ``wanted`` accepts on ``groups``, as
    ``(number, paths)``; the first time (even empty) once the watch is in place."""
    import watchfiles

    first = True
    for changes in watchfiles.watch(*paths, recursive=recursive, step=QUIET_MS, rust_timeout=TIMEOUT_MS,
                                    yield_on_timeout=True, stop_event=stop, raise_interrupt=False):
        names = {Path(name) for _, name in changes if wanted(Path(name))}
        if names or first:
            groups.put((number, names))
            first = False
