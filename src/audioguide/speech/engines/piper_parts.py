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
for the bundled voice's sentences, bit for bit), and the memory of a run is bounded by the
chunk, not by the sentence: two sentences can always be spoken side by side. Decoding in chunks
is also a little faster (the sample's longest sentence: 0.27 s against 0.34 s decoded whole).

The two parts are kept in the user's cache folder (:func:`parts_dir`), split once per voice file
(about 0.3 s). A voice whose graph does not have this shape is run whole, as Piper runs it.
"""

from __future__ import annotations

import json
import logging
import os
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
FORMAT = 2
"""Bump when the parts, or what ``parts.json`` holds, change (2: no longer the output's name)."""


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
    folder = parts_dir() / f"{digest}-{FORMAT}"
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
    return None if parts is None else _in(folder, parts)


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
    write_bytes(folder / "encoder.onnx", encoder.SerializeToString())
    write_bytes(folder / "decoder.onnx", decoder.SerializeToString())
    parts = Parts("encoder.onnx", "decoder.onnx", latent, constant, 0, OVERLAP)
    encoder_session, decoder_session = sessions(_in(folder, parts), threads=1)
    made = encoder_session.run(None, encoder_feeds(phoneme_ids, (0.0, 1.0, 0.0), 0 if "sid" in inputs else None))
    probe = dict(zip([latent, *constant], made, strict=True))
    frames = probe[latent].shape[2]
    whole = decoder_session.run(None, probe)[0].squeeze()
    hop = whole.shape[-1] // frames
    overlap = OVERLAP
    while overlap <= MAX_OVERLAP:  # small chunks: many seams, each one must not show
        if frames < 2 * (overlap + 32):
            return None  # the probe is too short to tell
        trial = replace(parts, hop=hop, overlap=overlap)
        if float(np.max(np.abs(decode(decoder_session, trial, probe, chunk=32) - whole))) <= TOLERANCE:
            return trial
        overlap *= 2
    return None


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


def sessions(parts: Parts, threads: int) -> tuple[Any, Any]:
    """ONNX Runtime sessions for the two parts (``threads`` intra-op threads each)."""
    import onnxruntime

    def session(path: str) -> Any:
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.enable_mem_pattern = False  # every run has its own shapes (see piper.py)
        return onnxruntime.InferenceSession(path, sess_options=options, providers=["CPUExecutionProvider"])

    return session(parts.encoder), session(parts.decoder)


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
