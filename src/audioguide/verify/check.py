"""Validate a built site the way Apple Podcasts and Podcasting 2.0 apps would read it.

:func:`check_site` reads ``output/feed.xml`` and every local file it names (artwork, audio,
transcripts, chapters, episode records) and returns a list of :class:`Problem`, each with where
it is, what is wrong and how to fix it. A problem in the site never raises; only a folder that
holds no ``feed.xml`` at all is an :class:`~audioguide.errors.InputError`.

Sources of the rules:

* Apple Podcasts' RSS feed requirements and its category list
  (podcasters.apple.com, "Apple Podcasts categories"; the 2019 list of 19 categories, which
  is still current).
* The Podcasting 2.0 namespace (github.com/Podcastindex-org/podcast-namespace):
  ``podcast:guid`` is a UUIDv5 of the feed URL with the scheme and trailing slashes stripped,
  in the namespace ``ead4c236-bf58-58c6-a2c6-a6b28d128cb6``; ``podcast:transcript``,
  ``podcast:chapters`` and the JSON chapters format.
* Podlove Simple Chapters (``psc:chapters``).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

from audioguide.errors import InputError
from audioguide.publish.feed import podcast_guid
from audioguide.publish.publish import GUIDS

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = ("https://podcastindex.org/namespace/1.0",
              "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md")
"""The Podcasting 2.0 namespace URI, and the older one some feeds still declare."""
ATOM_NS = "http://www.w3.org/2005/Atom"
PSC_NS = "http://podlove.org/simple-chapters"

LOUDNESS_TARGET = -16.0
LOUDNESS_TOLERANCE = 1.0
TRUE_PEAK_MAX = -1.0
ARTWORK_MIN, ARTWORK_MAX = 1400, 3000
DURATION_TOLERANCE = 2.0

APPLE_CATEGORIES: dict[str, set[str]] = {
    "Arts": {"Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"},
    "Business": {"Careers", "Entrepreneurship", "Investing", "Management", "Marketing",
                 "Non-Profit"},
    "Comedy": {"Comedy Interviews", "Improv", "Stand-Up"},
    "Education": {"Courses", "How To", "Language Learning", "Self-Improvement"},
    "Fiction": {"Comedy Fiction", "Drama", "Science Fiction"},
    "Government": set(),
    "History": set(),
    "Health & Fitness": {"Alternative Health", "Fitness", "Medicine", "Mental Health",
                         "Nutrition", "Sexuality"},
    "Kids & Family": {"Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"},
    "Leisure": {"Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies",
                "Home & Garden", "Video Games"},
    "Music": {"Music Commentary", "Music History", "Music Interviews"},
    "News": {"Business News", "Daily News", "Entertainment News", "News Commentary", "Politics",
             "Sports News", "Tech News"},
    "Religion & Spirituality": {"Buddhism", "Christianity", "Hinduism", "Islam", "Judaism",
                                "Religion", "Spirituality"},
    "Science": {"Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics",
                "Natural Sciences", "Nature", "Physics", "Social Sciences"},
    "Society & Culture": {"Documentary", "Personal Journals", "Philosophy", "Places & Travel",
                          "Relationships"},
    "Sports": {"Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf",
               "Hockey", "Rugby", "Running", "Soccer", "Swimming", "Tennis", "Volleyball",
               "Wilderness", "Wrestling"},
    "Technology": set(),
    "True Crime": set(),
    "TV & Film": {"After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"},
}
"""Apple Podcasts categories: top-level category -> its subcategories (names are case-sensitive)."""

ENCLOSURE_TYPES: dict[str, set[str]] = {
    ".mp3": {"audio/mpeg"},
    ".m4a": {"audio/x-m4a", "audio/mp4"},
    ".m4b": {"audio/mp4", "audio/x-m4a"},
}
"""Audio file extension -> the enclosure ``type`` values Apple accepts for it."""

TRANSCRIPT_TYPES: dict[str, str] = {
    ".vtt": "text/vtt",
    ".srt": "application/x-subrip",
    ".html": "text/html",
    ".htm": "text/html",
    ".json": "application/json",
    ".txt": "text/plain",
}
"""Transcript file extension -> its ``podcast:transcript`` type."""

CHAPTERS_TYPES = {"application/json+chapters", "application/json"}
"""Accepted ``podcast:chapters`` types; the spec prefers ``application/json+chapters``."""

RERENDER = "Run audioguide render again"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_RFC2822 = re.compile(
    r"^(?:(?P<dow>Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(?P<day>\d{1,2}) (?P<mon>"
    + "|".join(_MONTHS)
    + r") (?P<year>\d{4}) (?P<h>\d{2}):(?P<m>\d{2})(?::(?P<s>\d{2}))? "
    r"(?P<zone>[+-]\d{4}|GMT|UT|EST|EDT|CST|CDT|MST|MDT|PST|PDT)$"
)
_PSC_TIME = re.compile(r"^(\d{2}):([0-5]\d):([0-5]\d)\.(\d{3})$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


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


def format_problems(problems: list[Problem]) -> str:
    """One line per problem: ``where: message. Fix: fix``."""
    return "\n".join(str(p) for p in problems)


def check_site(root: Path, *, base_url: str | None = None) -> list[Problem]:
    """Every problem of the site in ``root`` (``feed.xml`` and the files it links), in feed order.

    ``base_url`` is where the site is published (``show.base_url``); when given, the feed's
    self link, ``podcast:guid`` and every local URL are checked against it. Without it, the
    feed's own ``atom:link rel="self"`` stands in for it.
    """
    root = Path(root)
    feed = root / "feed.xml"
    if not feed.is_file():
        raise InputError("has no feed.xml", path=root,
                         fix="Run audioguide render first, or point at the output folder")
    return _SiteChecker(root, base_url).run()


def _local(tag: str) -> str:
    return etree.QName(tag).localname


def _ns(el: etree._Element) -> str | None:
    return etree.QName(el).namespace


def _clean(text: str | None) -> str:
    return (text or "").strip()


class _SiteChecker:
    """Walks one feed and collects problems; one instance per :func:`check_site` call."""

    def __init__(self, root: Path, base_url: str | None) -> None:
        self.root = root
        self.root_real = root.resolve()
        self.given_base = self._with_slash(base_url) if base_url else None
        self.base: str | None = self.given_base
        self.problems: list[Problem] = []
        self.foreign_urls: list[str] = []

    # -- helpers ------------------------------------------------------------------------------

    @staticmethod
    def _with_slash(url: str) -> str:
        return url if url.endswith("/") else url + "/"

    def add(self, where: str, message: str, fix: str) -> None:
        self.problems.append(Problem(where, message, fix))

    def children(self, el: etree._Element, ns: str | tuple[str, ...] | None,
                 name: str) -> list[etree._Element]:
        """Direct children of ``el`` called ``name`` in namespace ``ns`` (None: no namespace)."""
        spaces = (ns,) if ns is None or isinstance(ns, str) else ns
        return [c for c in el if isinstance(c.tag, str) and _local(c.tag) == name
                and _ns(c) in spaces]

    def child(self, el: etree._Element, ns: str | tuple[str, ...] | None,
              name: str) -> etree._Element | None:
        found = self.children(el, ns, name)
        return found[0] if found else None

    def text(self, el: etree._Element, ns: str | tuple[str, ...] | None, name: str) -> str:
        found = self.child(el, ns, name)
        return _clean(found.text) if found is not None else ""

    def rel(self, path: Path) -> str:
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
            parts = [p for p in unquote(urlsplit(url).path).split("/") if p]
            tails = ["/".join(parts[i:]) for i in range(len(parts))]
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

    # -- the whole feed -----------------------------------------------------------------------

    def run(self) -> list[Problem]:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
        try:
            tree = etree.parse(str(self.root / "feed.xml"), parser)
        except etree.XMLSyntaxError as exc:
            self.add("feed.xml", f"is not well-formed XML ({exc})",
                     f"{RERENDER}; if you edited feed.xml by hand, fix the XML at that line")
            return self.problems
        rss = tree.getroot()
        channel = self.child(rss, None, "channel") if _local(rss.tag) == "rss" else None
        if channel is None:
            self.add("feed.xml", "is not an RSS 2.0 feed (no <rss><channel>)", RERENDER)
            return self.problems
        self.check_channel(channel)
        self.check_artwork(channel)
        self.check_items(channel)
        if self.foreign_urls:
            self.add("feed.xml", f"{len(self.foreign_urls)} URL(s) do not start with base_url "
                     f"{self.given_base} (first: {self.foreign_urls[0]})",
                     f"{RERENDER} after setting show.base_url in audioguide.toml to where the "
                     "site is served")
        return self.problems

    # -- channel ------------------------------------------------------------------------------

    def check_channel(self, ch: etree._Element) -> None:
        where = "feed.xml <channel>"
        required = {
            "title": "Set show.title in audioguide.toml",
            "description": "Set show.description in audioguide.toml",
            "link": "Set show.link (or show.base_url) in audioguide.toml",
            "language": "Set show.language in audioguide.toml (en, en-US, de)",
        }
        for tag, fix in required.items():
            if not self.text(ch, None, tag):
                self.add(where, f"<{tag}> is missing or empty", f"{fix}, then {RERENDER.lower()}")
        language = self.text(ch, None, "language")
        if language and not _LANGUAGE.match(language):
            self.add(where, f"<language> {language!r} is not a language code",
                     "Set show.language to an ISO 639 code such as en or en-US")

        image = self.child(ch, ITUNES_NS, "image")
        if image is None or not _clean(image.get("href")):
            self.add(where, "<itunes:image href> is missing",
                     "Set show.image to a square JPEG or PNG (1400-3000 px), or leave it empty "
                     f"for the generated cover, then {RERENDER.lower()}")

        self.check_categories(ch, where)

        explicit = self.child(ch, ITUNES_NS, "explicit")
        if explicit is None:
            self.add(where, "<itunes:explicit> is missing",
                     f"Set show.explicit to true or false, then {RERENDER.lower()}")
        elif _clean(explicit.text) not in ("true", "false"):
            self.add(where, f"<itunes:explicit> is {_clean(explicit.text)!r}, Apple accepts only "
                     "'true' or 'false'",
                     f"Set show.explicit to true or false, then {RERENDER.lower()}")

        if not self.text(ch, ITUNES_NS, "author"):
            self.add(where, "<itunes:author> is missing or empty",
                     f"Set show.author in audioguide.toml, then {RERENDER.lower()}")

        owner = self.child(ch, ITUNES_NS, "owner")
        if owner is None:
            self.add(where, "<itunes:owner> is missing (Apple uses it to verify the show)",
                     f"Set show.owner_name and show.owner_email, then {RERENDER.lower()}")
        else:
            mail = self.text(owner, ITUNES_NS, "email")
            if not mail:
                self.add(where, "<itunes:owner> has no <itunes:email>",
                         f"Set show.owner_email in audioguide.toml, then {RERENDER.lower()}")
            elif not _EMAIL.match(mail):
                self.add(where, f"<itunes:email> {mail!r} is not an e-mail address",
                         "Fix show.owner_email in audioguide.toml")

        kind = self.child(ch, ITUNES_NS, "type")
        if kind is None or _clean(kind.text) not in ("episodic", "serial"):
            got = "missing" if kind is None else repr(_clean(kind.text))
            self.add(where, f"<itunes:type> is {got}, it must be 'episodic' or 'serial'",
                     f"Set show.type in audioguide.toml, then {RERENDER.lower()}")

        self_url = self.check_self_link(ch, where)
        self.check_podcast_guid(ch, where, self_url)

        locked = self.child(ch, PODCAST_NS, "locked")
        if locked is None:
            self.add(where, "<podcast:locked> is missing",
                     f"{RERENDER}; it writes <podcast:locked>yes</podcast:locked> so no one can "
                     "import the show into another host")
        elif _clean(locked.text) not in ("yes", "no"):
            self.add(where,
                     f"<podcast:locked> is {_clean(locked.text)!r}, it must be 'yes' or 'no'",
                     RERENDER)

    def check_categories(self, ch: etree._Element, where: str) -> None:
        tops = self.children(ch, ITUNES_NS, "category")
        if not tops:
            self.add(where, "no <itunes:category>; Apple needs at least one",
                     "Add show.categories to audioguide.toml, e.g. ['Education/Courses']")
            return
        fold = {name.casefold(): name for name in APPLE_CATEGORIES}
        for top in tops:
            name = top.get("text", "")
            if name not in APPLE_CATEGORIES:
                close = fold.get(name.casefold())
                hint = f"use {close!r} (names are case-sensitive)" if close else (
                    "choose one of " + ", ".join(sorted(APPLE_CATEGORIES)))
                self.add(where, f"itunes:category {name!r} is not an Apple Podcasts category",
                         f"Change show.categories in audioguide.toml: {hint}")
                continue
            for sub in self.children(top, ITUNES_NS, "category"):
                sub_name = sub.get("text", "")
                if sub_name not in APPLE_CATEGORIES[name]:
                    subs = APPLE_CATEGORIES[name]
                    hint = (f"subcategories of {name} are {', '.join(sorted(subs))}" if subs
                            else f"{name} has no subcategories, use just {name!r}")
                    self.add(where,
                             f"itunes:category {sub_name!r} is not a subcategory of {name!r}",
                             f"Change show.categories in audioguide.toml: {hint}")

    def check_self_link(self, ch: etree._Element, where: str) -> str | None:
        links = [a for a in self.children(ch, ATOM_NS, "link") if a.get("rel") == "self"]
        href = _clean(links[0].get("href")) if links else ""
        if not href:
            self.add(where, '<atom:link rel="self"> is missing',
                     f"{RERENDER}; apps use it to find the feed's canonical URL")
            return None
        if self.given_base:
            expected = self.given_base + "feed.xml"
            if href != expected:
                self.add(where, f'<atom:link rel="self"> is {href}, not {expected}',
                         f"{RERENDER} so the feed is written for show.base_url {self.given_base}")
        elif href.endswith("/feed.xml"):
            self.base = href[: -len("feed.xml")]
        return href

    def check_podcast_guid(self, ch: etree._Element, where: str, self_url: str | None) -> None:
        feed_url = self.given_base + "feed.xml" if self.given_base else self_url
        guid = self.text(ch, PODCAST_NS, "guid")
        if not guid:
            self.add(where, "<podcast:guid> is missing",
                     f"{RERENDER}; it writes the UUIDv5 of the feed URL")
            return
        if not _UUID.match(guid):
            self.add(where, f"<podcast:guid> {guid!r} is not a UUID",
                     f"{RERENDER}; it writes the UUIDv5 of the feed URL")
            return
        if feed_url:
            expected = podcast_guid(feed_url)
            if guid.lower() != expected:
                self.add(where, f"<podcast:guid> is {guid}, but the Podcasting 2.0 guid of "
                         f"{feed_url} is {expected}",
                         f"{RERENDER}; if the show moved here from another feed URL, keep its old "
                         "guid and ignore this")

    # -- artwork ------------------------------------------------------------------------------

    def check_artwork(self, ch: etree._Element) -> None:
        image = self.child(ch, ITUNES_NS, "image")
        href = _clean(image.get("href")) if image is not None else ""
        if not href:
            return  # already reported
        path = self.local_file(href)
        if path is None:
            self.add("feed.xml <channel>", f"the cover art {href} is not in the site",
                     f"{RERENDER}; it copies show.image (or the generated cover) into output/")
            return
        where = self.rel(path)
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(path) as img:
                fmt, mode, (w, h) = img.format, img.mode, img.size
                transparent = "transparency" in img.info
        except (UnidentifiedImageError, OSError) as exc:
            self.add(where, f"is not a readable image ({exc})",
                     "Use a square JPEG or PNG of 1400-3000 px as show.image")
            return
        fix_image = ("Export the cover as a square RGB JPEG or PNG of 1400-3000 px "
                     "and set show.image")
        if fmt not in ("JPEG", "PNG"):
            self.add(where, f"is {fmt}, Apple accepts only JPEG or PNG", fix_image)
        else:
            suffix = path.suffix.lower()
            want = (".jpg", ".jpeg") if fmt == "JPEG" else (".png",)
            if suffix not in want:
                self.add(where, f"is a {fmt} file named {suffix or 'without an extension'}",
                         f"Rename it to end in {want[0]} (Apple checks that the extension matches)")
        if mode == "CMYK":
            self.add(where, "is CMYK, Apple needs RGB", fix_image)
        elif mode in ("RGBA", "LA", "PA", "La", "RGBa") or (mode == "P" and transparent):
            self.add(where, f"has an alpha channel ({mode}), Apple needs RGB without transparency",
                     "Flatten the cover onto a background and save it as RGB")
        elif mode != "RGB":
            self.add(where, f"is in {mode} colour mode, Apple needs RGB", fix_image)
        if w != h:
            self.add(where, f"is {w}x{h}, Apple needs a square image", fix_image)
        if min(w, h) < ARTWORK_MIN or max(w, h) > ARTWORK_MAX:
            self.add(where, f"is {w}x{h} px, Apple needs {ARTWORK_MIN}-{ARTWORK_MAX} px", fix_image)

    # -- items --------------------------------------------------------------------------------

    def check_items(self, ch: etree._Element) -> None:
        items = self.children(ch, None, "item")
        recorded = self.read_guid_record()
        seen: dict[str, int] = {}
        for number, item in enumerate(items, start=1):
            title = self.text(item, None, "title")
            where = f"feed.xml item {number}" + (f" ({title!r})" if title else "")
            if not title:
                self.add(where, "<title> is missing or empty",
                         f"Give the episode a title in its front matter, then {RERENDER.lower()}")
            guid = self.text(item, None, "guid")
            if not guid:
                self.add(where, "<guid> is missing; apps cannot tell episodes apart",
                         f"{RERENDER}; it writes a stable guid for every episode")
            elif guid in seen:
                self.add(where, f"<guid> {guid!r} is the same as item {seen[guid]}'s; apps will "
                         "show only one of them", "Give one of the episodes its own guid in its "
                         "front matter, then " + RERENDER.lower())
            else:
                seen[guid] = number
            self.check_pubdate(item, where)
            duration, slug = self.check_enclosure(item, where)
            if slug and guid and slug in recorded and recorded[slug] != guid:
                self.add(where, f"guid changed since it was published ({recorded[slug]!r} -> "
                         f"{guid!r}): podcast apps will show it as a new episode",
                         f"Set guid: {recorded[slug]} in the front matter of episode {slug!r}, "
                         "then " + RERENDER.lower())
            self.check_episode_number(item, where)
            self.check_transcripts(item, where)
            self.check_chapters(item, where, duration)
            self.check_psc(item, where)
            if slug:
                self.check_loudness(slug)

    def read_guid_record(self) -> dict[str, str]:
        path = self.root / GUIDS
        if not path.is_file():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            self.add(GUIDS, f"is not valid JSON ({exc})",
                     "Restore it from your backup or version control: it keeps published guids")
            return {}
        if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                 for k, v in data.items()):
            self.add(GUIDS, "is not a JSON object of slug -> guid",
                     "Restore it from your backup or version control: it keeps published guids")
            return {}
        return data

    def check_pubdate(self, item: etree._Element, where: str) -> None:
        text = self.text(item, None, "pubDate")
        fix = f"Set date: YYYY-MM-DD in the episode's front matter, then {RERENDER.lower()}"
        if not text:
            self.add(where, "<pubDate> is missing", fix)
            return
        match = _RFC2822.match(text)
        if not match:
            self.add(where, f"<pubDate> {text!r} is not an RFC 2822 date "
                     "(like 'Wed, 02 Oct 2024 08:00:00 +0000')", fix)
            return
        try:
            when = email.utils.parsedate_to_datetime(text)
            dt.date(int(match["year"]), _MONTHS.index(match["mon"]) + 1, int(match["day"]))
        except (TypeError, ValueError):
            self.add(where, f"<pubDate> {text!r} is not a real date", fix)
            return
        if int(match["h"]) > 23 or int(match["m"]) > 59 or int(match["s"] or 0) > 60:
            self.add(where, f"<pubDate> {text!r} has an impossible time", fix)
        elif match["dow"] and _DAYS[when.weekday()] != match["dow"]:
            self.add(where, f"<pubDate> {text!r} says {match['dow']} but that date is a "
                     f"{_DAYS[when.weekday()]}", fix)

    def check_enclosure(self, item: etree._Element, where: str) -> tuple[float | None, str | None]:
        """Check the enclosure and duration; return the audio's duration and the episode slug."""
        enclosure = self.child(item, None, "enclosure")
        if enclosure is None:
            self.add(where, "<enclosure> is missing; there is nothing to play",
                     f"{RERENDER}")
            return None, None
        url = _clean(enclosure.get("url"))
        kind = _clean(enclosure.get("type"))
        length = _clean(enclosure.get("length"))
        if not url:
            self.add(where, "<enclosure> has no url", RERENDER)
            return None, None
        name = PurePosixPath(unquote(urlsplit(url).path)).name
        slug = PurePosixPath(name).stem or None
        suffix = PurePosixPath(name).suffix.lower()
        allowed = ENCLOSURE_TYPES.get(suffix)
        if allowed is None:
            self.add(where, f"enclosure {name!r} is not an MP3, M4A or M4B file",
                     "Publish audio as .mp3 (audio/mpeg)")
        elif kind not in allowed:
            self.add(where, f"enclosure type is {kind or 'missing'!r}, a {suffix} file needs "
                     + " or ".join(sorted(allowed)), RERENDER)
        path = self.local_file(url)
        if path is None:
            self.add(where, f"the enclosure {url} is not in the site",
                     f"{RERENDER}; every item needs its audio file under output/")
            self.check_duration(item, where, None)
            return None, slug
        size = path.stat().st_size
        if not length.isdigit():
            self.add(where, f"enclosure length is {length or 'missing'!r}, it must be the file's "
                     "size in bytes", RERENDER)
        elif int(length) != size:
            self.add(where, f"enclosure length is {int(length)} bytes but {self.rel(path)} has "
                     f"{size}", f"{RERENDER} so the feed matches the audio file")
        return self.check_duration(item, where, path), slug

    def audio_seconds(self, path: Path, where: str) -> float | None:
        import mutagen
        from mutagen.mp3 import MP3

        try:
            audio = MP3(path) if path.suffix.lower() == ".mp3" else mutagen.File(path)
        except (mutagen.MutagenError, OSError) as exc:
            self.add(where, f"{self.rel(path)} is not readable audio ({exc})", RERENDER)
            return None
        if audio is None or not getattr(audio.info, "length", 0):
            self.add(where, f"{self.rel(path)} is not readable audio", RERENDER)
            return None
        return float(audio.info.length)

    def check_duration(self, item: etree._Element, where: str, path: Path | None) -> float | None:
        seconds = self.audio_seconds(path, where) if path is not None else None
        text = self.text(item, ITUNES_NS, "duration")
        if not text:
            self.add(where, "<itunes:duration> is missing", RERENDER)
        elif not text.isdigit():
            self.add(where, f"<itunes:duration> {text!r} is not a whole number of seconds",
                     RERENDER)
        elif seconds is not None and abs(int(text) - seconds) > DURATION_TOLERANCE:
            self.add(where, f"<itunes:duration> is {int(text)} s but the audio lasts "
                     f"{seconds:.1f} s", f"{RERENDER} so the feed matches the audio file")
        return seconds

    def check_episode_number(self, item: etree._Element, where: str) -> None:
        number = self.child(item, ITUNES_NS, "episode")
        if number is None:
            return
        text = _clean(number.text)
        if not text.isdigit() or int(text) < 1:
            self.add(where, f"<itunes:episode> {text!r} is not a positive whole number",
                     "Set episode: to a number from 1 in the front matter, or remove it")

    def check_linked(self, url: str, where: str, what: str) -> Path | None:
        if not url:
            self.add(where, f"{what} has no url", RERENDER)
            return None
        path = self.local_file(url)
        if path is None:
            self.add(where, f"{what} {url} is not in the site",
                     f"{RERENDER}; it writes the file next to the audio")
        return path

    def check_transcripts(self, item: etree._Element, where: str) -> None:
        for el in self.children(item, PODCAST_NS, "transcript"):
            url, kind = _clean(el.get("url")), _clean(el.get("type"))
            path = self.check_linked(url, where, "podcast:transcript")
            suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
            expected = TRANSCRIPT_TYPES.get(suffix)
            if expected is None:
                self.add(where, f"podcast:transcript {url} has an unknown file type {suffix!r}",
                         "Link .vtt, .srt, .html, .json or .txt transcripts")
            elif kind != expected:
                self.add(where, f"podcast:transcript type for a {suffix} file is "
                         f"{kind or 'missing'!r}, not {expected!r}", RERENDER)
            if path is not None and path.stat().st_size == 0:
                self.add(self.rel(path), "is empty", RERENDER)

    def check_chapters(self, item: etree._Element, where: str, duration: float | None) -> None:
        el = self.child(item, PODCAST_NS, "chapters")
        if el is None:
            return
        url, kind = _clean(el.get("url")), _clean(el.get("type"))
        if kind not in CHAPTERS_TYPES:
            self.add(where, f"podcast:chapters type is {kind or 'missing'!r}, not "
                     "'application/json+chapters'", RERENDER)
        path = self.check_linked(url, where, "podcast:chapters")
        if path is None:
            return
        fwhere = self.rel(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            self.add(fwhere, f"is not valid JSON ({exc})", RERENDER)
            return
        if not isinstance(data, dict) or not isinstance(data.get("version"), str):
            self.add(fwhere, "has no \"version\" string (JSON chapters need one, e.g. \"1.2.0\")",
                     RERENDER)
        chapters = data.get("chapters") if isinstance(data, dict) else None
        if not isinstance(chapters, list):
            self.add(fwhere, "has no \"chapters\" list", RERENDER)
            return
        previous: float | None = None
        for i, chapter in enumerate(chapters, start=1):
            start = chapter.get("startTime") if isinstance(chapter, dict) else None
            if isinstance(start, bool) or not isinstance(start, (int, float)) or start < 0:
                self.add(fwhere, f"chapter {i} has no valid \"startTime\" (seconds, >= 0)",
                         RERENDER)
                return
            if previous is not None and start <= previous:
                self.add(fwhere, f"chapter {i} starts at {start} s, not after chapter {i - 1} "
                         f"({previous} s); chapters must be in increasing startTime order",
                         f"{RERENDER}; if you edited the file, sort the chapters by startTime")
                return
            if duration is not None and start >= duration:
                self.add(fwhere, f"chapter {i} starts at {start} s, after the audio ends "
                         f"({duration:.1f} s)", RERENDER)
                return
            previous = float(start)

    def check_psc(self, item: etree._Element, where: str) -> None:
        block = self.child(item, PSC_NS, "chapters")
        if block is None:
            return
        previous: float | None = None
        for i, chapter in enumerate(self.children(block, PSC_NS, "chapter"), start=1):
            start = _clean(chapter.get("start"))
            match = _PSC_TIME.match(start)
            if not match:
                self.add(where, f"psc:chapter {i} start {start!r} is not HH:MM:SS.mmm", RERENDER)
                return
            h, m, s, ms = (int(g) for g in match.groups())
            seconds = h * 3600 + m * 60 + s + ms / 1000
            if previous is not None and seconds <= previous:
                self.add(where, f"psc:chapter {i} starts at {start}, not after the chapter "
                         "before it; chapters must be in increasing order", RERENDER)
                return
            if not _clean(chapter.get("title")):
                self.add(where, f"psc:chapter {i} has no title", RERENDER)
            previous = seconds

    def check_loudness(self, slug: str) -> None:
        path = self.root / "episodes" / f"{slug}.json"
        if not path.is_file():
            return  # not rendered by audioguide, or an older render: nothing to compare
        where = self.rel(path)
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            self.add(where, f"is not valid JSON ({exc})", RERENDER)
            return
        if not isinstance(data, dict):
            self.add(where, "is not an episode record", RERENDER)
            return
        nested = data.get("loudness") if isinstance(data.get("loudness"), dict) else {}
        lufs = data.get("integrated_lufs", nested.get("integrated_lufs"))
        peak = data.get("true_peak_dbtp", nested.get("true_peak_dbtp"))
        if isinstance(lufs, (int, float)) and abs(lufs - LOUDNESS_TARGET) > LOUDNESS_TOLERANCE:
            self.add(where, f"integrated loudness is {lufs:.1f} LUFS, podcasts should be "
                     f"{LOUDNESS_TARGET:.0f} ± {LOUDNESS_TOLERANCE:.0f}",
                     f"Set audio.loudness = -16 in audioguide.toml, then {RERENDER.lower()}")
        if isinstance(peak, (int, float)) and peak > TRUE_PEAK_MAX:
            self.add(where, f"true peak is {peak:.1f} dBTP, above {TRUE_PEAK_MAX:.0f} dBTP "
                     "(players and encoders will clip it)",
                     f"Set audio.true_peak = -1 or lower, then {RERENDER.lower()}")

