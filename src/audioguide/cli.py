"""The ``audioguide`` command line: parse options, load the config, call one function.

Each command imports its work inside the command, so ``audioguide --help`` stays fast.
Expected errors are :class:`~audioguide.errors.AudioguideError` (a ``ClickException``): one
line, no traceback; exit 2 for input and usage errors, 1 for runtime failures.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click

from audioguide import __version__
from audioguide.options import Group, render_options


class Context:
    """Options shared by every command."""

    def __init__(self, project: Path | None, quiet: bool = False) -> None:
        self._project = project
        self._root: Path | None = None
        self.quiet = quiet

    def root(self, required: bool = True) -> Path:
        """The project folder, found once (``watch`` keeps it while its config is away)."""
        from audioguide.config import project_root

        if self._root is None:
            self._root = project_root(self._project, Path.cwd(), required=required)
        return self._root

    def config(self, required: bool = True) -> Any:
        """The project's settings; without ``required``, the defaults outside any project."""
        from audioguide.config import load_config

        return load_config(self.root(required))


pass_ctx = click.make_pass_decorator(Context)

@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="audioguide")
@click.option("-C", "--project", type=click.Path(file_okay=False, path_type=Path),
              help="Project folder (default: the nearest folder with audioguide.toml).")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.pass_context
def cli(ctx: click.Context, project: Path | None, verbose: int, quiet: bool) -> None:
    """Turn written articles into podcast episodes and audio guides."""
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    logging.getLogger("audioguide").setLevel(level)
    ctx.obj = Context(project, quiet)


@cli.command("import")
@click.argument("article")
@click.option("--slug", help="File name for the script (default: the article's slug, else from the title).")
@click.option("--force", is_flag=True,
              help="Update the script from the article, keeping your edits; or import an article a "
                   "second time under another --slug.")
@click.option("--replace", is_flag=True, help="Overwrite the script with the article as it is now (drops your edits).")
@pass_ctx
def import_(ctx: Context, article: str, slug: str | None, force: bool, replace: bool) -> None:
    """Derive an editable episode script from ARTICLE into episodes/: a file (.txt, .md, .html),
    a web page's address, a feed (RSS, Atom or JSON Feed; an address or a file), one script per
    entry, or a folder (a Hugo, Jekyll, Eleventy or MkDocs blog site), one script per post.

    Importing an article again needs --force: the script is updated from the article and keeps
    your edits (lexicon, pauses, rewording) unless they touch the same paragraphs the article
    changed. An article already imported under another name (the same text) is refused unless
    --force is given. Feed entries and folder posts already imported and unchanged are left alone;
    one that fails is reported and the others are imported (exit code 1 when any failed)."""
    from audioguide.ingest.webimport import Options, import_target

    config = ctx.config()
    if Path(article).is_dir():  # a site, or a folder of posts (changed posts are merged without --force)
        from audioguide.ingest.siteimport import import_folder, report
        posts = import_folder(Path(article), config.show, config.episodes_dir, slug=slug, force=force, replace=replace)
        for line, to_stderr in report(posts, config.root):
            click.echo(line, err=to_stderr)
        ctx_exit(1 if posts.failed else 0)
    outcomes = import_target(article, config.show, config.episodes_dir, Options(slug, force, replace))
    failed = 0
    for outcome in outcomes:
        if outcome.error is not None:
            failed += 1
            click.echo(f"Error: {outcome.error.format_message()}", err=True)
            continue
        assert outcome.imported is not None
        done = outcome.imported
        name = done.path.relative_to(config.root) if done.path.is_relative_to(config.root) else done.path
        click.echo(f"{done.said} {name}")
        if done.kept:
            click.echo(f"Kept your values of {', '.join(done.kept)} in {name} (the article changed them too)",
                       err=True)
    if failed:
        click.echo(f"{failed} of {len(outcomes)} entries failed; the others were imported.", err=True)
        ctx_exit(1)


def ctx_exit(code: int) -> None:
    """End the command with ``code`` after its messages."""
    raise SystemExit(code)


def _report_render(report: Any) -> None:
    from audioguide.errors import naming

    for where, error in report.failures:  # each line names its item
        click.echo(f"Failed: {naming(error, where).format_message()}", err=True)
    click.echo(report.summary())


@cli.command()
@render_options
@click.option("--cluster", metavar="ADDRESS",
              help="Render on a Dask cluster: a scheduler address (tcp://host:8786), or local:N for "
                   "N worker processes here; 'none' renders here. Default: AUDIOGUIDE_CLUSTER, "
                   "else [cluster] address.")
@click.option("--wait", "wait", default=0.0, show_default=True, type=click.FloatRange(0),
              metavar="SECONDS",
              help="If another render of this project is running, wait this long for it "
                   "(default: fail at once).")
@pass_ctx
def render(ctx: Context, episodes: tuple[Path, ...], engine: str | None, voice: str | None,
           out: Path | None, guide: bool, jobs: int | None, any_language: bool,
           max_duration: float | None, cluster: str | None, wait: float) -> None:
    """Render EPISODES (scripts or article files; default: all of episodes/) to MP3.

    One render runs per project at a time (a lock in .cache/); Ctrl-C stops it with output/
    as it was for the episode in progress (exit 130), and the next run reuses what was spoken.
    """
    from audioguide.pipeline import render as run_render
    from audioguide.render.inputs import Overrides, check_out
    from audioguide.terminal import run_rendering

    config = ctx.config()
    if out is not None:
        check_out(config, out)
    overrides = Overrides(engine=engine, voice=voice, out=out, guide=guide, jobs=jobs, cluster=cluster,
                          any_language=any_language, max_duration=max_duration)
    report = run_rendering(config, out or config.output_dir, lambda progress: run_render(
        config, list(episodes), overrides, progress_factory=progress), wait=wait, quiet=ctx.quiet)
    _report_render(report)
    if report.failures:
        sys.exit(1)


@cli.command()
@render_options
@pass_ctx
def watch(ctx: Context, episodes: tuple[Path, ...], engine: str | None, voice: str | None,
          out: Path | None, guide: bool, jobs: int | None, any_language: bool,
          max_duration: float | None) -> None:
    """Render EPISODES (default: all of episodes/), then again each time a script, an article,
    audioguide.toml or the show's cover or music is saved. The voice stays loaded, so a
    one-sentence edit is heard about a second after saving; a save that changed nothing renders
    nothing. A save while another render of the project runs is rendered after it. An error is
    one line, and watching goes on. Ctrl-C stops."""
    import math
    import signal

    from audioguide.errors import AudioguideError
    from audioguide.layout import CONFIG_NAME
    from audioguide.pipeline import render as run_render
    from audioguide.pipeline import warm_up
    from audioguide.render.inputs import Overrides, check_out
    from audioguide.settings import Config
    from audioguide.terminal import exit_now, run_rendering
    from audioguide.watch import Watcher, render_on_saves, watched

    overrides = Overrides(engine=engine, voice=voice, out=out, guide=guide, jobs=jobs, cluster="none",
                          any_language=any_language, max_duration=max_duration)

    def one_pass() -> Config | None:
        """One render; the configuration it read (``None``: ``audioguide.toml`` could not be read).
        An error (a broken ``audioguide.toml``, the one input given) is said, and watching goes on."""
        config: Config | None = None
        if not (ctx.root() / CONFIG_NAME).is_file():  # loading it would give the defaults: a show not theirs
            click.echo(f"{ctx.root() / CONFIG_NAME}: is gone; nothing is rendered until it is back", err=True)
            return None
        try:
            config = ctx.config()
            report = run_rendering(config, out or config.output_dir, lambda progress: run_render(
                config, list(episodes), overrides, progress_factory=progress), quiet=ctx.quiet,
                wait=math.inf)  # a save while another render runs is rendered after it
        except AudioguideError as exc:
            click.echo(f"Error: {exc.format_message()}", err=True)
            return config
        _report_render(report)
        warm_up(config, overrides)  # when the render had nothing to speak, the first edit would load it
        return config

    inputs = [p if p.is_absolute() else Path.cwd() / p for p in episodes]
    try:
        config = ctx.config()
    except AudioguideError:
        config = Config(root=ctx.root())  # the first pass says what is wrong with it
    if out is not None:
        check_out(config, out)
    watcher = Watcher(watched(config, inputs))
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stopped like Ctrl-C
    try:
        one_pass()
        render_on_saves(watcher, one_pass, inputs, config.root, click.echo)
    except KeyboardInterrupt:
        click.echo("Stopped watching.")
        exit_now(0)  # at once: the loaded voice's threads are not torn down one by one


@cli.command("sync")
@click.argument("locations", nargs=-1)
@click.option("--force", is_flag=True,
              help="Merge the source's changes into scripts you edited (keeping your edits, as import --force).")
@click.option("--prune", is_flag=True,
              help="Unpublish episodes whose entry has left its source, and delete their scripts.")
@click.option("--no-render", is_flag=True, help="Only import; do not render and publish.")
@pass_ctx
def sync(ctx: Context, locations: tuple[str, ...], force: bool, prune: bool, no_render: bool) -> None:
    """Import what is new or changed in the sources under [sources] in audioguide.toml (or in
    LOCATIONS: names from [sources], feed or page addresses, feed files, folders of posts), then
    render and publish.

    A script you edited is never overwritten: when its source changed too, sync says so and
    keeps it (--force merges the changes in). An entry that left its source keeps its episode
    unless --prune. Feeds and pages are fetched with conditional GET, so a sync with nothing new
    reads little and renders nothing. Exit code 1 when any source, entry or item failed."""
    from audioguide.pipeline import sync as run_sync
    from audioguide.terminal import run_rendering, sync_lines

    config = ctx.config()
    report = run_rendering(config, config.output_dir, lambda progress: run_sync(
        config, locations, force=force, prune=prune, render_after=not no_render, progress_factory=progress),
        quiet=ctx.quiet)
    for line, error in sync_lines(report, config.root):
        click.echo(line, err=error)
    if report.failed:
        ctx_exit(1)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--title", help="Show title to put in audioguide.toml.")
def init(directory: Path, title: str | None) -> None:
    """Scaffold a new project in DIRECTORY: audioguide.toml with comments, episodes/, .gitignore."""
    from audioguide.config import commented_template
    from audioguide.errors import InputError
    from audioguide.layout import CONFIG_NAME, EPISODES_DIR
    from audioguide.writer import write_text

    config_path = directory / CONFIG_NAME
    if config_path.exists():
        raise InputError("already exists", path=config_path,
                         fix="Edit it, or run audioguide init in an empty folder")
    overrides = {"show": {"title": title}} if title else {}
    write_text(config_path, commented_template(overrides))
    (directory / EPISODES_DIR).mkdir(parents=True, exist_ok=True)
    ignore = directory / ".gitignore"
    if not ignore.exists():
        write_text(ignore, "# audioguide: rendered audio and the site are rebuilt from episodes/\n"
                           "/output/\n/.cache/\n/.*.staging/\n")
    click.echo(f"Created {config_path}, {directory / 'episodes'}/ and {ignore}.\n"
               f"Next: audioguide -C {directory} import ARTICLE, then audioguide -C {directory} render")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 makes the site reachable from your network.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")
@pass_ctx
def serve(ctx: Context, host: str, port: int) -> None:
    """Serve output/ over HTTP (byte ranges, HEAD, no listings) for browsers and podcast apps."""
    from audioguide.publish.serve import serve as run_server

    config = ctx.config()
    serve_log = logging.getLogger("audioguide.publish.serve")
    if not ctx.quiet and serve_log.getEffectiveLevel() > logging.INFO:
        serve_log.setLevel(logging.INFO)  # where it listens, and one line per request
    run_server(config.output_dir, host, port, base_url=config.show.base_url)


@cli.command()
@click.option("--speech", is_flag=True,
              help="Also transcribe each rendered episode and guide offline: word recall per section, "
                   "the worst sentences as said and as heard.")
@click.option("--min-recall", default=0.75, show_default=True, type=click.FloatRange(0, 1),
              help="With --speech: fail when an episode's recall of ordinary words (not names, foreign "
                   "or lexicon words) is below this.")
@click.argument("slugs", nargs=-1)
@pass_ctx
def check(ctx: Context, speech: bool, min_recall: float, slugs: tuple[str, ...]) -> None:
    """Validate the built site against Apple's and Podcasting 2.0's feed rules.

    With --speech, also check that the rendered speech is intelligible (SLUGS limits it to
    those episodes).
    """
    from audioguide.verify.check import check_site, format_problems

    config = ctx.config()
    if slugs and not speech:  # they were silently ignored: "check nosuch" said "no problems found"
        raise click.UsageError("SLUGS choose what --speech transcribes; the site is always checked whole: "
                               "add --speech, or leave the slugs out")
    if speech:
        _check_speech(config, slugs, min_recall)
    problems = check_site(config.output_dir, base_url=config.show.base_url,
                          loudness=config.audio.loudness, true_peak=config.audio.true_peak,
                          episodes=config.episodes_dir)
    if problems:
        click.echo(format_problems(problems), err=True)
        click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found.", err=True)
        sys.exit(1)
    click.echo(f"{config.output_dir}: no problems found.")


@cli.command()
@click.argument("episodes", nargs=-1, type=click.Path(path_type=Path))
@click.option("--all", "everything", is_flag=True,
              help="List every sentence, not only those whose words change.")
@click.option("--engine", help="The engine whose reading to show (its lexicon form: Piper gets phonemes).")
@click.option("--guide", is_flag=True, help="Read the scripts as audio guides (stops announced).")
@pass_ctx
def spoken(ctx: Context, episodes: tuple[Path, ...], everything: bool, engine: str | None, guide: bool) -> None:
    """Show what the voice will say: each sentence of EPISODES (default: all of episodes/, drafts
    too) as written and as the engine gets it, where the words differ; nothing is spoken."""
    from audioguide.errors import AudioguideError
    from audioguide.render.inputs import Overrides
    from audioguide.render.spoken import format_item, spoken_items

    failed = False
    for item in spoken_items(ctx.config(), list(episodes), Overrides(engine=engine, guide=guide)):
        if isinstance(item, AudioguideError):
            click.echo(f"Failed: {item.format_message()}", err=True)
            failed = True
        else:
            click.echo(format_item(item, everything))
    if failed:
        sys.exit(2)


def _check_speech(config: Any, slugs: tuple[str, ...], min_recall: float) -> None:
    from audioguide.verify.recall import check_speech, format_check, overall

    failed = []
    for result in check_speech(config, slugs):
        click.echo(format_check(result))
        if overall(result.sections) < min_recall:
            failed.append(result.slug)
    if failed:
        click.echo(f"Speech check: recall of ordinary words below {min_recall:.2f} in {', '.join(failed)}.",
                   err=True)
        sys.exit(1)


@cli.command()
@click.argument("slugs", nargs=-1, required=True)
@pass_ctx
def unpublish(ctx: Context, slugs: tuple[str, ...]) -> None:
    """Take published episodes or guides down: out of the feed and the site, their files deleted.

    Deleting a script does not do it (a published feed never loses an item by accident):
    render and check name what is published without a script."""
    from audioguide.pipeline import take_down
    from audioguide.writer import output_root

    config = ctx.config()
    with output_root(config.output_dir):
        removed = take_down(config, list(slugs))
    click.echo(f"Unpublished {', '.join(slugs)}: {len(removed)} files removed, feed and site rewritten")


@cli.command()
@click.option("--prune", is_flag=True, help="Delete the entries no episode in episodes/ uses.")
@click.option("--wait", "wait", default=0.0, type=click.FloatRange(0), metavar="SECONDS",
              help="With --prune, if a render of this project is running, wait this long for it "
                   "(default: fail at once).")
@pass_ctx
def cache(ctx: Context, prune: bool, wait: float) -> None:
    """Show the sentence cache (entries, size), the kept segments and the split Piper voices;
    --prune removes the sentences and segments no episode uses (never during a render of the
    project, whose new segments no record lists yet)."""
    import contextlib

    from audioguide.layout import SEGMENTS
    from audioguide.render.lock import render_lock
    from audioguide.render.usage import cache_usage
    from audioguide.speech.engines import piper_parts
    from audioguide.terminal import counted

    config = ctx.config()
    with render_lock(config.root, wait=wait) if prune else contextlib.nullcontext(config.root):
        usage = cache_usage(config, prune=prune)
    click.echo(f"{usage.location}: {counted(usage.entries, 'sentence')}, {usage.bytes / 1e6:.1f} MB; "
               f"{usage.used} used by {counted(usage.episodes, 'episode script')}")
    click.echo(f"{config.root / SEGMENTS}: {counted(usage.segments, 'encoded segment')} kept for quick edits, "
               f"{usage.segment_bytes / 1e6:.1f} MB")
    voices, size = piper_parts.kept()
    click.echo(f"{piper_parts.parts_dir()}: {counted(voices, 'Piper voice')} split in two for speed and memory, "
               f"{size / 1e6:.1f} MB (for every project; made again when missing)")
    if prune:
        click.echo(f"Pruned {counted(usage.pruned, 'unused sentence')} ({usage.pruned_bytes / 1e6:.1f} MB) and "
                   f"{counted(usage.segments_pruned, 'segment')} no rendered episode uses.")


@cli.command()
@click.option("--engine", "only", metavar="NAME", help="Only this engine (piper, gtts, tone, …).")
@click.option("--language", metavar="CODE",
              help="Only voices that read this language (by its base: en-GB lists every English voice).")
@pass_ctx
def voices(ctx: Context, only: str | None, language: str | None) -> None:
    """List each speech engine (whether it can run here, and why not) with the voices it can use:
    name, language, where it comes from. * marks the voice the project's audioguide.toml selects."""
    from audioguide.speech.engines import EngineSettings, available_engines, engine_voices

    if only is not None and only not in available_engines():
        raise click.BadParameter(f"{only!r} is not a registered engine (registered: "
                                 f"{', '.join(sorted(available_engines()))})", param_hint="--engine")
    config = ctx.config(required=False)
    v = config.voice

    def settings(name: str) -> EngineSettings:  # a voice set for one engine is not another's
        return EngineSettings(voice=(v.voice or None) if name == v.engine else None,
                              language=config.show.language, rate=v.rate, variation=v.variation, tld=v.tld,
                              slow=v.slow)

    listed = engine_voices(settings, only)
    rows = [(e, [x for x in e.voices if language is None or x.speaks(language)]) for e in listed]
    width = max((len(x.name) for _, xs in rows for x in xs), default=0)
    lang_width = max((len(x.language or "any") for _, xs in rows for x in xs), default=0)
    for engine, shown in rows:
        status = engine.availability
        click.echo(f"{engine.name:8} {'usable' if status.usable else 'not usable':11} {status.detail}")
        for x in shown:
            mark = "*" if x.chosen and engine.name == v.engine else "-"
            notes = "; ".join(n for n in (x.detail, "default" if x.default else "") if n)
            click.echo(f"  {mark} {x.name:{width}}  {x.language or 'any':{lang_width}}  {x.source}: {notes}")
        if not shown:
            click.echo(f"    (no voice{f' for {language}' if language else ''})")
    where = config.root / "audioguide.toml"
    click.echo(f"* {where if where.is_file() else 'the defaults (no audioguide.toml here)'}: engine {v.engine}, "
               f"voice {v.voice or 'its default'}, language {config.show.language}")


def main() -> None:
    """Entry point of the ``audioguide`` script."""
    cli(prog_name="audioguide")
