"""The web page of an audio guide: every stop with a player, a transcript, a QR code and a placard.

``output/guides/<slug>/index.html`` lists the guide's stops in order. Each stop is an
``<article id="stop-N">`` with its number, title, duration, a player for its own MP3, a "Next
stop" button, its transcript and a QR code that opens the page at that stop (``#stop-N``). Stops
play one after another when the visitor wants (a remembered toggle). Printed, the page becomes a
sheet of placards to cut out and put up next to the exhibits: number, title and QR code.

The guide folder is self-contained and works offline: next to the page go the site's stylesheet,
the guide's own stylesheet and script, a web app manifest (``manifest.webmanifest``) and a
service worker (``sw.js``). The service worker pre-caches the page, its assets, the cover and every
stop's MP3 under a cache name derived from the files' names, sizes and contents, so that a
re-render replaces the cache. It answers the byte-range requests that audio elements send from
the cached files itself (``206 Partial Content``), so stops play and seek without a network.

Every URL in the page is relative, so it works from ``file://`` and under any base URL; only the
QR codes carry absolute URLs (``show.base_url``), since they are read by other devices. Output
is a pure function of the inputs, and every file goes through :func:`audioguide.writer.write_text`.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from dataclasses import dataclass
from gettext import NullTranslations
from html import escape
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import segno
from markupsafe import Markup

from audioguide.guide.route import RouteMap, geo_uri, osm_url, route_map
from audioguide.ingest.script import leading_words
from audioguide.layout import Output
from audioguide.models import GuideRecord, StopRecord
from audioguide.publish.site import (
    CueView,
    ShareView,
    clock,
    environment,
    file_size,
    floor_clock,
    iso_duration,
    local_date,
    podcast_url,
    seconds_attr,
    share_text,
)
from audioguide.settings import Config, locale_of, text_direction
from audioguide.translations import translations
from audioguide.wording import STOP_WORDS
from audioguide.writer import inside, write_text

GUIDE_STATIC: tuple[str, ...] = ("style.css", "guide.css", "guide.js")
"""Files copied from the package's ``static/`` folder into every guide folder."""

SERVICE_WORKER = "sw.js"
MANIFEST = "manifest.webmanifest"
PAGE = "index.html"
FEED = "feed.xml"

THEME_COLOR = "#1a56c4"
"""The site's accent colour (``--accent`` in ``style.css``), for the browser's UI."""
BACKGROUND_COLOR = "#f6f5f2"
"""The site's page colour (``--bg`` in ``style.css``), for the splash screen of the web app."""

SPEEDS = ("0.75", "1", "1.25", "1.5", "1.75", "2")
"""Playback speeds the page offers (1 is the voice's own)."""

QR_ERROR = "m"
"""QR error correction level: M survives about 15 % damage (a scuffed placard)."""

_IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
                ".webp": "image/webp", ".svg": "image/svg+xml"}


# --------------------------------------------------------------------------------------------
# Pure helpers (also used by the tests)
# --------------------------------------------------------------------------------------------

def stop_anchor(number: int) -> str:
    """The element id (and URL fragment) of stop ``number``: ``stop-3``."""
    return f"stop-{number}"


def guide_url(base_url: str, slug: str) -> str:
    """The absolute URL of the guide's page: ``<base_url>guides/<slug>/``."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    return f"{base}guides/{quote(slug)}/"


def stop_url(base_url: str, slug: str, number: int) -> str:
    """The absolute URL that opens the guide at stop ``number`` (what its QR code holds)."""
    return f"{guide_url(base_url, slug)}#{stop_anchor(number)}"


def qr_svg(data: str, label: str) -> Markup:
    """``data`` as a QR code in inline SVG, black on white with the standard quiet zone.

    The SVG has a ``viewBox`` but no size (CSS sizes it), ``role="img"`` and ``label`` as its
    accessible name; edges are drawn crisp so the code stays readable at any scale.
    """
    qr = segno.make(data, error=QR_ERROR)
    svg: str = qr.svg_inline(scale=1, dark="#000", light="#fff", border=4, omitsize=True,
                             svgclass="qr-code", lineclass=None)
    if not svg.startswith("<svg "):
        raise ValueError(f"unexpected SVG from segno: {svg[:40]!r}")
    attrs = (f'<svg role="img" aria-label="{escape(label, quote=True)}" focusable="false" '
             'shape-rendering="crispEdges" ')
    return Markup(attrs + svg[len("<svg "):])


def short_name(title: str, limit: int = 12) -> str:
    """A name for the home screen: the title's leading words that fit ``limit`` characters."""
    return leading_words(title.split(), limit) or (title.strip()[:limit].rstrip() or "Guide")


def _normal(text: str) -> str:
    return " ".join(text.split()).rstrip(".:").casefold()


def cue_views(stop: StopRecord) -> tuple[CueView, ...]:
    """The stop's transcript sentences; the spoken stop title ("Stop 2: The Hall") is a heading."""
    headings = {_normal(stop.title)} | {_normal(f"{word} {stop.number}{end}")
                                         for word in set(STOP_WORDS.values())
                                         for end in (f": {stop.title}", f". {stop.title}", "")}
    return tuple(CueView(text=c.text, start=seconds_attr(c.start), time=floor_clock(c.start),
                         heading=_normal(c.text) in headings)
                 for c in stop.cues)


# --------------------------------------------------------------------------------------------
# What the template sees
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NextView:
    """The stop that follows another, for its "Next stop" button."""

    number: str
    """The stop's number as shown, empty for an unnumbered one."""
    anchor: str
    title: str
    name: str
    """``Stop 2: The Hall``, or the title of an unnumbered stop."""


@dataclass(frozen=True)
class StopView:
    """One stop with every value the page shows, already formatted."""

    number: str
    """The stop's number as shown (on the placard), empty for an unnumbered introduction."""
    anchor: str
    """Element id and fragment, ``stop-N``."""
    title: str
    name: str
    """``Stop 2: The Hall``, or the title of an unnumbered stop (for labels)."""
    label_prefix: str
    """What the heading says before the title to screen readers: ``Stop 2: ``."""
    said: str
    """The stop as the page's messages name it in a sentence: ``stop 2: The Hall``."""
    short: str
    """The stop as a button names it: ``stop 2``, an unnumbered one by its title."""
    file: str
    """URL-quoted MP3 file name, relative to the guide folder."""
    size: str
    duration_iso: str
    duration_text: str
    url: str
    """Absolute URL of the stop (the QR code's content)."""
    qr: Markup
    """The QR code as inline SVG."""
    cues: tuple[CueView, ...]
    next: NextView | None
    place: PlaceView | None = None
    """Where the stop is, when its script says."""


@dataclass(frozen=True)
class PlaceView:
    """A located stop's coordinates (for "near a stop") and its "open in maps" links."""

    lat: str
    lon: str
    radius: str
    """Metres within which the listener is offered the stop."""
    geo: str
    """``geo:`` URI: the phone's maps app."""
    osm: str
    """The place on openstreetmap.org."""


def place_view(stop: StopRecord) -> PlaceView | None:
    place = stop.location
    if place is None:
        return None
    return PlaceView(lat=repr(place.lat), lon=repr(place.lon), radius=f"{place.radius or 0:g}",
                     geo=geo_uri(place), osm=osm_url(place))


@dataclass(frozen=True)
class LanguageView:
    """One language of a guide, for the language picker and the ``hreflang`` links."""

    code: str
    """Its language tag (``fr``, ``en-GB``), as ``hreflang`` and ``lang`` take it."""
    name: str
    """The language's name in itself (``Français``)."""
    href: str
    """Its page relative to this one (``../old-town-fr/index.html``)."""
    url: str
    """Its page's absolute URL (for ``hreflang``)."""
    current: bool
    anchors: str = ""
    """Its stops' anchors, space-separated: a link to a stop it lacks goes to that stop in this
    language instead (the languages of a guide may have different stops)."""


def language_name(code: str) -> str:
    """A language's name in that language, capitalised as a menu shows it (Babel's CLDR data).

    >>> language_name("fr"), language_name("de"), language_name("pt-BR"), language_name("xx")
    ('Français', 'Deutsch', 'Português (Brasil)', 'XX')
    """
    locale = locale_of(code)
    if locale is None:
        return code.upper()
    name = locale.get_display_name(locale) or code
    return name[:1].upper() + name[1:]


def language_views(guide: GuideRecord, versions: list[GuideRecord], base_url: str) -> tuple[LanguageView, ...]:
    """The languages of ``guide`` (``versions``: every guide record sharing its id, itself
    included), by language tag; empty when it has only one."""
    if len({v.slug for v in versions} | {guide.slug}) < 2:
        return ()
    ordered = sorted({v.slug: v for v in [*versions, guide]}.values(), key=lambda v: v.language.casefold())
    return tuple(LanguageView(code=v.language, name=language_name(v.language),
                              href=f"../{quote(v.slug)}/{PAGE}", url=guide_url(base_url, v.slug),
                              current=v.slug == guide.slug,
                              anchors=" ".join(stop_anchor(s.number) for s in v.stops)) for v in ordered)


@dataclass(frozen=True)
class DownloadView:
    """One download link: the whole guide, the ZIP of stops, the playlist."""

    label: str
    kind: str
    """Format and size for people, e.g. ``MP3, 12.4 MB``."""
    href: str
    type: str
    download: bool
    """Whether the link should save the file rather than open it."""


def _size_of(path: Path) -> int | None:
    return path.stat().st_size if path.is_file() else None


def _kind(fmt: str, size: int | None, language: str) -> str:
    return f"{fmt}, {file_size(size, language)}" if size is not None else fmt


def page_language(config: Config, guide: GuideRecord) -> str:
    """The language of a guide's page and of what goes with it: the guide's, else the show's."""
    return guide.language or config.show.language or "en"


def stop_name(stop: StopRecord, language: str) -> str:
    """How labels name a stop in ``language``: ``Stop 2: The Hall`` (``Station 2: …`` in
    German, ``Étape 2 : …`` in French), an unnumbered one by its title."""
    words = translations(language)
    return _labelled(_numbered(stop, words), stop.title, words) if stop.numbered else stop.title


def _numbered(stop: StopRecord, words: NullTranslations) -> str:
    return words.gettext("Stop %(number)s") % {"number": stop.number}


def _labelled(label: str, title: str, words: NullTranslations) -> str:
    """``label: title`` as the language writes it (French puts a narrow no-break space before
    the colon: ``Étape 1 : Le Cutty Sark``)."""
    return words.gettext("%(stop)s: %(title)s") % {"stop": label, "title": title}


def _qr_label(stop: StopRecord, short: str, url: str, words: NullTranslations) -> str:
    """A stop's QR code for screen readers; the unnumbered introduction's title would not fit."""
    if stop.numbered:
        return words.gettext("QR code for %(stop)s: %(url)s") % {"stop": short, "url": url}
    return words.gettext("QR code for the introduction: %(url)s") % {"url": url}


def _short(stop: StopRecord, words: NullTranslations) -> str:
    """A stop as a sentence names it: ``stop 2``, an unnumbered one by its title."""
    return words.gettext("stop %(number)s") % {"number": stop.number} if stop.numbered else stop.title


def stop_views(guide: GuideRecord, base_url: str, language: str = "en") -> tuple[StopView, ...]:
    """Every stop of ``guide`` in order, linked to the next one, labelled in ``language``."""
    words = translations(language)
    stops = sorted(guide.stops, key=lambda s: s.number)
    views: list[StopView] = []
    for i, stop in enumerate(stops):
        following = stops[i + 1] if i + 1 < len(stops) else None
        url = stop_url(base_url, guide.slug, stop.number)
        short = _short(stop, words)
        views.append(StopView(
            number=str(stop.number) if stop.numbered else "", anchor=stop_anchor(stop.number),
            title=stop.title, name=stop_name(stop, language),
            label_prefix=_labelled(_numbered(stop, words), "", words) if stop.numbered else "",
            said=_labelled(short, stop.title, words) if stop.numbered else stop.title, short=short,
            file=quote(stop.file), size=file_size(stop.size, language),
            duration_iso=iso_duration(stop.duration), duration_text=clock(stop.duration),
            url=url, qr=qr_svg(url, _qr_label(stop, short, url, words)),
            cues=cue_views(stop), place=place_view(stop),
            next=(NextView(str(following.number), stop_anchor(following.number), following.title,
                           stop_name(following, language))
                  if following else None),
        ))
    return tuple(views)


def gpx_name(guide: GuideRecord) -> str | None:
    """The GPX file published beside a guide with located stops (``<slug>.gpx``), else ``None``."""
    return Output.guide_names(guide.slug).gpx if any(s.location for s in guide.stops) else None


def route_view(guide: GuideRecord, language: str) -> RouteMap | None:
    """The route map of the guide's located stops, ``None`` when none is located."""
    stops = sorted(guide.stops, key=lambda s: s.number)
    return route_map(stops, {s.number: stop_name(s, language) for s in stops},
                     {s.number: stop_anchor(s.number) for s in stops})


def download_views(guide: GuideRecord, guide_dir: Path, language: str = "en") -> tuple[DownloadView, ...]:
    """Links to the whole guide (MP3 and M4B), the ZIP of every stop, the playlist and the route,
    labelled in ``language``."""
    words = translations(language)
    items = (
        (words.gettext("Whole guide"), "MP3", guide.full_mp3, "audio/mpeg", True),
        (words.gettext("Audiobook with chapters"), "M4B", guide.full_m4b, "audio/mp4", True),
        (words.gettext("Every stop for offline listening"), "ZIP", guide.archive, "application/zip", True),
        (words.gettext("Playlist of the stops"), "M3U8", guide.playlist, "application/vnd.apple.mpegurl", False),
        (words.gettext("The route for GPS and map apps"), "GPX", gpx_name(guide) or "", "application/gpx+xml",
         True),
    )
    return tuple(DownloadView(label=label, kind=_kind(fmt, _size_of(guide_dir / name), language),
                              href=quote(name), type=mime, download=download)
                 for label, fmt, name, mime, download in items if name)


# --------------------------------------------------------------------------------------------
# Offline: the manifest and the service worker
# --------------------------------------------------------------------------------------------

def manifest(guide: GuideRecord, cover: str, cover_path: Path | None, *, lang: str) -> str:
    """The web app manifest (JSON text) that lets the guide be installed and opened offline."""
    icon: dict[str, str] = {"src": cover, "purpose": "any"}
    suffix = posixpath.splitext(cover)[1].lower()
    if suffix in _IMAGE_TYPES:
        icon["type"] = _IMAGE_TYPES[suffix]
    size = _image_size(cover_path) if cover_path is not None else None
    icon["sizes"] = f"{size[0]}x{size[1]}" if size else "any"
    data = {
        "name": guide.title,
        "short_name": short_name(guide.title),
        "description": guide.description,
        "lang": lang,
        "id": "./",
        "start_url": ".",
        "scope": ".",
        "display": "standalone",
        "background_color": BACKGROUND_COLOR,
        "theme_color": THEME_COLOR,
        "icons": [icon],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _image_size(path: Path) -> tuple[int, int] | None:
    """Pixel size of the image at ``path``, or ``None`` when it is missing or unreadable."""
    if not path.is_file():
        return None
    try:
        from PIL import Image

        with Image.open(path) as image:
            return int(image.width), int(image.height)
    except (OSError, ValueError):
        return None


def cache_version(entries: list[tuple[str, bytes | None, int | None]]) -> str:
    """A short hash over the pre-cached files: each URL with its size and content digest.

    ``entries`` are ``(url, content, size)``: ``content`` when the bytes are at hand (the
    generated files and every file found on disk), else the size the record states.
    """
    digest = hashlib.sha256()
    for url, content, size in entries:
        if content is not None:
            line = f"{url}\t{len(content)}\t{hashlib.sha256(content).hexdigest()}\n"
        else:
            line = f"{url}\t{size if size is not None else '-'}\t-\n"
        digest.update(line.encode("utf-8"))
    return digest.hexdigest()[:16]


def service_worker(slug: str, version: str, precache: list[str]) -> str:
    """``sw.js``: the package's static service worker behind a generated preamble.

    The preamble names this guide's cache and the files to pre-cache, so the script's bytes
    change with every change to the guide and browsers install the new worker.
    """
    config = {"cachePrefix": f"audioguide-guide:{slug}:", "cacheName":
              f"audioguide-guide:{slug}:{version}", "precache": precache}
    preamble = ("/* Generated by audioguide for one audio guide: the cache and the files it holds. */\n"
                f"self.AUDIOGUIDE_GUIDE = {json.dumps(config, ensure_ascii=True, indent=2)};\n\n")
    return preamble + _static(SERVICE_WORKER)


def _static(name: str) -> str:
    return (resources.files("audioguide") / "static" / name).read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------
# The build
# --------------------------------------------------------------------------------------------

def build_guide_page(config: Config, guide: GuideRecord, guide_dir: Path, *, base_url: str,
                     cover: str, versions: list[GuideRecord] | None = None) -> list[Path]:
    """Write the guide's page, assets, manifest and service worker into ``guide_dir``.

    ``guide_dir`` is ``output/guides/<slug>/`` and already holds the stop MP3s and the other
    files ``guide`` names. ``base_url`` is the public URL of ``output/`` (for the QR codes and
    the podcast link); ``cover`` is the cover's URL relative to ``guide_dir`` (e.g.
    ``../../cover.jpg``). Returns the files written, in a stable order; unchanged files are left
    untouched on disk (and still listed). ``versions`` are the guide's other languages (every
    guide record with its id), for the language picker.
    """
    base = base_url if base_url.endswith("/") else base_url + "/"
    show = config.show
    lang = page_language(config, guide)
    cover_url = quote(cover)
    cover_path = guide_dir / cover
    cover_on_disk = cover_path if cover_path.is_file() else None
    feed_url = guide_url(base, guide.slug) + FEED
    stops = stop_views(guide, base, lang)
    total = guide.full_duration or sum(s.duration for s in guide.stops)

    html = environment().get_template("guide.html").render(
        show=show, lang=lang, interface_language=lang, direction=text_direction(lang), root="",
        home="../../", cover=cover_url, guide=guide, stops=stops,
        downloads=download_views(guide, guide_dir, lang), route=route_view(guide, lang),
        gpx=quote(gpx_name(guide) or ""), speeds=SPEEDS,
        languages=language_views(guide, versions or [], base), group=guide.group,
        date_iso=guide.date.isoformat(), date_text=local_date(guide.date, lang),
        duration_iso=iso_duration(total), duration_text=clock(total),
        feed=FEED, feed_url=feed_url, podcast_url=podcast_url(feed_url),
        share=ShareView(guide_url(base, guide.slug), guide.title, share_text(guide.description or show.description),
                        base + quote(posixpath.basename(cover))),
        manifest=MANIFEST, theme_color=THEME_COLOR,
    )

    files: dict[str, str] = {name: _static(name) for name in GUIDE_STATIC}
    files[PAGE] = html
    files[MANIFEST] = manifest(guide, cover_url, cover_on_disk, lang=lang)

    # What the service worker pre-caches: the page and its assets, the cover, every stop.
    entries: list[tuple[str, bytes | None, int | None]] = [
        (name, files[name].encode("utf-8"), None) for name in (PAGE, *GUIDE_STATIC, MANIFEST)]
    if cover_on_disk is not None:
        entries.append((cover_url, cover_on_disk.read_bytes(), None))
    route_file = gpx_name(guide)
    if route_file and (guide_dir / route_file).is_file():
        entries.append((quote(route_file), (guide_dir / route_file).read_bytes(), None))
    for stop in sorted(guide.stops, key=lambda s: s.number):
        mp3 = guide_dir / stop.file
        entries.append((quote(stop.file), mp3.read_bytes() if mp3.is_file() else None, stop.size))
    files[SERVICE_WORKER] = service_worker(guide.slug, cache_version(entries),
                                           [url for url, _, _ in entries])

    written: list[Path] = []
    for name in (*GUIDE_STATIC, MANIFEST, SERVICE_WORKER, PAGE):
        dest = inside(guide_dir, name)
        write_text(dest, files[name])
        written.append(dest)
    return written


__all__ = [
    "build_guide_page", "cache_version", "cue_views", "guide_url", "manifest", "page_language",
    "qr_svg", "service_worker", "short_name", "stop_anchor", "stop_name", "stop_url", "stop_views",
]
