"""An article in another language than the show's (issue 13, point 10): detected when the source
does not say, kept in the script, and not read by a voice of another language unless asked."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from audioguide.cli import cli
from audioguide.config import load_config
from audioguide.ingest import script as scripts
from audioguide.ingest.language import detect_language
from audioguide.ingest.readers import read_article
from audioguide.render.inputs import Overrides, language_problem
from tests.clirunner import cli_runner
from tests.conftest import SAMPLE_ARTICLE

POSTS = Path(__file__).parent / "data" / "posts"
FRENCH = POSTS / "marche-du-samedi.md"


def _run(project: Path, *args: str) -> tuple[int, str, str]:
    result = cli_runner().invoke(cli, ["-C", str(project), *args])
    return result.exit_code, result.stdout, result.stderr


def test_detection() -> None:
    assert detect_language(read_article(FRENCH)) == "fr"
    assert detect_language(read_article(SAMPLE_ARTICLE)) == "en"
    # an English walk full of Portuguese names is too little to go on, or English
    walk = POSTS / "page-with-meta.html"
    assert detect_language(read_article(walk)) in (None, "pt")


def test_import_records_the_language_and_warns(project: Path, caplog: pytest.LogCaptureFixture) -> None:
    post = shutil.copy(FRENCH, project)
    code, out, err = _run(project, "import", str(post))
    assert code == 0, err
    meta = scripts.load(project / "episodes" / "le-marche-du-samedi.md").meta
    assert meta.language == "fr"
    assert "reads as fr, not the show's en" in caplog.text and "audioguide voices --language fr" in caplog.text


def test_render_refuses_the_english_voice_for_french(project: Path) -> None:
    """What the user did: ``render`` a French post with the English Piper voice. Refused before any
    synthesis, in one line naming the file and both fixes; the other episodes still render."""
    post = shutil.copy(FRENCH, project / "episodes" / "marche.md")
    post.write_text(post.read_text("utf-8").replace("date: 2026-03-14", "date: 2026-03-14\nlanguage: fr"),
                    "utf-8")
    config = load_config(project)
    problem = language_problem(config, scripts.load(post), Overrides())
    assert problem is not None and "marche.md" in problem.message and "--any-language" in problem.message
    assert language_problem(config, scripts.load(post), Overrides(any_language=True)) is None
    assert language_problem(config, scripts.load(post), Overrides(engine="gtts")) is None  # gTTS reads French
    assert language_problem(config, scripts.load(project / "episodes" / "second-interview.md"), Overrides()) is None


def test_render_article_in_french_is_one_line(project: Path) -> None:
    code, _, err = _run(project, "render", str(FRENCH))
    assert code == 2
    [line] = err.strip().splitlines()
    assert re.fullmatch(
        re.escape(f"Error: {FRENCH}: is written in fr but the piper voice en_US-joe-medium speaks en-US. Choose a "
                  "voice for fr: put engine: gtts in its front matter") + r"( \(but here: [^;]*\))?"
        + re.escape("; audioguide voices --language fr lists the voices; or render with --any-language to read "
                    "it with this voice anyway."), line), line
    assert not (project / "output" / "episodes").exists()


def test_any_language_reads_it_anyway(project: Path) -> None:
    """With --any-language the English Piper voice reads the French post (the engine itself no
    longer refuses), and the episode keeps its language."""
    code, _, err = _run(project, "render", "--any-language", str(FRENCH))
    assert code == 0, err
    record = json.loads((project / "output" / "episodes" / "le-marche-du-samedi.json").read_text("utf-8"))
    assert record["duration"] > 5


def test_show_language_mismatch_is_one_problem_up_front(project: Path) -> None:
    toml = project / "audioguide.toml"
    toml.write_text(toml.read_text("utf-8").replace('language = "en"', 'language = "fr"'), "utf-8")
    code, _, err = _run(project, "render")
    assert code == 2, err
    assert "show.language is fr but the piper voice en_US-joe-medium speaks en-US" in err
    assert len(err.strip().splitlines()) == 1
