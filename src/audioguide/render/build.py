"""``audioguide render``, the rendering stage, read like a table of contents.

gather inputs -> load scripts -> plan speech -> skip what is up to date -> synthesize what the
sentence cache lacks -> mix, master, encode and tag each item (here, in a second thread while the
next one is synthesized, or on a Dask cluster: :mod:`audioguide.render.cluster`). One bad input
does not stop the others. Publishing comes after, in :mod:`audioguide.pipeline`.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from audioguide.errors import AudioguideError, InputError
from audioguide.ingest import script as scripts
from audioguide.models import Script
from audioguide.render import guides
from audioguide.render.batch import Batch
from audioguide.render.inputs import (
    Overrides,
    engine_choice,
    episode_plan,
    gather,
    load_input,
    number_episodes,
)
from audioguide.render.items import Pending, Report, SynthPool, music_bed
from audioguide.settings import Config
from audioguide.speech.cache import SentenceCache, is_url

log = logging.getLogger(__name__)

CLUSTER_ENV = "AUDIOGUIDE_CLUSTER"
CACHE_ENV = "AUDIOGUIDE_CACHE"


def load_all(config: Config, inputs: list[Path], report: Report) -> tuple[list[tuple[Path, Script]], list[Script]]:
    """The inputs as scripts (a failure is recorded, or raised for a single input; a second
    script with a slug already taken is refused), and every script of the project for numbering."""
    loaded: list[tuple[Path, Script]] = []
    for path in inputs:
        try:
            loaded.append((path, load_input(path, config)))
        except AudioguideError as exc:
            if len(inputs) == 1:
                raise
            report.failures.append((str(path), exc))
    slugs: dict[str, Path] = {}
    for path, s in list(loaded):
        if s.meta.slug in slugs:
            loaded.remove((path, s))
            report.failures.append((str(path), InputError(
                f"slug {s.meta.slug!r} is also used by {slugs[s.meta.slug]}", path=path,
                fix="Give each episode its own slug in its front matter")))
            continue
        slugs[s.meta.slug] = path
    everything = [s for _, s in loaded]
    if config.episodes_dir.is_dir():
        for p in config.episodes_dir.glob("*.md"):
            if p not in slugs.values():
                try:
                    everything.append(scripts.load(p))
                except AudioguideError:
                    pass
    return loaded, everything


def render(config: Config, paths: list[Path] | None = None, overrides: Overrides = Overrides(), *,
           cover: Callable[[], Path | None], publish_guide: guides.PublishGuide,
           progress_factory: Callable[[int], Callable[[int], None]] | None = None) -> Report:
    """Render the given inputs (default: every script in ``episodes/``) into the output folder;
    ``cover()`` gives the cover to embed in the tags (asked once the inputs are read), and
    ``publish_guide`` writes what each guide publishes."""
    started = time.monotonic()
    report = Report()
    out_dir = overrides.out or config.output_dir
    loaded, everything = load_all(config, gather(config, list(paths or [])), report)
    numbers = number_episodes(everything)
    plans = [(p, s, episode_plan(config, s, overrides)) for p, s in loaded]
    progress = progress_factory(sum(len(u) for _, _, u in plans)) if progress_factory else None
    pool = SynthPool(SentenceCache(cache_dir(config)), overrides.jobs or os.cpu_count() or 1)
    batch = Batch(config, out_dir, cover(), functools.cache(lambda: music_bed(config)), report,
                  single=len(loaded) == 1, publish_guide=publish_guide, progress=progress)
    pending: list[Pending] = []
    for path, s, utterances in plans:
        try:
            work = batch.pending(path, replace(s, path=s.path or path), utterances, pool, numbers, overrides)
        except AudioguideError as exc:
            batch.fail(path, exc)
            continue
        if work is not None:
            pending.append(work)
        elif progress:
            progress(len(utterances))
    address = cluster_address(config, overrides)
    if pending and address:
        from audioguide.render import (
            cluster,  # Dask is imported only when a cluster is asked for
        )

        cluster.render(address, batch, pending, timeout=config.cluster.timeout)
    else:
        batch.render_all_here(pending)
    report.synthesized = pool.synthesized + report.synthesized
    report.seconds = time.monotonic() - started
    return report


def cluster_address(config: Config, overrides: Overrides) -> str:
    """The Dask cluster to render on: ``--cluster``, else ``AUDIOGUIDE_CLUSTER``, else
    ``[cluster] address``; empty (or ``none``) renders on this machine."""
    for value in (overrides.cluster, os.environ.get(CLUSTER_ENV), config.cluster.address):
        if value is not None and value.strip():
            return "" if value.strip().lower() == "none" else value.strip()
    return ""


def cache_dir(config: Config) -> Path | str:
    """The sentence cache: ``AUDIOGUIDE_CACHE``, else ``[cache] dir`` (a folder relative to the
    project, or an fsspec URL such as ``s3://bucket/cache``, kept as it is)."""
    override = os.environ.get(CACHE_ENV)
    location = override or config.cache.dir
    if is_url(location):
        return location
    return Path(override) if override else config.root / location


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
    cache = SentenceCache(cache_dir(config))
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
