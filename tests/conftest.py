"""Shared fixtures: a copy of the sample project, and the sample rendered once per test session."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from audioguide import ffmpeg
from audioguide.config import load_config
from audioguide.settings import Config
from audioguide.pipeline import render
from audioguide.render.items import Report

pytest_plugins = ["tests.browser"]  # the headless Chromium fixture

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


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@dataclass
class Rendered:
    config: Config
    report: Report

    @property
    def mp3(self) -> Path:
        return self.config.output_dir / "episodes" / "second-interview.mp3"


@pytest.fixture(scope="session")
def rendered_sample(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The sample project rendered once, for the tests that inspect its output."""
    root = copy_project(tmp_path_factory.mktemp("sample") / "project")
    config = load_config(root)
    return Rendered(config, render(config))


@dataclass
class RenderedGuide:
    config: Config
    report: Report

    @property
    def folder(self) -> Path:
        return self.config.output_dir / "guides" / "second-interview"


@pytest.fixture(scope="session")
def rendered_guide(tmp_path_factory: pytest.TempPathFactory) -> RenderedGuide:
    """The sample rendered once as an audio guide (``render --guide``)."""
    from audioguide.render.inputs import Overrides

    root = copy_project(tmp_path_factory.mktemp("guide") / "project")
    config = load_config(root)
    return RenderedGuide(config, render(config, overrides=Overrides(guide=True)))
