"""Typed settings: every section of ``audioguide.toml`` as a frozen dataclass with defaults and a
doc on every field, and the limits each value must respect (defined once: the config loader and
an episode's front matter both check against them).

Stages receive the section they use (:class:`VoiceConfig`, :class:`AudioConfig`,
:class:`ShowConfig`); :mod:`audioguide.config` reads the file into a :class:`Config`.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audioguide.layout import EPISODES_DIR, OUTPUT_DIR
from audioguide.lexicon import Lexicon
from audioguide.wording import base_language


def _doc(text: str, default: Any = dataclasses.MISSING, **kw: Any) -> Any:
    """A dataclass field with documentation kept in its metadata."""
    if isinstance(default, (list, dict)):
        value = default
        return field(default_factory=lambda: type(value)(value), metadata={"doc": text}, **kw)
    return field(default=default, metadata={"doc": text}, **kw)


@dataclass(frozen=True)
class ShowConfig:
    """``[show]``: the podcast as a whole."""

    title: str = _doc("Show title, used in the feed, tags (album) and the intro line.", "Untitled show")
    description: str = _doc("One or two sentences about the show.", "")
    author: str = _doc("Author shown by podcast apps and written as the MP3 artist.", "")
    owner_name: str = _doc("Owner name for itunes:owner (not shown to listeners).", "")
    owner_email: str = _doc("Owner e-mail for itunes:owner.", "")
    language: str = _doc("Language code of the show and default for episodes (en, en-US, de).", "en")
    categories: list[str] = _doc("Apple Podcasts categories, 'Top' or 'Top/Sub', e.g. ['Business/Careers'].", [])
    explicit: bool = _doc("Whether the show contains explicit content.", False)
    base_url: str = _doc("Public URL where output/ is served; feed and enclosure URLs start here.",
                         "http://127.0.0.1:8000/")
    link: str = _doc("The show's website; defaults to base_url.", "")
    guid: str = _doc("The show's podcast:guid (a UUID); empty: made from the feed's address when the show is "
                     "first published, and kept (in output/) when base_url changes.", "")
    copyright: str = _doc("Copyright line.", "")
    image: str = _doc("Cover art path (square JPEG/PNG, 1400-3000 px); generated when empty.", "")
    type: str = _doc("episodic (newest first) or serial (in order).", "episodic")
    intro: str = _doc("Spoken before each episode; {show} and {title} are filled in.",
                      "Welcome to {show}. Today: {title}")
    outro: str = _doc("Spoken after each episode; {show} and {title} are filled in.",
                      "Thanks for listening to {show}.")
    host: str = _doc("The show's host or narrator, named in every episode as podcast:person (empty: "
                     "nobody).", "")
    host_role: str = _doc("The host's role in the Podcast Taxonomy Project's list: Host, Narrator, "
                          "Co-Host, Announcer (all are in the Cast group).", "Host")
    host_href: str = _doc("A page about the host (http or https), optional.", "")
    host_img: str = _doc("A picture of the host (http or https), optional.", "")
    funding_url: str = _doc("Where listeners can support the show (podcast:funding), http or https.", "")
    funding_text: str = _doc("The funding link's words, at most 128 characters.", "Support the show")
    txt: str = _doc("A podcast:txt value, such as the verification code Apple Podcasts gives for a "
                    "show (at most 4000 characters).", "")
    txt_purpose: str = _doc("What the podcast:txt value is for (at most 128 characters); "
                            "applepodcastsverify for Apple's code, empty for none.", "")
    medium: str = _doc("podcast:medium: podcast, audiobook, blog, newsletter, course, music, video, "
                       "film, publisher (each with an L suffix for a list of them) or mixed; empty "
                       "writes none (apps then assume podcast).", "")
    license: str = _doc("podcast:license: an SPDX identifier such as cc-by-4.0, or a licence name "
                        "with license_url.", "")
    license_url: str = _doc("The licence's text (http or https); needed for a name SPDX does not list.",
                            "")
    podroll: list[str] = _doc("Shows this one recommends (podcast:podroll): feed addresses, or "
                              "podcast:guid values.", [])
    update_frequency: str = _doc("How often episodes come, in words (podcast:updateFrequency), such "
                                 "as Weekly.", "")
    update_rrule: str = _doc("The same as an iCalendar RRULE, such as FREQ=WEEKLY or "
                             "FREQ=MONTHLY;INTERVAL=2, optional.", "")
    season: int = _doc("The season every episode belongs to (itunes:season, podcast:season); 0 for "
                       "none.", 0)
    season_name: str = _doc("The season's name (podcast:season name), optional.", "")
    new_feed_url: str = _doc("Where the feed now lives, when the show moves to another address or host "
                             "(itunes:new-feed-url): apps move their subscriptions there; empty for none.", "")
    locked: bool = _doc("podcast:locked yes: other podcast hosts must not import the feed (a move then needs "
                        "the owner, owner_email, to unlock it); false writes no.", False)


@dataclass(frozen=True)
class VoiceConfig:
    """``[voice]``: which engine speaks and how."""

    engine: str = _doc("Speech engine: piper (offline) or gtts (needs Google's servers).", "piper")
    voice: str = _doc("Engine voice: for piper a .onnx path, empty for the bundled en_US-joe-medium.", "")
    rate: float = _doc("Speaking rate; 1.0 is normal, 1.1 is ten per cent faster.", 1.0)
    variation: float = _doc("Piper: how much the delivery varies between renders (1.0 = the voice's "
                            "default, 0 = identical audio every time).", 1.0)
    tld: str = _doc("gTTS accent: Google host domain (com, co.uk, com.au, ca, co.in).", "com")
    slow: bool = _doc("gTTS slow reading.", False)
    sentence_pause: float = _doc("Seconds of silence after each sentence.", 0.3)
    paragraph_pause: float = _doc("Seconds of silence after each paragraph or list item.", 0.6)
    section_pause: float = _doc("Seconds of silence between sections (chapters).", 1.2)


@dataclass(frozen=True)
class AudioConfig:
    """``[audio]``: mixing and encoding."""

    bitrate: str = _doc("MP3 bitrate (64k-320k); 96k mono suits speech with music.", "96k")
    music: str = _doc("Intro music file; empty for the generated sting, 'none' for no music.", "")
    loudness: float = _doc("Target integrated loudness in LUFS (-16 is the podcast norm).", -16.0)
    true_peak: float = _doc("Highest allowed true peak in dBTP (at most -1).", -1.0)
    opus: bool = _doc("Also make every episode as Ogg Opus (mono, a third of the MP3's size), listed "
                      "in the feed as an alternate enclosure; false for MP3 only.", True)
    opus_bitrate: str = _doc("Opus bitrate (6k-128k); at 24k speech is heard as well as in the 96k MP3, "
                             "coded full band, its peaks under 0 dBFS (measured: README, Opus alternate).",
                             "24k")


INTRODUCTIONS = ("unnumbered", "stop 0", "stop 1")
"""How an audio guide numbers its introduction (the text before the first heading)."""


@dataclass(frozen=True)
class RenderConfig:
    """``[render]``: limits a render checks before anything is spoken."""

    max_duration: str = _doc("Longest item render accepts, estimated before any speech from its words, the "
                             "voice's speed, its pauses and the music: such as 90m, 6h or 1h30m; 'none' for "
                             "no limit (--max-duration overrides).", "6h")


@dataclass(frozen=True)
class GuideConfig:
    """``[guide]``: audio guides (scripts with kind: guide, or render --guide)."""

    introduction: str = _doc(
        "How the introduction (the text before the first heading) is numbered: 'unnumbered' (the "
        "headings are stops 1, 2, ... as on plaques, the introduction has no number), 'stop 0', "
        "or 'stop 1' (the headings then count from 2).", "unnumbered")
    radius: float = _doc("Metres around a stop within which the guide page offers it to a listener who "
                         "shares their position, for stops whose location gives no radius.", 30.0)


@dataclass(frozen=True)
class CacheConfig:
    """``[cache]``: where synthesized sentences are kept between renders."""

    dir: str = _doc("Sentence cache: a folder relative to the project, or an fsspec URL such as "
                    "s3://bucket/audioguide-cache (AUDIOGUIDE_CACHE overrides). A Dask cluster's "
                    "workers must all see it.", ".cache/audioguide")


@dataclass(frozen=True)
class ClusterConfig:
    """``[cluster]``: render on a Dask cluster (pip install 'audioguide[cluster]')."""

    address: str = _doc("Dask scheduler address such as tcp://10.0.0.5:8786, or local:4 for 4 worker "
                        "processes on this machine; empty renders here (--cluster and "
                        "AUDIOGUIDE_CLUSTER override).", "")
    timeout: float = _doc("Seconds to wait for the scheduler and its first worker.", 30.0)


@dataclass(frozen=True)
class Source:
    """One entry of ``[sources]``: where ``audioguide sync`` finds articles."""

    name: str
    """The key in ``[sources]`` (named in sync's report)."""
    location: str
    """A feed's or page's address (http or https), a feed file, or a folder of Markdown posts
    (a path relative to the project)."""


@dataclass(frozen=True)
class Config:
    """The whole ``audioguide.toml``."""

    show: ShowConfig = field(default_factory=ShowConfig)
    voice: VoiceConfig = field(default_factory=VoiceConfig)
    audio: AudioConfig = field(default_factory=AudioConfig)
    render: RenderConfig = field(default_factory=RenderConfig)
    guide: GuideConfig = field(default_factory=GuideConfig)
    cache: CacheConfig = field(default_factory=CacheConfig)
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    lexicon: Lexicon = field(default_factory=Lexicon)
    """``[lexicon]``: word = "respelling" (or { say, piper }), applied for every engine."""
    sources: tuple[Source, ...] = ()
    """``[sources]``: name = "address, feed file or folder", what ``audioguide sync`` imports."""
    root: Path = field(default=Path("."))
    """Project folder (where audioguide.toml lives)."""

    @property
    def episodes_dir(self) -> Path:
        return self.root / EPISODES_DIR

    @property
    def output_dir(self) -> Path:
        return self.root / OUTPUT_DIR


SECTIONS: dict[str, type] = {"show": ShowConfig, "voice": VoiceConfig, "audio": AudioConfig,
                             "render": RenderConfig, "guide": GuideConfig, "cache": CacheConfig,
                             "cluster": ClusterConfig}

CLUSTER_ADDRESS = re.compile(r"^(none|local(:\d+)?|(tcp|tls|ucx|inproc|ws|wss)://\S+|[\w.-]+:\d+)$", re.I)
"""A Dask scheduler address, ``local`` or ``local:N`` (worker processes here), or ``none``."""



VOICE_LIMITS: dict[str, tuple[float, float, str]] = {
    "rate": (0.5, 2.0, " (1.0 is normal speed)"),
    "variation": (0.0, 1.5, " (0 repeats exactly)"),
    "sentence_pause": (0.0, 10.0, " seconds"),
    "paragraph_pause": (0.0, 10.0, " seconds"),
    "section_pause": (0.0, 10.0, " seconds"),
}
"""Voice settings an episode may override in its front matter, with their allowed ranges."""


def voice_value_problem(key: str, value: Any, *, where: str = "") -> str | None:
    """Why ``value`` is not allowed for the voice setting ``key`` (``None`` when it is).

    >>> voice_value_problem("rate", 3, where="voice.")
    'voice.rate must be a number from 0.5 to 2 (1.0 is normal speed)'
    """
    low, high, note = VOICE_LIMITS[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        return f"{where}{key} must be a number from {low:g} to {high:g}{note}"
    return None


MP3_BITRATE = re.compile(r"^(32|40|48|56|64|80|96|112|128|160|192|224|256|320)k$")
"""Bitrates an MP3 may be encoded at."""
OPUS_KBITS = (6, 128)
"""Opus bitrates allowed (kbit/s, mono): libopus's lowest, and far above what speech needs."""


def opus_bitrate_problem(value: str) -> str | None:
    """Why ``value`` is not an ``[audio] opus_bitrate`` (``None`` when it is one).

    >>> opus_bitrate_problem("24k") is None, opus_bitrate_problem("2k")
    (True, 'audio.opus_bitrate must be a bitrate from 6k to 128k, such as 24k')
    """
    low, high = OPUS_KBITS
    match = re.fullmatch(r"(\d+)k", value)
    if match is None or not low <= int(match.group(1)) <= high:
        return f"audio.opus_bitrate must be a bitrate from {low}k to {high}k, such as 24k"
    return None


def opus_bitrate(audio: AudioConfig) -> str | None:
    """The Opus alternate's bitrate, or ``None`` when ``[audio] opus`` is off."""
    return audio.opus_bitrate if audio.opus else None
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
"""A language code such as ``en`` or ``en-US`` (RFC 5646 shape): the show's, a script's, an article's."""

def same_language(a: str, b: str) -> bool:
    """Two language codes name the same language: ``en-GB`` and ``en_us`` do, ``pt`` and ``es``
    do not (the engines, too, accept a voice of the same base language).

    >>> same_language("en-GB", "en_us"), same_language("pt", "es")
    (True, False)
    """
    return base_language(a) == base_language(b)


def locale_of(code: str) -> Any:
    """Babel's CLDR data for the language ``code`` (``fr``, ``pt-BR``, ``en_GB``), or ``None``
    for a code Babel does not know."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError):
        return None


def text_direction(code: str) -> str:
    """``rtl`` for a language written right to left (Babel's CLDR data), else ``ltr``.

    >>> text_direction("he"), text_direction("ar-EG"), text_direction("fr"), text_direction("xx")
    ('rtl', 'rtl', 'ltr', 'ltr')
    """
    locale = locale_of(code)
    return "rtl" if locale is not None and locale.character_order == "right-to-left" else "ltr"


AAC_PER_MP3 = 2 / 3
"""AAC sounds like MP3 at about two thirds of the bits: the M4B's bitrate for a given MP3 one."""


def aac_bitrate(mp3_bitrate: str) -> str:
    """The AAC bitrate (for the guide's M4B) that matches the MP3 setting ``mp3_bitrate``:
    two thirds of it, to a multiple of 16 kbit/s, at least 32k.

    >>> aac_bitrate("96k"), aac_bitrate("128k"), aac_bitrate("64k")
    ('64k', '80k', '48k')
    """
    kbits = int(mp3_bitrate.rstrip("k")) * AAC_PER_MP3
    return f"{max(32, 16 * round(kbits / 16))}k"


LOUDNESS_RANGE = (-30.0, -9.0)
"""Integrated loudness targets allowed, in LUFS."""
TRUE_PEAK_RANGE = (-9.0, -1.0)
"""True-peak ceilings allowed, in dBTP."""


_DURATION = re.compile(r"(?:(\d+(?:\.\d*)?)h)?(?:(\d+(?:\.\d*)?)m(?:in)?)?(?:(\d+(?:\.\d*)?)s)?")
NO_LIMIT = "none"
"""The ``max_duration`` (and ``--max-duration``) that turns the limit off."""


def parse_duration(text: str) -> float | None:
    """Seconds in a duration written with units (``90m``, ``6h``, ``1h30m``, ``45s``), infinity
    for ``none``, ``None`` when it is not one (a bare number has no unit: minutes or hours?).

    >>> parse_duration("1h30m"), parse_duration("90 min"), parse_duration("none"), parse_duration("90")
    (5400.0, 5400.0, inf, None)
    """
    compact = "".join(text.split()).lower()
    if compact == NO_LIMIT:
        return math.inf
    match = _DURATION.fullmatch(compact)
    if not compact or match is None or not any(match.groups()):
        return None
    hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    total = 3600 * hours + 60 * minutes + seconds
    return total if total > 0 else None


DURATION_FIX = "a duration such as 90m, 6h or 1h30m, or 'none' for no limit"
"""How ``max_duration`` and ``--max-duration`` are written, for messages."""


CACHE_ENV = "AUDIOGUIDE_CACHE"
"""Overrides ``[cache] dir`` (a folder, or an fsspec URL)."""


def is_url(location: str | Path) -> bool:
    """Whether a cache location is an fsspec URL (``s3://bucket/cache``) rather than a folder."""
    return "://" in str(location)


def cache_location(config: Config) -> Path | str:
    """The sentence cache: ``AUDIOGUIDE_CACHE``, else ``[cache] dir`` (a folder relative to the
    project, or an fsspec URL such as ``s3://bucket/cache``, kept as it is)."""
    override = os.environ.get(CACHE_ENV)
    location = override or config.cache.dir
    if is_url(location):
        return location
    return Path(override) if override else config.root / location
