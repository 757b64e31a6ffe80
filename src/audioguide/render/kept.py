"""Encoded segments kept for the next render, in the project's segment store
(``.cache/segments``): each one's MP3 frames (``<key>.mp3``), its Opus packets (``<key>.opus``,
when the episode has an Opus alternate), and what joining, loudness and the timeline need to know
of them (``<key>.json``, written last under a temporary name: a segment is kept whole or not at
all)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from audioguide.audio import opus, segments
from audioguide.audio.loudness import Measured
from audioguide.layout import OPUS
from audioguide.models import Cue


@dataclass(frozen=True)
class Made:
    """One encoded segment, as kept in the segment store (or made for one render only)."""

    key: str
    segment: segments.Segment
    measured: Measured
    cues: tuple[Cue, ...]
    section_starts: tuple[tuple[int, float], ...]
    """(section, time of its first word) for the sections that start in it, the section counted
    from the segment's first (so the segment is the same wherever its chapters fall in the
    script: a chapter added or removed before it does not make it again)."""
    gain: float
    limit: float
    opus: opus.OpusSegment | None = None
    """Its Opus encoding (made in the same ffmpeg run), when the episode has an Opus alternate."""


def is_kept(store: Path, key: str) -> bool:
    """Whether the segment ``key`` is in ``store``."""
    return (store / f"{key}.json").is_file()


def load(store: Path, key: str, *, with_opus: bool) -> Made | None:
    """The segment ``key`` from ``store`` (with its Opus encoding, ``with_opus``); ``None`` when
    it is not there whole."""
    try:
        data = json.loads((store / f"{key}.json").read_text("utf-8"))
        seg = data["segment"]
        frames = store / f"{key}.mp3"
        if frames.stat().st_size != seg["body_size"] + seg["last_size"]:
            return None
        opus_part = None
        if with_opus:
            opus_part = opus.OpusSegment.from_json(frames.with_suffix(OPUS), data["opus"])
            if opus_part.path.stat().st_size != opus_part.size:
                return None
        return Made(
            key,
            segments.Segment(frames, seg["samples"], seg["frames"], seg["body_size"], seg["body_crc"],
                             seg["last_size"], seg["last_crc"], bytes.fromhex(seg["info"])),
            Measured(tuple(data["blocks"]), data["true_peak"]),
            tuple(Cue(c["text"], float(c["start"]), float(c["end"]), c["spoken"]) for c in data["cues"]),
            tuple((int(s), float(t)) for s, t in data["section_starts"]), data["gain"], data["limit"],
            opus_part)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(store: Path, made: Made) -> None:
    """Keep ``made`` in ``store`` (its frames and Opus packets are there already)."""
    seg = asdict(made.segment)
    seg.pop("path")
    seg["info"] = made.segment.info.hex()  # bytes: asdict cannot put them in JSON
    data = {"segment": seg, "blocks": list(made.measured.blocks), "true_peak": made.measured.true_peak,
            "cues": [asdict(c) for c in made.cues],  # unrounded: rounding twice moves a time by 1 ms
            "section_starts": list(made.section_starts),
            "gain": made.gain, "limit": made.limit,
            **({"opus": made.opus.to_json()} if made.opus is not None else {})}
    tmp = store / f".{made.key}.{os.getpid()}.json"
    tmp.write_text(json.dumps(data), "utf-8")
    tmp.replace(store / f"{made.key}.json")
