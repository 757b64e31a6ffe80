"""Intelligibility: word tokens, in-order recall, and real recognition of short Piper speech."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
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
    SectionRecall,
    chapter_references,
    compare,
    episode_report,
    format_report,
    overall,
    score_chapters,
    transcribe,
    transcribe_spans,
    word_recall,
    words,
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


# --------------------------------------------------------------------------- reports without audio


def _section(title: str, start: float, end: float, matched: int, total: int,
             missed: tuple[str, ...] = ()) -> SectionRecall:
    return SectionRecall(title, start, end, matched / total if total else 1.0, "", "",
                         matched, total, missed)


def test_overall_is_word_weighted() -> None:
    report = [_section("Short", 0, 5, 1, 2), _section("Long", 5, 65, 90, 100)]
    assert overall(report) == pytest.approx(91 / 102)  # not the mean of 0.5 and 0.9
    assert overall([]) == 1.0


def test_format_report_lines() -> None:
    missed = tuple(f"w{i}" for i in range(12))
    report = [
        _section("Why Employers Conduct Second Interviews", 192.4, 245.9, 91, 100, missed),
        _section("Conclusion", 3725, 3790, 10, 10),
    ]
    lines = format_report(report).splitlines()
    assert lines[0] == ("  0.91  3:12-4:05  Why Employers Conduct Second Interviews"
                        "  (missed: w0 w1 w2 w3 w4 w5 w6 w7 …)")
    assert lines[1] == "  1.00  1:02:05-1:03:10  Conclusion"
    assert lines[2].startswith("  0.92  overall") and "101 of 110" in lines[2]


@dataclass(frozen=True)
class SpokenCue:
    """A cue as it will look once ``Cue`` records the normalised text sent to the engine."""

    text: str
    start: float
    end: float
    spoken: str = ""


def _record(chapters: list[Chapter], cues: list[object], duration: float = 0.0) -> EpisodeRecord:
    return EpisodeRecord(
        slug="t", title="T", date=dt.date(2025, 1, 1), description="", number=1, guid="g",
        kind="episode", mp3="t.mp3", size=0, duration=duration, integrated_lufs=-16.0,
        true_peak_dbtp=-1.0, chapters=tuple(chapters), cues=tuple(cues),  # type: ignore[arg-type]
    )


def test_chapter_references_use_spoken_text_and_cue_midpoints() -> None:
    record = _record(
        [Chapter("One", 0.0, 10.0), Chapter("Two", 10.0, 20.0)],
        [
            SpokenCue("It opens at 9.", 0.5, 3.0, spoken="It opens at nine."),
            SpokenCue("Welcome.", 3.0, 5.0),  # no spoken text recorded: falls back to text
            Cue("Straddling the boundary.", 8.0, 11.0),  # midpoint 9.5: chapter one
            Cue("Late cue.", 19.0, 21.0),  # past the last chapter's end: still the last one
        ],
    )
    assert chapter_references(record) == [
        "It opens at nine. Welcome. Straddling the boundary.", "Late cue."]
    assert chapter_references(record, ["a", "b", "c", "d"]) == ["a b c", "d"]
    with pytest.raises(ValueError):
        chapter_references(record, ["too few"])


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
    report = episode_report(episode.mp3, episode.record)
    assert [s.title for s in report] == ["Opening Hours", "The Garden"]
    assert report[0].reference == f"{SENTENCES[0]} {SENTENCES[1]}"
    assert report[1].reference == SENTENCES[2]
    for section in report:
        assert section.recall >= 0.7, (section.recall, section.heard)
        assert section.total == len(words(section.reference))
    assert overall(report) >= 0.7
    text = format_report(report)
    assert "Opening Hours" in text and "overall" in text

    # the same audio scored against an unrelated script for the second chapter
    spoken = [SENTENCES[0], SENTENCES[1], UNRELATED]
    swapped = score_chapters(episode.record, [s.heard for s in report], spoken)
    assert swapped[1].reference == UNRELATED and swapped[1].recall < 0.3
    assert swapped[0].recall >= 0.7
    assert overall(swapped) < overall(report)


def test_transcribe_spans_clips_to_the_audio(piper_pcm: dict[str, bytes]) -> None:
    pcm = to_16k(piper_pcm[SENTENCES[1]])
    seconds = len(pcm) / 2 / 16000
    first, beyond = transcribe_spans(pcm, [(-1.0, seconds + 5.0), (seconds + 1.0, seconds + 2.0)])
    assert word_recall(SENTENCES[1], first) >= 0.7
    assert beyond == ""
