"""Sentence splitting (pysbd), shared by episode descriptions and speech planning.

pysbd is imported on first use, so importing this module costs nothing.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pysbd import Segmenter  # untyped: Any for mypy

CHUNK = 2000
"""pysbd is quadratic in its input: longer blocks are cut into pieces of about this size first."""


@functools.cache
def _segmenter(language: str) -> Segmenter:
    """The pysbd segmenter for ``language`` (its primary subtag), English when pysbd has none."""
    import pysbd

    code = language.split("-")[0].lower()
    try:
        return pysbd.Segmenter(language=code, clean=False)
    except ValueError:
        return pysbd.Segmenter(language="en", clean=False)


def _chunks(text: str) -> list[str]:
    """``text`` cut after sentence-ending punctuation (or, failing that, at spaces) into pieces
    of at most about :data:`CHUNK` characters."""
    pieces: list[str] = []
    while len(text) > CHUNK:
        window = text[:CHUNK]
        cut = max(window.rfind(". "), window.rfind("! "), window.rfind("? "))
        if cut < CHUNK // 4:
            cut = window.rfind(" ")
        if cut < CHUNK // 4:
            cut = CHUNK - 1
        pieces.append(text[: cut + 1])
        text = text[cut + 1 :]
    return [*pieces, text]


def split_sentences(text: str, language: str = "en") -> list[str]:
    """Sentences of ``text``, using pysbd's rule set for the language (English as fallback).

    >>> split_sentences("Dr. Smith arrived. He was late!")
    ['Dr. Smith arrived.', 'He was late!']
    """
    segmenter = _segmenter(language)
    return [
        s.strip() for chunk in _chunks(text) for s in segmenter.segment(chunk) if s.strip()
    ]
