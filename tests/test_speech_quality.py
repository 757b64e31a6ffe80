"""Measured intelligibility: offline recognition of rendered speech against the spoken script."""

from __future__ import annotations

import numpy as np
import pytest
import soxr

from audioguide.cli import cli
from audioguide.publish.publish import load_records
from audioguide.speech.engines import EngineSettings, create_engine
from audioguide.speech.normalize import normalize
from audioguide.verify.intelligibility import compare, transcribe
from tests.clirunner import cli_runner
from tests.conftest import Rendered

# One sentence per normalisation class: (written, the words normalisation must make heard).
CLASSES = [
    ("cardinals", "We sold 1,250 tickets.", "one thousand two hundred fifty"),
    ("ordinals", "She finished 3rd in the race.", "third"),
    ("currency", "The book costs $12.50 today.", "twelve dollars fifty cents"),
    ("percent", "Prices rose by 45% last year.", "forty five percent"),
    ("dates", "The museum reopened on 3/4/2025.", "march fourth twenty twenty five"),
    ("times", "The tour starts at 9:30am.", "nine thirty"),
    ("years", "The bridge was built in 1999.", "nineteen ninety nine"),
    ("units", "We walked 5 km to the lake.", "five kilometers"),
    ("abbreviations", "Dr. Smith lives on Main St.", "doctor smith main street"),
    ("acronyms", "The FBI opened a new office.", "fbi"),
    ("urls", "Visit https://www.example.com/tours?id=3 for details.", "example dot com"),
    ("symbols", "Salt & pepper are on the table.", "salt and pepper"),
    ("ranges", "Open from 10-12 on Sundays.", "ten to twelve"),
]

ARTICLE = (
    "On 3/4/2025 the museum sold 1,250 tickets at $12.50 each, up 45% vs. 2024. "
    "Dr. Smith (approx. 3rd in line) arrived at 9:30am. The trail is 5 km long & the FBI "
    "opened office No. 7 on Main St. See https://www.example.com/a?b=1 or mail info@example.org. "
    "Call 555-123-4567 between 10-12."
)


@pytest.fixture(scope="module")
def piper():
    """Piper with variation 0: the same audio on every run, so these measurements repeat exactly."""
    return create_engine("piper", EngineSettings(variation=0.0))


def heard(piper, text: str) -> str:
    audio = piper.synthesize(text)
    pcm = np.frombuffer(audio.pcm, dtype="<i2")
    return transcribe(soxr.resample(pcm, audio.sample_rate, 16000).astype("<i2").tobytes())


@pytest.mark.parametrize(("name", "written", "key_words"), CLASSES, ids=[c[0] for c in CLASSES])
def test_each_normalisation_class_is_heard_as_intended(piper, name: str, written: str,
                                                       key_words: str) -> None:
    """The recogniser hears the words normalisation produced for the class, in order.

    (Recognising the rest of a short sentence is the recogniser's business, not ours: it
    varies from one synthesis to the next, so only the class's own words are required.)
    """
    spoken = normalize(written)
    assert compare(key_words, spoken).recall == 1.0, spoken  # the words are what we send
    result = compare(key_words, heard(piper, spoken))
    assert result.recall >= 0.75, (name, spoken, result.heard)


def test_normalised_article_is_understood_far_better_than_raw(piper, record_property) -> None:
    intended = normalize(ARTICLE)
    raw = compare(intended, heard(piper, ARTICLE)).recall
    normalised = compare(intended, heard(piper, intended)).recall
    record_property("recall_raw", raw)
    record_property("recall_normalised", normalised)
    print(f"\nword recall on the numbers article: raw {raw:.2f}, normalised {normalised:.2f}")
    assert normalised >= 0.65
    assert normalised >= raw + 0.15


def test_rendered_sample_recall_at_least_0_80(rendered_sample: Rendered) -> None:
    """``audioguide check --speech`` on the rendered sample: recall per section, overall ≥ 0.80."""
    out = rendered_sample.config.output_dir
    [record] = load_records(out)
    result = cli_runner().invoke(
        cli, ["-C", str(rendered_sample.config.root), "check", "--speech", "--min-recall", "0.80"])
    print("\n" + result.stdout)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "second-interview: word recall per section"
    end = next(i for i, line in enumerate(lines) if line.split()[1:2] == ["overall"])
    sections = lines[1:end]
    assert len(sections) == len(record.chapters)
    for line, chapter in zip(sections, record.chapters, strict=True):
        assert chapter.title in line and float(line.split()[0]) >= 0.6
    assert float(lines[end].split()[0]) >= 0.80
    assert "no problems found" in lines[-1]
