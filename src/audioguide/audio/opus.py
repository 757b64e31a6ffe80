"""One Ogg Opus stream from segments encoded one at a time (the Opus alternate of an episode).

Each segment is encoded to Opus in the same ffmpeg run as its MP3: the mastering chain's output
is split in two, and the Opus branch resampled to Opus's 48 kHz (:func:`split_graph`). An Ogg
Opus stream (RFC 7845) is a header packet (``OpusHead``: channels, and the *pre-skip*, the
encoder's delay that players drop), a comment packet (``OpusTags``), then audio packets of 20 ms
each here, carried by pages that hold a CRC and the number of samples decoded so far (the
granule position); the last page's granule position cuts the end. Segments are joined by their
packets:

* every segment is encoded padded with silence to whole 20 ms frames, and one frame more: it
  has packets to spare at its end, in the pause it ends in (:func:`padded_samples`);
* each segment starts in the joined stream where it starts in the MP3, rounded to a whole frame
  (:func:`frame_start`). The segment before it gives up its packets past that point (the
  padding, and the packet that flushes the encoder's delay). The next segment comes from an
  encoder started afresh: its first ``pre-skip`` samples, the delay (near silence after the
  silence it starts with), fall on the last 6.5 ms of that pause, as the MP3 join's delayed
  samples do. Each start is rounded on its own, not each length, so roundings never add up: a
  segment's words are heard within 10 ms of when the MP3 plays them, however many came before;
* the joined stream has the first segment's ``OpusHead``, one ``OpusTags``, its own serial and
  page numbers, granule positions counted from its start, and the last page's granule position
  ends it at the MP3's length (to 1/48,000 s).

A segment's packets do not depend on where it falls, so a kept segment's packets are reused as
they are, like its MP3 frames; joining only copies packets into new pages. Written here, not
taken from a library: no maintained Python package joins Ogg Opus streams; the pages themselves
(with their CRCs) are read and written by mutagen's ``OggPage``.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from mutagen.ogg import OggPage

from audioguide.errors import BuildError

RATE = 48000
"""Opus decodes at 48 kHz, whatever the input was."""
FRAME = 960
"""Samples of one packet (20 ms; set explicitly, as the join counts on it)."""
MP3_RATE = 44100
GRID = MP3_RATE * FRAME // RATE
"""44.1 kHz samples in one Opus frame (882)."""
PAGE_PACKETS = 50
"""Packets per page (one second), as ffmpeg writes them: how finely players can seek."""
_LACING_LIMIT = 255
"""Lacing values one Ogg page can hold (a packet needs one per 255 bytes, plus one)."""


def padded_samples(samples: int) -> int:
    """48 kHz samples a segment of ``samples`` at 44.1 kHz is encoded as: whole frames, and
    one more than it fills.

    >>> padded_samples(882), padded_samples(883), padded_samples(44100)
    (1920, 2880, 48960)
    """
    return FRAME * (-(-samples // GRID) + 1)


def frame_start(mp3_sample: int) -> int:
    """Where the segment that starts at ``mp3_sample`` (44.1 kHz) starts in the joined Opus
    stream: the same moment at 48 kHz, rounded to the nearest whole frame.

    >>> frame_start(0), frame_start(441), frame_start(1152 * 100)
    (0, 960, 125760)
    """
    return FRAME * ((mp3_sample + GRID // 2) // GRID)


def stream_samples(mp3_samples: int) -> int:
    """The 48 kHz length of an MP3 of ``mp3_samples`` (44.1 kHz), rounded to a sample."""
    return (mp3_samples * RATE + MP3_RATE // 2) // MP3_RATE


def split_graph(chain: str | None, samples: int) -> str:
    """An ffmpeg ``-filter_complex`` graph: the raw input through ``chain``, split into
    ``[mp3]`` (as it is) and ``[opus]`` (at 48 kHz, padded to :func:`padded_samples`)."""
    length = padded_samples(samples)
    head = f"[0:a]{chain}," if chain else "[0:a]"
    return (f"{head}asplit=2[mp3][o];[o]aresample={RATE}:resampler=soxr,"
            f"apad=whole_len={length},atrim=end_sample={length}[opus]")


def encoder_args(bitrate: str) -> list[str]:
    """ffmpeg output options for one mono Opus segment at ``bitrate`` (constrained to 20 ms
    packets; libopus chooses its modes for speech or music by itself)."""
    return ["-c:a", "libopus", "-b:a", bitrate, "-frame_duration", "20", "-ac", "1", "-f", "ogg"]


def packet_samples(packet: bytes) -> int:
    """48 kHz samples an Opus packet decodes to, from its TOC byte (RFC 6716, section 3.1).

    >>> packet_samples(bytes([0x48, 0x0B])), packet_samples(bytes([0xB9])), packet_samples(bytes([0x7B, 0x83]))
    (960, 1920, 2880)
    """
    if not packet:
        raise BuildError("an Opus packet is empty")
    toc = packet[0]
    config = toc >> 3
    if config < 12:  # SILK: 10, 20, 40, 60 ms
        frame = (480, 960, 1920, 2880)[config % 4]
    elif config < 16:  # hybrid: 10, 20 ms
        frame = (480, 960)[config % 2]
    else:  # CELT: 2.5, 5, 10, 20 ms
        frame = (120, 240, 480, 960)[config % 4]
    code = toc & 3
    if code == 3 and len(packet) < 2:
        raise BuildError("an Opus packet ends in its header")
    return frame * (1 if code == 0 else 2 if code < 3 else packet[1] & 0x3F)


def _packets(stream: BinaryIO, granule: list[int] | None = None) -> Iterator[bytes]:
    """Every packet of an Ogg stream in order, put back together where a page split one; the
    granule position of each page read is put into ``granule[0]``."""
    partial: bytes | None = None
    while True:
        try:
            page = OggPage(stream)  # type: ignore[no-untyped-call]
        except EOFError:
            break
        if granule is not None:
            granule[0] = page.position
        packets = list(page.packets)
        if page.continued and packets:
            if partial is None:
                raise BuildError("an Ogg page continues a packet that never began")
            packets[0] = partial + packets[0]
            partial = None
        if not page.complete and packets:
            partial = packets.pop()
        yield from packets
    if partial is not None:
        raise BuildError("the Ogg stream ends inside a packet")


@dataclass(frozen=True)
class OpusSegment:
    """An encoded Opus segment (an Ogg Opus file as ffmpeg wrote it) and what joining needs."""

    path: Path
    samples: int
    """48 kHz samples it was encoded from (:func:`padded_samples` of its MP3's)."""
    pre_skip: int
    packets: int
    """Audio packets (besides the two header packets)."""
    size: int
    """Bytes of the file (a kept segment whose file has another size is made again)."""

    def to_json(self) -> dict[str, int]:
        return {"samples": self.samples, "pre_skip": self.pre_skip, "packets": self.packets,
                "size": self.size}

    @classmethod
    def from_json(cls, path: Path, data: dict[str, int]) -> OpusSegment:
        return cls(path, int(data["samples"]), int(data["pre_skip"]), int(data["packets"]),
                   int(data["size"]))


def _head(packet: bytes) -> tuple[int, int]:
    """(channels, pre-skip) of an ``OpusHead`` packet."""
    if len(packet) < 19 or not packet.startswith(b"OpusHead") or packet[8] >> 4:
        raise BuildError("not an Ogg Opus stream (no OpusHead version 0 packet)")
    return packet[9], struct.unpack_from("<H", packet, 10)[0]


def read_segment(path: Path) -> OpusSegment:
    """The facts of the Opus segment ffmpeg wrote at ``path``: every packet must be 20 ms."""
    end = [0]
    with path.open("rb") as stream:
        packets = _packets(stream, end)
        head = next(packets, b"")
        channels, pre_skip = _head(head)
        if channels != 1:
            raise BuildError(f"the Opus segment {path.name} has {channels} channels, not one")
        next(packets, None)  # OpusTags
        count = 0
        for packet in packets:
            if packet_samples(packet) != FRAME:
                raise BuildError(f"the Opus segment {path.name} has a packet of "
                                 f"{packet_samples(packet)} samples, not {FRAME}")
            count += 1
    samples = end[0] - pre_skip  # the last page's granule position: what was encoded, and the delay
    if not 0 < samples <= FRAME * count - pre_skip:
        raise BuildError(f"the Opus segment {path.name} ends at granule position {end[0]}")
    return OpusSegment(path, samples, pre_skip, count, path.stat().st_size)


class _Pages:
    """Writes packets into numbered Ogg pages of one stream, each page stamped with the
    samples decoded by its end."""

    def __init__(self, out: BinaryIO, serial: int) -> None:
        self.out = out
        self.serial = serial
        self.sequence = 0
        self.decoded = 0
        self.pending: list[bytes] = []
        self.lacing = 0
        self.size = 0

    def header(self, packet: bytes, *, first: bool) -> None:
        """A header packet on a page of its own (granule position 0), as RFC 7845 asks."""
        self._write([packet], 0, first=first)

    def add(self, packet: bytes) -> None:
        lacing = len(packet) // 255 + 1
        if self.pending and (len(self.pending) >= PAGE_PACKETS or self.lacing + lacing > _LACING_LIMIT):
            self._write(self.pending, self.decoded)
        self.pending.append(packet)
        self.lacing += lacing
        self.decoded += packet_samples(packet)

    def finish(self, granule: int) -> None:
        """The last page: its granule position ``granule`` (at most the samples decoded) cuts
        the stream's end."""
        if not self.pending or not self.decoded - packet_samples(self.pending[-1]) < granule <= self.decoded:
            raise BuildError("the joined Opus stream's end is not in its last packet")
        self._write(self.pending, granule, last=True)

    def _write(self, packets: list[bytes], granule: int, *, first: bool = False, last: bool = False) -> None:
        page: object = OggPage()  # type: ignore[no-untyped-call]
        p: OggPage = page  # type: ignore[assignment]
        p.packets = list(packets)
        p.position = granule
        p.serial = self.serial
        p.sequence = self.sequence
        p.first = first
        p.last = last
        data: bytes = p.write()  # type: ignore[no-untyped-call]
        self.out.write(data)
        self.size += len(data)
        self.sequence += 1
        if packets is self.pending:
            self.pending = []
            self.lacing = 0


def _tags_packet(vendor: bytes) -> bytes:
    """An ``OpusTags`` packet with the encoder's vendor string and no comments (the tags are
    written afterwards, as the MP3's are)."""
    return b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 0)


def _vendor(tags: bytes) -> bytes:
    if not tags.startswith(b"OpusTags") or len(tags) < 12:
        raise BuildError("the Opus segment has no OpusTags packet")
    length = struct.unpack_from("<I", tags, 8)[0]
    return tags[12:12 + length]


def join(parts: Sequence[tuple[OpusSegment, int]], dest: Path, *, serial: int) -> float:
    """Write ``parts`` (each Opus segment with the length of its MP3 segment, in 44.1 kHz
    samples) as one Ogg Opus stream at ``dest`` (see the module docstring); return its length in
    seconds, which is the MP3's to 1/48,000 s."""
    if not parts:
        raise BuildError("nothing to join")
    pre_skip = parts[0][0].pre_skip
    total = sum(n for _, n in parts)
    end = pre_skip + stream_samples(total)
    with dest.open("wb") as out:
        pages = _Pages(out, serial & 0xFFFFFFFF)
        start = 0
        for index, (segment, samples) in enumerate(parts):
            last = index == len(parts) - 1
            if segment.pre_skip != pre_skip:
                raise BuildError("the Opus segments were encoded with different delays")
            stop = end if last else frame_start(start + samples)
            with segment.path.open("rb") as stream:
                packets = _packets(stream)
                head, tags = next(packets, b""), next(packets, b"")
                if index == 0:
                    _head(head)
                    pages.header(head, first=True)
                    pages.header(_tags_packet(_vendor(tags)), first=False)
                for packet in packets:
                    if pages.decoded >= stop:
                        break
                    pages.add(packet)
            if pages.decoded < stop or (not last and pages.decoded != stop):
                raise BuildError(f"Opus segment {index + 1} does not reach its end "
                                 f"({pages.decoded} of {stop} samples)")
            start += samples
        pages.finish(end)
    return (end - pre_skip) / RATE
