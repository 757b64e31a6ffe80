"""Feeds (issue 15, points 2, 5, 7 and 8): real RSS 2.0, Atom and JSON feeds, served by a real local
HTTP server or read from a file; every entry becomes an episode script with a stable guid, a
summary-only entry is read from its linked page, and a bad entry is one line while the others are
imported. Sources: tests/data/web/SOURCES.md.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from audioguide.cli import cli
from audioguide.ingest import script as scripts
from audioguide.ingest.feeds import parse_feed
from tests.clirunner import cli_runner

WEB = Path(__file__).parent / "data" / "web"


def run(project: Path, *args: str) -> tuple[int, str, str]:
    result = cli_runner().invoke(cli, ["-C", str(project), "import", *args])
    return result.exit_code, result.stdout, result.stderr


def imported(project: Path) -> dict[str, scripts.Script]:
    """The scripts with a guid (made from feed entries), by guid."""
    found = {}
    for path in (project / "episodes").glob("*.md"):
        script = scripts.load(path)
        if script.meta.guid:
            found[script.meta.guid] = script
    return found


def text_of(script: scripts.Script) -> str:
    return " ".join(b.text for s in script.sections for b in s.blocks)


FEEDS = {
    "rss-natasha.xml": ("application/rss+xml", 10, "https://www.natashatherobot.com/?p=6602",
                        "The Easiest Way to Get a URL for your Apple Wallet Passkit Pass",
                        "https://www.natashatherobot.com/url-apple-wallet-passkit-pass/", "Natasha Murashev"),
    "atom-onefoottsunami.atom": ("application/atom+xml", 25, "http://onefoottsunami.com/?p=14861",
                                 "Perverse Incentives", "http://onefoottsunami.com/2015/09/07/perverse-incentives-2/",
                                 "Paul Kafasis"),
    "jsonfeed-inessential.json": ("application/feed+json", 20,
                                  "http://inessential.com/2017/06/01/evergreen_diary_1_open_source",
                                  "Evergreen Diary #1: Open Source",
                                  "http://inessential.com/2017/06/01/evergreen_diary_1_open_source", "Brent Simmons"),
}


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_every_entry_of_a_real_feed_becomes_a_script(httpserver: HTTPServer, tone_project: Path, name: str) -> None:
    kind, count, guid, title, link, author = FEEDS[name]
    httpserver.expect_request("/feed").respond_with_data((WEB / name).read_bytes(), content_type=kind)
    code, out, err = run(tone_project, httpserver.url_for("/feed"))
    assert code == 0, err
    assert out.count("Wrote episodes/") == count
    found = imported(tone_project)
    assert len(found) == count
    script = found[guid]
    assert (script.meta.title, script.meta.url, script.meta.authors) == (title, link, (author,))
    assert script.meta.source == link
    feed = parse_feed((WEB / name).read_bytes())
    entry = next(e for e in feed.entries if e.id == guid)
    assert entry.content is not None
    first = re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", " ", entry.content)))[:40]
    assert first in re.sub(r"\s+", "", text_of(script))  # the entry's own text, from the feed


def test_a_summary_only_feed_reads_the_linked_pages(httpserver: HTTPServer, tone_project: Path) -> None:
    """rubenerd.com's Hugo feed has summaries only: each entry's page is fetched (saved pages stand
    in for two of them, the other eight answer 404): eight lines, the two imported, exit 1."""
    base = httpserver.url_for("/")
    feed = (WEB / "rss-summaries-rubenerd.rss").read_text("utf-8").replace("https://rubenerd.com/", base)
    httpserver.expect_request("/index.xml").respond_with_data(feed, content_type="application/rss+xml")
    httpserver.expect_request("/the-commodore-atari-engineer-swap/").respond_with_data(
        (WEB / "jekyll-pythonspeed.html").read_bytes(), content_type="text/html")
    httpserver.expect_request("/the-solution-to-centralisation/").respond_with_data(
        (WEB / "hugo-pluralsight.html").read_bytes(), content_type="text/html")
    httpserver.expect_request(re.compile("/.*")).respond_with_data("not here", status=404)
    code, out, err = run(tone_project, httpserver.url_for("/index.xml"))
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("Error:")]
    assert len(errors) == 8 and "Traceback" not in err
    assert all("carries only a summary, and its page" in line and "(HTTP 404)" in line for line in errors)
    assert 'entry 2 ("Aerospace engineers are the new rocket scientists")' in errors[0]
    assert "8 of 10 entries failed; the others were imported." in err
    found = imported(tone_project)
    swap = found[base + "the-commodore-atari-engineer-swap/"]
    assert swap.meta.title == "The great Commodore/Atari engineer swap"  # the entry's title
    assert swap.meta.authors == ("Ruben Schade",) and str(swap.meta.published) == "2023-01-11 08:53:01+11:00"
    assert "Docker builds can be slow" in text_of(swap)  # the page's text, not the summary
    assert swap.meta.url == "https://pythonspeed.com/articles/pipenv-docker/"  # the page's canonical address
    assert len(found) == 2


def test_a_feed_file_and_a_second_import(tone_project: Path, tmp_path: Path) -> None:
    """A JSON feed read from a file; importing it again leaves unchanged entries alone (no file
    rewritten); with --force a changed entry is merged with the author's edits."""
    feed = tmp_path / "feed.json"
    data = json.loads((WEB / "jsonfeed-inessential.json").read_text("utf-8"))
    data["items"] = data["items"][:3]
    feed.write_text(json.dumps(data), "utf-8")
    code, out, err = run(tone_project, str(feed))
    assert code == 0 and out.count("Wrote") == 3, err
    stamps = {p: p.stat().st_mtime_ns for p in (tone_project / "episodes").rglob("*.md")}
    code, out, err = run(tone_project, str(feed))
    assert code == 0 and out.count("Already up to date:") == 3, err
    assert {p: p.stat().st_mtime_ns for p in (tone_project / "episodes").rglob("*.md")} == stamps
    guid = data["items"][1]["id"]
    path = imported(tone_project)[guid].path
    assert path is not None
    path.write_text(path.read_text("utf-8").replace("\n---\n", "\n---\n\nA line the author added.\n", 1), "utf-8")
    data["items"][1]["title"] = "Evergreen Diary #1: Open Source, revised"
    feed.write_text(json.dumps(data), "utf-8")
    code, out, err = run(tone_project, str(feed))
    assert code == 1 and "already exists" in err and "--force" in err  # changed, not updated without --force
    code, out, err = run(tone_project, str(feed), "--force")
    assert code == 0, err
    script = scripts.load(path)
    assert script.meta.title == "Evergreen Diary #1: Open Source, revised"
    assert "A line the author added." in text_of(script)


def test_bad_entries_are_one_line_each_and_the_others_are_imported(httpserver: HTTPServer,
                                                                  tone_project: Path) -> None:
    """Duplicate ids, an entry with neither text nor link, a relative link, two entries with one title,
    and XML cut off in the last entry."""
    post = (WEB / "jekyll-pythonspeed.html").read_bytes()
    httpserver.expect_request("/posts/docker/").respond_with_data(post, content_type="text/html")
    def item(title: str, guid: str, inner: str = "") -> str:
        return f'<item><title>{title}</title><guid isPermaLink="false">{guid}</guid>{inner}</item>'

    def text(words: str) -> str:
        return f"<content:encoded><![CDATA[<p>{words}</p>]]></content:encoded>"

    rss = "".join([
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/'
        'content/"><channel><title>Test</title><link>/</link><description>d</description>',
        item("Same title", "a-1", text("First text of the entry.")), item("Again", "a-1", text("Duplicate.")),
        item("Nothing", "a-3"), item("Relative", "a-4", "<link>/posts/docker/</link><description>Only a "
                                                       "summary.</description>"),
        item("Same title", "a-5", text("Second text.")),
        '<item><title>Broken</title><guid isPermaLink="false">a-6</guid><content:encoded><![CDATA[<p>Cut</p>'])
    httpserver.expect_request("/feed.xml").respond_with_data(rss, content_type="application/rss+xml")
    url = httpserver.url_for("/feed.xml")
    code, out, err = run(tone_project, url)
    assert code == 1 and "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("Error:")]
    assert errors[0].startswith('Error: entry 2 ("Again"): has the same id as entry 1 (')
    assert "(a-1): skipped. The feed should give each entry its own id" in errors[0]
    assert errors[1].startswith('Error: entry 3 ("Nothing"): has no text and no link to read the article from')
    assert errors[2].startswith('Error: entry 6 ("Broken"): has no text and no link')  # cut off by the broken XML
    assert len(errors) == 3, err
    found = {s.meta.title: s for s in imported(tone_project).values()}
    assert sorted(found) == ["Relative", "Same title"]
    assert set(imported(tone_project)) == {f"{url}#a-1", f"{url}#a-4", f"{url}#a-5"}
    relative = found["Relative"]
    assert relative.meta.source == httpserver.url_for("/posts/docker/")  # resolved against the feed's address
    assert "Docker builds can be slow" in text_of(relative)
    names = sorted(s.path.name for s in imported(tone_project).values() if s.meta.title == "Same title" and s.path)
    assert names == ["same-title-2.md", "same-title.md"]


def test_a_feed_nothing_can_be_read_from_is_one_line(httpserver: HTTPServer, tone_project: Path,
                                                     tmp_path: Path) -> None:
    httpserver.expect_request("/feed.json").respond_with_data(
        '{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": 1, "title"',
        content_type="application/feed+json")
    before = sorted(p.name for p in (tone_project / "episodes").rglob("*"))
    code, _, err = run(tone_project, httpserver.url_for("/feed.json"))
    assert code == 1 and err.count("\n") == 1 and "is not a feed audioguide can read (not valid JSON" in err
    broken = tmp_path / "broken.rss"
    broken.write_bytes(b"\x00\x01<<<< not xml")
    code, _, err = run(tone_project, str(broken))
    assert code == 2 and err.count("\n") == 1 and f"{broken}: is not a feed audioguide can read" in err
    assert sorted(p.name for p in (tone_project / "episodes").rglob("*")) == before


def test_an_entrys_guid_and_facts_reach_the_podcast_feed(tone_project: Path, tmp_path: Path) -> None:
    """Point 5 for feeds: the entry's id is the episode's guid; its link, author and date carry over."""
    import feedparser

    data = json.loads((WEB / "jsonfeed-inessential.json").read_text("utf-8"))
    data["items"] = data["items"][:1]
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(data), "utf-8")
    assert run(tone_project, str(feed))[0] == 0
    (tone_project / "episodes" / "second-interview.md").unlink()
    result = cli_runner().invoke(cli, ["-C", str(tone_project), "render"])
    assert result.exit_code == 0, result.stderr
    item = feedparser.parse(str(tone_project / "output" / "feed.xml")).entries[0]
    first = data["items"][0]
    assert item.id == first["id"] and item.link == first["url"]
    assert item.author == "Brent Simmons" and item.published == "Fri, 02 Jun 2017 22:05:47 -0700"


WORDPRESS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Coastal Kitchen</title>
<link>{base}</link><description>Recipes</description>
<item><title>Grilled Sardines</title><link>{base}sardines/</link><guid isPermaLink="false">{base}?p=123</guid>
<content:encoded><![CDATA[<p>Sardines are the taste of June in Lisbon. Every street in Alfama smells of charcoal.</p>
<p><a href="{base}sardines/#more-123" class="more-link">Continue reading <span>Grilled Sardines</span> &rarr;</a></p>
<p>The post <a href="{base}sardines/">Grilled Sardines</a> appeared first on <a href="{base}">Coastal Kitchen</a>.</p>
]]></content:encoded></item>
<item><title>Green Wine</title><link>{base}wine/</link><guid isPermaLink="false">{base}?p=124</guid>
<content:encoded><![CDATA[<p>Vinho verde is young wine, light and a little sparkling, from the north of Portugal.</p>
<p>The post <a href="{base}wine/">Green Wine</a> appeared first on <a href="{base}">Coastal Kitchen</a>.</p>
]]></content:encoded></item></channel></rss>"""

SARDINES_PAGE = """<html><head><title>Grilled Sardines</title></head><body><article><h1>Grilled Sardines</h1>
<p>Sardines are the taste of June in Lisbon. Every street in Alfama smells of charcoal.</p>
<p>Buy them whole, salt them an hour ahead, and grill them over a fierce fire for three minutes a side.</p>
</article></body></html>"""


def test_what_wordpress_adds_to_each_entry_is_not_read(httpserver: HTTPServer, tone_project: Path) -> None:
    """"Continue reading Grilled Sardines →" and "The post … appeared first on …" were read aloud,
    and the teaser was taken for the whole text."""
    base = httpserver.url_for("/")
    httpserver.expect_request("/feed").respond_with_data(WORDPRESS.format(base=base),
                                                         content_type="application/rss+xml")
    httpserver.expect_request("/sardines/").respond_with_data(SARDINES_PAGE, content_type="text/html")
    code, out, err = run(tone_project, httpserver.url_for("/feed"))
    assert code == 0, err
    found = imported(tone_project)
    sardines, wine = text_of(found[base + "?p=123"]), text_of(found[base + "?p=124"])
    assert "three minutes a side" in sardines  # the page's whole text, fetched for the teaser
    assert "light and a little sparkling" in wine
    for text in (sardines, wine):
        assert "Continue reading" not in text and "appeared first" not in text


def test_an_atom_feeds_author_is_each_entrys_that_names_none(tmp_path: Path) -> None:
    feed = tmp_path / "atom.xml"
    feed.write_text("""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Field notes</title><id>urn:x:feed</id><updated>2026-03-01T00:00:00Z</updated>
<author><name>Ana Lima</name></author>
<entry><title>Herons</title><id>urn:x:1</id><updated>2026-03-01T00:00:00Z</updated>
<content type="html">&lt;p&gt;Herons stand still for an hour.&lt;/p&gt;</content></entry>
<entry><title>Egrets</title><id>urn:x:2</id><updated>2026-03-02T00:00:00Z</updated>
<author><name>Rui Costa</name></author>
<content type="html">&lt;p&gt;Egrets are white.&lt;/p&gt;</content></entry></feed>""", "utf-8")
    from audioguide.ingest.feeds import parse_feed

    entries = parse_feed(feed.read_bytes(), path=feed).entries
    assert [(e.title, e.authors) for e in entries] == [("Herons", ("Ana Lima",)), ("Egrets", ("Rui Costa",))]


def test_one_article_through_two_feeds_is_one_episode(tone_project: Path, tmp_path: Path) -> None:
    """A site's RSS and Atom feeds (other ids, the same link and text) made two episodes of it."""
    text = "&lt;p&gt;Herons stand still for an hour, then strike faster than the eye can follow.&lt;/p&gt;"
    rss = tmp_path / "feed.rss"
    rss.write_text(f"""<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Birds</title><link>https://b.example/</link><description>Birds</description><item><title>Herons</title>
<link>https://b.example/herons/</link><guid isPermaLink="false">b-1</guid><content:encoded>{text}</content:encoded>
</item></channel></rss>""", "utf-8")
    atom = tmp_path / "feed.atom"
    atom.write_text(f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Birds</title><id>urn:b</id><updated>2026-03-01T00:00:00Z</updated><entry><title>Herons</title>
<id>urn:b:herons</id><link href="https://b.example/herons/"/><updated>2026-03-01T00:00:00Z</updated>
<content type="html">{text}</content></entry></feed>""", "utf-8")
    assert run(tone_project, str(rss))[0] == 0
    code, _, err = run(tone_project, str(atom))
    assert code == 1 and 'entry 1 ("Herons"): is already imported as herons.md (the same text)' in err
    assert sorted(p.name for p in (tone_project / "episodes").glob("h*.md")) == ["herons.md"]
