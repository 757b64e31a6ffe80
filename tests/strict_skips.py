"""Nothing skips silently: under CI (``CI`` set to anything but ``false``/``0``), a skipped test
fails the run unless it is one of the two skips that cannot be helped here — the live-internet
gTTS test (no internet on these machines) and the unreadable-file case (root reads anything).

Loaded for every run through ``-p tests.strict_skips`` in ``pyproject.toml``.
"""

from __future__ import annotations

import os

import pytest

ALLOWED = (
    "Google's TTS service is not reachable",
    "running as root: chmod 000",
)
"""The beginnings of the only skip reasons allowed under CI."""


def strict() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


_unexpected: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if not report.skipped or not strict() or getattr(report, "wasxfail", None) is not None:
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    reason = reason.removeprefix("Skipped: ")
    if not reason.startswith(ALLOWED):
        _unexpected.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _unexpected and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _unexpected:
        terminalreporter.section("skips not allowed under CI", sep="=", red=True)
        for line in _unexpected:
            terminalreporter.write_line(line)
