"""Show notes: the HTML an episode's ``content:encoded`` carries, and its episode page shows.

The description, the chapters as a list of timestamps when there are two or more (Apple Podcasts
makes chapters from three or more timestamps in the notes, the first at 00:00), a link to the
original article and links to the transcript and chapter files. Every text is escaped and the
HTML uses only ``p``, ``ul``, ``li`` and ``a href`` with http(s) or relative addresses, which
podcast apps keep when they clean notes up.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from audioguide.ingest.blocks import paragraphs
from audioguide.models import Chapter, EpisodeRecord
from audioguide.people import web_url


def note_time(seconds: float) -> str:
    """A chapter's start as show notes write it: ``MM:SS``, ``H:MM:SS`` from an hour (truncated,
    as players show a chapter's start).

    >>> note_time(0), note_time(107.9), note_time(3725)
    ('00:00', '01:47', '1:02:05')
    """
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


@dataclass(frozen=True)
class NoteLinks:
    """Where the notes point: the transcript and chapter files (absolute in the feed, relative on
    the page)."""

    transcript: str
    captions: str
    chapters: str


def chapter_lines(chapters: tuple[Chapter, ...]) -> list[tuple[str, str]]:
    """(timestamp, title) per chapter; the first always at 00:00 (what comes before the first
    chapter, the intro music, belongs to it).

    >>> chapter_lines((Chapter("Intro", 2.5, 9), Chapter("Two", 61, 90)))
    [('00:00', 'Intro'), ('01:01', 'Two')]
    """
    return [(note_time(0 if i == 0 else c.start), c.title) for i, c in enumerate(chapters)]


def _link(url: str, text: str) -> str:
    return f'<a href="{escape(url)}">{escape(text)}</a>'


def show_notes(record: EpisodeRecord, links: NoteLinks) -> Markup:
    """The episode's show notes as safe HTML.

    >>> import datetime as dt
    >>> r = EpisodeRecord("s", "T", dt.date(2026, 1, 1), "A <b>bold</b> claim.", 1, "g", "episode",
    ...                   "s.mp3", 1, 90.0, -16, -1.5, (Chapter("Intro", 0, 30), Chapter("Next", 30, 90)), (),
    ...                   url="javascript:alert(1)")
    >>> print(show_notes(r, NoteLinks("s.vtt", "s.srt", "s.chapters.json")))
    <p>A &lt;b&gt;bold&lt;/b&gt; claim.</p>
    <p>Chapters:</p>
    <ul>
    <li>00:00 Intro</li>
    <li>00:30 Next</li>
    </ul>
    <p><a href="s.vtt">Transcript</a> (<a href="s.srt">SRT</a>) · <a href="s.chapters.json">Chapters</a></p>
    """
    # every text goes through escape() (f-strings: Markup.format's formatter is pure Python, and
    # a show of thousands of episodes calls this for each)
    parts: list[str] = [f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs(record.description)]
    if len(record.chapters) > 1:  # one chapter is the whole episode: no list
        parts.append("<p>Chapters:</p>\n<ul>")
        parts += [f"<li>{escape(time)} {escape(title)}</li>" for time, title in chapter_lines(record.chapters)]
        parts.append("</ul>")
    if article := web_url(record.url):
        parts.append(f"<p>{_link(article, 'Read the original article')}</p>")
    parts.append(f"<p>{_link(links.transcript, 'Transcript')} ({_link(links.captions, 'SRT')}) · "
                 f"{_link(links.chapters, 'Chapters')}</p>")
    return Markup("\n".join(parts))
