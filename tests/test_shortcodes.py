"""What is never read aloud in a Markdown post: template tags, comments, attribute lists, footnotes
(issue 15, point 3). Each case is one Markdown article read by the real reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from audioguide.ingest.markdown import markdown_blocks, parse_markdown
from audioguide.ingest.readers import read_article
from audioguide.ingest.shortcodes import strip_templates


def spoken(markdown: str) -> list[str]:
    """The text of every block of the article, in order."""
    article = parse_markdown("---\ntitle: T\n---\n" + markdown)
    return [block.text for section in article.sections for block in section.blocks]


@pytest.mark.parametrize(("markdown", "expected"), [
    # Hugo: a self-standing shortcode goes, a paired one keeps its prose, code and embeds go whole
    ("Before.\n\n{{< youtube w7Ft2ymGmfc >}}\n\nAfter.", ["Before.", "After."]),
    ("{{< figure src=\"a.jpg\" caption=\"Caption > text\" >}}\n\nText.", ["Text."]),
    ("{{< note >}}\nCarry water.\n{{< /note >}}", ["Carry water."]),
    ("{{% notice tip %}}\nCarry **water**.\n{{% /notice %}}", ["Carry water."]),
    ("{{< highlight go >}}\nfmt.Println(1)\n{{< /highlight >}}\n\nDone.", ["Done."]),
    ("{{< youtube id=\"x\" >}}Your browser cannot play it.{{< /youtube >}}\n\nDone.", ["Done."]),
    ("{{< details summary=\"More\" >}}\nOuter {{< note >}}inner{{< /note >}} text.\n{{< /details >}}",
     ["Outer inner text."]),
    ("Use {{</* ref \"a.md\" */>}} for links.", ["Use for links."]),
    ("See [the map]({{< relref \"map.md\" >}}) first.", ["See the map first."]),
    ("A self-closing {{< br />}} tag.", ["A self-closing tag."]),
    ("H{{< sub >}}2{{< /sub >}}O is water.", ["H2O is water."]),
    # Liquid (Jekyll) and Nunjucks (Eleventy)
    ("{% include card.html title=\"Boat\" %}\n\nText {{ site.title | escape }}.", ["Text ."]),
    ("A{%- comment -%}\nhidden\n{%- endcomment -%}B", ["AB"]),
    ("{% capture note %}Captured.{% endcapture %}Shown.", ["Shown."]),
    ("{% for post in site.posts %}{{ post.title }} {% endfor %}End.", ["End."]),
    ("{% if x %}First{% elsif y %}Second{% else %}Third{% endif %} branch.", ["First branch."]),
    ("{% unless x %}Kept{% endunless %} text.", ["Kept text."]),
    ("{% callout \"tip\" %}\nBring a flask.\n{% endcallout %}", ["Bring a flask."]),
    ("Keep {# a Nunjucks comment #}this.", ["Keep this."]),
    ("{% set x %}\nSet aside.\n{% endset %}\nSaid.", ["Said."]),
    # comments, footnotes, attribute lists, tables of contents
    ("One <!-- hidden\n\nover a blank line --> two.", ["One two."]),
    ("Text.\n\n<!--more-->\n\nMore.", ["Text.", "More."]),
    ("A claim[^1] and an aside^[inline note].\n\n[^1]: The source.\n    More of it.", ["A claim and an aside."]),
    ("* TOC\n{:toc}\n\nText.\n{: .lead}", ["Text."]),
    ("[TOC]\n\n## Heading {#custom-id}\n\nText.", ["Text."]),
    # MkDocs admonitions: a written title is said, the default one is not
    ("!!! note \"A rough sum\"\n    Four million.\n\n!!! warning\n    Do not wade.", ["A rough sum", "Four million.",
                                                                           "Do not wade."]),
])
def test_never_read_aloud(markdown: str, expected: list[str]) -> None:
    assert spoken(markdown) == expected


def test_code_blocks_keep_their_text_and_are_still_dropped() -> None:
    text = "```html\n<!-- a comment {{< shortcode >}} -->\n```\n\nAfter <!-- real --> it."
    assert "{{< shortcode >}}" in strip_templates(text)  # a fence is not a template to run
    assert spoken(text) == ["After it."]


def test_unclosed_tags_and_stray_braces_leave_the_text() -> None:
    assert spoken("A {{< note >}} that never closes.") == ["A that never closes."]
    assert spoken("Sets such as {a, b} and {% are fine.") == ["Sets such as {a, b} and {% are fine."]
    assert spoken("An {% endif %} alone.") == ["An alone."]


def test_headings_lose_their_attributes_and_sections_keep_their_text() -> None:
    article = parse_markdown("# Title\n\n## Getting there {#getting-there}\n\nTake the {{< param ferry >}} ferry.\n")
    assert [s.heading for s in article.sections] == ["Getting there"]
    assert article.sections[0].blocks[0].text == "Take the ferry."


def test_single_file_import_and_episode_scripts_are_cleaned_too(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: A post\n---\n\nHello {{< name >}} reader[^1].\n\n[^1]: Note.\n", "utf-8")
    assert [b.text for s in read_article(post).sections for b in s.blocks] == ["Hello reader."]
    assert markdown_blocks("Said {% raw %}{{ x }}{% endraw %} here.") [0][1][0].text == "Said here."


def test_mkdocs_content_tabs_are_read_as_their_titles_and_text() -> None:
    """``=== "Summer"`` was read "equals equals equals Summer", and its indented text as code (not at all)."""
    article = parse_markdown('# Rain on the Moor\n\nThe rain came sideways.\n\n'
                             '=== "Summer"\n    Long days and midges.\n\n=== "Winter"\n\n    Short days and ice.\n\n'
                             '        code stays code\n\nAfter the tabs.\n')
    assert [b.text for s in article.sections for b in s.blocks] == [
        "The rain came sideways.", "Summer.", "Long days and midges.", "Winter.", "Short days and ice.",
        "After the tabs."]


@pytest.mark.parametrize(("markdown", "expected"), [
    ("> [!TIP]\n> Arrive early.", ["Arrive early."]),
    ("> [!NOTE]\n> Bring water.\n>\n> And a hat.", ["Bring water.", "And a hat."]),
    ("> [!warning]- Low tide\n> The path floods.", ["Low tide", "The path floods."]),
    ("> [!CAUTION] Mind the gap.", ["Mind the gap."]),
    ("> A quote with [!x] inside.", ["A quote with [!x] inside."]),
    ("Not a quote: [!NOTE] stays.", ["Not a quote: [!NOTE] stays."]),
])
def test_alert_markers_are_not_read(markdown: str, expected: list[str]) -> None:
    """GitHub alerts and Obsidian callouts were read "!T.I.P Arrive early."; their kind is not
    said (as with an MkDocs admonition), a title written after it is."""
    assert spoken(markdown) == expected
    assert [b.text for b in markdown_blocks(markdown)[0][1]] == expected
