"""``audioguide sync``, its ingest half: what each source in ``[sources]`` offers now, and which of
it is new, changed or gone since the last sync.

A source is a feed (an address or a file), a web page's address, or a folder of posts
(:mod:`audioguide.ingest.sites`). Each offers :class:`Offer` s: an id that stays the same while
the entry does (a feed entry's guid, a page's address, a post's path in its folder) and a digest
that changes when its content does. The last sync's ids, digests and scripts are kept in
:data:`~audioguide.layout.SYNC_STATE`, with the ``ETag`` and ``Last-Modified`` of every address,
so that a sync with nothing new asks each server "changed since?" (a ``304`` answers it) and reads
nothing else.

For each offer:

* seen before with the same digest, its script still there: **unchanged**, not even read;
* no script yet: imported (**new**), as ``audioguide import`` would;
* a script the author has not edited since it was imported (it equals its copy in
  ``episodes/.imported/``): **updated** from the source;
* a script the author has edited, whose source changed too: **kept** as the author left it, and
  said so; with ``force``, the three-way merge of ``import --force`` brings the source's changes in
  and keeps the edits (a conflict is reported as for import).

An entry that is no longer offered keeps its script and episode (a published feed never loses an
item by accident): it is reported as **gone**; the caller unpublishes it with ``--prune``. A
source that cannot be read, and an entry that cannot be imported, is one error naming it; the
other entries and sources are still synced. If the state is lost (a fresh clone), scripts are
found again by their source or guid, and only their import is repeated, not their render.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audioguide import stamps
from audioguide.errors import AudioguideError, InputError
from audioguide.ingest import script as scripts
from audioguide.ingest.feeds import FEED_EXTENSIONS, Feed, looks_like_feed, parse_feed
from audioguide.ingest.imports import (
    Imported,
    free_slug,
    import_parsed,
    load_script,
    move_source,
    unchanged_since_import,
)
from audioguide.ingest.siteimport import source_name
from audioguide.ingest.sites import list_posts, skipped_line
from audioguide.ingest.web import Fetched, Fetcher, Limits, is_url
from audioguide.ingest.webimport import ACCEPT, entry_article, entry_guid, feed_file_address, page_article_of
from audioguide.layout import IMPORTED, SYNC_STATE, scripts_in
from audioguide.models import Article, Script
from audioguide.settings import ShowConfig, Source
from audioguide.writer import write_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Offer:
    """One article a source offers now."""

    id: str
    """Stable while the entry is the same entry: a feed entry's guid, a page's address, a
    post's path in its folder."""
    digest: str
    """Changes when the entry's content does."""
    label: str
    """How messages name it (an address, a file, ``entry 3 ("Title")``)."""
    source: str
    """What its script names as its source (a path or an address)."""
    guid: str | None
    read: Callable[[], Article]
    """Its article (may fetch its page)."""
    aliases: tuple[str, ...] = ()
    """Guids its script may have from before (a feed file's entries were known by the file's
    absolute path)."""


@dataclass
class Synced:
    """What syncing one source did."""

    source: Source
    new: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    unchanged: int = 0
    kept: list[Path] = field(default_factory=list)
    """Scripts the author edited whose source changed: left as they are (``--force`` merges)."""
    gone: list[str] = field(default_factory=list)
    """Slugs whose entry the source no longer offers."""
    failed: list[AudioguideError] = field(default_factory=list)
    not_modified: bool = False
    """The server said nothing changed (``304``)."""
    read: bool = False
    """The source itself was read (its entries may still have failed, every one of them)."""
    skipped: str | None = None
    """The line about posts left out (drafts, future posts)."""
    moved: list[tuple[str, str, Path]] = field(default_factory=list)
    """Posts moved or renamed in their folder: the old source, the new, and the script that
    follows it."""
    same: list[tuple[str, Path, str]] = field(default_factory=list)
    """Entries whose post another source's entry has a script for (a category feed carrying a
    post of the main feed): the entry, that script and its source. The script stays as that
    entry made it (its guid, its title); sync says so once."""

    @property
    def changed(self) -> bool:
        return bool(self.new or self.updated)


# --------------------------------------------------------------------------------------
# The state kept between syncs
# --------------------------------------------------------------------------------------


def load_state(root: Path) -> dict[str, Any]:
    try:
        data = json.loads((root / SYNC_STATE).read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save_state(root: Path, state: dict[str, Any]) -> None:
    text = json.dumps(state, indent=1, sort_keys=True) + "\n"
    path = root / SYNC_STATE
    try:
        if path.read_text("utf-8") == text:
            return  # nothing new: nothing rewritten
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, text)


# --------------------------------------------------------------------------------------
# What a source offers
# --------------------------------------------------------------------------------------


def _feed_offers(feed: Feed, address: str, fetcher: Fetcher, old_address: str | None = None) -> Iterator[Offer]:
    for entry in feed.entries:
        guid = entry_guid(entry, address)
        old = entry_guid(entry, old_address) if old_address else None
        label = entry.label()
        if guid is None:
            raise InputError("has no id and no link, so its episode could not be kept in step with it",
                             path=label, fix="Give each entry a <guid>, <id> or \"id\" in the feed")
        yield Offer(guid, stamps.value_digest([entry.title, entry.content, entry.summary, entry.link,
                                               str(entry.published), list(entry.authors), list(entry.tags)], 32),
                    label, entry.link or guid, guid,
                    lambda entry=entry: entry_article(entry, feed, fetcher),  # type: ignore[misc]
                    (old,) if old and old != guid else ())


def _folder_offers(folder: Path, root: Path, synced: Synced) -> Iterator[Offer]:
    listing = list_posts(folder)
    synced.failed += listing.failed
    synced.skipped = skipped_line(listing.skipped)
    for entry in listing.entries:
        yield Offer(entry.id, entry.digest, str(entry.path), source_name(entry.path, root), None,
                    lambda article=entry.article: article)  # type: ignore[misc]


def path_of(source: Source, root: Path) -> Path:
    """Where a source that is no address is (a path relative to the project, or absolute)."""
    return (root / source.location).resolve()


def _offers(source: Source, root: Path, state: dict[str, Any], fetcher: Fetcher, synced: Synced, *,
            conditional: bool = True) -> list[Offer] | None:
    """Everything ``source`` offers now; ``None`` when its server says nothing changed (asked
    only when ``conditional``)."""
    location = source.location
    if is_url(location):
        fetched: Fetched = fetcher.get(location, accept=ACCEPT, etag=state.get("etag") if conditional else None,
                                       last_modified=state.get("last_modified") if conditional else None)
        if fetched.not_modified:
            return None
        state["etag"], state["last_modified"] = fetched.etag, fetched.last_modified
        if looks_like_feed(fetched.body, fetched.content_type):
            return list(_feed_offers(parse_feed(fetched.body, url=fetched.url), location, fetcher))
        article = page_article_of(fetched, location)
        return [Offer(location, stamps.digest(fetched.body, 32), location, location, None,
                      lambda: article)]
    path = path_of(source, root)
    if not path.exists():
        what = "a folder of posts, a feed file, or an address starting with https://"
        raise InputError("does not exist", path=path, fix=f"Give {what}" if source.name == source.location
                         else f"Fix sources.{source.name} in audioguide.toml: {what}")
    if path.is_dir():
        return list(_folder_offers(path, root, synced))
    if path.is_file() and path.suffix.lower() in FEED_EXTENSIONS:
        data = path.read_bytes()
        if looks_like_feed(data):
            feed = parse_feed(data, path=path)
            return list(_feed_offers(feed, feed_file_address(feed, path, root), fetcher, old_address=str(path)))
    raise InputError("is neither an address, a feed file nor a folder of posts", path=path,
                     fix=f"Fix sources.{source.name} in audioguide.toml")


# --------------------------------------------------------------------------------------
# Syncing
# --------------------------------------------------------------------------------------


class _Scripts:
    """The scripts in ``episodes/``, found by their source and guid (read once per sync), and
    which source's entry each belongs to: the first entry synced into it in this sync, else the
    source whose state names it (``state``)."""

    def __init__(self, episodes: Path, state: dict[str, Any] | None = None) -> None:
        self.episodes = episodes
        self.by_key: dict[str, Path] = {}
        self.slugs: set[str] = set()
        self.claims: dict[Path, tuple[str, str]] = {}
        """Script -> the source and entry id synced into it in this sync."""
        self.held = {entry["slug"]: name for name, part in (state or {}).items() if isinstance(part, dict)
                     for entry in part.get("entries", {}).values() if entry.get("slug") and not entry.get("gone")}
        """Slug -> the source whose state names it as an entry's script."""
        for path in scripts_in(episodes):
            self.slugs.add(path.stem)
            try:
                meta = load_script(path).meta
            except AudioguideError:  # a broken script is reported when it is rendered
                continue
            for key in (meta.guid, meta.source):
                if key:
                    self.by_key.setdefault(key, path)

    def find(self, offer: Offer) -> Path | None:
        for key in (offer.guid, *offer.aliases, offer.source):
            if key and key in self.by_key and self.by_key[key].is_file():
                return self.by_key[key]
        return None

    def owner(self, path: Path, source: str, offer: Offer) -> str | None:
        """The source of another entry whose script ``path`` is (``None`` when it is the
        offer's own, or nobody's yet: then it becomes the offer's)."""
        claimed = self.claims.setdefault(path, (source, offer.id))
        if claimed != (source, offer.id):
            return claimed[0]
        holder = self.held.get(path.stem, source)
        if holder != source:
            del self.claims[path]
            return holder
        return None

    def add(self, offer: Offer, path: Path, source: str) -> None:
        self.slugs.add(path.stem)
        self.claims[path] = (source, offer.id)
        for key in (offer.guid, offer.source):
            if key:
                self.by_key[key] = path


def _sync_offer(offer: Offer, known: dict[str, Any], found: _Scripts, show: ShowConfig, force: bool,
                synced: Synced) -> None:
    """Bring one offer's script in step with it (see the module docstring)."""
    existing = found.find(offer)
    owner = None if existing is None else found.owner(existing, synced.source.name, offer)
    if existing is not None and owner is not None:  # the same post in two feeds (a category's): one episode
        if known.get("same_as") != existing.stem:  # said once
            synced.same.append((offer.label, existing, owner))
        known.clear()
        known.update(digest=offer.digest, same_as=existing.stem)
        return
    known.pop("same_as", None)
    if existing is not None and known.get("digest") == offer.digest:
        synced.unchanged += 1
        known.update(slug=existing.stem)
        return
    article = offer.read()
    episodes = found.episodes
    # a guid, once published, stays: a script found by its source or an older guid keeps its own
    guid = offer.guid if existing is None else load_script(existing).meta.guid
    if existing is None:
        slug = free_slug(scripts.derive(article, show).meta.slug, found.slugs)
        done = import_parsed(article, offer.source, show, episodes, where=offer.label, slug=slug, guid=offer.guid,
                             by_sync=True)
        synced.new.append(done.path)
    else:
        base = episodes / IMPORTED / existing.name
        if unchanged_since_import(article, show, episodes, existing, offer.source, guid):
            synced.unchanged += 1
            done = Imported(existing, "unchanged")
        elif base.is_file() and existing.read_text("utf-8-sig") == base.read_text("utf-8"):
            done = import_parsed(article, offer.source, show, episodes, where=offer.label, slug=existing.stem,
                                 replace=True, guid=guid, by_sync=True)
            synced.updated.append(done.path)
        elif force:
            done = import_parsed(article, offer.source, show, episodes, where=offer.label, slug=existing.stem,
                                 force=True, guid=guid, by_sync=True)
            synced.updated.append(done.path)
        else:
            synced.kept.append(existing)
            known.update(slug=existing.stem)  # the digest stays old: the next sync says it again
            return
    found.add(offer, done.path, synced.source.name)
    known.update(digest=offer.digest, slug=done.path.stem)


def sync_source(source: Source, root: Path, show: ShowConfig, state: dict[str, Any], *, force: bool = False,
                fetcher: Fetcher, found: _Scripts | None = None) -> Synced:
    """Sync one source into ``root/episodes`` (``state`` is this source's part of the sync state,
    updated in place)."""
    synced = Synced(source)
    if state.get("location") != source.location:  # a source pointed elsewhere starts afresh
        state.clear()
        state["location"] = source.location
    entries: dict[str, Any] = state.setdefault("entries", {})
    try:
        # --force brings in changes the last sync kept out of edited scripts: ask for everything
        offers = _offers(source, root, state, fetcher, synced, conditional=not force)
    except AudioguideError as error:
        synced.failed.append(error)
        return synced
    if offers is None:  # the listing the last sync saw still holds, its gone entries too
        synced.not_modified = True
        synced.gone = _gone(entries, root, [k for k, v in entries.items() if v.get("gone")])
        return synced
    synced.read = True
    found = found or _Scripts(root / "episodes")
    if path_of(source, root).is_dir():
        _follow_moves(offers, entries, found, show, synced, path_of(source, root))
    seen: set[str] = set()
    for offer in offers:
        if offer.id in seen:
            synced.failed.append(InputError("has the same id as an earlier entry: skipped", path=offer.label,
                                            fix="The source should give each entry its own id"))
            continue
        seen.add(offer.id)
        known = entries.setdefault(offer.id, {})
        try:
            _sync_offer(offer, known, found, show, force, synced)
        except AudioguideError as error:
            synced.failed.append(error)
            if not known:
                del entries[offer.id]
    for key in seen & set(entries):
        entries[key].pop("gone", None)
    held = {entries[key].get("slug") or entries[key].get("same_as") for key in seen & set(entries)}
    synced.gone = _gone(entries, root, sorted(set(entries) - seen), held)
    return synced


def _follow_moves(offers: list[Offer], entries: dict[str, Any], found: _Scripts, show: ShowConfig, synced: Synced,
                  folder: Path) -> None:
    """A post that left one path of ``folder`` while a post with its text (or its title and date)
    appeared at another is the same post, moved or renamed: its script keeps its slug, guid and
    episode, and names the new path as its source. (Each path being its own entry, a rename was
    the old post gone, ``--prune`` took its episode down, and the new one was refused as already
    imported, or became another episode.)"""
    offered = {offer.id for offer in offers}
    left = {found.episodes / f"{v['slug']}.md": k for k, v in entries.items() if k not in offered and v.get("slug")}
    root = found.episodes.parent
    left.update({path: "" for key, path in found.by_key.items() if "://" not in key and path not in left
                 and (root / key).resolve().is_relative_to(folder) and not (root / key).exists()})
    left = {path: key for path, key in left.items() if path.is_file()}
    for offer in offers:
        if not left or offer.id in entries or found.find(offer) is not None:
            continue
        try:
            new = scripts.derive(offer.read(), show)
            path = next((p for p in left if _same_post(new, found.episodes, p)), None)
        except AudioguideError:
            continue  # said when the offer is synced
        if path is not None:
            old = load_script(path).meta.source
            move_source(found.episodes, path, offer.source)
            found.by_key[offer.source] = path
            entries[offer.id] = entries.pop(left.pop(path), None) or {"slug": path.stem}
            synced.moved.append((str(old), offer.source, path))


def _same_post(new: Script, episodes: Path, path: Path) -> bool:
    """Whether the script ``path`` (as it was imported) was made from the post ``new`` is made
    from: the same text, or the same title and date."""
    base = episodes / IMPORTED / path.name
    old = load_script(base if base.is_file() else path)
    return old.sections == new.sections or (old.meta.title, old.meta.date) == (new.meta.title, new.meta.date)


def _gone(entries: dict[str, Any], root: Path, keys: list[str], held: Container[str | None] = ()) -> list[str]:
    """The slugs of the entries ``keys`` (no longer offered) whose scripts are still there,
    marked gone in the state; entries without a script, or whose script an entry still offered
    holds (``held``: the same entry under its new id), are forgotten: an entry still in its
    source is never taken down."""
    slugs = []
    for key in keys:
        slug = entries[key].get("slug")
        if slug and slug not in held and (root / "episodes" / f"{slug}.md").is_file():
            entries[key]["gone"] = True
            slugs.append(slug)
        else:
            del entries[key]
    return slugs


def _still_offered(state: dict[str, Any], results: list[Synced]) -> None:
    """Take the scripts another source's entry still offers out of what is gone (a post that
    moved to another source, or that two sources carried): an entry still offered is never taken
    down."""
    entries = [e for part in state.values() if isinstance(part, dict) for e in part.get("entries", {}).values()]
    held = {e.get("slug") or e.get("same_as") for e in entries if not e.get("gone")}
    for result in results:
        result.gone = [slug for slug in result.gone if slug not in held]
    for part in state.values():
        kept = part.get("entries", {}) if isinstance(part, dict) else {}
        for key in [k for k, v in kept.items() if v.get("gone") and v.get("slug") in held]:
            del kept[key]


def forget(state: dict[str, Any], slugs: set[str]) -> None:
    """Drop the entries of ``slugs`` from every source's state (they were pruned)."""
    for source in state.values():
        entries = source.get("entries", {}) if isinstance(source, dict) else {}
        for key in [k for k, v in entries.items() if v.get("slug") in slugs]:
            del entries[key]


def chosen(configured: tuple[Source, ...], locations: tuple[str, ...]) -> tuple[Source, ...]:
    """The sources ``audioguide sync LOCATION…`` names: a name or a location from ``[sources]``
    is that source (its state is its own), anything else a source of its own.

    >>> chosen((Source("main", "feeds/main.xml"),), ("main", "feeds/main.xml", "posts"))
    (Source(name='main', location='feeds/main.xml'), Source(name='main', location='feeds/main.xml'), \
Source(name='posts', location='posts'))
    """
    known = {key: s for s in configured for key in (s.location, s.name)}
    return tuple(known.get(location, Source(location, location)) for location in locations)


def sync_all(sources: tuple[Source, ...], root: Path, show: ShowConfig, *, force: bool = False,
             limits: Limits | None = None, every: bool = True) -> tuple[list[Synced], dict[str, Any]]:
    """Sync ``sources``; return what each did and the new state (the caller saves it once the
    scripts are written, with :func:`save_state`). Only a sync of ``every`` source in ``[sources]``
    forgets the sources no longer listed: ``sync LOCATION`` lost every other source's state (the
    posts deleted from them were never said to be gone, their ETags were lost)."""
    state = load_state(root)
    results = []
    found = _Scripts(root / "episodes", state)  # read once for every source; each adds its new scripts
    with Fetcher(limits) as fetcher:
        for source in sources:
            part = state.setdefault(source.name, {})
            results.append(sync_source(source, root, show, part, force=force, fetcher=fetcher, found=found))
            if not any(part.get(key) for key in ("entries", "etag", "last_modified")):
                del state[source.name]  # nothing to remember (a location that failed)
    _still_offered(state, results)
    for name in [n for n in state if every and n not in {s.name for s in sources}]:
        del state[name]  # a source removed from [sources]
    return results, state
