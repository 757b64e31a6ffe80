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
    ({"Nguyen": "win"}, "Mr Nguyen met NGUYEN.", "Mr win met NGUYEN."),        # capitals: exact case
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
    assert lex.apply(text)[0] == expected


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
