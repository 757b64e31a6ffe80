"""Up-to-date stamps, one mechanism for every "is this still current?" question.

A stamp is a digest of everything some output depends on, kept in a small JSON file: the build
key inside an episode's record (``<slug>.json``) or a guide's ``guide.json``, the publish state
(``.publish-state.json``: the show's settings and every record), and the cover stamp
(``.cover-source.json``: what the generated cover was drawn from). When the stamp still matches,
nothing is redone and nothing is rewritten.
"""

from __future__ import annotations

import base64
import hashlib
import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any


def digest(data: bytes, length: int = 64) -> str:
    """SHA-256 of ``data`` in hex, cut to ``length`` characters.

    >>> digest(b"audioguide", 12)
    '363a74e03860'
    """
    return hashlib.sha256(data).hexdigest()[:length]


def value_digest(value: Any, length: int = 64) -> str:
    """The digest of a JSON-able value, independent of dict order."""
    return digest(json.dumps(value, sort_keys=True).encode(), length)


def file_digest(path: Path | None, length: int = 64) -> str:
    """The digest of a file's bytes; empty for no file (so a missing file is a change too)."""
    if path is None or not path.is_file():
        return ""
    return digest(path.read_bytes(), length)


def integrity(path: Path) -> str:
    """A file's SHA-256 as a Subresource Integrity string: ``sha256-`` and the digest in base64
    (what ``podcast:integrity type="sri"`` states of a file, and ``check`` compares).

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile() as f:
    ...     integrity(Path(f.name))
    'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='
    """
    with path.open("rb") as f:
        return "sha256-" + base64.b64encode(hashlib.file_digest(f, "sha256").digest()).decode("ascii")


def read(path: Path) -> dict[str, Any]:
    """A stamp file's contents; empty when it is missing or damaged (so everything is redone)."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


Needed = list[tuple[Path, int | None]]
"""Files a stamp vouches for, each with its size in bytes when the stamp knows it."""


def current(path: Path, key: str, *, field: str, needs: Callable[[dict[str, Any]], Needed] | None = None) -> bool:
    """Whether the stamp at ``path`` holds ``key`` under ``field`` and every file that ``needs``
    names from it (the outputs it vouches for) is still there, with the size it gives."""
    data = read(path)
    return data.get(field) == key and all(_there(p, size) for p, size in (needs(data) if needs else []))


def _there(path: Path, size: int | None) -> bool:
    try:
        found = path.stat()
    except OSError:
        return False
    return stat.S_ISREG(found.st_mode) and (size is None or found.st_size == size)
