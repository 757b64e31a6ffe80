"""The whole build, read like a table of contents: the cover -> render every item
(:mod:`audioguide.render`, which also has each guide published by :mod:`audioguide.guide`) ->
publish the feed and site (:mod:`audioguide.publish`).

This is what ``audioguide render`` runs, and ``audioguide sync`` after it has brought the scripts
in step with their sources (:mod:`audioguide.ingest.sources`); the stages below never call back up.
"""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from audioguide.errors import AudioguideError, InputError, unwritable
from audioguide.layout import IMPORTED, Output, scripts_in
from audioguide.models import GuideRecord
from audioguide.publish import publish
from audioguide.publish.unpublish import published, remove, taken_over, unlisted, unpublish
from audioguide.render import build
from audioguide.render.inputs import Overrides
from audioguide.render.items import ProgressFactory, Report
from audioguide.settings import Config
from audioguide.writer import written

if TYPE_CHECKING:
    from audioguide.ingest.sources import Synced

log = logging.getLogger(__name__)


def render(config: Config, paths: list[Path] | None = None, overrides: Overrides = Overrides(),
           progress_factory: ProgressFactory | None = None) -> Report:
    """Render the given inputs (default: every script in ``episodes/``) into ``output/`` (or
    ``overrides.out``), then publish the feed and the site."""
    started = time.monotonic()
    out_dir = overrides.out or config.output_dir

    @functools.cache
    def cover() -> Path:
        return publish.cover_path(config, out_dir)

    def guide_published(record: GuideRecord, folder: Path) -> None:
        from audioguide.guide.files import publish_guide  # its page templates: only for guides

        publish_guide(config, record, folder, cover())

    try:
        report = build.render(config, paths, overrides, cover=cover, publish_guide=guide_published,
                              progress_factory=progress_factory)
    except KeyboardInterrupt:
        publish_finished(config, out_dir)
        raise
    if report.written_guides:  # a guide in several languages: each page lists all of them
        from audioguide.guide.files import link_languages

        link_languages(config, out_dir, cover(), {g.group for g in report.written_guides})
    gone = [old for old, new in report.taken_over.items() if taken_over(out_dir, old, new)]
    if gone:  # renamed: the old slug's record, then the feed and site, then its files
        remove(config, out_dir, [(old, "episode") for old in gone])
        for old in gone:
            log.warning("episode %r took over %r (its guid and number): the files of %r were removed",
                     report.taken_over[old], old, old)
    else:
        publish_rendered(config, out_dir, report)
    if config.episodes_dir.is_dir():
        for item in unlisted(config.episodes_dir, out_dir):
            log.warning("%s", item)
    report.seconds = time.monotonic() - started
    return report


def publish_rendered(config: Config, out_dir: Path, report: Report) -> None:
    """Publish the feed and site; a file of theirs that does not fit (a read-only ``output/``,
    a full disk) is a failure of the render, listed with the items' (the summary line ends
    the render whatever happened), not an error that left the items just rendered unsaid."""
    try:
        publish.publish(config, out_dir)
    except OSError as exc:
        said = unwritable(exc)
        if said is None:
            raise
        report.failures.append((str(said.path), said))


def publish_finished(config: Config, out_dir: Path) -> None:
    """After Ctrl-C (or SIGTERM) stopped a render: publish the items it finished before it was
    stopped (the step under way is waited for, so each item is either finished, its MP3 and
    record both new, or left as it was). Their new MP3s were in place while ``feed.xml``, the
    pages, transcripts and chapters still described the old ones (the feed gave the old length).
    Publishing is quick, and does nothing when no record changed; when this render wrote
    nothing, not even that is done, so ``output/`` stays as it was."""
    if not written(out_dir):
        return
    try:
        publish.publish(config, out_dir)
    except (AudioguideError, OSError) as exc:  # said, and the interrupt still ends the render
        log.warning("the feed and pages were not brought up to date (%s): run audioguide render again", exc)


def take_down(config: Config, slugs: list[str]) -> list[Path]:
    """Unpublish ``slugs`` (:func:`audioguide.publish.unpublish.unpublish`); the other languages
    of a guide taken down are published again without it (their pages linked to it, and sent a
    listener who had chosen it there). The files removed."""
    out_dir = config.output_dir
    guides = {g.slug: g.group for g in publish.load_guides(out_dir) if g.slug in slugs}
    removed = unpublish(config, out_dir, slugs)
    groups = {group for slug, group in guides.items() if not Output(out_dir).guide_record(slug).is_file()}
    if groups:
        from audioguide.guide.files import link_languages

        link_languages(config, out_dir, publish.cover_path(config, out_dir), groups, alone=True)
    return removed


def warm_up(config: Config, overrides: Overrides = Overrides()) -> None:
    """Load the show's voice (``[voice]``, or the command line's) ahead of the first sentence:
    what ``audioguide watch`` does while it waits, so that the first edit is as quick as the
    next. A voice that cannot load is left for the render to report."""
    from audioguide.render.inputs import engine_choice
    from audioguide.speech.engines import warm_up as load

    try:
        load(*engine_choice(config, None, overrides))
    except AudioguideError as exc:
        log.debug("voice not loaded ahead: %s", exc)


@dataclass
class SyncReport:
    """What ``audioguide sync`` did: each source's part, what was pruned, and the render."""

    sources: list[Synced]
    pruned: list[str] = field(default_factory=list)
    render: Report | None = None

    @property
    def failed(self) -> bool:
        return any(s.failed for s in self.sources) or bool(self.render and self.render.failures)


def sync(config: Config, locations: tuple[str, ...] = (), *, force: bool = False, prune: bool = False,
         render_after: bool = True, progress_factory: ProgressFactory | None = None) -> SyncReport:
    """Bring the scripts in step with the sources ``locations`` name (default: every source of
    ``[sources]``; new and changed entries imported, edited scripts kept unless ``force``), take
    down what left its source when ``prune``, then render and publish everything (unchanged items
    are not rendered again)."""
    from audioguide.ingest import sources as syncing  # HTTP, feeds, extraction: only sync needs them (0.2 s)

    sources = syncing.chosen(config.sources, locations) or config.sources
    if not sources:
        raise InputError("has no [sources]", path=config.root / "audioguide.toml",
                         fix='add one, such as: [sources] blog = "https://example.com/feed.xml", '
                             "or give a feed, page or folder: audioguide sync LOCATION")
    results, state = syncing.sync_all(sources, config.root, config.show, force=force, every=not locations)
    report = SyncReport(results)
    if prune:
        gone = {slug for result in results for slug in result.gone}
        for slug in sorted(gone):  # the scripts first: a published item with a script is not taken down
            for path in (config.episodes_dir / f"{slug}.md", config.episodes_dir / IMPORTED / f"{slug}.md"):
                path.unlink(missing_ok=True)
        live = published(config.output_dir)
        if gone & set(live):
            take_down(config, sorted(gone & set(live)))
        syncing.forget(state, gone)
        report.pruned = sorted(gone)
    syncing.save_state(config.root, state)
    if render_after and (scripts_in(config.episodes_dir) or published(config.output_dir)):
        # (with nothing to render, render's "episodes/ has no scripts" hid why: every source failed)
        report.render = render(config, None, Overrides(), progress_factory)
    return report
