"""Three-way merges for re-imports: the script as last imported (the base), the script as the
author edited it, and the script as the updated article gives it now.

Written here rather than taken from a library: the maintained line-merge package on PyPI
(``merge3``) is GPL-2.0-or-later, which this MIT-licensed project cannot require, and a diff3 over
lines is a few lines on top of :mod:`difflib`. A script's paragraphs are single lines, so this
merges paragraph by paragraph, the way ``git merge-file`` would.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from difflib import SequenceMatcher
from typing import Any

OURS_MARK = "<<<<<<< your edits"
SPLIT_MARK = "======="
THEIRS_MARK = ">>>>>>> the article now"


def _matches(base: Sequence[str], other: Sequence[str]) -> dict[int, int]:
    """Line ``i`` of ``base`` -> the line of ``other`` it is matched with, in order."""
    pairs: dict[int, int] = {}
    for block in SequenceMatcher(None, base, other, autojunk=False).get_matching_blocks():
        pairs.update(zip(range(block.a, block.a + block.size), range(block.b, block.b + block.size), strict=True))
    return pairs


def merge_lines(base: Sequence[str], ours: Sequence[str], theirs: Sequence[str]) -> tuple[list[str], int]:
    """Merge ``ours`` and ``theirs``, both changed from ``base``; return the lines and how many
    places both changed differently (those are kept as both, between conflict markers).

    >>> merge_lines(["a", "b", "c"], ["a", "B", "c"], ["a", "b", "c", "d"])
    (['a', 'B', 'c', 'd'], 0)
    >>> merge_lines(["a"], ["x"], ["y"])[1]
    1
    """
    to_ours, to_theirs = _matches(base, ours), _matches(base, theirs)
    syncs = [i for i in range(len(base)) if i in to_ours and i in to_theirs]
    out: list[str] = []
    conflicts = 0
    b = o = t = 0
    for s, so, st in [*((s, to_ours[s], to_theirs[s]) for s in syncs), (len(base), len(ours), len(theirs))]:
        if so < o or st < t:  # a sync line out of order in one side: merge it as changed text
            continue
        old, mine, new = list(base[b:s]), list(ours[o:so]), list(theirs[t:st])
        if mine == old or mine == new:
            out += new
        elif new == old:
            out += mine
        else:
            conflicts += 1
            out += [OURS_MARK, *mine, SPLIT_MARK, *new, THEIRS_MARK]
        if s < len(base):
            out.append(base[s])
        b, o, t = s + 1, so + 1, st + 1
    return out, conflicts


def merge_fields(base: Mapping[str, Any], ours: Mapping[str, Any],
                 theirs: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Merge front matter key by key: a key the author left as imported takes the article's new
    value; a key the author changed (or added) keeps the author's. Returns the fields and the keys
    where both changed (the author's value is kept)."""
    merged: dict[str, Any] = {}
    both: list[str] = []
    missing = object()
    for key in [*ours, *(k for k in theirs if k not in ours)]:
        old, mine, new = base.get(key, missing), ours.get(key, missing), theirs.get(key, missing)
        value = new if mine == old else mine
        if mine != old and new != old and mine != new:
            both.append(key)
        if value is not missing:
            merged[key] = value
    return merged, both
