"""Pause cues in an episode script: a paragraph that is only ``[pause]``, ``[pause 2s]`` or
``[pause 800ms]`` is silence; anything else that looks like one is a mistake to name.

A cue the author mistyped (``[pause 2x]``, ``[pause -1s]``) or put inside a sentence (``Wait
here [pause 1s] then go.``) used to be read aloud ("pause two times") and shown in the
transcripts; it is now a problem naming the script's line and the forms a cue takes.
"""

from __future__ import annotations

import re

PAUSE_CUE = re.compile(r"^\[pause(?:\s+(\d+(?:\.\d+)?)\s*(s|ms|sec|seconds)?)?\]$", re.IGNORECASE)
"""A paragraph that is a pause: ``[pause]`` (:data:`DEFAULT_PAUSE`), ``[pause 2s]``, ``[pause 800ms]``."""
DEFAULT_PAUSE = 1.0
"""Seconds of a ``[pause]`` without a length."""
FORMS = "[pause], [pause 2s] or [pause 800ms], alone in its paragraph"

_LOOKS_LIKE_A_CUE = re.compile(r"\[\s*pause\b[^\]\n]*\]?", re.IGNORECASE)


def pause_seconds(match: re.Match[str]) -> float:
    """The length of the pause a :data:`PAUSE_CUE` match asks for, in seconds.

    >>> pause_seconds(PAUSE_CUE.match("[pause 800ms]")), pause_seconds(PAUSE_CUE.match("[pause]"))
    (0.8, 1.0)
    """
    if match.group(1) is None:
        return DEFAULT_PAUSE
    value = float(match.group(1))
    return value / 1000 if (match.group(2) or "s").lower() == "ms" else value


def cue_problem(paragraph: str, body: str, first_line: int) -> str | None:
    """What is wrong with a paragraph that holds something like a pause cue but is not one,
    naming its line (``body`` is the script's text after the front matter, which starts at line
    ``first_line``); ``None`` for a paragraph with no such thing.

    >>> cue_problem("[pause 2x]", "Hello.\\n\\n[pause 2x]\\n", 4)
    "line 6: '[pause 2x]' is not a pause: write [pause], [pause 2s] or [pause 800ms], alone in its paragraph"
    """
    found = _LOOKS_LIKE_A_CUE.search(paragraph)
    if found is None or PAUSE_CUE.match(paragraph.strip()):
        return None
    cue = found.group(0)
    return f"{line_of(cue, body, first_line)}{cue!r} is not a pause: write {FORMS}"


def line_of(text: str, body: str, first_line: int) -> str:
    """``line N: `` for the first line of ``body`` (which starts at line ``first_line`` of its
    script) holding ``text``, to start a problem with; empty when no single line holds it.

    >>> line_of("[pause 2x]", "Hello.\\n\\n[pause 2x]\\n", 4)
    'line 6: '
    """
    at = next((i for i, line in enumerate(body.splitlines()) if text in line), None)
    return f"line {first_line + at}: " if at is not None else ""
