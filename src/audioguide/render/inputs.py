"""What a render is asked to do: the inputs (episode scripts, or articles turned into scripts on
the fly), the command line's overrides, and for each input its engine, voice and spoken plan.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from audioguide.errors import InputError
from audioguide.ingest import script as scripts
from audioguide.ingest.readers import not_yet_a_url, read_article
from audioguide.models import Article, Script, Utterance
from audioguide.render.guides import announcer
from audioguide.settings import Config, VoiceConfig
from audioguide.speech import plan as speech
from audioguide.speech.engines import EngineSettings, capabilities

ARTICLE_SUFFIXES = {".txt", ".text", ".html", ".htm", ".markdown"}


@dataclass(frozen=True)
class Overrides:
    """Command-line choices that win over the config and the scripts' front matter."""

    engine: str | None = None
    voice: str | None = None
    out: Path | None = None
    guide: bool = False
    """Render every selected script as an audio guide (as front matter ``kind: guide`` does)."""
    jobs: int | None = None
    """Sentences synthesized at once (default: the number of CPU cores)."""
    cluster: str | None = None
    """Dask scheduler address (or ``local:N``) to render on; ``none`` renders here."""


def is_script(path: Path) -> bool:
    """Episode scripts are ``.md`` files that open with front matter."""
    if path.suffix.lower() != ".md":
        return False
    with path.open("rb") as f:
        return f.read(4).lstrip(b"\xef\xbb\xbf").startswith(b"---")


def gather(config: Config, paths: list[Path]) -> list[Path]:
    """The inputs to render: the given paths, or every script in ``episodes/``."""
    if paths:
        for p in paths:
            not_yet_a_url(p)
            if not p.exists():
                raise InputError("does not exist", path=p,
                                 fix="Give an episode script in episodes/ or an article file")
            if p.is_dir():
                raise InputError("is a folder", path=p, fix="Give an episode script or article file")
        return paths
    found = sorted(config.episodes_dir.glob("*.md"))
    if not found:
        raise InputError("has no episode scripts", path=config.episodes_dir,
                         fix="Create one with: audioguide import ARTICLE")
    return found


def load_input(path: Path, config: Config) -> Script:
    """An episode script, or an article turned into one on the fly."""
    if path.suffix.lower() in ARTICLE_SUFFIXES or (path.suffix.lower() == ".md" and not is_script(path)):
        article: Article = read_article(path)
        return scripts.derive(article, config.show, source=str(path))
    return scripts.load(path)


def as_guide(script: Script, overrides: Overrides) -> bool:
    """Whether this script renders as an audio guide rather than an episode."""
    return overrides.guide or script.meta.kind == "guide"


def number_episodes(items: list[Script]) -> dict[str, int]:
    """Episode numbers: explicit ``episode:`` values, the rest by date then slug."""
    ordered = sorted(items, key=lambda s: (s.meta.date, s.meta.slug))
    return {s.meta.slug: s.meta.episode or i for i, s in enumerate(ordered, start=1)}


def episode_voice(config: Config, script: Script) -> VoiceConfig:
    """``[voice]`` with the episode's own ``rate`` and pause lengths from its front matter."""
    own: dict[str, Any] = dict(script.meta.voice_settings)
    return replace(config.voice, **own)


def episode_plan(config: Config, script: Script, overrides: Overrides) -> list[Utterance]:
    """What is said in an episode (or guide), sentence by sentence."""
    name, _ = engine_choice(config, script, overrides)
    return speech.plan(script, episode_voice(config, script),
                       script.meta.language or config.show.language,
                       heading=(announcer(script, config.guide.introduction) if as_guide(script, overrides)
                                else speech.spoken_heading),
                       lexicon=config.lexicon.merged(script.meta.lexicon),
                       phonemes=capabilities(name).phonemes)


def engine_choice(config: Config, script: Script, overrides: Overrides) -> tuple[str, EngineSettings]:
    """Engine name and settings: command line, then front matter, then ``[voice]``."""
    v = episode_voice(config, script)
    name = overrides.engine or script.meta.engine or v.engine
    voice = overrides.voice or script.meta.voice or v.voice or None
    if (overrides.engine or script.meta.engine) and name != v.engine and not (overrides.voice or script.meta.voice):
        voice = None  # a voice configured for another engine does not carry over
    language = script.meta.language or config.show.language
    return name, EngineSettings(voice=voice, language=language, rate=v.rate, tld=v.tld, slow=v.slow,
                                variation=v.variation)


CLUSTER_ENV = "AUDIOGUIDE_CLUSTER"


def cluster_address(config: Config, overrides: Overrides) -> str:
    """The Dask cluster to render on: ``--cluster``, else ``AUDIOGUIDE_CLUSTER``, else
    ``[cluster] address``; empty (or ``none``) renders on this machine."""
    for value in (overrides.cluster, os.environ.get(CLUSTER_ENV), config.cluster.address):
        if value is not None and value.strip():
            return "" if value.strip().lower() == "none" else value.strip()
    return ""
