"""Text normalisation for speech: written English -> words a speech engine reads correctly.

Articles are written for eyes. Read aloud as written, ``$1,250 (approx.) on 3/4/2025`` sounds
broken, and the two engines (Piper's espeak-ng front end and Google's TTS) break it in different
ways. :func:`normalize` runs a pipeline of small ``str -> str`` steps before every engine so
both say the same words::

    >>> normalize("$1,250 (approx.) on 3/4/2025, see https://x.io/a?b=1")
    'one thousand two hundred fifty dollars, approximately, on March fourth, twenty twenty-five, see x dot I.O'

Conventions the steps share:

* Numbers are spelled in US style without "and" and without commas: ``1,250`` is
  "one thousand two hundred fifty".
* Acronyms read as letters are written with inner dots and no final dot (``FBI`` ->
  ``F.B.I``): espeak-ng reads that exactly like ``FBI`` (measured with ``phonemize``), Google
  reads dotted letters as letters, and no final dot can end a sentence early or double up
  with the sentence's own punctuation. Spaced letters (``F B I``) are *not* used: espeak reads
  a lone ``A`` as the article and a lone ``I`` as the pronoun.
* Steps only ever remove a sentence-ending period when it belonged to an abbreviation in the
  middle of a sentence, so pysbd still finds the same sentences.

For languages other than English only the language-neutral steps run
(:data:`NEUTRAL_STEPS`): markup and emoji removal, whitespace, punctuation spacing.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable

from num2words import num2words

Step = Callable[[str], str]
"""One normalisation step: text in, text out."""

__all__ = [
    "ACRONYM_WORDS", "ENGLISH_STEPS", "NEUTRAL_STEPS", "Step", "cleanup_punctuation",
    "expand_abbreviations",
    "expand_acronyms", "expand_cardinals", "expand_currency", "expand_dashes", "expand_dates",
    "expand_decimals", "expand_emails", "expand_fractions", "expand_negatives",
    "expand_number_symbols", "expand_ordinals", "expand_parentheses", "expand_percentages",
    "expand_phone_numbers", "expand_ranges", "expand_ratios", "expand_roman_numerals",
    "expand_symbols", "expand_times", "expand_units", "expand_urls", "expand_years",
    "heading_text", "is_english", "list_item_text", "normalize", "normalize_whitespace",
    "remove_emoji", "remove_quotes", "spell_digits", "spell_int", "spell_number",
    "spell_ordinal", "spell_year", "strip_markup",
]

# --------------------------------------------------------------------------------------------
# Spelling helpers
# --------------------------------------------------------------------------------------------

_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_ORDINAL_LEADS = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth",
                  "Ninth", "Tenth")


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
    return " ".join(_DIGIT_WORDS[int(d)] for d in digits if d.isdigit())


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


def _plural_last_word(words: str) -> str:
    """Pluralise the last word of a spelled number ("ninety" -> "nineties")."""
    head, _, last = words.rpartition(" ")
    last = last[:-1] + "ies" if last.endswith("y") else last + "s"
    return f"{head} {last}".strip()


def _sentence_ends_at(text: str, pos: int) -> bool:
    """Whether the text after ``pos`` looks like the start of a new sentence (or nothing)."""
    rest = text[pos:]
    return not rest.strip() or re.match(r"\s+[\"'“‘(\[]?[A-Z]", rest) is not None


# A written number: optional thousands commas and decimals ("1,250", "3.5", ".5").
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
# A number standing on its own: not glued to a word, another number, a sign or a decimal.
_NUM_ALONE = rf"(?<![\w.,\-−])(?:{_NUM})(?![\w]|[.,]\d)"

# --------------------------------------------------------------------------------------------
# Language-neutral steps
# --------------------------------------------------------------------------------------------

_BLOCK_TAGS = re.compile(r"<\s*/?\s*(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|section|article|"
                         r"blockquote|hr)\b[^>]*>", re.I)


def strip_markup(text: str) -> str:
    """Remove HTML tags and entities and Markdown markup, keeping the words.

    Links keep their text (``[text](url)`` -> ``text``), images their alt text; emphasis
    (``*``, ``_``, ``~~``), backticks, heading and quote markers go.

    >>> strip_markup("**Bold** and <em>it</em>, see [the docs](https://x.io) &amp; `code`")
    'Bold and it, see the docs & code'
    """
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", text, flags=re.S | re.I)
    # Autolinks (<https://x>, <a@b.c>) keep their address for the URL and e-mail steps.
    text = re.sub(r"<((?:https?|ftp|mailto):[^<>\s]+)>", r"\1", text, flags=re.I)
    text = re.sub(r"<([^<>\s@]+@[^<>\s]+)>", r"\1", text)
    text = _BLOCK_TAGS.sub(" ", text)
    text = re.sub(r"</?[A-Za-z][^<>]*>", "", text)
    text = html.unescape(text)
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\[[^\]]*\]", r"\1", text)
    text = re.sub(r"^[ \t]*(?:#{1,6}|>+|[-*+•])[ \t]+", "", text, flags=re.M)
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
    text = re.sub(r"\s+", " ", text)
    return text.strip()


_PUNCT_RANK = {"?": 5, "!": 4, ".": 3, ";": 2, ":": 1, ",": 0}


def _strongest(run: str) -> str:
    """The one mark that stands for a run of punctuation (``",."`` -> ``"."``)."""
    marks = [c for c in run if c in _PUNCT_RANK]
    return max(marks, key=lambda c: _PUNCT_RANK[c])


def cleanup_punctuation(text: str) -> str:
    """Fix punctuation spacing: no space before a mark, no doubled marks, no leading mark.

    Ellipses become a comma pause (a period at the end), a dangling comma at the end
    becomes a period.

    >>> cleanup_punctuation(", The tool , which is free ,, works ,. Really ... yes... No")
    'The tool, which is free, works. Really, yes. No'
    """
    text = re.sub(r"\s*(?:\.{3,}|…)\s+(?=[\"'“‘(\[]?[A-Z])", ". ", text)
    text = re.sub(r"\s*(?:\.{3,}|…)\s*(?=\S)", ", ", text)
    text = re.sub(r"\s*(?:\.{3,}|…)\s*$", ".", text)
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    text = re.sub(r"[.,;:!?](?:\s*[.,;:!?])+", lambda m: _strongest(m.group()), text)
    text = re.sub(r"([,;])(?=[^\W\d_])", r"\1 ", text)
    text = re.sub(r"^[\s.,;:]+", "", text)
    text = re.sub(r"[,;:]\s*$", ".", text)
    return re.sub(r"\s+", " ", text).strip()


# --------------------------------------------------------------------------------------------
# Addresses
# --------------------------------------------------------------------------------------------

_SPOKEN_TLDS = {"edu": "E.D.U"}


def _speak_domain(domain: str) -> str:
    """``www.Example.co.uk`` -> ``example dot co dot U.K``."""
    labels = [label for label in domain.lower().split(".") if label]
    if labels and labels[0] == "www":
        labels = labels[1:]
    spoken = []
    for i, label in enumerate(labels):
        if i == len(labels) - 1 and i > 0:
            if label in _SPOKEN_TLDS:
                label = _SPOKEN_TLDS[label]
            elif len(label) == 2:
                label = ".".join(label.upper())
        spoken.append(label.replace("-", " dash "))
    return " dot ".join(spoken)


_EMAIL = re.compile(r"(?<![\w.+-])(?:mailto:)?([\w.+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)\b")


def expand_emails(text: str) -> str:
    """E-mail addresses as said aloud.

    >>> expand_emails("Write to jane.doe@example.org.")
    'Write to jane dot doe at example dot org.'
    """
    def say(m: re.Match[str]) -> str:
        local = m.group(1).strip(".")
        for mark, word in ((".", " dot "), ("_", " underscore "), ("-", " dash "), ("+", " plus ")):
            local = local.replace(mark, word)
        return f"{local} at {_speak_domain(m.group(2))}"

    return _EMAIL.sub(say, text)


_TLDS = ("com|org|net|io|dev|app|ai|co|edu|gov|info|biz|me|tv|ly|fm|us|uk|ca|au|de|fr|eu|nl|"
         "ch|at|es|it|se|no|dk|fi|jp|in|nz|ie|be|pl|xyz|tech|blog|news|site|online")
_URL = re.compile(
    r"\b(?:(?:https?|ftp)://|www\.)[^\s<>\"'“”]+"
    rf"|(?<![\w@.-])(?:[a-z0-9][a-z0-9-]*\.)+(?:{_TLDS})\b(?:/[^\s<>\"'“”]*)?"
)


def expand_urls(text: str) -> str:
    """URLs reduced to their site, as said aloud; the path and query are dropped.

    >>> expand_urls("See https://www.example.com/a/b?x=1. Or docs.python.org!")
    'See example dot com. Or docs dot python dot org!'
    """
    def say(m: re.Match[str]) -> str:
        url = m.group()
        trail = re.search(r"[.,;:!?)\]}]+$", url)
        tail = ""
        if trail:
            # A closing bracket belongs to the URL only when it also opened one.
            tail = trail.group()
            url = url[: trail.start()]
        host = re.sub(r"^[a-z]+://", "", url, flags=re.I)
        host = re.split(r"[/?#]", host, maxsplit=1)[0]
        host = host.rsplit("@", 1)[-1].split(":", 1)[0]
        return _speak_domain(host) + tail

    return _URL.sub(say, text)


# --------------------------------------------------------------------------------------------
# Abbreviations
# --------------------------------------------------------------------------------------------

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_MONTH_ABBR = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8,
               "Sep": 9, "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12}

# (pattern, spoken, may end a sentence). The pattern is matched at a word start.
_ABBREVIATIONS: list[tuple[str, str, bool]] = [
    (r"e\.\s?g\.", "for example", False),
    (r"i\.\s?e\.", "that is", False),
    (r"etc\.", "et cetera", True),
    (r"et al\.", "and others", True),
    (r"a\.k\.a\.|aka\b", "also known as", False),
    (r"vs\.?(?!\w)", "versus", False),
    (r"approx\.", "approximately", False),
    (r"ca\.(?=\s*\d)", "circa", False),
    (r"cf\.", "compare", False),
    (r"viz\.", "namely", False),
    (r"w/o(?!\w)", "without", False),
    (r"w/(?=\s)", "with", False),
    (r"Mr\.", "Mister", False),
    (r"Mrs\.", "Missus", False),
    (r"Ms\.", "Miz", False),
    (r"Prof\.", "Professor", False),
    (r"Mt\.", "Mount", False),
    (r"Sen\.(?=\s+[A-Z])", "Senator", False),
    (r"Rep\.(?=\s+[A-Z])", "Representative", False),
    (r"Gov\.(?=\s+[A-Z])", "Governor", False),
    (r"Gen\.(?=\s+[A-Z])", "General", False),
    (r"Capt\.(?=\s+[A-Z])", "Captain", False),
    (r"Lt\.(?=\s+[A-Z])", "Lieutenant", False),
    (r"Sgt\.(?=\s+[A-Z])", "Sergeant", False),
    (r"Rev\.(?=\s+[A-Z])", "Reverend", False),
    (r"Jr\.", "Junior", True),
    (r"Sr\.", "Senior", True),
    (r"Inc\.", "Incorporated", True),
    (r"Ltd\.", "Limited", True),
    (r"Corp\.", "Corporation", True),
    (r"Co\.", "Company", True),
    (r"Dept\.", "Department", True),
    (r"Ave\.", "Avenue", True),
    (r"Rd\.", "Road", True),
    (r"Blvd\.", "Boulevard", True),
    (r"[Nn]o\.(?=\s*\d)", "number", False),
    (r"[Nn]os\.(?=\s*\d)", "numbers", False),
    (r"pp\.(?=\s*\d)", "pages", False),
    (r"p\.(?=\s*\d)", "page", False),
    (r"[Ff]ig\.(?=\s*\d)", "figure", False),
    (r"[Vv]ol\.(?=\s*\d)", "volume", False),
    (r"[Cc]h\.(?=\s*\d)", "chapter", False),
    (r"[Ss]ec\.(?=\s*\d)", "section", False),
    (r"[Ee]q\.(?=\s*\d)", "equation", False),
    (r"Ph\.\s?D\.?|PhD\b", "P.H.D", True),
    *[(rf"{abbr}\.", _MONTHS[n - 1], False) for abbr, n in _MONTH_ABBR.items()],
    (r"Mon\.", "Monday", False), (r"Tue\.|Tues\.", "Tuesday", False),
    (r"Wed\.", "Wednesday", False), (r"Thu\.|Thur\.|Thurs\.", "Thursday", False),
    (r"Fri\.", "Friday", False),
]
_ABBR_RE = re.compile(
    r"(?<![\w.])(?:"
    + "|".join(f"(?P<a{i}>{p})" for i, (p, _, _) in enumerate(_ABBREVIATIONS))
    + ")"
)
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
        _, spoken, may_end = _ABBREVIATIONS[index]
        if token.endswith(".") and (not m.string[m.end():].strip() or (
                may_end and _sentence_ends_at(m.string, m.end()))):
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
        ends = spoken in ("Street", "Drive") and _sentence_ends_at(m.string, m.end())
        return spoken + ("." if ends else "")

    text = re.sub(r"(?<![\w.])(St|Dr)\.", street_or_title, text)
    return _ABBR_RE.sub(say, text)


# --------------------------------------------------------------------------------------------
# Numbers with a shape: phone numbers, dates, times, money, percentages, units
# --------------------------------------------------------------------------------------------


def expand_number_symbols(text: str) -> str:
    """Symbols that qualify a number: ``#1``, ``~5``, ``≈``, ``±``, ``3x``, ``4x4``.

    >>> expand_number_symbols("#1 is ~5 times, 3x faster, a 4x4 grid, ±2, 3 * 2")
    'number 1 is about 5 times, 3 times faster, a 4 by 4 grid, plus or minus 2, 3 times 2'
    """
    text = re.sub(r"(?<![\w&])#\s?(?=\d)", "number ", text)
    text = re.sub(r"(?<!\w)[~≈]\s?(?=[\d$€£¥.])", "about ", text)
    text = re.sub(r"±\s?", "plus or minus ", text)
    text = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)\s?[x×]\s?(?=\d)", r"\1 by ", text)
    text = re.sub(r"(?<=\d)\s?\*\s?(?=\d)", " times ", text)
    text = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)\s?[x×](?![\w])", r"\1 times", text)
    return text


_PHONE_US = re.compile(
    r"(?<![\w+.-])(?:(\+\d{1,3}|1(?=[\s.-]))[\s.-]?)?(\(\d{3}\)|\d{3})[\s.-]?(\d{3})[\s.-](\d{4})"
    r"(?![\w-]|\.\d)"
)
_PHONE_INTL = re.compile(r"(?<![\w+])\+\d{1,3}(?:[\s.-]\(?\d{1,5}\)?){2,5}(?![\w-]|\.\d)")


def expand_phone_numbers(text: str) -> str:
    """Phone numbers read digit by digit, group by group.

    >>> expand_phone_numbers("Call 555-123-4567 or +1 (555) 123-4567.")
    'Call five five five, one two three, four five six seven or plus one, five five five, one two three, four five six seven.'
    >>> expand_phone_numbers("1-800-555-0199")
    'one, eight zero zero, five five five, zero one nine nine'
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

    return _PHONE_INTL.sub(intl, _PHONE_US.sub(us, text))


_MONTH_NAME = ("(?P<month>" + "|".join(_MONTHS) + "|" + "|".join(sorted(_MONTH_ABBR, key=len,
                                                                       reverse=True)) + r")\.?")


def _month_number(name: str) -> int:
    """1-12 for a month name or its abbreviation."""
    name = name.rstrip(".")
    return _MONTH_ABBR.get(name) or _MONTHS.index(name) + 1


def _two_digit_year(yy: int) -> int:
    """A two-digit year in this century or the last (``25`` -> 2025, ``99`` -> 1999)."""
    return 2000 + yy if yy < 50 else 1900 + yy


def _say_month_day(month: int, day: int, year: int | None) -> str:
    """"March fourth, twenty twenty-five"."""
    words = f"{_MONTHS[month - 1]} {spell_ordinal(day)}"
    return f"{words}, {spell_year(year)}" if year is not None else words


def expand_dates(text: str) -> str:
    """Dates as said aloud: US ``3/4/2025`` (month first), ISO ``2025-03-04``,
    ``4 March 2025``, ``March 4, 2025`` and ``March 2025``.

    Numeric dates are read month first; a first number above 12 makes it day first.

    >>> expand_dates("On 3/4/2025 and 2025-03-04, or 4 March 2025, or Mar 4th, 2025.")
    'On March fourth, twenty twenty-five and March fourth, twenty twenty-five, or the fourth of March, twenty twenty-five, or March fourth, twenty twenty-five.'
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
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return m.group()
        return _say_month_day(month, day, year)

    def day_month(m: re.Match[str]) -> str:
        day = int(m.group("day"))
        if not 1 <= day <= 31:
            return m.group()
        article = "" if re.search(r"\bthe\s+$", m.string[: m.start()], re.I) else "the "
        words = f"{article}{spell_ordinal(day)} of {_MONTHS[_month_number(m.group('month')) - 1]}"
        return f"{words}, {spell_year(int(m.group('year')))}" if m.group("year") else words

    def month_day(m: re.Match[str]) -> str:
        day = int(m.group("day"))
        if not 1 <= day <= 31:
            return m.group()
        year = int(m.group("year")) if m.group("year") else None
        return _say_month_day(_month_number(m.group("month")), day, year)

    def month_year(m: re.Match[str]) -> str:
        return f"{_MONTHS[_month_number(m.group('month')) - 1]} {spell_year(int(m.group('year')))}"

    text = re.sub(r"(?<![\w/.-])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\w/]|\.\d)", numeric, text)
    text = re.sub(r"(?<![\w/.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w-]|\.\d)", iso, text)
    text = re.sub(rf"(?<![\w.,])(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?\b{_MONTH_NAME}"
                  r"(?:,?\s+(?P<year>\d{4})\b(?![.,]\d))?", day_month, text)
    text = re.sub(rf"\b{_MONTH_NAME}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?![\w:]|[.,]\d)"
                  r"(?:,?\s+(?P<year>\d{4})\b(?![.,]\d))?", month_day, text)
    text = re.sub(rf"\b{_MONTH_NAME},?\s+(?P<year>\d{{4}})\b(?![.,]\d)", month_year, text)
    return text


_AMPM = r"(?P<ampm>[aApP]\.?\s?[mM]\b\.?)"


def _say_ampm(m: re.Match[str]) -> str:
    """" A.M" / " P.M" for the matched suffix, keeping a period that ends the sentence."""
    if not m.group("ampm"):
        return ""
    spoken = " A.M" if m.group("ampm")[0] in "aA" else " P.M"
    if m.group("ampm").endswith(".") and _sentence_ends_at(m.string, m.end()):
        spoken += "."
    return spoken


def expand_times(text: str) -> str:
    """Clock times: ``9:30`` "nine thirty", ``9:05`` "nine oh five", ``14:00`` "fourteen
    hundred", ``9:00`` "nine o'clock", ``9:30am`` / ``5 pm`` with "A.M"/"P.M".

    >>> expand_times("From 9:30am to 5 p.m. or 14:05 and 9:00.")
    "From nine thirty A.M to five P.M or fourteen oh five and nine o'clock."
    """
    def clock(m: re.Match[str]) -> str:
        hour, minute = int(m.group("h")), int(m.group("m"))
        ampm = _say_ampm(m)
        hour_words = spell_int(hour)
        if minute == 0:
            if ampm:
                words = hour_words
            elif hour > 12 or m.group("h").startswith("0"):
                words = f"{hour_words} hundred"
            else:
                words = f"{hour_words} o'clock"
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

    text = re.sub(r"(?<![\w:.,])(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?"
                  rf"(?![\d:]|\.\d)(?:\s?{_AMPM})?", clock, text)
    text = re.sub(rf"(?<![\w:.,])(?P<h>1[0-2]|0?[1-9])\s?{_AMPM}", hour_only, text)
    return text


def expand_ratios(text: str) -> str:
    """Ratios left after times: ``3:2`` -> "three to two", ``16:9``.

    >>> expand_ratios("A 16:9 screen, odds of 3:2.")
    'A sixteen to nine screen, odds of three to two.'
    """
    return re.sub(r"(?<![\w:.,])(\d+):(\d+)(?![\w:]|\.\d)",
                  lambda m: f"{spell_number(m.group(1))} to {spell_number(m.group(2))}", text)


# name -> (singular, plural, minor singular, minor plural)
_CURRENCIES: dict[str, tuple[str, str, str | None, str | None]] = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "US$": ("dollar", "dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "¥": ("yen", "yen", None, None),
    "₹": ("rupee", "rupees", None, None),
    "USD": ("dollar", "dollars", "cent", "cents"),
    "EUR": ("euro", "euros", "cent", "cents"),
    "GBP": ("pound", "pounds", "penny", "pence"),
    "JPY": ("yen", "yen", None, None),
    "CNY": ("yuan", "yuan", None, None),
    "INR": ("rupee", "rupees", None, None),
    "CHF": ("Swiss franc", "Swiss francs", "centime", "centimes"),
    "CAD": ("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "AUD": ("Australian dollar", "Australian dollars", "cent", "cents"),
}
_SCALES = {"thousand": "thousand", "million": "million", "billion": "billion",
           "trillion": "trillion", "k": "thousand", "K": "thousand", "m": "million",
           "M": "million", "mn": "million", "b": "billion", "B": "billion", "bn": "billion",
           "tn": "trillion"}
_SYMBOLS = r"US\$|[$€£¥₹]"
_CODES = "|".join(k for k in _CURRENCIES if k.isalpha())
_SCALE = r"(?:\s?(?P<scale>thousand|million|billion|trillion)\b|(?P<abbr>bn|mn|tn|[kKmMbB])\b)?"


def _say_money(amount: str, unit: str, scale: str | None) -> str:
    """An amount of money: "three dollars and fifty cents", "one point two million dollars"."""
    one, many, minor_one, minor_many = _CURRENCIES[unit]
    sign = ""
    if amount[:1] in "-−":
        sign, amount = "minus ", amount[1:]
    if scale:
        return f"{sign}{spell_number(amount)} {_SCALES[scale]} {many}"
    whole, _, cents = amount.partition(".")
    whole_n = int(whole.replace(",", "") or "0")
    if cents and len(cents) == 2 and minor_one and minor_many:
        minor = int(cents)
        if minor == 0:
            return f"{sign}{spell_int(whole_n)} {one if whole_n == 1 else many}"
        minor_words = f"{spell_int(minor)} {minor_one if minor == 1 else minor_many}"
        if whole_n == 0:
            return sign + minor_words
        return f"{sign}{spell_int(whole_n)} {one if whole_n == 1 else many} and {minor_words}"
    if cents:
        return f"{sign}{spell_number(amount)} {many}"
    return f"{sign}{spell_number(amount)} {one if whole_n == 1 else many}"


def expand_currency(text: str) -> str:
    """Money: ``$3.50``, ``$1.2 million``, ``$5bn``, ``€5``, ``5 €``, ``£3.20``, ``¥500``,
    ``USD 20``, ``20 EUR`` and ranges like ``$10-20``.

    >>> expand_currency("$3.50, $1.2 million, €5, £0.99, USD 20, 5 € and $10-$20")
    'three dollars and fifty cents, one point two million dollars, five euros, ninety-nine pence, twenty dollars, five euros and ten to twenty dollars'
    """
    def say(m: re.Match[str]) -> str:
        unit = m.group("sym") or m.group("code")
        scale = m.group("scale") or m.group("abbr")
        amount = (m.group("neg") or "") + m.group("amt")
        if m.groupdict().get("amt2"):
            low = (m.group("neg") and "minus " or "") + spell_number(m.group("amt"))
            return f"{low} to {_say_money(m.group('amt2'), unit, scale)}"
        return _say_money(amount, unit, scale)

    amount = rf"(?P<amt>{_NUM})"
    prefix = (rf"(?<![\w.,])(?P<neg>[-−])?(?:(?P<sym>{_SYMBOLS})|(?P<code>\b(?:{_CODES}))\s?)"
              rf"\s?{amount}(?:\s?[-–]\s?(?:{_SYMBOLS})?(?P<amt2>{_NUM}))?{_SCALE}(?![\w])")
    suffix = (rf"(?<![\w.,])(?P<neg>[-−])?{amount}{_SCALE}\s?"
              rf"(?:(?P<sym>[€£¥₹$])|(?P<code>\b(?:{_CODES})\b))")
    text = re.sub(prefix, say, text)
    return re.sub(suffix, say, text)


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

    return re.sub(rf"(?<![\w.,])(?P<a>[-−]?(?:{_NUM}))(?:\s?%?\s?[-–]\s?(?P<b>{_NUM}))?\s?%",
                  say, text)


# unit as written -> (singular, plural)
_UNITS: dict[str, tuple[str, str]] = {
    "km/h": ("kilometer per hour", "kilometers per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"),
    "m/s": ("meter per second", "meters per second"),
    "mph": ("mile per hour", "miles per hour"),
    "km²": ("square kilometer", "square kilometers"),
    "m²": ("square meter", "square meters"),
    "sq ft": ("square foot", "square feet"),
    "sq m": ("square meter", "square meters"),
    "ft²": ("square foot", "square feet"),
    "m³": ("cubic meter", "cubic meters"),
    "km": ("kilometer", "kilometers"),
    "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"),
    "µm": ("micrometer", "micrometers"),
    "μm": ("micrometer", "micrometers"),
    "nm": ("nanometer", "nanometers"),
    "m": ("meter", "meters"),
    "mi": ("mile", "miles"),
    "yd": ("yard", "yards"),
    "ft": ("foot", "feet"),
    "kg": ("kilogram", "kilograms"),
    "mg": ("milligram", "milligrams"),
    "g": ("gram", "grams"),
    "lbs": ("pound", "pounds"),
    "lb": ("pound", "pounds"),
    "oz": ("ounce", "ounces"),
    "ml": ("milliliter", "milliliters"),
    "mL": ("milliliter", "milliliters"),
    "l": ("liter", "liters"),
    "L": ("liter", "liters"),
    "gal": ("gallon", "gallons"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°C": ("degree Celsius", "degrees Celsius"),
    "°": ("degree", "degrees"),
    "kB": ("kilobyte", "kilobytes"),
    "KB": ("kilobyte", "kilobytes"),
    "MB": ("megabyte", "megabytes"),
    "GB": ("gigabyte", "gigabytes"),
    "TB": ("terabyte", "terabytes"),
    "PB": ("petabyte", "petabytes"),
    "kB/s": ("kilobyte per second", "kilobytes per second"),
    "KB/s": ("kilobyte per second", "kilobytes per second"),
    "MB/s": ("megabyte per second", "megabytes per second"),
    "GB/s": ("gigabyte per second", "gigabytes per second"),
    "kbps": ("kilobit per second", "kilobits per second"),
    "Mbps": ("megabit per second", "megabits per second"),
    "Gbps": ("gigabit per second", "gigabits per second"),
    "Hz": ("hertz", "hertz"),
    "kHz": ("kilohertz", "kilohertz"),
    "MHz": ("megahertz", "megahertz"),
    "GHz": ("gigahertz", "gigahertz"),
    "kWh": ("kilowatt hour", "kilowatt hours"),
    "kW": ("kilowatt", "kilowatts"),
    "MW": ("megawatt", "megawatts"),
    "W": ("watt", "watts"),
    "V": ("volt", "volts"),
    "mAh": ("milliamp hour", "milliamp hours"),
    "dB": ("decibel", "decibels"),
    "kcal": ("kilocalorie", "kilocalories"),
    "cal": ("calorie", "calories"),
    "px": ("pixel", "pixels"),
    "ms": ("millisecond", "milliseconds"),
    "sec": ("second", "seconds"),
    "secs": ("second", "seconds"),
    "min": ("minute", "minutes"),
    "mins": ("minute", "minutes"),
    "h": ("hour", "hours"),
    "hr": ("hour", "hours"),
    "hrs": ("hour", "hours"),
    "wk": ("week", "weeks"),
    "wks": ("week", "weeks"),
    "yr": ("year", "years"),
    "yrs": ("year", "years"),
}
_UNIT_ALT = "|".join(re.escape(u).replace(r"\ ", r"\s?").replace("°", r"°\s?")
                     for u in sorted(_UNITS, key=len, reverse=True))
_UNIT_RE = re.compile(
    rf"(?<![\w.,])(?P<a>[-−]?(?:{_NUM}))(?:\s?[-–]\s?(?P<b>{_NUM}))?\s?(?P<unit>{_UNIT_ALT})"
    r"(?![\w°²³/])(?P<dot>\.(?=\s+[a-z]))?"
)


def expand_units(text: str) -> str:
    """Measurements with the unit in full, singular or plural to match the number.

    >>> expand_units("5 km, 3kg, 1 ft, 72°F, -5 °C, 2GB and 10-20 min")
    'five kilometers, three kilograms, one foot, seventy-two degrees Fahrenheit, minus five degrees Celsius, two gigabytes and ten to twenty minutes'
    >>> expand_units('He is 5\\'11" tall')
    'He is five feet eleven inches tall'
    """
    def say(m: re.Match[str]) -> str:
        unit = re.sub(r"\s+", " ", m.group("unit")).replace("° ", "°")
        one, many = _UNITS[unit]
        words = spell_number(m.group("a"))
        if m.group("b"):
            return f"{words} to {spell_number(m.group('b'))} {many}"
        return f"{words} {one if m.group('a').lstrip('-−') == '1' else many}"

    def feet_inches(m: re.Match[str]) -> str:
        feet, inches = int(m.group(1)), int(m.group(2))
        return (f"{spell_int(feet)} {'foot' if feet == 1 else 'feet'} "
                f"{spell_int(inches)} {'inch' if inches == 1 else 'inches'}")

    text = re.sub(r"(?<![\w.,'])(\d+)['′]\s?(\d{1,2})(?:[\"″]|'')?(?![\w'])", feet_inches, text)
    return _UNIT_RE.sub(say, text)


_VULGAR = {"½": (1, 2), "¼": (1, 4), "¾": (3, 4), "⅓": (1, 3), "⅔": (2, 3), "⅛": (1, 8)}


def _say_fraction(numerator: int, denominator: int) -> str:
    """"one half", "three quarters", "two thirds", "five over sixteen"."""
    if denominator == 2:
        name = "half" if numerator == 1 else "halves"
    elif denominator == 4:
        name = "quarter" if numerator == 1 else "quarters"
    elif 3 <= denominator <= 10:
        name = spell_ordinal(denominator) + ("" if numerator == 1 else "s")
    else:
        return f"{spell_int(numerator)} over {spell_int(denominator)}"
    return f"{spell_int(numerator)} {name}"


def expand_fractions(text: str) -> str:
    """Fractions: ``1/2`` "one half", ``3/4`` "three quarters", ``2½`` "two and a half",
    ``24/7`` "twenty-four seven".

    >>> expand_fractions("Add 1/2 cup, 2½ hours, 3/4 done, open 24/7, 5/16 inch")
    'Add one half cup, two and a half hours, three quarters done, open twenty-four seven, five over sixteen inch'
    """
    def vulgar(m: re.Match[str]) -> str:
        numerator, denominator = _VULGAR[m.group(2)]
        words = _say_fraction(numerator, denominator)
        if m.group(1):
            article = "a " + words.split(" ", 1)[1] if numerator == 1 else words
            return f"{spell_int(int(m.group(1)))} and {article}"
        return words

    def slash(m: re.Match[str]) -> str:
        numerator, denominator = int(m.group(1)), int(m.group(2))
        if (numerator, denominator) == (24, 7):
            return "twenty-four seven"
        if denominator == 0:
            return m.group()
        return _say_fraction(numerator, denominator)

    text = re.sub(r"(?<![\w.])(\d+)?\s?([½¼¾⅓⅔⅛])", vulgar, text)
    return re.sub(r"(?<![\w/.,])(\d+)/(\d+)(?![\w/]|[.,]\d)", slash, text)


# --------------------------------------------------------------------------------------------
# Plain numbers
# --------------------------------------------------------------------------------------------

_ORD_SUFFIX = r"(?:st|nd|rd|th)?"


def expand_ranges(text: str) -> str:
    """Number ranges: the dash between two numbers becomes "to" (the numbers stay digits
    for the later steps).

    >>> expand_ranges("pages 3-5, 10–20 people, 1990 - 1995, COVID-19")
    'pages 3 to 5, 10 to 20 people, 1990 to 1995, COVID-19'
    """
    return re.sub(rf"(?<![\w.,\-−])((?:{_NUM}){_ORD_SUFFIX})\s?[-–—]\s?"
                  rf"((?:{_NUM}){_ORD_SUFFIX})(?![\w\-]|[.,]\d)", r"\1 to \2", text)


def expand_years(text: str) -> str:
    """Years and decades.

    A four-digit number from 1100 to 2099 standing alone (no thousands comma, no unit or
    symbol after it, not after "number") is read as a year; decades like ``1990s`` and
    ``'90s`` are read as such.

    >>> expand_years("In 1999, 2005 and 2025; the 1990s and '80s, not 1,999 or 2500.")
    'In nineteen ninety-nine, two thousand five and twenty twenty-five; the nineteen nineties and eighties, not 1,999 or 2500.'
    """
    def decade(m: re.Match[str]) -> str:
        digits = m.group(1)
        if len(digits) == 4:
            return _plural_last_word(spell_year(int(digits)))
        return _plural_last_word(spell_int(int(digits)))

    def year(m: re.Match[str]) -> str:
        if re.search(r"\b(?:number|numbers|No\.?)\s*$", m.string[: m.start()], re.I):
            return m.group()
        return spell_year(int(m.group()))

    text = re.sub(r"(?<![\w.,])'?(1[1-9]\d0|20\d0|[1-9]0)'?s\b", decade, text)
    return re.sub(r"(?<![\w.,$€£¥#\-−])(?:1[1-9]\d\d|20\d\d)(?![\w%°]|[.,]\d|\s?%)",
                  year, text)


def expand_ordinals(text: str) -> str:
    """Ordinals: ``1st`` "first", ``22nd`` "twenty-second", ``3rd``, ``101st``.

    >>> expand_ordinals("the 1st, 22nd, 3rd and 101st time")
    'the first, twenty-second, third and one hundred first time'
    """
    return re.sub(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?:st|nd|rd|th)\b",
                  lambda m: spell_ordinal(int(m.group(1).replace(",", ""))), text, flags=re.I)


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
# Letters: Roman numerals and acronyms
# --------------------------------------------------------------------------------------------

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}
_COUNTED = ("War|Part|Chapter|Volume|Phase|Type|Stage|Level|Act|Book|Episode|Season|Article|"
            "Title|Section|Class|Category|Grade|Schedule|Apollo|Gemini|Mark|Star Wars Episode")
_REGNAL = ("Henry|Louis|George|Edward|Elizabeth|Charles|James|William|Richard|John|Pius|Benedict|"
           "Leo|Gregory|Paul|Innocent|Clement|Alexander|Frederick|Philip|Peter|Catherine|Mary|"
           "Ramesses|Ptolemy|Napoleon|Nicholas|Ivan|Constantine|Otto|Alfonso|Ferdinand")


def _roman_value(numeral: str) -> int | None:
    """The value of a Roman numeral made of I, V and X, or None when it is not well formed."""
    total = 0
    for i, ch in enumerate(numeral):
        value = _ROMAN_VALUES[ch]
        if i + 1 < len(numeral) and value < _ROMAN_VALUES[numeral[i + 1]]:
            total -= value
        else:
            total += value
    canonical = ""
    rest = total
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while rest >= value:
            canonical += letters
            rest -= value
    return total if canonical == numeral and total > 0 else None


def expand_roman_numerals(text: str) -> str:
    """Roman numerals after a name: "World War II" -> "World War two", "Henry VIII" ->
    "Henry the eighth". Only numerals up to XXXIX after a capitalised word are read; a lone
    ``I`` is read only after counting words like "Part" or "War".

    >>> expand_roman_numerals("World War II, Henry VIII and Part I, but I know")
    'World War two, Henry the eighth and Part one, but I know'
    """
    def say(m: re.Match[str]) -> str:
        name, numeral = m.group(1), m.group(2)
        value = _roman_value(numeral)
        counted = re.search(rf"\b(?:{_COUNTED})$", name) is not None
        regnal = re.fullmatch(_REGNAL, name) is not None
        if value is None or not (counted or regnal):
            return m.group()
        if len(numeral) == 1 and not counted and not _sentence_ends_at(m.string, m.end()) and \
                not re.match(r"[,;:)]", m.string[m.end():m.end() + 1]):
            return m.group()
        words = f"the {spell_ordinal(value)}" if regnal else spell_int(value)
        return f"{name} {words}"

    return re.sub(r"\b([A-Z][a-z]+)\s+([IVX]{1,6})\b(?!['’.]?\w)", say, text)


ACRONYM_WORDS: frozenset[str] = frozenset({
    "NASA", "NATO", "UNESCO", "UNICEF", "SCUBA", "LASER", "RADAR", "SONAR", "GIF", "JPEG",
    "PIN", "COVID", "AIDS", "OPEC", "FIFA", "UEFA", "IKEA", "NAFTA", "ASCII", "LEGO", "RAM",
    "ROM", "SIM", "ZIP", "NASDAQ", "SARS", "MERS", "NIMBY", "YOLO", "FOMO", "JSON", "UNIX",
    "LINUX", "CAPTCHA", "REST", "WASP", "NOAA", "ESA", "CERN", "DARPA", "INTERPOL",
})
"""All-caps words read as words, not letters; they are written in title case for the engines."""

_SHOUT_WORDS = frozenset({"THE", "AND", "OF", "TO", "IS", "IN", "FOR", "WITH", "THIS", "THAT",
                          "YOU", "ARE", "NOT", "WE", "ALL", "NOW", "NEW", "FREE", "OUR"})


def _dot_letters(letters: str) -> str:
    """``FBI`` -> ``F.B.I``: letters both engines read one by one."""
    return ".".join(letters)


def expand_acronyms(text: str) -> str:
    """Acronyms: letters are spelled (``FBI`` -> ``F.B.I``, ``U.S.`` -> ``U.S``), known words
    stay words (``NASA`` -> ``Nasa``), ``OK`` is "okay". Plurals and possessives (``APIs``,
    ``FBI's``) are left as written: espeak-ng and Google read those as letters plus "s".
    Runs of three or more capitalised words (shouting) are lowercased instead.

    >>> expand_acronyms("The FBI and NASA told US, not us: I said IT APIs are OK.")
    'The F.B.I and Nasa told U.S, not us: I said I.T APIs are okay.'
    """
    def dotted(m: re.Match[str]) -> str:
        letters = m.group(1).replace(".", "")
        keep_dot = m.group(2) and _sentence_ends_at(m.string, m.end())
        return _dot_letters(letters) + ("." if keep_dot else "")

    def shouting(m: re.Match[str]) -> str:
        words = re.findall(r"[A-Z]+", m.group())
        if any(len(w) > 4 or w in _SHOUT_WORDS for w in words):
            return m.group().lower()
        return m.group()

    def letters(m: re.Match[str]) -> str:
        word, suffix = m.group(1), m.group(2) or ""
        if word == "OK":
            return "okay" + suffix
        if word in ACRONYM_WORDS or word + suffix in ACRONYM_WORDS:
            return word.capitalize() + suffix
        if suffix or len(word) > 6:
            return m.group()
        return _dot_letters(word)

    text = re.sub(r"(?<![\w.])((?:[A-Z]\.){1,}[A-Z])(\.)?(?![\w])", dotted, text)
    text = re.sub(r"\b[A-Z]{2,}(?:[ ,]+[A-Z]{2,}){2,}\b", shouting, text)
    return re.sub(r"(?<![\w.'])([A-Z]{2,8})(s|'s)?(?![\w']|\.[A-Za-z])", letters, text)


# --------------------------------------------------------------------------------------------
# Symbols and punctuation
# --------------------------------------------------------------------------------------------

_SYMBOL_WORDS = [
    (r"\s*&\s*", " and "),
    (r"\s*\+\s*", " plus "),
    (r"\s*=\s*", " equals "),
    (r"\s*≠\s*", " is not equal to "),
    (r"\s*≤\s*", " is less than or equal to "),
    (r"\s*≥\s*", " is greater than or equal to "),
    (r"\s+<\s+", " is less than "),
    (r"\s+>\s+", " is greater than "),
    (r"\s*(?:→|->|⇒|=>)\s*", " to "),
    (r"\s*[×]\s*", " times "),
    (r"@\s*", " at "),
    (r"\s*%", " percent"),
    (r"\s*°", " degrees"),
    (r"§\s*", " section "),
    (r"©\s*", " copyright "),
    (r"\$", " dollars "),
    (r"€", " euros "),
    (r"£", " pounds "),
    (r"[®™#*^|\\~<>{}¥₹]", " "),
    (r"(?<=\w)_(?=\w)", " "),
    (r"_", " "),
]


_PER_SHORT = {"mo": "month", "yr": "year", "wk": "week", "hr": "hour", "min": "minute",
              "sec": "second"}
_PER_WORDS = ("(?:month|day|year|week|hour|minute|second|night|person|user|seat|head|unit|item|"
              "piece|page|word|mo|yr|wk|hr|min|sec)s?")


def expand_symbols(text: str) -> str:
    """Symbols read as words: ``&`` "and", ``+`` "plus", ``=`` "equals", ``@`` "at",
    ``and/or`` "and or", ``yes/no`` "yes or no"; symbols with no spoken form are dropped.

    >>> expand_symbols("R&D + QA = 2, and/or yes/no, @home #tag C++, five dollars/mo")
    'R and D plus QA equals 2, and or yes or no, at home tag C plus plus, five dollars per month'
    """
    text = re.sub(r"\band/or\b", "and or", text, flags=re.I)
    text = re.sub(rf"\s?/\s?({_PER_WORDS})\b",
                  lambda m: " per " + _PER_SHORT.get(m.group(1), m.group(1)), text)
    text = re.sub(r"(?<=[^\W\d_])\s?/\s?(?=[^\W\d_])", " or ", text)
    text = re.sub(r"\s*/\s*", " ", text)
    for pattern, words in _SYMBOL_WORDS:
        text = re.sub(pattern, words, text)
    text = re.sub(r" +(?=[.,;:!?])", "", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


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
    text_now = re.sub(r"\s+([.,;:!?])", r"\1", text_now)
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


# --------------------------------------------------------------------------------------------
# The pipeline
# --------------------------------------------------------------------------------------------

NEUTRAL_STEPS: list[Step] = [strip_markup, remove_emoji, normalize_whitespace, cleanup_punctuation]
"""Steps that insert no words: run for every language."""

ENGLISH_STEPS: list[Step] = [
    strip_markup,
    remove_emoji,
    normalize_whitespace,
    expand_emails,
    expand_urls,
    expand_abbreviations,
    expand_number_symbols,
    expand_phone_numbers,
    expand_dates,
    expand_times,
    expand_ratios,
    expand_currency,
    expand_percentages,
    expand_units,
    expand_fractions,
    expand_ranges,
    expand_years,
    expand_ordinals,
    expand_negatives,
    expand_decimals,
    expand_cardinals,
    expand_roman_numerals,
    expand_acronyms,
    expand_symbols,
    expand_dashes,
    expand_parentheses,
    remove_quotes,
    cleanup_punctuation,
]
"""The English pipeline, in order: cleanup, addresses, abbreviations, numbers with a shape
(phone numbers, dates, times, money, percentages, units), plain numbers, letters, symbols,
then punctuation."""


def is_english(language: str) -> bool:
    """Whether a language tag is English (``en``, ``en-US``, ``en_GB``, ``EN``).

    >>> is_english("en-GB"), is_english("de")
    (True, False)
    """
    return re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0] == "en"


def normalize(text: str, language: str = "en", steps: list[Step] | None = None) -> str:
    """``text`` rewritten for a speech engine.

    English gets :data:`ENGLISH_STEPS`; any other language only :data:`NEUTRAL_STEPS`, so no
    English word is ever inserted into it. ``steps`` overrides the choice.

    >>> normalize("Dr. Smith paid $3.50 at 9:30am (approx.) — see example.com.")
    'Doctor Smith paid three dollars and fifty cents at nine thirty A.M, approximately, see example dot com.'
    >>> normalize("Am 3.4.2025 kostet es  5 € 🎉", "de")
    'Am 3.4.2025 kostet es 5 €'
    """
    if steps is None:
        steps = ENGLISH_STEPS if is_english(language) else NEUTRAL_STEPS
    for step in steps:
        text = step(text)
    return text


# --------------------------------------------------------------------------------------------
# Lists and headings
# --------------------------------------------------------------------------------------------

_LABEL = re.compile(r"^(?P<label>[^:.!?;]{1,60}?):\s+(?P<rest>\S.*)$", re.S)


def _lower_title_words(label: str) -> str:
    """Title-case words lowercased ("Deeper Insight" -> "deeper insight"); acronyms and "I" stay."""
    return re.sub(r"\b[A-Z][a-z]+\b", lambda m: m.group().lower(), label)


def list_item_text(number: int | None, text: str) -> str:
    """What is said for a list item: numbered items get an ordinal lead-in ("First, ...",
    up to "Tenth", then "Number eleven, ..."), and a ``Label: rest`` item becomes the label as
    its own short sentence. Bulleted items (``number`` None) are returned unchanged.

    >>> list_item_text(1, "Deeper Insight: The first interview went well.")
    'First, deeper insight. The first interview went well.'
    >>> list_item_text(12, "Pack light.")
    'Number twelve, Pack light.'
    >>> list_item_text(None, "Deeper Insight: as written")
    'Deeper Insight: as written'
    """
    if number is None:
        return text
    lead = _ORDINAL_LEADS[number - 1] if 1 <= number <= 10 else f"Number {spell_int(number)}"
    text = text.strip()
    if not text:
        return lead + "."
    m = _LABEL.match(text)
    if m and len(m.group("label").split()) <= 8:
        label = _lower_title_words(m.group("label").strip())
        return f"{lead}, {label}. {m.group('rest').strip()}"
    return f"{lead}, {text}"


def heading_text(text: str) -> str:
    """A heading that ends with a period, so the engine makes a falling pause after it.

    >>> heading_text("Deeper Insight"), heading_text("Why now?"), heading_text("Results:")
    ('Deeper Insight.', 'Why now?', 'Results.')
    """
    text = text.strip()
    text = re.sub(r"[\s,;:\-–—]+$", "", text)
    if not text:
        return ""
    if text.endswith(("...", "…")):
        return text.rstrip(".…") + "."
    if text[-1] in ".!?":
        return text
    return text + "."
