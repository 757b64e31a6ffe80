"""Real posts keep their facts (issue 13, points 0-2 and 7): front matter in YAML, TOML and JSON as
site generators write it, read leniently in articles and strictly (one line per problem) in
episode scripts; HTML pages' own metadata."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from audioguide.cli import cli
from audioguide.ingest.frontmatter import FrontMatterError, split_front_matter
from audioguide.ingest.readers import read_article
from tests.clirunner import cli_runner

POSTS = Path(__file__).parent / "data" / "posts"

MINUS_7 = dt.timezone(dt.timedelta(hours=-7))
EXPECTED = {
    "2026-11-20-harbour-lights.md": {
        "title": "Harbour lights at dusk", "slug": "harbour-lights",
        "date": dt.datetime(2026, 11, 20, 8, 24, 31, tzinfo=MINUS_7),
        "description": "An evening walk along the old harbour wall, from the lighthouse to the fish market.",
        "author": "Ines Duarte", "tags": ["harbour", "evening"],
    },
    "hugo-toml.md": {
        "title": "Ten years of the river path", "slug": "river-path-ten-years",
        "date": dt.datetime(2024, 3, 14, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        "description": "How a disused towpath became the city's favourite walk.",
        "tags": ["river", "history"],
    },
    "hugo-json.md": {
        "title": "A map of the night buses", "slug": "a-map-of-the-night-buses",
        "date": dt.date(2025, 1, 9), "description": "Every night bus route on one page.",
    },
    "mkdocs-blog.md": {
        "title": "Release four is out", "slug": "release-four", "date": dt.date(2023, 6, 20),
        "authors": ["Ana Lopes", "Ben Ortiz"], "language": "en-GB",
    },
    "cms-export.md": {
        "title": "Why the tram came back", "slug": "why-the-tram-came-back",
        "date": dt.datetime(2023, 6, 20, 14, 30, tzinfo=dt.UTC),
        "description": "The tram left the city in 1958 and returned in 2021.",
        "author": "Carla Reis", "url": "https://example.org/blog/why-the-tram-came-back",
    },
    "page-with-meta.html": {
        "title": "O elétrico 28", "slug": "o-eletrico-28",
        "date": dt.datetime(2025, 5, 2, 10, 15, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        "description": "Uma viagem no elétrico 28, da Graça à Estrela.",
        "author": "Marta Sousa", "url": "https://example.pt/blog/eletrico-28", "language": "pt-PT",
    },
}


def _run(project: Path, *args: str) -> tuple[int, str, str]:
    result = cli_runner().invoke(cli, ["-C", str(project), *args])
    return result.exit_code, result.stdout, result.stderr


def _script(path: Path) -> tuple[dict[str, object], str]:
    meta, body = split_front_matter(path.read_text("utf-8"), path)
    return meta, body


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_import_keeps_the_posts_facts(tone_project: Path, name: str) -> None:
    """What the user did: ``audioguide import POST``; every fact the post states lands in the script."""
    post = shutil.copy(POSTS / name, tone_project / name)
    code, out, err = _run(tone_project, "import", str(post))
    assert code == 0, err
    expected = EXPECTED[name]
    meta, body = _script(tone_project / "episodes" / f"{expected['slug']}.md")
    for key, value in expected.items():
        assert meta[key] == value, (key, meta)
    assert "+++" not in body and '"title"' not in body and "layout" not in body
    assert "---" not in body


def test_toml_front_matter_is_not_read_aloud() -> None:
    """Hugo's ``+++`` block: its lines neither become the description nor the title."""
    article = read_article(POSTS / "hugo-toml.md")
    assert article.title == "Ten years of the river path"
    words = " ".join(b.text for s in article.sections for b in s.blocks)
    assert "draft" not in words and "weight" not in words and "images/path.jpg" not in words
    assert words.startswith("The path opened in spring.")


@pytest.mark.parametrize("name", ["2026-11-20-harbour-lights.md", "cms-export.md", "mkdocs-blog.md"])
def test_render_article_with_generator_front_matter(tone_project: Path, name: str) -> None:
    """``render POST`` on a post full of site-generator keys renders it (it was refused)."""
    post = shutil.copy(POSTS / name, tone_project / name)
    code, _, err = _run(tone_project, "render", str(post))
    assert code == 0, err
    assert "unknown" not in err


def test_script_accepts_generator_keys_and_reads_their_names(tone_project: Path) -> None:
    """A script copied from a post keeps ``layout``/``categories``/``permalink`` (ignored), and its
    ``lang``/``excerpt`` fill in ``language``/``description``."""
    script = tone_project / "episodes" / "copied.md"
    script.write_text("---\ntitle: Copied\nlayout: post\ncategories: [a]\npermalink: /x/\n"
                      "lang: en_US\nexcerpt: A short one.\ndate: 2026-11-20 08:24:31 -0700\n---\n\n"
                      "One sentence to speak.\n", "utf-8")
    from audioguide.ingest import script as scripts

    meta = scripts.load(script).meta
    assert (meta.language, meta.description) == ("en-US", "A short one.")
    assert meta.published == dt.datetime(2026, 11, 20, 8, 24, 31, tzinfo=MINUS_7)
    code, _, err = _run(tone_project, "render", str(script))
    assert code == 0, err


def test_unknown_script_keys_are_one_line(tone_project: Path) -> None:
    script = tone_project / "episodes" / "typos.md"
    script.write_text("---\ntitel: Typos\ntitle: Typos\nvoise: x\nspeaker: Ann\n---\n\nText.\n", "utf-8")
    code, _, err = _run(tone_project, "render", str(script))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "'titel' (did you mean 'title'?)" in err and "'voise' (did you mean 'voice'?)" in err
    assert "'speaker'" in err and "typos.md" in err


@pytest.mark.parametrize(("front", "said"), [
    ("title: 1984", 'title 1984 is read as a number: put it in quotes, title: "1984"'),
    ("title: 2026-11-02", 'title 2026-11-02 is read as a date: put it in quotes, title: "2026-11-02"'),
    ("title: Numbers\ndescription: 42", 'description 42 is read as a number: put it in quotes'),
    ("title: Words\nsoundbite: yes", "soundbite true is read as a yes/no value: put it in quotes"),
])
def test_a_text_key_read_as_a_number_or_date_says_to_quote_it(tone_project: Path, front: str, said: str) -> None:
    """It said "front matter needs a title" for ``title: 1984``, which has one."""
    script = tone_project / "episodes" / "typed.md"
    script.write_text(f"---\n{front}\n---\n\nText.\n", "utf-8")
    code, _, err = _run(tone_project, "render", str(script))
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert said in err and "typed.md" in err and "needs a title" not in err


@pytest.mark.parametrize(("text", "where"), [
    ("---\ntitle: Bad\ntags: [a, b\ndate: 2026-01-01\n---\n\nText.\n", "line 4, column 5"),
    ("\n+++\ntitle = \"Bad\"\ndate = \ntags = []\n+++\n\nText.\n", "line 4, column 8"),
    ('{\n  "title": "Bad",\n  "date": 2026-01-01\n}\n\nText.\n', "line 3, column"),
])
def test_syntax_errors_name_the_line_and_column(tone_project: Path, text: str, where: str) -> None:
    script = tone_project / "episodes" / "bad.md"
    script.write_text(text, "utf-8")
    code, _, err = _run(tone_project, "render", str(script))
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert where in err and "bad.md" in err


def test_missing_closing_fence_says_so(tone_project: Path) -> None:
    """It said "needs a title"; the real problem is the missing closing ``---``."""
    script = tone_project / "episodes" / "open.md"
    script.write_text("---\ntitle: Open\ndate: 2026-01-01\n\nThe text starts here.\n", "utf-8")
    code, _, err = _run(tone_project, "render", str(script))
    assert code == 2
    assert "never closed" in err and "Add a line with ---" in err and "title" not in err.split(":", 1)[1]
    with pytest.raises(FrontMatterError, match="never closed"):
        read_article(_copy_as(script, tone_project / "open-article.md"))


def _copy_as(path: Path, dest: Path) -> Path:
    shutil.copy(path, dest)
    return dest


def test_a_rule_at_the_top_of_an_article_is_not_front_matter(tmp_path: Path) -> None:
    post = tmp_path / "rule.md"
    post.write_text("---\n\nJust a thematic break, then text.\n", "utf-8")
    assert read_article(post).sections[0].blocks[0].text == "Just a thematic break, then text."


def test_imported_script_round_trips(tone_project: Path) -> None:
    """The script ``import`` writes reads back with the same facts (date with its zone)."""
    post = shutil.copy(POSTS / "2026-11-20-harbour-lights.md", tone_project)
    assert _run(tone_project, "import", str(post))[0] == 0
    from audioguide.ingest import script as scripts

    meta = scripts.load(tone_project / "episodes" / "harbour-lights.md").meta
    assert meta.date == dt.date(2026, 11, 20)
    assert meta.published is not None and meta.published.utcoffset() == dt.timedelta(hours=-7)
    assert meta.authors == ("Ines Duarte",) and meta.tags == ("harbour", "evening")
    text = (tone_project / "episodes" / "harbour-lights.md").read_text("utf-8")
    assert yaml.safe_load(text.split("---")[1])["date"] == meta.published


def test_the_posts_facts_reach_the_feed_tags_and_page(tone_project: Path) -> None:
    """Kept where they help: the feed item's pubDate (with the article's time and zone), link
    (the original article) and author; the MP3's text writer and source page; the episode page."""
    import feedparser
    import podcastparser
    from bs4 import BeautifulSoup
    from mutagen.id3 import ID3

    for name in ("cms-export.md", "2026-11-20-harbour-lights.md"):
        post = shutil.copy(POSTS / name, tone_project)
        assert _run(tone_project, "import", str(post))[0] == 0
    code, _, err = _run(tone_project, "render")
    assert code == 0, err
    out = tone_project / "output"
    feed = feedparser.parse(str(out / "feed.xml"))
    items = {e.title: e for e in feed.entries}
    tram, harbour = items["Why the tram came back"], items["Harbour lights at dusk"]
    assert tram.published == "Tue, 20 Jun 2023 14:30:00 +0000"
    assert harbour.published == "Fri, 20 Nov 2026 08:24:31 -0700"
    assert tram.link == "https://example.org/blog/why-the-tram-came-back"
    assert harbour.link.endswith("episodes/harbour-lights.html")  # no address: its page
    assert (tram.author, harbour.author) == ("Carla Reis", "Ines Duarte")
    with (out / "feed.xml").open("rb") as f:
        parsed = podcastparser.parse("file://feed.xml", f)
    assert {e["link"] for e in parsed["episodes"]} >= {"https://example.org/blog/why-the-tram-came-back"}
    tags = ID3(out / "episodes" / "why-the-tram-came-back.mp3")
    assert tags["TEXT"].text == ["Carla Reis"]
    assert tags["WOAS"].url == "https://example.org/blog/why-the-tram-came-back"
    assert tags["TPE1"].text != ["Carla Reis"]  # the show's author stays the artist
    page = BeautifulSoup((out / "episodes" / "why-the-tram-came-back.html").read_text("utf-8"), "lxml")
    source = page.select_one("p.source")
    assert source is not None and "Written by Carla Reis" in source.get_text()
    link = source.find("a")
    assert link is not None and link["href"] == "https://example.org/blog/why-the-tram-came-back"


@pytest.mark.parametrize(("front", "day"), [
    ("date: 04.07.2026", dt.date(2026, 7, 4)),  # German: 4 July (it was read as 7 April)
    ("date: 4.7.2026", dt.date(2026, 7, 4)),
    ("date: 04/07/2026\nlang: en-GB", dt.date(2026, 7, 4)),
    ("date: 04/07/2026\nlang: en-US", dt.date(2026, 4, 7)),
    ("date: 11/20/2026", dt.date(2026, 11, 20)),  # only one reading
])
def test_an_articles_numeric_date_is_read_in_its_writers_order(tmp_path: Path, front: str, day: dt.date) -> None:
    """``import`` of a post dated ``04.07.2026`` gave a script dated 2026-04-07."""
    post = tmp_path / "post.md"
    post.write_text(f"---\ntitle: Harbour\n{front}\n---\n\nThe harbour is old.\n", "utf-8")
    meta = read_article(post).meta
    assert (meta.date, meta.published) == (day, None)


def test_an_articles_ambiguous_date_without_a_language_is_not_guessed(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Harbour\ndate: 04/07/2026\n---\n\nThe harbour is old.\n", "utf-8")
    assert read_article(post).meta.date is None
    assert "04/07/2026" in caplog.text and "post.md" in caplog.text


def test_a_scripts_dotted_date_is_day_first_and_an_ambiguous_one_refused(tone_project: Path) -> None:
    """A script dated ``04.07.2026`` was published on 7 April; ``04/07/2026`` was guessed the same way."""
    from audioguide.ingest import script as scripts

    script = tone_project / "episodes" / "dotted.md"
    script.write_text("---\ntitle: Dotted\ndate: 04.07.2026\n---\n\nText.\n", "utf-8")
    assert scripts.load(script).meta.date == dt.date(2026, 7, 4)
    script.write_text("---\ntitle: Slashed\ndate: 04/07/2026\n---\n\nText.\n", "utf-8")
    code, _, err = _run(tone_project, "render", str(script))
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "dotted.md" in err and "04/07/2026" in err and "YYYY-MM-DD" in err
