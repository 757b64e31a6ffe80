"""The site server over real HTTP: MIME types, HEAD, byte ranges, revalidation, and no escape."""

from __future__ import annotations

import http.client
import logging
import os
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from audioguide.errors import BuildError, InputError
from audioguide.publish import serve as serve_module
from audioguide.publish.serve import create_server, make_app, mime_type, serve

MP3_SIZE = 5000
SECRET = b"TOP-SECRET-do-not-serve-" + os.urandom(16).hex().encode()


@dataclass
class Site:
    root: Path
    port: int
    mp3: bytes

    def request(self, method: str, path: str,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """One raw request; the path goes out exactly as given (no client-side normalising)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request(method, path, headers=headers or {})
            response = conn.getresponse()
            body = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, body
        finally:
            conn.close()


def build_site(base: Path) -> tuple[Path, bytes]:
    """A small rendered-looking site in base/site, with a secret file beside it."""
    (base / "secret.txt").write_bytes(SECRET)
    root = base / "site"
    episodes = root / "episodes"
    episodes.mkdir(parents=True)
    (root / "feed.xml").write_text('<?xml version="1.0"?><rss version="2.0"><channel/></rss>')
    (root / "index.html").write_text("<!doctype html><title>Show</title><h1>Show</h1>")
    mp3 = os.urandom(MP3_SIZE)
    (episodes / "x.mp3").write_bytes(mp3)
    (episodes / ".x.mp3.abc.part").write_bytes(SECRET)
    (episodes / "x.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n")
    (episodes / "x.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nHello\n")
    (episodes / "x.json").write_text('{"slug": "x"}')
    (episodes / "x.html").write_text("<!doctype html><p>x</p>")
    (root / "sub").mkdir()
    (root / "sub" / "note.txt").write_text("a note")
    (root / "docs").mkdir()
    (root / "docs" / "index.html").write_text("<!doctype html><p>docs</p>")
    (root / ".hidden").write_bytes(SECRET)
    os.symlink("/etc/passwd", root / "passwd")
    os.symlink(base / "secret.txt", root / "escape.txt")
    os.symlink(base, root / "up")
    os.symlink("x.mp3", episodes / "alias.mp3")  # a symlink that stays inside: allowed
    return root, mp3


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root, mp3 = build_site(tmp_path_factory.mktemp("serve"))
    server = create_server(root, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield Site(root, server.port, mp3)
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


def test_get_whole_file(site: Site) -> None:
    status, headers, body = site.request("GET", "/episodes/x.mp3")
    assert status == 200
    assert body == site.mp3
    assert headers["content-type"] == "audio/mpeg"
    assert headers["accept-ranges"] == "bytes"
    assert headers["content-length"] == str(MP3_SIZE)
    assert "etag" in headers and "last-modified" in headers


def test_head_has_headers_and_no_body(site: Site) -> None:
    status, headers, body = site.request("HEAD", "/episodes/x.mp3")
    assert status == 200
    assert body == b""
    assert headers["content-length"] == str(MP3_SIZE)
    assert headers["content-type"] == "audio/mpeg"
    assert headers["accept-ranges"] == "bytes"


def test_range(site: Site) -> None:
    status, headers, body = site.request("GET", "/episodes/x.mp3", {"Range": "bytes=100-199"})
    assert status == 206
    assert body == site.mp3[100:200]
    assert headers["content-range"] == f"bytes 100-199/{MP3_SIZE}"
    assert headers["content-length"] == "100"


def test_suffix_range(site: Site) -> None:
    status, headers, body = site.request("GET", "/episodes/x.mp3", {"Range": "bytes=-10"})
    assert status == 206
    assert body == site.mp3[-10:]
    assert headers["content-range"] == f"bytes {MP3_SIZE - 10}-{MP3_SIZE - 1}/{MP3_SIZE}"


def test_open_ended_range(site: Site) -> None:
    status, headers, body = site.request("GET", "/episodes/x.mp3", {"Range": "bytes=4990-"})
    assert status == 206
    assert body == site.mp3[4990:]


def test_several_ranges_at_once_get_the_whole_file(site: Site) -> None:
    status, headers, body = site.request("GET", "/episodes/x.mp3", {"Range": "bytes=0-10,100-199"})
    assert status == 200 and body == site.mp3 and "content-range" not in headers


@pytest.mark.parametrize("path", ["/feed.xml", "/episodes/x.mp3", "/missing.mp3"])
def test_one_date_header(site: Site, path: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=5)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        assert [k for k, _ in response.getheaders()].count("Date") == 1
    finally:
        conn.close()


@pytest.mark.parametrize("value", [f"bytes={MP3_SIZE}-{MP3_SIZE + 100}", "bytes=9000-"])
def test_unsatisfiable_range(site: Site, value: str) -> None:
    status, headers, body = site.request("GET", "/episodes/x.mp3", {"Range": value})
    assert status == 416
    assert headers["content-range"] == f"bytes */{MP3_SIZE}"
    assert site.mp3[:100] not in body


def test_etag_revalidation(site: Site) -> None:
    _, headers, _ = site.request("GET", "/episodes/x.mp3")
    status, _, body = site.request("GET", "/episodes/x.mp3", {"If-None-Match": headers["etag"]})
    assert status == 304 and body == b""
    status, _, body = site.request("GET", "/episodes/x.mp3",
                                   {"If-Modified-Since": headers["last-modified"]})
    assert status == 304 and body == b""
    status, _, _ = site.request("GET", "/episodes/x.mp3", {"If-None-Match": '"other"'})
    assert status == 200


@pytest.mark.parametrize(("path", "expected"), [
    ("/episodes/x.mp3", "audio/mpeg"),
    ("/episodes/x.vtt", "text/vtt; charset=utf-8"),
    ("/episodes/x.srt", "application/x-subrip"),
    ("/episodes/x.json", "application/json"),
    ("/episodes/x.html", "text/html; charset=utf-8"),
    ("/feed.xml", "application/rss+xml; charset=utf-8"),
])
def test_mime_types(site: Site, path: str, expected: str) -> None:
    status, headers, _ = site.request("HEAD", path)
    assert status == 200
    assert headers["content-type"] == expected


def test_mime_type_table() -> None:
    assert mime_type("other.xml") == "application/xml"
    assert mime_type("guides/walk/feed.xml") == mime_type("feed.xml") == "application/rss+xml"
    assert mime_type("site.webmanifest") == "application/manifest+json"
    assert mime_type("guides/walk/walk.gpx") == "application/gpx+xml"  # was application/octet-stream
    assert mime_type("list.m3u8") == "application/vnd.apple.mpegurl"
    assert mime_type("book.m4b") == "audio/mp4"
    assert mime_type("cover.jpg") == "image/jpeg"


def test_index_pages(site: Site) -> None:
    status, headers, body = site.request("GET", "/")
    assert status == 200 and b"<h1>Show</h1>" in body
    assert headers["content-type"].startswith("text/html")
    status, _, body = site.request("GET", "/docs/")
    assert status == 200 and b"docs" in body
    status, headers, _ = site.request("GET", "/docs")
    assert status == 301 and headers["location"].endswith("/docs/")


def test_symlink_inside_root_is_served(site: Site) -> None:
    status, _, body = site.request("GET", "/episodes/alias.mp3")
    assert status == 200 and body == site.mp3


@pytest.mark.parametrize("path", [
    "/../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt",
    "/episodes/..%2f..%2fsecret.txt",
    "/episodes/../../secret.txt",
    "/episodes/%2e%2e/%2e%2e/secret.txt",
    "/..%5csecret.txt",
    "//etc/passwd",
    "/%2fetc%2fpasswd",
    "/passwd",
    "/escape.txt",
    "/up/secret.txt",
    "/episodes/.x.mp3.abc.part",
    "/episodes/%2ex.mp3.abc.part",
    "/.hidden",
    "/sub",
    "/sub/",
    "/episodes/",
    "/episodes/x.mp3/",
    "/nothing-here.mp3",
])
def test_nothing_outside_root_or_hidden(site: Site, path: str) -> None:
    for method in ("GET", "HEAD"):
        status, _, body = site.request(method, path)
        assert status == 404, (method, path, status)
        assert SECRET not in body
        assert b"root:" not in body


def test_only_get_and_head(site: Site) -> None:
    for method in ("POST", "PUT", "DELETE"):
        status, headers, _ = site.request(method, "/feed.xml")
        assert status == 405
        assert set(headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.parametrize("path", ["/episodes/x.vtt", "/episodes/x.srt", "/episodes/x.json", "/feed.xml",
                                  "/episodes/x.mp3", "/missing"])
def test_browser_players_elsewhere_may_read_the_files(site: Site, path: str) -> None:
    """No CORS header was sent and OPTIONS was 405: a web player on another site could not load
    the transcripts or chapters (the Podcasting 2.0 transcript spec asks for CORS)."""
    for method in ("GET", "HEAD"):
        _, headers, _ = site.request(method, path)
        assert headers["access-control-allow-origin"] == "*"
    status, headers, body = site.request("OPTIONS", path, {"Origin": "https://player.example",
                                                           "Access-Control-Request-Method": "GET",
                                                           "Access-Control-Request-Headers": "range"})
    assert status == 204 and body == b""
    assert headers["access-control-allow-origin"] == "*"
    assert "GET" in headers["access-control-allow-methods"]
    assert "range" in headers["access-control-allow-headers"].lower()


def test_the_site_is_served_under_the_path_of_its_base_url(tmp_path: Path) -> None:
    """With base_url http://127.0.0.1:8767/podcast/, serve said "subscribe to
    http://127.0.0.1:8767/podcast/feed.xml" and answered that address 404."""
    from werkzeug.test import Client

    root, mp3 = build_site(tmp_path)
    client = Client(make_app(root, serve_module.base_path("http://127.0.0.1:8767/podcast/")))
    for prefix in ("/podcast", ""):
        response = client.get(f"{prefix}/feed.xml")
        assert response.status_code == 200 and b"<rss" in response.data
        response = client.get(f"{prefix}/episodes/x.mp3")
        assert response.status_code == 200 and response.data == mp3
        response.close()
        assert b"<h1>Show</h1>" in client.get(f"{prefix}/").data
    response = client.get("/podcast")
    assert response.status_code == 301 and response.headers["Location"].endswith("/podcast/")
    assert client.get("/podcast/../../secret.txt").status_code == 404
    assert client.get("/podcastx/feed.xml").status_code == 404


def test_access_log(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="audioguide.publish.serve"):
        site.request("GET", "/feed.xml")
        site.request("GET", "/missing")
    lines = [r.getMessage() for r in caplog.records if r.name == "audioguide.publish.serve"]
    assert any('"GET /feed.xml" 200' in line for line in lines)
    assert any('"GET /missing" 404' in line for line in lines)


def test_make_app_is_wsgi(tmp_path: Path) -> None:
    from werkzeug.test import Client

    root, mp3 = build_site(tmp_path)
    client = Client(make_app(root))
    response = client.get("/episodes/x.mp3", headers={"Range": "bytes=0-9"})
    assert response.status_code == 206 and response.data == mp3[:10]
    response.close()


def test_port_in_use_is_a_build_error(site: Site) -> None:
    with pytest.raises(BuildError) as err:
        create_server(site.root, "127.0.0.1", site.port)
    assert "--port" in err.value.message and "\n" not in err.value.message


def test_serve_needs_a_rendered_site(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        serve(tmp_path, "127.0.0.1", 0)
    assert "audioguide render" in err.value.message
    with pytest.raises(InputError):
        serve(tmp_path / "missing", "127.0.0.1", 0)


class _FakeServer:
    port = 8123
    closed = False

    def serve_forever(self) -> None:
        raise KeyboardInterrupt

    def server_close(self) -> None:
        self.closed = True


@pytest.mark.parametrize(("host", "warned"), [("127.0.0.1", False), ("0.0.0.0", True)])
def test_serve_logs_and_stops_on_ctrl_c(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        caplog: pytest.LogCaptureFixture,
                                        host: str, warned: bool) -> None:
    root, _ = build_site(tmp_path)
    fake = _FakeServer()
    monkeypatch.setattr(serve_module, "create_server", lambda *a, **k: fake)
    with caplog.at_level(logging.INFO, logger="audioguide.publish.serve"):
        serve(root, host, 8123, base_url="http://127.0.0.1:8123/")  # returns, no traceback
    assert fake.closed
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "http://127.0.0.1:8123/" in text and "feed.xml" in text
    assert ("reachable from your network" in text) is warned
    assert ("LAN address" in text) is warned


def test_a_project_of_guides_only_is_served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            caplog: pytest.LogCaptureFixture) -> None:
    """Such a project has no feed.xml of its own; serve refused it ("has no feed.xml")."""
    root = tmp_path / "output"
    (root / "guides" / "harbour").mkdir(parents=True)
    (root / "guides" / "harbour" / "index.html").write_text("<!doctype html><title>Harbour</title>", "utf-8")
    (root / "index.html").write_text("<!doctype html><title>Show</title>", "utf-8")
    server = create_server(root, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/guides/harbour/") as answer:
            assert answer.status == 200 and b"Harbour" in answer.read()
    finally:
        server.shutdown()
        server.server_close()
    fake = _FakeServer()
    monkeypatch.setattr(serve_module, "create_server", lambda *a, **k: fake)
    with caplog.at_level(logging.INFO, logger="audioguide.publish.serve"):
        serve(root, "127.0.0.1", 8123, base_url="http://127.0.0.1:8123/")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "Guide: http://127.0.0.1:8123/guides/harbour/" in text and "feed.xml" not in text
