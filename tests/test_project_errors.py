"""Mistakes about the project itself: its ``audioguide.toml`` (a byte-order mark, another
encoding), where it is (``-C``, no project at all) and where its site goes (``--out``). Each is
one line naming the file and the fix, and creates nothing."""

from __future__ import annotations

from pathlib import Path

from audioguide.cli import cli
from tests.clirunner import cli_runner


def run(*args: str) -> tuple[int, str, str]:
    result = cli_runner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_config_saved_with_a_byte_order_mark_is_read(tone_project: Path) -> None:
    toml = tone_project / "audioguide.toml"
    toml.write_bytes(b"\xef\xbb\xbf" + toml.read_bytes().replace(b"\n", b"\r\n"))
    code, out, err = run("-C", str(tone_project), "voices", "--engine", "tone")
    assert code == 0, err
    assert "engine tone" in out


def test_a_latin_1_config_is_asked_to_be_saved_as_utf_8(tone_project: Path) -> None:
    toml = tone_project / "audioguide.toml"
    toml.write_bytes(toml.read_text("utf-8").replace('[show]\n', '[show]\n# Caf\u00e9\n', 1).encode("latin-1"))
    code, _, err = run("-C", str(tone_project), "render")
    assert code == 2
    assert err.count("\n") == 1 and "audioguide.toml" in err and "save it as UTF-8" in err, err
