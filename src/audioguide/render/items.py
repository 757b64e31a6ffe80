"""The work items that local and cluster rendering share: what one episode needs (its job), how
its files are written into ``output/`` (tagged, atomically, with its record), when it is up to
date, and the report of a whole render.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from audioguide import faults, stamps
from audioguide.audio import mix
from audioguide.audio.artwork import prepare_cover
from audioguide.audio.tags import Tags, write_opus_tags, write_tags
from audioguide.errors import AudioguideError, BuildError
from audioguide.layout import ARTWORK_SUFFIXES, MP3, MUSIC_CACHE, OPUS, RECORD, SEGMENTS, Output
from audioguide.models import (
    EpisodeRecord,
    GuideRecord,
    OpusFile,
    RenderedEpisode,
    Script,
    Soundbite,
    Utterance,
)
from audioguide.render import soundbite
from audioguide.render import work as produce
from audioguide.render.assembly import GAIN_TOLERANCE, EpisodeAudio
from audioguide.settings import Config, opus_bitrate
from audioguide.speech.cache import SentenceCache
from audioguide.speech.engines import EngineSettings
from audioguide.speech.synth import Synthesizer
from audioguide.writer import atomic_path, write_bytes, write_text

BUILD_FORMAT = 2
"""Bumped when the way files are made changes, so old outputs are rebuilt."""
GUIDE_FORMAT = 2
"""The same for guides alone (their keys hold it where an episode's hold ``False``): 2 since a
stop's track tag is its place in the guide, the ZIP has a folder and the chapters a language."""
BUILD_KEY = "build_key"
"""The field of a record (and of ``guide.json``) holding the stamp of what it was built from."""


@dataclass
class Report:
    """What a render did: items written, reused and failed, sentences, audio and wall time."""

    rendered: list[RenderedEpisode] = field(default_factory=list)
    guides: list[GuideRecord] = field(default_factory=list)
    """Every guide the render covered: written now, or up to date (its slug is in ``unchanged``)."""
    unchanged: list[str] = field(default_factory=list)
    """Slugs whose output was already up to date (nothing synthesized, nothing written)."""
    synthesized: int = 0
    """Sentences sent to a speech engine."""
    cached: int = 0
    """Sentences of the items rendered that came from the sentence cache (a sentence an item
    says twice counts once; one that several items say counts for each but the first to speak it)."""
    failures: list[tuple[str, AudioguideError]] = field(default_factory=list)
    seconds: float = 0.0
    taken_over: dict[str, str] = field(default_factory=dict)
    """Published episodes left without a script whose guid a renamed script took (old slug ->
    new): their files go once the new one is rendered."""

    @property
    def written_guides(self) -> list[GuideRecord]:
        """The guides written by this render (not those that were up to date)."""
        return [g for g in self.guides if g.slug not in self.unchanged]

    @property
    def audio_minutes(self) -> float:
        """Minutes of audio this render wrote."""
        return (sum(e.duration for e in self.rendered)
                + sum(g.full_duration for g in self.written_guides)) / 60

    def summary(self) -> str:
        """The one line a render ends with, whatever it did.

        >>> print(Report(unchanged=["a", "b"], synthesized=1, cached=39, seconds=2.04).summary())
        ... # doctest: +NORMALIZE_WHITESPACE
        Rendered 0 episodes, 0 failed, 2 already up to date; 1 sentence synthesized,
        39 from the cache; 0.0 min of audio in 2.0 s
        """
        def count(n: int, word: str) -> str:
            return f"{n} {word}{'s' if n != 1 else ''}"

        text = f"Rendered {count(len(self.rendered), 'episode')}"
        if self.written_guides:
            text += f" and {count(len(self.written_guides), 'guide')}"
        text += f", {len(self.failures)} failed"
        if self.failures:
            # the file names: each one's "Failed:" line has its path and the reason
            text += " (" + ", ".join(Path(name).name for name, _ in self.failures) + ")"
        text += (f", {len(self.unchanged)} already up to date; "
                 f"{count(self.synthesized, 'sentence')} synthesized, {self.cached} from the cache; "
                 f"{self.audio_minutes:.1f} min of audio in {self.seconds:.1f} s")
        return text


@dataclass(frozen=True)
class ProgressItem:
    """An episode or guide a render is about to make, as its progress shows it."""

    kind: str
    """``episode`` or ``guide``."""
    slug: str
    sentences: int
    """Its utterances that are spoken (pauses are not counted)."""


class Progress(Protocol):
    """Whoever shows a render's progress. Every call comes from the thread running the render,
    so an implementation needs no lock; it must be cheap (it is called once per sentence)."""

    def begin(self, item: int) -> None:
        """The sentences of ``items[item]`` (the list the factory was given) are now prepared."""

    def chapter(self, title: str, number: int, total: int) -> None:
        """The sentences now prepared are those of chapter ``number`` (from 1) of ``total`` of
        the current item, titled ``title``."""

    def __call__(self, sentences: int) -> None:
        """``sentences`` more sentences are ready (in the cache); after :meth:`begin`, they
        belong to that item; on a cluster, whose items overlap, ``begin`` is never called."""


ProgressFactory = Callable[[list[ProgressItem]], Progress]
"""Given the items about to be rendered (none up to date), the object that shows progress."""


def progress_items(pending: list[Pending]) -> list[ProgressItem]:
    """What progress shows of ``pending``."""
    return [ProgressItem("guide" if w.guide else "episode", w.script.meta.slug,
                         sum(1 for u in w.utterances if u.text)) for w in pending]


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


def build_key(config: Config, script: Script, utterances: list[Utterance], synth: Synthesizer,
              *, number: int | None, cover: Path | None, guide_mode: bool) -> str:
    """Everything an episode's files depend on: when it is unchanged, nothing is redone."""
    music = config.audio.music.strip()
    data = {
        "format": BUILD_FORMAT,
        "guide": GUIDE_FORMAT if guide_mode else False,
        "sentences": [[k, round(u.pause_after, 4), u.section, u.caption]
                      for k, u in zip(synth.keys(utterances), utterances, strict=True)],
        "chapters": script.chapter_titles(config.show.language),
        "audio": dataclasses.asdict(config.audio),
        "music": stamps.file_digest(config.root / music) if music and music.lower() != "none" else music,
        "meta": [script.meta.title, script.meta.slug, script.meta.date.isoformat(),
                 script.meta.description, script.meta.guid, script.meta.language, number,
                 *_source_facts(script)],
        "show": [config.show.title, config.show.author, config.show.language, config.show.intro,
                 config.show.outro],
        "cover": stamps.file_digest(script.artwork_path() or cover),
    }
    places = [s.location.to_json() if s.location else None for s in script.sections]
    if guide_mode and (any(places) or script.meta.stop_locations):  # none: keys stay as before
        data["locations"] = [places, [[n, p.to_json()] for n, p in script.meta.stop_locations],
                             config.guide.radius]
    if guide_mode and script.meta.guide:
        data["guide_id"] = script.meta.guide
    return stamps.value_digest(data)


def _source_facts(script: Script) -> list[object]:
    """The article's facts the tags and the record carry (none: nothing, so keys stay as before)."""
    m = script.meta
    if not (m.published or m.authors or m.url or m.soundbite or m.people):
        return []
    found: list[object] = [m.published.isoformat() if m.published else None, list(m.authors), m.url, m.soundbite]
    return [*found, [p.to_json() for p in m.people]] if m.people else found


def up_to_date(record_path: Path, key: str, media: Callable[[dict[str, Any]], stamps.Needed]) -> bool:
    """Whether ``record_path`` was written for ``key`` and every file it names is still there
    (with its size, where the record gives it)."""
    return stamps.current(record_path, key, field=BUILD_KEY, needs=media)


def episode_media(record: Path, data: dict[str, Any]) -> stamps.Needed:
    """The files an episode record names, with the sizes it gives: its MP3, its Opus alternate
    if it has one, and its own cover (a damaged or cut MP3 is made again, not published)."""
    opus = data.get("opus")

    def size(value: object) -> int | None:
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    return [(record.with_name(str(data["mp3"])), size(data.get("size"))),
            *([(record.with_name(str(opus["file"])), size(opus.get("size")))] if isinstance(opus, dict) else []),
            *([(record.with_name(str(data["image"])), None)] if data.get("image") else [])]


def episode_artwork(script: Script) -> tuple[bytes, str] | None:
    """The item's own cover (``artwork:``) as Apple wants it, its bytes and extension; an
    image Apple would refuse is one error naming the file and the fix."""
    path = script.artwork_path()
    if path is None:
        return None
    return prepare_cover(path, setting=f"artwork: in {script.path.name if script.path else 'the front matter'}",
                         otherwise="remove artwork: to use the show's cover")


@contextlib.contextmanager
def cover_for(script: Script, cover: Path | None) -> Iterator[Path | None]:
    """The cover an item's tags embed: its own ``artwork:`` (prepared, in a temporary file named
    like an image, as the tags want) or else ``cover``, the show's."""
    artwork = episode_artwork(script)
    if artwork is None:
        yield cover
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"cover.{artwork[1]}"
        path.write_bytes(artwork[0])
        yield path


def music_bed(config: Config) -> mix.MusicBed:
    setting = config.audio.music.strip()
    if setting.lower() == "none":
        return mix.MusicBed.none()
    if setting:
        return mix.MusicBed.from_file(config.root / setting)
    return mix.MusicBed.generated(cache=config.root / MUSIC_CACHE)


SCRIPT_KEY = "script"
"""The record's field naming the script an episode was made from (:func:`script_name`)."""
FROM_ARTICLE = "from_article"
"""The record's field marking an item rendered from an article outside ``episodes/``
(``render notes.html``): published with no script there on purpose, so not reported as left over."""


def script_name(config: Config, path: Path) -> str:
    """How a record names the script it was made from: its path in ``episodes/`` (POSIX; the
    record is published with the site, so never a path of the machine), else its file name."""
    try:
        return path.resolve().relative_to(config.episodes_dir.resolve()).as_posix()
    except ValueError:
        return path.name


def script_field(config: Config, script: Script) -> dict[str, str | bool]:
    """The record's field naming ``script`` (none for one with no file), and :data:`FROM_ARTICLE`
    for a file outside ``episodes/``."""
    if script.path is None:
        return {}
    outside = not script.path.resolve().is_relative_to(config.episodes_dir.resolve())
    return {SCRIPT_KEY: script_name(config, script.path), **({FROM_ARTICLE: True} if outside else {})}


def from_article(record: Path) -> bool:
    """Whether the item of ``record`` was rendered from an article outside ``episodes/``."""
    try:
        return json.loads(record.read_text("utf-8")).get(FROM_ARTICLE) is True
    except (OSError, ValueError, AttributeError):
        return False


def published_from(record: Path) -> str | None:
    """The script the episode of ``record`` was made from, as :func:`script_name` gave it
    (``None``: no record, or one made before records named it)."""
    try:
        name = json.loads(record.read_text("utf-8")).get(SCRIPT_KEY)
    except (OSError, ValueError, AttributeError):
        return None
    return name if isinstance(name, str) else None


def name_script(record: Path, config: Config, script: Script) -> None:
    """Have an up-to-date record (an episode's or a guide's) name the script it is made from,
    when it does not (written before records named it, or the script renamed since): the name
    decides which of two scripts with one slug keeps it."""
    field = script_field(config, script)
    try:
        data = json.loads(record.read_text("utf-8")) if field else None
    except (OSError, ValueError):
        return
    if isinstance(data, dict):
        named = {k: v for k, v in data.items() if k != FROM_ARTICLE} | field
        if named != data:
            write_text(record, json.dumps(named, indent=2) + "\n")


def episode_job(config: Config, script: Script, utterances: list[Utterance], synth: Synthesizer,
                bed: mix.MusicBed, dest: Path, *, keep_segments: bool = True) -> produce.EpisodeJob:
    """What :func:`produce.make_episode_audio` needs, with the previous render's programme gain
    as the first guess; with ``keep_segments``, encoded segments are kept in the project for the
    next render."""
    first_threshold: float | None
    gains: tuple[float, ...]
    a = config.audio
    try:
        record = json.loads(dest.with_suffix(RECORD).read_text())
        previous = record["master"]
        # the record lists each segment's gain when they differ, else the one they share
        gains = tuple(float(g) for g in previous.get("gains") or [previous["gain"]])
        first_threshold = float(previous["threshold"])
        # gains made for another loudness target, or another true-peak ceiling (the limiter then
        # takes more or less), are no guess for this one: each segment would be mastered at the
        # old level, then all of them again. Records before the target was kept in them are
        # judged by the loudness they measured; before the ceiling was, the ceiling is not known
        target = previous.get("target")
        other_target = (float(target) != a.loudness if target is not None
                        else abs(float(record["integrated_lufs"]) - a.loudness) > GAIN_TOLERANCE)
        if other_target or float(previous.get("ceiling", a.true_peak)) != a.true_peak:
            gains, first_threshold = (), None
    except (OSError, ValueError, KeyError, TypeError):
        gains, first_threshold = (), None
    return produce.EpisodeJob(tuple(utterances), tuple(synth.keys(utterances)),
                              tuple(script.chapter_titles(config.show.language)), bed, a.loudness,
                              a.true_peak, a.bitrate, gains, first_threshold,
                              config.root / SEGMENTS if keep_segments else None, opus_bitrate(a))


def episode_dest(out_dir: Path, script: Script) -> Path:
    return Output(out_dir).episode(script.meta.slug, MP3)


Make = Callable[[Path, "Path | None"], EpisodeAudio]
"""Writes an episode's untagged MP3 to the first path (and its Opus to the second, when given)."""


def write_episode(config: Config, script: Script, make: Make, *, dest: Path, number: int | None,
                  cover: Path | None, key: str) -> RenderedEpisode:
    """Have ``make`` write the untagged MP3 (and Opus, with ``[audio] opus``) to temporary
    names, tag them, move them into place, and write the record (``<slug>.json``) beside them.
    An Opus file left from a render with ``[audio] opus`` on is removed once the record no
    longer names it. With ``artwork:`` the episode's own cover goes into its tags and beside its
    MP3 (``<slug>.jpg`` or ``.png``); an image no longer named is removed the same way."""
    meta = script.meta
    opus_dest = dest.with_suffix(OPUS)
    bitrate = opus_bitrate(config.audio)
    opus_file: OpusFile | None = None
    image: Path | None = None
    with contextlib.ExitStack() as staged:
        cover = staged.enter_context(cover_for(script, cover))
        if meta.artwork and cover is not None:
            image = dest.with_suffix(cover.suffix)
            image_bytes = cover.read_bytes()
        tags = Tags(title=meta.title, artist=config.show.author, album=config.show.title, date=meta.date,
                    track=number, description=meta.description, language=meta.language or config.show.language,
                    cover=cover, writers=meta.authors, source_url=meta.url)
        tmp = staged.enter_context(atomic_path(dest))
        opus_tmp = staged.enter_context(atomic_path(opus_dest)) if bitrate else None
        made = make(tmp, opus_tmp)
        chosen = highlight(config, script, made)
        faults.point("mp3-staged", tmp)
        write_tags(tmp, tags, made.chapters)
        if bitrate is not None and opus_tmp is not None:
            if made.opus_duration is None:
                raise BuildError("the Opus alternate was not made")
            write_opus_tags(opus_tmp, tags, made.chapters)
            opus_file = OpusFile(opus_dest.name, opus_tmp.stat().st_size, 1000 * int(bitrate.rstrip("k")),
                                 made.opus_duration, stamps.integrity(opus_tmp))
    faults.point("mp3-renamed")
    if image is not None:
        write_bytes(image, image_bytes)  # left alone when unchanged
    episode = RenderedEpisode(meta=meta, mp3=dest, duration=made.duration, size=dest.stat().st_size,
                              chapters=made.chapters, cues=made.cues, loudness=made.loudness,
                              extra={"opus": opus_dest} if opus_file else {})
    record = episode_record(episode, number, opus=opus_file, highlight=chosen, image=image)
    data = {**record.to_json(), BUILD_KEY: key,
            "master": {"gain": made.gain, "threshold": made.threshold,  # exact: kept segments' keys
                       "target": config.audio.loudness, "ceiling": config.audio.true_peak,
                       **({"gains": list(made.gains)} if len(set(made.gains)) > 1 else {})},
            **({"segments": list(made.segments)} if made.segments else {}),
            **script_field(config, script)}
    write_text(dest.with_suffix(RECORD), json.dumps(data, indent=2) + "\n")
    faults.point("record-written")
    if opus_file is None:
        opus_dest.unlink(missing_ok=True)  # made while [audio] opus was on: the record no longer names it
    for suffix in ARTWORK_SUFFIXES:  # an earlier artwork: (or the same in the other format)
        if image is None or suffix != image.suffix:
            dest.with_suffix(suffix).unlink(missing_ok=True)
    return episode


def highlight(config: Config, script: Script, made: EpisodeAudio) -> Soundbite | None:
    """The episode's soundbite (:mod:`audioguide.render.soundbite`)."""
    fill = {"show": config.show.title, "title": script.meta.title}
    return soundbite.choose(made.cues, duration=made.duration, intro_end=made.intro_end,
                            intro=config.show.intro.format(**fill), outro=config.show.outro.format(**fill),
                            title=script.meta.title, quote=script.meta.soundbite, chapters=made.chapters)


def episode_record(episode: RenderedEpisode, number: int | None, *, opus: OpusFile | None = None,
                   highlight: Soundbite | None = None, image: Path | None = None) -> EpisodeRecord:
    """The facts publishing needs about a rendered episode, kept beside its MP3."""
    m = episode.meta
    return EpisodeRecord(
        slug=m.slug, title=m.title, date=m.date, description=m.description, number=number,
        guid=m.guid or stable_guid(m.slug), kind=m.kind, mp3=episode.mp3.name, size=episode.size,
        duration=episode.duration, integrated_lufs=episode.loudness.integrated_lufs,
        true_peak_dbtp=episode.loudness.true_peak_dbtp, chapters=episode.chapters, cues=episode.cues,
        published=m.published, authors=m.authors, url=m.url, opus=opus, soundbite=highlight,
        people=m.people, image=image.name if image else None, language=m.language,
    )


def stable_guid(slug: str) -> str:
    """A guid that depends only on the slug, so it never changes when anything else does."""
    return f"audioguide:{slug}"


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
