"""Captions with the characters markup uses: WebVTT read back by Chromium's own parser, SubRip
by the ``srt`` library, so that a sentence such as "Is 3 < 5?" is shown as it was written."""

from __future__ import annotations

from typing import Any

import pytest
import srt as subrip

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
  return Array.from(track.track.cues, c => c.getCueAsHTML().textContent);
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
    assert [s.content for s in parsed] == [t.replace("-->", "→") for t in SHOWN]
