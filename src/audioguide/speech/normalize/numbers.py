"""Steps for numbers: numbers with a shape (phone numbers, ratios, percentages, fractions,
ranges), then plain numbers (ordinals, negatives, decimals, cardinals) and Roman numerals.
"""

from __future__ import annotations

import re

from audioguide.speech.normalize.common import (
    NUM,
    sentence_ends_at,
    spell_digits,
    spell_fraction,
    spell_int,
    spell_number,
    spell_ordinal,
)
from audioguide.speech.normalize.markup import SUPERSCRIPT_DIGITS
from audioguide.speech.normalize.tables import COUNTED, QUALIFIERS, REGNAL, ROMAN_VALUES, SCALES, VULGAR

__all__ = [
    "expand_cardinals", "expand_decimals", "expand_fractions", "expand_negatives",
    "expand_number_symbols", "expand_ordinals", "expand_percentages", "expand_phone_numbers",
    "expand_powers", "expand_ranges", "expand_ratios", "expand_roman_numerals", "expand_scales",
]

# --------------------------------------------------------------------------------------------
# Numbers with a shape
# --------------------------------------------------------------------------------------------


def _qualifier(m: re.Match[str]) -> str:
    """"more than" for ``>`` before a number, unless an operand comes before it ("x > 3", "2 < 5")
    or it is a heart ("<3" ending a sentence)."""
    before = m.string[:m.start()].split()
    if before and re.fullmatch(r"[^\W\d_]|[\d.,]*\d|.*[)\]]", before[-1]):
        return m.group()
    if m.group() == "<" and re.match(r"3\s*(?:$|[^\w\s%.,])|3[.!?]?\s*$", m.string[m.end():]):
        return m.group()
    return QUALIFIERS[m.group(1)] + " "


def expand_number_symbols(text: str) -> str:
    """Symbols that qualify a number: ``#1``, ``~5``, ``≈``, ``±``, ``3x``, ``4x4``, ``>100``
    "more than 100", ``<5%``, ``>=``/``≥`` "at least", ``<=``/``≤`` "at most" (a comparison
    between two operands, ``x > 3``, is read by :func:`.expand_symbols`); digit groups split by
    spaces are one number (``1 000 000``).

    >>> expand_number_symbols("#1 is ~5 times, 3x faster, a 4x4 grid, ±2, 3 * 2, >100 sold, <5%, needs ≥ 3, x > 3")
    'number 1 is about 5 times, 3 times faster, a 4 by 4 grid, plus or minus 2, 3 times 2, more than 100 sold, less than 5%, needs at least 3, x > 3'
    >>> expand_number_symbols("10 / 2 = 5, 1 000 000 people, 555 123 4567")
    '10 divided by 2 = 5, 1000000 people, 555 123 4567'
    """
    # digit groups split by plain spaces, "1 000 000" (not two numbers: "555 123 4567", "in 2020 300")
    text = re.sub(r"(?<![\d,.])(?<!\d )\d{1,3}(?: \d{3})+(?!\d|[.,]\d| \d)", lambda m: m.group().replace(" ", ""), text)
    text = re.sub(r"(?<![\w)\]<>=])(>=|<=|[<>≥≤])\s?(?=[-−]?[$€£¥]?\.?\d)", _qualifier, text)
    text = re.sub(r"(?<![\w&])#\s?(?=\d)", "number ", text)
    text = re.sub(r"(?<!\w)[~≈]\s?(?=[\d$€£¥.])", "about ", text)
    text = re.sub(r"±\s?", "plus or minus ", text)
    text = re.sub(rf"(?<=\d)\s?[x×]\s?(?=10(?:\^|[⁻{SUPERSCRIPT_DIGITS}]))", " times ", text)
    text = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)\s?[x×]\s?(?=\d)", r"\1 by ", text)
    text = re.sub(r"(?<=\d)\s?\*\s?(?=\d)", " times ", text)
    text = re.sub(r"(?<=\d)\s+[/÷]\s+(?=\d)", " divided by ", text)
    text = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)\s?[x×](?![\w])", r"\1 times", text)
    return text


_PHONE_US = re.compile(
    r"(?<![\w+.-])(?:(\+\d{1,3}|1(?=[\s.-]))[\s.-]?)?(\(\d{3}\)|\d{3})[\s.-]?(\d{3})[\s.-](\d{4})"
    r"(?![\w-]|\.\d)"
)
_PHONE_LOCAL = re.compile(r"(?<![\w+.,\-−])(\d{3})-(\d{4})(?![\w\-−]|[.,]\d)")
"""A local number, ``555-0123``: three digits, a hyphen, four (a range is not written so)."""
_PHONE_INTL = re.compile(r"(?<![\w+])\+\d{1,3}(?:[\s.-]\(?\d+\)?){2,5}(?![\w-]|\.\d)")
"""After a country code (``+49``) every group is digits of a phone number, however long."""


def expand_phone_numbers(text: str) -> str:
    """Phone numbers read digit by digit, group by group.

    >>> expand_phone_numbers("Call 555-123-4567 or +1 (555) 123-4567.")
    'Call five five five, one two three, four five six seven or plus one, five five five, one two three, four five six seven.'
    >>> expand_phone_numbers("1-800-555-0199, 555-0123, +49 30 1234567")
    'one, eight zero zero, five five five, zero one nine nine, five five five, zero one two three, plus four nine, three zero, one two three four five six seven'
    """
    def say_groups(groups: list[str]) -> str:
        spoken = []
        for group in groups:
            words = spell_digits(group)
            spoken.append(("plus " + words) if group.startswith("+") else words)
        return ", ".join(spoken)

    def us(m: re.Match[str]) -> str:
        return say_groups([g for g in m.groups() if g])

    def intl(m: re.Match[str]) -> str:
        groups = re.findall(r"\+?\d+", m.group())
        if sum(len(g.lstrip("+")) for g in groups) < 7:
            return m.group()
        return say_groups(groups)

    return _PHONE_LOCAL.sub(us, _PHONE_INTL.sub(intl, _PHONE_US.sub(us, text)))


def expand_ratios(text: str) -> str:
    """Ratios left after times: ``3:2`` -> "three to two", ``16:9``, a map's scale ``1:50,000``.

    >>> expand_ratios("A 16:9 screen, odds of 3:2, a 1:50,000 map.")
    'A sixteen to nine screen, odds of three to two, a one to fifty thousand map.'
    """
    return re.sub(r"(?<![\w:.,])(\d+):(\d{1,3}(?:,\d{3})+|\d+)(?![\w:]|[.,]\d)",
                  lambda m: f"{spell_number(m.group(1))} to {spell_number(m.group(2))}", text)


def expand_percentages(text: str) -> str:
    """Percentages: ``45%`` "forty-five percent", ``3.5%``, ``-2%``, ``10-20%``.

    >>> expand_percentages("Up 45%, then 3.5 %, from 10-20% or 20%–30%.")
    'Up forty-five percent, then three point five percent, from ten to twenty percent or twenty to thirty percent.'
    """
    def say(m: re.Match[str]) -> str:
        words = spell_number(m.group("a"))
        if m.group("b"):
            words += " to " + spell_number(m.group("b"))
        return words + " percent"

    return re.sub(rf"(?<![\w.,])(?P<a>[-−]?(?:{NUM}))(?:\s?%?\s?[-–]\s?(?P<b>{NUM}))?\s?%",
                  say, text)


_RACE = r"(?:ran|run|runs|running|walk|walked|race|raced)"
"""Words around a distance in thousands of meters: "ran 10K", "a 5K run" ("ten K", not "ten thousand")."""
_LABEL_BEFORE = r"(?:[A-Z][a-z]*|seat|gate|room|flat|apartment|unit|platform|row|suite|terminal|bus|route)"
"""Words a number and one letter label something after ("Gate 7B", "seat 12B"): not "seven billion"."""


def expand_scales(text: str) -> str:
    """A number with a scale letter and no currency: ``1.5M`` "one point five million", ``2.5k``,
    ``3.2K``, ``7B``, ``1.5bn``, ``10-20k`` (money, ``$1.5M``, is read by :func:`.expand_currency`,
    units such as ``5 km`` or ``3.5 GB`` by :func:`.expand_units`, both before). A whole number
    with one letter after a capitalised word or a place ("Gate 7B") is a label, a ``K`` by a race
    a distance ("ran 10K").

    >>> expand_scales("1.5M users, 2.5k staff, 7B parameters, 1.5bn views, 10-20k rows, ran 10K, Gate 7B")
    'one point five million users, two point five thousand staff, seven billion parameters, one point five billion views, ten to twenty thousand rows, ran 10K, Gate 7B'
    """
    def say(m: re.Match[str]) -> str:
        amount, scale = m.group("a"), m.group("scale")
        before = m.string[:m.start()]
        whole = "." not in amount and not m.group("b")
        if whole and len(scale) == 1 and re.search(rf"\b{_LABEL_BEFORE}\s+$", before):
            return m.group()
        if scale in "kK" and (re.search(rf"\b{_RACE}\s+(?:a\s+|the\s+)?$", before, re.IGNORECASE)
                              or re.match(rf"\s+{_RACE}\b", m.string[m.end():], re.IGNORECASE)):
            return m.group()
        low = f"{spell_number(m.group('b'))} to " if m.group("b") else ""
        return f"{low}{spell_number(amount)} {SCALES[scale]}"

    return re.sub(rf"(?<![\w.,\-−])(?:(?P<b>{NUM})\s?[-–]\s?)?(?P<a>{NUM})(?P<scale>bn|mn|tn|[kKMB])(?![\w'’])",
                  say, text)


_FROM_SUPERSCRIPT = str.maketrans(SUPERSCRIPT_DIGITS + "⁻", "0123456789-")


def _say_power(exponent: str) -> str:
    """"squared", "cubed", "to the sixth", "to the minus five"."""
    n = int(exponent.translate(_FROM_SUPERSCRIPT).replace("−", "-"))
    if n in (2, 3):
        return "squared" if n == 2 else "cubed"
    return f"to the minus {spell_int(-n)}" if n < 0 else f"to the {spell_ordinal(n)}"


def expand_powers(text: str) -> str:
    """Powers and scientific notation: ``10^6`` and ``10⁶`` "ten to the sixth", ``x^2`` and ``x²``
    "x squared", ``mc²`` "m c squared", ``3e8`` "three times ten to the eighth" (not a code such as
    ``1E00-1EFF``). Square and cubic units after a number (``5 m²``) are read before, by
    :func:`.expand_units`.

    >>> expand_powers("10^6 and 10⁶ cells, one point five times 10^9, 3e8 and 1e-5, x^2, x², E = mc², 10⁻³")
    'ten to the sixth and ten to the sixth cells, one point five times ten to the ninth, three times ten to the eighth and one times ten to the minus five, x squared, x squared, E = m c squared, ten to the minus three'
    """
    def power(m: re.Match[str]) -> str:
        base = m.group("base")
        base = spell_number(base) if base[0].isdigit() else " ".join(base)
        return f"{base} {_say_power(m.group('exp') or m.group('sup'))}"

    def scientific(m: re.Match[str]) -> str:
        return f"{spell_number(m.group(1))} times ten {_say_power(m.group(2))}"

    text = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)[eE]([-+−]?[1-9]\d{0,2})(?!\w|-\w|[.,]\d)", scientific,
                  text)
    return re.sub(rf"(?<![\w.,])(?P<base>{NUM}|[A-Za-z]{{1,2}})"
                  rf"(?:\^(?P<exp>[-−]?\d+)|(?P<sup>[⁻]?[{SUPERSCRIPT_DIGITS}]+))(?![\w^])", power, text)


_RATED = r"rated|rates|rating|ratings|scored|scores|score|scoring|grade|graded|marks|gave it|gives it|reviews?"
"""Words a score follows ("Rated 10/10", "The score was 7/10")."""


def expand_fractions(text: str) -> str:
    """Fractions: ``1/2`` "one half", ``3/4`` "three quarters", ``2½`` and ``2 1/2`` "two and a half",
    ``24/7`` "twenty-four seven", ``50/50`` "fifty-fifty". A score (a decimal, or stars or points,
    over a whole number; 5/5, 10/10 or 100/100; one a few words after "rated" or "score") is "out
    of": ``4.5/5`` "four point five out of five".

    >>> expand_fractions("Add 1/2 cup, 1 1/2 cups, 2½ hours, 3/4 done, open 24/7, 5/16 inch, a 50/50 chance")
    'Add one half cup, one and a half cups, two and a half hours, three quarters done, open twenty-four seven, five over sixteen inch, a fifty-fifty chance'
    >>> expand_fractions("Rated 4.5/5 stars, 8/10 points, 10/10. The score was 7/10.")
    'Rated four point five out of five stars, eight out of ten points, ten out of ten. The score was seven out of ten.'
    """
    def score(m: re.Match[str]) -> str:
        rated = re.search(rf"\b(?:{_RATED})\b\W+(?:\w+\W+){{0,2}}$", m.string[:m.start()], re.IGNORECASE)
        if "." not in m.group(1) and not rated and not m.group(1) == m.group(2) in ("5", "10", "100") and \
                not re.match(r"\s+(?:stars?|points?)\b", m.string[m.end():]):
            return m.group()
        return f"{spell_number(m.group(1))} out of {spell_number(m.group(2))}"

    def vulgar(m: re.Match[str]) -> str:
        return spell_fraction(*VULGAR[m.group(2)], int(m.group(1)) if m.group(1) else None)

    def mixed(m: re.Match[str]) -> str:
        numerator, denominator = int(m.group(2)), int(m.group(3))
        if not 0 < numerator < denominator <= 10:  # a named part of one only: not "5 15/16"
            return m.group()
        return spell_fraction(numerator, denominator, int(m.group(1)))

    def slash(m: re.Match[str]) -> str:
        numerator, denominator = int(m.group(1)), int(m.group(2))
        if (numerator, denominator) == (24, 7):
            return "twenty-four seven"
        if (numerator, denominator) == (50, 50):
            return "fifty-fifty"
        if denominator == 0:
            return m.group()
        return spell_fraction(numerator, denominator)

    text = re.sub(r"(?<![\w.])(\d+)?\s?([½¼¾⅓⅔⅛])", vulgar, text)
    text = re.sub(r"(?<![\w/.,])(\d+(?:\.\d+)?)/(\d+)(?![\w/]|[.,]\d)", score, text)
    text = re.sub(r"(?<![\w/.,])(\d+) (\d+)/(\d+)(?![\w/]|[.,]\d)", mixed, text)
    return re.sub(r"(?<![\w/.,])(\d+)/(\d+)(?![\w/]|[.,]\d)", slash, text)


_ORD_SUFFIX = r"(?:st|nd|rd|th)?"


def expand_ranges(text: str) -> str:
    """Number ranges: the dash between two numbers becomes "to" (the numbers stay digits
    for the later steps).

    >>> expand_ranges("pages 3-5, 10–20 people, 1990 - 1995, COVID-19")
    'pages 3 to 5, 10 to 20 people, 1990 to 1995, COVID-19'
    """
    return re.sub(rf"(?<![\w.,\-−])((?:{NUM}){_ORD_SUFFIX})\s?[-–—]\s?"
                  rf"((?:{NUM}){_ORD_SUFFIX})(?![\w\-]|[.,]\d)", r"\1 to \2", text)


# --------------------------------------------------------------------------------------------
# Plain numbers
# --------------------------------------------------------------------------------------------


def expand_ordinals(text: str) -> str:
    """Ordinals: ``1st`` "first", ``22nd`` "twenty-second", ``3rd``, ``101st``.

    >>> expand_ordinals("the 1st, 22nd, 3rd and 101st time")
    'the first, twenty-second, third and one hundred first time'
    """
    return re.sub(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?:st|nd|rd|th)\b",
                  lambda m: spell_ordinal(int(m.group(1).replace(",", ""))), text,
                  flags=re.IGNORECASE)


def expand_negatives(text: str) -> str:
    """A minus sign before a number standing alone is said as "minus".

    >>> expand_negatives("from -5 to −3.5, not COVID-19 or 10-2")
    'from minus 5 to minus 3.5, not COVID-19 or 10-2'
    """
    return re.sub(r"(?<![\w.,)\]\-−])[-−](?=\.?\d)", "minus ", text)


def expand_decimals(text: str) -> str:
    """Decimals and version numbers: ``3.5`` "three point five", ``1.250``, ``.5``,
    ``1.2.3`` "one point two point three". A period after a number that ends a sentence
    ("in 3.") is left alone.

    >>> expand_decimals("3.5 and 1.250 and .5 and v1.2.3 but in 3.")
    'three point five and one point two five zero and point five and v one point two point three but in 3.'
    """
    def version(m: re.Match[str]) -> str:
        return " point ".join(spell_number(part) for part in m.group().split("."))

    text = re.sub(r"(?<![\d.,])\d+(?:\.\d+){2,}(?![\w]|\.\d)",
                  lambda m: (" " if m.start() and m.string[m.start() - 1].isalpha() else "")
                  + version(m), text)
    return re.sub(r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)?\.\d+(?![\w]|[.,]\d)",
                  lambda m: spell_number(m.group()), text)


def expand_cardinals(text: str) -> str:
    """Every number left, in words; digits glued to letters are split off first
    (``MP3`` -> ``MP three``).

    >>> expand_cardinals("1,250 people, 42 cats, 0 dogs, MP3 and 5G in 3.")
    'one thousand two hundred fifty people, forty-two cats, zero dogs, MP three and five G in three.'
    """
    text = re.sub(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])", " ", text)
    return re.sub(r"\d{1,3}(?:,\d{3})+(?!\d)|\d+", lambda m: spell_number(m.group()), text)


# --------------------------------------------------------------------------------------------
# Roman numerals
# --------------------------------------------------------------------------------------------


def _roman_value(numeral: str) -> int | None:
    """The value of a Roman numeral made of I, V, X and L, or None when it is not well formed."""
    total = 0
    for i, ch in enumerate(numeral):
        value = ROMAN_VALUES[ch]
        if i + 1 < len(numeral) and value < ROMAN_VALUES[numeral[i + 1]]:
            total -= value
        else:
            total += value
    canonical = ""
    rest = total
    for value, letters in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while rest >= value:
            canonical += letters
            rest -= value
    return total if canonical == numeral and total > 0 else None


def expand_roman_numerals(text: str) -> str:
    """Roman numerals after a name: "World War II" -> "World War two", "Henry VIII" ->
    "Henry the eighth", "Super Bowl LVIII" -> "Super Bowl fifty-eight". Only numerals up to
    LXXXIX after a capitalised word are read; a lone
    ``I`` is read only after counting words like "Part" or "War" or before punctuation, a lone
    ``V`` or ``X`` after a ruler's name anywhere (not as an initial, "V. Smith").

    >>> expand_roman_numerals("World War II, Henry VIII and Part I, but I know; Charles V and Pius X too")
    'World War two, Henry the eighth and Part one, but I know; Charles the fifth and Pius the tenth too'
    """
    def say(m: re.Match[str]) -> str:
        name, numeral = m.group(1), m.group(2)
        value = _roman_value(numeral)
        counted = re.search(rf"\b(?:{COUNTED})$", name) is not None
        regnal = re.fullmatch(REGNAL, name) is not None
        if value is None or not (counted or regnal):
            return m.group()
        after = m.string[m.end():]
        initial = numeral == "I" or after.startswith(".")  # "John I said", "John V. Smith"
        if len(numeral) == 1 and not counted and not sentence_ends_at(m.string, m.end()) and \
                not re.match(r"[,;:)]", after) and (initial or not regnal):
            return m.group()
        words = f"the {spell_ordinal(value)}" if regnal else spell_int(value)
        return f"{name} {words}"

    return re.sub(r"\b([A-Z][a-z]+)\s+([IVXL]{1,7})\b(?!['’.]?\w)", say, text)
