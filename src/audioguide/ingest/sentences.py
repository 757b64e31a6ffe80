"""Sentence splitting (pysbd), shared by episode descriptions and speech planning.

pysbd is imported on first use, so importing this module costs nothing.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pysbd import Segmenter  # untyped: Any for mypy

CHUNK = 2000
"""pysbd is quadratic in its input: longer blocks are cut into pieces of about this size first."""
_SENTENCE_END = re.compile(r"[.!?](?=\s)")
_SPACE = re.compile(r"\s")


_HELD = {".": "\ue000", "?": "\ue001", "!": "\ue002"}
"""What stands for a mark that ends no sentence while pysbd splits (private-use characters)."""
_UNHELD = str.maketrans({held: mark for mark, held in _HELD.items()})
_URL = re.compile(r"\b(?:(?:https?|ftp)://|www\.)\S+?(?=[.,;:!?)\]}\"'”’]*(?:\s|$))")
"""An address: its periods, question marks (a query) and exclamation marks end no sentence."""
_NO_END = re.compile(r"\.(?=[,;:])|(?:^|(?<=\s))\.(?=[^\W\d_])")
"""A period before a comma or a colon ("Main St., near"), or one that starts a name (".NET")."""

# Abbreviations pysbd's rules lack, by language (without their period). A sentence does not end
# at one when what follows is not a capital letter ("n.º 5", "W 1364 r. założono", "Mo.–Fr.").
# English takes the normaliser's own abbreviations instead (``split_sentences(abbreviations=)``).
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "es": ("aprox", "pág", "págs", "núm", "n", "vol", "cap", "fig", "tel", "av", "avda", "c", "p",
           "pp", "ej", "etc"),
    "fr": ("p", "pp", "ex", "env", "av", "bd", "n", "no", "vol", "chap", "fig", "tél", "éd", "cf",
           "etc"),
    "de": ("Tel", "Mo", "Di", "Mi", "Do", "Fr", "Sa", "So", "Nr", "ca", "bzw", "Str", "inkl",
           "ggf", "evtl", "usw", "vgl", "S", "Bd", "Kap", "Abb", "Jh"),
    "pl": ("r", "ok", "ul", "nr", "tel", "godz", "tys", "mln", "mld", "wg", "np", "tj", "tzw",
           "im", "al", "pl", "ks", "prof", "dr", "św", "ds", "gr", "str", "itd", "itp"),
}
# Titles before a name: a sentence never ends at them ("para el Sr. García").
TITLES: dict[str, tuple[str, ...]] = {
    "es": ("Sr", "Sra", "Srta", "Dr", "Dra", "D", "Dña", "Prof"),
    "fr": ("M", "MM", "Mme", "Mmes", "Mlle", "Dr", "Pr", "Me"),
    "de": ("Hr", "Hrn", "Dr", "Prof"),
    "pl": ("ul", "al", "pl", "św", "ks", "prof", "dr", "gen"),
}


@functools.cache
def _known(language: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """Patterns of the language's :data:`ABBREVIATIONS` and :data:`TITLES` with their period."""
    def pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
        if not words:
            return None
        return re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, words)) + r")\.")

    code = language.split("-")[0].split("_")[0].lower()
    return pattern(ABBREVIATIONS.get(code, ())), pattern(TITLES.get(code, ()))


def _hold_periods(text: str, language: str, abbreviations: re.Pattern[str] | None,
                  titles: re.Pattern[str] | None = None) -> str:
    """``text`` with the marks that end no sentence held out of pysbd's sight: the period of each
    abbreviation before anything but a capital letter, and always after a title (``titles`` too),
    but never at the end; the marks inside an address, a period before a comma, or one that starts
    a name.

    >>> _hold_periods("en la C/ Mayor, n.º 5, con el Sr. García y el Dr.", "es", None).count(_HELD["."])
    2
    """
    held = [m.end() - 1 for m in re.finditer(r"\.(?=[ºª])", text)]
    held += [m.start() for m in _NO_END.finditer(text)]
    held += [m.start() + i for m in _URL.finditer(text) for i, c in enumerate(m.group()) if c in _HELD]
    known, own_titles = _known(language)
    for pattern in (abbreviations, known):
        for m in pattern.finditer(text) if pattern else ():
            after = text[m.end():].lstrip()
            if m.group().endswith(".") and after and not after[0].isupper():
                held.append(m.end() - 1)
    for pattern in (own_titles, titles):
        for m in pattern.finditer(text) if pattern else ():
            if text[m.end():].strip():
                held.append(m.end() - 1)
    chars = list(text)
    for at in held:
        chars[at] = _HELD.get(chars[at], chars[at])
    return "".join(chars)


@functools.cache
def _segmenter(language: str) -> Segmenter:
    """The pysbd segmenter for ``language`` (its primary subtag), English when pysbd has none."""
    import pysbd

    code = language.split("-")[0].lower()
    try:
        return pysbd.Segmenter(language=code, clean=False)
    except ValueError:
        return pysbd.Segmenter(language="en", clean=False)


def _chunks(text: str) -> list[str]:
    """``text`` cut after sentence-ending punctuation (or, failing that, at the last whitespace)
    into pieces of about :data:`CHUNK` characters. A word is never cut: a long token (a URL of
    thousands of characters) stays whole in a longer piece, so the normaliser still sees the
    whole address and says only its host, instead of reading its pieces as words and numbers
    (pysbd is quick on a token without spaces)."""
    pieces: list[str] = []
    while len(text) > CHUNK:
        window = text[:CHUNK]
        cut = max((m.start() for m in _SENTENCE_END.finditer(window)), default=-1)
        if cut < CHUNK // 4:
            cut = max((m.start() for m in _SPACE.finditer(window)), default=-1)
        if cut < CHUNK // 4:  # a long token ends the window: cut after it, at its sentence's end if near
            after = _SPACE.search(text, CHUNK)
            if after is None:
                break
            end = _SENTENCE_END.search(text, after.start(), after.start() + CHUNK)
            if end is None and len(text) <= after.start() + CHUNK:  # the rest is its last sentence
                break
            cut = end.start() if end else after.start()
        pieces.append(text[: cut + 1])
        text = text[cut + 1 :]
    return [*pieces, text]


def split_sentences(text: str, language: str = "en", abbreviations: re.Pattern[str] | None = None,
                    titles: re.Pattern[str] | None = None) -> list[str]:
    """Sentences of ``text``, using pysbd's rule set for the language (English as fallback).

    A sentence does not end at an abbreviation pysbd does not know, from :data:`ABBREVIATIONS`,
    or ``abbreviations`` (the speech normaliser's, matched with their period), unless a capital
    letter follows it, nor ever at one of :data:`TITLES` or ``titles`` (the normaliser's titles
    before a name); nor inside an address ("?q=cats"), at a period before a comma ("Main St.,")
    or at one that starts a name (".NET").

    >>> split_sentences("Dr. Smith arrived. He was late!")
    ['Dr. Smith arrived.', 'He was late!']
    >>> split_sentences("Está en la C/ Mayor, n.º 5. Pregunte por el Sr. García.", "es")
    ['Está en la C/ Mayor, n.º 5.', 'Pregunte por el Sr. García.']
    """
    segmenter = _segmenter(language)
    text = _hold_periods(text, language, abbreviations, titles)
    return [
        s.strip().translate(_UNHELD)
        for chunk in _chunks(text) for s in segmenter.segment(chunk) if s.strip()
    ]
