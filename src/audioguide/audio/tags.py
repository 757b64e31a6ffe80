# mypy: disable-error-code="no-untyped-call"
# (mutagen is unannotated)
"""ID3v2.4 tags and chapters (CHAP frames with a CTOC) written with mutagen; the same as Vorbis
comments for the Opus alternate; cover art for M4B.

mutagen writes an ID3 tag's frames sorted by size, which puts chapters in no particular order
(the longest title last). :class:`_ChapteredID3` writes the tables of contents and then the
chapters in time order, before the cover picture, so readers that list CHAP frames as stored
see them in the order they are heard.

A CTOC frame counts its entries in one byte: it lists at most :data:`TOC_LIMIT`. An episode
with more chapters gets a nested table of contents, as the ID3v2 Chapter Frame Addendum allows
(a CTOC's entries may be CTOCs): the top-level, ordered CTOC lists ordered sub-tables of at most
255 chapters each (and those are grouped again past 255 × 255). Players that read the CHAP
frames (most podcast apps) see every chapter; those that follow the tables of contents find
them all, in order, one level down.
"""

from __future__ import annotations

import datetime as dt
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TDRC,
    TEXT,
    TIT2,
    TLAN,
    TPE1,
    TRCK,
    WOAS,
    CTOCFlags,
    ID3NoHeaderError,
    ID3Tags,
)
from mutagen.id3._tags import save_frame
from mutagen.mp4 import MP4, MP4Cover

from audioguide.models import Chapter
from audioguide.wording import chapters_word


@dataclass(frozen=True)
class Tags:
    """What goes into an episode's ID3 tag."""

    title: str
    artist: str
    album: str
    date: dt.date
    track: int | None = None
    track_total: int | None = None
    description: str = ""
    language: str = "en"
    genre: str = "Podcast"
    cover: Path | None = None
    """A JPEG or PNG to embed as the front cover."""
    writers: tuple[str, ...] = ()
    """Who wrote the article (``TEXT``, ID3's text writer; the show's author stays the artist)."""
    source_url: str | None = None
    """The original article (``WOAS``, ID3's official source webpage)."""


def _iso639_2(language: str) -> str:
    """Three-letter language code for TLAN/COMM (English fallback)."""
    table = {"en": "eng", "de": "deu", "fr": "fra", "es": "spa", "it": "ita", "nl": "nld",
             "pt": "por", "sv": "swe", "da": "dan", "no": "nor", "fi": "fin", "pl": "pol",
             "ja": "jpn", "zh": "zho", "ru": "rus", "tr": "tur", "cs": "ces", "el": "ell"}
    return table.get(language.split("-")[0].lower(), "eng")


TOC_LIMIT = 255
"""Entries one CTOC frame can list: its entry count is a single byte."""
NERO_CHAPTER_LIMIT = 255
"""Chapters an M4B's Nero ``chpl`` list holds (its count is one byte; ffmpeg writes the first
255 there). Its QuickTime chapter track, which Apple Books reads, holds them all."""
TOP_TOC = "toc"
"""Element ID of the top-level table of contents."""


@dataclass(frozen=True)
class Toc:
    """One table of contents (a CTOC frame) of the tag being written."""

    element_id: str
    children: tuple[str, ...]
    """Element IDs of the chapters (CHAP) or tables (CTOC) it lists, in time order."""
    title: str


def tables_of_contents(chapter_ids: list[str], language: str = "en") -> list[Toc]:
    """The CTOC frames that list ``chapter_ids`` in order: the top-level table first, then every
    sub-table in the order a reader meets them (depth first), none listing more than
    :data:`TOC_LIMIT` entries; titled in ``language`` (:func:`~audioguide.wording.chapters_word`),
    as players show them.

    >>> [(t.element_id, len(t.children), t.title) for t in tables_of_contents(["a", "b"])]
    [('toc', 2, 'Chapters')]
    >>> [(t.element_id, len(t.children), t.title)
    ...  for t in tables_of_contents([f"chp{i}" for i in range(300)])]
    [('toc', 2, 'Chapters'), ('toc1.1', 255, 'Chapters 1-255'), ('toc1.2', 45, 'Chapters 256-300')]
    >>> [t.title for t in tables_of_contents([f"chp{i}" for i in range(300)], "de")]
    ['Kapitel', 'Kapitel 1-255', 'Kapitel 256-300']
    """
    word = chapters_word(language)
    level = [(cid, i, i) for i, cid in enumerate(chapter_ids)]  # element ID, chapters spanned
    tables: dict[str, Toc] = {}
    depth = 0
    while len(level) > TOC_LIMIT:
        depth += 1
        grouped = []
        for n, start in enumerate(range(0, len(level), TOC_LIMIT), start=1):
            group = level[start:start + TOC_LIMIT]
            first, last = group[0][1], group[-1][2]
            toc = Toc(f"toc{depth}.{n}", tuple(e[0] for e in group), f"{word} {first + 1}-{last + 1}")
            tables[toc.element_id] = toc
            grouped.append((toc.element_id, first, last))
        level = grouped
    out: list[Toc] = []

    def visit(toc: Toc) -> None:
        out.append(toc)
        for child in toc.children:
            if child in tables:
                visit(tables[child])

    visit(Toc(TOP_TOC, tuple(e[0] for e in level), word))
    return out


def listed_chapters(tags: Any) -> list[str] | None:
    """The chapters (CHAP element IDs) the tag's table of contents lists, in its order, following
    nested tables; ``None`` when there is not exactly one top-level table, or a table lists an
    element that is not there, lists more than :data:`TOC_LIMIT` entries, or is met twice."""
    tocs = {t.element_id: t for t in tags.getall("CTOC")}
    chaps = {c.element_id for c in tags.getall("CHAP")}
    tops = [t for t in tocs.values() if t.flags & CTOCFlags.TOP_LEVEL]
    if len(tops) != 1:
        return None
    out: list[str] = []
    seen: set[str] = set()

    def walk(toc: Any) -> bool:
        if toc.element_id in seen or len(toc.child_element_ids) > TOC_LIMIT:
            return False
        seen.add(toc.element_id)
        for child in toc.child_element_ids:
            if child in tocs:
                if not walk(tocs[child]):
                    return False
            elif child in chaps:
                out.append(child)
            else:
                return False
        return True

    return out if walk(tops[0]) else None


_LAST = ("CTOC", "CHAP", "APIC")
"""Frames written after the others, in this order: the table of contents, the chapters, the cover."""


class _ChapteredID3(ID3):
    """An ID3 tag whose chapters are stored in time order (see the module's doc)."""

    def _write(self, config: Any) -> bytearray:
        tags: Any = self
        rest: Any = ID3Tags()
        for frame in tags.values():
            if frame.FrameID not in _LAST:
                rest.add(frame)
        chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
        tocs = tags.getall("CTOC")  # as added: the top-level table first, then the tables below it
        last = [*tocs, *chapters, *tags.getall("APIC")]
        data: bytearray = rest._write(config)
        return data + b"".join(save_frame(frame, config=config) for frame in last)


def tag_m4b(path: Path, tags: Tags) -> None:
    """Tag the M4B at ``path`` as the whole guide's MP3 is (iTunes atoms: title, artist, album,
    date, genre, description and comment, and ``tags.cover`` as its art); it had only the art."""
    audio = MP4(path)
    atoms: dict[str, str] = {"\xa9nam": tags.title, "\xa9alb": tags.album, "\xa9day": tags.date.isoformat(),
                             "\xa9gen": tags.genre, "\xa9ART": tags.artist, "desc": tags.description,
                             "\xa9cmt": tags.description}
    for atom, value in atoms.items():
        if value:
            audio[atom] = [value]
    if tags.cover is not None:
        png = tags.cover.suffix.lower() == ".png"
        audio["covr"] = [MP4Cover(tags.cover.read_bytes(),
                                  imageformat=MP4Cover.FORMAT_PNG if png else MP4Cover.FORMAT_JPEG)]
    audio.save()
    _set_track_languages(path, tags.language)


def _set_track_languages(path: Path, language: str) -> None:
    """Mark every track of the MP4 at ``path`` as in ``language``, as TLAN marks the MP3s: ffmpeg
    leaves the audio ``und`` and its chapter text track ``eng`` (QuickTime's language 0), and
    has no option for the latter. Each track's ``mdhd`` box holds it, after the version and its
    times, as three ISO 639-2/T letters of 5 bits each (ISO/IEC 14496-12, 8.4.2)."""
    from mutagen.mp4._atom import Atoms  # mutagen reads MP4 boxes with it; no public name

    code = _iso639_2(language)
    packed = struct.pack(">H", sum((ord(c) - 0x60) << (10 - 5 * i) for i, c in enumerate(code)))
    with path.open("r+b") as file:
        boxes = Atoms(file)
        for mdhd in boxes[b"moov"].findall(b"mdhd", True):
            file.seek(mdhd.offset + 8)
            version = file.read(1)
            file.seek(mdhd.offset + 8 + 4 + (28 if version == b"\x01" else 16))
            file.write(packed)


def _clock(seconds: float) -> str:
    """``HH:MM:SS.mmm``, as Vorbis comment chapters write times.

    >>> _clock(3725.5)
    '01:02:05.500'
    """
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def write_opus_tags(path: Path, tags: Tags, chapters: tuple[Chapter, ...]) -> None:
    """Replace the Vorbis comments of the Ogg Opus file ``path`` with ``tags`` (as
    :func:`write_tags` writes the MP3's, under the names tag editors give those ID3 frames: the
    article's writers as ``LYRICIST``, the cover as ``METADATA_BLOCK_PICTURE``), and one
    ``CHAPTERnnn``/``CHAPTERnnnNAME`` pair per chapter (the Vorbis chapter convention, which
    podcast apps such as AntennaPod read). The article's address has no Vorbis name and is left
    out."""
    import base64

    from mutagen.flac import Picture
    from mutagen.oggopus import OggOpus
    from PIL import Image

    audio: Any = OggOpus(path)
    audio.delete()
    comments: dict[str, list[str]] = {
        "TITLE": [tags.title], "ALBUM": [tags.album], "DATE": [tags.date.isoformat()],
        "GENRE": [tags.genre], "LANGUAGE": [tags.language]}
    if tags.artist:
        comments["ARTIST"] = [tags.artist]
    if tags.track is not None:
        comments["TRACKNUMBER"] = [str(tags.track)]
        if tags.track_total:
            comments["TRACKTOTAL"] = [str(tags.track_total)]
    if tags.description:
        comments["DESCRIPTION"] = [tags.description]
    if tags.writers:
        comments["LYRICIST"] = list(tags.writers)
    if tags.cover is not None:
        picture: Any = Picture()
        picture.type, picture.desc = 3, "Cover"
        picture.mime = "image/png" if tags.cover.suffix.lower() == ".png" else "image/jpeg"
        picture.data = tags.cover.read_bytes()
        with Image.open(tags.cover) as image:
            picture.width, picture.height = image.size
            picture.depth = 8 * len(image.getbands())
        comments["METADATA_BLOCK_PICTURE"] = [base64.b64encode(picture.write()).decode("ascii")]
    width = max(3, len(str(len(chapters))))
    for number, chapter in enumerate(chapters, start=1):
        comments[f"CHAPTER{number:0{width}d}"] = [_clock(chapter.start)]
        comments[f"CHAPTER{number:0{width}d}NAME"] = [chapter.title]
    for key, values in comments.items():
        audio[key] = values
    audio.save()


def write_tags(path: Path, tags: Tags, chapters: tuple[Chapter, ...]) -> None:
    """Replace the ID3 tag of ``path`` with ``tags`` and one CHAP frame per chapter."""
    try:
        ID3(path).delete(path)
    except ID3NoHeaderError:
        pass
    id3 = _ChapteredID3()
    lang = _iso639_2(tags.language)
    id3.add(TIT2(encoding=3, text=tags.title))
    if tags.artist:
        id3.add(TPE1(encoding=3, text=tags.artist))
    id3.add(TALB(encoding=3, text=tags.album))
    id3.add(TDRC(encoding=3, text=tags.date.isoformat()))
    id3.add(TCON(encoding=3, text=tags.genre))
    id3.add(TLAN(encoding=3, text=lang))
    if tags.track is not None:
        total = f"/{tags.track_total}" if tags.track_total else ""
        id3.add(TRCK(encoding=3, text=f"{tags.track}{total}"))
    if tags.description:
        id3.add(COMM(encoding=3, lang=lang, desc="", text=tags.description))
    if tags.writers:
        id3.add(TEXT(encoding=3, text=list(tags.writers)))
    if tags.source_url:
        id3.add(WOAS(url=tags.source_url))
    if tags.cover is not None:
        mime = "image/png" if tags.cover.suffix.lower() == ".png" else "image/jpeg"
        id3.add(APIC(encoding=3, mime=mime, type=3, desc="Cover",
                     data=tags.cover.read_bytes()))
    ids = [f"chp{i}" for i in range(len(chapters))]
    if chapters:
        for toc in tables_of_contents(ids, tags.language):
            top = CTOCFlags.TOP_LEVEL if toc.element_id == TOP_TOC else 0
            id3.add(CTOC(element_id=toc.element_id, flags=top | CTOCFlags.ORDERED,
                         child_element_ids=list(toc.children),
                         sub_frames=[TIT2(encoding=3, text=toc.title)]))
    for cid, chapter in zip(ids, chapters, strict=False):
        id3.add(CHAP(element_id=cid, start_time=round(chapter.start * 1000),
                     end_time=round(chapter.end * 1000), start_offset=0xFFFFFFFF, end_offset=0xFFFFFFFF,
                     sub_frames=[TIT2(encoding=3, text=chapter.title)]))
    id3.save(path, v2_version=4)
