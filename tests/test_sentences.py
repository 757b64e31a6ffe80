"""Where sentences end: not at an abbreviation before a number or a name (round 12, bug 7)."""

from __future__ import annotations

import pytest

from audioguide.ingest.sentences import split_sentences
from audioguide.models import Block
from audioguide.speech.plan import block_sentences


@pytest.mark.parametrize(("written", "said"), [
    # was 'It is approximately.' / 'five kilometers away, in vol.' / 'three of the atlas.'
    ("It is approx. 5 km away, in vol. 3 of the atlas.",
     ["It is approximately five kilometers away, in volume three of the atlas."]),
    ("Source: Urban Forestry Journal, vol. 12. See ch. 4 and no. 5.",
     ["Source: Urban Forestry Journal, volume twelve.", "See chapter four and number five."]),
    ("See fig. 2 on p. 12 and pp. 12–14. It was built c. 1850.",
     ["See figure two on page twelve and pages twelve to fourteen.",
      "It was built circa eighteen fifty."]),
    # an abbreviation before a capital may still end the sentence
    ("It happened in Jan. Then we left.", ["It happened in January.", "Then we left."]),
])
def test_english_abbreviations_before_a_number_end_no_sentence(written: str, said: list[str]) -> None:
    assert [spoken for spoken, _ in block_sentences(Block("paragraph", written), "en")] == said


@pytest.mark.parametrize(("language", "written", "sentences"), [
    ("es", "Lo dijo el Sr. García y la Sra. López. Bien.",
     ["Lo dijo el Sr. García y la Sra. López.", "Bien."]),
    ("es", "¡Está en la C/ Mayor, n.º 5! Vale.", ["¡Está en la C/ Mayor, n.º 5!", "Vale."]),
    ("fr", "Il y a des fruits, p. ex. des pommes. Oui.", ["Il y a des fruits, p. ex. des pommes.", "Oui."]),
    ("de", "Geöffnet Mo.–Fr. 9–17 Uhr, Tel. +49 30 1234567. Danke.",
     ["Geöffnet Mo.–Fr. 9–17 Uhr, Tel. +49 30 1234567.", "Danke."]),
    ("pl", "W 1364 r. założono uniwersytet. Kosztuje ok. 6 €. Tak.",
     ["W 1364 r. założono uniwersytet.", "Kosztuje ok. 6 €.", "Tak."]),
    ("pl", "Mieszkam przy ul. Marszałkowskiej 5. Dobrze.", ["Mieszkam przy ul. Marszałkowskiej 5.", "Dobrze."]),
])
def test_other_languages_keep_their_abbreviations_in_the_sentence(
        language: str, written: str, sentences: list[str]) -> None:
    assert split_sentences(written, language) == sentences


@pytest.mark.parametrize(("written", "said"), [
    # each was cut in two after the period or question mark
    ("He lives at 12 Main St., near the park.", ["He lives at twelve Main Street, near the park."]),
    ("See https://example.com/search?q=cats for cats. Or www.example.org/a!b today.",
     ["See example dot com for cats.", "Or example dot org today."]),
    ("It runs C# and .NET on Linux.", ["It runs C sharp and .NET on Linux."]),
    ("Send it by Fri. Nov. 30. We met at 3:00 a.m. GMT. Then came Pt. Reyes and Ft. Worth.",
     ["Send it by Friday November thirtieth.", "We met at three A.M G.M.T.",
      "Then came Point Reyes and Fort Worth."]),
    ("Ask Lt. Col. Reed. Mr. and Mrs. Li came.", ["Ask Lieutenant Colonel Reed.", "Mister and Missus Li came."]),
    # a weekday and an a.m. may still end a sentence
    ("We meet on Fri. Then we rest at 9 a.m. Later we go.",
     ["We meet on Friday.", "Then we rest at nine A.M.", "Later we go."]),
])
def test_english_sentences_do_not_end_inside_a_name_or_an_address(written: str, said: list[str]) -> None:
    """Round 13, bug 3."""
    assert [spoken for spoken, _ in block_sentences(Block("paragraph", written), "en")] == said


def test_long_text_is_cut_between_words_and_a_long_url_stays_whole() -> None:
    """A 600-segment URL was cut every 2,000 characters, its pieces read as "seven or seg two
    hundred ninety-eight or seg…" for minutes; now it stays whole and only its host is said."""
    url = "https://example.com/" + "/".join(f"seg{i}" for i in range(600))
    said = [spoken for spoken, _ in block_sentences(Block("paragraph", f"The text is here. See {url} for more."), "en")]
    assert said == ["The text is here.", "See example dot com for more."]
    words = " ".join(f"word{i}" for i in range(1500))  # no sentence end: cut at whitespace only
    assert " ".join(split_sentences(words)) == words
