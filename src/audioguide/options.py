"""The command line's shared options: global options that may follow the command, and the
options ``render`` and ``watch`` share (kept out of :mod:`audioguide.cli`, which holds the
commands)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

GLOBAL_FLAGS = {"-q", "--quiet", "-v", "-vv", "-vvv", "--verbose"}
GLOBAL_WITH_VALUE = {"-C", "--project"}


def hoist_global_options(args: list[str], commands: set[str]) -> list[str]:
    """Move the global options written after the command name in front of it, so that
    ``audioguide render -v`` means what ``audioguide -v render`` does.

    >>> hoist_global_options(["render", "-v", "--jobs", "2", "-C", "p"], {"render"})
    ['-v', '-C', 'p', 'render', '--jobs', '2']
    >>> hoist_global_options(["import", "a.md", "--", "-v"], {"import"})
    ['import', 'a.md', '--', '-v']
    >>> hoist_global_options(["-C", "render", "render", "-q"], {"render"})
    ['-C', 'render', '-q', 'render']
    """
    first, i = None, 0
    while i < len(args) and first is None:  # the command: the first word that is not a value
        if args[i] in GLOBAL_WITH_VALUE:
            i += 1
        elif args[i] in commands:
            first = i
        i += 1
    if first is None:
        return args
    before, rest, hoisted = args[: first + 1], args[first + 1 :], []
    kept: list[str] = []
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg == "--":
            kept += rest[i:]
            break
        name = arg.split("=", 1)[0]
        if arg in GLOBAL_FLAGS:
            hoisted.append(arg)
        elif name in GLOBAL_WITH_VALUE and "=" in arg:
            hoisted.append(arg)
        elif arg in GLOBAL_WITH_VALUE and i + 1 < len(rest):
            hoisted += [arg, rest[i + 1]]
            i += 1
        else:
            kept.append(arg)
        i += 1
    return [*before[:first], *hoisted, *before[first:], *kept]


class Group(click.Group):
    """The top-level group: global options may also follow the command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(list(args), set(self.commands)))

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a full disk or a read-only folder is one line naming the file and
        the fix (exit 1), from any command, not a traceback."""
        from audioguide.errors import unwritable

        try:
            return super().invoke(ctx)
        except OSError as exc:
            said = unwritable(exc)
            if said is None:
                raise
            raise said from exc


class Duration(click.ParamType):
    """A duration with units (``90m``, ``6h``, ``1h30m``) or ``none``, as seconds."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        from audioguide.settings import DURATION_FIX, parse_duration

        seconds = parse_duration(str(value))
        if seconds is None:
            self.fail(f"{value!r} is not {DURATION_FIX}", param, ctx)
        return seconds


def render_options(command: Any) -> Any:
    """The options ``render`` and ``watch`` share: what to render, and how."""
    options = [
        click.argument("episodes", nargs=-1, type=click.Path(path_type=Path)),
        click.option("--engine", help="Speech engine for this run (piper, gtts)."),
        click.option("--voice", help="Voice for this run (engine-specific; a .onnx path for piper)."),
        click.option("--out", type=click.Path(file_okay=False, path_type=Path),
                     help="Output folder (default: output/ in the project)."),
        click.option("--guide", is_flag=True,
                     help="Render as audio guides: one numbered track per section, into output/guides/."),
        click.option("-j", "--jobs", type=click.IntRange(1, 64),
                     help="Sentences synthesized at once (default: number of CPU cores)."),
        click.option("--any-language", is_flag=True,
                     help="Read items with the voice chosen even when it speaks another language than "
                          "the item is written in (default: such items are refused)."),
        click.option("--max-duration", type=Duration(), metavar="DURATION",
                     help="Refuse items estimated to be longer than this (90m, 6h, 1h30m; 'none' for no "
                          "limit). Default: max_duration under [render] in audioguide.toml."),
    ]
    for option in reversed(options):
        command = option(command)
    return command
