"""Captions with the characters markup uses: WebVTT read back by Chromium's own parser, SubRip
by the ``srt`` library, so that a sentence such as "Is 3 < 5?" is shown as it was written; and
long sentences as cards that fit a player (two lines of 32 characters at most)."""

from __future__ import annotations

from typing import Any

import pytest
import srt as subrip
import webvtt

from audioguide.models import Cue
from audioguide.publish.transcripts import captions
from tests.browser import browser, page_errors  # noqa: F401 - the fixture

SENTENCES = (
    "Is 3 < 5 and 7 > 2?",
    "Yes, A --> B is an arrow.",
    "Fish & chips &amp; peas.",
    "<b>Not bold</b>, and <v Joe>no voice</v>.",
    "Two lines\n\nmade one.",
    "Plain words.",
)
SHOWN = [" ".join(s.split()) for s in SENTENCES]
"""What a listener should read: each sentence as written, on one line."""

CUES = tuple(Cue(text, 1.0 + 2 * i, 2.5 + 2 * i) for i, text in enumerate(SENTENCES))

PAGE = """<!doctype html><meta charset="utf-8"><title>captions</title><link rel="icon" href="data:,">
<video id="v" muted><track id="t" kind="captions" srclang="en" src="c.vtt" default></video>"""

CUE_TEXTS = """() => {
  const track = document.getElementById('t');
  if (track.readyState !== 2) return null;  // not loaded (yet)
  return Array.from(track.track.cues, c => c.getCueAsHTML().textContent.replace(/\\n/g, " "));
}"""


@pytest.mark.browser
def test_webvtt_cues_read_back_by_chromium_as_written(browser: Any, httpserver: Any) -> None:  # noqa: F811
    vtt, _ = captions(CUES)
    httpserver.expect_request("/c.vtt").respond_with_data(vtt, content_type="text/vtt")
    httpserver.expect_request("/").respond_with_data(PAGE, content_type="text/html")
    page = browser.new_page()
    errors = page_errors(page)
    page.goto(httpserver.url_for("/"), wait_until="load")
    page.evaluate("document.getElementById('t').track.mode = 'hidden'")
    texts = page.wait_for_function(CUE_TEXTS, timeout=10_000).json_value()
    assert texts == SHOWN
    assert errors == []
    page.close()


def test_subrip_cues_parse_with_their_times_and_text() -> None:
    _, srt_text = captions(CUES)
    parsed = list(subrip.parse(srt_text))
    assert [(s.start.total_seconds(), s.end.total_seconds()) for s in parsed] == [(c.start, c.end) for c in CUES]
    # SubRip cannot escape "-->": it is written as an arrow; nothing else is changed
    assert [" ".join(s.content.split("\n")) for s in parsed] == [t.replace("-->", "→") for t in SHOWN]


LONG = ("When you are invited back for a second interview, the employer has usually narrowed the field to "
        "a handful of candidates, and the conversation will go deeper than before \u2014 into how you would "
        "handle the team's real problems, what you expect from the role in your first six months, whether "
        "your salary expectations fit their budget; and, quite often, whether the people you would work "
        "with every day can picture you among them.")


def test_a_long_sentence_is_shown_as_cards_of_two_short_lines(tmp_path: Any) -> None:
    """A 380-character sentence was one cue on one line for 21.8 seconds."""
    cues = (Cue("Hello.", 0.5, 1.0), Cue(LONG, 1.2, 23.0), Cue("Goodbye.", 23.4, 24.0))
    vtt, srt_text = captions(cues)
    parsed = list(subrip.parse(srt_text, ignore_errors=False))
    (tmp_path / "c.vtt").write_text(vtt, "utf-8")
    read = webvtt.read(str(tmp_path / "c.vtt"))
    assert [c.text for c in read] == [s.content for s in parsed]
    assert [(c.start_in_seconds, c.end_in_seconds) for c in read] == [
        (int(s.start.total_seconds()), int(s.end.total_seconds())) for s in parsed]
    long = parsed[1:-1]
    assert len(long) >= 6
    for card in parsed:
        lines = card.content.split("\n")
        assert len(lines) <= 2 and all(len(line) <= 32 for line in lines), card.content
    assert " ".join(" ".join(s.content.split("\n")) for s in long) == LONG
    # the sentence's time, shared: no gaps, no overlaps, in order
    assert long[0].start.total_seconds() == 1.2 and long[-1].end.total_seconds() == 23.0
    assert all(a.end == b.start and a.start < a.end for a, b in zip(long, long[1:], strict=False))
    # cut at clause ends where one is in reach
    assert long[0].content.endswith("interview,") and any(s.content.endswith("budget; and,") for s in long)
