"""One exception tree for every expected failure.

Everything derives from :class:`click.ClickException`, so the CLI prints a one-line message
(``Error: <message>``) and exits with the exception's ``exit_code``, never a traceback.
Input and usage problems exit 2; runtime failures (a voice that cannot run, a service that
does not answer) exit 1. Messages say what went wrong, where, and how to fix it.
"""

from __future__ import annotations

import errno
from pathlib import Path

import click


class AudioguideError(click.ClickException):
    """Base of every error audioguide expects and reports without a traceback."""

    exit_code = 1

    def __init__(self, message: str, *, path: Path | str | None = None, fix: str | None = None):
        parts = [f"{path}: {message}" if path else message]
        if fix:
            parts.append(_sentence(fix))
        super().__init__(" ".join(p if p.endswith(("?", "!")) else p.rstrip(".") + "." for p in parts))
        self.path = path
        self.fix = fix

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle by message, so an error raised on a Dask worker reaches the CLI intact."""
        return _restore, (type(self), self.message, self.exit_code)


COMMANDS = frozenset({"audioguide", "pip", "python", "python3", "git", "ffmpeg", "uv"})
"""Words a fix may start with that are typed as they are."""


def _sentence(fix: str) -> str:
    """A fix as the sentence it is, starting with a capital (unless it starts with a command).

    >>> _sentence("check the address"), _sentence("pip install 'audioguide[piper]'")
    ('Check the address', "pip install 'audioguide[piper]'")
    """
    first = fix.split(" ", 1)[0]
    if first.isalpha() and first.islower() and first not in COMMANDS:
        return fix[0].upper() + fix[1:]
    return fix


def _restore(cls: type[AudioguideError], message: str, exit_code: int) -> AudioguideError:
    error = cls.__new__(cls)
    click.ClickException.__init__(error, message)
    error.path, error.fix = None, None
    # click declares exit_code a ClassVar; the restored error keeps its own, as an instance attribute
    error.__dict__["exit_code"] = exit_code
    return error


def naming(error: AudioguideError, path: Path | str) -> AudioguideError:
    """``error`` as said of the item at ``path``: its message starts with the path unless it
    names it already. An ffmpeg or runtime failure knows no file ("the first segment failed:
    ..."), a full disk only the file being written; with several items rendering, the user must
    be told which one failed."""
    if str(path) not in error.message:
        error.message = f"{path}: {error.message}"
        error.path = error.path or path
    return error


UNWRITABLE = {errno.ENOSPC: "free some disk space", errno.EDQUOT: "free some disk space (your quota is used up)",
              errno.EFBIG: "free some disk space", errno.EROFS: "make that folder writable",
              errno.EACCES: "make that folder writable", errno.EPERM: "make that folder writable"}
"""The errors of a disk or folder that cannot take what is written, and their fix."""


def unwritable(error: OSError) -> AudioguideError | None:
    """A full disk or a read-only folder as one line naming the file and the fix (the command is
    run again after it: writes are atomic, so nothing was left half written); ``None`` for other
    errors, which are bugs and keep their traceback."""
    fix = UNWRITABLE.get(error.errno or 0)
    if fix is None:
        return None
    # a rename (a file staged outside output/, moved into place) names the staged file first and
    # its destination second: the destination's folder is the one that refused it
    where = next((name for name in (error.filename2, error.filename) if name is not None), "a file")
    return BuildError(f"could not be written or removed ({error.strerror})", path=where,
                      fix=f"{fix}, then run the command again")


class InputError(AudioguideError):
    """A bad article, episode script or command-line input (exit code 2)."""

    exit_code = 2


class ConfigError(InputError):
    """``audioguide.toml`` or front matter that does not validate; lists every problem at once:
    one problem is one line, several are a line naming the file and then one line each."""

    def __init__(self, problems: list[str], *, path: Path | str | None = None):
        self.problems = problems
        if len(problems) == 1:
            super().__init__(problems[0], path=path)
        else:
            listed = "".join(f"\n  - {p.rstrip('.')}" for p in problems)
            super().__init__(f"{len(problems)} problems to fix:{listed}", path=path)


class EngineError(AudioguideError):
    """A speech engine that is missing, misconfigured or failed (exit code 1)."""


class BuildError(AudioguideError):
    """A runtime failure while rendering or publishing (exit code 1)."""
