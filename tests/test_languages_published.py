"""An episode's own language reaches what is published of it, and a show written right to left
is laid out so (they said the show's language, and left to right)."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from lxml import etree

from audioguide.cli import cli
from audioguide.publish.podcast import PODCAST_NS
from tests.clirunner import cli_runner


def _project(root: Path, language: str = "en") -> Path:
    for script in (root / "episodes").glob("*.md"):
        script.unlink()
    toml = root / "audioguide.toml"
    toml.write_text(toml.read_text("utf-8").replace('language = "en"', f'language = "{language}"'), "utf-8")
    return root


def _render(root: Path) -> None:
    result = cli_runner().invoke(cli, ["-C", str(root), "-q", "render", "--any-language"])
    assert result.exit_code == 0, result.output


def test_an_episode_in_another_language_says_so_in_the_feed_and_on_its_page(tone_project: Path) -> None:
    root = _project(tone_project)
    (root / "episodes" / "pain.md").write_text("---\ntitle: Le pain\nlanguage: fr\n---\n\nLe pain est bon.\n", "utf-8")
    (root / "episodes" / "bread.md").write_text("---\ntitle: Bread\n---\n\nBread is good.\n", "utf-8")
    _render(root)
    items = {i.findtext("title"): i for i in etree.parse(str(root / "output" / "feed.xml")).iter("item")}
    for title, language in (("Le pain", "fr"), ("Bread", "en")):
        item = items[title]
        assert {t.get("language") for t in item.iter(f"{{{PODCAST_NS}}}transcript")} == {language}
        assert item.find(f"{{{PODCAST_NS}}}alternateEnclosure").get("lang") == language
    page = BeautifulSoup((root / "output" / "episodes" / "pain.html").read_text("utf-8"), "html.parser")
    assert page.html["lang"] == "fr" and page.select_one("track")["srclang"] == "fr"
    assert page.html.get("dir") is None


def test_a_show_written_right_to_left_is_laid_out_so(tone_project: Path) -> None:
    root = _project(tone_project, "he")
    (root / "episodes" / "shalom.md").write_text("---\ntitle: שלום\n---\n\nשלום עולם.\n", "utf-8")
    _render(root)
    for page in (root / "output" / "index.html", root / "output" / "episodes" / "shalom.html"):
        html = BeautifulSoup(page.read_text("utf-8"), "html.parser").html
        assert (html["lang"], html.get("dir")) == ("he", "rtl")
