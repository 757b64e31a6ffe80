"""Speech planning and synthesis: script -> utterances (one per sentence) -> audio.

Planning decides what is said and how long each silence is; synthesis hands every sentence to
the engine. Headings are spoken as their own short utterances with a pause around them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from audioguide.ingest.sentences import split_sentences
from audioguide.lexicon import Lexicon
from audioguide.models import Block, Script, Section, Utterance
from audioguide.settings import VoiceConfig
from audioguide.speech.normalize import (
    heading_text,
    is_english,
    list_item_text,
    normalize,
)

log = logging.getLogger(__name__)


def block_text(block: Block) -> str:
    """A block as written (list items keep their number), for transcripts."""
    if block.kind == "item" and block.number is not None:
        return f"{block.number}. {block.text}"
    return block.text


def block_sentences(block: Block, language: str, lexicon: Lexicon = Lexicon(),
                    phonemes: bool = False) -> list[tuple[str, str]]:
    """``(spoken, written)`` pairs for each sentence of a paragraph or list item.

    The written sentence goes into transcripts; the spoken one has the lexicon applied, is
    normalised for the engine (numbers, dates, abbreviations, URLs…), and list items get an
    ordinal lead-in.
    """
    sentences = split_sentences(block.text, language)
    out = []
    for n, sentence in enumerate(sentences):
        written = sentence
        shape = _as_written
        if n == 0 and block.kind == "item":
            written = block_text(Block("item", sentence, number=block.number))
            if is_english(language):
                shape = partial(list_item_text, block.number)
        out.append((speakable(sentence, language, lexicon, phonemes, shape), written))
    return out


def _as_written(text: str) -> str:
    return text


def speakable(text: str, language: str, lexicon: Lexicon = Lexicon(), phonemes: bool = False,
              shape: Callable[[str], str] = _as_written) -> str:
    """``text`` as the engine gets it: shaped (a list item's lead-in, a heading's period) and
    normalised, with the lexicon's entries held out of both, so that its replacements reach the
    engine exactly as the lexicon says.

    >>> from audioguide.lexicon import Entry
    >>> speakable("Manteigaria: 2 tarts", "en", Lexicon((Entry("Manteigaria", "man-tay-gah-REE-ah"),)),
    ...           shape=partial(list_item_text, 1))
    'First, man-tay-gah-ree-ah. two tarts'
    """
    held_text, held = lexicon.hold(text, phonemes=phonemes)
    return Lexicon.restore(normalize(shape(held_text), language), held)


HeadingText = Callable[[int, Section], "str | None"]


def spoken_heading(index: int, section: Section) -> str | None:
    """Episodes speak each section's heading (the untitled opening has none)."""
    return section.heading


def plan(script: Script, voice: VoiceConfig, language: str = "en",
         heading: HeadingText = spoken_heading, lexicon: Lexicon = Lexicon(),
         phonemes: bool = False) -> list[Utterance]:
    """Every sentence of the script, in order, with the silence that follows each.

    ``heading`` says what announces each section (guides say "Stop 2. …"); ``lexicon`` entries
    are applied to every sentence (as phonemes where ``phonemes`` is set: Piper). Pause cues add
    their silence to the sentence before them (or stand alone as an empty utterance when
    nothing precedes them).
    """
    out: list[Utterance] = []

    def add_pause(section: int, seconds: float) -> None:
        if out:
            last = out[-1]
            out[-1] = Utterance(last.section, last.text, last.pause_after + seconds, last.display)
        else:
            out.append(Utterance(section, "", seconds))

    for index, section in enumerate(script.sections):
        announcement = heading(index, section)
        if announcement:
            out.append(Utterance(index, speakable(announcement, language, lexicon, phonemes, heading_text),
                                 voice.paragraph_pause, announcement))
        for block in section.blocks:
            if block.kind == "pause":
                add_pause(index, block.seconds)
                continue
            sentences = block_sentences(block, language, lexicon, phonemes)
            for n, (spoken, written) in enumerate(sentences):
                last = n == len(sentences) - 1
                if spoken.strip(" .,;:!?"):
                    pause = voice.paragraph_pause if last else voice.sentence_pause
                    out.append(Utterance(index, spoken, pause, written))
                elif last and out:
                    add_pause(index, voice.paragraph_pause - voice.sentence_pause)
        if out and index < len(script.sections) - 1:
            last_u = out[-1]
            out[-1] = Utterance(last_u.section, last_u.text,
                                max(last_u.pause_after, voice.section_pause), last_u.display)
    return out
