"""Pronunciation lexicon: words and phrases respelled (or, for Piper, given as phonemes).

Entries come from ``[lexicon]`` in ``audioguide.toml`` and ``lexicon:`` in an episode's front
matter (the episode wins). A value is a respelling used by every engine, or a table with
``say`` (respelling) and ``piper`` (espeak phonemes, used by Piper instead of ``say``):

    [lexicon]
    Nguyen = "win"
    gif = { say = "jif", piper = "dʒˈɪf" }

Rules: whole words or phrases only; a key written in lowercase matches any capitalisation,
a key with a capital letter matches that exact spelling and the same word in capitals
(``Manteigaria`` matches ``MANTEIGARIA`` in a shouted heading, never ``manteigaria``); longer
keys win over shorter ones.

A replacement is final: :meth:`Lexicon.hold` swaps each entry for a placeholder word before text
normalisation, and :meth:`Lexicon.restore` puts the respelling (or phonemes) back after it, so
no later step (list labels lowercased, acronyms spelled out, numbers expanded) can change it,
while numbers and abbreviations in the rest of the sentence are still expanded. Capitals in a
respelling mark stress for the author (``bee-FAH-nah``); engines get those syllables in
lowercase, because espeak-ng and Google spell a capitalised syllable out letter by letter.
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


PLACEHOLDER = "qzxlex"
"""Start of the nonsense words :meth:`Lexicon.hold` puts where entries were: letters only, so no
normalisation step reads them as a number, an abbreviation or an acronym."""


def _placeholder(n: int, shape: str) -> str:
    """The ``n``-th placeholder, capitalised like ``shape`` (the matched text), so the steps
    that read capitals (a name after "Dr.", a shouted run) see the word they would have seen.

    >>> _placeholder(0, "Nguyen"), _placeholder(27, "NGUYEN"), _placeholder(1, "gif")
    ('Qzxlexa', 'QZXLEXAB', 'qzxlexb')
    """
    letters = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = ascii_lowercase[r] + letters
    token = PLACEHOLDER + letters
    if shape.isupper() and len(shape) > 1:
        return token.upper()
    return token.capitalize() if shape[:1].isupper() else token


def _unstressed(say: str) -> str:
    """A respelling as engines read it: syllables written in capitals to mark stress are
    lowercased (single capitals such as "I" stay).

    >>> _unstressed("bee-FAH-nah"), _unstressed("KAH mee, I said"), _unstressed("Noo York")
    ('bee-fah-nah', 'kah mee, I said', 'Noo York')
    """
    return re.sub(r"\b[A-Z]{2,}\b", lambda m: m.group().lower(), say)


class Lexicon:
    """A compiled set of entries."""

    def __init__(self, entries: tuple[Entry, ...] = ()) -> None:
        self.entries = entries
        ordered = sorted(entries, key=lambda e: len(e.key), reverse=True)
        self._by_key = {e.key: e for e in entries}
        self._by_upper = {e.key.upper(): e for e in entries if e.case_sensitive}
        self._by_lower = {e.key: e for e in entries if not e.case_sensitive}
        alternatives = []
        for e in ordered:
            escaped = r"\s+".join(re.escape(part) for part in e.key.split())
            if e.case_sensitive:
                shouted = r"\s+".join(re.escape(part) for part in e.key.upper().split())
                alternatives.append(escaped if shouted == escaped else f"{escaped}|{shouted}")
            else:
                alternatives.append(f"(?i:{escaped})")
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
        return self._by_key.get(norm) or self._by_upper.get(norm) or self._by_lower.get(norm.lower())

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

    def apply(self, text: str, *, phonemes: bool = False) -> str:
        """``text`` with every entry replaced (:meth:`hold` then :meth:`restore`).

        >>> Lexicon((Entry("Nguyen", "win"),)).apply("Mr Nguyen said")
        'Mr win said'
        """
        held_text, held = self.hold(text, phonemes=phonemes)
        return self.restore(held_text, held)

    def hold(self, text: str, *, phonemes: bool = False) -> tuple[str, dict[str, str]]:
        """``text`` with each entry swapped for a placeholder, and what each placeholder stands
        for: the respelling, or with ``phonemes`` an entry's ``[[ phonemes ]]`` where it has them.
        Whatever rewrites the text in between cannot touch a replacement (see :meth:`restore`).

        >>> Lexicon((Entry("Nguyen", "win"),)).hold("Mr Nguyen said")
        ('Mr Qzxlexa said', {'qzxlexa': 'win'})
        """
        if not self._pattern:
            return text, {}
        held: dict[str, str] = {}

        def swap(m: re.Match[str]) -> str:
            entry = self._entry(m.group(0))
            if entry is None:
                return m.group(0)
            token = _placeholder(len(held), m.group(0))
            if phonemes and entry.phonemes:
                held[token.lower()] = f"[[ {entry.phonemes} ]]"
            else:
                held[token.lower()] = _unstressed(entry.say)
            return token

        return self._pattern.sub(swap, text), held

    @staticmethod
    def restore(text: str, held: Mapping[str, str]) -> str:
        """Put the replacements back where :meth:`hold` left placeholders (in any case now).

        >>> Lexicon.restore("First, qzxlexa. It is QZXLEXB.", {"qzxlexa": "win", "qzxlexb": "jif"})
        'First, win. It is jif.'
        """
        if not held:
            return text
        return re.sub(rf"\b{PLACEHOLDER}[a-z]+\b", lambda m: held.get(m.group().lower(), m.group()),
                      text, flags=re.IGNORECASE)

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
