"""Where everything lives: the project's folders and every file audioguide writes, named once.

Rendering writes audio and records into ``output/``; publishing, guides, ``check`` and the CLI
read and write beside them. All of them take the names from here.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from audioguide.errors import BuildError, InputError
from audioguide.writer import inside

CONFIG_NAME = "audioguide.toml"
EPISODES_DIR = "episodes"
OUTPUT_DIR = "output"
SCRIPT = ".md"
"""An episode script's suffix (``episodes/<slug>.md``)."""


def is_hidden(path: Path) -> bool:
    """Whether ``path`` is a file that nothing reads as input: a hidden one (an editor's lock,
    swap or temporary file, macOS's ``._`` copies) or an editor's backup (``name~``, ``#name#``)."""
    return path.name.startswith((".", "#")) or path.name.endswith("~")


LINK_FIX = "Point the link at the file it stands for, or remove it"


def link_problem(path: Path, fix: str = LINK_FIX) -> InputError | None:
    """What is wrong with ``path`` when it is a symbolic link that leads to no file: one whose
    target is gone, or a loop (``ln -s loop.md loop.md``); ``None`` for any other path. Read
    through, such a link was "cannot be read (No such file or directory)" or, resolved, a
    traceback (``RuntimeError: Symlink loop``) that stopped every other item."""
    if not path.is_symlink():
        return None
    try:
        path.resolve(strict=True)
    except FileNotFoundError:
        return InputError(f"is a broken link: {os.readlink(path)} does not exist", path=path, fix=fix)
    except (RuntimeError, OSError):  # a loop: RuntimeError before Python 3.13, OSError (ELOOP) since
        return InputError("is a link that leads back to itself (a link loop)", path=path, fix=fix)
    return None


def scripts_in(folder: Path) -> list[Path]:
    """The episode scripts in ``folder`` (``episodes/``), sorted, hidden files left out; none
    when there is no such folder."""
    return sorted(p for p in folder.glob(f"*{SCRIPT}") if not is_hidden(p)) if folder.is_dir() else []

FEED = "feed.xml"
INDEX = "index.html"
SCRATCH = ".cache/tmp"
"""A render's temporary files, inside the project (not the system's temp folder): removed when
the render ends, and by the next render when one was killed."""
SEGMENTS = ".cache/segments"
"""Encoded episode segments kept for the next render (the chapter pipeline's quick edits)."""
SYNC_STATE = ".cache/sync.json"
"""What ``audioguide sync`` saw last: each source's entries (id, digest, script) and the
``ETag``/``Last-Modified`` of each address (losing it only costs one full read of the sources)."""
MUSIC_CACHE = ".cache/music"
"""The generated intro and outro music, composed once."""
PLANS = ".cache/plans"
"""Each script's blocks as sentences, split and normalised (one JSON file a script, by its path),
so that a render plans only the blocks that changed."""
IMPORTED = ".imported"
"""Folder inside ``episodes/``: each script's text as last imported, the base that lets a
re-import keep the author's edits (commit it with the scripts)."""
GUIDS = ".audioguide-guids.json"
"""Slug -> guid of everything ever published from this output folder (for ``check``)."""
GUIDS_FIX = "Restore it from your backup or version control: it keeps published guids"
"""What to do when :data:`GUIDS` is damaged (a new guid would make podcast apps download old
episodes again as new)."""
FEED_GUIDS = ".audioguide-feed-guids.json"
"""Each feed's ``podcast:guid`` as first published, by the feed's path in the output folder."""
PUBLISH_STATE = ".publish-state.json"
"""Digests of the records and settings the feed and pages were last built from."""
COVER_STAMP = ".cover-source.json"
"""What the generated cover was drawn from."""
GUIDE_RECORD = "guide.json"
EPISODE_FOLDER = "episodes"
GUIDE_FOLDER = "guides"

MP3 = ".mp3"
OPUS = ".opus"
"""An episode's Opus alternate (Ogg Opus), beside its MP3; kept segments' Opus beside theirs."""
ARTWORK_SUFFIXES = (".jpg", ".png")
"""An episode's own cover (``artwork:``), beside its MP3, in the format it was given."""
RECORD = ".json"
"""An episode's record, beside its MP3: the facts publishing needs, and its build stamp."""
VTT = ".vtt"
SRT = ".srt"
CHAPTERS = ".chapters.json"
PAGE = ".html"


@dataclass(frozen=True)
class GuideNames:
    """File names inside a guide's folder (besides one MP3 per stop)."""

    full_mp3: str
    full_m4b: str
    playlist: str
    archive: str
    gpx: str
    """The route of the located stops (GPX 1.1), when the guide has any."""


def archive_member(slug: str, name: str) -> str:
    """Where the file ``name`` of the guide ``slug`` is inside its ZIP: in a folder named after
    the guide, so that unzipping it beside other files makes one folder, not a spread of
    ``01-…mp3`` files.

    >>> archive_member("old-town", "01-the-bridge.mp3")
    'old-town/01-the-bridge.mp3'
    """
    return f"{slug}/{name}"


@dataclass(frozen=True)
class Output:
    """Paths inside one output folder (``output/`` or ``--out``)."""

    root: Path

    @property
    def episodes(self) -> Path:
        return self.root / EPISODE_FOLDER

    @property
    def guides(self) -> Path:
        return self.root / GUIDE_FOLDER

    @property
    def feed(self) -> Path:
        return self.root / FEED

    @property
    def index(self) -> Path:
        return self.root / INDEX

    @property
    def guids(self) -> Path:
        return self.root / GUIDS

    @property
    def feed_guids(self) -> Path:
        return self.root / FEED_GUIDS

    @property
    def publish_state(self) -> Path:
        return self.root / PUBLISH_STATE

    @property
    def cover_stamp(self) -> Path:
        return self.root / COVER_STAMP

    def cover(self, ext: str = "jpg") -> Path:
        return self.root / f"cover.{ext}"

    def episode(self, slug: str, suffix: str) -> Path:
        """``episodes/<slug><suffix>``: ``.mp3``, ``.opus``, ``.json`` (the record), ``.vtt``,
        ``.srt``, ``.chapters.json``, ``.html``; refused if the slug would lead outside the folder."""
        return inside(self.root, EPISODE_FOLDER, f"{slug}{suffix}")

    def guide(self, slug: str) -> Path:
        """The folder of one audio guide; refused if the slug would lead outside."""
        return inside(self.root, GUIDE_FOLDER, slug)

    @staticmethod
    def guide_names(slug: str) -> GuideNames:
        return GuideNames(f"{slug}{MP3}", f"{slug}.m4b", f"{slug}.m3u8", f"{slug}.zip", f"{slug}.gpx")

    def guide_record(self, slug: str) -> Path:
        return self.guide(slug) / GUIDE_RECORD

    def episode_records(self) -> list[Path]:
        """Every episode record (``episodes/*.json`` without the chapter files), sorted.
        (Names are sorted rather than paths: the same order, several times faster for a
        show of thousands, which every up-to-date check lists.)"""
        try:
            with os.scandir(self.episodes) as entries:
                names = sorted(e.name for e in entries if e.name.endswith(RECORD) and not e.name.endswith(CHAPTERS))
        except (FileNotFoundError, NotADirectoryError):
            return []
        return [self.episodes / name for name in names]

    def guide_records(self) -> list[Path]:
        return sorted(self.guides.glob(f"*/{GUIDE_RECORD}"))


def guid_record(out_dir: Path) -> tuple[dict[str, str], str | None]:
    """The slug -> guid record of ``out_dir`` (empty when there is none), and what is wrong with
    it when it is damaged (``None`` otherwise): render refuses to go on, ``check`` reports it."""
    try:
        kept = json.loads(Output(out_dir).guids.read_text("utf-8"))
    except FileNotFoundError:
        return {}, None
    except (OSError, ValueError) as exc:
        return {}, f"is not valid JSON ({exc})"
    if not isinstance(kept, dict) or not all(isinstance(v, str) for v in kept.values()):
        return {}, "is not a JSON object of slug -> guid"
    return kept, None


def published_guids(out_dir: Path) -> dict[str, str]:
    """Every guid published from ``out_dir``, by slug (kept by publishing: a guid, once
    published, stays its episode's). A damaged record is one line, said before anything is
    rendered: read at publishing only, it was a traceback after the new MP3 was in place, with
    the feed left stale. Here, not with rendering or publishing, so that publishing a show
    does not import what rendering needs (0.27 s of imports in a process that publishes)."""
    kept, problem = guid_record(out_dir)
    if problem is not None:
        raise BuildError(problem, path=Output(out_dir).guids, fix=GUIDS_FIX)
    return kept
