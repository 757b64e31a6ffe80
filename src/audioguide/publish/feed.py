"""The podcast feed: feedgen and its podcast extension, plus our own extension for the rest.

feedgen covers RSS and most ``itunes:`` tags. Our :class:`ShowExtension` and
:class:`EpisodeExtension` add what it lacks: ``itunes:explicit`` spelled ``true``/``false`` as
Apple asks (feedgen only accepts yes/no/clean), ``podcast:guid``, ``podcast:locked``,
``podcast:transcript``, ``podcast:chapters`` and Podlove Simple Chapters (``psc:chapters``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from audioguide import __version__
from audioguide.layout import CHAPTERS, FEED, PAGE, SRT, VTT, Output
from audioguide.models import EpisodeRecord, OpusFile, Soundbite
from audioguide.people import Person, credits, person_group
from audioguide.publish.notes import NoteLinks, show_notes
from audioguide.publish.podcast import (
    ITUNES_NS,
    OPUS_CODECS,
    OPUS_TYPE,
    PODCAST_GUID_NAMESPACE,
    PODCAST_NS,
    PSC_NS,
    UUID_TEXT,
)
from audioguide.settings import Config, ShowConfig
from audioguide.writer import write_text


def podcast_guid(feed_url: str) -> str:
    """``podcast:guid`` for a feed URL: UUIDv5 of the URL without scheme and trailing slashes."""
    bare = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", feed_url.strip()).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def kept_guid(out_root: Path, feed: str, feed_url: str, configured: str = "") -> str:
    """The ``podcast:guid`` of the feed at ``feed`` (its path in the output folder ``out_root``),
    served from ``feed_url``: ``configured`` (``show.guid``); else the guid it was first published
    with, kept in :data:`~audioguide.layout.FEED_GUIDS`; else :func:`podcast_guid` of its address,
    kept there. The Podcasting 2.0 guid must not change when a feed moves: made again from a new
    ``base_url``, it told apps this was another show."""
    path = Output(out_root).feed_guids
    kept = feed_guids(out_root)
    guid = configured or kept.get(feed) or podcast_guid(feed_url)
    if kept.get(feed) != guid:  # the one published from now on (``check`` compares with it)
        write_text(path, json.dumps({**kept, feed: guid}, indent=2, sort_keys=True) + "\n")
    return guid


def feed_guids(out_root: Path) -> dict[str, str]:
    """Each feed's ``podcast:guid`` as published (:func:`kept_guid`), by its path in ``out_root``."""
    try:
        kept = json.loads(Output(out_root).feed_guids.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(kept, dict):
        return {}
    return {k: v for k, v in kept.items() if isinstance(k, str) and isinstance(v, str) and UUID_TEXT.match(v)}


def timestamp(seconds: float, sep: str = ".") -> str:
    """``HH:MM:SS.mmm`` (``sep`` is ``,`` for SRT)."""
    ms = round(seconds * 1000)
    s = ms // 1000
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{sep}{ms % 1000:03d}"


class ShowExtension(BaseExtension):  # type: ignore[misc]
    """Channel tags feedgen does not write (or spells differently from Apple), and the
    Podcasting 2.0 channel tags ``[show]`` sets: funding, txt, medium, license, podroll and
    updateFrequency."""

    def __init__(self) -> None:
        self.explicit = False
        self.guid = ""
        self.locked = False
        self.show: ShowConfig | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS, "psc": PSC_NS, "itunes": ITUNES_NS}

    def extend_rss(self, rss: etree._Element) -> etree._Element:
        channel = rss.find("channel")
        etree.SubElement(channel, f"{{{ITUNES_NS}}}explicit").text = "true" if self.explicit else "false"
        etree.SubElement(channel, f"{{{PODCAST_NS}}}guid").text = self.guid
        locked = etree.SubElement(channel, f"{{{PODCAST_NS}}}locked")
        locked.text = "yes" if self.locked else "no"
        if self.locked and self.show is not None:  # the spec: the owner, who may unlock it for a move
            locked.set("owner", self.show.owner_email)
        if self.show is not None:
            channel_extras(channel, self.show)
        return rss


def _podcast(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    """A ``podcast:tag`` child with ``attrs`` (those empty are left out) and ``text``."""
    el = etree.SubElement(parent, f"{{{PODCAST_NS}}}{tag}", {k: v for k, v in attrs.items() if v})
    if text is not None:
        el.text = text
    return el


def _person(parent: etree._Element, person: Person) -> None:
    _podcast(parent, "person", person.name, role=person.role.lower(), group=person.group.lower(),
             href=person.href, img=person.img)


def channel_extras(channel: etree._Element, show: ShowConfig) -> None:
    """The Podcasting 2.0 channel tags ``[show]`` sets, each only when it is set."""
    host = show_host(show)
    if host:
        _person(channel, host)
    if show.funding_url:
        _podcast(channel, "funding", show.funding_text, url=show.funding_url)
    if show.txt:
        _podcast(channel, "txt", show.txt, purpose=show.txt_purpose)
    if show.medium:
        _podcast(channel, "medium", show.medium)
    if show.license:
        _podcast(channel, "license", show.license, url=show.license_url)
    if show.podroll:
        roll = _podcast(channel, "podroll")
        for entry in show.podroll:
            if UUID_TEXT.match(entry):
                _podcast(roll, "remoteItem", feedGuid=entry.lower())
            else:
                _podcast(roll, "remoteItem", feedGuid=podcast_guid(entry), feedUrl=entry)
    if show.update_frequency:
        _podcast(channel, "updateFrequency", show.update_frequency, rrule=show.update_rrule)


@dataclass
class EpisodeLinks:
    """URLs of an episode's side files."""

    vtt: str
    srt: str
    chapters: str


class EpisodeExtension(BaseEntryExtension):  # type: ignore[misc]
    """Item tags for transcripts and chapters, people, the season and number, the soundbite and
    the Opus alternate."""

    def __init__(self) -> None:
        self.links: EpisodeLinks | None = None
        self.chapters: list[tuple[float, str]] = []
        self.language = "en"
        self.people: tuple[Person, ...] = ()
        self.season: tuple[int, str] = (0, "")
        self.number: int | None = None
        self.soundbite: Soundbite | None = None
        self.opus: tuple[OpusFile, str] | None = None
        """The Opus alternate and its URL."""

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS, "psc": PSC_NS, "itunes": ITUNES_NS}

    def extend_rss(self, item: etree._Element) -> etree._Element:
        if self.links:
            for url, mime in ((self.links.vtt, "text/vtt"), (self.links.srt, "application/x-subrip")):
                etree.SubElement(item, f"{{{PODCAST_NS}}}transcript", url=url, type=mime,
                                 language=self.language, rel="captions")
            etree.SubElement(item, f"{{{PODCAST_NS}}}chapters", url=self.links.chapters,
                             type="application/json+chapters")
        if self.chapters:
            psc = etree.SubElement(item, f"{{{PSC_NS}}}chapters", version="1.2")
            for start, title in self.chapters:
                etree.SubElement(psc, f"{{{PSC_NS}}}chapter", start=timestamp(start), title=title)
        for person in self.people:
            _person(item, person)
        season, name = self.season
        if season:
            etree.SubElement(item, f"{{{ITUNES_NS}}}season").text = str(season)
            _podcast(item, "season", str(season), name=name)
        if self.number:
            _podcast(item, "episode", str(self.number))
        if self.soundbite:
            _podcast(item, "soundbite", self.soundbite.title, startTime=seconds_text(self.soundbite.start),
                     duration=seconds_text(self.soundbite.duration))
        if self.opus:
            opus, url = self.opus
            alternate = _podcast(item, "alternateEnclosure", type=OPUS_TYPE, codecs=OPUS_CODECS,
                                 length=str(opus.size), bitrate=str(opus.bitrate), title="Opus",
                                 lang=self.language)
            _podcast(alternate, "source", uri=url)
            _podcast(alternate, "integrity", type="sri", value=opus.integrity)
        return item


def seconds_text(seconds: float) -> str:
    """Seconds as the namespace's time attributes take them: a decimal, three places at most.

    >>> seconds_text(73), seconds_text(12.3456)
    ('73.0', '12.346')
    """
    return repr(round(float(seconds), 3))


def show_host(show: ShowConfig) -> Person | None:
    """The ``[show]`` host (or narrator) as a person, when one is configured."""
    if not show.host:
        return None
    return Person(show.host, show.host_role, person_group(show.host_role, "Cast") or "Cast",
                  show.host_href, show.host_img)


def episode_people(show: ShowConfig, record: EpisodeRecord) -> tuple[Person, ...]:
    """Whom an episode credits: its article's authors (Author, in Writing), the people its front
    matter names, then the show's host."""
    return credits(record.authors, record.people, show_host(show))


PUBLISHED_AT = dt.time(6, 0)
"""The time of day (UTC) of an item's ``pubDate``; its front matter gives only the date."""

EPISODE_TYPES = {"introduction": "trailer"}
"""``itunes:episodeType`` by record kind, ``full`` for the rest. A guide's introduction before
stop 1 has no number, and Apple numbers only full episodes of a serial show: a trailer needs
none (and Apple presents it as the show's preview)."""


def published(date: dt.date, position: int = 0) -> dt.datetime:
    """An item's ``pubDate``: :data:`PUBLISHED_AT` on ``date``, plus ``position`` minutes, so
    the items of a serial feed dated the same day (a guide's stops) keep their order."""
    return dt.datetime.combine(date, PUBLISHED_AT, tzinfo=dt.UTC) + dt.timedelta(minutes=position)


def _same_day_minutes(records: list[EpisodeRecord], when: dict[str, dt.datetime]) -> dict[str, int]:
    """For episodes of one day with no time of their own, their minute after the day's time, by
    number (the first keeps it): a minute apart, apps order them as the show does."""
    untimed: dict[dt.date, list[str]] = {}
    for r in sorted(records, key=lambda r: (r.number or 0, r.slug)):
        if r.slug not in when and r.published is None:
            untimed.setdefault(r.date, []).append(r.slug)
    return {slug: i for slugs in untimed.values() for i, slug in enumerate(slugs)}


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """The article's publication time with a zone (UTC when it states none)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)


def item_dates(records: list[EpisodeRecord], when: dict[str, dt.datetime] | None = None) -> dict[str, dt.datetime]:
    """Each item's ``pubDate`` by slug: ``when``'s, else the article's publication time, else its
    date at :data:`PUBLISHED_AT` (same-day items a minute apart)."""
    when = when or {}
    minute = _same_day_minutes(records, when)
    return {r.slug: when.get(r.slug) or _aware(r.published) or published(r.date, minute.get(r.slug, 0))
            for r in records}


def feed_order(records: list[EpisodeRecord], dates: dict[str, dt.datetime], show_type: str) -> list[EpisodeRecord]:
    """``records`` in the feed's order (and the show page's): by the moment of their ``dates``,
    newest first, oldest first for a ``serial`` show."""
    return sorted(records, key=lambda r: (dates[r.slug], r.number or 0, r.slug), reverse=show_type == "episodic")


def _categories(names: list[str]) -> list[dict[str, str]]:
    out = []
    for name in names:
        top, _, sub = (part.strip() for part in name.partition("/"))
        out.append({"cat": top, "sub": sub} if sub else {"cat": top})
    return out


def build_feed(config: Config, records: list[EpisodeRecord], *, cover_url: str,
               urls: dict[str, str], when: dict[str, dt.datetime] | None = None,
               pages: dict[str, str] | None = None) -> bytes:
    """The RSS document for ``records``. ``urls`` maps each slug to its MP3 URL; side-file URLs
    sit beside it. ``when`` gives an item's ``pubDate`` by slug (default:
    the article's publication time, else its date), ``pages`` its web page (default: the
    article's address, else the ``.html`` beside the MP3). Items are newest
    first, oldest first for a serial show. The same inputs give the same bytes (no build
    timestamps)."""
    dates = item_dates(records, when)

    show = config.show
    base = show.base_url
    feed_url = base + FEED
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("audioguide", ShowExtension, EpisodeExtension)
    fg.title(show.title)
    fg.link(href=feed_url, rel="self", type="application/rss+xml")
    fg.link(href=show.link or base, rel="alternate")
    fg.description(show.description or show.title)
    fg.language(show.language)
    fg.generator("audioguide", version=__version__)
    if show.copyright:
        fg.copyright(show.copyright)
    fg.image(url=cover_url, title=show.title, link=show.link or base)
    fg.podcast.itunes_image(cover_url)
    if show.author:
        fg.podcast.itunes_author(show.author)
    if show.owner_name or show.owner_email:
        fg.podcast.itunes_owner(name=show.owner_name or show.author, email=show.owner_email)
    if show.categories:
        fg.podcast.itunes_category(_categories(show.categories))
    fg.podcast.itunes_type(show.type)
    fg.podcast.itunes_summary(show.description or show.title)
    ext: ShowExtension = fg.audioguide
    ext.explicit, ext.guid, ext.show = show.explicit, show.guid or podcast_guid(feed_url), show
    ext.locked = show.locked
    if show.new_feed_url:
        fg.podcast.itunes_new_feed_url(show.new_feed_url)
    if records:
        fg.lastBuildDate(max(dates.values()))
    ordered = feed_order(records, dates, show.type)
    for record in ordered:
        mp3_url = urls[record.slug]
        stem = mp3_url.rsplit(".", 1)[0]
        fe = fg.add_entry(order="append")
        fe.title(record.title)
        fe.guid(record.guid, permalink=False)
        fe.description(record.description or record.title)
        fe.published(dates[record.slug])
        fe.link(href=record.url or (pages or {}).get(record.slug, f"{stem}{PAGE}"))
        if record.authors:
            fe.podcast.itunes_author(", ".join(record.authors))
        fe.enclosure(mp3_url, str(record.size), "audio/mpeg")
        fe.podcast.itunes_duration(round(record.duration))
        if record.number:
            fe.podcast.itunes_episode(record.number)
        fe.podcast.itunes_episode_type(EPISODE_TYPES.get(record.kind, "full"))
        folder_url = mp3_url.rsplit("/", 1)[0]
        fe.podcast.itunes_image(f"{folder_url}/{quote(record.image)}" if record.image else cover_url)
        item_ext: EpisodeExtension = fe.audioguide
        item_ext.language = record.language or show.language
        item_ext.links = EpisodeLinks(f"{stem}{VTT}", f"{stem}{SRT}", f"{stem}{CHAPTERS}")
        item_ext.chapters = [(c.start, c.title) for c in record.chapters]
        fe.content(str(show_notes(record, NoteLinks(f"{stem}{VTT}", f"{stem}{SRT}", f"{stem}{CHAPTERS}"))),
                   type="CDATA")
        item_ext.people = episode_people(show, record)
        item_ext.season, item_ext.number = (show.season, show.season_name), record.number
        item_ext.soundbite = record.soundbite
        if record.opus:
            item_ext.opus = (record.opus, f"{folder_url}/{quote(record.opus.file)}")
    rss: bytes = fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return rss
