"""No orphans and no leftovers (issue 14, point 5, and the temporary-file part of point 4): a render
killed with SIGKILL during mastering leaves no child process running, and the next render removes
the temporary files it left, which live in the project's .cache/tmp, not in the system's temp folder."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from audioguide import ffmpeg
from audioguide.layout import SCRATCH
from tests.conftest import trim_sample


def _wait_for(condition: object, what: str, limit: float = 120.0) -> None:
    """Wait for a state the process announces (a bound against hangs, not a guess at timing)."""
    deadline = time.monotonic() + limit
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.02)


def _alive(pid: int) -> bool:
    """Running, as opposed to gone or a zombie nobody reaped (PID 1 in a container may not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
@pytest.mark.parametrize("started", ["through setpriv", "by a preexec_fn"])
def test_sigkill_during_mastering_leaves_no_child_and_no_files(tone_project: Path, tmp_path: Path,
                                                               started: str) -> None:
    # children get their parent-death signal from util-linux's setpriv when it is on the PATH
    # (then Python starts them with vfork), else from a preexec_fn between fork and exec
    path = os.environ["PATH"] if started == "through setpriv" else str(tmp_path / "empty")
    assert (shutil.which("setpriv", path=path) is not None) == (started == "through setpriv")
    trim_sample(tone_project)
    ready = tmp_path / "mastering.pid"
    wrapper = tmp_path / "ffmpeg"
    # An ffmpeg that, when asked to master (the limiter is in its filter chain), says so and then
    # stays busy: the render is stopped at that named point, with its mastering child alive.
    wrapper.write_text(f"""#!/bin/sh
case "$*" in
  *alimiter*) echo $$ > "{ready}.tmp"; {shutil.which("mv")} "{ready}.tmp" "{ready}"; exec {shutil.which("sleep")} 600;;
esac
exec "{ffmpeg.ffmpeg_exe()}" "$@"
""")
    wrapper.chmod(0o755)
    system_temp = tmp_path / "system-temp"  # the system's temp folder, as the renders see it
    system_temp.mkdir()
    env = {**os.environ, "TMPDIR": str(system_temp), "PATH": path}
    render = subprocess.Popen([sys.executable, "-m", "audioguide", "-C", str(tone_project), "render"],
                              env={**env, "AUDIOGUIDE_FFMPEG": str(wrapper)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _wait_for(ready.exists, "the render to start mastering")
    child = int(ready.read_text())
    assert _alive(child)
    leftovers = list((tone_project / SCRATCH).rglob("*"))
    # the render's work folders are in the project's scratch (the mix itself is in memory)
    assert any(p.is_dir() and p.name.startswith("audioguide-") for p in leftovers), leftovers
    assert not any(system_temp.iterdir())
    render.send_signal(signal.SIGKILL)
    render.wait()
    _wait_for(lambda: not _alive(child), "the mastering child to end", limit=2.0)

    again = subprocess.run([sys.executable, "-m", "audioguide", "-C", str(tone_project), "render"],
                           capture_output=True, text=True, env=env)
    assert again.returncode == 0, again.stderr
    assert not any((tone_project / SCRATCH).iterdir())
    assert not any(system_temp.iterdir())
    assert (tone_project / "output" / "episodes" / "second-interview.mp3").is_file()
