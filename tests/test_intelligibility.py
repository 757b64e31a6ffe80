"""Intelligibility: word tokens, in-order recall, and real recognition of short Piper speech."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest
import soxr

from audioguide.errors import EngineError
from audioguide.ffmpeg import run
from audioguide.models import Chapter, Cue, EpisodeRecord
from audioguide.speech.engines import EngineSettings, create_engine
from audioguide.verify import intelligibility as intel
from audioguide.verify.intelligibility import (
    HeardWord,
    compare,
    hear_spans,
    recognizable,
    tokens,
    transcribe,
    transcribe_spans,
    word_recall,
    words,
)
from audioguide.verify.recall import (
    RefWord,
    SectionRecall,
    SentenceRecall,
    Tally,
    classify,
    cues_by_chapter,
    format_report,
    overall,
    score_chapters,
    worst_sentences,
)

SENTENCES = [
    "The museum opens at nine in the morning and closes at six in the evening.",
    "Please keep your ticket with you until you leave the building.",
    "The garden behind the library was planted more than a hundred years ago.",
]
UNRELATED = ("Quantum chemistry students rarely enjoy frozen pineapple pizza during winter "
             "storms on distant volcanic islands.")


# --------------------------------------------------------------------------- words, recall


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello, World!", ["hello", "world"]),
        ("Don’t stop", ["don't", "stop"]),
        ("“Quoted” and ‘single’", ["quoted", "and", "single"]),
        ("'Tis the students' turn", ["tis", "the", "students", "turn"]),
        ("thank-you note", ["thank", "you", "note"]),
        ("well—known", ["well", "known"]),
        ("The F.B.I. called", ["the", "fbi", "called"]),
        ("the f b i called a friend", ["the", "fbi", "called", "a", "friend"]),
        ("twenty twenty-five", ["twenty", "twenty", "five"]),
        ("In 2025 the 4th floor", ["in", "the", "floor"]),
        ("O'CLOCK", ["o'clock"]),
        ("snake_case", ["snake", "case"]),
        ("Café au lait", ["café", "au", "lait"]),
        ("", []),
        ("  ... --- !!! ", []),
    ],
)
def test_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected


@pytest.mark.parametrize(
    ("reference", "hypothesis", "expected"),
    [
        ("the cat sat", "the cat sat", 1.0),
        ("The cat sat.", "the cat sat", 1.0),
        ("the cat sat", "", 0.0),
        ("", "anything at all", 1.0),
        ("", "", 1.0),
        ("the cat sat on the mat", "the cat sat", 0.5),
        ("the cat sat", "uh the big cat really sat down", 1.0),  # extra words cost nothing
        ("one two three four", "four three two one", 0.25),  # order matters
        ("dog cat dog cat", "dog cat", 0.5),  # a repeated word is only matched as often as it is heard
        ("dog cat dog cat", "dog cat dog cat dog cat", 1.0),
        ("dog dog dog dog", "dog", 0.25),
        ("don’t go", "don't go", 1.0),
        ("F.B.I. agents", "f b i agents", 1.0),
        ("thank-you", "thank you", 1.0),
        ("the cat", "the dog", 0.5),
    ],
)
def test_word_recall(reference: str, hypothesis: str, expected: float) -> None:
    assert word_recall(reference, hypothesis) == pytest.approx(expected)


def test_compare_lists_missed_words_in_order() -> None:
    r = compare("the quick brown fox jumps", "the brown fox jumped")
    assert r.missed == ("quick", "jumps")
    assert r.matched == 3 and r.recall == pytest.approx(0.6)
    assert r.reference == ("the", "quick", "brown", "fox", "jumps")
    assert r.heard == ("the", "brown", "fox", "jumped")


# --------------------------------------------------------------------------- kinds of words
# Issue 13, point 11: a good episode failed on place names. Words the recogniser cannot be
# expected to know are judged apart from ordinary words.


def test_tokens_mark_capitals_inside_sentences_and_spelled_letters() -> None:
    found = [(t.word, t.capital, t.spelled) for t in tokens("Lisbon is old. “Alfama” is older, I’m told by the F.B.I")]
    assert found == [("lisbon", False, False), ("is", False, False), ("old", False, False),
                     ("alfama", False, False), ("is", False, False), ("older", False, False),
                     ("i'm", False, False), ("told", False, False), ("by", False, False),
                     ("the", False, False), ("fbi", False, True)]
    assert [t.capital for t in tokens("We met Ana and DAVID in Sintra")] == [
        False, False, True, False, True, False, True]


def test_recognizable_uses_the_recognisers_dictionary_and_language_model() -> None:
    assert recognizable(["garden", "library", "lisbon", "manteigaria", "bifana", "belem"]) == {
        "garden", "library", "lisbon"}  # "belem" is in the dictionary but not in the model


def test_classify_judges_names_foreign_lexicon_and_unknown_words_apart() -> None:
    spoken = "At man-tay-gah-ree-ah in Belém, Ana ate a bifana, the best in town."
    known = recognizable(words(spoken))
    kinds = {w.word: w.kind for w in classify(spoken, known, frozenset({"man", "tay", "gah", "ree", "ah"}))}
    assert kinds == {"at": "ordinary", "man": "lexicon", "tay": "lexicon", "gah": "lexicon",
                     "ree": "lexicon", "ah": "lexicon", "in": "ordinary", "belém": "name",
                     "ana": "name", "ate": "ordinary", "a": "ordinary", "bifana": "unknown",
                     "the": "ordinary", "best": "ordinary", "town": "ordinary"}
    assert [w.kind for w in classify("a café", known)] == ["ordinary", "foreign"]
    title = "Why Employers Visit Lisbon"
    assert [w.kind for w in classify(title, recognizable(words(title)), heading=True)] == ["ordinary"] * 4
    assert [w.kind for w in classify(title, recognizable(words(title)))] == ["ordinary"] + ["name"] * 3


# --------------------------------------------------------------------------- scoring without audio


def _heard(*timed: tuple[str, float]) -> list[HeardWord]:
    return [HeardWord(w, t, t + 0.2) for w, t in timed]


KNOWN = frozenset("trams the tram goes up to the castle every ten minutes and a ticket costs three euros".split())


def test_heard_words_go_to_the_sentence_spoken_at_their_time() -> None:
    chapters = [Chapter("Trams", 0.0, 10.0), Chapter("Tickets", 10.0, 20.0)]
    cues = [Cue("Trams", 0.0, 0.4),  # the heading: capitals are no names there
            Cue("The tram goes up to the Castle.", 0.5, 3.0),
            Cue("Every 10 minutes.", 3.5, 5.0, spoken="Every ten minutes."),
            Cue("A ticket costs €3.", 10.5, 13.0, spoken="A ticket costs three euros.")]
    heard = [_heard(("trams", 0.1), ("the", 0.6), ("tram", 0.9), ("goes", 1.2), ("up", 1.5), ("to", 1.8), ("the", 2.1),
                    ("hassle", 2.4), ("every", 3.6), ("ten", 3.9), ("minutes", 4.3)),
             _heard(("a", 10.6), ("ticket", 11.0), ("cost", 11.5), ("three", 12.0), ("euros", 12.5))]
    report = score_chapters(chapters, cues, heard, known=KNOWN)
    assert [s.title for s in report] == ["Trams", "Tickets"]
    trams, castle, minutes = report[0].sentences
    assert (trams.heard, trams.ordinary, trams.special) == ("trams", Tally(1, 1), Tally())
    assert (castle.heard, castle.ordinary, castle.special) == (
        "the tram goes up to the hassle", Tally(6, 6), Tally(0, 1, ("castle",)))  # a name, judged apart
    assert castle.special_words == (RefWord("castle", "name"),)
    assert (minutes.spoken, minutes.heard, minutes.ordinary.recall) == (
        "Every ten minutes.", "every ten minutes", 1.0)
    [costs] = report[1].sentences
    assert costs.ordinary == Tally(4, 5, ("costs",)) and costs.start == 10.5
    assert report[0].recall == 1.0 and overall(report) == pytest.approx(14 / 15)
    assert worst_sentences(report) == [costs, castle]  # ordinary words decide, then all words


def test_cues_by_chapter_use_midpoints() -> None:
    chapters = [Chapter("One", 0.0, 10.0), Chapter("Two", 10.0, 20.0)]
    straddling, late = Cue("Straddling.", 8.0, 11.0), Cue("Late.", 19.0, 21.0)
    assert cues_by_chapter(chapters, [straddling, late]) == [[straddling], [late]]
    with pytest.raises(ValueError):
        score_chapters(chapters, [straddling], [[]], known=KNOWN)


def _sentence(section: str, start: float, ordinary: Tally, special: Tally = Tally(),
              spoken: str = "", heard: str = "") -> SentenceRecall:
    missed = tuple(RefWord(w, "name") for w in special.missed)
    return SentenceRecall(section, start, spoken, heard, ordinary, special, missed)


def test_overall_is_word_weighted_over_ordinary_words() -> None:
    report = [SectionRecall("Short", 0, 5, (_sentence("Short", 0, Tally(1, 2, ("x",)), Tally(0, 9)),)),
              SectionRecall("Long", 5, 65, (_sentence("Long", 5, Tally(90, 100)),))]
    assert overall(report) == pytest.approx(91 / 102)  # not the mean of 0.5 and 0.9; names not counted
    assert overall([]) == 1.0


def test_format_report_lines() -> None:
    missed = tuple(f"w{i}" for i in range(12))
    report = [
        SectionRecall("Why Employers Conduct Second Interviews", 192.4, 245.9, (
            _sentence("Why Employers Conduct Second Interviews", 200.2, Tally(91, 100, missed),
                      Tally(1, 3, ("lisbon", "sintra")), "Said in Lisbon and Sintra.", "said in his bun"),)),
        SectionRecall("Conclusion", 3725, 3790, (_sentence("Conclusion", 3725, Tally(10, 10)),)),
    ]
    lines = format_report(report).splitlines()
    assert lines[0] == ("  0.91  3:12-4:05  Why Employers Conduct Second Interviews"
                        "  (missed: w0 w1 w2 w3 w4 w5 w6 w7 …)")
    assert lines[1] == "  1.00  1:02:05-1:03:10  Conclusion"
    assert lines[2] == "  0.92  overall (101 of 110 ordinary words heard)"
    assert lines[3] == ("  0.33  names, foreign words, lexicon entries and words the recogniser does not know,"
                        " judged apart (1 of 3 heard); missed name: lisbon sintra")
    assert lines[4].startswith("  worst sentences")
    assert lines[5:] == ["    3:20  0.91  Why Employers Conduct Second Interviews",
                         "      said:  Said in Lisbon and Sintra.", "      heard: said in his bun"]


def test_cut_points_fall_in_pauses() -> None:
    rng = np.random.default_rng(1)
    rate = intel.RATE
    noise = lambda s: (rng.standard_normal(int(s * rate)) * 3000).astype("<i2")  # noqa: E731
    quiet = lambda s: np.zeros(int(s * rate), dtype="<i2")  # noqa: E731
    # 12 s talk, 1 s pause, 12 s talk, 1 s pause, 12 s talk
    samples = np.concatenate([noise(12), quiet(1), noise(12), quiet(1), noise(12)])
    cuts = intel._cut_points(samples, 20.0)
    assert [round(c / rate, 1) for c in cuts] == [12.5, 25.5]
    assert intel._cut_points(samples[: 10 * rate], 20.0) == []


def test_missing_pocketsphinx_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pocketsphinx", None)  # makes the import fail
    with pytest.raises(EngineError, match=r"audioguide\[speech\]"):
        intel._Recognizer().decode(b"\0\0" * 1600)


# --------------------------------------------------------------------------- real recognition


@pytest.fixture(scope="module")
def piper_pcm() -> dict[str, bytes]:
    """Each sentence of :data:`SENTENCES` spoken by Piper, as 22.05 kHz mono s16le."""
    engine = create_engine("piper", EngineSettings(variation=0.0))  # the same samples every run
    out: dict[str, bytes] = {}
    for text in SENTENCES:
        audio = engine.synthesize(text)
        assert audio.sample_rate == 22050
        out[text] = audio.pcm
    return out


def to_16k(pcm: bytes, rate: int = 22050) -> bytes:
    return soxr.resample(np.frombuffer(pcm, "<i2"), rate, 16000).astype("<i2").tobytes()


@pytest.fixture(scope="module")
def heard(piper_pcm: dict[str, bytes]) -> dict[str, str]:
    """What the recognizer hears in each sentence."""
    return {text: transcribe(to_16k(pcm)) for text, pcm in piper_pcm.items()}


@pytest.mark.parametrize("text", SENTENCES)
def test_piper_sentences_are_recognised(text: str, heard: dict[str, str]) -> None:
    recall = word_recall(text, heard[text])
    assert recall >= 0.7, (recall, heard[text])


def test_unrelated_reference_scores_low(heard: dict[str, str]) -> None:
    for text in SENTENCES:
        assert word_recall(UNRELATED, heard[text]) < 0.3


def test_silence_is_heard_as_nothing() -> None:
    assert transcribe(b"\0\0" * 16000) == ""
    assert transcribe(b"") == ""
    assert word_recall(SENTENCES[0], transcribe(b"\0\0" * 16000)) == 0.0


def _record(chapters: list[Chapter], cues: list[Cue], duration: float = 0.0) -> EpisodeRecord:
    return EpisodeRecord(
        slug="t", title="T", date=dt.date(2025, 1, 1), description="", number=1, guid="g",
        kind="episode", mp3="t.mp3", size=0, duration=duration, integrated_lufs=-16.0,
        true_peak_dbtp=-1.0, chapters=tuple(chapters), cues=tuple(cues),
    )


@dataclass
class FakeEpisode:
    mp3: Path
    record: EpisodeRecord


@pytest.fixture(scope="module")
def episode(piper_pcm: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> FakeEpisode:
    """A two-chapter MP3: sentences one and two, a second of silence, then sentence three."""
    rate = 22050
    gap = b"\0\0" * rate
    parts = [(0, SENTENCES[0]), (0, SENTENCES[1]), (1, SENTENCES[2])]
    pcm = b""
    cues: list[Cue] = []
    chapter_starts = [0.0, 0.0]
    previous = 0
    for chapter, text in parts:
        if chapter != previous:
            chapter_starts[chapter] = len(pcm) / 2 / rate
            previous = chapter
        start = len(pcm) / 2 / rate
        pcm += piper_pcm[text]
        cues.append(Cue(text, start, len(pcm) / 2 / rate))
        pcm += gap
    duration = len(pcm) / 2 / rate
    mp3 = tmp_path_factory.mktemp("episode") / "fake.mp3"
    run(["-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0", "-ar", "44100",
         "-c:a", "libmp3lame", "-b:a", "96k", str(mp3)], input=pcm)
    chapters = [Chapter("Opening Hours", 0.0, chapter_starts[1]),
                Chapter("The Garden", chapter_starts[1], duration)]
    return FakeEpisode(mp3, _record(chapters, list(cues), duration))


def test_episode_report_scores_each_chapter(episode: FakeEpisode) -> None:
    chapters, cues = episode.record.chapters, episode.record.cues
    heard = hear_spans(intel.decode_16k(episode.mp3), [(c.start, c.end) for c in chapters])
    report = score_chapters(chapters, cues, heard)  # what episode_report does
    assert [s.title for s in report] == ["Opening Hours", "The Garden"]
    assert report[0].reference == f"{SENTENCES[0]} {SENTENCES[1]}"
    assert report[1].reference == SENTENCES[2]
    for section in report:
        assert section.recall >= 0.7, (section.recall, section.heard)
        assert section.ordinary.total + section.special.total == len(words(section.reference))
        for sentence in section.sentences:  # each sentence heard in its own time
            assert word_recall(sentence.spoken, sentence.heard) >= 0.6, (sentence.spoken, sentence.heard)
    assert overall(report) >= 0.7
    text = format_report(report)
    assert "Opening Hours" in text and "overall" in text

    # the same audio scored against an unrelated script for the second chapter
    swapped = score_chapters(chapters, (*cues[:2], replace(cues[2], spoken=UNRELATED)), heard)
    assert swapped[1].reference == UNRELATED and swapped[1].recall < 0.3
    assert swapped[0].recall >= 0.7
    assert overall(swapped) < overall(report)


def test_transcribe_spans_clips_to_the_audio(piper_pcm: dict[str, bytes]) -> None:
    pcm = to_16k(piper_pcm[SENTENCES[1]])
    seconds = len(pcm) / 2 / 16000
    first, beyond = transcribe_spans(pcm, [(-1.0, seconds + 5.0), (seconds + 1.0, seconds + 2.0)])
    assert word_recall(SENTENCES[1], first) >= 0.7
    assert beyond == ""
