"""The one place that writes into ``output/`` (and ``episodes/``): atomically, inside the root.

Every file is written under a temporary name in its destination folder and renamed into place,
so a reader (a podcast app, ``audioguide serve``) sees the old file or the new one, never half
of one. Paths that would leave the root are refused.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Iterator
from pathlib import Path

from .errors import InputError


def inside(root: Path, *parts: str) -> Path:
    """``root/parts…``, refusing any result that is not inside ``root``."""
    base = root.resolve()
    target = base.joinpath(*parts).resolve()
    if target != base and base not in target.parents:
        raise InputError(f"path {'/'.join(parts)!r} would be written outside {root}",
                         fix="Use a plain slug of lowercase letters, digits and hyphens")
    return target


_counter = itertools.count()


@contextlib.contextmanager
def atomic_path(dest: Path, *, durable: bool = True) -> Iterator[Path]:
    """Yield a temporary path next to ``dest``; rename it onto ``dest`` if the block succeeds.

    The temporary name is hidden (``.name.<pid>-<n>.part``), so servers never show it. With
    ``durable`` the data is flushed to disk before the rename, so even a power cut leaves the
    old file or the new one; small derived files (pages, transcripts) skip that cost, since a
    killed process already cannot leave them half written.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = dest.with_name(f".{dest.name}.{os.getpid()}-{next(_counter)}.part")
    try:
        yield tmp_path
        if durable:
            with open(tmp_path, "rb+") as f:
                os.fsync(f.fileno())
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, dest)
    finally:
        tmp_path.unlink(missing_ok=True)


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
