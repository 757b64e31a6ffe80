"""Taking episodes and guides down: what is published without a script, and ``unpublish``.

A published feed never loses an item by accident, so deleting ``episodes/x.md`` (or marking it
``draft: true``) does not remove episode ``x``: ``render`` warns and ``check`` reports it until
``audioguide unpublish x`` takes it down. The same goes for the item of the old kind when a
script changes from an episode to a guide or back. Unpublishing removes the item's record first, then
rewrites the feed and the site without it, and only then deletes its audio and side files, so
the feed never lists a file that is gone. Its guid stays remembered, so publishing it again keeps
the same guid.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from audioguide.errors import AudioguideError, InputError
from audioguide.ingest import script as scripts
from audioguide.layout import RECORD, Output, scripts_in
from audioguide.publish.publish import publish
from audioguide.render.items import from_article
from audioguide.settings import Config


@dataclass(frozen=True)
class Unlisted:
    """A published episode or guide whose script is gone, a draft, or now of the other kind."""

    slug: str
    kind: str
    """``episode`` or ``guide``."""
    reason: str
    """``no script in episodes/``, ``its script is a draft``, or what its script is now."""

    @property
    def fix(self) -> str:
        """What to do: take it down, or make its script make it again."""
        undo = {"episode": "take kind: guide out of its script", "guide": "put kind: guide back in its script"}
        return (f"run audioguide unpublish {self.slug} to take it down, or "
                + (undo[self.kind] if "now" in self.reason else "restore its script"))

    def __str__(self) -> str:
        return f"{self.kind} {self.slug!r} is published but {self.reason}: {self.fix}"


def published(out_dir: Path) -> dict[str, tuple[str, ...]]:
    """Every published item's slug -> its kinds (``episode``, ``guide``): a script that changed
    kind leaves an item of each under one slug."""
    out = Output(out_dir)
    items: dict[str, tuple[str, ...]] = {p.stem: ("episode",) for p in out.episode_records()}
    for p in out.guide_records():
        items[p.parent.name] = (*items.get(p.parent.name, ()), "guide")
    return items


@dataclass(frozen=True)
class _Script:
    draft: bool
    kind: str | None
    """``episode`` or ``guide`` as its front matter says (``None``: it does not load)."""


def _scripts(episodes: Path) -> dict[str, _Script]:
    """Slug -> whether it is a draft and its kind, for every script; a script that does not load
    counts as present, of either kind (under its file name), since it is reported when rendered."""
    found: dict[str, _Script] = {}
    for path in scripts_in(episodes):
        try:
            meta = scripts.load(path).meta
        except AudioguideError:
            found.setdefault(path.stem, _Script(False, None))
            continue
        found[meta.slug] = _Script(meta.draft, meta.kind)
    return found


def _reason(kind: str, kinds: tuple[str, ...], script: _Script | None) -> str | None:
    """Why the item of ``kind`` (its slug published as ``kinds``) is published though no script
    makes it, or ``None``. A script without ``kind: guide`` may be rendered as a guide with
    ``render --guide``: its guide is left over only once its episode is published too."""
    if script is None:
        return "no script in episodes/"
    if script.draft:
        return "its script is a draft"
    if kind == "episode" and script.kind == "guide":
        return "its script is now a guide (kind: guide)"
    if kind == "guide" and script.kind == "episode" and "episode" in kinds:
        return "its script is now an episode (it has no kind: guide)"
    return None


def unlisted(episodes: Path, out_dir: Path) -> list[Unlisted]:
    """Published items whose script is missing from ``episodes``, is a draft, or is now of the
    other kind (an episode made a guide, or back: both were left published, the old one for good)."""
    have = _scripts(episodes)
    out = Output(out_dir)
    found = []
    for slug, kinds in sorted(published(out_dir).items()):
        for kind in kinds:
            reason = _reason(kind, kinds, have.get(slug))
            record = out.episodes / f"{slug}{RECORD}" if kind == "episode" else out.guide_record(slug)
            if reason is not None and not (slug not in have and from_article(record)):
                found.append(Unlisted(slug, kind, reason))
    return found


def unpublish(config: Config, out_dir: Path, slugs: list[str]) -> list[Path]:
    """Take the items ``slugs`` down (see the module docstring): of each slug, what no script
    makes (every item when its script is gone or a draft; the item of the old kind when its
    script changed kind); return the files removed. A slug unknown, or whose items its script
    would publish again, is refused before anything is removed."""
    items = published(out_dir)
    unknown = [s for s in slugs if s not in items]
    if unknown:
        raise InputError(f"nothing published as {', '.join(map(repr, unknown))}", path=out_dir,
                         fix=f"Published: {', '.join(sorted(items)) or 'nothing'}")
    have = _scripts(config.episodes_dir) if config.episodes_dir.is_dir() else {}
    gone = [(slug, kind) for slug in slugs for kind in items[slug]
            if _reason(kind, items[slug], have.get(slug)) is not None]
    live = [s for s in slugs if not any(slug == s for slug, _ in gone)]
    if live:
        raise InputError(f"{', '.join(map(repr, live))} still {'has a script' if len(live) == 1 else 'have scripts'} "
                         "in episodes/, so the next render would publish it again", path=out_dir,
                         fix="Delete the script (or set draft: true in it) first, then unpublish")
    return remove(config, out_dir, gone)


def remove(config: Config, out_dir: Path, items: list[tuple[str, str]]) -> list[Path]:
    """Take ``items`` (slug, ``episode`` or ``guide``) down, in the order that keeps the feed
    true: their records, then the feed and site rewritten without them, then their files; return
    the files removed."""
    out = Output(out_dir)
    removed: list[Path] = []
    for slug, kind in items:  # 1. the records: the feed and site are built from them
        record = out.episode(slug, RECORD) if kind == "episode" else out.guide_record(slug)
        record.unlink()
        removed.append(record)
    publish(config, out_dir)  # 2. the feed and site without them
    for slug, kind in items:  # 3. the audio and everything else of theirs
        if kind == "guide":
            removed += sorted(p for p in out.guide(slug).rglob("*") if p.is_file())
            shutil.rmtree(out.guide(slug))
            continue
        for path in sorted(out.episodes.glob(f"{slug}.*")):  # slugs have no dots: only its own files
            path.unlink()
            removed.append(path)
    return removed


def taken_over(out_dir: Path, old: str, new: str) -> bool:
    """Whether episode ``new`` is now published with the guid of episode ``old`` (it was
    rendered, taking ``old`` over: see :func:`audioguide.render.build.take_over`)."""
    out = Output(out_dir)
    try:
        guids = [json.loads(out.episode(slug, RECORD).read_text("utf-8"))["guid"] for slug in (old, new)]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return bool(guids[0] == guids[1])
