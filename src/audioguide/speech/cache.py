"""The sentence cache: synthesized audio stored by what determines its sound.

A key is the SHA-256 of the engine's identity (engine, voice, model hash, rate, language…)
and the exact text the engine receives (normalised, with lexicon entries already applied, so
a lexicon change re-renders only the sentences it touches). Entries are WAV files written to
a temporary name and renamed into place, so a crash never leaves a bad entry; a damaged
entry is treated as missing and re-synthesized.

The cache can live on storage every machine of a cluster sees: a shared folder, or an fsspec
URL such as ``s3://bucket/audioguide-cache`` (see :mod:`audioguide.cluster`).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import wave
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audioguide.errors import BuildError, ConfigError
from audioguide.models import Audio
from audioguide.settings import is_url
from audioguide.writer import atomic_path

log = logging.getLogger(__name__)

FORMAT = 1
"""Bumped when the meaning of a cache entry changes."""


def sentence_key(identity: dict[str, object], text: str) -> str:
    """The cache key of ``text`` spoken by the engine with ``identity``."""
    blob = json.dumps({"format": FORMAT, "engine": identity, "text": text}, sort_keys=True,
                      ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CacheStats:
    entries: int
    bytes: int


OBJECT_STORES = {"s3", "s3a", "gs", "gcs", "abfs", "az", "abfss", "oss", "r2"}
"""fsspec protocols of object stores: an upload appears whole, and there are no folders."""


class SentenceCache:
    """Entries ``ab/abcdef….wav`` under a folder, or under an fsspec URL (``s3://…``, ``gcs://…``)
    that every machine of a cluster can reach. fsspec is imported only for URLs."""

    def __init__(self, root: Path | str) -> None:
        self.location = str(root)
        self._fs: Any = None
        if is_url(root):
            try:
                import fsspec
            except ImportError as exc:
                raise ConfigError([f"cache location {root} is a URL, and URLs need fsspec: "
                                   "pip install 'audioguide[cluster]' (plus s3fs for s3://)"]) from exc
            try:
                self._fs, self._base = fsspec.core.url_to_fs(str(root))
            except (ImportError, ValueError) as exc:
                raise ConfigError([f"cache location {root} cannot be opened ({exc}); install the "
                                   "fsspec driver for it (s3fs for s3://, gcsfs for gs://)"]) from exc
            self.root = Path(self._base)
            proto = self._fs.protocol
            self._protocols = {proto} if isinstance(proto, str) else set(proto)
            if self._protocols & {"file", "local"}:  # file:// is a folder: use it as one (atomic renames)
                self._fs = None
        else:
            self.root = Path(root)
        self.hits = 0
        self.misses = 0

    @property
    def remote(self) -> bool:
        return self._fs is not None

    def _remote(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Call the fsspec file system; a missing entry stays ``FileNotFoundError``, anything
        else (credentials, network, a missing bucket) becomes one line naming the cache."""
        try:
            return getattr(self._fs, method)(*args, **kwargs)
        except FileNotFoundError:
            raise
        except Exception as exc:  # noqa: BLE001 - drivers raise their own types (botocore, aiohttp…)
            raise BuildError(f"sentence cache {self.location}: {type(exc).__name__}: {exc}",
                             fix="Check the storage's address and credentials (for s3://, the "
                                 "AWS_* environment or ~/.aws on every machine)") from exc

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.wav"

    def _where(self, key: str) -> str:
        return f"{self._base.rstrip('/')}/{key[:2]}/{key}.wav"

    def __contains__(self, key: str) -> bool:
        if self._fs is not None:
            return bool(self._remote("exists", self._where(key)))
        return self.path(key).is_file()

    def get(self, key: str) -> Audio | None:
        try:
            if self._fs is not None:
                data = self._remote("cat_file", self._where(key))
            else:
                data = self.path(key).read_bytes()
        except FileNotFoundError:
            self.misses += 1
            return None
        try:
            with wave.open(io.BytesIO(data), "rb") as w:
                if w.getnchannels() != 1 or w.getsampwidth() != 2:
                    raise wave.Error("not mono 16-bit")
                audio = Audio(w.readframes(w.getnframes()), w.getframerate())
            if len(audio.pcm) != 2 * w.getnframes():
                raise EOFError("truncated")
        except (wave.Error, EOFError, OSError) as exc:
            log.warning("cache entry %s is damaged (%s); synthesizing it again", key, exc)
            self.delete(key)
            self.misses += 1
            return None
        self.hits += 1
        return audio

    def put(self, key: str, audio: Audio) -> None:
        buf = io.BytesIO()
        with wave.open(buf, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(audio.sample_rate)
            w.writeframes(audio.pcm)
        if self._fs is not None:  # object stores make an upload visible whole or not at all
            where = self._where(key)
            try:
                self._remote("pipe_file", where, buf.getvalue())
            except FileNotFoundError as exc:
                if self._protocols & OBJECT_STORES:  # never create a bucket behind the user's back
                    raise BuildError(f"sentence cache {self.location} does not exist",
                                     fix="Create the bucket, or correct [cache] dir / AUDIOGUIDE_CACHE") from exc
                self._remote("makedirs", where.rsplit("/", 1)[0], exist_ok=True)  # sftp, smb…
                self._remote("pipe_file", where, buf.getvalue())
            return
        path = self.path(key)
        with atomic_path(path, durable=False, beside=True) as tmp:
            tmp.write_bytes(buf.getvalue())

    def delete(self, key: str) -> None:
        if self._fs is not None:
            try:
                self._remote("rm_file", self._where(key))
            except FileNotFoundError:
                pass
        else:
            self.path(key).unlink(missing_ok=True)

    def _entries(self) -> dict[str, int]:
        """Every entry's key and size in bytes."""
        if self._fs is not None:
            try:
                found = self._remote("find", self._base, detail=True)
            except FileNotFoundError:
                return {}
            return {Path(name).stem: int(info.get("size") or 0) for name, info in found.items()
                    if name.endswith(".wav") and not Path(name).name.startswith(".")}
        if not self.root.is_dir():
            return {}
        return {p.stem: p.stat().st_size for p in self.root.glob("??/*.wav")}

    def keys(self) -> Iterable[str]:
        return list(self._entries())

    def stats(self) -> CacheStats:
        entries = self._entries()
        return CacheStats(len(entries), sum(entries.values()))

    def prune(self, keep: set[str]) -> CacheStats:
        """Delete every entry not in ``keep``; return what was removed."""
        removed, size = 0, 0
        for key, nbytes in self._entries().items():
            if key not in keep:
                self.delete(key)
                size += nbytes
                removed += 1
        if self._fs is None:
            for folder in self.root.glob("??"):
                if folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()
        return CacheStats(removed, size)
