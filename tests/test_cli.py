"""The command line through click's runner: help, version, import, render errors, voices."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from audioguide import __version__
from audioguide.cli import cli
from tests.clirunner import cli_runner
from tests.conftest import REPO, SAMPLE_ARTICLE, trim_sample

COMMANDS = sorted(cli.commands)


def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    runner = cli_runner()
    if cwd is None:
        result = runner.invoke(cli, list(args))
    else:
        result = runner.invoke(cli, ["-C", str(cwd), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_is_in_the_readme(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0 and "Usage:" in out
    assert cli.commands[command].help
    assert f"audioguide {command}" in (REPO / "README.md").read_text()


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and __version__ in out


def test_import_writes_an_editable_script(project: Path) -> None:
    (project / "episodes" / "second-interview.md").unlink()  # else this is a second import of it
    code, out, err = run("import", str(SAMPLE_ARTICLE), "--slug", "copy", cwd=project)
    assert code == 0, err
    text = (project / "episodes" / "copy.md").read_text()
    assert text.startswith("---\ntitle: Is getting a second interview a good sign?\nslug: copy\n")
    assert "## Why Employers Conduct Second Interviews" in text
    assert "\n1. Deeper Insight: The first interview" in text
    # A second import does not overwrite the edited script.
    code, _, err = run("import", str(SAMPLE_ARTICLE), "--slug", "copy", cwd=project)
    assert code == 2 and "already exists" in err and "--force" in err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["import", "missing.txt"], "missing.txt"),
        (["import", "notes.xyz"], "notes.xyz"),
        (["render", "nope.md"], "nope.md"),
    ],
)
def test_input_errors_are_one_line_exit_2(project: Path, args: list[str], needle: str) -> None:
    (project / "notes.xyz").write_text("hello")
    code, out, err = run(*args, cwd=project)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in err


def test_bad_slug_is_refused(project: Path) -> None:
    code, _, err = run("import", str(SAMPLE_ARTICLE), "--slug", "../evil", cwd=project)
    assert code == 2 and "slug" in err
    assert not (project / "evil.md").exists()


def test_bad_config_lists_every_problem(project: Path) -> None:
    (project / "audioguide.toml").write_text('[show]\ntitle = 5\n[voice]\nrate = 0\nbogus = 1\n')
    code, _, err = run("render", cwd=project)
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[0].endswith("audioguide.toml: 3 problems to fix:")  # then one line each (issue 13, point 7)
    assert sorted(line.split()[1] for line in lines[1:]) == ["show.title", "voice.bogus", "voice.rate"]


def test_unknown_engine(project: Path) -> None:
    code, _, err = run("render", "--engine", "nope", cwd=project)
    assert code == 2 and "nope" in err and "piper" in err


def test_gtts_offline_is_one_clear_line(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With Google unreachable (a closed local port), render says so and names the fix."""
    import socket

    import gtts.tts

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(gtts.tts, "_translate_url",
                        lambda tld="com", path="": f"http://127.0.0.1:{port}/{path}")
    code, out, err = run("render", "--engine", "gtts", cwd=project)
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "piper" in err
    assert not (project / "output" / "episodes" / "second-interview.mp3").exists()


def test_voices_lists_every_engine() -> None:
    code, out, _ = run("voices")
    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert "usable" in lines["piper"] and "not usable" not in lines["piper"]
    assert "gtts" in lines
    assert "usable" in lines["tone"] and "not usable" not in lines["tone"]


def test_module_entry_point_runs() -> None:
    proc = subprocess.run([sys.executable, "-m", "audioguide", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "render" in proc.stdout and proc.stderr == ""


def test_init_scaffolds_a_project_that_renders_its_config(tmp_path: Path) -> None:
    target = tmp_path / "newshow"
    code, out, err = run("init", str(target), "--title", "My New Show")
    assert code == 0, err
    toml = (target / "audioguide.toml").read_text()
    assert 'title = "My New Show"' in toml and "# Speaking rate" in toml
    assert (target / "episodes").is_dir()
    assert "/output/" in (target / ".gitignore").read_text()
    from audioguide.config import load_config

    config = load_config(target)  # the scaffolded file is valid
    assert config.show.title == "My New Show" and config.voice.engine == "piper"
    code, _, err = run("init", str(target))
    assert code == 2 and "already exists" in err


def test_duplicate_slugs_fail_that_episode_only(tone_project: Path) -> None:
    """Two scripts with one slug: the second is reported, the exit code is 1, no traceback."""
    project = trim_sample(tone_project)
    original = project / "episodes" / "second-interview.md"
    (project / "episodes" / "zz-copy.md").write_text(original.read_text())
    code, out, err = run("render", str(original), str(project / "episodes" / "zz-copy.md"), cwd=project)
    assert code == 1
    assert "zz-copy.md" in err and "also used by" in err and "Traceback" not in err
    assert "Rendered 1 episode" in out


def test_a_duplicate_slug_renumbers_nothing_and_renders_nothing_else(tone_project: Path) -> None:
    # the refused copy was counted again when the episodes were numbered: every episode after
    # it got the next number, so all of them were rendered again (and again once it was gone)
    project = trim_sample(tone_project)
    episodes = project / "episodes"
    original = (episodes / "second-interview.md").read_text()
    (episodes / "another.md").write_text(original.replace("slug: second-interview", "slug: another"))
    assert run("render", cwd=project)[0] == 0
    numbers = {slug: json.loads((project / "output" / "episodes" / f"{slug}.json").read_text())["number"]
               for slug in ("another", "second-interview")}
    (episodes / "zz-copy.md").write_text(original)  # a second script with second-interview's slug
    code, out, err = run("render", cwd=project)
    assert code == 1 and "zz-copy.md" in err and "also used by" in err
    assert "Rendered 0 episodes" in out and "2 already up to date" in out
    (episodes / "zz-copy.md").unlink()
    code, out, _ = run("render", cwd=project)
    assert code == 0 and "Rendered 0 episodes" in out
    assert numbers == {slug: json.loads((project / "output" / "episodes" / f"{slug}.json").read_text())["number"]
                       for slug in numbers}


def test_a_copy_of_a_published_script_does_not_take_its_slug(tone_project: Path) -> None:
    # a blogger copies a published post to start a new one; the copy's name sorts first, and it
    # would have taken the slug, published itself over the episode and refused the original
    project = trim_sample(tone_project)
    episodes = project / "episodes"
    assert run("render", cwd=project)[0] == 0
    mp3 = project / "output" / "episodes" / "second-interview.mp3"
    before = mp3.read_bytes()
    record = json.loads(mp3.with_suffix(".json").read_text())
    assert record["script"] == "second-interview.md"  # published with the site: no path of the machine
    del record["script"]  # as records were written before they named their script
    mp3.with_suffix(".json").write_text(json.dumps(record, indent=2) + "\n")
    code, out, _ = run("render", cwd=project)  # up to date: the record is given the name, nothing rendered
    assert code == 0 and "Rendered 0 episodes" in out
    assert json.loads(mp3.with_suffix(".json").read_text())["script"] == "second-interview.md"
    text = (episodes / "second-interview.md").read_text()
    (episodes / "a-new-post.md").write_text(text.replace("## ", "## New: ", 1))
    code, out, err = run("render", cwd=project)
    assert code == 1 and "a-new-post.md" in err and "also used by" in err and "second-interview.md" in err
    assert "Rendered 0 episodes" in out and "1 already up to date" in out
    assert mp3.read_bytes() == before


def test_a_copy_of_a_published_guide_does_not_take_its_slug(tone_project: Path) -> None:
    project = trim_sample(tone_project)
    episodes = project / "episodes"
    assert run("render", "--guide", cwd=project)[0] == 0
    record = project / "output" / "guides" / "second-interview" / "guide.json"
    assert json.loads(record.read_text())["script"] == "second-interview.md"
    before = record.read_bytes()
    copy = (episodes / "second-interview.md").read_text().replace("## ", "## New: ", 1)
    (episodes / "a-new-tour.md").write_text(copy)
    code, out, err = run("render", "--guide", cwd=project)
    assert code == 1 and "a-new-tour.md" in err and "also used by" in err
    assert "1 already up to date" in out and record.read_bytes() == before


def test_global_options_may_follow_the_command(tone_project: Path, tmp_path: Path) -> None:
    """``audioguide render -v`` (and ``-q``, ``-C DIR``) mean what they mean before the command."""
    article = tmp_path / "note.md"
    article.write_text("# A note\n\nOne sentence to speak.\n")
    code, out, err = run("render", "-C", str(tone_project), "-q", str(article))
    assert code == 0, err
    assert (tone_project / "output" / "episodes" / "a-note.mp3").is_file()
    code, _, err = run("render", "-v", "-C", str(tone_project), str(article))
    assert code == 0 and "No such option" not in err
    assert logging.getLogger("audioguide").level == logging.INFO  # -v after the command counted


def test_no_empty_staging_folders_are_left_beside_the_project(tone_project: Path, tmp_path: Path) -> None:
    article = tmp_path / "note.md"
    article.write_text("# A note\n\nOne sentence to speak.\n")
    assert run("import", str(article), cwd=tone_project)[0] == 0
    out = tmp_path / "elsewhere"
    code, _, err = run("render", "--out", str(out), cwd=tone_project)
    assert code == 0, err
    assert (out / "feed.xml").is_file()
    leftovers = [p.name for folder in (tone_project, tmp_path) for p in folder.iterdir()
                 if p.name.endswith(".staging")]
    assert leftovers == []


def test_render_sends_a_web_address_to_import_in_one_line(project: Path) -> None:
    """``import`` reads web addresses (tests/test_web.py); ``render`` reads scripts and files."""
    code, _, err = run("render", "https://example.com/2026/post", cwd=project)
    assert code == 2
    assert err.strip().count("\n") == 0 and "Traceback" not in err
    assert "https://example.com/2026/post is a web address" in err and "https:/e" not in err
    assert "audioguide import https://example.com/2026/post" in err


def test_init_and_the_readme_show_the_same_default_intro_and_outro(tmp_path: Path) -> None:
    from audioguide.settings import ShowConfig

    assert run("init", str(tmp_path / "new"))[0] == 0
    written = (tmp_path / "new" / "audioguide.toml").read_text()
    readme = (REPO / "README.md").read_text()
    for key in ("intro", "outro"):
        line = f'{key} = "{getattr(ShowConfig(), key)}"'
        assert line in written and line in readme, line


@pytest.mark.parametrize(("change", "args", "needle"), [
    (('engine = "tone"', 'engine = "espeak"'), [], "unknown speech engine 'espeak'"),
    (None, ["--engine", "piper", "--voice", "/nowhere/voice.onnx"], "/nowhere/voice.onnx does not exist"),
    (('bitrate = "96k"', 'bitrate = "96k"\nmusic = "sting.mp3"'), [], "sting.mp3 does not exist"),
], ids=["engine", "voice", "music"])
def test_settings_that_cannot_work_fail_once_up_front(tone_project: Path, change: tuple[str, str] | None,
                                                      args: list[str], needle: str) -> None:
    """Two episodes, one bad setting: one line, exit 2, nothing spoken and nothing written."""
    root = trim_sample(tone_project)
    episodes = root / "episodes"
    (episodes / "second.md").write_text((episodes / "second-interview.md").read_text().replace(
        "slug: second-interview", "slug: second"))
    if change is not None:
        toml = root / "audioguide.toml"
        assert change[0] in toml.read_text()
        toml.write_text(toml.read_text().replace(*change, 1))
    code, _, err = run("render", *args, cwd=root)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in err
    assert "Failed" not in err and not (root / "output" / "episodes").exists()
    assert not list((root / ".cache").rglob("*.wav"))


def test_importing_the_same_article_again_under_another_name_is_refused(tone_project: Path,
                                                                         tmp_path: Path) -> None:
    source = tone_project / "episodes" / "sources" / "second-interview.txt"
    code, _, err = run("import", str(source), "--slug", "again", cwd=tone_project)
    assert code == 2 and "already imported as second-interview.md (the same source)" in err
    assert not (tone_project / "episodes" / "again.md").exists()
    moved = tmp_path / "copy-of-the-post.txt"  # the same text from another file
    moved.write_text(source.read_text())
    code, _, err = run("import", str(moved), "--slug", "again", cwd=tone_project)
    assert code == 2 and "already imported as second-interview.md (the same text)" in err
    code, _, err = run("import", str(moved), "--slug", "again", "--force", cwd=tone_project)
    assert code == 0 and (tone_project / "episodes" / "again.md").is_file(), err


def test_an_rgba_cover_is_converted_and_the_site_passes_check(tone_project: Path) -> None:
    from PIL import Image

    root = trim_sample(tone_project)
    Image.new("RGBA", (1400, 1400), (200, 30, 30, 128)).save(root / "art.png", format="PNG")
    toml = root / "audioguide.toml"
    toml.write_text(toml.read_text().replace("[show]\n", '[show]\nimage = "art.png"\n', 1))
    code, _, err = run("render", cwd=root)
    assert code == 0, err
    with Image.open(root / "output" / "cover.png") as cover:
        assert cover.mode == "RGB" and cover.size == (1400, 1400)
    assert not (root / "output" / "cover.jpg").exists()  # the generated one it replaced is gone
    code, out, err = run("check", cwd=root)
    assert code == 0, err + out

    # a JPEG instead: the PNG left behind would have been uploaded with the site
    Image.new("RGB", (1400, 1400), (30, 30, 200)).save(root / "art.jpg", format="JPEG")
    toml.write_text(toml.read_text().replace('image = "art.png"', 'image = "art.jpg"', 1))
    assert run("render", cwd=root)[0] == 0
    assert (root / "output" / "cover.jpg").read_bytes() == (root / "art.jpg").read_bytes()
    assert not (root / "output" / "cover.png").exists()
    # back to the generated cover: made again, not the JPEG taken for it
    toml.write_text(toml.read_text().replace('image = "art.jpg"\n', "", 1))
    assert run("render", cwd=root)[0] == 0
    assert (root / "output" / "cover.jpg").read_bytes() != (root / "art.jpg").read_bytes()
    code, out, err = run("check", cwd=root)
    assert code == 0, err + out


def test_check_with_slugs_but_without_speech_says_what_slugs_are_for(tmp_path: Path) -> None:
    """``check nosuch`` said "no problems found": the slugs, which only --speech uses, were ignored."""
    assert run("init", str(tmp_path / "p"))[0] == 0
    code, out, err = run("check", "nosuch", cwd=tmp_path / "p")
    assert code == 2 and "SLUGS choose what --speech transcribes" in err and not out
