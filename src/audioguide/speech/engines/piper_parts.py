"""A Piper voice run in two parts, its decoder a few seconds at a time.

A Piper (VITS) voice is one ONNX graph: a text encoder, a duration predictor and a flow turn the
phonemes into a latent sequence (one frame for every 256 samples), and a HiFi-GAN decoder turns
that into audio. Nearly all of ONNX Runtime's memory for a run is the decoder's: its last layers
hold dozens of channels for every output sample, about 18 MB per second of speech. The decoder is
convolutional, so each stretch of audio depends only on the latent frames within a few frames of
it (11 on either side for the bundled voice). So the graph is cut where the decoder begins
(``onnx``'s Extractor), and the latent sequence is decoded :data:`CHUNK_FRAMES` at a time, each
chunk with :data:`OVERLAP` frames of context on both sides whose audio is dropped. The samples
are the whole graph's to within :data:`TOLERANCE` (checked on a probe when the voice is split;
for the bundled voice's sentences, one sample in a thousand differs, by one 16-bit step), and the
memory of a run is bounded by the chunk, not by the sentence: two sentences can always be spoken
side by side. Decoding in chunks is also a little faster (the sample's longest sentence: 0.27 s
against 0.34 s decoded whole), and the decoder's convolutions are run as 2-D ones
(:func:`as_2d`), which ONNX Runtime runs faster: the sample's synthesis takes 7.0 CPU s where
Piper's whole graph takes 8.6.

The two parts are kept in the user's cache folder (:func:`parts_dir`), split once per voice file
(about 1.5 s). A voice whose graph does not have this shape is run whole, as Piper runs it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from audioguide.writer import write_bytes

log = logging.getLogger(__name__)

CHUNK_FRAMES = 200
"""Latent frames decoded per run: 2.3 s of audio at 22,050 Hz. Measured on the sample's longest
sentence (760 frames): 100 frames 0.30 s, 200 frames 0.27 s, 400 frames 0.29 s, whole 0.34 s."""
OVERLAP = 16
"""Frames of context decoded on each side of a chunk and dropped: more than the bundled voice's
decoder reaches (11: with 10 the samples differed by 4e-7, with 12 they were identical). A voice
whose decoder reaches further is probed again with twice as much, up to :data:`MAX_OVERLAP`."""
MAX_OVERLAP = 128
TOLERANCE = 1e-5
"""How far (in full scale) the probe's samples decoded in chunks may be from the whole graph's: a
third of a 16-bit step. ONNX Runtime picks its kernels by input size, so a short chunk can round
differently in the last bits of a float (1e-6 with 32-frame chunks); a chunk that misses some of
the context its audio depends on differs by 1e-3 or more (overlap 8 for the bundled voice)."""
FORMAT = 4
"""Bump when the parts, or what ``parts.json`` holds, change (2: no longer the output's name;
3: the decoder's convolutions in two dimensions, :func:`as_2d`; 4: the encoder kept optimized)."""


def parts_dir() -> Path:
    """Where split voices are kept: ``$XDG_CACHE_HOME/audioguide/voice-parts`` (``~/.cache``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "audioguide" / "voice-parts"


@dataclass(frozen=True)
class Parts:
    """A voice split in two: the encoder's outputs are the decoder's inputs."""

    encoder: str
    decoder: str
    latent: str
    """The decoder's time-varying input (batch, channels, frames)."""
    constant: tuple[str, ...]
    """Its other inputs, the same for every frame (a speaker's embedding)."""
    hop: int
    """Samples per latent frame."""
    overlap: int


def split(model: Path, digest: str, phoneme_ids: list[int]) -> Parts | None:
    """The parts of the voice ``model`` (whose content digest is ``digest``): read from the cache,
    else made and checked there on ``phoneme_ids`` (any valid sequence of a few hundred ids).
    ``None`` when the voice cannot be run in parts (its graph has another shape, or ``onnx``
    is not installed)."""
    folder = parts_folder(digest)
    try:
        data = json.loads((folder / "parts.json").read_text("utf-8"))
        if data is None:
            return None
        kept = Parts(**{**data, "constant": tuple(data["constant"])})
        if (folder / kept.encoder).is_file() and (folder / kept.decoder).is_file():
            return _in(folder, kept)
    except (OSError, ValueError, TypeError, KeyError):
        pass
    parts: Parts | None
    try:
        parts = _make(model, folder, phoneme_ids)
    except ImportError:
        return None
    except Exception as exc:  # noqa: BLE001 - onnx and onnxruntime raise assorted types
        log.debug("voice %s not split: %s", model, exc)
        parts = None
    if parts is None:  # its parts, if made, are of no use
        for name in ("encoder.onnx", "decoder.onnx"):
            (folder / name).unlink(missing_ok=True)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_bytes(folder / "parts.json", json.dumps(None if parts is None else asdict(parts)).encode())
    except OSError as exc:  # a read-only home: split again next time
        log.debug("could not keep the split voice: %s", exc)
    for older in folder.parent.glob(f"{digest}-*"):  # made by an earlier audioguide or ONNX Runtime
        if older != folder:
            shutil.rmtree(older, ignore_errors=True)
    return None if parts is None else _in(folder, parts)


def kept() -> tuple[int, int]:
    """How many split voices are kept in :func:`parts_dir`, and their bytes (``audioguide cache``)."""
    folders = [f for f in parts_dir().glob("*") if f.is_dir()]
    return len(folders), sum(f.stat().st_size for folder in folders for f in folder.iterdir() if f.is_file())


def parts_folder(digest: str) -> Path:
    """Where the parts of the voice whose content digest is ``digest`` are kept: one folder per
    :data:`FORMAT` and ONNX Runtime version (the encoder is kept as that version optimized it)."""
    import onnxruntime

    return parts_dir() / f"{digest}-{FORMAT}-ort{onnxruntime.__version__}"


def forget(parts: Parts) -> None:
    """Remove split parts that would not load, so that the next load splits the voice again."""
    folder = Path(parts.encoder).parent
    for name in ("parts.json", Path(parts.encoder).name, Path(parts.decoder).name):
        (folder / name).unlink(missing_ok=True)


def _in(folder: Path, parts: Parts) -> Parts:
    return replace(parts, encoder=str(folder / parts.encoder), decoder=str(folder / parts.decoder))


def _make(model: Path, folder: Path, phoneme_ids: list[int]) -> Parts | None:
    import numpy as np
    import onnx
    import onnx.utils

    graph_model = onnx.load(str(model))
    graph = graph_model.graph
    decoder_nodes = [n for n in graph.node if n.name.startswith("/dec/")]
    if not decoder_nodes:
        return None
    made_inside = {out for n in decoder_nodes for out in n.output}
    weights = {i.name for i in graph.initializer}
    entering = list(dict.fromkeys(name for n in decoder_nodes for name in n.input
                                  if name and name not in made_inside and name not in weights))
    first = decoder_nodes[0]
    if first.op_type != "Conv" or not first.input or first.input[0] not in entering:
        return None
    latent = first.input[0]
    constant = tuple(name for name in entering if name != latent)
    output = graph.output[0].name
    inputs = [i.name for i in graph.input]
    extractor = onnx.utils.Extractor(graph_model)
    encoder = extractor.extract_model(inputs, [latent, *constant])
    decoder = extractor.extract_model([latent, *constant], [output])
    if sorted(i.name for i in decoder.graph.input) != sorted([latent, *constant]):
        return None  # the decoder needs more than the encoder's outputs: not this shape
    folder.mkdir(parents=True, exist_ok=True)
    parts = Parts("encoder.onnx", "decoder.onnx", latent, constant, 0, OVERLAP)
    optimized = folder / f".encoder-{os.getpid()}.onnx"  # another process may be splitting it too
    try:
        encoder_session = session(encoder.SerializeToString(), threads=1, optimized=optimized)
        optimized.replace(folder / "encoder.onnx")
    finally:
        optimized.unlink(missing_ok=True)
    made = encoder_session.run(None, encoder_feeds(phoneme_ids, (0.0, 1.0, 0.0), 0 if "sid" in inputs else None))
    probe = dict(zip([latent, *constant], made, strict=True))
    frames = probe[latent].shape[2]
    whole = session(decoder.SerializeToString(), threads=1).run(None, probe)[0].squeeze()
    hop = whole.shape[-1] // frames
    if frames < 2 * (OVERLAP + 32):
        return None  # the probe is too short to tell
    flat = as_2d(decoder)
    for candidate in (flat, decoder) if flat is not None else (decoder,):
        write_bytes(folder / "decoder.onnx", candidate.SerializeToString())
        try:
            decoder_session = session(folder / "decoder.onnx", threads=1)
        except Exception as exc:  # noqa: BLE001 - a rewrite ONNX Runtime will not load: the decoder as it was
            log.debug("voice %s: its decoder in two dimensions does not load: %s", model, exc)
            continue
        overlap = OVERLAP
        while overlap <= MAX_OVERLAP and frames >= 2 * (overlap + 32):  # small chunks: many seams
            trial = replace(parts, hop=hop, overlap=overlap)
            if float(np.max(np.abs(decode(decoder_session, trial, probe, chunk=32) - whole))) <= TOLERANCE:
                return trial
            overlap *= 2
        log.debug("voice %s: its decoder%s fails the probe", model, " in two dimensions" if candidate is flat else "")
    return None


def as_2d(model: Any) -> Any:
    """The graph ``model`` with its one-dimensional convolutions run as two-dimensional ones
    over a height of one: ONNX Runtime has a faster path for 2-D convolutions (its NCHWc kernels:
    channels in blocks, no copy of each input window) that 1-D ones do not take. The bundled
    voice's decoder runs 20 % faster so (its encoder 3 %: left as it is). Each convolution's
    input gets a unit axis at 2 and its output loses it again (both free: ONNX Runtime only
    relabels the tensor), its weight gets the axis, and its attributes a first dimension of one.

    Written here, as no ONNX tool makes this rewrite. The probe in :func:`_make` checks the
    result against the decoder as it was; ``None`` when there is nothing to rewrite."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    flat = onnx.ModelProto()
    flat.CopyFrom(model)
    graph = flat.graph
    if next((o.version for o in flat.opset_import if o.domain in ("", "ai.onnx")), 0) < 13:
        return None  # Unsqueeze and Squeeze took their axes as an attribute then
    weights = {w.name: w for w in graph.initializer}
    added = [numpy_helper.from_array(np.array([2], dtype=np.int64), "as_2d/axis")]
    nodes = []
    for node in graph.node:
        weight = weights.get(node.input[1]) if node.op_type in ("Conv", "ConvTranspose") else None
        attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if weight is None or len(weight.dims) != 3 or "output_shape" in attributes:
            nodes.append(node)
            continue
        for key in ("kernel_shape", "strides", "dilations", "output_padding"):
            if key in attributes:
                attributes[key] = [0 if key == "output_padding" else 1, *attributes[key]]
        if "pads" in attributes:
            attributes["pads"] = [0, attributes["pads"][0], 0, attributes["pads"][1]]
        added.append(numpy_helper.from_array(numpy_helper.to_array(weight)[:, :, None, :], f"{weight.name}/2d"))
        source, made = f"{node.input[0]}/2d/{node.name}", f"{node.output[0]}/2d"
        nodes += [helper.make_node("Unsqueeze", [node.input[0], "as_2d/axis"], [source]),
                  helper.make_node(node.op_type, [source, f"{weight.name}/2d", *node.input[2:]], [made],
                                   name=node.name, **attributes),
                  helper.make_node("Squeeze", [made, "as_2d/axis"], [node.output[0]])]
    if len(nodes) == len(graph.node):
        return None
    used = {name for node in nodes for name in node.input}
    needed = [w for w in [*graph.initializer, *added] if w.name in used]  # ONNX Runtime warns of the rest
    del graph.node[:], graph.initializer[:], graph.value_info[:]  # the shapes inside have changed
    graph.node.extend(nodes)
    graph.initializer.extend(needed)
    return flat


def encoder_feeds(ids: list[int], scales: tuple[float, float, float], speaker: int | None) -> dict[str, Any]:
    """The inputs of a Piper voice (whole, or its encoder) for one run, as Piper gives them:
    the phoneme ids, their count, the scales (noise, length, noise w), and the speaker of a
    voice of several."""
    import numpy as np

    feeds = {"input": np.array([ids], dtype=np.int64), "input_lengths": np.array([len(ids)], dtype=np.int64),
             "scales": np.array(scales, dtype=np.float32)}
    if speaker is not None:
        feeds["sid"] = np.array([speaker], dtype=np.int64)
    return feeds


def session(model: Path | str | bytes, threads: int, optimized: Path | None = None) -> Any:
    """An ONNX Runtime session for one part, or for a voice run whole (a path, or the serialized
    graph). With ``optimized``,
    the graph as ONNX Runtime optimized it is written there: loading that one takes 0.07 s
    instead of 0.16 to 0.2 s for the bundled voice's encoder (the decoder loads in 0.01 s).
    Only the optimizations that do not depend on this machine's processor are kept so (the
    rest, the NCHWc layout among them, are quick to make again at each load)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # A memory pattern is planned per input shape, and every sentence has its own length: the
    # patterns' large blocks fragmented the arena, which grew from 370 to 620 MB over 390
    # sentences of about 100 characters (a voice run whole); without them it stayed under 390 MB
    # (the same samples, and no slower in side-by-side runs)
    options.enable_mem_pattern = False
    if optimized is not None:
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        options.optimized_model_filepath = str(optimized)
    source = model if isinstance(model, bytes) else str(model)
    return onnxruntime.InferenceSession(source, sess_options=options, providers=["CPUExecutionProvider"])


def sessions(parts: Parts, threads: int) -> tuple[Any, Any]:
    """ONNX Runtime sessions for the two parts (``threads`` intra-op threads each)."""
    return session(parts.encoder, threads), session(parts.decoder, threads)


def decode(decoder: Any, parts: Parts, latents: dict[str, Any], chunk: int = CHUNK_FRAMES) -> Any:
    """The decoder's audio for ``latents`` (the encoder's outputs by name), ``chunk`` frames at a
    time with ``parts.overlap`` frames of context on each side."""
    import numpy as np

    latent = latents[parts.latent]
    frames = latent.shape[2]
    constant = {name: latents[name] for name in parts.constant}
    pieces = []
    for start in range(0, frames, chunk):
        end = min(frames, start + chunk)
        lo, hi = max(0, start - parts.overlap), min(frames, end + parts.overlap)
        audio = decoder.run(None, {parts.latent: np.ascontiguousarray(latent[:, :, lo:hi]), **constant})[0]
        audio = audio.reshape(-1)
        pieces.append(audio[(start - lo) * parts.hop:(end - lo) * parts.hop])
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
