"""What the rule groups of ``check`` share: :class:`Problem`, the :class:`SiteCheck` context (the
site folder, its base URL, the loudness it was rendered for and the problems found so far),
:class:`ItemFacts` and small helpers for reading the feed's XML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from lxml import etree

from audioguide.layout import FEED, Output

RERENDER = "Run audioguide render again"
"""The usual fix: the feed and the files beside it are rebuilt from the episodes."""
THEN_RERENDER = f"then {RERENDER.lower()}"

Namespaces = str | tuple[str, ...] | None
"""One XML namespace URI, several accepted ones, or None for elements without a namespace."""


@dataclass(frozen=True)
class Problem:
    """One thing a podcast directory or app would reject or show wrongly."""

    where: str
    """The file, and inside ``feed.xml`` the channel or item, where the problem is."""
    message: str
    """What is wrong, as one sentence without a final full stop."""
    fix: str
    """What to do about it."""

    def __str__(self) -> str:
        return f"{self.where}: {self.message.rstrip('.')}. Fix: {self.fix.rstrip('.')}."


@dataclass
class SiteCheck:
    """One feed of a run of :func:`~audioguide.verify.check.check_site`: the site, the feed and
    what was found."""

    root: Path
    loudness: float
    """Target integrated loudness the audio was rendered for, in LUFS."""
    true_peak: float
    """Highest allowed true peak, in dBTP."""
    given_base: str | None = None
    """``show.base_url`` as given to ``check``, ending in a slash; None when not given."""
    feed: str = FEED
    """The feed checked, relative to ``root``: ``feed.xml``, or a guide's ``guides/<slug>/feed.xml``."""
    base: str | None = None
    """The URL the site is served from: ``given_base``, or else what the feed's self link says."""
    problems: list[Problem] = field(default_factory=list)
    foreign_urls: list[str] = field(default_factory=list)
    """Local file URLs that do not start with ``given_base``."""

    def __post_init__(self) -> None:
        self.root_real = self.root.resolve()
        self.output = Output(self.root)
        if self.base is None:
            self.base = self.given_base

    @property
    def channel(self) -> str:
        """Where channel problems are: ``feed.xml <channel>``."""
        return f"{self.feed} <channel>"

    def add(self, where: str, message: str, fix: str) -> None:
        self.problems.append(Problem(where, message, fix))

    def rel(self, path: Path) -> str:
        """``path`` relative to the site root, for :attr:`Problem.where`."""
        try:
            return path.resolve().relative_to(self.root_real).as_posix()
        except ValueError:
            return str(path)

    def local_file(self, url: str) -> Path | None:
        """The file in the site root that ``url`` is served from, or None when there is none.

        A URL under the base URL maps directly; any other URL is tried by the longest tail
        of its path that exists in the root (down to the bare file name).
        """
        if self.base and url.startswith(self.base):
            tails = [unquote(urlsplit(url[len(self.base):]).path)]
        else:
            if self.given_base:
                self.foreign_urls.append(url)
            names = [p for p in unquote(urlsplit(url).path).split("/") if p]
            tails = ["/".join(names[i:]) for i in range(len(names))]
        for tail in tails:
            parts = PurePosixPath(tail).parts
            if not parts or any(p in ("..", ".") or p.startswith("/") for p in parts):
                continue
            candidate = self.root.joinpath(*parts)
            try:
                if candidate.resolve().is_relative_to(self.root_real) and candidate.is_file():
                    return candidate
            except (OSError, ValueError):  # unreadable, or a NUL byte in the URL
                continue
        return None


@dataclass(frozen=True)
class ItemFacts:
    """What the item rules learnt about one ``<item>`` that the sidecar rules need."""

    where: str
    """``feed.xml item N ('title')``."""
    slug: str | None
    """The episode's slug (its audio file's name without the extension), if it has audio."""
    duration: float | None
    """Seconds of audio, when the audio file is in the site and readable."""


def local_name(tag: str) -> str:
    return str(etree.QName(tag).localname)


def namespace(el: etree._Element) -> str | None:
    uri = etree.QName(el).namespace
    return None if uri is None else str(uri)


def clean(text: str | None) -> str:
    return (text or "").strip()


def children(el: etree._Element, ns: Namespaces, name: str) -> list[etree._Element]:
    """Direct children of ``el`` called ``name`` in namespace ``ns`` (None: no namespace)."""
    spaces = (ns,) if ns is None or isinstance(ns, str) else ns
    return [c for c in el if isinstance(c.tag, str) and local_name(c.tag) == name
            and namespace(c) in spaces]


def child(el: etree._Element, ns: Namespaces, name: str) -> etree._Element | None:
    """The first such child, or None."""
    found = children(el, ns, name)
    return found[0] if found else None


def text(el: etree._Element, ns: Namespaces, name: str) -> str:
    """The stripped text of the first such child; empty when there is none."""
    found = child(el, ns, name)
    return clean(found.text) if found is not None else ""
