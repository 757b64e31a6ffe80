"""Front matter: the metadata block at the top of a Markdown article or an episode script.

One parser for both. :func:`split_front_matter` splits a document into its metadata and its
body. Three syntaxes are recognised, as static-site generators write them (Hugo accepts all
three, Jekyll and Eleventy the first):

* YAML between ``---`` lines (YAML's ``...`` document end also closes it);
* TOML between ``+++`` lines;
* JSON: an object whose opening ``{`` and closing ``}`` stand on lines of their own.

The rules:

* Blank lines before the opening fence are allowed; the opening fence is the first
  non-blank line (surrounding whitespace ignored).
* The block ends at the next closing fence line. A block that is never closed is an error
  when the line after the opening fence looks like metadata (``key: value``, ``key = value``
  or ``"key":``); otherwise the opening line is ordinary text (a Markdown rule, say).
* An empty block is empty metadata. A block that is not valid in its syntax, holds a value
  it cannot build (``date: 2020-13-45``), is not a mapping, or has a key that is not text
  raises :class:`FrontMatterError`, naming the line and column in the file where it can.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
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
    """Front matter that cannot be read (exit code 2)."""


@dataclass(frozen=True)
class Syntax:
    """A front-matter syntax: its fences, how to load its text, and where its errors are."""

    name: str
    """Name for messages: ``YAML``."""
    fence: str
    """The closing fence as written in messages: ``---``."""
    opener: re.Pattern[str]
    """Matches the whole opening fence line (stripped)."""
    closer: re.Pattern[str]
    """Matches the whole closing fence line (right-stripped: JSON's inner braces are indented)."""
    load: Callable[[str], object]
    """Text of the block in, data out (``None`` for an empty block)."""
    errors: tuple[type[Exception], ...]
    """What :attr:`load` raises for text that is not valid in this syntax."""
    locate: Callable[[Exception], tuple[int, int] | None]
    """Line and column (1-based, within the loaded text) of a syntax error, when known."""
    fences_are_data: bool = False
    """True for JSON: the braces on the fence lines belong to the loaded text."""


def _load_yaml(text: str) -> object:
    """Load YAML with the safe loader (plain data only, no Python objects)."""
    loaded: object = yaml.load(text, Loader=_SAFE_LOADER)
    return loaded


def _yaml_position(error: Exception) -> tuple[int, int] | None:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return (mark.line + 1, mark.column + 1) if mark is not None else None


_AT_LINE = re.compile(r"\(at line (\d+), column (\d+)\)|\(at end of document\)")


def _toml_position(error: Exception) -> tuple[int, int] | None:
    found = _AT_LINE.search(str(error))
    return (int(found.group(1)), int(found.group(2))) if found and found.group(1) else None


def _json_position(error: Exception) -> tuple[int, int] | None:
    return (error.lineno, error.colno) if isinstance(error, json.JSONDecodeError) else None


def _problem(error: Exception) -> str:
    """What went wrong, without the position (given separately) or the parser's boilerplate."""
    problem = getattr(error, "problem", None) or getattr(error, "msg", None) or str(error)
    first = (str(problem).splitlines() or [type(error).__name__])[0]
    return _AT_LINE.sub("", first).strip()


YAML = Syntax("YAML", "---", re.compile(r"-{3,}"), re.compile(r"-{3,}|\.\.\."), _load_yaml,
              (yaml.YAMLError,), _yaml_position)
TOML = Syntax("TOML", "+++", re.compile(r"\+{3}"), re.compile(r"\+{3}"), tomllib.loads,
              (tomllib.TOMLDecodeError,), _toml_position)
JSON = Syntax("JSON", "}", re.compile(r"\{"), re.compile(r"\}"), json.loads,
              (json.JSONDecodeError,), _json_position, fences_are_data=True)

SYNTAXES: tuple[Syntax, ...] = (YAML, TOML, JSON)
"""Front-matter syntaxes, tried in order on the first non-blank line of a document."""

_LOOKS_LIKE_METADATA = re.compile(r"""\s*(?:["']?[\w-]+["']?\s*[:=]|\[[\w.-]+\]\s*$)""")
"""The line after an opening fence, when it is metadata: ``title: …``, ``title = …``,
``"title": …`` or a TOML ``[table]`` header."""


def _as_metadata(syntax: Syntax, text: str, path: Path | str | None, first_line: int) -> dict[str, Any]:
    """Load the block as a mapping with text keys; ``first_line`` is the file line of its start."""
    fix = f"Fix the front matter (the lines up to the closing {syntax.fence})"
    try:
        data = syntax.load(text)
    except syntax.errors as error:
        where = syntax.locate(error)
        at = f" at line {where[0] + first_line - 1}, column {where[1]}" if where else ""
        raise FrontMatterError(f"front matter is not valid {syntax.name}{at}: {_problem(error)}",
                               path=path, fix=fix) from error
    except (ValueError, TypeError, RecursionError) as error:  # a date such as 2020-13-45
        raise FrontMatterError(f"front matter has a value {syntax.name} cannot read ({_problem(error)})",
                               path=path, fix=f"{fix}: dates as YYYY-MM-DD") from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError(
            f"front matter is not a set of 'key: value' lines (found {type(data).__name__})",
            path=path, fix=fix)
    for key in data:
        if not isinstance(key, str):
            raise FrontMatterError(f"front matter key {key!r} is not text", path=path,
                                   fix=f"{fix}: quote the key")
    return dict(data)


def split_front_matter(text: str, path: Path | str | None = None) -> tuple[dict[str, Any], str]:
    """Split ``text`` into its front matter and its body.

    Returns ``({}, text)`` unchanged when the document has no front matter; otherwise the
    metadata and everything after the closing fence line. Raises :class:`FrontMatterError`
    (naming ``path``) when the front matter cannot be read or is never closed; see the
    module docstring for the rules.
    """
    lines = text.split("\n")
    start = next((index for index, line in enumerate(lines) if line.strip()), None)
    if start is None:
        return {}, text
    syntax = next((s for s in SYNTAXES if s.opener.fullmatch(lines[start].strip())), None)
    if syntax is None:
        return {}, text
    for end in range(start + 1, len(lines)):
        if syntax.closer.fullmatch(lines[end].rstrip()):
            first, last = (start, end + 1) if syntax.fences_are_data else (start + 1, end)
            metadata = _as_metadata(syntax, "\n".join(lines[first:last]), path, first + 1)
            return metadata, "\n".join(lines[end + 1 :])
    following = next((line for line in lines[start + 1 :] if line.strip()), "")
    if _LOOKS_LIKE_METADATA.match(following):
        raise FrontMatterError(
            f"front matter opened with {lines[start].strip()} on line {start + 1} is never closed",
            path=path, fix=f"Add a line with {syntax.fence} after the last front matter line")
    return {}, text


def not_text(key: str, value: object) -> str:
    """The problem with a text key whose value YAML or TOML read as something else: a title
    such as 1984 is a number unless it is quoted (and 007 would be the number 7).

    >>> not_text("title", 1984)
    'title 1984 is read as a number: put it in quotes, title: "1984"'
    >>> not_text("description", ["a", "b"])
    'description must be text'
    """
    kinds = ((bool, "a yes/no value"), (int, "a number"), (float, "a number"), (dt.date, "a date"))
    kind = next((name for t, name in kinds if isinstance(value, t)), None)
    if kind is None:
        return f"{key} must be text"
    written = str(value).lower() if isinstance(value, bool) else \
        value.isoformat() if isinstance(value, dt.date) else str(value)
    return f'{key} {written} is read as {kind}: put it in quotes, {key}: "{written}"'
