"""Pictures of people and sponsors, written into each language's docs so they work offline: a
speaker's photo or a sponsor's logo from ``conference.yaml`` (checked when the project opened,
re-encoded here so no metadata or odd payload of the original reaches the site), otherwise an
avatar drawn from the name: its initials on a colour that the name alone decides, so every
picture the templates point at exists.

Templates find a picture by a rule they can follow in plain Jinja (see ``pages/_macros.j2``):
``assets/pictures/speakers/<id>.jpg`` for a photo, ``.svg`` for an avatar, and
``assets/pictures/sponsors/<n>.png`` or ``.svg`` for the sponsor at index ``n``.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
from xml.sax.saxutils import escape

from confgen.api import Asset, ContentKind, RenderContext, hookimpl
from confgen.model import tr

ROOT = "assets/pictures"
#: Avatar backgrounds, each dark enough for white initials (contrast at least 4.5:1).
COLOURS = ("#3949ab", "#00796b", "#6a1b9a", "#c62828", "#2e7d32", "#ad1457", "#4e342e", "#0277bd",
           "#37474f", "#bf360c", "#283593", "#00695c")
PHOTO_SIZE = 320
LOGO_BOX = (480, 240)


def colour(name: str) -> str:
    """A colour fixed by the name (the same in every build and every language)."""
    return COLOURS[int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:8], 16) % len(COLOURS)]


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def initials(name: str, wide_chars: int = 1) -> str:
    """"Lin Haoran" → "LH"; "林浩然" → "林" (a Chinese name's surname); "" → "?"."""
    name = " ".join(name.split())
    wide = [ch for ch in name if _wide(ch) and ch.isalnum()]
    if wide:
        return "".join(wide[:wide_chars])
    words = ["".join(ch for ch in w if ch.isalnum()) for w in name.replace("-", " ").split()]
    return "".join(w[0] for w in words if w)[:2].upper() or "?"


def avatar_svg(name: str, key: str, wide_chars: int = 1) -> bytes:
    """A square SVG: initials of ``name`` on the colour of ``key``. Text only, escaped as XML."""
    text = escape(initials(name, wide_chars))
    size = 40 if len(text) <= 2 else 30
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="160" height="160">'
            f'<rect width="100" height="100" fill="{colour(key)}"/>'
            f'<text x="50" y="50" dy=".35em" text-anchor="middle" fill="#ffffff" font-size="{size}" font-weight="600" '
            f'font-family="system-ui, -apple-system, \'Segoe UI\', \'Noto Sans CJK SC\', \'PingFang SC\', sans-serif">'
            f'{text}</text></svg>').encode("utf-8")


def photo_jpeg(data: bytes) -> bytes:
    """A square crop of a photo, as a small JPEG (turned upright by its EXIF orientation)."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as image:
        image = ImageOps.exif_transpose(image).convert("RGB")
        image = ImageOps.fit(image, (PHOTO_SIZE, PHOTO_SIZE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def logo_png(data: bytes) -> bytes:
    """A logo fitted into a box, transparency kept, as PNG."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image = image.convert("RGBA")
        image.thumbnail(LOGO_BOX, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _read(ctx: RenderContext, name: str) -> bytes:
    """The picture's bytes; the project checked when it opened that the file is inside it."""
    if ctx.root is None:
        raise ValueError(f"cannot read the picture {name!r}: no project folder at hand")
    root = ctx.root.resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root):
        raise ValueError(f"the picture {name!r} is outside the project folder")
    return path.read_bytes()


class Pictures(ContentKind):
    name = "pictures"

    def pages(self, ctx: RenderContext):
        conference = ctx.conference
        for speaker in conference.speakers:
            if speaker.photo:
                yield Asset(f"{ROOT}/speakers/{speaker.id}.jpg", photo_jpeg(_read(ctx, speaker.photo)))
            else:
                yield Asset(f"{ROOT}/speakers/{speaker.id}.svg", avatar_svg(tr(speaker.name, ctx.lang), tr(speaker.name, "en")))
        for index, sponsor in enumerate(conference.sponsors):
            if sponsor.logo:
                yield Asset(f"{ROOT}/sponsors/{index}.png", logo_png(_read(ctx, sponsor.logo)))
            else:
                yield Asset(f"{ROOT}/sponsors/{index}.svg", avatar_svg(tr(sponsor.name, ctx.lang), tr(sponsor.name, "en"), 2))


@hookimpl
def confgen_content_kinds():
    return [Pictures()]
