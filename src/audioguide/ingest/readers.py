"""Readers: turn an article file (plain text, Markdown or HTML) into an :class:`Article`.

This module decodes the file's bytes and picks the reader from the file extension through
:data:`READERS`; the readers themselves live in one module per format
(:mod:`~audioguide.ingest.text`, :mod:`~audioguide.ingest.markdown`,
:mod:`~audioguide.ingest.html`), built on :mod:`~audioguide.ingest.blocks`. Another format
only needs a ``parse_*`` function and a registry entry.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path

from audioguide.errors import InputError
from audioguide.ingest.blocks import normalise_newlines, printable
from audioguide.ingest.markdown import parse_markdown
from audioguide.ingest.text import parse_text
from audioguide.models import Article

Parser = Callable[[str, "Path | None"], Article]
"""A reader: article text (already decoded) and its source path in, an :class:`Article` out."""

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
    return printable(normalise_newlines(text))

# --------------------------------------------------------------------------------------
# HTML (in audioguide.ingest.extract, imported only when an HTML article is read)
# --------------------------------------------------------------------------------------


def parse_html(text: str, source: Path | None = None) -> Article:
    """Read an HTML page's article: see :func:`audioguide.ingest.extract.page_article`."""
    from audioguide.ingest.extract import page_article

    return page_article(text, source=source)


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
        raise InputError("file not found", path=path, fix="Check the path and the file name")
    if path.is_dir():
        raise InputError(
            "is a directory, not a file",
            path=path,
            fix=f"Pass an article file ({supported_extensions()})",
        )
    try:
        return path.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InputError(
            f"cannot be read ({reason.lower()})",
            path=path,
            fix="Check that the file is readable by you",
        ) from None


def url_given(path: Path | str) -> str | None:
    """The web address ``path`` was typed as, if it was one (a path turns ``https://`` into
    ``https:/``), and no such file exists.

    >>> url_given(Path("https://example.com/post"))
    'https://example.com/post'
    >>> url_given(Path("notes/post.md")) is None
    True
    """
    text = str(path)
    for scheme in ("http", "https"):
        if text.startswith(f"{scheme}:/") and not Path(path).exists():
            return f"{scheme}://" + text[len(scheme) + 2:].lstrip("/")
    return None


def not_yet_a_url(path: Path | str) -> None:
    """Refuse a web address where a file is needed (``render``), with one clear line."""
    url = url_given(path)
    if url is not None:
        raise InputError(f"{url} is a web address, and render reads episode scripts and files",
                         fix=f"Import it first: audioguide import {url}")


def read_article(path: Path) -> Article:
    """Read the article at ``path`` with the reader its extension selects.

    Raises :class:`InputError` (exit code 2) for a missing file, a directory, an unknown
    extension, an unreadable or binary file, or an article with no text to read.
    """
    not_yet_a_url(path)
    path = Path(path)
    data = _read_bytes(path)
    parser = _reader_for(path)
    return parser(decode_bytes(data, path), path)
