"""Articles from the web (issue 15, points 1, 5, 7 and 8): real saved pages served by a real local
HTTP server (pytest-httpserver), fetched by the HTTP layer and imported as episode scripts.

Each page's check is its own text: sentences that must be read, and navigation, footers, share
buttons and code that must not. The pages and their sources are listed in tests/data/web/SOURCES.md.
"""

from __future__ import annotations

import datetime as dt
import gzip
import threading
from pathlib import Path

import brotli
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from audioguide import __version__
from audioguide.cli import cli
from audioguide.ingest.extract import page_article
from audioguide.ingest.frontmatter import split_front_matter
from audioguide.ingest.readers import read_article
from audioguide.ingest.web import Fetcher, FetchError, Limits, decode_page
from tests.clirunner import cli_runner

WEB = Path(__file__).parent / "data" / "web"

PAGES = {
    "wordpress-creativecommons.html": {
        "title": "What we do", "language": "en-US",  # no date: an "about" page (htmldate guessed one from its images)
        "url": "https://creativecommons.org/about/",
        "said": ["Creative Commons helps you legally share your knowledge and creativity to build a more "
                 "equitable, accessible, and innovative world.",
                 "Creative Commons Affiliate Network includes over 500 researchers, activists, legal, education "
                 "and policy advocates, and volunteers who serve as CC representatives in over 85 countries."],
        "unsaid": ["Search the Commons", "PO Box 1866", "Privacy Policies", "Use & remix"],
    },
    "ghost-publikum.html": {
        "title": "Japan und die HPV-Impfungen", "author": "Der Spendenteddy", "language": "de",
        "url": "https://publikum.net/japan-und-die-hpv-impfungen/",
        "date": dt.datetime(2023, 7, 30, 16, 55, 45, tzinfo=dt.UTC),
        "said": ["Vor langer, langer Zeit hatte ich schon einmal die Behauptung aufgegriffen, Japan hätte die "
                 "HPV-Impfungen verboten."],
        "unsaid": ["Dein Dashboard", "Nutzungsbedingungen", "Teile diesen Artikel", "Kommentare", "Whatsapp"],
    },
    "hugo-pluralsight.html": {
        "title": "Managing Python Environments", "author": "John Walk",
        "url": "https://www.pluralsight.com/tech-blog/managing-python-environments/",
        "said": ["Python is, in general, an exceptionally flexible programming language - and this extends to "
                 "its environment management."],
        "unsaid": ["4312 words", "Categories:", "Tags:"],
    },
    "jekyll-pythonspeed.html": {
        "title": "Faster Docker builds with pipenv, poetry, or pip-tools", "author": "Itamar Turner-Trauring",
        "date": dt.datetime(2019, 6, 17, tzinfo=dt.UTC), "url": "https://pythonspeed.com/articles/pipenv-docker/",
        "said": ["Docker builds can be slow, and waiting for a build to finish is probably not how you want to "
                 "spend your time.", "Install dependencies separately and earlier in your Dockerfile to ensure "
                 "faster builds."],
        "unsaid": ["Hyphenated Enterprises", "Privacy policy", "Next: Elegantly", "Docker packaging",
                   "RUN pip install", "Last updated"],
    },
    "newsletter-earthen.html": {
        "title": "Writing Earth Right",
        "said": ["There's really only one place to start.", "Today, as we become more and more aware of the "
                 "ecological crises that beset our planet, many of us are moved to take action."],
        "unsaid": ["View in browser", "nsubscribe", "Register", "Earthen Ayyew"],
    },
}


def run(project: Path, *args: str) -> tuple[int, str, str]:
    result = cli_runner().invoke(cli, ["-C", str(project), "import", *args])
    return result.exit_code, result.stdout, result.stderr


def script_of(project: Path, out: str) -> tuple[dict[str, object], str]:
    """The front matter and body of the script ``import`` says it wrote."""
    name = out.split()[-1]
    path = project / name
    return split_front_matter(path.read_text("utf-8"), path)


def episodes_files(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "episodes").rglob("*") if p.is_file())


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_real_page_is_imported_from_its_address(httpserver: HTTPServer, tone_project: Path, name: str) -> None:
    """What the user did: ``audioguide import URL``; the script holds the article's own text and facts."""
    httpserver.expect_request("/2026/post/").respond_with_data((WEB / name).read_bytes(),
                                                              content_type="text/html; charset=utf-8")
    url = httpserver.url_for("/2026/post/")
    code, out, err = run(tone_project, url)
    assert code == 0, err
    meta, body = script_of(tone_project, out)
    expected = PAGES[name]
    assert meta["title"] == expected["title"]
    assert meta["source"] == url
    assert meta["url"] == expected.get("url", url)  # the canonical address, else the one fetched
    for key in ("author", "language", "date"):
        if key in expected:
            assert meta[key] == expected[key], (key, meta)
    text = " ".join(body.split())
    for sentence in expected["said"]:
        assert sentence in text
    for furniture in expected["unsaid"]:
        assert furniture not in text


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_saved_page_reads_the_same_as_the_page_online(tmp_path: Path, name: str) -> None:
    """Local HTML files get the same extraction as pages fetched from the web."""
    path = tmp_path / name
    path.write_bytes((WEB / name).read_bytes())
    saved = read_article(path)
    online = page_article((WEB / name).read_text("utf-8"), url="https://example.org/post/")
    assert saved.sections == online.sections and saved.title == online.title


def test_requests_name_audioguide_and_compressed_pages_read_the_same(httpserver: HTTPServer) -> None:
    page = (WEB / "jekyll-pythonspeed.html").read_bytes()
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        encoding = request.args.get("as", "")
        body = {"gzip": gzip.compress, "br": brotli.compress}.get(encoding, lambda b: b)(page)
        headers = {"Content-Encoding": encoding} if encoding else {}
        return Response(body, content_type="text/html; charset=utf-8", headers=headers)

    httpserver.expect_request("/post").respond_with_handler(handler)
    with Fetcher() as fetcher:
        plain, zipped, brotlied = (fetcher.get(httpserver.url_for(f"/post?as={e}")) for e in ("", "gzip", "br"))
    assert plain.body == zipped.body == brotlied.body == page
    assert all(r.headers["User-Agent"].startswith(f"audioguide/{__version__} ") for r in seen)
    assert {"gzip", "br"} <= {e.strip() for e in seen[0].headers["Accept-Encoding"].split(",")}


def test_conditional_get_gives_304_and_keeps_the_validators(httpserver: HTTPServer) -> None:
    """What ``sync`` needs: ETag and Last-Modified from the first answer, a 304 when they still hold."""
    stamp = "Wed, 21 Oct 2026 07:28:00 GMT"

    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"' or request.headers.get("If-Modified-Since") == stamp:
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response("<p>x</p>", content_type="text/html", headers={"ETag": '"v1"', "Last-Modified": stamp})

    httpserver.expect_request("/feed").respond_with_handler(handler)
    url = httpserver.url_for("/feed")
    with Fetcher() as fetcher:
        first = fetcher.get(url)
        again = fetcher.get(url, etag=first.etag)
        by_date = fetcher.get(url, last_modified=first.last_modified)
    assert (first.status, first.etag, first.last_modified, first.not_modified) == (200, '"v1"', stamp, False)
    assert again.not_modified and again.body == b"" and again.etag == '"v1"'
    assert by_date.not_modified and by_date.last_modified == stamp


def test_one_client_with_one_connection_per_host(httpserver: HTTPServer) -> None:
    """The test server speaks HTTP/1.0 (no keep-alive), so this checks the pools, not the socket."""
    httpserver.expect_request("/a").respond_with_data("<p>x</p>", content_type="text/html")
    by_name, by_address = httpserver.url_for("/a"), httpserver.url_for("/a").replace("localhost", "127.0.0.1")
    with Fetcher() as fetcher:
        for url in (by_name, by_name, by_address):
            fetcher.get(url)
        pools = fetcher._clients  # one per host: localhost, 127.0.0.1
        assert len(pools) == 2
        assert all(client._transport._pool._max_connections == 1 for client in pools.values())  # type: ignore[attr-defined]


def test_redirects_are_followed_and_counted(httpserver: HTTPServer, tone_project: Path) -> None:
    page = (WEB / "jekyll-pythonspeed.html").read_bytes()
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new"})
    httpserver.expect_request("/new").respond_with_data(page, content_type="text/html")
    for hop in range(8):
        httpserver.expect_request(f"/loop{hop}").respond_with_data(
            "", status=302, headers={"Location": f"/loop{hop + 1}"})
    code, out, err = run(tone_project, httpserver.url_for("/old"))
    assert code == 0, err
    assert script_of(tone_project, out)[0]["source"] == httpserver.url_for("/old")
    before = episodes_files(tone_project)
    code, _, err = run(tone_project, httpserver.url_for("/loop0"))
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert "redirects more than 5 times" in err and "/loop0" in err
    assert episodes_files(tone_project) == before


def test_a_slow_server_times_out_without_racing_the_clock(httpserver: HTTPServer) -> None:
    """The handler waits until the client has given up (no sleep guesses how long that takes)."""
    gave_up = threading.Event()

    def handler(request: Request) -> Response:
        gave_up.wait(30)  # released by the test once the client's read timeout has fired
        return Response("<p>late</p>", content_type="text/html")

    httpserver.expect_request("/slow").respond_with_handler(handler)
    try:
        with Fetcher(Limits(read=0.2)) as fetcher, pytest.raises(FetchError) as caught:
            fetcher.get(httpserver.url_for("/slow"))
    finally:
        gave_up.set()
    assert "did not answer within 0.2 seconds" in caught.value.message
    assert "/slow" in caught.value.message and caught.value.exit_code == 1


@pytest.mark.parametrize(("status", "said"), [
    (404, "was not found (HTTP 404). Check the address"),
    (410, "is gone (HTTP 410)"),
    (403, "refused access (HTTP 403)"),
    (500, "failed on the server's side (HTTP 500). Try again later"),
    (503, "failed on the server's side (HTTP 503)"),
])
def test_http_errors_are_one_line(httpserver: HTTPServer, tone_project: Path, status: int, said: str) -> None:
    httpserver.expect_request("/gone").respond_with_data("<h1>Error</h1>", status=status, content_type="text/html")
    before = episodes_files(tone_project)
    code, _, err = run(tone_project, httpserver.url_for("/gone"))
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert f"{httpserver.url_for('/gone')}: {said}" in err
    assert episodes_files(tone_project) == before


def test_bad_pages_are_one_line_naming_the_address(httpserver: HTTPServer, tone_project: Path) -> None:
    httpserver.expect_request("/paper.pdf").respond_with_data(b"%PDF-1.7 ...", content_type="application/pdf")
    httpserver.expect_request("/app").respond_with_data(
        "<html><head><title>App</title><script>render()</script></head><body><div id='root'></div>"
        "<noscript>Enable JavaScript</noscript></body></html>", content_type="text/html")
    httpserver.expect_request("/huge").respond_with_data(b"<p>" + b"a" * 2_000_000, content_type="text/html")
    cases = {
        "/paper.pdf": "is application/pdf, not a web page or a feed",
        "/app": "no article found in the page",
        "/huge": "is larger than 1 MB",
    }
    before = episodes_files(tone_project)
    from audioguide.config import load_config
    from audioguide.ingest.webimport import Options, import_target

    config = load_config(tone_project)
    for path, said in cases.items():
        with pytest.raises(FetchError) as caught:
            import_target(httpserver.url_for(path), config.show, config.episodes_dir, Options(),
                          Limits(max_bytes=1024 * 1024))
        assert said in caught.value.message and httpserver.url_for(path) in caught.value.message
        assert "\n" not in caught.value.message
    code, _, err = run(tone_project, httpserver.url_for("/app"))
    assert code == 1 and err.count("\n") == 1 and "no article found" in err
    assert episodes_files(tone_project) == before


def test_a_body_larger_than_the_limit_is_refused_while_streaming(httpserver: HTTPServer) -> None:
    """No Content-Length to trust (chunked, or compressed): the decompressed bytes are counted."""
    bomb = gzip.compress(b"<p>" + b"a" * 5_000_000)
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, content_type="text/html", headers={"Content-Encoding": "gzip"})
    with Fetcher(Limits(max_bytes=1024 * 1024)) as fetcher, pytest.raises(FetchError, match="larger than 1 MB"):
        fetcher.get(httpserver.url_for("/bomb"))
    assert len(bomb) < 1024 * 1024


def test_an_unreachable_host_is_one_line(tone_project: Path) -> None:
    code, _, err = run(tone_project, "http://127.0.0.1:9/post")  # the discard port: nothing listens
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert "http://127.0.0.1:9/post: could not be reached" in err and "Check the address" in err


def test_a_wrong_charset_label_does_not_garble_the_text(httpserver: HTTPServer, tone_project: Path) -> None:
    """UTF-8 served as ISO-8859-1, and windows-1252 whose <meta> says UTF-8: both read right."""
    page = (WEB / "ghost-publikum.html").read_bytes()
    httpserver.expect_request("/utf8").respond_with_data(page, content_type="text/html; charset=ISO-8859-1")
    code, out, err = run(tone_project, httpserver.url_for("/utf8"))
    assert code == 0, err
    body = script_of(tone_project, out)[1]
    assert "Japan hätte die HPV-Impfungen verboten" in body and "Ã" not in body
    legacy = "<html><head><meta charset='utf-8'><title>Café</title></head><body><article><h1>Café crème</h1>" \
             "<p>Un café crème coûte deux euros à Zürich — déjà trop.</p></article></body></html>"
    assert decode_page(legacy.encode("cp1252"), "utf-8", "http://x/") == legacy


def test_relative_canonical_links_are_resolved(httpserver: HTTPServer) -> None:
    page = ("<html><head><link rel='canonical' href='/blog/post-one/'><title>One</title></head><body>"
            "<article><h1>One</h1><p>" + "A sentence of the first post. " * 20 + "</p></article></body></html>")
    article = page_article(page, url=httpserver.url_for("/blog/post-one/?utm=x"))
    assert article.meta.url == httpserver.url_for("/blog/post-one/")


def test_the_pages_facts_reach_the_feed_tags_and_page(httpserver: HTTPServer, tone_project: Path) -> None:
    """Point 5 for pages: the page's address is the feed item's link and the MP3's source; its author
    is the feed item's author and the MP3's text writer; the episode page links to it."""
    import feedparser
    from bs4 import BeautifulSoup
    from mutagen.id3 import ID3

    httpserver.expect_request("/post").respond_with_data((WEB / "jekyll-pythonspeed.html").read_bytes(),
                                                        content_type="text/html")
    code, out, err = run(tone_project, httpserver.url_for("/post"))
    assert code == 0, err
    (tone_project / "episodes" / "second-interview.md").unlink()  # render only the imported page
    result = cli_runner().invoke(cli, ["-C", str(tone_project), "render"])
    assert result.exit_code == 0, result.stderr
    output = tone_project / "output"
    slug = Path(out.split()[-1]).stem
    entry = feedparser.parse(str(output / "feed.xml")).entries[0]
    canonical = "https://pythonspeed.com/articles/pipenv-docker/"
    assert (entry.link, entry.author) == (canonical, "Itamar Turner-Trauring")
    tags = ID3(output / "episodes" / f"{slug}.mp3")
    assert tags["TEXT"].text == ["Itamar Turner-Trauring"] and tags["WOAS"].url == canonical
    page = BeautifulSoup((output / "episodes" / f"{slug}.html").read_text("utf-8"), "lxml")
    link = page.select_one("p.source a")
    assert link is not None and link["href"] == canonical


@pytest.mark.parametrize(("address", "said"), [
    ("http://[::1/bad", "is not a valid web address"),
    ("htps://example.com/x", "is a htps:// address: only http:// and https:// addresses can be imported. "
                             "Did you mean https://example.com/x?"),
    ("ftp://example.com/x", "Download it and import the file."),
    ("www.example.com/post", "Did you mean https://www.example.com/post?"),
])
def test_an_address_audioguide_cannot_fetch_is_one_line(tone_project: Path, address: str, said: str) -> None:
    """A malformed host was a traceback; a mistyped scheme was "file not found" with the path mangled."""
    result = cli_runner().invoke(cli, ["-C", str(tone_project), "import", address])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert said in result.stderr and "Traceback" not in result.stderr and address in result.stderr


def test_a_markdown_or_text_file_at_an_address_is_imported(httpserver: HTTPServer, tone_project: Path) -> None:
    """Raw files (GitHub's raw addresses serve text/plain) were refused: "is text/markdown, not a web page"."""
    httpserver.expect_request("/posts/herons.md").respond_with_data(
        "---\ntitle: Herons\n---\n\nHerons stand still for an hour.\n\n## Nests\n\nThey nest in colonies.\n",
        content_type="text/markdown; charset=utf-8")
    httpserver.expect_request("/raw/egrets.md").respond_with_data(
        "# Egrets\n\nEgrets are white, and **smaller** than herons.\n", content_type="text/plain; charset=utf-8")
    httpserver.expect_request("/notes.txt").respond_with_data(
        "Kingfishers\n\nA flash of blue over the river.\n", content_type="text/plain")
    for path in ("/posts/herons.md", "/raw/egrets.md", "/notes.txt"):
        result = cli_runner().invoke(cli, ["-C", str(tone_project), "import", httpserver.url_for(path)])
        assert result.exit_code == 0, result.stderr
    herons = (tone_project / "episodes" / "herons.md").read_text("utf-8")
    assert "## Nests" in herons and "They nest in colonies." in herons
    assert f"url: {httpserver.url_for('/posts/herons.md')}" in herons
    assert "smaller than herons" in (tone_project / "episodes" / "egrets.md").read_text("utf-8")
    assert "A flash of blue" in (tone_project / "episodes" / "kingfishers.md").read_text("utf-8")


def test_a_short_articles_own_text_wins_over_the_subscribe_box_around_it() -> None:
    """A short page's <article> held less than 80 % of trafilatura's text, which had the
    newsletter box after it too: "Get every new post in your inbox" was read aloud."""
    page = ('<html><body><main><article><h1>Undated Thoughts</h1><p>A 2019 study found that harbours are '
            "calming. I agree with it entirely.</p><p>There is nothing like sitting on a bollard and watching "
            'the water.</p></article><aside class="share"><a href="#">Share on Mastodon</a></aside>'
            '<div class="subscribe"><h3>Subscribe to the newsletter</h3><p>Get every new post in your inbox. '
            'No spam, ever.</p><form><input type="email"><button>Subscribe</button></form></div>'
            "<footer><p>Harbour Blog</p></footer></main></body></html>")
    article = page_article(page, url="https://blog.example/undated.html")
    assert [b.text for s in article.sections for b in s.blocks] == [
        "A 2019 study found that harbours are calming. I agree with it entirely.",
        "There is nothing like sitting on a bollard and watching the water."]
