"""Steps for shortened writing: abbreviations, acronyms and symbols, in words."""

from __future__ import annotations

import re

from audioguide.speech.normalize.common import SPACE_BEFORE_MARK, sentence_ends_at
from audioguide.speech.normalize.dictionary import said_as_word
from audioguide.speech.normalize.tables import (
    ABBREVIATIONS,
    ACRONYM_WORDS,
    MONTH_ABBR,
    MONTHS,
    PER_SHORT,
    PER_WORDS,
    SPELLED_WORDS,
    SYMBOL_WORDS,
    TIME_ZONES,
    TITLE_BEFORE,
    TITLES,
    WEEKDAY_ABBR,
)

__all__ = ["ABBREVIATION_RE", "NO_END_RE", "expand_abbreviations", "expand_acronyms", "expand_symbols"]

# --------------------------------------------------------------------------------------------
# Abbreviations
# --------------------------------------------------------------------------------------------

ABBREVIATION_RE = re.compile(
    r"(?<![\w.])(?:"
    + "|".join(f"(?P<a{i}>{p})" for i, (p, _, _) in enumerate(ABBREVIATIONS))
    + ")"
)
"""Any abbreviation of :data:`ABBREVIATIONS`, with its period; the sentence splitter does not end
a sentence at one (``split_sentences(abbreviations=ABBREVIATION_RE)``)."""
NO_END_RE = re.compile(
    rf"(?<![\w.])(?:(?:{'|'.join(TITLES)})\.{TITLE_BEFORE}"
    rf"|(?:{'|'.join(WEEKDAY_ABBR)})\.(?=,?\s+(?:{'|'.join(MONTHS)}|{'|'.join(MONTH_ABBR)}|\d))"
    rf"|[ap]\.\s?m\.(?=\s+(?:{TIME_ZONES})\b))"
)
"""Abbreviations a sentence never ends at, though a capital or a number follows: a title before a
name ("Lt. Col. Reed", "Pt. Reyes"), a weekday before a date ("Fri. Nov. 30"), "a.m." before a time
zone ("3:00 a.m. GMT") (``split_sentences(titles=NO_END_RE)``)."""
_NAME_AFTER = re.compile(r"\s+[A-Z][a-z]")


def _prev_is_name(text: str, start: int) -> bool:
    """Whether the word before ``start`` is a name or number inside a sentence ("Main", "5th")."""
    m = re.search(r"(?:^|(?<=\s))(\S+)\s+$", text[:start])
    if not m:
        return False
    word = m.group(1)
    if re.fullmatch(r"\d+(?:st|nd|rd|th)?", word):
        return True
    if not re.fullmatch(r"[A-Z][a-z]+", word):
        return False
    before = text[: m.start(1)].rstrip()
    return bool(before) and before[-1] not in ".!?:"


def expand_abbreviations(text: str) -> str:
    """Common abbreviations in full; Dr. and St. read from their context.

    ``St.`` is "Saint" before a name and "Street" after one; ``Dr.`` is "Doctor" before a
    name and "Drive" otherwise. An abbreviation's period is kept only where it also ends the
    sentence (``etc.`` at the end stays "et cetera.").

    >>> expand_abbreviations("Dr. Smith met Mr. Li on Main St., e.g. at No. 5 etc.")
    'Doctor Smith met Mister Li on Main Street, for example at number 5 et cetera.'
    >>> expand_abbreviations("St. Louis vs. Sunset Dr.")
    'Saint Louis versus Sunset Drive.'
    """
    def say(m: re.Match[str]) -> str:
        token = m.group()
        index = int(next(k for k, v in m.groupdict().items() if v is not None)[1:])
        _, spoken, may_end = ABBREVIATIONS[index]
        if token.endswith(".") and (not m.string[m.end():].strip() or (
                may_end and sentence_ends_at(m.string, m.end()))):
            return spoken + "."
        return spoken

    def street_or_title(m: re.Match[str]) -> str:
        kind = m.group(1)
        name_before = _prev_is_name(m.string, m.start())
        name_after = _NAME_AFTER.match(text, m.end()) is not None
        if kind == "St":
            spoken = "Street" if name_before or not name_after else "Saint"
        else:
            spoken = "Drive" if name_before or not name_after else "Doctor"
        ends = spoken in ("Street", "Drive") and sentence_ends_at(m.string, m.end())
        return spoken + ("." if ends else "")

    text = re.sub(r"(?<![\w.])(St|Dr)\.", street_or_title, text)
    return ABBREVIATION_RE.sub(say, text)


# --------------------------------------------------------------------------------------------
# Acronyms
# --------------------------------------------------------------------------------------------


def _dot_letters(letters: str) -> str:
    """``FBI`` -> ``F.B.I``: letters both engines read one by one."""
    return ".".join(letters)


def _as_word(word: str, text: str, start: int) -> str:
    """An all-caps word read as a word: lower case, capitalised where it starts a sentence."""
    before = text[:start].rstrip()
    return word.capitalize() if not before or before[-1] in ".!?:" else word.lower()


def _is_word(word: str, shouted: bool) -> bool:
    """Whether an all-caps word is an English word said as one (``FREE``, not ``FBI``); the
    acronyms in :data:`SPELLED_WORDS` only in a sentence written all in capitals."""
    return said_as_word(word) is True and (shouted or word not in SPELLED_WORDS)


def expand_acronyms(text: str) -> str:
    """Acronyms: letters are spelled (``FBI`` -> ``F.B.I``, ``U.S.`` -> ``U.S``), known words
    stay words (``NASA`` -> ``Nasa``), ``OK`` is "okay". English words written in capitals for
    emphasis are read as words (``NOT`` -> ``not``): the pronouncing dictionary
    (:mod:`.dictionary`) tells them from acronyms. Plurals and possessives (``APIs``,
    ``FBI's``) are left as written: espeak-ng and Google read those as letters plus "s".
    Runs of three or more capitalised words with a word among them (shouting) are lowercased.
    Letters joined by ``&`` are letters and "and" (``AT&T`` "A.T and T", not the word "at").

    >>> expand_acronyms("The FBI and NASA told US, not us: I said IT APIs are OK.")
    'The F.B.I and Nasa told U.S, not us: I said I.T APIs are okay.'
    >>> expand_acronyms("Entry is FREE, but do NOT touch the HOT stove at the BBC.")
    'Entry is free, but do not touch the hot stove at the B.B.C.'
    >>> expand_acronyms("AT&T, R&D and S&P")
    'A.T and T, R and D and S and P'
    """
    shouted = not re.search(r"[a-z]", text)

    def dotted(m: re.Match[str]) -> str:
        letters = m.group(1).replace(".", "")
        keep_dot = m.group(2) and sentence_ends_at(m.string, m.end())
        return _dot_letters(letters) + ("." if keep_dot else "")

    def shouting(m: re.Match[str]) -> str:
        words = re.findall(r"[A-Z]+", m.group())
        if any(len(w) > 4 or _is_word(w, True) for w in words):
            return m.group().lower()
        return m.group()

    def letters(m: re.Match[str]) -> str:
        word, suffix = m.group(1), m.group(2) or ""
        if word == "OK":
            return "okay" + suffix
        if word in ACRONYM_WORDS or word + suffix in ACRONYM_WORDS:
            return word.capitalize() + suffix
        if not suffix and _is_word(word, shouted):
            return _as_word(word, m.string, m.start())
        if suffix or len(word) > 6:
            return m.group()
        return _dot_letters(word)

    text = re.sub(r"(?<![\w.&])([A-Z]{1,3})\s?&\s?([A-Z]{1,3})(?![\w&])",
                  lambda m: f"{_dot_letters(m.group(1))} and {_dot_letters(m.group(2))}", text)
    text = re.sub(r"(?<![\w.])((?:[A-Z]\.){1,}[A-Z])(\.)?(?![\w])", dotted, text)
    text = re.sub(r"\b[A-Z]{2,}(?:[ ,]+[A-Z]{2,}){2,}\b", shouting, text)
    return re.sub(r"(?<![\w.'])([A-Z]{2,8})(s|'s)?(?![\w']|\.[A-Za-z])", letters, text)


# --------------------------------------------------------------------------------------------
# Symbols
# --------------------------------------------------------------------------------------------


def expand_symbols(text: str) -> str:
    """Symbols read as words: ``&`` "and", ``+`` "plus", ``=`` "equals", ``@`` "at",
    ``and/or`` "and or", ``yes/no`` "yes or no", but ``TCP/IP`` and ``A/B`` (capital letters on
    both sides) are read together; symbols with no spoken form are dropped.

    >>> expand_symbols("R&D + QA = 2, and/or yes/no, @home #tag C++, five dollars/mo, T.C.P/I.P")
    'R and D plus QA equals 2, and or yes or no, at home tag C plus plus, five dollars per month, T.C.P I.P'
    """
    text = re.sub(r"\band/or\b", "and or", text, flags=re.IGNORECASE)
    text = re.sub(r"(?<=[A-Z])/(?=[A-Z])", " ", text)
    text = re.sub(rf"\s?/\s?({PER_WORDS})\b",
                  lambda m: " per " + PER_SHORT.get(m.group(1), m.group(1)), text)
    text = re.sub(r"(?<=[^\W\d_])\s?/\s?(?=[^\W\d_])", " or ", text)
    text = re.sub(r"\s*/\s*", " ", text)
    for pattern, words in SYMBOL_WORDS:
        text = re.sub(pattern, words, text)
    text = re.sub(SPACE_BEFORE_MARK, "", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()
