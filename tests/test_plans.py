"""Plans kept between renders (``.cache/plans``): a render splits and normalises only the blocks
that changed, and what it takes from the last render is what planning them again would give."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audioguide.cli import cli
from audioguide.config import load_config
from audioguide.ingest import script as scripts
from audioguide.layout import PLANS
from audioguide.models import Utterance
from audioguide.render.inputs import Overrides, episode_plan, plan_file
from audioguide.speech import plan as speech
from tests.clirunner import cli_runner

SCRIPT = "episodes/second-interview.md"


def _plan(root: Path) -> list[Utterance]:
    return episode_plan(load_config(root), scripts.load(root / SCRIPT), Overrides())


def _fresh(root: Path) -> list[Utterance]:
    """The plan made without anything kept (every block split and normalised)."""
    for kept in (root / PLANS).glob("*.json"):
        kept.unlink()
    return _plan(root)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text of every block planned (split and normalised), in order."""
    seen: list[str] = []
    real = speech.block_sentences

    def counting(block, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(block.text)
        return real(block, *args, **kwargs)

    monkeypatch.setattr(speech, "block_sentences", counting)
    return seen


def test_an_unchanged_script_is_planned_from_what_the_last_render_kept(tone_project: Path,
                                                                       counted: list[str]) -> None:
    first = _plan(tone_project)
    assert counted and len(list((tone_project / PLANS).glob("*.json"))) == 1
    counted.clear()
    assert _plan(tone_project) == first and not counted


def test_an_edit_plans_only_the_block_it_changed(tone_project: Path, counted: list[str]) -> None:
    _plan(tone_project)
    path = tone_project / SCRIPT
    text = path.read_text("utf-8")
    assert "continued interest and professionalism" in text
    path.write_text(text.replace("continued interest and professionalism",
                                 "continued interest and 3 kinds of professionalism"), "utf-8")
    counted.clear()
    edited = _plan(tone_project)
    assert len(counted) == 1 and "3 kinds of professionalism" in counted[0]
    assert any("three kinds of professionalism" in u.text for u in edited)
    assert edited == _fresh(tone_project)
    kept = json.loads(next((tone_project / PLANS).glob("*.json")).read_text("utf-8"))
    # the file holds the blocks of the script as it is now, not the block as it was
    assert not any("continued interest and professionalism" in w for v in kept.values() for _, w in v)


def test_a_new_lexicon_entry_is_heard_in_blocks_planned_before(tone_project: Path) -> None:
    _plan(tone_project)
    config = tone_project / "audioguide.toml"
    config.write_text(config.read_text("utf-8") + '\n[lexicon]\n"interview" = "inner view"\n', "utf-8")
    changed = _plan(tone_project)
    assert any("inner view" in u.text for u in changed)
    assert changed == _fresh(tone_project)


def test_other_planning_code_plans_every_block_again(tone_project: Path, counted: list[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _plan(tone_project)
    blocks = len(counted)
    counted.clear()
    monkeypatch.setattr(speech, "planning_code", lambda: "a normaliser changed since")
    _plan(tone_project)
    assert len(counted) == blocks


@pytest.mark.parametrize("damage", ["{not json", '["a list"]', '{"k": [["only one"]]}', '{"k": 3}'])
def test_a_damaged_plan_file_is_planned_again(tone_project: Path, damage: str) -> None:
    first = _plan(tone_project)
    kept = next((tone_project / PLANS).glob("*.json"))
    data = json.loads(kept.read_text("utf-8"))
    key = next(iter(data))
    if damage.startswith('{"k"'):  # a well-formed file whose entry for a block is not sentences
        kept.write_text(json.dumps({**data, key: json.loads(damage)["k"]}), "utf-8")
    else:
        kept.write_text(damage, "utf-8")
    assert _plan(tone_project) == first
    assert json.loads(kept.read_text("utf-8")) == data


def test_cache_prune_removes_the_plans_of_scripts_that_are_gone(tone_project: Path) -> None:
    _plan(tone_project)
    other = tone_project / "episodes" / "other.md"
    other.write_text("---\ntitle: Other\n---\n\nA short one.\n", "utf-8")
    episode_plan(load_config(tone_project), scripts.load(other), Overrides())
    assert len(list((tone_project / PLANS).glob("*.json"))) == 2
    other.unlink()
    assert cli_runner().invoke(cli, ["-C", str(tone_project), "cache", "--prune"]).exit_code == 0
    assert [p.name for p in (tone_project / PLANS).glob("*.json")] == [
        plan_file(load_config(tone_project), scripts.load(tone_project / SCRIPT)).name]
