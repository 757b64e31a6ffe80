"""Loading ``audioguide.toml`` into a :class:`~audioguide.settings.Config`.

A project is a folder holding ``audioguide.toml``, ``episodes/`` and ``output/``. Loading
validates the whole file against the typed schema in :mod:`audioguide.settings` and reports
every problem (with its key and the fix) in one error. This module sits above the stages: it
checks values against the limits they define (Apple's categories, MP3 bitrates, voice ranges).
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
import typing
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from audioguide.errors import ConfigError, InputError
from audioguide.layout import CONFIG_NAME, link_problem
from audioguide.lexicon import parse_lexicon
from audioguide.people import PERSON_ROLES, TEXT_LIMIT, WEB_URL, person_group
from audioguide.publish.podcast import (
    APPLE_CATEGORIES,
    EMAIL,
    MEDIUM_VALUES,
    RRULE,
    TXT_LIMIT,
    UUID_TEXT,
)
from audioguide.settings import (
    CLUSTER_ADDRESS,
    DURATION_FIX,
    INTRODUCTIONS,
    LANGUAGE,
    LOUDNESS_RANGE,
    MP3_BITRATE,
    SECTIONS,
    TRUE_PEAK_RANGE,
    VOICE_LIMITS,
    Config,
    ShowConfig,
    Source,
    opus_bitrate_problem,
    parse_duration,
    voice_value_problem,
)


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
    elif tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
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
    for key in VOICE_LIMITS:
        problem = voice_value_problem(key, getattr(cfg.voice, key), where="voice.")
        if problem:
            problems.append(problem)
    if not MP3_BITRATE.match(cfg.audio.bitrate):
        problems.append("audio.bitrate must be an MP3 bitrate such as 64k, 96k or 128k")
    opus_problem = opus_bitrate_problem(cfg.audio.opus_bitrate)
    if opus_problem:
        problems.append(opus_problem)
    if not LOUDNESS_RANGE[0] <= cfg.audio.loudness <= LOUDNESS_RANGE[1]:
        problems.append(f"audio.loudness must be between {LOUDNESS_RANGE[0]:g} and {LOUDNESS_RANGE[1]:g} "
                        "LUFS (podcasts use -16)")
    if not TRUE_PEAK_RANGE[0] <= cfg.audio.true_peak <= TRUE_PEAK_RANGE[1]:
        problems.append(f"audio.true_peak must be between {TRUE_PEAK_RANGE[0]:g} and "
                        f"{TRUE_PEAK_RANGE[1]:g} dBTP")
    if parse_duration(cfg.render.max_duration) is None:
        problems.append(f"render.max_duration {cfg.render.max_duration!r} must be {DURATION_FIX}")
    if not 1 <= cfg.cluster.timeout <= 3600:
        problems.append("cluster.timeout must be between 1 and 3600 seconds")
    if cfg.cluster.address.strip() and not CLUSTER_ADDRESS.match(cfg.cluster.address.strip()):
        problems.append(f"cluster.address {cfg.cluster.address!r} must be a Dask scheduler address "
                        "such as tcp://host:8786, or local:N")
    if cfg.guide.introduction not in INTRODUCTIONS:
        *first, last = (repr(v) for v in INTRODUCTIONS)
        problems.append(f"guide.introduction must be {', '.join(first)} or {last}, not "
                        f"{cfg.guide.introduction!r}")
    if not 1 <= cfg.guide.radius <= 10_000:
        problems.append(f"guide.radius must be between 1 and 10000 metres, not {cfg.guide.radius:g}")
    if cfg.show.type not in ("episodic", "serial"):
        problems.append("show.type must be 'episodic' or 'serial'")
    if not cfg.show.title.strip():
        problems.append("show.title is empty: give the show a name (the feed, the tags, the cover and the "
                        "site show it)")
    url = r"^https?://[^/\s]+(/\S*)?$"
    if not re.match(url, cfg.show.base_url):
        spaced = re.match(url, re.sub(r"\s", "%20", cfg.show.base_url.strip()))
        problems.append(f"show.base_url {cfg.show.base_url!r} has a space in it: write a space inside it as %20, "
                        "and none around it" if spaced else
                        "show.base_url must be a URL starting with http:// or https://")
    parts = urlsplit(cfg.show.base_url)
    if parts.query or parts.fragment:
        extra = "a query (?…)" if parts.query else "a fragment (#…)"
        problems.append(f"show.base_url {cfg.show.base_url!r} has {extra}: every address of the feed is made by "
                        "adding to it; give the folder's address without it")
    if cfg.show.owner_email and not EMAIL.match(cfg.show.owner_email):
        problems.append(f"show.owner_email {cfg.show.owner_email!r} is not an e-mail address")
    if not LANGUAGE.match(cfg.show.language):
        problems.append(f"show.language {cfg.show.language!r} must be a language code such as en or en-US")
    for key in ("intro", "outro"):
        try:
            getattr(cfg.show, key).format(show="Show", title="Title")
        except (KeyError, IndexError, ValueError, AttributeError) as exc:
            problems.append(f"show.{key} {getattr(cfg.show, key)!r} may only use {{show}} and {{title}} "
                            f"(write {{{{ and }}}} for literal braces; {type(exc).__name__}: {exc})")
    if cfg.show.guid and not UUID_TEXT.match(cfg.show.guid):
        problems.append(f"show.guid {cfg.show.guid!r} must be a UUID such as 9b024349-ccf0-5f69-a609-6b82873eab3c "
                        "(the podcast:guid the show was first published with), or empty")
    problems.extend(category_problems(cfg.show.categories))
    problems.extend(show_extra_problems(cfg.show))


def show_extra_problems(show: ShowConfig) -> list[str]:
    """What is wrong with the ``[show]`` settings of the Podcasting 2.0 channel tags and people,
    one line each.

    >>> show_extra_problems(ShowConfig(host="Ana", host_role="Author", medium="radio"))[0][:44]
    "show.host_role 'Author' is not a Cast role ("
    """
    problems = []
    cast = PERSON_ROLES["Cast"]
    if show.host and person_group(show.host_role, "Cast") is None:
        problems.append(f"show.host_role {show.host_role!r} is not a Cast role (choose from {', '.join(cast)})")
    for key in ("host_href", "host_img", "funding_url", "license_url", "new_feed_url"):
        value = getattr(show, key)
        if value and not WEB_URL.match(value):
            problems.append(f"show.{key} {value!r} must be an address starting with http:// or https://")
    for key in ("host", "funding_text", "txt_purpose", "license", "update_frequency", "season_name"):
        if len(getattr(show, key)) > TEXT_LIMIT:
            problems.append(f"show.{key} is {len(getattr(show, key))} characters; the namespace allows "
                            f"at most {TEXT_LIMIT}")
    if show.funding_url and not show.funding_text.strip():
        problems.append("show.funding_text must say what the funding link is, such as 'Support the show'")
    if len(show.txt) > TXT_LIMIT:
        problems.append(f"show.txt is {len(show.txt)} characters; podcast:txt allows at most {TXT_LIMIT}")
    if show.txt_purpose and not show.txt:
        problems.append("show.txt_purpose is set but show.txt is empty; set both, or neither")
    if show.medium and show.medium not in MEDIUM_VALUES:
        problems.append(f"show.medium {show.medium!r} is not a podcast:medium (choose from "
                        f"{', '.join(MEDIUM_VALUES)})")
    if show.license_url and not show.license:
        problems.append("show.license_url is set but show.license is empty; name the licence "
                        "(an SPDX identifier such as cc-by-4.0)")
    for entry in show.podroll:
        if not (WEB_URL.match(entry) or UUID_TEXT.match(entry)):
            problems.append(f"show.podroll: {entry!r} must be a feed address (http or https) or a "
                            "podcast:guid (a UUID)")
    if show.update_rrule and not RRULE.match(show.update_rrule):
        problems.append(f"show.update_rrule {show.update_rrule!r} must be an iCalendar RRULE such as "
                        "FREQ=WEEKLY or FREQ=MONTHLY;INTERVAL=2")
    if show.update_rrule and not show.update_frequency:
        problems.append("show.update_rrule needs show.update_frequency, the same in words (such as Weekly)")
    if show.season < 0:
        problems.append(f"show.season must be a season number from 1, or 0 for none, not {show.season}")
    if show.season_name and not show.season:
        problems.append("show.season_name is set but show.season is 0; set the season's number too")
    if show.locked and not show.owner_email:
        problems.append("show.locked needs show.owner_email: podcast:locked names the owner, whom a host "
                        "asks before the feed may move")
    return problems


def category_problems(categories: list[str]) -> list[str]:
    """Categories that are not in Apple Podcasts' list, each with the closest fix."""
    problems = []
    for name in categories:
        top, _, sub = (part.strip() for part in name.partition("/"))
        if top not in APPLE_CATEGORIES:
            spelled = {c.casefold(): c for c in APPLE_CATEGORIES}.get(top.casefold())
            problems.append(f"show.categories: {top!r} is not an Apple Podcasts category "
                            + (f"(write {spelled!r}: Apple's spelling)" if spelled else
                               f"(choose from {', '.join(sorted(APPLE_CATEGORIES))})"))
        elif sub and sub not in APPLE_CATEGORIES[top]:
            spelled = {c.casefold(): c for c in APPLE_CATEGORIES[top]}.get(sub.casefold())
            subs = ", ".join(sorted(APPLE_CATEGORIES[top])) or "none"
            problems.append(f"show.categories: {sub!r} is not a subcategory of {top} "
                            + (f"(write {spelled!r}: Apple's spelling)" if spelled else f"(choose from {subs})"))
    return problems


def parse_sources(raw: Any, problems: list[str]) -> tuple[Source, ...]:
    """``[sources]``: each key names a source, its value is where it is (an address, a feed file or
    a folder).

    >>> parse_sources({"blog": "https://example.com/feed.xml", "posts": " ../site/content "}, [])
    (Source(name='blog', location='https://example.com/feed.xml'), Source(name='posts', location='../site/content'))
    >>> problems = []; parse_sources({"blog": 3}, problems); problems
    ()
    ['sources.blog must be a feed or page address, a feed file or a folder of posts, as a string']
    """
    if not isinstance(raw, dict):
        problems.append('[sources] must be a table of name = "address or folder" entries')
        return ()
    found = []
    for name, value in raw.items():
        if not isinstance(value, str) or not value.strip():
            problems.append(f"sources.{name} must be a feed or page address, a feed file or a folder of posts, "
                            "as a string")
            continue
        found.append(Source(name, value.strip()))
    return tuple(found)


def parse_config(data: dict[str, Any], root: Path, path: Path | None = None) -> Config:
    """Build a :class:`Config` from parsed TOML, raising one :class:`ConfigError` with every problem."""
    problems: list[str] = []
    sections: dict[str, Any] = {}
    for name, raw in data.items():
        if name == "lexicon":
            sections[name] = parse_lexicon(raw, "lexicon", problems)
            continue
        if name == "sources":
            sections[name] = parse_sources(raw, problems)
            continue
        if name not in SECTIONS:
            problems.append(f"[{name}] is not a section (known: {', '.join(SECTIONS)}, lexicon, sources)")
            continue
        sections[name] = _build_section(name, SECTIONS[name], raw, problems)
    cfg = Config(root=root, **sections)
    cfg = dataclasses.replace(cfg, show=dataclasses.replace(cfg.show, base_url=_folder_url(cfg.show.base_url),
                                                            guid=cfg.show.guid.lower()))  # as apps index it
    _validate(cfg, problems)
    if problems:
        raise ConfigError(problems, path=path)
    return cfg


def _folder_url(url: str) -> str:
    """``url`` as the feed's addresses start: ending in ``/``, its host and path in ASCII (a
    podcast app may not fetch ``…/Ünï/episodes/a.mp3``; it fetches ``…/%C3%9Cn%C3%AF/…``).

    >>> _folder_url("https://Bücher.example/Shows/Ünï")
    'https://xn--bcher-kva.example/Shows/%C3%9Cn%C3%AF/'
    """
    url = url if url.endswith("/") else url + "/"
    if url.isascii():
        return url
    parts = urlsplit(url)
    try:
        host = parts.netloc.encode("idna").decode("ascii")
    except UnicodeError:
        return url  # the check of base_url names it
    path = re.sub(r"[^\x00-\x7f]+", lambda m: quote(m.group()), parts.path)
    return urlunsplit((parts.scheme, host, path, parts.query, parts.fragment))


def load_config(root: Path) -> Config:
    """Load ``root/audioguide.toml``; a folder without one gets the defaults."""
    path = root / CONFIG_NAME
    said = unusable(path)
    if said is not None:
        raise said
    if not path.exists():
        return parse_config({}, root)
    try:  # utf-8-sig: Windows Notepad starts the UTF-8 it saves with an invisible byte-order mark
        text = path.read_text(encoding="utf-8-sig")
        data = tomllib.loads(text)
    except OSError as exc:
        raise ConfigError([f"cannot be read ({exc.strerror}); make it readable"], path=path) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError([f"is not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8"],
                          path=path) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"is not valid TOML ({exc}); fix the syntax"], path=path) from exc
    if not text.strip():
        # a file emptied by accident (a failed save, '> audioguide.toml') read as every default:
        # the piper voice and "Untitled show", every episode rendered again and the feed retitled.
        # One holding only comments is read as the defaults: it says so on purpose.
        raise ConfigError(["is empty; restore it (from version control or a backup), or delete it and run "
                           "audioguide init to write a new one"], path=path)
    return parse_config(data, root, path)


SETTINGS_FIX = "replace it with the project's settings file (audioguide init writes one)"


def unusable(path: Path) -> InputError | None:
    """What keeps the ``audioguide.toml`` at ``path`` from being read although something is
    there: a broken link, a link loop, a folder; ``None`` for a file, or nothing. Such a one
    is the project's all the same: skipped, every command worked on the project in a folder
    above (rendering, pruning and unpublishing there), or on the defaults."""
    said = link_problem(path, fix=SETTINGS_FIX)
    if said is None and path.exists() and not path.is_file():
        said = InputError("is a folder, not a file" if path.is_dir() else "is not a file", path=path,
                          fix=f"move it out of the way and put the project's settings in a file {path.name} "
                              "(audioguide init writes one)")
    return said


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``audioguide.toml``, if any; one that
    is there but cannot be read stops the search (:func:`unusable`)."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
        said = unusable(folder / CONFIG_NAME)
        if said is not None:
            raise said
    return None


def project_root(given: Path | None, cwd: Path, *, required: bool = True) -> Path:
    """The project a command works on: the folder ``-C`` gave, else the nearest one at or above
    ``cwd`` with ``audioguide.toml``. Without ``required`` (commands that only read settings),
    a folder without one stands for a project with the defaults.

    A typo in ``-C``, or a command run outside any project, is one line saying so, before
    anything is written: a render there used to create the folder, ``.cache/`` in it, and blame
    a missing ``episodes/``.
    """
    if given is not None:
        if not given.is_dir():
            raise InputError("does not exist" if not given.exists() else "is not a folder", path=given,
                             fix="check the folder given to -C, or make a project there with: audioguide init DIR")
        said = unusable(given / CONFIG_NAME)
        if said is not None:
            raise said
        if required and not (given / CONFIG_NAME).is_file():
            raise InputError(f"has no {CONFIG_NAME}", path=given,
                             fix=f"audioguide init {given} makes it a project, or give -C the project's folder")
        return given.resolve()
    found = find_root(cwd)
    if found is None and required:
        raise InputError(f"no {CONFIG_NAME} here or in any folder above", path=cwd,
                         fix="audioguide init makes this folder a project, or pass -C PROJECT_FOLDER")
    return found or cwd.resolve()


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
              "# match any capitalisation; keys with capitals match as written or in capitals. Piper:",
              "# gif = { say = \"jif\", piper = \"dʒˈɪf\" }", "[lexicon]", "",
              "# Where `audioguide sync` finds articles: name = a feed's or page's address, a feed file, or a",
              "# folder of Markdown posts (Hugo, Jekyll, Eleventy, MkDocs blog), relative to this file.",
              "# blog = \"https://example.com/feed.xml\"", "[sources]", ""]
    return "\n".join(lines)
