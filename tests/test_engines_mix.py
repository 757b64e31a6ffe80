"""Engines and mixing pieces on their own: Piper settings, ffmpeg discovery, music, direct articles."""

from __future__ import annotations

import os
import wave
from pathlib import Path

import numpy as np
import pytest

from audioguide import ffmpeg
from audioguide.audio import mix
from audioguide.cli import cli
from audioguide.errors import EngineError, InputError
from audioguide.models import Audio, Utterance
from audioguide.speech.engines import EngineSettings, create_engine
from tests.clirunner import cli_runner
from tests.conftest import decode


@pytest.fixture(scope="module")
def piper():
    return create_engine("piper", EngineSettings())


def test_piper_speaks_one_sentence(piper) -> None:
    audio = piper.synthesize("The museum opens at nine.")
    samples = np.frombuffer(audio.pcm, dtype="<i2")
    assert audio.sample_rate == 22050
    assert 0.8 < audio.seconds < 4
    assert np.sqrt(np.mean((samples / 32768.0) ** 2)) > 0.02


def test_piper_rate_changes_the_length(piper) -> None:
    text = "Speaking rate is one of the voice settings."
    fast = create_engine("piper", EngineSettings(rate=1.5)).synthesize(text)
    assert fast.seconds < piper.synthesize(text).seconds * 0.8


def test_piper_engines_with_other_settings_share_one_loaded_voice() -> None:
    """Episodes with their own rate or variation must not each load the 180 MB model."""
    slow = create_engine("piper", EngineSettings(rate=0.8, variation=0.0))
    fast = create_engine("piper", EngineSettings(rate=1.25, variation=0.0))
    a, b = slow.synthesize("One shared voice."), fast.synthesize("One shared voice.")
    assert slow._voice is fast._voice  # type: ignore[attr-defined]
    assert len(a.pcm) > len(b.pcm) * 1.3  # each still speaks at its own rate


def test_piper_identity_names_the_model_and_rate() -> None:
    ident = create_engine("piper", EngineSettings(rate=1.25)).identity()
    assert ident["engine"] == "piper" and ident["rate"] == 1.25 and len(str(ident["model"])) == 16


def test_piper_says_which_language_its_voice_speaks() -> None:
    """The render refuses an item whose voice speaks another language (tests/test_language.py),
    from what the engine lists; the engine itself reads whatever it is given."""
    from audioguide.speech.engines import engine_class

    (chosen,) = [v for v in engine_class("piper").voices(EngineSettings(language="de")) if v.chosen]
    assert chosen.language == "en-US" and not chosen.speaks("de") and chosen.speaks("en-GB")


def test_piper_missing_voice_file(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="does not exist"):
        create_engine("piper", EngineSettings(voice=str(tmp_path / "nope.onnx")))


def test_ffmpeg_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real = ffmpeg.ffmpeg_exe()
    ffmpeg.ffmpeg_exe.cache_clear()
    try:
        monkeypatch.setenv("AUDIOGUIDE_FFMPEG", str(tmp_path / "missing"))
        with pytest.raises(EngineError, match="AUDIOGUIDE_FFMPEG"):
            ffmpeg.ffmpeg_exe()
        ffmpeg.ffmpeg_exe.cache_clear()
        monkeypatch.setenv("AUDIOGUIDE_FFMPEG", real)
        assert ffmpeg.ffmpeg_exe() == real
    finally:
        ffmpeg.ffmpeg_exe.cache_clear()


def test_the_bundled_ffmpeg_wins_over_one_on_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A system's own ffmpeg may be too old for the render's filters (Debian 12's 5.1 cannot
    parse ``ebur128=framelog=quiet``): the bundled one, a known version, is used."""
    import imageio_ffmpeg

    (tmp_path / "ffmpeg").write_text("#!/bin/sh\nexit 1\n", "utf-8")
    (tmp_path / "ffmpeg").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    monkeypatch.delenv("AUDIOGUIDE_FFMPEG", raising=False)
    ffmpeg.ffmpeg_exe.cache_clear()
    try:
        assert ffmpeg.ffmpeg_exe() == imageio_ffmpeg.get_ffmpeg_exe()
    finally:
        ffmpeg.ffmpeg_exe.cache_clear()


def _tone(path: Path, seconds: float = 6.0) -> None:
    t = np.arange(int(seconds * 44100)) / 44100
    data = (0.4 * np.sin(2 * np.pi * 330 * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(data.tobytes())


def test_user_music_is_used_and_ducked(tmp_path: Path) -> None:
    song = tmp_path / "song.wav"
    _tone(song)
    bed = mix.MusicBed.from_file(song)
    speech = Audio((np.ones(22050, dtype="<i2") * 8000).tobytes(), 22050)  # 1 s of "voice"
    utterances = [Utterance(0, "Hi.", 0.5)]
    result = mix.mix(utterances, [speech], bed, ["Introduction"], tmp_path / "mix.raw")
    samples = np.frombuffer(result.path.read_bytes(), dtype="<i2") / 32768.0
    before = samples[int(0.5 * 44100) : int(1.5 * 44100)]
    # after the voice ends, the music carries on ducked, not stopped
    after = samples[int((mix.MUSIC_LEAD + 1.2) * 44100) : int((mix.MUSIC_LEAD + 1.7) * 44100)]
    rms_before, rms_after = np.sqrt(np.mean(before**2)), np.sqrt(np.mean(after**2))
    assert rms_before > 0.2
    assert 0 < rms_after < rms_before / 4
    assert result.cues[0].start == pytest.approx(mix.MUSIC_LEAD, abs=0.01)


def test_missing_music_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="music"):
        mix.MusicBed.from_file(tmp_path / "none.mp3")


def test_render_accepts_an_article_directly(tone_project: Path) -> None:
    project = tone_project  # reading, rendering and publishing are plumbing: the tone voice
    article = project / "notes.html"
    article.write_text("<html><body><article><h1>Quick notes</h1><p>One short paragraph to read.</p>"
                       "<h2>Second part</h2><p>And one more sentence.</p></article></body></html>")
    (project / "audioguide.toml").write_text(
        (project / "audioguide.toml").read_text().replace('bitrate = "96k"', 'bitrate = "64k"\nmusic = "none"'))
    result = cli_runner().invoke(cli, ["-C", str(project), "render", str(article)])
    assert result.exit_code == 0, result.stderr
    mp3 = project / "output" / "episodes" / "quick-notes.mp3"
    assert mp3.is_file() and "Rendered 1 episode" in result.stdout
    assert len(decode(mp3)) / 44100 > 3
    assert not list((project / "episodes").glob("quick-notes*"))  # no script written


def test_piper_variation_zero_repeats_exactly() -> None:
    steady = create_engine("piper", EngineSettings(variation=0.0))
    text = "Repeatable renders help caching and comparisons."
    assert steady.synthesize(text).pcm == steady.synthesize(text).pcm
    assert steady.identity()["variation"] == 0.0


def test_the_generated_music_is_composed_once_and_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from audioguide.audio import music

    first = mix.MusicBed.generated(cache=tmp_path)
    assert first == mix.MusicBed.generated()  # the kept copy is what composing gives
    assert len(list(tmp_path.iterdir())) == 2

    def refuse() -> bytes:
        raise AssertionError("composed again")

    monkeypatch.setattr(music, "intro_sting", refuse)
    monkeypatch.setattr(music, "outro_sting", refuse)
    assert mix.MusicBed.generated(cache=tmp_path) == first
