"""The article in a web page: trafilatura decides what is the article, audioguide's own HTML reader
decides how it is read.

trafilatura (maintained, evaluated on thousands of real pages) finds the main text of a page and
leaves out navigation, share buttons, comments, related posts and footers far better than the
container rule of :mod:`audioguide.ingest.html` (the first ``<article>`` or ``<main>``), which
reads everything inside that container. Its output, though, loses what a listener needs: list
numbers (``start``, ``value``, ``reversed``), the space between a ``<div>``'s text and a block
inside it (``emphasisAn inner paragraph``), and it keeps ``hidden`` elements. So:

1. hidden elements are removed, then trafilatura extracts the page (again favouring recall when
   its precise pass finds nothing), given the inline elements whose words it would delete or move
   (``<time>``, ``<q>``, ``<ruby>``) as plain text, so that it judges the words the own reader reads
   (its facts, htmldate's date among them, come from the page with only a ``<time>`` in a sentence
   made text: a day the article talks about is not the day it was published);
2. the own reader reads the page's content container, and keeps each of its blocks that
   trafilatura kept too (compared letter by letter, punctuation and spaces aside);
3. when those blocks hold most of trafilatura's text, they are the article (the page's own
   structure, read precisely); otherwise (the container was wrong: a teaser, the whole body of a
   list page) trafilatura's own text is read, with the same reader, when the page holds more of it
   than of those blocks (trafilatura sometimes runs a short page into a single block).

The facts come from both: what the page states in ``<meta>`` tags, JSON-LD, its canonical link and
``<html lang>`` (:func:`audioguide.ingest.html.page_facts`) first, then what trafilatura finds
(its author and date heuristics, htmldate).
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from bs4.element import Tag
from lxml import etree

from audioguide.errors import InputError
from audioguide.ingest.blocks import (
    ArticleBuilder,
    collapse,
    ends_sentence,
    letters,
    no_text,
    normalise_newlines,
    title_from_stem,
)
from audioguide.ingest.facts import absolute, article_meta
from audioguide.ingest.html import (
    INLINE_TAGS,
    HtmlWalker,
    content_root,
    html_text,
    page_facts,
    superscripts,
    title_heading,
)
from audioguide.models import Article, Section

COVERAGE = 0.8
"""Share of trafilatura's text the own reader's kept blocks must hold to be read instead."""
ARTICLE_COVERAGE = 0.5
"""The same share for an ``<article>`` (or ``[itemprop=articleBody]``, ``[role=article]``) that
holds the page's title: the article itself, whose own text wins over what trafilatura adds from
around it (a short page's "Subscribe to the newsletter" box was read aloud)."""
SHORT = 24
"""Blocks with fewer letters than this must equal one of trafilatura's blocks, not just appear
inside one (``Share`` appears inside ``shared``)."""
NO_ARTICLE_FIX = ("it may need JavaScript to show its text, or list other pages: give the address of the "
                  "article itself, or save its text to a file and import that")


def _hide_hidden(soup: BeautifulSoup) -> None:
    """Remove elements no reader sees: ``hidden``, ``aria-hidden="true"``, ``display: none``."""
    hidden = [tag for tag in soup.find_all(True) if isinstance(tag, Tag) and (
        tag.has_attr("hidden") or str(tag.get("aria-hidden", "")).strip().lower() == "true"
        or re.search(r"display\s*:\s*none|visibility\s*:\s*hidden", str(tag.get("style", "")), re.IGNORECASE))]
    for tag in hidden:  # an element inside another hidden one is removed with it, then again: harmless
        tag.decompose()


NOTE_MARK = re.compile(r"\[?(\d{1,3}|[a-z]|[*\u2020\u2021\u00a7])\]?")
"""The text of a note's marker in the text: ``1``, ``[2]``, ``a``, ``*``, ``†``."""
_NOTE_CLASSES = frozenset({"footnote", "footnote-ref", "footnote-reference", "footnoteref", "fnref", "noteref",
                           "reference", "footnote-anchor"})
_BACKLINK_CLASSES = frozenset({"reversefootnote", "footnote-backref", "footnote-back", "fn-backref"})
_NOTES_CLASSES = frozenset({"footnotes", "footnote-list", "endnotes", "wp-block-footnotes", "footnote"})
"""The notes at the end: a list of them, or (Substack) each note in a ``<div class="footnote">``."""


def _classes(tag: Tag) -> set[str]:
    value: Any = tag.get("class") or []
    return {str(c).lower() for c in (value if isinstance(value, list) else str(value).split())}


def _drop_notes(soup: BeautifulSoup) -> None:
    """Remove footnotes, as the Markdown reader leaves them out: the markers in the text (a
    ``<sup>`` link to ``#…``, a link to ``#…`` around a ``<sup>``, or a link a generator marks as a
    note: kramdown, Pandoc, markdown-it, WordPress, Wikipedia, Substack), which would be read glued
    to the word before them ("1894" and note 1 heard as "18941"), the notes at the end, and their back-links (↩)."""
    for tag in soup.find_all(True):
        if not isinstance(tag, Tag) or tag.decomposed:
            continue
        role = str(tag.get("role", "")).lower()
        classes = _classes(tag)
        if role in ("doc-endnotes", "doc-footnote", "doc-endnote") or (
                tag.name in ("div", "section", "ol", "aside") and classes & _NOTES_CLASSES):
            tag.decompose()
        elif role == "doc-backlink" or classes & _BACKLINK_CLASSES:
            tag.decompose()
        elif tag.name == "a" and str(tag.get("href", "")).startswith("#") and NOTE_MARK.fullmatch(
                tag.get_text().strip()) and (role == "doc-noteref" or "footnote" in str(tag.get("rel", ""))
                                             or classes & _NOTE_CLASSES or tag.find_parent("sup") is not None
                                             or tag.find("sup") is not None):
            sup = tag.find_parent("sup")
            (sup if sup is not None and sup.get_text().strip() == tag.get_text().strip() else tag).decompose()


# trafilatura's XML vocabulary -> HTML, for the own reader
_RENAME = {"p": "p", "quote": "blockquote", "table": "table", "row": "tr", "lb": "br", "hi": "span",
           "caption": "caption",
           "ref": "a", "graphic": "img", "del": "del", "div": "div", "main": "body", "body": "body"}
_BLOCK_PARENTS = frozenset({"main", "body", "quote", "div", "doc"})


def _caption_row_to_caption(table: Any) -> None:
    """trafilatura writes a table's ``<caption>`` (or a title row across it) as a first row of
    one heading cell and empty ones: made a caption again, so that the rows below are read under
    their own headings, as the page's own table is."""
    rows = [child for child in table if child.tag == "row"]
    if len(rows) < 2:
        return
    cells = [child for child in rows[0] if child.tag == "cell"]
    widest = max(sum(1 for c in row if c.tag == "cell") for row in rows)
    filled = [c for c in cells if "".join(c.itertext()).strip()]
    if len(filled) == 1 and filled[0] is cells[0] and cells[0].get("role") == "head" and widest > 1:
        caption = etree.Element("caption")
        caption.text = " ".join("".join(cells[0].itertext()).split())
        table.replace(rows[0], caption)


def _as_html(body: Any) -> str:
    """trafilatura's extracted tree (``head``, ``list``/``item``, ``quote``, ``code``, ``cell``…)
    as HTML the own reader walks."""
    tree = copy.deepcopy(body)
    for table in tree.iter("table"):
        _caption_row_to_caption(table)
    for element in tree.iter():
        tag, rend = element.tag, element.get("rend", "")
        parent = element.getparent()
        if tag == "head":
            element.tag = rend if re.fullmatch(r"h[1-6]", rend) else "h2"
        elif tag == "list":
            element.tag = rend if rend in ("ol", "ul", "dl") else "ul"
        elif tag == "item":
            element.tag = "dt" if rend.startswith("dt") else "dd" if rend.startswith("dd") else "li"
        elif tag == "cell":
            element.tag = "th" if element.get("role") == "head" else "td"
        elif tag == "code":
            element.tag = "pre" if parent is None or parent.tag in _BLOCK_PARENTS else "code"
        else:
            element.tag = _RENAME.get(str(tag), "span")
        for name in list(element.attrib):
            del element.attrib[name]
    return str(etree.tostring(tree, encoding="unicode", method="html"))


_AS_TEXT = ("time", "q", "ruby", "label")
"""Inline elements trafilatura changes the words of: it deletes a ``<time>``, a ``<label>`` and a
``<ruby>``'s ``<rt>`` reading, and makes a ``<q>`` a quotation block of its own."""


_DATELINE_PLACES = frozenset({"header", "footer", "address"})
_DATE_MARK = re.compile(r"date|publish|posted|byline|meta", re.IGNORECASE)
"""Words in a class or id of the element that holds a page's date, or of its byline."""
DATE_SEARCH = {"extensive_search": False, "original_date": True}
"""htmldate's options: a date the page states (its address, meta tags, JSON-LD, a ``<time>`` or a
byline), the first publication's rather than the last update's; not a guess from free text (a year
in the prose, "a 2019 study", or a "© 2015" footer dated the article 1 January of that year)."""


def _marked_as_date(tag: Tag) -> bool:
    """True when ``tag`` says it holds the page's date: ``itemprop``, ``pubdate``, a class or id naming a
    date, a byline or the post's meta line."""
    names = " ".join(_classes(tag)) + " " + str(tag.get("id", ""))
    return tag.has_attr("itemprop") or tag.has_attr("pubdate") or bool(_DATE_MARK.search(names))


def _in_the_text(time: Tag) -> bool:
    """True for a ``<time>`` in the article's text ("it opened on <time>1 June</time>"): a day the
    article talks about, not the day it was published. False where pages state their date: in a
    header, footer or address, marked as the date, or alone in its block."""
    if any(parent.name in _DATELINE_PLACES for parent in time.parents):
        return False
    for tag in (time, *time.parents):
        if _marked_as_date(tag):
            return False
        if tag is not time and tag.name not in INLINE_TAGS:  # its block: the date alone, or text
            return bool(letters(html_text(tag)[0]).replace(letters(html_text(time)[0]), "", 1))
    return False


def _as_text(soup: BeautifulSoup, names: Iterable[str], which: Callable[[Tag], bool] | None = None) -> str:
    """The page with its ``names`` elements (those ``which`` accepts, else all) turned into their text,
    as the own reader reads it."""
    page = copy.copy(soup)
    for tag in [tag for tag in page.find_all(list(names)) if isinstance(tag, Tag)]:
        if tag.decomposed or tag.parent is None:  # inside one replaced already
            continue
        if which is not None and not which(tag):
            continue
        raw = tag.get_text()
        text = html_text(tag)[0]
        tag.replace_with((" " if raw[:1].isspace() else "") + text + (" " if raw[-1:].isspace() else ""))
    return str(page)


def _extract(soup: BeautifulSoup, url: str | None) -> tuple[Any, Any] | None:
    """trafilatura's reading of the page: its article's tree and its facts about the page (a
    ``Document``: title, author, date…), or ``None`` when it finds no text. trafilatura is given the
    inline elements of :data:`_AS_TEXT` as their text, so that both readers judge the same words and
    inline markup does not change which blocks are read; htmldate, a ``<time>`` in the text as text."""
    import trafilatura

    html = _as_text(soup, _AS_TEXT)
    for recall in (False, True):
        document = trafilatura.bare_extraction(
            html, url=url, with_metadata=False, include_comments=False, include_tables=True,
            include_formatting=True, include_links=False, include_images=False, favor_recall=recall)
        body = getattr(document, "body", None)
        if body is not None and len(body):
            facts = trafilatura.extract_metadata(_as_text(soup, ["time"], _in_the_text), url,
                                                 date_config=dict(DATE_SEARCH))
            return body, facts
    return None


def _sections(html: str, skip_title: str | None) -> tuple[str | None, tuple[Section, ...]]:
    """The own reader's sections of an HTML fragment; its first ``<h1>`` is the title when it says
    ``skip_title`` (or when no title is known), and is then not read."""
    soup = BeautifulSoup(html, "lxml")
    root = soup.body or soup
    first = root.find("h1")
    heading = first if isinstance(first, Tag) else None
    text = html_text(heading)[0] if heading is not None else None
    if heading is not None and skip_title is not None and letters(text or "") != letters(skip_title):
        heading, text = None, None
    return text, _walk(root, heading)


class _Agreement:
    """Whether a block's text is in ``judge``'s reading, read in order: its letters equal one of
    ``judge``'s blocks; or appear in ``judge``'s text, when the block is not short (``Share`` appears
    inside ``shared``), or when they follow there right after the block before it and end a sentence
    or one of ``judge``'s blocks (trafilatura sometimes gives a short page as a single block)."""

    def __init__(self, judge: tuple[Section, ...]) -> None:
        pieces = [letters(text) for section in judge
                  for text in (section.heading or "", *(block.text for block in section.blocks))]
        self.pieces = [piece for piece in pieces if piece]
        self.exact = set(self.pieces)
        self.joined = "".join(self.pieces)
        self.ends = set(itertools.accumulate(len(piece) for piece in self.pieces))
        self.cursor = -1
        """Where the text that agreed last ends in ``joined``; -1 before any."""

    def __call__(self, text: str) -> bool:
        key = letters(text)
        if not key:
            return False
        end = self.cursor + len(key)
        if self.cursor >= 0 and self.joined.startswith(key, self.cursor) and (
                end in self.ends or ends_sentence(text)):
            self.cursor = end
            return True
        if key not in self.exact and len(key) < SHORT:
            return False
        at = self.joined.find(key, max(self.cursor, 0))
        at = at if at >= 0 else self.joined.find(key)
        if at >= 0:
            self.cursor = at + len(key)
        return at >= 0


def _kept(sections: tuple[Section, ...], judge: tuple[Section, ...]) -> tuple[tuple[Section, ...], float]:
    """``sections`` with only the blocks ``judge`` has too (see :class:`_Agreement`), and the share of
    ``judge``'s letters they hold. A heading stays when ``judge`` has it, or when it heads kept text
    after kept text: a chapter of the article (trafilatura leaves out some pages' headings)."""
    agrees = _Agreement(judge)
    kept: list[Section] = []
    held = 0
    for section in sections:
        heading = section.heading if section.heading and agrees(section.heading) else None
        blocks = tuple(b for b in section.blocks if b.kind != "pause" and agrees(b.text))
        if blocks:
            held += sum(len(letters(b.text)) for b in blocks) + len(letters(heading or ""))
            kept.append(Section(heading or (section.heading if kept else None), blocks))
    total = len(agrees.joined)
    return tuple(kept), (held / total if total else 0.0)


def _size(sections: tuple[Section, ...]) -> int:
    """How many letters the blocks of ``sections`` hold."""
    return sum(len(letters(block.text)) for section in sections for block in section.blocks)


def _walk(root: Tag, skip: Tag | None = None) -> tuple[Section, ...]:
    builder = ArticleBuilder()
    HtmlWalker(builder, skip=skip).walk(root)
    return builder.sections()


def _trafilatura_facts(document: Any) -> dict[str, Any]:
    """What trafilatura found about the page, as front-matter keys."""
    facts: dict[str, Any] = {}
    if document.author:
        # a byline's date ("by Tom Adeyemi | March 3, 2024") comes out as another name: no name has digits
        names = [name.strip() for name in str(document.author).split(";")]
        facts["author"] = [name for name in names if name and not re.search(r"\d", name)]
    for key in ("date", "url", "description"):
        if getattr(document, key, None):
            facts[key] = getattr(document, key)
    if document.tags:
        facts["tags"] = list(document.tags)
    return facts


def page_article(html: str, *, url: str | None = None, source: Path | None = None) -> Article:
    """The article in the page ``html`` (see the module), fetched from ``url`` or read from the file
    ``source``. :class:`InputError` when no article is found."""
    soup = BeautifulSoup(normalise_newlines(html), "lxml")
    _hide_hidden(soup)
    _drop_notes(soup)
    superscripts(soup)
    root = content_root(soup)
    heading = title_heading(root, is_page=root is soup.body or root is soup)
    own = _walk(root, heading)
    found = _extract(soup, url) if own else None
    facts: dict[str, Any] = _trafilatura_facts(found[1]) if found is not None else {}
    facts.update(page_facts(soup))
    facts["url"] = absolute(facts.get("url"), url) or url
    title = html_text(heading)[0] if heading is not None else None
    if found is not None:
        title = title or _their_title(found[1], own)
        their_title, theirs = _sections(_as_html(found[0]), title)
        title = title or their_title
        kept, coverage = _kept(own, theirs)
        # the container was not the article: trafilatura's text, where the page has it
        if coverage < (ARTICLE_COVERAGE if _is_article(root, heading) else COVERAGE):
            page = _kept(theirs, own if root is soup.body or root is soup else _walk(soup.body or soup))[0]
            kept = page if _size(page) > _size(kept) else kept  # not when trafilatura ran the page into one block
        own = kept
    if not title:
        title_tag = soup.find("title")
        title = title_tag.get_text() if isinstance(title_tag, Tag) else None
    title = collapse(title or "") or title_from_stem(source) or _title_from_url(url)
    if not any(section.blocks for section in own):
        if url is None:
            raise no_text(source)
        raise InputError("no article found in the page", path=url, fix=NO_ARTICLE_FIX)
    return _build(own, title, source, facts)


def _is_article(root: Tag, heading: Tag | None) -> bool:
    """Whether the content container is an article element holding the page's title heading (not
    a teaser card, nor the page's ``<main>``)."""
    marked = root.name == "article" or root.get("itemprop") == "articleBody" or root.get("role") == "article"
    return marked and heading is not None and any(parent is root for parent in heading.parents)


def _their_title(facts: Any, own: tuple[Section, ...]) -> str | None:
    """trafilatura's title for the page, unless it is the heading of one of the article's chapters
    after its opening: trafilatura takes the first ``<h2>`` of a page that names no title (a
    Substack export's post), which is a chapter, to be read as one."""
    title = collapse(facts.title or "")
    chapters = {letters(section.heading) for section in own[1:] if section.heading}
    return title if title and letters(title) not in chapters else None


def _title_from_url(url: str | None) -> str | None:
    """``https://example.com/2026/my-first-post/`` -> ``My first post``."""
    if not url:
        return None
    last = [part for part in re.split(r"[/?#]", url.split("://", 1)[-1])[1:] if part]
    return title_from_stem(Path(last[-1])) if last else None


def _build(sections: tuple[Section, ...], title: str | None, source: Path | None,
           facts: dict[str, Any]) -> Article:
    builder = ArticleBuilder()
    for section in sections:
        if section.heading:
            builder.heading(section.heading)
        for block in section.blocks:
            builder.add(block.kind, block.text, block.number)
    return builder.build(title, source, article_meta(facts, source))


def fragment_sections(html: str) -> tuple[Section, ...]:
    """A clean HTML fragment (a feed entry's content) read with the own reader, whole: it is the
    article already, with no page around it."""
    soup = BeautifulSoup(normalise_newlines(html), "lxml")
    _hide_hidden(soup)
    _drop_notes(soup)
    superscripts(soup)
    return _walk(soup.body or soup)


