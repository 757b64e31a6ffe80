"""HTML articles as blogging platforms export them: a Substack export's ``posts/<id>.<slug>.html``
(the post's body only, no ``<html>``, ``<head>`` or title), a Ghost post page, a Medium export.
The pages are small and written for these tests, in the platforms' shapes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from audioguide.cli import cli
from audioguide.ingest.readers import read_article
from audioguide.models import Article
from tests.clirunner import cli_runner

SUBSCRIBE = ('<div class="subscription-widget-wrap-editor" data-component-name="SubscribeWidgetToDOM">'
             '<div class="subscription-widget show-subscribe"><div class="preamble"><p class="cta-caption">'
             'Thanks for reading! Subscribe for free to receive new posts and support my work.</p></div>'
             '<form class="subscription-widget-subscribe"><input type="email" class="email-input" name="email" '
             'placeholder="Type your email…"><input type="submit" class="button primary" value="Subscribe">'
             '</form></div></div>')
"""The subscribe box Substack puts inside a post's body: never read."""


def substack(tmp_path: Path, body: str, name: str = "151234567.harbour-festival.html") -> Article:
    """A Substack export's post file: its body's HTML only, named ``<id>.<slug>.html``."""
    path = tmp_path / name
    path.write_text(body, "utf-8")
    return read_article(path)


def ghost(tmp_path: Path, body: str, header: str = "", head: str = "") -> Article:
    """A Ghost post page (Casper's shape): site header, the article's header, its content, the site footer."""
    page = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Harbour Festival Recap</title>{head}'
            '</head><body class="post-template"><div class="site"><header id="gh-head" class="gh-head">'
            '<a class="gh-head-logo" href="/">Coastal Notes</a><nav class="gh-head-menu"><a href="/">Home</a>'
            ' <a href="/about/">About</a></nav></header><main id="site-main" class="site-main">'
            '<article class="article post"><header class="article-header gh-canvas">'
            f'<h1 class="article-title">Harbour Festival Recap</h1>{header}</header>'
            f'<section class="gh-content gh-canvas">{body}</section></article></main>'
            '<footer class="site-footer"><p>Coastal Notes © 2015. Powered by Ghost</p></footer></div></body></html>')
    path = tmp_path / "harbour-festival-recap.html"
    path.write_text(page, "utf-8")
    return read_article(path)


def texts(article: Article) -> list[str]:
    return [block.text for section in article.sections for block in section.blocks]


OPENING = "The harbour festival returned this year with more boats, more music and more visitors than ever before."
CLOSING = "Over forty boats took part, from tiny dinghies to a three-masted schooner that drew crowds all afternoon."

INLINE = {
    "time": ('<time datetime="2024-06-01">1 June</time>', "1 June"),
    "q": ("<q>welcome home</q>", "welcome home"),
    "ruby": ("<ruby>東京<rp>(</rp><rt>Tokyo</rt><rp>)</rp></ruby>", "東京Tokyo"),
    "mark": ("<mark>free</mark>", "free"),
    "small": ("<small>for members</small>", "for members"),
    "abbr": ('<abbr title="Royal National Lifeboat Institution">RNLI</abbr>', "RNLI"),
    "cite": ("<cite>The Tides</cite>", "The Tides"),
    "code": ("<code>#harbour</code>", "#harbour"),
    "kbd": ("<kbd>Ctrl</kbd>", "Ctrl"),
    "sup": ("1<sup>st</sup>", "1st"),
    "sub": ("H<sub>2</sub>O", "H2O"),
    "data": ('<data value="40">forty</data>', "forty"),
    "dfn": ("<dfn>regatta</dfn>", "regatta"),
    "del": ("<del>Saturday</del>", "Saturday"),
    "s": ("<s>Saturday</s>", "Saturday"),
    "em": ("<em>really</em>", "really"),
    "a": ('<a href="https://example.org/parade">a parade</a>', "a parade"),
    "label": ("<label>Harbour</label>", "Harbour"),
}
"""Inline elements, and the words the reader reads for each."""


@pytest.mark.parametrize("tag", sorted(INLINE))
def test_every_paragraph_is_read_whatever_inline_element_it_holds(tmp_path: Path, tag: str) -> None:
    """A paragraph with a ``<time>`` (and a short one with a ``<q>`` or ``<ruby>``) was left out without a
    word, and a short article was refused as having "no text": trafilatura deletes a ``<time>``'s words,
    makes a ``<q>`` a block of its own, and then the reader's paragraph matched none of its text."""
    element, said = INLINE[tag]
    long = f"It opened on the quay with {element} and a parade of sailing ships from all over the coast."
    short = f"Then {element} again."
    body = (f"<p>{OPENING}</p><p>{long}</p><p>{short}</p>{SUBSCRIBE}<h2>The boats</h2><p>{CLOSING}</p>"
            f"<p>Updated {element}.</p>")
    expected = [OPENING, long.replace(element, said), short.replace(element, said), CLOSING,
                f"Updated {said}."]
    assert texts(substack(tmp_path, body)) == expected
    assert texts(ghost(tmp_path, body)) == expected


def test_a_short_post_with_a_dated_byline_is_not_refused(tmp_path: Path) -> None:
    """The ``<time>`` in the post's header made trafilatura flatten the whole page into one block, which
    none of the reader's paragraphs matched: "the article has no text to read"."""
    header = ('<div class="article-byline">Posted <time class="byline-meta-date" datetime="2024-06-03">'
              "3 June 2024</time> by Ana Reis</div>")
    body = f"<p>{OPENING}</p><p>{CLOSING}</p>"
    assert texts(ghost(tmp_path, body, header=header)) == [OPENING, CLOSING]


def test_a_short_article_with_a_time_is_not_refused(tmp_path: Path) -> None:
    """trafilatura flattened this page into one block, and the import failed: "the article has no text"."""
    body = ("<p>First paragraph is here and it is long enough to be an article paragraph for extraction.</p>"
            '<p>Updated <time datetime="2024-05-03">3 May</time>.</p><p>Short line here.</p><h2>Next part</h2>'
            "<p>Last paragraph is here and it is also long enough to be an article paragraph.</p>")
    article = ghost(tmp_path, body)
    assert texts(article) == [
        "First paragraph is here and it is long enough to be an article paragraph for extraction.",
        "Updated 3 May.", "Short line here.",
        "Last paragraph is here and it is also long enough to be an article paragraph."]
    assert [section.heading for section in article.sections] == [None, "Next part"]


STUDY = "<p>Trees cool streets in summer, according to a 2019 study by the city council and the university.</p>"
EVENT = ('<p>The festival opened on <time datetime="2023-06-01">1 June 2023</time> with a parade of sailing '
         "ships from all over the coast.</p>")


@pytest.mark.parametrize("body", [STUDY, EVENT, STUDY + EVENT])
def test_a_page_that_states_no_date_gets_none(tmp_path: Path, body: str) -> None:
    """A year in the prose ("a 2019 study") or in the footer ("© 2015") dated the article 1 January of
    that year, and a day the article talks about dated it that day: the feed then put a new episode
    years in the past."""
    body += f"<p>{OPENING}</p><h2>The boats</h2><p>{CLOSING}</p>"
    assert substack(tmp_path, body).meta.date is None
    assert ghost(tmp_path, body).meta.date is None


LINKED_DATA = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Article", '
               '"headline": "Harbour Festival Recap", "datePublished": "2024-06-03"}</script>')


@pytest.mark.parametrize(("header", "head"), [
    ('<div class="article-byline"><span class="byline-meta-date"><time datetime="2024-06-03">Jun 3, 2024'
     "</time></span></div>", ""),
    ('<p>Posted <time datetime="2024-06-03">3 June 2024</time> by Ana Reis</p>', ""),
    ("", '<meta property="article:published_time" content="2024-06-03">'),
    ("", LINKED_DATA),
])
def test_a_date_the_page_states_is_kept(tmp_path: Path, header: str, head: str) -> None:
    assert ghost(tmp_path, STUDY + EVENT + f"<p>{OPENING}</p>", header=header, head=head).meta.date == (
        dt.date(2024, 6, 3))


def test_a_bylines_date_is_kept(tmp_path: Path) -> None:
    body = '<div class="byline">by Tom Adeyemi | March 3, 2024 | 5 Comments</div>' + STUDY + f"<p>{OPENING}</p>"
    assert substack(tmp_path, body).meta.date == dt.date(2024, 3, 3)


def test_a_medium_exports_date_is_its_footers(tmp_path: Path) -> None:
    """Medium's export states the date in its footer's ``<time class="dt-published">`` only."""
    page = ('<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
            '<title>Harbour Festival Recap</title></head><body><article class="h-entry"><header>'
            '<h1 class="p-name">Harbour Festival Recap</h1></header><section data-field="body" class="e-content">'
            '<section name="a1b2" class="section section--body section--first"><div class="section-content">'
            '<div class="section-inner sectionLayout--insetColumn">'
            f'<p name="c3d4" class="graf graf--p">{OPENING} A 2019 survey counted them.</p>'
            f'<p name="e5f6" class="graf graf--p graf--last">{CLOSING}</p></div></div></section></section>'
            '<footer><p>By <a href="https://medium.com/@harbourwriter" class="p-author h-card">Ana Reis</a> on '
            '<a href="https://medium.com/p/0a1b2c3d4e5f"><time class="dt-published" '
            'datetime="2024-06-03T09:30:00.000Z">June 3, 2024</time></a>.</p><p><a class="p-canonical" '
            'href="https://medium.com/@harbourwriter/harbour-0a1b2c3d4e5f">Canonical link</a></p>'
            '<p>Exported from <a href="https://medium.com">Medium</a> on January 12, 2025.</p></footer>'
            "</article></body></html>")
    path = tmp_path / "2024-06-03_Harbour-Festival-Recap-0a1b2c3d4e5f.html"
    path.write_text(page, "utf-8")
    article = read_article(path)
    assert article.meta.date == dt.date(2024, 6, 3)
    assert texts(article) == [f"{OPENING} A 2019 survey counted them.", CLOSING]


def test_a_post_without_a_title_is_named_after_its_file_and_keeps_its_chapters(tmp_path: Path,
                                                                               tone_project: Path) -> None:
    """A Substack export's post (no ``<h1>``, no ``<title>``) took its first ``<h2>`` as the episode's
    title and slug, and that chapter was read as part of the one before it."""
    body = ("<p>Trees cool streets in summer by several degrees, the city council's foresters found.</p>"
            f'<h2 class="header-anchor-post">What can be done</h2>{SUBSCRIBE}'
            "<p>Cities keep losing them, and the council wants to plant more this spring.</p>"
            "<h3>Who pays</h3><p>The council pays for the trees; neighbours water them in their first summer.</p>")
    article = substack(tmp_path, body, "151234567.why-trees.html")
    assert article.title == "Why trees"
    assert [section.heading for section in article.sections] == [None, "What can be done", "Who pays"]
    result = cli_runner().invoke(cli, ["-C", str(tone_project), "import", str(tmp_path / "151234567.why-trees.html")])
    assert result.exit_code == 0, result.stderr
    script = (tone_project / "episodes" / "why-trees.md").read_text("utf-8")
    assert "title: Why trees" in script and "\n## What can be done\n" in script and "\n## Who pays\n" in script


def _substack_note(number: int, text: str) -> tuple[str, str]:
    """Substack's marker for note ``number`` and the note, as its editor writes them."""
    marker = (f'<a class="footnote-anchor" data-component-name="FootnoteAnchorToDOM" id="footnote-anchor-{number}" '
              f'href="#footnote-{number}" target="_self">{number}</a>')
    note = (f'<div class="footnote" data-component-name="FootnoteToDOM"><a id="footnote-{number}" '
            f'href="#footnote-anchor-{number}" class="footnote-number" contenteditable="false" target="_self">'
            f'{number}</a><div class="footnote-content"><p>{text}</p></div></div>')
    return marker, note


def _wordpress_note(number: int, text: str) -> tuple[str, str]:
    """WordPress's footnotes block (6.3 and later): the marker, and the list of notes (of one note)."""
    name = f"6f1c2a{number}e-3d1b-4c8e-9a4f-2b7d5e8c1a0{number}"
    marker = f'<sup data-fn="{name}" class="fn"><a href="#{name}" id="{name}-link">{number}</a></sup>'
    note = (f'<ol class="wp-block-footnotes"><li id="{name}">{text} <a href="#{name}-link" '
            f'aria-label="Jump to footnote reference {number}">\u21a9\ufe0e</a></li></ol>')
    return marker, note


@pytest.mark.parametrize("shape", [_substack_note, _wordpress_note])
def test_footnote_markers_are_not_read_and_notes_are_left_out(
        tmp_path: Path, shape: Callable[[int, str], tuple[str, str]]) -> None:
    """Substack's note markers were read glued to the word before them ("them1", "2%2"), the note's
    number as a paragraph of its own, and the note's text twice."""
    marker1, note1 = shape(1, "Urban Forestry Journal, vol. 12.")
    marker2, note2 = shape(2, "The city's own survey, published every autumn.")
    body = (f"<p>{OPENING}</p><p>But cities keep losing them{marker1}. London lost 2%{marker2} of its canopy last "
            f"year, more than ever.</p><h2>The boats</h2><p>{CLOSING}</p>{note1}{note2}")
    expected = [OPENING, "But cities keep losing them. London lost 2% of its canopy last year, more than ever.",
                CLOSING]
    assert texts(substack(tmp_path, body)) == expected
    assert texts(ghost(tmp_path, body)) == expected
