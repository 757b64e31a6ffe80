"""An episode's sound made one segment at a time: the chapter pipeline.

An episode is cut into segments of whole chapters, or parts of long ones, in their pauses
(:mod:`audioguide.render.cuts`). Each segment is mixed, mastered and encoded as soon as its
sentences are in the cache, while the next one is being spoken; the episode is the segments
joined without a gap (:mod:`audioguide.audio.segments`). Nothing the size of the episode is ever
held in memory or on disk besides the encoded segments: a segment is mixed into memory and piped
to ffmpeg (:data:`IN_MEMORY_SECONDS`), and at most :data:`IN_FLIGHT` are encoded at once.

**Loudness.** A first render sets the gain from the first segment, its speech weighted by how
much longer the episode's speech is than the segment's (:meth:`Assembly._as_programme`). Each
encoded segment is measured as it is made; their 400 ms blocks combine into the episode's
integrated loudness (:mod:`audioguide.audio.loudness`). One segment is a rough guess of the
whole, so each next segment's gain is steered toward what brings the whole episode to the
target (:meth:`Assembly._steer`), by at most :data:`STEER_STEP` from the segment before and
:data:`STEER_RANGE` from the first. Only when the whole still misses the target by more than
:data:`GAIN_TOLERANCE` is every segment mastered again, at one corrected gain (before steering,
most first renders did that: every segment mastered twice or three times, after the speech was
done). A segment whose true peak went over the ceiling is limited harder and encoded again on
its own. A later render gives each segment the gain it had, so that those whose sentences did
not change are reused.

**Opus.** With an Opus bitrate, each segment is also encoded to Opus in the same ffmpeg run
as its MP3, and kept beside it; the episode's Opus alternate is the segments' packets joined
into one Ogg stream (:mod:`audioguide.audio.opus`), so an edit encodes only the segments it
makes again, in both formats.

**Quick edits.** Encoded segments are kept (``.cache/segments`` in the project), keyed by their
sentences, pauses, music and mastering settings, gain included. An edit re-masters only the
segments whose sentences changed, as long as the programme gain stays within
:data:`GAIN_TOLERANCE` of the previous render's: then the previous gain is kept, and every other
segment is reused as it is.
"""

from __future__ import annotations

import ctypes
import hashlib
import io
import logging
import math
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np

from audioguide import faults, stamps
from audioguide.audio import loudness, master, mix, opus, segments
from audioguide.errors import BuildError
from audioguide.models import Audio, Chapter, Cue, Loudness, Utterance
from audioguide.render import cuts
from audioguide.render import kept as kept_segments
from audioguide.render.kept import Made

log = logging.getLogger(__name__)

GAIN_TOLERANCE = 0.25
"""dB (and LU). A programme gain within this of the previous render's is kept, so unchanged
segments are reused: loudness then stays within ±0.25 LU of the target (the limit is ±0.5), and
level steps this small between segments are far below what listeners notice (about 1 dB)."""
LIMITER_ALLOWANCE = 2.0
"""dB the first guess of the gain adds for what the compressor and limiter take back: Piper's
speech at −16 LUFS lost 1.9 dB of loudness to them (measured on the sample), so the search
usually ends after two measurements instead of three."""
STEER_STEP = 0.5
"""dB a segment's gain may differ from the segment before's in a first render: a level step
below what listeners notice (about 1 dB), at a cut that falls in a pause."""
STEER_RANGE = 2.0
"""dB a segment's gain may differ from the first segment's in a first render (beyond that, the
episode is mastered again at one gain)."""
NEAR = 3
"""Places either side where a later render looks for a kept segment's gain (an edit moves at most
the cuts around it; the rest keep their place, or shift by a segment or two)."""
LOUDNESS_PER_DB = 0.6
"""LU of loudness a dB of gain adds once the compressor and limiter work (measured on the sample:
0.5 to 0.7): the first step of the search; the next steps use the slope measured."""
SEGMENT_FORMAT = 4
"""Bump when what a kept segment holds, or how it is made, changes (2: cue times kept unrounded,
so a reused segment places its cues exactly where making it again would; 3: its Opus encoding
beside it; 4: its chapters counted from its own first)."""


IN_FLIGHT = 2
"""Segments encoded at once, each by its own ffmpeg. Where a segment's gain does not wait on the
one before's measurement (every render but a first one, and the programme mastered again at one
gain), the next one is mixed and encoded while it is. Measured: an edit of the sample that makes
two segments again, 1.60-1.93 s against 1.68-2.04 s one at a time (four runs each, whole
process); not half, as ffmpeg already runs its filters and the two encoders in threads of their
own. In a first render, letting each segment's gain lag one segment behind (steered from the
segments before the one still being encoded) gave nothing: 6.72-7.01 s against 6.80-6.89 s."""
IN_MEMORY_SECONDS = 4 * cuts.MAX_SEGMENT_SECONDS
"""A segment whose speech is estimated at most this long is mixed into memory and piped to ffmpeg
(14 MB of raw audio at most, and no file); a longer one (a chapter without pauses to cut in) is
mixed into a file in the work folder, once the segments in flight are done, and encoded alone."""


def _give_back_memory() -> None:
    """Return the memory freed since the last segment to the system (glibc's ``malloc_trim``;
    nothing elsewhere): Python's and numpy's freed blocks otherwise stay in the process. It
    lowered the peak of a cold render of the sample by about 25 MB, for well under a millisecond."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _load_libc() -> Any:
    try:
        libc = ctypes.CDLL("libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


_LIBC = _load_libc()


def _within(value: float, centre: float, reach: float) -> float:
    """``value``, brought within ``reach`` of ``centre``."""
    return max(centre - reach, min(centre + reach, value))


def _result(made: Made | InFlight) -> Made:
    """The segment ``made``, once encoded."""
    return made.made.result() if isinstance(made, InFlight) else made


@dataclass(frozen=True)
class InFlight:
    """A segment being encoded (by :data:`IN_FLIGHT` threads): its key, and its gain."""

    made: Future[Made]
    key: str
    gain: float


@dataclass(frozen=True)
class EpisodeAudio:
    """The encoded episode's facts: timeline, loudness and how it was mastered."""

    duration: float
    chapters: tuple[Chapter, ...]
    cues: tuple[Cue, ...]
    loudness: Loudness
    gains: tuple[float, ...]
    """Each segment's gain (dB)."""
    threshold: float
    """The compressor threshold the gains go with."""
    segments: tuple[str, ...] = ()
    """The segments it is made of (kept in the project's store when rendered here)."""
    opus_duration: float | None = None
    """Seconds of the Opus alternate (``None``: none was made)."""
    intro_end: float = 0.0
    """Where the intro music ends (seconds from the start; 0 without music)."""

    @property
    def gain(self) -> float:
        """The gain (dB) the first segment was mastered at."""
        return self.gains[0]


@dataclass
class Assembly:
    """One episode being assembled; :meth:`add` each segment in order, then :meth:`finish`."""

    utterances: tuple[Utterance, ...]
    keys: tuple[str, ...]
    """Each utterance's sentence-cache key ("" for a pause)."""
    chapter_titles: tuple[str, ...]
    bed: mix.MusicBed
    target: float
    ceiling: float
    bitrate: str
    audio: Callable[[Utterance], Audio]
    work: Path
    """A folder for this episode's temporary files (the raw mix of one segment at a time)."""
    store: Path | None = None
    """Where encoded segments are kept for reuse (``None``: only for this render, in ``work``)."""
    gain: float | None = None
    """The programme gain: the previous render's first segment's, else set by the first segment."""
    threshold: float | None = None
    """The compressor's threshold (dB, before the gain): the previous render's, else set by the
    first segment (its loudness plus :data:`~audioguide.audio.master.COMPRESSOR_ABOVE`)."""
    made: list[Made | InFlight] = field(default_factory=list)
    """Each segment added so far: made, or still being encoded."""
    plan: list[tuple[int, int]] = field(default_factory=list)
    opus_bitrate: str | None = None
    """Also encode every segment to Opus at this bitrate (``None``: MP3 only)."""
    previous_gains: tuple[float, ...] = ()
    """Each segment's gain in the previous render (empty for a first render)."""

    _encoders: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)
    _stopped: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        self.plan = self.plan or cuts.segment_plan(self.utterances)
        self._timeline = mix.Timeline(self.bed, align=segments.FRAME)
        self._music = (hashlib.blake2b(self.bed.intro).hexdigest(), self.bed.lead,
                       hashlib.blake2b(self.bed.outro).hexdigest())

    # -- one segment ----------------------------------------------------------------------

    def stop(self) -> None:
        """Make no more of the episode: the render is being interrupted. A segment not started is
        not made, and :meth:`finish` raises before it joins anything (the episode's files stay
        as they were); what is being encoded ends on its own, in about a second."""
        self._stopped = True

    def _go_on(self) -> None:
        if self._stopped:
            raise BuildError("the render was interrupted")

    def add(self, index: int) -> None:
        """Mix, master and encode segment ``index`` (its sentences must be in the cache), or
        reuse it as kept by an earlier render."""
        if self._stopped or len(self.made) != index:  # interrupted, or an earlier segment failed
            return
        try:
            if self.gain is None or self.threshold is None:
                self._first_gain()
            self._make_room()
            self.made.append(self._segment(index, self._timeline, self._gain_for(index)))
        except BaseException:
            self.close()  # the episode has failed: nothing of it goes on being made
            raise
        _give_back_memory()

    def _make_room(self, free: int = 1) -> None:
        """Wait until at most ``IN_FLIGHT - free`` segments are being encoded (the oldest first;
        its failure is raised here)."""
        flying = [(i, m) for i, m in enumerate(self.made) if isinstance(m, InFlight)]
        for i, m in flying[:max(0, len(flying) - (IN_FLIGHT - free))]:
            self.made[i] = m.made.result()

    def close(self) -> None:
        """Wait for the segments being encoded, and let the encoding threads go (done by
        :meth:`finish`, and when a segment fails; a caller giving up on the episode calls it)."""
        if self._encoders is not None:
            self._encoders.shutdown()
            self._encoders = None

    def _settled(self) -> list[Made]:
        """Every segment added so far, made (waiting for those being encoded)."""
        self._make_room(IN_FLIGHT)
        return cast(list[Made], self.made)

    def _gain_for(self, index: int) -> float:
        """Segment ``index``'s gain: in a later render the gain of a kept segment with its
        sentences (those of the nearest segments first), else the gain the segment had at that
        place (within :data:`STEER_STEP` of the segment before); in a first render steered toward
        the target (module docstring)."""
        assert self.gain is not None
        if self.previous_gains:
            store = self.store
            # an edit moves cuts only near it: the segment was kept, if at all, a few places from
            # here, or from where it was if segments were added or removed before it
            count = len(self.previous_gains)
            places = [centre + d for centre in dict.fromkeys((index, index - (len(self.plan) - count)))
                      for d in sorted(range(-NEAR, NEAR + 1), key=abs) if 0 <= centre + d < count]
            if store is not None:
                for gain in dict.fromkeys(self.previous_gains[j] for j in places):  # each gain once
                    if kept_segments.is_kept(store, self._key(index, gain, self.ceiling - master.LIMIT_MARGIN)):
                        return gain
            here = self.previous_gains[min(index, len(self.previous_gains) - 1)]  # made again: keep the ramp
            return _within(here, self.made[-1].gain, STEER_STEP) if self.made else here
        if not self.made:
            return self.gain
        gain = self._steer(index)
        log.debug("segment %d at gain %.2f dB", index + 1, gain)
        return gain

    def _steer(self, index: int) -> float:
        """A first render's gain for segment ``index``: the one that would bring the whole
        episode to the target if the segments still to come (their length estimated from their
        text) were as loud as those made so far (each brought to the same gain, a dB of gain
        counted as :data:`LOUDNESS_PER_DB`); within :data:`STEER_STEP` of the last segment's gain
        and :data:`STEER_RANGE` of the first's."""
        assert self.gain is not None
        made = self._settled()
        last = made[-1]
        # every block so far, for each segment: in numpy (in Python, a two-hour episode's steering
        # took 3 CPU s, growing with the square of its length)
        parts = [np.asarray(m.measured.blocks) for m in made]
        so_far = np.concatenate(parts)
        level = loudness.integrated(so_far)
        typical = loudness.integrated(np.concatenate([part + (last.gain - m.gain) * LOUDNESS_PER_DB
                                                      for part, m in zip(parts, made, strict=True)]))
        if level == float("-inf") or typical == float("-inf"):
            return last.gain
        ahead = 10 * cuts.spoken_seconds(self.utterances[self.plan[index][0]:])
        wanted = (so_far.size + ahead) * 10 ** (self.target / 10) - so_far.size * 10 ** (level / 10)
        needed = 10 * math.log10(wanted / ahead) if wanted > 0 and ahead > 0 else typical - 2 * STEER_RANGE
        gain = _within(last.gain + (needed - typical) / LOUDNESS_PER_DB, last.gain, STEER_STEP)
        return round(_within(gain, self.gain, STEER_RANGE), 2)

    def _first_gain(self) -> None:
        """A first render: the programme gain that brings the first segment, standing for the
        whole episode (:meth:`_as_programme`), to the target. Compression and limiting make
        loudness grow slower than the gain, so it is a secant search, on the processed audio
        alone (no encoding). In an episode of one segment, that segment is then encoded and the
        gain corrected by what encoding changed, if that is more than a little; in a longer one,
        the next segments' steering takes that up."""
        raw = self.work / "first.raw"
        try:
            _part, pcm = self._mix(0, mix.Timeline(self.bed, align=segments.FRAME), raw)
            gain, whole = self._gain_search(master.pcm_input(raw if pcm is None else pcm), pcm)
        finally:
            raw.unlink(missing_ok=True)
        self.gain = gain
        if len(self.plan) == 1:  # the whole episode: what encoding changed is corrected here
            encoded = _result(self._segment(0, mix.Timeline(self.bed, align=segments.FRAME), gain))
            shift = self.target - loudness.integrated(whole(encoded.measured.blocks))
            self.gain = gain + shift if abs(shift) > GAIN_TOLERANCE / 2 else gain
        # else the next segments' steering takes up what encoding changed (correcting it here
        # encoded the first segment twice in most first renders)

    def _gain_search(self, source: list[str],
                     pcm: bytes | None) -> tuple[float, Callable[[Sequence[float]], list[float]]]:
        """The gain that brings the first segment (ffmpeg's input arguments ``source``, the
        samples ``pcm`` piped to it) to the target, as it stands for the whole episode; and how
        its blocks stand for the whole (:meth:`_as_programme`). Sets the compressor's threshold."""
        measured = loudness.measure(source, input=pcm, what="the first segment", true_peak=False)
        whole = self._as_programme(measured.blocks)
        level = loudness.integrated(whole(measured.blocks))
        if level == float("-inf"):
            raise BuildError("the mix is silent: nothing to normalise")
        self.threshold = level + master.COMPRESSOR_ABOVE
        limit = self.ceiling - master.LIMIT_MARGIN
        gain, tried = self.target - level + LIMITER_ALLOWANCE, []
        for _attempt in range(8):
            processed = loudness.measure(source, input=pcm, what="the first segment, mastered",
                                         chain=master.chain(gain, limit, self.threshold), true_peak=False)
            result = loudness.integrated(whole(processed.blocks))
            tried.append((gain, result))
            log.debug("first segment at gain %.2f dB: %.2f LUFS", gain, result)
            if abs(result - self.target) <= 0.1:
                break
            gain = (gain + (self.target - result) / LOUDNESS_PER_DB if len(tried) == 1
                    else master.next_gain(tried, self.target))
        return gain, whole

    def _as_programme(self, blocks: Sequence[float]) -> Callable[[Sequence[float]], list[float]]:
        """How a first segment's momentary-loudness values (one each 100 ms) stand for the whole
        episode: its intro music once (and again for the outro), its speech as often as the
        episode's speech is longer (estimated from the text). In a long episode the speech
        decides the gain, in a short one the music weighs in too: measured on the first segment
        as it is, a 33-minute episode came out 0.6 LU too quiet; on its speech alone, the
        3-minute sample came out 0.3 LU too loud."""
        music = round(10 * len(self.bed.intro) / 2 / mix.RATE)
        if len(blocks) < music + 50:  # under 5 s of speech after the music: the segment as it is
            return list
        speech = 10 * cuts.spoken_seconds(self.utterances) - music
        times = max(1, round(speech / (len(blocks) - music)))
        outro = 2 if self.bed.outro else 1
        return lambda values: [*values[:music]] * outro + [*values[music:]] * times

    def _key(self, index: int, gain: float, limit: float) -> str:
        start, end = self.plan[index]
        last = index == len(self.plan) - 1
        base = self.utterances[start].section
        return stamps.value_digest({
            "format": SEGMENT_FORMAT,
            "sentences": [[k, round(u.pause_after, 4), u.section - base, u.caption, u.text]
                          for k, u in zip(self.keys[start:end], self.utterances[start:end], strict=True)],
            "intro": self._music[:2] if index == 0 else None,
            "outro": self._music[2] if last else None,
            "last": last, "gain": round(gain, 2), "limit": round(limit, 2), "bitrate": self.bitrate,
            "opus": self.opus_bitrate,
            "threshold": round(self.threshold or 0.0, 2), "target": self.target,
        })

    def _segment(self, index: int, timeline: mix.Timeline, gain: float) -> Made | InFlight:
        """Segment ``index`` at ``gain``: from the store, else mixed here and made (and stored):
        in another thread when it is mixed into memory (:data:`IN_FLIGHT`)."""
        start = self.plan[index][0]
        limit = self.ceiling - master.LIMIT_MARGIN
        key = self._key(index, gain, limit)
        if any(isinstance(m, InFlight) and m.key == key for m in self.made):
            self._settled()  # the same sound is being encoded into the same file: kept once it is
        kept = kept_segments.load(self.store, key, with_opus=self.opus_bitrate is not None) \
            if self.store is not None else None
        if kept is not None:
            base = self.utterances[start].section
            timeline.skip(kept.segment.samples, kept.cues, tuple((s + base, t) for s, t in kept.section_starts))
            return kept
        folder = self.store if self.store is not None else self.work
        dest = folder / f"{key}.mp3"
        raw = self.work / f"segment-{index}.raw"
        try:
            mixed, pcm = self._mix(index, timeline, raw)
            if pcm is None:  # a long one: alone, from its file
                return self._encode(index, raw, mixed, dest, gain, limit)
        finally:
            raw.unlink(missing_ok=True)
        if self._encoders is None:
            self._encoders = ThreadPoolExecutor(IN_FLIGHT, thread_name_prefix="encode")
        return InFlight(self._encoders.submit(self._encode, index, pcm, mixed, dest, gain, limit), key, gain)

    def _mix(self, index: int, timeline: mix.Timeline, raw: Path) -> tuple[mix.Part, bytes | None]:
        """Segment ``index`` laid out on ``timeline``: into memory (its samples returned) when
        its speech is estimated at most :data:`IN_MEMORY_SECONDS`, else, once the segments in
        flight are done, into the file ``raw`` (``None`` returned)."""
        start, end = self.plan[index]
        part = list(self.utterances[start:end])
        last = index == len(self.plan) - 1
        if cuts.spoken_seconds(part) <= IN_MEMORY_SECONDS:
            buffer = io.BytesIO()
            return timeline.segment(part, (self.audio(u) for u in part), buffer, last=last), buffer.getvalue()
        self._settled()
        with raw.open("wb") as out:
            return timeline.segment(part, (self.audio(u) for u in part), out, last=last), None

    def _encode(self, index: int, pcm: Path | bytes, mixed: mix.Part, dest: Path, gain: float,
                limit: float) -> Made:
        """Master and encode segment ``index``'s mix ``pcm`` into ``dest`` (limited harder until
        its true peak is under the ceiling), and keep it in the store, when there is one."""
        assert self.threshold is not None
        threshold = self.threshold
        for _attempt in range(5):
            encoded, measured, opus_part = segments.encode(pcm, dest, bitrate=self.bitrate, measure=True,
                                                           chain=master.chain(gain, limit, threshold),
                                                           opus_bitrate=self.opus_bitrate)
            assert measured is not None
            if measured.true_peak <= self.ceiling:
                break
            limit -= max(0.5, 1.5 * (measured.true_peak - self.ceiling) + 0.3)
        else:
            raise BuildError(f"could not keep segment {index + 1}'s true peak under {self.ceiling} dBTP")
        base = self.utterances[self.plan[index][0]].section
        key = dest.stem
        made = Made(key, encoded, measured, mixed.cues, tuple((s - base, t) for s, t in mixed.section_starts),
                    gain, limit, opus_part)
        if self.store is not None:
            kept_segments.save(self.store, made)
        return made

    # -- the whole ------------------------------------------------------------------------

    @property
    def segment_keys(self) -> tuple[str, ...]:
        """The kept segments the episode is made of (its record lists them: the cache keeps them)."""
        return tuple(m.key for m in self.made)  # in flight or made: each knows its key

    def finish(self, dest: Path, opus_dest: Path | None = None) -> EpisodeAudio:
        """Check the programme's loudness (mastering the segments again at a corrected gain if it
        missed), join the segments into the untagged MP3 ``dest`` (and their Opus encodings into
        ``opus_dest``, when they have them); return the episode's facts."""
        if len(self.made) != len(self.plan) or self.gain is None:
            raise BuildError("the episode's segments are not all made")
        faults.point("item-mixed")
        tried: list[tuple[float, float]] = []
        try:
            for _attempt in range(4):
                self._go_on()
                made = self._settled()
                level, peak = loudness.combined(m.measured for m in made)
                if abs(level - self.target) <= GAIN_TOLERANCE:
                    break
                samples = sum(m.segment.samples for m in made) or 1
                tried.append((sum(m.gain * m.segment.samples for m in made) / samples, level))
                self.gain = master.next_gain(tried, self.target)
                log.debug("programme at %.2f LUFS: mastering every segment again at %.2f dB", level, self.gain)
                self._timeline = mix.Timeline(self.bed, align=segments.FRAME)
                self.made = []
                for i in range(len(self.plan)):
                    self._go_on()
                    self._make_room()
                    self.made.append(self._segment(i, self._timeline, self.gain))
            else:
                raise BuildError(f"could not master to {self.target} LUFS (measured {level:.1f} LUFS)")
        finally:
            self.close()
        self._go_on()
        segments.join([m.segment for m in made], dest)
        opus_duration = None
        if self.opus_bitrate is not None and opus_dest is not None:
            serial = int(stamps.value_digest(list(self.segment_keys))[:8], 16)  # the same for the same audio
            opus_duration = opus.join([(m.opus, m.segment.samples) for m in made if m.opus is not None],
                                      opus_dest, serial=serial)
        timeline = self._timeline
        return EpisodeAudio(timeline.pos / mix.RATE, timeline.chapters(list(self.chapter_titles)),
                            tuple(timeline.cues), Loudness(round(level, 2), round(peak, 2)),
                            tuple(m.gain for m in made), self.threshold or 0.0, self.segment_keys,
                            opus_duration, len(self.bed.intro) / 2 / mix.RATE)
