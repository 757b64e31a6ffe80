"""``check --speech``: what the recogniser heard, sentence by sentence, against what was said.

Each rendered episode is heard chapter by chapter, each guide stop in its own file
(:mod:`.intelligibility`). Every heard word goes to the sentence being spoken at its midpoint
(the cues' times), and each sentence's spoken text (what the engine was given) is compared with
what was heard there, so a report can show the worst sentences as said and as heard.

Words are judged in two groups. The recogniser (a general US English model) cannot be expected
to know **names** (words capitalised inside a sentence), **foreign** words (letters English
does not use), **lexicon** entries (respellings, or Piper's phonemes) and words missing from its
dictionary or language model (**unknown**: it can never output them). Those are counted apart,
as their own figure; the pass/fail judgement (:func:`overall`) rests on the **ordinary** words.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from audioguide.errors import AudioguideError, InputError
from audioguide.ingest import script as scripts
from audioguide.layout import Output
from audioguide.lexicon import Lexicon
from audioguide.models import Chapter, Cue, EpisodeRecord, GuideRecord
from audioguide.publish.publish import load_guides, load_records
from audioguide.settings import Config
from audioguide.verify.intelligibility import (
    HeardWord,
    align,
    decode_16k,
    hear_spans,
    recognizable,
    tokens,
    words,
)

ORDINARY, NAME, FOREIGN, LEXICON, UNKNOWN = "ordinary", "name", "foreign", "lexicon", "unknown"
"""What kind of word a reference word is (see the module's documentation)."""
SPECIAL = "names, foreign words, lexicon entries and words the recogniser does not know"
"""How reports name the words judged apart."""

NAME_PARTICLES = frozenset({"al", "bin", "da", "das", "de", "del", "della", "der", "di", "do", "dos",
                            "du", "la", "le", "van", "von", "y"})
"""Small words that belong to a name when they stand between two of its words: "Castelo de São
Jorge", "Ludwig van Beethoven"."""

_PHONEMES = re.compile(r"\[\[\s*(.*?)\s*\]\]")


@dataclass(frozen=True)
class Tally:
    """Reference words matched in order, out of how many, and the ones missed."""

    matched: int = 0
    total: int = 0
    missed: tuple[str, ...] = ()

    @property
    def recall(self) -> float:
        """Matched over total; 1.0 when there is nothing to hear."""
        return self.matched / self.total if self.total else 1.0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.matched + other.matched, self.total + other.total, self.missed + other.missed)


@dataclass(frozen=True)
class RefWord:
    """A reference word and its kind."""

    word: str
    kind: str


@dataclass(frozen=True)
class SentenceRecall:
    """One sentence: where it is heard, what was said and heard, and how much of it was."""

    section: str
    """Title of its chapter (or guide stop)."""
    start: float
    """Seconds into its file (the episode's MP3, or the stop's)."""
    spoken: str
    """The text the engine was given."""
    heard: str
    ordinary: Tally
    special: Tally
    """Names, foreign words, lexicon entries and unknown words."""
    special_words: tuple[RefWord, ...] = ()
    """The special words missed, with their kinds."""


@dataclass(frozen=True)
class SectionRecall:
    """One chapter of an episode, or one stop of a guide."""

    title: str
    start: float
    end: float
    sentences: tuple[SentenceRecall, ...]

    @property
    def ordinary(self) -> Tally:
        return sum((s.ordinary for s in self.sentences), Tally())

    @property
    def special(self) -> Tally:
        return sum((s.special for s in self.sentences), Tally())

    @property
    def recall(self) -> float:
        """Recall of the ordinary words: the figure a check judges."""
        return self.ordinary.recall

    @property
    def reference(self) -> str:
        return " ".join(s.spoken for s in self.sentences)

    @property
    def heard(self) -> str:
        return " ".join(s.heard for s in self.sentences if s.heard)


# --------------------------------------------------------------------------- kinds of words


def lexicon_view(spoken: str, written: str, lexicon: Lexicon) -> tuple[str, frozenset[str]]:
    """``spoken`` with Piper's ``[[ phonemes ]]`` replaced by their entry's words (or dropped),
    and the words that come from the lexicon entries ``written`` uses."""
    used = lexicon.matches(written)
    found = {w for e in used for w in words(e.say) + words(e.key)}
    by_phonemes = {e.phonemes: e.key for e in used if e.phonemes}
    return _PHONEMES.sub(lambda m: by_phonemes.get(m.group(1), ""), spoken), frozenset(found)


def classify(spoken: str, known: frozenset[str], from_lexicon: frozenset[str] = frozenset(), *,
             heading: bool = False) -> list[RefWord]:
    """The words of a spoken sentence with their kinds; ``known`` are the words the recogniser
    can output (:func:`~audioguide.verify.intelligibility.recognizable`). In a ``heading``
    capitals mark no names ("Why Employers Conduct Second Interviews").

    >>> [(w.word, w.kind) for w in classify("We ate a bifana in Casa de Pasto, at the café.",
    ...                                     frozenset({"we", "ate", "a", "in", "de", "at", "the"}))]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('we', 'ordinary'), ('ate', 'ordinary'), ('a', 'ordinary'), ('bifana', 'unknown'),
     ('in', 'ordinary'), ('casa', 'name'), ('de', 'name'), ('pasto', 'name'), ('at', 'ordinary'),
     ('the', 'ordinary'), ('café', 'foreign')]
    """
    found = tokens(spoken)
    out = []
    for i, t in enumerate(found):
        if t.word in from_lexicon:
            kind = LEXICON
        elif not heading and (t.capital or (t.word in NAME_PARTICLES and 0 < i < len(found) - 1
                                            and found[i - 1].capital and found[i + 1].capital)):
            kind = NAME
        elif not t.word.isascii():
            kind = FOREIGN
        elif t.spelled or t.word in known:
            kind = ORDINARY
        else:
            kind = UNKNOWN
        out.append(RefWord(t.word, kind))
    return out


# --------------------------------------------------------------------------- scoring


def _cue_text(cue: Cue) -> str:
    """The text a cue's audio actually says: its ``spoken`` text when recorded, else ``text``."""
    return cue.spoken or cue.text


def score_sentence(section: str, cue: Cue, heard: Sequence[str], known: frozenset[str],
                   lexicon: Lexicon = Lexicon()) -> SentenceRecall:
    """One sentence's spoken words against the words heard while it was spoken."""
    spoken, from_lexicon = lexicon_view(_cue_text(cue), cue.text, lexicon)
    heading = words(cue.text) == words(section)  # the section's heading (or "Stop 2. Title.")
    ref = classify(spoken, known, from_lexicon, heading=heading)
    hit = align([w.word for w in ref], heard)
    ordinary = [(w, h) for w, h in zip(ref, hit, strict=True) if w.kind == ORDINARY]
    special = [(w, h) for w, h in zip(ref, hit, strict=True) if w.kind != ORDINARY]

    def tally(found: list[tuple[RefWord, bool]]) -> Tally:
        return Tally(sum(h for _, h in found), len(found), tuple(w.word for w, h in found if not h))

    return SentenceRecall(section, cue.start, _cue_text(cue), " ".join(heard), tally(ordinary),
                          tally(special), tuple(w for w, h in special if not h))


def cues_by_chapter(chapters: Sequence[Chapter], cues: Sequence[Cue]) -> list[list[Cue]]:
    """The cues of each chapter: a cue belongs to the last chapter starting at or before its
    midpoint (the first one otherwise)."""
    parts: list[list[Cue]] = [[] for _ in chapters]
    if not chapters:
        return parts
    starts = [c.start for c in chapters]
    for cue in cues:
        parts[max(bisect.bisect_right(starts, (cue.start + cue.end) / 2) - 1, 0)].append(cue)
    return parts


def score_chapters(chapters: Sequence[Chapter], cues: Sequence[Cue], heard: Sequence[Sequence[HeardWord]],
                   lexicon: Lexicon = Lexicon(), known: frozenset[str] | None = None) -> list[SectionRecall]:
    """Score what was heard in each chapter (:func:`hear_spans`) sentence by sentence: a heard
    word belongs to the sentence that started last before its midpoint."""
    if len(heard) != len(chapters):
        raise ValueError(f"{len(heard)} transcripts for {len(chapters)} chapters")
    grouped = cues_by_chapter(chapters, cues)
    if known is None:
        known = recognizable(w for cue in cues for w in words(_cue_text(cue)))
    report = []
    for chapter, chapter_cues, chapter_heard in zip(chapters, grouped, heard, strict=True):
        ordered = sorted(chapter_cues, key=lambda c: c.start)
        starts = [c.start for c in ordered[1:]]
        per_cue: list[list[str]] = [[] for _ in ordered]
        for w in chapter_heard if ordered else ():
            per_cue[bisect.bisect_right(starts, (w.start + w.end) / 2)].append(w.word)
        sentences = tuple(score_sentence(chapter.title, cue, said, known, lexicon)
                          for cue, said in zip(ordered, per_cue, strict=True))
        report.append(SectionRecall(chapter.title, chapter.start, chapter.end, sentences))
    return report


def overall(report: Sequence[SectionRecall]) -> float:
    """Word-weighted recall of the ordinary words of a whole report: the figure a check judges."""
    return sum((s.ordinary for s in report), Tally()).recall


# --------------------------------------------------------------------------- episodes and guides


def episode_report(mp3: Path, record: EpisodeRecord, lexicon: Lexicon = Lexicon()) -> list[SectionRecall]:
    """Hear every chapter of an episode's ``mp3`` and score it sentence by sentence."""
    heard = hear_spans(decode_16k(mp3), [(c.start, c.end) for c in record.chapters])
    return score_chapters(record.chapters, record.cues, heard, lexicon)


def guide_report(folder: Path, guide: GuideRecord, lexicon: Lexicon = Lexicon()) -> list[SectionRecall]:
    """Hear every stop of a guide in its own file (as a visitor plays it) and score it."""
    report: list[SectionRecall] = []
    for stop in guide.stops:
        chapter = Chapter(f"Stop {stop.number}: {stop.title}", 0.0, stop.duration)
        heard = hear_spans(decode_16k(folder / stop.file), [(0.0, stop.duration)])
        report += score_chapters([chapter], stop.cues, heard, lexicon)
    return report


@dataclass(frozen=True)
class SpeechCheck:
    """The speech report of one episode or guide."""

    slug: str
    kind: str
    """``episode`` or ``guide``."""
    sections: tuple[SectionRecall, ...]


def script_lexicons(config: Config) -> dict[str, Lexicon]:
    """Each episode script's lexicon by slug, added to the show's (scripts that do not load are
    left to ``render`` to report)."""
    found: dict[str, Lexicon] = {}
    for path in sorted(config.episodes_dir.glob("*.md")):
        try:
            script = scripts.load(path)
        except AudioguideError:
            continue
        found[script.meta.slug] = config.lexicon.merged(script.meta.lexicon)
    return found


def check_speech(config: Config, slugs: Iterable[str] = ()) -> Iterator[SpeechCheck]:
    """Hear every rendered episode and guide of the project (or those in ``slugs``), one at a
    time; raises :class:`InputError` first when there is none."""
    wanted = set(slugs)
    records = [r for r in load_records(config.output_dir) if not wanted or r.slug in wanted]
    guides = [g for g in load_guides(config.output_dir) if not wanted or g.slug in wanted]
    if not records and not guides:
        raise InputError("has no rendered episodes or guides to check", path=config.output_dir,
                         fix="Run audioguide render first, or check the slugs you gave")
    return _hear_all(config, records, guides)


def _hear_all(config: Config, records: list[EpisodeRecord], guides: list[GuideRecord]) -> Iterator[SpeechCheck]:
    out = Output(config.output_dir)
    lexicons = script_lexicons(config)
    for r in records:
        lexicon = lexicons.get(r.slug, config.lexicon)
        yield SpeechCheck(r.slug, "episode", tuple(episode_report(out.episodes / r.mp3, r, lexicon)))
    for g in guides:
        lexicon = lexicons.get(g.slug, config.lexicon)
        yield SpeechCheck(g.slug, "guide", tuple(guide_report(out.guide(g.slug), g, lexicon)))


# --------------------------------------------------------------------------- the report


def _clock(seconds: float) -> str:
    s = max(int(seconds), 0)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def _listed(items: Sequence[str], limit: int) -> str:
    return " ".join(items[:limit]) + (" …" if len(items) > limit else "")


def worst_sentences(report: Sequence[SectionRecall], limit: int = 5) -> list[SentenceRecall]:
    """The sentences with the most missed, worst first: ordinary words decide, then all words."""
    missed = [s for section in report for s in section.sentences if s.ordinary.missed or s.special.missed]
    missed.sort(key=lambda s: (s.ordinary.recall, (s.ordinary + s.special).recall, s.start))
    return missed[:limit]


def format_report(report: Sequence[SectionRecall], *, show_missed: int = 8, worst: int = 5) -> str:
    """One line per section (ordinary words' recall, span, title, first missed words), the overall
    line, the words judged apart, then the worst sentences as said and as heard."""
    lines = []
    for s in report:
        line = f"  {s.recall:.2f}  {_clock(s.start)}-{_clock(s.end)}  {s.title}"
        if s.ordinary.missed:
            line += f"  (missed: {_listed(s.ordinary.missed, show_missed)})"
        lines.append(line)
    ordinary = sum((s.ordinary for s in report), Tally())
    lines.append(f"  {ordinary.recall:.2f}  overall ({ordinary.matched} of {ordinary.total} ordinary words heard)")
    special = sum((s.special for s in report), Tally())
    if special.total:
        by_kind: dict[str, dict[str, None]] = {kind: {} for kind in (NAME, FOREIGN, LEXICON, UNKNOWN)}
        for w in (w for s in report for sentence in s.sentences for w in sentence.special_words):
            by_kind[w.kind][w.word] = None
        missed = "; ".join(f"{kind}: {_listed(list(found), show_missed)}" for kind, found in by_kind.items() if found)
        line = f"  {special.recall:.2f}  {SPECIAL}, judged apart ({special.matched} of {special.total} heard)"
        lines.append(line + (f"; missed {missed}" if missed else ""))
    bad = worst_sentences(report, worst)
    if bad:
        lines.append("  worst sentences (time in the file, recall of ordinary words, section):")
        for sentence in bad:
            lines += [f"    {_clock(sentence.start)}  {sentence.ordinary.recall:.2f}  {sentence.section}",
                      f"      said:  {sentence.spoken}", f"      heard: {sentence.heard or '(nothing)'}"]
    return "\n".join(lines)


def format_check(check: SpeechCheck) -> str:
    """The heading line of one episode's or guide's report, and the report."""
    per = "stop" if check.kind == "guide" else "section"
    return f"{check.slug}: word recall per {per}\n" + format_report(check.sections)
