"""Shared fixtures: a copy of the sample project, and the sample rendered once per test session.

Two voices render the sample. Real Piper (``rendered_sample``, ``rendered_guide``) is for the tests
that judge speech itself: loudness, cue timings against the audio, transcripts, intelligibility.
The deterministic tone engine (``tone_project``, ``rendered_tone``, ``rendered_tone_guide``) is for
the tests that check plumbing (files, tags, records, feeds, pages, caching, the command line): a
tone per word, the same bytes on every run, in a fraction of the time. The rendered variants use
the sample trimmed to a dozen sentences (:func:`trim_sample`), every chapter kept.

A test that needs a Piper render of the sample is marked ``slow`` here, whatever file it is in
(``pytest_collection_modifyitems``): the render alone takes well over the fast lane's budget.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from audioguide import ffmpeg
from audioguide.config import load_config
from audioguide.pipeline import render
from audioguide.render.items import Report
from audioguide.settings import Config

pytest_plugins = ["tests.browser"]  # the headless Chromium fixture

os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
"""A changed feed's ``lastBuildDate`` is the render's time (:func:`audioguide.publish.publish.build_time`),
never before its newest item: at the start of 1970 it is that item's date, so the same inputs
give the same bytes in every test (and in the renders they start in a fresh interpreter)."""

REPO = Path(__file__).resolve().parents[1]
SAMPLE_ARTICLE = REPO / "episodes" / "sources" / "second-interview.txt"
SAMPLE_SCRIPT = REPO / "episodes" / "second-interview.md"


def copy_project(dest: Path) -> Path:
    """A copy of the repository's sample project (config and episodes) at ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "audioguide.toml", dest / "audioguide.toml")
    shutil.copytree(REPO / "episodes", dest / "episodes")
    return dest


def decode(path: Path, rate: int = 44100) -> np.ndarray:
    """Any audio file decoded by ffmpeg to mono float samples at ``rate``."""
    pcm = ffmpeg.run(["-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(rate), "pipe:1"])
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768


KEPT_SENTENCE = "This gesture shows your continued interest and professionalism."
"""The sample sentence that tests edit (the only one with "professionalism"); trimming keeps it."""

_FIRST_SENTENCE = re.compile(r"(?<=[a-z][.!?])\s+")


def trim_sample(root: Path) -> Path:
    """Shorten the sample script in the project at ``root`` to about a dozen sentences.

    Every heading stays (so every chapter and every guide stop), and so do the pause cues, the
    first sentence after each heading or pause, and the line with :data:`KEPT_SENTENCE`: the same
    structure in a fraction of the audio, for tests that render it again and again.
    """
    script = root / "episodes" / "second-interview.md"
    text = script.read_text("utf-8")
    end = text.index("\n---\n", 4) + 5  # the end of the front matter
    kept: list[str] = []
    wanted = True
    for line in text[end:].splitlines():
        if not line.strip() or line.startswith(("#", "[pause")):
            kept.append(line)
            wanted = wanted or bool(line.strip())
        elif KEPT_SENTENCE in line:
            kept.append(line)
        elif wanted:
            kept.append(_FIRST_SENTENCE.split(line, maxsplit=1)[0])
            wanted = False
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(kept))
    script.write_text(text[:end] + "\n" + body.strip("\n") + "\n", "utf-8")
    return root


SHORT_BODY = f"""
Welcome to Career Conversations. Today: Is getting a second interview a good sign?

## How to Make the Most of a Second Interview

3. Follow-Up: Send a thank-you email or note to the interviewer after the second interview. {KEPT_SENTENCE}

[pause 0.8s]

Thanks for listening to Career Conversations.
"""
"""The sample script's body cut to its opening, one chapter with :data:`KEPT_SENTENCE`, and its end."""


def short_sample(root: Path) -> Path:
    """Replace the sample script's body in the project at ``root`` with :data:`SHORT_BODY`
    (six sentences), for tests that render it many times or need only a few sentences."""
    script = root / "episodes" / "second-interview.md"
    text = script.read_text("utf-8")
    script.write_text(text[: text.index("\n---\n", 4) + 5] + SHORT_BODY, "utf-8")
    return root


def use_engine(root: Path, engine: str) -> Path:
    """Switch the project at ``root`` to the speech engine ``engine`` (``[voice] engine``)."""
    toml = root / "audioguide.toml"
    text = toml.read_text("utf-8")
    assert 'engine = "piper"' in text, "the sample's audioguide.toml no longer selects piper"
    toml.write_text(text.replace('engine = "piper"', f'engine = "{engine}"', 1), "utf-8")
    return root


def piper_with(in_parts: bool) -> Any:
    """The bundled Piper voice with variation 0 (the same samples each run), asked to run in two
    parts (:mod:`audioguide.speech.engines.piper_parts`), or as one graph."""
    import json

    from audioguide.speech.engines import EngineSettings
    from audioguide.speech.engines import piper as piper_engine

    engine = piper_engine.PiperEngine(EngineSettings(variation=0.0))
    engine._load()  # its synthesis settings
    engine._voice = piper_engine._loaded_voice(engine.model_path, json.dumps(engine.voice_config, sort_keys=True),
                                               engine.threads, in_parts=in_parts)
    return engine


def copy_tone_project(dest: Path) -> Path:
    """:func:`copy_project` with ``engine = "tone"``: for tests of plumbing, not of sound."""
    return use_engine(copy_project(dest), "tone")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture
def tone_project(tmp_path: Path) -> Path:
    """A copy of the sample project whose voice is the deterministic tone engine."""
    return copy_tone_project(tmp_path / "project")


@dataclass
class Rendered:
    config: Config
    report: Report

    @property
    def mp3(self) -> Path:
        return self.config.output_dir / "episodes" / "second-interview.mp3"


def repeatable(root: Path) -> Path:
    """Set ``variation = 0`` in the project at ``root``: Piper then gives the same samples on
    every run (and the same sentence cache keys, so projects can share a cache)."""
    toml = root / "audioguide.toml"
    text = toml.read_text()
    assert 'engine = "piper"' in text
    toml.write_text(text.replace('engine = "piper"', 'engine = "piper"\nvariation = 0', 1))
    return root


@pytest.fixture(scope="session")
def rendered_sample(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The sample project rendered once with Piper (repeatably: ``variation = 0``), for the tests
    that judge its speech."""
    root = repeatable(copy_project(tmp_path_factory.mktemp("sample") / "project"))
    config = load_config(root)
    return Rendered(config, render(config))


@pytest.fixture(scope="session")
def rendered_tone(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The (trimmed) sample project rendered once with the tone engine, for the tests of its
    files: every chapter of the sample, a dozen sentences, a second or two to render."""
    root = trim_sample(copy_tone_project(tmp_path_factory.mktemp("tone") / "project"))
    config = load_config(root)
    return Rendered(config, render(config))


@dataclass
class RenderedGuide:
    config: Config
    report: Report

    @property
    def folder(self) -> Path:
        return self.config.output_dir / "guides" / "second-interview"


def _render_guide(root: Path) -> RenderedGuide:
    from audioguide.render.inputs import Overrides

    config = load_config(root)
    return RenderedGuide(config, render(config, overrides=Overrides(guide=True)))


@pytest.fixture(scope="session")
def rendered_guide(rendered_sample: Rendered,
                   tmp_path_factory: pytest.TempPathFactory) -> RenderedGuide:
    """The (trimmed) sample rendered once as an audio guide (``render --guide``) with Piper,
    for the tests that judge its sound: five stops of real speech.

    It starts from the Piper sample's sentence cache, as a project rendered first as an episode
    would: only the stop announcements are spoken anew, the rest is mixed and mastered."""
    root = repeatable(trim_sample(copy_project(tmp_path_factory.mktemp("guide") / "project")))
    cache = rendered_sample.config.root / ".cache"
    if cache.is_dir():  # not there when AUDIOGUIDE_CACHE puts the cache elsewhere
        shutil.copytree(cache, root / ".cache")
    return _render_guide(root)


@pytest.fixture(scope="session")
def rendered_tone_guide(tmp_path_factory: pytest.TempPathFactory) -> RenderedGuide:
    """The (trimmed) sample rendered once as an audio guide with the tone engine, for the tests
    of its files, tags, chapters and page."""
    return _render_guide(trim_sample(copy_tone_project(tmp_path_factory.mktemp("tone-guide") / "project")))


PIPER_RENDERS = frozenset({"rendered_sample", "rendered_guide"})
"""Session fixtures that render the sample with Piper (each takes many seconds)."""

SLOW_ELSEWHERE = frozenset({
    # Piper and pocketsphinx on a whole article, twice: about 8 s.
    "tests/test_speech_quality.py::test_normalised_article_is_understood_far_better_than_raw",
})
"""Tests over the fast lane's two seconds in files that do not mark them ``slow`` themselves."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that needs a Piper render of the sample is ``slow``, in any file, and so are
    the ones in :data:`SLOW_ELSEWHERE`. The Piper ones also share one xdist group, so that with
    ``-n 2 --dist loadgroup`` (as ``scripts/test`` runs) one worker renders the sample once."""
    for item in items:
        piper = bool(PIPER_RENDERS & set(getattr(item, "fixturenames", ())))
        if piper or item.nodeid in SLOW_ELSEWHERE:
            item.add_marker(pytest.mark.slow)
        if piper:
            item.add_marker(pytest.mark.xdist_group("piper-sample"))
