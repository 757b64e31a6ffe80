"""``audioguide sync`` (issue 15, point 4): sources listed in ``[sources]`` are imported, rendered
and published; a second sync with nothing new asks the server (a conditional GET answered 304),
renders nothing and rewrites no file; a changed entry updates its script unless the author edited
it (then it is kept and said, and ``--force`` merges); an entry that left its source keeps its
episode unless ``--prune``; a source that fails is one line and the others are still synced.

The feed is a real one (tests/data/web/rss-natasha.xml, see SOURCES.md) cut to three entries,
served by a real local HTTP server that honours ``If-None-Match``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from lxml import etree
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from audioguide.cli import cli
from audioguide.ingest import script as scripts
from tests.clirunner import cli_runner

WEB = Path(__file__).parent / "data" / "web"
FEED = WEB / "rss-natasha.xml"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


class Feed:
    """The real feed, cut to its first three entries, that the tests change between syncs; served
    with an ``ETag`` and ``304 Not Modified`` for a request that names the current one."""

    def __init__(self) -> None:
        self.tree = etree.parse(str(FEED))
        channel = self.tree.getroot().find("channel")
        assert channel is not None
        self.channel = channel
        for item in channel.findall("item")[3:]:
            channel.remove(item)
        self.requests: list[dict[str, str]] = []

    @property
    def items(self) -> list[etree._Element]:
        return self.channel.findall("item")

    def body(self) -> bytes:
        return etree.tostring(self.tree, xml_declaration=True, encoding="utf-8")

    def handle(self, request: Request) -> Response:
        body = self.body()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        self.requests.append(dict(request.headers))
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(body, content_type="application/rss+xml; charset=utf-8", headers={"ETag": etag})


@pytest.fixture
def feed(httpserver: HTTPServer) -> Feed:
    served = Feed()
    httpserver.expect_request("/feed.xml").respond_with_handler(served.handle)
    return served


@pytest.fixture
def site(tone_project: Path, httpserver: HTTPServer) -> Path:
    (tone_project / "episodes" / "second-interview.md").unlink()
    toml = tone_project / "audioguide.toml"
    toml.write_text(toml.read_text() + f'\n[sources]\nblog = "{httpserver.url_for("/feed.xml")}"\n')
    return tone_project


def sync(root: Path, *args: str) -> tuple[int, str, str]:
    result = cli_runner().invoke(cli, ["-C", str(root), "sync", *args])
    return result.exit_code, result.stdout, result.stderr


def files(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file of the scripts and the output, with its modification time and content."""
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns, p.read_bytes())
            for folder in ("episodes", "output") for p in sorted((root / folder).rglob("*")) if p.is_file()}


def by_guid(root: Path) -> dict[str, Path]:
    return {str(scripts.load(p).meta.guid): p for p in (root / "episodes").glob("*.md")}


def feed_items(root: Path) -> list[str]:
    tree = etree.parse(str(root / "output" / "feed.xml"))
    return [str(g.text) for g in tree.getroot().iterfind("./channel/item/guid")]


def test_sync_imports_renders_and_publishes_and_a_second_sync_does_nothing(site: Path, feed: Feed) -> None:
    code, out, err = sync(site)
    assert code == 0, err
    assert "blog: 3 new, 0 updated, 0 unchanged" in out
    guids = [str(item.findtext("guid")) for item in feed.items]
    assert sorted(by_guid(site)) == sorted(guids)
    assert sorted(feed_items(site)) == sorted(guids)  # rendered and published
    before = files(site)

    code, out, err = sync(site)
    assert code == 0, err
    assert "blog: nothing new" in out
    assert feed.requests[-1].get("If-None-Match")  # a conditional GET, answered 304
    assert "0 sentences synthesized" in out
    assert files(site) == before  # nothing rewritten
    assert "audioguide/" in feed.requests[-1]["User-Agent"]


def test_a_changed_entry_updates_its_script_unless_the_author_edited_it(site: Path, feed: Feed) -> None:
    assert sync(site)[0] == 0
    scripts_by_guid = by_guid(site)
    first, second = (str(item.findtext("guid")) for item in feed.items[:2])
    edited = scripts_by_guid[second]
    front, end, body = edited.read_text("utf-8").partition("\n---\n")
    edited.write_text(f"{front}{end}\nA sentence the author added.\n{body}", "utf-8")
    for item in feed.items[:2]:
        content = item.find(CONTENT)
        assert content is not None
        content.text = "<p>A new first paragraph from the source.</p>" + str(content.text)

    code, out, err = sync(site)
    assert code == 0, err
    assert "blog: 0 new, 1 updated, 1 unchanged, 1 kept as you edited" in out
    assert "A new first paragraph from the source." in scripts_by_guid[first].read_text("utf-8")
    kept = edited.read_text("utf-8")
    assert "A sentence the author added." in kept and "A new first paragraph" not in kept
    assert f"Kept your edits in episodes/{edited.name}" in err and "--force" in err

    code, out, err = sync(site, "--force")
    assert code == 0, err
    merged = edited.read_text("utf-8")
    assert "A sentence the author added." in merged and "A new first paragraph from the source." in merged


def test_an_entry_that_left_its_source_keeps_its_episode_unless_pruned(site: Path, feed: Feed) -> None:
    assert sync(site)[0] == 0
    gone = feed.items[-1]
    guid = str(gone.findtext("guid"))
    script = by_guid(site)[guid]
    feed.channel.remove(gone)

    code, out, err = sync(site)
    assert code == 0, err
    assert f"{script.stem}: no longer in blog; its episode stays published" in err
    assert guid in feed_items(site) and script.is_file()

    code, out, err = sync(site, "--prune")
    assert code == 0, err
    assert f"Took down {script.stem}" in out
    assert guid not in feed_items(site)
    assert not script.exists() and not (site / "output" / "episodes" / f"{script.stem}.mp3").exists()


def test_a_source_that_fails_is_one_line_and_the_others_still_sync(site: Path, feed: Feed, httpserver: HTTPServer,
                                                                   tmp_path: Path) -> None:
    httpserver.expect_request("/gone.xml").respond_with_data("gone", status=410)
    posts = site / "posts"
    posts.mkdir()
    (posts / "a-walk.md").write_text("---\ntitle: A walk by the river\ndate: 2026-01-02\n---\n\n"
                                     "We walked along the river until the light faded.\n", "utf-8")
    toml = site / "audioguide.toml"
    toml.write_text(toml.read_text() + f'gone = "{httpserver.url_for("/gone.xml")}"\nposts = "posts"\n'
                    f'nowhere = "{tmp_path / "missing"}"\n')
    code, out, err = sync(site)
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("Error:")]
    assert len(errors) == 2 and "Traceback" not in err
    assert any(httpserver.url_for("/gone.xml") in line for line in errors)
    assert any("missing" in line and "sources.nowhere" in line for line in errors)
    assert "blog: 3 new" in out and "posts: 1 new" in out
    assert any(scripts.load(p).meta.title == "A walk by the river" for p in (site / "episodes").glob("*.md"))
    assert len(feed_items(site)) == 4  # the feed's three entries and the post, rendered and published


def test_sync_without_sources_says_how_to_add_one(tone_project: Path) -> None:
    code, out, err = sync(tone_project)
    assert code == 2
    assert "[sources]" in err and "audioguide sync LOCATION" in err


def test_locations_on_the_command_line(tone_project: Path, feed: Feed, httpserver: HTTPServer) -> None:
    (tone_project / "episodes" / "second-interview.md").unlink()
    code, out, err = sync(tone_project, httpserver.url_for("/feed.xml"), "--no-render")
    assert code == 0, err
    assert len(by_guid(tone_project)) == 3
    assert not (tone_project / "output" / "feed.xml").exists()


def test_a_folder_of_posts_syncs_new_and_changed_posts_only(tone_project: Path, tmp_path: Path) -> None:
    (tone_project / "episodes" / "second-interview.md").unlink()
    site = tmp_path / "jekyll"
    shutil.copytree(Path(__file__).parent / "data" / "sites" / "jekyll", site)
    toml = tone_project / "audioguide.toml"
    toml.write_text(toml.read_text() + f'\n[sources]\nposts = "{site}"\n')
    code, out, err = sync(tone_project)
    assert code == 0, err
    new = int(out.split("posts: ")[1].split(" new")[0])
    assert new >= 2 and "Skipped" in err  # the draft and the post dated in the future
    before = files(tone_project)

    code, out, err = sync(tone_project)
    assert code == 0, err
    assert f"posts: 0 new, 0 updated, {new} unchanged" in out
    assert files(tone_project) == before

    post = next(site.glob("_posts/2025-03-14-*.md"))
    post.write_text(post.read_text("utf-8") + "\nOne more sentence about the market.\n", "utf-8")
    code, out, err = sync(tone_project)
    assert code == 0, err
    assert f"posts: 0 new, 1 updated, {new - 1} unchanged" in out


def test_a_location_that_does_not_exist_is_said_to_be_missing(tmp_path: Path) -> None:
    """``sync /nonexistent`` in a new project said ``episodes: has no episode scripts`` (the
    render after the sync), and nothing about the location."""
    project = tmp_path / "p"
    assert cli_runner().invoke(cli, ["init", str(project)]).exit_code == 0
    result = cli_runner().invoke(cli, ["-C", str(project), "sync", str(tmp_path / "nonexistent")])
    assert result.exit_code == 1
    assert f"{tmp_path / 'nonexistent'}: does not exist. Give a folder of posts" in result.stderr
    assert "has no episode scripts" not in result.stderr


HERONS = """<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>m</title><link>https://blog.example/</link><description>x</description>{self}
<item><title>Herons</title><link>https://blog.example/herons/</link><guid isPermaLink="false">main-herons</guid>
<pubDate>Sun, 15 Mar 2026 08:00:00 +0100</pubDate>
<content:encoded><![CDATA[<p>Herons stand very still. Then they strike.</p>]]></content:encoded></item></channel></rss>
"""


def feed_file_project(root: Path, self_link: str = "") -> Path:
    """A project whose one source is a feed file in it, ``feeds/main.xml``, with one entry whose
    id is not an address."""
    (root / "episodes" / "second-interview.md").unlink()
    (root / "feeds").mkdir()
    own = f'<atom:link rel="self" href="{self_link}"/>' if self_link else ""
    (root / "feeds" / "main.xml").write_text(HERONS.format(self=own), "utf-8")
    toml = root / "audioguide.toml"
    toml.write_text(toml.read_text() + '\n[sources]\nmain = "feeds/main.xml"\n')
    return root


def test_a_feed_files_guids_do_not_change_when_the_project_moves(tone_project: Path, tmp_path: Path) -> None:
    """A feed file's entry with an id that is no address had the file's absolute path in its guid:
    after moving the project, ``sync --prune`` took the episode down although it was still in the
    feed. Now the guid starts with the path relative to the project, and nothing is taken down."""
    project = feed_file_project(tone_project)
    code, out, err = sync(project, "--no-render")
    assert code == 0, err
    assert list(by_guid(project)) == ["feeds/main.xml#main-herons"]
    moved = tmp_path / "moved"
    shutil.move(project, moved)
    code, out, err = sync(moved, "--prune", "--no-render")
    assert code == 0, err
    assert "Took down" not in out and "no longer in" not in err
    assert list(by_guid(moved)) == ["feeds/main.xml#main-herons"]


def test_a_feed_file_with_a_self_link_gives_guids_from_it(tone_project: Path) -> None:
    project = feed_file_project(tone_project, "https://blog.example/feed.xml")
    assert sync(project, "--no-render")[0] == 0
    assert list(by_guid(project)) == ["https://blog.example/feed.xml#main-herons"]


def test_a_guid_made_from_the_absolute_path_before_is_kept(tone_project: Path) -> None:
    """Scripts synced before kept guids with the feed file's absolute path: they are found again
    and keep them (a published guid never changes), and nothing is said to be gone."""
    project = feed_file_project(tone_project)
    assert sync(project)[0] == 0
    old = f"{(project / 'feeds' / 'main.xml').resolve()}#main-herons"
    for path in (*project.glob("episodes/**/*.md"), project / ".cache" / "sync.json",
                 *project.glob("output/.audioguide*guids.json")):
        path.write_text(path.read_text("utf-8").replace("feeds/main.xml#main-herons", old), "utf-8")
    assert sync(project, "--no-render")[0] == 0  # the old script is found by its guid...
    code, out, err = sync(project, "--prune")
    assert code == 0, err
    assert "Took down" not in out and "no longer in" not in err
    assert list(by_guid(project)) == [old]  # ...and keeps it
    assert "0 new" in out

    result = cli_runner().invoke(cli, ["-C", str(project), "import", str(project / "feeds" / "main.xml")])
    assert result.exit_code == 0, result.stderr  # import finds it too
    assert list(by_guid(project)) == [old]


def test_syncing_one_source_keeps_the_others_state(tone_project: Path) -> None:
    """``sync LOCATION`` dropped every other source's state from .cache/sync.json (a post deleted
    from them was never said to be gone), and a source's name from [sources] was refused as a
    path that does not exist."""
    project = feed_file_project(tone_project)
    posts = project / "posts"
    posts.mkdir()
    for name in ("walk", "swim"):
        (posts / f"{name}.md").write_text(f"---\ntitle: A {name}\ndate: 2026-01-02\n---\n\nWe {name} by the river.\n")
    toml = project / "audioguide.toml"
    toml.write_text(toml.read_text() + 'posts = "posts"\n')
    assert sync(project, "--no-render")[0] == 0
    state = json.loads((project / ".cache" / "sync.json").read_text())
    code, out, err = sync(project, "main", "--no-render")
    assert code == 0, err
    assert "main: 0 new, 0 updated, 1 unchanged" in out
    assert sync(project, str(project / "nowhere"), "--no-render")[0] == 1
    assert json.loads((project / ".cache" / "sync.json").read_text()) == state
    (posts / "walk.md").unlink()
    code, out, err = sync(project, "--no-render")
    assert "walk: no longer in posts" in err


def test_a_post_two_sources_carry_keeps_one_episode_as_the_first_made_it(tone_project: Path) -> None:
    """A main feed and a category feed carrying one post (the same link, their own guids): the
    second source's entry overwrote the first's script with its title and guid, and the two took
    turns on every sync. Now the script stays the first source's, and the second says so once."""
    project = feed_file_project(tone_project)
    main = project / "feeds" / "main.xml"
    (project / "feeds" / "cats.xml").write_text(
        main.read_text("utf-8").replace("main-herons", "cats-herons").replace(">Herons<", ">Herons (birds)<"))
    toml = project / "audioguide.toml"
    toml.write_text(toml.read_text() + 'cats = "feeds/cats.xml"\n')
    code, out, err = sync(project, "--no-render")
    assert code == 0, err
    assert 'cats: entry 1 ("Herons (birds)") is the same post as episodes/herons.md (from main)' in out
    assert "1 updated" not in out
    for _ in range(2):
        code, out, err = sync(project, "--no-render")
        assert code == 0, err
        assert "same post" not in out and "1 updated" not in out and "1 new" not in out
    assert [(s.meta.title, s.meta.guid) for s in map(scripts.load, (project / "episodes").glob("*.md"))] == [
        ("Herons", "feeds/main.xml#main-herons")]


@pytest.mark.parametrize("state_lost", [False, True])
def test_a_post_renamed_in_its_folder_keeps_its_script_and_episode(tone_project: Path, state_lost: bool) -> None:
    """Renaming b/beta.md to b/beta-new-name.md was beta gone and the new file refused as already
    imported (exit 1 on every sync); --prune took beta's episode down, and the next sync made it
    a new episode. Now the script follows the post (its slug, guid and episode stay), edits too."""
    (tone_project / "episodes" / "second-interview.md").unlink()
    folder = tone_project / "b"
    folder.mkdir()
    for name in ("alpha", "beta"):
        (folder / f"{name}.md").write_text(f"---\ntitle: {name.title()}\ndate: 2026-01-02\n---\n\n{name} text.\n")
    toml = tone_project / "audioguide.toml"
    toml.write_text(toml.read_text() + '\n[sources]\nposts = "b"\n')
    assert sync(tone_project)[0] == 0
    script = tone_project / "episodes" / "beta.md"
    script.write_text(script.read_text("utf-8") + "\nA line the author added.\n", "utf-8")
    edited = script.read_text("utf-8")
    (folder / "beta.md").rename(folder / "beta-new-name.md")
    if state_lost:
        (tone_project / ".cache" / "sync.json").unlink()
    code, out, err = sync(tone_project, "--prune")
    assert code == 0, err
    assert "posts: b/beta.md moved to b/beta-new-name.md; episodes/beta.md follows it" in out
    assert "Took down" not in out and "Error" not in err and "no longer in" not in err
    assert script.read_text("utf-8") == edited.replace("source: b/beta.md", "source: b/beta-new-name.md")
    assert sorted(p.name for p in (tone_project / "episodes").glob("*.md")) == ["alpha.md", "beta.md"]
    code, out, err = sync(tone_project, "--prune")
    assert code == 0 and "posts: 0 new, 0 updated, 2 unchanged" in out, err


def test_a_conflict_in_sync_gives_a_fix_that_works_for_sync(tone_project: Path) -> None:
    """``sync --force`` said to "import with --force again (or pass --replace to drop your
    edits)": sync has no --replace."""
    (tone_project / "episodes" / "second-interview.md").unlink()
    (tone_project / "b").mkdir()
    post = tone_project / "b" / "herons.md"
    post.write_text("---\ntitle: Herons\ndate: 2026-01-02\n---\n\nHerons stand very still.\n")
    toml = tone_project / "audioguide.toml"
    toml.write_text(toml.read_text() + '\n[sources]\nposts = "b"\n')
    assert sync(tone_project, "--no-render")[0] == 0
    script = tone_project / "episodes" / "herons.md"
    script.write_text(script.read_text("utf-8").replace("very still", "quite still"), "utf-8")
    post.write_text(post.read_text("utf-8").replace("very still", "perfectly still"), "utf-8")
    code, out, err = sync(tone_project, "--force", "--no-render")
    assert code == 1
    assert "then run audioguide sync --force again (or delete herons.md and sync again" in err
    assert "--replace" not in err and "import with" not in err


def test_a_source_whose_every_entry_fails_still_gets_its_line_and_its_errors_name_it(tone_project: Path) -> None:
    """When every entry of a source failed, its "b: N new…" line was left out, and an error about
    an entry ("entry 4 ("Two"): has the same id…") did not say which source it was in."""
    (tone_project / "b").mkdir()
    (tone_project / "b" / "broken.md").write_text("---\ntitle: [unclosed\n---\n\nText.\n")
    toml = tone_project / "audioguide.toml"
    toml.write_text(toml.read_text() + '\n[sources]\nposts = "b"\n')
    code, out, err = sync(tone_project, "--no-render")
    assert code == 1
    assert "posts: 0 new, 0 updated, 0 unchanged, 1 failed" in out
    assert "Error: posts: " in err and "broken.md" in err
