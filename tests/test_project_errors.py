"""Mistakes about the project itself: its ``audioguide.toml`` (a byte-order mark, another
encoding), where it is (``-C``, no project at all) and where its site goes (``--out``). Each is
one line naming the file and the fix, and creates nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from audioguide.cli import cli
from tests.clirunner import cli_runner
from tests.conftest import short_sample


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


@pytest.mark.parametrize("text", ["", " \n\n\t\n", "\ufeff"])
def test_an_empty_config_is_refused_not_read_as_every_default(tone_project: Path, text: str) -> None:
    """An emptied ``audioguide.toml`` re-rendered everything with the Piper voice, as "Untitled show"."""
    (tone_project / "audioguide.toml").write_text(text, "utf-8")
    for command in (["render"], ["cache"], ["voices"]):
        code, _, err = run("-C", str(tone_project), *command)
        assert code == 2, (command, err)
        assert err == (f"Error: {tone_project / 'audioguide.toml'}: is empty; restore it (from version control or "
                       "a backup), or delete it and run audioguide init to write a new one.\n"), err
    assert not (tone_project / "output").exists() and not (tone_project / ".cache").exists()


def test_a_config_of_comments_only_is_read_as_the_defaults(tone_project: Path) -> None:
    (tone_project / "audioguide.toml").write_text("# every setting as it comes\n", "utf-8")
    code, out, err = run("-C", str(tone_project), "voices", "--engine", "tone")
    assert code == 0, err
    assert "engine piper" in out


def test_a_project_folder_that_does_not_exist_is_refused_and_not_made(tmp_path: Path) -> None:
    typo = tmp_path / "typo-dir"
    for command in (["render"], ["import", str(tmp_path / "a.txt")], ["check"], ["cache"]):
        code, _, err = run("-C", str(typo), *command)
        assert code == 2 and err.count("\n") == 1, (command, err)
        assert f"{typo}: does not exist" in err and "audioguide init" in err, err
    assert not typo.exists()


def test_outside_any_project_render_says_so_and_creates_nothing(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for command in (["render"], ["watch"], ["cache", "--prune"]):
        code, _, err = run(*command)
        assert code == 2 and err.count("\n") == 1, (command, err)
        assert "no audioguide.toml here or in any folder above" in err and "audioguide init" in err, err
    code, _, err = run("-C", str(tmp_path), "render")
    assert code == 2 and f"{tmp_path}: has no audioguide.toml" in err, err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("make", "said"), [
    (lambda toml: toml.symlink_to("moved-away.toml"), "is a broken link: moved-away.toml does not exist"),
    (lambda toml: toml.symlink_to(toml.name), "is a link that leads back to itself (a link loop)"),
    (lambda toml: toml.mkdir(), "is a folder, not a file"),
])
def test_a_settings_file_that_cannot_be_read_is_not_passed_over_for_the_project_above(
        tone_project: Path, monkeypatch: pytest.MonkeyPatch, make: object, said: str) -> None:
    """A project inside another: its ``audioguide.toml`` there but unreadable was passed over,
    and every command worked on the project above it (rendering, pruning, unpublishing there)."""
    inner = tone_project / "inner"
    (inner / "episodes").mkdir(parents=True)
    make(inner / "audioguide.toml")  # type: ignore[operator]
    for where, given in ((inner / "episodes", []), (inner, ["-C", str(inner)])):
        monkeypatch.chdir(where)
        for command in (["render"], ["cache", "--prune"], ["unpublish", "second-interview"], ["voices"]):
            code, out, err = run(*given, *command)
            assert code == 2 and err.count("\n") == 1, (command, err)
            assert err.startswith(f"Error: {inner / 'audioguide.toml'}: {said}. "), err
            assert "audioguide init writes one" in err
    assert not (tone_project / "output").exists() and not (tone_project / ".cache").exists()


def test_voices_outside_a_project_lists_the_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run("voices", "--engine", "tone")
    assert code == 0, err
    assert "the defaults (no audioguide.toml here)" in out


@pytest.mark.parametrize("where", [".", "episodes", "episodes/site", "..", "/"])
@pytest.mark.parametrize("command", ["render", "watch"])
def test_out_among_the_projects_own_files_is_refused(tone_project: Path, where: str, command: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tone_project)
    before = sorted(p.relative_to(tone_project.parent) for p in tone_project.parent.rglob("*"))
    code, _, err = run(command, "--out", where)
    assert code == 2 and err.count("\n") == 1, err
    assert err.startswith(f"Error: {where}: ") and "--out" in err, err
    assert sorted(p.relative_to(tone_project.parent) for p in tone_project.parent.rglob("*")) == before


def test_out_beside_the_project_is_written(tone_project: Path, tmp_path: Path) -> None:
    short_sample(tone_project)
    code, _, err = run("-C", str(tone_project), "render", "--out", str(tmp_path / "site"))
    assert code == 0, err
    assert (tmp_path / "site" / "feed.xml").is_file()
