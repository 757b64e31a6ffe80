"""The one place that writes into ``output/`` (and ``episodes/``): atomically, inside the root.

Every file is written under a temporary name in its destination folder and renamed into place,
so a reader (a podcast app, ``audioguide serve``) sees the old file or the new one, never half
of one. Paths that would leave the root are refused.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
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


@contextlib.contextmanager
def atomic_path(dest: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``dest``; rename it onto ``dest`` if the block succeeds."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as f:
            os.fsync(f.fileno())
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, dest)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_bytes(dest: Path, data: bytes) -> bool:
    """Write ``data`` atomically; leave the file (and its timestamp) alone if it is unchanged.

    Returns whether the file was written.
    """
    if dest.is_file() and dest.stat().st_size == len(data) and dest.read_bytes() == data:
        return False
    with atomic_path(dest) as tmp:
        tmp.write_bytes(data)
    return True


def write_text(dest: Path, text: str) -> bool:
    """:func:`write_bytes` for UTF-8 text."""
    return write_bytes(dest, text.encode("utf-8"))
