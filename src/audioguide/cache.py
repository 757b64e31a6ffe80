"""The sentence cache: synthesized audio stored by what determines its sound.

A key is the SHA-256 of the engine's identity (engine, voice, model hash, rate, language…)
and the exact text the engine receives (normalised, with lexicon entries already applied, so
a lexicon change re-renders only the sentences it touches). Entries are WAV files written to
a temporary name and renamed into place, so a crash never leaves a bad entry; a damaged
entry is treated as missing and re-synthesized.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import wave
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .models import Audio

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


class SentenceCache:
    """A folder of ``ab/abcdef….wav`` entries."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.hits = 0
        self.misses = 0

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.wav"

    def get(self, key: str) -> Audio | None:
        path = self.path(key)
        try:
            with wave.open(str(path), "rb") as w:
                if w.getnchannels() != 1 or w.getsampwidth() != 2:
                    raise wave.Error("not mono 16-bit")
                audio = Audio(w.readframes(w.getnframes()), w.getframerate())
        except FileNotFoundError:
            self.misses += 1
            return None
        except (wave.Error, EOFError, OSError) as exc:
            log.warning("cache entry %s is damaged (%s); synthesizing it again", path.name, exc)
            path.unlink(missing_ok=True)
            self.misses += 1
            return None
        self.hits += 1
        return audio

    def put(self, key: str, audio: Audio) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".part", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f, wave.open(f, "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(audio.sample_rate)
                w.writeframes(audio.pcm)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def keys(self) -> Iterable[str]:
        if not self.root.is_dir():
            return []
        return (p.stem for p in self.root.glob("??/*.wav"))

    def stats(self) -> CacheStats:
        files = list(self.root.glob("??/*.wav")) if self.root.is_dir() else []
        return CacheStats(len(files), sum(f.stat().st_size for f in files))

    def prune(self, keep: set[str]) -> CacheStats:
        """Delete every entry not in ``keep``; return what was removed."""
        removed, size = 0, 0
        for key in list(self.keys()):
            if key not in keep:
                path = self.path(key)
                size += path.stat().st_size
                path.unlink()
                removed += 1
        for folder in self.root.glob("??"):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        return CacheStats(removed, size)
