"""Words the spoken and written guide uses around its stops, by language: "Stop 2." and
"Introduction" ("Étape 2.", "Einführung"), the title of an MP3's chapter list ("Kapitel"), and
how a stop's file name is numbered."""

from __future__ import annotations

import re


def base_language(code: str) -> str:
    """The language of a language tag, without its region or script (``fr-CA``, ``en_GB``).

    >>> base_language("fr-CA"), base_language("en_GB"), base_language("DE")
    ('fr', 'en', 'de')
    """
    return code.replace("_", "-").split("-")[0].lower()


STOP_WORDS: dict[str, str] = {"en": "Stop", "fr": "Étape", "de": "Station", "es": "Parada", "it": "Tappa",
                              "nl": "Halte", "pt": "Paragem", "da": "Stop", "sv": "Stopp", "nb": "Stopp"}
"""The word a guide says before a stop's number, by language ("Stop 2. The Hall."; in French
"Étape 2. Le hall."). Other languages say "Stop"."""


INTRODUCTION_WORDS: dict[str, str] = {"en": "Introduction", "fr": "Introduction", "de": "Einführung",
                                      "es": "Introducción", "it": "Introduzione", "nl": "Inleiding",
                                      "pt": "Introdução", "da": "Introduktion", "sv": "Introduktion",
                                      "nb": "Introduksjon", "pl": "Wstęp", "cs": "Úvod", "fi": "Johdanto"}
"""The title of the untitled opening section, by language. Other languages say "Introduction"."""


def introduction_word(language: str) -> str:
    """:data:`INTRODUCTION_WORDS` for ``language`` (``de-AT`` is German).

    >>> introduction_word("de-AT"), introduction_word("xx")
    ('Einführung', 'Introduction')
    """
    return INTRODUCTION_WORDS.get(base_language(language), "Introduction")


CHAPTERS_WORDS: dict[str, str] = {"en": "Chapters", "fr": "Chapitres", "de": "Kapitel", "es": "Capítulos",
                                  "it": "Capitoli", "nl": "Hoofdstukken", "pt": "Capítulos", "da": "Kapitler",
                                  "sv": "Kapitel", "nb": "Kapitler", "pl": "Rozdziały", "cs": "Kapitoly",
                                  "fi": "Luvut"}
"""The title of an MP3's table of contents (its CTOC frames), which players show above the
chapter list, by language. Other languages say "Chapters"."""


def chapters_word(language: str) -> str:
    """:data:`CHAPTERS_WORDS` for ``language`` (``de-CH`` is German).

    >>> chapters_word("de-CH"), chapters_word("ja")
    ('Kapitel', 'Chapters')
    """
    return CHAPTERS_WORDS.get(base_language(language), "Chapters")


def stop_number_text(number: int, highest: int) -> str:
    """How a stop's file name starts: its number, padded to as many digits as the guide's
    highest (at least two), so that the names sort in stop order (``099``, ``100``: car stereos,
    file managers and ZIP tools sort by name).

    >>> stop_number_text(7, 12), stop_number_text(7, 120)
    ('07', '007')
    """
    return f"{number:0{max(2, len(str(highest)))}d}"


def stop_word(language: str) -> str:
    """:data:`STOP_WORDS` for ``language`` (``fr-CA`` is French).

    >>> stop_word("fr-CA"), stop_word("ja")
    ('Étape', 'Stop')
    """
    return STOP_WORDS.get(base_language(language), "Stop")


def heading_number(heading: str, language: str) -> tuple[int, str] | None:
    """The stop number a heading carries itself, as a plaque does, and the heading without it:
    ``1. The Gate``, ``2) The Hall``, ``Stop 3: The Yard``, ``Station 4 – Der Hof`` (the stop
    word in English or in ``language``), ``No. 5 - The Well``; ``None`` for a heading without one.

    >>> heading_number("1. The Gate", "en"), heading_number("Étape 3 : La cour", "fr")
    ((1, 'The Gate'), (3, 'La cour'))
    >>> heading_number("1984: The Year", "en"), heading_number("3 Kings Hall", "en")
    (None, None)
    """
    words = "|".join(re.escape(w) for w in {"Stop", stop_word(language)})
    found = re.fullmatch(rf"(?:(?:{words}|No\.?|Nr\.?|#)\s*)?(\d{{1,3}})\s*(?:[.):]|\s[-–—])\s*(\S.*)",
                         heading.strip(), flags=re.IGNORECASE)
    return (int(found.group(1)), found.group(2).strip()) if found else None
