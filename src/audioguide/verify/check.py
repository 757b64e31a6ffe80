"""Validate a built site the way Apple Podcasts and Podcasting 2.0 apps would read it.

:func:`check_site` reads ``output/feed.xml`` and every local file it names (artwork, audio,
transcripts, chapters, episode records), then every audio guide in ``output/guides/`` (its feed
by the same rules, its stops, playlist, ZIP, M4B and page: :mod:`~audioguide.verify.guides`),
and returns a list of :class:`Problem`, each with where it is, what is wrong and how to fix it.
A problem in the site never raises; only a folder that holds neither a ``feed.xml`` nor a guide
is an :class:`~audioguide.errors.InputError`.

The rules live in four groups, run in feed order: :mod:`~audioguide.verify.channel` (the
channel's tags and the cover art), :mod:`~audioguide.verify.items` (each item's guid, date,
enclosure and duration), :mod:`~audioguide.verify.sidecars` (each item's transcripts and
chapters, and its episode record's loudness) and :mod:`~audioguide.verify.extras` (people,
soundbite, the Opus alternate and the channel's funding, txt, medium, license, podroll and
updateFrequency). The podcast constants they check against are in
:mod:`audioguide.publish.podcast`.

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

from pathlib import Path

from lxml import etree

from audioguide.errors import InputError
from audioguide.layout import EPISODE_FOLDER, FEED, GUIDE_FOLDER, Output
from audioguide.publish.unpublish import unlisted
from audioguide.settings import AudioConfig
from audioguide.verify.channel import check_artwork, check_channel, check_item_artwork
from audioguide.verify.context import (
    RERENDER,
    Problem,
    SiteCheck,
    child,
    children,
    local_name,
)
from audioguide.verify.extras import check_channel_extras, check_item_extras
from audioguide.verify.guides import check_guide
from audioguide.verify.items import Guids, check_item, read_published_guids
from audioguide.verify.sidecars import check_sidecars

__all__ = ["Problem", "check_feed", "check_site", "format_problems"]

_AUDIO = AudioConfig()


def format_problems(problems: list[Problem]) -> str:
    """One line per problem: ``where: message. Fix: fix``."""
    return "\n".join(str(p) for p in problems)


def check_site(root: Path, *, base_url: str | None = None, loudness: float = _AUDIO.loudness,
               true_peak: float = _AUDIO.true_peak, episodes: Path | None = None) -> list[Problem]:
    """Every problem of the site in ``root``: ``feed.xml`` and the files it links, in feed order,
    then each audio guide in ``guides/`` (its feed by the same rules, and its own files).

    ``base_url`` is where the site is published (``show.base_url``); when given, each feed's
    self link, ``podcast:guid`` and every local URL are checked against it. Without it, the
    feed's own ``atom:link rel="self"`` stands in for it.

    ``loudness`` (LUFS) and ``true_peak`` (dBTP) are what the audio was rendered for
    (``audio.loudness`` and ``audio.true_peak``); the defaults are the podcast norm.

    ``episodes`` is the project's scripts folder: when given, a published episode or guide whose
    script is gone (or a draft) is a problem too.
    """
    root = Path(root)
    output = Output(root)
    guides = output.guide_records()
    if not output.feed.is_file() and not guides:
        raise InputError(f"has no {FEED} and no guides", path=root,
                         fix="Run audioguide render first, or point at the output folder")
    given_base = (base_url if base_url.endswith("/") else base_url + "/") if base_url else None
    problems: list[Problem] = []
    if output.feed.is_file():
        problems += check_feed(SiteCheck(root, loudness=loudness, true_peak=true_peak,
                                         given_base=given_base))
    elif output.episode_records():
        problems.append(Problem(FEED, f"is missing but {EPISODE_FOLDER}/ has rendered episodes",
                                RERENDER))
    for record in guides:
        site = SiteCheck(root, loudness=loudness, true_peak=true_peak, given_base=given_base,
                         feed=record.parent.relative_to(root).joinpath(FEED).as_posix())
        check_feed(site)
        check_guide(site, record)
        problems += site.problems
    if episodes is not None and episodes.is_dir():
        problems += [Problem(f"{EPISODE_FOLDER}/{item.slug}" if item.kind == "episode" else
                             f"{GUIDE_FOLDER}/{item.slug}", f"is published but {item.reason}",
                             item.fix[0].upper() + item.fix[1:])
                     for item in unlisted(episodes, root)]
    return problems


def check_feed(site: SiteCheck) -> list[Problem]:
    """The problems of the feed ``site.feed`` and the files it links."""
    if not (site.root / site.feed).is_file():
        site.add(site.feed, "is missing", RERENDER)
        return site.problems
    channel = _read_channel(site)
    if channel is not None:
        check_channel(site, channel)
        check_channel_extras(site, channel)
        check_artwork(site, channel)
        _check_items(site, channel)
        _report_foreign_urls(site)
    return site.problems


def _read_channel(site: SiteCheck) -> etree._Element | None:
    """The feed's ``<rss><channel>``; None (and a problem) when the feed is not RSS 2.0 XML."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        tree = etree.parse(str(site.root / site.feed), parser)
    except etree.XMLSyntaxError as exc:
        site.add(site.feed, f"is not well-formed XML ({exc})",
                 f"{RERENDER}; if you edited {site.feed} by hand, fix the XML at that line")
        return None
    rss = tree.getroot()
    channel = child(rss, None, "channel") if local_name(rss.tag) == "rss" else None
    if channel is None:
        site.add(site.feed, "is not an RSS 2.0 feed (no <rss><channel>)", RERENDER)
    return channel


def _check_items(site: SiteCheck, channel: etree._Element) -> None:
    """Each item's own rules, then the rules for the files beside its audio."""
    guids = Guids(read_published_guids(site) if site.feed == FEED else {})
    for number, item in enumerate(children(channel, None, "item"), start=1):
        facts = check_item(site, item, number, guids)
        check_item_artwork(site, item, facts.where, channel)
        check_sidecars(site, item, facts)
        check_item_extras(site, item, facts)


def _report_foreign_urls(site: SiteCheck) -> None:
    if site.foreign_urls:
        site.add(site.feed, f"{len(site.foreign_urls)} URL(s) do not start with base_url "
                 f"{site.given_base} (first: {site.foreign_urls[0]})",
                 f"{RERENDER} after setting show.base_url in audioguide.toml to where the "
                 "site is served")
