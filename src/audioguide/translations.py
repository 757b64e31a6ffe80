"""The words of the guide page in the guide's language: gettext catalogs read with Babel.

The page's interface (its buttons, labels, the keypad's and the offline notice's messages, the
names of its downloads) is written in English in the templates and in :mod:`audioguide.guide`,
marked for translation (``_()`` and ``{% trans %}`` in Jinja, ``gettext()`` in Python). Each
language's translations are a gettext catalog in the package, ``locales/<lang>/LC_MESSAGES/
audioguide.po``: plain text that translators' tools (Poedit, Weblate) edit, kept in git. No
compiled ``.mo`` file is kept: Babel reads the ``.po`` file and compiles it in memory, once per
language and process. ``locales/audioguide.pot`` is the template a new language starts from;
``scripts/catalogs`` extracts it again and merges it into every catalog (``locales/babel.cfg``
says which files it reads), and ``tests/test_translations.py`` fails when a catalog lacks a
message or its placeholders.

A language without a catalog gets the English words (its spoken words, "Stop 2", come from
:mod:`audioguide.wording` and are wider).
"""

from __future__ import annotations

import io
from functools import cache
from gettext import NullTranslations
from importlib import resources
from importlib.resources.abc import Traversable

DOMAIN = "audioguide"
"""The catalogs' gettext domain: ``locales/<lang>/LC_MESSAGES/audioguide.po``."""

SOURCE_LANGUAGE = "en"
"""The language the messages are written in, which needs no catalog."""


def _locales() -> Traversable:
    return resources.files("audioguide") / "locales"


def catalog_languages() -> tuple[str, ...]:
    """The languages with a catalog, as their folders name them (``de``, ``pt_BR``), sorted."""
    root = _locales()
    return tuple(sorted(entry.name for entry in root.iterdir()
                        if (entry / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()))


def catalog_names(language: str) -> tuple[str, ...]:
    """The catalog folders that serve a language tag, most specific first (``pt-BR`` is
    ``pt_BR``, then ``pt``).

    >>> catalog_names("pt-BR"), catalog_names("DE"), catalog_names("en_GB")
    (('pt_BR', 'pt'), ('de',), ('en_GB', 'en'))
    """
    parts = language.replace("-", "_").split("_")
    base = parts[0].lower()
    if len(parts) > 1 and parts[1]:
        return (f"{base}_{parts[1].upper() if len(parts[1]) == 2 else parts[1]}", base)
    return (base,)


@cache
def translations(language: str) -> NullTranslations:
    """The translations of the page's words into ``language`` (a language tag), or the English
    words themselves when it has no catalog."""
    for name in catalog_names(language):
        po = _locales() / name / "LC_MESSAGES" / f"{DOMAIN}.po"
        if po.is_file():
            from babel.messages.mofile import write_mo
            from babel.messages.pofile import read_po
            from babel.support import Translations

            with po.open("rb") as file:
                catalog = read_po(file, locale=name, domain=DOMAIN)
            compiled = io.BytesIO()
            write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does
            compiled.seek(0)
            return Translations(compiled, domain=DOMAIN)
    return NullTranslations()


def has_catalog(language: str) -> bool:
    """Whether ``language`` is English or has a catalog, i.e. whether the page is in it."""
    return (catalog_names(language)[-1] == SOURCE_LANGUAGE
            or any((_locales() / name / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
                   for name in catalog_names(language)))


__all__ = ["DOMAIN", "SOURCE_LANGUAGE", "catalog_languages", "catalog_names", "has_catalog",
           "translations"]
