"""A ``soundbite:`` quote (front matter) found among a script's sentences: where the episode's
highlight starts (:mod:`audioguide.render.soundbite`), and the one-line error with a suggestion
when the script does not hold it."""

from __future__ import annotations

import difflib
import textwrap
from pathlib import Path

from audioguide.errors import InputError
from audioguide.ingest.sentences import split_sentences
from audioguide.models import Section

_QUOTE_MARKS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                              "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def quote_key(text: str) -> str:
    """``text`` as a ``soundbite:`` quote is matched against sentences: case, curly quotes,
    dashes and spacing do not matter.

    >>> quote_key("  It\u2019s a  GOOD sign\u2014really ")
    "it's a good sign-really"
    """
    return " ".join(text.translate(_QUOTE_MARKS).casefold().split())


def needle(quote: str) -> str:
    """What of a quote is looked for: its key, without quote marks or an ellipsis around it."""
    return quote_key(quote).strip(" \"'").removesuffix("...").removesuffix("\u2026").strip(" \"'")


def find_quote(quote: str, sentences: list[str]) -> int | None:
    """The index of the sentence in which ``quote`` starts (it may be part of a sentence, or
    run on into the next ones; quote marks or an ellipsis around it do not count), or ``None``
    when the sentences do not hold it.

    >>> find_quote("\u201cthe second one. And\u2026\u201d", ["First one.", "The second one.", "And a third."])
    1
    """
    keys = [quote_key(s) for s in sentences]
    wanted = needle(quote)
    at = " ".join(keys).find(wanted)
    if at < 0 or not wanted:
        return None
    position = 0
    for index, key in enumerate(keys):
        position += len(key) + 1
        if at < position:
            return index
    return None  # pragma: no cover - the text was found, so some sentence holds its start


def script_sentences(sections: tuple[Section, ...], language: str) -> list[str]:
    """Every sentence of a script as written (headings, and list items with their numbers),
    in order: the text a ``soundbite:`` quote is looked for in."""
    out: list[str] = []
    for section in sections:
        if section.heading:
            out.append(section.heading)
        for block in section.blocks:
            if block.kind == "pause":
                continue
            number = f"{block.number}. " if block.kind == "item" and block.number is not None else ""
            out += split_sentences(number + block.text, language)
    return out


def check_soundbite(quote: str, sections: tuple[Section, ...], language: str, path: Path) -> None:
    """Refuse a ``soundbite:`` the script does not hold, suggesting the likeliest sentence meant."""
    sentences = script_sentences(sections, language)
    if find_quote(quote, sentences) is not None:
        return
    keys = {quote_key(s): s for s in sentences}
    close = difflib.get_close_matches(needle(quote), list(keys), n=1, cutoff=0.3)
    hint = f"Did you mean {textwrap.shorten(keys[close[0]], 80, placeholder='…')!r}? Or remove" if close else "Remove"
    raise InputError(f"soundbite {quote!r} is not a sentence of the script", path=path,
                     fix=f"{hint} 'soundbite:' to start the episode's highlight at its opening")
