"""Steps for measurements: a number with its unit, the unit in full."""

from __future__ import annotations

import re

from audioguide.speech.normalize.common import NUM, spell_fraction, spell_int, spell_number
from audioguide.speech.normalize.tables import UNITS, VULGAR

__all__ = ["expand_units"]

_UNIT_ALT = "|".join(re.escape(u).replace(r"\ ", r"\s?").replace("°", r"°\s?")
                     for u in sorted(UNITS, key=len, reverse=True))
_UNIT_RE = re.compile(
    rf"(?<![\w.,/])(?P<a>[-−]?(?:{NUM}))(?:\s?[-–]\s?(?P<b>{NUM}))?\s?(?P<unit>{_UNIT_ALT})"
    rf"(?:/(?P<per>{_UNIT_ALT}|s)(?![\w°²³/]))?(?![\w°²³/])(?P<dot>\.(?=\s+[a-z]))?"
)
"""A number (or range) and its unit, or a unit per unit (``km/s``, ``mg/kg``; ``s`` a second)."""

_FRACTION_UNIT_RE = re.compile(
    rf"(?<![\w.,/])(?:(?:(?P<whole>\d+) )?(?P<n>\d+)/(?P<d>[1-9]\d*)|(?:(?P<whole_v>\d+)\s?)?(?P<v>[{''.join(VULGAR)}]))"
    rf"\s?(?P<unit>{_UNIT_ALT})(?![\w°²³/])(?P<dot>\.(?=\s+[a-z]))?"
)
"""A fraction or mixed number and its unit: ``1 1/2 tsp``, ``½ tsp``, ``2½ kg``."""
_ARTICLE_UNIT_RE = re.compile(r"\b(?P<article>[Aa]|one|half a) (?P<unit>tsp|tbsp|Tbsp)\b(?P<dot>\.(?=\s+[a-z]))?")
"""A kitchen unit after an article, said whole and singular: "a tsp of salt" "a teaspoon"."""


def _fraction_unit(m: re.Match[str]) -> str:
    """"one and a half teaspoons", "one half teaspoon": plural from one up."""
    one, many = UNITS[re.sub(r"\s+", " ", m.group("unit")).replace("° ", "°")]
    whole = m.group("whole") or m.group("whole_v")
    numerator, denominator = VULGAR[m.group("v")] if m.group("v") else (int(m.group("n")), int(m.group("d")))
    if whole and not 0 < numerator < denominator <= 10:  # "5 15/16 in": not a named part of one
        return m.group()
    plural = whole is not None or numerator >= denominator
    return f"{spell_fraction(numerator, denominator, int(whole) if whole else None)} {many if plural else one}"


def expand_units(text: str) -> str:
    """Measurements with the unit in full, singular or plural to match the number (a fraction
    of one singular, a mixed number plural; a teaspoon after "a" singular).

    >>> expand_units("5 km, 3kg, 1 ft, 72°F, -5 °C, 2GB and 10-20 min, 7 km/s, 5 mg/kg")
    'five kilometers, three kilograms, one foot, seventy-two degrees Fahrenheit, minus five degrees Celsius, two gigabytes and ten to twenty minutes, seven kilometers per second, five milligrams per kilogram'
    >>> expand_units("Mix 1 1/2 tsp salt, 1 tbsp oil, ½ tsp and a tsp. of sugar")
    'Mix one and a half teaspoons salt, one tablespoon oil, one half teaspoon and a teaspoon of sugar'
    >>> expand_units('He is 5\\'11" tall')
    'He is five feet eleven inches tall'
    """
    def say(m: re.Match[str]) -> str:
        unit = re.sub(r"\s+", " ", m.group("unit")).replace("° ", "°")
        one, many = UNITS[unit]
        per = f" per {UNITS[m.group('per')][0] if m.group('per') in UNITS else 'second'}" if m.group("per") else ""
        words = spell_number(m.group("a"))
        if m.group("b"):
            return f"{words} to {spell_number(m.group('b'))} {many}{per}"
        return f"{words} {one if m.group('a').lstrip('-−') == '1' else many}{per}"

    def feet_inches(m: re.Match[str]) -> str:
        feet, inches = int(m.group(1)), int(m.group(2))
        return (f"{spell_int(feet)} {'foot' if feet == 1 else 'feet'} "
                f"{spell_int(inches)} {'inch' if inches == 1 else 'inches'}")

    text = re.sub(r"(?<![\w.,'])(\d+)['′]\s?(\d{1,2})(?:[\"″]|'')?(?![\w'])", feet_inches, text)
    text = _FRACTION_UNIT_RE.sub(_fraction_unit, text)
    text = _ARTICLE_UNIT_RE.sub(lambda m: f"{m.group('article')} {UNITS[m.group('unit')][0]}", text)
    return _UNIT_RE.sub(say, text)
