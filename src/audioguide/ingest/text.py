"""The plain-text reader: a title line, short bare lines as headings, paragraphs and lists."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from audioguide.ingest.blocks import (
    ArticleBuilder,
    collapse,
    ends_sentence,
    normalise_newlines,
)
from audioguide.models import Article

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
        and not ends_sentence(text, ".!?:;…,")
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
    return stripped[0].islower() and not ends_sentence(prev_raw)


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
    builder = ArticleBuilder()
    for line in _logical_lines(body, _wrap_width(body)):
        if line.item:
            builder.add("item", line.text, line.number)
        elif line.underlined or (line.physical == 1 and is_heading_line(line.text)):
            builder.heading(line.text)
        else:
            builder.add("paragraph", line.text)
    return builder.build(title, source)
