"""Episode scripts: derived from an article, kept in ``episodes/<slug>.md``, edited by people.

Format (documented in the README):

* YAML front matter between ``---`` lines: ``title``, ``slug``, ``date``, ``source``,
  ``description`` and optional ``engine``, ``voice``, ``language``, ``kind``, ``episode``, ``guid``,
  ``soundbite`` (the sentence the episode's highlight starts from), ``people`` (whom the episode
  credits: :mod:`audioguide.people`), ``artwork`` (the episode's own cover, a path from the
  script's folder).
* The body is Markdown. Text before the first heading is the opening chapter ("Introduction");
  every ``##`` heading starts a chapter and is spoken. Blank lines separate paragraphs;
  ``1.`` and ``-`` lines are list items.
* A paragraph that is only a cue, ``[pause]``, ``[pause 2s]`` or ``[pause 800ms]``, is silence.
* In a guide, a line ``[location LAT, LON]`` (or ``[location LAT, LON, 40 m]``) directly under a
  stop's heading says where the stop is, and is not spoken; the front matter's ``locations`` may say it instead,
  keyed by stop number or heading (:mod:`audioguide.ingest.locations`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from audioguide.errors import ConfigError, InputError
from audioguide.ingest import facts
from audioguide.ingest import locations as places
from audioguide.ingest.blocks import printable
from audioguide.ingest.cues import PAUSE_CUE, cue_problem, pause_seconds
from audioguide.ingest.frontmatter import not_text, split_front_matter
from audioguide.ingest.language import detect_language
from audioguide.ingest.markdown import markdown_blocks
from audioguide.ingest.quotes import check_soundbite, needle
from audioguide.ingest.sentences import split_sentences
from audioguide.lexicon import parse_lexicon
from audioguide.models import Article, Block, EpisodeMeta, Location, Script, Section
from audioguide.people import GUEST, parse_people
from audioguide.settings import VOICE_LIMITS, ShowConfig, same_language, voice_value_problem

log = logging.getLogger(__name__)

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
SCRIPT_KEYS = frozenset({"title", "slug", "date", "source", "description", "engine", "voice", "language",
                         "kind", "episode", "guid", "lexicon", "author", "authors", "url", "tags", "draft",
                         "guide", "locations", "soundbite", "people", "artwork", *VOICE_LIMITS})
"""The keys audioguide writes and reads in a script's front matter (documented in the README)."""
GENERATOR_KEYS = frozenset({
    # Jekyll, Hugo, Eleventy, MkDocs (blog plugin), Astro, Gatsby and common themes
    "layout", "permalink", "categories", "category", "aliases", "weight", "type", "menu", "series",
    "keywords", "lastmod", "last_modified_at", "modified", "updated", "expiryDate", "publishDate",
    "images", "image", "cover", "featured_image", "thumbnail", "og_image", "hero", "banner",
    "sitemap", "build", "cascade", "outputs", "params", "resources", "markup", "linkTitle",
    "translationKey", "headless", "isCJKLanguage", "audio", "videos", "toc", "comments",
    "pagination", "eleventyExcludeFromCollections", "eleventyComputed", "eleventyNavigation",
    "readtime", "links", "pin", "hide", "search", "template", "status", "icon", "subtitle",
    "redirect_from", "redirect_to", "author_profile", "header", "sidebar", "share", "related",
    "math", "mermaid", "id", "uuid", "excerpt_separator", "render_with_liquid", "showToc",
    "heroImage", "pubDatetime", "featured", "hidden", "order", "nav_order", "parent",
})
"""Keys site generators put in a post's front matter: a script copied from a post keeps them,
and they are ignored."""
KNOWN_KEYS = SCRIPT_KEYS | facts.FACT_KEYS | GENERATOR_KEYS


def slugify(text: str, limit: int = 60, fallback: str = "episode") -> str:
    """A file-safe slug: ASCII letters, digits and single hyphens, cut at a word, at most ``limit``
    chars; ``fallback`` for a text with none (``???``). Other scripts are transliterated
    (anyascii): every title of a show in Greek, Japanese or Arabic was ``episode``, and the
    second one's import was refused.

    >>> slugify("Is getting a second interview a good sign?"), slugify("Αθήνα το καλοκαίρι")
    ('is-getting-a-second-interview-a-good-sign', 'athina-to-kalokairi')
    >>> slugify("???"), slugify("???", fallback="stop")
    ('episode', 'stop')
    """
    from anyascii import anyascii

    words = "".join(c for c in text if not unicodedata.category(c).startswith("S"))  # no emoji names
    return leading_words(re.findall(r"[a-z0-9]+", anyascii(words).lower()), limit, "-") or fallback


def leading_words(words: list[str], limit: int, sep: str = " ") -> str:
    """The leading ``words`` joined by ``sep``, as many as fit in ``limit`` characters.

    >>> leading_words(["Old", "Town", "Walk"], 8)
    'Old Town'
    """
    out = ""
    for word in words:
        candidate = f"{out}{sep}{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out


def _first_sentences(article: Article, limit: int = 280) -> str:
    """A description: the opening sentences of the article, cut at a sentence end."""
    for section in article.sections:
        for block in section.blocks:
            if block.kind == "paragraph" and block.text:
                out = ""
                # Only the opening text: sentence splitting is quadratic on very long blocks.
                for sentence in split_sentences(block.text[: limit * 4]):
                    if out and len(out) + len(sentence) + 1 > limit:
                        break
                    out = f"{out} {sentence}".strip()
                return out[: limit + 40]
    return article.title


def _language(article: Article, show: ShowConfig) -> str | None:
    """The language the article states; else the one it is written in when that is not the
    show's (the episode will then need a voice for it). A stated language the text does not
    look like is kept, with a warning."""
    stated = article.meta.language
    found = detect_language(article)
    if stated and found and not same_language(stated, found):
        log.warning("%s says its language is %s but reads as %s; keeping %s (change 'language' in the "
                    "script if that is wrong)", article.source or article.title, stated, found, stated)
    if stated or found is None or same_language(found, show.language):
        return stated
    return found


def derive(article: Article, show: ShowConfig, *, slug: str | None = None,
           source: str | None = None, date: dt.date | None = None, guid: str | None = None) -> Script:
    """The episode script for ``article``: its sections, plus the show's intro and outro lines.

    Every fact the article states is kept: its date (with the time and zone when given), else
    ``date``, else today; its description, else its opening sentences; its slug (when it is a
    valid one), language, authors, address, tags and draft flag. ``guid`` (a feed entry's id)
    becomes the episode's feed guid."""
    facts_ = article.meta
    own_slug = facts_.slug if facts_.slug and SLUG.match(facts_.slug) else None
    slug = slug or own_slug or slugify(article.title)
    if not SLUG.match(slug):
        raise InputError(f"slug {slug!r} is not allowed",
                         fix="Use lowercase letters, digits and hyphens, e.g. --slug my-episode")
    meta = EpisodeMeta(title=article.title, slug=slug, date=facts_.date or date or dt.date.today(),
                       published=facts_.published,
                       description=facts_.description or _first_sentences(article), source=source,
                       language=_language(article, show), authors=facts_.authors, url=facts_.url,
                       tags=facts_.tags, draft=facts_.draft, guid=guid)
    fill = {"show": show.title, "title": article.title}
    intro = show.intro.format(**fill).strip()
    outro = show.outro.format(**fill).strip()
    sections = list(article.sections)
    if not sections:
        raise InputError("the article has no sections", path=article.source)
    if intro:
        first = sections[0]
        if first.heading is None:
            sections[0] = Section(None, (Block("paragraph", intro), Block("pause", seconds=0.5),
                                         *first.blocks))
        else:
            sections.insert(0, Section(None, (Block("paragraph", intro),)))
    if outro:
        last = sections[-1]
        sections[-1] = Section(last.heading, (*last.blocks, Block("pause", seconds=0.8),
                                              Block("paragraph", outro)))
    return Script(meta=meta, sections=tuple(sections))


def _format_seconds(seconds: float) -> str:
    return f"{seconds:g}s"


def _block_markdown(block: Block, delimiter: str = ".") -> str:
    if block.kind == "pause":
        return f"[pause {_format_seconds(block.seconds)}]"
    if block.kind == "item":
        return f"{block.number}{delimiter} {block.text}" if block.number is not None else f"- {block.text}"
    return block.text


def front_matter(meta: EpisodeMeta) -> dict[str, Any]:
    """The script's front matter as data, keys in the documented order."""
    front: dict[str, Any] = {"title": meta.title, "slug": meta.slug, "date": meta.published or meta.date}
    if meta.source:
        front["source"] = meta.source
    if meta.url:
        front["url"] = meta.url
    front["description"] = meta.description
    if meta.authors:
        front.update({"author": meta.authors[0]} if len(meta.authors) == 1 else {"authors": list(meta.authors)})
    for key in ("engine", "voice", "language", "episode", "guid", "soundbite", "artwork"):
        if getattr(meta, key) is not None:
            front[key] = getattr(meta, key)
    if meta.people:
        front["people"] = [p.name if (p.role, p.href, p.img) == (GUEST, "", "") else
                           {k: v for k, v in p.to_json().items() if k != "group"} for p in meta.people]
    if meta.tags:
        front["tags"] = list(meta.tags)
    if meta.draft:
        front["draft"] = True
    if meta.guide:
        front["guide"] = meta.guide
    elif meta.kind != "episode":
        front["kind"] = meta.kind
    if meta.stop_locations:
        front["locations"] = {n: places.cue_text(loc) for n, loc in meta.stop_locations}
    front.update(dict(meta.voice_settings))
    if meta.lexicon:
        front["lexicon"] = {e.key: ({"say": e.say, "piper": e.phonemes} if e.phonemes else e.say)
                            for e in meta.lexicon.entries}
    return front


def body_markdown(sections: tuple[Section, ...]) -> str:
    """A script's body: its sections as Markdown, in the documented format."""
    lines: list[str] = []
    for section in sections:
        if section.heading:
            lines += [f"## {section.heading}", ""]
        if section.location is not None:
            lines += [f"[location {places.cue_text(section.location)}]", ""]
        previous: Block | None = None
        delimiter = "."
        for block in section.blocks:
            if previous is not None and not (previous.kind == block.kind == "item"):
                lines.append("")
            if block.number is not None and previous is not None and previous.number is not None \
                    and block.number != previous.number + 1:
                # a list nested in an item, or another list: Markdown would number it on from the one
                # before ("3. Wet your hands"); the other delimiter starts a list at the number written
                delimiter = ")" if delimiter == "." else "."
            lines.append(_block_markdown(block, delimiter))
            previous = block
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def dumps(script: Script) -> str:
    """The script as text, in the documented format."""
    return compose(front_matter(script.meta), body_markdown(script.sections))


def compose(front: dict[str, Any], body: str) -> str:
    """A script's text from its front matter (as data) and its Markdown body."""
    head = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100).strip()
    examples = {"engine": "gtts", "voice": "path/to/voice.onnx"}
    hints = [f"# {k}: {v}  (uncomment to override audioguide.toml for this episode)"
             for k, v in examples.items() if k not in front]
    return "\n".join(["---", head, *hints, "---", "", body.strip("\n") + "\n"])


def _unknown_keys(data: dict[str, Any]) -> str | None:
    """One line for the keys neither audioguide nor a site generator uses, with likely fixes."""
    unknown = sorted(k for k in data if k not in KNOWN_KEYS and not k.startswith("_"))
    if not unknown:
        return None
    hints = [f"{k!r} (did you mean {close[0]!r}?)" if (close := difflib.get_close_matches(k, SCRIPT_KEYS, 1))
             else repr(k) for k in unknown]
    return (f"front matter key{'s' if len(unknown) > 1 else ''} {', '.join(hints)} "
            f"{'are' if len(unknown) > 1 else 'is'} not used by audioguide: fix or remove "
            f"{'them' if len(unknown) > 1 else 'it'} (the README lists the script keys)")


def _date(data: dict[str, Any], problems: list[str]) -> tuple[dt.date, dt.datetime | None]:
    if "date" not in data:
        return dt.date.today(), None
    moment = facts.when(data["date"])
    if moment is None:
        problems.append(facts.not_a_date(data["date"]))
        return dt.date.today(), None
    return moment


def _article_facts(data: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    """The article's facts a script keeps: author(s), url, tags, draft (checked), plus what a
    site generator's names for them say (``lang``, ``excerpt``…) when the script's own are absent."""
    if "url" in data and facts.web_address(data["url"]) is None:
        problems.append(f"url {data['url']!r} must be a full address starting with http:// or https://")
    if "draft" in data and not isinstance(data["draft"], bool):
        problems.append("draft must be true or false")
    for key in ("author", "authors"):
        if key in data and not facts.names(data[key]):
            problems.append(f"{key} must be a name or a list of names")
    found = facts.article_meta(data, quiet=True)
    return {"authors": found.authors, "url": found.url, "tags": found.tags, "draft": found.draft,
            "language": found.language, "description": found.description}


def _meta(data: dict[str, Any], path: Path) -> tuple[EpisodeMeta, list[tuple[int | str, Location]]]:
    """The front matter as :class:`EpisodeMeta`, and the ``locations`` it gives by heading."""
    problems: list[str] = []
    unknown = _unknown_keys(data)
    if unknown:
        problems.append(unknown)
    title = data.get("title")
    if title is not None and not isinstance(title, str):
        problems.append(not_text("title", title))
    elif not isinstance(title, str) or not title.strip():
        problems.append("front matter needs a title: add 'title: …'")
    slug = data.get("slug", path.stem)
    if not isinstance(slug, str) or not SLUG.match(slug):
        problems.append(f"slug {slug!r} must be lowercase letters, digits and hyphens: add "
                        f"'slug: {slugify(str(slug)) or 'episode'}' to the front matter, or rename the file")
    date, published = _date(data, problems)
    kind = data.get("kind", "episode")
    if kind not in ("episode", "guide"):
        problems.append("kind must be 'episode' or 'guide'")
    guide = data.get("guide")
    if guide is not None:
        if not isinstance(guide, str) or not SLUG.match(guide):
            problems.append(f"guide {guide!r} must be the guide's id: lowercase letters, digits and hyphens, "
                            "the same in every language's script")
        elif data.get("kind", "guide") != "guide":
            problems.append("guide: makes the script an audio guide; remove kind: episode")
        kind = "guide"
    for key in ("description", "source", "engine", "voice", "language", "guid", "soundbite", "artwork"):
        if key in data and data[key] is not None and not isinstance(data[key], str):
            problems.append(not_text(key, data[key]))
    artwork = data.get("artwork") or None
    if isinstance(artwork, str) and not (path.parent / artwork).is_file():
        problems.append(f"artwork {artwork!r} is not a file (looked for {path.parent / artwork}): give a "
                        "square JPEG or PNG of 1400-3000 px, as a path from the script's folder")
    people = parse_people(data.get("people"), problems)
    if isinstance(data.get("soundbite"), str) and not needle(data["soundbite"]):
        problems.append("soundbite must be a sentence of the script (the highlight starts there), "
                        "or be left out for the episode's opening")
    if isinstance(data.get("language"), str) and facts.language_tag(data["language"]) is None:
        problems.append(f"language {data['language']!r} must be a language code such as en or fr-FR")
    episode = data.get("episode")
    if episode is not None and (isinstance(episode, bool) or not isinstance(episode, int) or episode < 1):
        problems.append("episode must be a whole number from 1")
    lexicon = parse_lexicon(data.get("lexicon"), "lexicon", problems)
    voice_settings = []
    for key in VOICE_LIMITS:
        if key in data:
            value = data[key]
            problem = voice_value_problem(key, value)
            if problem:
                problems.append(problem)
            else:
                voice_settings.append((key, float(value)))
    found = _article_facts(data, problems)
    by_number = places.front_matter_locations(data.get("locations"), problems)
    if problems:
        raise ConfigError(problems, path=path)
    return EpisodeMeta(
        title=str(title).strip(), slug=str(slug), date=date, published=published, kind=kind,
        description=found["description"], source=data.get("source"),
        engine=data.get("engine"), voice=data.get("voice"), language=found["language"],
        episode=episode, guid=data.get("guid"), lexicon=lexicon, voice_settings=tuple(voice_settings),
        authors=found["authors"], url=found["url"], tags=found["tags"], draft=found["draft"],
        guide=guide if isinstance(guide, str) else None,
        stop_locations=tuple((k, v) for k, v in by_number if isinstance(k, int)),
        soundbite=data.get("soundbite") or None, people=people,
        artwork=artwork if isinstance(artwork, str) else None, dated="date" in data,
    ), [(k, v) for k, v in by_number if isinstance(k, str)]


def _printable_values(value: Any) -> Any:
    """Front matter with :func:`~audioguide.ingest.blocks.printable` strings (a YAML escape such
    as ``"A\\x01B"`` makes a control character the text itself had not)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [_printable_values(v) for v in value]
    if isinstance(value, dict):
        return {k: _printable_values(v) for k, v in value.items()}
    return value


def parse(text: str, path: Path) -> Script:
    """Read a script from its text; every front-matter problem is reported at once.

    Front matter that is not valid YAML, holds an impossible value or is not a mapping
    raises :class:`~audioguide.ingest.frontmatter.FrontMatterError` (an :class:`InputError`).
    """
    text = printable(text)
    data, body = split_front_matter(text, path)
    first_line = text[: max(0, text.find(body))].count("\n") + 1
    meta, by_heading = _meta(_printable_values(data), path)
    sections: list[Section] = []
    problems: list[str] = []
    # Stripped, so a first line indented by accident is a paragraph, not a code block.
    for heading, blocks in markdown_blocks(places.set_apart(body.strip())):
        said, location = places.take_location(heading, blocks, body, first_line, problems)
        out: list[Block] = []
        for block in said:
            text = block.text.strip()
            cue = PAUSE_CUE.match(text) if block.kind == "paragraph" else None
            mistake = cue_problem(text, body, first_line) if block.kind == "paragraph" and not cue else None
            if mistake:
                problems.append(mistake)
            out.append(Block("pause", seconds=pause_seconds(cue)) if cue else block)
        if out or heading:
            sections.append(Section(heading, tuple(out), location))
        elif location is not None:
            problems.append("the introduction has a [location] line but nothing to say: put it under a heading")
    sections = places.place_sections(sections, by_heading, problems, meta.language or "en")
    if problems:
        raise ConfigError(problems, path=path)
    if not any(b.kind != "pause" for s in sections for b in s.blocks):
        raise InputError("the script has no text to speak", path=path,
                         fix="Write paragraphs under the front matter, or re-run audioguide import")
    if meta.soundbite:
        check_soundbite(meta.soundbite, tuple(sections), meta.language or "en", path)
    return Script(meta=meta, sections=tuple(sections), path=path)


def load(path: Path) -> Script:
    """Read the episode script at ``path``."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("is not UTF-8 text", path=path, fix="Save the script as UTF-8") from exc
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror})", path=path,
                         fix="Check the path and its permissions") from exc
    return parse(text, path)
