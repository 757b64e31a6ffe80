"""Pronunciation lexicon: words and phrases respelled (or, for Piper, given as phonemes).

Entries come from ``[lexicon]`` in ``audioguide.toml`` and ``lexicon:`` in an episode's front
matter (the episode wins). A value is a respelling used by every engine, or a table with
``say`` (respelling) and ``piper`` (espeak phonemes, used by Piper instead of ``say``):

    [lexicon]
    Nguyen = "win"
    gif = { say = "jif", piper = "dʒˈɪf" }

Rules: whole words or phrases only; a key written in lowercase matches any capitalisation,
a key with a capital letter matches only that exact spelling; longer keys win over shorter
ones. The lexicon is applied before text normalisation, so numbers and abbreviations in the
rest of the sentence are still expanded; phoneme entries pass through normalisation untouched.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from string import ascii_lowercase
from typing import Any


@dataclass(frozen=True)
class Entry:
    """One lexicon entry."""

    key: str
    say: str
    """Respelling every engine speaks."""
    phonemes: str | None = None
    """Piper only: espeak phonemes, spoken instead of ``say``."""

    @property
    def case_sensitive(self) -> bool:
        return self.key != self.key.lower()


def _placeholder(n: int) -> str:
    """A lowercase nonsense word that normalisation leaves alone, to carry phonemes through."""
    letters = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = ascii_lowercase[r] + letters
    return f"qzxlex{letters}"


class Lexicon:
    """A compiled set of entries."""

    def __init__(self, entries: tuple[Entry, ...] = ()) -> None:
        self.entries = entries
        ordered = sorted(entries, key=lambda e: len(e.key), reverse=True)
        self._by_key = {e.key: e for e in entries}
        self._by_lower = {e.key: e for e in entries if not e.case_sensitive}
        alternatives = []
        for e in ordered:
            escaped = r"\s+".join(re.escape(part) for part in e.key.split())
            alternatives.append(escaped if e.case_sensitive else f"(?i:{escaped})")
        self._pattern = (re.compile(r"(?<![\w'’])(?:" + "|".join(alternatives) + r")(?![\w'’])")
                         if alternatives else None)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Lexicon) and self.entries == other.entries

    def __hash__(self) -> int:
        return hash(self.entries)

    def __repr__(self) -> str:
        return f"Lexicon({self.entries!r})"

    def _entry(self, matched: str) -> Entry | None:
        norm = " ".join(matched.split())
        return self._by_key.get(norm) or self._by_lower.get(norm.lower())

    def matches(self, text: str) -> tuple[Entry, ...]:
        """The entries that apply to ``text`` (for cache keys: only these change its sound)."""
        if not self._pattern:
            return ()
        found = {}
        for m in self._pattern.finditer(text):
            entry = self._entry(m.group(0))
            if entry:
                found[entry.key] = entry
        return tuple(found.values())

    def apply(self, text: str, *, phonemes: bool = False) -> tuple[str, dict[str, str]]:
        """``text`` with entries replaced; phoneme entries become placeholders (see :meth:`restore`).

        >>> Lexicon((Entry("Nguyen", "win"),)).apply("Mr Nguyen said")
        ('Mr win said', {})
        """
        if not self._pattern:
            return text, {}
        held: dict[str, str] = {}

        def swap(m: re.Match[str]) -> str:
            entry = self._entry(m.group(0))
            if entry is None:
                return m.group(0)
            if phonemes and entry.phonemes:
                token = _placeholder(len(held))
                held[token] = f"[[ {entry.phonemes} ]]"
                return token
            return entry.say

        return self._pattern.sub(swap, text), held

    @staticmethod
    def restore(text: str, held: Mapping[str, str]) -> str:
        """Put the phoneme entries back where :meth:`apply` left placeholders."""
        for token, value in held.items():
            def keep(_m: re.Match[str], v: str = value) -> str:
                return v

            text = re.sub(rf"\b{token}\b", keep, text, flags=re.IGNORECASE)
        return text

    def merged(self, other: Lexicon) -> Lexicon:
        """This lexicon with ``other``'s entries added, ``other`` winning on the same key."""
        keys = {e.key for e in other.entries}
        return Lexicon(tuple(e for e in self.entries if e.key not in keys) + other.entries)


def parse_lexicon(data: Any, where: str, problems: list[str]) -> Lexicon:
    """Build a lexicon from a TOML table or YAML mapping, recording problems with their key."""
    if data is None:
        return Lexicon()
    if not isinstance(data, dict):
        problems.append(f"{where} must be a table of word = \"respelling\" entries")
        return Lexicon()
    entries = []
    for key, value in data.items():
        if not isinstance(key, str) or not key.strip():
            problems.append(f"{where}: an empty word cannot be an entry")
            continue
        if isinstance(value, str) and value.strip():
            entries.append(Entry(" ".join(key.split()), value.strip()))
        elif isinstance(value, dict) and set(value) <= {"say", "piper"} and (
                isinstance(value.get("say"), str) or isinstance(value.get("piper"), str)):
            say = str(value.get("say") or key).strip()
            piper = value.get("piper")
            entries.append(Entry(" ".join(key.split()), say, piper.strip() if isinstance(piper, str) else None))
        else:
            problems.append(f'{where}.{key} must be "respelling" or {{ say = "…", piper = "phonemes" }}')
    return Lexicon(tuple(entries))
