"""Property-based tests: any text or bytes through the readers and scripts ends in a result
(an Article or a Script) or an AudioguideError, never in any other exception.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from audioguide.config import parse_config
from audioguide.errors import AudioguideError
from audioguide.ingest import script
from audioguide.ingest.html import parse_html
from audioguide.ingest.markdown import parse_markdown
from audioguide.ingest.readers import decode_bytes, read_article
from audioguide.ingest.text import parse_text
from audioguide.models import Article, Script
from audioguide.settings import ShowConfig

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
READERS = [parse_text, parse_markdown, parse_html]
SUFFIXES = [".txt", ".md", ".html", ".htm", ".markdown", ".text", ".xyz", ""]
DATE = dt.date(2024, 1, 2)

# Text that looks a little like articles, so the readers' inner branches are reached.
_pieces = st.sampled_from([
    "# ", "## ", "- ", "1. ", "* ", "---", "\n", "\n\n", " ", "<p>", "</p>", "<h1>", "</h1>",
    "<ul><li>", "</li></ul>", "<table><tr><td>", "</td></tr></table>", "```", "|a|b|\n|-|-|\n",
    "[pause]", "[pause 2s]", "{show}", "{", "}", "Title", "hello world.", "ünïcödé", "🎉",
    "שלום", "\ufeff", "\r\n", "\t", "&amp;", "<script>", "]]>", ":", "'", '"',
])
article_text = st.one_of(st.text(), st.lists(st.one_of(_pieces, st.text(max_size=5)), max_size=30).map("".join))


def _through_script(article: Article) -> None:
    """Derive a script from ``article``, write it and read it back."""
    try:
        derived = script.derive(article, ShowConfig(), date=DATE)
    except AudioguideError:
        return
    assert isinstance(derived, Script)
    try:
        back = script.parse(script.dumps(derived), Path("episode.md"))
    except AudioguideError:
        return
    assert isinstance(back, Script)
    assert back.meta.title == derived.meta.title.strip()
    assert back.meta.slug == derived.meta.slug


@FUZZ
@given(text=article_text, reader=st.sampled_from(READERS))
@example(text="<div>" * 3000 + "deep" + "</div>" * 3000, reader=parse_html)
@example(text="Title\n\n[pause]", reader=parse_markdown)
@example(text="🎉\n\nParty 🎉 time.\n\nMore.", reader=parse_text)
def test_readers_return_an_article_or_an_input_error(text: str, reader) -> None:
    try:
        article = reader(text, Path("fuzz-article.txt"))
    except AudioguideError:
        return
    assert isinstance(article, Article)
    assert article.title and article.sections
    _through_script(article)


@FUZZ
@given(data=st.binary(max_size=2000), suffix=st.sampled_from(SUFFIXES))
@example(data=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", suffix=".txt")
@example(data="Caf\xe9\n\nNa\xefve text.".encode("latin-1"), suffix=".txt")
@example(data=b"\xff\xfe" + "Title\n\nBody.".encode("utf-16-le"), suffix=".md")
@example(data=b"\xff\xfe\x00", suffix=".txt")
def test_any_bytes_through_read_article(data: bytes, suffix: str) -> None:
    try:
        text = decode_bytes(data, "x")
        assert isinstance(text, str) and "\r" not in text
    except AudioguideError:
        pass
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            article = read_article(path)
        except AudioguideError:
            return
    assert isinstance(article, Article)
    _through_script(article)


yaml_ish = st.lists(
    st.one_of(
        st.sampled_from([
            "title: ", "slug: ", "date: ", "episode: ", "kind: ", "rate: ", "lexicon: ", "voice: ",
            "- ", "? ", ": ", "[", "]", "{", "}", "!!binary ", "!!python/object:os.system ", "&a ",
            "*a ", "2020-13-45", "2024-01-02", "2020-01-01 10:00:00", "1: 2", "../evil", "/etc",
            "true", "null", ".nan", "~", "'", '"', "|", ">", "\n", "  ", "---", "...", "x", "7",
        ]),
        st.text(max_size=6),
    ),
    max_size=25,
).map("".join)


@FUZZ
@given(head=yaml_ish, body=st.sampled_from(["Some words to say.\n", "", "## H\n\n[pause]\n", "- item\n"]))
@example(head="title: x\ndate: 2020-13-45", body="Body.\n")
@example(head="title: x\n1: 2", body="Body.\n")
@example(head="title: x\nepisode: true", body="Body.\n")
def test_front_matter_gives_a_script_or_an_input_error(head: str, body: str) -> None:
    try:
        result = script.parse(f"---\n{head}\n---\n{body}", Path("episode.md"))
    except AudioguideError:
        return
    assert isinstance(result, Script)
    assert script.SLUG.match(result.meta.slug)
    assert result.meta.episode is None or (type(result.meta.episode) is int and result.meta.episode >= 1)


@FUZZ
@given(intro=st.text(max_size=20), outro=st.text(max_size=20), title=st.text(min_size=1, max_size=20))
@example(intro="{bogus}", outro="", title="T")
@example(intro="{", outro="{title}", title="T")
def test_show_intro_templates_never_crash_derive(intro: str, outro: str, title: str) -> None:
    try:
        config = parse_config({"show": {"intro": intro, "outro": outro}}, Path("."))
    except AudioguideError:
        return
    article = Article(title=title, sections=(script.Section(None, (script.Block("paragraph", "Hi."),)),))
    try:
        script.derive(article, config.show, date=DATE)
    except AudioguideError:
        pass


def test_derive_splits_only_the_opening_of_a_huge_paragraph(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: the description split the whole block into sentences (quadratic, minutes for
    200 KB). Checked by what is split, not by a clock: only the opening reaches the splitter."""
    text = "One sentence of many. " * 10_000
    article = Article(title="Long", sections=(script.Section(None, (script.Block("paragraph", text),)),))
    split = script.split_sentences
    seen: list[int] = []

    def recording(text: str, language: str = "en") -> list[str]:
        seen.append(len(text))
        return split(text, language)

    monkeypatch.setattr(script, "split_sentences", recording)
    derived = script.derive(article, ShowConfig(), date=DATE)
    assert seen and max(seen) <= 2_000 < len(text)
    assert derived.meta.description.startswith("One sentence of many.")
