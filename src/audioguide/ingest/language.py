"""The language an article is written in, when it does not say (py3langid: a maintained fork of
langid.py, BSD, with its model in the wheel; about 0.5 s to load, then well under a millisecond for
an article's opening).

Only a confident answer on enough text counts: a short or mixed text (an English walk full of
Portuguese place names) gives none, and the show's language applies.
"""

from __future__ import annotations

import functools
from typing import Any

from audioguide.models import Article

SAMPLE_CHARS = 4000
"""Characters of the article's text the guess is made on (its opening paragraphs)."""
MIN_CHARS = 120
"""Shorter texts are not guessed: a sentence or two is too little to tell languages apart."""
MIN_CONFIDENCE = 0.95


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


def text_sample(article: Article) -> str:
    """The article's title and opening text, up to :data:`SAMPLE_CHARS`."""
    parts = [article.title]
    size = len(article.title)
    for section in article.sections:
        for block in section.blocks:
            if block.text and size < SAMPLE_CHARS:
                parts.append(block.text)
                size += len(block.text) + 1
    return "\n".join(parts)[:SAMPLE_CHARS]


def detect_language(article: Article) -> str | None:
    """The base language code (``fr``) the article is confidently written in, else ``None``."""
    sample = text_sample(article)
    if len(sample) < MIN_CHARS:
        return None
    code, confidence = _identifier().classify(sample)
    return str(code) if confidence >= MIN_CONFIDENCE else None
