"""``audioguide render``, the rendering stage, read like a table of contents.

gather inputs -> load scripts -> refuse what is too long or too big for the disk (estimated from
the words: :mod:`audioguide.render.limits`) -> plan speech -> skip what is up to date ->
synthesize what the sentence cache lacks -> mix, master, encode and tag each item (here, in a
second thread while the next one is synthesized, or on a Dask cluster:
:mod:`audioguide.render.cluster`). One bad input does not stop the others. Publishing comes
after, in :mod:`audioguide.pipeline`.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from audioguide.errors import AudioguideError, ConfigError, EngineError, InputError
from audioguide.ingest import script as scripts
from audioguide.layout import RECORD, Output, published_guids, scripts_in
from audioguide.models import Script
from audioguide.render import guides
from audioguide.render.batch import Batch
from audioguide.render.inputs import (
    Overrides,
    PublishedEpisode,
    as_guide,
    chosen_voice,
    cluster_address,
    engine_choice,
    episode_plan,
    first_published,
    gather,
    is_script,
    language_problem,
    load_input,
    number_episodes,
    published_episodes,
)
from audioguide.render.items import (
    Pending,
    ProgressFactory,
    Report,
    SynthPool,
    music_bed,
    progress_items,
    published_from,
    script_name,
    stable_guid,
)
from audioguide.render.limits import Limits
from audioguide.settings import Config, cache_location
from audioguide.speech.cache import SentenceCache

log = logging.getLogger(__name__)


def remembered_guid(script: Script, guids: Mapping[str, str]) -> Script:
    """``script`` with the guid its episode was published with (``guids``, by slug), when its
    front matter gives none and that guid was not the one made from the slug: a ``guid:`` line
    lost (a script restored after ``unpublish``, or rewritten) would give the episode another guid,
    and apps would list it twice."""
    kept = guids.get(script.meta.slug)
    if script.meta.guid or not kept or kept == stable_guid(script.meta.slug):
        return script
    return replace(script, meta=replace(script.meta, guid=kept))


class DraftError(InputError):
    """A script marked ``draft: true``: refused when asked for by name, skipped otherwise."""


def load_all(config: Config, inputs: list[Path], report: Report, out_dir: Path, *, named: bool = True,
             guids: Mapping[str, str] | None = None) -> tuple[list[tuple[Path, Script]], list[Script]]:
    """The inputs as scripts (a failure is recorded, or raised for a single input the command
    line ``named``; a draft found in ``episodes/`` waits quietly; of two scripts with one slug, the
    one its published episode was made from keeps it, else the first, and the other is refused),
    and every script of the project for numbering. An input without a ``date:`` or a ``guid:``
    keeps the one it was published with (``guids``: every published guid, by slug)."""
    loaded: list[tuple[Path, Script]] = []
    for path in inputs:
        try:
            script = remembered_guid(first_published(load_input(path, config), out_dir), guids or {})
            if script.meta.draft:
                raise DraftError("is a draft (draft: true), so it is not rendered", path=path,
                                 fix="Remove 'draft: true' from its front matter to render and publish it")
            loaded.append((path, script))
        except AudioguideError as exc:
            if len(inputs) == 1 and (named or not isinstance(exc, DraftError)):
                raise
            if isinstance(exc, DraftError):
                log.info("%s", exc.message)  # rendering all of episodes/: drafts wait, quietly
                continue
            report.failures.append((str(path), exc))
    slugs: dict[str, Path] = {}
    owners: dict[str, tuple[Path, Script]] = {}
    for path, s in list(loaded):
        slug = s.meta.slug
        if slug in slugs:
            refused, keeper = (path, s), owners[slug]
            # a copy of a published script, made to start a new episode, must not take its slug
            # (and publish itself over it) because its name sorts first
            out = Output(out_dir)
            published = published_from(out.episode(slug, RECORD)) or published_from(out.guide_record(slug))
            if published == script_name(config, path):
                refused, keeper = keeper, (path, s)
            loaded.remove(refused)
            report.failures.append((str(refused[0]), InputError(
                f"slug {slug!r} is also used by {keeper[0]}", path=refused[0],
                fix="Give each episode its own slug in its front matter")))
            slugs[slug], owners[slug] = keeper[0], keeper
            continue
        slugs[slug], owners[slug] = path, (path, s)
    languages: dict[tuple[str, str], Path] = {}
    for path, s in list(loaded):
        if s.meta.guide is None:
            continue
        language = (s.meta.language or config.show.language).lower()
        if (s.meta.guide, language) in languages:
            loaded.remove((path, s))
            report.failures.append((str(path), InputError(
                f"guide {s.meta.guide!r} has another script in {language}: "
                f"{languages[(s.meta.guide, language)]}", path=path,
                fix="Give each language of a guide one script, with its language in the front matter")))
            continue
        languages[(s.meta.guide, language)] = path
    everything = [s for _, s in loaded]
    numbered = {s.meta.slug for s in everything}
    if config.episodes_dir.is_dir():
        for p in scripts_in(config.episodes_dir):
            if p not in slugs.values():
                try:
                    script = scripts.load(p)
                except AudioguideError:
                    continue
                article = next(((path, s) for path, s in loaded if s.meta.slug == script.meta.slug
                                and not is_script(path, config.episodes_dir)), None)
                if article is not None:  # rendered directly, it would replace the script's episode
                    loaded.remove(article)
                    everything.remove(article[1])
                    numbered.discard(script.meta.slug)
                    report.failures.append((str(article[0]), InputError(
                        f"its slug {script.meta.slug!r} is the episode of episodes/{script_name(config, p)}, "
                        "which it would replace", path=article[0],
                        fix=f"Render episodes/{script_name(config, p)} instead, or import the article with --slug")))
                # a slug is numbered once: a second script with it (refused above, when it was
                # an input) would move every episode after it up by one, and render them again
                if not script.meta.draft and script.meta.slug not in numbered:
                    numbered.add(script.meta.slug)
                    everything.append(script)
    return loaded, everything


def preflight(config: Config, scripts_: list[Script], overrides: Overrides, pool: SynthPool) -> None:
    """Settings that would otherwise fail only later, once per item and after synthesis, fail
    now, once, before anything is spoken (exit 2): an engine or voice chosen in audioguide.toml or
    on the command line that cannot be used or does not speak the show's language, and a music
    file that is not there. An engine or
    voice an episode chooses in its own front matter fails that episode only, later."""
    problems: list[str] = []
    for script in scripts_:
        if script.meta.engine or script.meta.voice:
            continue
        name, settings = engine_choice(config, script, overrides)
        try:
            pool.get(name, settings)
        except EngineError as exc:
            if exc.format_message() not in problems:
                problems.append(exc.format_message())
    name, settings = engine_choice(config, None, overrides)
    voice = chosen_voice(name, settings)
    if voice is not None and voice.language != "?" and not voice.speaks(config.show.language) \
            and not overrides.any_language:
        problems.append(f"show.language is {config.show.language} but the {name} voice {voice.name} speaks "
                        f"{voice.language}: choose a voice for {config.show.language} (audioguide voices "
                        f"--language {config.show.language}), or render with --any-language")
    music = config.audio.music.strip()
    if music and music.lower() != "none" and not (config.root / music).is_file():
        problems.append(f"audio.music: {config.root / music} does not exist; fix the path, or leave it "
                        "empty for the generated sting")
    if problems:
        raise ConfigError(problems)


@dataclass(frozen=True)
class Admission:
    """An input as checked before anything is planned or spoken."""

    path: Path
    script: Script
    refused: AudioguideError | None = None
    """Why it is not rendered at all."""
    unless_unchanged: AudioguideError | None = None
    """Why it is not rendered unless its output is up to date (it was rendered at about this
    length before, so it is checked again once its plan says whether it changed)."""


def admit(config: Config, loaded: list[tuple[Path, Script]], overrides: Overrides,
          limits: Limits) -> list[Admission]:
    """Each input checked from its script alone: a language its voice does not speak, a guide's
    stop locations and its headings numbered alike, and its
    estimated length and disk needs against ``limits`` (from its words, before the slow
    sentence splitting, so a 5 MB article is refused at once)."""
    admitted = []
    for path, script in loaded:
        s = replace(script, path=script.path or path)
        problem = language_problem(config, s, overrides)
        if problem is None and as_guide(s, overrides):
            problem = guides.guide_problem(s, config.guide.introduction, config.guide.radius,
                                           s.meta.language or config.show.language)
        if problem is not None:
            admitted.append(Admission(path, s, refused=problem))
            continue
        estimate = limits.estimate(s)
        refusal = limits.refusal(path, s, estimate)
        if refusal is None:
            limits.accept(estimate)
            admitted.append(Admission(path, s))
        elif refusal.later:
            admitted.append(Admission(path, s, unless_unchanged=refusal.error))
        else:
            admitted.append(Admission(path, s, refused=refusal.error))
    return admitted


Loaded = list[tuple[Path, Script]]


def refuse_shared(loaded: Loaded, everything: list[Script], published: Mapping[str, object], report: Report, *,
                  value: Callable[[Script], object], said: str, fix: str,
                  held: Mapping[object, str] | None = None) -> Loaded:
    """``loaded`` without the episodes whose ``value`` (an ``episode:`` number, a guid) another
    script of the project has too, or a published episode left without a script (``held``: its
    value -> its slug; it cannot move, nothing renders it), each refused in one line (``said`` of
    the value and the other's name): else the one ``published`` with it (by slug) keeps it, else
    the first script."""
    keepers: dict[object, Script] = {}
    for s in everything:
        v = value(s)
        if v is None or s.meta.kind == "guide":
            continue
        first = keepers.get(v)
        if first is None or (published.get(s.meta.slug) == v and published.get(first.meta.slug) != v):
            keepers[v] = s
    kept = []
    for path, s in loaded:
        v = value(s)
        keeper = keepers.get(v) if v is not None and s.meta.kind != "guide" else None
        if keeper is not None and v in (held or {}):
            slug = (held or {})[v]
            where = f"the published episode {slug!r}, which has no script in episodes/"
            report.failures.append((str(path), InputError(
                said.format(v, where), path=path, fix=f"{fix}; or take it down first: audioguide unpublish {slug}")))
        elif keeper is not None and keeper is not s:
            where = keeper.path.name if keeper.path is not None else keeper.meta.slug
            report.failures.append((str(path), InputError(said.format(v, where), path=path, fix=fix)))
        else:
            kept.append((path, s))
    return kept


def _guid(script: Script) -> str:
    return script.meta.guid or stable_guid(script.meta.slug)


def take_over(loaded: Loaded, everything: list[Script], episodes: Mapping[str, PublishedEpisode],
              report: Report) -> tuple[Loaded, list[Script]]:
    """The README's way to rename a slug (the renamed script keeps the old guid in ``guid:``):
    an episode script whose guid is that of a published episode left without a script takes that
    episode over. It keeps its number and, when the script gives no date, its date; once it is
    rendered, the old slug's record and files are removed (``report.taken_over``, old slug -> new),
    so the feed lists the episode once, under its new slug. Before, both were published with one
    guid, and apps showed only one of them."""
    scripted = {s.meta.slug for s in everything if s.meta.kind != "guide"}
    orphans = {e.guid: e for e in episodes.values() if e.slug not in scripted and e.guid}
    dated: dict[int, Script] = {}
    for _, s in loaded:
        old = orphans.get(_guid(s))
        if s.meta.kind == "guide" or old is None or old.slug in report.taken_over:
            continue
        report.taken_over[old.slug] = s.meta.slug
        if not s.meta.dated and old.date is not None:
            dated[id(s)] = replace(s, meta=replace(s.meta, date=old.date))
    return ([(path, dated.get(id(s), s)) for path, s in loaded], [dated.get(id(s), s) for s in everything])


def episode_numbers(everything: list[Script], episodes: Mapping[str, PublishedEpisode],
                    taken_over: Mapping[str, str]) -> dict[str, int]:
    """The numbers published episodes hold, by slug (see :func:`number_episodes`): those the
    feed lists, and those of scheduled episodes left without a script (nothing can renumber
    them). A scheduled episode with a script is numbered again at each render, after the listed
    ones and in date order, so it takes its number when it is listed: numbered at its first
    render, it held a number while episodes dated before it were published after it, and the
    feed skipped that number. An episode taken over passes its number to the script that took it."""
    scripted = {s.meta.slug for s in everything if s.meta.kind != "guide"}
    numbers = {slug: e.number for slug, e in episodes.items()
               if e.number is not None and not (e.scheduled and slug in scripted)}
    for old, new in taken_over.items():
        number = numbers.pop(old, None)
        if number is not None and new not in numbers:
            numbers[new] = number
    return numbers


def numbered(loaded: Loaded, everything: list[Script], guids: Mapping[str, str], out_dir: Path,
             report: Report) -> tuple[Loaded, dict[str, int]]:
    """``loaded`` without the episodes refused for a guid or an ``episode:`` number another has
    (:func:`refuse_shared`), what renamed scripts take over (:func:`take_over`), and every
    episode's number (:func:`number_episodes`; a refused script is not numbered, so the others
    keep theirs). A published episode whose number changes is named in a warning."""
    before = {s.meta.slug for _, s in loaded}
    loaded = refuse_shared(loaded, everything, guids, report, value=_guid,
                           said="guid {!r} is also the guid of {}: podcast apps would show only one of them",
                           fix="Give each episode its own guid (without guid:, an episode's is audioguide:<slug>)")
    episodes = published_episodes(out_dir)
    loaded, everything = take_over(loaded, everything, episodes, report)
    published = episode_numbers(everything, episodes, report.taken_over)
    scripted = {s.meta.slug for s in everything if s.meta.kind != "guide"}
    loaded = refuse_shared(loaded, everything, published, report, value=lambda s: s.meta.episode,
                           said="episode {} is also the number of {}",
                           fix="Give each episode its own number, or leave episode: out to number it after the others",
                           held={n: slug for slug, n in published.items() if slug not in scripted})
    refused = before - {s.meta.slug for _, s in loaded}
    numbers = number_episodes([s for s in everything if s.meta.kind != "guide" and s.meta.slug not in refused],
                              published)
    own = {s.meta.slug: s.meta.episode for s in everything}
    for slug, number in published.items():
        if numbers.get(slug, number) != number:
            log.warning("episode %r was number %d and is now %d: %s", slug, number, numbers[slug],
                        "its script's episode: says so" if own.get(slug) == numbers[slug] else
                        f"another script's episode: gives it {number}")
    return loaded + moved_scheduled(loaded, everything, episodes, numbers, guids), numbers


def moved_scheduled(loaded: Loaded, everything: list[Script], episodes: Mapping[str, PublishedEpisode],
                    numbers: Mapping[str, int], guids: Mapping[str, str]) -> Loaded:
    """The scheduled episodes not among ``loaded`` whose number changes (a scheduled episode is
    numbered again at each render, after the listed ones: :func:`episode_numbers`), to be
    rendered (tagged again, from the sentence cache) with the others. Rendering only the episode
    that took a scheduled one's number left both with it (the scheduled one's record, MP3 track
    and page) until a render of everything."""
    rendering = {s.meta.slug for _, s in loaded}
    return [(s.path, remembered_guid(s, guids)) for s in everything
            if s.path is not None and s.meta.slug not in rendering and s.meta.slug in episodes
            and episodes[s.meta.slug].scheduled and episodes[s.meta.slug].number != numbers.get(s.meta.slug)]


def render(config: Config, paths: list[Path] | None = None, overrides: Overrides = Overrides(), *,
           cover: Callable[[], Path | None], publish_guide: guides.PublishGuide,
           progress_factory: ProgressFactory | None = None) -> Report:
    """Render the given inputs (default: every script in ``episodes/``) into the output folder;
    ``cover()`` gives the cover to embed in the tags (asked once the inputs are read), and
    ``publish_guide`` writes what each guide publishes; ``progress_factory`` is given the items
    to render once they are known."""
    started = time.monotonic()
    report = Report()
    out_dir = overrides.out or config.output_dir
    guids = published_guids(out_dir)
    loaded, everything = load_all(config, gather(config, list(paths or [])), report, out_dir, named=bool(paths),
                                  guids=guids)
    loaded, numbers = numbered(loaded, everything, guids, out_dir, report)
    pool = SynthPool(SentenceCache(cache_location(config)), overrides.jobs or os.cpu_count() or 1)
    preflight(config, [s for _, s in loaded], overrides, pool)
    bed = functools.cache(lambda: music_bed(config))
    admitted = admit(config, loaded, overrides, Limits(config, overrides, out_dir, bed))
    if len(admitted) == 1 and admitted[0].refused is not None:
        raise admitted[0].refused  # the only input: nothing is written, not even the cover
    batch = Batch(config, out_dir, cover(), bed, report, single=len(loaded) == 1, publish_guide=publish_guide)
    pending: list[Pending] = []
    for item in admitted:
        if item.refused is not None:
            batch.fail(item.path, item.refused)
            continue
        try:
            work = batch.pending(item.path, item.script, episode_plan(config, item.script, overrides), pool,
                                 numbers, overrides)
        except AudioguideError as exc:
            batch.fail(item.path, exc)
            continue
        if work is not None and item.unless_unchanged is not None:  # over a limit, and it changed
            batch.fail(item.path, item.unless_unchanged)
        elif work is not None:
            pending.append(work)
    if pending and progress_factory:
        batch.progress = progress_factory(progress_items(pending))
    address = cluster_address(config, overrides)
    if pending and address:
        from audioguide.render import (
            cluster,  # Dask is imported only when a cluster is asked for
        )

        cluster.render(address, batch, pending, timeout=config.cluster.timeout)
    else:
        batch.render_all_here(pending)
    report.synthesized = pool.synthesized + report.synthesized
    # each item's sentences (a sentence it says twice is one) that were not spoken came from the cache
    needed = sum(len(set(w.synth.keys(w.utterances)) - {""}) for w in pending)
    report.cached = max(0, needed - report.synthesized)
    report.seconds = time.monotonic() - started
    return report
