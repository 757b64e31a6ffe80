"""Find the ffmpeg binary and hand it to pydub before pydub looks for one.

Order: ``AUDIOGUIDE_FFMPEG`` (a path), then the static binary shipped by the ``imageio-ffmpeg``
package (a known version, with every filter and encoder the render uses), and only without that
package an ``ffmpeg`` on ``PATH``. A system's own ffmpeg may be older: Debian 12's 5.1 cannot
parse ``ebur128=framelog=quiet``, and every render failed with "Conversion failed!" once it was
installed. pydub warns at import when it finds no ``ffmpeg``
on ``PATH``; importing pydub through :func:`pydub_audio_segment` avoids that warning.
"""

from __future__ import annotations

import ctypes
import functools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from audioguide.errors import BuildError, EngineError

if TYPE_CHECKING:
    from pydub import AudioSegment


@functools.cache
def ffmpeg_exe() -> str:
    """The ffmpeg binary to run, resolved once per process."""
    override = os.environ.get("AUDIOGUIDE_FFMPEG")
    if override:
        if not (Path(override).is_file() and os.access(override, os.X_OK)):
            raise EngineError(
                f"AUDIOGUIDE_FFMPEG points at {override!r}, which is not an executable file",
                fix="Unset it to use the bundled ffmpeg, or point it at an ffmpeg binary",
            )
        return override
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # pragma: no cover - it is a hard dependency
        on_path = shutil.which("ffmpeg")
        if on_path:
            return on_path
        raise EngineError(
            "no ffmpeg found", fix="pip install imageio-ffmpeg, or set AUDIOGUIDE_FFMPEG"
        ) from exc
    bundled: str = imageio_ffmpeg.get_ffmpeg_exe()
    return bundled


@functools.cache
def audio_segment_class() -> type[AudioSegment]:
    """pydub's ``AudioSegment``, configured to use :func:`ffmpeg_exe`, without the PATH warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Couldn't find ffmpeg", category=RuntimeWarning)
        warnings.filterwarnings("ignore", message="Couldn't find ffprobe", category=RuntimeWarning)
        from pydub import AudioSegment
    AudioSegment.converter = ffmpeg_exe()
    return cast("type[AudioSegment]", AudioSegment)


def _die_with_parent() -> None:
    """In a child process (before ffmpeg starts, or in a Dask worker started here): the kernel
    kills it when its parent dies, even by SIGKILL (Linux's parent-death signal, which survives
    the exec). One system call: safe between fork and exec."""
    _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _prctl() -> Any:
    """libc's ``prctl``, looked up before any fork (the child must not load libraries)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PR_SET_PDEATHSIG = 1
_PRCTL = _prctl()
CHILD_SETUP = _die_with_parent if _PRCTL is not None else None
"""``preexec_fn`` for every child process a render starts (ffmpeg here, and worker processes):
no child outlives the render on Linux. Elsewhere ``None``."""


@functools.cache
def _setpriv() -> list[str] | None:
    """util-linux's ``setpriv --pdeathsig KILL --``, when it is there and knows the option.

    Through it, ffmpeg is started with the same parent-death signal without a ``preexec_fn``:
    Python then starts children with ``vfork``, not ``fork``. A fork copies the page tables of
    a render holding a loaded voice (about 300 MB), and every page a synthesis thread writes
    until the exec is copied: measured from a process with the voice loaded, a child cost 26 ms
    against 13 ms (6.4 against 0.8 ms of the parent's processor), and a render starts one or
    two ffmpeg for each 20 s of its audio."""
    if CHILD_SETUP is None:
        return None
    found = shutil.which("setpriv")
    if found is None:
        return None
    launcher = [found, "--pdeathsig", "KILL", "--"]
    try:
        ok = subprocess.run([*launcher, "true"], capture_output=True, check=False).returncode == 0
    except OSError:
        ok = False
    return launcher if ok else None


def _spawn(cmd: list[str], input: bytes | None) -> subprocess.CompletedProcess[bytes]:
    launcher = _setpriv()  # the parent-death signal through setpriv, else between fork and exec
    return subprocess.run([*(launcher or []), *cmd], input=input, capture_output=True, check=False,
                          preexec_fn=None if launcher else CHILD_SETUP)


def run(args: list[str], *, input: bytes | None = None, what: str = "ffmpeg") -> bytes:
    """Run ffmpeg with ``args``; return stdout, raise :class:`BuildError` with its last error line."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *args]
    proc = _spawn(cmd, input)
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BuildError(f"{what} failed: {lines[-1] if lines else f'exit code {proc.returncode}'}")
    return proc.stdout


def run_with_log(args: list[str], *, input: bytes | None = None, what: str = "ffmpeg") -> str:
    """Run ffmpeg at info log level and return what it printed on stderr (filter reports)."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "info", *args]
    proc = _spawn(cmd, input)
    err = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        lines = err.strip().splitlines()
        raise BuildError(f"{what} failed: {lines[-1] if lines else f'exit code {proc.returncode}'}")
    return err


_OPTION_SPECIAL = re.compile(r"([\\':\s])")
_GRAPH_SPECIAL = re.compile(r"([\\'\[\],;\s])")


def filter_value(text: str) -> str:
    r"""``text`` (a file name, say) as the value of a filter option in an ``-af`` filtergraph.

    ffmpeg unescapes a filtergraph twice: once as the whole graph (where ``[ ] , ;`` separate
    filters), then as each filter's options (where ``:`` separates them). So every special
    character (and white space, which ffmpeg trims) is escaped with a backslash for the options,
    and the result again for the graph. No quotes: inside ffmpeg's single quotes a ``'`` cannot
    be written at all, which made every render of a project in "O'Brien show" fail.

    >>> print(filter_value("a'b:c,d [e];f"))
    a\\\'b\\:c\,d\\\ \[e\]\;f
    """
    return _GRAPH_SPECIAL.sub(r"\\\1", _OPTION_SPECIAL.sub(r"\\\1", text))


def last_json_object(text: str) -> dict[str, Any]:
    """The last ``{...}`` block in ffmpeg's log (how ``loudnorm`` prints its measurements)."""
    end = text.rfind("}")
    start = text.rfind("{", 0, end)
    if start < 0 or end < 0:
        raise BuildError("ffmpeg printed no measurement")
    measured: dict[str, Any] = json.loads(text[start : end + 1])
    return measured
