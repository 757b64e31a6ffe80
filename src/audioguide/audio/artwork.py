"""Show artwork: a generated square cover, or the user's image checked against Apple's rules.

Apple Podcasts wants a square RGB JPEG or PNG between 1400 and 3000 pixels. Without a configured
image, audioguide draws one (3000 x 3000 JPEG): a calm two-colour gradient chosen from the
show title, and the title set large, so it stays legible as a thumbnail, in DejaVu Sans Bold
(bundled: Latin with its accents, Greek, Cyrillic, Hebrew, Arabic, set right to left and joined
by Pillow's text layout), else in a font of this machine that has the title's letters (Chinese,
Japanese, Korean…); with none, the cover has no title rather than boxes for letters.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import textwrap
import warnings
from importlib import resources
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from audioguide.errors import InputError

log = logging.getLogger(__name__)

SIZE = 3000
STYLE = 3
"""Bumped whenever the generated design changes, so existing covers are redrawn."""
BUNDLED_FONT = "DejaVuSans-Bold.ttf"
"""The title's font, in the package's ``fonts/`` (with its licence)."""
SYSTEM_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/unifont/unifont.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.ttc",
)
"""Fonts of the machine tried, in turn, for a title the bundled font has no letters for."""
MIN_SIZE, MAX_SIZE = 1400, 3000
MAX_BYTES = 512_000
"""A cover file larger than this is saved smaller: hosts and apps ask for artwork under 512 kB,
and every episode's MP3 and Opus carries a copy (a 15 MB photo made a 4-second episode 15 MB)."""

_PALETTES = [
    ((24, 40, 72), (46, 110, 142)),
    ((58, 28, 72), (168, 72, 96)),
    ((20, 60, 48), (64, 140, 100)),
    ((72, 40, 20), (196, 120, 52)),
    ((30, 30, 40), (90, 90, 130)),
]


def _gradient(top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    column = Image.new("RGB", (1, SIZE))
    for y in range(SIZE):
        t = y / (SIZE - 1)
        column.putpixel((0, y), tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=False)))
    return column.resize((SIZE, SIZE))


def _wrap(draw: ImageDraw.ImageDraw, words: list[str], font: ImageFont.FreeTypeFont,
          width: float) -> list[str] | None:
    """Greedy line breaks at word boundaries, measured in pixels; None if a word cannot fit."""
    lines: list[str] = []
    for word in words:
        if draw.textlength(word, font=font) > width:
            return None
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


@functools.cache
def _letters(path: str) -> frozenset[int]:
    """The characters the font at ``path`` (the first of a collection) has glyphs for."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, fontNumber=0, lazy=True) as font:
            return frozenset(font.getBestCmap() or {})
    except Exception:  # noqa: BLE001 - any font fontTools cannot read is one we cannot use
        return frozenset()


def font_for(text: str) -> str | None:
    """The first font (the bundled one, then :data:`SYSTEM_FONTS` present here) with a glyph
    for every character of ``text`` that is drawn (not spaces); ``None`` when none has."""
    wanted = {ord(c) for c in text if not c.isspace()}
    bundled = str(resources.files("audioguide") / "fonts" / BUNDLED_FONT)
    for path in (bundled, *SYSTEM_FONTS):
        if (path == bundled or Path(path).is_file()) and wanted <= _letters(path):
            return path
    return None


def _fit_title(draw: ImageDraw.ImageDraw, title: str, path: str) -> tuple[list[str], ImageFont.FreeTypeFont]:
    """The largest size of the font at ``path`` whose word-wrapped title fits the cover's text box."""
    box = SIZE * 0.8
    words = title.split()
    for size in range(380, 60, -20):
        font = ImageFont.truetype(path, size)
        lines = _wrap(draw, words, font, box)
        if lines is not None and len(lines) * size * 1.2 <= SIZE * 0.6:
            return lines, font
    font = ImageFont.truetype(path, 60)  # a pathological title: cut it rather than overflow
    return textwrap.wrap(title, width=80)[:20], font


COVER_EXTENSIONS = ("jpg", "png")
"""The formats a cover is written in (:func:`prepare_cover`, :func:`generate_cover`)."""


def generate_cover(title: str, author: str = "") -> bytes:
    """A 3000 x 3000 RGB JPEG with the show title (and the author, when a font has their letters);
    the same title always gives the same bytes on the same machine."""
    pick = int(hashlib.sha256(title.encode()).hexdigest(), 16) % len(_PALETTES)
    image = _gradient(*_PALETTES[pick])
    draw = ImageDraw.Draw(image)
    title = title.strip() or "Podcast"
    path = font_for(title)
    y = SIZE * 0.46
    if path is None:
        log.warning("the generated cover has no title: no font here has every letter of %r; give the show "
                    "a cover of your own (show.image in audioguide.toml)", title)
    else:
        lines, font = _fit_title(draw, title, path)
        line_height = font.size * 1.2
        y = (SIZE - line_height * len(lines)) / 2 - SIZE * 0.04
        for line in lines:
            width = draw.textlength(line, font=font)
            draw.text(((SIZE - width) / 2, y), line, font=font, fill=(255, 255, 255))
            y += line_height
    draw.rectangle([SIZE * 0.42, y + SIZE * 0.03, SIZE * 0.58, y + SIZE * 0.03 + 18], fill=(255, 255, 255))
    small_path = font_for(author) if author else None
    if small_path is not None:
        small = ImageFont.truetype(small_path, 110)
        width = draw.textlength(author, font=small)
        draw.text(((SIZE - width) / 2, SIZE * 0.86), author, font=small, fill=(230, 230, 235))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88, optimize=True)
    return out.getvalue()


def prepare_cover(path: Path, *, setting: str = "show.image",
                  otherwise: str = "leave show.image empty to generate one") -> tuple[bytes, str]:
    """A configured cover as Apple wants it: its bytes and format (``jpg`` or ``png``).

    A square RGB JPEG or PNG of 1400-3000 px and at most 512 kB is used as it is. One that only
    has the wrong colour mode (RGBA, CMYK, a palette), the wrong format (GIF, WebP…), is larger
    than 3000 px or than 512 kB is converted (transparency laid on white), scaled down and, when
    it is still too heavy, saved as a JPEG (:func:`_small_enough`). A cover that is not square or is too
    small is refused, with exactly what to do: cropping or upscaling someone's artwork is not a
    guess to make for them.
    """
    fix = f"Use a square RGB JPEG or PNG of 1400-3000 px, or {otherwise}"
    if not path.is_file():
        raise InputError("cover image does not exist", path=path, fix=fix)
    try:
        with _opened(path) as img:
            img.load()
            fmt, mode, (w, h) = img.format, img.mode, img.size
            if w != h:
                side = min(w, h)
                raise InputError(f"cover image is {w}x{h}, not square", path=path,
                                 fix=f"Crop it to {side}x{side} (keeping the part that matters) or pad it to "
                                 f"{max(w, h)}x{max(w, h)}, then point {setting} at the new file")
            if w < MIN_SIZE:
                raise InputError(f"cover image is {w} px wide, not {MIN_SIZE}-{MAX_SIZE}", path=path,
                                 fix=f"Use an original of at least {MIN_SIZE}x{MIN_SIZE} px (enlarging blurs it)")
            if fmt in ("JPEG", "PNG") and mode == "RGB" and w <= MAX_SIZE and path.stat().st_size <= MAX_BYTES:
                return path.read_bytes(), "png" if fmt == "PNG" else "jpg"
            rgb = _flatten(img)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InputError(f"cover image has over {(Image.MAX_IMAGE_PIXELS or 0) // 1_000_000} million pixels, too many "
                         "to read safely", path=path,
                         fix=f"Scale it down to a square of {MIN_SIZE}-{MAX_SIZE} px, then point {setting} at it, "
                         f"or {otherwise}") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:  # Pillow's for bad data
        raise InputError("cover image cannot be read as an image", path=path, fix=fix) from exc
    if w > MAX_SIZE:
        rgb = rgb.resize((MAX_SIZE, MAX_SIZE), Image.Resampling.LANCZOS)
    data, ext = _small_enough(rgb, "PNG" if fmt == "PNG" else "JPEG")
    if path.stat().st_size > MAX_BYTES:
        log.info("%s: %d kB; published as a %s of %d kB (apps ask for under %d kB)", path,
                 path.stat().st_size // 1000, ext.upper(), len(data) // 1000, MAX_BYTES // 1000)
    return data, ext


def _opened(path: Path) -> Image.Image:
    """The image at ``path``, opened (its header read). Pillow refuses an image of more than
    twice ``Image.MAX_IMAGE_PIXELS`` (a decompression bomb: a small PNG of 30000 x 30000 px
    would take gigabytes once read) and only warns of one above it; here both are refused, so
    that any such image is one error with the fix rather than a warning line and a slow read.
    (Warning filters are global: a render thread opening another image meanwhile is refused
    the same way, which is the rule anyway.)"""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        return Image.open(path)


def _small_enough(rgb: Image.Image, fmt: str) -> tuple[bytes, str]:
    """``rgb`` saved as ``fmt`` (``PNG`` or ``JPEG``); when that is over :data:`MAX_BYTES`, as a
    JPEG of falling quality, then at 1400 px (the smallest tried when none fits)."""
    buf = io.BytesIO()
    if fmt == "PNG":
        rgb.save(buf, format="PNG", optimize=True)
    else:
        rgb.save(buf, format="JPEG", quality=92)
    if buf.tell() <= MAX_BYTES:
        return buf.getvalue(), "png" if fmt == "PNG" else "jpg"
    smaller = rgb.resize((MIN_SIZE, MIN_SIZE), Image.Resampling.LANCZOS) if rgb.width > MIN_SIZE else rgb
    for image in (rgb, smaller):
        for quality in (90, 80, 70, 60):
            buf = io.BytesIO()
            image.save(buf, format="JPEG", quality=quality, optimize=True)
            if buf.tell() <= MAX_BYTES:
                return buf.getvalue(), "jpg"
    return buf.getvalue(), "jpg"


def _flatten(img: Image.Image) -> Image.Image:
    """``img`` in RGB, any transparency laid on white."""
    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return img.convert("RGB")
