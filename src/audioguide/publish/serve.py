"""Serve the built site (``output/``) to browsers and podcast apps over HTTP.

Files go out through werkzeug's ``send_from_directory``/``send_file`` with ``conditional=True``,
which gives ``HEAD``, ``Accept-Ranges: bytes``, ``206`` partial content, ``416`` for ranges
that cannot be satisfied, and ``ETag``/``Last-Modified`` revalidation (``304``). On top of that
this module decides *which* file a URL may reach:

* ``/`` and ``/dir/`` serve ``index.html`` in that folder; there are no directory listings.
* Nothing outside the root: ``..`` (also percent-encoded), absolute paths and symlinks whose
  target lies outside the root are 404.
* No hidden files: any path component starting with ``.`` is 404, which also hides the
  ``.<name>.<random>.part`` files of atomic writes, so a half-written file is never served.
* Only ``GET`` and ``HEAD`` (405 otherwise), and ``OPTIONS``: the CORS preflight.
* Every response says ``Access-Control-Allow-Origin: *``: a browser player on another site may
  fetch the transcripts and chapters (the Podcasting 2.0 transcript spec asks for it; the site is
  public anyway).
* The site is served at ``/`` and under the path of ``show.base_url`` (``/podcast/`` for
  ``http://host:8000/podcast/``): the addresses written into the feed and the pages work here.

Each request is logged as one line on the ``audioguide.serve`` logger.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import mimetypes
import os
import socket
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.security import safe_join
from werkzeug.serving import (
    BaseWSGIServer,
    WSGIRequestHandler,
    get_sockaddr,
    make_server,
    select_address_family,
)
from werkzeug.utils import redirect, send_from_directory
from werkzeug.wrappers import Request, Response

from audioguide.errors import BuildError, InputError
from audioguide.layout import FEED, GUIDE_FOLDER, INDEX

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger("audioguide.publish.serve")

MIME_TYPES: dict[str, str] = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".m4b": "audio/mp4",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".vtt": "text/vtt",
    ".srt": "application/x-subrip",
    ".json": "application/json",
    ".xml": "application/xml",
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".txt": "text/plain",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
    ".webmanifest": "application/manifest+json",
    ".m3u8": "application/vnd.apple.mpegurl",
    ".gpx": "application/gpx+xml",  # a guide's route: map apps open it by its type
}
"""Extension -> MIME type, for the types Python's ``mimetypes`` lacks or gets wrong.

werkzeug adds ``; charset=utf-8`` to ``text/*`` and ``*+xml`` types by itself.
"""

FEED_TYPE = "application/rss+xml"
"""The type of ``/feed.xml`` (other ``.xml`` files are ``application/xml``)."""

ALLOWED_METHODS = ("GET", "HEAD")

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Accept-Ranges, Content-Length, Content-Range, ETag",
}
"""Sent with every response: the files are public, and a web player elsewhere reads them."""
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Range, If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}
"""The answer to a CORS preflight (``OPTIONS``): a player may ask for a byte range."""


def mime_type(relative: str) -> str:
    """The Content-Type (without charset) to send for the file at ``relative`` in the root."""
    if relative.rsplit("/", 1)[-1] == FEED:  # the show's feed and every guide's
        return FEED_TYPE
    suffix = os.path.splitext(relative)[1].lower()
    if suffix in MIME_TYPES:
        return MIME_TYPES[suffix]
    guessed, _encoding = mimetypes.guess_type(relative, strict=False)
    return guessed or "application/octet-stream"


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _resolve(root: str, url_path: str) -> str | Response:
    """The file (relative to ``root``) that ``url_path`` may serve, or a redirect.

    Raises :class:`~werkzeug.exceptions.NotFound` for anything that must not be served.
    ``root`` is already a real path (symlinks resolved).
    """
    parts = [p for p in url_path.split("/") if p]
    if any(p.startswith(".") or "\\" in p or "\x00" in p for p in parts):
        raise NotFound()  # hidden files, temp files of atomic writes, '..' and '.'
    relative = "/".join(parts)
    joined = safe_join(root, relative) if relative else root
    if joined is None:
        raise NotFound()
    real = os.path.realpath(joined)
    if not _inside(real, root):
        raise NotFound()  # a symlink that leads out of the root
    if os.path.isdir(real):
        index = os.path.realpath(os.path.join(real, INDEX))
        if not (_inside(index, root) and os.path.isfile(index)):
            raise NotFound()  # no directory listings
        if parts and not url_path.endswith("/"):
            # /episodes -> /episodes/ so relative links in its index.html resolve
            return redirect("/" + quote(relative) + "/", code=301)
        real = index
    elif url_path.endswith("/"):
        raise NotFound()
    served = os.path.relpath(real, root).replace(os.sep, "/")
    if any(p.startswith(".") for p in served.split("/")):
        raise NotFound()  # a symlink inside the root that points at a hidden file
    return served


def _unprefixed(path: str, prefix: str) -> str | Response:
    """``path`` with the site's ``prefix`` (``/podcast/``) taken off, or a redirect from the
    prefix without its slash; any other path as it is (the site is served at ``/`` too)."""
    if prefix == "/" or not path.startswith(prefix.rstrip("/")):
        return path
    if path == prefix.rstrip("/"):
        return redirect(quote(prefix), code=301)
    return path[len(prefix) - 1:] if path.startswith(prefix) else path


def make_app(root: Path, prefix: str = "/") -> WSGIApplication:
    """A WSGI application serving the files under ``root`` at ``/`` and at ``prefix`` (the
    path of ``show.base_url``; see the module docstring)."""
    root_real = os.path.realpath(root)

    def respond(request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response(status=204, headers=PREFLIGHT_HEADERS)
        if request.method not in ALLOWED_METHODS:
            raise MethodNotAllowed(valid_methods=[*ALLOWED_METHODS, "OPTIONS"])
        path = _unprefixed(request.path, prefix)
        if isinstance(path, Response):
            return path
        target = _resolve(root_real, path)
        if isinstance(target, Response):
            return target
        response = send_from_directory(root_real, target, request.environ,
                                       mimetype=mime_type(target), conditional=True, etag=True)
        del response.headers["Date"]  # the server adds the one Date header
        return response

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        if "," in environ.get("HTTP_RANGE", ""):
            # several ranges at once: answered with the whole file (RFC 9110 lets a server ignore
            # Range), which every client handles, rather than 416 or a multipart body
            del environ["HTTP_RANGE"]
        request = Request(environ)
        try:
            response = respond(request)
        except HTTPException as exc:
            response = exc.get_response(environ)
        response.headers.extend(CORS_HEADERS)
        body = response(environ, start_response)
        if request.method == "HEAD" or response.status_code in (304, 412):
            response.close()  # no body goes out: close the file now, not at garbage collection
        log.info('%s "%s %s" %d %s %.0fms', request.remote_addr or "-", request.method,
                 quote(request.path, safe="/:@!$&'()*+,;=-._~"), response.status_code,
                 response.content_length if response.content_length is not None else "-",
                 (time.perf_counter() - started) * 1000)
        return body

    return app


class _QuietHandler(WSGIRequestHandler):
    """werkzeug's handler with its own access log off (the app logs each request) and its
    error messages sent to ``audioguide.serve``."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def log(self, type: str, message: str, *args: Any) -> None:
        level = logging.ERROR if type == "error" else logging.INFO
        log.log(level, "%s: " + message, self.address_string(), *args)


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, or an error that says what to do instead."""
    family = select_address_family(host, port)
    try:
        address = get_sockaddr(host, port, family)
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(f"cannot listen on host {host!r} ({exc})",
                         fix="Use --host 127.0.0.1 for this machine only, "
                         "or 0.0.0.0 for the network") from None
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise BuildError(f"port {port} on {host} is already in use by another program",
                             fix=f"Stop that program, or pick another port with --port {port + 1}"
                             ) from None
        if exc.errno == errno.EACCES:
            raise BuildError(f"not allowed to listen on port {port} on {host}",
                             fix="Pick a port above 1023 with --port, e.g. --port 8000") from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise InputError(f"{host} is not an address of this machine",
                             fix="Use --host 127.0.0.1, or 0.0.0.0 for every network interface"
                             ) from None
        raise BuildError(f"cannot listen on {host}:{port} ({exc.strerror or exc})",
                         fix="Try another --host or --port") from None
    return sock


def create_server(root: Path, host: str = "127.0.0.1", port: int = 8000, prefix: str = "/") -> BaseWSGIServer:
    """A threaded werkzeug server for ``root`` (at ``/`` and at ``prefix``: :func:`make_app`),
    bound and listening but not yet serving.

    Call ``serve_forever()`` on it (``shutdown()`` from another thread stops it). ``port=0``
    picks a free port; the chosen one is ``server.port``. A port in use is a
    :class:`~audioguide.errors.BuildError`, not werkzeug's ``sys.exit``.
    """
    sock = _bind(host, port)
    try:
        server = make_server(host, port, make_app(root, prefix), threaded=True,
                             request_handler=_QuietHandler, fd=sock.fileno())
    finally:
        sock.close()  # werkzeug keeps its own duplicate of the descriptor
    return server


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine."""
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _url(host: str, port: int) -> str:
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def _guides(root: Path) -> list[Path]:
    """The guides' pages in ``root`` (a project of guides only has no feed of its own)."""
    return sorted((root / GUIDE_FOLDER).glob(f"*/{INDEX}"))


def check_built(root: Path) -> None:
    """Raise :class:`InputError` unless ``root`` holds a rendered site."""
    root = Path(root)
    if not root.is_dir() or not ((root / FEED).is_file() or _guides(root)):
        missing = "does not exist" if not root.is_dir() else "has no feed.xml and no guide"
        raise InputError(f"{missing}: nothing to serve yet", path=root,
                         fix="Run audioguide render first")
    if not (root / INDEX).is_file():
        log.warning("%s has no index.html: browsers get 404 at /, podcast apps still get "
                    "feed.xml; run audioguide render to build the site", root)


def base_path(base_url: str | None) -> str:
    """The path of ``show.base_url``, where the feed says the files are, with its slashes.

    >>> base_path("http://127.0.0.1:8767/podcast"), base_path("https://pods.example.org/"), base_path(None)
    ('/podcast/', '/', '/')
    """
    path = unquote(urlsplit(base_url or "").path).strip("/")
    return f"/{path}/" if path else "/"


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, *,
          base_url: str | None = None) -> None:
    """Serve ``root`` on ``host:port`` until Ctrl-C; log where, and the feed URL to subscribe to.

    ``base_url`` is ``show.base_url``: the address written into ``feed.xml``. Podcast apps
    fetch audio from there, so it must be an address that the listening device can reach.
    """
    root = Path(root)
    check_built(root)
    server = create_server(root, host, port, base_path(base_url))
    local = _url(host, server.port)
    log.info("Serving %s at %s (Ctrl-C to stop)", root, local)
    if (root / FEED).is_file():
        log.info("Feed: %sfeed.xml", local)
    for guide in _guides(root):
        log.info("Guide: %s%s/", local, guide.parent.relative_to(root).as_posix())
    if base_url and (root / FEED).is_file():
        base = base_url if base_url.endswith("/") else base_url + "/"
        log.info("Podcast apps subscribe to %sfeed.xml (show.base_url)", base)
        written = urlsplit(base)
        if is_loopback(written.hostname or "") and (written.port or 80) != server.port:
            log.warning("show.base_url %s names port %s, but this server listens on %d: podcast "
                        "apps will not find the episodes; serve with --port %s or change "
                        "show.base_url and render again", base, written.port or 80,
                        server.port, written.port or 80)
    if not is_loopback(host):
        log.warning("Listening on %s: the site is reachable from your network. For a phone to "
                    "subscribe, show.base_url in audioguide.toml must use this machine's LAN "
                    "address (http://<LAN address>:%d/), then run audioguide render again",
                    host or "all interfaces", server.port)
        if base_url and is_loopback(urlsplit(base_url).hostname or ""):
            log.warning("show.base_url is %s, which other devices cannot reach", base_url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        log.info("Stopped serving %s", root)
