"""Uploaded thumbnails: checked by content (Pillow), stored under the data directory with a generated name.

The file name the browser sent is never trusted and never used on disk: a text file named `x.png` is
refused, a WebP named `x.jpg` is stored as `.webp`. The returned public path is what `rules.check_url`
accepts for `thumbnail_url` (LOCAL_THUMBNAIL_RE); web.py serves `data_dir/media` under `/media`.
"""

from __future__ import annotations

import os
import uuid
from io import BytesIO
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from console.catalog.rules import LOCAL_THUMBNAIL_RE
from console.config import get_settings
from console.errors import ValidationFailed

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 8000
EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
FIELD = "thumbnail"


def media_root() -> Path:
    return get_settings().data_dir / "media"


def thumbnails_dir() -> Path:
    return media_root() / "thumbnails"


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed({FIELD: message})


def store_thumbnail(data: bytes, filename: str) -> str:
    """Check that `data` is a PNG, JPEG or WebP image of sane size; store it; return `/media/thumbnails/<name>`."""
    shown_name = (filename or "the file")[:120]
    if not data:
        raise _refuse(f"{shown_name} is empty")
    if len(data) > MAX_BYTES:
        raise _refuse(f"{shown_name} is larger than 5 MB")
    try:
        # Only these decoders are tried: anything else (SVG, HTML, GIF, a renamed text file) is unidentified.
        with Image.open(BytesIO(data), formats=list(EXTENSIONS)) as image:
            kind = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise _refuse(f"{shown_name} is not a PNG, JPEG or WebP image (checked by content, not by name)") from exc
    if kind not in EXTENSIONS:
        raise _refuse(f"{shown_name} is not a PNG, JPEG or WebP image (checked by content, not by name)")
    if width > MAX_SIDE or height > MAX_SIDE:
        raise _refuse(f"{shown_name} is {width}×{height} pixels; at most {MAX_SIDE}×{MAX_SIDE}")
    name = f"{uuid.uuid4().hex}.{EXTENSIONS[kind]}"
    public_path = f"/media/thumbnails/{name}"
    assert LOCAL_THUMBNAIL_RE.fullmatch(public_path)  # the editor's URL check must accept it
    directory = thumbnails_dir()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    partial = directory / f".{name}.part"
    with open(partial, "xb") as out:  # 'x': never overwrite anything
        out.write(data)
    os.replace(partial, target)
    return public_path
