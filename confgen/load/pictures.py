"""Speakers' photos and sponsors' logos named in ``conference.yaml``: each must be a file inside the
project folder that Pillow reads as a raster image. Checked when the project opens, so a missing
or broken picture is a FILE:LINE error with exit 2, never a broken image on the site."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Iterator

from confgen.model import Conference

#: What browsers show everywhere and Pillow reads; an SVG logo must be exported to PNG first.
FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
#: Larger pictures are refused as decompression bombs rather than read.
MAX_PIXELS = 40_000_000


def named(conference: Conference) -> Iterator[tuple[str, str]]:
    """Every picture the conference names, as ``(dotted.path, file)``."""
    for index, speaker in enumerate(conference.speakers):
        if speaker.photo:
            yield f"speakers.{index}.photo", speaker.photo
    for index, sponsor in enumerate(conference.sponsors):
        if sponsor.logo:
            yield f"sponsors.{index}.logo", sponsor.logo


def resolve(root: Path, name: str) -> Path:
    """The file ``name`` names, relative to the project; ValueError when it leads outside it."""
    root = root.resolve()
    path = (root / name).resolve()
    if Path(name).is_absolute() or not path.is_relative_to(root):
        raise ValueError(f"{name!r} is outside the project folder; give a path relative to it")
    return path


def problem(root: Path, name: str) -> str | None:
    """Why ``name`` is not a usable picture, or None when it is."""
    from PIL import Image  # Pillow loads only for projects with pictures

    try:
        path = resolve(root, name)
    except ValueError as exc:
        return str(exc)
    if not path.is_file():
        return f"no such file {name!r} (relative to the project folder)"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                kind = image.format
                width, height = image.size
                image.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        return f"{name!r} is not an image Pillow can read ({type(exc).__name__}: {exc}); use {', '.join(FORMATS)}"
    if kind not in FORMATS:
        return f"{name!r} is a {kind} image; use {', '.join(FORMATS)}"
    if width * height > MAX_PIXELS or not width or not height:
        return f"{name!r} is {width}×{height} pixels; at most {MAX_PIXELS:,} pixels"
    return None


def check(conference: Conference, root: Path) -> list[tuple[str, str]]:
    return [(path, message) for path, name in named(conference) if (message := problem(root, name))]
