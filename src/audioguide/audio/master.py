"""Mastering and encoding: EBU R128 loudness normalisation, true-peak limiting, MP3.

The mix is measured (ffmpeg ``ebur128``), raised by the gain that reaches the target integrated
loudness, and its peaks are held under the ceiling by a look-ahead limiter running at four
times the sample rate (so it catches inter-sample peaks). The encoded MP3 is measured again,
true peak included; if the loudness missed the target or encoding pushed a peak over the
ceiling, the gain or the limit is corrected and the file encoded again. Nothing is guessed.
"""

from __future__ import annotations

import logging
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from audioguide import ffmpeg
from audioguide.errors import BuildError
from audioguide.models import Chapter, Loudness

log = logging.getLogger(__name__)

RATE = 44100
LOUDNESS_TOLERANCE = 0.3
"""How far (LU) the measured loudness may sit from the target before a corrective pass."""
COMPRESSOR_ABOVE = 10.0
"""The compressor starts working this many dB above the mix's integrated loudness."""
PCM = ["-f", "s16le", "-ar", str(RATE), "-ac", "1"]
"""How raw PCM files (mixes, mastered audio) are described to ffmpeg."""


LIMIT_MARGIN = 0.6
"""dB the limiter is first set below the true-peak ceiling: MP3 encoding adds inter-sample peaks."""


def pcm_input(pcm: Path | bytes) -> list[str]:
    """ffmpeg's input arguments for raw PCM: a file, or the samples themselves (then piped to
    ffmpeg's standard input: give them as ``input``)."""
    return [*PCM, "-i", "pipe:0" if isinstance(pcm, bytes) else str(pcm)]


def measure_pcm(path: Path) -> float:
    """Integrated loudness (LUFS) of a raw PCM file."""
    text = ffmpeg.run_with_log([*pcm_input(path), "-af", "ebur128=framelog=quiet", "-f", "null", "-"],
                               what="loudness analysis")
    return _summary(text, "mix").integrated_lufs


def _summary(text: str, name: str) -> Loudness:
    """Parse the summary that ffmpeg's ``ebur128`` filter prints at the end."""
    summary = text[text.rfind("Summary:"):]
    i = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    lra = re.search(r"LRA:\s+(-?[\d.]+) LU", summary)
    peak = re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if not i:
        raise BuildError(f"could not measure the loudness of {name}")

    def num(m: re.Match[str] | None) -> float:
        return float("-inf") if m is None or m.group(1) == "-inf" else float(m.group(1))

    return Loudness(num(i), num(peak), num(lra))


def measure_file(path: Path) -> Loudness:
    """Integrated loudness, true peak and loudness range of an audio file (ffmpeg ``ebur128``)."""
    text = ffmpeg.run_with_log(["-i", str(path), "-af", "ebur128=peak=true:framelog=quiet",
                                "-f", "null", "-"], what=f"measuring {path.name}")
    return _summary(text, str(path))


def chain(gain: float, limit_db: float, threshold_db: float) -> str:
    """A gentle speech compressor, gain, and a 4x-oversampled look-ahead peak limiter.

    Processing runs in double precision (``aformat``) so the gain cannot clip before the limiter;
    the limiter's delay is compensated (``latency=1``) so cue and chapter times stay exact.
    """
    limit = 10 ** (limit_db / 20)
    return ("aformat=sample_fmts=dbl,"
            f"acompressor=threshold={threshold_db:.2f}dB:ratio=2.5:attack=5:release=120:knee=4:makeup=1,"
            f"volume={gain:.3f}dB,"
            f"aresample={4 * RATE}:resampler=soxr,"
            f"alimiter=limit={limit:.5f}:attack=2:release=80:level=0:latency=1,"
            f"aresample={RATE}:resampler=soxr")


def _process(raw: Path, out: Path, gain: float, limit_db: float, threshold_db: float) -> None:
    ffmpeg.run([*pcm_input(raw), "-af", chain(gain, limit_db, threshold_db), *PCM, "-y", str(out)],
               what="mastering")


@dataclass(frozen=True)
class Mastered:
    """The result of mastering: the loudness measured on the written file, and the PCM encoded."""

    loudness: Loudness
    gain: float
    """The gain (dB) that reached the target: a good first guess when the episode is re-rendered."""
    aim: float
    """The pre-encoding loudness that gave the target after MP3 encoding (also a first guess)."""
    pcm: Path
    """Raw mono s16le at 44.1 kHz after compression, gain and limiting (for other containers)."""


def encode(raw: Path, dest: Path, *, target: float = -16.0, ceiling: float = -1.0,
           bitrate: str = "96k", mastered: Path | None = None,
           first_gain: float | None = None, first_aim: float | None = None) -> Mastered:
    """Normalise the raw PCM file ``raw`` (mono s16le, 44.1 kHz) and encode it to ``dest`` as MP3.

    The mastered PCM is written to ``mastered`` (default: next to ``raw``, ``.mastered``).
    ``first_gain`` and ``first_aim`` (from an earlier render of the same episode) save the
    search for the gain.

    Returns the loudness measured on the written file and the mastered PCM. ``dest`` is written
    in place: the
    caller writes to a temporary name and renames it when everything succeeded.
    """
    mastered = mastered or raw.with_suffix(".mastered")
    measured = measure_pcm(raw)
    if measured == float("-inf"):
        raise BuildError("the mix is silent: nothing to normalise")
    limit_db = ceiling - LIMIT_MARGIN
    aim = first_aim if first_aim is not None else target  # MP3 encoding shifts loudness a little
    tried: list[tuple[float, float]] = []  # (gain, resulting loudness) at the current limit
    gain = first_gain if first_gain is not None else target - measured
    result = Loudness(measured, 0.0)
    for _attempt in range(12):
        _process(raw, mastered, gain, limit_db, measured + COMPRESSOR_ABOVE)
        level = measure_pcm(mastered)
        tried.append((gain, level))
        if abs(level - aim) > 0.15:
            gain = next_gain(tried, aim)
            continue
        ffmpeg.run([*pcm_input(mastered), "-c:a", "libmp3lame", "-b:a", bitrate, "-id3v2_version",
                    "0", "-write_xing", "1", "-f", "mp3", "-y", str(dest)], what="MP3 encoding")
        result = measure_file(dest)
        log.debug("mastered %s: %.2f LUFS, %.2f dBTP (gain %.2f dB, limit %.2f dB)", dest.name,
                  result.integrated_lufs, result.true_peak_dbtp, gain, limit_db)
        peak_ok = result.true_peak_dbtp <= ceiling
        level_ok = abs(result.integrated_lufs - target) <= LOUDNESS_TOLERANCE
        if peak_ok and level_ok:
            return Mastered(result, gain, aim, mastered)
        if not peak_ok:
            limit_db -= max(0.5, 1.5 * (result.true_peak_dbtp - ceiling) + 0.3)
            tried.clear()
        if not level_ok:
            aim += target - result.integrated_lufs
            gain = next_gain(tried, aim) if tried else gain
    raise BuildError(f"could not master to {target} LUFS with peaks under {ceiling} dBTP "
                     f"(measured {result.integrated_lufs:.1f} LUFS, {result.true_peak_dbtp:.2f} dBTP)")


def next_gain(tried: list[tuple[float, float]], target: float) -> float:
    """Secant step towards the gain that gives ``target`` (loudness rises monotonically with gain,
    but less than 1:1 once the compressor and limiter work harder)."""
    g1, l1 = tried[-1]
    if len(tried) >= 2:
        g0, l0 = tried[-2]
        if abs(l1 - l0) > 0.05:
            slope = min(1.0, max(0.2, (l1 - l0) / (g1 - g0)))
            return g1 + (target - l1) / slope
    return g1 + (target - l1)


def _ffmetadata(title: str, artist: str, album: str, chapters: tuple[Chapter, ...]) -> str:
    """An ffmpeg metadata file: tags plus one [CHAPTER] per chapter (milliseconds)."""

    def esc(text: str) -> str:
        return re.sub(r"([=;#\\\n])", r"\\\1", text)

    lines = [";FFMETADATA1", f"title={esc(title)}", f"artist={esc(artist)}", f"album={esc(album)}",
             "genre=Audiobook"]
    for c in chapters:
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={int(round(c.start * 1000))}",
                  f"END={int(round(c.end * 1000))}", f"title={esc(c.title)}"]
    return "\n".join(lines) + "\n"


def encode_m4b(mastered: Path, dest: Path, *, title: str, artist: str, album: str,
               chapters: tuple[Chapter, ...], bitrate: str, ceiling: float = -1.0) -> Loudness:
    """Already-mastered PCM as an AAC audiobook (``.m4b``) at ``bitrate``, with chapters;
    returns its loudness.

    ffmpeg's AAC encoder overshoots the source's peaks (from -1.7 dBTP speech we measured
    -0.9 dBTP at 64 and 80 kbit/s, +2.6 at 48 and 96), so the result is measured and any
    overshoot is taken off with a little gain before encoding again.
    """
    trim = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        meta = Path(tmp) / "chapters.txt"
        meta.write_text(_ffmetadata(title, artist, album, chapters), encoding="utf-8")
        for _attempt in range(3):
            gain = ["-af", f"volume={trim:.2f}dB"] if trim else []
            ffmpeg.run([*pcm_input(mastered), "-f", "ffmetadata", "-i", str(meta), "-map", "0:a",
                        "-map_metadata", "1", "-map_chapters", "1", *gain, "-c:a", "aac",
                        "-b:a", bitrate, "-movflags", "+faststart", "-f", "ipod", "-y", str(dest)],
                       what="M4B encoding")
            result = measure_file(dest)
            if result.true_peak_dbtp <= ceiling:
                return result
            trim -= result.true_peak_dbtp - ceiling + 0.2
    raise BuildError(f"could not keep the M4B's true peak under {ceiling} dBTP "
                     f"(measured {result.true_peak_dbtp:.2f})")
