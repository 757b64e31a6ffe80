"""The sample rendered end to end: real Piper, real ffmpeg, the MP3 read back.

Length, loudness and where speech is heard are judged on the Piper render (``slow``); the tags,
chapters and side record are plumbing and are read from the tone-engine render.
"""

from __future__ import annotations

import json

import numpy as np
import pyloudnorm
import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from audioguide.audio.master import measure_file
from tests.conftest import Rendered, decode

HEADINGS = [
    "Introduction",
    "Understanding the Significance of a Second Interview",
    "Why Employers Conduct Second Interviews",
    "How to Make the Most of a Second Interview",
    "Conclusion",
]


@pytest.mark.slow
def test_sample_is_a_2_to_6_minute_44k_mp3(rendered_sample: Rendered) -> None:
    info = MP3(rendered_sample.mp3).info
    assert 120 <= info.length <= 360
    assert info.sample_rate == 44100
    assert info.channels == 1
    assert info.bitrate == 96000
    samples = decode(rendered_sample.mp3)
    assert abs(len(samples) / 44100 - info.length) < 0.1
    [episode] = rendered_sample.report.rendered
    assert abs(episode.duration - info.length) < 0.1


@pytest.mark.slow
def test_loudness_within_podcast_targets(rendered_sample: Rendered) -> None:
    measured = measure_file(rendered_sample.mp3)  # ffmpeg ebur128, true peak
    assert abs(measured.integrated_lufs - -16.0) <= 1.0
    assert measured.true_peak_dbtp <= -1.0
    # An independent BS.1770 implementation agrees on the integrated loudness.
    samples = decode(rendered_sample.mp3)
    lufs = pyloudnorm.Meter(44100).integrated_loudness(samples)
    assert abs(lufs - -16.0) <= 1.0


def test_tags_and_chapters_read_back(rendered_tone: Rendered) -> None:
    tags = ID3(rendered_tone.mp3)
    assert tags.version[:2] == (2, 4)
    assert str(tags["TIT2"]) == "Is getting a second interview a good sign?"
    assert str(tags["TPE1"]) == "audioguide sample project"
    assert str(tags["TALB"]) == "Career Conversations"
    assert str(tags["TDRC"]).count("-") == 2
    assert str(tags["TRCK"]) == "1"
    assert "second interview" in str(tags.getall("COMM")[0])
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [str(c.sub_frames["TIT2"]) for c in chaps] == HEADINGS
    [toc] = tags.getall("CTOC")
    assert list(toc.child_element_ids) == [c.element_id for c in chaps]
    length_ms = MP3(rendered_tone.mp3).info.length * 1000
    assert chaps[0].start_time == 0
    for a, b in zip(chaps, chaps[1:], strict=False):
        assert a.end_time == b.start_time and a.start_time < b.start_time
    assert abs(chaps[-1].end_time - length_ms) < 100


@pytest.mark.slow
def test_chapters_start_where_their_heading_is_spoken(rendered_sample: Rendered) -> None:
    """Just before each chapter start there is silence, and speech follows within a second."""
    samples = decode(rendered_sample.mp3)
    [episode] = rendered_sample.report.rendered
    for chapter in episode.chapters[1:]:
        start = int(chapter.start * 44100)
        before = samples[start - 4410 : start]
        after = samples[start : start + 44100]
        assert np.sqrt(np.mean(before**2)) < 0.01, chapter.title
        assert np.sqrt(np.mean(after**2)) > 0.03, chapter.title


@pytest.mark.slow
def test_intro_music_plays_before_and_under_the_first_words(rendered_sample: Rendered) -> None:
    samples = decode(rendered_sample.mp3)
    [episode] = rendered_sample.report.rendered
    first_word = episode.cues[0].start
    solo = samples[int(0.3 * 44100) : int((first_word - 0.4) * 44100)]
    assert np.sqrt(np.mean(solo**2)) > 0.02  # music alone at the start
    # The music is still there (ducked, not stopped) in the gap after the first sentence.
    gap_start, gap_end = episode.cues[0].end, episode.cues[1].start
    gap = samples[int((gap_start + 0.05) * 44100) : int((gap_end - 0.05) * 44100)]
    assert 0.0005 < np.sqrt(np.mean(gap**2)) < np.sqrt(np.mean(solo**2)) / 3


def test_side_record_matches_the_file(rendered_tone: Rendered) -> None:
    record = json.loads(rendered_tone.mp3.with_suffix(".json").read_text())
    assert record["size"] == rendered_tone.mp3.stat().st_size
    assert [c["title"] for c in record["chapters"]] == HEADINGS
    assert record["cues"][0]["text"].startswith("Welcome to Career Conversations")
