"""The ``audioguide`` command (and ``python -m audioguide``)."""

import os


def run() -> None:
    """Run the command line. numpy's OpenBLAS starts a thread per core when numpy is imported,
    and they spin: 0.1 CPU s in every process (measured: ``import numpy`` and a 2 s sleep took
    0.16 CPU s, 0.06 with one thread), for nothing, as audioguide does no linear algebra. One
    thread is asked for before anything imports numpy, unless the environment says otherwise."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from audioguide.cli import main

    main()


if __name__ == "__main__":
    run()
