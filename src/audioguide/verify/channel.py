"""The ``<channel>`` rules: the tags Apple requires (title, description, link, language, artwork,
categories, explicit, author, owner, type), the self link and the Podcasting 2.0
``podcast:guid`` and ``podcast:locked``; and the cover art file itself.
"""

from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urlsplit

from lxml import etree

from audioguide.publish.feed import feed_guids, podcast_guid
from audioguide.publish.podcast import (
    APPLE_CATEGORIES,
    ARTWORK_FORMATS,
    ARTWORK_MAX,
    ARTWORK_MIN,
    ATOM_NS,
    EMAIL,
    EXPLICIT_VALUES,
    ITUNES_NS,
    LOCKED_VALUES,
    PODCAST_NS_ACCEPTED,
    SHOW_TYPES,
    UUID_TEXT,
)
from audioguide.settings import LANGUAGE
from audioguide.verify.context import (
    RERENDER,
    THEN_RERENDER,
    SiteCheck,
    child,
    children,
    clean,
    text,
)

log = logging.getLogger(__name__)

ARTWORK_SIZE = f"{ARTWORK_MIN}-{ARTWORK_MAX} px"

_REQUIRED = {
    "title": "Set show.title in audioguide.toml",
    "description": "Set show.description in audioguide.toml",
    "link": "Set show.link (or show.base_url) in audioguide.toml",
    "language": "Set show.language in audioguide.toml (en, en-US, de)",
}
"""Plain RSS channel tags Apple requires -> how to set them."""


def _either(values: tuple[str, ...]) -> str:
    """``'a' or 'b'``."""
    return " or ".join(repr(v) for v in values)


def check_channel(site: SiteCheck, ch: etree._Element) -> None:
    """Every channel rule, in the order the problems are reported."""
    _check_required(site, ch)
    _check_cover_tag(site, ch)
    check_categories(site, ch)
    _check_explicit(site, ch)
    _check_author_and_owner(site, ch)
    _check_show_type(site, ch)
    self_url = check_self_link(site, ch)
    _warn_if_local(site, self_url)
    check_podcast_guid(site, ch, self_url)
    _check_locked(site, ch)
    check_description_size(site, ch, site.channel, "show.description in audioguide.toml")


DESCRIPTION_BYTES = 4000
"""Apple's limit on a ``<description>``: "up to 4000 bytes"."""


def check_description_size(site: SiteCheck, element: etree._Element, where: str, setting: str) -> None:
    """The ``<description>`` of the channel or an item fits Apple's 4000 bytes."""
    size = len(text(element, None, "description").encode("utf-8"))
    if size > DESCRIPTION_BYTES:
        site.add(where, f"<description> is {size} bytes, over Apple's {DESCRIPTION_BYTES}",
                 f"Shorten {setting} by {size - DESCRIPTION_BYTES} bytes or more (the article stays whole "
                 f"in the transcript), {THEN_RERENDER}")


def _warn_if_local(site: SiteCheck, self_url: str | None) -> None:
    """Say (without failing: ``serve`` listens there) when the feed's addresses lead to this
    computer only, as ``init``'s ``base_url`` does: no podcast app elsewhere can fetch them."""
    host = urlsplit(self_url or "").hostname or ""
    try:
        address = ipaddress.ip_address(host)
        local = address.is_loopback or address.is_unspecified
    except ValueError:  # a name
        local = host == "localhost" or host.endswith(".localhost")
    if local:
        log.warning("%s: its addresses start with %s, which only this computer can reach: podcast apps "
                    "elsewhere cannot fetch the episodes. Before publishing, set show.base_url to the "
                    "public address of output/ and render again", site.feed, site.base or self_url)


def _check_required(site: SiteCheck, ch: etree._Element) -> None:
    for tag, fix in _REQUIRED.items():
        if not text(ch, None, tag):
            site.add(site.channel, f"<{tag}> is missing or empty", f"{fix}, {THEN_RERENDER}")
    language = text(ch, None, "language")
    if language and not LANGUAGE.match(language):
        site.add(site.channel, f"<language> {language!r} is not a language code",
                 "Set show.language to an ISO 639 code such as en or en-US")


def _check_cover_tag(site: SiteCheck, ch: etree._Element) -> None:
    image = child(ch, ITUNES_NS, "image")
    if image is None or not clean(image.get("href")):
        site.add(site.channel, "<itunes:image href> is missing",
                 f"Set show.image to a square JPEG or PNG ({ARTWORK_SIZE}), or leave it empty "
                 f"for the generated cover, {THEN_RERENDER}")


def check_categories(site: SiteCheck, ch: etree._Element) -> None:
    """At least one ``itunes:category``, each one of Apple's, with one of its subcategories."""
    tops = children(ch, ITUNES_NS, "category")
    if not tops:
        site.add(site.channel, "no <itunes:category>; Apple needs at least one",
                 "Add show.categories to audioguide.toml, e.g. ['Education/Courses']")
        return
    fold = {name.casefold(): name for name in APPLE_CATEGORIES}
    for top in tops:
        name = top.get("text", "")
        if name not in APPLE_CATEGORIES:
            close = fold.get(name.casefold())
            hint = f"use {close!r} (names are case-sensitive)" if close else (
                "choose one of " + ", ".join(sorted(APPLE_CATEGORIES)))
            site.add(site.channel, f"itunes:category {name!r} is not an Apple Podcasts category",
                     f"Change show.categories in audioguide.toml: {hint}")
            continue
        subs = APPLE_CATEGORIES[name]
        for sub in children(top, ITUNES_NS, "category"):
            sub_name = sub.get("text", "")
            if sub_name not in subs:
                hint = (f"subcategories of {name} are {', '.join(sorted(subs))}" if subs
                        else f"{name} has no subcategories, use just {name!r}")
                site.add(site.channel, f"itunes:category {sub_name!r} is not a subcategory of {name!r}",
                         f"Change show.categories in audioguide.toml: {hint}")


def _check_explicit(site: SiteCheck, ch: etree._Element) -> None:
    explicit = child(ch, ITUNES_NS, "explicit")
    fix = f"Set show.explicit to true or false, {THEN_RERENDER}"
    if explicit is None:
        site.add(site.channel, "<itunes:explicit> is missing", fix)
    elif clean(explicit.text) not in EXPLICIT_VALUES:
        site.add(site.channel, f"<itunes:explicit> is {clean(explicit.text)!r}, Apple accepts only "
                 f"{_either(EXPLICIT_VALUES)}", fix)


def _check_author_and_owner(site: SiteCheck, ch: etree._Element) -> None:
    if not text(ch, ITUNES_NS, "author"):
        site.add(site.channel, "<itunes:author> is missing or empty",
                 f"Set show.author in audioguide.toml, {THEN_RERENDER}")
    owner = child(ch, ITUNES_NS, "owner")
    if owner is None:
        site.add(site.channel, "<itunes:owner> is missing (Apple uses it to verify the show)",
                 f"Set show.owner_name and show.owner_email, {THEN_RERENDER}")
        return
    mail = text(owner, ITUNES_NS, "email")
    if not mail:
        site.add(site.channel, "<itunes:owner> has no <itunes:email>",
                 f"Set show.owner_email in audioguide.toml, {THEN_RERENDER}")
    elif not EMAIL.match(mail):
        site.add(site.channel, f"<itunes:email> {mail!r} is not an e-mail address",
                 "Fix show.owner_email in audioguide.toml")


def _check_show_type(site: SiteCheck, ch: etree._Element) -> None:
    kind = child(ch, ITUNES_NS, "type")
    if kind is None or clean(kind.text) not in SHOW_TYPES:
        got = "missing" if kind is None else repr(clean(kind.text))
        site.add(site.channel, f"<itunes:type> is {got}, it must be {_either(SHOW_TYPES)}",
                 f"Set show.type in audioguide.toml, {THEN_RERENDER}")


def check_self_link(site: SiteCheck, ch: etree._Element) -> str | None:
    """Check ``<atom:link rel="self">`` and return its URL.

    Without a given base URL, the self link tells where the site is served (``site.base``).
    """
    links = [a for a in children(ch, ATOM_NS, "link") if a.get("rel") == "self"]
    href = clean(links[0].get("href")) if links else ""
    if not href:
        site.add(site.channel, '<atom:link rel="self"> is missing',
                 f"{RERENDER}; apps use it to find the feed's canonical URL")
        return None
    if site.given_base:
        expected = site.given_base + site.feed
        if href != expected:
            site.add(site.channel, f'<atom:link rel="self"> is {href}, not {expected}',
                     f"{RERENDER} so the feed is written for show.base_url {site.given_base}")
    elif href.endswith("/" + site.feed):
        site.base = href[: -len(site.feed)]
    return href


def check_podcast_guid(site: SiteCheck, ch: etree._Element, self_url: str | None) -> None:
    """``podcast:guid`` is present, a UUID, and the UUIDv5 of the feed URL."""
    feed_url = site.given_base + site.feed if site.given_base else self_url
    guid = text(ch, PODCAST_NS_ACCEPTED, "guid")
    if not guid:
        site.add(site.channel, "<podcast:guid> is missing",
                 f"{RERENDER}; it writes the UUIDv5 of the feed URL")
        return
    if not UUID_TEXT.match(guid):
        site.add(site.channel, f"<podcast:guid> {guid!r} is not a UUID",
                 f"{RERENDER}; it writes the UUIDv5 of the feed URL")
        return
    published = feed_guids(site.root).get(site.feed)
    if published is not None:  # what the feed was first published with, kept through moves
        if guid.lower() != published.lower():
            site.add(site.channel, f"<podcast:guid> is {guid}, but the show was published with {published}",
                     f"{RERENDER}; apps take a new guid for another show")
    elif feed_url:
        expected = podcast_guid(feed_url)
        if guid.lower() != expected:
            site.add(site.channel, f"<podcast:guid> is {guid}, but the Podcasting 2.0 guid of "
                     f"{feed_url} is {expected}",
                     f"{RERENDER}; if the show moved here from another feed URL, keep its old "
                     "guid and ignore this")


def _check_locked(site: SiteCheck, ch: etree._Element) -> None:
    locked = child(ch, PODCAST_NS_ACCEPTED, "locked")
    if locked is None:
        site.add(site.channel, "<podcast:locked> is missing",
                 f"{RERENDER}; it writes <podcast:locked>yes</podcast:locked> so no one can "
                 "import the show into another host")
    elif clean(locked.text) not in LOCKED_VALUES:
        site.add(site.channel,
                 f"<podcast:locked> is {clean(locked.text)!r}, it must be {_either(LOCKED_VALUES)}",
                 RERENDER)


# -- the cover art file ---------------------------------------------------------------------------


def check_artwork(site: SiteCheck, ch: etree._Element) -> None:
    """The file the channel's ``<itunes:image>`` names: in the site, a square RGB JPEG or PNG of
    the right size."""
    image = child(ch, ITUNES_NS, "image")
    href = clean(image.get("href")) if image is not None else ""
    if href:  # else already reported
        check_image(site, href, site.channel, "show.image",
                    f"{RERENDER}; it copies show.image (or the generated cover) into output/")


def check_item_artwork(site: SiteCheck, item: etree._Element, where: str, ch: etree._Element) -> None:
    """An item's own ``<itunes:image>`` (one that is not the channel's), checked like the show's."""
    href, cover = (clean(el.get("href")) if el is not None else "" for el in
                   (child(item, ITUNES_NS, "image"), child(ch, ITUNES_NS, "image")))
    if href and href != cover:
        check_image(site, href, where, "artwork: in the episode's front matter",
                    f"{RERENDER}; it copies the episode's artwork: beside its MP3")


def check_image(site: SiteCheck, href: str, where: str, setting: str, missing_fix: str) -> None:
    """The cover art at ``href``: in the site, a square RGB JPEG or PNG of the right size; a
    problem names ``setting`` as what to change."""
    path = site.local_file(href)
    if path is None:
        site.add(where, f"the cover art {href} is not in the site", missing_fix)
        return
    where = site.rel(path)
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            fmt, mode, (w, h) = img.format, img.mode, img.size
            transparent = "transparency" in img.info
    except (UnidentifiedImageError, OSError) as exc:
        site.add(where, f"is not a readable image ({exc})",
                 f"Use a square JPEG or PNG of {ARTWORK_SIZE} as {setting}")
        return
    fix_image = f"Export the cover as a square RGB JPEG or PNG of {ARTWORK_SIZE} and set {setting}"
    want = ARTWORK_FORMATS.get(fmt or "")
    if want is None:
        site.add(where, f"is {fmt}, Apple accepts only {' or '.join(ARTWORK_FORMATS)}", fix_image)
    else:
        suffix = path.suffix.lower()
        if suffix not in want:
            site.add(where, f"is a {fmt} file named {suffix or 'without an extension'}",
                     f"Rename it to end in {want[0]} (Apple checks that the extension matches)")
    if mode == "CMYK":
        site.add(where, "is CMYK, Apple needs RGB", fix_image)
    elif mode in ("RGBA", "LA", "PA", "La", "RGBa") or (mode == "P" and transparent):
        site.add(where, f"has an alpha channel ({mode}), Apple needs RGB without transparency",
                 "Flatten the cover onto a background and save it as RGB")
    elif mode != "RGB":
        site.add(where, f"is in {mode} colour mode, Apple needs RGB", fix_image)
    if w != h:
        site.add(where, f"is {w}x{h}, Apple needs a square image", fix_image)
    if min(w, h) < ARTWORK_MIN or max(w, h) > ARTWORK_MAX:
        site.add(where, f"is {w}x{h} px, Apple needs {ARTWORK_SIZE}", fix_image)
