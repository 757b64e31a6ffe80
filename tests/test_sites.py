"""Which files of a site folder are posts, which are skipped and why, and what each post says
(issue 15, point 3). The sites are in ``tests/data/sites`` (see its README)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from audioguide.errors import InputError
from audioguide.ingest.sites import DRAFT, EXCLUDED, EXPIRED, FUTURE, UNDATED, find_site, list_posts, skipped_line

SITES = Path(__file__).parent / "data" / "sites"
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

NEVER_SAID = ("{{", "}}", "{%", "%}", "{#", "#}", "[^", "<!--", "-->", "{:", "TOC")
"""Template, comment, footnote and attribute syntax: never in a post's text."""
HIDDEN = (
    "w7Ft2ymGmfc", "tide-board", "chart_depth", "TODO", "timetable route", "Chart datum is roughly",  # Hugo
    "boat-card", "thickness_in_inches", "Remember to add the photos", "Photographs will follow",
    "show_gallery", "The garboard is the plank",  # Jekyll
    "pier-at-dawn", "Ask the lamp-lighter", "Most of them have fished", "catch =",  # Eleventy
    "From the first to the twenty-eighth",  # MkDocs
)
"""Text the posts hold in shortcodes, code, comments, other branches and footnotes."""

EXPECTED = {
    "hugo": {
        "generator": "hugo",
        "posts": {
            "content/posts/ferry-timetable.md": ("ferry-times", dt.date(2025, 5, 6), ("Mara Quill", "Ines Ortega"),
                                                 ("ferry",)),
            "content/posts/tide-tables.md": ("tide-tables", dt.date(2025, 3, 2), ("Mara Quill",), ("tides", "how-to")),
            "content/posts/lighthouse-keeper/index.md": ("lighthouse-keeper", dt.date(2025, 4, 18), ("Tom Reyes",),
                                                         ("history", "lighthouse")),
        },
        "skipped": {"winter-plans.md": DRAFT, "summer-festival.md": FUTURE, "regatta-entries.md": EXPIRED},
        "said": ["The tide tables hang in the window of the harbour office.",
                 "Heights are given in metres above chart datum.",
                 "The tables are printed each January.",  # inside a paired notice shortcode
                 "The lamp itself now stands in the town museum.",  # inside a paired details shortcode
                 "From June the ferry leaves every forty minutes.",
                 "Tickets are sold on board."],
    },
    "jekyll": {
        "generator": "jekyll",
        "posts": {
            "_posts/2025-03-14-spring-launch.md": ("spring-launch", dt.date(2025, 3, 14), ("Rosa Lind",),
                                                   ("launches", "wooden-boats")),
            # the front matter's date wins over the file name's; the site's author is the default
            "_posts/2025-05-10-the-old-boathouse.md": ("the-old-boathouse", dt.date(2025, 5, 11), ("Dev Okafor",),
                                                       ("history",)),
        },
        "skipped": {"gulls-on-the-roof.md": DRAFT, "2025-06-01-harbour-market.md": DRAFT,
                    "2099-01-01-new-slipway.md": FUTURE, "notes-for-later.md": UNDATED},
        "said": ["Six boats went back into the water on Saturday.",
                 "The oldest of them, Marigold, was built on this quay in 1954.",
                 "Her garboard planks were replaced over the winter.",
                 "Thank you to everyone who came to the launch day.",
                 "The photographs are in the gallery below.",  # the first branch of an if
                 "Anyone who remembers the boathouse before the storm is welcome to visit."],
    },
    "eleventy": {
        "generator": "eleventy",
        "posts": {
            "content/blog/boats-at-dawn/index.md": ("boats-at-dawn-on-the-pier", dt.date(2025, 3, 21), (),
                                                    ("boats",)),
            "content/blog/first-light.md": ("first-light", dt.date(2025, 2, 9), ("Ada Brennan",), ("mornings",)),
            # tagged by its folder's JSON data file; date and slug from the file name
            "content/notes/2025-04-02-lamp-repairs.md": ("lamp-repairs", dt.date(2025, 4, 2), ("Ada Brennan",),
                                                         ("notes",)),
        },
        "skipped": {"storm-warning.md": DRAFT, "subscribe.md": EXCLUDED, "unwritten.md": EXCLUDED,
                    "2099-12-31-new-year.md": FUTURE},
        "said": ["The pier is empty at six in the morning.",
                 "Bring a flask.",  # inside a paired callout shortcode
                 "By seven the first anglers set up their rods at the far end.",
                 "Three fishing boats came in before sunrise.",
                 "All twelve lamps along the pier work again."],
    },
    "mkdocs": {
        "generator": "mkdocs",
        "posts": {
            "docs/blog/posts/2025/harbour-seals.md": ("seal-count", dt.date(2025, 4, 2), ("Lena Voss", "Kofi Mensah"),
                                                      ()),
            "docs/blog/posts/tidal-energy.md": ("how-much-energy-is-in-a-tide", dt.date(2025, 2, 3), ("Lena Voss",),
                                                ("tides",)),
        },
        "skipped": {"draft-salinity.md": DRAFT, "next-season.md": FUTURE},
        "said": ["Twice a day the estuary fills and empties.",
                 "The basin holds about four million cubic metres between low and high water.",  # admonition
                 "We measured the flow at the narrows for a month.",
                 "Do not wade at the narrows on a falling tide.",
                 "Two people count from the dunes with binoculars."],  # collapsible admonition
    },
}


def text_of(article: object) -> str:
    sections = article.sections  # type: ignore[attr-defined]
    return "\n".join(b.text for s in sections for b in s.blocks) + "\n" + "\n".join(s.heading or "" for s in sections)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_generator_lists_its_published_posts(name: str) -> None:
    expected = EXPECTED[name]
    listing = list_posts(SITES / name, now=NOW)
    assert listing.site.generator == expected["generator"]
    assert not listing.failed
    assert {e.id: (e.article.meta.slug, e.article.meta.date, e.article.meta.authors, e.article.meta.tags)
            for e in listing.entries} == expected["posts"]
    assert {path.name: reason for path, reason in listing.skipped} == expected["skipped"]
    everything = "\n".join(text_of(e.article) for e in listing.entries)
    for sentence in expected["said"]:
        assert sentence in everything
    for syntax in NEVER_SAID:
        assert syntax not in everything, syntax
    for hidden in HIDDEN:
        assert hidden not in everything, hidden


def test_pages_that_are_not_posts_are_not_listed() -> None:
    hugo = {e.id for e in list_posts(SITES / "hugo", now=NOW).entries}
    assert not {"content/about.md", "content/_index.md", "content/posts/_index.md",
                "content/posts/lighthouse-keeper/credits.md", "archetypes/default.md"} & hugo
    jekyll = {e.id for e in list_posts(SITES / "jekyll", now=NOW).entries}
    assert not {"index.md", "about.md"} & jekyll
    assert "content/about/index.md" not in {e.id for e in list_posts(SITES / "eleventy", now=NOW).entries}
    assert not {"docs/index.md", "docs/blog/index.md"} & {e.id for e in list_posts(SITES / "mkdocs", now=NOW).entries}


def test_times_and_zones_are_kept() -> None:
    hugo = {e.id: e.article.meta for e in list_posts(SITES / "hugo", now=NOW).entries}
    assert hugo["content/posts/ferry-timetable.md"].published == dt.datetime(
        2025, 5, 6, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    jekyll = {e.id: e.article.meta for e in list_posts(SITES / "jekyll", now=NOW).entries}
    assert jekyll["_posts/2025-03-14-spring-launch.md"].published == dt.datetime(2025, 3, 14, 10, 15, tzinfo=dt.UTC)


def test_a_future_post_is_listed_once_its_date_has_come() -> None:
    later = dt.datetime(2099, 7, 2, tzinfo=dt.UTC)
    ids = {e.id for e in list_posts(SITES / "hugo", now=later).entries}
    assert "content/posts/summer-festival.md" in ids
    assert "content/posts/winter-plans.md" not in ids  # a draft stays a draft


@pytest.mark.parametrize(("sub", "generator", "ids"), [
    ("hugo/content/posts", "hugo", {"ferry-timetable.md", "tide-tables.md", "lighthouse-keeper/index.md"}),
    ("jekyll/_posts", "jekyll", {"2025-03-14-spring-launch.md", "2025-05-10-the-old-boathouse.md"}),
    ("eleventy/content/notes", "eleventy", {"2025-04-02-lamp-repairs.md"}),
    ("mkdocs/docs/blog", "mkdocs", {"posts/tidal-energy.md", "posts/2025/harbour-seals.md"}),
])
def test_a_folder_inside_a_site_is_read_by_the_site_rules(sub: str, generator: str, ids: set[str]) -> None:
    listing = list_posts(SITES / sub, now=NOW)
    assert find_site(SITES / sub).generator == generator
    assert {e.id for e in listing.entries} == ids


def test_a_plain_folder_takes_every_markdown_file(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "2025-06-01-first.md").write_text("# First\n\nThe first note.\n", "utf-8")
    (tmp_path / "notes" / "README.md").write_text("# About these notes\n\nNot a post.\n", "utf-8")
    (tmp_path / "notes" / ".hidden").mkdir()
    (tmp_path / "notes" / ".hidden" / "x.md").write_text("Hidden.\n", "utf-8")
    listing = list_posts(tmp_path / "notes", now=NOW)
    assert listing.site.generator == "folder"
    assert [(e.id, e.article.meta.slug, e.article.meta.date) for e in listing.entries] == [
        ("2025-06-01-first.md", "first", dt.date(2025, 6, 1))]


def test_ids_and_digests_are_stable_and_follow_the_text(tmp_path: Path) -> None:
    """What sync compares: the same post gives the same id and digest wherever the site is, and
    an edit changes the digest of that post only."""
    site = shutil.copytree(SITES / "jekyll", tmp_path / "copy")
    before = {e.id: e.digest for e in list_posts(SITES / "jekyll", now=NOW).entries}
    assert {e.id: e.digest for e in list_posts(site, now=NOW).entries} == before
    post = site / "_posts" / "2025-03-14-spring-launch.md"
    post.write_text(post.read_text("utf-8").replace("Six boats", "Seven boats"), "utf-8")
    (site / "_posts" / "2025-05-10-the-old-boathouse.md").touch()
    after = {e.id: e.digest for e in list_posts(site, now=NOW).entries}
    assert after.keys() == before.keys()
    assert [i for i in after if after[i] != before[i]] == ["_posts/2025-03-14-spring-launch.md"]


def test_a_broken_post_is_one_error_and_the_others_are_listed(tmp_path: Path) -> None:
    site = shutil.copytree(SITES / "mkdocs", tmp_path / "site")
    posts = site / "docs" / "blog" / "posts"
    (posts / "broken.md").write_text("---\ndate: 2025-01-01\ntitle: [unclosed\n---\n\nText.\n", "utf-8")
    (posts / "empty.md").write_text("---\ndate: 2025-01-02\n---\n\n<!-- nothing yet -->\n", "utf-8")
    listing = list_posts(site, now=NOW)
    assert len(listing.entries) == 2
    messages = sorted(error.format_message() for error in listing.failed)
    assert len(messages) == 2 and all("\n" not in m for m in messages)
    assert "broken.md: front matter is not valid YAML at line 4" in messages[0]
    assert "Fix the front matter" in messages[0]
    assert "empty.md: the article has no text to read" in messages[1] and "Add some paragraphs" in messages[1]


@pytest.mark.parametrize(("make", "problem"), [
    (lambda root: root / "missing", "does not exist"),
    (lambda root: (root / "a.md").write_text("x", "utf-8") and root / "a.md", "is not a folder"),
    (lambda root: root, "has no Markdown posts"),
])
def test_a_folder_without_posts_is_refused(tmp_path: Path, make, problem: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=problem):
        list_posts(make(tmp_path), now=NOW)


def test_a_site_without_posts_says_where_it_looked(tmp_path: Path) -> None:
    shutil.copytree(SITES / "hugo", tmp_path / "hugo")
    shutil.rmtree(tmp_path / "hugo" / "content" / "posts")
    with pytest.raises(InputError, match=r"no posts in the site's main sections \(Hugo site\).*content/posts"):
        list_posts(tmp_path / "hugo", now=NOW)


def test_the_skip_line_counts_each_reason() -> None:
    line = skipped_line(list_posts(SITES / "jekyll", now=NOW).skipped)
    assert line == ("Skipped 4 posts: 2 drafts (gulls-on-the-roof.md, 2025-06-01-harbour-market.md), "
                    "1 dated in the future (2099-01-01-new-slipway.md), "
                    "1 not named YYYY-MM-DD-title.md (Jekyll ignores it) (notes-for-later.md).")


def test_the_site_author_stands_for_posts_that_name_none(tmp_path: Path) -> None:
    jekyll = shutil.copytree(SITES / "jekyll", tmp_path / "jekyll")
    (jekyll / "_posts" / "2025-08-01-quiet-week.md").write_text("---\ntitle: A quiet week\n---\n\nNothing broke.\n")
    hugo = shutil.copytree(SITES / "hugo", tmp_path / "hugo")
    config = hugo / "hugo.toml"
    config.write_text(config.read_text("utf-8").replace("[params]\n", '[params]\n  author = "The Harbour Office"\n'))
    (hugo / "content" / "posts" / "quiet.md").write_text("+++\ntitle = 'Quiet'\ndate = 2025-08-01\n+++\n\nCalm.\n")
    authors = {e.id: e.article.meta.authors for site in (jekyll, hugo) for e in list_posts(site, now=NOW).entries}
    assert authors["_posts/2025-08-01-quiet-week.md"] == ("Rosa Lind",)  # _config.yml's author, by id
    assert authors["content/posts/quiet.md"] == ("The Harbour Office",)
    assert authors["content/posts/tide-tables.md"] == ("Mara Quill",)  # a post's own author wins
