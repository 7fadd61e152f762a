"""What the scale seed bulk-loads: the columns of each table, the one PNG every scan encrypts, the encrypted
scan files written in parallel, and the id marks the scale catalog is added above."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from io import BytesIO
from typing import Any

from sqlalchemy import func, select

from console.catalog.models import Performer, Video
from console.compliance import vault
from console.db import session_scope


@lru_cache(maxsize=1)
def scale_scan() -> bytes:
    """A tiny PNG (a few hundred bytes): the plaintext of every scale scan, encrypted once per file."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (48, 30), "#eceff1")
    draw = ImageDraw.Draw(image)
    draw.rectangle((1, 1, 46, 28), outline="#37474f")
    draw.rectangle((4, 7, 15, 23), fill="#90a4ae")
    out = BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


RECORD_COLUMNS = [
    "performer_id",
    "legal_first_name",
    "legal_middle_name",
    "legal_last_name",
    "date_of_birth",
    "status",
    "notes",
    "entered_by_id",
    "amended_by_id",
    "verified_by_id",
    "verified_by_label",
    "verified_at",
    "checklist",
    "status_reason",
    "created_at",
    "amended_at",
    "retention_until",
    "version",
]


NAME_COLUMNS = ["legal_record_id", "name", "kind", "used_from", "used_to", "created_at"]


DOCUMENT_COLUMNS = [
    "legal_record_id",
    "doc_type",
    "number",
    "issuing_country",
    "issuing_state",
    "issue_date",
    "expiry_date",
    "examined_by_id",
    "examined_by_label",
    "examined_on",
    "created_at",
    "version",
]


SCAN_COLUMNS = [
    "id_document_id",
    "storage_name",
    "content_type",
    "original_name",
    "size_bytes",
    "sha256",
    "uploaded_by_id",
    "uploaded_at",
]


PRODUCTION_COLUMNS = [
    "video_id",
    "production_date",
    "producer_notes",
    "location_notes",
    "created_at",
    "updated_at",
    "version",
]


RELIED_COLUMNS = ["production_id", "performer_id", "legal_record_id", "id_document_id"]


EXAMINER = "records desk (scale seed)"


def scale_marks() -> tuple[int, int]:
    """The highest performer and video ids before `scale_catalog` runs: what it adds lies above them."""
    with session_scope() as session:
        performer = session.execute(select(func.coalesce(func.max(Performer.id), 0))).scalar_one()
        video = session.execute(select(func.coalesce(func.max(Video.id), 0))).scalar_one()
    return int(performer), int(video)


def _empty(model: Any) -> bool:
    with session_scope() as session:
        return session.execute(select(model.id).limit(1)).first() is None


def _write_scans(names: list[str], workers: int = 8) -> None:
    """Encrypt the shared plaintext once per file (every file a real Fernet token) and write them in parallel."""
    plain = scale_scan()
    token_of = vault.fernet().encrypt
    root = vault.records_dir()
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    for prefix in {name[:2] for name in names}:
        (root / prefix).mkdir(parents=True, exist_ok=True, mode=0o700)

    def write(chunk: list[str]) -> None:
        for name in chunk:
            fd = os.open(root / name[:2] / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, token_of(plain))
            finally:
                os.close(fd)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(write, [names[k::workers] for k in range(workers)]))
