"""Episode scripts: derived from the sample, written, read back, and the committed one up to date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from audioguide.config import load_config
from audioguide.errors import ConfigError, InputError
from audioguide.ingest import script as scripts
from audioguide.ingest.readers import read_article
from audioguide.models import Block
from audioguide.settings import ShowConfig
from tests.conftest import REPO, SAMPLE_ARTICLE, SAMPLE_SCRIPT

SHOW = ShowConfig(title="Test Show", intro="Welcome to {show}. Today: {title}", outro="Bye from {show}.")


def sample_script() -> scripts.Script:
    return scripts.derive(read_article(SAMPLE_ARTICLE), SHOW, date=dt.date(2026, 11, 25),
                          source="sources/second-interview.txt")


def test_derive_keeps_sections_items_and_adds_intro_outro() -> None:
    s = sample_script()
    assert s.meta.slug == "is-getting-a-second-interview-a-good-sign"
    assert [sec.heading for sec in s.sections] == [
        None,
        "Understanding the Significance of a Second Interview",
        "Why Employers Conduct Second Interviews",
        "How to Make the Most of a Second Interview",
        "Conclusion",
    ]
    first = s.sections[0].blocks
    assert first[0] == Block("paragraph", "Welcome to Test Show. Today: Is getting a second interview a good sign?")
    assert first[1].kind == "pause"
    assert first[2].text.startswith("Certainly, being invited")
    items = [b for b in s.sections[2].blocks if b.kind == "item"]
    assert [b.number for b in items] == [1, 2, 3, 4]
    assert s.sections[-1].blocks[-1] == Block("paragraph", "Bye from Test Show.")
    assert s.meta.description.startswith("Certainly, being invited for a second interview")


def test_round_trip_through_text(tmp_path: Path) -> None:
    s = sample_script()
    text = scripts.dumps(s)
    path = tmp_path / f"{s.meta.slug}.md"
    path.write_text(text)
    back = scripts.load(path)
    assert back.meta == s.meta
    assert back.sections == s.sections
    assert scripts.dumps(back) == text


def test_committed_sample_script_is_what_import_derives() -> None:
    """episodes/second-interview.md is the sample's script; re-deriving it changes nothing."""
    committed = scripts.load(SAMPLE_SCRIPT)
    show = load_config(REPO).show
    fresh = scripts.derive(read_article(SAMPLE_ARTICLE), show, slug=committed.meta.slug,
                           date=committed.meta.date, source=committed.meta.source)
    assert fresh.sections == committed.sections
    assert fresh.meta == committed.meta


def test_pause_cues_and_headings(tmp_path: Path) -> None:
    path = tmp_path / "ep.md"
    path.write_text(
        "---\ntitle: T\ndate: 2026-01-02\n---\n\nHello *there*.\n\n[pause 2s]\n\n"
        "## Part one\n\nText with a [link](http://x).\n\n[pause]\n\n[PAUSE 800ms]\n\n- a bullet\n"
    )
    s = scripts.load(path)
    assert s.meta.slug == "ep" and s.meta.date == dt.date(2026, 1, 2)
    assert s.sections[0].heading is None
    assert s.sections[0].blocks == (Block("paragraph", "Hello there."), Block("pause", seconds=2.0))
    assert s.sections[1].heading == "Part one"
    assert s.sections[1].blocks == (
        Block("paragraph", "Text with a link."), Block("pause", seconds=1.0),
        Block("pause", seconds=0.8), Block("item", "a bullet"),
    )


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("title: T\nslug: ../evil", "slug"),
        ("slug: ok", "title"),
        ("title: T\ndate: yesterday", "YYYY-MM-DD"),
        ("title: T\nkind: movie", "kind"),
        ("title: T\ncolour: red", "colour"),
        ("title: [unclosed", "YAML"),
    ],
)
def test_bad_front_matter_is_one_clear_error(tmp_path: Path, front: str, expected: str) -> None:
    path = tmp_path / "bad.md"
    path.write_text(f"---\n{front}\n---\n\nSome text.\n")
    with pytest.raises(InputError) as info:
        scripts.load(path)
    message = info.value.format_message()
    assert "bad.md" in message and expected in message and "\n" not in message


def test_all_front_matter_problems_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text("---\nslug: Not Ok\nkind: movie\n---\n\nText.\n")
    with pytest.raises(ConfigError) as info:
        scripts.load(path)
    assert len(info.value.problems) == 3


def test_script_without_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_text("---\ntitle: T\n---\n\n[pause 1s]\n")
    with pytest.raises(InputError, match="no text"):
        scripts.load(path)


def test_slugify() -> None:
    assert scripts.slugify("Café: Ünïcode & More!") == "cafe-unicode-more"
    assert scripts.slugify("!!!") == "episode"
    assert len(scripts.slugify("word " * 50)) <= 60


def test_a_nested_numbered_list_keeps_its_numbers_through_the_script(tmp_path: Path) -> None:
    """Written as one list, the sub-steps were numbered on by Markdown: "3. Wet your hands.", and
    "Shape" became step 5."""
    post = tmp_path / "steps.md"
    post.write_text("---\ntitle: Steps\n---\n\nDo this:\n\n1. Mix.\n2. Fold.\n   1. Wet your hands.\n   2. Lift.\n"
                    "3. Shape.\n\nThen:\n\n4. Bake.\n", "utf-8")
    article = read_article(post)
    numbers = [(b.number, b.text) for s in article.sections for b in s.blocks if b.kind == "item"]
    assert numbers == [(1, "Mix."), (2, "Fold."), (1, "Wet your hands."), (2, "Lift."), (3, "Shape."), (4, "Bake.")]
    again = scripts.parse(scripts.dumps(scripts.derive(article, ShowConfig())), tmp_path / "script.md")
    assert [(b.number, b.text) for s in again.sections for b in s.blocks if b.kind == "item"] == numbers


def test_terminal_colour_codes_and_control_characters_are_dropped(tone_project: Path) -> None:
    """A heading pasted from a terminal (``\\x1b[32m``) or a YAML escape (``"A\\x01B"``) was a
    traceback while writing the feed (XML cannot hold them), and every later render failed too."""
    import feedparser

    from audioguide.cli import cli
    from tests.clirunner import cli_runner

    episodes = tone_project / "episodes"
    (episodes / "esc.md").write_text("---\ntitle: \"Terminal\\x01 paste\"\n---\n\nHello.\n\n"
                                     "## Output \x1b[32mgreen\x1b[0m\n\nMore.\x07\n", "utf-8")
    script = scripts.load(episodes / "esc.md")
    assert script.meta.title == "Terminal paste" and script.sections[1].heading == "Output green"
    assert script.sections[1].blocks[0].text == "More."
    result = cli_runner().invoke(cli, ["-C", str(tone_project), "render"])
    assert result.exit_code == 0, result.output
    feed = feedparser.parse((tone_project / "output" / "feed.xml").read_bytes())
    assert not feed.bozo and "Terminal paste" in [e.title for e in feed.entries]
    article = tone_project / "pasted.txt"
    article.write_bytes(b"Pasted\n\nThe \x1b[1mbold\x1b[0m word.\n")
    assert [b.text for s in read_article(article).sections for b in s.blocks] == ["The bold word."]


def test_a_mistyped_or_misplaced_pause_cue_is_named_with_its_line(tmp_path: Path) -> None:
    """``[pause 2x]`` was read aloud as "pause two times", ``Wait here [pause 1s] then go.`` as
    "Wait here, pause one s, then go.", and both were shown in the transcripts."""
    path = tmp_path / "p.md"
    path.write_text("---\ntitle: P\n---\n\nHello.\n\n[pause 2x]\n\nWait here [pause 1s] then go.\n\n"
                    "[pause -1s]\n\n[PAUSE 800ms]\n\n[pause]\n", "utf-8")
    with pytest.raises(ConfigError) as info:
        scripts.load(path)
    assert info.value.problems == [
        "line 7: '[pause 2x]' is not a pause: write [pause], [pause 2s] or [pause 800ms], alone in its paragraph",
        "line 9: '[pause 1s]' is not a pause: write [pause], [pause 2s] or [pause 800ms], alone in its paragraph",
        "line 11: '[pause -1s]' is not a pause: write [pause], [pause 2s] or [pause 800ms], alone in its paragraph",
    ]
    assert str(path) in info.value.format_message().splitlines()[0]
    path.write_text("---\ntitle: P\n---\n\nHello.\n\n[PAUSE 800ms]\n\n[pause]\n\nA pause in prose is fine.\n", "utf-8")
    assert [b.seconds for b in scripts.load(path).sections[0].blocks if b.kind == "pause"] == [0.8, 1.0]
