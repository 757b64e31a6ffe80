"""A speech engine that fails on one sentence: the error names it, and the cache stays intact."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from audioguide.cli import cli
from audioguide.errors import EngineError
from audioguide.speech.cache import SentenceCache
from audioguide.speech.engines.piper import PiperEngine


def test_piper_failure_names_the_sentence_and_keeps_the_cache(project: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    real = PiperEngine.synthesize
    bad = "This gesture shows your continued interest and professionalism."

    def flaky(self: PiperEngine, text: str):  # type: ignore[no-untyped-def]
        if "gesture" in text:
            raise EngineError("the ONNX session failed")
        return real(self, text)

    monkeypatch.setattr(PiperEngine, "synthesize", flaky)
    result = CliRunner().invoke(cli, ["-C", str(project), "render", "--jobs", "1"])
    assert result.exit_code == 1
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "second-interview.md" in err and bad in err and "ONNX session failed" in err
    assert not (project / "output" / "episodes" / "second-interview.mp3").exists()
    cache = SentenceCache(project / ".cache" / "audioguide")
    entries = list(cache.root.rglob("*.wav"))
    assert entries and not list(cache.root.rglob("*.part"))
    for entry in entries:  # every entry written before the failure is complete and readable
        assert cache.get(entry.stem) is not None
