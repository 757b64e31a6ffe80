"""``audioguide render``: the build, read like a table of contents.

load config -> gather episode scripts -> plan speech -> skip what is up to date -> synthesize
what the sentence cache lacks -> mix -> master & encode -> tag -> write side files -> publish.
One bad episode does not stop the others. With a Dask cluster (``--cluster``), synthesis
and each episode's mixing and mastering run on its workers instead (:mod:`audioguide.cluster`).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from audioguide.audio import mix
from audioguide.audio.tags import Tags, write_tags
from audioguide.errors import AudioguideError, InputError
from audioguide.guide import guide
from audioguide.ingest import script as scripts
from audioguide.ingest.readers import read_article
from audioguide.models import (
    Article,
    EpisodeRecord,
    GuideRecord,
    RenderedEpisode,
    Script,
    Utterance,
)
from audioguide.publish import publish
from audioguide.render import work as produce
from audioguide.settings import Config, VoiceConfig
from audioguide.speech import plan as speech
from audioguide.speech.cache import SentenceCache, is_url
from audioguide.speech.engines import EngineSettings
from audioguide.speech.synth import Synthesizer
from audioguide.writer import atomic_path, inside, write_text

BUILD_FORMAT = 1
"""Bumped when the way files are made changes, so old outputs are rebuilt."""

log = logging.getLogger(__name__)

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


@dataclass
class Report:
    """What a render did: episodes written, failures, audio minutes and wall time."""

    rendered: list[RenderedEpisode] = field(default_factory=list)
    guides: list[GuideRecord] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    """Slugs whose output was already up to date (nothing synthesized, nothing written)."""
    synthesized: int = 0
    """Sentences sent to a speech engine (the rest came from the cache)."""
    failures: list[tuple[str, AudioguideError]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def audio_minutes(self) -> float:
        return (sum(e.duration for e in self.rendered) + sum(g.full_duration for g in self.guides)) / 60

    def summary(self) -> str:
        n = len(self.rendered)
        text = f"Rendered {n} episode{'s' if n != 1 else ''}"
        if self.guides:
            text += f" and {len(self.guides)} guide{'s' if len(self.guides) != 1 else ''}"
        text += f", {self.audio_minutes:.1f} min of audio, in {self.seconds:.1f} s"
        if self.unchanged:
            text += f"; {len(self.unchanged)} already up to date"
        text += f"; {self.synthesized} sentence{'s' if self.synthesized != 1 else ''} synthesized"
        if self.failures:
            text += f"; {len(self.failures)} failed: " + ", ".join(name for name, _ in self.failures)
        return text


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


class SynthPool:
    """One :class:`Synthesizer` per distinct engine and settings, sharing the sentence cache."""

    def __init__(self, cache: SentenceCache, jobs: int) -> None:
        self.cache = cache
        self.jobs = jobs
        self._synths: dict[tuple[str, EngineSettings], Synthesizer] = {}

    def get(self, name: str, settings: EngineSettings) -> Synthesizer:
        key = (name, settings)
        if key not in self._synths:
            self._synths[key] = Synthesizer(name, settings, self.cache, self.jobs)
        return self._synths[key]

    @property
    def synthesized(self) -> int:
        return sum(s.synthesized for s in self._synths.values())


def _file_digest(path: Path | None) -> str:
    if path is None or not path.is_file():
        return ""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_key(config: Config, script: Script, utterances: list[Utterance], synth: Synthesizer,
              *, number: int | None, cover: Path | None, guide_mode: bool) -> str:
    """Everything an episode's files depend on: when it is unchanged, nothing is redone."""
    music = config.audio.music.strip()
    data = {
        "format": BUILD_FORMAT,
        "guide": guide_mode,
        "sentences": [[k, round(u.pause_after, 4), u.section, u.caption]
                      for k, u in zip(synth.keys(utterances), utterances)],
        "chapters": [s.chapter_title for s in script.sections],
        "audio": dataclasses.asdict(config.audio),
        "music": _file_digest(config.root / music) if music and music.lower() != "none" else music,
        "meta": [script.meta.title, script.meta.slug, script.meta.date.isoformat(),
                 script.meta.description, script.meta.guid, script.meta.language, number],
        "show": [config.show.title, config.show.author, config.show.language],
        "cover": _file_digest(cover),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def up_to_date(record_path: Path, key: str, media: Callable[[dict[str, object]], list[Path]]) -> bool:
    """Whether ``record_path`` was written for ``key`` and every file it names is still there."""
    try:
        data = json.loads(record_path.read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return data.get("build_key") == key and all(p.is_file() for p in media(data))


def episode_voice(config: Config, script: Script) -> VoiceConfig:
    """``[voice]`` with the episode's own ``rate`` and pause lengths from its front matter."""
    return replace(config.voice, **dict(script.meta.voice_settings))


def episode_plan(config: Config, script: Script, overrides: Overrides) -> list[Utterance]:
    """What is said in an episode (or guide), sentence by sentence."""
    name, _ = engine_choice(config, script, overrides)
    return speech.plan(script, episode_voice(config, script),
                       script.meta.language or config.show.language,
                       heading=guide.announce if as_guide(script, overrides) else speech.spoken_heading,
                       lexicon=config.lexicon.merged(script.meta.lexicon), phonemes=name == "piper")


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


def music_bed(config: Config) -> mix.MusicBed:
    setting = config.audio.music.strip()
    if setting.lower() == "none":
        return mix.MusicBed.none()
    if setting:
        return mix.MusicBed.from_file(config.root / setting)
    return mix.MusicBed.generated()


def episode_job(config: Config, script: Script, utterances: list[Utterance], bed: mix.MusicBed,
                dest: Path) -> produce.EpisodeJob:
    """What :func:`produce.make_episode_audio` needs, with the previous render's mastering as
    the first guess."""
    try:
        previous = json.loads(dest.with_suffix(".json").read_text())["master"]
        first_gain, first_aim = float(previous["gain"]), float(previous["aim"])
    except (OSError, ValueError, KeyError, TypeError):
        first_gain = first_aim = None
    a = config.audio
    return produce.EpisodeJob(tuple(utterances), tuple(s.chapter_title for s in script.sections), bed,
                              a.loudness, a.true_peak, a.bitrate, first_gain, first_aim)


def episode_dest(out_dir: Path, script: Script) -> Path:
    return inside(out_dir, "episodes", f"{script.meta.slug}.mp3")


def render_episode(config: Config, script: Script, utterances: list[Utterance], synth: Synthesizer,
                   bed: mix.MusicBed, *, out_dir: Path, number: int | None, cover: Path | None,
                   key: str = "") -> RenderedEpisode:
    """Mix, master and tag one episode into ``out_dir/episodes/<slug>.mp3`` from its sentences,
    which ``synth.prepare`` has put into the cache."""
    dest = episode_dest(out_dir, script)
    job = episode_job(config, script, utterances, bed, dest)
    return write_episode(config, script, lambda tmp: produce.make_episode_audio(job, synth.audio, tmp),
                         dest=dest, number=number, cover=cover, key=key)


def write_episode(config: Config, script: Script, make: Callable[[Path], produce.EpisodeAudio], *,
                  dest: Path, number: int | None, cover: Path | None, key: str) -> RenderedEpisode:
    """Have ``make`` write the untagged MP3 to a temporary name, tag it, move it into place, and
    write its record (``<slug>.json``) beside it."""
    meta = script.meta
    with atomic_path(dest) as tmp:
        made = make(tmp)
        write_tags(tmp, Tags(title=meta.title, artist=config.show.author, album=config.show.title,
                             date=meta.date, track=number, description=meta.description,
                             language=meta.language or config.show.language, cover=cover),
                   made.chapters)
    episode = RenderedEpisode(meta=meta, mp3=dest, duration=made.duration, size=dest.stat().st_size,
                              chapters=made.chapters, cues=made.cues, loudness=made.loudness)
    record = episode_record(episode, number)
    data = {**record.to_json(), "build_key": key,
            "master": {"gain": round(made.gain, 3), "aim": round(made.aim, 3)}}
    write_text(dest.with_suffix(".json"), json.dumps(data, indent=2) + "\n")
    return episode


def episode_record(episode: RenderedEpisode, number: int | None) -> EpisodeRecord:
    """The facts publishing needs about a rendered episode, kept beside its MP3."""
    m = episode.meta
    return EpisodeRecord(
        slug=m.slug, title=m.title, date=m.date, description=m.description, number=number,
        guid=m.guid or stable_guid(m.slug), kind=m.kind, mp3=episode.mp3.name, size=episode.size,
        duration=episode.duration, integrated_lufs=episode.loudness.integrated_lufs,
        true_peak_dbtp=episode.loudness.true_peak_dbtp, chapters=episode.chapters, cues=episode.cues,
    )


def stable_guid(slug: str) -> str:
    """A guid that depends only on the slug, so it never changes when anything else does."""
    return f"audioguide:{slug}"


def render(config: Config, paths: list[Path] | None = None, overrides: Overrides = Overrides(),
           progress_factory: Callable[[int], Callable[[int], None]] | None = None) -> Report:
    """Render the given inputs (default: every script in ``episodes/``) into ``output/``."""
    started = time.monotonic()
    report = Report()
    out_dir = overrides.out or config.output_dir
    inputs = gather(config, list(paths or []))
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
    all_scripts = [s for _, s in loaded]
    if config.episodes_dir.is_dir():
        for p in config.episodes_dir.glob("*.md"):
            if p not in slugs.values():
                try:
                    all_scripts.append(scripts.load(p))
                except AudioguideError:
                    pass
    numbers = number_episodes(all_scripts)
    plans = [(p, s, episode_plan(config, s, overrides)) for p, s in loaded]
    progress = progress_factory(sum(len(u) for _, _, u in plans)) if progress_factory else None
    pool = SynthPool(SentenceCache(cache_dir(config)), overrides.jobs or os.cpu_count() or 1)
    batch = Batch(config, out_dir, publish.cover_path(config, out_dir),
                  functools.cache(lambda: music_bed(config)), report, single=len(loaded) == 1,
                  progress=progress)
    pending: list[Pending] = []
    for path, s, utterances in plans:
        s = replace(s, path=s.path or path)
        try:
            name, settings = engine_choice(config, s, overrides)
            synth = pool.get(name, settings)
            number = numbers.get(s.meta.slug)
            work = Pending(path, s, utterances, synth, number, as_guide(s, overrides), "")
            work.key = build_key(config, s, utterances, synth, number=number, cover=batch.cover,
                                 guide_mode=work.guide)
            if work.guide:
                folder = inside(out_dir, "guides", s.meta.slug)
                done = up_to_date(folder / "guide.json", work.key, lambda d: guide.media_files(folder, d))
            else:
                record = inside(out_dir, "episodes", f"{s.meta.slug}.json")
                done = up_to_date(record, work.key, lambda d: [record.with_name(str(d["mp3"]))])
            if not done:
                pending.append(work)
                continue
            report.unchanged.append(s.meta.slug)
            if work.guide:
                report.guides.append(guide.load_record(folder))
            if progress:
                progress(len(utterances))
        except AudioguideError as exc:
            batch.fail(path, exc)
    address = cluster_address(config, overrides)
    if pending and address:
        from audioguide.render import (
            cluster,  # Dask is imported only when a cluster is asked for
        )

        cluster.render(address, batch, pending, timeout=config.cluster.timeout)
    else:
        batch.render_all_here(pending)
    report.synthesized = pool.synthesized + report.synthesized
    publish.publish(config, out_dir)
    report.seconds = time.monotonic() - started
    return report


@dataclass
class Pending:
    """An episode or guide whose files are out of date, with what rendering it needs."""

    path: Path
    script: Script
    utterances: list[Utterance]
    synth: Synthesizer
    number: int | None
    guide: bool
    key: str


@dataclass
class Batch:
    """One render's shared state: where files go, the music, the report and its failures."""

    config: Config
    out_dir: Path
    cover: Path | None
    bed: Callable[[], mix.MusicBed]
    report: Report
    single: bool
    """Rendering a single input: its failure is the command's failure, raised as it is."""
    progress: Callable[[int], None] | None = None

    def fail(self, path: Path, exc: AudioguideError) -> None:
        """Record a failed input and go on with the others (or raise, for a single input)."""
        if self.single and not self.report.failures:
            raise exc
        self.report.failures.append((str(path), exc))

    def render_all_here(self, pending: list[Pending]) -> None:
        """Render on this machine, mixing and mastering each item in a second thread while the
        next one is synthesized (as a cluster overlaps them across workers)."""
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="master") as masterer:
            previous: tuple[Pending, Future[None]] | None = None
            for work in pending:
                try:
                    work.synth.prepare(work.utterances, where=str(work.script.path or work.script.meta.slug),
                                       progress=self.progress)
                except AudioguideError as exc:
                    self.fail(work.path, exc)
                    continue
                if previous is not None:  # one item in the masterer at a time
                    self._collect(*previous)
                previous = work, masterer.submit(self.render_here, work)
            if previous is not None:
                self._collect(*previous)

    def _collect(self, work: Pending, done: Future[None]) -> None:
        try:
            done.result()
        except AudioguideError as exc:
            self.fail(work.path, exc)

    def render_here(self, work: Pending) -> None:
        """Mix, master and write one episode or guide whose sentences are in the cache."""
        if work.guide:
            self.report.guides.append(guide.render_guide(
                self.config, work.script, work.utterances, work.synth, out_dir=self.out_dir,
                cover=self.cover, key=work.key))
        else:
            self.report.rendered.append(render_episode(
                self.config, work.script, work.utterances, work.synth, self.bed(),
                out_dir=self.out_dir, number=work.number, cover=self.cover, key=work.key))
            log.info("rendered %s", work.script.meta.slug)


CLUSTER_ENV = "AUDIOGUIDE_CLUSTER"


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
    override = os.environ.get("AUDIOGUIDE_CACHE")
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
