"""Helpers the normalisation steps share: numbers in words, the written-number pattern and
the test for a sentence end.
"""

from __future__ import annotations

import re

from num2words import num2words

from audioguide.speech.normalize.tables import DIGIT_WORDS

__all__ = [
    "NUM", "SPACE_BEFORE_MARK", "plural_last_word", "sentence_ends_at", "spell_digits", "spell_fraction", "spell_int", "spell_number",
    "spell_ordinal", "spell_year",
]

# Spaces before a punctuation mark, to be removed; not before a period that starts a name (".NET").
SPACE_BEFORE_MARK = r"\s+(?=[,;:!?]|\.(?![^\W\d_]))"

# A written number: optional thousands commas and decimals ("1,250", "3.5", ".5").
NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"


def _us_style(words: str) -> str:
    """num2words' British output in US style: no "and" inside numbers, no commas."""
    words = words.replace(",", "").replace(" and ", " ")
    return re.sub(r"\s+", " ", words).strip()


def spell_int(n: int) -> str:
    """An integer in words, US style.

    >>> spell_int(1250)
    'one thousand two hundred fifty'
    >>> spell_int(-7)
    'minus seven'
    """
    return _us_style(num2words(n))


def spell_ordinal(n: int) -> str:
    """An ordinal in words.

    >>> spell_ordinal(22)
    'twenty-second'
    >>> spell_ordinal(101)
    'one hundred first'
    """
    return _us_style(num2words(n, to="ordinal"))


def spell_digits(digits: str) -> str:
    """Each digit of ``digits`` as a word (other characters are ignored).

    >>> spell_digits("4567")
    'four five six seven'
    """
    return " ".join(DIGIT_WORDS[int(d)] for d in digits if d.isdigit())


def spell_fraction(numerator: int, denominator: int, whole: int | None = None) -> str:
    """"one half", "three quarters", "two thirds", "five over sixteen"; with a whole number
    "one and a half", "two and three quarters".

    >>> spell_fraction(3, 4), spell_fraction(1, 2, 1), spell_fraction(5, 16, 2)
    ('three quarters', 'one and a half', 'two and five over sixteen')
    """
    if denominator == 2:
        name = "half" if numerator == 1 else "halves"
    elif denominator == 4:
        name = "quarter" if numerator == 1 else "quarters"
    elif 3 <= denominator <= 10:
        name = spell_ordinal(denominator) + ("" if numerator == 1 else "s")
    else:
        name = ""
    if not name:
        words = f"{spell_int(numerator)} over {spell_int(denominator)}"
    else:
        words = f"{'a' if whole is not None and numerator == 1 else spell_int(numerator)} {name}"
    return words if whole is None else f"{spell_int(whole)} and {words}"


def spell_year(year: int) -> str:
    """A year the way it is said.

    >>> [spell_year(y) for y in (1999, 2005, 2025, 1905, 1900, 2000, 2010)]
    ['nineteen ninety-nine', 'two thousand five', 'twenty twenty-five', 'nineteen oh five', 'nineteen hundred', 'two thousand', 'twenty ten']
    """
    if year < 1000 or year >= 10000 or 2000 <= year <= 2009:
        return spell_int(year)
    high, low = divmod(year, 100)
    if low == 0:
        return f"{spell_int(high)} hundred"
    if low < 10:
        return f"{spell_int(high)} oh {spell_int(low)}"
    return f"{spell_int(high)} {spell_int(low)}"


def spell_number(token: str) -> str:
    """A written number (sign, thousands commas, decimals) in words.

    Integers with a leading zero or more than 15 digits are read digit by digit; the
    digits after a decimal point are always read one by one.

    >>> spell_number("1,250")
    'one thousand two hundred fifty'
    >>> spell_number("-3.05")
    'minus three point zero five'
    >>> spell_number(".5")
    'point five'
    >>> spell_number("007")
    'zero zero seven'
    """
    token = token.strip()
    sign = ""
    if token[:1] in "-−":
        sign, token = "minus ", token[1:]
    elif token[:1] == "+":
        sign, token = "plus ", token[1:]
    whole, _, fraction = token.partition(".")
    whole = whole.replace(",", "")
    if not whole:
        words = ""
    elif (len(whole) > 1 and whole.startswith("0")) or len(whole) > 15:
        words = spell_digits(whole)
    else:
        words = spell_int(int(whole))
    if fraction:
        words = f"{words} point {spell_digits(fraction)}".strip()
    return sign + words


def plural_last_word(words: str) -> str:
    """Pluralise the last word of a spelled number ("ninety" -> "nineties")."""
    head, _, last = words.rpartition(" ")
    last = last[:-1] + "ies" if last.endswith("y") else last + "s"
    return f"{head} {last}".strip()


def sentence_ends_at(text: str, pos: int) -> bool:
    """Whether the text after ``pos`` looks like the start of a new sentence (or nothing)."""
    rest = text[pos:]
    return not rest.strip() or re.match(r"\s+[\"'“‘(\[]?[A-Z]", rest) is not None
