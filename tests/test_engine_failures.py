"""A speech engine that fails on one sentence: the error names it, and the cache stays intact.

The failure is injected into the tone engine (the synthesizer's error handling and the cache do
not depend on the engine, and the tone engine speaks the other sentences in no time).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from audioguide.cli import cli
from audioguide.errors import EngineError
from audioguide.speech.cache import SentenceCache
from audioguide.speech.engines.tone import ToneEngine
from tests.clirunner import cli_runner


def test_engine_failure_names_the_sentence_and_keeps_the_cache(tone_project: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    project = tone_project
    real = ToneEngine.synthesize
    bad = "This gesture shows your continued interest and professionalism."

    def flaky(self: ToneEngine, text: str):  # type: ignore[no-untyped-def]
        if "gesture" in text:
            raise EngineError("the synthesis session failed")
        return real(self, text)

    monkeypatch.setattr(ToneEngine, "synthesize", flaky)
    result = cli_runner().invoke(cli, ["-C", str(project), "render", "--jobs", "1"])
    assert result.exit_code == 1
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "second-interview.md" in err and bad in err and "synthesis session failed" in err
    assert not (project / "output" / "episodes" / "second-interview.mp3").exists()
    cache = SentenceCache(project / ".cache" / "audioguide")
    entries = list(cache.root.rglob("*.wav"))
    assert entries and not list(cache.root.rglob("*.part"))
    for entry in entries:  # every entry written before the failure is complete and readable
        assert cache.get(entry.stem) is not None
