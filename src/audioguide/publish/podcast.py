"""Podcast constants, defined once: XML namespaces, Apple's categories and media types, and the
shapes of e-mail addresses and language codes. The feed writer, the config loader and ``check``
all use these.

Sources: Apple Podcasts' RSS feed requirements and category list (podcasters.apple.com); the
Podcasting 2.0 namespace (github.com/Podcastindex-org/podcast-namespace); Podlove Simple Chapters.
"""

from __future__ import annotations

import re
import uuid

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
"""The Podcasting 2.0 namespace URI that audioguide writes."""
PODCAST_NS_ACCEPTED = (PODCAST_NS,
                       "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md")
"""The Podcasting 2.0 namespace URIs a reader accepts (the older one some feeds still declare)."""
ATOM_NS = "http://www.w3.org/2005/Atom"
PSC_NS = "http://podlove.org/simple-chapters"

ARTWORK_MIN, ARTWORK_MAX = 1400, 3000

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

PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""Podcasting 2.0: ``podcast:guid`` is a UUIDv5 of the feed URL in this namespace."""

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
"""A plausible e-mail address (for ``itunes:email``)."""

SHOW_TYPES = ("episodic", "serial")
"""``itunes:type`` values: episodic (newest first) or serial (in order)."""
EXPLICIT_VALUES = ("true", "false")
"""The only ``itunes:explicit`` values Apple accepts."""
LOCKED_VALUES = ("yes", "no")
"""``podcast:locked`` values."""
CHAPTERS_TYPE = "application/json+chapters"
"""The ``podcast:chapters`` type the spec prefers, the one audioguide writes."""
ARTWORK_FORMATS: dict[str, tuple[str, ...]] = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",)}
"""Cover art formats Apple accepts (Pillow's format name) -> the file extensions for each."""

PERSON_ROLES: dict[str, tuple[str, ...]] = {
    "Creative Direction": ("Director", "Assistant Director", "Executive Producer", "Senior Producer",
                           "Producer", "Associate Producer", "Development Producer", "Creative Director"),
    "Cast": ("Host", "Co-Host", "Guest Host", "Guest", "Voice Actor", "Narrator", "Announcer", "Reporter"),
    "Writing": ("Author", "Editorial Director", "Co-Writer", "Writer", "Songwriter", "Guest Writer",
                "Story Editor", "Managing Editor", "Script Editor", "Script Coordinator", "Researcher",
                "Editor", "Fact Checker", "Translator", "Transcriber", "Logger"),
    "Audio Production": ("Studio Coordinator", "Technical Director", "Technical Manager", "Audio Engineer",
                         "Remote Recording Engineer", "Post Production Engineer"),
    "Audio Post-Production": ("Audio Editor", "Sound Designer", "Foley Artist", "Composer", "Theme Music",
                              "Music Production", "Music Contributor"),
    "Administration": ("Production Coordinator", "Booking Coordinator", "Production Assistant",
                       "Content Manager", "Marketing Manager", "Sales Representative", "Sales Manager"),
    "Visuals": ("Graphic Designer", "Cover Art Designer"),
    "Community": ("Social Media Manager",),
    "Misc.": ("Consultant", "Intern"),
    "Video Production": ("Camera Operator", "Lighting Designer", "Camera Grip", "Assistant Camera"),
    "Video Post-Production": ("Editor", "Assistant Editor"),
}
"""The Podcast Taxonomy Project's groups and their roles, which ``podcast:person`` takes as
``group`` and ``role`` (compared without case; the namespace writes them in lower case).
Source: taxonomy-en.json in github.com/Podcastindex-org/podcast-namespace."""

AUTHOR_ROLE, AUTHOR_GROUP = "Author", "Writing"
"""An article's author: "has written prose ... now being read verbatim on air"."""
PERSON_DEFAULTS = ("Host", "Cast")
"""The role and group a ``podcast:person`` without them has."""


def person_group(role: str, group: str = "") -> str | None:
    """The taxonomy's group for ``role`` (in ``group`` when given; any case), ``None`` when the
    taxonomy has no such role there.

    >>> person_group("narrator"), person_group("Editor", "writing"), person_group("Host", "Writing")
    ('Cast', 'Writing', None)
    """
    for name, roles in PERSON_ROLES.items():
        if group and name.casefold() != group.casefold():
            continue
        if any(r.casefold() == role.casefold() for r in roles):
            return name
    return None


MEDIUMS = ("podcast", "music", "video", "film", "audiobook", "newsletter", "blog", "publisher", "course")
"""``podcast:medium`` values; each (but publisher) also with an ``L`` suffix (a list of them), and
``mixed``."""
MEDIUM_VALUES = (*MEDIUMS, *(m + "L" for m in MEDIUMS if m != "publisher"), "mixed")

TEXT_LIMIT = 128
"""The longest text of ``podcast:person``, ``podcast:funding``, ``podcast:license``,
``podcast:soundbite``, ``podcast:updateFrequency`` and ``podcast:season``, and of ``txt``'s purpose."""
TXT_LIMIT = 4000
"""The longest ``podcast:txt`` value."""
WEB_URL = re.compile(r"^https?://[^/\s]+(/\S*)?$")
"""An absolute http(s) address (``href``, ``img``, ``url`` of the namespace's tags)."""
RRULE = re.compile(r"^(?=.*\bFREQ=(SECONDLY|MINUTELY|HOURLY|DAILY|WEEKLY|MONTHLY|YEARLY)\b)"
                   r"[A-Z]+=[A-Za-z0-9,:+-]+(;[A-Z]+=[A-Za-z0-9,:+-]+)*$")
"""An iCalendar RRULE as ``podcast:updateFrequency`` takes it: ``FREQ=WEEKLY;BYDAY=MO``."""
UUID_TEXT = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
"""A UUID as text (``podcast:guid``, a podroll's ``feedGuid``)."""
OPUS_TYPE, OPUS_CODECS = "audio/ogg", "opus"
"""The Opus alternate's ``type`` (Ogg encapsulation, RFC 7845) and ``codecs`` (RFC 6381)."""
INTEGRITY_TYPES = ("sri", "pgp-signature")
"""``podcast:integrity`` types; audioguide writes ``sri`` (``sha256-`` and the base64 digest)."""
