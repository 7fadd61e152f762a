"""The passes over the database that fill the ZIP: records with their IDs and scans (and PDF sheets), other
names, depictions; read in keyset batches of BATCH, with progress."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

from sqlalchemy import exists, func, literal, select, tuple_, union_all
from sqlalchemy.orm import Session

from console.catalog.models import Performer, Video
from console.compliance import vault
from console.compliance.export.contents import (
    DEPICTION_COLUMNS,
    LEGAL_COLUMNS,
    NAME_COLUMNS,
    ExportResult,
    ProgressFn,
    _csv_writer,
    _row,
    folder_name,
)
from console.compliance.export.pdf import RecordsPdf, _performer_sheet
from console.compliance.index import LEGAL_ORDER, CastMember, Depiction, cast_of, entries_for, video_url
from console.compliance.models import IdDocument, IdScan, LegalRecord, PerformerName, Production
from console.compliance.records import ID_TYPE_LABELS, NAME_KIND_LABELS

BATCH = 500


def _record_batches(session: Session) -> Iterator[list[LegalRecord]]:
    """Every record in legal-name order, BATCH at a time (keyset on the index's columns)."""
    columns = [col for col, _ in LEGAL_ORDER]
    last: tuple[Any, ...] | None = None
    while True:
        query = select(LegalRecord).order_by(*columns).limit(BATCH)
        if last is not None:
            query = query.where(tuple_(*columns) > tuple_(*last))
        batch = list(session.execute(query).scalars())
        if not batch:
            return
        yield batch
        tail = batch[-1]
        last = (tail.legal_last_name, tail.legal_first_name, tail.id)


def _names_query() -> Any:
    """Every other name, plus each performer's profile (stage) name unless it is already listed as a stage name."""
    listed = select(
        PerformerName.name.label("name"),
        PerformerName.kind.label("kind"),
        PerformerName.used_from.label("used_from"),
        PerformerName.used_to.label("used_to"),
        PerformerName.legal_record_id.label("record_id"),
    )
    already = exists().where(
        PerformerName.legal_record_id == LegalRecord.id,
        PerformerName.name == Performer.name,
        PerformerName.kind == "stage",
    )
    profile = (
        select(
            Performer.name,
            literal("stage"),
            literal(None, type_=PerformerName.used_from.type),
            literal(None, type_=PerformerName.used_to.type),
            LegalRecord.id,
        )
        .join(LegalRecord, LegalRecord.performer_id == Performer.id)
        .where(~already)
    )
    return union_all(listed, profile).subquery("names")


def _count(session: Session, query: Any) -> int:
    return int(session.execute(select(func.count()).select_from(query)).scalar_one())


class _Progress:
    def __init__(self, fn: ProgressFn | None, total: int) -> None:
        self.fn, self.total, self.done = fn, max(total, 1), 0

    def step(self, n: int, label: str) -> None:
        self.done += n
        if self.fn is not None:
            self.fn(min(self.done, self.total), self.total, label)


def _zip_info(name: str, when: datetime, *, compress: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o600 << 16
    return info


def _write_records(
    session: Session,
    zf: zipfile.ZipFile,
    pdf: RecordsPdf,
    legal_csv: IO[str],
    result: ExportResult,
    progress: _Progress,
    when: datetime,
) -> None:
    writer = _csv_writer(legal_csv)
    writer.writerow(LEGAL_COLUMNS)
    for batch in _record_batches(session):
        entries = {e.record_id: e for e in entries_for(session, batch, cap=None)}
        ids = [r.id for r in batch]
        docs = list(
            session.execute(
                select(IdDocument).where(IdDocument.legal_record_id.in_(ids)).order_by(IdDocument.id)
            ).scalars()
        )
        scans_of: dict[int, list[IdScan]] = {d.id: [] for d in docs}
        if docs:
            for scan in session.execute(
                select(IdScan).where(IdScan.id_document_id.in_(list(scans_of))).order_by(IdScan.id)
            ).scalars():
                scans_of[scan.id_document_id].append(scan)
        docs_of: dict[int, list[IdDocument]] = {}
        for doc in docs:
            docs_of.setdefault(doc.legal_record_id, []).append(doc)
        for rec in batch:
            entry = entries[rec.id]
            others = "; ".join(f"{n.name} ({NAME_KIND_LABELS.get(n.kind, n.kind)})" for n in entry.other_names)
            head = [
                rec.legal_last_name,
                rec.legal_first_name,
                rec.legal_middle_name,
                entry.legal_name,
                rec.id,
                rec.performer_id,
                entry.stage_name,
                others,
                rec.status,
            ]
            depictions: list[Depiction | None] = list(entry.depictions) or [None]
            for d in depictions:
                tail = [d.video_id, d.title, d.slug, d.url, d.production_date] if d else [None] * 5
                writer.writerow(_row(head + tail))
            folder = "ids/" + folder_name(rec.legal_last_name, rec.legal_first_name, rec.id)
            documents: list[tuple[IdDocument, list[tuple[IdScan, str]]]] = []
            for doc in docs_of.get(rec.id, []):
                written: list[tuple[IdScan, str]] = []
                for scan in scans_of[doc.id]:
                    name = f"{folder}/{doc.id}-{scan.id}.{vault.EXTENSIONS.get(scan.content_type, 'bin')}"
                    try:
                        data = vault.load(scan.storage_name, scan.sha256)
                    except vault.ScanIntegrityError as exc:
                        result.problems.append(f"{name} (record #{rec.id}, {entry.legal_name}): {exc.message}")
                        continue
                    zf.writestr(_zip_info(name, when, compress=scan.content_type == "application/pdf"), data)
                    del data
                    result.scans += 1
                    written.append((scan, name))
                documents.append((doc, written))
            _performer_sheet(pdf, rec, entry, documents)
        result.records += len(batch)
        progress.step(len(batch), "Records, sheets and ID copies")
        del batch, entries, docs, scans_of, docs_of


def _write_names(
    session: Session, zf: zipfile.ZipFile, result: ExportResult, progress: _Progress, when: datetime
) -> None:
    names = _names_query()
    query = (
        select(
            names.c.name,
            names.c.kind,
            names.c.used_from,
            names.c.used_to,
            LegalRecord.legal_last_name,
            LegalRecord.legal_first_name,
            LegalRecord.legal_middle_name,
            LegalRecord.id,
            LegalRecord.performer_id,
            Performer.name.label("stage_name"),
        )
        .join(LegalRecord, LegalRecord.id == names.c.record_id)
        .join(Performer, Performer.id == LegalRecord.performer_id)
        .order_by(names.c.name, names.c.kind, LegalRecord.legal_last_name, LegalRecord.legal_first_name, LegalRecord.id)
        .execution_options(yield_per=1000)
    )
    with zf.open(_zip_info("index_by_other_names.csv", when, compress=True), "w") as raw:
        handle = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        writer = _csv_writer(handle)
        writer.writerow(NAME_COLUMNS)
        pending = 0
        for row in session.execute(query):
            given = " ".join(p for p in (row.legal_first_name, row.legal_middle_name) if p)
            kind = NAME_KIND_LABELS.get(row.kind, row.kind)
            legal = f"{row.legal_last_name}, {given}"
            writer.writerow(
                _row([row.name, kind, row.used_from, row.used_to, legal, row.id, row.performer_id, row.stage_name])
            )
            result.names += 1
            pending += 1
            if pending == 1000:
                progress.step(pending, "Index by other names")
                pending = 0
        progress.step(pending, "Index by other names")
        handle.flush()
        handle.detach()


def _write_depictions(
    session: Session, zf: zipfile.ZipFile, result: ExportResult, progress: _Progress, when: datetime
) -> None:
    with zf.open(_zip_info("index_by_depiction.csv", when, compress=True), "w") as raw:
        handle = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        writer = _csv_writer(handle)
        writer.writerow(DEPICTION_COLUMNS)
        last_id = 0
        while True:
            batch = session.execute(
                select(Video.id, Video.title, Video.slug, Video.deleted_at, Production.production_date)
                .join(Production, Production.video_id == Video.id)
                .where(Video.id > last_id)
                .order_by(Video.id)
                .limit(BATCH)
            ).all()
            if not batch:
                break
            cast = cast_of(session, [row.id for row in batch])
            for row in batch:
                title = row.title + (" (deleted)" if row.deleted_at is not None else "")
                head = [row.id, title, row.slug, video_url(row.id), row.production_date]
                members: list[CastMember | None] = list(cast[row.id]) or [None]
                for c in members:
                    tail = (
                        [
                            c.stage_name,
                            c.performer_id,
                            c.legal_name,
                            c.record_id,
                            c.status,
                            ID_TYPE_LABELS.get(c.id_type, c.id_type) if c.id_type else None,
                            c.id_number,
                            c.id_country,
                            c.id_examined_on,
                            c.age_on_production,
                        ]
                        if c
                        else [None] * 10
                    )
                    writer.writerow(_row(head + tail))
            result.depictions += len(batch)
            progress.step(len(batch), "Index by depiction")
            last_id = batch[-1].id
        handle.flush()
        handle.detach()
