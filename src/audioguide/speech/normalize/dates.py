"""Steps for time: dates, clock times, years and decades."""

from __future__ import annotations

import re

from audioguide.speech.normalize.common import (
    plural_last_word,
    sentence_ends_at,
    spell_int,
    spell_ordinal,
    spell_year,
)
from audioguide.speech.normalize.tables import MONTH_ABBR, MONTHS, TIME_ZONES, WEEKDAY_ABBR, WEEKDAYS

__all__ = ["expand_dates", "expand_name_ranges", "expand_times", "expand_years"]

# --------------------------------------------------------------------------------------------
# Ranges of days, months and times
# --------------------------------------------------------------------------------------------

_FULL_NAMES = {**{short: WEEKDAYS[n - 1] for short, n in WEEKDAY_ABBR.items()},
               **{short: MONTHS[n - 1] for short, n in MONTH_ABBR.items()}}
_DAYS = "|".join(sorted((*WEEKDAYS, *WEEKDAY_ABBR), key=len, reverse=True))
_MONTHS = "|".join(sorted((*MONTHS, *MONTH_ABBR), key=len, reverse=True))
_TIME = r"\d{1,2}(?:[:.][0-5]\d)?\s?[aApP]\.?[mM]\b\.?|\d{1,2}:[0-5]\d"
_DASH = r"\s?[-–—]\s?"


def expand_name_ranges(text: str) -> str:
    """Ranges of weekdays, months and clock times: the dash between them is "to" (a dash alone
    is only a pause), short names in full.

    >>> expand_name_ranges("Open Mon–Fri, 9am–5pm, 10:00-18:00, Jan–Mar and Monday - Friday.")
    'Open Monday to Friday, 9am to 5pm, 10:00 to 18:00, January to March and Monday to Friday.'
    """
    def names(m: re.Match[str]) -> str:
        first, last = (_FULL_NAMES.get(m.group(k), m.group(k)) for k in ("a", "b"))
        dot = "." if m.group("dot") and sentence_ends_at(m.string, m.end()) else ""
        return f"{first} to {last}{dot}"

    for kind in (_DAYS, _MONTHS):
        text = re.sub(rf"\b(?P<a>{kind})\.?{_DASH}(?P<b>{kind})\b(?P<dot>\.)?", names, text)
    return re.sub(rf"(?<![\w:.,])(?P<a>{_TIME}){_DASH}(?P<b>{_TIME})(?![\w:])", r"\g<a> to \g<b>", text)

# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

_MONTH_NAME = ("(?P<month>" + "|".join(MONTHS) + "|(?:" + "|".join(sorted(MONTH_ABBR, key=len, reverse=True))
               + r")\.?)")
"""A month's name, or its abbreviation with or without its period (a period after a full name ends
the sentence: it is not taken)."""


def _month_number(name: str) -> int:
    """1-12 for a month name or its abbreviation."""
    name = name.rstrip(".")
    return MONTH_ABBR.get(name) or MONTHS.index(name) + 1


def _two_digit_year(yy: int) -> int:
    """A two-digit year in this century or the last (``25`` -> 2025, ``99`` -> 1999)."""
    return 2000 + yy if yy < 50 else 1900 + yy


def _say_month_day(month: int, day: int, year: int | None) -> str:
    """"March fourth, twenty twenty-five"."""
    words = f"{MONTHS[month - 1]} {spell_ordinal(day)}"
    return f"{words}, {spell_year(year)}" if year is not None else words


def _season(m: re.Match[str]) -> str:
    """A year and the next, ``2026/27`` or ``2026/2027`` (a season, a school or tax year): "twenty
    twenty-six to twenty-seven"; other numbers are left to the fraction step."""
    first, second = int(m.group(1)), m.group(2)
    if len(second) == 4 and int(second) == first + 1:
        return f"{spell_year(first)} to {spell_year(int(second))}"
    if len(second) == 2 and int(second) == (first + 1) % 100:
        return f"{spell_year(first)} to {spell_int(int(second)) if second[0] != '0' else 'oh ' + spell_int(int(second))}"
    return m.group()


def expand_dates(text: str) -> str:
    """Dates as said aloud: US ``3/4/2025`` (month first), ISO ``2025-03-04`` (or ``2025/03/04``),
    ``4 March 2025``, ``March 4, 2025`` and ``March 2025``, ranges of days (``10–12 June``,
    ``June 10-12``); a year and the next, ``2026/27``.

    Numeric dates are read month first; a first number above 12 makes it day first.

    >>> expand_dates("On 3/4/2025 and 2025-03-04, or 4 March 2025, or Mar 4th, 2025.")
    'On March fourth, twenty twenty-five and March fourth, twenty twenty-five, or the fourth of March, twenty twenty-five, or March fourth, twenty twenty-five.'
    >>> expand_dates("From 10–12 June 2026 or June 10-12.")
    'From the tenth to the twelfth of June, twenty twenty-six or June tenth to twelfth.'
    """
    def numeric(m: re.Match[str]) -> str:
        first, second, year_text = int(m.group(1)), int(m.group(2)), m.group(3)
        month, day = (second, first) if first > 12 and second <= 12 else (first, second)
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return m.group()
        year = int(year_text)
        if len(year_text) == 2:
            year = _two_digit_year(year)
        return _say_month_day(month, day, year)

    def iso(m: re.Match[str]) -> str:
        year, month, day = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return m.group()
        return _say_month_day(month, day, year)

    def day_month(m: re.Match[str]) -> str:
        day, first = int(m.group("day")), int(m.group("first") or 1)
        if not (1 <= day <= 31 and 1 <= first <= 31):
            return m.group()
        article = "" if re.search(r"\bthe\s+$", m.string[: m.start()], re.IGNORECASE) else "the "
        days = f"{spell_ordinal(first)} to the {spell_ordinal(day)}" if m.group("first") else spell_ordinal(day)
        words = f"{article}{days} of {MONTHS[_month_number(m.group('month')) - 1]}"
        if m.group("year"):
            return f"{words}, {spell_year(int(m.group('year')))}"
        return words + ("." if m.group().endswith(".") and sentence_ends_at(m.string, m.end()) else "")

    def month_day(m: re.Match[str]) -> str:
        day, last = int(m.group("day")), int(m.group("last") or 1)
        if not (1 <= day <= 31 and 1 <= last <= 31):
            return m.group()
        year = int(m.group("year")) if m.group("year") else None
        if m.group("last"):
            words = f"{MONTHS[_month_number(m.group('month')) - 1]} {spell_ordinal(day)} to {spell_ordinal(last)}"
            return f"{words}, {spell_year(year)}" if year is not None else words
        return _say_month_day(_month_number(m.group("month")), day, year)

    def month_year(m: re.Match[str]) -> str:
        return f"{MONTHS[_month_number(m.group('month')) - 1]} {spell_year(int(m.group('year')))}"

    text = re.sub(r"(?<![\w/.,-])(1[1-9]\d\d|20\d\d)/(\d{4}|\d{2})(?![\w/]|[.,]\d)", _season, text)
    text = re.sub(r"(?<![\w/.-])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\w/]|\.\d)", numeric, text)
    text = re.sub(r"(?<![\w/.-])(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?![\w/-]|\.\d)", iso, text)
    text = re.sub(rf"(?<![\w.,])(?:(?P<first>\d{{1,2}})(?:st|nd|rd|th)?{_DASH})?"
                  rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?\b{_MONTH_NAME}"
                  r"(?:,?\s+(?P<year>\d{4})\b(?![.,]\d))?", day_month, text)
    text = re.sub(rf"\b{_MONTH_NAME}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
                  rf"(?:{_DASH}(?P<last>\d{{1,2}})(?:st|nd|rd|th)?)?(?![\w:]|[.,]\d)"
                  r"(?:,?\s+(?P<year>\d{4})\b(?![.,]\d))?", month_day, text)
    text = re.sub(rf"\b{_MONTH_NAME},?\s+(?P<year>\d{{4}})\b(?![.,]\d)", month_year, text)
    return text


# --------------------------------------------------------------------------------------------
# Clock times
# --------------------------------------------------------------------------------------------

_AMPM = r"(?P<ampm>[aApP]\.?\s?[mM]\b\.?)"


def _say_ampm(m: re.Match[str]) -> str:
    """" A.M" / " P.M" for the matched suffix, keeping a period that ends the sentence (not one
    before a time zone: "3 a.m. GMT")."""
    if not m.group("ampm"):
        return ""
    spoken = " A.M" if m.group("ampm")[0] in "aA" else " P.M"
    zone = re.match(rf"\s+(?:{TIME_ZONES})\b", m.string[m.end():])
    if m.group("ampm").endswith(".") and sentence_ends_at(m.string, m.end()) and not zone:
        spoken += "."
    return spoken


_TAKEN_WORDS = frozenset({"in", "of", "was", "is", "took", "takes", "ran", "runs", "lasted", "lasts", "time",
                          "finished", "record", "best", "pb", "under", "over", "just", "about"})
"""Words before an ``h:mm:ss`` that make it a time taken (a race, a film), not a time of day."""


def _on_the_hour(hour: int, leading_zero: bool) -> str:
    """A time on the hour as it is said: "midnight", "noon", a 24-hour time in the afternoon or
    written with a leading zero with "A.M"/"P.M" ("16:00" "four P.M", "08:00" "eight A.M": "sixteen
    hundred" is military), others "nine o'clock"."""
    if hour in (0, 24):
        return "midnight"
    if hour == 12:
        return "noon"
    if hour > 12:
        return f"{spell_int(hour - 12)} P.M"
    return f"{spell_int(hour)} A.M" if leading_zero else f"{spell_int(hour)} o'clock"


def _minutes_taken(m: re.Match[str]) -> str:
    """``45:30`` "forty-five minutes and thirty seconds": more minutes than a clock has hours."""
    minutes, seconds = int(m.group("m")), int(m.group("s"))
    words = f"{spell_int(minutes)} minutes"
    return words + (f" and {spell_int(seconds)} second{'s' if seconds != 1 else ''}" if seconds else "")


def expand_times(text: str) -> str:
    """Clock times: ``9:30`` "nine thirty", ``9:05`` "nine oh five", ``14:00`` "two P.M",
    ``08:00`` "eight A.M", ``00:00`` and ``24:00`` "midnight", ``12:00`` "noon", ``9:00``
    "nine o'clock", ``9:30am`` / ``3.30pm`` / ``5 pm`` with "A.M"/"P.M"; and times taken:
    ``ran 3:47:12`` "three hours, forty-seven minutes and twelve seconds" (after "in", "was", "ran"…,
    or with no hours: the timestamps of show notes, ``00:12:30`` "twelve minutes and thirty seconds"),
    ``45:30`` "forty-five minutes and thirty seconds" (no clock has 45 hours; ``24:00`` is midnight).

    >>> expand_times("From 9:30am to 5 p.m. or 14:05 and 9:00, 08:00–16:00, 20:00-24:00; ran in 45:30.")
    "From nine thirty A.M to five P.M or fourteen oh five and nine o'clock, eight A.M–four P.M, eight P.M-midnight; ran in forty-five minutes and thirty seconds."
    >>> expand_times("She ran it in 3:47:12, and set off at 10:30:15.")
    'She ran it in three hours, forty-seven minutes and twelve seconds, and set off at ten thirty and fifteen seconds.'
    """
    def clock(m: re.Match[str]) -> str:
        hour, minute = int(m.group("h")), int(m.group("m"))
        ampm = _say_ampm(m)
        hour_words = spell_int(hour)
        if minute == 0 and not ampm:
            words = _on_the_hour(hour, m.group("h").startswith("0"))
        elif minute == 0:
            words = hour_words
        elif minute < 10:
            words = f"{hour_words} oh {spell_int(minute)}"
        else:
            words = f"{hour_words} {spell_int(minute)}"
        if m.group("s"):
            seconds = int(m.group("s"))
            words += f" and {spell_int(seconds)} second{'s' if seconds != 1 else ''}"
        return words + ampm

    def hour_only(m: re.Match[str]) -> str:
        return spell_int(int(m.group("h"))) + _say_ampm(m)

    def duration(m: re.Match[str]) -> str:
        before = m.string[:m.start()].rstrip().rsplit(" ", 1)[-1].lower()
        if before not in _TAKEN_WORDS and 0 < int(m.group("h")) < 24:  # a clock, as it is read below
            return m.group(0)
        amounts = zip((int(m.group("h")), int(m.group("m")), int(m.group("s"))), ("hour", "minute", "second"), strict=True)
        parts = [f"{spell_int(n)} {unit}{'s' if n != 1 else ''}" for n, unit in amounts if n] or ["zero seconds"]
        return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]

    # h:mm:ss after "in", "was", "ran"… (or of 0 or of 24 hours or more) is a time taken, not a clock
    text = re.sub(rf"(?<![\w:.,])(?P<h>\d{{1,2}}):(?P<m>[0-5]\d):(?P<s>[0-5]\d)(?![\d:]|\.\d|\s?{_AMPM})",
                  duration, text)
    text = re.sub(r"(?<![\w:.,])(?!24:00)(?P<m>2[4-9]|[3-9]\d|\d{3}):(?P<s>[0-5]\d)(?![\d:]|\.\d|,\d{3})", _minutes_taken, text)
    text = re.sub(r"(?<![\w:.,])(?P<h>[01]?\d|2[0-3]|24(?=:00)):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?"
                  rf"(?![\d:]|\.\d|,\d{{3}})(?:\s?{_AMPM})?", clock, text)
    # British style, a period between hour and minutes, only with am/pm: "3.30pm"
    text = re.sub(rf"(?<![\w:.,])(?P<h>1[0-2]|0?[1-9])\.(?P<m>[0-5]\d)(?P<s>)\s?{_AMPM}", clock, text)
    text = re.sub(rf"(?<![\w:.,])(?P<h>1[0-2]|0?[1-9])\s?{_AMPM}", hour_only, text)
    return text


# --------------------------------------------------------------------------------------------
# Years
# --------------------------------------------------------------------------------------------


def expand_years(text: str) -> str:
    """Years and decades.

    A four-digit number from 1100 to 2099 standing alone (no thousands comma, no unit or
    symbol after it, not after "number") is read as a year; decades like ``1990s`` and
    ``'90s`` are read as such, and a range of them (``1930s–40s``). Any number with an era
    (``1066 AD``, ``AD 1066``, ``44 BC``) is a year.

    >>> expand_years("In 1999, 2005 and 2025; the 1990s and '80s, not 1,999 or 2500.")
    'In nineteen ninety-nine, two thousand five and twenty twenty-five; the nineteen nineties and eighties, not 1,999 or 2500.'
    >>> expand_years("In 1066 AD, AD 1066 and 44 BC")
    'In ten sixty-six AD, AD ten sixty-six and forty-four BC'
    """
    def say_decades(m: re.Match[str]) -> str:
        words = [plural_last_word(spell_year(int(digits)) if len(digits) == 4 else spell_int(int(digits)))
                 for digits in (m.group(1), m.group(2)) if digits]
        return " to ".join(words)

    def year(m: re.Match[str]) -> str:
        if re.search(r"\b(?:number|numbers|No\.?)\s*$", m.string[: m.start()], re.IGNORECASE):
            return m.group()
        return spell_year(int(m.group()))

    era = r"(?:AD|BCE?|CE|A\.D\.|B\.C\.)"
    text = re.sub(rf"(?<![\w.,$€£¥#\-−])\d{{1,4}}(?=\s{era}(?!\w))|(?<=\bAD\s)\d{{1,4}}\b(?![.,]\d)",
                  lambda m: spell_year(int(m.group())), text)
    decade = r"'?(1[1-9]\d0|20\d0|[1-9]0)'?s\b"
    text = re.sub(rf"(?<![\w.,]){decade}(?:{_DASH}{decade})?", say_decades, text)
    return re.sub(r"(?<![\w.,$€£¥#\-−])(?:1[1-9]\d\d|20\d\d)(?![\w%°]|[.,]\d|\s?%)",
                  year, text)
