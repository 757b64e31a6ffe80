"""The one place that writes into ``output/`` (and ``episodes/``): atomically, inside the root.

Every file is written under a temporary name and renamed into place (``os.replace``), so a
reader (a podcast app, ``audioguide serve``) sees the old file or the new one, never half of
one, and a killed process leaves the tree as it was before or after each file. Paths that
would leave the root are refused.

Where the temporary files go (the *staging* rule). A file inside an *output root* is staged
outside that root, in the hidden sibling folder ``<root's parent>/.<root's name>.staging/``,
so nothing partial ever appears under the root, even after ``SIGKILL``. The output root of a
destination is, in this order:

1. the innermost folder registered with :func:`output_root` that contains it (the ``render``
   command registers ``output/`` or its ``--out`` folder), else
2. the top-level folder of the project it is in: the nearest ancestor whose parent holds
   ``audioguide.toml`` (``<project>/output/``, ``<project>/episodes/``), else
3. none: the file is staged beside its destination under a hidden name, as before.

If the staging folder turns out to be on another filesystem than the destination (``output/``
is a mount point), the file is staged beside its destination too, since a rename across
filesystems is not atomic. Temporary files are named ``.<name>.<pid>-<n>.part``; the first
write of a process to a staging folder deletes the ones left there by processes that no longer
run (a killed render).
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import re
import shutil
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from audioguide.errors import InputError

PROJECT_MARKER = "audioguide.toml"
"""A folder holding this file is a project; its top-level folders are output roots."""

STAGING_SUFFIX = ".staging"
_PART = re.compile(r"^\..*\.(\d+)-\d+\.part$")


def inside(root: Path, *parts: str) -> Path:
    """``root/parts…``, refusing any result that is not inside ``root``."""
    base = root.resolve()
    target = base.joinpath(*parts).resolve()
    if target != base and base not in target.parents:
        raise InputError(f"path {'/'.join(parts)!r} would be written outside {root}",
                         fix="Use a plain slug of lowercase letters, digits and hyphens")
    return target


_counter = itertools.count()
_roots: list[Path] = []
_lock = threading.Lock()
_ready: dict[Path, bool] = {}
"""Staging folder -> whether it is usable (same filesystem); filled once per process."""


_written: dict[Path, list[Path]] = {}
"""Registered output root -> the files renamed into it so far by this process (in order)."""


@contextlib.contextmanager
def output_root(path: Path) -> Iterator[Path]:
    """Register ``path`` as an output root for the duration of the block (see the module doc).

    At the end its staging folder is removed if it is empty, so nothing is left beside it."""
    root = Path(os.path.abspath(path))
    with _lock:
        _roots.append(root)
        _written[root] = []
    try:
        yield root
    finally:
        with _lock:
            _roots.remove(root)
            with contextlib.suppress(OSError):  # not there, or still holds a file being written
                staging_dir(root).rmdir()


def written(root: Path) -> list[Path]:
    """The files this process has renamed into the output root ``root`` (registered with
    :func:`output_root`), relative to it, each once, in the order they were first written."""
    root = Path(os.path.abspath(root))
    with _lock:
        done = list(_written.get(root, []))
    return [p.relative_to(root) for p in dict.fromkeys(done)]


def _remember(dest: Path) -> None:
    dest = Path(os.path.abspath(dest))
    with _lock:
        for root in _roots:
            if root in dest.parents:
                _written[root].append(dest)


def root_of(dest: Path) -> Path | None:
    """The output root ``dest`` belongs to, or ``None`` (rules 1-3 of the module doc)."""
    dest = Path(os.path.abspath(dest))
    with _lock:
        registered = [r for r in _roots if r in dest.parents]
    if registered:
        return max(registered, key=lambda r: len(r.parts))
    for folder in dest.parents:
        if folder.parent == folder:
            break
        if (folder.parent / PROJECT_MARKER).is_file():
            return folder
    return None


def staging_dir(root: Path) -> Path:
    """The hidden sibling folder where files bound for ``root`` are written first."""
    return root.parent / f".{root.name}{STAGING_SUFFIX}"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def clean_staging(folder: Path) -> int:
    """Delete the temporary files in ``folder`` whose writer no longer runs; return how many."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        match = _PART.match(entry.name)
        if match and not _pid_alive(int(match.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed += 1
    return removed


def _temp_folder(dest: Path) -> Path:
    """Where the temporary file for ``dest`` is created (``dest.parent`` exists)."""
    root = root_of(dest)
    if root is None:
        return dest.parent
    folder = staging_dir(root)
    with _lock:
        usable = _ready.get(folder)
    if usable is None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            usable = folder.stat().st_dev == dest.parent.stat().st_dev
        except OSError:
            usable = False
        if usable:
            clean_staging(folder)
        with _lock:
            _ready[folder] = usable
    elif usable and not folder.is_dir():  # deleted since: make it again
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return dest.parent
    return folder if usable else dest.parent


@contextlib.contextmanager
def atomic_path(dest: Path, *, durable: bool = True, beside: bool = False) -> Iterator[Path]:
    """Yield a temporary path for ``dest``; rename it onto ``dest`` if the block succeeds.

    The temporary file lives in the staging folder of ``dest``'s output root (module doc), or
    beside ``dest`` under a hidden name, and is named ``.name.<pid>-<n>.part`` either way, so
    its suffix never looks like the destination's. With ``durable`` the data (and then the
    rename) is flushed to disk, so even a power cut leaves the old file or the new one; small
    derived files (pages, transcripts) skip that cost, since a killed process already cannot
    leave them half written. With ``beside`` the file is staged beside ``dest`` whatever the
    root (the sentence cache, which is not published).
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    folder = dest.parent if beside else _temp_folder(dest)
    tmp_path = folder / f".{dest.name}.{os.getpid()}-{next(_counter)}.part"
    try:
        yield tmp_path
        if durable:
            with open(tmp_path, "rb+") as f:
                os.fsync(f.fileno())
        os.chmod(tmp_path, 0o644)
        _place(tmp_path, dest, staged=folder != dest.parent)
        _remember(dest)
        if durable:
            _fsync_dir(dest.parent)
    finally:
        tmp_path.unlink(missing_ok=True)


def _place(tmp_path: Path | str, dest: Path | str, *, staged: bool) -> None:
    """Rename ``tmp_path`` onto ``dest`` (a ``staged`` file is in another folder: should that
    be another filesystem after all, it is copied beside ``dest`` and renamed from there)."""
    try:
        os.replace(tmp_path, dest)
    except OSError as exc:
        if exc.errno != errno.EXDEV or not staged:
            raise
        near = Path(dest).with_name(Path(tmp_path).name)
        try:
            _copy(tmp_path, near)
            os.replace(near, dest)
        except OSError as failed:  # said of the file it was to become, not of its hidden copy
            raise OSError(failed.errno, failed.strerror, str(dest)) from failed
        finally:
            with contextlib.suppress(OSError):  # gone, or a read-only folder where it was never made
                near.unlink()


def _copy(src: Path | str, dst: Path) -> None:
    shutil.copyfile(src, dst)
    os.chmod(dst, 0o644)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_bytes(dest: Path, data: bytes, *, durable: bool = False) -> bool:
    """Write ``data`` atomically; leave the file (and its timestamp) alone if it is unchanged.

    Returns whether the file was written.
    """
    if dest.is_file() and dest.stat().st_size == len(data) and dest.read_bytes() == data:
        return False
    with atomic_path(dest, durable=durable) as tmp:
        tmp.write_bytes(data)
    return True


def write_text(dest: Path, text: str, *, durable: bool = False) -> bool:
    """:func:`write_bytes` for UTF-8 text."""
    return write_bytes(dest, text.encode("utf-8"), durable=durable)


def write_files(folder: Path, files: Iterable[tuple[str, bytes]]) -> list[str]:
    """Write each ``(name, data)`` of ``files`` into ``folder`` as :func:`write_bytes` does
    (atomically, through the staging folder; a file whose bytes are unchanged is left alone),
    for many small files at once: the folder, its staging folder and the names already in it
    are looked up once, so a new file costs one create and one rename. ``files`` is read as it
    is written (it may be a generator). Names must be plain file names. Returns the names
    written, in order.
    """
    folder.mkdir(parents=True, exist_ok=True)
    present = {entry.name for entry in os.scandir(folder)}
    staging = _temp_folder(folder / "_")  # only the folder matters, not the name
    absolute = Path(os.path.abspath(folder))
    with _lock:
        lists = [_written[r] for r in _roots if r == absolute or r in absolute.parents]
    written: list[str] = []
    staged, temp_prefix = staging != folder, f"{staging}{os.sep}."
    temp_suffix = f".{os.getpid()}-"
    for name, data in files:
        if os.path.basename(name) != name or name in ("", ".", ".."):
            raise InputError(f"path {name!r} would be written outside {folder}",
                             fix="Use a plain slug of lowercase letters, digits and hyphens")
        dest = f"{folder}{os.sep}{name}"
        if name in present and _holds(dest, data):
            continue
        tmp_path = f"{temp_prefix}{name}{temp_suffix}{next(_counter)}.part"
        try:
            fd = _create(tmp_path)
            try:
                os.fchmod(fd, 0o644)  # whatever the umask, as atomic_path does
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
            _place(tmp_path, dest, staged=staged)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_path)
            raise
        present.add(name)
        written.append(name)
        with _lock:
            for done in lists:
                done.append(absolute / name)
    return written


def _create(path: str) -> int:
    """A new file at ``path``, open for writing (its folder made again if it was removed)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    try:
        return os.open(path, flags, 0o644)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return os.open(path, flags, 0o644)


def _holds(path: str, data: bytes) -> bool:
    """Whether the file at ``path`` holds exactly ``data``."""
    try:
        with open(path, "rb") as f:
            return os.fstat(f.fileno()).st_size == len(data) and f.read() == data
    except OSError:
        return False

