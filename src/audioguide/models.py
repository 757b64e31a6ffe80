"""Typed data passed between the pipeline stages.

article (readers) -> script (script) -> utterances (speech) -> mixed episode (mix) -> files (export)

Every stage takes and returns these small frozen dataclasses; only the exporter, the
script writer and the publishing code touch the disk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from audioguide.lexicon import Lexicon
from audioguide.people import Person
from audioguide.wording import introduction_word

BlockKind = Literal["paragraph", "item", "pause"]


@dataclass(frozen=True)
class Block:
    """One unit of an article section: a paragraph, a list item or (in scripts) a pause cue."""

    kind: BlockKind
    """``paragraph``, ``item`` (a list item) or ``pause`` (a cue in an episode script)."""
    text: str = ""
    """Plain text, inline markup already removed. Empty for pauses."""
    number: int | None = None
    """The item's number in an ordered list (``1.`` items), ``None`` for bullets and paragraphs."""
    seconds: float = 0.0
    """Length of a pause cue, in seconds."""


@dataclass(frozen=True)
class Location:
    """Where an audio guide's stop is: a point on the WGS 84 globe, and how near counts as there."""

    lat: float
    """Latitude in degrees, -90 to 90 (north is positive)."""
    lon: float
    """Longitude in degrees, -180 to 180 (east is positive)."""
    radius: float | None = None
    """Metres around the point within which a listener is at the stop; ``None`` in a script
    that leaves it to ``[guide] radius``, always set in a guide's record."""
    osm: str = ""
    """The place's OpenStreetMap id (``N``ode, ``W``ay or ``R``elation and a number), optional."""

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"lat": self.lat, "lon": self.lon}
        if self.radius is not None:
            data["radius"] = self.radius
        if self.osm:
            data["osm"] = self.osm
        return data

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Location:
        radius = d.get("radius")
        return cls(float(d["lat"]), float(d["lon"]), None if radius is None else float(radius),
                   str(d.get("osm") or ""))


@dataclass(frozen=True)
class Section:
    """A headed part of an article; the opening section before the first heading has no heading."""

    heading: str | None
    """The heading text, or ``None`` for the untitled opening section."""
    blocks: tuple[Block, ...]
    """Paragraphs and list items in reading order."""
    location: Location | None = None
    """Where it is, in a guide's script: a ``[location …]`` line under its heading, or the
    front matter's ``locations`` entry for its heading."""

    def title(self, language: str = "en") -> str:
        """The title this section gets as a chapter (or a guide's stop): its heading, or
        "Introduction" in ``language`` (:func:`introduction_word`)."""
        return self.heading or introduction_word(language)


@dataclass(frozen=True)
class ArticleMeta:
    """What an article states about itself (front matter, ``<meta>`` tags); all optional."""

    date: dt.date | None = None
    """The publication date, in the article's own time zone."""
    published: dt.datetime | None = None
    """The publication time, when the source gives one (with its UTC offset when it states one)."""
    description: str = ""
    authors: tuple[str, ...] = ()
    language: str | None = None
    """A language tag such as ``fr`` or ``en-GB``."""
    url: str | None = None
    """The article's canonical address (absolute ``http(s)`` only)."""
    slug: str | None = None
    draft: bool = False
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    """What every reader produces, whatever the input format."""

    title: str
    """The article's title (first line, first ``#`` heading, or ``<h1>``/``<title>``)."""
    sections: tuple[Section, ...]
    """Sections in order; the first may be the untitled opening section."""
    source: Path | None = None
    """The file the article was read from, when it came from a file."""
    meta: ArticleMeta = field(default_factory=ArticleMeta)
    """What the article states about itself."""


@dataclass(frozen=True)
class EpisodeMeta:
    """The front matter of an episode script."""

    title: str
    slug: str
    date: dt.date
    description: str = ""
    source: str | None = None
    """Path of the article the script was derived from, relative to the project."""
    engine: str | None = None
    """Speech engine override for this episode (``piper``, ``gtts``)."""
    voice: str | None = None
    """Voice override for this episode (an engine-specific name or a path)."""
    kind: Literal["episode", "guide"] = "episode"
    language: str | None = None
    episode: int | None = None
    """Explicit ``itunes:episode`` number; derived from date order when absent."""
    guid: str | None = None
    """Stable feed guid; derived from the slug when absent."""
    lexicon: Lexicon = field(default_factory=Lexicon)
    """Pronunciations for this episode only (``lexicon:``), added to the show's."""
    voice_settings: tuple[tuple[str, float], ...] = ()
    """Per-episode ``rate`` and pause lengths, overriding ``[voice]``."""
    published: dt.datetime | None = None
    """The publication time, when the script's ``date`` gives one (``date`` is its day)."""
    authors: tuple[str, ...] = ()
    """The article's author(s) (``author:``), for the feed, the tags and the pages."""
    url: str | None = None
    """The original article's address (``url:``), the feed item's link."""
    tags: tuple[str, ...] = ()
    draft: bool = False
    """``draft: true``: not rendered or published until it is removed."""
    dated: bool = True
    """Whether the front matter gives the ``date`` (without, the day it is first published)."""
    guide: str | None = None
    """The guide this script is one language of (``guide:``): the scripts of a guide in
    several languages share it. Setting it makes the script a guide."""
    stop_locations: tuple[tuple[int, Location], ...] = ()
    """The front matter's ``locations`` given by stop number (those given by heading are on
    their sections): resolved once the stops are numbered."""
    soundbite: str | None = None
    """``soundbite:``, the sentence the episode's highlight starts from (else its lede)."""
    people: tuple[Person, ...] = ()
    """``people:``, whom the episode credits besides its authors and the show's host."""
    artwork: str | None = None
    """``artwork:``, the episode's own cover image as written, a path from the script's folder
    (:meth:`Script.artwork_path`); without it the episode has the show's."""


@dataclass(frozen=True)
class Script:
    """An episode script: front matter plus sections to speak, each one a chapter."""

    meta: EpisodeMeta
    sections: tuple[Section, ...]
    path: Path | None = None

    def chapter_titles(self, show_language: str) -> list[str]:
        """Each section's title as a chapter, in the script's language (else ``show_language``)."""
        return [s.title(self.meta.language or show_language) for s in self.sections]

    def artwork_path(self) -> Path | None:
        """The file ``artwork:`` names, beside the script (or the working folder for a script
        that has no file)."""
        if not self.meta.artwork:
            return None
        return (self.path.parent if self.path else Path()) / self.meta.artwork


@dataclass(frozen=True)
class Utterance:
    """One sentence to synthesize, with the silence that follows it."""

    section: int
    """Index of the section (chapter) this sentence belongs to."""
    text: str
    """The text handed to the speech engine."""
    pause_after: float
    """Seconds of silence after the sentence."""
    display: str = ""
    """The sentence as written, for transcripts; defaults to ``text``."""

    @property
    def caption(self) -> str:
        return self.display or self.text


@dataclass(frozen=True)
class Audio:
    """Mono 16-bit PCM in memory, as engines return it."""

    pcm: bytes
    """Little-endian signed 16-bit samples, one channel."""
    sample_rate: int
    """Samples per second."""

    @property
    def seconds(self) -> float:
        return len(self.pcm) / 2 / self.sample_rate


@dataclass(frozen=True)
class Chapter:
    """A chapter of a rendered episode, times in seconds from the start of the file."""

    title: str
    start: float
    end: float


@dataclass(frozen=True)
class Cue:
    """A transcript cue: one sentence and where it is heard in the rendered file."""

    text: str
    """The sentence as written (what captions show)."""
    start: float
    end: float
    spoken: str = ""
    """The normalised text the engine spoke (the reference for the intelligibility check)."""

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"text": self.text, "start": round(self.start, 3),
                                   "end": round(self.end, 3)}
        if self.spoken and self.spoken != self.text:
            data["spoken"] = self.spoken
        return data

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Cue:
        return cls(d["text"], float(d["start"]), float(d["end"]), d.get("spoken", d["text"]))


@dataclass(frozen=True)
class Loudness:
    """Measured loudness of a rendered file (EBU R128)."""

    integrated_lufs: float
    true_peak_dbtp: float
    lra: float = 0.0


@dataclass(frozen=True)
class RenderedEpisode:
    """What the exporter wrote for one episode."""

    meta: EpisodeMeta
    mp3: Path
    duration: float
    """Seconds of audio in the file."""
    size: int
    """Exact byte length of the MP3."""
    chapters: tuple[Chapter, ...]
    cues: tuple[Cue, ...]
    loudness: Loudness
    extra: dict[str, Path] = field(default_factory=dict)
    """Side files written next to the MP3 (transcripts, chapters JSON), by kind."""


@dataclass(frozen=True)
class OpusFile:
    """An episode's Opus alternate (``[audio] opus``): ``output/episodes/<slug>.opus``, what
    ``podcast:alternateEnclosure`` lists."""

    file: str
    """File name inside ``output/episodes/``."""
    size: int
    """Exact byte length (tags included)."""
    bitrate: int
    """Bits per second the encoder aimed at (``[audio] opus_bitrate``; variable bitrate, so the
    file's own average is near it, not exactly it)."""
    duration: float
    """Seconds, as decoded (the MP3's length, to 1/48,000 s)."""
    integrity: str
    """The file's SHA-256 as a Subresource Integrity string, ``sha256-`` and the digest in
    base64: what ``podcast:integrity type="sri"`` takes as its ``value``."""

    def to_json(self) -> dict[str, object]:
        return {"file": self.file, "size": self.size, "bitrate": self.bitrate,
                "duration": round(self.duration, 3), "integrity": self.integrity}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> OpusFile:
        return cls(str(d["file"]), int(d["size"]), int(d["bitrate"]), float(d["duration"]),
                   str(d["integrity"]))


@dataclass(frozen=True)
class Soundbite:
    """The episode's highlight (``podcast:soundbite``): whole sentences of 15 to 60 s."""

    start: float
    """Seconds from the start of the episode."""
    duration: float
    """Seconds."""
    title: str
    """Its first sentence, shortened to 128 characters at most (the namespace's limit)."""

    def to_json(self) -> dict[str, object]:
        return {"start": round(self.start, 3), "duration": round(self.duration, 3), "title": self.title}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Soundbite:
        return cls(float(d["start"]), float(d["duration"]), str(d["title"]))


@dataclass(frozen=True)
class EpisodeRecord:
    """What publishing knows about a rendered episode: ``output/episodes/<slug>.json``.

    Written by the render next to the MP3; the feed, the site and ``check`` read only this and
    the files it names, so publishing never needs to re-render or re-decode audio.
    """

    slug: str
    title: str
    date: dt.date
    description: str
    number: int | None
    """The ``itunes:episode`` number."""
    guid: str
    """Stable feed guid: the front matter's ``guid``, else derived from the slug once."""
    kind: str
    mp3: str
    """File name of the MP3 inside ``output/episodes/``."""
    size: int
    """Exact byte length of the MP3."""
    duration: float
    """Seconds."""
    integrated_lufs: float
    true_peak_dbtp: float
    chapters: tuple[Chapter, ...]
    cues: tuple[Cue, ...]
    published: dt.datetime | None = None
    """The article's publication time, when its script gives one: the feed's ``pubDate``."""
    authors: tuple[str, ...] = ()
    """The article's authors: the item's ``itunes:author``."""
    url: str | None = None
    """The original article: the item's ``link``."""
    opus: OpusFile | None = None
    """The Opus alternate, when ``[audio] opus`` made one."""
    soundbite: Soundbite | None = None
    """The highlight, when the episode has 15 s of sentences to give one."""
    people: tuple[Person, ...] = ()
    """Whom the front matter credits besides the authors (the show's host is added when publishing)."""
    image: str | None = None
    """File name of the episode's own artwork inside ``output/episodes/``, when it has one."""
    language: str | None = None
    """The episode's own language (``language:``), when its script gives one: its item's
    transcripts and Opus, and its page, say it (else the show's)."""

    def to_json(self) -> dict[str, object]:
        source = {"published": self.published.isoformat() if self.published else None,
                  "authors": list(self.authors) or None, "url": self.url,
                  "opus": self.opus.to_json() if self.opus else None,
                  "soundbite": self.soundbite.to_json() if self.soundbite else None,
                  "people": [p.to_json() for p in self.people] or None, "image": self.image,
                  "language": self.language}
        return {
            "slug": self.slug, "title": self.title, "date": self.date.isoformat(),
            "description": self.description, "number": self.number, "guid": self.guid,
            "kind": self.kind, "mp3": self.mp3, "size": self.size, "duration": round(self.duration, 3),
            "integrated_lufs": self.integrated_lufs, "true_peak_dbtp": self.true_peak_dbtp,
            "chapters": [{"title": c.title, "start": c.start, "end": c.end} for c in self.chapters],
            "cues": [c.to_json() for c in self.cues],
            **{key: value for key, value in source.items() if value},
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> EpisodeRecord:
        d: dict[str, Any] = dict(data)
        return cls(
            slug=d["slug"], title=d["title"], date=dt.date.fromisoformat(d["date"]),
            description=d["description"], number=d["number"], guid=d["guid"], kind=d["kind"],
            mp3=d["mp3"], size=int(d["size"]), duration=float(d["duration"]),
            integrated_lufs=float(d["integrated_lufs"]), true_peak_dbtp=float(d["true_peak_dbtp"]),
            chapters=tuple(Chapter(c["title"], float(c["start"]), float(c["end"])) for c in d["chapters"]),
            cues=tuple(Cue.from_json(c) for c in d["cues"]),
            published=dt.datetime.fromisoformat(d["published"]) if d.get("published") else None,
            authors=tuple(d.get("authors") or ()), url=d.get("url"),
            opus=OpusFile.from_json(d["opus"]) if d.get("opus") else None,
            soundbite=Soundbite.from_json(d["soundbite"]) if d.get("soundbite") else None,
            people=tuple(Person.from_json(p) for p in d.get("people") or ()), image=d.get("image") or None,
            language=d.get("language") or None,
        )


@dataclass(frozen=True)
class StopRecord:
    """One stop of a rendered audio guide: ``output/guides/<slug>/NN-<stop>.mp3``."""

    number: int
    """Stop number, as announced ("Stop 2. …") and printed on placards; an introduction before
    stop 1 is 0 (see ``[guide] introduction``)."""
    title: str
    file: str
    """File name of the stop's MP3 inside the guide folder."""
    size: int
    duration: float
    cues: tuple[Cue, ...]
    """Sentence cues, times relative to the start of the stop's own file."""
    numbered: bool = True
    """False for an unnumbered introduction: announced and listed by its title alone."""
    location: Location | None = None
    """Where the stop is (its radius set), when the script says."""

    @property
    def heading(self) -> str:
        """The stop as lists show it (tags, playlist, feed): ``2. The Hall``, or only the title
        when it has no number."""
        return f"{self.number}. {self.title}" if self.numbered else self.title


@dataclass(frozen=True)
class GuideRecord:
    """What the render wrote for a guide: ``output/guides/<slug>/guide.json``."""

    slug: str
    title: str
    description: str
    language: str
    date: dt.date
    stops: tuple[StopRecord, ...]
    full_mp3: str
    """The whole guide as one MP3 with a chapter per stop."""
    full_m4b: str
    """The whole guide as an M4B audiobook with chapters."""
    full_duration: float
    chapters: tuple[Chapter, ...]
    """Chapters of the full MP3/M4B: one per stop."""
    playlist: str
    """M3U8 playlist of the stop files, in order."""
    archive: str
    """ZIP of every stop (and the playlist) for offline download."""
    guide_id: str = ""
    """The guide this is one language of (front matter ``guide``); empty: its own slug."""

    @property
    def group(self) -> str:
        """The id its languages share: ``guide_id``, else the slug."""
        return self.guide_id or self.slug

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "slug": self.slug, "title": self.title, "description": self.description,
            "language": self.language, "date": self.date.isoformat(),
            "stops": [{"number": s.number, "numbered": s.numbered, "title": s.title, "file": s.file,
                       "size": s.size,
                       "duration": round(s.duration, 3),
                       "cues": [c.to_json() for c in s.cues],
                       **({"location": s.location.to_json()} if s.location else {})}
                      for s in self.stops],
            "full_mp3": self.full_mp3, "full_m4b": self.full_m4b,
            "full_duration": round(self.full_duration, 3),
            "chapters": [{"title": c.title, "start": c.start, "end": c.end} for c in self.chapters],
            "playlist": self.playlist, "archive": self.archive,
        }
        if self.guide_id:
            data["guide_id"] = self.guide_id
        return data

    @classmethod
    def from_json(cls, data: dict[str, object]) -> GuideRecord:
        d: dict[str, Any] = dict(data)
        return cls(
            slug=d["slug"], title=d["title"], description=d["description"], language=d["language"],
            date=dt.date.fromisoformat(d["date"]),
            stops=tuple(StopRecord(int(s["number"]), s["title"], s["file"], int(s["size"]),
                                   float(s["duration"]),
                                   tuple(Cue.from_json(c) for c in s["cues"]),
                                   bool(s.get("numbered", True)),
                                   Location.from_json(s["location"]) if s.get("location") else None)
                        for s in d["stops"]),
            full_mp3=d["full_mp3"], full_m4b=d["full_m4b"], full_duration=float(d["full_duration"]),
            chapters=tuple(Chapter(c["title"], float(c["start"]), float(c["end"])) for c in d["chapters"]),
            playlist=d["playlist"], archive=d["archive"], guide_id=str(d.get("guide_id") or ""),
        )
