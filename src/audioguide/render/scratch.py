"""Where a render keeps its temporary files: ``<project>/.cache/tmp``, not the system's temp folder.

For the duration of a render every temporary file and folder (``tempfile``) is made there. The
folder is emptied when the render ends, however it ends short of SIGKILL, and at the start of the
next render, which holds the project's render lock: nothing else can be using what it finds.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from audioguide.layout import SCRATCH

log = logging.getLogger(__name__)


def _empty(folder: Path) -> int:
    """Remove everything in ``folder``; return how many bytes that freed."""
    freed = 0
    for entry in list(folder.iterdir()) if folder.is_dir() else []:
        if entry.is_dir() and not entry.is_symlink():
            freed += sum(p.stat().st_size for p in entry.rglob("*") if p.is_file() and not p.is_symlink())
            shutil.rmtree(entry, ignore_errors=True)
        else:
            freed += entry.stat().st_size
            entry.unlink(missing_ok=True)
    return freed


@contextlib.contextmanager
def scratch_space(project: Path) -> Iterator[Path]:
    """Make ``<project>/.cache/tmp`` the temporary folder for the block (call it while holding
    the render lock); what a killed render left there is removed first."""
    folder = project / SCRATCH
    freed = _empty(folder)
    if freed:
        log.info("removed %.1f MB of temporary files a stopped render left in %s", freed / 1e6, folder)
    folder.mkdir(parents=True, exist_ok=True)
    before = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = before
        _empty(folder)
