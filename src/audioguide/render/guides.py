"""Audio guides, rendering side: one script as a numbered tour, one track per section ("stop").

(sentences spoken once, into the cache) -> per stop: chime + "Stop N. Title." (an unnumbered
introduction: "Title.") + text, mastered and
tagged -> the whole guide as one MP3 and one M4B with a chapter per stop -> ``guide.json``. What a
guide publishes beside its audio (playlist, archive, transcripts, feed, page) is made by
:mod:`audioguide.guide`, through the ``publish`` callback, before ``guide.json`` marks it done.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import logging
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from audioguide import stamps
from audioguide.audio.tags import Tags, tag_m4b, write_tags
from audioguide.errors import BuildError, ConfigError, InputError
from audioguide.ingest.script import slugify
from audioguide.layout import CHAPTERS, GUIDE_RECORD, MP3, SRT, VTT, Output
from audioguide.models import GuideRecord, Location, Script, Section, StopRecord, Utterance
from audioguide.render import work as produce
from audioguide.render.items import BUILD_KEY, script_field
from audioguide.settings import Config
from audioguide.speech.plan import HeadingText
from audioguide.speech.synth import Synthesizer
from audioguide.wording import heading_number, stop_number_text, stop_word
from audioguide.writer import atomic_path, write_text

log = logging.getLogger(__name__)

PublishGuide = Callable[[GuideRecord, Path], None]
"""Writes what a guide publishes beside its audio, given its record and folder."""


@dataclass(frozen=True)
class StopNumber:
    """How a stop is numbered: announced, tagged, named and listed the same way everywhere."""

    number: int
    numbered: bool


def stop_numbers(script: Script, introduction: str, language: str) -> list[StopNumber]:
    """The number of each section of ``script`` as a stop, by ``[guide] introduction``.

    Only an untitled opening section is an introduction: ``unnumbered`` gives it no number (0,
    unspoken) and ``stop 0`` the number 0, so the headings are stops 1, 2, ... as on the
    plaques; ``stop 1`` counts it as stop 1. A script that opens with a heading counts from 1.
    Headings that all carry a plaque number of their own (``101. The Thinker``, ``102. The
    Kiss``; :func:`plaque_numbers`), from 1 and above the introduction's, are numbered so instead: a museum's
    plaques are the numbers its visitors type and hear.
    """
    intro = bool(script.sections) and script.sections[0].heading is None
    first = 0 if intro and introduction != "stop 1" else 1
    counted = [StopNumber(first + i, not (i == 0 and intro and introduction == "unnumbered"))
               for i in range(len(script.sections))]
    plaques = plaque_numbers(script, language)
    if not plaques or plaques[0] < 1 or (intro and counted[0].number >= plaques[0]):
        return counted
    return counted[:1] * intro + [StopNumber(number, True) for number in plaques]


def plaque_numbers(script: Script, language: str) -> list[int] | None:
    """The numbers the headings of ``script`` carry (:func:`~audioguide.wording.heading_number`)
    when every heading carries one and they increase in the order of the headings; ``None``
    otherwise (a heading without one, numbers out of order, or the same number twice, which
    :func:`duplicate_numbers` refuses)."""
    headed = [s for s in script.sections if s.heading is not None]
    found = [heading_number(s.heading or "", language) for s in headed]
    numbers = [f[0] for f in found if f is not None]
    if not numbers or len(numbers) != len(found) or any(b <= a for a, b in itertools.pairwise(numbers)):
        return None
    return numbers


def stop_locations(script: Script, introduction: str, radius: float, language: str) -> list[Location | None]:
    """Where each section of ``script`` is as a stop, with ``radius`` (``[guide] radius``) for
    those that give none: its ``[location]`` line or front matter entry by heading (already on
    the section) or by stop number. A number no stop has, or a stop located twice, is an error
    naming the stop; it is found before anything is spoken."""
    numbers = stop_numbers(script, introduction, language)
    found = [s.location for s in script.sections]
    index = {n.number: i for i, n in enumerate(numbers)}
    problems = []
    for number, location in script.meta.stop_locations:
        i = index.get(number)
        if i is None:
            listed = [n.number for n in numbers if n.numbered]
            stops = f"the stops are {listed[0]} to {listed[-1]}" if listed else "it has no numbered stops"
            problems.append(f"locations: there is no stop {number} ({stops}, as [guide] introduction = "
                            f"{introduction!r} numbers them)")
        elif found[i] is not None:
            problems.append(f"stop {number} ({script.sections[i].title()}) has a location by number and "
                            "another by heading or [location] line: keep one")
        else:
            found[i] = location
    if problems:
        raise ConfigError(problems, path=script.path)
    return [dataclasses.replace(p, radius=radius) if p is not None and p.radius is None else p for p in found]


def guide_problem(script: Script, introduction: str, radius: float, language: str) -> InputError | None:
    """What keeps ``script`` (in ``language``) from being a guide, found before anything is
    spoken: stops numbered alike (:func:`duplicate_numbers`), or what :func:`stop_locations`
    would raise; ``None`` for a script that can be one."""
    try:
        stop_locations(script, introduction, radius, language)
    except InputError as exc:
        return exc
    return duplicate_numbers(script, language)


def announcer(script: Script, introduction: str, language: str = "en") -> HeadingText:
    """What opens each stop of ``script``: "Stop 2. The Hall." in the guide's ``language``
    (:func:`~audioguide.wording.stop_word`; an unnumbered stop: its title)."""
    numbers = stop_numbers(script, introduction, language)
    word = stop_word(language)

    def announce(index: int, section: Section) -> str:
        n = numbers[index]
        title = stop_title(section, n, language)
        return f"{word} {n.number}. {title}." if n.numbered else f"{title}."

    return announce


def stop_title(section: Section, number: StopNumber, language: str) -> str:
    """A stop's title: its heading without the plaque number it may carry (``1. The Gate`` as
    stop 1 is "The Gate", so it is not announced "Stop 1. 1. The Gate."). A heading whose number
    is not the stop's keeps it (:func:`numbering_problems` names it)."""
    title = section.title(language)
    found = heading_number(title, language) if section.heading and number.numbered else None
    return found[1] if found and found[0] == number.number else title


def numbering_problems(script: Script, introduction: str, language: str) -> list[str]:
    """Headings that carry a number other than their stop's (``101. The Thinker`` as stop 1, or
    ``1. The Gate`` as stop 2 when the introduction is counted as stop 1), each with the fix; the
    title keeps its number. A plaque numbering of its own (101, 102...) is followed only when
    every heading carries its number and each is above the one before (:func:`stop_numbers`)."""
    intro = bool(script.sections) and script.sections[0].heading is None
    problems = []
    for section, n in zip(script.sections, stop_numbers(script, introduction, language), strict=True):
        found = heading_number(section.heading, language) if section.heading and n.numbered else None
        if found and found[0] != n.number:
            hint = (f", or change [guide] introduction (now {introduction!r})"
                    if intro and abs(found[0] - n.number) == 1 else "")
            problems.append(f"the heading {section.heading!r} is stop {n.number}, not {found[0]}: stops are "
                            "numbered 1, 2, ... in the order of the headings unless every heading carries its own "
                            f"number, each above the one before; number the headings so{hint}")
    return problems


def placeholder_locations(script: Script, introduction: str, radius: float, language: str) -> list[str]:
    """One warning naming the stops located at 0, 0 (``[location 0, 0]``): a valid place, but in
    the Gulf of Guinea, so most likely a placeholder, which would draw the route map across the
    world and offer the stop to nobody; none when no stop is there."""
    places = stop_locations(script, introduction, radius, language)
    numbers = stop_numbers(script, introduction, language)
    stops = [f"{n.number} ({section.title(language)})" if n.numbered else repr(section.title(language))
             for section, n, place in zip(script.sections, numbers, places, strict=True)
             if place is not None and place.lat == 0 and place.lon == 0]
    if not stops:
        return []
    return [f"{'stop' if len(stops) == 1 else 'stops'} {', '.join(stops)} located at 0, 0, in the Gulf of "
            "Guinea: a placeholder? Give the stop's coordinates, or remove its location"]


def duplicate_numbers(script: Script, language: str) -> InputError | None:
    """Two headings that carry one plaque number (``2. The Hall``, ``2. The Yard``): a visitor
    typing 2 would hear the first whichever plaque they stand at. An error naming both headings,
    found before anything is spoken; ``None`` when the numbers differ."""
    by_number: dict[int, list[str]] = {}
    for section in script.sections:
        found = heading_number(section.heading, language) if section.heading else None
        if found:
            by_number.setdefault(found[0], []).append(section.heading or "")
    problems = [f"{'two' if len(headings) == 2 else len(headings)} stops are numbered {number}: "
                f"{' and '.join(repr(h) for h in headings)}; give each stop its own number"
                for number, headings in by_number.items() if len(headings) > 1]
    return ConfigError(problems, path=script.path) if problems else None


def _stops(script: Script, utterances: list[Utterance], language: str,
           numbers: list[StopNumber]) -> list[tuple[str, list[Utterance]]]:
    """Utterances grouped by section, each with its title in ``language`` (:func:`stop_title`);
    sections with nothing to say are skipped."""
    groups = []
    for index, section in enumerate(script.sections):
        picked = [k for k, u in enumerate(utterances) if u.section == index and u.text]
        if not picked:
            continue
        first, last = picked[0], picked[-1]
        us = [dataclasses.replace(u, section=0) for u in utterances[first:last + 1]]
        us[-1] = dataclasses.replace(us[-1], pause_after=0.6)
        groups.append((stop_title(section, numbers[index], language), us))
    return groups


def media_files(folder: Path, data: dict[str, object]) -> stamps.Needed:
    """Every audio file a ``guide.json`` names (their sizes it does not keep)."""
    stops = data.get("stops", [])
    names = [str(s["file"]) for s in stops] if isinstance(stops, list) else []
    return [(folder / n, None) for n in [*names, str(data.get("full_mp3")), str(data.get("full_m4b"))]]


def load_record(folder: Path) -> GuideRecord:
    return GuideRecord.from_json(json.loads((folder / GUIDE_RECORD).read_text("utf-8")))


def guide_job(config: Config, script: Script, utterances: list[Utterance]) -> produce.GuideJob:
    """The stops to master, from ``utterances`` (the script planned with :func:`announcer`)."""
    language = script.meta.language or config.show.language
    for problem in [*numbering_problems(script, config.guide.introduction, language),
                    *placeholder_locations(script, config.guide.introduction, config.guide.radius, language)]:
        log.warning("%s: %s", script.path, problem)
    groups = _stops(script, utterances, language, stop_numbers(script, config.guide.introduction, language))
    if not groups:
        raise InputError("the script has no stops to speak", path=script.path)
    a = config.audio
    return produce.GuideJob(tuple((title, tuple(us)) for title, us in groups), script.meta.title,
                            config.show.author, a.loudness, a.true_peak, a.bitrate)


def render_guide(config: Config, script: Script, utterances: list[Utterance], synth: Synthesizer, *,
                 out_dir: Path, cover: Path | None, publish: PublishGuide, key: str = "") -> GuideRecord:
    """Render ``script`` as an audio guide into ``out_dir/guides/<slug>/`` from its sentences,
    which ``synth.prepare`` has put into the cache.

    ``utterances`` is the script planned with :func:`announcer` as its headings.
    """
    job = guide_job(config, script, utterances)
    with tempfile.TemporaryDirectory(prefix="audioguide-") as work:
        made = produce.make_guide_audio(job, synth.audio, Path(work))
        return write_guide(config, script, made, Path(work), out_dir=out_dir, cover=cover,
                           publish=publish, key=key)


STOP_FILES = (MP3, VTT, SRT, CHAPTERS)
"""What each stop leaves in the guide folder: ``<NN-title>.mp3`` and its transcripts and chapters."""

_STOP_STEM = re.compile(r"\d{2,}-[a-z0-9-]*")
"""How a stop's files are named (``07-the-hall``, ``107-the-yard``), for a folder whose record is lost."""


def _earlier_stops(guide_dir: Path) -> set[str]:
    """The names (without suffix) of the stops the guide's previous render wrote: those its
    record names, or, without a readable record, every file named as stops are."""
    try:
        return {Path(s.file).stem for s in load_record(guide_dir).stops}
    except (OSError, ValueError, KeyError, TypeError):
        return {path.name[: -len(suffix)] for suffix in STOP_FILES for path in guide_dir.glob(f"*{suffix}")
                if _STOP_STEM.fullmatch(path.name[: -len(suffix)])}


def _remove_old_stops(guide_dir: Path, earlier: set[str], guide: GuideRecord) -> None:
    """Delete the files of stops an earlier render named otherwise (``NN-<title>.mp3`` and the
    transcripts and chapters beside it), e.g. after the numbering or a heading changed. Only files
    the guide wrote are touched: a ``01-floorplan.pdf`` put beside them stays."""
    for stem in earlier - {Path(s.file).stem for s in guide.stops}:
        for suffix in STOP_FILES:
            (guide_dir / f"{stem}{suffix}").unlink(missing_ok=True)


def write_guide(config: Config, script: Script, made: produce.GuideAudio, work: Path, *,
                out_dir: Path, cover: Path | None, publish: PublishGuide, key: str) -> GuideRecord:
    """Tag the guide's audio from ``work`` and move it into ``out_dir/guides/<slug>/``; have
    ``publish`` write what goes beside it; then write ``guide.json``, which marks it done."""
    meta = script.meta
    language = meta.language or config.show.language
    names = Output(out_dir).guide_names(meta.slug)
    guide_dir = Output(out_dir).guide(meta.slug)
    numbers = stop_numbers(script, config.guide.introduction, language)
    places = stop_locations(script, config.guide.introduction, config.guide.radius, language)
    if len(numbers) != len(made.stops):  # every section is announced, so every one is a stop
        raise BuildError(f"{len(made.stops)} stops rendered for {len(numbers)} sections",
                         fix="Report this as a bug")
    stops: list[StopRecord] = []
    highest = max((n.number for n in numbers), default=0)
    for position, (n, place, stop) in enumerate(zip(numbers, places, made.stops, strict=True), start=1):
        name = f"{stop_number_text(n.number, highest)}-{slugify(stop.title, limit=40, fallback='stop')}.mp3"
        dest = guide_dir / name
        made_stop = StopRecord(n.number, stop.title, name, 0, stop.duration, stop.cues, n.numbered, place)
        with atomic_path(dest) as tmp:
            shutil.copyfile(work / stop.file, tmp)
            write_tags(tmp, Tags(title=made_stop.heading, artist=config.show.author,
                                 album=meta.title, date=meta.date, track=position,
                                 track_total=len(made.stops), description=meta.description,
                                 language=language, cover=cover), ())
        stops.append(dataclasses.replace(made_stop, size=dest.stat().st_size))
    whole = Tags(title=meta.title, artist=config.show.author, album=meta.title, date=meta.date,
                 description=meta.description, language=language, cover=cover, genre="Audiobook")
    with atomic_path(guide_dir / names.full_mp3) as tmp:
        shutil.copyfile(work / produce.FULL_MP3, tmp)
        write_tags(tmp, whole, made.chapters)
    with atomic_path(guide_dir / names.full_m4b) as tmp:
        shutil.copyfile(work / produce.FULL_M4B, tmp)
        tag_m4b(tmp, whole)
    record = GuideRecord(slug=meta.slug, title=meta.title, description=meta.description,
                         language=language, date=meta.date, stops=tuple(stops), full_mp3=names.full_mp3,
                         full_m4b=names.full_m4b, full_duration=made.full_duration, chapters=made.chapters,
                         playlist=names.playlist, archive=names.archive,
                         guide_id=meta.guide if meta.guide and meta.guide != meta.slug else "")
    earlier = _earlier_stops(guide_dir)
    publish(record, guide_dir)
    _remove_old_stops(guide_dir, earlier, record)
    write_text(guide_dir / GUIDE_RECORD,
               json.dumps({**record.to_json(), BUILD_KEY: key, **script_field(config, script)}, indent=2) + "\n")
    return record
