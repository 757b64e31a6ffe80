"""People an episode credits (``podcast:person``): the Podcast Taxonomy Project's roles, and
the people a script's front matter names.

Scripts (``people:`` in front matter), ``[show]`` (the host) and the feed's checks share these,
so they sit below every stage.

Front matter, each entry a name (a guest) or a table::

    people:
      - Ana Lopes
      - name: Ben Ortiz
        role: Translator          # any role of the taxonomy; its group is found from it
        href: https://example.org/ben
        img: https://example.org/ben.jpg
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

TEXT_LIMIT = 128
"""The longest text of ``podcast:person``, ``podcast:funding``, ``podcast:license``,
``podcast:soundbite``, ``podcast:updateFrequency`` and ``podcast:season``, and of ``txt``'s purpose."""
WEB_URL = re.compile(r"^https?://[^/\s]+(/\S*)?$")
"""An absolute http(s) address (``href``, ``img``, ``url`` of the namespace's tags)."""

def web_url(url: str | None) -> str:
    """``url`` when it is an absolute http(s) address, else ``""``: what the pages link to
    outside the site (a ``javascript:`` or relative address in a record is never a link).

    >>> web_url("https://example.org/ana"), web_url("javascript:alert(1)"), web_url(None)
    ('https://example.org/ana', '', '')
    """
    return url if url and WEB_URL.match(url) else ""


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


@dataclass(frozen=True)
class Person:
    """Someone an episode credits (``podcast:person``): its article's author, the show's host,
    or whom its front matter names."""

    name: str
    role: str = PERSON_DEFAULTS[0]
    """A role of the Podcast Taxonomy Project (Author, Host, Narrator, Guest, ...)."""
    group: str = PERSON_DEFAULTS[1]
    """The role's group in the taxonomy (Writing, Cast, ...)."""
    href: str = ""
    """A page about them (http or https), optional."""
    img: str = ""
    """A picture of them (http or https), optional."""

    def to_json(self) -> dict[str, str]:
        return {k: v for k, v in (("name", self.name), ("role", self.role), ("group", self.group),
                                  ("href", self.href), ("img", self.img)) if v}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Person:
        return cls(str(d["name"]), str(d.get("role") or PERSON_DEFAULTS[0]), str(d.get("group") or PERSON_DEFAULTS[1]),
                   str(d.get("href") or ""), str(d.get("img") or ""))


GUEST = "Guest"
"""The role of someone front matter names without one."""
_PERSON_KEYS = ("name", "role", "group", "href", "img")


def parse_people(value: Any, problems: list[str], key: str = "people") -> tuple[Person, ...]:
    """Front matter's ``people``: a list of names or tables (see the module's docstring). Each
    problem is appended to ``problems`` as one line naming the entry and the fix.

    >>> [(p.name, p.role, p.group) for p in parse_people(["Ana", {"name": "Ben", "role": "translator"}], [])]
    [('Ana', 'Guest', 'Cast'), ('Ben', 'Translator', 'Writing')]
    >>> [p.name for p in parse_people("Ana Lopes, Ben Ortiz", [])]
    ['Ana Lopes', 'Ben Ortiz']
    >>> found = []; _ = parse_people([{"name": "Cy", "role": "Chef", "href": "example.org"}], found)
    >>> for line in found: print(line)
    people: Cy's role 'Chef' is not in the Podcast Taxonomy Project: use Guest, Narrator or another of its roles
    people: Cy's href 'example.org' must be a full address starting with http:// or https://
    """
    if value is None:
        return ()
    if isinstance(value, str):  # people: Ana Lopes, Ben Ortiz (a list written on one line)
        value = [name for name in re.split(r"\s*[,;]\s*", value) if name.strip()] or [value]
    if not isinstance(value, list):
        value = [value]
    people: list[Person] = []
    for entry in value:
        person = _person(entry, problems, key)
        if person is not None:
            people.append(person)
    return tuple(people)


def _person(entry: Any, problems: list[str], key: str) -> Person | None:
    if isinstance(entry, str):
        entry = {"name": entry}
    if not isinstance(entry, dict):
        problems.append(f"{key}: each entry is a name, or a table with name, role, href and img")
        return None
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{key}: an entry has no name: write 'name: …'")
        return None
    name = " ".join(name.split())
    found = len(problems)
    unknown = sorted(str(k) for k in entry if k not in _PERSON_KEYS)
    if unknown:
        problems.append(f"{key}: {name} has unknown keys {', '.join(unknown)}: use {', '.join(_PERSON_KEYS)}")
    if len(name) > TEXT_LIMIT:
        problems.append(f"{key}: the name {name[:40]}… is longer than {TEXT_LIMIT} characters")
    texts = {k: entry.get(k) for k in ("role", "group", "href", "img")}
    for k, v in texts.items():
        if v is not None and not isinstance(v, str):
            problems.append(f"{key}: {name}'s {k} must be text")
    role = str(texts["role"] or GUEST).strip()
    group = person_group(role, str(texts["group"] or ""))
    if group is None:
        elsewhere = person_group(role)
        problems.append(f"{key}: {name}'s role {role!r} " + (
            f"is in the group {elsewhere!r}, not {texts['group']!r}: leave group out" if elsewhere else
            "is not in the Podcast Taxonomy Project: use Guest, Narrator or another of its roles"))
    for k in ("href", "img"):
        link = texts[k]
        if isinstance(link, str) and link and not WEB_URL.match(link):
            problems.append(f"{key}: {name}'s {k} {link!r} must be a full address starting with http:// or https://")
    if len(problems) > found:
        return None
    canonical = next(r for r in PERSON_ROLES[group or ""] if r.casefold() == role.casefold())
    return Person(name, canonical, group or "", str(texts["href"] or ""), str(texts["img"] or ""))


def credits(authors: Iterable[str], named: Iterable[Person], host: Person | None) -> tuple[Person, ...]:
    """Whom an episode credits, in order: its article's authors (Author, in Writing), the people
    its front matter names, then the show's host; someone named twice in the same role once.

    >>> [p.role for p in credits(["Ana"], [Person("Ana", "Author", "Writing"), Person("Ben", "Guest")],
    ...                          Person("Cy"))]
    ['Author', 'Guest', 'Host']
    """
    people: list[Person] = []
    seen: set[tuple[str, str]] = set()
    for person in [*(Person(name, AUTHOR_ROLE, AUTHOR_GROUP) for name in authors), *named,
                   *([host] if host else [])]:
        key = (person.name.casefold(), person.role.casefold())
        if key not in seen:
            seen.add(key)
            people.append(person)
    return tuple(people)
