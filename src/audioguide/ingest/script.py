"""Episode scripts: derived from an article, kept in ``episodes/<slug>.md``, edited by people.

Format (documented in the README):

* YAML front matter between ``---`` lines: ``title``, ``slug``, ``date``, ``source``,
  ``description`` and optional ``engine``, ``voice``, ``language``, ``kind``, ``episode``, ``guid``.
* The body is Markdown. Text before the first heading is the opening chapter ("Introduction");
  every ``##`` heading starts a chapter and is spoken. Blank lines separate paragraphs;
  ``1.`` and ``-`` lines are list items.
* A paragraph that is only a cue, ``[pause]``, ``[pause 2s]`` or ``[pause 800ms]``, is silence.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from audioguide.errors import ConfigError, InputError
from audioguide.ingest.frontmatter import split_front_matter
from audioguide.ingest.markdown import markdown_blocks
from audioguide.ingest.sentences import split_sentences
from audioguide.lexicon import parse_lexicon
from audioguide.models import Article, Block, EpisodeMeta, Script, Section
from audioguide.settings import VOICE_LIMITS, ShowConfig, voice_value_problem

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
PAUSE_CUE = re.compile(r"^\[pause(?:\s+(\d+(?:\.\d+)?)\s*(s|ms|sec|seconds)?)?\]$", re.IGNORECASE)
DEFAULT_PAUSE = 1.0
META_KEYS = {"title", "slug", "date", "source", "description", "engine", "voice", "language",
             "kind", "episode", "guid", "lexicon", *VOICE_LIMITS}


def slugify(text: str, limit: int = 60) -> str:
    """A file-safe slug: ASCII letters, digits and single hyphens, cut at a word, at most ``limit`` chars.

    >>> slugify("Is getting a second interview a good sign?")
    'is-getting-a-second-interview-a-good-sign'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return leading_words(re.findall(r"[a-z0-9]+", ascii_text.lower()), limit, "-") or "episode"


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


def derive(article: Article, show: ShowConfig, *, slug: str | None = None,
           source: str | None = None, date: dt.date | None = None) -> Script:
    """The episode script for ``article``: its sections, plus the show's intro and outro lines."""
    slug = slug or slugify(article.title)
    if not SLUG.match(slug):
        raise InputError(f"slug {slug!r} is not allowed",
                         fix="Use lowercase letters, digits and hyphens, e.g. --slug my-episode")
    meta = EpisodeMeta(title=article.title, slug=slug, date=date or dt.date.today(),
                       description=_first_sentences(article), source=source)
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


def _block_markdown(block: Block) -> str:
    if block.kind == "pause":
        return f"[pause {_format_seconds(block.seconds)}]"
    if block.kind == "item":
        return f"{block.number}. {block.text}" if block.number is not None else f"- {block.text}"
    return block.text


def dumps(script: Script) -> str:
    """The script as text, in the documented format."""
    m = script.meta
    front: dict[str, Any] = {"title": m.title, "slug": m.slug, "date": m.date}
    if m.source:
        front["source"] = m.source
    front["description"] = m.description
    for key in ("engine", "voice", "language", "episode", "guid"):
        if getattr(m, key) is not None:
            front[key] = getattr(m, key)
    if m.kind != "episode":
        front["kind"] = m.kind
    front.update(dict(m.voice_settings))
    if m.lexicon:
        front["lexicon"] = {e.key: ({"say": e.say, "piper": e.phonemes} if e.phonemes else e.say)
                            for e in m.lexicon.entries}
    head = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100).strip()
    examples = {"engine": "gtts", "voice": "path/to/voice.onnx"}
    hints = [f"# {k}: {v}  (uncomment to override audioguide.toml for this episode)"
             for k, v in examples.items() if k not in front]
    lines = ["---", head, *hints, "---", ""]
    for section in script.sections:
        if section.heading:
            lines += [f"## {section.heading}", ""]
        previous: Block | None = None
        for block in section.blocks:
            if previous is not None and not (previous.kind == block.kind == "item"):
                lines.append("")
            lines.append(_block_markdown(block))
            previous = block
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _meta(data: dict[str, Any], path: Path) -> EpisodeMeta:
    problems: list[str] = []
    for key in sorted(set(data) - META_KEYS):
        problems.append(f"front matter key {key!r} is unknown (known: {', '.join(sorted(META_KEYS))})")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append("front matter needs a title: add 'title: …'")
    slug = data.get("slug", path.stem)
    if not isinstance(slug, str) or not SLUG.match(slug):
        problems.append(f"slug {slug!r} must be lowercase letters, digits and hyphens")
    date = data.get("date", dt.date.today())
    if isinstance(date, dt.datetime):
        date = date.date()
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            problems.append(f"date {date!r} must be written as YYYY-MM-DD")
    elif not isinstance(date, dt.date):
        problems.append("date must be written as YYYY-MM-DD")
    kind = data.get("kind", "episode")
    if kind not in ("episode", "guide"):
        problems.append("kind must be 'episode' or 'guide'")
    for key in ("description", "source", "engine", "voice", "language", "guid"):
        if key in data and data[key] is not None and not isinstance(data[key], str):
            problems.append(f"{key} must be text")
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
    if problems:
        raise ConfigError(problems, path=path)
    return EpisodeMeta(
        title=str(title).strip(), slug=str(slug), date=date, kind=kind,
        description=str(data.get("description") or "").strip(), source=data.get("source"),
        engine=data.get("engine"), voice=data.get("voice"), language=data.get("language"),
        episode=episode, guid=data.get("guid"), lexicon=lexicon, voice_settings=tuple(voice_settings),
    )


def _cue_seconds(match: re.Match[str]) -> float:
    if match.group(1) is None:
        return DEFAULT_PAUSE
    value = float(match.group(1))
    return value / 1000 if (match.group(2) or "s").lower() == "ms" else value


def parse(text: str, path: Path) -> Script:
    """Read a script from its text; every front-matter problem is reported at once.

    Front matter that is not valid YAML, holds an impossible value or is not a mapping
    raises :class:`~audioguide.ingest.frontmatter.FrontMatterError` (an :class:`InputError`).
    """
    data, body = split_front_matter(text, path)
    meta = _meta(data, path)
    sections: list[Section] = []
    # Stripped, so a first line indented by accident is a paragraph, not a code block.
    for heading, blocks in markdown_blocks(body.strip()):
        out: list[Block] = []
        for block in blocks:
            cue = PAUSE_CUE.match(block.text.strip()) if block.kind == "paragraph" else None
            out.append(Block("pause", seconds=_cue_seconds(cue)) if cue else block)
        if out:
            sections.append(Section(heading, tuple(out)))
    if not any(b.kind != "pause" for s in sections for b in s.blocks):
        raise InputError("the script has no text to speak", path=path,
                         fix="Write paragraphs under the front matter, or re-run audioguide import")
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
