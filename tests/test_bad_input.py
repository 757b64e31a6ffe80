"""Bad and unusual inputs through the CLI: each one either imports with sensible text, or fails
with exit code 2, one line on stderr naming the file (or key or slug), no traceback, and no file
under the project written or changed.

Inputs live in ``tests/data/bad/``; large and binary ones are generated here. Audio is never
rendered: ``render`` is only used for inputs that fail before speech synthesis.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from audioguide.cli import cli
from audioguide.ingest.readers import read_article
from audioguide.ingest.script import load
from tests.clirunner import cli_runner
from tests.conftest import SAMPLE_ARTICLE, short_sample

DATA = Path(__file__).parent / "data" / "bad"
INBOX = "inbox"
"""Folder inside the project copy where a case puts its input file."""

Setup = Callable[[Path], list[str]]
"""Prepare the project (write an input) and return the CLI arguments to run."""


def _copy(name: str, command: str = "import", *extra: str) -> Setup:
    def setup(project: Path) -> list[str]:
        dest = project / INBOX / name
        dest.parent.mkdir(exist_ok=True)
        shutil.copy(DATA / name, dest)
        return [command, str(dest), *extra]
    return setup


def _script(name: str) -> Setup:
    """An episode script in episodes/ (scripts are checked strictly; articles are not)."""
    def setup(project: Path) -> list[str]:
        dest = project / "episodes" / name
        shutil.copy(DATA / name, dest)
        return ["render", str(dest)]
    return setup


def _write(name: str, data: bytes | Callable[[], bytes], command: str = "import") -> Setup:
    def setup(project: Path) -> list[str]:
        dest = project / INBOX / name
        dest.parent.mkdir(exist_ok=True)
        dest.write_bytes(data() if callable(data) else data)
        return [command, str(dest)]
    return setup


def _config(name: str, command: str = "render") -> Setup:
    def setup(project: Path) -> list[str]:
        shutil.copy(DATA / name, project / "audioguide.toml")
        return [command, str(SAMPLE_ARTICLE)] if command == "import" else [command]
    return setup


def _args(*args: str) -> Setup:
    def setup(project: Path) -> list[str]:
        return [a.replace("{project}", str(project)) for a in args]
    return setup


def _big_line() -> bytes:
    sentence = "This sentence repeats to fill one enormous line of text. "
    return b"A five megabyte line\n\n" + (sentence * (5_000_000 // len(sentence) + 1)).encode()


def _nested_html() -> bytes:
    return ("<html><body>" + "<div>" * 5000 + "<p>Deep inside five thousand divs.</p>"
            + "</div>" * 5000 + "</body></html>").encode()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00" + b"\x00" * 200


@dataclass(frozen=True)
class Bad:
    """An input that must fail: exit 2, one stderr line containing ``needle``."""

    id: str
    setup: Setup
    needle: str
    root_ok: bool = True
    """False when the case cannot work as root (file permissions are not enforced)."""


@dataclass(frozen=True)
class Good:
    """An input that must import: one new script, and the article text checked by ``expect``."""

    id: str
    setup: Setup
    expect: Callable[[str], bool]
    """Called with the article's title and text joined."""
    slug: str | None = None
    extra: list[str] = field(default_factory=list)


def _unreadable(project: Path) -> list[str]:
    dest = project / INBOX / "locked.txt"
    dest.parent.mkdir(exist_ok=True)
    dest.write_text("Locked\n\nYou cannot read this.\n")
    dest.chmod(0)
    return ["import", str(dest)]


def _duplicate_slug(project: Path) -> list[str]:
    dest = project / INBOX / "twice.txt"
    dest.parent.mkdir(exist_ok=True)
    dest.write_text("Imported twice\n\nThe second import finds the first script.\n")
    assert _run(project, ["import", str(dest)])[0] == 0
    return ["import", str(dest)]


def _duplicate_explicit(project: Path) -> list[str]:
    dest = project / INBOX / "other.txt"
    dest.parent.mkdir(exist_ok=True)
    dest.write_text("Another article\n\nWith its own words.\n")
    return ["import", str(dest), "--slug", "second-interview"]


BAD: list[Bad] = [
    Bad("empty", _copy("empty.txt"), "empty.txt"),
    Bad("whitespace-only", _copy("whitespace-only.txt"), "whitespace-only.txt"),
    Bad("binary-png", _write("picture.txt", PNG), "picture.txt"),
    Bad("binary-png-as-md", _write("picture.md", PNG), "picture.md"),
    Bad("utf16-bad-body", _write("broken16.txt", b"\xff\xfe\x00"), "broken16.txt"),
    Bad("scripts-and-styles-only", _copy("scripts-and-styles-only.html"), "scripts-and-styles-only.html"),
    Bad("markdown-code-only", _copy("code-only.md"), "code-only.md"),
    Bad("unknown-extension", _copy("notes.xyz"), "notes.xyz"),
    Bad("no-extension", _write("README", b"Title\n\nText.\n"), "README"),
    Bad("missing-import", _args("import", "{project}/nowhere/missing.txt"), "missing.txt"),
    Bad("missing-render", _args("render", "{project}/nowhere/missing.md"), "missing.md"),
    Bad("directory-import", _args("import", "{project}/episodes"), "episodes"),
    Bad("directory-render", _args("render", "{project}/episodes/sources"), "sources"),
    Bad("unreadable", _unreadable, "locked.txt", root_ok=False),
    Bad("duplicate-slug", _duplicate_slug, "imported-twice.md"),
    Bad("duplicate-explicit-slug", _duplicate_explicit, "second-interview.md"),
    Bad("slug-parent", _args("import", str(SAMPLE_ARTICLE), "--slug", "../../x"), "../../x"),
    Bad("slug-absolute", _args("import", str(SAMPLE_ARTICLE), "--slug", "/etc"), "/etc"),
    Bad("slug-absolute-deep", _args("import", str(SAMPLE_ARTICLE), "--slug", "/tmp/evil"), "/tmp/evil"),
    Bad("slug-dot", _args("import", str(SAMPLE_ARTICLE), "--slug", "."), "'.'"),
    Bad("slug-empty-ish", _args("import", str(SAMPLE_ARTICLE), "--slug", "-"), "'-'"),
    Bad("fm-slug-parent", _script("fm-slug-parent.md"), "../evil"),
    Bad("fm-slug-absolute", _script("fm-slug-absolute.md"), "/etc"),
    Bad("fm-bad-yaml", _script("fm-bad-yaml.md"), "fm-bad-yaml.md"),
    Bad("fm-not-a-mapping", _script("fm-not-a-mapping.md"), "fm-not-a-mapping.md"),
    Bad("fm-wrong-types", _script("fm-wrong-types.md"), "fm-wrong-types.md"),
    Bad("fm-impossible-date", _script("fm-impossible-date.md"), "fm-impossible-date.md"),
    Bad("fm-number-key", _script("fm-number-key.md"), "fm-number-key.md"),
    Bad("fm-unknown-key", _script("fm-unknown-key.md"), "speaker"),
    Bad("fm-no-text", _script("fm-no-text.md"), "fm-no-text.md"),
    Bad("config-bad-toml", _config("config-bad-toml.toml"), "audioguide.toml"),
    Bad("config-bad-toml-import", _config("config-bad-toml.toml", "import"), "audioguide.toml"),
    Bad("config-wrong-types", _config("config-wrong-types.toml"), "show.title"),
    Bad("config-unknown-keys", _config("config-unknown-keys.toml"), "show.titel"),
    Bad("config-bad-intro", _config("config-bad-intro.toml"), "show.intro"),
    Bad("config-not-a-table", _config("config-not-a-table.toml"), "[show]"),
]

GOOD: list[Good] = [
    Good("latin1", _copy("latin1.txt"), lambda t: "Café société" in t and "crème brûlée" in t),
    Good("utf16-bom", _copy("utf16-bom.txt"), lambda t: "Ünïcode in UTF-16" in t and "\x00" not in t),
    Good("utf16-bom-generated", _write("sixteen.md", "# Sixteen\n\nBig-endian text.\n".encode("utf-16-be")
                                        .join([b"\xfe\xff", b""])), lambda t: "Big-endian text." in t),
    Good("emoji", _copy("emoji.md"), lambda t: "Launch day" in t and "pizza" in t, slug="launch-day"),
    Good("emoji-only-title", _copy("emoji-only-title.md"), lambda t: "Text after emoji." in t),
    Good("rtl", _copy("rtl-hebrew-arabic.txt"), lambda t: "שלום עולם" in t and "مرحبا بالعالم" in t),
    Good("xml-special-title-txt", _copy("xml-special-title.txt"), lambda t: t.startswith('<script>&"]]>')),
    Good("xml-special-title-html", _copy("xml-special-title.html"), lambda t: t.startswith('<script>&"]]>')),
    Good("front-matter-slug-ignored", _copy("front-matter-slug-in-article.md"),
         lambda t: "Front matter article" in t, slug="front-matter-article"),
    Good("huge-title", _write("huge.txt", ("Word " * 2000).encode() + b"\n\nA short body.\n"),
         lambda t: len(t) > 9000 and "A short body." in t),
    Good("five-mb-line", _write("big.txt", _big_line), lambda t: len(t) > 5_000_000,
         slug="a-five-megabyte-line"),
    Good("nested-html", _write("nested.html", _nested_html), lambda t: "Deep inside five thousand divs." in t),
    Good("crlf-and-bom", _write("crlf.txt", b"\xef\xbb\xbfWindows title\r\n\r\nLine ends.\r\n"),
         lambda t: t.startswith("Windows title") and "\r" not in t, slug="windows-title"),
]


def _snapshot(root: Path) -> dict[str, str]:
    """Every file under ``episodes/`` and ``output/`` and a hash of its bytes."""
    out: dict[str, str] = {}
    for folder in ("episodes", "output"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _run(project: Path, args: list[str]) -> tuple[int, str, str]:
    result = cli_runner().invoke(cli, ["-C", str(project), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("case", BAD, ids=[c.id for c in BAD])
def test_bad_input_fails_cleanly(project: Path, case: Bad) -> None:
    if not case.root_ok and os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not stop root from reading the file")
    args = case.setup(project)
    before = _snapshot(project)
    code, _, err = _run(project, args)
    lines = err.strip().splitlines()
    assert code == 2, err
    assert "Traceback" not in err
    # one line, or (issue 13, point 7) a line naming the file and one line per problem
    assert len(lines) == 1 or (lines[0].endswith(f"{len(lines) - 1} problems to fix:")
                               and all(line.startswith("  - ") for line in lines[1:])), err
    assert case.needle in err
    assert _snapshot(project) == before
    assert not (project / "output").exists()


@pytest.mark.parametrize("case", GOOD, ids=[c.id for c in GOOD])
def test_unusual_input_imports(project: Path, case: Good) -> None:
    args = case.setup(project) + case.extra
    article = read_article(Path(args[1]))
    text = "\n".join([article.title] + [b.text for s in article.sections for b in s.blocks])
    assert case.expect(text), text[:300]
    before = _snapshot(project)
    code, out, err = _run(project, args)
    assert code == 0, err
    assert "Traceback" not in err
    after = _snapshot(project)
    new = set(after) - set(before)
    assert {k: v for k, v in after.items() if k in before} == before  # nothing else changed
    imported = {n for n in new if n.startswith("episodes/.imported/")}  # the copy as imported
    assert len(new - imported) == 1 and len(imported) == 1, new
    (name,) = new - imported
    assert (project / name).read_bytes() == (project / "episodes/.imported" / Path(name).name).read_bytes()
    assert Path(name).parent == Path("episodes")
    if case.slug:
        assert name == f"episodes/{case.slug}.md"
    script = load(project / name)  # the written script reads back
    assert script.meta.title == article.title


def test_count_of_bad_inputs(capsys: pytest.CaptureFixture[str]) -> None:
    total = len(BAD) + len(GOOD)
    with capsys.disabled():
        print(f"\nbad inputs tried: {total} ({len(BAD)} refused cleanly, {len(GOOD)} imported)")
    assert total >= 40


def test_hidden_files_in_episodes_are_not_scripts(tone_project: Path) -> None:
    # what editors and macOS leave beside a script: a lock (a dangling link), a copy of its
    # metadata, a swap file; none is an episode, and the render and the cache see only the script
    episodes = tone_project / "episodes"
    (episodes / ".#second-interview.md").symlink_to("root@host.1234:1700000000")
    (episodes / "._second-interview.md").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X")
    (episodes / ".second-interview.md.swp").write_bytes(b"b0VIM 9.0")
    code, out, err = _run(tone_project, ["render"])
    assert code == 0, err
    assert "Rendered 1 episode, 0 failed" in out
    code, out, err = _run(tone_project, ["cache"])
    assert code == 0, err


def test_a_link_loop_or_a_broken_link_in_episodes_fails_only_itself(tone_project: Path) -> None:
    """``ln -s loop.md episodes/loop.md`` was a traceback (``RuntimeError: Symlink loop``) that
    stopped the render, ``spoken`` and ``watch``; a link to nothing said "No such file or
    directory" of a file the user can see. Each is one line saying which, and the rest renders."""
    episodes = short_sample(tone_project) / "episodes"
    (episodes / "loop.md").symlink_to("loop.md")
    (episodes / "gone.md").symlink_to("moved-away.md")
    code, out, err = _run(tone_project, ["render"])
    assert code == 1 and "Traceback" not in err, err
    assert f"Failed: {episodes / 'gone.md'}: is a broken link: moved-away.md does not exist. Point the link at the " \
           "file it stands for, or remove it." in err.splitlines()
    assert f"Failed: {episodes / 'loop.md'}: is a link that leads back to itself (a link loop). Point the link " \
           "at the file it stands for, or remove it." in err.splitlines()
    assert out.startswith("Rendered 1 episode, 2 failed")
    code, out, err = _run(tone_project, ["render", str(episodes / "loop.md")])
    assert code == 2 and err.startswith(f"Error: {episodes / 'loop.md'}: is a link that leads back to itself")
    code, out, err = _run(tone_project, ["spoken"])
    assert "Traceback" not in err and "loop.md: is a link that leads back to itself" in err, err
