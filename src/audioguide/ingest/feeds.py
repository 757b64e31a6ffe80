"""Feeds: RSS 2.0, RSS 1.0 and Atom read with feedparser, JSON Feed read here; each entry typed.

feedparser has no JSON Feed reader, and the JSON Feed packages on PyPI are unmaintained (the
last release of ``jsonfeed`` is from 2017); a JSON Feed is plain JSON with a documented shape
(https://www.jsonfeed.org/version/1.1/), so :func:`_json_feed` reads versions 1 and 1.1 itself.

An entry's stable id is its own id (``<guid>``, ``<id>``, ``"id"``), else its link. Its full
text is ``content:encoded``, Atom ``<content>`` or JSON ``content_html``/``content_text``;
``<description>``, ``<summary>`` and ``"summary"`` are only a summary, and the importer then reads
the linked page (:mod:`audioguide.ingest.imports`). Relative links are resolved against the
feed's address.
"""

from __future__ import annotations

import html
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audioguide.errors import AudioguideError, InputError
from audioguide.ingest.blocks import paragraphs
from audioguide.ingest.facts import absolute
from audioguide.ingest.web import FetchError

log = logging.getLogger(__name__)

FEED_EXTENSIONS = frozenset({".xml", ".rss", ".atom", ".rdf", ".json", ".feed"})
"""File extensions read as feeds by ``audioguide import``."""
_JSON_FEED = re.compile(rb'^\s*\{.{0,2000}"version"\s*:\s*"https?://jsonfeed\.org/version/', re.DOTALL)
_XML_FEED = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<\?[^>]*>\s*|<!DOCTYPE[^>]*>\s*)*"
                       rb"<(?:[\w-]+:)?(rss|feed|RDF)\b", re.DOTALL)


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed, as the feed states it."""

    position: int
    """1 for the feed's first entry, for messages."""
    id: str | None
    """The stable id: the entry's own id, else its link."""
    title: str | None
    link: str | None
    """The entry's page, absolute (``None`` when it has none, or a relative one the feed's address
    cannot resolve)."""
    published: str | None
    """The publication date as written (updated date when there is none)."""
    authors: tuple[str, ...] = ()
    content: str | None = None
    """The full text, as HTML."""
    summary: str | None = None
    """The summary, as HTML."""
    tags: tuple[str, ...] = ()
    language: str | None = None

    def label(self) -> str:
        """How messages name the entry: ``entry 3 ("Title")``."""
        return f'entry {self.position} ("{self.title}")' if self.title else f"entry {self.position}"


@dataclass(frozen=True)
class Feed:
    title: str | None
    link: str | None
    language: str | None
    entries: tuple[FeedEntry, ...]
    self_url: str | None = None
    """The address the feed states for itself (Atom's ``<link rel="self">``, also in RSS, JSON
    Feed's ``feed_url``): the same wherever a copy of the feed is kept."""


def looks_like_feed(data: bytes, content_type: str = "") -> bool:
    """True for an RSS, Atom or JSON Feed document (by its media type, else its first bytes).

    >>> looks_like_feed(b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>')
    True
    >>> looks_like_feed(b"<!doctype html><html></html>", "text/html")
    False
    """
    if content_type in ("application/rss+xml", "application/atom+xml", "application/feed+json",
                        "application/rdf+xml"):
        return True
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    return bool(_JSON_FEED.match(head) or _XML_FEED.match(head))


def _text(value: object) -> str | None:
    if isinstance(value, (str, int)) and str(value).strip():
        return " ".join(str(value).split())
    return None


def _title(value: object) -> str | None:
    """An entry's title as text: tags dropped, entities decoded (Atom's ``type="html"`` titles,
    and RSS titles escaped twice, ``It&#8217;s``)."""
    text = _text(value)
    return _text(html.unescape(re.sub(r"<[^>]+>", "", text))) if text else None


def _plain_html(text: str) -> str:
    """Plain text as HTML paragraphs (a blank line apart)."""
    return "".join(f"<p>{html.escape(part)}</p>" for part in paragraphs(text))


def parse_feed(data: bytes, *, url: str | None = None, path: Path | None = None) -> Feed:
    """The feed in ``data``, fetched from ``url`` or read from the file ``path``. A feed nothing
    can be read from raises :class:`FetchError` for a URL, :class:`InputError` for a file."""
    where = url or path
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    if _JSON_FEED.match(head) or (path is not None and path.suffix.lower() == ".json"):
        return _json_feed(data, url, where)
    return _xml_feed(data, url, where)


def _broken(where: str | Path | None, url: str | None, why: str) -> AudioguideError:
    fix = ("check the feed's address; the site may have moved it" if url else
           "check that the file is an RSS, Atom or JSON feed, saved whole")
    if url:
        return FetchError(f"is not a feed audioguide can read ({why})", path=where, fix=fix)
    return InputError(f"is not a feed audioguide can read ({why})", path=where, fix=fix)


def _xml_feed(data: bytes, url: str | None, where: str | Path | None) -> Feed:
    import feedparser

    headers = {"content-location": url} if url else {}
    parsed: Any = feedparser.parse(data, response_headers=headers, sanitize_html=True,
                                   resolve_relative_uris=bool(url))
    error = parsed.get("bozo_exception")
    why = (f"{error.getMessage()} at line {error.getLineNumber()}" if hasattr(error, "getLineNumber")
           else "no RSS, Atom or JSON Feed in it")
    if not parsed.get("version") and not parsed.entries:
        raise _broken(where, url, why)
    if parsed.get("bozo") and hasattr(error, "getLineNumber"):
        log.warning("%s is not well-formed XML (%s): reading the entries before that", where, why)
    language = _text(parsed.feed.get("language"))
    # RFC 4287: the feed's author is each entry's that names none (as JSON Feed's is)
    feed_authors = tuple(a for a in (_text(x.get("name")) for x in parsed.feed.get("authors", [])) if a) \
        if str(parsed.get("version", "")).startswith("atom") else ()  # RSS's managingEditor is no author
    entries = []
    for position, item in enumerate(parsed.entries, start=1):
        link = absolute(item.get("link"), url)
        content = next((c.get("value") for c in item.get("content", []) if _text(c.get("value"))), None)
        kind = next((c.get("type", "") for c in item.get("content", []) if c.get("value") == content), "")
        if content is not None and kind == "text/plain":
            content = _plain_html(content)
        summary = item.get("summary") if _text(item.get("summary")) else None
        if summary is not None and item.get("summary_detail", {}).get("type") == "text/plain":
            summary = _plain_html(summary)
        if content is not None:
            content, teaser = without_boilerplate(content)
            if teaser:  # "Continue reading →": the text is on the page
                content, summary = None, content
        if summary is not None:
            summary = without_boilerplate(summary)[0]
        authors = tuple(a for a in (_text(x.get("name")) for x in item.get("authors", [])) if a)
        entries.append(FeedEntry(
            position=position, id=_text(item.get("id")) or link, title=_title(item.get("title")), link=link,
            published=_text(item.get("published") or item.get("updated")),
            authors=authors or tuple(a for a in [_text(item.get("author"))] if a) or feed_authors,
            content=content, summary=summary,
            tags=tuple(t for t in (_text(tag.get("term")) for tag in item.get("tags", [])) if t),
            language=_text(item.get("language")) or language))
    own = next((x.get("href") for x in parsed.feed.get("links", []) if x.get("rel") == "self"), None)
    return Feed(_text(parsed.feed.get("title")), absolute(parsed.feed.get("link"), url), language, tuple(entries),
                _address(own))


_MORE = re.compile(r"^\s*(continue reading|read more|read the rest|keep reading)\b", re.IGNORECASE)
_APPEARED = re.compile(r"^\s*the post .+ appeared first on .+$", re.IGNORECASE | re.DOTALL)


def without_boilerplate(fragment: str) -> tuple[str, bool]:
    """An entry's HTML without what blog software adds to every entry of a feed (WordPress's
    "Continue reading X →" link and "The post X appeared first on Y." line, which were read
    aloud), and whether it was a teaser: cut at a "more" link, the article being on its page.

    >>> without_boilerplate('<p>Sardines.</p><p><a class="more-link" href="/s/#more-1">Continue reading</a></p>')
    ('<p>Sardines.</p>', True)
    >>> without_boilerplate('<p>All of it.</p><p>The post <a href="/">All</a> appeared first on <a>Blog</a>.</p>')
    ('<p>All of it.</p>', False)
    """
    from bs4 import BeautifulSoup, Tag

    soup = BeautifulSoup(fragment, "html.parser")
    teaser = False
    links = [a for a in soup.find_all("a") if isinstance(a, Tag)]
    for link in links:
        classes: list[str] = list(link.get("class") or [])
        # "Read more" in the text is a link to another article, unless it is the entry's last link
        if "#more-" in str(link.get("href", "")) or "more-link" in classes or (
                link is links[-1] and _MORE.match(link.get_text(" "))):
            teaser = True
            parent = link.parent
            link.decompose()
            if isinstance(parent, Tag) and parent.name == "p" and not parent.get_text(strip=True):
                parent.decompose()
    for paragraph in soup.find_all("p"):
        if isinstance(paragraph, Tag) and _APPEARED.match(paragraph.get_text(" ")):
            paragraph.decompose()
    return str(soup).strip(), teaser


def _json_authors(item: dict[str, Any]) -> tuple[str, ...]:
    people = item.get("authors")
    if not isinstance(people, list):
        people = [item.get("author")]
    return tuple(n for n in (_text(p.get("name")) for p in people if isinstance(p, dict)) if n)


def _json_feed(data: bytes, url: str | None, where: str | Path | None) -> Feed:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _broken(where, url, f"not valid JSON: {error}") from None
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith(
            ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")):
        raise _broken(where, url, 'no JSON Feed "version"')
    items = document.get("items")
    if not isinstance(items, list):
        raise _broken(where, url, 'no "items" list')
    base = url or _text(document.get("feed_url"))
    language = _text(document.get("language"))
    feed_authors = _json_authors(document)
    entries = []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            item = {}
        link = absolute(_text(item.get("url")) or _text(item.get("external_url")), base)
        content = str(item["content_html"]) if _text(item.get("content_html")) else None
        if content is None and _text(item.get("content_text")):
            content = _plain_html(str(item["content_text"]))
        summary = _text(item.get("summary"))
        entries.append(FeedEntry(
            position=position, id=_text(item.get("id")) or link, title=_text(item.get("title")), link=link,
            published=_text(item.get("date_published") or item.get("date_modified")),
            authors=_json_authors(item) or feed_authors, content=content,
            summary=_plain_html(summary) if summary else None,
            tags=tuple(t for t in (_text(tag) for tag in item.get("tags") or [] if isinstance(tag, str)) if t),
            language=_text(item.get("language")) or language))
    return Feed(_text(document.get("title")), absolute(_text(document.get("home_page_url")), base), language,
                tuple(entries), _address(document.get("feed_url")))


def _address(value: object) -> str | None:
    """``value`` when it is an absolute web address, else ``None``."""
    text = _text(value)
    return text if text and text.lower().startswith(("http://", "https://")) else None
