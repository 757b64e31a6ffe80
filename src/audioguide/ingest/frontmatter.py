"""Front matter: the metadata block at the top of a Markdown article or an episode script.

One parser for both. :func:`split_front_matter` splits a document into its metadata and its
body. Today the only syntax is YAML between ``---`` lines; another syntax (TOML between
``+++`` lines, say) is one more :class:`Syntax` in :data:`SYNTAXES`.

The rules:

* Blank lines before the opening fence are allowed; the opening fence is the first
  non-blank line (``---``, or more dashes, surrounding whitespace ignored).
* The block ends at the next closing fence line (``---`` or more dashes, or YAML's ``...``
  document end; trailing whitespace ignored). Without one, there is no front matter.
* An empty block is empty metadata. A block that is not valid YAML, holds a value YAML
  cannot build (``date: 2020-13-45``), is not a mapping, or has a key that is not text
  raises :class:`FrontMatterError`: episode scripts report it, the Markdown reader reads
  the whole document as text instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from audioguide.errors import InputError

_SAFE_LOADER = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
"""libyaml's safe loader when PyYAML has it: faster, and it refuses absurd nesting with a
YAML error where the pure-Python loader runs out of stack."""


class FrontMatterError(InputError):
    """Front matter that opens and closes but cannot be read (exit code 2)."""


@dataclass(frozen=True)
class Syntax:
    """A front-matter syntax: its fences, how to load its text, and its syntax errors."""

    name: str
    """Name for messages: ``YAML``."""
    fence: str
    """The fence as written in messages and by writers: ``---``."""
    opener: re.Pattern[str]
    """Matches the whole opening fence line (stripped)."""
    closer: re.Pattern[str]
    """Matches the whole closing fence line (right-stripped)."""
    load: Callable[[str], object]
    """Text between the fences in, data out (``None`` for an empty block)."""
    errors: tuple[type[Exception], ...]
    """What :attr:`load` raises for text that is not valid in this syntax."""


def _load_yaml(text: str) -> object:
    """Load YAML with the safe loader (plain data only, no Python objects)."""
    loaded: object = yaml.load(text, Loader=_SAFE_LOADER)
    return loaded


YAML = Syntax(
    name="YAML",
    fence="---",
    opener=re.compile(r"-{3,}"),
    closer=re.compile(r"-{3,}|\.\.\."),
    load=_load_yaml,
    errors=(yaml.YAMLError,),
)

SYNTAXES: tuple[Syntax, ...] = (YAML,)
"""Front-matter syntaxes, tried in order on the first non-blank line of a document."""


def _first_line(error: BaseException) -> str:
    """The first line of an exception's message, or its type's name when it has none."""
    return (str(error).splitlines() or [type(error).__name__])[0]


def _as_metadata(syntax: Syntax, text: str, path: Path | str | None) -> dict[str, Any]:
    """Load the text between the fences as a mapping with text keys."""
    fix = f"Fix the lines between the {syntax.fence} markers"
    cannot_read = f"front matter has a value {syntax.name} cannot read"
    value_fix = f"{fix}: text keys, dates as YYYY-MM-DD"
    try:
        data = syntax.load(text)
    except syntax.errors as error:
        raise FrontMatterError(
            f"front matter is not valid {syntax.name} ({_first_line(error)})", path=path, fix=fix
        ) from error
    except (ValueError, TypeError, RecursionError) as error:  # a date such as 2020-13-45
        raise FrontMatterError(
            f"{cannot_read} ({_first_line(error)})", path=path, fix=value_fix
        ) from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError(
            f"front matter is not a set of 'key: value' lines (found {type(data).__name__})",
            path=path,
            fix=fix,
        )
    metadata: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            raise FrontMatterError(f"{cannot_read} (key {key!r} is not text)", path=path, fix=value_fix)
        metadata[key] = value
    return metadata


def split_front_matter(text: str, path: Path | str | None = None) -> tuple[dict[str, Any], str]:
    """Split ``text`` into its front matter and its body.

    Returns ``({}, text)`` unchanged when the document has no front matter (no opening
    fence, or no closing fence); otherwise the metadata and everything after the closing
    fence line. Raises :class:`FrontMatterError` (naming ``path``) when the front matter
    cannot be read; see the module docstring for the rules.
    """
    lines = text.split("\n")
    start = next((index for index, line in enumerate(lines) if line.strip()), None)
    if start is None:
        return {}, text
    fence = lines[start].strip()
    syntax = next((s for s in SYNTAXES if s.opener.fullmatch(fence)), None)
    if syntax is None:
        return {}, text
    for end in range(start + 1, len(lines)):
        if syntax.closer.fullmatch(lines[end].rstrip()):
            metadata = _as_metadata(syntax, "\n".join(lines[start + 1 : end]), path)
            return metadata, "\n".join(lines[end + 1 :])
    return {}, text
