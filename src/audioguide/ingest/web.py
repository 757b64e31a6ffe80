"""The web, as audioguide reads it: one small HTTP layer (httpx) for pages and feeds.

:class:`Fetcher` gets a URL with timeouts, a redirect limit and a size limit (counted on the
decompressed bytes, so a small gzip bomb is refused as well as a huge page); gzip, deflate and
Brotli responses are decompressed by httpx. Every request names audioguide and its version in
its User-Agent. It keeps one client, with one connection, per host, and supports conditional
GET: pass the ``etag`` and ``last_modified`` of an earlier :class:`Fetched` and a ``304 Not
Modified`` comes back as a :class:`Fetched` whose :attr:`~Fetched.not_modified` is true.

Every failure is a :class:`FetchError`: one line naming the URL, the cause and what to do.
:func:`decode_page` turns a page's bytes into text, trusting the bytes over a wrong label.
"""

from __future__ import annotations

import codecs
import difflib
import re
import time
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urlsplit

import httpx

from audioguide import __version__
from audioguide.errors import AudioguideError, InputError
from audioguide.ingest.readers import decode_bytes

USER_AGENT = f"audioguide/{__version__} (podcast maker; +https://pypi.org/project/audioguide/)"
"""Sent with every request, so site owners can see who reads their pages."""

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/json",
              "application/xml", "text/xml", "application/rdf+xml", "text/json")


@dataclass(frozen=True)
class Limits:
    """How long and how much audioguide waits for and reads from one URL."""

    connect: float = 10.0
    """Seconds to open a connection."""
    read: float = 20.0
    """Seconds the server may stay silent while sending."""
    total: float = 60.0
    """Seconds for the whole response, however it trickles in."""
    redirects: int = 5
    """Redirects followed before giving up."""
    max_bytes: int = 10 * 1024 * 1024
    """Largest body read, decompressed (10 MB: far more than any article)."""


@dataclass(frozen=True)
class Fetched:
    """One response."""

    url: str
    """The address it came from, after redirects."""
    status: int
    """200 (or another 2xx), or 304 for a conditional GET whose resource has not changed."""
    content_type: str
    """The media type, lower case, without parameters (``text/html``); empty when not given."""
    charset: str | None
    """The charset the ``Content-Type`` header names, if any."""
    body: bytes
    """The decompressed body (empty for a 304)."""
    etag: str | None = None
    last_modified: str | None = None
    """The validators to send with the next request for the same URL."""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class FetchError(AudioguideError):
    """A URL that could not be read: unreachable, refused, too slow, too big (exit code 1)."""


def is_url(text: str) -> bool:
    """True for an ``http://`` or ``https://`` address with a host.

    >>> is_url("https://example.com/post"), is_url("post.html"), is_url("ftp://example.com/x")
    (True, False, False)
    """
    try:
        parts = urlsplit(text.strip())
    except ValueError:  # a malformed host: http://[::1/x
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def address_problem(text: str) -> InputError | None:
    """Why ``text``, which is no file, is not an address audioguide can fetch, when it looks like
    one (a scheme, or ``www.``); ``None`` otherwise.

    >>> address_problem("htps://example.com/x").fix
    'Did you mean https://example.com/x?'
    >>> address_problem("www.example.com/post").fix
    'Did you mean https://www.example.com/post?'
    >>> address_problem("notes/post.md") is None
    True
    """
    text = text.strip()
    scheme, colon, rest = text.partition("://")
    if not colon:
        if text.lower().startswith("www."):
            return InputError("is not a file, nor a web address (they start with https://)", path=text,
                              fix=f"Did you mean https://{text}?")
        return None
    if scheme.lower() in ("http", "https"):
        try:
            urlsplit(text)
            reason = "it names no host"
        except ValueError as exc:
            reason = str(exc)
        return InputError(f"is not a valid web address ({reason})", path=text, fix="Check the address")
    close = difflib.get_close_matches(scheme.lower(), ["https", "http"], n=1, cutoff=0.6)
    return InputError(f"is a {scheme}:// address: only http:// and https:// addresses can be imported",
                      path=text, fix=f"Did you mean {close[0]}://{rest}?" if close
                      else "Download it and import the file")


def _reason(error: Exception) -> str:
    """The useful part of a connection error: ``Name or service not known``."""
    text = str(error) or type(error).__name__
    text = re.sub(r"^\[Errno -?\d+\]\s*", "", text.split("\n")[0])
    return text.rstrip(".")


_STATUS = {
    401: ("asks for a login (HTTP 401)", "audioguide reads public pages only: save the page from your browser and "
                                         "import the file"),
    403: ("refused access (HTTP 403)", "audioguide reads public pages only: save the page from your browser and "
                                       "import the file"),
    404: ("was not found (HTTP 404)", "check the address"),
    410: ("is gone (HTTP 410)", "the page was removed for good: remove it from your list"),
    429: ("asked audioguide to slow down (HTTP 429)", "try again later"),
}


def status_problem(status: int) -> tuple[str, str]:
    """What an HTTP error status means, and what to do about it."""
    if status in _STATUS:
        return _STATUS[status]
    if status >= 500:
        return f"failed on the server's side (HTTP {status})", "try again later"
    return f"answered HTTP {status}", "check the address"


def _media_type(header: str | None) -> tuple[str, str | None]:
    """``text/html; charset=ISO-8859-1`` -> (``text/html``, ``ISO-8859-1``)."""
    if not header:
        return "", None
    kind, _, params = header.partition(";")
    charset = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", params, re.IGNORECASE)
    return kind.strip().lower(), charset.group(1) if charset else None


class Fetcher:
    """Gets URLs: one httpx client, with one connection, per host (see the module)."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._clients: dict[str, httpx.Client] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def _client(self, url: httpx.URL) -> httpx.Client:
        origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        if origin not in self._clients:
            limits = self.limits
            self._clients[origin] = httpx.Client(
                follow_redirects=True, max_redirects=limits.redirects,
                timeout=httpx.Timeout(limits.read, connect=limits.connect),
                limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
                headers={"User-Agent": USER_AGENT})
        return self._clients[origin]

    def get(self, url: str, *, accept: str = "*/*", etag: str | None = None,
            last_modified: str | None = None) -> Fetched:
        """The response for ``url``, or :class:`FetchError` (see the module)."""
        if not is_url(url):
            raise address_problem(url) or InputError(f"{url!r} is not a web address",
                                                     fix="Give an address starting with http:// or https://")
        try:
            target = httpx.URL(url)
        except httpx.InvalidURL as error:
            raise InputError(f"{url!r} is not a valid web address ({error})", fix="Check the address") from None
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            return self._get(target, headers, url)
        except httpx.TimeoutException:
            raise FetchError(f"did not answer within {self.limits.read:g} seconds", path=url,
                             fix="Try again later") from None
        except httpx.TooManyRedirects:
            raise FetchError(f"redirects more than {self.limits.redirects} times", path=url,
                             fix="Open it in a browser and import the address it ends at") from None
        except httpx.ConnectError as error:
            raise FetchError(f"could not be reached ({_reason(error)})", path=url,
                             fix="Check the address and your internet connection") from None
        except (httpx.DecodingError, httpx.RemoteProtocolError) as error:
            raise FetchError(f"sent a broken response ({_reason(error)})", path=url,
                             fix="Try again later, or save the page from your browser and import the file") from None
        except httpx.HTTPError as error:
            raise FetchError(f"could not be fetched ({_reason(error)})", path=url, fix="Try again later") from None

    def _get(self, target: httpx.URL, headers: dict[str, str], url: str) -> Fetched:
        limits = self.limits
        deadline = time.monotonic() + limits.total
        with self._client(target).stream("GET", target, headers=headers) as response:
            final = str(response.url)
            if response.status_code == 304:
                return Fetched(final, 304, "", None, b"", response.headers.get("ETag") or headers.get("If-None-Match"),
                               response.headers.get("Last-Modified") or headers.get("If-Modified-Since"))
            if response.status_code >= 400 or response.status_code < 200:
                problem, fix = status_problem(response.status_code)
                raise FetchError(problem, path=url, fix=fix)
            too_big = FetchError(f"is larger than {limits.max_bytes // (1024 * 1024)} MB", path=url,
                                 fix="Save the article's text to a file and import that")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limits.max_bytes:
                raise too_big
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limits.max_bytes:
                    raise too_big
                if time.monotonic() > deadline:
                    raise FetchError(f"took longer than {limits.total:g} seconds to send", path=url,
                                     fix="Try again later")
                chunks.append(chunk)
            kind, charset = _media_type(response.headers.get("Content-Type"))
            return Fetched(final, response.status_code, kind, charset, b"".join(chunks),
                           response.headers.get("ETag"), response.headers.get("Last-Modified"))


# --------------------------------------------------------------------------------------
# Decoding a page
# --------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_SINGLE_BYTE_WEB = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252",
                    "us-ascii": "cp1252", "iso8859-1": "cp1252"}
"""Labels browsers read as windows-1252 (the WHATWG Encoding Standard does)."""


def meta_charset(body: bytes) -> str | None:
    """The charset a page's ``<meta charset>`` or ``<meta http-equiv="Content-Type">`` names,
    looked for in its first 4 KiB.

    >>> meta_charset(b'<html><head><meta charset="iso-8859-15">')
    'iso-8859-15'
    """
    found = _META_CHARSET.search(body[:4096])
    return found.group(1).decode("ascii").lower() if found else None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = _SINGLE_BYTE_WEB.get(label.strip().lower(), label.strip().lower())
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_page(body: bytes, declared: str | None, url: str) -> str:
    """A page's text. A byte-order mark decides; then bytes that are valid UTF-8 are read as UTF-8,
    whatever the labels say (a page saved as UTF-8 and served as ISO-8859-1 is common, the
    opposite almost never decodes); then the charset of the ``Content-Type`` header, then the
    page's ``<meta>`` charset; then windows-1252."""
    if body.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_bytes(body, url)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return decode_bytes(body, url)
    for label in (declared, meta_charset(body)):
        codec = _codec(label)
        if codec and not codec.startswith("utf"):
            try:
                text = body.decode(codec)
            except UnicodeDecodeError:
                continue
            return decode_bytes(text.encode("utf-8"), url)
    return decode_bytes(body, url)
