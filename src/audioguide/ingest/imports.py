"""``audioguide import``: an article becomes an editable episode script in ``episodes/``, unless
that would overwrite a script or import the same article a second time under another name."""

from __future__ import annotations

from pathlib import Path

from audioguide.errors import AudioguideError, InputError
from audioguide.ingest import script as scripts
from audioguide.ingest.readers import read_article
from audioguide.models import Script
from audioguide.settings import ShowConfig
from audioguide.writer import inside, output_root, write_text


def already_imported(episodes: Path, script: Script, dest: Path) -> tuple[Path, str] | None:
    """Another script in ``episodes`` made from the same source file, or with the same text
    (its sections unedited), and which of the two it is."""
    for path in sorted(episodes.glob("*.md")):
        if path.resolve() == dest.resolve():
            continue
        try:
            other = scripts.load(path)
        except AudioguideError:  # a broken script is reported when it is rendered
            continue
        if script.meta.source and other.meta.source == script.meta.source:
            return path, "the same source"
        if other.sections == script.sections:
            return path, "the same text"
    return None


def import_article(article: Path, show: ShowConfig, episodes: Path, *, slug: str | None = None,
                   force: bool = False) -> Path:
    """Write the script derived from ``article`` into ``episodes``; return its path.

    Refused (exit 2), unless ``force``: a script with that slug exists, or the article is already
    imported under another name."""
    parsed = read_article(article)
    try:
        source = str(article.resolve().relative_to(episodes.resolve()))
    except ValueError:
        source = str(article)
    script = scripts.derive(parsed, show, slug=slug, source=source)
    dest = inside(episodes, f"{script.meta.slug}.md")
    if not force:
        if dest.exists():
            raise InputError("already exists", path=dest,
                             fix="Pass --force to overwrite it, or --slug to choose another name")
        twin = already_imported(episodes, script, dest) if episodes.is_dir() else None
        if twin is not None:
            raise InputError(f"is already imported as {twin[0].name} ({twin[1]})", path=article,
                             fix=f"Edit {twin[0].name}, or pass --force to import it again as another episode")
    with output_root(episodes):
        write_text(dest, scripts.dumps(script))
    return dest
