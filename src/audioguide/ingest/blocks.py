"""What every article reader shares: the :class:`ArticleBuilder` and small text helpers.

Every reader produces the same shape: a title and a tuple of sections, each section a
heading (``None`` for the untitled opening part) and its blocks in reading order. Blocks are
plain text: inline markup removed, whitespace collapsed, quotes and apostrophes kept as
written. The format modules (:mod:`~audioguide.ingest.text`,
:mod:`~audioguide.ingest.markdown`, :mod:`~audioguide.ingest.html`) build on this module;
it imports none of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from audioguide.errors import InputError
from audioguide.models import Article, ArticleMeta, Block, BlockKind, Section

NO_TEXT_FIX = "add some paragraphs of text (code, scripts and styles are not read aloud)"

CLOSERS = "\"'”’»)]}"
"""Closing quotes and brackets that may follow a sentence's final punctuation."""


def collapse(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return " ".join(text.split())


def normalise_newlines(text: str) -> str:
    """Turn ``\\r\\n`` and lone ``\\r`` line ends into ``\\n`` and drop a leading BOM."""
    return text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")


_UNPRINTABLE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]?|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Terminal colour codes (ANSI escape sequences) and the control characters other than tab and
line ends: XML forbids them, so a feed holding one could not be written."""


def printable(text: str) -> str:
    """``text`` without terminal colour codes and control characters (text pasted from a
    terminal): they are neither said nor shown, and a feed cannot carry them.

    >>> printable("Output \x1b[32mgreen\x1b[0m, A\x01B\tC")
    'Output green, AB\tC'
    """
    return _UNPRINTABLE.sub("", text)


def title_from_stem(source: Path | None) -> str | None:
    """Turn a file name such as ``my-first_post.md`` into words: ``My first post``; the post's id
    before the slug in a Substack export's ``posts/<id>.<slug>.html`` is left out.

    >>> title_from_stem(Path("posts/151234567.why-trees.html"))
    'Why trees'
    """
    if source is None:
        return None
    words = collapse(re.sub(r"^\d{5,}\.(?=\D)", "", source.stem).replace("_", " ").replace("-", " "))
    return words[:1].upper() + words[1:] if words else None


def ends_sentence(text: str, marks: str = ".!?…") -> bool:
    """True when ``text`` ends with one of ``marks``, ignoring closing quotes and brackets."""
    return text.rstrip().rstrip(CLOSERS).endswith(tuple(marks))


def row_sentence(header: Sequence[str], cells: Sequence[str]) -> str:
    """Say one table row: ``Header: cell, Header: cell.``, skipping empty cells."""
    parts: list[str] = []
    for index, cell in enumerate(cells):
        text = collapse(cell)
        if not text:
            continue
        label = collapse(header[index]) if index < len(header) else ""
        parts.append(f"{label}: {text}" if label else text)
    sentence = ", ".join(parts)
    if sentence and not ends_sentence(sentence):
        sentence += "."
    return sentence


def no_text(source: Path | None) -> InputError:
    """The error for an article with nothing speakable in it."""
    return InputError("the article has no text to read", path=source, fix=NO_TEXT_FIX)


def letters(text: str) -> str:
    """Text without case, spaces or punctuation: for comparing two readings of the same page, and
    telling a repeated title.

    >>> letters("Loose div, text with emphasis!")
    'loosedivtextwithemphasis'
    """
    return re.sub(r"[\W_]+", "", text.casefold())


def paragraphs(text: str | None) -> list[str]:
    r"""The paragraphs of plain text (parted by blank lines), each with its spaces made single:
    a description's, or a feed entry's plain text.

    >>> paragraphs("First one,\nwrapped.\n\n\n  Second. ")
    ['First one, wrapped.', 'Second.']
    """
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text or "") if p.strip()]


class ArticleBuilder:
    """Collects headings and blocks in reading order and assembles the :class:`Article`.

    Sections that end up without blocks are dropped, so a heading directly followed by
    another heading disappears (in an article; a script, ``keep_headings``, keeps it: its heading
    is spoken, and in a guide it is a stop, which later stops are numbered after); empty blocks
    are never stored.
    """

    def __init__(self, *, keep_headings: bool = False) -> None:
        self.keep_headings = keep_headings
        self._sections: list[Section] = []
        self._heading: str | None = None
        self._blocks: list[Block] = []
        self.count = 0
        """Blocks added so far, over all sections."""
        self.started = False
        """True once any heading or block has been seen."""

    def heading(self, text: str) -> None:
        """Start a new section; an empty heading is ignored."""
        text = collapse(text)
        if not text:
            return
        self._flush()
        self._heading = text
        self.started = True

    def add(self, kind: BlockKind, text: str, number: int | None = None) -> bool:
        """Add a block unless its text is empty; return whether it was added."""
        text = collapse(text)
        if not text:
            return False
        self._blocks.append(Block(kind, text, number=number))
        self.count += 1
        self.started = True
        return True

    def append_to_last(self, text: str) -> None:
        """Append ``text`` to the last block added (a list item's second paragraph)."""
        text = collapse(text)
        if text and self._blocks:
            last = self._blocks[-1]
            self._blocks[-1] = Block(last.kind, f"{last.text} {text}", number=last.number)

    def _flush(self) -> None:
        """Close the current section, keeping it only if it has blocks."""
        if self._blocks or (self.keep_headings and self._heading is not None):
            self._sections.append(Section(self._heading, tuple(self._blocks)))
        self._blocks = []

    def sections(self) -> tuple[Section, ...]:
        """The sections collected so far, each with at least one block."""
        self._flush()
        return tuple(self._sections)

    def build(self, title: str | None, source: Path | None, meta: ArticleMeta | None = None) -> Article:
        """Return the article, or raise :class:`InputError` when it has no text or title."""
        sections = self.sections()
        if not sections:
            raise no_text(source)
        title = collapse(title or "")
        if not title:
            raise InputError(
                "the article has no title", path=source, fix="Start it with a title line or heading"
            )
        first = sections[0]
        if first.heading is not None and letters(first.heading) == letters(title):
            # the title again as the first heading (an h2 under the page's title): the opening, not a chapter
            sections = (Section(None, first.blocks, first.location), *sections[1:])
        return Article(title=title, sections=sections, source=source, meta=meta or ArticleMeta())
