"""Speech planning and synthesis: script -> utterances (one per sentence) -> audio.

Planning decides what is said and how long each silence is; synthesis hands every sentence to
the engine. Headings are spoken as their own short utterances with a pause around them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

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
        spoken = sentence
        written = sentence
        if n == 0 and block.kind == "item":
            written = block_text(Block("item", sentence, number=block.number))
            if is_english(language):
                spoken = list_item_text(block.number, sentence)
        out.append((speakable(spoken, language, lexicon, phonemes), written))
    return out


def speakable(text: str, language: str, lexicon: Lexicon = Lexicon(), phonemes: bool = False) -> str:
    """``text`` as the engine gets it: lexicon entries applied, then normalised."""
    replaced, held = lexicon.apply(text, phonemes=phonemes)
    return Lexicon.restore(normalize(replaced, language), held)


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
            out.append(Utterance(index, speakable(heading_text(announcement), language, lexicon, phonemes),
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
