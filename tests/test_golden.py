"""Behaviour unchanged, proven: the sample project rendered (as an episode, then as a guide)
reproduces, byte for byte, the output recorded before the code was restructured.

The voice is the tone engine (:mod:`audioguide.speech.engines.tone`: integer arithmetic and
+ - × ÷ only, no randomness), not Piper: Piper's samples depend on the processor ONNX Runtime runs
on (its kernels for AVX2 and AVX-512 round differently), so a golden recorded with Piper on one
machine failed on another with the same code and packages (2026-11-29: every audio digest, the
true peak by 0.1 dB and the Opus size). Everything after the voice — planning, mixing,
mastering, encoding, tags, records, feed, pages, guide files — is still held to the byte;
Piper's own output is judged by the speech tests (recall, loudness, seamless joins).

Text files (feed, records, pages, transcripts, chapters, guide page, manifest) are kept in
``tests/data/golden/sample/`` so a difference reads as a diff; audio, archives, artwork, scripts
and styles are kept as SHA-256 digests in ``binary-sha256.json``. Rewrite the golden files with ``UPDATE_GOLDEN=1``
only when a change of output is intended, and say why in the commit.

The render runs through the command line in a fresh interpreter, so the test does not depend on
where anything lives inside the package.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import copy_tone_project

GOLDEN = Path(__file__).parent / "data" / "golden" / "sample"
BINARY = {".mp3", ".m4b", ".zip", ".jpg", ".png", ".opus", ".css", ".js"}
"""Kept as digests: audio, archives, artwork, and the scripts and styles (copies of the package's
own ``static/`` files, or made from them)."""
DIGESTS = "binary-sha256.json"

pytestmark = pytest.mark.slow


def render_sample(root: Path) -> Path:
    """Render the repository's sample project with the tone engine into ``root/output``: the
    episode, then the guide."""
    copy_tone_project(root)
    env = {**os.environ, "AUDIOGUIDE_CACHE": str(root / ".cache")}
    for extra in ([], ["--guide"]):
        subprocess.run([sys.executable, "-m", "audioguide", "-q", "-C", str(root), "render", *extra],
                       check=True, env=env, capture_output=True, text=True)
    return root / "output"


def snapshot(out: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(text files by relative path, SHA-256 of binary files by relative path)."""
    texts: dict[str, str] = {}
    digests: dict[str, str] = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        if rel == "README.md":
            continue
        if path.suffix in BINARY:
            digests[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            texts[rel] = path.read_text("utf-8")
    return texts, digests


def test_sample_output_matches_golden(tmp_path: Path) -> None:
    texts, digests = snapshot(render_sample(tmp_path / "project"))
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, text in texts.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_text(text, "utf-8")
        (GOLDEN / DIGESTS).write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n")
        pytest.skip("golden files rewritten")
    want_digests = json.loads((GOLDEN / DIGESTS).read_text())
    want_texts = {p.relative_to(GOLDEN).as_posix(): p.read_text("utf-8")
                  for p in sorted(GOLDEN.rglob("*")) if p.is_file() and p.name != DIGESTS}
    assert sorted(texts) == sorted(want_texts), "the set of text files changed"
    for rel, text in texts.items():
        assert text == want_texts[rel], f"{rel} differs from tests/data/golden/sample/{rel}"
    assert digests == want_digests, "audio, archive or artwork bytes differ from the golden digests"
