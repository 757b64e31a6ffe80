"""What an article states about itself, read leniently.

An article's front matter belongs to its site generator (Jekyll, Hugo, Eleventy, a CMS export),
so reading it never refuses the article: the keys below are understood, under the names
generators use for them, and everything else is ignored, as is a value that makes no sense
(a ``date: soon``). Episode scripts, which audioguide owns, are checked strictly in
:mod:`audioguide.ingest.script`; they share :func:`when` and the normalisers here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from dateutil import parser as dateparser

from audioguide.ingest.blocks import paragraphs
from audioguide.models import ArticleMeta
from audioguide.settings import LANGUAGE

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
_DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")
"""Jekyll's post file names: ``2026-02-28-my-post.md``."""


def when(value: object) -> tuple[dt.date, dt.datetime | None] | None:
    """A date in any ISO 8601 form (or RFC 2822, Jekyll's ``2026-11-20 08:24:31 -0700``, MkDocs'
    ``{created: …}``)
    as its day and, when it has a time, the time; ``None`` when it is not a date.

    >>> when("2023-06-20T14:30:00.000Z")[1].isoformat()
    '2023-06-20T14:30:00+00:00'
    >>> when("2026-11-20 08:24:31 -0700")[1].isoformat()
    '2026-11-20T08:24:31-07:00'
    >>> when("2026-02-28")
    (datetime.date(2026, 2, 28), None)
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
    try:
        if _DAY.match(text):
            return dt.date.fromisoformat(text), None
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = dateparser.parse(text)
        except (ValueError, OverflowError):
            return None
    return moment.date(), moment


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


def article_meta(data: Mapping[str, Any], source: Path | None = None) -> ArticleMeta:
    """The facts in an article's metadata (front matter, or an HTML page's ``<meta>`` tags);
    a Jekyll file name ``YYYY-MM-DD-slug`` gives the date and slug the metadata does not."""
    dated = _DATED_NAME.match(source.stem) if source is not None else None
    moment = when(_first(data, DATE_KEYS)) or (when(dated.group(1)) if dated else None)
    description = _first(data, DESCRIPTION_KEYS)
    slug = data.get("slug") if isinstance(data.get("slug"), str) else (dated.group(2) if dated else None)
    return ArticleMeta(
        date=moment[0] if moment else None,
        published=moment[1] if moment else None,
        description="\n\n".join(paragraphs(description)) if isinstance(description, str) else "",
        authors=names(_first(data, AUTHOR_KEYS)),
        language=language_tag(_first(data, LANGUAGE_KEYS)),
        url=next((a for a in (web_address(data.get(k)) for k in URL_KEYS) if a), None),
        slug=slug,
        draft=is_true(data.get("draft")) or data.get("published") is False,
        tags=tag_list(data.get("tags")),
    )
