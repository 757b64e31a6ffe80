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
(:data:`NEUTRAL_STEPS`): footnote marks, markup and emoji removal, whitespace, punctuation spacing.

The steps live in modules by concern (:mod:`.markup`, :mod:`.web`, :mod:`.abbreviations`,
:mod:`.dates`, :mod:`.money`, :mod:`.units`, :mod:`.numbers`), the words and patterns they
read in :mod:`.tables`, shared helpers in :mod:`.common`; this module holds the pipeline.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from audioguide.speech.normalize.abbreviations import (
    ABBREVIATION_RE,
    NO_END_RE,
    expand_abbreviations,
    expand_acronyms,
    expand_symbols,
)
from audioguide.speech.normalize.common import (
    spell_digits,
    spell_int,
    spell_number,
    spell_ordinal,
    spell_year,
)
from audioguide.speech.normalize.dates import (
    expand_dates,
    expand_name_ranges,
    expand_times,
    expand_years,
)
from audioguide.speech.normalize.markup import (
    cleanup_punctuation,
    expand_dashes,
    expand_parentheses,
    normalize_whitespace,
    remove_citations,
    remove_emoji,
    remove_quotes,
    strip_markup,
)
from audioguide.speech.normalize.money import expand_currency
from audioguide.speech.normalize.numbers import (
    expand_cardinals,
    expand_decimals,
    expand_fractions,
    expand_negatives,
    expand_number_symbols,
    expand_ordinals,
    expand_percentages,
    expand_phone_numbers,
    expand_powers,
    expand_ranges,
    expand_ratios,
    expand_roman_numerals,
    expand_scales,
)
from audioguide.speech.normalize.tables import ACRONYM_WORDS, ORDINAL_LEADS
from audioguide.speech.normalize.units import expand_units
from audioguide.speech.normalize.web import expand_emails, expand_urls

Step = Callable[[str], str]
"""One normalisation step: text in, text out."""

__all__ = [
    "ABBREVIATION_RE", "ACRONYM_WORDS", "ENGLISH_STEPS", "NEUTRAL_STEPS", "NO_END_RE", "Step", "cleanup_punctuation",
    "expand_abbreviations",
    "expand_acronyms", "expand_cardinals", "expand_currency", "expand_dashes", "expand_dates",
    "expand_decimals", "expand_emails", "expand_fractions", "expand_name_ranges", "expand_negatives",
    "expand_number_symbols", "expand_ordinals", "expand_parentheses", "expand_percentages",
    "expand_phone_numbers", "expand_powers", "expand_ranges", "expand_ratios", "expand_roman_numerals", "expand_scales",
    "expand_symbols", "expand_times", "expand_units", "expand_urls", "expand_years",
    "heading_text", "is_english", "list_item_text", "normalize", "normalize_whitespace",
    "remove_citations", "remove_emoji", "remove_quotes", "spell_digits", "spell_int", "spell_number",
    "spell_ordinal", "spell_year", "strip_markup",
]

# --------------------------------------------------------------------------------------------
# The pipeline
# --------------------------------------------------------------------------------------------

NEUTRAL_STEPS: list[Step] = [remove_citations, strip_markup, remove_emoji, normalize_whitespace, cleanup_punctuation]
"""Steps that insert no words: run for every language (footnote marks are dropped in any)."""

ENGLISH_STEPS: list[Step] = [
    remove_citations,
    strip_markup,
    remove_emoji,
    normalize_whitespace,
    expand_emails,
    expand_urls,
    expand_abbreviations,
    expand_number_symbols,
    expand_phone_numbers,
    expand_name_ranges,
    expand_dates,
    expand_times,
    expand_ratios,
    expand_currency,
    expand_percentages,
    expand_units,
    expand_powers,
    expand_scales,
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
(phone numbers, dates, times, money, percentages, units, powers, scales), plain numbers, letters, symbols,
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

_LABEL = re.compile(r"^(?P<label>[^:.!?;]{1,60}?):\s+(?P<rest>\S.*)$", re.DOTALL)


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
    lead = ORDINAL_LEADS[number - 1] if 1 <= number <= 10 else f"Number {spell_int(number)}"
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
