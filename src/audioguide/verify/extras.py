"""The Podcasting 2.0 tags of issue 16 as the namespace defines them: on the channel
``podcast:person`` (the host), ``podcast:funding``, ``txt``, ``medium``, ``license``, ``podroll``
and ``updateFrequency``; on each
item ``podcast:person`` (roles and groups of the Podcast Taxonomy Project), ``podcast:soundbite``
(inside the episode), ``podcast:alternateEnclosure`` (its length exact, its integrity the file's),
and the season and episode numbers.
"""

from __future__ import annotations

from lxml import etree

from audioguide.people import PERSON_DEFAULTS, TEXT_LIMIT, WEB_URL, person_group
from audioguide.publish.podcast import (
    INTEGRITY_TYPES,
    ITUNES_NS,
    MEDIUM_VALUES,
    PODCAST_NS_ACCEPTED,
    RRULE,
    TXT_LIMIT,
    UUID_TEXT,
)
from audioguide.stamps import integrity as sri
from audioguide.verify.context import RERENDER, ItemFacts, SiteCheck, child, children, clean

P = PODCAST_NS_ACCEPTED
_SHOW_FIX = "Fix it in [show] of audioguide.toml, then run audioguide render again"


def _text_limit(site: SiteCheck, where: str, tag: str, value: str, limit: int = TEXT_LIMIT) -> None:
    if len(value) > limit:
        site.add(where, f"<podcast:{tag}> is {len(value)} characters, the namespace allows {limit}", _SHOW_FIX)


def _web_url(site: SiteCheck, where: str, what: str, value: str | None, *, required: bool = False) -> None:
    value = clean(value)
    if (value or required) and not WEB_URL.match(value):
        site.add(where, f"{what} {value or '(missing)'!r} is not an http or https address", _SHOW_FIX)


def check_channel_extras(site: SiteCheck, ch: etree._Element) -> None:
    """People, funding, txt, medium, license, podroll and updateFrequency, where the channel has them."""
    where = site.channel
    _check_people(site, ch, where)
    for funding in children(ch, P, "funding"):
        _web_url(site, where, "<podcast:funding url>", funding.get("url"), required=True)
        _text_limit(site, where, "funding", clean(funding.text))
    for txt in children(ch, P, "txt"):
        _text_limit(site, where, "txt", clean(txt.text), TXT_LIMIT)
        _text_limit(site, where, "txt purpose", clean(txt.get("purpose")))
    for medium in children(ch, P, "medium"):
        if clean(medium.text) not in MEDIUM_VALUES:
            site.add(where, f"<podcast:medium> {clean(medium.text)!r} is not one of the namespace's "
                     f"({', '.join(MEDIUM_VALUES)})", _SHOW_FIX)
    for licence in children(ch, P, "license"):
        _text_limit(site, where, "license", clean(licence.text))
        _web_url(site, where, "<podcast:license url>", licence.get("url"))
    for roll in children(ch, P, "podroll"):
        for remote in children(roll, P, "remoteItem"):
            if not UUID_TEXT.match(clean(remote.get("feedGuid"))):
                site.add(where, f"<podcast:remoteItem feedGuid> {clean(remote.get('feedGuid'))!r} is not a "
                         "UUID", _SHOW_FIX)
            _web_url(site, where, "<podcast:remoteItem feedUrl>", remote.get("feedUrl"))
    for frequency in children(ch, P, "updateFrequency"):
        _text_limit(site, where, "updateFrequency", clean(frequency.text))
        rrule = clean(frequency.get("rrule"))
        if rrule and not RRULE.match(rrule):
            site.add(where, f"<podcast:updateFrequency rrule> {rrule!r} is not an iCalendar RRULE", _SHOW_FIX)


def check_item_extras(site: SiteCheck, item: etree._Element, facts: ItemFacts) -> None:
    """People, season and episode numbers, the soundbite and the Opus alternate of one item."""
    where = facts.where
    _check_people(site, item, where)
    _check_numbers(site, item, where)
    _check_soundbite(site, item, where, facts.duration)
    for alternate in children(item, P, "alternateEnclosure"):
        _check_alternate(site, alternate, where)


def _check_people(site: SiteCheck, parent: etree._Element, where: str) -> None:
    for person in children(parent, P, "person"):
        name = clean(person.text)
        fix = ("Fix author or people in the episode's front matter, or show.host and show.host_role, "
               + RERENDER.lower())
        if not name:
            site.add(where, "<podcast:person> has no name", fix)
        _text_limit(site, where, "person", name)
        role = clean(person.get("role")) or PERSON_DEFAULTS[0]
        group = clean(person.get("group")) or PERSON_DEFAULTS[1]
        if person_group(role, group) is None:
            found = person_group(role)
            hint = (f"{role!r} is in group {found!r}" if found else
                    f"{role!r} is not a role of the Podcast Taxonomy Project")
            site.add(where, f"<podcast:person> {name!r} has role {role!r} in group {group!r}: {hint}", fix)
        _web_url(site, where, f"<podcast:person> {name!r} href", person.get("href"))
        _web_url(site, where, f"<podcast:person> {name!r} img", person.get("img"))


def _check_numbers(site: SiteCheck, item: etree._Element, where: str) -> None:
    for ns, tag in ((ITUNES_NS, "season"), (P, "season"), (P, "episode")):
        found = child(item, ns, tag)
        if found is None:
            continue
        value = clean(found.text)
        prefix = "itunes" if ns == ITUNES_NS else "podcast"
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if number < 0 or (tag == "season" and not value.isdigit()):
            site.add(where, f"<{prefix}:{tag}> {value!r} is not a {'whole ' if tag == 'season' else ''}number "
                     "from 0", "Set show.season to a whole number, or 0 for none, " + RERENDER.lower())


def _seconds(value: str | None) -> float | None:
    try:
        seconds = float(clean(value))
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def _check_soundbite(site: SiteCheck, item: etree._Element, where: str, audio: float | None) -> None:
    for bite in children(item, P, "soundbite"):
        start, length = _seconds(bite.get("startTime")), _seconds(bite.get("duration"))
        if start is None or length is None or length == 0:
            site.add(where, f"<podcast:soundbite> startTime {bite.get('startTime')!r} and duration "
                     f"{bite.get('duration')!r} must be seconds, the duration above 0", RERENDER)
            continue
        if audio is not None and start + length > audio + 0.001:
            site.add(where, f"<podcast:soundbite> runs to {start + length:.3f} s but the episode lasts "
                     f"{audio:.3f} s", RERENDER)
        _text_limit(site, where, "soundbite", clean(bite.text))


def _check_alternate(site: SiteCheck, alternate: etree._Element, where: str) -> None:
    what = f"<podcast:alternateEnclosure> ({clean(alternate.get('type')) or 'no type'})"
    if not clean(alternate.get("type")):
        site.add(where, f"{what} has no type", RERENDER)
    sources = [clean(s.get("uri")) for s in children(alternate, P, "source")]
    if not sources or not all(sources):
        site.add(where, f"{what} has no <podcast:source uri>", RERENDER)
        return
    path = site.local_file(sources[0])
    if path is None:
        site.add(where, f"{what} {sources[0]} is not in the site",
                 f"{RERENDER}; it writes the Opus file beside the MP3 (unless [audio] opus is false)")
        return
    length, size = clean(alternate.get("length")), path.stat().st_size
    if not length.isdigit() or int(length) != size:
        site.add(where, f"{what} length is {length or 'missing'!r} but {site.rel(path)} has {size} bytes",
                 f"{RERENDER} so the feed matches the file")
    bitrate = clean(alternate.get("bitrate"))
    if bitrate and _seconds(bitrate) is None:
        site.add(where, f"{what} bitrate {bitrate!r} is not a number of bits per second", RERENDER)
    for integrity in children(alternate, P, "integrity"):
        kind, value = clean(integrity.get("type")), clean(integrity.get("value"))
        if kind not in INTEGRITY_TYPES:
            site.add(where, f"<podcast:integrity> type {kind!r} must be {' or '.join(INTEGRITY_TYPES)}", RERENDER)
        elif kind == "sri" and value != (actual := sri(path)):
            site.add(where, f"<podcast:integrity> of {site.rel(path)} is {value!r} but the file's is "
                     f"{actual!r}: the file changed after the feed was written", RERENDER)
