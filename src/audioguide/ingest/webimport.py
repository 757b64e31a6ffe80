"""``audioguide import`` for what is not a single article file: a web page's address, and a feed
(an address or a file) whose every entry becomes an episode script.

A page is fetched (:mod:`audioguide.ingest.web`) and its article extracted
(:mod:`audioguide.ingest.extract`). A feed is read (:mod:`audioguide.ingest.feeds`); an entry's
full text comes from the feed, or from its linked page when the feed carries only a summary. Each
article then goes through the same import as a file (:func:`audioguide.ingest.imports.import_parsed`):
the copy as imported, the three-way merge on ``--force``, slugs. An entry's id gives its episode a
stable guid. One entry that fails is reported on one line and the others are still imported.
"""

from __future__ import annotations

import logging
from collections.abc import Container
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from audioguide.errors import AudioguideError, InputError
from audioguide.ingest import script as scripts
from audioguide.ingest.blocks import collapse
from audioguide.ingest.extract import fragment_sections, page_article
from audioguide.ingest.facts import article_meta
from audioguide.ingest.feeds import FEED_EXTENSIONS, Feed, FeedEntry, looks_like_feed, parse_feed
from audioguide.ingest.imports import Imported, free_slug, import_article, import_parsed
from audioguide.ingest.markdown import parse_markdown
from audioguide.ingest.readers import url_given
from audioguide.ingest.siteimport import source_name
from audioguide.ingest.text import parse_text
from audioguide.ingest.web import HTML_TYPES, Fetched, Fetcher, FetchError, Limits, address_problem, decode_page, is_url
from audioguide.layout import scripts_in
from audioguide.models import Article, ArticleMeta, Section
from audioguide.settings import ShowConfig

log = logging.getLogger(__name__)

ACCEPT = ("text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, "
          "application/feed+json, application/xml;q=0.9, application/json;q=0.8, */*;q=0.1")
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"


@dataclass(frozen=True)
class Outcome:
    """What became of one page or feed entry."""

    label: str
    """The page's address, or the entry (``entry 3 ("Title")``)."""
    imported: Imported | None = None
    error: AudioguideError | None = None


@dataclass(frozen=True)
class Options:
    slug: str | None = None
    force: bool = False
    replace: bool = False


def import_target(target: str, show: ShowConfig, episodes: Path, options: Options,
                  limits: Limits | None = None) -> list[Outcome]:
    """Import ``target``: an article file, a feed file, a page's address or a feed's address.

    A single article (file or page) raises its error; a feed gives one :class:`Outcome` per entry
    (and raises only when the feed itself cannot be read)."""
    url = target if is_url(target) else url_given(Path(target))
    if url is None:
        path = Path(target)
        problem = None if path.exists() else address_problem(target)
        if problem is not None:
            raise problem
        if path.suffix.lower() in FEED_EXTENSIONS and path.is_file():
            data = path.read_bytes()
            if path.suffix.lower() != ".xml" or looks_like_feed(data):
                feed = parse_feed(data, path=path)
                with Fetcher(limits) as fetcher:
                    return import_feed(feed, feed_file_address(feed, path, episodes.parent), show, episodes,
                                       options, fetcher, old_address=str(path.resolve()))
        return [Outcome(str(path), import_article(path, show, episodes, slug=options.slug, force=options.force,
                                                  replace=options.replace))]
    with Fetcher(limits) as fetcher:
        fetched = fetcher.get(url, accept=ACCEPT)
        if looks_like_feed(fetched.body, fetched.content_type):
            return import_feed(parse_feed(fetched.body, url=fetched.url), url, show, episodes, options, fetcher)
        article = page_article_of(fetched, url)
        return [Outcome(url, import_parsed(article, url, show, episodes, where=url, slug=options.slug,
                                           force=options.force, replace=options.replace))]


MARKDOWN_TYPES = frozenset({"text/markdown", "text/x-markdown"})


def page_article_of(fetched: Fetched, url: str) -> Article:
    """The article in a fetched page; :class:`FetchError` for anything that is not a page."""
    head = fetched.body[:1024].lstrip().lower()
    html_like = fetched.content_type in HTML_TYPES or (
        fetched.content_type in ("", "text/plain", "application/octet-stream")
        and head.startswith((b"<!doctype html", b"<html")))
    name = PurePosixPath(urlsplit(fetched.url).path).name
    markdown = fetched.content_type in MARKDOWN_TYPES or Path(name).suffix.lower() in (".md", ".markdown")
    if not html_like and (markdown or fetched.content_type == "text/plain"):  # a raw file: GitHub's, a gist
        parse = parse_markdown if markdown else parse_text
        article = parse(decode_page(fetched.body, fetched.charset, url), Path(name) if name else None)
        return replace(article, meta=replace(article.meta, url=article.meta.url or fetched.url))
    if not html_like:
        kind = fetched.content_type or "of no stated type"
        raise FetchError(f"is {kind}, not a web page or a feed", path=url,
                         fix="Give the address of an article's page, or save its text to a file and import that")
    try:
        return page_article(decode_page(fetched.body, fetched.charset, url), url=fetched.url)
    except FetchError:
        raise
    except AudioguideError as error:  # a page without an article is the site's problem, not the user's input
        raise FetchError(error.message.removeprefix(f"{fetched.url}: ").rstrip("."), path=url) from None


def fetch_page(fetcher: Fetcher, url: str) -> Article:
    """The article at ``url`` (:class:`FetchError` when there is none)."""
    return page_article_of(fetcher.get(url, accept=PAGE_ACCEPT), url)


# --------------------------------------------------------------------------------------
# Feeds
# --------------------------------------------------------------------------------------


def entry_guid(entry: FeedEntry, feed_address: str) -> str | None:
    """The episode guid for an entry: its id when that is globally unique (an address, a ``tag:``
    or ``urn:`` id), else the feed's address and the id (``https://example.com/feed.json#42``).

    >>> entry_guid(FeedEntry(1, "42", None, None, None), "https://example.com/feed.json")
    'https://example.com/feed.json#42'
    """
    if entry.id is None:
        return None
    if "://" in entry.id or entry.id.lower().startswith(("tag:", "urn:")):
        return entry.id
    return f"{feed_address}#{entry.id}"


def feed_file_address(feed: Feed, path: Path, project: Path) -> str:
    """What the guids of a feed file's entries start with: the address the feed states for itself,
    else the file's path relative to the project (:func:`source_name`). It was the file's absolute
    path, so moving or cloning the project gave every episode a new guid, and ``sync --prune``
    took down episodes still in the feed."""
    return feed.self_url or source_name(path, project)


def kept_guid(entry: FeedEntry, guid: str, old_address: str | None, guids: Container[str | None]) -> str:
    """``guid``, or the entry's guid as made from ``old_address`` (a feed file's absolute path, as
    guids were made before :func:`feed_file_address`) when a script has that one: a published
    guid never changes."""
    old = entry_guid(entry, old_address) if old_address else None
    return old if old is not None and old != guid and old in guids else guid


def import_feed(feed: Feed, address: str, show: ShowConfig, episodes: Path, options: Options,
                fetcher: Fetcher, old_address: str | None = None) -> list[Outcome]:
    """Import every entry of ``feed`` (read from ``address``; its guids were made from
    ``old_address`` before, see :func:`kept_guid`), each on its own (see the module)."""
    if options.slug is not None:
        raise InputError("--slug names one script, and a feed makes one per entry",
                         fix="Leave out --slug; each entry's script is named after its title")
    if not feed.entries:
        log.warning("%s has no entries: nothing to import", address)
    outcomes: list[Outcome] = []
    seen: dict[str, int] = {}
    known = _scripts(episodes)
    for entry in feed.entries:
        label = entry.label()
        try:
            guid = entry_guid(entry, address)
            guid = guid and kept_guid(entry, guid, old_address, set(known.values()))
            if guid is None:
                raise InputError("has no id and no link, so its episode could not be kept in step with it",
                                 path=label, fix="Give each entry a <guid>, <id> or \"id\" in the feed")
            if guid in seen:
                raise InputError(f"has the same id as entry {seen[guid]} ({entry.id}): skipped", path=label,
                                 fix="The feed should give each entry its own id")
            seen[guid] = entry.position
            article = entry_article(entry, feed, fetcher)
            source = entry.link or guid
            slug = _free_slug(known, scripts.derive(article, show).meta.slug, guid)
            imported = import_parsed(article, source, show, episodes, where=label, slug=slug, force=options.force,
                                     replace=options.replace, guid=guid, keep_unchanged=True)
            known[imported.path.stem] = guid
            outcomes.append(Outcome(label, imported))
        except AudioguideError as error:
            outcomes.append(Outcome(label, error=error))
    return outcomes


def entry_article(entry: FeedEntry, feed: Feed, fetcher: Fetcher) -> Article:
    """The entry's article: its own full text, else its linked page's."""
    sections = fragment_sections(entry.content) if entry.content else ()
    page: Article | None = None
    if not sections:
        if entry.link is None:
            what = "only a summary" if entry.summary else "no text"
            raise InputError(f"has {what} and no link to read the article from", path=entry.label(),
                             fix="The feed should carry each entry's full text or a link to its page")
        try:
            page = fetch_page(fetcher, entry.link)
        except AudioguideError as error:
            raise FetchError(f"carries only a summary, and its page {error.message.rstrip('.')}",
                             path=entry.label()) from None
        sections = page.sections
    facts: dict[str, object] = {"date": entry.published, "author": list(entry.authors), "url": entry.link,
                                "language": entry.language, "tags": list(entry.tags)}
    if entry.summary:
        summary = " ".join(b.text for s in fragment_sections(entry.summary) for b in s.blocks)
        facts["description"] = summary
    meta = article_meta({k: v for k, v in facts.items() if v})
    if page is not None:
        meta = _merged(meta, page.meta)
    title = entry.title or (page.title if page else None) or _first_words(sections)
    return Article(title=collapse(title), sections=sections, source=None, meta=meta)


def _merged(ours: ArticleMeta, page: ArticleMeta) -> ArticleMeta:
    """The entry's facts, with the page's where the entry states none."""
    return replace(ours, date=ours.date or page.date, published=ours.published or page.published,
                   description=ours.description or page.description, authors=ours.authors or page.authors,
                   language=ours.language or page.language, url=page.url or ours.url, tags=ours.tags or page.tags)


def _first_words(sections: tuple[Section, ...]) -> str:
    """A title for an entry without one: the opening words of its text."""
    for section in sections:
        for block in section.blocks:
            return scripts.leading_words(block.text.split(), 60)
    return "Untitled"


def _scripts(episodes: Path) -> dict[str, str | None]:
    """Slug -> guid of every script in ``episodes``."""
    known: dict[str, str | None] = {}
    for path in scripts_in(episodes):
        try:
            known[path.stem] = scripts.load(path).meta.guid
        except AudioguideError:  # a broken script is reported when it is rendered
            known[path.stem] = None
    return known


def _free_slug(known: dict[str, str | None], slug: str, guid: str) -> str | None:
    """The slug for an entry's new script: its own, unless another script has it (then ``slug-2``,
    ``slug-3``…); ``None`` when the entry has a script already (the import finds it by guid)."""
    return None if guid in known.values() else free_slug(slug, known)
