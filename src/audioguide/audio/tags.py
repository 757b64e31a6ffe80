"""ID3v2.4 tags and chapters (CHAP frames with a CTOC) written with mutagen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TDRC,
    TIT2,
    TLAN,
    TPE1,
    TRCK,
    CTOCFlags,
    ID3NoHeaderError,
)

from audioguide.models import Chapter


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


def _iso639_2(language: str) -> str:
    """Three-letter language code for TLAN/COMM (English fallback)."""
    table = {"en": "eng", "de": "deu", "fr": "fra", "es": "spa", "it": "ita", "nl": "nld",
             "pt": "por", "sv": "swe", "da": "dan", "no": "nor", "fi": "fin", "pl": "pol",
             "ja": "jpn", "zh": "zho", "ru": "rus", "tr": "tur", "cs": "ces", "el": "ell"}
    return table.get(language.split("-")[0].lower(), "eng")


def write_tags(path: Path, tags: Tags, chapters: tuple[Chapter, ...]) -> None:
    """Replace the ID3 tag of ``path`` with ``tags`` and one CHAP frame per chapter."""
    # mutagen's ID3 API is unannotated, hence the no-untyped-call ignores below
    try:
        id3 = ID3(path)  # type: ignore[no-untyped-call]
        id3.delete(path)
    except ID3NoHeaderError:
        pass
    id3 = ID3()  # type: ignore[no-untyped-call]
    lang = _iso639_2(tags.language)
    id3.add(TIT2(encoding=3, text=tags.title))  # type: ignore[no-untyped-call]
    if tags.artist:
        id3.add(TPE1(encoding=3, text=tags.artist))  # type: ignore[no-untyped-call]
    id3.add(TALB(encoding=3, text=tags.album))  # type: ignore[no-untyped-call]
    id3.add(TDRC(encoding=3, text=tags.date.isoformat()))  # type: ignore[no-untyped-call]
    id3.add(TCON(encoding=3, text=tags.genre))  # type: ignore[no-untyped-call]
    id3.add(TLAN(encoding=3, text=lang))  # type: ignore[no-untyped-call]
    if tags.track is not None:
        total = f"/{tags.track_total}" if tags.track_total else ""
        id3.add(TRCK(encoding=3, text=f"{tags.track}{total}"))  # type: ignore[no-untyped-call]
    if tags.description:
        id3.add(COMM(encoding=3, lang=lang, desc="", text=tags.description))  # type: ignore[no-untyped-call]
    if tags.cover is not None:
        mime = "image/png" if tags.cover.suffix.lower() == ".png" else "image/jpeg"
        id3.add(APIC(encoding=3, mime=mime, type=3, desc="Cover",  # type: ignore[no-untyped-call]
                     data=tags.cover.read_bytes()))
    ids = [f"chp{i}" for i in range(len(chapters))]
    if chapters:
        id3.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,  # type: ignore[no-untyped-call]
                     child_element_ids=ids,
                     sub_frames=[TIT2(encoding=3, text="Chapters")]))  # type: ignore[no-untyped-call]
    for cid, chapter in zip(ids, chapters, strict=False):
        id3.add(CHAP(element_id=cid, start_time=round(chapter.start * 1000),  # type: ignore[no-untyped-call]
                     end_time=round(chapter.end * 1000), start_offset=0xFFFFFFFF, end_offset=0xFFFFFFFF,
                     sub_frames=[TIT2(encoding=3, text=chapter.title)]))  # type: ignore[no-untyped-call]
    id3.save(path, v2_version=4)
