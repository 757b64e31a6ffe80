"""An episode's highlight (``podcast:soundbite``), chosen from its rendered sentence timings.

By default it is the **lede**: the first whole sentences of the body, after the intro music and
the lines that introduce the episode (the show's intro line, and any sentence naming the
episode's title), until they last :data:`MIN_SECONDS`, within one chapter and without its
heading. When they do not last that long before the next chapter, the opening sentences heard
under the intro music are taken too; failing that, the first chapter whose sentences do; and
when no chapter is that long (an episode of short sections), the lede runs on across them,
their headings included, as an episode without chapters would have it. A
script may name the sentence to start from instead (``soundbite:`` in its front matter;
:func:`audioguide.ingest.quotes.find_quote`). Either way it ends with a whole sentence, before
the show's outro line and the next chapter's heading, and lasts at most :data:`MAX_SECONDS`.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Sequence

from audioguide.audio.mix import CHAPTER_PREROLL
from audioguide.errors import InputError
from audioguide.ingest.quotes import find_quote, quote_key
from audioguide.ingest.script import leading_words
from audioguide.models import Chapter, Cue, Soundbite

log = logging.getLogger(__name__)

MIN_SECONDS = 15.0
MAX_SECONDS = 60.0
"""How long a soundbite lasts (the namespace recommends 15 to 120 s; a highlight is short)."""
TAIL = 0.3
"""Seconds kept after its last word (less when the next sentence starts sooner)."""
TITLE_LIMIT = 128
"""Characters of the soundbite's title that aggregators keep (the namespace's advice)."""


def _within(text: str, frame: str) -> bool:
    key = quote_key(text)
    return bool(key) and key in quote_key(frame)


def body_span(cues: Sequence[Cue], *, intro_end: float, intro: str, outro: str, title: str) -> tuple[int, int]:
    """The cues of the body, ``(first, end)``: past those heard under the intro music or
    belonging to the intro (part of the ``intro`` line, or naming the ``title``), and before the
    closing ones that are part of the ``outro`` line."""
    first = 0
    while first < len(cues) and (cues[first].start < intro_end or _within(cues[first].text, intro)
                                 or (quote_key(title) and quote_key(title) in quote_key(cues[first].text))):
        first += 1
    end = len(cues)
    while end > first and _within(cues[end - 1].text, outro):
        end -= 1
    return first, end


def title_of(sentence: str) -> str:
    """The soundbite's title: its first sentence, cut at a word to :data:`TITLE_LIMIT`.

    >>> title_of("Short.")
    'Short.'
    >>> shortened = title_of("word " * 40)
    >>> len(shortened), shortened[-5:]
    (125, 'word…')
    """
    if len(sentence) <= TITLE_LIMIT:
        return sentence
    return leading_words(sentence.split(), TITLE_LIMIT - 1) + "…"


def headings(cues: Sequence[Cue], chapters: Sequence[Chapter]) -> list[int]:
    """The cues that are the chapters' spoken headings, in order: the first cue of each chapter
    but the opening one (which has no heading)."""
    starts = [c.start for c in cues]  # in time order
    return [i for i in (bisect.bisect_left(starts, chapter.start) for chapter in chapters[1:]) if i < len(cues)]


def choose(cues: Sequence[Cue], *, duration: float, intro_end: float = 0.0, intro: str = "",
           outro: str = "", title: str = "", quote: str | None = None,
           chapters: Sequence[Chapter] = ()) -> Soundbite | None:
    """The episode's soundbite (see the module docstring), from its ``cues`` and ``chapters``;
    ``None`` when the body has less than :data:`MIN_SECONDS` of sentences for a lede.

    ``quote`` (the script's ``soundbite:``) must start in one of the cues: it was checked
    against the script when it was read, so a miss here is a mismatch to report.
    """
    first, end = body_span(cues, intro_end=intro_end, intro=intro, outro=outro, title=title)
    heads = headings(cues, chapters)
    if quote:
        found = find_quote(quote, [c.text for c in cues])
        if found is None:
            raise InputError(f"soundbite {quote!r} is not one of the rendered sentences",
                             fix="Copy the sentence to start from out of the script")
        start, length = _span(cues, found, _stop(heads, found, max(end, found + 1)), duration)
        if length < MIN_SECONDS:
            log.warning("the soundbite from %r lasts only %.1f s (less than %g s)", quote, length, MIN_SECONDS)
        return _bite(cues, found, start, length)
    opening = body_span(cues, intro_end=0.0, intro=intro, outro=outro, title=title)[0]
    within = [(c, _stop(heads, c, end)) for c in (first, opening, *(h + 1 for h in heads if h >= first))
              if c not in heads]
    # every chapter shorter than a soundbite: the lede runs on across them, headings too
    for candidate, stop in dict.fromkeys([*within, (first, end)]):
        if candidate >= end:
            continue
        start, length = _span(cues, candidate, stop, duration)
        if length >= MIN_SECONDS:
            return _bite(cues, candidate, start, length)
    return None


def _bite(cues: Sequence[Cue], first: int, start: float, length: float) -> Soundbite:
    """The soundbite from cue ``first``, at most :data:`MAX_SECONDS` long, titled by that cue."""
    return Soundbite(round(start, 3), round(min(length, MAX_SECONDS), 3), title_of(cues[first].text))


def _stop(heads: Sequence[int], first: int, end: int) -> int:
    """Where a soundbite from cue ``first`` must end: before the next chapter's heading, or ``end``."""
    return min([end, *(h for h in heads if h > first)])


def _span(cues: Sequence[Cue], first: int, stop: int, duration: float) -> tuple[float, float]:
    """Start and length of the whole sentences from cue ``first`` on, before cue ``stop``, until
    they last :data:`MIN_SECONDS` (or all of them, when they do not)."""
    start = max(cues[first].start - CHAPTER_PREROLL, cues[first - 1].end if first else 0.0, 0.0)
    length = 0.0
    for index in range(first, max(stop, first + 1)):
        following = cues[index + 1].start if index + 1 < len(cues) else duration
        length = min(cues[index].end + TAIL, following, duration) - start
        if length >= MIN_SECONDS:
            break
    return start, length
