"""Steps for the shape of the text: markup, emoji, whitespace, dashes, parentheses, quotes and
punctuation.

:func:`strip_markup`, :func:`remove_emoji`, :func:`normalize_whitespace` and
:func:`cleanup_punctuation` insert no words and run for every language.
"""

from __future__ import annotations

import html
import re
import unicodedata

from audioguide.speech.normalize.common import SPACE_BEFORE_MARK
from audioguide.speech.normalize.tables import PUNCT_RANK

__all__ = [
    "SUPERSCRIPT_DIGITS", "cleanup_punctuation", "expand_dashes", "expand_parentheses", "normalize_whitespace",
    "remove_citations", "remove_emoji", "remove_quotes", "strip_markup",
]

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
"""The superscript digits, 0 to 9: a footnote mark after a word, a power after a number."""
_CITATION = re.compile(
    r"(?<=[^\s()])\s*\[(?:[1-9]\d{0,2}(?:\s*[,–-]\s*[1-9]\d{0,2})*|\^[^\]\s]+)\](?!\()"
    rf"|(?:(?<=[^\W\d_]{{3}})|(?<=[.,;:!?)\"'”’]))[{SUPERSCRIPT_DIGITS}]+(?:,[{SUPERSCRIPT_DIGITS}]+)*"
)


def remove_citations(text: str) -> str:
    """Footnote and citation marks are not read: ``[2]``, ``[4][5]``, ``[2, 3]``, ``[4–6]``,
    Markdown's ``[^1]``, and superscript digits after a word or a mark (``study¹``). Superscript
    digits after a number or a letter or two are powers (``10⁶``, ``mc²``, ``km²``) and stay; so
    do a bracketed link text (``[2](url)``), an index after a bracket (``f()[1]``) and brackets that
    open the text (a reference list's ``[1] Smith``). It runs before :func:`strip_markup`, which would
    read ``[4][5]`` as a Markdown reference link and keep its "4".

    >>> remove_citations("Confirmed by two studies.[2] Later,[3] twice.[4][5] He says so [6] too; the study¹ of 10⁶ m².")
    'Confirmed by two studies. Later, twice. He says so too; the study of 10⁶ m².'
    """
    return _CITATION.sub("", text)

_BLOCK_TAGS = re.compile(r"<\s*/?\s*(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|section|article|"
                         r"blockquote|hr)\b[^>]*>", re.IGNORECASE)


def strip_markup(text: str) -> str:
    """Remove HTML tags and entities and Markdown markup, keeping the words.

    Links keep their text (``[text](url)`` -> ``text``), images their alt text; emphasis
    (``*``, ``_``, ``~~``), backticks, heading and quote markers go.

    >>> strip_markup("**Bold** and <em>it</em>, see [the docs](https://x.io) &amp; `code`")
    'Bold and it, see the docs & code'
    """
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.DOTALL)
    text = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", text, flags=re.DOTALL | re.IGNORECASE)
    # Autolinks (<https://x>, <a@b.c>) keep their address for the URL and e-mail steps.
    text = re.sub(r"<((?:https?|ftp|mailto):[^<>\s]+)>", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r"<([^<>\s@]+@[^<>\s]+)>", r"\1", text)
    text = _BLOCK_TAGS.sub(" ", text)
    text = re.sub(r"</?[A-Za-z][^<>]*>", "", text)
    text = html.unescape(text)
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\[[^\]]*\]", r"\1", text)
    text = re.sub(r"^[ \t]*(?:#{1,6}|>+|[-*+•])[ \t]+", "", text, flags=re.MULTILINE)
    text = text.replace("`", "")
    text = re.sub(r"\*{2,}|_{2,}|~~", "", text)
    text = re.sub(r"(?<!\w)[*_]+(?=\S)|(?<=\S)[*_]+(?!\w)", "", text)
    return text


_EMOJI = re.compile(
    "["
    "\U0001F000-\U0001FAFF"  # pictographs, emoticons, transport, flags, skin tones, ...
    "\U0001FC00-\U0001FFFD"
    "\u2600-\u27BF"          # miscellaneous symbols and dingbats
    "\u2B00-\u2BFF"          # stars, arrows used as emoji
    "\u231A\u231B\u23E9-\u23FA\u24C2\u25AA\u25AB\u25B6\u25C0\u25FB-\u25FE"
    "\u3030\u303D\u3297\u3299"
    "\uFE0E\uFE0F\u200D\u20E3"  # variation selectors, joiner, keycap
    "\U000E0020-\U000E007F"  # tag characters (subdivision flags)
    "]+"
)


def remove_emoji(text: str) -> str:
    """Remove emoji, pictographs and their joiners and variation selectors.

    >>> remove_emoji("Great news 🎉🎉 for all 👩‍💻!")
    'Great news  for all !'
    """
    return _EMOJI.sub("", text)


def normalize_whitespace(text: str) -> str:
    """One space between words; typographic apostrophes and odd spaces made plain.

    >>> normalize_whitespace("  Don’t\\u00a0stop\\n\\n here\\u200b. ")
    "Don't stop here."
    """
    text = unicodedata.normalize("NFC", text)
    text = re.sub("[\u200b\u200c\u2060\ufeff\u00ad]", "", text)
    text = text.replace("\u2019", "'").replace("\u02bc", "'")
    # a no-break, narrow or thin space between digit groups is a thousands separator: 1 200 is 1200
    text = re.sub("(?<=\\d)[\u00a0\u202f\u2009](?=\\d{3}(?!\\d))", "", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip()


def _strongest(run: str) -> str:
    """The one mark that stands for a run of punctuation (``",."`` -> ``"."``)."""
    marks = [c for c in run if c in PUNCT_RANK]
    return max(marks, key=lambda c: PUNCT_RANK[c])


def cleanup_punctuation(text: str) -> str:
    """Fix punctuation spacing: no space before a mark, no doubled marks, no leading mark.

    Ellipses become a comma pause (a period at the end), a dangling comma at the end
    becomes a period. A period before a letter is part of a name and keeps its space (".NET").

    >>> cleanup_punctuation(", The tool , which is free ,, works ,. Really ... yes... No .NET")
    'The tool, which is free, works. Really, yes. No .NET'
    """
    text = re.sub(r"\s*(?:\.{3,}|…)\s+(?=[\"'“‘(\[]?[A-Z])", ". ", text)
    text = re.sub(r"\s*(?:\.{3,}|…)\s*(?=\S)", ", ", text)
    text = re.sub(r"\s*(?:\.{3,}|…)\s*$", ".", text)
    text = re.sub(SPACE_BEFORE_MARK, "", text)
    text = re.sub(r"[.,;:!?](?:\s*[.,;:!?])+", lambda m: _strongest(m.group()), text)
    text = re.sub(r"([,;])(?=[^\W\d_])", r"\1 ", text)
    text = re.sub(r"^[\s.,;:]+", "", text)
    text = re.sub(r"[,;:]\s*$", ".", text)
    return re.sub(r"\s+", " ", text).strip()


def expand_dashes(text: str) -> str:
    """Dashes between words (em dash, en dash, ``--``, a spaced hyphen) become a comma pause;
    hyphenated words stay.

    >>> expand_dashes("The tool—free—works -- mostly - and well-known – really")
    'The tool, free, works, mostly, and well-known, really'
    """
    text = re.sub(r"\s*(?:—|―|–|--+)\s*", ", ", text)
    text = re.sub(r"(?<=\S)\s+-\s+(?=\S)", ", ", text)
    text = re.sub(r"^\s*-\s+", "", text)
    return text


def expand_parentheses(text: str) -> str:
    """Parenthetical remarks become comma pauses; a bracketed sentence stands on its own.

    >>> expand_parentheses("The tool (which is free) works (mostly). Done. (See below.)")
    'The tool, which is free, works, mostly. Done. See below.'
    """
    def say(m: re.Match[str]) -> str:
        inner = m.group(1).strip()
        before = m.string[: m.start()].rstrip()
        if not inner:
            return " "
        if not before or before[-1] in ".!?:;,":
            return f" {inner} "
        return f", {inner}, "

    pattern = re.compile(r"\s*[(\[{]([^()\[\]{}]*)[)\]}]\s*")
    text_now = text
    while True:
        new = pattern.sub(say, text_now)
        if new == text_now:
            break
        text_now = new
    text_now = re.sub(r"[()\[\]{}]", " ", text_now)
    text_now = re.sub(SPACE_BEFORE_MARK, "", text_now)
    text_now = re.sub(r",([.;:!?])", r"\1", text_now)
    return re.sub(r" {2,}", " ", text_now).strip()


def remove_quotes(text: str) -> str:
    """Quotation marks removed (the words are read in the same breath); apostrophes in words
    and contractions stay.

    >>> remove_quotes('He called it "deep work" and \\'fun\\', the students\\' don\\'t care.')
    "He called it deep work and fun, the students don't care."
    """
    text = re.sub(r"[\"“”„«»‹›‘]", "", text)
    return re.sub(r"(?<![^\W_])'|'(?![^\W_])", "", text)
