"""Each episode's own published files: WebVTT and SRT captions, JSON chapters and its web page.

They depend on that episode's record alone, so the publisher makes them only for episodes
whose record changed, and writes them all through one :func:`audioguide.writer.write_files`
(one create and one rename for each new file). (Worker processes for a first build of a large
show were tried: on this 2-core machine they did not measurably help, the time being the file
system's, and they would be processes a killed render could leave behind.)
"""

from __future__ import annotations

from urllib.parse import quote

from audioguide.layout import CHAPTERS, EPISODE_FOLDER, PAGE, SRT, VTT
from audioguide.models import EpisodeRecord
from audioguide.publish.site import Pages
from audioguide.publish.transcripts import captions, chapters_json
from audioguide.settings import ShowConfig


class EpisodeFiles:
    """Renders an episode's files; holds what they need besides its record (the templates are
    loaded once)."""

    def __init__(self, show: ShowConfig, *, cover: str, cover_url: str, feed_url: str) -> None:
        """``cover`` is the cover's file name inside the output folder; ``feed_url`` is empty
        when there is no feed."""
        self.pages = Pages(show, cover=cover, feed_url=feed_url)
        self.cover_url = cover_url
        self.episodes_url = f"{show.base_url}{EPISODE_FOLDER}/"

    def image_url(self, record: EpisodeRecord) -> str:
        """The episode's own cover (``artwork:``, beside its MP3), else the show's: what its
        chapters show, as its feed item does."""
        if not record.image:
            return self.cover_url
        return f"{self.episodes_url}{quote(record.image)}"

    def of(self, record: EpisodeRecord) -> list[tuple[str, bytes]]:
        """(file name inside ``episodes/``, bytes) of each of ``record``'s files."""
        vtt, srt = captions(record.cues)
        return [(f"{record.slug}{VTT}", vtt.encode()), (f"{record.slug}{SRT}", srt.encode()),
                (f"{record.slug}{CHAPTERS}", chapters_json(record, self.image_url(record)).encode()),
                (f"{record.slug}{PAGE}", self.pages.episode(record).encode())]
