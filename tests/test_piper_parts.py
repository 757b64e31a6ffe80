"""A Piper voice split in two (issue 14, bounded memory): the encoder once per run, the decoder a
chunk of frames at a time, giving the whole graph's samples; the split made once, kept, and
skipped for a voice of another shape. The memory it saves is measured by ``scripts/bench``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from audioguide.speech.engines import piper as piper_engine
from audioguide.speech.engines import piper_parts
from audioguide.speech.engines.piper import PiperEngine
from tests.conftest import piper_with

SENTENCE = ("Remember that a second interview is a positive sign, and that the employer is seriously "
            "considering you for the role, so prepare well, stay calm, and be yourself.")


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache folder for split voices, and no voice loaded in this process."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    piper_engine._cached_voice.cache_clear()
    yield tmp_path / "cache" / "audioguide" / "voice-parts"
    piper_engine._cached_voice.cache_clear()


def _engine(in_parts: bool) -> PiperEngine:
    return piper_with(in_parts)  # type: ignore[no-any-return]


def test_the_voice_in_parts_speaks_as_its_whole_graph_and_is_split_once(own_cache: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    parted = _engine(in_parts=True)
    voice = parted._load()
    assert voice.in_parts
    (folder,) = own_cache.iterdir()
    assert {p.name for p in folder.iterdir()} == {"encoder.onnx", "decoder.onnx", "parts.json"}
    assert voice.parts.hop == 256 and voice.parts.overlap == piper_parts.OVERLAP  # the bundled voice

    a = np.frombuffer(parted.synthesize(SENTENCE).pcm, "<i2").astype(int)
    b = np.frombuffer(_engine(in_parts=False).synthesize(SENTENCE).pcm, "<i2").astype(int)
    assert len(a) == len(b) > 5 * 22050
    assert np.max(np.abs(a - b)) <= 1  # at most the last bit of a sample (float rounding)

    def not_again(*args: Any) -> None:
        raise AssertionError("the voice was split again")

    piper_engine._cached_voice.cache_clear()
    monkeypatch.setattr(piper_parts, "_make", not_again)
    assert _engine(in_parts=True)._load().in_parts  # read back from the cache folder


def test_the_decoder_is_never_given_more_than_a_chunk(own_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = _engine(in_parts=True)
    voice = engine._load()
    frames: list[int] = []
    real = voice._decoder

    class Spy:
        def run(self, names: Any, feeds: dict[str, Any]) -> Any:
            frames.append(feeds[voice.parts.latent].shape[2])
            return real.run(names, feeds)

    monkeypatch.setattr(voice, "_decoder", Spy())
    audio = engine.synthesize(SENTENCE)
    assert len(frames) >= 3  # this sentence is longer than two chunks
    assert max(frames) <= piper_parts.CHUNK_FRAMES + 2 * voice.parts.overlap
    assert audio.seconds * 22050 / 256 > 2 * piper_parts.CHUNK_FRAMES


def test_a_voice_of_another_shape_is_run_whole_and_not_tried_again(own_cache: Path,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_path: Path) -> None:
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph([helper.make_node("Identity", ["input"], ["output"], name="/only/Identity")],
                              "no-decoder", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 4])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 4])])
    model = tmp_path / "other.onnx"
    onnx.save(helper.make_model(graph), str(model))
    assert piper_parts.split(model, "other", [1, 2, 3]) is None
    assert json.loads((piper_parts.parts_folder("other") / "parts.json").read_text()) is None

    def not_again(*args: Any) -> None:
        raise AssertionError("tried to split it again")

    monkeypatch.setattr(piper_parts, "_make", not_again)
    assert piper_parts.split(model, "other", [1, 2, 3]) is None


def test_damaged_parts_are_run_whole_and_split_again_next_time(own_cache: Path) -> None:
    _engine(in_parts=True)._load()
    (folder,) = own_cache.iterdir()
    (folder / "decoder.onnx").write_bytes(b"not a model")
    piper_engine._cached_voice.cache_clear()
    engine = _engine(in_parts=True)
    assert not engine._load().in_parts  # loaded whole, with a warning
    assert engine.synthesize("Still speaking.").seconds > 0.5
    piper_engine._cached_voice.cache_clear()
    assert _engine(in_parts=True)._load().in_parts  # split again


def _convolution_ranks(decoder: str) -> set[int]:
    """The ranks of the convolution weights in a decoder file (3: 1-D, 4: 2-D)."""
    import onnx

    model = onnx.load(decoder)
    weights = {w.name: len(w.dims) for w in model.graph.initializer}
    return {weights[n.input[1]] for n in model.graph.node if n.op_type in ("Conv", "ConvTranspose")}


def test_the_decoder_runs_its_convolutions_in_two_dimensions_and_the_encoder_is_kept_optimized(
        own_cache: Path) -> None:
    import onnx

    older = own_cache / "0123-1"  # parts made by an earlier audioguide (or ONNX Runtime)
    older.mkdir(parents=True)
    voice = _engine(in_parts=True)._load()
    assert _convolution_ranks(voice.parts.decoder) == {4}  # ONNX Runtime's faster path (as_2d)
    encoder = onnx.load(voice.parts.encoder, load_external_data=False)
    assert any(n.domain == "com.microsoft" for n in encoder.graph.node)  # its fused operators
    assert older.is_dir()  # another voice's
    digest = Path(voice.parts.encoder).parent.name.split("-")[0]
    stale = own_cache / f"{digest}-1"
    stale.mkdir()
    piper_engine._cached_voice.cache_clear()
    (Path(voice.parts.encoder).parent / "parts.json").unlink()  # split again: the stale parts go
    _engine(in_parts=True)._load()
    assert not stale.exists() and older.is_dir()
    count, size = piper_parts.kept()  # as `audioguide cache` shows them
    assert count == 2 and size > 50e6


@pytest.mark.parametrize("fault", ["a weight 1 % off", "an operator ONNX Runtime does not know"])
def test_a_rewrite_that_fails_the_probe_or_will_not_load_leaves_the_decoder_as_it_was(
        own_cache: Path, monkeypatch: pytest.MonkeyPatch, fault: str) -> None:
    from onnx import helper, numpy_helper

    rewrite = piper_parts.as_2d

    def faulty(model: Any) -> Any:
        flat = rewrite(model)
        if fault.startswith("a weight"):
            weight = next(w for w in flat.graph.initializer if w.name.endswith("/2d"))
            weight.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(weight) * 1.01, weight.name))
        else:
            node = flat.graph.node[-1]
            flat.graph.node.append(helper.make_node("NoSuchOperator", [node.output[0]], ["unused"]))
        return flat

    monkeypatch.setattr(piper_parts, "as_2d", faulty)
    engine = _engine(in_parts=True)
    voice = engine._load()
    assert voice.in_parts and _convolution_ranks(voice.parts.decoder) == {3}
    a = np.frombuffer(engine.synthesize(SENTENCE).pcm, "<i2").astype(int)
    b = np.frombuffer(_engine(in_parts=False).synthesize(SENTENCE).pcm, "<i2").astype(int)
    assert np.max(np.abs(a - b)) <= 1
