"""Limits known up front (issue 14, point 3): before anything is spoken, ``render`` estimates
each item's length (its words at the voice's measured speed, its pauses, the music) and the disk
it needs, and refuses one that is longer than ``max_duration`` or bigger than the free disk, in
one line with the estimate, the limit and the fix (exit 2), while the other items still render."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from audioguide.cli import cli
from audioguide.config import load_config
from audioguide.ingest import script as scripts
from audioguide.render.inputs import Overrides, engine_choice, episode_plan
from audioguide.render.items import music_bed
from audioguide.render.limits import Limits, disk_needed
from audioguide.speech.engines import capabilities, create_engine
from audioguide.speech.engines.piper import PiperEngine
from audioguide.speech.engines.tone import ToneEngine
from tests.clirunner import cli_runner
from tests.conftest import KEPT_SENTENCE, Rendered, trim_sample

SAMPLE = "second-interview"


def _run(project: Path, *args: str) -> tuple[int, str, str]:
    result = cli_runner().invoke(cli, ["-C", str(project), *args])
    return result.exit_code, result.stdout, result.stderr


def huge_article(dest: Path, size: int = 5_000_000) -> Path:
    """A 5 MB article: a title line, then one line (one paragraph) of sentences."""
    sentence = "The guide walks past the old houses and tells how the river shaped the town. "
    dest.write_text("A very long walk\n\n" + sentence * (size // len(sentence)) + "\n", "utf-8")
    return dest


@pytest.fixture(scope="module")
def huge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return huge_article(tmp_path_factory.mktemp("huge") / "very-long-walk.txt")


def _episodes(root: Path) -> list[str]:
    folder = root / "output" / "episodes"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_5_mb_one_line_article_is_refused_up_front(tone_project: Path, huge: Path) -> None:
    """What the user did: render a 5 MB one-line text (dozens of hours of speech). One line
    with the estimate, the limit and the fix, exit 2, and nothing written: no output, nothing
    spoken into the cache."""
    code, out, err = _run(tone_project, "render", str(huge))
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith(f"Error: {huge}: is about ") and " h of speech (" in lines[0]
    assert "longer than the limit of 6 h ([render] max_duration)" in lines[0]
    assert "Split it into shorter episodes, or raise the limit: render --max-duration" in lines[0]
    hours = float(lines[0].split("is about ")[1].split(" h")[0])
    assert 40 < hours < 100, lines[0]  # 925,000 words at 283 (tone) words a minute
    assert not (tone_project / "output").exists()
    assert not [p for p in (tone_project / ".cache").rglob("*") if p.is_file() and "lock" not in p.name]


def test_the_other_items_still_render(tone_project: Path, huge: Path) -> None:
    """The 5 MB article refused, the sample beside it rendered; as for any failed item in a
    render of several, the summary names it and the exit code is 1."""
    root = trim_sample(tone_project)
    code, out, err = _run(root, "render", str(huge), str(root / "episodes" / f"{SAMPLE}.md"))
    assert code == 1, err
    failed = [line for line in err.splitlines() if line.startswith("Failed:")]
    assert len(failed) == 1 and f"{huge}: is about " in failed[0] and "max_duration" in failed[0]
    assert "Rendered 1 episode, 1 failed (very-long-walk.txt)" in out
    assert _episodes(root) and all(name.startswith(SAMPLE) for name in _episodes(root))


def test_a_small_max_duration_refuses_the_sample_and_the_option_overrides_it(tone_project: Path) -> None:
    root = trim_sample(tone_project)
    toml = root / "audioguide.toml"
    toml.write_text(toml.read_text("utf-8") + '\n[render]\nmax_duration = "20s"\n', "utf-8")
    code, _, err = _run(root, "render")
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1
    assert "longer than the limit of 20 s ([render] max_duration)" in err and "--max-duration 1h" in err
    assert not (root / "output").exists()

    code, out, err = _run(root, "render", "--max-duration", "1h")
    assert code == 0, err
    assert "Rendered 1 episode, 0 failed" in out

    (root / "episodes" / f"{SAMPLE}.md").write_text(
        (root / "episodes" / f"{SAMPLE}.md").read_text("utf-8").replace(KEPT_SENTENCE, "A new sentence."))
    code, _, err = _run(root, "render", "--max-duration", "10s")
    assert code == 2 and "longer than the limit of 10 s (--max-duration)" in err, err


def test_an_unchanged_episode_is_not_refused_by_a_lower_limit(tone_project: Path) -> None:
    """Limits guard renders, not what is already rendered: an episode that is up to date stays
    up to date under a lower limit; once edited, it is refused."""
    root = trim_sample(tone_project)
    assert _run(root, "render")[0] == 0
    code, out, err = _run(root, "render", "--max-duration", "10s")
    assert code == 0, err
    assert "0 failed, 1 already up to date" in out
    script = root / "episodes" / f"{SAMPLE}.md"
    script.write_text(script.read_text("utf-8").replace(KEPT_SENTENCE, "An edited sentence."))
    code, _, err = _run(root, "render", "--max-duration", "10s")
    assert code == 2 and "longer than the limit of 10 s" in err, err


@pytest.mark.parametrize(("toml", "args", "needle"), [
    ('max_duration = "90"', [], "render.max_duration '90' must be a duration such as 90m, 6h or 1h30m"),
    ("max_duration = 90", [], "render.max_duration must be a string"),
    (None, ["--max-duration", "soon"], "'soon' is not a duration such as 90m, 6h or 1h30m"),
], ids=["no-unit", "number", "option"])
def test_a_limit_that_is_not_a_duration_is_one_line(tone_project: Path, toml: str | None, args: list[str],
                                                    needle: str) -> None:
    if toml is not None:
        path = tone_project / "audioguide.toml"
        path.write_text(path.read_text("utf-8") + f"\n[render]\n{toml}\n", "utf-8")
    code, _, err = _run(tone_project, "render", *args)
    assert code == 2 and needle in err and "Traceback" not in err, err
    assert not (tone_project / "output").exists()


def test_no_limit(tone_project: Path) -> None:
    root = trim_sample(tone_project)
    toml = root / "audioguide.toml"
    toml.write_text(toml.read_text("utf-8") + '\n[render]\nmax_duration = "10s"\n', "utf-8")
    code, _, err = _run(root, "render", "--max-duration", "none")
    assert code == 0, err


def _fake_free(free: int) -> Callable[[Any], Any]:
    real = shutil.disk_usage

    def disk_usage(path: Any) -> Any:
        usage = real(path)
        return type(usage)(usage.total, usage.total - free, free)

    return disk_usage


def test_an_item_bigger_than_the_free_disk_is_refused(tone_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk has 5 MB free; the sample (about 2.5 min: one segment's raw mix of up to 10 MB and
    the encoded segments) needs more: refused in one line naming the need, the folder and the
    free space."""
    root = tone_project
    monkeypatch.setattr(shutil, "disk_usage", _fake_free(5_000_000))
    code, _, err = _run(root, "render")
    assert code == 2, err
    line = err.strip()
    assert "\n" not in line and "Traceback" not in line
    assert f"{root / 'episodes' / SAMPLE}.md: needs about " in line and " MB of disk to render (about 2 min" in line
    assert "has 5 MB free" in line and str(root / ".cache" / "tmp") in line
    assert "Free some disk there" in line and "--out" in line
    assert not (root / "output").exists()


def test_the_disk_the_items_accepted_will_fill_is_not_free_for_the_next(
        tone_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two episodes of the same length, free space for one: the first renders, the second is
    refused (what the first leaves in output/ is counted)."""
    root = trim_sample(tone_project)
    episodes = root / "episodes"
    (episodes / "second.md").write_text((episodes / f"{SAMPLE}.md").read_text("utf-8").replace(
        f"slug: {SAMPLE}", "slug: second"), "utf-8")
    config = load_config(root)
    script = scripts.load(episodes / f"{SAMPLE}.md")
    need = Limits(config, Overrides(), config.output_dir, lambda: music_bed(config)).estimate(script)
    monkeypatch.setattr(shutil, "disk_usage", _fake_free(need.temporary + need.output + need.output // 2))
    code, out, err = _run(root, "render")
    assert code == 1, err
    assert "Rendered 1 episode, 1 failed (second.md)" in out
    assert "second.md: needs about" in err


def _estimate(root: Path, overrides: Overrides = Overrides()) -> float:
    config = load_config(root)
    script = scripts.load(root / "episodes" / f"{SAMPLE}.md")
    return Limits(config, overrides, config.output_dir, lambda: music_bed(config)).estimate(script).seconds


def test_the_estimate_is_close_to_the_rendered_length(rendered_tone: Rendered) -> None:
    (episode,) = rendered_tone.report.rendered
    assert abs(_estimate(rendered_tone.config.root) / episode.duration - 1) < 0.1  # measured: -6 %


@pytest.mark.slow
def test_the_estimate_is_close_to_the_length_piper_renders(rendered_sample: Rendered) -> None:
    (episode,) = rendered_sample.report.rendered
    assert abs(_estimate(rendered_sample.config.root) / episode.duration - 1) < 0.05  # measured: -1 %


def test_the_estimate_of_a_guide_is_close_to_its_length(tone_project: Path) -> None:
    root = trim_sample(tone_project)
    code, _, err = _run(root, "render", "--guide")
    assert code == 0, err
    record = json.loads((root / "output" / "guides" / SAMPLE / "guide.json").read_text("utf-8"))
    assert abs(_estimate(root, Overrides(guide=True)) / record["full_duration"] - 1) < 0.15


def test_the_rate_setting_scales_the_estimate(tone_project: Path) -> None:
    slow = _estimate(tone_project)
    toml = tone_project / "audioguide.toml"
    toml.write_text(toml.read_text("utf-8").replace('engine = "tone"', 'engine = "tone"\nrate = 2.0'), "utf-8")
    fast = _estimate(tone_project)
    assert 0.45 < fast / slow < 0.75  # the speech takes half as long, the pauses and music do not


def test_the_disk_estimate_counts_one_segment_of_raw_audio_and_the_output() -> None:
    from audioguide.render.cuts import MAX_SEGMENT_SECONDS

    temporary, output = disk_needed(600, "128k", guide=False)
    assert temporary == 88_200 * MAX_SEGMENT_SECONDS + 16_000 * 600  # a segment's mix, the segments
    assert output == 16_000 * 600 + (1 << 20)
    assert disk_needed(600, "128k", guide=True)[1] > 2.5 * 16_000 * 600
    with_opus = disk_needed(600, "128k", guide=False, opus="24k")  # the Opus alternate, kept and output
    assert with_opus == (temporary + 3_000 * 600, output + 3_000 * 600)


def _words_per_minute(engine: str, root: Path) -> float:
    """Words as written a minute of the audio ``engine`` returns for the sample's sentences."""
    config = load_config(root)
    plan = episode_plan(config, scripts.load(root / "episodes" / f"{SAMPLE}.md"), Overrides(engine=engine))
    voice = create_engine(engine, engine_choice(config, None, Overrides(engine=engine))[1])
    words = seconds = 0.0
    for u in plan:
        if u.text:
            audio = voice.synthesize(u.text)
            seconds += len(audio.pcm) / 2 / audio.sample_rate
            words += len(u.caption.split())
    return 60 * words / seconds


def test_the_tone_engine_speaks_as_fast_as_it_says(tone_project: Path) -> None:
    assert capabilities("tone").words_per_minute == ToneEngine.words_per_minute
    assert abs(_words_per_minute("tone", tone_project) / ToneEngine.words_per_minute - 1) < 0.03


@pytest.mark.slow
def test_piper_speaks_as_fast_as_it_says(project: Path) -> None:
    """The source of Piper's ``words_per_minute``: its Joe voice reading the sample's sentences."""
    assert abs(_words_per_minute("piper", project) / PiperEngine.words_per_minute - 1) < 0.05
