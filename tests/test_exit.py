"""The command's exit (``audioguide.__main__.leave``): the process ends without the
interpreter's teardown, but nothing the command did or said is lost."""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from audioguide.__main__ import leave

PROGRAM = """
import atexit, sys, threading
from pathlib import Path
from audioguide.__main__ import leave
atexit.register(lambda: Path(sys.argv[1]).write_text("ran at exit"))
print("said", end="")
sys.stderr.write("warned")
{before}
leave({code})
"""


@pytest.mark.parametrize(("code", "status"), [("0", 0), ("None", 0), ("2", 2), ("'a message'", 1)])
def test_the_exit_keeps_the_status_the_output_and_the_exit_handlers(tmp_path: Path, code: str,
                                                                     status: int) -> None:
    marker = tmp_path / "marker"
    done = subprocess.run([sys.executable, "-c", PROGRAM.format(before="", code=code), str(marker)],
                          capture_output=True, text=True)
    assert done.returncode == status
    assert done.stdout == "said"  # buffered, not lost
    assert done.stderr == "warned" + ("a message\n" if "message" in code else "")
    assert marker.read_text() == "ran at exit"


def test_a_thread_still_at_work_gets_the_ordinary_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    # the ordinary exit waits for it; ending the process at once would cut its work short
    ended: list[int] = []
    monkeypatch.setattr(os, "_exit", ended.append)
    monkeypatch.setattr(atexit, "_run_exitfuncs", lambda: None)  # not this test process's handlers
    release = threading.Event()
    worker = threading.Thread(target=release.wait)
    worker.start()
    try:
        with pytest.raises(SystemExit) as exited:
            leave(3)
        assert exited.value.code == 3 and not ended
    finally:
        release.set()
        worker.join()
    leave(4)  # nothing at work any more: the process would end here
    assert ended == [4]
