"""Transcripts and chapters beside each episode: WebVTT and SRT captions (one cue per sentence)
and Podcasting 2.0 JSON chapters, from an episode's record."""

from __future__ import annotations

import json

from audioguide.models import Cue, EpisodeRecord
from audioguide.publish.feed import timestamp


def vtt_text(text: str) -> str:
    """A cue's text as WebVTT wants it: ``&``, ``<`` and ``>`` escaped (a ``<`` would start a
    tag, and ``-->`` end the cue's text), on one line (a blank line ends a cue).

    >>> vtt_text("Is 3 < 5? A --> B & C")
    'Is 3 &lt; 5? A --&gt; B &amp; C'
    """
    return " ".join(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").split())


def srt_text(text: str) -> str:
    """A cue's text as SubRip wants it: on one line, and without ``-->``, which SubRip has no
    way to escape (it would read as a cue's times): written as an arrow, ``→``. SubRip has no
    escapes at all, so ``<`` and ``>`` stay as they are.

    >>> srt_text("A --> B")
    'A → B'
    """
    return " ".join(text.replace("-->", "→").split())


def captions(cues: tuple[Cue, ...]) -> tuple[str, str]:
    """WebVTT and SubRip captions of the same cues, one cue per sentence, each time formatted
    once for both.

    >>> captions((Cue("Hello.", 0.5, 1.25),))
    ('WEBVTT\\n\\n1\\n00:00:00.500 --> 00:00:01.250\\nHello.\\n', '1\\n00:00:00,500 --> 00:00:01,250\\nHello.\\n')
    """
    vtt, srt_ = [], []
    for i, c in enumerate(cues, start=1):
        start, end = timestamp(c.start), timestamp(c.end)
        vtt.append(f"{i}\n{start} --> {end}\n{vtt_text(c.text)}")
        # the same clock with SRT's comma before the milliseconds (always the last three digits)
        srt_.append(f"{i}\n{start[:-4]},{start[-3:]} --> {end[:-4]},{end[-3:]}\n{srt_text(c.text)}")
    return "WEBVTT\n\n" + "\n\n".join(vtt) + "\n", "\n\n".join(srt_) + "\n"


def chapters_json(record: EpisodeRecord, cover_url: str) -> str:
    """Podcasting 2.0 JSON chapters."""
    data = {
        "version": "1.2.0",
        "title": record.title,
        "chapters": [{"startTime": round(c.start, 3), "endTime": round(c.end, 3), "title": c.title,
                      "img": cover_url} for c in record.chapters],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
