"""The chapter pipeline (issue 14, points 1, 2 and 4): an episode made in segments decodes to
exactly its timeline, meets the loudness targets, and a one-sentence edit re-masters only the
segment it is in."""

from __future__ import annotations

import json
import math
import threading
from pathlib import Path
from typing import Any

import pytest

from audioguide.audio import master, segments
from audioguide.audio.loudness import Measured
from audioguide.audio.mix import RATE, MusicBed
from audioguide.cli import cli
from audioguide.config import load_config
from audioguide.errors import BuildError, EngineError
from audioguide.ingest import script as scripts
from audioguide.layout import SEGMENTS
from audioguide.models import Utterance
from audioguide.render import assembly
from audioguide.render.assembly import NEAR, STEER_RANGE, STEER_STEP, Assembly
from audioguide.render.items import episode_job
from audioguide.render.kept import Made
from audioguide.render.lock import render_lock
from audioguide.speech.engines.tone import ToneEngine
from tests.clirunner import cli_runner
from tests.conftest import copy_tone_project, decode

SECTIONS = [
    ("The harbour", "The harbour wall was built to shelter the fishing fleet from the winter storms."),
    ("The lighthouse", "The lighthouse at the end of the wall still turns its lamp every single night."),
    ("The market", "By seven in the evening the market is closing and the gulls take the stalls."),
    ("The bridge", "The old bridge carried trams until the river flooded in the spring of 1958."),
]


def _script(root: Path, changed: str = "") -> Path:
    """A script of four chapters, each long enough (about 80 s as estimated) to be a segment."""
    lines = ["---", "title: A long walk", "date: 2026-11-01", "---", ""]
    for heading, sentence in SECTIONS:
        lines += [f"## {heading}", ""]
        for i in range(14):
            text = f"{sentence} This is sentence {i + 1} of the {heading.lower()}."
            lines += [changed if (changed and heading == "The market" and i == 6) else text, ""]
    path = root / "episodes" / "walk.md"
    path.write_text("\n".join(lines), "utf-8")
    return path


def _run(root: Path, *args: str) -> None:
    result = cli_runner().invoke(cli, ["-C", str(root), *args])
    assert result.exit_code == 0, result.stderr


def _record(root: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((root / "output" / "episodes" / "walk.json").read_text("utf-8"))
    return data


@pytest.fixture
def walk(tone_project: Path) -> Path:
    (tone_project / "episodes" / "second-interview.md").unlink()
    _script(tone_project)
    _run(tone_project, "render")
    return tone_project


def test_segments_join_into_exactly_the_timeline_at_the_target_loudness(walk: Path) -> None:
    record = _record(walk)
    assert len(record["segments"]) >= 3  # type: ignore[arg-type]
    mp3 = walk / "output" / "episodes" / "walk.mp3"
    samples = decode(mp3)
    # the record keeps milliseconds; the sample-exact join is tested in tests/test_segments.py
    assert abs(len(samples) - float(record["duration"]) * RATE) <= RATE / 2000  # type: ignore[arg-type]
    measured = master.measure_file(mp3)
    assert abs(measured.integrated_lufs - -16.0) <= 0.5 and measured.true_peak_dbtp <= -1.0
    assert abs(measured.integrated_lufs - float(record["integrated_lufs"])) <= 0.1  # type: ignore[arg-type]
    titles = [c["title"] for c in record["chapters"]]  # type: ignore[index, union-attr]
    assert titles == [h for h, _ in SECTIONS]
    # a first render steers each segment's gain: small steps, within range of the first
    gains = record["master"].get("gains") or [record["master"]["gain"]]  # type: ignore[union-attr]
    assert len(gains) in (1, len(record["segments"]))  # type: ignore[arg-type]
    assert all(abs(b - a) <= STEER_STEP + 0.01 for a, b in zip(gains, gains[1:], strict=False))
    assert all(abs(g - gains[0]) <= STEER_RANGE + 0.01 for g in gains)


def _assembly(gains: list[float], levels: list[float], previous: tuple[float, ...] = ()) -> Assembly:
    """An assembly whose segments are 1 s each as estimated from their text (15 characters a
    second), with those made so far at ``gains``, each measured at ``levels`` (LUFS, ten 100 ms
    values) and one more segment of 10 s still to come."""
    made = [Made(f"k{i}", None, Measured((level,) * 10, -3.0), (), (), gain, -1.6)  # type: ignore[arg-type]
            for i, (gain, level) in enumerate(zip(gains, levels, strict=True))]
    assembly = Assembly.__new__(Assembly)
    assembly.gain, assembly.target, assembly.made = gains[0] if gains else 10.0, -16.0, made
    assembly.previous_gains, assembly.store = previous, None
    assembly.utterances = (*(Utterance(0, "x" * 15, 0.0) for _ in made), Utterance(1, "x" * 150, 0.0))
    assembly.plan = [(i, i + 1) for i in range(len(assembly.utterances))]
    return assembly


def _wanted(levels: list[float], last_gain: float) -> float:
    """The gain that brings the next 10 s to where the whole is at -16 LUFS (a dB of gain is
    0.6 LU), from made segments all at ``last_gain``."""
    made = sum(10 * 10 ** (level / 10) for level in levels)
    needed = 10 * math.log10(((10 * len(levels) + 100) * 10 ** (-16 / 10) - made) / 100)
    typical = 10 * math.log10(made / (10 * len(levels)))
    return last_gain + (needed - typical) / 0.6


@pytest.mark.parametrize(("levels", "step"), [
    ([-15.0], "down, one step at most"),  # 1 LU too loud: 1.9 dB down is wanted, 0.5 is taken
    ([-16.06], "a little up"),
    ([-16.0], "none"),
])
def test_a_first_render_steers_the_next_segment_toward_the_target(levels: list[float], step: str) -> None:
    got = _assembly([10.0], levels)._gain_for(1)
    if step.startswith("down"):
        assert _wanted(levels, 10.0) < 10.0 - STEER_STEP and got == 10.0 - STEER_STEP
    else:
        assert got == pytest.approx(_wanted(levels, 10.0), abs=0.006)
        assert (got > 10.05) == (step == "a little up") and abs(got - 10.0) < STEER_STEP


def test_steering_stays_within_its_range_of_the_first_segment() -> None:
    gains = [10.0, 10.5, 11.0, 11.5, 12.0]
    assert _assembly(gains, [-17.0] * 5)._gain_for(5) == 10.0 + STEER_RANGE


def test_a_later_render_makes_a_changed_segment_at_the_gain_it_had_there() -> None:
    # nothing kept (no store): each segment is made at its previous gain, within a step of the one before
    assembly = _assembly([10.0, 10.25], [-16.0, -16.0], previous=(10.0, 10.25, 10.5, 11.5))
    assert assembly._gain_for(2) == 10.5
    assembly.made.append(Made("k2", None, Measured((-16.0,), -3.0), (), (), 10.5, -1.6))  # type: ignore[arg-type]
    assert assembly._gain_for(3) == 10.5 + STEER_STEP  # 11.5 was the gain there, but no jump of 1 dB


def test_a_one_sentence_edit_remasters_only_the_segment_it_is_in(walk: Path) -> None:
    before = _record(walk)
    kept = set((walk / SEGMENTS).glob("*.mp3"))
    _script(walk, changed="By eight the market has closed, and only the gulls remain.")
    _run(walk, "render")
    after = _record(walk)
    old, new = list(before["segments"]), list(after["segments"])  # type: ignore[call-overload]
    made = [key for key in new if key not in old]
    # the segment holding the sentence is made again; the cuts are chosen by the text near
    # them, so an edit may also move the cut after it (or make the new sentence a cut): at
    # most two new segments, side by side, and every other segment is reused
    assert 1 <= len(made) <= 2
    assert len(made) == 1 or new.index(made[1]) == new.index(made[0]) + 1
    assert len([key for key in old if key in new]) >= len(old) - 2
    assert len(set((walk / SEGMENTS).glob("*.mp3")) - kept) == len(made)
    assert after["master"] == before["master"]  # each segment's gain was kept
    mp3 = walk / "output" / "episodes" / "walk.mp3"
    assert abs(len(decode(mp3)) - float(after["duration"]) * RATE) <= RATE / 2000  # type: ignore[arg-type]
    _run(walk, "check")


@pytest.mark.parametrize(("setting", "target", "ceiling"), [("loudness = -19.0", -19.0, -1.0),
                                                           ("true_peak = -2.0", -16.0, -2.0)])
def test_a_new_loudness_target_or_ceiling_masters_each_segment_once(
        walk: Path, monkeypatch: pytest.MonkeyPatch, setting: str, target: float, ceiling: float) -> None:
    # the previous render's gains were made for -16 LUFS and -1 dBTP: taken as the first guess
    # for -19 LUFS, every segment came out 3 LU too loud (for -2 dBTP, 0.5 LU too quiet), and the
    # whole episode was mastered again (three times; twice)
    count = len(_record(walk)["segments"])  # type: ignore[arg-type]
    config = walk / "audioguide.toml"
    config.write_text(config.read_text("utf-8").replace("[audio]", f"[audio]\n{setting}", 1), "utf-8")
    encodings: list[int] = []
    real = segments.encode
    monkeypatch.setattr(segments, "encode", lambda *a, **k: (encodings.append(1), real(*a, **k))[1])
    _run(walk, "render")
    record = _record(walk)
    assert (record["master"]["target"], record["master"]["ceiling"]) == (target, ceiling)  # type: ignore[index]
    assert abs(float(record["integrated_lufs"]) - target) <= 0.5  # type: ignore[arg-type]
    assert len(encodings) <= count + 1  # each segment once (and the first again, if its peak needed it)
    measured = master.measure_file(walk / "output" / "episodes" / "walk.mp3")
    assert abs(measured.integrated_lufs - target) <= 0.5 and measured.true_peak_dbtp <= ceiling


@pytest.mark.parametrize(("master_fields", "setting", "kept"), [
    ({"target": -16.0, "ceiling": -1.0}, "", True),
    ({"target": -16.0, "ceiling": -1.0}, "loudness = -19.0", False),
    ({"target": -16.0, "ceiling": -1.0}, "loudness = -16.3", False),  # kept, all would miss by 0.3 LU
    ({"target": -16.0, "ceiling": -1.0}, "true_peak = -2.0", False),
    ({}, "", True),  # a record from before they were kept, measured at the target: its gains still serve
    ({}, "loudness = -19.0", False),  # measured 3 LU from the new target
    ({}, "loudness = -16.2", True),  # within the tolerance the gains are kept with
])
def test_previous_gains_are_a_first_guess_only_for_the_same_target_and_ceiling(
        tone_project: Path, master_fields: dict[str, float], setting: str, kept: bool) -> None:
    dest = tone_project / "output" / "episodes" / "second-interview.mp3"
    dest.parent.mkdir(parents=True)
    record = {"integrated_lufs": -16.0, "master": {"gain": 10.0, "threshold": -20.0, **master_fields}}
    dest.with_suffix(".json").write_text(json.dumps(record), "utf-8")
    config_path = tone_project / "audioguide.toml"
    config_path.write_text(config_path.read_text("utf-8").replace("[audio]", f"[audio]\n{setting}", 1), "utf-8")

    class NoKeys:
        def keys(self, utterances: list[Utterance]) -> list[str]:
            return [""] * len(utterances)

    job = episode_job(load_config(tone_project), scripts.load(tone_project / "episodes" / "second-interview.md"),
                      [], NoKeys(), MusicBed.none(), dest)  # type: ignore[arg-type]
    assert (job.previous_gains, job.first_threshold) == (((10.0,), -20.0) if kept else ((), None))


def _edit_two_chapters(root: Path, number: int) -> None:
    """Reword sentence ``number`` of the harbour and of the bridge (two segments far apart)."""
    path = root / "episodes" / "walk.md"
    text = path.read_text("utf-8")
    for heading in ("the harbour", "the bridge"):
        old = f"This is sentence {number} of the {heading}."
        assert old in text
        text = text.replace(old, f"This is sentence number {number} of the {heading}.")
    path.write_text(text, "utf-8")


def test_an_edit_encodes_the_segments_it_makes_side_by_side(walk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # two sentences changed in two chapters: their segments are mixed into memory and encoded at
    # once (each encoding waits at a barrier until the other has started: made one after the
    # other, the first would wait there until the barrier gave up, and the render would fail)
    _edit_two_chapters(walk, 3)
    both = threading.Barrier(2, timeout=120)
    inputs: list[object] = []
    encode = segments.encode

    def side_by_side(pcm: Path | bytes, *args: Any, **kwargs: Any) -> Any:
        inputs.append(pcm)
        if len(inputs) <= 2:
            both.wait()
        return encode(pcm, *args, **kwargs)

    monkeypatch.setattr(segments, "encode", side_by_side)
    before = _record(walk)
    _run(walk, "render")
    after = _record(walk)
    assert len(inputs) >= 2 and all(isinstance(pcm, bytes) for pcm in inputs)  # no raw mix on disk
    assert len([key for key in after["segments"] if key not in before["segments"]]) == len(inputs)  # type: ignore[operator, union-attr]
    mp3 = walk / "output" / "episodes" / "walk.mp3"
    assert abs(len(decode(mp3)) - float(after["duration"]) * RATE) <= RATE / 2000  # type: ignore[arg-type]
    _run(walk, "check")


def test_a_segment_that_fails_while_another_is_encoded_fails_the_edit_cleanly(
        walk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the first of two segments encoded side by side fails: one line and exit 1, the episode as
    # it was, no encoding thread left behind; the next render makes the edit
    _edit_two_chapters(walk, 5)
    mp3 = walk / "output" / "episodes" / "walk.mp3"
    published = mp3.read_bytes()
    encode, calls = segments.encode, []
    both = threading.Barrier(2, timeout=120)

    def failing(pcm: Path | bytes, *args: Any, **kwargs: Any) -> Any:
        calls.append(pcm)
        number = len(calls)
        if number <= 2:
            both.wait()  # the two are in flight together
        if number == 1:
            raise BuildError("MP3 encoding failed: disk on fire")
        return encode(pcm, *args, **kwargs)

    monkeypatch.setattr(segments, "encode", failing)
    result = cli_runner().invoke(cli, ["-C", str(walk), "render"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "disk on fire" in lines[0] and "Traceback" not in result.stderr
    assert mp3.read_bytes() == published
    assert not [t for t in threading.enumerate() if t.name.startswith("encode")]
    monkeypatch.setattr(segments, "encode", encode)
    _run(walk, "render")
    assert mp3.read_bytes() != published
    assert abs(len(decode(mp3)) - float(_record(walk)["duration"]) * RATE) <= RATE / 2000  # type: ignore[arg-type]


def test_a_sentence_that_fails_while_a_segment_is_encoded_leaves_nothing_running(
        walk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # an edit of two chapters: the first one's segment is being encoded when the second one's
    # sentence fails to be spoken; the render fails with one line, after that encoding is done
    _edit_two_chapters(walk, 7)
    encoding, failed = threading.Event(), threading.Event()
    encode, speak = segments.encode, ToneEngine.synthesize

    def slow_encode(pcm: Path | bytes, *args: Any, **kwargs: Any) -> Any:
        encoding.set()
        assert failed.wait(timeout=120)  # still encoding when the sentence fails
        return encode(pcm, *args, **kwargs)

    def flaky(self: ToneEngine, text: str) -> Any:
        if "number" in text and "bridge" in text:  # the edited one (its digit read out in words)
            assert encoding.wait(timeout=120)
            failed.set()
            raise EngineError("the synthesis session failed")
        return speak(self, text)

    monkeypatch.setattr(segments, "encode", slow_encode)
    monkeypatch.setattr(ToneEngine, "synthesize", flaky)
    result = cli_runner().invoke(cli, ["-C", str(walk), "render"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "synthesis session failed" in lines[0]
    assert not [t for t in threading.enumerate() if t.name.startswith("encode")]


def test_a_segment_mixed_into_a_file_sounds_as_one_mixed_into_memory(
        tone_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a segment too long for memory (a chapter with no pause to cut in) goes through a file
    # instead: the same episode, byte for byte
    piped = copy_tone_project(tmp_path / "piped")
    for root in (tone_project, piped):
        (root / "episodes" / "second-interview.md").unlink()
        _script(root)
    _run(piped, "render")
    monkeypatch.setattr(assembly, "IN_MEMORY_SECONDS", 0.0)
    inputs: list[object] = []
    encode = segments.encode

    def recorded(pcm: Path | bytes, *args: Any, **kwargs: Any) -> Any:
        inputs.append(pcm)
        return encode(pcm, *args, **kwargs)

    monkeypatch.setattr(segments, "encode", recorded)
    _run(tone_project, "render")
    assert inputs and all(isinstance(pcm, Path) for pcm in inputs)
    mp3 = Path("output", "episodes", "walk.mp3")
    assert (tone_project / mp3).read_bytes() == (piped / mp3).read_bytes()


def test_prune_removes_segments_no_episode_uses(walk: Path) -> None:
    _script(walk, changed="A different sentence in the market.")
    _run(walk, "render")
    listed = set(_record(walk)["segments"])  # type: ignore[arg-type]
    assert {p.stem for p in (walk / SEGMENTS).glob("*.mp3")} > listed
    _run(walk, "cache", "--prune")
    assert {p.stem for p in (walk / SEGMENTS).glob("*.mp3")} == listed


def _quay(sentences: int) -> str:
    """Paragraphs of new text, one sentence each."""
    return "\n\n".join(f"The quay was paved in {1800 + i}, stone by stone, by the harbour's own masons."
                       for i in range(sentences))


def _insert_before(root: Path, heading: str, text: str) -> Path:
    """Put ``text`` into the walk's script before ``heading``; return the script."""
    path = root / "episodes" / "walk.md"
    path.write_text(path.read_text("utf-8").replace(heading, f"{text}\n\n{heading}", 1), "utf-8")
    return path


def test_a_longer_first_chapter_keeps_the_segments_after_it(walk: Path) -> None:
    # the first chapter grows by several segments: every later segment moves more than a few
    # places on, and is still found at the gain it had
    before = _record(walk)
    _insert_before(walk, "## The lighthouse", _quay(120))
    _run(walk, "render")
    after = _record(walk)
    old, new = list(before["segments"]), list(after["segments"])  # type: ignore[call-overload]
    assert len(new) > len(old)
    kept = [key for key in old if key in new]
    assert len(kept) >= len(old) - 3, (len(kept), len(old))
    assert new.index(kept[-1]) > old.index(kept[-1]) + NEAR  # found further on than the places near it


def test_a_chapter_added_at_the_start_keeps_every_segment_after_it(walk: Path, tmp_path: Path) -> None:
    # segments count their chapters from their own first: a chapter added before them does not
    # make them again, and the chapter list comes out as a first render of the new script gives it
    before = _record(walk)
    path = _insert_before(walk, "## The harbour", f"## The quay\n\n{_quay(14)}")
    _run(walk, "render")
    after = _record(walk)
    old, new = list(before["segments"]), list(after["segments"])  # type: ignore[call-overload]
    assert len([key for key in old if key in new]) >= len(old) - 2
    fresh = copy_tone_project(tmp_path / "fresh")
    (fresh / "episodes" / "second-interview.md").unlink()
    (fresh / "episodes" / "walk.md").write_text(path.read_text("utf-8"), "utf-8")
    _run(fresh, "render")
    cold = _record(fresh)
    assert [c["title"] for c in after["chapters"]] == ["The quay", *(h for h, _ in SECTIONS)]  # type: ignore[union-attr, index]
    assert after["chapters"] == cold["chapters"]
    assert after["cues"] == cold["cues"]


def test_prune_during_a_render_waits_for_it_or_refuses_in_one_line(walk: Path) -> None:
    _script(walk, changed="A different sentence in the market.")
    _run(walk, "render")
    kept = sorted((walk / SEGMENTS).glob("*.mp3"))
    runner = cli_runner()
    with render_lock(walk):  # a render running: its new segments are in no record yet
        for args in (["cache", "--prune"], ["cache", "--prune", "--wait", "0.1"]):
            result = runner.invoke(cli, ["-C", str(walk), *args])
            assert result.exit_code == 1, result.output
            assert result.stderr.count("\n") == 1 and "another audioguide render is running" in result.stderr
        assert sorted((walk / SEGMENTS).glob("*.mp3")) == kept
        listing = runner.invoke(cli, ["-C", str(walk), "cache"])  # only looking needs no lock
        assert listing.exit_code == 0, listing.stderr
    _run(walk, "cache", "--prune")
    assert set((walk / SEGMENTS).glob("*.mp3")) < set(kept)
