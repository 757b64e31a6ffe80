"""The ``audioguide`` command (and ``python -m audioguide``)."""

import atexit
import os
import sys
import threading
from typing import NoReturn


def run() -> NoReturn:
    """Run the command line. numpy's OpenBLAS starts a thread per core when numpy is imported,
    and they spin: 0.1 CPU s in every process (measured: ``import numpy`` and a 2 s sleep took
    0.16 CPU s, 0.06 with one thread), for nothing, as audioguide does no linear algebra. One
    thread is asked for before anything imports numpy, unless the environment says otherwise."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from audioguide.cli import main

    try:
        main()
    except SystemExit as done:
        leave(done.code)
    leave(0)


def leave(code: object) -> NoReturn:
    """End the process with ``code`` (as ``sys.exit`` takes it) once the command is done,
    without the interpreter's teardown: what is registered to run at exit runs (logging's
    flush, temporary folders' clean-up), the standard streams are flushed, and then the process
    ends. The teardown frees every object one by one, the loaded voice's sessions among them:
    0.1 s of the 1.2 s a one-sentence edit takes, and of the 0.4 s of a render with nothing to
    do. Every file a command writes is closed before it returns; a thread still at work (none is,
    when a command returns) gets the ordinary exit, which waits for it."""
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        raise SystemExit(code)
    status = 0 if code is None else code if isinstance(code, int) else 1
    if not isinstance(code, int) and code is not None:
        print(code, file=sys.stderr)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe, or a closed stream: nothing more to say
            status = status or 1
    os._exit(status)


if __name__ == "__main__":
    run()
