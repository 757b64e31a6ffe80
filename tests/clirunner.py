"""One CliRunner for every test, with stdout and stderr kept apart on any Click.

Click 8.2 always keeps them apart (and dropped ``mix_stderr``); Click 8.1, which gTTS still
pins, mixes them unless told not to.
"""

from __future__ import annotations

import inspect

from click.testing import CliRunner


def cli_runner() -> CliRunner:
    if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters:
        return CliRunner(mix_stderr=False)  # Click 8.1
    return CliRunner()
