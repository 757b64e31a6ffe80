"""Pronunciation lexicon, per-episode voice settings, and how planning applies normalisation."""

from __future__ import annotations

from pathlib import Path

import pytest

from audioguide.config import parse_config
from audioguide.errors import ConfigError
from audioguide.ingest import script as scripts
from audioguide.lexicon import Entry, Lexicon
from audioguide.models import Block, EpisodeMeta, Script, Section
from audioguide.render.inputs import (
    Overrides,
    engine_choice,
    episode_plan,
    episode_voice,
)
from audioguide.settings import VoiceConfig
from audioguide.speech.engines import EngineSettings, create_engine
from audioguide.speech.plan import plan


@pytest.mark.parametrize(("entries", "text", "expected"), [
    ({"Nguyen": "win"}, "Mr Nguyen, NGUYEN, nguyen.", "Mr win, win, nguyen."),  # capitals: as written or shouted
    ({"US": "you ess"}, "US and Us and us", "you ess and Us and us"),           # all capitals: only so
    ({"gif": "jif"}, "A GIF, a Gif and a gif.", "A jif, a jif and a jif."),     # lowercase: any case
    ({"New York": "Noo York"}, "New  York and New Yorkers", "Noo York and New Yorkers"),  # phrase, whole words
    ({"St": "Saint", "St Ives": "Saint Eyes"}, "St Ives", "Saint Eyes"),        # longest wins
    ({"cafe": "kaffay"}, "the cafeteria", "the cafeteria"),                      # not inside words
])
def test_lexicon_rules(entries: dict[str, str], text: str, expected: str) -> None:
    problems: list[str] = []
    from audioguide.lexicon import parse_lexicon

    lex = parse_lexicon(entries, "lexicon", problems)
    assert not problems
    assert lex.apply(text) == expected


def test_piper_phonemes_survive_normalisation() -> None:
    lex = Lexicon((Entry("GIF", "jif", "dʒˈɪf"),))
    meta = EpisodeMeta("T", "t", __import__("datetime").date(2026, 1, 1))
    s = Script(meta, (Section(None, (Block("paragraph", "The GIF cost $5."),)),))
    [piper] = plan(s, VoiceConfig(), lexicon=lex, phonemes=True)
    [other] = plan(s, VoiceConfig(), lexicon=lex, phonemes=False)
    assert piper.text == "The [[ dʒˈɪf ]] cost five dollars."
    assert other.text == "The jif cost five dollars."
    assert piper.display == "The GIF cost $5."


def test_piper_speaks_the_phonemes() -> None:
    """Piper takes ``[[ … ]]`` as raw phonemes instead of reading the word with espeak."""
    engine = create_engine("piper", EngineSettings())
    voice = engine._load()
    [phonemes] = voice.phonemize("The [[ dʒˈɪf ]] cost")
    assert "".join(phonemes).count("dʒˈɪf") == 1
    [espeak] = voice.phonemize("The GIF cost")
    assert "dʒˈɪf" not in "".join(espeak)
    assert engine.synthesize("The [[ dʒˈɪf ]] cost.").seconds > 0.5


def test_front_matter_lexicon_and_voice_settings(tmp_path: Path) -> None:
    path = tmp_path / "ep.md"
    path.write_text("---\ntitle: T\nrate: 1.2\nsection_pause: 2.5\nlexicon:\n  Nguyen: win\n---\n\n"
                    "Hello Nguyen.\n\n## Part\n\nMore text.\n")
    s = scripts.load(path)
    config = parse_config({"lexicon": {"hello": "hullo", "Nguyen": "noo yen"}}, tmp_path)
    voice = episode_voice(config, s)
    assert voice.rate == 1.2 and voice.section_pause == 2.5 and voice.sentence_pause == 0.3
    assert engine_choice(config, s, Overrides())[1].rate == 1.2
    utterances = episode_plan(config, s, Overrides(engine="gtts"))
    assert utterances[0].text == "hullo win."  # the episode's entry wins over the show's
    assert utterances[0].pause_after == 2.5
    assert scripts.load(path) == s and "lexicon:" in scripts.dumps(s)


def test_bad_lexicon_and_voice_settings_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="lexicon.x"):
        parse_config({"lexicon": {"x": 5}}, tmp_path)
    path = tmp_path / "ep.md"
    path.write_text("---\ntitle: T\nrate: 9\nlexicon: [1]\n---\n\nText.\n")
    with pytest.raises(ConfigError) as info:
        scripts.load(path)
    assert len(info.value.problems) == 2


def test_plan_normalises_but_keeps_the_written_text_for_captions() -> None:
    meta = EpisodeMeta("T", "t", __import__("datetime").date(2026, 1, 1))
    s = Script(meta, (Section("Prices", (
        Block("paragraph", "Tickets cost $12.50 on 3/4/2025."),
        Block("item", "Deeper Insight: More detail here.", number=1),
    )),))
    heading, price, item = plan(s, VoiceConfig())
    assert heading.text == "Prices." and heading.display == "Prices"
    assert price.text == "Tickets cost twelve dollars and fifty cents on March fourth, twenty twenty-five."
    assert price.display == "Tickets cost $12.50 on 3/4/2025."
    assert item.text.startswith("First, deeper insight.") and item.display.startswith("1. Deeper Insight:")
    german = plan(s, VoiceConfig(), language="de")
    assert german[1].text == "Tickets cost $12.50 on 3/4/2025."


# --------------------------------------------------------------------------- replacements are final
# Issue 13, point 9: "Manteigaria" in a list item's label was lowercased before the lookup, and
# the respelling "bee-FAH-nah" came out spelled as an abbreviation.

LISBON = Lexicon((Entry("Manteigaria", "man-tay-gah-REE-ah"), Entry("bifana", "bee-FAH-nah")))


def _meta() -> EpisodeMeta:
    return EpisodeMeta("T", "t", __import__("datetime").date(2026, 1, 1))


def test_capitalised_entry_in_a_list_label() -> None:
    """The user's first case: a numbered item whose label is the name."""
    s = Script(_meta(), (Section(None, (Block("item", "Manteigaria: custard tarts, 2 for €3.", number=1),)),))
    [u] = plan(s, VoiceConfig(), lexicon=LISBON)
    assert u.text == "First, man-tay-gah-ree-ah. custard tarts, two for three euros."
    assert u.display == "1. Manteigaria: custard tarts, 2 for €3."


def test_respelling_in_capitals_is_not_spelled_out() -> None:
    """The user's second case: stress written in capitals reaches the engine as a word."""
    s = Script(_meta(), (Section(None, (Block("paragraph", "Order a bifana with the FBI at 9pm."),)),))
    [u] = plan(s, VoiceConfig(), lexicon=LISBON)
    assert u.text == "Order a bee-fah-nah with the F.B.I at nine P.M."  # the rest is still normalised


@pytest.mark.parametrize(("written", "spoken"), [
    ("Manteigaria", "man-tay-gah-ree-ah."),                       # a heading
    ("MANTEIGARIA AND THE BIFANA", "man-tay-gah-ree-ah and the bee-fah-nah."),  # shouted: still the entries
    ("manteigaria", "manteigaria."),                              # a capitalised key needs its capital
    ("Bifana at Manteigaria: 3 stops", "bee-fah-nah at man-tay-gah-ree-ah: three stops."),
])
def test_entries_in_headings(written: str, spoken: str) -> None:
    s = Script(_meta(), (Section(written, (Block("paragraph", "Go."),)),))
    heading, _ = plan(s, VoiceConfig(), lexicon=LISBON)
    assert (heading.text, heading.display) == (spoken, written)


@pytest.mark.parametrize(("number", "written", "spoken"), [
    (2, "The Manteigaria Counter: open at 8.", "Second, the man-tay-gah-ree-ah counter. open at eight."),
    (3, "Bifana: cheap.", "Third, bee-fah-nah. cheap."),
    (None, "Manteigaria: bulleted, as written.", "man-tay-gah-ree-ah: bulleted, as written."),
    (12, "Dr. Manteigaria said so.", "Number twelve, Doctor man-tay-gah-ree-ah said so."),  # a name after Dr.
])
def test_entries_in_list_items(number: int | None, written: str, spoken: str) -> None:
    s = Script(_meta(), (Section(None, (Block("item", written, number=number),)),))
    [u] = plan(s, VoiceConfig(), lexicon=LISBON)
    assert u.text == spoken


def test_phonemes_and_respellings_together_in_a_label() -> None:
    lex = LISBON.merged(Lexicon((Entry("Manteigaria", "x", "mɐ̃tɐjɡɐˈɾiɐ"),)))
    s = Script(_meta(), (Section(None, (Block("item", "Manteigaria: a bifana, 2 tarts.", number=1),)),))
    [u] = plan(s, VoiceConfig(), lexicon=lex, phonemes=True)
    assert u.text == "First, [[ mɐ̃tɐjɡɐˈɾiɐ ]]. a bee-fah-nah, two tarts."


def test_lexicon_reaches_the_engine_through_a_render(tone_project: Path) -> None:
    """Through the CLI: the text the engine spoke (each cue's ``spoken``) has the entries."""
    import json

    from audioguide.cli import cli
    from tests.clirunner import cli_runner

    toml = tone_project / "audioguide.toml"
    toml.write_text(toml.read_text("utf-8") + '\n[lexicon]\nManteigaria = "man-tay-gah-REE-ah"\n'
                    'bifana = "bee-FAH-nah"\n', "utf-8")
    for old in (tone_project / "episodes").glob("*.md"):
        old.unlink()
    (tone_project / "episodes" / "lisbon.md").write_text(
        "---\ntitle: Lisbon bites\nslug: lisbon\ndate: 2026-11-25\n---\n\n## Manteigaria\n\n"
        "1. Manteigaria: custard tarts, 2 for €3.\n2. Bifana: pork in a roll.\n\n"
        "Ask for a BIFANA at Manteigaria.\n", "utf-8")
    result = cli_runner().invoke(cli, ["-C", str(tone_project), "render"])
    assert result.exit_code == 0, result.output
    record = json.loads((tone_project / "output" / "episodes" / "lisbon.json").read_text("utf-8"))
    spoken = [c.get("spoken", c["text"]) for c in record["cues"]]
    assert "man-tay-gah-ree-ah." in spoken  # the heading
    assert "First, man-tay-gah-ree-ah. custard tarts, two for three euros." in spoken
    assert "Second, bee-fah-nah. pork in a roll." in spoken
    assert "Ask for a bee-fah-nah at man-tay-gah-ree-ah." in spoken
