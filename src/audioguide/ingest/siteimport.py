"""``audioguide import FOLDER``: every published post of a site folder (:mod:`audioguide.ingest.sites`)
becomes an episode script, through the same import as a single file
(:func:`audioguide.ingest.imports.import_parsed`: the copy as imported, the three-way merge).

A post's script is found again by its source: the post's path, relative to the project folder when
the site is inside it. A post unchanged since it was imported is left alone (nothing is merged or
written); a changed one updates its script and keeps the author's edits; a new one gets a script
named after its slug, or the next free name (``update-2``) when another script has it. A post that
cannot be read or imported is one error naming it, and the others are still imported.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from audioguide.errors import AudioguideError, InputError
from audioguide.ingest.imports import Imported, free_slug, import_parsed, load_script, unchanged_since_import
from audioguide.ingest.sites import Listing, list_posts, skipped_line
from audioguide.layout import scripts_in
from audioguide.settings import ShowConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FolderImport:
    """What importing a folder did."""

    listing: Listing
    imported: tuple[Imported, ...]
    """One per published post imported, in the listing's order (``unchanged`` ones too)."""
    failed: tuple[AudioguideError, ...]
    """The posts that could not be read, then those that could not be imported."""


def source_name(post: Path, project: Path) -> str:
    """What a post's script names as its source: its path relative to ``project`` when it is
    inside it (so the project can move), else its absolute path."""
    path = post.resolve()
    return path.relative_to(project.resolve()).as_posix() if path.is_relative_to(project.resolve()) else str(path)


def _scripts_by_source(episodes: Path) -> dict[str, Path]:
    """Source -> script, for every script in ``episodes`` that names one."""
    found: dict[str, Path] = {}
    for path in scripts_in(episodes):
        try:
            source = load_script(path).meta.source
        except AudioguideError:  # a broken script is reported when it is rendered
            continue
        if source:
            found.setdefault(source, path)
    return found


def import_folder(folder: Path, show: ShowConfig, episodes: Path, *, slug: str | None = None, force: bool = False,
                  replace: bool = False, now: dt.datetime | None = None) -> FolderImport:
    """Import the published posts in ``folder`` into ``episodes`` (see the module docstring).
    ``force`` and ``replace`` mean what they mean for one article; ``now`` decides which posts
    are dated in the future. ``slug``, which names one script, is refused."""
    if slug is not None:
        raise InputError("--slug names one script, and a folder makes one per post",
                         fix="Leave out --slug: each post's script is named after the post's slug")
    if folder.resolve().is_relative_to(episodes.resolve()):
        raise InputError("is the episodes folder, where imported scripts go", path=folder,
                         fix="Give the folder of the site or of the posts to import")
    listing = list_posts(folder, now=now)
    known = _scripts_by_source(episodes)
    taken = {path.stem for path in scripts_in(episodes)}
    imported: list[Imported] = []
    failed = list(listing.failed)
    for entry in listing.entries:
        if entry.path.resolve().is_relative_to(episodes.resolve()):
            log.debug("%s is an episode script, not a post", entry.path)
            continue
        source = source_name(entry.path, episodes.parent)
        existing = known.get(source)
        try:
            if existing is not None and not replace and unchanged_since_import(
                    entry.article, show, episodes, existing, source, None):
                done = Imported(existing, "unchanged")
            else:
                slug = None if existing is not None else free_slug(entry.article.meta.slug or "post", taken)
                done = import_parsed(entry.article, source, show, episodes, where=entry.path, slug=slug,
                                     force=force or existing is not None, replace=replace)
        except AudioguideError as error:
            failed.append(error)
            continue
        taken.add(done.path.stem)
        imported.append(done)
    return FolderImport(listing, tuple(imported), tuple(failed))


def report(done: FolderImport, root: Path) -> list[tuple[str, bool]]:
    """What ``import FOLDER`` says, as ``(line, for stderr)``: a line per script written or updated
    (named relative to the project folder ``root``), per post that failed, for the posts skipped,
    and a count."""
    lines: list[tuple[str, bool]] = []
    for imported in done.imported:
        name = imported.path.relative_to(root) if imported.path.is_relative_to(root) else imported.path
        if imported.action != "unchanged":
            lines.append((f"{imported.said} {name}", False))
        if imported.kept:
            lines.append((f"Kept your values of {', '.join(imported.kept)} in {name} (the post changed them too)",
                          True))
    lines += [(f"Error: {error.format_message()}", True) for error in done.failed]
    skipped = skipped_line(done.listing.skipped)
    if skipped:
        lines.append((skipped, False))
    counts = Counter(imported.action for imported in done.imported)
    site, total = done.listing.site, len(done.imported)
    where = f"Folder {done.listing.folder}" if site.generator == "folder" else f"{site.name} site {done.listing.folder}"
    updated = total - counts['wrote'] - counts['unchanged']  # merged, refreshed, resolved or replaced
    lines.append((f"{where}: {total} post{'' if total == 1 else 's'}, {counts['wrote']} new, "
                  f"{updated} updated, {counts['unchanged']} already up to date; "
                  f"{len(done.failed)} failed.", False))
    return lines
