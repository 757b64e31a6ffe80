"""Static-site sources: the posts in a folder of Markdown, as Hugo, Jekyll, Eleventy or MkDocs' blog
plugin keep them.

:func:`find_site` tells which generator a folder belongs to (its own configuration file, or one in
a folder up to four levels above when the folder given is inside the site's posts);
:func:`list_posts` lists the folder's posts: each published one as an :class:`Entry` (a stable id,
a digest of its article, the article), each left out with the reason, each unreadable one with its
error. Nothing here writes; :mod:`audioguide.ingest.siteimport` imports the entries, and
``audioguide sync`` tells new, changed and removed posts from two listings.

Which files are posts:

* **Hugo** (``hugo.toml``, ``config.toml``… or ``config/_default/``): the pages of the main
  sections (``params.mainSections``, else the section with the most pages, as Hugo decides) in
  ``content/`` (``contentDir``): ``posts/x.md`` and page bundles ``posts/x/index.md``; list pages
  (``_index.md``) and a bundle's other files are not posts. Left out: ``draft``, a ``publishDate``
  (else ``date``) in the future, an ``expiryDate`` past, ``headless`` bundles and pages built
  with ``render``/``list: never``.
* **Jekyll** (``_config.yml`` or a ``_posts`` folder): ``_posts/YYYY-MM-DD-slug.md`` (any depth,
  ``blog/_posts`` too); ``_drafts/`` and ``published: false`` are drafts; a ``_posts`` file without
  the date in its name is not a post (Jekyll ignores it). Authors named by id are looked up in
  ``_data/authors.yml``; the site's ``author`` stands for posts that name none (Hugo's
  ``params.author`` too).
* **Eleventy** (``eleventy.config.js``, ``.eleventy.js``… or ``@11ty/eleventy`` in
  ``package.json``): Markdown under the input folder (``dir.input``) tagged ``post``/``posts``, or
  in a ``posts``/``blog``/``articles`` folder (a JavaScript data file may tag them, and JavaScript
  is not run here); JSON directory data files (``posts/posts.json``, ``*.11tydata.json``) count
  as front matter does. Left out: ``draft``, ``permalink: false``,
  ``eleventyExcludeFromCollections``. A ``permalink`` without template syntax gives the slug.
* **MkDocs** (``mkdocs.yml`` with the Material ``blog`` plugin, whose settings are read):
  ``docs/blog/posts/**.md``; ``date: {created: …}`` and ``draft`` are understood, and author ids
  are looked up in ``.authors.yml``.
* **Any other folder**: every Markdown file in it and below (hidden folders, ``node_modules`` and
  README, LICENSE, CHANGELOG and CONTRIBUTING files left out).

Everywhere: drafts and posts dated in the future are left out, whatever the site's own build
settings (a future post is imported once its date has come). A post's slug is its ``slug``, else
the name its generator gives it (file name without the date, a bundle's folder name, Eleventy's
``permalink``), else its title.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from audioguide.errors import AudioguideError, InputError
from audioguide.ingest import facts
from audioguide.ingest.frontmatter import split_front_matter
from audioguide.ingest.generators import Site, candidates, eleventy_data, find_site, is_index, is_post, lower_keys
from audioguide.ingest.markdown import markdown_article
from audioguide.ingest.readers import decode_bytes
from audioguide.ingest.script import SLUG, slugify
from audioguide.models import Article, ArticleMeta

log = logging.getLogger(__name__)

DRAFT, FUTURE, EXPIRED, EXCLUDED, UNDATED = "draft", "future", "expired", "excluded", "undated"
REASONS = {
    DRAFT: ("draft", "drafts"),
    FUTURE: ("dated in the future", "dated in the future"),
    EXPIRED: ("past its expiry date", "past their expiry date"),
    EXCLUDED: ("left out of the site's posts", "left out of the site's posts"),
    UNDATED: ("not named YYYY-MM-DD-title.md (Jekyll ignores it)",
              "not named YYYY-MM-DD-title.md (Jekyll ignores them)"),
}
"""Why a post is skipped, said of one post and of several."""

_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}-(.+)$")
_ELEVENTY_TAGS = frozenset({"post", "posts", "all"})
"""Eleventy collection names, not topics: left out of an episode's tags."""


@dataclass(frozen=True)
class Entry:
    """A published post: what ``sync`` compares from one run to the next."""

    id: str
    """The post's path relative to the folder listed, with ``/``: stable while the file stays."""
    path: Path
    digest: str
    """SHA-256 of the article as read (title, text and facts): changes when the post does."""
    article: Article


@dataclass(frozen=True)
class Listing:
    """A folder's posts: the published ones, the ones left out and why, the unreadable ones."""

    site: Site
    folder: Path
    entries: tuple[Entry, ...]
    skipped: tuple[tuple[Path, str], ...]
    """Each post left out, with its reason (a key of :data:`REASONS`)."""
    failed: tuple[AudioguideError, ...]
    """One error per post that could not be read, naming the file and the fix."""


# --------------------------------------------------------------------------------------
# Which posts are published
# --------------------------------------------------------------------------------------


def _is_future(value: object, now: dt.datetime) -> bool:
    moment = facts.when(value)
    if moment is None:
        return False
    day, time = moment
    if time is None:
        return day > now.astimezone().date()
    if time.tzinfo is None:
        return time > now.astimezone().replace(tzinfo=None)
    return time > now


def _never(value: object) -> bool:
    return value is False or (isinstance(value, str) and value.lower() in ("never", "false"))


def _skip_reason(site: Site, path: Path, data: Mapping[str, Any], meta: ArticleMeta,
                 now: dt.datetime) -> str | None:
    """Why the post is left out, or ``None`` when it is published."""
    parts = path.relative_to(site.root).parts
    if meta.draft or (site.generator == "jekyll" and "_drafts" in parts):
        return DRAFT
    if site.generator == "jekyll" and not _DATED.match(path.stem):
        return UNDATED
    published: object = meta.published or meta.date
    if site.generator == "hugo":
        hugo = lower_keys(data)
        build = hugo.get("build") or hugo.get("_build") or {}
        build = lower_keys(build) if isinstance(build, dict) else {}
        if facts.is_true(hugo.get("headless")) or _never(build.get("render")) or _never(build.get("list")):
            return EXCLUDED
        if hugo.get("expirydate") is not None and not _is_future(hugo["expirydate"], now):
            return EXPIRED
        published = next((hugo[k] for k in ("publishdate", "pubdate") if hugo.get(k)), published)
    if site.generator == "eleventy":
        excluded = data.get("eleventyExcludeFromCollections")
        listed_out = excluded is True or (isinstance(excluded, list) and {"post", "posts"} & set(excluded))
        if listed_out or data.get("permalink") is False:
            return EXCLUDED
    return FUTURE if _is_future(published, now) else None


# --------------------------------------------------------------------------------------
# Reading a post
# --------------------------------------------------------------------------------------


def _file_slug(path: Path) -> str:
    """The name a generator gives a post file: its stem without a date, a bundle's folder name."""
    stem = path.parent.name if is_index(path) else path.stem
    dated = _DATED.match(stem)
    return dated.group(1) if dated else stem


def _as_slug(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value if SLUG.match(value) else slugify(value)


def _permalink_slug(value: object) -> str | None:
    """The last part of an Eleventy ``permalink`` written out (``/blog/my-post/``), if it is one."""
    if not isinstance(value, str) or "{" in value:
        return None
    parts = [p for p in value.strip().split("/") if p and p.lower() not in ("index.html", "index.htm")]
    return _as_slug(re.sub(r"\.html?$", "", parts[-1])) if parts else None


def _site_facts(site: Site, path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with what the site adds: author names for ids, tags without collection names."""
    data = dict(data)
    if site.author and not any(data.get(key) for key in facts.AUTHOR_KEYS):
        data["author"] = site.author
    for key in ("author", "authors"):
        value = data.get(key)
        if site.authors and isinstance(value, (str, list)):
            ids = value if isinstance(value, list) else [value]
            data[key] = [site.authors.get(i, i) if isinstance(i, str) else i for i in ids]
    if site.generator == "eleventy" and "tags" in data:
        data["tags"] = [t for t in facts.tag_list(data["tags"]) if t.lower() not in _ELEVENTY_TAGS]
    return data


def _slug(site: Site, path: Path, data: Mapping[str, Any], article: Article) -> str:
    """The post's slug: its own, else its generator's name for it, else its title's."""
    own = _as_slug(data.get("slug"))
    if own is None and site.generator == "eleventy":
        own = _permalink_slug(data.get("permalink"))
    if own is None and site.generator != "mkdocs":  # Material's blog names posts after their title
        own = _as_slug(_file_slug(path))
    return own or slugify(article.title)


def digest(article: Article) -> str:
    """SHA-256 of what the article says (its title, sections and facts), not of where it is."""
    payload = {"title": article.title, "sections": [asdict(s) for s in article.sections],
               "meta": asdict(article.meta)}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _read(path: Path) -> str:
    try:
        return decode_bytes(path.read_bytes(), path)
    except OSError as error:
        raise InputError(f"cannot be read ({(error.strerror or type(error).__name__).lower()})", path=path,
                         fix="Check that the file is readable by you") from None


def _post(site: Site, scope: Path, real: Path, shown: Path, now: dt.datetime) -> Article | str | None:
    """The post's article; or why it is skipped; ``None`` when the file is not a post."""
    data, body = split_front_matter(_read(shown), shown)
    if site.generator == "eleventy":
        cascade = eleventy_data(site, real)
        tags = [*facts.tag_list(cascade.get("tags")), *facts.tag_list(data.get("tags"))]
        data = {**cascade, **data, **({"tags": tags} if tags else {})}
    if not is_post(site, real, data, scope):
        log.debug("%s is not a post", shown)
        return None
    reason = _skip_reason(site, real, data, facts.article_meta(data, real), now)
    if reason is not None:
        return reason
    data = _site_facts(site, real, data)
    article = markdown_article(data, body, shown)
    return replace(article, meta=replace(article.meta, slug=_slug(site, real, data, article)))


def list_posts(folder: Path, *, now: dt.datetime | None = None) -> Listing:
    """The posts in ``folder`` (see the module docstring). ``now`` (default: now) decides which are
    dated in the future. Raises :class:`InputError` when ``folder`` is not a folder or holds no
    candidate posts at all; a post that cannot be read is in :attr:`Listing.failed`."""
    if not folder.is_dir():
        raise InputError("is not a folder" if folder.exists() else "does not exist", path=folder,
                         fix="Give the folder of a Hugo, Jekyll, Eleventy or MkDocs site, or of Markdown posts")
    scope = folder.resolve()
    site = find_site(folder)
    moment = now or dt.datetime.now(dt.UTC)
    entries: list[Entry] = []
    skipped: list[tuple[Path, str]] = []
    failed: list[AudioguideError] = []
    found_files = [path for path in candidates(site, scope) if path.is_relative_to(scope)]
    if not found_files:
        raise _no_posts(site, folder)
    for real in found_files:
        relative = real.relative_to(scope)
        shown = folder / relative
        try:
            found = _post(site, scope, real, shown, moment)
        except AudioguideError as error:
            failed.append(error)
            continue
        if isinstance(found, Article):
            entries.append(Entry(relative.as_posix(), shown, digest(found), found))
        elif found is not None:
            skipped.append((shown, found))
    return Listing(site, folder, tuple(entries), tuple(skipped), tuple(failed))


def _no_posts(site: Site, folder: Path) -> InputError:
    where = {
        "hugo": ("has no posts in the site's main sections",
                 "give the folder of posts (such as content/posts), or set params.mainSections in the "
                 "site's configuration"),
        "jekyll": ("has no posts in _posts/", "Jekyll posts go in _posts/, named YYYY-MM-DD-title.md"),
        "eleventy": ("has no posts (Markdown tagged posts, or in a posts/ or blog/ folder)",
                     "give the folder of posts itself"),
        "mkdocs": ("has no posts in the blog's posts folder (docs/blog/posts)", "give the folder of posts itself"),
        "folder": ("has no Markdown posts (.md)", "give a folder of .md or .markdown files"),
    }[site.generator]
    generator = "" if site.generator == "folder" else f" ({site.name} site)"
    return InputError(f"{where[0]}{generator}", path=folder, fix=where[1])


def skipped_line(skipped: tuple[tuple[Path, str], ...], shown: int = 3) -> str | None:
    """One line saying how many posts were skipped and why, naming the first few of each reason.

    >>> skipped_line(((Path("a.md"), DRAFT), (Path("b.md"), DRAFT), (Path("c.md"), FUTURE)))
    'Skipped 3 posts: 2 drafts (a.md, b.md), 1 dated in the future (c.md).'
    """
    if not skipped:
        return None
    by_reason: dict[str, list[str]] = {}
    for path, reason in skipped:
        by_reason.setdefault(reason, []).append(path.name if path.name.lower() not in (
            "index.md", "index.markdown") else f"{path.parent.name}/{path.name}")
    parts = []
    for reason, names in by_reason.items():
        said = REASONS[reason][0 if len(names) == 1 else 1]
        listed = ", ".join(names[:shown]) + (f" and {len(names) - shown} more" if len(names) > shown else "")
        parts.append(f"{len(names)} {said} ({listed})")
    return f"Skipped {len(skipped)} post{'s' if len(skipped) > 1 else ''}: {', '.join(parts)}."
