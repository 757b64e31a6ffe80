"""Transcripts and chapters beside each episode: WebVTT and SRT captions (one cue per sentence)
and Podcasting 2.0 JSON chapters, from an episode's record."""

from __future__ import annotations

import json

from audioguide.models import Cue, EpisodeRecord
from audioguide.publish.feed import timestamp


def webvtt(cues: tuple[Cue, ...]) -> str:
    """WebVTT captions, one cue per sentence."""
    blocks = [f"{i}\n{timestamp(c.start)} --> {timestamp(c.end)}\n{c.text}"
              for i, c in enumerate(cues, start=1)]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"


def srt(cues: tuple[Cue, ...]) -> str:
    """SubRip captions, one cue per sentence."""
    blocks = [f"{i}\n{timestamp(c.start, ',')} --> {timestamp(c.end, ',')}\n{c.text}"
              for i, c in enumerate(cues, start=1)]
    return "\n\n".join(blocks) + "\n"


def captions(cues: tuple[Cue, ...]) -> tuple[str, str]:
    """:func:`webvtt` and :func:`srt` of the same cues, each time formatted once for both.

    >>> captions((Cue("Hello.", 0.5, 1.25),))
    ('WEBVTT\\n\\n1\\n00:00:00.500 --> 00:00:01.250\\nHello.\\n', '1\\n00:00:00,500 --> 00:00:01,250\\nHello.\\n')
    """
    vtt, srt_ = [], []
    for i, c in enumerate(cues, start=1):
        start, end = timestamp(c.start), timestamp(c.end)
        vtt.append(f"{i}\n{start} --> {end}\n{c.text}")
        # the same clock with SRT's comma before the milliseconds (always the last three digits)
        srt_.append(f"{i}\n{start[:-4]},{start[-3:]} --> {end[:-4]},{end[-3:]}\n{c.text}")
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
