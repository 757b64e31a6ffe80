"""``podcast:location`` on feed items: where an item (a guide's stop) is about.

Podcasting 2.0's location tag (podcastindex.org namespace, ``docs/tags/location.md`` and its
implementation notes): on an ``<item>``, any number of them; the text is a human-readable place
name of at most 128 characters that must not be blank; ``rel`` is ``subject`` (what the item is
about, the default) or ``creator`` (where it was made); ``geo`` is an RFC 5870 ``geo:`` URI;
``osm`` an OpenStreetMap element (``N``, ``W`` or ``R`` and its id). All attributes are
recommended; a guide's stop is its subject, so we write ``rel="subject"``, ``geo`` and, when
the author gave one, ``osm``.

Added to a finished feed document (the bytes :func:`audioguide.publish.feed.build_feed`
returns), so the feed builder itself is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from audioguide.publish.podcast import PODCAST_NS

LOCATION_NAME_MAX = 128
"""Characters of a ``podcast:location``'s text that aggregators keep."""


@dataclass(frozen=True)
class Place:
    """What an item is about: a name, a point and optionally its OpenStreetMap element."""

    name: str
    lat: float
    lon: float
    osm: str = ""


def location_name(text: str) -> str:
    """The place's name as the tag holds it: spaces collapsed, at most 128 characters (cut at
    a word, with an ellipsis).

    >>> location_name("  The   River Gate ")
    'The River Gate'
    >>> len(location_name("word " * 40)) <= 128
    True
    """
    name = " ".join(text.split())
    if len(name) <= LOCATION_NAME_MAX:
        return name
    cut = name[:LOCATION_NAME_MAX - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"


def add_locations(feed: bytes, places: dict[str, Place]) -> bytes:
    """``feed`` with a ``podcast:location`` in each item whose ``guid`` is a key of ``places``;
    the same input gives the same bytes."""
    if not places:
        return feed
    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
    root = etree.fromstring(feed, parser)
    for item in root.iter("item"):
        guid = item.findtext("guid")
        place = places.get(guid.strip()) if guid else None
        if place is None or not location_name(place.name):
            continue
        attrs = {"rel": "subject", "geo": f"geo:{place.lat!r},{place.lon!r}"}
        if place.osm:
            attrs["osm"] = place.osm
        etree.SubElement(item, f"{{{PODCAST_NS}}}location", attrs).text = location_name(place.name)
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return out
