"""Reading an episode's record (``output/episodes/<slug>.json``), the one input of publishing."""

from __future__ import annotations

import json
from pathlib import Path

from audioguide.errors import BuildError
from audioguide.models import EpisodeRecord


def load_record(path: Path, *, cues: bool = True, text: bytes | None = None) -> EpisodeRecord:
    """The episode record at ``path`` (whose bytes are ``text`` when already read); without its
    cues (which only the captions and the page show) unless ``cues``."""
    try:
        data = json.loads(path.read_bytes() if text is None else text)
        if not cues:
            data["cues"] = ()
        return EpisodeRecord.from_json(data)
    except (ValueError, KeyError, TypeError) as exc:
        raise BuildError(f"{path}: episode record is damaged ({exc})",
                         fix="Delete it and run audioguide render again") from exc
