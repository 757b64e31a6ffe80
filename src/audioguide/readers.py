"""Readers: turn an article file (plain text, Markdown or HTML) into an :class:`Article`.

Every reader produces the same shape: a title and a tuple of sections, each section a
heading (``None`` for the untitled opening part) and its blocks in reading order. Blocks are
plain text: inline markup removed, whitespace collapsed, quotes and apostrophes kept as
written. Code, scripts, styles and page furniture (navigation, headers, footers) are not
read aloud and never reach the article.

:func:`read_article` picks the reader from the file extension through :data:`READERS`, so
another format only needs a ``parse_*`` function and a registry entry.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from bs4 import BeautifulSoup
from bs4.element import NavigableString, PageElement, PreformattedString, Tag
from markdown_it import MarkdownIt
from markdown_it.token import Token

from audioguide.errors import InputError
from audioguide.models import Article, Block, BlockKind, Section

Parser = Callable[[str, "Path | None"], Article]
"""A reader: article text (already decoded) and its source path in, an :class:`Article` out."""

NO_TEXT_FIX = "add some paragraphs of text (code, scripts and styles are not read aloud)"

# --------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------

_CLOSERS = "\"'”’»)]}"
"""Closing quotes and brackets that may follow a sentence's final punctuation."""


def collapse(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return " ".join(text.split())


def normalise_newlines(text: str) -> str:
    """Turn ``\\r\\n`` and lone ``\\r`` line ends into ``\\n`` and drop a leading BOM."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text[1:] if text.startswith("\ufeff") else text


def title_from_stem(source: Path | None) -> str | None:
    """Turn a file name such as ``my-first_post.md`` into words: ``My first post``."""
    if source is None:
        return None
    words = collapse(source.stem.replace("_", " ").replace("-", " "))
    return words[:1].upper() + words[1:] if words else None


def _ends_sentence(text: str, marks: str = ".!?…") -> bool:
    """True when ``text`` ends with one of ``marks``, ignoring closing quotes and brackets."""
    return text.rstrip().rstrip(_CLOSERS).endswith(tuple(marks))


def row_sentence(header: Sequence[str], cells: Sequence[str]) -> str:
    """Say one table row: ``Header: cell, Header: cell.``, skipping empty cells."""
    parts: list[str] = []
    for index, cell in enumerate(cells):
        cell = collapse(cell)
        if not cell:
            continue
        label = collapse(header[index]) if index < len(header) else ""
        parts.append(f"{label}: {cell}" if label else cell)
    sentence = ", ".join(parts)
    if sentence and not _ends_sentence(sentence):
        sentence += "."
    return sentence


def _no_text(source: Path | None) -> InputError:
    """The error for an article with nothing speakable in it."""
    return InputError("the article has no text to read", path=source, fix=NO_TEXT_FIX)


class _Builder:
    """Collects headings and blocks in reading order and assembles the :class:`Article`.

    Sections that end up without blocks are dropped, so a heading directly followed by
    another heading disappears; empty blocks are never stored.
    """

    def __init__(self) -> None:
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
        if self._blocks:
            self._sections.append(Section(self._heading, tuple(self._blocks)))
        self._blocks = []

    def sections(self) -> tuple[Section, ...]:
        """The sections collected so far, each with at least one block."""
        self._flush()
        return tuple(self._sections)

    def build(self, title: str | None, source: Path | None) -> Article:
        """Return the article, or raise :class:`InputError` when it has no text or title."""
        sections = self.sections()
        if not sections:
            raise _no_text(source)
        title = collapse(title or "")
        if not title:
            raise InputError(
                "the article has no title", path=source, fix="start it with a title line or heading"
            )
        return Article(title=title, sections=sections, source=source)


# --------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BINARY_FIX = "save the article as plain text, Markdown or HTML"
_CONTROL_OK = frozenset("\t\n\r\f\v\x1b")


def _looks_binary(text: str) -> bool:
    """True when more than 2 % of the first 8 KiB are control characters."""
    sample = text[:8192]
    controls = sum(
        1
        for ch in sample
        if ch not in _CONTROL_OK and (ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0)
    )
    return controls > max(1, len(sample) // 50)


def _decode_with_bom(data: bytes, path: Path | str | None) -> str | None:
    """Decode ``data`` by its byte-order mark, or return ``None`` when it has none."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                name = codec.replace("-sig", "").upper()
                raise InputError(
                    f"is not valid {name} text", path=path, fix="re-save it as UTF-8"
                ) from None
    return None


def decode_bytes(data: bytes, path: Path | str | None = None) -> str:
    """Decode an article's bytes and normalise its line ends to ``\\n``.

    UTF-8 (BOM stripped), UTF-16 and UTF-32 with a BOM; without a BOM, strict UTF-8, then
    cp1252, then latin-1. NUL bytes without a UTF-16/32 BOM, or many control characters,
    mean a binary file: :class:`InputError`.
    """
    text = _decode_with_bom(data, path)
    if text is None:
        if b"\x00" in data:
            raise InputError("looks like a binary file, not text", path=path, fix=_BINARY_FIX)
        for codec in ("utf-8", "cp1252", "latin-1"):
            try:
                text = data.decode(codec)
                break
            except UnicodeDecodeError:
                continue
    assert text is not None  # latin-1 decodes any bytes
    if _looks_binary(text):
        raise InputError("looks like a binary file, not text", path=path, fix=_BINARY_FIX)
    return normalise_newlines(text)


# --------------------------------------------------------------------------------------
# Plain text
# --------------------------------------------------------------------------------------

HEADING_MAX_WORDS = 12
HEADING_MAX_CHARS = 90
WRAP_MAX = 100
"""Lines longer than this mean one line per paragraph, not hard-wrapped text."""
WRAP_MIN = 50
"""Lower bound of the estimated wrap width, so short-lined files are not joined up."""

_NUMBERED = re.compile(r"(\d{1,3})[.)]\s+(\S.*)")
_BULLET = re.compile(r"[-*+•◦▪‣]\s+(\S.*)")
_UNDERLINE = re.compile(r"(?:={3,}|-{3,})")


@dataclass
class _Line:
    """A logical line of plain text: one or more physical lines joined."""

    text: str
    item: bool = False
    number: int | None = None
    physical: int = 1
    underlined: bool = False


def is_heading_line(text: str) -> bool:
    """A short bare line: few words, no final punctuation, starts with no lowercase letter."""
    words = text.split()
    return (
        0 < len(words) <= HEADING_MAX_WORDS
        and len(text) <= HEADING_MAX_CHARS
        and not _ends_sentence(text, ".!?:;…,")
        and any(ch.isalpha() for ch in text)
        and not text[0].islower()
    )


def _marker(stripped: str) -> _Line | None:
    """Return an item line for ``1. text`` / ``- text`` / ``• text``, else ``None``."""
    numbered = _NUMBERED.fullmatch(stripped)
    if numbered:
        return _Line(numbered.group(2), item=True, number=int(numbered.group(1)))
    bullet = _BULLET.fullmatch(stripped)
    if bullet:
        return _Line(bullet.group(1), item=True)
    return None


def _take_title(lines: list[str]) -> tuple[str | None, int]:
    """Return the first line with letters or digits as title, and where the body starts."""
    for index, line in enumerate(lines):
        if any(ch.isalnum() for ch in line):
            start = index + 1
            if start < len(lines) and _UNDERLINE.fullmatch(lines[start].strip()):
                start += 1
            return collapse(line), start
    return None, len(lines)


def _wrap_width(body: list[str]) -> int | None:
    """Estimate the wrap width of hard-wrapped text, or ``None`` for one line per block.

    Text counts as hard-wrapped when blank lines separate its paragraphs and no line is
    longer than :data:`WRAP_MAX`.
    """
    filled = [i for i, line in enumerate(body) if line.strip()]
    if not filled:
        return None
    inner = body[filled[0] : filled[-1] + 1]
    if all(line.strip() for line in inner):
        return None
    longest = max(len(body[i].rstrip().expandtabs()) for i in filled)
    return max(longest, WRAP_MIN) if longest <= WRAP_MAX else None


def _continues(last: _Line, prev_raw: str, raw: str, width: int | None) -> bool:
    """Whether physical line ``raw`` continues the logical line ``last`` (same paragraph)."""
    if last.underlined:
        return False
    stripped = raw.strip()
    if last.item and raw[:1] in (" ", "\t"):
        return True
    if width is not None:
        first_word = stripped.split()[0]
        if len(prev_raw.rstrip().expandtabs()) + 1 + len(first_word) > width:
            return True  # the previous line was full: a wrapped paragraph
    return stripped[0].islower() and not _ends_sentence(prev_raw)


def _logical_lines(body: list[str], width: int | None) -> list[_Line]:
    """Group physical lines into items and paragraph candidates, joining wrapped lines."""
    out: list[_Line] = []
    prev_raw: str | None = None  # previous non-blank line of the current run
    for raw in body:
        stripped = raw.strip()
        if not stripped:
            prev_raw = None
            continue
        if _UNDERLINE.fullmatch(stripped) and prev_raw is not None and out:
            if not out[-1].item and out[-1].physical == 1:
                out[-1].underlined = True
            prev_raw = None
            continue
        if not any(ch.isalnum() for ch in stripped):
            prev_raw = None  # a separator such as *** or ---
            continue
        item = _marker(stripped)
        if item is not None:
            out.append(item)
        elif prev_raw is not None and out and _continues(out[-1], prev_raw, raw, width):
            out[-1].text += " " + stripped
            out[-1].physical += 1
        else:
            out.append(_Line(stripped))
        prev_raw = raw
    return out


def parse_text(text: str, source: Path | None = None) -> Article:
    """Read a plain-text article: title on the first line, short bare lines as headings.

    Supports one line per paragraph (items ``1. ...``, bullets ``- ...``) and blank-line
    separated, hard-wrapped paragraphs whose lines are joined with spaces.
    """
    lines = normalise_newlines(text).split("\n")
    title, start = _take_title(lines)
    body = lines[start:]
    builder = _Builder()
    for line in _logical_lines(body, _wrap_width(body)):
        if line.item:
            builder.add("item", line.text, line.number)
        elif line.underlined or (line.physical == 1 and is_heading_line(line.text)):
            builder.heading(line.text)
        else:
            builder.add("paragraph", line.text)
    return builder.build(title, source)


# --------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------

_FENCE_CLOSERS = ("---", "...")


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    """The shared CommonMark parser, with tables enabled."""
    return MarkdownIt("commonmark").enable("table")


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split YAML front matter (``---`` ... ``---`` at the very top) from the Markdown body.

    Text whose header is not a YAML mapping is returned unchanged, with empty metadata.
    """
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return {}, text
    for index in range(1, len(lines)):
        if lines[index].rstrip() in _FENCE_CLOSERS:
            try:
                meta = yaml.safe_load("\n".join(lines[1:index]))
            except yaml.YAMLError:
                return {}, text
            if not isinstance(meta, dict):
                return {}, text
            return meta, "\n".join(lines[index + 1 :])
    return {}, text


def _front_matter_title(meta: dict[str, Any]) -> str | None:
    """The ``title`` of front matter as text, or ``None`` when absent or empty."""
    value = meta.get("title")
    if value is None or isinstance(value, (dict, list)):
        return None
    return collapse(str(value)) or None


def _md_inline(token: Token) -> str:
    """Plain text of an inline token: markup, images and HTML tags dropped."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "html_inline" and child.content.lower().startswith("<br"):
            parts.append(" ")
    return collapse("".join(parts))


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


class _MarkdownWalker:
    """Walks markdown-it's flat token stream and feeds a :class:`_Builder`."""

    def __init__(self, fm_title: str | None = None, *, take_title: bool = True) -> None:
        self.builder = _Builder()
        self.fm_title = fm_title
        self.take_title = take_title
        self.h1_title: str | None = None
        self.first_heading: str | None = None
        self._frames: list[_MdItem | _MdList | None] = []  # None marks a blockquote
        self._heading_tag: str | None = None
        self._table: dict[str, Any] | None = None

    def walk(self, tokens: Iterable[Token]) -> None:
        """Handle every token in order."""
        for token in tokens:
            self._handle(token)

    def _handle(self, token: Token) -> None:
        """Dispatch one token."""
        kind = token.type
        if kind == "heading_open":
            self._heading_tag = token.tag
        elif kind == "inline":
            self._inline(_md_inline(token))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            start = token.attrGet("start")
            number = int(start) if isinstance(start, (int, str)) and str(start).isdigit() else 1
            self._frames.append(_MdList(kind == "ordered_list_open", number))
        elif kind == "list_item_open":
            self._frames.append(_MdItem(self._next_number()))
        elif kind == "blockquote_open":
            self._frames.append(None)
        elif kind in ("bullet_list_close", "ordered_list_close", "list_item_close", "blockquote_close"):
            if self._frames:
                self._frames.pop()
        elif kind == "html_block":
            soup = BeautifulSoup(token.content, "lxml")
            _HtmlWalker(self.builder).walk(soup.body or soup)
        else:
            self._table_token(kind)

    def _next_number(self) -> int | None:
        """Number of a new item in the innermost list (``None`` in bullet lists)."""
        frame = self._frames[-1] if self._frames else None
        if isinstance(frame, _MdList) and frame.ordered:
            frame.next_number += 1
            return frame.next_number - 1
        return None

    def _table_token(self, kind: str) -> None:
        """Track table structure: header cells, body rows and their cells."""
        if kind == "table_open":
            self._table = {"header": [], "row": None, "in_head": False}
        elif kind == "table_close":
            self._table = None
        elif self._table is None:
            return
        elif kind in ("thead_open", "thead_close"):
            self._table["in_head"] = kind == "thead_open"
        elif kind == "tr_open":
            self._table["row"] = []
        elif kind in ("th_open", "td_open") and self._table["row"] is not None:
            self._table["row"].append("")
        elif kind == "tr_close":
            row, self._table["row"] = self._table["row"] or [], None
            if self._table["in_head"]:
                self._table["header"] = row
            else:
                self.builder.add("paragraph", row_sentence(self._table["header"], row))

    def _inline(self, text: str) -> None:
        """Place the text of an inline token: heading, table cell or paragraph."""
        if self._heading_tag is not None:
            tag, self._heading_tag = self._heading_tag, None
            self._heading(tag, text)
        elif self._table is not None and self._table["row"]:
            self._table["row"][-1] = text
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
    heading, else the file name. Code blocks and images are dropped; tables become one
    sentence per row.
    """
    meta, body = split_front_matter(normalise_newlines(text))
    walker = _MarkdownWalker(_front_matter_title(meta))
    walker.walk(_markdown().parse(body))
    title = walker.fm_title or walker.h1_title or walker.first_heading or title_from_stem(source)
    return walker.builder.build(title, source)


def markdown_blocks(text: str) -> list[tuple[str | None, tuple[Block, ...]]]:
    """Sections of a Markdown body (no front matter) as ``(heading, blocks)`` pairs.

    Used for episode scripts: no heading is taken as a title, every h1-h3 starts a
    section, and text before the first heading is the ``None`` section. Sections without
    blocks are left out; the result may be empty.
    """
    walker = _MarkdownWalker(take_title=False)
    walker.walk(_markdown().parse(normalise_newlines(text)))
    return [(section.heading, section.blocks) for section in walker.builder.sections()]


# --------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------

DROP_TAGS = frozenset(
    """script style noscript template nav header footer aside form svg iframe button
    figcaption head title meta link select option textarea input object embed canvas
    audio video map dialog pre rp""".split()
)
"""Elements never read aloud, with everything inside them."""

INLINE_TAGS = frozenset(
    """a abbr acronym b bdi bdo big br cite code data del dfn em font i img ins kbd label
    mark nobr q ruby rt s samp small span strike strong sub sup time tt u var wbr""".split()
)
"""Elements that flow inside a line of text; every other element breaks the text."""

SECTION_TAGS = frozenset({"h1", "h2", "h3"})
PARAGRAPH_TAGS = frozenset({"p", "dt", "h4", "h5", "h6", "caption"})
DEFERRED_TAGS = frozenset({"ul", "ol", "dl", "table", "blockquote"})
"""Structures inside a list item or definition that are read after the item's own text."""
LAYOUT_MARKERS = frozenset({"p", "div", "table", "ul", "ol", "h1", "h2", "h3", "blockquote"})
"""Elements that, inside a table cell, mark the table as page layout rather than data."""


def is_dropped(tag: Tag) -> bool:
    """True for elements that are not read: page furniture, code, hidden elements."""
    if tag.name in DROP_TAGS or tag.has_attr("hidden"):
        return True
    if str(tag.get("aria-hidden", "")).strip().lower() == "true":
        return True
    style = str(tag.get("style", "")).replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _is_text(node: PageElement) -> bool:
    """True for ordinary text nodes (not comments, CDATA, doctypes...)."""
    return isinstance(node, NavigableString) and not isinstance(node, PreformattedString)


def _inside_dropped(tag: Tag, allow: frozenset[str] = frozenset()) -> bool:
    """True when ``tag`` or an ancestor is dropped (ancestors named in ``allow`` excepted)."""
    node: Tag | None = tag
    while node is not None:
        if node.name not in allow and is_dropped(node):
            return True
        node = node.parent
    return False


def html_text(node: Tag, defer: frozenset[str] = frozenset()) -> tuple[str, list[Tag]]:
    """Plain text under ``node``, with the elements named in ``defer`` set aside, in order."""
    return nodes_text(node.contents, defer)


def nodes_text(
    nodes: Sequence[PageElement], defer: frozenset[str] = frozenset()
) -> tuple[str, list[Tag]]:
    """Plain text of ``nodes`` and their descendants, and the deferred elements, in order.

    Inline elements join without added spaces; other elements and ``<br>`` separate text.
    Dropped elements are skipped. Iterative, so any nesting depth is fine.
    """
    parts: list[str] = []
    deferred: list[Tag] = []
    stack: list[PageElement | str] = list(reversed(nodes))
    while stack:
        current = stack.pop()
        if not isinstance(current, PageElement):
            parts.append(current)  # a separator pushed below
        elif _is_text(current):
            parts.append(str(current))
        elif isinstance(current, Tag) and not is_dropped(current):
            if current.name in defer:
                deferred.append(current)
            elif current.name == "br":
                parts.append(" ")
            elif current.name in INLINE_TAGS:
                stack.extend(reversed(current.contents))
            else:
                stack.append(" ")
                stack.extend(reversed(current.contents))
                stack.append(" ")
    return collapse("".join(parts)), deferred


def _ol_numbers(ol: Tag) -> dict[int, int]:
    """Numbers of an ``<ol>``'s items, keyed by ``id(li)``; honours ``start``, ``value``, ``reversed``."""
    items = [child for child in ol.children if isinstance(child, Tag) and child.name == "li"]
    step = -1 if ol.has_attr("reversed") else 1
    number = _int_attr(ol, "start", len(items) if step < 0 else 1)
    numbers: dict[int, int] = {}
    for li in items:
        number = _int_attr(li, "value", number)
        numbers[id(li)] = number
        number += step
    return numbers


def _int_attr(tag: Tag, name: str, default: int) -> int:
    """An integer attribute, or ``default`` when missing or not a number."""
    try:
        return int(str(tag.get(name, "")).strip())
    except ValueError:
        return default


def _own_rows(table: Tag) -> list[Tag]:
    """The ``<tr>`` rows of ``table`` itself, not of tables nested in it."""
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _cells(row: Tag) -> list[Tag]:
    """The ``<th>``/``<td>`` cells of a row."""
    return [cell for cell in row.children if isinstance(cell, Tag) and cell.name in ("th", "td")]


def _is_layout_table(table: Tag) -> bool:
    """True when a cell holds paragraphs or other blocks: a layout table, read as text."""
    for row in _own_rows(table):
        for cell in _cells(row):
            if cell.find(LAYOUT_MARKERS) is not None:
                return True
    return False


def table_sentences(table: Tag) -> list[str]:
    """One sentence per data row (``Header: cell, ...``), the caption first."""
    sentences: list[str] = []
    caption = table.find("caption")
    if caption is not None and caption.find_parent("table") is table:
        sentences.append(html_text(caption)[0])
    rows = _own_rows(table)
    header: list[str] = []
    head_rows = [row for row in rows if row.parent is not None and row.parent.name == "thead"]
    if head_rows:
        header = [html_text(cell)[0] for cell in _cells(head_rows[0])]
        rows = [row for row in rows if not any(row is head for head in head_rows)]
    elif rows and all(cell.name == "th" for cell in _cells(rows[0])):
        header = [html_text(cell)[0] for cell in _cells(rows[0])]
        rows = rows[1:]
    for row in rows:
        sentences.append(row_sentence(header, [html_text(cell)[0] for cell in _cells(row)]))
    return sentences


_Run = list[PageElement]


class _HtmlWalker:
    """Walks an HTML element tree (iteratively) and feeds a :class:`_Builder`."""

    def __init__(self, builder: _Builder, skip: Tag | None = None) -> None:
        self.builder = builder
        self.skip = skip
        self.numbers: dict[int, int] = {}

    def walk(self, root: Tag) -> None:
        """Visit ``root``'s content in document order."""
        stack: list[Tag | _Run] = []
        self._push_children(root, stack)
        while stack:
            current = stack.pop()
            if isinstance(current, list):
                self._run(current)
            elif current is not self.skip and not is_dropped(current):
                self._visit(current, stack)

    def _visit(self, tag: Tag, stack: list[Tag | _Run]) -> None:
        """Emit what one block element says, pushing any children still to visit."""
        name = tag.name
        if name in SECTION_TAGS:
            self.builder.heading(html_text(tag)[0])
        elif name in PARAGRAPH_TAGS:
            self.builder.add("paragraph", html_text(tag)[0])
        elif name in ("li", "dd"):
            text, deferred = html_text(tag, DEFERRED_TAGS)
            if name == "li":
                self.builder.add("item", text, self.numbers.get(id(tag)))
            else:
                self.builder.add("paragraph", text)
            stack.extend(reversed(deferred))
        elif name == "table" and not _is_layout_table(tag):
            for sentence in table_sentences(tag):
                self.builder.add("paragraph", sentence)
        else:
            if name == "ol":
                self.numbers.update(_ol_numbers(tag))
            self._push_children(tag, stack)

    @staticmethod
    def _push_children(tag: Tag, stack: list[Tag | _Run]) -> None:
        """Push a container's children: block elements, and runs of inline content."""
        pending: list[Tag | _Run] = []
        run: _Run = []
        for child in tag.children:
            if _is_text(child) or (isinstance(child, Tag) and child.name in INLINE_TAGS):
                run.append(child)
            elif isinstance(child, Tag):
                if run:
                    pending.append(run)
                    run = []
                pending.append(child)
        if run:
            pending.append(run)
        stack.extend(reversed(pending))

    def _run(self, run: _Run) -> None:
        """A container's own text run becomes a paragraph, unless it is only code."""
        code_only = all(
            (node.name in ("code", "br"))
            if isinstance(node, Tag)
            else not (_is_text(node) and str(node).strip())
            for node in run
        )
        if not code_only:
            self.builder.add("paragraph", nodes_text(run)[0])


def content_root(soup: BeautifulSoup) -> Tag:
    """The main content: first ``<article>``, ``<main>``, ``[role=main]``, ``<body>``, or all.

    Candidates inside dropped elements (an ``<aside>`` teaser, say) are passed over.
    """
    for found in (
        soup.find_all("article"),
        soup.find_all("main"),
        soup.find_all(attrs={"role": "main"}),
    ):
        for tag in found:
            if isinstance(tag, Tag) and not _inside_dropped(tag):
                return tag
    return soup.body or soup


def _title_heading(root: Tag, is_page: bool) -> Tag | None:
    """The first non-empty, visible ``<h1>`` in the content.

    An ``<h1>`` inside a ``<header>`` counts only within an article or main element (a
    page-wide header usually holds the site name) and only when no other ``<h1>`` exists.
    """
    in_header: Tag | None = None
    for h1 in root.find_all("h1"):
        if not isinstance(h1, Tag) or not html_text(h1)[0]:
            continue
        if not _inside_dropped(h1):
            return h1
        if in_header is None and not is_page and not _inside_dropped(h1, frozenset({"header"})):
            in_header = h1
    return in_header


def parse_html(text: str, source: Path | None = None) -> Article:
    """Read an HTML article: the main content's headings, paragraphs, lists and tables.

    Title: the first ``<h1>`` of the content (then not a section), else ``<title>``, else
    the file name.
    """
    soup = BeautifulSoup(normalise_newlines(text), "lxml")
    root = content_root(soup)
    heading = _title_heading(root, is_page=root is soup.body or root is soup)
    builder = _Builder()
    _HtmlWalker(builder, skip=heading).walk(root)
    if heading is not None:
        title: str | None = html_text(heading)[0]
    else:
        title_tag = soup.find("title")
        title = title_tag.get_text() if isinstance(title_tag, Tag) else None
    return builder.build(collapse(title or "") or title_from_stem(source), source)


# --------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------

READERS: dict[str, Parser] = {
    ".txt": parse_text,
    ".text": parse_text,
    ".md": parse_markdown,
    ".markdown": parse_markdown,
    ".html": parse_html,
    ".htm": parse_html,
}
"""Article readers by lower-case file extension; register a new format by adding to it."""


def supported_extensions() -> str:
    """The main extension of each reader, for messages: ``.txt, .md or .html``."""
    seen: dict[Parser, str] = {}
    for extension, parser in READERS.items():
        seen.setdefault(parser, extension)
    names = list(seen.values())
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _reader_for(path: Path) -> Parser:
    """The reader for ``path``'s extension, or :class:`InputError` naming the fix."""
    parser = READERS.get(path.suffix.lower())
    if parser is None:
        problem = (
            f"unsupported file type '{path.suffix}'" if path.suffix else "has no file extension"
        )
        fix = f"rename it to {supported_extensions()} (or convert it to one of these formats)"
        raise InputError(problem, path=path, fix=fix)
    return parser


def _read_bytes(path: Path) -> bytes:
    """The file's bytes; :class:`InputError` for a missing path, a directory or no access."""
    if not path.exists():
        raise InputError("file not found", path=path, fix="check the path and the file name")
    if path.is_dir():
        raise InputError(
            "is a directory, not a file",
            path=path,
            fix=f"pass an article file ({supported_extensions()})",
        )
    try:
        return path.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InputError(
            f"cannot be read ({reason.lower()})",
            path=path,
            fix="check that the file is readable by you",
        ) from None


def read_article(path: Path) -> Article:
    """Read the article at ``path`` with the reader its extension selects.

    Raises :class:`InputError` (exit code 2) for a missing file, a directory, an unknown
    extension, an unreadable or binary file, or an article with no text to read.
    """
    path = Path(path)
    data = _read_bytes(path)
    parser = _reader_for(path)
    return parser(decode_bytes(data, path), path)
