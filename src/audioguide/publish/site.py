"""The podcast's web pages: a show page and one page per episode, rendered from Jinja2 templates.

``output/index.html`` lists every episode with a player, its highlight and its Opus download,
under the show's host, funding link and a subscribe block (feed address, copy button,
``podcast://`` link). ``output/episodes/<slug>.html`` plays one episode with its artwork, the
people it credits (as the feed's ``podcast:person``), a "Play highlight" button (its
``podcast:soundbite``), clickable chapters and a clickable transcript that follow playback, and
its downloads. A small stylesheet and script from ``static/`` are copied next to ``index.html``.

Every URL of the site's own files is relative, so the site works from any base URL and straight
from ``file://``; nothing of the site is loaded from the network. (The only absolute addresses are
the ones the show and its scripts give: the original article, the funding page, and the pages and
pictures of the people credited, each checked to be http or https.) Output is a pure function of
its inputs (no timestamps), and every file goes through :func:`audioguide.writer.write_text`, so
unchanged pages keep their modification times.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from gettext import NullTranslations
from importlib import resources
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

import jinja2
from babel.dates import format_date
from babel.numbers import format_decimal

from audioguide.ingest.blocks import paragraphs
from audioguide.layout import CHAPTERS, INDEX, PAGE, SRT, VTT, Output
from audioguide.models import Chapter, Cue, EpisodeRecord, GuideRecord, Soundbite
from audioguide.people import Person, web_url
from audioguide.publish.feed import episode_people, show_host
from audioguide.settings import Config, ShowConfig, locale_of, text_direction
from audioguide.translations import translations
from audioguide.writer import inside, write_text

STATIC_FILES: tuple[str, ...] = ("style.css", "site.js")
"""Files copied from the package's ``static/`` folder into the root of the site."""

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


# --------------------------------------------------------------------------------------------
# Formatting helpers (pure functions, also used by the tests)
# --------------------------------------------------------------------------------------------

def _whole_seconds(seconds: float) -> int:
    """``seconds`` rounded half up to a whole, never negative."""
    return max(0, int(math.floor(seconds + 0.5)))


def _clock(total: int) -> str:
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def clock(seconds: float) -> str:
    """A time or duration as a clock: ``h:mm:ss`` from an hour up, else ``m:ss``."""
    return _clock(_whole_seconds(seconds))


def floor_clock(seconds: float) -> str:
    """Like :func:`clock` but truncated, for start times: a chapter at 59.7 s shows ``0:59``."""
    return _clock(int(seconds) if seconds > 0 else 0)  # int() is floor for what is positive


def iso_duration(seconds: float) -> str:
    """A duration in the ISO 8601 form a ``<time datetime>`` accepts, e.g. ``PT3M24S``."""
    total = _whole_seconds(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if secs or total == 0:
        text += f"{secs}S"
    return text


def long_date(day: dt.date) -> str:
    """A date for people, independent of the machine's locale: ``25 November 2026``."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def seconds_attr(seconds: float) -> str:
    """Seconds for a ``data-start`` attribute: at most three decimals, no trailing zeros."""
    text = f"{max(0.0, seconds):.3f}".rstrip("0").rstrip(".")
    return text or "0"


def file_size(size: int, language: str | None = None) -> str:
    """A byte count for a download link: ``2.4 MB``, ``830 kB``; with ``language``, in its
    decimal sign (a guide's page in German says ``12,4 MB``).

    >>> file_size(12_400_000, "de"), file_size(12_400_000, "en"), file_size(830_000, "fr")
    ('12,4 MB', '12.4 MB', '830 kB')
    """
    if size >= 1_000_000:
        megabytes = f"{size / 1_000_000:.1f}"
        locale = locale_of(language) if language else None
        if locale is not None:
            megabytes = format_decimal(float(megabytes), format="#,##0.0", locale=locale)
        return f"{megabytes} MB"
    if size >= 1_000:
        return f"{round(size / 1_000)} kB"
    return f"{size} bytes"


def local_date(day: dt.date, language: str) -> str:
    """A date as people of ``language`` write it; English as the show's pages do.

    >>> local_date(dt.date(2026, 11, 29), "de"), local_date(dt.date(2026, 11, 29), "en-US")
    ('29. November 2026', '29 November 2026')
    """
    locale = locale_of(language)
    if locale is None or locale.language == "en":
        return long_date(day)
    return format_date(day, format="long", locale=locale)


def podcast_url(feed_url: str) -> str:
    """The feed URL with its scheme replaced by ``podcast:``, which opens podcast apps."""
    _, sep, rest = feed_url.partition("://")
    return f"podcast://{rest if sep else feed_url}"


# --------------------------------------------------------------------------------------------
# What the templates see
# --------------------------------------------------------------------------------------------

class ChapterView(NamedTuple):
    """One chapter as the episode page shows it. (Chapters and cues are named tuples, the
    cheapest immutable values to make: a long show has hundreds of thousands.)"""

    title: str
    start: str
    """``data-start`` value in seconds."""
    time: str
    """Start as a clock, e.g. ``1:47``."""


class CueView(NamedTuple):
    """One transcript sentence as the episode page shows it."""

    text: str
    start: str
    time: str
    heading: bool
    """Whether the sentence is a chapter heading read aloud (styled as one)."""


class PersonView(NamedTuple):
    """Someone an episode credits, as its page shows them."""

    name: str
    role: str
    href: str
    """Their page (http or https), or ``""``."""
    img: str
    """Their picture (http or https), or ``""``."""


def person_view(person: Person) -> PersonView:
    return PersonView(person.name, person.role, web_url(person.href), web_url(person.img))


class HighlightView(NamedTuple):
    """The episode's soundbite, as its "Play highlight" button plays it."""

    start: str
    """``data-highlight-start``: seconds from the start of the episode."""
    duration: str
    """``data-highlight-duration``: seconds."""
    length: str
    """The duration as a clock, for the button's label: ``0:32``."""
    title: str
    """Its first sentence, for screen readers."""


def highlight_view(bite: Soundbite) -> HighlightView:
    return HighlightView(seconds_attr(bite.start), seconds_attr(bite.duration), clock(bite.duration),
                         bite.title)


@dataclass(frozen=True)
class EpisodeView:
    """One episode with every value its pages need, already formatted."""

    slug: str
    title: str
    description: str
    number: int | None
    date_iso: str
    date_text: str
    duration_iso: str
    duration_text: str
    mp3: str
    """URL-quoted MP3 file name, relative to ``episodes/``."""
    mp3_size: str
    page: str
    """URL-quoted page file name, relative to ``episodes/``."""
    vtt: str
    srt: str
    chapters_json: str
    chapters: tuple[ChapterView, ...]
    cues: tuple[CueView, ...]
    authors: str = ""
    """The article's authors, joined for reading ("Ana Lopes and Ben Ortiz")."""
    source_url: str | None = None
    """The original article."""
    highlight: HighlightView | None = None
    """The soundbite, when the episode has one."""
    opus: str = ""
    """URL-quoted Opus file name, relative to ``episodes/``, when the episode has one."""
    opus_size: str = ""
    image: str = ""
    """URL-quoted file name of the episode's own artwork, relative to ``episodes/``, or ``""``."""
    people: tuple[PersonView, ...] = ()
    """Whom the episode credits (on its own page only)."""


@dataclass(frozen=True)
class ShareView:
    """What a page tells the apps it is shared in (Open Graph, read by Mastodon, Slack, Signal,
    WhatsApp, Facebook and X) and search engines (its canonical address): absolute URLs."""

    url: str
    title: str
    description: str
    image: str
    audio: str = ""
    """The episode's MP3, which some apps play in place."""
    type: str = "website"


def share_text(description: str, limit: int = 300) -> str:
    """A description's first paragraph, cut at a word to ``limit`` characters, for a link preview.

    >>> share_text("One two three.\\n\\nMore.", 9)
    'One two…'
    """
    first = " ".join((paragraphs(description) or [""])[0].split())
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + "…"


def _normal(text: str) -> str:
    return " ".join(text.split()).rstrip(".:").casefold()


def _chapter_views(chapters: tuple[Chapter, ...]) -> tuple[ChapterView, ...]:
    return tuple([ChapterView(c.title, seconds_attr(c.start), floor_clock(c.start)) for c in chapters])


def _cue_views(cues: tuple[Cue, ...], chapters: tuple[Chapter, ...]) -> tuple[CueView, ...]:
    headings = {_normal(c.title) for c in chapters}
    return tuple([CueView(c.text, seconds_attr(c.start), floor_clock(c.start),
                          bool(headings) and _normal(c.text) in headings)
                  for c in cues])


def episode_view(record: EpisodeRecord, *, details: bool = True,
                 people: Sequence[Person] = ()) -> EpisodeView:
    """Everything the templates show about ``record``, formatted once; its chapters and cues
    only with ``details`` (the show page, which lists episodes, shows neither). ``people`` are
    whom it credits (:func:`audioguide.publish.feed.episode_people`)."""
    slug = quote(record.slug)
    opus = record.opus
    return EpisodeView(
        slug=record.slug, title=record.title, description=record.description,
        number=record.number, date_iso=record.date.isoformat(), date_text=long_date(record.date),
        duration_iso=iso_duration(record.duration), duration_text=clock(record.duration),
        mp3=quote(record.mp3), mp3_size=file_size(record.size), page=f"{slug}{PAGE}",
        vtt=f"{slug}{VTT}", srt=f"{slug}{SRT}", chapters_json=f"{slug}{CHAPTERS}",
        chapters=_chapter_views(record.chapters) if details else (),
        cues=_cue_views(record.cues, record.chapters) if details else (),
        authors=" and ".join([", ".join(record.authors[:-1]), record.authors[-1]] if len(record.authors) > 1
                             else record.authors),
        source_url=web_url(record.url) or None,
        highlight=highlight_view(record.soundbite) if record.soundbite else None,
        opus=quote(opus.file) if opus else "", opus_size=file_size(opus.size) if opus else "",
        image=quote(record.image) if details and record.image else "",
        people=tuple([person_view(p) for p in people]),
    )


@jinja2.pass_context
def _gettext(context: jinja2.runtime.Context, message: str) -> str:
    return _page_words(context).gettext(message)


@jinja2.pass_context
def _ngettext(context: jinja2.runtime.Context, singular: str, plural: str, count: int) -> str:
    return _page_words(context).ngettext(singular, plural, count)


def _page_words(context: jinja2.runtime.Context) -> NullTranslations:
    """The translations a page was rendered with (``interface_language=``), else English."""
    return translations(context.get("interface_language") or "en")


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment for the site's templates (autoescaped, strict about undefined);
    one per process, so each template is compiled once. Words marked for translation (``_()``,
    ``{% trans %}``) are looked up in the catalog of the render's ``interface_language`` (the guide
    page passes its guide's language; the show's pages are English), see
    :mod:`audioguide.translations`."""
    env = jinja2.Environment(
        extensions=["jinja2.ext.i18n"],
        loader=jinja2.PackageLoader("audioguide", "templates"),
        autoescape=True,
        auto_reload=False,  # package data: no need to look at the files before each page
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["paragraphs"] = paragraphs
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env


def _static(name: str) -> str:
    return (resources.files("audioguide") / "static" / name).read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------
# The build
# --------------------------------------------------------------------------------------------

def guide_view(guide: GuideRecord) -> dict[str, object]:
    """What the show page lists for an audio guide."""
    return {"slug": guide.slug, "title": guide.title, "description": guide.description,
            "stops": sum(1 for s in guide.stops if s.numbered), "duration_text": clock(guide.full_duration),
            "duration_iso": iso_duration(guide.full_duration)}


class Pages:
    """The site's templates, loaded once, and what every page shares: renders the show page and
    episode pages to text (writing them is the caller's)."""

    def __init__(self, show: ShowConfig, *, cover: str, feed_url: str) -> None:
        self.env = environment()
        self.show = show
        self.feed_url = feed_url
        self.cover_url = show.base_url + quote(cover)
        host = show_host(show)
        self.common = {
            "show": show,
            "lang": show.language or "en",
            "direction": text_direction(show.language or "en"),
            "cover": quote(cover),
            "feed_url": feed_url,
            "website": show.link if show.link and show.link != show.base_url else "",
            "funding_url": web_url(show.funding_url),
            "funding_text": show.funding_text.strip() or "Support the show",
            "host": person_view(host) if host else None,
        }
        self._episode = self.env.get_template("episode.html")

    def index(self, records: Sequence[EpisodeRecord], guides: Sequence[GuideRecord]) -> str:
        """The show page listing ``records`` in the order given (their cues are not needed)."""
        show, base = self.show, self.show.base_url
        share = ShareView(base, show.title, share_text(show.description), self.cover_url)
        return self.env.get_template("index.html").render(
            **self.common, root="", episodes=[episode_view(r, details=False) for r in records],
            podcast_url=podcast_url(self.feed_url), guides=[guide_view(g) for g in guides], share=share)

    def episode(self, record: EpisodeRecord) -> str:
        """One episode's page."""
        language = {"lang": record.language, "direction": text_direction(record.language)} if record.language else {}
        view = episode_view(record, people=episode_people(self.show, record))
        folder = f"{self.show.base_url}episodes/"
        share = ShareView(folder + view.page, record.title, share_text(record.description or self.show.description),
                          folder + view.image if view.image else self.cover_url,
                          audio=folder + view.mp3, type="article")
        return self._episode.render(**{**self.common, **language}, root="../", episode=view, share=share)


def write_show_page(pages: Pages, records: Sequence[EpisodeRecord], out_dir: Path,
                    guides: Sequence[GuideRecord] = ()) -> list[Path]:
    """Write the stylesheet, the script and the show page (``index.html``) into ``out_dir``;
    return their paths. Files whose content did not change are left untouched."""
    written = []
    for name, text in [*((name, _static(name)) for name in STATIC_FILES),
                       (INDEX, pages.index(records, guides))]:
        dest = inside(out_dir, name)
        write_text(dest, text)
        written.append(dest)
    return written


def build_site(config: Config, records: list[EpisodeRecord], out_dir: Path, *, cover: str,
               feed_url: str, guides: Sequence[GuideRecord] = ()) -> list[Path]:
    """Write the show page, one page per episode, and the stylesheet and script into ``out_dir``.

    ``records`` are listed in the order given (newest first for episodic shows). ``cover`` is the
    cover's file name relative to ``out_dir``; ``feed_url`` the feed's absolute URL. Returns every
    file that makes up the site, in a stable order; files whose content did not change are left
    untouched on disk (and still listed). (The publisher writes each page with the episode's
    other files instead, and only for episodes that changed: :mod:`audioguide.publish.episodes`.)
    """
    pages = Pages(config.show, cover=cover, feed_url=feed_url)
    written = write_show_page(pages, records, out_dir, guides)
    for record in records:
        dest = Output(out_dir).episode(record.slug, PAGE)
        write_text(dest, pages.episode(record))
        written.append(dest)
    return written
