"""What the voice will say (``audioguide spoken``): each item's sentences as the engine gets
them, beside the text as written, without speaking anything.

The sentences come from the render's own plan (:func:`~audioguide.render.inputs.episode_plan`:
the same splitting, normalisation, lexicon and guide announcements), so what is printed is what
a render hands the engine. By default only the sentences whose words change are listed (numbers,
dates, units, abbreviations, addresses, lexicon entries, list lead-ins): an editor reads those
before rendering, and puts a lexicon entry or a rewording where the reading is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from audioguide.errors import AudioguideError, naming
from audioguide.models import Script
from audioguide.render.inputs import Overrides, episode_plan, gather, load_input
from audioguide.settings import Config

_WORD = re.compile(r"\w+")


def words(text: str) -> tuple[str, ...]:
    """The words of ``text``, case and punctuation aside: a heading's added full stop, or a
    comma, does not make a sentence read differently.

    >>> words("The 1990s, mostly.") == words("the 1990s mostly")
    True
    """
    return tuple(_WORD.findall(text.casefold()))


@dataclass(frozen=True)
class Sentence:
    """One sentence of an item: where it is, as written, and as the engine gets it."""

    section: int
    written: str
    spoken: str

    @property
    def changed(self) -> bool:
        """Whether the engine gets other words than the script shows."""
        return words(self.written) != words(self.spoken)


@dataclass(frozen=True)
class Item:
    """An item's sentences, in order (pause cues, which say nothing, left out)."""

    path: Path
    script: Script
    sentences: tuple[Sentence, ...]


def item_sentences(config: Config, path: Path, overrides: Overrides) -> Item:
    """The sentences ``path`` (a script or an article) would be spoken as."""
    script = load_input(path, config)
    planned = episode_plan(config, script, overrides)
    return Item(path, script, tuple(Sentence(u.section, u.caption, u.text) for u in planned if u.text.strip()))


def spoken_items(config: Config, paths: list[Path],
                 overrides: Overrides) -> Iterator[Item | AudioguideError]:
    """Each input's sentences (every script in ``episodes/`` when ``paths`` is empty, drafts
    too: they are what an editor reads before publishing), or the error that stops one; the
    others are still read."""
    asked: list[list[Path]] = [[path] for path in paths] or [[]]  # [] is every script
    for one in asked:
        try:
            found = gather(config, one)
        except AudioguideError as exc:
            yield exc
            continue
        for path in found:
            try:
                yield item_sentences(config, path, overrides)
            except AudioguideError as exc:
                yield naming(exc, shown(path))


def shown(path: Path) -> Path:
    """``path`` as the user would type it here: from the working folder when it is inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except (ValueError, RuntimeError, OSError):  # elsewhere, or a link loop (which its error names)
        return path


def format_item(item: Item, everything: bool = False) -> str:
    """An item as lines: a heading line with the counts, then each listed sentence as written
    and as spoken, under its section's heading where it has one."""
    listed = [s for s in item.sentences if everything or s.changed]
    changed = sum(s.changed for s in item.sentences)
    count = len(item.sentences)
    lines = [f"{shown(item.path)}: {changed} of {count} sentence{'s' if count != 1 else ''} "
             f"read differently from how {'it is' if count == 1 else 'they are'} written"]
    section = None
    for sentence in listed:
        if sentence.section != section:
            section = sentence.section
            heading = item.script.sections[section].heading if section < len(item.script.sections) else None
            lines.append(f"  [{heading or 'opening'}]")
        if sentence.changed:
            lines += [f"    written: {sentence.written}", f"    spoken:  {sentence.spoken}"]
        else:
            lines.append(f"    same:    {sentence.written}")
    return "\n".join(lines)


__all__ = ["Item", "Sentence", "format_item", "item_sentences", "shown", "spoken_items", "words"]
