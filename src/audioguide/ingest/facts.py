"""What an article states about itself, read leniently.

An article's front matter belongs to its site generator (Jekyll, Hugo, Eleventy, a CMS export),
so reading it never refuses the article: the keys below are understood, under the names
generators use for them, and everything else is ignored, as is a value that makes no sense
(a ``date: soon``). Episode scripts, which audioguide owns, are checked strictly in
:mod:`audioguide.ingest.script`; they share :func:`when` and the normalisers here.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from babel import Locale, UnknownLocaleError
from dateutil import parser as dateparser

from audioguide.ingest.blocks import paragraphs
from audioguide.models import ArticleMeta
from audioguide.settings import LANGUAGE

log = logging.getLogger(__name__)

DATE_KEYS = ("date", "publishDate", "published_at", "pubDate", "pub_date", "created")
DESCRIPTION_KEYS = ("description", "excerpt", "summary")
AUTHOR_KEYS = ("author", "authors")
LANGUAGE_KEYS = ("language", "lang", "locale")
URL_KEYS = ("canonical_url", "canonicalURL", "canonical", "url", "link")
OTHER_KEYS = ("title", "slug", "draft", "published", "tags")
FACT_KEYS = frozenset((*DATE_KEYS, *DESCRIPTION_KEYS, *AUTHOR_KEYS, *LANGUAGE_KEYS, *URL_KEYS, *OTHER_KEYS))
"""Every front matter key an article may use that audioguide understands."""

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HAS_YEAR = re.compile(r"\b\d{4}\b")
_NUMERIC_DAY = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{2,4})\b")
"""A day written with numbers, year last: ``04.07.2026``, ``7/4/2026``, ``04-07-26``."""
_DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")
"""Jekyll's post file names: ``2026-02-28-my-post.md``."""


def when(value: object, day_first: bool | None = None) -> tuple[dt.date, dt.datetime | None] | None:
    """A date in any ISO 8601 form (or RFC 2822, Jekyll's ``2026-11-20 08:24:31 -0700``, MkDocs'
    ``{created: …}``, a day written with numbers such as ``04.07.2026``)
    as its day and, when it has a time, the time; ``None`` when it is not a date.

    A day with its year last is read day first when it is dotted (German, Russian, Turkish…
    write ``4.7.2026``; nobody writes the month first with dots). With slashes or hyphens it is
    read as ``day_first`` says (the writer's convention: :func:`day_first`); when the
    convention is unknown and either number could be the month, it is not a date
    (:func:`ambiguous`), rather than a guess that is wrong for half the world.

    >>> when("2023-06-20T14:30:00.000Z")[1].isoformat()
    '2023-06-20T14:30:00+00:00'
    >>> when("2026-11-20 08:24:31 -0700")[1].isoformat()
    '2026-11-20T08:24:31-07:00'
    >>> when("2026-02-28")
    (datetime.date(2026, 2, 28), None)
    >>> when("04.07.2026")
    (datetime.date(2026, 7, 4), None)
    >>> when("04/07/2026") is None, when("04/07/2026", day_first=False)[0], when("11/20/2026")[0]
    (True, datetime.date(2026, 4, 7), datetime.date(2026, 11, 20))
    """
    if isinstance(value, Mapping):  # MkDocs' blog plugin: date: {created: …, updated: …}
        value = value.get("created")
    if isinstance(value, dt.datetime):
        return value.date(), value
    if isinstance(value, dt.date):
        return value, None
    if not isinstance(value, str) or not _HAS_YEAR.search(value):
        return None
    text = value.strip()
    numeric = _NUMERIC_DAY.match(text)
    if numeric and ambiguous(text) and day_first is None:
        return None
    try:
        if _DAY.match(text):
            return dt.date.fromisoformat(text), None
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = dateparser.parse(text, dayfirst=bool(numeric and (numeric[2] == "." or day_first)))
        except (ValueError, OverflowError):
            return None
    return moment.date(), (None if numeric and numeric.end() == len(text) else moment)


def ambiguous(value: object) -> bool:
    """Whether ``value`` is a day written ``a/b/year`` (or ``a-b-year``) where both ``a`` and
    ``b`` could be the month: ``04/07/2026`` is 4 July in London and April 7 in New York.

    >>> ambiguous("04/07/2026"), ambiguous("04.07.2026"), ambiguous("20/11/2026"), ambiguous("7/7/2026")
    (True, False, False, False)
    """
    numeric = _NUMERIC_DAY.match(value.strip()) if isinstance(value, str) else None
    return bool(numeric and numeric[2] != "." and numeric[1] != numeric[3]
                and int(numeric[1]) <= 12 and int(numeric[3]) <= 12)


def not_a_date(value: object) -> str:
    """The problem with a script's ``date`` that :func:`when` does not read, and its fix."""
    if ambiguous(value):
        return (f"date {value!r} could be either day first or month first: write it as YYYY-MM-DD "
                "(for example 2026-07-04)")
    return f"date {value!r} is not a date: write YYYY-MM-DD, or a time as 2026-11-20T08:24:31-07:00"


def day_first(language: str | None) -> bool | None:
    """Whether people writing ``language`` put the day before the month in a numeric date (the
    order of the locale's short date format, from the Unicode CLDR); ``None`` when unknown, or
    when its dates start with the year.

    >>> day_first("en-US"), day_first("en-GB"), day_first("de"), day_first("ja"), day_first(None)
    (False, True, True, None, None)
    """
    try:
        pattern = Locale.parse(language, sep="-").date_formats["short"].pattern if language else "y"
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    return None if pattern.lstrip("'").startswith("y") else pattern.find("d") < pattern.find("M")


def language_tag(value: object) -> str | None:
    """``fr``, ``en-GB`` (``en_GB`` and ``en_gb`` too) as a language tag; else ``None``."""
    if not isinstance(value, str):
        return None
    tag = value.strip().replace("_", "-")
    if not LANGUAGE.match(tag):
        return None
    head, *rest = tag.split("-")
    return "-".join([head.lower(), *(part.upper() if len(part) == 2 else part for part in rest)])


def names(value: object) -> tuple[str, ...]:
    """Authors as written: a name, a list of names, or Hugo's ``{name: …}`` mappings."""
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        name = item.get("name") if isinstance(item, Mapping) else item
        if isinstance(name, str) and name.strip():
            out.append(" ".join(name.split()))
    return tuple(out)


def web_address(value: object) -> str | None:
    """An absolute ``http(s)`` address; site-relative paths (Hugo's ``url: /x/``) are not one."""
    if isinstance(value, str) and re.match(r"^https?://[^\s/]+\S*$", value.strip()):
        return value.strip()
    return None


def absolute(link: str | None, base: str | None) -> str | None:
    """``link`` as an absolute ``http(s)`` address, resolved against ``base``; ``None`` when it
    cannot be one (no link, or a relative link without a base).

    >>> absolute("/2026/post", "https://example.com/feed.xml")
    'https://example.com/2026/post'
    >>> absolute("/2026/post", None) is None
    True
    """
    if not link or not link.strip():
        return None
    return web_address(urljoin(base, link.strip()) if base else link.strip())


def tag_list(value: object) -> tuple[str, ...]:
    """Tags as a list, or as one comma-separated string."""
    items = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else []
    return tuple(str(item).strip() for item in items if str(item).strip())


def is_true(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "yes"))


def _first(data: Mapping[str, Any], keys: tuple[str, ...]) -> object:
    return next((data[key] for key in keys if data.get(key) not in (None, "", [])), None)


def article_meta(data: Mapping[str, Any], source: Path | None = None, quiet: bool = False) -> ArticleMeta:
    """The facts in an article's metadata (front matter, or an HTML page's ``<meta>`` tags);
    a Jekyll file name ``YYYY-MM-DD-slug`` gives the date and slug the metadata does not.

    A numeric date such as ``04/07/2026`` is read in the article's language's convention; in an
    article that states no language it is not read, with a warning (unless ``quiet``)."""
    dated = _DATED_NAME.match(source.stem) if source is not None else None
    language = language_tag(_first(data, LANGUAGE_KEYS))
    stated = _first(data, DATE_KEYS)
    moment = when(stated, day_first(language)) or (when(dated.group(1)) if dated else None)
    if ambiguous(stated) and day_first(language) is None and not quiet:
        log.warning("%s: date %r could be either day first or month first and the article states no "
                    "language: not read (write the script's date as YYYY-MM-DD)", source or "article", stated)
    description = _first(data, DESCRIPTION_KEYS)
    slug = data.get("slug") if isinstance(data.get("slug"), str) else (dated.group(2) if dated else None)
    return ArticleMeta(
        date=moment[0] if moment else None,
        published=moment[1] if moment else None,
        description="\n\n".join(paragraphs(description)) if isinstance(description, str) else "",
        authors=names(_first(data, AUTHOR_KEYS)),
        language=language,
        url=next((a for a in (web_address(data.get(k)) for k in URL_KEYS) if a), None),
        slug=slug,
        draft=is_true(data.get("draft")) or data.get("published") is False,
        tags=tag_list(data.get("tags")),
    )
