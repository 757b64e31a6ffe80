"""One seamless MP3 from segments encoded one at a time (the chapter pipeline's last step).

An MP3 encoder (LAME, through ffmpeg's libmp3lame) delays its output by 576 samples and fills
the last frame up; a LAME/Info tag in a first, silent frame tells decoders to skip both, so a
file decodes to exactly the samples it was made from. Encoded segments cannot simply be
concatenated: each would bring its own delay and fill. They can be joined without a gap, a click
or any drift when:

* every segment but the last holds a whole number of 1,152-sample frames, and begins and ends in
  silence (the pipeline cuts chapters inside their pauses);
* every segment but the last gives up its final frame: frame *k* of a segment encoded alone
  covers the same samples as frame *k* of the whole file would, and that final frame, which
  covers the 576 delayed samples plus the start of the next segment, silence on both sides, is
  the next segment's first frame again;
* the joined file gets one Info frame of its own: the frame count, byte count and seek table of
  the whole, the encoder delay, the fill that makes it decode to the exact number of samples,
  and the CRCs.

Each segment starts a fresh bit reservoir (its first frame refers to no earlier bytes), so no frame
depends on the dropped one. Written here, not taken from a library: no maintained Python package
joins MP3s sample-exactly; the frame headers and the Info tag are small and documented (the
CRC-16 itself comes from ``fastcrc``).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import fastcrc

from audioguide import ffmpeg
from audioguide.audio import loudness, master, opus
from audioguide.audio.loudness import Measured
from audioguide.errors import BuildError
from audioguide.layout import OPUS

RATE = 44100
FRAME = 1152
"""Samples per MPEG-1 Layer III frame."""
_BITRATES = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
"""MPEG-1 Layer III bitrates (kbit/s) by header index."""
def crc16(data: bytes, crc: int = 0) -> int:
    """CRC-16/ARC, the LAME tag's checksum (of the tag, and of the music), by ``fastcrc``
    (compiled: a Python loop took 0.4 s for the sample's 2.4 MB).

    >>> hex(crc16(b"123456789"))
    '0xbb3d'
    """
    return int(fastcrc.crc16.arc(data, crc))


def _gf2_times(matrix: list[int], vector: int) -> int:
    out, i = 0, 0
    while vector:
        if vector & 1:
            out ^= matrix[i]
        vector >>= 1
        i += 1
    return out


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, row) for row in matrix]


def crc16_combine(crc_a: int, crc_b: int, length_b: int) -> int:
    """The CRC of ``a + b`` from the CRCs of ``a`` and ``b`` and the length of ``b`` (as zlib's
    ``crc32_combine``): segments keep their music CRC, the join adds them up in log time.

    >>> crc16_combine(crc16(b"1234"), crc16(b"56789"), 5) == crc16(b"123456789")
    True
    """
    zero_bit = [0xA001] + [1 << i for i in range(15)]  # one zero bit through the reflected register
    step = _gf2_square(_gf2_square(_gf2_square(zero_bit)))  # one zero byte
    while length_b:  # the operator for length_b zero bytes, by squaring
        if length_b & 1:
            crc_a = _gf2_times(step, crc_a)
        step = _gf2_square(step)
        length_b >>= 1
    return crc_a ^ crc_b


def frame_sizes(data: bytes) -> list[int]:
    """The byte length of every frame of an MPEG-1 Layer III stream at 44.1 kHz (CBR or not)."""
    sizes = []
    i = 0
    while i + 4 <= len(data):
        header = int.from_bytes(data[i:i + 4], "big")
        index = (header >> 12) & 0xF
        if header >> 21 != 0x7FF or (header >> 17) & 0xF != 0b1101 or not 0 < index < 15 \
                or (header >> 10) & 3 != 0:
            raise BuildError(f"not an MPEG-1 Layer III frame at 44.1 kHz at byte {i}")
        size = 144 * _BITRATES[index] * 1000 // RATE + ((header >> 9) & 1)
        sizes.append(size)
        i += size
    if i != len(data):
        raise BuildError("the MP3 stream ends inside a frame")
    return sizes


@dataclass(frozen=True)
class Segment:
    """An encoded segment: its frames (no tag) and what joining needs to know of them."""

    path: Path
    samples: int
    """PCM samples it was encoded from."""
    frames: int
    body_size: int
    """Bytes of every frame but the last (what it gives the join unless it is last)."""
    body_crc: int
    last_size: int
    last_crc: int
    info: bytes
    """The Info frame ffmpeg wrote for it alone: the template for the joined file's."""


def encode(pcm: Path | bytes, dest: Path, *, bitrate: str, chain: str | None = None, measure: bool = False,
           opus_bitrate: str | None = None) -> tuple[Segment, Measured | None, opus.OpusSegment | None]:
    """Encode raw mono 16-bit PCM at 44.1 kHz (``pcm``: a file, or the samples themselves, given
    to ffmpeg through a pipe; through the ffmpeg filter ``chain`` when given) into the frames at
    ``dest``; with ``measure``, also the loudness of the encoded audio as a listener's decoder
    gives it back. With ``opus_bitrate``, the same ffmpeg run also encodes it to Opus, beside
    ``dest`` (:mod:`audioguide.audio.opus`)."""
    mp3 = ["-c:a", "libmp3lame", "-b:a", bitrate, "-id3v2_version", "0", "-write_xing", "1", "-f", "mp3",
           "-y", str(dest)]
    opus_dest = dest.with_suffix(OPUS)
    piped = pcm if isinstance(pcm, bytes) else None
    if opus_bitrate is None:
        ffmpeg.run([*master.pcm_input(pcm), *(["-af", chain] if chain else []), *mp3],
                   input=piped, what="MP3 encoding")
    else:
        samples = (len(pcm) if isinstance(pcm, bytes) else pcm.stat().st_size) // 2
        ffmpeg.run([*master.pcm_input(pcm),
                    "-filter_complex", opus.split_graph(chain, samples),
                    "-map", "[mp3]", *mp3, "-map", "[opus]", *opus.encoder_args(opus_bitrate), "-y",
                    str(opus_dest)], input=piped, what="MP3 and Opus encoding")
    measured = loudness.measure(["-i", str(dest)], what=f"the encoded {dest.name}") if measure else None
    encoded = dest.read_bytes()  # the Info frame is filled in at the end: a file, not a pipe
    sizes = frame_sizes(encoded)
    info, data = encoded[:sizes[0]], encoded[sizes[0]:]
    if b"Info" not in info[:40]:
        raise BuildError("the MP3 encoder wrote no Info frame")
    dest.write_bytes(data)
    body = len(data) - sizes[-1]
    samples = _tag_samples(info, len(sizes) - 1)
    return (Segment(dest, samples, len(sizes) - 1, body, crc16(data[:body]), sizes[-1],
                    crc16(data[body:]), info), measured,
            opus.read_segment(opus_dest) if opus_bitrate is not None else None)


def _tag_offset(info: bytes) -> int:
    start = info.find(b"Info")
    flags = struct.unpack(">I", info[start + 4:start + 8])[0]
    if flags != 0xF:
        raise BuildError(f"unexpected Info flags {flags:#x}")
    return start + 8 + 4 + 4 + 100 + 4  # frames, bytes, seek table, quality


def _tag_samples(info: bytes, frames: int) -> int:
    tag = _tag_offset(info)
    delay_padding = int.from_bytes(info[tag + 21:tag + 24], "big")
    return frames * FRAME - (delay_padding >> 12) - (delay_padding & 0xFFF)


def join(segments: list[Segment], dest: Path) -> int:
    """Write the segments as one MP3 at ``dest`` (see the module docstring); return its size.
    Every segment but the last must hold whole frames of samples."""
    if not segments:
        raise BuildError("nothing to join")
    for s in segments[:-1]:
        if s.samples % FRAME:
            raise BuildError(f"a segment of {s.samples} samples is not whole frames")
    frames = sum(s.frames for s in segments) - (len(segments) - 1)
    music = sum(s.body_size for s in segments) + segments[-1].last_size
    crc = 0
    for s in segments[:-1]:
        crc = crc16_combine(crc, s.body_crc, s.body_size)
    last = segments[-1]
    crc = crc16_combine(crc16_combine(crc, last.body_crc, last.body_size), last.last_crc, last.last_size)
    samples = sum(s.samples for s in segments)
    info = _info_frame(segments[0].info, frames=frames, music=music, samples=samples, music_crc=crc)
    with dest.open("wb") as out:
        out.write(info)
        for s in segments:
            with s.path.open("rb") as data:
                out.write(data.read(s.body_size if s is not last else s.body_size + s.last_size))
    return len(info) + music


def _info_frame(template: bytes, *, frames: int, music: int, samples: int, music_crc: int) -> bytes:
    """The Info frame for the joined file, made from one segment's: frame and byte counts, a
    linear seek table (constant bitrate), the delay and fill for ``samples``, both CRCs."""
    info = bytearray(template)
    start = info.find(b"Info")
    tag = _tag_offset(bytes(info))
    total = len(info) + music
    info[start + 8:start + 16] = struct.pack(">II", frames, total)
    info[start + 16:start + 116] = bytes(min(255, i * 256 // 100) for i in range(100))
    delay = int.from_bytes(info[tag + 21:tag + 24], "big") >> 12
    padding = frames * FRAME - delay - samples
    if not 0 <= padding < 4096:
        raise BuildError(f"the joined MP3 would need {padding} samples of fill")
    info[tag + 21:tag + 24] = ((delay << 12) | padding).to_bytes(3, "big")
    info[tag + 28:tag + 32] = struct.pack(">I", total)
    info[tag + 32:tag + 34] = struct.pack(">H", music_crc)
    info[tag + 34:tag + 36] = b"\0\0"  # as ffmpeg computes it: the first 190 bytes, this field zero
    info[tag + 34:tag + 36] = struct.pack(">H", crc16(bytes(info[:190])))
    return bytes(info)
