"""Project settings: ``audioguide.toml``, one typed schema with defaults and a doc on every field.

A project is a folder holding ``audioguide.toml``, ``episodes/`` and ``output/``. Loading
validates the whole file and reports every problem (with its key and the fix) in one error.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audioguide.errors import ConfigError
from audioguide.lexicon import Lexicon, parse_lexicon

CONFIG_NAME = "audioguide.toml"


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
    copyright: str = _doc("Copyright line.", "")
    image: str = _doc("Cover art path (square JPEG/PNG, 1400-3000 px); generated when empty.", "")
    type: str = _doc("episodic (newest first) or serial (in order).", "episodic")
    intro: str = _doc("Spoken before each episode; {show} and {title} are filled in.",
                      "{show}. {title}")
    outro: str = _doc("Spoken after each episode; {show} and {title} are filled in.",
                      "Thanks for listening to {show}.")


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
class Config:
    """The whole ``audioguide.toml``."""

    show: ShowConfig = field(default_factory=ShowConfig)
    voice: VoiceConfig = field(default_factory=VoiceConfig)
    audio: AudioConfig = field(default_factory=AudioConfig)
    cache: CacheConfig = field(default_factory=CacheConfig)
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    lexicon: Lexicon = field(default_factory=Lexicon)
    """``[lexicon]``: word = "respelling" (or { say, piper }), applied for every engine."""
    root: Path = field(default=Path("."))
    """Project folder (where audioguide.toml lives)."""

    @property
    def episodes_dir(self) -> Path:
        return self.root / "episodes"

    @property
    def output_dir(self) -> Path:
        return self.root / "output"


SECTIONS: dict[str, type] = {"show": ShowConfig, "voice": VoiceConfig, "audio": AudioConfig,
                             "cache": CacheConfig, "cluster": ClusterConfig}

CLUSTER_ADDRESS = re.compile(r"^(none|local(:\d+)?|(tcp|tls|ucx|inproc|ws|wss)://\S+|[\w.-]+:\d+)$", re.I)
"""A Dask scheduler address, ``local`` or ``local:N`` (worker processes here), or ``none``."""
_BITRATE = re.compile(r"^(32|40|48|56|64|80|96|112|128|160|192|224|256|320)k$")


def _type_name(tp: Any) -> str:
    return {str: "a string", bool: "true or false", float: "a number", int: "a whole number"}.get(
        tp, "a list of strings"
    )


def _coerce(key: str, value: Any, tp: Any, problems: list[str]) -> Any:
    """Check ``value`` against the field type; record a problem and return None if it does not fit."""
    origin = typing.get_origin(tp)
    if origin in (list,):
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return list(value)
    elif tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif tp is bool:
        if isinstance(value, bool):
            return value
    elif isinstance(tp, type) and isinstance(value, tp):
        return value
    problems.append(f"{key} must be {_type_name(tp)}, not {value!r}")
    return None


def _build_section(name: str, cls: type, raw: Any, problems: list[str]) -> Any:
    if not isinstance(raw, dict):
        problems.append(f"[{name}] must be a table")
        return cls()
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            close = ", ".join(sorted(known))
            problems.append(f"{name}.{key} is not a setting (known: {close})")
            continue
        coerced = _coerce(f"{name}.{key}", value, hints[key], problems)
        if coerced is not None:
            values[key] = coerced
    return cls(**values)


def _validate(cfg: Config, problems: list[str]) -> None:
    """Cross-field rules that types alone cannot express."""
    if not 0.0 <= cfg.voice.variation <= 1.5:
        problems.append("voice.variation must be between 0 (repeatable) and 1.5")
    if not 0.5 <= cfg.voice.rate <= 2.0:
        problems.append("voice.rate must be between 0.5 and 2.0 (1.0 is normal speed)")
    for key in ("sentence_pause", "paragraph_pause", "section_pause"):
        if not 0 <= getattr(cfg.voice, key) <= 10:
            problems.append(f"voice.{key} must be between 0 and 10 seconds")
    if not _BITRATE.match(cfg.audio.bitrate):
        problems.append("audio.bitrate must be an MP3 bitrate such as 64k, 96k or 128k")
    if not -30 <= cfg.audio.loudness <= -9:
        problems.append("audio.loudness must be between -30 and -9 LUFS (podcasts use -16)")
    if cfg.audio.true_peak > -1.0 or cfg.audio.true_peak < -9:
        problems.append("audio.true_peak must be between -9 and -1 dBTP")
    if not 1 <= cfg.cluster.timeout <= 3600:
        problems.append("cluster.timeout must be between 1 and 3600 seconds")
    if cfg.cluster.address.strip() and not CLUSTER_ADDRESS.match(cfg.cluster.address.strip()):
        problems.append(f"cluster.address {cfg.cluster.address!r} must be a Dask scheduler address "
                        "such as tcp://host:8786, or local:N")
    if cfg.show.type not in ("episodic", "serial"):
        problems.append("show.type must be 'episodic' or 'serial'")
    if not re.match(r"^https?://[^/\s]+(/\S*)?$", cfg.show.base_url):
        problems.append("show.base_url must be a URL starting with http:// or https://")
    if cfg.show.owner_email and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", cfg.show.owner_email):
        problems.append(f"show.owner_email {cfg.show.owner_email!r} is not an e-mail address")
    if not re.match(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", cfg.show.language):
        problems.append(f"show.language {cfg.show.language!r} must be a language code such as en or en-US")
    for key in ("intro", "outro"):
        try:
            getattr(cfg.show, key).format(show="Show", title="Title")
        except (KeyError, IndexError, ValueError, AttributeError) as exc:
            problems.append(f"show.{key} {getattr(cfg.show, key)!r} may only use {{show}} and {{title}} "
                            f"(write {{{{ and }}}} for literal braces; {type(exc).__name__}: {exc})")
    problems.extend(category_problems(cfg.show.categories))


def category_problems(categories: list[str]) -> list[str]:
    """Categories that are not in Apple Podcasts' list, each with the closest fix."""
    from audioguide.verify.check import APPLE_CATEGORIES

    problems = []
    for name in categories:
        top, _, sub = (part.strip() for part in name.partition("/"))
        if top not in APPLE_CATEGORIES:
            problems.append(f"show.categories: {top!r} is not an Apple Podcasts category "
                            f"(choose from {', '.join(sorted(APPLE_CATEGORIES))})")
        elif sub and sub not in APPLE_CATEGORIES[top]:
            subs = ", ".join(sorted(APPLE_CATEGORIES[top])) or "none"
            problems.append(f"show.categories: {sub!r} is not a subcategory of {top} (choose from {subs})")
    return problems


def parse_config(data: dict[str, Any], root: Path, path: Path | None = None) -> Config:
    """Build a :class:`Config` from parsed TOML, raising one :class:`ConfigError` with every problem."""
    problems: list[str] = []
    sections: dict[str, Any] = {}
    for name, raw in data.items():
        if name == "lexicon":
            sections[name] = parse_lexicon(raw, "lexicon", problems)
            continue
        if name not in SECTIONS:
            problems.append(f"[{name}] is not a section (known: {', '.join(SECTIONS)}, lexicon)")
            continue
        sections[name] = _build_section(name, SECTIONS[name], raw, problems)
    cfg = Config(root=root, **sections)
    if not cfg.show.base_url.endswith("/"):
        cfg = dataclasses.replace(cfg, show=dataclasses.replace(cfg.show, base_url=cfg.show.base_url + "/"))
    _validate(cfg, problems)
    if problems:
        raise ConfigError(problems, path=path)
    return cfg


def load_config(root: Path) -> Config:
    """Load ``root/audioguide.toml``; a folder without one gets the defaults."""
    path = root / CONFIG_NAME
    if not path.exists():
        return parse_config({}, root)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError([f"is not valid TOML ({exc}); fix the syntax"], path=path) from exc
    return parse_config(data, root, path)


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` holding ``audioguide.toml``, else ``start``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return start


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def commented_template(overrides: dict[str, dict[str, Any]] | None = None) -> str:
    """A complete ``audioguide.toml`` with every setting, its default and its documentation."""
    overrides = overrides or {}
    lines = ["# audioguide project settings. Every key is optional; the values shown are the defaults.",
             "# Documentation: the README's 'Settings' section.", ""]
    for name, cls in SECTIONS.items():
        lines += [f"# {(cls.__doc__ or '').replace('``', '')}", f"[{name}]"]
        default = cls()
        for f in dataclasses.fields(cls):
            value = overrides.get(name, {}).get(f.name, getattr(default, f.name))
            lines.append(f"# {f.metadata['doc']}")
            lines.append(f"{f.name} = {_toml_value(value)}")
        lines.append("")
    lines += ["# Pronunciation lexicon: word or phrase = \"respelling\", for every engine. Lowercase keys",
              "# match any capitalisation; keys with capitals match exactly. For Piper, phonemes:",
              "# gif = { say = \"jif\", piper = \"dʒˈɪf\" }", "[lexicon]", ""]
    return "\n".join(lines)
