"""Limits known up front: before anything is spoken, how long each item will be and how much
disk rendering it needs, from its script alone (words, pauses, the voice's measured speed, the
music), so that an item too long for ``max_duration`` or for the free disk is refused at once,
in one line, even when it is megabytes of text that would take minutes just to plan.

Nothing here splits sentences or normalises text: counting words and sentence ends is linear
in the text, which is what makes a 5 MB article's refusal take a second, not an hour.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from audioguide.audio import mix
from audioguide.errors import AudioguideError, InputError
from audioguide.layout import RECORD, SCRATCH, Output
from audioguide.models import Script
from audioguide.render.cuts import MAX_SEGMENT_SECONDS
from audioguide.render.inputs import Overrides, as_guide, engine_choice, episode_voice, headings
from audioguide.render.work import STOP_GAP
from audioguide.settings import AAC_PER_MP3, Config, opus_bitrate, parse_duration
from audioguide.speech.engines import capabilities

SENTENCE_END = re.compile(r"[.!?…]+(?=[\"'”’)\]]*(?:\s|$))")
"""Where a sentence ends, near enough to pysbd for counting the pauses between sentences."""
MIX_TAIL = 0.5
"""Seconds of silence that end every mix."""
OUTRO_AFTER = 0.6
"""The outro music starts this long after the last word."""
SAME_AS_BEFORE = 1.5
"""An item over a limit whose output is at least 1/1.5 of its estimated length was rendered at
about this size before: it is checked again once it is known whether it changed at all."""


@dataclass(frozen=True)
class Estimate:
    """An item's length and disk needs, worked out from its script before anything is spoken."""

    seconds: float
    words: int
    words_per_minute: float
    """The voice's speed for this item: its engine's measured speed times the ``rate`` setting."""
    temporary: int
    """Bytes of temporary files at the peak of its render (see :func:`disk_needed`)."""
    output: int
    """Bytes of the files it leaves in the output folder."""


def spoken(script: Script, config: Config, overrides: Overrides) -> tuple[int, float]:
    """The words a script says and the seconds of silence after them, laid out as
    :func:`audioguide.speech.plan.plan` lays them out (sentence, paragraph and section pauses,
    pause cues, spoken headings), with sentences counted by their ends, not split.

    >>> from audioguide.models import Block, EpisodeMeta, Section
    >>> import datetime as dt
    >>> s = Script(EpisodeMeta("T", "t", dt.date(2026, 1, 1), ""), (
    ...     Section(None, (Block("paragraph", "One two. Three four!"), Block("pause", seconds=2.0))),
    ...     Section("Next part", (Block("paragraph", "Five six seven."),))))
    >>> spoken(s, Config(), Overrides())  # 0.3 + 0.6 + 2 + (1.2 - 0.6) + 0.6 (heading) + 0.6
    (9, 4.7)
    """
    voice = episode_voice(config, script)
    heading = headings(config, script, overrides)
    words, silence = 0, 0.0
    for index, section in enumerate(script.sections):
        said = heading(index, section)
        if said:
            words += len(said.split())
            silence += voice.paragraph_pause
        for block in section.blocks:
            if block.kind == "pause":
                silence += block.seconds
                continue
            sentences = max(1, len(SENTENCE_END.findall(block.text)))
            words += len(block.text.split())
            silence += (sentences - 1) * voice.sentence_pause + voice.paragraph_pause
        if index < len(script.sections) - 1:
            silence += max(0.0, voice.section_pause - voice.paragraph_pause)
    return words, round(silence, 6)


def music_seconds(bed: mix.MusicBed) -> float:
    """What the music adds to a mix: the intro's lead before the first word, the outro after
    the last, and the silence every mix ends with."""
    lead = bed.lead if bed.intro else 0.5
    outro = len(bed.outro) / 2 / mix.RATE + OUTRO_AFTER if bed.outro else 0.0
    return lead + outro + MIX_TAIL


def _stop_music() -> float:
    """What the chime adds to each stop of a guide (it has no outro)."""
    return mix.CHIME_LEAD + MIX_TAIL


def generated_music_seconds() -> float:
    """What the generated intro and outro add (known without composing them)."""
    from audioguide.audio import music  # numpy: only when the estimate needs it

    return mix.MUSIC_LEAD + music.OUTRO_SECONDS + OUTRO_AFTER + MIX_TAIL


RAW_BYTES_PER_SECOND = 2 * mix.RATE
"""Raw mix PCM: 16-bit mono at 44.1 kHz."""
OUTPUT_SLACK = 1 << 20
"""Tags (the cover art) and container overhead of an item's files."""


def disk_needed(seconds: float, bitrate: str, *, guide: bool, opus: str | None = None) -> tuple[int, int]:
    """Bytes an item of ``seconds`` needs on disk at the peak of its render:
    ``(temporary, output)``, the first in the project's ``.cache`` (temporary files and kept
    segments), the second in the output folder.

    What it assumes, as rendering works (``render/assembly.py``, ``render/work.py``):

    * an episode: a margin of one segment's raw mix (16-bit mono 44.1 kHz, 88.2 kB a second; a
      segment is at most :data:`~audioguide.render.cuts.MAX_SEGMENT_SECONDS` where its
      chapter has pauses to cut in; the segments being encoded are mixed into memory, and only
      one longer than :data:`~audioguide.render.assembly.IN_MEMORY_SECONDS` into a file) and its
      encoded segments (as large as the MP3, and the Opus at the ``opus`` bitrate), kept for the
      next render;
    * a guide (still mastered whole): its whole raw mix and the mastered copy beside it;
    * output: the MP3 at ``bitrate`` (an episode, and its Opus alternate at ``opus``);
      a guide also keeps one MP3 per stop (as long as the whole together) and the M4B at the
      matched AAC bitrate; plus :data:`OUTPUT_SLACK` for tags.

    >>> disk_needed(3600, "96k", guide=False)
    (46728000, 44248576)
    >>> disk_needed(3600, "96k", guide=False, opus="24k")
    (57528000, 55048576)
    """
    mp3 = int(bitrate.rstrip("k")) * 1000 / 8 * seconds
    if guide:
        return math.ceil(2 * RAW_BYTES_PER_SECOND * seconds), math.ceil(mp3 * (2 + AAC_PER_MP3)) + OUTPUT_SLACK
    encoded = mp3 + (int(opus.rstrip("k")) * 1000 / 8 * seconds if opus else 0)
    temporary = RAW_BYTES_PER_SECOND * min(seconds, MAX_SEGMENT_SECONDS) + encoded
    output = encoded
    return math.ceil(temporary), math.ceil(output) + OUTPUT_SLACK


def temporary_folder(config: Config) -> Path:
    """Where a render's temporary files and kept segments go: the project's ``.cache``."""
    return config.root / SCRATCH


def _free(folder: Path) -> tuple[int, int]:
    """The device ``folder`` is on (the nearest folder that exists) and its free bytes."""
    existing = next(p for p in (folder.absolute(), *folder.absolute().parents) if p.exists())
    return os.stat(existing).st_dev, shutil.disk_usage(existing).free


def readable(seconds: float) -> str:
    """A duration for a message.

    >>> readable(162_000), readable(5400), readable(21600), readable(200)
    ('45 h', '1 h 30 min', '6 h', '3 min 20 s')
    """
    if seconds >= 3600:
        hours, minutes = divmod(round(seconds / 60), 60)
        return f"{hours} h" + (f" {minutes} min" if minutes and hours < 10 else "")
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min" + (f" {rest} s" if rest else "") if minutes else f"{rest} s"


def size(count: float) -> str:
    """Bytes for a message.

    >>> size(635_040_000), size(44_248_576), size(25e9)
    ('635 MB', '44 MB', '25.0 GB')
    """
    return f"{count / 1e9:.1f} GB" if count >= 1e9 else f"{count / 1e6:.0f} MB"


@dataclass(frozen=True)
class Refusal:
    """An item over a limit."""

    error: InputError
    later: bool
    """Its output exists at about this size: refuse it only if it is not up to date."""


class Limits:
    """One render's limits: the longest item allowed, and the free disk where it writes (less
    what the items already accepted will leave in the output folder)."""

    def __init__(self, config: Config, overrides: Overrides, out_dir: Path,
                 bed: Callable[[], mix.MusicBed]) -> None:
        self.config = config
        self.overrides = overrides
        self.out_dir = out_dir
        self.bed = bed
        setting = parse_duration(config.render.max_duration)
        self.max_seconds = overrides.max_duration or setting or math.inf
        self.folders = {"temporary": temporary_folder(config), "output": out_dir}
        self.devices: dict[str, int] = {}
        self.free: dict[int, int] = {}
        for name, folder in self.folders.items():
            device, free = _free(folder)
            self.devices[name] = device
            self.free.setdefault(device, free)

    def _music_seconds(self) -> float:
        setting = self.config.audio.music.strip()
        if not setting:  # the generated sting: its length is known without composing it
            return generated_music_seconds()
        return music_seconds(self.bed())

    def estimate(self, script: Script) -> Estimate:
        """How long ``script`` will be, and the disk it needs."""
        name, settings = engine_choice(self.config, script, self.overrides)
        wpm = capabilities(name).words_per_minute * settings.rate
        words, silence = spoken(script, self.config, self.overrides)
        guide = as_guide(script, self.overrides)
        seconds = 60 * words / wpm + silence
        if seconds <= self.max_seconds:  # music cannot bring an item over the limit back under it
            try:
                seconds += (len(script.sections) * (_stop_music() + STOP_GAP) if guide
                            else self._music_seconds())
            except AudioguideError:
                pass  # music that cannot be read fails the item later, with its own message
        temporary, output = disk_needed(seconds, self.config.audio.bitrate, guide=guide,
                                        opus=opus_bitrate(self.config.audio))
        return Estimate(seconds, words, wpm, temporary, output)

    def refusal(self, path: Path, script: Script, estimate: Estimate) -> Refusal | None:
        """Why ``script`` (read from ``path``) cannot be rendered here, if it cannot."""
        later = self._rendered_before(script, estimate)
        if estimate.seconds > self.max_seconds:
            limit = "--max-duration" if self.overrides.max_duration else "[render] max_duration"
            hours = math.ceil(estimate.seconds / 3600 + 0.5)
            return Refusal(InputError(
                f"is about {readable(estimate.seconds)} of speech ({estimate.words:,} words at "
                f"{estimate.words_per_minute:.0f} words a minute, plus pauses and music), longer than the limit of "
                f"{readable(self.max_seconds)} ({limit})", path=path,
                fix=f"Split it into shorter episodes, or raise the limit: render --max-duration {hours}h, "
                    "or max_duration under [render] in audioguide.toml"), later)
        wanted: dict[int, int] = {}
        wanted[self.devices["temporary"]] = estimate.temporary
        wanted[self.devices["output"]] = wanted.get(self.devices["output"], 0) + estimate.output
        for device, need in wanted.items():
            if need > self.free[device]:
                where = " and ".join(str(f) for n, f in self.folders.items() if self.devices[n] == device)
                return Refusal(InputError(
                    f"needs about {size(need)} of disk to render (about {readable(estimate.seconds)} of "
                    f"audio), but {where} has {size(self.free[device])} free", path=path,
                    fix="Free some disk there, split it into shorter episodes, or render to a larger disk "
                        "(--out for the episodes, [cache] dir for the temporary files)"), later)
        return None

    def accept(self, estimate: Estimate) -> None:
        """An item will be rendered: what it leaves in the output folder is no longer free."""
        self.free[self.devices["output"]] -= estimate.output

    def _rendered_before(self, script: Script, estimate: Estimate) -> bool:
        """Whether the item's output exists and is about as long as the estimate."""
        out = Output(self.out_dir)
        slug = script.meta.slug
        guide = as_guide(script, self.overrides)
        try:
            record = out.guide_record(slug) if guide else out.episode(slug, RECORD)
            data = json.loads(record.read_text("utf-8"))
            duration = float(data["full_duration" if guide else "duration"])
        except (OSError, ValueError, KeyError, TypeError, AudioguideError):
            return False
        return duration * SAME_AS_BEFORE >= estimate.seconds
