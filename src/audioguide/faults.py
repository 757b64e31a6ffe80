"""Named fault-injection points, for tests that stop a render at an exact step.

Code calls :func:`point` at the steps that matter for crash safety (a sentence cached, an item
mixed, an MP3 staged, an MP3 renamed into place, a record written, the feed written…). Normally
that does nothing. With ``AUDIOGUIDE_FAULT=<name>=<action>`` in the environment, the process
acts when it reaches the named point:

* ``kill``: SIGKILL itself there (a power cut or ``kill -9`` at exactly that step);
* ``interrupt``: raise :class:`KeyboardInterrupt` there, as Ctrl-C would;
* ``full`` / ``readonly``: raise the :class:`OSError` a full disk (``ENOSPC``) or a read-only
  folder (``EROFS``) gives there, naming the file being written when the point knows it;
* ``pause``: write its pid to the file named by ``AUDIOGUIDE_FAULT_READY`` and wait there until
  a signal arrives (the test then sends SIGINT or SIGKILL at a known step, never after a guess);
  a point reached in a worker thread waits until the interrupted render calls :func:`release`.

``<name>#<n>`` acts at the n-th time the point is reached (from 1; default the first).
"""

from __future__ import annotations

import errno
import os
import signal
import threading
from pathlib import Path

ENV = "AUDIOGUIDE_FAULT"
READY_ENV = "AUDIOGUIDE_FAULT_READY"

POINTS = (
    "sentence-cached",   # a synthesized sentence is in the cache
    "item-mixed",        # an episode's (or guide's) audio is mixed, before mastering
    "mp3-staged",        # the untagged MP3 is in the staging folder, before tagging
    "mp3-renamed",       # the new MP3 replaced the old one; its record is not written yet
    "record-written",    # the episode's record is written: that episode is complete
    "feed-written",      # publishing wrote feed.xml; the pages are next
    "published",         # feed, pages and the publish state are written
)
"""Every point the code offers, in the order a render reaches them."""

_ERRORS = {"full": errno.ENOSPC, "readonly": errno.EROFS}
"""The actions that raise an :class:`OSError`, and its errno."""

_hits: dict[str, int] = {}
_lock = threading.Lock()
_released = threading.Event()


def _wanted() -> tuple[str, int, str] | None:
    spec = os.environ.get(ENV, "")
    if not spec:
        return None
    where, _, action = spec.partition("=")
    name, _, nth = where.partition("#")
    if name not in POINTS or action not in ("kill", "interrupt", "pause", *_ERRORS):
        raise ValueError(f"{ENV}={spec!r}: expected <point>[#n]=kill|interrupt|pause|full|readonly, "
                         f"points: {', '.join(POINTS)}")
    return name, int(nth or 1), action


def point(name: str, writing: Path | None = None) -> None:
    """The render reached the step ``name`` (one of :data:`POINTS`), about to write ``writing``."""
    wanted = _wanted()
    if wanted is None or wanted[0] != name:
        return
    with _lock:
        _hits[name] = _hits.get(name, 0) + 1
        if _hits[name] != wanted[1]:
            return
    action = wanted[2]
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if action == "interrupt":
        raise KeyboardInterrupt
    if action in _ERRORS:
        code = _ERRORS[action]
        raise OSError(code, os.strerror(code), str(writing or name))
    ready = os.environ.get(READY_ENV)
    if ready:
        Path(ready).write_text(f"{os.getpid()} {name} {threading.get_native_id()}\n")  # the thread: for a signal to it
    if threading.current_thread() is threading.main_thread():
        while True:  # until a signal ends the process or raises KeyboardInterrupt here
            signal.pause()
    _released.wait()  # a worker thread: until the render, interrupted, lets its workers finish


def release() -> None:
    """Let paused worker threads go on (the render is being interrupted and waits for them)."""
    _released.set()
