"""``audioguide cache``: what the sentence cache holds, how much of it the episode scripts use
(as episodes and as guides), and pruning the rest."""

from __future__ import annotations

from dataclasses import dataclass

from audioguide.ingest import script as scripts
from audioguide.render.inputs import Overrides, engine_choice, episode_plan
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


def cache_usage(config: Config, *, prune: bool = False) -> CacheUsage:
    """What the sentence cache holds and how much of it the episode scripts use (as episodes
    and as guides); with ``prune``, delete the rest."""
    cache = SentenceCache(cache_location(config))
    scripts_found = [scripts.load(p) for p in sorted(config.episodes_dir.glob("*.md"))]
    pool = SynthPool(cache, 1)
    used: set[str] = set()
    for s in scripts_found:
        for guide_mode in (False, True):
            overrides = Overrides(guide=guide_mode)
            name, settings = engine_choice(config, s, overrides)
            used.update(k for k in pool.get(name, settings).keys(episode_plan(config, s, overrides)) if k)
    before = cache.stats()
    removed = cache.prune(used) if prune else None
    present = set(cache.keys())
    return CacheUsage(cache.location, before.entries, before.bytes, len(used & present), len(scripts_found),
                      removed.entries if removed else 0, removed.bytes if removed else 0)

