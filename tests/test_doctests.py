"""The examples in the docstrings of every module outside ``speech.normalize`` (whose many
doctests run in ``test_normalize.py``) are run, so they cannot drift from the code."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import audioguide

MODULES = sorted(m.name for m in pkgutil.walk_packages(audioguide.__path__, "audioguide.")
                 if not m.name.startswith("audioguide.speech.normalize") and m.name != "audioguide.__main__")


def test_modules_with_examples_are_found() -> None:
    assert {"audioguide.settings", "audioguide.stamps", "audioguide.lexicon"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
