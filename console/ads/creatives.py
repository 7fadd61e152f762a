"""Creative files: checked by content, stored by content hash under `settings.data_dir / "ads"`, served by the
console itself (`/media/ads/<sha256>.<ext>`, console/ads/media_route.py), never fetched from a remote URL.

What a file is comes from its bytes, never from its name: Pillow decides PNG, JPEG, GIF and WebP images, and an
ISO base media file (`ftyp` box with an MP4 brand) read by mutagen is an MP4 video whose duration mutagen reads
from the `mvhd` box. A text file named `x.png` is refused; a WebP named `x.jpg` is stored as `.webp`. The name on
disk is the SHA-256 of the content and the sniffed extension, so the same upload twice is one file, and a stored
name can always be checked against `NAME_RE` before it becomes a path (no traversal, no other folder).

The size limit of an upload is CONSOLE_ADS_CREATIVE_MAX_MB (default 20). The IAB weight limits per format are
pre-checks (checks_media.py), not upload limits: an over-weight banner is stored and fails its check, so the
review card can show why.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from console.config import get_settings
from console.errors import ValidationFailed
from console.validation import text_problem

MAX_SIDE = 8000  # pixels; more is no ad and may be a decompression bomb
IMAGE_TYPES = {  # Pillow format -> (extension, content type)
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}
VIDEO_TYPE = ("mp4", "video/mp4")
# Major brands of the `ftyp` box that are MP4 video (HEIF/AVIF images share the box format and are refused).
MP4_BRANDS = frozenset(
    {"isom", "iso2", "iso3", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V ", "M4VH", "M4VP", "dash", "mmp4"}
)
CONTENT_TYPES = {ext: ctype for ext, ctype in [*IMAGE_TYPES.values(), VIDEO_TYPE]}
NAME_RE = re.compile(r"^[0-9a-f]{64}\.(png|jpg|gif|webp|mp4)$")
URL_PREFIX = "/media/ads/"
KINDS_TEXT = "a PNG, JPEG, GIF or WebP image or an MP4 video"


@dataclass(frozen=True)
class Sniffed:
    """What the bytes are: kind "image" or "video", the format (PNG, JPEG, GIF, WEBP, MP4), the extension and
    content type it is stored and served with, pixel size (images) and duration in seconds (videos; None when
    the file has no readable duration)."""

    kind: str
    format: str
    extension: str
    content_type: str
    width: int | None = None
    height: int | None = None
    duration: float | None = None


@dataclass(frozen=True)
class StoredCreative:
    name: str  # what Ad.creative_path holds: "<sha256>.<ext>"
    sha256: str
    size: int
    sniffed: Sniffed


def _sniff_image(data: bytes) -> Sniffed | None:
    try:
        # Only these decoders are tried: SVG, HTML, a renamed text file are unidentified.
        with Image.open(BytesIO(data), formats=list(IMAGE_TYPES)) as image:
            kind = image.format or ""
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError, EOFError):
        return None
    if kind not in IMAGE_TYPES:
        return None
    extension, content_type = IMAGE_TYPES[kind]
    return Sniffed("image", kind, extension, content_type, width, height)


def _sniff_mp4(data: bytes) -> Sniffed | None:
    if len(data) < 16 or data[4:8] != b"ftyp" or data[8:12].decode("latin-1") not in MP4_BRANDS:
        return None
    from mutagen import MutagenError
    from mutagen.mp4 import MP4

    try:
        info = MP4(BytesIO(data)).info
    except (MutagenError, ValueError, OSError, EOFError):
        return None
    length = getattr(info, "length", None)
    duration = float(length) if length and length > 0 else None
    extension, content_type = VIDEO_TYPE
    return Sniffed("video", "MP4", extension, content_type, duration=duration)


def sniff(data: bytes) -> Sniffed | None:
    """What `data` is by content, or None when it is none of the accepted kinds."""
    if not data:
        return None
    return _sniff_mp4(data) or _sniff_image(data)


def creatives_dir() -> Path:
    return get_settings().data_dir / "ads"


def max_bytes() -> int:
    return get_settings().ads_creative_max_mb * 1024 * 1024


def _shown(filename: str | None) -> str:
    """The uploaded name for a message (escaped by the page like all text), or 'The file' when it is unusable."""
    name = (filename or "").strip()[:120]
    return name if name and text_problem(name) is None else "The file"


def inspect_upload(data: bytes, filename: str | None = None, *, field: str = "creative") -> Sniffed:
    """What an upload is, checked by content, without storing it. Raises ValidationFailed({field: ...})."""
    shown = _shown(filename)
    if not data:
        raise ValidationFailed({field: f"{shown} is empty"})
    limit = get_settings().ads_creative_max_mb
    if len(data) > max_bytes():
        raise ValidationFailed({field: f"{shown} is {len(data) / 1048576:.1f} MB; uploads may be {limit} MB at most"})
    sniffed = sniff(data)
    if sniffed is None:
        raise ValidationFailed({field: f"{shown} is not {KINDS_TEXT} (checked by content, not by name)"})
    if sniffed.width and sniffed.height and (sniffed.width > MAX_SIDE or sniffed.height > MAX_SIDE):
        raise ValidationFailed(
            {field: f"{shown} is {sniffed.width}×{sniffed.height} pixels; at most {MAX_SIDE}×{MAX_SIDE}"}
        )
    return sniffed


def store_creative(data: bytes, filename: str | None = None, *, field: str = "creative") -> StoredCreative:
    """Check `data` by content and store it; returns its stored name. Raises ValidationFailed({field: ...})."""
    sniffed = inspect_upload(data, filename, field=field)
    digest = hashlib.sha256(data).hexdigest()
    name = f"{digest}.{sniffed.extension}"
    _write_once(name, data)
    return StoredCreative(name=name, sha256=digest, size=len(data), sniffed=sniffed)


def _write_once(name: str, data: bytes) -> None:
    directory = creatives_dir()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    if target.exists() and target.stat().st_size == len(data):
        return  # content-addressed: the same bytes are already there
    partial = directory / f".{uuid.uuid4().hex}.part"
    with open(partial, "xb") as out:  # 'x': never overwrite anything
        out.write(data)
    os.replace(partial, target)


def creative_file(name: str | None) -> Path | None:
    """The stored file for a name from `Ad.creative_path`/`poster_path`, or None: the name must be a stored
    name (hash + known extension) and the resolved path must be inside the creatives folder."""
    if not name or not NAME_RE.fullmatch(name):
        return None
    root = creatives_dir().resolve()
    path = (root / name).resolve()
    if path.parent != root or not path.is_file():
        return None
    return path


def read_creative(name: str | None) -> bytes | None:
    path = creative_file(name)
    return path.read_bytes() if path is not None else None


def content_type_for(name: str) -> str:
    return CONTENT_TYPES.get(name.rsplit(".", 1)[-1], "application/octet-stream")


def media_url(name: str | None) -> str | None:
    """The console-local address a page shows the stored file from (never the advertiser's URL)."""
    if not name or not NAME_RE.fullmatch(name):
        return None
    return URL_PREFIX + name
