"""``audioguide import FOLDER`` (issue 15, point 3): a script per published post, the skipped ones
counted in one line, re-imports that touch only new and changed posts and keep the author's edits,
and nothing of a post that fails. The text the speech engine receives is checked too."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from audioguide.cli import cli
from audioguide.ingest import script as scripts
from audioguide.speech.engines.tone import ToneEngine
from tests.clirunner import cli_runner
from tests.test_sites import EXPECTED, HIDDEN, NEVER_SAID, SITES


def run(project: Path, *args: str) -> tuple[int, str, str]:
    result = cli_runner().invoke(cli, ["-C", str(project), *args])
    return result.exit_code, result.stdout, result.stderr


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder``: its bytes and modification time."""
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture
def project(tone_project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The tone project, as the current folder, with the four sites inside it and no episode
    scripts yet."""
    for script in (tone_project / "episodes").glob("*.md"):
        script.unlink()
    shutil.copytree(SITES, tone_project / "sites")
    monkeypatch.chdir(tone_project)
    return tone_project


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_site_becomes_one_script_per_published_post(project: Path, name: str) -> None:
    expected = EXPECTED[name]
    code, out, err = run(project, "import", f"sites/{name}")
    assert code == 0, err
    slugs = {slug for slug, *_ in expected["posts"].values()}
    assert {line.split("/")[-1] for line in out.splitlines() if line.startswith("Wrote ")} == {f"{s}.md" for s in slugs}
    skipped = [line for line in out.splitlines() if line.startswith("Skipped ")]
    assert len(skipped) == 1 and f"Skipped {len(expected['skipped'])} posts" in skipped[0]
    assert out.splitlines()[-1].endswith(f"{len(slugs)} posts, {len(slugs)} new, 0 updated, 0 already up to date; "
                                         "0 failed.")
    text = ""
    for post_id, (slug, date, authors, tags) in expected["posts"].items():
        path = project / "episodes" / f"{slug}.md"
        script = scripts.load(path)
        assert (script.meta.date, script.meta.authors, script.meta.tags) == (date, authors, tags)
        assert script.meta.source == f"sites/{name}/{post_id}"
        assert (project / "episodes" / ".imported" / f"{slug}.md").read_text("utf-8") == path.read_text("utf-8")
        text += path.read_text("utf-8")
    for sentence in expected["said"]:
        assert sentence in text
    for hidden in (*NEVER_SAID, *HIDDEN):
        assert hidden not in text, hidden


def test_the_speech_engine_never_receives_template_syntax(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Render one post of each site, and a post file given to render directly, with the tone engine,
    recording every text it is asked to speak."""
    heard: list[str] = []
    real = ToneEngine.synthesize

    def recording(self: ToneEngine, text: str):  # type: ignore[no-untyped-def]
        heard.append(text)
        return real(self, text)

    for name in EXPECTED:
        assert run(project, "import", f"sites/{name}")[0] == 0
    monkeypatch.setattr(ToneEngine, "synthesize", recording)
    chosen = ["episodes/tide-tables.md", "episodes/spring-launch.md", "episodes/first-light.md",
              "episodes/how-much-energy-is-in-a-tide.md", "sites/hugo/content/posts/lighthouse-keeper/index.md"]
    code, _, err = run(project, "render", *(str(project / c) for c in chosen))
    assert code == 0, err
    said = "\n".join(heard)
    for sentence in ("The tide tables hang in the window of the harbour office.", "Ask at the office for a copy.",
                     "Six boats went back into the water on Saturday.", "Bring a flask.",
                     "Do not wade at the narrows on a falling tide.", "He climbed the hundred and twelve steps"):
        assert sentence in said
    for hidden in (*NEVER_SAID, *HIDDEN):
        assert hidden not in said, hidden


def test_importing_again_touches_only_new_and_changed_posts(project: Path) -> None:
    assert run(project, "import", "sites/jekyll")[0] == 0
    before = snapshot(project / "episodes")
    code, out, _ = run(project, "import", "sites/jekyll")
    assert code == 0 and not [line for line in out.splitlines() if line.startswith(("Wrote", "Updated"))]
    assert "2 posts, 0 new, 0 updated, 2 already up to date; 0 failed." in out
    assert snapshot(project / "episodes") == before

    script = project / "episodes" / "spring-launch.md"  # the author's edit
    script.write_text(script.read_text("utf-8").replace("She floated without a leak.", "She floated, dry as a bone."),
                      "utf-8")
    post = project / "sites" / "jekyll" / "_posts" / "2025-03-14-spring-launch.md"  # the post's change
    post.write_text(post.read_text("utf-8").replace("Six boats", "Seven boats"), "utf-8")
    (project / "sites" / "jekyll" / "_posts" / "2025-07-04-regatta-day.md").write_text(
        "---\ntitle: Regatta day\nauthor: dev\n---\n\nTwenty boats raced round the buoy.\n", "utf-8")
    untouched = project / "episodes" / "the-old-boathouse.md"
    kept = (untouched.read_bytes(), untouched.stat().st_mtime_ns)
    code, out, err = run(project, "import", "sites/jekyll")
    assert code == 0, err
    assert [line for line in out.splitlines() if not line.startswith(("Skipped", "Jekyll site"))] == [
        "Updated (your edits kept) episodes/spring-launch.md", "Wrote episodes/regatta-day.md"]
    text = script.read_text("utf-8")
    assert "Seven boats went back" in text and "She floated, dry as a bone." in text
    assert (untouched.read_bytes(), untouched.stat().st_mtime_ns) == kept
    assert scripts.load(project / "episodes" / "regatta-day.md").meta.authors == ("Dev Okafor",)

    code, out, _ = run(project, "import", "--replace", "sites/jekyll")  # the posts as they are, edits dropped
    assert code == 0 and "Replaced episodes/spring-launch.md" in out and "1 updated, 2 already up to date" in out
    assert "She floated without a leak." in script.read_text("utf-8")
    assert (untouched.read_bytes(), untouched.stat().st_mtime_ns) == kept

    # a post changed whose script was never edited: updated, with no edits said to be kept
    boathouse = next((project / "sites" / "jekyll" / "_posts").glob("*old-boathouse*"))
    boathouse.write_text(boathouse.read_text("utf-8").replace("boathouse", "boat house", 1), "utf-8")
    code, out, err = run(project, "import", "sites/jekyll")
    assert code == 0, err
    assert "Updated episodes/the-old-boathouse.md" in out.splitlines() and "your edits kept" not in out


def test_a_failing_post_is_one_line_and_the_others_are_imported(project: Path) -> None:
    posts = project / "sites" / "hugo" / "content" / "posts"
    (posts / "broken.md").write_text('+++\ntitle = "Broken\ndate = 2025-01-01\n+++\n\nText.\n', "utf-8")
    (posts / "empty.md").write_text("---\ntitle: Empty\ndate: 2025-01-02\n---\n\n{{< gallery >}}\n", "utf-8")
    code, out, err = run(project, "import", "sites/hugo")
    assert code == 1
    errors = err.strip().splitlines()
    assert len(errors) == 2 and "Traceback" not in err
    assert errors[0].startswith("Error: sites/hugo/content/posts/broken.md: front matter is not valid TOML")
    assert errors[1].startswith("Error: sites/hugo/content/posts/empty.md: the article has no text to read")
    assert "3 posts, 3 new, 0 updated, 0 already up to date; 2 failed." in out
    episodes = project / "episodes"
    written = sorted(str(p.relative_to(episodes)) for p in episodes.rglob("*")
                     if p.is_file() and p.parent.name != "sources")
    made = ["ferry-times.md", "tide-tables.md", "lighthouse-keeper.md"]
    assert written == sorted([*made, *(f".imported/{name}" for name in made)])


def test_posts_with_the_same_slug_get_their_own_scripts(project: Path) -> None:
    posts = project / "sites" / "jekyll" / "_posts"
    for day in ("2024-01-05", "2025-01-05"):
        (posts / f"{day}-yard-update.md").write_text(f"---\ntitle: Yard update\n---\n\nNews of {day}.\n", "utf-8")
    assert run(project, "import", "sites/jekyll")[0] == 0
    first, second = (scripts.load(project / "episodes" / f"{s}.md") for s in ("yard-update", "yard-update-2"))
    assert (first.meta.source or "").endswith("2024-01-05-yard-update.md")
    assert (second.meta.source or "").endswith("2025-01-05-yard-update.md")
    code, out, _ = run(project, "import", "sites/jekyll")  # each post finds its own script again
    assert code == 0 and "0 new, 0 updated, 4 already up to date" in out


def test_a_site_outside_the_project_is_found_again_by_its_path(project: Path, tmp_path: Path) -> None:
    site = shutil.copytree(SITES / "mkdocs", tmp_path / "elsewhere")
    assert run(project, "import", str(site))[0] == 0
    source = scripts.load(project / "episodes" / "seal-count.md").meta.source
    assert source == str((site / "docs" / "blog" / "posts" / "2025" / "harbour-seals.md").resolve())
    code, out, _ = run(project, "import", str(site))
    assert code == 0 and "0 new, 0 updated, 2 already up to date" in out


@pytest.mark.parametrize(("args", "problem"), [
    (("--slug", "x"), "--slug names one script, and a folder makes one per post"),
    (("episodes",), "is the episodes folder"),
    (("sites/hugo/archetypes/../layouts",), "has no Markdown posts"),
])
def test_a_folder_import_refused_says_why_in_one_line(project: Path, args: tuple[str, ...], problem: str) -> None:
    target = [str(project / a) if not a.startswith("-") else a for a in args]
    if target[0] == "--slug":
        target.append(str(project / "sites" / "hugo"))
    code, _, err = run(project, "import", *target)
    assert code == 2 and len(err.strip().splitlines()) == 1 and problem in err
    assert not list((project / "episodes").glob("*.md"))
