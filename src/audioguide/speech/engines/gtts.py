"""gTTS: Google Translate's online voice, through the ``gTTS`` package.

Every sentence is one (or, past 100 characters, several) HTTPS requests to
``translate.google.<tld>``; Google answers with MP3, which is decoded here to mono 16-bit PCM
at 24 kHz. Transient failures (timeouts, dropped connections, HTTP 429 and 5xx) are retried a
few times with exponential backoff and full jitter; a machine that cannot reach Google at all
(the host name does not resolve, the connection is refused) fails on the first attempt, with a
message that points at the offline ``piper`` engine.

Tests replace Google with a local server by patching ``gtts.tts._translate_url``, the function
gTTS builds its request URL with (see ``tests/gtts_fake.py``).
"""

from __future__ import annotations

import errno
import io
import random
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

from audioguide.errors import BuildError, EngineError
from audioguide.ffmpeg import run as run_ffmpeg
from audioguide.models import Audio
from audioguide.speech.engines import Availability, EngineSettings, Voice

SAMPLE_RATE = 24000
"""Google serves 24 kHz mono MP3; the PCM keeps that rate."""

GOOGLE_HOST = "translate.google.com"
ACCENTS = {"en": "com, co.uk, com.au, ca, co.in, ie, co.za, com.ng", "fr": "fr, ca", "pt": "com.br, pt",
           "es": "com.mx, es, us"}
"""Google hosts (``voice.tld``) that change a language's accent (gTTS's documentation, "Localized
accents"); every other language sounds the same from any host."""
FIX = (
    'Set engine = "piper" in audioguide.toml (or pass --engine piper) to use the offline voice, '
    "or check your internet connection"
)

_UNREACHABLE_ERRNOS = {errno.ECONNREFUSED, errno.ENETUNREACH, errno.EHOSTUNREACH}


class _NothingToSay(Exception):
    """The sentence has no speakable characters left after gTTS's cleaning."""


class GoogleTTSError(EngineError):
    """gTTS could not produce speech; ``text`` is the sentence that was being spoken."""

    def __init__(self, message: str, *, text: str, attempts: int, fix: str | None = FIX):
        super().__init__(_one_line(message), fix=fix)
        self.text = text
        self.attempts = attempts


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and everything it wraps: chained exceptions, ``args`` and urllib3's ``reason``."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        cur = todo.pop()
        if id(cur) in seen:
            continue
        seen.add(id(cur))
        yield cur
        linked = [cur.__cause__, cur.__context__, getattr(cur, "reason", None), *cur.args]
        todo.extend(x for x in linked if isinstance(x, BaseException))


def _unreachable_reason(exc: BaseException) -> str | None:
    """Why the host cannot be reached at all, or ``None`` when the failure may be transient."""
    for cause in _causes(exc):
        if isinstance(cause, socket.gaierror) or type(cause).__name__ == "NameResolutionError":
            return "the host name cannot be resolved (no network or no DNS)"
        if isinstance(cause, ConnectionRefusedError):
            return "the connection was refused"
        if isinstance(cause, OSError) and cause.errno in _UNREACHABLE_ERRNOS:
            return "the network is unreachable"
    return None


def _transport_reason(exc: BaseException) -> tuple[str, bool]:
    """A short cause for a failure without an HTTP response, and whether retrying may help."""
    import requests

    for cause in _causes(exc):
        if isinstance(cause, requests.exceptions.SSLError):
            return "the TLS handshake failed (a proxy or firewall intercepting HTTPS?)", False
        if isinstance(cause, requests.exceptions.Timeout):
            return "the request timed out", True
        if isinstance(cause, requests.exceptions.ConnectionError):
            return "the connection was dropped", True
    return "Unknown", False


def resolve_language(language: str) -> str:
    """The gTTS language code for ``language``: exact, case-insensitive, then its base (``en-US`` → ``en``)."""
    from gtts.lang import tts_langs

    langs: dict[str, str] = tts_langs()
    code = language.strip().replace("_", "-")
    by_lower = {k.lower(): k for k in langs}
    if code.lower() in by_lower:
        return by_lower[code.lower()]
    base = code.split("-")[0].lower()
    if base in by_lower:
        return by_lower[base]
    raise EngineError(
        f"gTTS does not speak language {language!r}",
        fix="Run audioguide voices to list the language codes gTTS accepts (en, de, fr-CA, …), "
        'or set engine = "piper" for the offline voice',
    )


def _tcp_reachable(host: str, port: int, timeout: float) -> str | None:
    """``None`` when ``host:port`` accepts a TCP connection within ``timeout`` seconds (DNS
    included), else the reason. Runs in a daemon thread: ``getaddrinfo`` has no timeout."""
    outcome: list[str | None] = []

    def probe() -> None:
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            outcome.append(None)
        except OSError as exc:
            outcome.append(f"{type(exc).__name__}: {exc}")

    worker = threading.Thread(target=probe, name="gtts-availability", daemon=True)
    worker.start()
    worker.join(timeout)
    return outcome[0] if outcome else "timed out"


class GTTSEngine:
    """Speech from Google Translate's TTS service (needs the internet)."""

    name = "gtts"
    speaks_phonemes = False
    cpu_bound = False
    concurrency = 4
    """Requests in flight at once: a polite limit for a free service that rate-limits."""
    words_per_minute = 155.0
    """Not measured here (this machine cannot reach Google): the 150-160 words a minute commonly
    given for Google Translate's normal speed (``slow`` reads about 40 % slower, not counted)."""

    max_attempts: int = 4
    """Requests per sentence before giving up on transient failures."""
    backoff_base: float = 0.5
    """Ceiling of the first backoff delay, in seconds; it doubles after each failure."""
    backoff_cap: float = 8.0
    """Largest backoff delay, in seconds."""
    timeout: tuple[float, float] = (5.0, 20.0)
    """(connect, read) timeouts of each HTTP request, in seconds."""
    sleep = staticmethod(time.sleep)
    """Waits between attempts (seconds → None); tests replace it to record delays."""
    jitter = staticmethod(random.random)
    """Uniform [0, 1) source of the full jitter; tests replace it to make delays exact."""

    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings
        self.lang = resolve_language(settings.language)

    def backoff(self, failures: int) -> float:
        """Delay before the next attempt after ``failures`` failed ones (full jitter)."""
        ceiling: float = min(self.backoff_cap, self.backoff_base * 2 ** (failures - 1))
        return self.jitter() * ceiling

    def _fetch_mp3(self, text: str) -> bytes:
        """One attempt: all of gTTS's requests for ``text``, concatenated MP3 bytes."""
        from gtts import gTTS

        tts = gTTS(
            text,
            lang=self.lang,
            tld=self.settings.tld,
            slow=self.settings.slow,
            timeout=self.timeout,
        )
        buf = io.BytesIO()
        try:
            tts.write_to_fp(buf)
        except AssertionError as exc:  # gTTS asserts when only punctuation is left to speak
            raise _NothingToSay(str(exc)) from exc
        return buf.getvalue()

    def _host(self) -> str:
        from gtts import tts as gtts_tts

        return urlsplit(gtts_tts._translate_url(tld=self.settings.tld)).netloc or GOOGLE_HOST

    def _download(self, text: str) -> bytes:
        """The MP3 for ``text``, retrying transient failures; raises :class:`GoogleTTSError`."""
        import requests
        from gtts.tts import gTTSError

        for attempt in range(1, self.max_attempts + 1):
            try:
                mp3 = self._fetch_mp3(text)
            except gTTSError as exc:
                summary = _one_line(exc.msg or exc)
                if exc.rsp is not None:
                    status = exc.rsp.status_code
                    cause = {
                        200: "Google answered without audio (it rejected the text or language)",
                        429: "Google is rate-limiting requests from this machine",
                    }.get(status)
                    if cause:
                        summary = summary.replace("Probable cause: Unknown", f"Probable cause: {cause}")
                    retry = status == 429 or status >= 500
                else:
                    unreachable = _unreachable_reason(exc)
                    if unreachable:
                        raise GoogleTTSError(
                            f"gTTS cannot reach Google's TTS service at {self._host()}: "
                            f"{summary.replace('Unknown', unreachable)}",
                            text=text,
                            attempts=attempt,
                        ) from exc
                    reason, retry = _transport_reason(exc)
                    summary = summary.replace("Unknown", reason)
                if not retry or attempt == self.max_attempts:
                    tries = f"after {attempt} attempts" if attempt > 1 else "on the first attempt"
                    raise GoogleTTSError(
                        f"gTTS failed {tries}: {summary}", text=text, attempts=attempt
                    ) from exc
            except requests.exceptions.RequestException as exc:  # pragma: no cover - gTTS wraps these
                raise GoogleTTSError(f"gTTS request failed: {exc}", text=text, attempts=attempt) from exc
            else:
                if not mp3:
                    raise GoogleTTSError(
                        "Google's TTS service answered without any audio "
                        "(its reply did not contain the jQ1olc speech payload)",
                        text=text,
                        attempts=attempt,
                    )
                return mp3
            self._pause(self.backoff(attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _pause(self, seconds: float) -> None:
        pause = self.__dict__.get("sleep") or type(self).sleep
        pause(seconds)

    def synthesize(self, text: str) -> Audio:
        """Speak ``text`` with Google's voice; raise :class:`GoogleTTSError` (an ``EngineError``)."""
        try:
            mp3 = self._download(text) if text.strip() else b""
        except _NothingToSay:
            mp3 = b""
        if not mp3:  # nothing speakable (blank or bare punctuation): no request, no sound
            return Audio(pcm=b"", sample_rate=SAMPLE_RATE)
        try:
            # Google has no speaking rate (only "slow"); ffmpeg's atempo changes it without pitch.
            tempo = ["-af", f"atempo={self.settings.rate:.4f}"] if self.settings.rate != 1.0 else []
            pcm = run_ffmpeg(
                ["-f", "mp3", "-i", "pipe:0", *tempo, "-f", "s16le", "-ac", "1", "-ar", str(SAMPLE_RATE),
                 "pipe:1"],
                input=mp3,
                what="decoding gTTS audio",
            )
        except BuildError as exc:  # a reply that is not MP3
            raise GoogleTTSError(
                f"Google's TTS reply is not playable MP3 ({_one_line(exc)})", text=text, attempts=1
            ) from exc
        if not pcm:
            raise GoogleTTSError("Google's TTS reply decoded to no audio", text=text, attempts=1)
        return Audio(pcm=pcm, sample_rate=SAMPLE_RATE)

    def identity(self) -> dict[str, object]:
        """What selects Google's voice: language, host (accent), speed, and the gTTS version."""
        import gtts

        return {
            "engine": "gtts",
            "lang": self.lang,
            "tld": self.settings.tld,
            "slow": self.settings.slow,
            "rate": self.settings.rate,
            "gtts": gtts.__version__,
        }

    @classmethod
    def voices(cls, settings: EngineSettings) -> list[Voice]:
        """One voice per language gTTS knows (listed offline); English, French, Portuguese and
        Spanish have accents chosen by the Google host (``tld``). All of them need the internet."""
        try:
            from gtts.lang import tts_langs

            langs: dict[str, str] = tts_langs()
        except Exception:  # gTTS not installed: availability() says so
            return []
        try:
            chosen = resolve_language(settings.language)
        except EngineError:
            chosen = ""
        voices = []
        for code, name in sorted(langs.items()):
            detail = name
            if code in ACCENTS:
                detail += f"; accents by voice.tld: {ACCENTS[code]}"
                if code == chosen:
                    detail += f" (now {settings.tld})"
            voices.append(Voice(code, code, "Google Translate, online", detail, chosen=code == chosen))
        return voices

    @classmethod
    def availability(cls) -> Availability:
        """gTTS importable and ``translate.google.com:443`` reachable within 1.5 s; never raises."""
        try:
            import gtts
        except Exception:
            return Availability(False, "gTTS is not installed: pip install gTTS, or use the piper engine")
        try:
            problem = _tcp_reachable(GOOGLE_HOST, 443, 1.5)
        except Exception as exc:  # pragma: no cover - threads failing to start
            problem = str(exc)
        if problem is not None:
            return Availability(
                False,
                "Google's TTS service is not reachable from this machine (no network): "
                "use the piper engine",
            )
        return Availability(True, f"online; gTTS {gtts.__version__} via {GOOGLE_HOST}")
