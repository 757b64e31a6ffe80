"""What a render is asked to do: the inputs (episode scripts, or articles turned into scripts on
the fly), the command line's overrides, and for each input its engine, voice and spoken plan.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from audioguide import schedule, stamps
from audioguide.errors import AudioguideError, EngineError, InputError
from audioguide.ingest import script as scripts
from audioguide.ingest.frontmatter import split_front_matter
from audioguide.ingest.readers import not_yet_a_url, read_article
from audioguide.ingest.sentences import split_sentences
from audioguide.layout import PLANS, RECORD, Output, link_problem, scripts_in
from audioguide.models import Article, Script, Utterance
from audioguide.render.guides import announcer
from audioguide.settings import Config, VoiceConfig, same_language
from audioguide.speech import plan as speech
from audioguide.speech.engines import EngineSettings, Voice, capabilities, engine_class, engine_voices
from audioguide.writer import atomic_path

log = logging.getLogger(__name__)


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
    any_language: bool = False
    """Read items with the chosen voice even when it speaks another language."""
    max_duration: float | None = None
    """Seconds: an item estimated to be longer is refused (``inf``: no limit; default: the
    ``[render] max_duration`` setting)."""


def check_out(config: Config, out: Path) -> None:
    """Refuse ``--out`` when it would scatter the site among the project's own files: the
    project's folder itself, a folder holding it (``/`` by a typo), or ``episodes/`` (or a folder
    in it). A render there wrote ``feed.xml`` and pages beside ``audioguide.toml``, MP3s and
    records beside the scripts, and no command could take them away again."""
    where = out.resolve()
    root, episodes = config.root.resolve(), config.episodes_dir.resolve()
    if root.is_relative_to(where) or episodes.is_relative_to(where):
        said = "is the project's folder" if where == root else "holds the project's folder or its episodes/"
    elif where.is_relative_to(episodes):
        said = "is in the project's episodes/ folder"
    else:
        return
    raise InputError(f"{said}: the site would be written among your own files", path=out,
                     fix="give --out a folder of its own (an empty one, or one made by an earlier --out), "
                         "or leave it out to write to output/")


def is_script(path: Path, episodes: Path) -> bool:
    """Episode scripts are the ``.md`` files in ``episodes/``; any other file is an article,
    whose front matter belongs to its site generator and is read leniently."""
    if path.suffix.lower() != ".md":
        return False
    try:
        path.resolve().relative_to(episodes.resolve())
    except ValueError:
        return False
    return True


def gather(config: Config, paths: list[Path]) -> list[Path]:
    """The inputs to render: the given paths, or every script in ``episodes/``."""
    if paths:
        for p in paths:
            not_yet_a_url(p)
            if not p.exists():
                raise link_problem(p) or InputError("does not exist", path=p,
                                                    fix="Give an episode script in episodes/ or an article file")
            if p.is_dir():
                raise InputError("is a folder", path=p, fix="Give an episode script or article file")
        return paths
    found = scripts_in(config.episodes_dir)
    if not found:
        raise InputError("has no episode scripts", path=config.episodes_dir,
                         fix="Create one with: audioguide import ARTICLE")
    return found


GUIDE_KEYS = frozenset({"kind", "guide", "locations"})
"""Front matter keys only a script has: a ``.md`` file outside ``episodes/`` with one of them is
a script kept elsewhere (a guide's ``[location]`` lines were read aloud as an article's text)."""


def load_input(path: Path, config: Config) -> Script:
    """An episode script, or an article turned into one on the fly."""
    said = link_problem(path)
    if said is not None:
        raise said
    if not is_script(path, config.episodes_dir) and not (path.suffix.lower() == ".md" and _says_script(path)):
        article: Article = read_article(path)
        return scripts.derive(article, config.show, source=str(path))
    return scripts.load(path)


def _says_script(path: Path) -> bool:
    """Whether the front matter of the Markdown file ``path`` has keys only a script has."""
    try:
        data, _ = split_front_matter(path.read_text("utf-8-sig"), path)
    except (OSError, ValueError, AudioguideError):
        return False  # read as an article, which says what is wrong with it
    return bool(GUIDE_KEYS & set(data))


def as_guide(script: Script, overrides: Overrides) -> bool:
    """Whether this script renders as an audio guide rather than an episode."""
    return overrides.guide or script.meta.kind == "guide"


@dataclass(frozen=True)
class PublishedEpisode:
    """What numbering needs to know of a rendered episode, from its record."""

    slug: str
    number: int | None
    guid: str
    date: dt.date | None
    scheduled: bool
    """Dated later: the feed does not list it yet, so its number is not given for good."""


def published_episodes(out_dir: Path) -> dict[str, PublishedEpisode]:
    """Every rendered episode in ``out_dir``, by slug, from its record (a damaged one is left
    out: rendering its script again writes it anew)."""
    found: dict[str, PublishedEpisode] = {}
    for record in Output(out_dir).episode_records():
        try:
            data = json.loads(record.read_text("utf-8"))
            day = dt.date.fromisoformat(data["date"])
            when = data.get("published") or data["date"]  # as publishing dates the item
            later = schedule.later(when)
        except (OSError, ValueError, KeyError, TypeError):
            continue
        number = data.get("number")
        slug = str(data.get("slug") or record.stem)
        found[slug] = PublishedEpisode(
            slug, number if isinstance(number, int) and not isinstance(number, bool) and number > 0 else None,
            str(data.get("guid") or ""), day, later)
    return found


def first_published(script: Script, out_dir: Path) -> Script:
    """``script`` dated the day it was first published, when its front matter gives no date:
    dated today at every render, it moved to the top of the feed each day, and was rendered again."""
    if script.meta.dated:
        return script
    out = Output(out_dir)
    for record in (out.episode(script.meta.slug, RECORD), out.guide_record(script.meta.slug)):
        try:
            day = dt.date.fromisoformat(json.loads(record.read_text("utf-8"))["date"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        return replace(script, meta=replace(script.meta, date=day))
    return script


def number_episodes(items: list[Script], published: Mapping[str, int]) -> dict[str, int]:
    """Episode numbers, which do not change once published (podcast apps list and order episodes
    by them) and do not repeat: an explicit ``episode:``; else the number the episode was
    published with (``published``: every published episode's, by slug), unless an explicit one
    took it; else, by date then slug, the lowest numbers above every published one (so an episode
    dated before published ones is numbered after them, and moves none of them)."""
    numbers = {s.meta.slug: s.meta.episode for s in items if s.meta.episode}
    taken = set(numbers.values())
    for s in items:
        kept = published.get(s.meta.slug)
        if s.meta.slug not in numbers and kept and kept not in taken:
            numbers[s.meta.slug] = kept
            taken.add(kept)
    taken.update(published.values())  # a published episode with no script here still has its number
    floor = max(published.values(), default=0)
    free = (n for n in itertools.count(floor + 1) if n not in taken)
    for s in sorted((s for s in items if s.meta.slug not in numbers), key=lambda s: (s.meta.date, s.meta.slug)):
        numbers[s.meta.slug] = next(free)
    return numbers


DESCRIPTION_LIMIT = 280
"""Characters of an episode's own opening text that stand for its description (at a sentence's end)."""


def described(config: Config, script: Script) -> Script:
    """``script`` with a description when its front matter gives none: its opening sentences, up
    to :data:`DESCRIPTION_LIMIT` characters and ending at a sentence's end, past the show's intro
    line (and outro). It was the title: the feed's ``<description>`` then said the title again,
    right under it in every app, and so did the MP3's tags and the pages."""
    if script.meta.description:
        return script
    fill = {"show": config.show.title, "title": script.meta.title}
    said = {" ".join(_filled(line, fill).split()) for line in (config.show.intro, config.show.outro)}
    language = script.meta.language or config.show.language
    texts = (" ".join(b.text.split()) for section in script.sections for b in section.blocks if b.kind == "paragraph")
    sentences = (s for text in texts if text and text not in said
                 for s in split_sentences(text[:DESCRIPTION_LIMIT * 4], language))
    out = ""
    for sentence in sentences:
        if out and len(out) + len(sentence) + 1 > DESCRIPTION_LIMIT:
            break
        out = f"{out} {sentence}".strip()
    if len(out) > DESCRIPTION_LIMIT + 40:  # one long sentence: cut between words
        out = out[:DESCRIPTION_LIMIT].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return replace(script, meta=replace(script.meta, description=out))


def _filled(line: str, fill: Mapping[str, str]) -> str:
    try:
        return line.format(**fill)
    except (KeyError, IndexError, ValueError):
        return line


def episode_voice(config: Config, script: Script) -> VoiceConfig:
    """``[voice]`` with the episode's own ``rate`` and pause lengths from its front matter."""
    own: dict[str, Any] = dict(script.meta.voice_settings)
    return replace(config.voice, **own)


def headings(config: Config, script: Script, overrides: Overrides) -> speech.HeadingText:
    """What announces each section: its heading, or in a guide "Stop 2. …"."""
    if not as_guide(script, overrides):
        return speech.spoken_heading
    return announcer(script, config.guide.introduction, script.meta.language or config.show.language)


def plan_file(config: Config, script: Script) -> Path:
    """Where the blocks of ``script`` are kept as planned (by its path: slugs may repeat)."""
    where = str(script.path.resolve()) if script.path is not None else script.meta.slug
    return config.root / PLANS / f"{stamps.value_digest(where, 16)}.json"


def episode_plan(config: Config, script: Script, overrides: Overrides) -> list[Utterance]:
    """What is said in an episode (or guide), sentence by sentence: the blocks the last render
    of the script planned are taken from the project's :data:`~audioguide.layout.PLANS`, the
    others split and normalised (and kept there for the next render)."""
    name, _ = engine_choice(config, script, overrides)
    kept = plan_file(config, script)
    try:
        before = json.loads(kept.read_text("utf-8"))
    except (OSError, ValueError):  # none yet, or damaged: every block is planned
        before = {}
    planned = speech.Planned(before if isinstance(before, dict) else {})
    utterances = speech.plan(script, episode_voice(config, script),
                             script.meta.language or config.show.language,
                             heading=headings(config, script, overrides),
                             lexicon=config.lexicon.merged(script.meta.lexicon),
                             phonemes=capabilities(name).phonemes, planned=planned)
    if planned.changed:
        try:
            with atomic_path(kept, durable=False, beside=True) as tmp:  # a cache, as the sentences'
                tmp.write_text(json.dumps(planned.used, ensure_ascii=False, separators=(",", ":")), "utf-8")
        except OSError as exc:  # a read-only project still renders; it plans every block each time
            log.debug("could not keep the plan of %s: %s", script.meta.slug, exc)
    return utterances


def engine_choice(config: Config, script: Script | None, overrides: Overrides) -> tuple[str, EngineSettings]:
    """Engine name and settings: command line, then front matter, then ``[voice]`` (the show's
    own choice when ``script`` is ``None``)."""
    meta = script.meta if script is not None else None
    v = episode_voice(config, script) if script is not None else config.voice
    own_engine, own_voice = (meta.engine, meta.voice) if meta is not None else (None, None)
    name = overrides.engine or own_engine or v.engine
    voice = overrides.voice or own_voice or v.voice or None
    if (overrides.engine or own_engine) and name != v.engine and not (overrides.voice or own_voice):
        voice = None  # a voice configured for another engine does not carry over
    language = (meta.language if meta is not None else None) or config.show.language
    return name, EngineSettings(voice=voice, language=language, rate=v.rate, tld=v.tld, slow=v.slow,
                                variation=v.variation)


def chosen_voice(name: str, settings: EngineSettings) -> Voice | None:
    """The voice ``settings`` select, as the engine lists it (``None`` when it cannot say): from
    the engine's ``voice(settings)`` when it has one (a quick answer), else from its list."""
    try:
        engine = engine_class(name)
        quick = getattr(engine, "voice", None)
        if callable(quick):
            found: Voice | None = quick(settings)
            return found
        return next((v for v in engine.voices(settings) if v.chosen), None)
    except EngineError:  # an engine that cannot load is reported by the preflight
        return None


def language_problem(config: Config, script: Script, overrides: Overrides) -> InputError | None:
    """An item written in a language its voice does not speak (unless ``--any-language``); the
    show's own language is checked once, up front, by the preflight."""
    language = script.meta.language
    if overrides.any_language or not language or same_language(language, config.show.language) \
            and not (script.meta.engine or script.meta.voice):
        return None
    name, settings = engine_choice(config, script, overrides)
    voice = chosen_voice(name, settings)
    if voice is None or voice.language == "?" or voice.speaks(language):
        return None
    return InputError(
        f"is written in {language} but the {name} voice {voice.name} speaks {voice.language}",
        path=script.path, fix=voice_fix(language))


def speakers(language: str) -> list[tuple[str, Voice, str]]:
    """The engines that have a voice for ``language`` (a voice that reads any text, like the
    tone engine's, does not count): name, first such voice, and why it cannot run here (empty
    when it can); those that can run first."""
    found = []
    for listed in engine_voices(lambda _: EngineSettings(language=language)):
        voice = next((v for v in listed.voices if v.language not in ("", "?") and v.speaks(language)), None)
        if voice is not None:
            found.append((listed.name, voice, "" if listed.availability.usable else listed.availability.detail))
    return sorted(found, key=lambda f: bool(f[2]))


def voice_fix(language: str) -> str:
    """How to give an item in ``language`` a voice that speaks it, naming an engine that can."""
    found = speakers(language)
    anyway = "or render with --any-language to read it with this voice anyway"
    if not found:
        return (f"No engine here has a voice for {language}: install a Piper voice for it (a package with its "
                f".onnx and .onnx.json) and name it as voice in the item's front matter, {anyway}")
    name, voice, problem = found[0]
    choice = f"engine: {name}" + (f" and voice: {voice.name}" if name == "piper" else "")
    caveat = f" (but here: {problem.split(':')[0].rstrip('.')})" if problem else ""
    return (f"Choose a voice for {language}: put {choice} in its front matter{caveat}; audioguide voices "
            f"--language {language} lists the voices; {anyway}")


CLUSTER_ENV = "AUDIOGUIDE_CLUSTER"


def cluster_address(config: Config, overrides: Overrides) -> str:
    """The Dask cluster to render on: ``--cluster``, else ``AUDIOGUIDE_CLUSTER``, else
    ``[cluster] address``; empty (or ``none``) renders on this machine."""
    for value in (overrides.cluster, os.environ.get(CLUSTER_ENV), config.cluster.address):
        if value is not None and value.strip():
            return "" if value.strip().lower() == "none" else value.strip()
    return ""
