"""One guide in several languages (issue 17, point 6): one script per language sharing a guide id,
each rendered with the engine its language needs, each with its own stops, playlist, ZIP, M4B and
feed, and pages that link each other (``hreflang``) with a picker that remembers the choice.

English is read by the show's engine, the bundled Piper voice; French by gTTS (``engine: gtts``
in its script), which talks to the local fake of Google's endpoint (:mod:`tests.gtts_fake`,
speaking with the tone engine behind it): the fake's log shows which texts reached it, in which
language.
"""

from __future__ import annotations

import io
import json
import logging
import shutil
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import podcastparser
import pytest
from bs4 import BeautifulSoup
from mutagen.mp4 import MP4

from audioguide.cli import cli
from audioguide.models import GuideRecord
from audioguide.publish.serve import create_server
from tests.browser import page_errors
from tests.clirunner import cli_runner
from tests.gtts_fake import FakeGoogleTTS
from tests.test_gtts import ToneVoice

ENGLISH = """---
title: Old Town
guide: old-town
date: 2026-11-20
description: A walk through the old town.
---

Welcome to the old town.

## The Bridge

The bridge is old.

## The Tower

The tower is tall.
"""
FRENCH = """---
title: La vieille ville
slug: old-town-fr
guide: old-town
language: fr
engine: gtts
date: 2026-11-20
description: Une promenade dans la vieille ville.
---

Bienvenue dans la vieille ville.

## Le pont

Le pont est ancien.

## La tour

La tour est haute.

## La place

La place est grande.
"""


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = cli_runner().invoke(cli, ["-q", "-C", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def make_project(root: Path) -> Path:
    (root / "episodes").mkdir(parents=True)
    (root / "episodes" / "old-town.md").write_text(ENGLISH, "utf-8")
    (root / "episodes" / "old-town-fr.md").write_text(FRENCH, "utf-8")
    (root / "audioguide.toml").write_text(
        '[show]\ntitle = "Walks"\nauthor = "Ada"\nowner_name = "Ada"\nowner_email = "ada@example.org"\n'
        'categories = ["Leisure"]\nbase_url = "http://127.0.0.1:8000/"\n', "utf-8")
    return root


@dataclass
class Languages:
    root: Path
    guides: Path
    requests: list[Any]


@pytest.fixture(scope="module")
def languages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Languages]:
    root = make_project(tmp_path_factory.mktemp("languages") / "project")
    with FakeGoogleTTS(ToneVoice()) as fake, pytest.MonkeyPatch.context() as monkeypatch:
        fake.install(monkeypatch)
        code, out, err = run(root, "render")
        assert code == 0, err
        yield Languages(root, root / "output" / "guides", list(fake.requests))


def _record(folder: Path) -> GuideRecord:
    return GuideRecord.from_json(json.loads((folder / "guide.json").read_text("utf-8")))


def test_each_language_is_read_by_its_own_engine(languages: Languages) -> None:
    """French went to gTTS, in French, and nothing else did: English was read by Piper."""
    french = _record(languages.guides / "old-town-fr")
    assert {r.lang for r in languages.requests} == {"fr"}
    spoken = " ".join(str(r.text) for r in languages.requests)
    for sentence in ("Bienvenue dans la vieille ville", "Le pont est ancien", "La place est grande"):
        assert sentence in spoken
    assert "old town" not in spoken and "bridge" not in spoken
    assert "Étape 1." in spoken and "Stop " not in spoken  # each stop is announced in French
    english = _record(languages.guides / "old-town")
    assert (english.language, french.language) == ("en", "fr")
    assert (english.group, french.group) == ("old-town", "old-town")


def test_each_language_has_its_own_stops_playlist_archive_audiobook_and_feed(languages: Languages) -> None:
    for slug, titles, language in (("old-town", ["Introduction", "The Bridge", "The Tower"], "en"),
                                   ("old-town-fr", ["Introduction", "Le pont", "La tour", "La place"], "fr")):
        folder = languages.guides / slug
        record = _record(folder)
        assert [s.title for s in record.stops] == titles
        assert all((folder / s.file).is_file() for s in record.stops)
        playlist = (folder / f"{slug}.m3u8").read_text("utf-8").splitlines()
        assert [line for line in playlist if not line.startswith("#")] == [s.file for s in record.stops]
        with zipfile.ZipFile(folder / f"{slug}.zip") as archive:
            assert archive.namelist() == [f"{slug}/{s.file}" for s in record.stops] + [f"{slug}/{slug}.m3u8"]
        assert [c.title for c in MP4(folder / f"{slug}.m4b").chapters] == titles
        feed = podcastparser.parse(f"http://127.0.0.1:8000/guides/{slug}/feed.xml",
                                   io.BytesIO((folder / "feed.xml").read_bytes()))
        assert len(feed["episodes"]) == len(titles)
        assert all(e["enclosures"][0]["url"].startswith(f"http://127.0.0.1:8000/guides/{slug}/")
                   for e in feed["episodes"])
        assert f"<language>{language}</language>" in (folder / "feed.xml").read_text("utf-8")


def test_pages_link_their_languages(languages: Languages) -> None:
    """Each page names every language in itself, with hreflang links (absolute, itself included)
    and a picker of relative links that work offline and from file://."""
    for slug, lang in (("old-town", "en"), ("old-town-fr", "fr")):
        page = BeautifulSoup((languages.guides / slug / "index.html").read_text("utf-8"), "html.parser")
        assert page.html is not None and page.html["lang"] == lang
        alternates = {link["hreflang"]: link["href"] for link in page.select('link[rel="alternate"][hreflang]')}
        assert alternates == {"en": "http://127.0.0.1:8000/guides/old-town/",
                              "fr": "http://127.0.0.1:8000/guides/old-town-fr/"}
        picker = page.select("#languages a")
        assert [(a["hreflang"], a["lang"], a.get_text(strip=True), a["href"]) for a in picker] == [
            ("en", "en", "English", "../old-town/index.html"),
            ("fr", "fr", "Français", "../old-town-fr/index.html")]
        assert [a["data-lang"] for a in picker if a.get("aria-current") == "page"] == [lang]
        manifest = json.loads((languages.guides / slug / "manifest.webmanifest").read_text("utf-8"))
        assert manifest["lang"] == lang


def test_a_language_taken_down_leaves_no_link_to_it(languages: Languages, tmp_path: Path) -> None:
    """The other language's page still linked to it (and sent a listener who had chosen it
    there, to a page that was gone), even after a render."""
    root = tmp_path / "project"
    shutil.copytree(languages.root, root)
    (root / "episodes" / "old-town-fr.md").unlink()
    code, out, err = run(root, "unpublish", "old-town-fr")
    assert code == 0, err
    page = BeautifulSoup((root / "output" / "guides" / "old-town" / "index.html").read_text("utf-8"), "html.parser")
    assert page.select('link[rel="alternate"][hreflang]') == [] and page.select("#languages") == []
    assert "old-town-fr" not in str(page)
    assert run(root, "render")[0] == 0
    assert "old-town-fr" not in (root / "output" / "guides" / "old-town" / "index.html").read_text("utf-8")


def test_a_language_no_engine_here_speaks_is_one_line_naming_the_fix(languages: Languages, tmp_path: Path) -> None:
    root = tmp_path / "project"
    make_project(root)
    german = ENGLISH.replace("guide: old-town", "guide: old-town\nslug: old-town-de\nlanguage: de")
    (root / "episodes" / "old-town-de.md").write_text(german, "utf-8")
    code, _, err = run(root, "render", str(root / "episodes" / "old-town-de.md"))
    assert code == 2
    [line] = err.strip().splitlines()
    assert line.startswith(f"Error: {root / 'episodes' / 'old-town-de.md'}: is written in de but the piper voice "
                           "en_US-joe-medium speaks en-US. Choose a voice for de: put engine: gtts in its front matter")
    assert not (root / "output" / "guides" / "old-town-de").exists()
    # Two scripts for one language of one guide: the second is refused, the first renders.
    (root / "episodes" / "old-town-de.md").unlink()
    twin = ENGLISH.replace("guide: old-town", "guide: old-town\nslug: old-town-again")
    (root / "episodes" / "old-town-again.md").write_text(twin, "utf-8")
    code, out, err = run(root, "render", str(root / "episodes" / "old-town.md"),
                         str(root / "episodes" / "old-town-again.md"))
    assert code != 0
    assert (f"{root / 'episodes' / 'old-town-again.md'}: guide 'old-town' has another script in en: "
            f"{root / 'episodes' / 'old-town.md'}") in err
    assert (root / "output" / "guides" / "old-town" / "guide.json").is_file()
    assert not (root / "output" / "guides" / "old-town-again").exists()


@pytest.mark.browser
def test_language_picker_switches_and_remembers(browser: Any, languages: Languages) -> None:
    server = create_server(languages.root / "output", "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.port}/guides/"
    try:
        context = browser.new_context()
        page = context.new_page()
        errors = page_errors(page)
        page.goto(base + "old-town/#stop-2", wait_until="load")
        assert page.evaluate("document.documentElement.lang") == "en"
        page.get_by_role("link", name="Français").click()
        page.wait_for_url(base + "old-town-fr/index.html#stop-2")
        assert page.evaluate("document.documentElement.lang") == "fr"
        assert page.inner_text("#stop-2-title").endswith("La tour")
        # Remembered: the English address (a QR code on an English placard) opens in French.
        page.goto(base + "old-town/#stop-1", wait_until="load")
        page.wait_for_url(base + "old-town-fr/index.html#stop-1")
        assert page.evaluate("document.documentElement.lang") == "fr"
        page.get_by_role("link", name="English").click()
        page.wait_for_url(base + "old-town/index.html#stop-1")
        page.goto(base + "old-town-fr/", wait_until="load")
        page.wait_for_url(base + "old-town/index.html")
        assert page.evaluate("document.documentElement.lang") == "en"
        # A stop English does not have (a French placard's QR code for stop 3): it stays in
        # French at that stop, instead of the top of the English page
        page.goto(base + "old-town-fr/#stop-3", wait_until="load")
        assert page.evaluate("document.documentElement.lang") == "fr" and page.url.endswith("old-town-fr/#stop-3")
        assert page.inner_text("#stop-3-title").endswith("La place")
        assert errors == []
        context.close()
    finally:
        server.shutdown()
        server.server_close()


def test_languages_with_different_stops_are_named_at_render(languages: Languages, tmp_path: Path,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    from audioguide.config import load_config
    from audioguide.guide.files import link_languages

    root = tmp_path / "project"
    shutil.copytree(languages.root, root)
    with caplog.at_level(logging.WARNING, logger="audioguide"):  # the fixture's render was -q
        link_languages(load_config(root), root / "output", root / "output" / "cover.jpg", {"old-town"})
    assert "guide 'old-town': its languages have different stops (en: 0 to 2, fr: 0 to 3)" in caplog.text
