"""Where an episode is cut into segments (:mod:`audioguide.render.assembly` makes them one at
a time): about :data:`SEGMENT_SECONDS` of speech each, cut in the pauses, at places chosen by the
text near them, so that an edit moves at most the cuts around it."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from audioguide.models import Utterance

SEGMENT_SECONDS = 20.0
"""Speech per segment, about: long enough that a segment's fixed costs (two ffmpeg runs, about
0.05 s) stay small next to speaking it, short enough that the first one is mastered while the
rest is spoken and that an edit re-masters little (encoding takes about 0.01 s a second of audio,
Opus the longest branch). Measured with ``scripts/bench --only-sample``, one run each (cold render
/ the bench's edit, whole process / the same edit under ``watch`` / four more edits there):
30 s segments 7.2 / 2.1 / 1.56 / 0.84-0.95 s, 20 s 7.3-7.4 / 1.2 / 0.70-0.74 / 0.59-0.71 s,
15 s 7.2 / 1.4 / 0.79 / 0.55-0.65 s; the 34-minute new text 65 s at 30 and 20 alike. Random
one-sentence edits of the sample repeated five times made 52 s of audio again on average at
30 s, 37 s at 20, 32 s at 15 (1.4 segments). Each cut adds up to one MP3 frame (26 ms) of
silence in a pause."""
MAX_SEGMENT_SECONDS = 2 * SEGMENT_SECONDS
"""A chapter longer than this is cut between sentences too (after a pause of at least
:data:`CUT_PAUSE`), so a segment's raw mix stays small however long a chapter is."""
CUT_PAUSE = 0.25
"""Seconds of silence a cut inside a chapter needs after the sentence before it: more than the
two MP3 frames a join reaches back."""


def spoken_seconds(utterances: Sequence[Utterance]) -> float:
    """How long ``utterances`` last, estimated from their text (15 characters a second) and pauses."""
    return sum(len(u.text) / 15 + u.pause_after for u in utterances)


def _content_cut(previous: str, text: str) -> bool:
    """One sentence in four, chosen by its text and the one before it: where a long section may
    be cut (both, so that a repeated sentence is not a candidate everywhere or nowhere)."""
    return hashlib.blake2b(f"{previous}\n{text}".encode(), digest_size=1).digest()[0] % 4 == 0


def segment_plan(utterances: Sequence[Utterance], seconds: float = SEGMENT_SECONDS) -> list[tuple[int, int]]:
    """Where to cut: ``(start, end)`` index ranges (speech estimated from the text: 15 characters
    a second, plus the pauses).

    A cut falls where a section starts, once the segment holds half of ``seconds``; inside a
    long section, after a pause of at least :data:`CUT_PAUSE`, before a sentence its text picks
    (:func:`_content_cut`) once the segment holds a third of ``seconds``, and at the latest at
    twice ``seconds``. Cuts depend on the text near them, not on everything before: an edit
    moves at most the cuts around it, so the other segments are reused (simulated on the sample
    repeated five times, 400 random sentence edits: 1.4 segments made again on average, 37 s of
    audio at 20 s segments; an earlier simulation at 30 s found that requiring ``seconds``
    before a text cut made longer segments, and edits dearer).

    >>> from audioguide.models import Utterance
    >>> sections = (0, 0, 0, 0, 0, 1, 1, 2)
    >>> plan = [Utterance(s, f"Sentence {i}. " + "x" * 290, 0.5) for i, s in enumerate(sections)]
    >>> segment_plan(plan)  # 20 s a sentence: sections 1 and 2 start segments, 0 is cut three times
    [(0, 1), (1, 3), (3, 4), (4, 5), (5, 7), (7, 8)]
    """
    cuts: list[tuple[int, int]] = []
    start, estimate = 0, 0.0
    for i, u in enumerate(utterances):
        if i > start:
            previous = utterances[i - 1]
            quiet = previous.pause_after >= CUT_PAUSE
            if (u.section != previous.section and estimate >= seconds / 2) or (quiet and (
                    estimate >= 2 * seconds
                    or (estimate >= seconds / 3 and _content_cut(previous.text, u.text)))):
                cuts.append((start, i))
                start, estimate = i, 0.0
        estimate += spoken_seconds((u,))
    cuts.append((start, len(utterances)))
    return cuts
