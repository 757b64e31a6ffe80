"""``audioguide cache``: what the sentence cache holds, how much of it the episode scripts use
(as episodes and as guides), and pruning the rest."""

from __future__ import annotations

import json
from dataclasses import dataclass

from audioguide.ingest import script as scripts
from audioguide.layout import MP3, OPUS, PLANS, SEGMENTS, Output, scripts_in
from audioguide.render.inputs import Overrides, engine_choice, episode_plan, plan_file
from audioguide.render.items import SynthPool
from audioguide.settings import Config, cache_location
from audioguide.speech.cache import SentenceCache


@dataclass(frozen=True)
class CacheUsage:
    location: str
    entries: int
    bytes: int
    used: int
    episodes: int
    pruned: int = 0
    pruned_bytes: int = 0
    segments: int = 0
    """Encoded episode segments kept for quick edits (``.cache/segments``: MP3, and Opus beside it)."""
    segment_bytes: int = 0
    segments_pruned: int = 0


def cache_usage(config: Config, *, prune: bool = False) -> CacheUsage:
    """What the sentence cache holds and how much of it the episode scripts use (as episodes
    and as guides); with ``prune``, delete the rest (and the kept plans of scripts that are gone)."""
    cache = SentenceCache(cache_location(config))
    scripts_found = [scripts.load(p) for p in scripts_in(config.episodes_dir)]
    pool = SynthPool(cache, 1)
    used: set[str] = set()
    for s in scripts_found:
        for guide_mode in (False, True):
            overrides = Overrides(guide=guide_mode)
            name, settings = engine_choice(config, s, overrides)
            used.update(k for k in pool.get(name, settings).keys(episode_plan(config, s, overrides)) if k)
    before = cache.stats()
    removed = cache.prune(used) if prune else None
    if prune:  # the plans of scripts no longer in episodes/
        current = {plan_file(config, s) for s in scripts_found}
        for kept_plan in (config.root / PLANS).glob("*.json"):
            if kept_plan not in current:
                kept_plan.unlink(missing_ok=True)
    present = set(cache.keys())
    kept, kept_bytes, dropped = _segments(config, prune=prune)
    return CacheUsage(cache.location, before.entries, before.bytes, len(used & present), len(scripts_found),
                      removed.entries if removed else 0, removed.bytes if removed else 0,
                      kept, kept_bytes, dropped)


def _segments(config: Config, *, prune: bool) -> tuple[int, int, int]:
    """The kept episode segments (count, bytes) and, with ``prune``, how many were deleted
    because no rendered episode's record lists them."""
    folder = config.root / SEGMENTS
    files = sorted(folder.glob(f"*{MP3}")) if folder.is_dir() else []
    listed: set[str] = set()
    for record in Output(config.output_dir).episode_records():
        try:
            listed.update(json.loads(record.read_text("utf-8")).get("segments", []))
        except (OSError, ValueError):
            continue
    dropped = 0
    if prune:
        for frames in files:
            if frames.stem not in listed:
                for suffix in (OPUS, ".json", MP3):  # the MP3 last: it is what marks a kept segment
                    frames.with_suffix(suffix).unlink(missing_ok=True)
                dropped += 1
    left = [f for f in files if f.exists()]
    return len(left), sum(f.with_suffix(suffix).stat().st_size for f in left for suffix in (MP3, OPUS, ".json")
                          if f.with_suffix(suffix).exists()), dropped

