"""Transcripts and chapters beside each episode: WebVTT and SRT captions (cards of at most two
short lines, from the record's sentences) and Podcasting 2.0 JSON chapters, from an episode's record."""

from __future__ import annotations

import json

from audioguide.models import Cue, EpisodeRecord
from audioguide.publish.feed import timestamp

LINE = 32
"""Characters on a caption line, and :data:`LINES` lines on a card: the Podcasting 2.0 transcript
spec's properties for SRT (well within WebVTT's recommended 65 characters a line), so that a
player shows a card whole, not a 400-character sentence for 20 seconds."""
LINES = 2
CARD_BREAKS = frozenset(",;:\u2014\u2013")
"""Where a sentence too long for one card is cut first: after a clause's comma, semicolon or colon,
or a dash (em or en), else between words."""


def cards(cue: Cue) -> list[Cue]:
    """``cue`` (one sentence) as caption cards of at most :data:`LINES` lines of :data:`LINE`
    characters, lines parted by ``\\n``; its time shared among them by their length in
    characters (the sentence's words are spoken at an even pace, near enough for captions).

    >>> [(c.text, c.start, round(c.end, 2)) for c in cards(Cue("Short and sweet.", 1.0, 2.0))]
    [('Short and sweet.', 1.0, 2.0)]
    >>> for c in cards(Cue("First the harbour and its boats, then the bridge over the river; "
    ...                    "last of all the long market street.", 0.0, 6.0)):
    ...     print(f"{c.start:.2f}-{c.end:.2f}", c.text.replace("\\n", " / "))
    0.00-3.88 First the harbour and its boats, / then the bridge over the river;
    3.88-6.00 last of all the / long market street.
    """
    text = " ".join(cue.text.split())
    texts = _card_texts(text) or [text]
    if len(texts) == 1:
        return [Cue(texts[0], cue.start, cue.end, cue.spoken)]
    total = sum(len(t) for t in texts)
    out, done = [], 0
    for t in texts:
        start = cue.start + (cue.end - cue.start) * done / total
        done += len(t)
        out.append(Cue(t, start, cue.start + (cue.end - cue.start) * done / total))
    return out


def _two_lines(piece: str) -> str | None:
    """``piece`` on one line, or on two of about equal length; ``None`` when it does not fit on two."""
    if len(piece) <= LINE:
        return piece
    cuts = [i for i, ch in enumerate(piece) if ch == " " and i <= LINE and len(piece) - i - 1 <= LINE]
    if not cuts:
        return None
    cut = min(cuts, key=lambda i: abs(len(piece) - 1 - 2 * i))
    return f"{piece[:cut]}\n{piece[cut + 1:]}"


def _card_texts(text: str) -> list[str]:
    """``text`` as the texts of cards that fit (:func:`_two_lines`), each ending where the most
    text fits: after a clause's punctuation (:data:`CARD_BREAKS`) when one is at least a line
    in, else between words; a word longer than a line is cut."""
    out: list[str] = []
    while text:
        whole = _two_lines(text)
        if whole is not None:
            out.append(whole)
            break
        fitting = [i for i in range(1, min(len(text), LINE * LINES + 1))
                   if text[i] == " " and _two_lines(text[:i]) is not None]
        clauses = [i for i in fitting if text[i - 1] in CARD_BREAKS and i >= LINE]
        end = max(clauses or fitting, default=0)
        card = _two_lines(text[:end]) if end else text[:LINE]
        out.append(card or text[:LINE])
        text = text[end or LINE:].lstrip()
    return out


def vtt_text(text: str) -> str:
    """A card's text as WebVTT wants it: ``&``, ``<`` and ``>`` escaped (a ``<`` would start a
    tag, and ``-->`` end the cue's text), each of its lines on one line (a blank line ends a cue).

    >>> vtt_text("Is 3 < 5? A --> B & C")
    'Is 3 &lt; 5? A --&gt; B &amp; C'
    """
    return "\n".join(" ".join(line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").split())
                     for line in text.split("\n"))


def srt_text(text: str) -> str:
    """A card's text as SubRip wants it: each line on one line, and without ``-->``, which SubRip has no
    way to escape (it would read as a cue's times): written as an arrow, ``→``. SubRip has no
    escapes at all, so ``<`` and ``>`` stay as they are.

    >>> srt_text("A --> B")
    'A → B'
    """
    return "\n".join(" ".join(line.replace("-->", "→").split()) for line in text.split("\n"))


def captions(cues: tuple[Cue, ...]) -> tuple[str, str]:
    """WebVTT and SubRip captions of the same cards (:func:`cards` of each sentence's cue), each
    time formatted once for both.

    >>> captions((Cue("Hello.", 0.5, 1.25),))
    ('WEBVTT\\n\\n1\\n00:00:00.500 --> 00:00:01.250\\nHello.\\n', '1\\n00:00:00,500 --> 00:00:01,250\\nHello.\\n')
    """
    vtt, srt_ = [], []
    for i, c in enumerate((card for cue in cues for card in cards(cue)), start=1):
        start, end = timestamp(c.start), timestamp(c.end)
        vtt.append(f"{i}\n{start} --> {end}\n{vtt_text(c.text)}")
        # the same clock with SRT's comma before the milliseconds (always the last three digits)
        srt_.append(f"{i}\n{start[:-4]},{start[-3:]} --> {end[:-4]},{end[-3:]}\n{srt_text(c.text)}")
    return "WEBVTT\n\n" + "\n\n".join(vtt) + "\n", "\n\n".join(srt_) + "\n"


def chapters_json(record: EpisodeRecord, cover_url: str) -> str:
    """Podcasting 2.0 JSON chapters."""
    data = {
        "version": "1.2.0",
        "title": record.title,
        "chapters": [{"startTime": round(c.start, 3), "endTime": round(c.end, 3), "title": c.title,
                      "img": cover_url} for c in record.chapters],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
