"""Sentence cache and incremental builds: nothing redone when nothing changed, one sentence when
one sentence changed; the cache survives damage; --jobs gives the same audio.

What is redone is plumbing, so the sample is rendered with the tone engine; only the parallel
synthesis test needs Piper (the tone engine speaks one sentence at a time).
"""

from __future__ import annotations

import os
import re
import shutil
import wave
from pathlib import Path

import pytest

from audioguide.cli import cli
from audioguide.config import load_config
from audioguide.models import Audio
from audioguide.pipeline import render
from audioguide.render.inputs import Overrides
from audioguide.speech.cache import SentenceCache, sentence_key
from tests.clirunner import cli_runner
from tests.conftest import Rendered, copy_project, short_sample


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def warm_project(rendered_tone: Rendered, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the rendered (tone) sample project, output and cache included."""
    root = tmp_path_factory.mktemp("warm") / "project"
    shutil.copytree(rendered_tone.config.root, root)
    return root


def test_first_render_filled_the_cache(rendered_tone: Rendered) -> None:
    cache = SentenceCache(rendered_tone.config.root / ".cache" / "audioguide")
    [episode] = rendered_tone.report.rendered
    assert rendered_tone.report.synthesized == cache.stats().entries == len(episode.cues)


def test_no_change_render_synthesizes_and_rewrites_nothing(warm_project: Path) -> None:
    before = snapshot(warm_project / "output")
    report = render(load_config(warm_project))
    assert report.synthesized == 0
    assert report.unchanged == ["second-interview"] and not report.rendered
    assert snapshot(warm_project / "output") == before


def test_editing_one_sentence_synthesizes_exactly_one(warm_project: Path) -> None:
    script = warm_project / "episodes" / "second-interview.md"
    text = script.read_text()
    edited = text.replace("This gesture shows your continued interest and professionalism.",
                          "This gesture shows your genuine interest and your professionalism.")
    assert edited != text
    script.write_text(edited)
    mp3 = warm_project / "output" / "episodes" / "second-interview.mp3"
    old = mp3.read_bytes()
    report = render(load_config(warm_project))
    assert report.synthesized == 1
    assert [e.meta.slug for e in report.rendered] == ["second-interview"]
    assert mp3.read_bytes() != old
    vtt = (warm_project / "output" / "episodes" / "second-interview.vtt").read_text()
    assert "genuine" in vtt  # the edit reaches the captions


def test_lexicon_change_re_renders_only_the_sentences_it_touches(warm_project: Path) -> None:
    config = warm_project / "audioguide.toml"
    config.write_text(config.read_text() + '\n[lexicon]\nprofessionalism = "pro fession alism"\n')
    report = render(load_config(warm_project))
    # the word appears in exactly one sentence of the (edited) sample
    assert report.synthesized == 1


def test_cache_entries_are_atomic_and_damage_is_repaired(tmp_path: Path) -> None:
    cache = SentenceCache(tmp_path)
    key = sentence_key({"engine": "x"}, "Hello.")
    cache.put(key, Audio(b"\x01\x00" * 100, 22050))
    assert cache.get(key) == Audio(b"\x01\x00" * 100, 22050)
    assert not list(tmp_path.rglob("*.part"))
    cache.path(key).write_bytes(b"RIFF garbage")  # a damaged entry
    assert cache.get(key) is None and not cache.path(key).exists()
    assert sentence_key({"engine": "x"}, "Hello.") != sentence_key({"engine": "x", "rate": 1.1}, "Hello.")


def test_cache_command_and_prune(warm_project: Path) -> None:
    cache = SentenceCache(warm_project / ".cache" / "audioguide")
    stray = sentence_key({"engine": "old"}, "Gone.")
    cache.put(stray, Audio(b"\x00\x00" * 10, 22050))
    runner = cli_runner()
    result = runner.invoke(cli, ["-C", str(warm_project), "cache"])
    assert result.exit_code == 0 and "sentences" in result.stdout and "MB" in result.stdout
    assert re.search(r"\b(1 Piper voice|\d+ Piper voices) split in two", result.stdout), result.stdout
    assert "used by 1 episode script\n" in result.stdout  # not "1 episode scripts"
    result = runner.invoke(cli, ["-C", str(warm_project), "cache", "--prune"])
    assert result.exit_code == 0 and "Pruned" in result.stdout
    assert not cache.path(stray).exists()
    # what the episode uses survives: a render afterwards synthesizes nothing new
    assert render(load_config(warm_project)).synthesized == 0


@pytest.mark.slow
def test_parallel_synthesis_matches_serial(tmp_path: Path) -> None:
    """With variation 0 Piper is deterministic: --jobs 2 caches exactly what --jobs 1 does."""
    results = []
    for jobs in (1, 2):
        root = copy_project(tmp_path / f"jobs{jobs}")
        toml = root / "audioguide.toml"
        toml.write_text(toml.read_text().replace('engine = "piper"', 'engine = "piper"\nvariation = 0.0'))
        short_sample(root)  # a shorter episode: six sentences
        report = render(load_config(root), overrides=Overrides(jobs=jobs))
        assert report.synthesized > 5
        cache = root / ".cache" / "audioguide"
        results.append({p.name: wave.open(str(p)).readframes(10**9) for p in cache.rglob("*.wav")})
    assert results[0] == results[1]


def test_cache_location_can_be_overridden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from audioguide.settings import cache_location as cache_dir

    root = copy_project(tmp_path / "p")
    assert cache_dir(load_config(root)) == root / ".cache" / "audioguide"
    monkeypatch.setenv("AUDIOGUIDE_CACHE", str(tmp_path / "shared"))
    assert cache_dir(load_config(root)) == tmp_path / "shared"
    assert os.environ["AUDIOGUIDE_CACHE"]


def test_a_deleted_transcript_or_a_cut_mp3_is_made_again(rendered_tone: Rendered, tmp_path: Path) -> None:
    """render said "already up to date" and left them so; check then said to run render again,
    which did nothing."""
    root = tmp_path / "project"
    shutil.copytree(rendered_tone.config.root, root)
    episodes = root / "output" / "episodes"
    whole = {name: (episodes / name).read_bytes() for name in
             ("second-interview.vtt", "second-interview.chapters.json", "second-interview.mp3",
              "second-interview.opus")}
    (episodes / "second-interview.vtt").unlink()
    (episodes / "second-interview.chapters.json").unlink()
    report = render(load_config(root))
    assert report.synthesized == 0 and report.unchanged == ["second-interview"]  # captions: publishing's
    for name in ("second-interview.vtt", "second-interview.chapters.json"):
        assert (episodes / name).read_bytes() == whole[name]
    for name in ("second-interview.mp3", "second-interview.opus"):
        with (episodes / name).open("ab") as damaged:
            damaged.write(b"junk")
        report = render(load_config(root))
        assert report.synthesized == 0 and [e.meta.slug for e in report.rendered] == ["second-interview"]
        assert (episodes / name).read_bytes() == whole[name]
    result = cli_runner().invoke(cli, ["-C", str(root), "check"])
    assert result.exit_code == 0, result.output
