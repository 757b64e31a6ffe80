"""Re-importing an updated post keeps the author's edits (issue 13, point 3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from audioguide.cli import cli
from audioguide.ingest import script as scripts
from audioguide.ingest.merge import merge_lines
from tests.clirunner import cli_runner

POST = """---
title: Harbour lights
date: 2026-02-28
description: An evening walk.
---

The harbour wall is old.

## The lighthouse

The lighthouse turns its lamp every night.

## The market

By seven the market is closing.
"""


def _run(project: Path, *args: str) -> tuple[int, str, str]:
    result = cli_runner().invoke(cli, ["-C", str(project), *args])
    return result.exit_code, result.stdout, result.stderr


def _imported(project: Path) -> tuple[Path, Path]:
    post = project / "harbour.md"
    post.write_text(POST, "utf-8")
    code, out, err = _run(project, "import", str(post))
    assert code == 0, err
    return post, project / "episodes" / "harbour-lights.md"


def _edit(script: Path) -> None:
    """What the author did: a lexicon entry, a pause, a reworded sentence."""
    text = script.read_text("utf-8")
    text = text.replace("---\n\n", "lexicon:\n  Harbour: HAR-bur\n---\n\n", 1)
    text = text.replace("## The lighthouse\n", "[pause 2s]\n\n## The lighthouse\n")
    text = text.replace("By seven the market is closing.", "By seven o'clock the market closes.")
    script.write_text(text, "utf-8")


def test_force_reimport_keeps_edits_and_date(tone_project: Path) -> None:
    post, script = _imported(tone_project)
    _edit(script)
    post.write_text(POST.replace("every night.", "every night, from dusk to dawn.")
                    .replace("description: An evening walk.", "description: A walk at dusk."), "utf-8")
    code, out, err = _run(tone_project, "import", "--force", str(post))
    assert code == 0, err
    assert "Updated" in out
    meta = scripts.load(script).meta
    text = script.read_text("utf-8")
    assert meta.date == dt.date(2026, 2, 28)
    assert meta.description == "A walk at dusk."                     # the article's change
    assert meta.lexicon.entries[0].key == "Harbour"                  # the author's entry
    assert "[pause 2s]" in text                                      # the author's pause
    assert "By seven o'clock the market closes." in text             # the author's rewording
    assert "from dusk to dawn" in text                               # the article's new text
    # importing again changes nothing
    assert _run(tone_project, "import", "--force", str(post))[1].startswith("Already up to date")


def test_conflicting_edits_are_refused_with_a_merge_to_finish(tone_project: Path) -> None:
    post, script = _imported(tone_project)
    _edit(script)
    before = script.read_bytes()
    post.write_text(POST.replace("By seven the market is closing.", "By eight the market is shut."), "utf-8")
    code, _, err = _run(tone_project, "import", "--force", str(post))
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "same paragraphs in 1 place" in err and ".imported/harbour-lights.conflict.md" in err
    assert script.read_bytes() == before
    pending = (tone_project / "episodes" / ".imported" / "harbour-lights.conflict.md").read_text("utf-8")
    assert "<<<<<<< your edits\nBy seven o'clock the market closes.\n=======\nBy eight the market is shut." in pending
    code, out, _ = _run(tone_project, "import", "--replace", str(post))
    assert code == 0 and "Replaced" in out
    assert "By eight the market is shut." in script.read_text("utf-8")


def test_a_resolved_conflict_is_taken_and_the_next_change_merges_from_it(tone_project: Path) -> None:
    """Resolving as the message says (the conflict file, finished, copied over the script) was
    refused again on every import: the copy as imported never moved on."""
    post, script = _imported(tone_project)
    _edit(script)
    post.write_text(POST.replace("By seven the market is closing.", "By eight the market is shut."), "utf-8")
    assert _run(tone_project, "import", "--force", str(post))[0] == 2
    imported = tone_project / "episodes" / ".imported"
    unresolved = script.read_bytes()
    code, _, err = _run(tone_project, "import", "--force", str(post))  # nothing resolved yet: it stands
    assert code == 2 and "same paragraphs in 1 place" in err and script.read_bytes() == unresolved

    pending = (imported / "harbour-lights.conflict.md").read_text("utf-8")
    script.write_text(pending, "utf-8")  # copied over, markers and all
    code, _, err = _run(tone_project, "import", "--force", str(post))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "still has the <<<<<<< and >>>>>>> lines" in err

    resolved = pending.replace("<<<<<<< your edits\nBy seven o'clock the market closes.\n=======\n", "") \
        .replace("By eight the market is shut.\n>>>>>>> the article now", "By eight o'clock the market shuts.")
    script.write_text(resolved, "utf-8")
    code, out, err = _run(tone_project, "import", "--force", str(post))
    assert code == 0, err
    assert "Took your resolution of the conflict in episodes/harbour-lights.md" in out
    assert script.read_text("utf-8") == resolved
    assert not (imported / "harbour-lights.conflict.md").exists()
    assert not (imported / "harbour-lights.conflict.json").exists()
    again = _run(tone_project, "import", "--force", str(post))
    assert again[:2] == (0, "Already up to date: episodes/harbour-lights.md\n")

    # the article changes elsewhere: merged from what was resolved, the resolution kept
    post.write_text(POST.replace("By seven the market is closing.", "By eight the market is shut.")
                    .replace("The harbour wall is old.", "The harbour wall is very old."), "utf-8")
    code, out, err = _run(tone_project, "import", "--force", str(post))
    assert code == 0 and "Updated" in out, err
    text = script.read_text("utf-8")
    assert "The harbour wall is very old." in text and "By eight o'clock the market shuts." in text
    assert "HAR-bur" in text and "[pause 2s]" in text


def test_reimport_without_force_says_how(tone_project: Path) -> None:
    post, _ = _imported(tone_project)
    code, _, err = _run(tone_project, "import", str(post))
    assert code == 2 and "--force to update it from the article (your edits are kept)" in err


def test_another_articles_script_is_not_merged(tone_project: Path) -> None:
    _imported(tone_project)
    other = tone_project / "other.md"
    other.write_text(POST.replace("The harbour wall is old.", "A different article."), "utf-8")
    code, _, err = _run(tone_project, "import", "--force", str(other))
    assert code == 2 and "was imported from " in err and "harbour.md, not from this article" in err


def test_merge_lines_cases() -> None:
    base = ["a", "", "b", "", "c"]
    assert merge_lines(base, base, ["a", "", "B", "", "c"]) == (["a", "", "B", "", "c"], 0)
    assert merge_lines(base, ["a", "", "b", "", "c", "", "d"], ["A", "", "b", "", "c"]) == (
        ["A", "", "b", "", "c", "", "d"], 0)
    merged, conflicts = merge_lines(base, ["a", "", "x", "", "c"], ["a", "", "y", "", "c"])
    assert conflicts == 1 and merged[2:7] == ["<<<<<<< your edits", "x", "=======", "y", ">>>>>>> the article now"]


def test_titles_in_other_scripts_get_slugs_of_their_own(tone_project: Path) -> None:
    """Every one was 'episode': the second import was refused, and --force then said it came from
    another article."""
    names = []
    for name, title in (("tokyo.md", "東京の朝"), ("athens.md", "Αθήνα το καλοκαίρι"), ("moscow.md", "Утро в Москве")):
        post = tone_project / name
        post.write_text(f"---\ntitle: {title}\n---\n\nA few words about the morning there.\n", "utf-8")
        code, out, err = _run(tone_project, "import", str(post))
        assert code == 0, err
        names.append(out.split()[-1])
    assert names == ["episodes/dongjingnochao.md", "episodes/athina-to-kalokairi.md", "episodes/utro-v-moskve.md"]


def test_rendering_an_imported_article_directly_does_not_replace_its_scripts_episode(tone_project: Path) -> None:
    """``render harbour.md`` (the article, not the script) published the article's text over the
    episode made from the edited script."""
    post, script = _imported(tone_project)
    _edit(script)
    assert _run(tone_project, "render", str(script))[0] == 0
    mp3 = tone_project / "output" / "episodes" / "harbour-lights.mp3"
    before = mp3.read_bytes()
    code, out, err = _run(tone_project, "render", str(post))
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "its slug 'harbour-lights' is the episode of episodes/harbour-lights.md, which it would replace" in err
    assert mp3.read_bytes() == before


def test_the_source_is_named_from_the_project_whatever_folder_import_ran_in(tmp_path: Path, monkeypatch) -> None:
    """Imported from the project's parent, ``source:`` was ``show/tides.md`` (the path as typed),
    and ``import --force tides.md`` from inside the project was refused as another article."""
    project = tmp_path / "show"
    assert cli_runner().invoke(cli, ["init", str(project)]).exit_code == 0
    (project / "tides.md").write_text("# Tides\n\nTides rise and fall twice a day.\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = _run(project, "import", "show/tides.md")
    assert code == 0, err
    script = project / "episodes" / "tides.md"
    assert scripts.load(script).meta.source == "tides.md"
    with (project / "tides.md").open("a", encoding="utf-8") as post:
        post.write("\nA new paragraph.\n")
    monkeypatch.chdir(project)
    code, _, err = _run(project, "import", "--force", "tides.md")
    assert code == 0, err
    assert "A new paragraph." in script.read_text("utf-8")
    # A script written before keeps the path as it was typed, from the folder import ran in
    script.write_text(script.read_text("utf-8").replace("source: tides.md", "source: show/tides.md"), "utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = _run(project, "import", "--force", "show/tides.md")
    assert code == 0, err
