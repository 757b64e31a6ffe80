"""Long sentences cut into pieces a voice can speak one at a time.

A neural voice's memory grows with the length of what it speaks in one go (Piper: about 0.9 MB
a phoneme), so a 600-character sentence must not be spoken whole. :func:`pieces` cuts a sequence
of tokens (a sentence's characters, or the phonemes a voice reads) into pieces of at most
``limit`` tokens: after a clause break (comma, semicolon, colon), where the voice pauses anyway,
else at a space, else (a run of letters longer than the limit) anywhere. A sequence within the
limit comes back whole, so an ordinary sentence is spoken exactly as before.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

CLAUSE_BREAKS = frozenset(",;:")
"""Tokens after which a sentence may be cut where it pauses anyway (the clause punctuation that
espeak, Piper's phonemizer, keeps among the phonemes; dashes and brackets become commas earlier)."""


def pieces(tokens: Sequence[str], limit: int, *, breaks: Collection[str] = CLAUSE_BREAKS,
           spaces: Collection[str] = (" ",)) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of ``tokens`` in order, each at most ``limit`` long, covering
    everything but the spaces at the cuts. Each piece runs to the last clause break that fits,
    else to the last space, else is cut at the limit: as few pieces as the breaks allow, and a
    clause break is always preferred to a cut between two words.

    >>> text = "First the harbour, then the bridge; last of all the long market street"
    >>> [text[a:b] for a, b in pieces(text, 40)]
    ['First the harbour, then the bridge;', 'last of all the long market street']
    >>> [text[a:b] for a, b in pieces(text, 20)]
    ['First the harbour,', 'then the bridge;', 'last of all the long', 'market street']
    >>> pieces("short", 20), pieces("abcdefgh", 3)
    ([(0, 5)], [(0, 3), (3, 6), (6, 8)])
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    spans: list[tuple[int, int]] = []
    start, n = 0, len(tokens)
    while start < n:
        if n - start <= limit:
            spans.append((start, n))
            break
        window = range(start + limit - 1, start - 1, -1)
        end = next((i + 1 for i in window if tokens[i] in breaks), 0)
        if not end:  # no clause break: the last space within reach (the piece ends before it)
            end = next((i for i in range(start + limit, start, -1) if tokens[i] in spaces), 0)
        end = end or start + limit
        spans.append((start, end))
        start = end
        while start < n and tokens[start] in spaces:
            start += 1
    return spans
