"""One render at a time per project: an advisory ``flock`` on ``<project>/.cache/audioguide.render.lock``.

The lock lives in ``.cache/`` (which ``audioguide init`` already tells git to ignore) and is an
``fcntl.flock`` on an open file, so the kernel releases it when the process ends, however it
ends: a killed render never leaves a stale lock behind, and the file itself is never deleted
(deleting it would let two processes lock two different files). The holder writes its pid into
the file so that a waiting render can say who holds it.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

from audioguide.errors import AudioguideError

log = logging.getLogger(__name__)

LOCK_NAME = ".cache/audioguide.render.lock"
POLL = 0.1
"""Seconds between attempts while waiting for another render."""


class LockedError(AudioguideError):
    """Another process holds the project's render lock (exit code 1)."""


def lock_path(project: Path) -> Path:
    """The lock file of the project at ``project``."""
    return project / LOCK_NAME


def _holder(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        return int(text) if text else None
    except (OSError, ValueError):
        return None


@contextlib.contextmanager
def render_lock(project: Path, *, wait: float = 0.0) -> Iterator[Path]:
    """Hold the project's render lock for the block; wait up to ``wait`` seconds for it.

    Raises :class:`LockedError` (one line: who holds it, what to do) when it is still held
    after ``wait`` seconds.
    """
    path = lock_path(project)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        deadline = time.monotonic() + max(wait, 0.0)
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told and wait > 0:
                    log.info("waiting for another audioguide render in %s to finish", project)
                    told = True
                if time.monotonic() >= deadline:
                    pid = _holder(fd)
                    who = f" (pid {pid})" if pid else ""
                    waited = f" after waiting {wait:g} s" if wait > 0 else ""
                    raise LockedError(
                        f"another audioguide render is running in {project}{who}{waited}",
                        fix="Wait for it to finish, or pass --wait SECONDS to queue behind it") from None
                time.sleep(min(POLL, max(deadline - time.monotonic(), 0.0)) or POLL / 10)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        try:
            yield path
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
