"""Writing files: the template, the videos a filter selects as import-format rows, and those rows as CSV or
XLSX (formula-like cells neutralised), so an exported file re-imports unchanged."""

from __future__ import annotations

import io

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.catalog.models import Collection, Performer, Video, VideoPerformer
from console.catalog.rules import format_duration, format_money
from console.catalog.service import VideoFilter, filtered_videos, video_view
from console.catalog.transfer.columns import _EXAMPLE, COLUMNS, neutralise
from console.errors import ValidationFailed
from console.staff.permissions import Permission, require

EXPORT_LIMIT = 200_000


EXPORT_BATCH = 1_000


def template_csv() -> bytes:
    """The header and one example row, as UTF-8 CSV (with a BOM, so Excel reads the accents right)."""
    return to_csv([_EXAMPLE])


def _export_row(video: Video, collection_slug: str, performer_slugs: list[str]) -> dict[str, str]:
    view = video_view(video)

    def text(name: str) -> str:
        value = view.get(name)
        return "" if value is None else str(value)

    row = {name: text(name) for name in COLUMNS if name in view}
    row.update(
        collection=collection_slug,
        release_date=video.release_date.isoformat() if video.release_date else "",
        duration=format_duration(video.duration_seconds),
        genres="; ".join(video.genres or []),
        qualities="; ".join(video.qualities or []),
        rental_price=format_money(video.rental_price_cents),
        purchase_price=format_money(video.purchase_price_cents),
        ppv_price=format_money(video.ppv_price_cents),
        performer_count=str(video.performer_count),
        performers="; ".join(performer_slugs),
        featured="yes" if video.is_featured else "no",
    )
    return {name: row.get(name, "") for name in COLUMNS}


def export_rows(session: Session, *, actor: Actor, flt: VideoFilter, limit: int = EXPORT_LIMIT) -> list[dict[str, str]]:
    """The videos `flt` selects, in id order, as import-format rows; read in keyset batches of 1,000."""
    require(actor, Permission.CATALOG_READ)
    query = filtered_videos(session, flt)
    collections: dict[int, str] = {}
    rows: list[dict[str, str]] = []
    last_id = 0
    while True:
        batch = list(session.execute(query.where(Video.id > last_id).order_by(Video.id).limit(EXPORT_BATCH)).scalars())
        if not batch:
            return rows
        if len(rows) + len(batch) > limit:
            raise ValidationFailed({"export": f"more than {limit:,} videos match; narrow the filter and export again"})
        ids = [v.id for v in batch]
        performers: dict[int, list[str]] = {}
        for video_id, slug in session.execute(
            select(VideoPerformer.video_id, Performer.slug)
            .join(Performer, Performer.id == VideoPerformer.performer_id)
            .where(VideoPerformer.video_id.in_(ids), Performer.deleted_at.is_(None))
            .order_by(VideoPerformer.video_id, VideoPerformer.billing_order, Performer.slug)
        ):
            performers.setdefault(video_id, []).append(slug)
        unknown = {v.collection_id for v in batch if v.collection_id is not None} - collections.keys()
        if unknown:
            for collection_id, collection_slug in session.execute(
                select(Collection.id, Collection.slug).where(Collection.id.in_(unknown))
            ):
                collections[collection_id] = collection_slug
        for video in batch:
            collection = collections.get(video.collection_id, "") if video.collection_id is not None else ""
            rows.append(_export_row(video, collection, performers.get(video.id, [])))
        last_id = batch[-1].id
        del batch  # the identity map holds clean objects weakly: each batch can be collected


def to_csv(rows: list[dict[str, str]]) -> bytes:
    """UTF-8 CSV with a BOM (Excel), formula-like cells neutralised."""
    frame = pd.DataFrame([[neutralise(r.get(c, "")) for c in COLUMNS] for r in rows], columns=list(COLUMNS))
    return frame.to_csv(index=False).encode("utf-8-sig")


def to_xlsx(rows: list[dict[str, str]]) -> bytes:
    """An .xlsx workbook (one sheet, text cells), formula-like cells neutralised.

    Written with openpyxl's streaming write-only mode rather than `DataFrame.to_excel`, which builds every
    cell as an object first: 200,000 rows x 25 columns would take gigabytes.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("videos")
    widths = {"title": 40, "description": 50, "slug": 30, "performers": 30, "genres": 24}
    for i, name in enumerate(COLUMNS):
        letter = _column_letter(i)
        sheet.column_dimensions[letter].width = widths.get(name, 40 if name.endswith("_url") else 14)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", str(neutralise(row.get(c, "")))) for c in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))
