"""The guide page in the guide's language: the catalogs are complete and current, and a German
guide's page, its messages in a real Chromium and its GPX speak German.

The catalogs' messages are extracted again from the templates and the guide's modules (as
``scripts/catalogs`` does, with Babel's own extractors) and compared with the template and with
every language's catalog: a message the page shows that a catalog lacks, or translates with other
placeholders, fails here.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

import audioguide
from audioguide.config import parse_config
from audioguide.guide.page import build_guide_page
from audioguide.models import GuideRecord, Location
from audioguide.publish.site import file_size, local_date
from audioguide.translations import catalog_languages, has_catalog, translations
from tests.browser import page_errors
from tests.test_guide_site import SLUG, _cover, _serve, make_guide

PACKAGE = Path(audioguide.__file__).parent
LOCALES = PACKAGE / "locales"
PLACES = {1: Location(50.08700, 14.42080, 40.0), 2: Location(50.08650, 14.41750, 40.0),
          3: Location(50.08550, 14.41400, 30.0)}


def _read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The messages as the sources mark them today."""
    pot = tmp_path_factory.mktemp("catalogs") / "now.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "-q", "extract", "-F", str(LOCALES / "babel.cfg"), "--no-location",
                    "-o", str(pot), str(PACKAGE)], check=True)
    return _read(pot)


def _ids(catalog: Catalog) -> set[Any]:
    return {m.id for m in catalog if m.id}


def test_the_template_holds_every_message_the_sources_mark(extracted: Catalog) -> None:
    template = _read(LOCALES / "audioguide.pot")
    assert _ids(extracted) == _ids(template), "run scripts/catalogs"
    assert len(_ids(template)) > 60


BRACES = re.compile(r"\{(\w+)\}")


@pytest.mark.parametrize("language", catalog_languages())
def test_each_catalog_translates_every_message_with_its_placeholders(extracted: Catalog,
                                                                    language: str) -> None:
    catalog = _read(LOCALES / language / "LC_MESSAGES" / "audioguide.po")
    assert _ids(catalog) == _ids(extracted), f"{language}: run scripts/catalogs, then translate"
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        assert all(strings) and not message.fuzzy, f"{language}: {ids[0]!r} is not translated"
        assert len(strings) == catalog.num_plurals or len(ids) == 1
        for text in strings:  # the script's {braces} and Python's %(names)s, as the English has
            assert set(BRACES.findall(text)) == set(BRACES.findall(ids[0])), (language, ids[0], text)
            assert set(re.findall(r"%\((\w+)\)", text)) == set(re.findall(r"%\((\w+)\)", ids[0])), text
    assert not [error for _, errors in catalog.check() for error in errors]


def test_a_language_finds_its_catalog_by_tag() -> None:
    assert {"de", "fr", "es", "it", "nl", "pt"} <= set(catalog_languages())
    assert translations("de").gettext("Next stop") == "Nächste Station"
    assert translations("de-AT").gettext("Next stop") == "Nächste Station"
    assert translations("pt_BR").gettext("Next stop") == "Paragem seguinte"  # Portugal's, for now
    assert translations("ja").gettext("Next stop") == "Next stop"
    assert translations("de").ngettext("%(num)d stop", "%(num)d stops", 3) % {"num": 3} == "3 Stationen"
    assert has_catalog("en-GB") and has_catalog("fr-CA") and not has_catalog("ja")


def test_dates_and_sizes_follow_the_language() -> None:
    import datetime as dt

    assert local_date(dt.date(2026, 5, 1), "fr") == "1 mai 2026"
    assert local_date(dt.date(2026, 5, 1), "en") == "1 May 2026"
    assert file_size(3_456_789, "de") == "3,5 MB" and file_size(3_456_789, "en") == "3.5 MB"


# --------------------------------------------------------------------------------------------
# A German guide, built beside an English one from the same record
# --------------------------------------------------------------------------------------------

@dataclass
class Pair:
    english: BeautifulSoup
    german: BeautifulSoup
    german_dir: Path
    url: str
    """The German page, served."""


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    root = tmp_path_factory.mktemp("german") / "project"
    out = root / "output"
    record = make_guide(out / "guides" / SLUG)
    record = dataclasses.replace(record, stops=tuple(
        dataclasses.replace(s, location=PLACES[s.number]) for s in record.stops))
    _cover(out / "cover.jpg")
    server = _serve(out)
    config = parse_config({"show": {"title": "Stadtspaziergänge", "language": "de",
                                    "base_url": f"http://127.0.0.1:{server.port}/"}}, root)
    english_dir = out / "guides" / "english"
    english_dir.mkdir()
    for file in (out / "guides" / SLUG).iterdir():
        (english_dir / file.name).write_bytes(file.read_bytes())
    english: GuideRecord = dataclasses.replace(record, slug="english", language="en")
    german: GuideRecord = dataclasses.replace(record, language="")  # the show's language
    build_guide_page(config, english, english_dir, base_url=config.show.base_url, cover="../../cover.jpg")
    build_guide_page(config, german, out / "guides" / SLUG, base_url=config.show.base_url,
                     cover="../../cover.jpg")
    from audioguide.guide.files import write_route

    write_route(german, out / "guides" / SLUG, config.show.base_url, "de")
    try:
        pages = [BeautifulSoup((out / "guides" / d / "index.html").read_text("utf-8"), "html.parser")
                 for d in ("english", SLUG)]
        yield Pair(pages[0], pages[1], out / "guides" / SLUG, f"http://127.0.0.1:{server.port}/guides/{SLUG}/")
    finally:
        server.shutdown()
        server.server_close()


def _visible_words(soup: BeautifulSoup) -> str:
    page = BeautifulSoup(str(soup), "html.parser")
    for tag in page.select("script, style"):
        tag.decompose()
    labels = " ".join(str(tag[a]) for a in ("aria-label", "title") for tag in page.select(f"[{a}]"))
    return " ".join(page.get_text(" ").split()) + " " + labels


def test_every_english_word_of_the_page_is_german_on_a_german_guide(pair: Pair) -> None:
    words = translations("de")
    english, german = _visible_words(pair.english), _visible_words(pair.german)
    shown = [m.id for m in _read(LOCALES / "audioguide.pot")
             if isinstance(m.id, str) and m.id and not re.search(r"[{%]", m.id) and m.id in english]
    assert len(shown) > 30
    for message in shown:
        assert words.gettext(message) in german, message
        if words.gettext(message) != message and len(message) > 6:
            assert message not in german, message
    assert pair.german.html is not None and pair.german.html["lang"] == "de"
    assert "Station 2: " in pair.german.select_one("#stop-2-title").get_text()  # type: ignore[union-attr]
    assert "3 Stationen" in german and "1. Mai 2026" in german
    script_words = json.loads(pair.german.select_one("#guide-words").string or "")  # type: ignore[union-attr]
    assert script_words["noStop"] == "Es gibt keine Station {number}."
    canonical = pair.german.select_one("link[rel=canonical]")
    assert canonical is not None and str(canonical["href"]).endswith(f"/guides/{SLUG}/")


def test_the_gpx_names_its_waypoints_in_the_guides_language(pair: Pair) -> None:
    gpx = (pair.german_dir / f"{SLUG}.gpx").read_text("utf-8")
    assert "<name>Station 3: The River Gate</name>" in gpx


@pytest.mark.browser
def test_the_german_page_speaks_german_when_used(browser: Any, pair: Pair) -> None:
    context = browser.new_context(geolocation={"latitude": PLACES[3].lat + 0.00007,
                                               "longitude": PLACES[3].lon, "accuracy": 5.0},
                                  permissions=["geolocation"])
    page = context.new_page()
    errors = page_errors(page)
    page.goto(pair.url, wait_until="load")
    page.get_by_role("textbox", name="Nummer auf dem Schild").fill("9")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('keypad-status').textContent.length > 0")
    assert page.inner_text("#keypad-status") == "Es gibt keine Station 9. Die Stationen sind 1 bis 3."
    page.get_by_role("button", name="2", exact=True).click()
    # the 9 is kept, to correct
    page.wait_for_function("document.getElementById('keypad-status').textContent === 'Eingegeben: 9 2'")
    page.click("#near-toggle")
    assert page.inner_text("#near-toggle") == "Keine Stationen mehr anbieten"
    page.wait_for_selector("#near-offer", state="visible", timeout=10_000)
    assert page.inner_text("#near-text") == "Sie sind in der Nähe von Station 3: The River Gate."
    assert page.inner_text("#near-play") == "Station 3 abspielen"
    page.click("#near-play")
    page.wait_for_function("document.getElementById('keypad-status') && "
                           "document.getElementById('now-playing').textContent.startsWith('Jetzt läuft')")
    assert page.inner_text("#now-playing") == "Jetzt läuft Station 3: The River Gate"
    assert errors == []
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("folder", ["english", SLUG])
def test_the_page_fits_a_320_px_phone_with_large_text(browser: Any, pair: Pair, folder: str) -> None:
    """With "Large text" on, "Offer the stop I am near" stuck out of its card and the page
    scrolled sideways (364 px wide in 320): labels did not wrap. German labels are longer still."""
    page = browser.new_page(viewport={"width": 320, "height": 640})
    page.goto(pair.url.replace(f"/{SLUG}/", f"/{folder}/"), wait_until="load")
    page.check("#large-text")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    for selector in ("#near-toggle", ".follow .button"):
        box = page.locator(selector).first.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 320, selector
    page.close()


def test_the_templates_are_compiled_once_a_process() -> None:
    """The translation hooks were inserted between ``@functools.cache`` and ``environment()``:
    every page made a new environment and compiled its template again."""
    from audioguide.publish.site import environment

    assert environment() is environment()
