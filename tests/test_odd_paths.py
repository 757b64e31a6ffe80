"""Projects in folders whose names ffmpeg's filtergraphs treat specially (``' : \\ , [ ] ;`` and
spaces): temporary files live in the project's ``.cache/tmp/``, so their paths reach ffmpeg's
filter options, and a failure's line names the item it belongs to."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from audioguide.audio import loudness
from audioguide.cli import cli
from audioguide.errors import BuildError
from tests.clirunner import cli_runner
from tests.conftest import copy_tone_project, short_sample

ODD = "O'Brien show, [live]; a:b\\c"


@pytest.mark.parametrize("name", ["O'Brien show", ODD])
def test_a_project_in_a_folder_with_quotes_and_filter_characters_renders(tmp_path: Path, name: str) -> None:
    root = short_sample(copy_tone_project(tmp_path / name))
    result = cli_runner().invoke(cli, ["-C", str(root), "render"])
    assert result.exit_code == 0, result.output + result.stderr
    assert (root / "output" / "episodes" / "second-interview.mp3").stat().st_size > 0


def test_measure_writes_its_blocks_into_a_folder_with_every_special_character(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / ODD
    work.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(work))
    measured = loudness.measure(["-f", "lavfi", "-i", "sine=frequency=440:duration=2"], what="a tone")
    assert len(measured.blocks) >= 10 and -30 < loudness.integrated(measured.blocks) < 0


def test_a_failure_without_a_file_names_the_item_it_belongs_to(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = short_sample(copy_tone_project(tmp_path / "project"))
    shutil.copy(root / "episodes" / "second-interview.md", root / "episodes" / "copy.md")
    text = (root / "episodes" / "copy.md").read_text("utf-8")
    (root / "episodes" / "copy.md").write_text(text.replace("slug: second-interview", "slug: copy"), "utf-8")

    def broken(*args: object, **kwargs: object) -> None:
        raise BuildError("the first segment failed: Error opening output files")

    monkeypatch.setattr(loudness, "measure", broken)
    result = cli_runner().invoke(cli, ["-C", str(root), "render"])
    assert result.exit_code == 1
    failed = [line for line in result.stderr.splitlines() if line.startswith("Failed:")]
    assert len(failed) == 2, result.stderr
    assert any("copy.md: the first segment failed" in line for line in failed), failed
    assert any("second-interview.md: the first segment failed" in line for line in failed), failed

    single = cli_runner().invoke(cli, ["-C", str(root), "render", str(root / "episodes" / "copy.md")])
    assert single.exit_code == 1 and "copy.md: the first segment failed" in single.stderr, single.stderr
