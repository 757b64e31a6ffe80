"""Taking episodes and guides down: what is published without a script, and ``unpublish``.

A published feed never loses an item by accident, so deleting ``episodes/x.md`` (or marking it
``draft: true``) does not remove episode ``x``: ``render`` warns and ``check`` reports it until
``audioguide unpublish x`` takes it down. Unpublishing removes the item's record first, then
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
from audioguide.settings import Config


@dataclass(frozen=True)
class Unlisted:
    """A published episode or guide whose script is gone or a draft."""

    slug: str
    kind: str
    """``episode`` or ``guide``."""
    reason: str
    """``no script in episodes/`` or ``its script is a draft``."""

    def __str__(self) -> str:
        return (f"{self.kind} {self.slug!r} is published but {self.reason}: "
                f"run audioguide unpublish {self.slug} to take it down, or restore its script")


def published(out_dir: Path) -> dict[str, str]:
    """Every published item's slug -> ``episode`` or ``guide``."""
    out = Output(out_dir)
    items = {p.stem: "episode" for p in out.episode_records()}
    items.update({p.parent.name: "guide" for p in out.guide_records()})
    return items


def _scripts(episodes: Path) -> dict[str, bool]:
    """Slug -> whether it is a draft, for every script; a script that does not load counts as
    present (under its file name), since it is reported when rendered."""
    found: dict[str, bool] = {}
    for path in scripts_in(episodes):
        try:
            meta = scripts.load(path).meta
        except AudioguideError:
            found.setdefault(path.stem, False)
            continue
        found[meta.slug] = meta.draft
    return found


def unlisted(episodes: Path, out_dir: Path) -> list[Unlisted]:
    """Published items whose script is missing from ``episodes`` or is a draft."""
    have = _scripts(episodes)
    return [Unlisted(slug, kind, "no script in episodes/" if slug not in have else "its script is a draft")
            for slug, kind in sorted(published(out_dir).items()) if have.get(slug, True)]


def unpublish(config: Config, out_dir: Path, slugs: list[str]) -> list[Path]:
    """Take the items ``slugs`` down (see the module docstring); return the files removed.
    An unknown slug is refused before anything is removed."""
    items = published(out_dir)
    unknown = [s for s in slugs if s not in items]
    if unknown:
        raise InputError(f"nothing published as {', '.join(map(repr, unknown))}", path=out_dir,
                         fix=f"Published: {', '.join(sorted(items)) or 'nothing'}")
    scripts_here = _scripts(config.episodes_dir) if config.episodes_dir.is_dir() else {}
    live = [s for s in slugs if scripts_here.get(s) is False]  # a script that is no draft
    if live:
        raise InputError(f"{', '.join(map(repr, live))} still {'has a script' if len(live) == 1 else 'have scripts'} "
                         "in episodes/, so the next render would publish it again", path=out_dir,
                         fix="Delete the script (or set draft: true in it) first, then unpublish")
    return remove(config, out_dir, {slug: items[slug] for slug in slugs})


def remove(config: Config, out_dir: Path, items: dict[str, str]) -> list[Path]:
    """Take ``items`` (slug -> ``episode`` or ``guide``) down, in the order that keeps the feed
    true: their records, then the feed and site rewritten without them, then their files; return
    the files removed."""
    out = Output(out_dir)
    removed: list[Path] = []
    for slug, kind in items.items():  # 1. the records: the feed and site are built from them
        record = out.episode(slug, RECORD) if kind == "episode" else out.guide_record(slug)
        record.unlink()
        removed.append(record)
    publish(config, out_dir)  # 2. the feed and site without them
    for slug, kind in items.items():  # 3. the audio and everything else of theirs
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
