"""``audioguide import``: an article becomes an editable episode script in ``episodes/``.

A first import writes the script, and a copy of it as imported in ``episodes/.imported/``.
Importing the same article again (``--force``) updates the script from the article and keeps the
author's edits: a three-way merge of the copy (what was imported), the script (what the author
made of it) and the article now (:mod:`audioguide.ingest.merge`). Where both changed the same
paragraph, nothing is written but the merge with conflict markers, for the author to finish;
the next import takes the script, once they have changed it, as their resolution (the article as
it was then becomes the copy the next merge starts from). Refused: overwriting another article's
script, and importing the same article a second time under another name. Pages and feeds from
the web come through :mod:`audioguide.ingest.webimport`, which reads them and hands each article
to :func:`import_parsed`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Container
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from audioguide.errors import AudioguideError, InputError
from audioguide.ingest import script as scripts
from audioguide.ingest.frontmatter import split_front_matter
from audioguide.ingest.merge import OURS_MARK, THEIRS_MARK, merge_fields, merge_lines
from audioguide.ingest.readers import read_article
from audioguide.layout import IMPORTED, scripts_in
from audioguide.models import Article, Script
from audioguide.settings import ShowConfig, same_language
from audioguide.writer import inside, output_root, write_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Imported:
    """What an import did."""

    path: Path
    action: str
    """``wrote`` (a new script), ``updated`` (merged with the author's edits), ``refreshed`` (a
    script never edited, made from the article again), ``resolved`` (the author's resolution of a
    conflict taken as it is), ``replaced``, or ``unchanged``."""
    kept: tuple[str, ...] = ()
    """Front matter keys the author and the article both changed: the author's value was kept."""

    @property
    def said(self) -> str:
        """The action as the command line reports it, before the script's name."""
        return {"wrote": "Wrote", "updated": "Updated (your edits kept)", "refreshed": "Updated",
                "replaced": "Replaced",
                "resolved": "Took your resolution of the conflict in",
                "unchanged": "Already up to date:"}[self.action]


@lru_cache(maxsize=4096)
def _load(path: Path, stamp: tuple[int, int, int]) -> Script:
    """The script at ``path`` as it was at ``stamp`` (inode, modification time, size): importing a
    folder or a feed reads every other script once, not once per post."""
    return scripts.load(path)


def load_script(path: Path) -> Script:
    """:func:`audioguide.ingest.script.load`, kept while the file stays as it is."""
    stat = path.stat()
    return _load(path, (stat.st_ino, stat.st_mtime_ns, stat.st_size))


def free_slug(slug: str, taken: Container[str]) -> str:
    """``slug``, or ``slug-2``, ``slug-3``… when a script already has it (``taken``).

    >>> free_slug("walk", {"walk", "walk-2"})
    'walk-3'
    """
    candidates = (slug, *(f"{slug[:56]}-{number}" for number in range(2, 10_000)))
    return next(c for c in candidates if c not in taken)


def already_imported(episodes: Path, script: Script, dest: Path) -> tuple[Path, str] | None:
    """Another script in ``episodes`` made from the same feed entry (guid), the same source file or
    address, or with the same text (its sections unedited), and which of these it is."""
    for path in scripts_in(episodes):
        if path.resolve() == dest.resolve():
            continue
        try:
            other = load_script(path)
        except AudioguideError:  # a broken script is reported when it is rendered
            continue
        if script.meta.guid and other.meta.guid == script.meta.guid:
            return path, "the same entry"
        if script.meta.guid and other.meta.guid:  # two entries, whatever their links say (a link blog's)...
            if other.sections == script.sections:  # ...unless one article came through two feeds (RSS and Atom)
                return path, "the same text"
            continue
        if script.meta.source and same_source(other.meta.source, script.meta.source, episodes):
            return path, "the same source"
        if other.sections == script.sections:
            return path, "the same text"
    return None


def _source(article: Path, episodes: Path) -> str:
    """How a script names the article file it was made from, whatever folder ``import`` ran in:
    relative to ``episodes`` when it is inside, else to the project folder (``sources/post.md``),
    else its absolute path. (It was the path as typed: ``show/post.md`` from the project's
    parent, and a re-import from inside the project was refused as another article.)"""
    where = article.resolve()
    for base in (episodes.resolve(), episodes.resolve().parent):
        if where.is_relative_to(base):
            return where.relative_to(base).as_posix()
    return str(where)


def same_source(stored: str | None, source: str, episodes: Path) -> bool:
    """Whether a script's ``source:`` names ``source`` (an address, or a file named by
    :func:`_source`): the same text, or a file path that leads to the same file from the project
    folder, ``episodes`` or the current folder (older scripts kept the path as typed)."""
    if stored is None or stored == source:
        return stored is not None
    if "://" in stored or "://" in source:  # an address: only the same text is the same
        return False
    here = {(base / source).resolve() for base in (episodes, episodes.parent)}
    return any((base / stored).resolve() in here for base in (episodes, episodes.parent, Path.cwd()))


def import_article(article: Path, show: ShowConfig, episodes: Path, *, slug: str | None = None,
                   force: bool = False, replace: bool = False) -> Imported:
    """Import the article file ``article`` into ``episodes`` (see the module docstring and
    :func:`import_parsed`)."""
    parsed = read_article(article)
    return import_parsed(parsed, _source(article, episodes), show, episodes, where=article, slug=slug,
                         force=force, replace=replace)


def import_parsed(parsed: Article, source: str, show: ShowConfig, episodes: Path, *, where: Path | str,
                  slug: str | None = None, force: bool = False, replace: bool = False,
                  guid: str | None = None, keep_unchanged: bool = False, by_sync: bool = False) -> Imported:
    """Import the article ``parsed``, read from ``source`` (a path or address, named ``where`` in
    messages), into ``episodes``; ``guid`` is its feed entry's id, kept as the episode's guid.

    Refused (exit 2): without ``force`` or ``replace``, a script with that slug exists or the
    article is already imported (with ``keep_unchanged``, an import whose article has not changed
    since is ``unchanged`` instead); even with ``force``, a script with that slug made from another
    article (``replace`` overwrites it), or edits that conflict with the article's changes. The
    fixes these refusals give name ``audioguide sync``'s options when it is ``by_sync`` (it has
    no ``--replace`` or ``--slug``)."""
    script = scripts.derive(parsed, show, slug=slug, source=source, guid=guid)
    dest = inside(episodes, f"{script.meta.slug}.md")
    twin = already_imported(episodes, script, dest) if episodes.is_dir() else None
    if twin is not None and twin[1] in ("the same source", "the same entry") and slug is None:
        dest = twin[0]  # the article's own script, whatever its title says now
    elif twin is not None and not force:
        raise InputError(f"is already imported as {twin[0].name} ({twin[1]})", path=where,
                         fix=f"Edit {twin[0].name}" + ("; sync does not make one text two episodes (is the post in "
                                                        "its source twice?)" if by_sync else
                                                        ", or pass --force to import it again as another episode"))
    if not dest.exists():
        _warn_language(where, parsed, script, show)
        return _write(episodes, dest, scripts.dumps(script), "wrote")
    if not (force or replace):
        if keep_unchanged and unchanged_since_import(parsed, show, episodes, dest, source, guid):
            return Imported(dest, "unchanged")
        raise InputError("already exists", path=dest,
                         fix="Pass --force to update it from the article (your edits are kept), "
                             "or --slug to choose another name")
    return _update(parsed, show, episodes, dest, source, replace=replace, guid=guid, by_sync=by_sync)


def unchanged_since_import(parsed: Article, show: ShowConfig, episodes: Path, dest: Path, source: str,
                           guid: str | None) -> bool:
    """True when importing ``parsed`` again would give the script as it was last imported."""
    base = episodes / IMPORTED / dest.name
    try:
        current = load_script(dest)
        fresh = scripts.derive(parsed, show, slug=current.meta.slug, source=source, date=current.meta.date,
                               guid=guid)
        return base.is_file() and base.read_text("utf-8") == scripts.dumps(fresh)
    except AudioguideError:
        return False


def move_source(episodes: Path, dest: Path, source: str) -> None:
    """Name ``source`` as the source of the script ``dest`` and of its copy as imported (its post
    moved): the rest of both stays as it is, the author's edits too."""
    for path in (dest, episodes / IMPORTED / dest.name):
        if not path.is_file():
            continue
        front, body = split_front_matter(path.read_text("utf-8-sig"), path)
        if front.get("source") != source:
            front["source"] = source
            with output_root(episodes):
                write_text(path, scripts.compose(front, body))


def _warn_language(article: Path | str, parsed: Article, script: Script, show: ShowConfig) -> None:
    """Say so when the article reads as another language than the show's and does not say."""
    language = script.meta.language
    if language and not parsed.meta.language and not same_language(language, show.language):
        log.warning("%s reads as %s, not the show's %s: its script says language: %s, so it needs a voice "
                    "for it (audioguide voices --language %s)", article, language, show.language, language,
                    language)


def _write(episodes: Path, dest: Path, text: str, action: str, imported: str | None = None,
           kept: tuple[str, ...] = ()) -> Imported:
    """Write the script and its copy as imported (``imported``, default: the script itself)."""
    with output_root(episodes):
        write_text(dest, text)
        write_text(inside(episodes, f"{IMPORTED}/{dest.name}"), imported or text)
    return Imported(dest, action, kept)


def _update(parsed: Article, show: ShowConfig, episodes: Path, dest: Path, source: str, *,
            replace: bool, guid: str | None = None, by_sync: bool = False) -> Imported:
    """Re-import into the existing script ``dest``, keeping the author's edits (see the module)."""
    current = scripts.load(dest)
    if current.meta.source is not None and not same_source(current.meta.source, source, episodes) and not replace:
        raise InputError(f"was imported from {current.meta.source}, not from this article", path=dest,
                         fix=f"Set source: {source} in it, then run audioguide sync --force again" if by_sync else
                         "Pass --slug to import it under another name, or --replace to overwrite it")
    fresh = scripts.derive(parsed, show, slug=current.meta.slug, source=source, date=current.meta.date,
                           guid=guid)
    new_text = scripts.dumps(fresh)
    ours_text = dest.read_text("utf-8-sig")
    if replace or ours_text == new_text:
        return _write(episodes, dest, new_text, "replaced" if ours_text != new_text else "unchanged")
    base_path = episodes / IMPORTED / dest.name
    if not base_path.is_file():
        raise InputError("was imported before audioguide kept a copy of each import, so your edits "
                         "cannot be told from the article's changes", path=dest,
                         fix=f"Delete {dest.name} and sync again to take the article as it is now (your edits are "
                             "lost)" if by_sync else
                             "Pass --replace to take the article as it is now (your edits are lost), "
                             "or import it under another name with --slug and move your edits across")
    base_text, resolved = _merge_base(episodes, dest, ours_text, base_path.read_text("utf-8"), _again(by_sync))
    if base_text == new_text:  # the article has not changed since it was imported (or since the conflict)
        return Imported(dest, "resolved" if resolved else "unchanged")
    if ours_text == base_text:  # never edited: the article as it is now, with no edits to keep
        return _write(episodes, dest, new_text, "refreshed")
    (base, base_body), (ours, ours_body), (new, new_body) = (
        split_front_matter(text, path) for text, path in
        ((base_text, base_path), (ours_text, dest), (new_text, dest)))
    front, kept = merge_fields(base, ours, new)
    lines, conflicts = merge_lines(base_body.split("\n"), ours_body.split("\n"), new_body.split("\n"))
    merged = scripts.compose(front, "\n".join(lines))
    if conflicts:
        pending = inside(episodes, f"{IMPORTED}/{dest.stem}.conflict.md")
        with output_root(episodes):
            write_text(pending, merged)
            write_text(_conflict_state(episodes, dest), json.dumps({"article": new_text, "script": _digest(ours_text)}))
        raise InputError(
            f"was not updated: your edits and the article's changes touch the same paragraphs in "
            f"{conflicts} place{'s' if conflicts > 1 else ''}", path=dest,
            fix=f"Resolve the <<<<<<< … >>>>>>> blocks in {pending.relative_to(episodes.parent)} and copy it "
                f"over {dest.name}, then {_again(by_sync)} again (or " + (
                    f"delete {dest.name} and sync again" if by_sync else "pass --replace") + " to drop your edits)")
    scripts.parse(merged, dest)  # the merge is a valid script before it replaces the author's
    return _write(episodes, dest, merged, "updated", imported=new_text, kept=tuple(kept))


def _conflict_state(episodes: Path, dest: Path) -> Path:
    """Where a conflict left for the author keeps what it was between: the article's script then,
    and a digest of the author's script then."""
    return inside(episodes, f"{IMPORTED}/{dest.stem}.conflict.json")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _again(by_sync: bool) -> str:
    """How the author runs the re-import again, once they have resolved a conflict."""
    return "run audioguide sync --force" if by_sync else "import with --force"


def _merge_base(episodes: Path, dest: Path, ours_text: str, base_text: str, again: str) -> tuple[str, bool]:
    """The text the merge starts from, and whether it is the article as a conflict left it.

    After a conflict, a script its author has changed since is their resolution: the article as it
    was then becomes the copy as imported (so the resolved paragraphs are the author's edits, and
    are kept), and the conflict's files are removed. A script still as it was keeps the old copy:
    the conflict stands. A script that still has the merge's marker lines is refused."""
    state_path = _conflict_state(episodes, dest)
    try:
        state = json.loads(state_path.read_text("utf-8"))
        article, before = state["article"], state["script"]
    except (OSError, ValueError, TypeError, KeyError):
        return base_text, False
    if any(line.startswith((OURS_MARK, THEIRS_MARK)) for line in ours_text.splitlines()):
        raise InputError("still has the <<<<<<< and >>>>>>> lines of the conflict", path=dest,
                         fix=f"Keep the words you want from each side, delete the marker lines, and {again} again")
    if _digest(ours_text) == before or not isinstance(article, str):
        return base_text, False
    with output_root(episodes):
        write_text(inside(episodes, f"{IMPORTED}/{dest.name}"), article)
    state_path.unlink(missing_ok=True)
    inside(episodes, f"{IMPORTED}/{dest.stem}.conflict.md").unlink(missing_ok=True)
    return article, True
