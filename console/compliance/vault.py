"""Encrypted storage of ID scans: checked by content, Fernet-encrypted, SHA-256 of the original kept.

Files live under `data_dir/records/<2 hex>/<uuid>.bin`, which nothing serves over HTTP (web.py serves only
`data_dir/media`). The browser's file name is never used on disk. Reading verifies the hash, so a file
swapped or damaged on disk is reported instead of being shown as the performer's ID.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from cryptography.fernet import InvalidToken, MultiFernet
from PIL import Image, UnidentifiedImageError

from console.config import get_settings
from console.crypto import records_fernet
from console.errors import ConsoleError, ValidationFailed

IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "application/pdf": "pdf"}
FIELD = "scan"


class ScanIntegrityError(ConsoleError):
    """The stored scan cannot be decrypted or no longer matches its SHA-256: it was altered or the key changed."""


@dataclass(frozen=True)
class StoredScan:
    storage_name: str
    content_type: str
    size_bytes: int
    sha256: str


def fernet() -> MultiFernet:
    """The records key's Fernet (console/crypto.py): the same key protects staff TOTP secrets."""
    return records_fernet()


def records_dir() -> Path:
    return get_settings().records_path


def _path(storage_name: str) -> Path:
    if not storage_name.endswith(".bin") or "/" in storage_name or ".." in storage_name:
        raise ScanIntegrityError("The stored scan has an invalid name.")
    return records_dir() / storage_name[:2] / storage_name


def sniff(data: bytes, filename: str) -> str:
    """The content type of an ID scan, decided by its bytes: PNG/JPEG/WebP image or PDF; anything else refused."""
    shown = (filename or "the file")[:120]
    limit_mb = get_settings().records_scan_max_mb
    if not data:
        raise ValidationFailed({FIELD: f"{shown} is empty"})
    if len(data) > limit_mb * 1024 * 1024:
        raise ValidationFailed({FIELD: f"{shown} is larger than {limit_mb} MB"})
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise ValidationFailed({FIELD: f"{shown} is a truncated or damaged PDF (no end-of-file marker)"})
        return "application/pdf"
    try:
        with Image.open(BytesIO(data), formats=list(IMAGE_TYPES)) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationFailed(
            {FIELD: f"{shown} is not a PNG, JPEG, WebP image or a PDF (checked by content, not by name)"}
        ) from exc
    if kind not in IMAGE_TYPES:
        raise ValidationFailed({FIELD: f"{shown} is not a PNG, JPEG, WebP image or a PDF"})
    return IMAGE_TYPES[kind]


def store(data: bytes, filename: str) -> StoredScan:
    """Check, encrypt and write a scan; return what the database row needs. The caller records the row."""
    content_type = sniff(data, filename)
    name = f"{uuid.uuid4().hex}.bin"
    target = _path(name)
    records_dir().mkdir(parents=True, exist_ok=True, mode=0o700)  # only the console's user may list it
    target.parent.mkdir(exist_ok=True, mode=0o700)
    partial = target.with_name(f".{name}.part")
    with open(partial, "xb") as out:  # never overwrite anything
        out.write(fernet().encrypt(data))
    os.chmod(partial, 0o600)
    os.replace(partial, target)
    return StoredScan(name, content_type, len(data), hashlib.sha256(data).hexdigest())


def load(storage_name: str, sha256: str) -> bytes:
    """Decrypt a scan and prove it is the one stored (SHA-256 of the original)."""
    path = _path(storage_name)
    try:
        token = path.read_bytes()
    except FileNotFoundError as exc:
        raise ScanIntegrityError("The scan file is missing from the records store; restore it from backup.") from exc
    try:
        data = fernet().decrypt(token)
    except InvalidToken as exc:
        raise ScanIntegrityError(
            "The scan cannot be decrypted: the file was altered or CONSOLE_RECORDS_KEY is not the key it was "
            "stored with."
        ) from exc
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ScanIntegrityError("The scan does not match the SHA-256 recorded when it was stored.")
    return data


def discard(storage_name: str) -> None:
    """Remove a stored file (only after its row is gone: used when a transaction that stored it fails)."""
    with contextlib.suppress(FileNotFoundError):
        _path(storage_name).unlink()


def read_token(storage_name: str) -> bytes:
    """The encrypted bytes of a stored scan, as on disk (key rotation reads them without decrypting)."""
    return _path(storage_name).read_bytes()


def replace_token(storage_name: str, token: bytes) -> None:
    """Swap a scan's encrypted bytes for `token` (the same scan under another key): written aside, then renamed
    over the old file, so a crash leaves the old or the new file and never half of one."""
    target = _path(storage_name)
    partial = target.with_name(f".{storage_name}.rekey")
    with open(partial, "wb") as out:
        out.write(token)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(partial, 0o600)
    os.replace(partial, target)
