"""The whole build, read like a table of contents: the cover -> render every item
(:mod:`audioguide.render`, which also has each guide published by :mod:`audioguide.guide`) ->
publish the feed and site (:mod:`audioguide.publish`).

This is what ``audioguide render`` runs; the stages below it never call back up.
"""

from __future__ import annotations

import functools
import logging
import time
from pathlib import Path

from audioguide.models import GuideRecord
from audioguide.publish import publish
from audioguide.publish.unpublish import unlisted
from audioguide.render import build
from audioguide.render.inputs import Overrides
from audioguide.render.items import ProgressFactory, Report
from audioguide.settings import Config

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

    report = build.render(config, paths, overrides, cover=cover, publish_guide=guide_published,
                          progress_factory=progress_factory)
    if report.written_guides:  # a guide in several languages: each page lists all of them
        from audioguide.guide.files import link_languages

        link_languages(config, out_dir, cover(), {g.group for g in report.written_guides})
    publish.publish(config, out_dir)
    if config.episodes_dir.is_dir():
        for item in unlisted(config.episodes_dir, out_dir):
            log.warning("%s", item)
    report.seconds = time.monotonic() - started
    return report
