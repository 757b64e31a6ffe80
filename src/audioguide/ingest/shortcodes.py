"""Template syntax in Markdown posts, taken out before the Markdown is read: none of it is read aloud.

Static-site generators let a post call templates: Hugo's shortcodes (``{{< name >}}``,
``{{% name %}}``, paired with ``{{< /name >}}``), Liquid in Jekyll (``{% tag %}``, ``{{ value }}``)
and Nunjucks or Liquid in Eleventy (the same, plus ``{# comment #}``). A tag is never the author's
prose, so every tag goes. What a paired tag encloses is kept when it is prose the reader sees (a
note, a details box, a quote, a conditional's first branch) and dropped when it is code, markup,
data or a comment (:data:`DROP_INNER`); a paired tag not named there keeps its inner text.

Also taken out: HTML comments (``<!-- more -->``; one that spans a blank line would otherwise be
read as text), kramdown's and Goldmark's attribute lists (``{: .note}``, ``## Heading {#id}``) and
table-of-contents markers (``[TOC]``, ``* TOC`` + ``{:toc}``). Fenced code blocks are left as they
are: the Markdown reader drops them, and what they show is not a template to run. Footnotes and
MkDocs admonitions are read by markdown-it plugins (:mod:`audioguide.ingest.markdown`).

Each step is a small ``str -> str`` function; :func:`clean` runs :data:`STEPS` in order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

DROP_INNER = frozenset({
    # code, markup and diagrams: shown, not said
    "highlight", "code", "codeblock", "prism", "syntax", "mermaid", "math", "katex", "latex", "tex",
    "chart", "plantuml", "diagram", "graphviz", "svg", "html", "script", "style", "asciinema",
    "codepen", "jsfiddle", "csv",
    # embeds whose inner text, when paired, is a fallback for the embed
    "youtube", "vimeo", "video", "audio", "iframe", "embed", "tweet", "x", "instagram", "gist",
    "figure", "gallery",
    # comments, and template logic whose body is not said as written
    "comment", "capture", "for", "tablerow", "case", "macro", "set", "call",
})
"""Paired tags whose inner content is dropped with them (Hugo ``{{< highlight >}}…{{< /highlight >}}``,
Liquid ``{% comment %}…{% endcomment %}``); every other paired tag keeps its inner text."""

CONDITIONALS = frozenset({"if", "unless", "ifversion"})
"""Paired tags that keep only their first branch: the text up to an ``else``-like tag."""

BRANCHES = frozenset({"else", "elsif", "elif", "elseif", "when"})
"""Tags that start another branch of a conditional."""

_FENCE = r"^[ ]{0,3}(?P<fence>`{3,}|~{3,})[^\n]*\n[\s\S]*?^[ ]{0,3}(?P=fence)[`~]*[ \t]*$"
_TAG = re.compile(
    rf"(?P<code>{_FENCE})"
    r"|(?P<comment>\{#[\s\S]{0,2000}?#\})"
    r"|\{\{<(?P<angle>[^{}]{0,2000}?)>\}\}"
    r"|\{\{%(?P<percent>[^{}]{0,2000}?)%\}\}"
    r"|\{%(?P<liquid>[^{}]{0,2000}?)%\}"
    r"|(?P<output>\{\{[^{}]{0,2000}?\}\})",
    re.MULTILINE,
)
"""A fenced code block (kept), or a Nunjucks comment, a Hugo shortcode, a Liquid/Nunjucks tag or
output (a tag holds no braces, so a stray ``{{`` costs a few characters of search). HTML comments
are found by :func:`_scan` itself: a regular expression would look for the end of every unclosed
``<!--`` again, which takes quadratic time."""

_NAME = re.compile(r"[\w.:-]+(?:/[\w.:-]+)*")


@dataclass(frozen=True)
class _Tag:
    """One match of :data:`_TAG`."""

    start: int
    end: int
    family: str = ""
    """``hugo`` or ``liquid`` for tags that may pair; empty for comments, outputs and code."""
    name: str = ""
    closing: bool = False
    keep: bool = False
    """True for a fenced code block: its text stays as it is."""


def _hugo(inner: str, start: int, end: int) -> _Tag:
    """A shortcode from the text between ``{{<`` and ``>}}`` (or the ``%`` pair)."""
    body = inner.strip()
    if body.startswith("/*"):  # {{</* name */>}}: a shortcode shown, not called
        return _Tag(start, end)
    closing = body.startswith("/")
    found = _NAME.match(body.lstrip("/ ").strip())
    name = found.group(0).lower() if found else ""
    if body.endswith("/") and not closing:  # {{< name />}}: self-closing
        return _Tag(start, end)
    return _Tag(start, end, "hugo", name, closing)


def _liquid(inner: str, start: int, end: int) -> _Tag:
    """A Liquid or Nunjucks tag from the text between ``{%`` and ``%}``."""
    found = _NAME.match(inner.strip("-~ \t\n"))
    name = found.group(0).lower() if found else ""
    if name.startswith("end") and len(name) > 3:
        return _Tag(start, end, "liquid", name[3:], closing=True)
    return _Tag(start, end, "liquid", name)


def _scan(text: str) -> list[_Tag]:
    """Every tag, comment and fenced code block in ``text``, in order."""
    tags: list[_Tag] = []
    pos = 0
    match = _TAG.search(text)
    opening = text.find("<!--") if "-->" in text else -1
    while True:  # the next match and the next "<!--" are searched for again only once passed
        if match is not None and match.start() < pos:
            match = _TAG.search(text, pos)
        if 0 <= opening < pos:
            opening = text.find("<!--", pos)
        if opening != -1 and (match is None or opening < match.start()):
            closing = text.find("-->", opening + 4)
            if closing == -1:  # no comment closes from here on: the rest is text
                opening = -1
            else:
                tags.append(_Tag(opening, closing + 3))
                pos = closing + 3
            continue
        if match is None:
            return tags
        start, end = match.span()
        pos = end
        if match.group("code") is not None:
            tags.append(_Tag(start, end, keep=True))
        elif match.group("angle") is not None or match.group("percent") is not None:
            tags.append(_hugo(match.group("angle") or match.group("percent") or "", start, end))
        elif match.group("liquid") is not None:
            tags.append(_liquid(match.group("liquid"), start, end))
        else:
            tags.append(_Tag(start, end))


def _pairs(tags: list[_Tag]) -> dict[int, int]:
    """Index of each opening tag that has a closing tag -> index of that closing tag. A closing tag
    closes the latest open tag of its name; tags opened after that one and never closed stand alone."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    open_by_name: dict[tuple[str, str], list[int]] = {}
    for index, tag in enumerate(tags):
        if not tag.family or (tag.family == "liquid" and tag.name in BRANCHES):
            continue
        key = (tag.family, tag.name)
        if not tag.closing:
            stack.append(index)
            open_by_name.setdefault(key, []).append(index)
        elif open_by_name.get(key):
            opener = open_by_name[key][-1]
            pairs[opener] = index
            while stack:
                top = stack.pop()
                open_by_name[(tags[top].family, tags[top].name)].pop()
                if top == opener:
                    break
    return pairs


def strip_templates(text: str) -> str:
    """Take out template tags, outputs and comments (see the module docstring).

    >>> strip_templates('{{< note >}}Bring water.{{< /note >}} {{< youtube w7Ft2ymGmfc >}}')
    'Bring water. '
    >>> strip_templates('Read {% if site.audio %}or hear{% else %}or print{% endif %} it{{ page.x }}.')
    'Read or hear it.'
    >>> strip_templates('A{% comment %}not this{% endcomment %}<!-- nor this -->B')
    'AB'
    """
    tags = _scan(text)
    if not tags:
        return text
    pairs = _pairs(tags)
    out: list[str] = []
    conditionals: list[int] = []  # closing-tag indexes of the open conditionals
    pos = index = 0
    while index < len(tags):
        tag = tags[index]
        out.append(text[pos:tag.start])
        pos = tag.end
        close = pairs.get(index)
        if tag.keep:
            out.append(text[tag.start:tag.end])
        elif close is not None and tag.name in DROP_INNER:
            pos, index = tags[close].end, close + 1
            continue
        elif tag.family == "liquid" and tag.name in BRANCHES and conditionals:
            close = conditionals.pop()
            pos, index = tags[close].end, close + 1
            continue
        elif close is not None and tag.name in CONDITIONALS:
            conditionals.append(close)
        elif conditionals and conditionals[-1] == index:
            conditionals.pop()
        index += 1
    out.append(text[pos:])
    return "".join(out)


_TOC = re.compile(r"^[ \t]*(?:[*+-]|1\.)[ \t]+TOC[ \t]*\n[ \t]*\{:[ \t]*\.?toc\b[^}\n]*\}[ \t]*$"
                  r"|^[ \t]*\[TOC\][ \t]*$", re.MULTILINE)
_KRAMDOWN_COMMENT = re.compile(r"\{::comment\}[\s\S]*?\{:/comment\}|\{::nomarkdown\}|\{:/nomarkdown\}")
_ATTRIBUTES = re.compile(r"(?<![ \t])[ \t]*\{[:#.][^{}\n]*\}[ \t]*$", re.MULTILINE)
"""An attribute list ending a line, with the blanks before it (the look-behind starts a match only
where the blanks start, so a long run of blanks is not searched again from each of them)."""


def strip_toc_markers(text: str) -> str:
    """Take out table-of-contents markers: kramdown's ``* TOC`` + ``{:toc}``, and ``[TOC]``.

    >>> strip_toc_markers("* TOC\\n{:toc}\\n\\nText.")
    '\\n\\nText.'
    """
    return _TOC.sub("", text)


def strip_attributes(text: str) -> str:
    """Take out kramdown's comments and attribute lists and Goldmark's heading attributes, which end
    a line or stand on their own.

    >>> strip_attributes("## Getting there {#getting-there}\\nTake the ferry.\\n{: .notice}")
    '## Getting there\\nTake the ferry.\\n'
    """
    return _ATTRIBUTES.sub("", _KRAMDOWN_COMMENT.sub("", text))


_TAB = re.compile(r'^(?P<indent>[ \t]*)===(?P<flag>[!+]?) +"(?P<title>[^"\n]*)"[ \t]*\n'
                  r'(?P<body>(?:(?:(?P=indent)(?: {4}|\t)[^\n]*|[ \t]*)\n?)*)', re.MULTILINE)
"""A content tab of MkDocs Material (pymdownx.tabbed): ``=== "Title"`` and the block indented under it."""


def open_tabs(text: str) -> str:
    r"""Content tabs as what a reader of the page sees in turn: each tab's title as a line of its
    own, then its text, no longer indented (it was read as "equals equals equals Summer", and the
    indented text as code).

    >>> open_tabs('=== "Summer"\n    Long days.\n\n=== "Winter"\n    Short days.\n')
    'Summer.\n\nLong days.\n\nWinter.\n\nShort days.\n'
    """
    def opened(tab: re.Match[str]) -> str:
        indent = tab.group("indent")
        lines = [line[len(indent):] for line in tab.group("body").split("\n")]
        body = "\n".join(line[4:] if line.startswith("    ") else line.lstrip("\t") for line in lines).strip("\n")
        title = tab.group("title").strip()
        return f"{indent}{title}{'' if title[-1:] in '.!?:' else '.'}\n\n{body}\n\n" if title else f"{body}\n\n"

    opened_text, tabs = _TAB.subn(opened, text)
    return opened_text.rstrip("\n") + "\n" if tabs else text


STEPS: tuple[Callable[[str], str], ...] = (strip_templates, strip_toc_markers, strip_attributes, open_tabs)
"""The clean-up steps, in order: templates first, as a tag may hide anything that follows."""


def clean(text: str) -> str:
    """``text`` with everything that is never read aloud taken out (see the module docstring)."""
    for step in STEPS:
        text = step(text)
    return text
