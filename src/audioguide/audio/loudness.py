"""Loudness of a programme from the loudness of its parts (ITU-R BS.1770 / EBU R128).

Integrated loudness is a gated mean over 400 ms blocks taken every 100 ms. Kept per segment, the
blocks of the parts combine exactly into the whole's, except for the few blocks that straddle a
join; the pipeline joins parts only inside pauses, where those blocks are silent and gated out
anyway. So an episode's loudness is known from its segments, each measured once as it is made,
without a pass over the whole episode.

Block values come from ffmpeg's ``ebur128`` filter (its momentary loudness, ``lavfi.r128.M``,
printed with three decimals), the same measurement ``audioguide check`` and podcast tools make.
"""

from __future__ import annotations

import math
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from audioguide import ffmpeg
from audioguide.errors import BuildError

ABSOLUTE_GATE = -70.0
RELATIVE_GATE = -10.0
_OFFSET = -0.691
"""BS.1770's constant between mean square (K-weighted) and loudness."""


def integrated(blocks: Iterable[float] | npt.NDArray[np.float64]) -> float:
    """The gated integrated loudness (LUFS) of momentary block loudnesses; ``-inf`` when every
    block is below the absolute gate.

    >>> round(integrated([-20.0] * 10 + [-80.0] * 5), 2)
    -20.0
    >>> round(integrated([-20.0] * 10 + [-29.0] * 10), 2)
    -22.5
    >>> round(integrated([-20.0] * 10 + [-35.0] * 10), 2)
    -20.0
    """
    values = blocks if isinstance(blocks, np.ndarray) else np.fromiter(blocks, dtype=np.float64)
    loud = values[values > ABSOLUTE_GATE]
    if not loud.size:
        return float("-inf")
    energy = 10 ** ((loud - _OFFSET) / 10)  # vectorised: steering measures every block so far, per segment
    relative = _OFFSET + 10 * math.log10(float(energy.mean())) + RELATIVE_GATE
    return _OFFSET + 10 * math.log10(float(energy[loud > relative].mean()))


@dataclass(frozen=True)
class Measured:
    """A part's 400 ms block loudnesses (LUFS, every 100 ms) and its true peak (dBTP)."""

    blocks: tuple[float, ...]
    true_peak: float

    def shifted(self, gain: float) -> Measured:
        """The same part with ``gain`` dB more (exact for a linear change of level)."""
        return Measured(tuple(b + gain for b in self.blocks), self.true_peak + gain)


_PEAK = re.compile(r"(?:True|Sample) peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS")


def measure(inputs: Sequence[str], *, what: str, chain: str | None = None,
            true_peak: bool = True, input: bytes | None = None) -> Measured:
    """Block loudness and true peak of what the ffmpeg input arguments ``inputs`` give (through
    the filter ``chain`` first, when given; ``input`` is piped to ffmpeg). Without ``true_peak``
    (which oversamples the audio four times), the peak is the sample peak: cheaper, for when only
    the loudness matters."""
    with tempfile.TemporaryDirectory(prefix="loudness-") as work:
        values = Path(work) / "blocks.txt"
        log = ffmpeg.run_with_log(
            [*inputs, "-af", f"{chain + ',' if chain else ''}ebur128=peak={'true' if true_peak else 'sample'}:"
                             f"metadata=1:framelog=quiet,"
                             f"ametadata=mode=print:key=lavfi.r128.M:file={ffmpeg.filter_value(str(values))}",
             "-f", "null", "-"], input=input, what=what)
        text = values.read_text("utf-8") if values.exists() else ""
    blocks = tuple(float(v) for v in re.findall(r"lavfi\.r128\.M=(-?[\d.]+|-inf)", text))
    peak = _PEAK.search(log[log.rfind("Summary:"):])
    if peak is None:
        raise BuildError(f"could not measure the loudness of {what}")
    return Measured(blocks, float(peak.group(1)))


def combined(parts: Iterable[Measured]) -> tuple[float, float]:
    """Integrated loudness and true peak of parts played one after another."""
    parts = list(parts)
    return (integrated(b for p in parts for b in p.blocks),
            max((p.true_peak for p in parts), default=float("-inf")))
