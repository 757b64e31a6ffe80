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
            from audioguide.ingest.html import walk_fragment

            walk_fragment(self.builder, token.content)
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
# HTML (in audioguide.html_reader, imported only when an HTML article is read)
# --------------------------------------------------------------------------------------


def parse_html(text: str, source: Path | None = None) -> Article:
    """Read an HTML article: see :func:`audioguide.ingest.html.parse_html`."""
    from audioguide.ingest.html import parse_html as parse

    return parse(text, source)


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
