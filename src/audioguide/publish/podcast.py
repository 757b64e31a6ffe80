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

MEDIUMS = ("podcast", "music", "video", "film", "audiobook", "newsletter", "blog", "publisher", "course")
"""``podcast:medium`` values; each (but publisher) also with an ``L`` suffix (a list of them), and
``mixed``."""
MEDIUM_VALUES = (*MEDIUMS, *(m + "L" for m in MEDIUMS if m != "publisher"), "mixed")

TXT_LIMIT = 4000
"""The longest ``podcast:txt`` value."""
RRULE = re.compile(r"^(?=.*\bFREQ=(SECONDLY|MINUTELY|HOURLY|DAILY|WEEKLY|MONTHLY|YEARLY)\b)"
                   r"[A-Z]+=[A-Za-z0-9,:+-]+(;[A-Z]+=[A-Za-z0-9,:+-]+)*$")
"""An iCalendar RRULE as ``podcast:updateFrequency`` takes it: ``FREQ=WEEKLY;BYDAY=MO``."""
UUID_TEXT = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
"""A UUID as text (``podcast:guid``, a podroll's ``feedGuid``)."""
OPUS_TYPE, OPUS_CODECS = "audio/ogg", "opus"
"""The Opus alternate's ``type`` (Ogg encapsulation, RFC 7845) and ``codecs`` (RFC 6381)."""
INTEGRITY_TYPES = ("sri", "pgp-signature")
"""``podcast:integrity`` types; audioguide writes ``sri`` (``sha256-`` and the base64 digest)."""
