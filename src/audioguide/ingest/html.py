"""The HTML reader: an article's main content, with page furniture dropped (BeautifulSoup + lxml).

:mod:`audioguide.ingest.readers` and :mod:`audioguide.ingest.markdown` import this module only
when they meet HTML, so that reading episode scripts and plain text does not import an HTML
parser.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PageElement, PreformattedString, Tag

from audioguide.ingest.blocks import (
    ArticleBuilder,
    collapse,
    normalise_newlines,
    row_sentence,
    title_from_stem,
)
from audioguide.ingest.facts import article_meta
from audioguide.models import Article

DROP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "nav", "header", "footer", "aside",
        "form", "svg", "iframe", "button", "figcaption", "head", "title", "meta", "link",
        "select", "option", "textarea", "input", "object", "embed", "canvas", "audio",
        "video", "map", "dialog", "pre", "rp",
    }
)
"""Elements never read aloud, with everything inside them."""

INLINE_TAGS = frozenset(
    {
        "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "br", "cite", "code", "data",
        "del", "dfn", "em", "font", "i", "img", "ins", "kbd", "label", "mark", "nobr", "q",
        "ruby", "rt", "s", "samp", "small", "span", "strike", "strong", "sub", "sup",
        "time", "tt", "u", "var", "wbr",
    }
)
"""Elements that flow inside a line of text; every other element breaks the text."""

SECTION_TAGS = frozenset({"h1", "h2", "h3"})
PARAGRAPH_TAGS = frozenset({"p", "dt", "h4", "h5", "h6", "caption"})
DEFERRED_TAGS = frozenset({"ul", "ol", "dl", "table", "blockquote"})
"""Structures inside a list item or definition that are read after the item's own text."""
LAYOUT_MARKERS = frozenset({"p", "div", "table", "ul", "ol", "h1", "h2", "h3", "blockquote"})
"""Elements that, inside a table cell, mark the table as page layout rather than data."""


def is_dropped(tag: Tag) -> bool:
    """True for elements that are not read: page furniture, code, hidden elements."""
    if tag.name in DROP_TAGS or tag.has_attr("hidden"):
        return True
    if str(tag.get("aria-hidden", "")).strip().lower() == "true":
        return True
    style = str(tag.get("style", "")).replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _is_text(node: PageElement) -> bool:
    """True for ordinary text nodes (not comments, CDATA, doctypes...)."""
    return isinstance(node, NavigableString) and not isinstance(node, PreformattedString)


def _inside_dropped(tag: Tag, allow: frozenset[str] = frozenset()) -> bool:
    """True when ``tag`` or an ancestor is dropped (ancestors named in ``allow`` excepted)."""
    node: Tag | None = tag
    while node is not None:
        if node.name not in allow and is_dropped(node):
            return True
        node = node.parent
    return False


def html_text(node: Tag, defer: frozenset[str] = frozenset()) -> tuple[str, list[Tag]]:
    """Plain text under ``node``, with the elements named in ``defer`` set aside, in order."""
    return nodes_text(node.contents, defer)


def nodes_text(
    nodes: Sequence[PageElement], defer: frozenset[str] = frozenset()
) -> tuple[str, list[Tag]]:
    """Plain text of ``nodes`` and their descendants, and the deferred elements, in order.

    Inline elements join without added spaces; other elements and ``<br>`` separate text.
    Dropped elements are skipped. Iterative, so any nesting depth is fine.
    """
    parts: list[str] = []
    deferred: list[Tag] = []
    stack: list[PageElement | str] = list(reversed(nodes))
    while stack:
        current = stack.pop()
        if not isinstance(current, PageElement):
            parts.append(current)  # a separator pushed below
        elif _is_text(current):
            parts.append(str(current))
        elif isinstance(current, Tag) and not is_dropped(current):
            if current.name in defer:
                deferred.append(current)
            elif current.name == "br":
                parts.append(" ")
            elif current.name in INLINE_TAGS:
                stack.extend(reversed(current.contents))
            else:
                stack.append(" ")
                stack.extend(reversed(current.contents))
                stack.append(" ")
    return collapse("".join(parts)), deferred


_SUPERSCRIPT = str.maketrans("0123456789-−", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻")


def _text_before(tag: Tag, size: int = 8) -> str:
    """The last few characters of text before ``tag`` in its line (up to the block it is in)."""
    text = ""
    for node in tag.previous_elements:
        if _is_text(node):
            text = str(node) + text
        elif isinstance(node, Tag) and node.name not in INLINE_TAGS:
            break
        if len(text) >= size:
            break
    return text


def superscripts(root: Tag) -> None:
    """Superscript numbers (``<sup>6</sup>``) read as what they are, not glued to the text before
    them (``10<sup>6</sup>`` was "106", ``study<sup>4</sup>`` "study four"): after a number, or a
    symbol of a letter or two (``mc<sup>2</sup>``, ``m<sup>2</sup>``), a power, written in
    superscript digits (``10⁶``, ``mc²``, ``m²``: the normaliser reads powers and square units);
    after a word or a punctuation mark, the marker of a note no generator labelled as one
    (``1895,<sup>2</sup>``), left out as the labelled ones are. Others (``1<sup>st</sup>``) stay.
    """
    for sup in root.find_all("sup"):
        text = sup.get_text().strip() if isinstance(sup, Tag) and not sup.decomposed else ""
        if not re.fullmatch(r"[-−]?\d{1,3}", text):
            continue
        before = _text_before(sup)
        if re.search(r"(?:\d|(?<![^\W\d_])[^\W\d_]{1,2})$", before):
            sup.replace_with(text.translate(_SUPERSCRIPT))
        elif re.search(r"(?:[^\W\d_]|[.,;:!?)\"'”’])$", before):
            sup.decompose()


def _ol_numbers(ol: Tag) -> dict[int, int]:
    """Numbers of an ``<ol>``'s items, keyed by ``id(li)``; honours ``start``, ``value``, ``reversed``."""
    items = [child for child in ol.children if isinstance(child, Tag) and child.name == "li"]
    step = -1 if ol.has_attr("reversed") else 1
    number = _int_attr(ol, "start", len(items) if step < 0 else 1)
    numbers: dict[int, int] = {}
    for li in items:
        number = _int_attr(li, "value", number)
        numbers[id(li)] = number
        number += step
    return numbers


def _int_attr(tag: Tag, name: str, default: int) -> int:
    """An integer attribute, or ``default`` when missing or not a number."""
    try:
        return int(str(tag.get(name, "")).strip())
    except ValueError:
        return default


def _own_rows(table: Tag) -> list[Tag]:
    """The ``<tr>`` rows of ``table`` itself, not of tables nested in it."""
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _cells(row: Tag) -> list[Tag]:
    """The ``<th>``/``<td>`` cells of a row."""
    return [cell for cell in row.children if isinstance(cell, Tag) and cell.name in ("th", "td")]


def _is_layout_table(table: Tag) -> bool:
    """True when a cell holds paragraphs or other blocks: a layout table, read as text."""
    for row in _own_rows(table):
        for cell in _cells(row):
            if cell.find(LAYOUT_MARKERS) is not None:
                return True
    return False


def table_sentences(table: Tag) -> list[str]:
    """One sentence per data row (``Header: cell, ...``), the caption first."""
    sentences: list[str] = []
    caption = table.find("caption")
    if caption is not None and caption.find_parent("table") is table:
        sentences.append(row_sentence([], [html_text(caption)[0]]))  # a sentence of its own
    rows = _own_rows(table)
    header: list[str] = []
    head_rows = [row for row in rows if row.parent is not None and row.parent.name == "thead"]
    if head_rows:
        header = [html_text(cell)[0] for cell in _cells(head_rows[0])]
        rows = [row for row in rows if not any(row is head for head in head_rows)]
    elif rows and all(cell.name == "th" for cell in _cells(rows[0])):
        header = [html_text(cell)[0] for cell in _cells(rows[0])]
        rows = rows[1:]
    for row in rows:
        sentences.append(row_sentence(header, [html_text(cell)[0] for cell in _cells(row)]))
    return sentences


_Run = list[PageElement]


class HtmlWalker:
    """Walks an HTML element tree (iteratively) and feeds an :class:`ArticleBuilder`."""

    def __init__(self, builder: ArticleBuilder, skip: Tag | None = None) -> None:
        self.builder = builder
        self.skip = skip
        self.numbers: dict[int, int] = {}

    def walk(self, root: Tag) -> None:
        """Visit ``root``'s content in document order."""
        stack: list[Tag | _Run] = []
        self._push_children(root, stack)
        while stack:
            current = stack.pop()
            if isinstance(current, list):
                self._run(current)
            elif current is not self.skip and not is_dropped(current):
                self._visit(current, stack)

    def _visit(self, tag: Tag, stack: list[Tag | _Run]) -> None:
        """Emit what one block element says, pushing any children still to visit."""
        name = tag.name
        if name in SECTION_TAGS:
            self.builder.heading(html_text(tag)[0])
        elif name in PARAGRAPH_TAGS:
            self.builder.add("paragraph", html_text(tag)[0])
        elif name in ("li", "dd"):
            text, deferred = html_text(tag, DEFERRED_TAGS)
            if name == "li":
                self.builder.add("item", text, self.numbers.get(id(tag)))
            else:
                self.builder.add("paragraph", text)
            stack.extend(reversed(deferred))
        elif name == "table" and not _is_layout_table(tag):
            for sentence in table_sentences(tag):
                self.builder.add("paragraph", sentence)
        else:
            if name == "ol":
                self.numbers.update(_ol_numbers(tag))
            self._push_children(tag, stack)

    @staticmethod
    def _push_children(tag: Tag, stack: list[Tag | _Run]) -> None:
        """Push a container's children: block elements, and runs of inline content."""
        pending: list[Tag | _Run] = []
        run: _Run = []
        for child in tag.children:
            if _is_text(child) or (isinstance(child, Tag) and child.name in INLINE_TAGS):
                run.append(child)
            elif isinstance(child, Tag):
                if run:
                    pending.append(run)
                    run = []
                pending.append(child)
        if run:
            pending.append(run)
        stack.extend(reversed(pending))

    def _run(self, run: _Run) -> None:
        """A container's own text run becomes a paragraph, unless it is only code."""
        code_only = all(
            (node.name in ("code", "br"))
            if isinstance(node, Tag)
            else not (_is_text(node) and str(node).strip())
            for node in run
        )
        if not code_only:
            self.builder.add("paragraph", nodes_text(run)[0])


def content_root(soup: BeautifulSoup) -> Tag:
    """The main content: first ``<article>``, ``<main>``, ``[role=main]``, ``<body>``, or all.

    Candidates inside dropped elements (an ``<aside>`` teaser, say) are passed over.
    """
    for found in (
        soup.find_all("article"),
        soup.find_all("main"),
        soup.find_all(None, attrs={"role": "main"}),
    ):
        for tag in found:
            if isinstance(tag, Tag) and not _inside_dropped(tag):
                return tag
    return soup.body or soup


def title_heading(root: Tag, is_page: bool) -> Tag | None:
    """The first non-empty, visible ``<h1>`` in the content.

    An ``<h1>`` inside a ``<header>`` counts only within an article or main element (a
    page-wide header usually holds the site name) and only when no other ``<h1>`` exists.
    """
    in_header: Tag | None = None
    for h1 in root.find_all("h1"):
        if not isinstance(h1, Tag) or not html_text(h1)[0]:
            continue
        if not _inside_dropped(h1):
            return h1
        if in_header is None and not is_page and not _inside_dropped(h1, frozenset({"header"})):
            in_header = h1
    return in_header


_META_FACTS = (
    ("date", ("article:published_time", "datePublished", "date", "dc.date", "dc.date.issued",
              "dcterms.created")),
    ("description", ("description", "og:description", "dc.description")),
    ("author", ("author", "article:author", "dc.creator")),
    ("url", ("og:url",)),
    ("language", ("og:locale", "dc.language", "content-language")),
)
"""Front-matter key <- the ``<meta>`` names/properties that state it, most specific first."""


def _linked_data(soup: BeautifulSoup) -> dict[str, Any]:
    """The first schema.org object in the page's JSON-LD with a publication date or an author."""
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.get_text())
        except ValueError:
            continue
        items = data.get("@graph", [data]) if isinstance(data, dict) else data
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and ("datePublished" in item or "author" in item):
                return {"date": item.get("datePublished"), "author": item.get("author"),
                        "description": item.get("description")}
    return {}


def page_facts(soup: BeautifulSoup) -> dict[str, Any]:
    """What an HTML page states about itself, as front-matter keys: ``<html lang>``, the
    canonical link, ``<meta>`` tags (Open Graph, article, Dublin Core) and JSON-LD."""
    metas: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        name = tag.get("property") or tag.get("name") or tag.get("itemprop") or tag.get("http-equiv")
        if isinstance(name, str) and isinstance(tag.get("content"), str):
            metas.setdefault(name.strip().lower(), str(tag["content"]))
    facts: dict[str, Any] = {key: v for key, v in _linked_data(soup).items() if v}
    for key, names in _META_FACTS:
        value = next((metas[n.lower()] for n in names if metas.get(n.lower(), "").strip()), None)
        if value is not None and not (key == "author" and value.startswith("http")):
            facts.setdefault(key, value)
    canonical = soup.find("link", rel="canonical")
    if isinstance(canonical, Tag) and isinstance(canonical.get("href"), str):
        facts["url"] = canonical["href"]
    if isinstance(soup.html, Tag) and isinstance(soup.html.get("lang"), str):
        facts["language"] = soup.html["lang"]
    return facts


def parse_html(text: str, source: Path | None = None) -> Article:
    """Read an HTML article: the main content's headings, paragraphs, lists and tables.

    Title: the first ``<h1>`` of the content (then not a section), else ``<title>``, else
    the file name.
    """
    soup = BeautifulSoup(normalise_newlines(text), "lxml")
    superscripts(soup)
    root = content_root(soup)
    heading = title_heading(root, is_page=root is soup.body or root is soup)
    builder = ArticleBuilder()
    HtmlWalker(builder, skip=heading).walk(root)
    if heading is not None:
        title: str | None = html_text(heading)[0]
    else:
        title_tag = soup.find("title")
        title = title_tag.get_text() if isinstance(title_tag, Tag) else None
    return builder.build(collapse(title or "") or title_from_stem(source), source,
                         article_meta(page_facts(soup), source))


def walk_fragment(builder: ArticleBuilder, html: str) -> None:
    """Add the blocks of an HTML fragment (a raw HTML block inside Markdown) to ``builder``."""
    soup = BeautifulSoup(html, "lxml")
    superscripts(soup)
    HtmlWalker(builder).walk(soup.body or soup)
