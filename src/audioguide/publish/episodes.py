"""Each episode's own published files: WebVTT and SRT captions, JSON chapters and its web page.

They depend on that episode's record alone, so the publisher writes them only for episodes
whose record changed. (Worker processes for a first build of a large show were tried: on this
2-core machine they did not measurably help, the time being the file system's, and they would
be processes a killed render could leave behind.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from audioguide.layout import CHAPTERS, PAGE, SRT, VTT, Output
from audioguide.publish.records import load_record
from audioguide.publish.site import Pages
from audioguide.publish.transcripts import chapters_json, srt, webvtt
from audioguide.settings import ShowConfig
from audioguide.writer import write_text


@dataclass(frozen=True)
class EpisodeFiles:
    """What an episode's files need besides its record."""

    show: ShowConfig
    out_dir: Path
    cover: str
    """The cover's file name inside ``out_dir``."""
    cover_url: str
    feed_url: str
    """Empty when there is no feed."""

    def write(self, records: Sequence[Path]) -> None:
        """Load each record and write its episode's files."""
        out = Output(self.out_dir)
        pages = Pages(self.show, cover=self.cover, feed_url=self.feed_url)
        for path in records:
            record = load_record(path)
            stem = str(out.episode(record.slug, ""))  # checked once: the suffixes add no folder
            write_text(Path(stem + VTT), webvtt(record.cues))
            write_text(Path(stem + SRT), srt(record.cues))
            write_text(Path(stem + CHAPTERS), chapters_json(record, self.cover_url))
            write_text(Path(stem + PAGE), pages.episode(record))


def write_episode_files(files: EpisodeFiles, records: Sequence[Path]) -> None:
    """Write the files of the episodes whose records are ``records``."""
    files.write(records)
