"""Seamless MP3 joins (issue 14, point 1): segments encoded one at a time and joined decode to
exactly the samples they were made from, with no gap, click or drift at the joins."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from audioguide import ffmpeg
from audioguide.audio import master, segments
from audioguide.audio.segments import FRAME, RATE


def _speechlike(n: int, seed: int) -> np.ndarray:
    """``n`` samples of noise bursts shaped like words, with silence at both ends (as chapters
    begin and end)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / RATE
    envelope = (np.sin(2 * np.pi * 3 * t) > 0.2) * np.clip(np.minimum(t, t[-1] - t) * 4 - 0.4, 0, 1)
    tone = np.sin(2 * np.pi * (180 + 40 * np.sin(2 * np.pi * 0.7 * t)) * t)
    return (0.3 * envelope * (tone + 0.2 * rng.standard_normal(n)) * 32767).astype("<i2")


def _decode(path: Path) -> np.ndarray:
    pcm = ffmpeg.run(["-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(RATE), "pipe:1"])
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64)


@pytest.mark.parametrize("lengths", [(100 * FRAME, 80 * FRAME, 123_457), (FRAME * 3, 5000)])
def test_joined_segments_decode_like_one_encode(tmp_path: Path, lengths: tuple[int, ...]) -> None:
    parts = [_speechlike(n, seed) for seed, n in enumerate(lengths)]
    encoded = []
    for i, part in enumerate(parts):
        raw = tmp_path / f"{i}.raw"
        raw.write_bytes(part.tobytes())
        encoded.append(segments.encode(raw, tmp_path / f"{i}.frames", bitrate="96k")[0])
    assert [s.samples for s in encoded] == list(lengths)
    joined = tmp_path / "joined.mp3"
    size = segments.join(encoded, joined)
    assert size == joined.stat().st_size

    whole_raw = tmp_path / "whole.raw"
    whole_raw.write_bytes(np.concatenate(parts).tobytes())
    whole = tmp_path / "whole.mp3"
    ffmpeg.run([*master.pcm_input(whole_raw), "-c:a", "libmp3lame", "-b:a", "96k",
                "-write_xing", "1", "-f", "mp3", "-y", str(whole)])
    ours, theirs = _decode(joined), _decode(whole)
    source = np.concatenate(parts).astype(np.float64)
    assert len(ours) == len(source) == len(theirs)  # exact length: no gap, no drift
    # as close to the source as one encode of the whole is, everywhere and around each join
    noise = np.sqrt(np.mean((theirs - source) ** 2))
    assert np.sqrt(np.mean((ours - source) ** 2)) <= 1.1 * noise + 1e-9
    position = 0
    for n in lengths[:-1]:
        position += n
        window = slice(position - 2 * FRAME, position + 2 * FRAME)
        assert np.max(np.abs(ours[window] - source[window])) < 200  # no click at the join


def test_the_joined_file_has_a_valid_tag(tmp_path: Path) -> None:
    from mutagen.mp3 import MP3

    encoded = []
    for i, n in enumerate((50 * FRAME, 30_000)):
        raw = tmp_path / f"{i}.raw"
        raw.write_bytes(_speechlike(n, i).tobytes())
        encoded.append(segments.encode(raw, tmp_path / f"{i}.frames", bitrate="96k")[0])
    joined = tmp_path / "joined.mp3"
    segments.join(encoded, joined)
    info = MP3(joined).info
    frames = encoded[0].frames + encoded[1].frames - 1
    assert info.length == frames * FRAME / RATE  # mutagen counts frames (as for ffmpeg's own files)
    assert len(_decode(joined)) == 50 * FRAME + 30_000  # decoders that read the tag: exact
    data = joined.read_bytes()
    tag = segments._tag_offset(data)
    assert int.from_bytes(data[tag + 32:tag + 34], "big") == _crc16_arc(data[len(encoded[0].info):])
    zeroed = bytearray(data[:190])
    zeroed[tag + 34:tag + 36] = b"\0\0"
    assert int.from_bytes(data[tag + 34:tag + 36], "big") == _crc16_arc(bytes(zeroed))


def _crc16_arc(data: bytes) -> int:
    """CRC-16/ARC bit by bit, as the LAME tag specification defines it (a reference for the
    compiled one the join uses)."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def test_the_crc_matches_what_ffmpeg_writes_in_its_own_info_frame(tmp_path: Path) -> None:
    raw = tmp_path / "a.raw"
    raw.write_bytes(_speechlike(3 * RATE, seed=5).tobytes())
    dest = tmp_path / "whole.mp3"
    ffmpeg.run([*master.pcm_input(raw), "-c:a", "libmp3lame", "-b:a", "96k",
                "-id3v2_version", "0", "-write_xing", "1", "-f", "mp3", "-y", str(dest)], what="test encode")
    data = dest.read_bytes()
    first = segments.frame_sizes(data)[0]
    tag = segments._tag_offset(data[:first])
    assert int.from_bytes(data[tag + 32:tag + 34], "big") == segments.crc16(data[first:])


def test_a_segment_of_part_frames_cannot_be_joined_before_another(tmp_path: Path) -> None:
    raw = tmp_path / "a.raw"
    raw.write_bytes(_speechlike(RATE // 2, 0).tobytes())
    a = segments.encode(raw, tmp_path / "a.frames", bitrate="96k")[0]
    with pytest.raises(Exception, match="not whole frames"):
        segments.join([a, a], tmp_path / "x.mp3")
