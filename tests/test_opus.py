"""The Opus alternate (issue 16, point 4): segments encoded to Opus beside their MP3s and joined by
their packets decode to the MP3's length, keep every segment within 10 ms of its place in the MP3,
join without a click, and make an Ogg Opus stream that independent readers (ffmpeg, mutagen, the
page walk here) accept."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest
import soxr

from audioguide import ffmpeg
from audioguide.audio import opus, segments
from audioguide.audio.segments import FRAME, RATE
from tests.test_segments import _speechlike


def _decode(path: Path, rate: int) -> np.ndarray:
    pcm = ffmpeg.run(["-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(rate), "pipe:1"])
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64)


def _encode(tmp_path: Path, lengths: list[int], bitrate: str = "24k") -> tuple[list[np.ndarray], list[segments.Segment],
                                                                                list[opus.OpusSegment]]:
    parts = [_speechlike(n, seed) for seed, n in enumerate(lengths)]
    mp3s, opuses = [], []
    for i, part in enumerate(parts):
        raw = tmp_path / f"{i}.raw"
        raw.write_bytes(part.tobytes())
        mp3, _, encoded = segments.encode(raw, tmp_path / f"{i}.mp3", bitrate="96k", opus_bitrate=bitrate)
        assert encoded is not None and encoded.path == tmp_path / f"{i}.opus"
        mp3s.append(mp3)
        opuses.append(encoded)
    return parts, mp3s, opuses


def _join(tmp_path: Path, mp3s: list[segments.Segment], opuses: list[opus.OpusSegment]) -> tuple[Path, Path, float]:
    segments.join(mp3s, tmp_path / "joined.mp3")
    seconds = opus.join([(o, m.samples) for o, m in zip(opuses, mp3s, strict=True)], tmp_path / "joined.opus",
                        serial=0x5EED)
    return tmp_path / "joined.mp3", tmp_path / "joined.opus", seconds


def _lag(decoded: np.ndarray, source: np.ndarray, start: int, end: int, reach: int = 1200) -> int:
    """Where ``source[start:end]`` is heard in ``decoded``, in samples from where it should be."""
    core = source[start + reach:end - reach]
    scores = [float(np.dot(decoded[start + reach + lag:end - reach + lag], core)) for lag in range(-reach, reach + 1)]
    return int(np.argmax(scores)) - reach


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[int], list[np.ndarray], Path, Path, float]:
    """Twelve segments of odd lengths (whole MP3 frames, the last not), encoded and joined."""
    tmp = tmp_path_factory.mktemp("opus")
    rng = np.random.default_rng(7)
    lengths = [int(rng.integers(20, 60)) * FRAME for _ in range(11)] + [123_457]
    parts, mp3s, opuses = _encode(tmp, lengths)
    mp3, joined, seconds = _join(tmp, mp3s, opuses)
    return lengths, parts, mp3, joined, seconds


def test_the_joined_opus_lasts_as_long_as_the_mp3(many: tuple[list[int], list[np.ndarray], Path, Path, float]) -> None:
    lengths, _, mp3, joined, seconds = many
    total = sum(lengths)
    decoded = _decode(joined, opus.RATE)
    assert len(decoded) == opus.stream_samples(total)  # pre-skip and the end trimmed exactly
    assert seconds == len(decoded) / opus.RATE
    assert abs(len(decoded) / opus.RATE - len(_decode(mp3, RATE)) / RATE) < 1 / opus.RATE + 1e-9


def test_every_segment_is_heard_within_10_ms_of_its_place_in_the_mp3(
        many: tuple[list[int], list[np.ndarray], Path, Path, float]) -> None:
    lengths, parts, _, joined, _ = many
    decoded = _decode(joined, opus.RATE)
    source = soxr.resample(np.concatenate(parts).astype(np.float64), RATE, opus.RATE)
    start = 0
    for n in lengths:
        at, end = start * opus.RATE // RATE, (start + n) * opus.RATE // RATE
        lag = _lag(decoded, source, at, end)
        assert abs(lag) <= opus.FRAME // 2 + 2, f"the segment at {start / RATE:.2f} s is heard {lag} samples off"
        # exactly the rounding of its start to a frame: nothing adds up from the segments before it
        assert abs(lag - (opus.frame_start(start) - start * opus.RATE / RATE)) <= 2
        start += n


def test_no_click_at_the_joins(many: tuple[list[int], list[np.ndarray], Path, Path, float]) -> None:
    lengths, parts, _, joined, _ = many
    decoded = _decode(joined, opus.RATE)
    source = np.concatenate(parts).astype(np.float64)
    position = 0
    for n in lengths[:-1]:
        position += n
        window = slice(position - 2 * FRAME, position + 2 * FRAME)  # 52 ms either side: silent in the source
        assert not source[window].any()
        at = position * opus.RATE // RATE
        heard = decoded[at - 2400:at + 2400]
        assert np.max(np.abs(heard)) < 100, f"a click at the join at {position / RATE:.2f} s"  # under -50 dBFS


def _pages(data: bytes) -> list[dict[str, object]]:
    """Every Ogg page's header fields and packets, read here by the specification (RFC 3533)."""
    pages, i = [], 0
    while i < len(data):
        magic, version, flags, granule, serial, sequence, crc, count = struct.unpack_from("<4sBBqIIIB", data, i)
        assert magic == b"OggS" and version == 0
        lacing = data[i + 27:i + 27 + count]
        size = 27 + count + sum(lacing)
        packets, body, offset = [], i + 27 + count, 0
        current = b""
        for value in lacing:
            current += data[body + offset:body + offset + value]
            offset += value
            if value < 255:
                packets.append(current)
                current = b""
        assert not current, "a packet runs on past its page (the join never splits one)"
        page = bytearray(data[i:i + size])
        page[22:26] = b"\0\0\0\0"
        pages.append({"flags": flags, "granule": granule, "serial": serial, "sequence": sequence,
                      "crc_ok": crc == _ogg_crc(bytes(page)), "packets": packets})
        i += size
    return pages


def _ogg_crc(data: bytes) -> int:
    """Ogg's CRC-32 (polynomial 0x04C11DB7, not reflected, initial value 0), bit by bit."""
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7 if crc & 0x80000000 else crc << 1) & 0xFFFFFFFF
    return crc


def test_the_ogg_structure_is_valid(many: tuple[list[int], list[np.ndarray], Path, Path, float]) -> None:
    lengths, _, _, joined, seconds = many
    pages = _pages(joined.read_bytes())
    assert all(p["crc_ok"] for p in pages)
    assert [p["sequence"] for p in pages] == list(range(len(pages)))
    assert {p["serial"] for p in pages} == {0x5EED}
    assert [p["flags"] for p in pages] == [2] + [0] * (len(pages) - 2) + [4]  # BOS first, EOS last
    head, tags = (p["packets"] for p in pages[:2])
    assert head[0][:8] == b"OpusHead" and head[0][9] == 1  # type: ignore[index]
    pre_skip = struct.unpack_from("<H", head[0], 10)[0]  # type: ignore[index]
    assert pre_skip == 312  # libopus's delay at 48 kHz
    assert tags[0].startswith(b"OpusTags") and pages[0]["granule"] == pages[1]["granule"] == 0  # type: ignore[index, union-attr]
    decoded = 0
    for page in pages[2:-1]:
        decoded += 960 * len(page["packets"])  # type: ignore[arg-type]
        assert page["granule"] == decoded  # every packet 20 ms, counted from the stream's start
    last = pages[-1]
    assert decoded < last["granule"] <= decoded + 960 * len(last["packets"])  # type: ignore[operator, arg-type]
    assert last["granule"] - pre_skip == opus.stream_samples(sum(lengths))  # type: ignore[operator]
    assert abs(seconds - (last["granule"] - pre_skip) / 48000) < 1e-9  # type: ignore[operator]


def test_ffmpeg_and_mutagen_read_it(many: tuple[list[int], list[np.ndarray], Path, Path, float],
                                    tmp_path: Path) -> None:
    from mutagen.oggopus import OggOpus

    _, _, _, joined, seconds = many
    assert OggOpus(joined).info.length == pytest.approx(seconds, abs=1e-6)
    log = ffmpeg.run_with_log(["-i", str(joined), "-f", "null", "-"])
    assert "Audio: opus, 48000 Hz, mono" in log and "CRC mismatch" not in log
    broken = tmp_path / "broken.opus"  # ffmpeg does check the CRCs: a flipped byte is reported
    data = bytearray(joined.read_bytes())
    data[len(data) // 2] ^= 0xFF
    broken.write_bytes(bytes(data))
    assert "CRC mismatch" in ffmpeg.run_with_log(["-i", str(broken), "-f", "null", "-"])


def test_two_segments_and_one(tmp_path: Path) -> None:
    """The shortest joins: a segment of three MP3 frames before a short last one, and a single
    segment (nothing to join)."""
    for lengths in ([3 * FRAME, 5000], [40_000]):
        folder = tmp_path / str(len(lengths))
        folder.mkdir()
        _, mp3s, opuses = _encode(folder, lengths)
        _, joined, seconds = _join(folder, mp3s, opuses)
        assert len(_decode(joined, opus.RATE)) == opus.stream_samples(sum(lengths)) == round(seconds * opus.RATE)


def test_segments_of_other_encoder_delays_are_refused(tmp_path: Path) -> None:
    _, mp3s, opuses = _encode(tmp_path, [3 * FRAME, 5000])
    odd = opus.OpusSegment(opuses[1].path, opuses[1].samples, opuses[1].pre_skip + 1, opuses[1].packets,
                           opuses[1].size)
    with pytest.raises(Exception, match="different delays"):
        opus.join([(opuses[0], mp3s[0].samples), (odd, mp3s[1].samples)], tmp_path / "x.opus", serial=1)


# --- an episode's Opus alternate, rendered (the tone voice: plumbing, not sound) ------------------


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four-chapter walk of tests/test_chapter_pipeline.py, rendered once (tests copy it)."""
    from tests.conftest import copy_tone_project
    from tests.test_chapter_pipeline import _run, _script

    root = copy_tone_project(tmp_path_factory.mktemp("walk") / "project")
    (root / "episodes" / "second-interview.md").unlink()
    _script(root)
    _run(root, "render")
    return root


@pytest.fixture
def walk_copy(walked: Path, tmp_path: Path) -> Path:
    import shutil

    return Path(shutil.copytree(walked, tmp_path / "project", symlinks=True))


def _opus_record(root: Path) -> dict[str, object]:
    from tests.test_chapter_pipeline import _record

    entry = _record(root).get("opus")
    assert isinstance(entry, dict)
    return entry


def _set_opus(root: Path, on: bool) -> None:
    toml = root / "audioguide.toml"
    text = toml.read_text("utf-8").replace("\nopus = true", "").replace("\nopus = false", "")
    toml.write_text(text.replace("[audio]", f"[audio]\nopus = {'true' if on else 'false'}", 1), "utf-8")


def test_the_record_gives_the_opus_file_exactly(walked: Path) -> None:
    import base64
    import hashlib

    from mutagen.oggopus import OggOpus

    from tests.test_chapter_pipeline import _record

    record = _record(walked)
    entry = _opus_record(walked)
    path = walked / "output" / "episodes" / "walk.opus"
    data = path.read_bytes()
    assert entry["file"] == "walk.opus" and entry["size"] == len(data) and entry["bitrate"] == 24000
    assert entry["integrity"] == "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert abs(float(entry["duration"]) - float(record["duration"])) <= 0.001  # type: ignore[arg-type]
    assert OggOpus(path).info.length == pytest.approx(float(entry["duration"]), abs=0.001)  # type: ignore[arg-type]
    assert len(_decode(path, opus.RATE)) == pytest.approx(float(entry["duration"]) * opus.RATE, abs=48)  # type: ignore[arg-type]
    from audioguide.layout import SEGMENTS

    kept = walked / SEGMENTS
    assert all((kept / f"{key}.opus").is_file() for key in record["segments"])  # type: ignore[attr-defined]


def test_the_opus_is_tagged_like_the_mp3(walked: Path) -> None:
    import base64

    from mutagen.flac import Picture
    from mutagen.id3 import ID3
    from mutagen.oggopus import OggOpus

    from tests.test_chapter_pipeline import _record

    episodes = walked / "output" / "episodes"
    tags, id3 = OggOpus(episodes / "walk.opus").tags, ID3(episodes / "walk.mp3")
    assert tags["title"] == [str(id3["TIT2"])] == ["A long walk"]
    assert tags["artist"] == [str(id3["TPE1"])] and tags["album"] == [str(id3["TALB"])]
    assert tags["date"] == ["2026-11-01"] and tags["tracknumber"] == [str(id3["TRCK"])]
    picture = Picture(base64.b64decode(tags["metadata_block_picture"][0]))
    assert picture.type == 3 and picture.data == id3.getall("APIC")[0].data and picture.width == picture.height > 0
    chapters = _record(walked)["chapters"]
    assert [tags[f"chapter{i:03d}name"][0] for i in range(1, len(chapters) + 1)] == [c["title"] for c in chapters]  # type: ignore[arg-type, index]
    assert tags["chapter001"] == ["00:00:00.000"]


def test_a_one_sentence_edit_encodes_only_the_new_segments_opus(walk_copy: Path) -> None:
    from audioguide.layout import SEGMENTS
    from tests.test_chapter_pipeline import _record, _run, _script

    before = _record(walk_copy)
    kept = set((walk_copy / SEGMENTS).glob("*.opus"))
    _script(walk_copy, changed="By eight the market has closed, and only the gulls remain.")
    _run(walk_copy, "render")
    after = _record(walk_copy)
    made = [key for key in after["segments"] if key not in before["segments"]]  # type: ignore[attr-defined, operator]
    assert 1 <= len(made) <= 2
    assert {p.stem for p in set((walk_copy / SEGMENTS).glob("*.opus")) - kept} == set(made)
    path = walk_copy / "output" / "episodes" / "walk.opus"
    assert _opus_record(walk_copy)["integrity"] != before["opus"]["integrity"]  # type: ignore[index]
    assert len(_decode(path, opus.RATE)) == pytest.approx(float(after["duration"]) * opus.RATE, abs=48)  # type: ignore[arg-type]
    _run(walk_copy, "check")


def test_opus_off_removes_the_file_and_on_brings_the_same_one_back(walk_copy: Path) -> None:
    from tests.test_chapter_pipeline import _record, _run

    path = walk_copy / "output" / "episodes" / "walk.opus"
    first = path.read_bytes()
    _set_opus(walk_copy, False)
    _run(walk_copy, "render")
    assert not path.exists() and "opus" not in _record(walk_copy)
    _run(walk_copy, "check")
    _set_opus(walk_copy, True)
    _run(walk_copy, "render")
    assert path.read_bytes() == first  # the kept segments and their packets: the same file again


def test_prune_keeps_the_opus_of_the_listed_segments(walk_copy: Path) -> None:
    from audioguide.layout import SEGMENTS
    from tests.test_chapter_pipeline import _record, _run, _script

    _script(walk_copy, changed="A different sentence in the market.")
    _run(walk_copy, "render")
    listed = set(_record(walk_copy)["segments"])  # type: ignore[call-overload]
    assert {p.stem for p in (walk_copy / SEGMENTS).glob("*.opus")} > listed
    _run(walk_copy, "cache", "--prune")
    assert {p.stem for p in (walk_copy / SEGMENTS).glob("*.opus")} == listed
    assert {p.stem for p in (walk_copy / SEGMENTS).glob("*.mp3")} == listed


@pytest.mark.parametrize("damage", ["missing", "size", "content"])
def test_check_compares_the_opus_with_its_record(walk_copy: Path, damage: str) -> None:
    from audioguide.cli import cli
    from tests.clirunner import cli_runner

    path = walk_copy / "output" / "episodes" / "walk.opus"
    data = bytearray(path.read_bytes())
    if damage == "missing":
        path.unlink()
    elif damage == "size":
        path.write_bytes(bytes(data) + b"\0")
    else:
        data[-10] ^= 0xFF
        path.write_bytes(bytes(data))
    result = cli_runner().invoke(cli, ["-C", str(walk_copy), "check"])
    assert result.exit_code == 1
    expected = {"missing": "names the Opus alternate walk.opus, which is missing",
                "size": f"has {len(data) + 1} bytes but its record says {len(data)}",
                "content": "does not match the SHA-256 its record gives"}[damage]
    assert expected in result.stderr


# --- on a real render of the sample (Piper) -------------------------------------------------------


def test_the_samples_opus_joins_are_as_quiet_as_the_mp3s(rendered_sample: object) -> None:
    """Before every join of the Piper sample's segments (the end of the pause it falls in: Piper's
    next sentence starts 20 to 60 ms after it), the Opus is as quiet as the MP3, the next
    encoder's start-up included: no click. And it lasts as long as the MP3."""
    import json

    from audioguide.layout import SEGMENTS
    from tests.conftest import Rendered

    assert isinstance(rendered_sample, Rendered)
    root = rendered_sample.config.root
    record = json.loads(rendered_sample.mp3.with_suffix(".json").read_text("utf-8"))
    keys = record["segments"]
    assert len(keys) >= 3
    lengths = [json.loads((root / SEGMENTS / f"{k}.json").read_text("utf-8"))["segment"]["samples"] for k in keys]
    mp3 = _decode(rendered_sample.mp3, RATE) / 32768
    decoded = _decode(rendered_sample.mp3.with_suffix(".opus"), opus.RATE) / 32768
    assert len(mp3) == sum(lengths) and len(decoded) == opus.stream_samples(sum(lengths))
    position = 0
    for n in lengths[:-1]:
        position += n
        start = opus.frame_start(position)  # where the next segment starts in the Opus
        ours = decoded[start - opus.RATE * 3 // 100:start]  # the 30 ms before: the previous pause's end
        theirs = mp3[position - RATE * 3 // 100:position]
        peak, reference = float(np.max(np.abs(ours))), float(np.max(np.abs(theirs)))
        assert peak <= max(2 * reference, 10 ** (-50 / 20)), \
            f"the Opus peaks at {peak:.4f} before the join at {position / RATE:.2f} s, the MP3 at {reference:.4f}"
