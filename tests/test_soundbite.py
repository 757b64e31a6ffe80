"""The soundbite (issue 16, point 3): the lede (the first whole sentences of the body, after the
intro music and the title, 15 to 60 s), or the sentence a script names in ``soundbite:``, stored
in the record; on a real Piper render of the sample it is heard where the record says."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from audioguide.cli import cli
from audioguide.errors import InputError
from audioguide.ingest import script as scripts
from audioguide.models import Chapter, Cue, EpisodeRecord, OpusFile, Soundbite
from audioguide.render import soundbite
from tests.clirunner import cli_runner
from tests.conftest import Rendered, decode

INTRO = "Welcome to The Walks. Today: The old harbour"
OUTRO = "Thanks for listening to The Walks."


def _cues(*texts_and_lengths: tuple[str, float], start: float = 2.4, gap: float = 0.5) -> list[Cue]:
    out, at = [], start
    for text, length in texts_and_lengths:
        out.append(Cue(text, at, at + length))
        at += length + gap
    return out


EPISODE = _cues(("Welcome to The Walks.", 1.5), ("Today: The old harbour", 1.8), ("The harbour is old.", 4.0),
                ("Its wall shelters boats.", 6.0), ("Fishermen land their catch at dawn.", 7.0),
                ("The market follows.", 3.0), (OUTRO, 2.0))


def _choose(cues: list[Cue], **kw: object) -> Soundbite | None:
    args: dict[str, object] = {"duration": cues[-1].end + 3, "intro_end": 5.5, "intro": INTRO, "outro": OUTRO,
                               "title": "The old harbour", **kw}
    return soundbite.choose(cues, **args)  # type: ignore[arg-type]


def test_the_lede_is_the_first_whole_sentences_past_the_intro_that_last_15_s() -> None:
    bite = _choose(EPISODE)
    assert bite is not None
    first, last = EPISODE[2], EPISODE[4]  # 4 + 6 s is not enough: a third sentence is added
    assert bite.start == pytest.approx(first.start - 0.2)
    assert bite.start + bite.duration == pytest.approx(last.end + soundbite.TAIL)
    assert 15 <= bite.duration <= 60 and bite.title == "The harbour is old."


def test_the_intro_music_and_the_title_are_passed_even_without_the_intro_line() -> None:
    cues = _cues(("Hello.", 1.0), ("The old harbour, a history", 2.0), ("The harbour is old.", 20.0), start=2.4)
    bite = _choose(cues, intro="")
    assert bite is not None and bite.title == "The harbour is old."
    late = _cues(("An opening line.", 1.0), ("Said under the music.", 1.0), ("After it.", 16.0), start=2.6)
    bite = _choose(late, intro="", title="Something else")
    assert bite is not None and bite.title == "After it."  # the music ends at 5.5 s


def _chapters(cues: list[Cue], *heads: int) -> tuple[Chapter, ...]:
    """Chapters that start 0.2 s before each of the ``heads`` cues (their headings)."""
    starts = [0.0, *(cues[h].start - 0.2 for h in heads)]
    ends = [*starts[1:], cues[-1].end + 3]
    return tuple(Chapter(f"Chapter {i}", a, b) for i, (a, b) in enumerate(zip(starts, ends, strict=True)))


def test_the_lede_stays_in_one_chapter_and_reads_no_heading() -> None:
    """The lede ran from the opening chapter's last sentence over the next chapter's heading."""
    cues = _cues(("Welcome to The Walks.", 1.5), ("Today: The old harbour", 1.8), ("The harbour is old.", 6.0),
                 ("At dawn", 1.0), ("Fishermen land their catch at dawn.", 9.0), ("The market follows.", 7.0),
                 (OUTRO, 2.0))
    bite = _choose(cues, chapters=_chapters(cues, 3))
    assert bite is not None and bite.title == "Fishermen land their catch at dawn."
    assert bite.start == pytest.approx(cues[4].start - 0.2)  # not the heading "At dawn"
    assert bite.start + bite.duration == pytest.approx(cues[5].end + soundbite.TAIL)


def test_the_opening_under_the_intro_music_is_the_lede_when_its_chapter_needs_it() -> None:
    """Past the music, the opening chapter had too little for a lede, which then ran into the next."""
    cues = _cues(("An opening line.", 1.0), ("Said under the music.", 8.0), ("After it.", 8.0),
                 ("Next", 1.0), ("A long second chapter.", 30.0), start=2.6)
    bite = _choose(cues, intro="", title="Something else", chapters=_chapters(cues, 3))
    assert bite is not None and bite.title == "An opening line."
    assert bite.start + bite.duration <= cues[3].start


def test_an_episode_of_short_chapters_still_has_a_lede_across_them() -> None:
    """No chapter lasts 15 s: the lede runs over the headings rather than leaving the episode
    without a soundbite (the feed's podcast:soundbite and the pages' highlight button)."""
    cues = _cues(("Welcome to The Walks.", 1.5), ("Today: The old harbour", 1.8), ("The harbour is old.", 5.0),
                 ("At dawn", 1.0), ("Fishermen land their catch.", 5.0), ("Market", 1.0),
                 ("The market follows.", 5.0), (OUTRO, 2.0))
    bite = _choose(cues, chapters=_chapters(cues, 3, 5))
    assert bite is not None and bite.title == "The harbour is old."
    assert 15 <= bite.duration <= 60


def test_no_lede_when_the_body_is_shorter_than_15_s() -> None:
    assert _choose(_cues(("Welcome to The Walks.", 1.5), ("Short.", 3.0), ("Brief.", 3.0), (OUTRO, 2.0))) is None


def test_a_chosen_sentence_starts_it_and_it_stops_before_the_outro(caplog: pytest.LogCaptureFixture) -> None:
    bite = _choose(EPISODE, quote="fishermen land their CATCH")
    assert bite is not None and bite.title == "Fishermen land their catch at dawn."
    assert bite.start == pytest.approx(EPISODE[4].start - 0.2)
    assert bite.start + bite.duration == pytest.approx(EPISODE[5].end + soundbite.TAIL)  # not the outro line
    assert "lasts only 11.0 s (less than 15 s)" in caplog.text  # chosen, so kept, and the writer told
    with pytest.raises(InputError, match="not one of the rendered sentences"):
        _choose(EPISODE, quote="a sentence nobody wrote")


def test_at_most_60_s_and_a_title_of_128_characters() -> None:
    long = "A sentence that goes on " + "and on " * 40 + "for a minute and more."
    bite = _choose(_cues(("Intro line.", 1.0), (long, 75.0), start=6.0), intro="Intro line.")
    assert bite is not None and bite.duration == 60.0
    assert len(bite.title) <= 128 and bite.title.endswith("…")


def test_the_record_round_trips_the_opus_and_the_soundbite() -> None:
    record = EpisodeRecord(
        slug="a", title="A", date=dt.date(2026, 11, 1), description="", number=1, guid="g", kind="episode",
        mp3="a.mp3", size=10, duration=20.5, integrated_lufs=-16.0, true_peak_dbtp=-1.5,
        chapters=(Chapter("A", 0.0, 20.5),), cues=(Cue("Hi.", 1.0, 2.0, "Hi."),),
        opus=OpusFile("a.opus", 5, 24000, 20.5, "sha256-AAAA"), soundbite=Soundbite(3.2, 16.4, "Hi."))
    data = json.loads(json.dumps(record.to_json()))
    assert data["opus"] == {"file": "a.opus", "size": 5, "bitrate": 24000, "duration": 20.5, "integrity": "sha256-AAAA"}
    assert data["soundbite"] == {"start": 3.2, "duration": 16.4, "title": "Hi."}
    assert EpisodeRecord.from_json(data) == record
    bare = EpisodeRecord.from_json({k: v for k, v in data.items() if k not in ("opus", "soundbite")})
    assert bare.opus is None and bare.soundbite is None


SCRIPT = """---
title: The old harbour
date: 2026-11-01
{front}---

Welcome to The Walks. Today: The old harbour

The harbour is old. Its wall shelters boats.

## At dawn

1. Fishermen land their catch at dawn. The market follows.
"""


def test_front_matter_soundbite_must_be_in_the_script(tmp_path: Path) -> None:
    path = tmp_path / "harbour.md"
    meta = scripts.parse(SCRIPT.format(front="soundbite: \u201cIts  wall shelters\u201d\n"), path).meta
    assert meta.soundbite == "\u201cIts  wall shelters\u201d"  # quotes and spaces do not matter, but it is kept
    assert scripts.parse(SCRIPT.format(front="soundbite: 1. Fishermen land\n"), path).meta.soundbite
    with pytest.raises(InputError) as caught:
        scripts.parse(SCRIPT.format(front="soundbite: Its walls shelter boat\n"), path)
    message = caught.value.format_message()
    assert len(message.splitlines()) == 1 and str(path) in message
    assert "soundbite 'Its walls shelter boat' is not a sentence of the script. Did you mean " \
           "'Its wall shelters boats.'? Or remove 'soundbite:'" in message
    with pytest.raises(InputError, match="soundbite 12 is read as a number: put it in quotes"):
        scripts.parse(SCRIPT.format(front="soundbite: 12\n"), path)


def test_render_refuses_a_soundbite_that_is_not_there_in_one_line(tone_project: Path) -> None:
    script = tone_project / "episodes" / "second-interview.md"
    text = script.read_text("utf-8")
    script.write_text(text.replace("date: 2026-11-25\n", "date: 2026-11-25\nsoundbite: A second interview is bad\n"),
                      "utf-8")
    result = cli_runner().invoke(cli, ["-C", str(tone_project), "render"])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "soundbite 'A second interview is bad' is not a sentence of the script. Did you mean" in result.stderr
    assert not (tone_project / "output" / "episodes").exists() or not list(
        (tone_project / "output" / "episodes").glob("*.mp3"))


# --- on a real render of the sample (Piper) -------------------------------------------------------


def test_the_samples_lede_is_heard_where_the_record_says(rendered_sample: Rendered) -> None:
    from audioguide.verify.intelligibility import transcribe, word_recall

    record = EpisodeRecord.from_json(json.loads(rendered_sample.mp3.with_suffix(".json").read_text()))
    bite = record.soundbite
    assert bite is not None
    first = next(i for i, c in enumerate(record.cues) if c.text.startswith("Certainly, being invited"))
    assert bite.title == record.cues[first].text  # past the intro music and the title line
    assert record.cues[first - 1].text.startswith("Today: Is getting a second interview")
    assert bite.start >= 5.5 and bite.start >= record.cues[first - 1].end
    assert 15 <= bite.duration <= 60
    inside = [c for c in record.cues if bite.start <= c.start and c.end <= bite.start + bite.duration]
    assert inside[0] is record.cues[first]
    assert sum(1 for c in record.cues if c.start < bite.start + bite.duration < c.end) == 0  # whole sentences
    # cut from the MP3 and from the Opus at the record's times, the clip says the lede's sentences
    said = " ".join(c.spoken or c.text for c in inside)
    for path in (rendered_sample.mp3, rendered_sample.mp3.with_suffix(".opus")):
        samples = decode(path, 16000)
        clip = samples[int(bite.start * 16000):int((bite.start + bite.duration) * 16000)]
        heard = transcribe((clip * 32768).astype("<i2").tobytes())
        assert word_recall(said, heard) >= 0.7, f"{path.name}: heard {heard!r} for {said!r}"


def test_a_chapter_never_starts_inside_the_sentence_before_it(tone_project: Path) -> None:
    """With ``section_pause: 0`` chapter "Second" began at 3.011 s, inside the previous sentence
    (which ended at 3.209 s): a player jumping to it spoke that sentence's last words."""
    script = tone_project / "episodes" / "tight.md"
    script.write_text("---\ntitle: Tight\nsection_pause: 0\nparagraph_pause: 0\n---\n\n"
                      "The first chapter has a sentence.\n\n## Second\n\nAnd the second one has another.\n\n"
                      "## Third\n\nThe third says the last.\n", "utf-8")
    result = cli_runner().invoke(cli, ["-C", str(tone_project), "render", str(script)])
    assert result.exit_code == 0, result.stderr
    record = json.loads((tone_project / "output" / "episodes" / "tight.json").read_text("utf-8"))
    cues, chapters = record["cues"], record["chapters"]
    assert [c["title"] for c in chapters] == ["Introduction", "Second", "Third"]
    for chapter in chapters[1:]:
        heading = next(c for c in cues if c["text"] == chapter["title"])
        before = [c for c in cues if c["start"] < heading["start"]][-1]
        assert before["end"] <= chapter["start"] <= heading["start"], (chapter, before, heading)
    assert all(a["end"] == b["start"] for a, b in zip(chapters, chapters[1:], strict=False))
