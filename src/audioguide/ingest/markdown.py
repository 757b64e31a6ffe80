"""The Markdown reader: CommonMark plus tables (markdown-it), with optional front matter.

Also reads the Markdown body of episode scripts (:func:`markdown_blocks`). Raw HTML blocks
are read with :mod:`audioguide.ingest.html`, imported only when a document has one.

What is never read aloud goes first: template tags, HTML comments and attribute lists
(:mod:`audioguide.ingest.shortcodes`). Footnotes (``[^1]`` and ``^[…]`` markers, ``[^1]: …``
definitions) are parsed by mdit-py-plugins and dropped; MkDocs admonitions (``!!! note "Title"``
with an indented body) are read as their title, when one is written, and their body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from audioguide.ingest.blocks import (
    ArticleBuilder,
    collapse,
    normalise_newlines,
    row_sentence,
    title_from_stem,
)
from audioguide.ingest.facts import article_meta
from audioguide.ingest.frontmatter import split_front_matter
from audioguide.ingest.shortcodes import clean
from audioguide.models import Article, Block

_LIST_CLOSE = frozenset({"bullet_list_close", "ordered_list_close", "list_item_close"})
_BREAKS = frozenset({"softbreak", "hardbreak"})
_ALERT = re.compile(r"\[![A-Za-z]+\][+-]?[ \t]*")
"""An alert or callout marker, the first line of a blockquote: ``[!NOTE]``, ``[!tip]- Title``."""


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    """The shared CommonMark parser, with tables, footnotes, admonitions, and what GitHub-style
    posts use: struck-out text (not read: it is no longer so), task lists (the box is not read
    as an "x") and ``$…$`` maths (not read as dollars; ``$5 or $10`` stays money)."""
    return (MarkdownIt("commonmark").enable("table").enable("strikethrough").use(footnote_plugin)
            .use(admon_plugin).use(tasklists_plugin).use(dollarmath_plugin, allow_space=False, allow_digits=False))


_TEX_WORDS = {r"\times": "×", r"\cdot": "×", r"\div": "÷", r"\pm": "±", r"\leq": "≤", r"\le": "≤",
              r"\geq": "≥", r"\ge": "≥", r"\approx": "≈", r"\neq": "≠", r"\%": "%"}


def _spoken_math(tex: str) -> str:
    r"""Inline maths as text when it is simple enough to read (``s``, ``r = 0.35 \times s``:
    ``r = 0.35 × s``); left out when it is not (fractions, powers, anything else of TeX).

    >>> _spoken_math(r"r = 0.35 \times s"), _spoken_math(r"\frac{a}{b}")
    ('r = 0.35 × s', '')
    """
    text = re.sub(r"\\[a-zA-Z]+|\\%", lambda m: _TEX_WORDS.get(m.group(0), m.group(0)), tex)
    return "" if re.search(r"[\\{}^_]", text) else " ".join(text.split())


def _tokens(body: str) -> list[Token]:
    """The tokens of a Markdown body, after what is never read aloud is taken out."""
    return _markdown().parse(clean(normalise_newlines(body)))


def _front_matter_title(meta: dict[str, Any]) -> str | None:
    """The ``title`` of front matter as text, or ``None`` when absent or empty."""
    value = meta.get("title")
    if value is None or isinstance(value, (dict, list)):
        return None
    return collapse(str(value)) or None


def _md_inline(token: Token) -> str:
    """Plain text of an inline token: markup, images and HTML tags dropped."""
    parts: list[str] = []
    struck = 0
    dropped = False
    for child in token.children or []:
        if child.type in ("s_open", "s_close"):
            struck += 1 if child.type == "s_open" else -1
        elif struck:
            continue
        elif child.type == "math_inline":
            spoken = _spoken_math(child.content)
            dropped = dropped or not spoken  # what was before it may now stand before a full stop
            parts.append(spoken)
        elif child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif child.type in _BREAKS or (
            child.type == "html_inline" and child.content.lower().startswith("<br")
        ):
            parts.append(" ")
    return collapse(re.sub(r"\s+([.,;:!?])", r"\1", "".join(parts)) if dropped else "".join(parts))


@dataclass
class _MdItem:
    """An open Markdown list item: its number and the block it produced, if any."""

    number: int | None
    block_at: int | None = None


@dataclass
class _MdList:
    """An open Markdown list: whether it is ordered and the next item's number."""

    ordered: bool
    next_number: int


@dataclass
class _MdTable:
    """An open Markdown table: its header cells, the row being read, and where we are."""

    header: list[str] = field(default_factory=list)
    row: list[str] | None = None
    in_head: bool = False


class _MarkdownWalker:
    """Walks markdown-it's flat token stream and feeds an :class:`ArticleBuilder`."""

    def __init__(self, fm_title: str | None = None, *, take_title: bool = True) -> None:
        self.builder = ArticleBuilder(keep_headings=not take_title)
        self.fm_title = fm_title
        self.take_title = take_title
        self.h1_title: str | None = None
        self.first_heading: str | None = None
        self._frames: list[_MdItem | _MdList | None] = []  # None marks a blockquote
        self._heading_tag: str | None = None
        self._table: _MdTable | None = None
        self._explicit_title = False
        self._admonition_title: bool | None = None
        """Inside an admonition's title: whether it is said (``None`` outside one)."""
        self._quote_opened = False
        """A blockquote has just opened: its first line may be an alert marker."""

    def walk(self, tokens: Iterable[Token]) -> None:
        """Handle every token in order, footnote definitions left out."""
        in_footnotes = False
        for token in tokens:
            if token.type in ("footnote_block_open", "footnote_block_close"):
                in_footnotes = token.type == "footnote_block_open"
            elif not in_footnotes:
                self._handle(token)

    def _handle(self, token: Token) -> None:
        """Dispatch one token."""
        kind = token.type
        if kind == "heading_open":
            self._heading_tag = token.tag
        elif kind == "inline" and self._admonition_title is not None:
            if self._admonition_title:
                self.builder.add("paragraph", _md_inline(token))
        elif kind == "inline":
            if self._quote_opened:
                token = self._without_alert_marker(token)
            self._inline(_md_inline(token))
        elif kind == "admonition_open":  # MkDocs: !!! note "Title"; a title written out is said
            self._frames.append(None)
            self._explicit_title = '"' in token.info
        elif kind in ("admonition_title_open", "admonition_title_close"):
            self._admonition_title = self._explicit_title if kind == "admonition_title_open" else None
        elif kind == "admonition_close":
            if self._frames:
                self._frames.pop()
        elif kind in ("bullet_list_open", "ordered_list_open"):
            start = token.attrGet("start")
            number = int(start) if isinstance(start, (int, str)) and str(start).isdigit() else 1
            self._frames.append(_MdList(kind == "ordered_list_open", number))
        elif kind == "list_item_open":
            self._frames.append(_MdItem(self._next_number()))
        elif kind == "blockquote_open":
            self._frames.append(None)
            self._quote_opened = True
        elif kind in _LIST_CLOSE or kind == "blockquote_close":
            if self._frames:
                self._frames.pop()
        elif kind == "html_block":
            from audioguide.ingest.html import walk_fragment  # bs4 only when needed

            walk_fragment(self.builder, token.content)
        else:
            self._table_token(kind)

    def _without_alert_marker(self, token: Token) -> Token:
        """The first paragraph of a blockquote without its alert marker: GitHub's ``> [!NOTE]``
        and Obsidian's ``> [!tip]- Title`` callouts. As with an admonition (``!!! note``), the
        kind is not said; a title written after it is, as a paragraph of its own."""
        self._quote_opened = False
        marker = _ALERT.match(token.content)
        if marker is None:
            return token
        children = token.children or []
        line_end = next((i for i, c in enumerate(children) if c.type in _BREAKS), len(children))
        title = _md_inline(token.copy(children=children[:line_end]))[marker.end():].strip()
        if title:
            self.builder.add("paragraph", title)
        return token.copy(children=children[line_end + 1:])

    def _next_number(self) -> int | None:
        """Number of a new item in the innermost list (``None`` in bullet lists)."""
        frame = self._frames[-1] if self._frames else None
        if isinstance(frame, _MdList) and frame.ordered:
            frame.next_number += 1
            return frame.next_number - 1
        return None

    def _table_token(self, kind: str) -> None:
        """Track table structure: header cells, body rows and their cells."""
        table = self._table
        if kind == "table_open":
            self._table = _MdTable()
        elif kind == "table_close":
            self._table = None
        elif table is None:
            return
        elif kind in ("thead_open", "thead_close"):
            table.in_head = kind == "thead_open"
        elif kind == "tr_open":
            table.row = []
        elif kind in ("th_open", "td_open") and table.row is not None:
            table.row.append("")
        elif kind == "tr_close":
            row, table.row = table.row or [], None
            if table.in_head:
                table.header = row
            else:
                self.builder.add("paragraph", row_sentence(table.header, row))

    def _inline(self, text: str) -> None:
        """Place the text of an inline token: heading, table cell or paragraph."""
        if self._heading_tag is not None:
            tag, self._heading_tag = self._heading_tag, None
            self._heading(tag, text)
        elif self._table is not None and self._table.row:
            self._table.row[-1] = text
        else:
            self._paragraph(text)

    def _heading(self, tag: str, text: str) -> None:
        """h1 before any content is the title; h1-h3 start sections; h4-h6 are paragraphs."""
        if not text:
            return
        if self.first_heading is None:
            self.first_heading = text
        leading = (
            self.take_title and tag == "h1" and not self.builder.started and self.h1_title is None
        )
        if leading and (self.fm_title is None or self.fm_title.casefold() == text.casefold()):
            self.h1_title = text
        elif tag in ("h1", "h2", "h3"):
            self.builder.heading(text)
        else:
            self.builder.add("paragraph", text)

    def _paragraph(self, text: str) -> None:
        """A paragraph: the text of a list item, more of that item, or a paragraph."""
        frame = self._frames[-1] if self._frames else None
        if not isinstance(frame, _MdItem):
            self.builder.add("paragraph", text)
        elif frame.block_at is None:
            if self.builder.add("item", text, frame.number):
                frame.block_at = self.builder.count
        elif frame.block_at == self.builder.count:
            self.builder.append_to_last(text)
        else:
            self.builder.add("paragraph", text)


def parse_markdown(text: str, source: Path | None = None) -> Article:
    """Read a Markdown article (CommonMark plus tables, optional YAML front matter).

    Title: the front matter ``title``, else a leading ``#`` heading, else the first
    heading, else the file name. Code blocks, images, footnotes and template tags are
    dropped; tables become one sentence per row. The front matter (YAML, TOML or JSON) gives the article's facts
    (:func:`audioguide.ingest.facts.article_meta`); front matter that cannot be read raises
    :class:`~audioguide.ingest.frontmatter.FrontMatterError` naming the line to fix.
    """
    meta, body = split_front_matter(normalise_newlines(text), source)
    return markdown_article(meta, body, source)


def markdown_article(meta: dict[str, Any], body: str, source: Path | None = None) -> Article:
    """The article in a Markdown ``body`` whose front matter ``meta`` is already read (see
    :func:`parse_markdown`); a site reader adds what the site says about the post to ``meta``."""
    walker = _MarkdownWalker(_front_matter_title(meta))
    walker.walk(_tokens(body))
    title = walker.fm_title or walker.h1_title or walker.first_heading or title_from_stem(source)
    return walker.builder.build(title, source, article_meta(meta, source))


def markdown_blocks(text: str) -> list[tuple[str | None, tuple[Block, ...]]]:
    """Sections of a Markdown body (no front matter) as ``(heading, blocks)`` pairs.

    Used for episode scripts: no heading is taken as a title, every h1-h3 starts a
    section, and text before the first heading is the ``None`` section. A heading with nothing
    under it is a section without blocks; the result may be empty.
    """
    walker = _MarkdownWalker(take_title=False)
    walker.walk(_tokens(text))
    return [(section.heading, section.blocks) for section in walker.builder.sections()]
