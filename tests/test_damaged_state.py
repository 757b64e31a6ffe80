"""State files in ``output/`` that were damaged by hand or by a crash elsewhere: a render says
so in one line before it replaces anything, instead of a traceback after the new MP3 is in place."""

from __future__ import annotations

from pathlib import Path

import pytest

from audioguide.cli import cli
from audioguide.layout import GUIDS
from tests.clirunner import cli_runner
from tests.conftest import short_sample


@pytest.mark.parametrize("damage", ["{garbage", '["a list"]', '{"second-interview": 5}'])
def test_a_damaged_guid_record_is_one_line_before_anything_is_replaced(tone_project: Path, damage: str) -> None:
    root = short_sample(tone_project)
    runner = cli_runner()
    assert runner.invoke(cli, ["-C", str(root), "render"]).exit_code == 0
    out = root / "output"
    (out / GUIDS).write_text(damage)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    script = root / "episodes" / "second-interview.md"
    script.write_text(script.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")

    result = runner.invoke(cli, ["-C", str(root), "render"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"{GUIDS}: is not" in result.stderr and "Restore it from your backup" in result.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
