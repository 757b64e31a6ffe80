"""``audioguide check --speech`` as authors run it: real Piper (variation 0, so the same audio
every run) and real pocketsphinx, on a few sentences full of place names (issue 13, points 11
and 12)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from audioguide.cli import cli
from tests.clirunner import cli_runner
from tests.conftest import copy_project, repeatable

pytestmark = pytest.mark.slow  # a Piper render and its recognition: several seconds each

LISBON = """
## The Old Town

We start in Alfama, below the Castelo de São Jorge. The streets here are narrow and steep,
so please watch your step. From the Miradouro de Santa Luzia you can see the river and the
roofs of Mouraria. Take a seat on the bench and enjoy the view.

## Belém

The tram takes us west to Belém and the Jerónimos Monastery. Buy a pastel de nata at
Manteigaria before we walk back to the station.
"""


def _project(root: Path, front: str) -> Path:
    """The sample project (Piper, variation 0) with one script: the Lisbon walk."""
    repeatable(copy_project(root))
    for old in (root / "episodes").glob("*.md"):
        old.unlink()
    toml = root / "audioguide.toml"
    toml.write_text(toml.read_text("utf-8") + '\n[lexicon]\nManteigaria = "man-tay-gah-REE-ah"\n', "utf-8")
    (root / "episodes" / "lisbon.md").write_text(
        f"---\ntitle: A walk through Lisbon\nslug: lisbon\ndate: 2026-11-25\n{front}---\n{LISBON}", "utf-8")
    result = cli_runner().invoke(cli, ["-C", str(root), "render"])
    assert result.exit_code == 0, result.output
    return root


def _check(root: Path, min_recall: float) -> tuple[int, list[str]]:
    result = cli_runner().invoke(cli, ["-C", str(root), "check", "--speech", "--min-recall", str(min_recall)])
    print("\n" + result.stdout + result.stderr)
    return result.exit_code, result.stdout.splitlines()


def _figure(lines: list[str], marker: str) -> tuple[float, int, int]:
    """Recall, heard and total of the report line containing ``marker``."""
    line = next(line for line in lines if marker in line)
    m = re.search(r"\((\d+) of (\d+)", line)
    assert m, line
    return float(line.split()[0]), int(m.group(1)), int(m.group(2))


def test_place_names_are_judged_apart_and_the_worst_sentences_shown(tmp_path: Path) -> None:
    """The user's episode: good speech, many place names. The check passes on the ordinary
    words, reports the names (and the lexicon entry) as their own figure, and shows the worst
    sentences with their time, as said and as heard."""
    code, lines = _check(_project(tmp_path / "project", ""), 0.75)
    assert code == 0
    assert lines[0] == "lisbon: word recall per section"
    ordinary, ordinary_heard, ordinary_total = _figure(lines, "overall")
    special, special_heard, special_total = _figure(lines, "judged apart")
    assert ordinary >= 0.75
    assert special < 0.5 and special_total >= 10  # the names are not heard: the old check failed here
    everything = (ordinary_heard + special_heard) / (ordinary_total + special_total)
    assert everything < 0.75
    apart = next(line for line in lines if "judged apart" in line)
    assert "; missed name: alfama castelo de são jorge miradouro" in apart
    assert re.search(r"; lexicon: (man|tay|gah|ree|ah)\b", apart)  # the respelling's syllables
    start = lines.index("  worst sentences (time in the file, recall of ordinary words, section):")
    first = lines[start + 1 : start + 4]
    assert re.fullmatch(r"    \d:\d\d  [01]\.\d\d  (The Old Town|Belém)", first[0])
    assert first[1].startswith("      said:  ") and first[2].startswith("      heard: ")
    said = first[1].removeprefix("      said:  ")
    assert said in LISBON.replace("\n", " ").replace("Manteigaria", "man-tay-gah-ree-ah")


def test_a_guide_only_project_is_heard_stop_by_stop(tmp_path: Path) -> None:
    """Point 12: ``check --speech`` in a guide-only project stopped with "has no rendered
    episodes"; it now hears each stop's own file."""
    code, lines = _check(_project(tmp_path / "project", "kind: guide\n"), 0.6)  # the chime clips "Stop"
    assert code == 0
    assert lines[0] == "lisbon: word recall per stop"
    assert re.fullmatch(r"  [01]\.\d\d  0:00-0:\d\d  Stop 1: The Old Town.*", lines[1])
    assert re.fullmatch(r"  [01]\.\d\d  0:00-0:\d\d  Stop 2: Belém.*", lines[2])
    assert _figure(lines, "overall")[0] >= 0.6
    assert any(line.startswith("      said:  Buy a pastel de nata") for line in lines)
    assert "no problems found" in lines[-1]
