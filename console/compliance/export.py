"""The inspection export (28 CFR 75.5): one ZIP with everything an inspector asks for.

    README.txt                  what the ZIP holds, when and by whom it was made, the counts
    index_by_legal_name.csv     one row per record and depiction, by legal name (last, first)
    index_by_other_names.csv    every other name (and stage name) -> the legal record, alphabetically
    index_by_depiction.csv      one row per depiction and performer: legal name, ID relied on, age that day
    records.pdf                 the custodian statement, then one sheet per performer
    ids/<last>_<first>_<record>/<document>-<scan>.<ext>   decrypted copies of every ID scan (SHA-256 checked)
    PROBLEMS.txt                only when a scan could not be read (missing, altered, or a wrong key)

Records are read in keyset batches (never a whole table of ORM objects) and scans are decrypted one at a
time straight into the ZIP. The file is created 0600, written under a temporary name and renamed when
complete; the export writes ONE `compliance.export` audit event with the counts and the ZIP's SHA-256 in
the caller's transaction. If that transaction fails, the caller deletes the file (see `discard`).

Spreadsheets run formulas: text cells starting with = + - @ (or tab/CR) get a leading quote, as in the
catalog export.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from fpdf import FPDF
from sqlalchemy import exists, func, literal, select, tuple_, union_all
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record as audit
from console.catalog.models import Performer, Video
from console.catalog.transfer import neutralise
from console.compliance import vault
from console.compliance.index import LEGAL_ORDER, CastMember, Depiction, IndexEntry, cast_of, entries_for, video_url
from console.compliance.models import Custodian, IdDocument, IdScan, LegalRecord, PerformerName, Production
from console.compliance.productions import STATEMENT_TITLE
from console.compliance.records import ID_TYPE_LABELS, NAME_KIND_LABELS, STATUS_LABELS
from console.config import ROOT
from console.db import utcnow
from console.errors import RuleViolation
from console.staff.permissions import Permission, require

ProgressFn = Callable[[int, int, str], None]
BATCH = 500
FONTS = ROOT / "assets" / "fonts"
LEGAL_COLUMNS = (
    "legal_last_name",
    "legal_first_name",
    "legal_middle_name",
    "legal_name",
    "record_id",
    "performer_id",
    "stage_name",
    "other_names",
    "record_status",
    "video_id",
    "title",
    "identifier",
    "url",
    "production_date",
)
NAME_COLUMNS = ("name", "kind", "used_from", "used_to", "legal_name", "record_id", "performer_id", "stage_name")
DEPICTION_COLUMNS = (
    "video_id",
    "title",
    "identifier",
    "url",
    "production_date",
    "stage_name",
    "performer_id",
    "legal_name",
    "record_id",
    "record_status",
    "id_type",
    "id_number",
    "id_country",
    "id_examined_on",
    "age_on_production_date",
)
_UNSAFE = re.compile(r"[^\w]+")


@dataclass
class ExportResult:
    path: Path
    sha256: str
    size_bytes: int
    records: int = 0
    names: int = 0
    depictions: int = 0
    scans: int = 0
    problems: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"records": self.records, "names": self.names, "depictions": self.depictions, "scans": self.scans}


def export_filename(now: datetime | None = None) -> str:
    return f"inspection-2257-{(now or utcnow()):%Y%m%d-%H%M%S}.zip"


def folder_name(last: str, first: str, record_id: int) -> str:
    """`ids/<last>_<first>_<record-id>`: letters and digits of any script kept, everything else a hyphen."""

    def part(text: str) -> str:
        return _UNSAFE.sub("-", text).strip("-_")[:60] or "x"

    return f"{part(last)}_{part(first)}_{record_id}"


def discard(result: ExportResult | Path) -> None:
    """Remove an export whose audit event could not be committed (it must not exist unaudited)."""
    path = result.path if isinstance(result, ExportResult) else result
    path.unlink(missing_ok=True)


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(value) if isinstance(value, str) else value


def _csv_writer(handle: IO[str]) -> Any:
    return csv.writer(handle, lineterminator="\r\n")


def _row(values: Sequence[Any]) -> list[Any]:
    return [_text(v) for v in values]


# --- the PDF ------------------------------------------------------------------------------------------------


class RecordsPdf(FPDF):
    """A4 sheets in DejaVu Sans (covers Latin, Greek, Cyrillic, Hebrew, Arabic, ... names)."""

    def __init__(self, generated: str) -> None:
        super().__init__(format="A4")
        self.generated = generated
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(True, margin=16)
        self.set_margins(16, 16, 16)
        self.set_creator("Staff Console")
        self.set_title("18 U.S.C. 2257 records — inspection export")
        self._font_key: tuple[str, float] | None = None

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 7)
        self._font_key = None
        self.set_text_color(110)
        self.cell(0, 5, f"2257 records · exported {self.generated} · page {self.page_no()}", align="C")
        self.set_text_color(0)

    def line_of(self, text: str, *, size: float = 9.5, bold: bool = False, height: float = 5.0) -> None:
        """One line of text. Drawn with `text()` (several times cheaper than `cell()`, which matters at 20,000
        sheets); only a line that may not fit is measured, and only one that does not fit is wrapped."""
        style = "B" if bold else ""
        if self._font_key != (style, size):
            self.set_font("DejaVu", style, size)
            self._font_key = (style, size)
        width = self.w - self.l_margin - self.r_margin
        safe_chars = int(width / 0.3528 / (size * 1.1))  # no glyph of DejaVu Sans is wider than 1.1 em
        if len(text) > safe_chars and self.get_string_width(text) > width:
            self.multi_cell(width, height, text, align="L", new_x="LMARGIN", new_y="NEXT")
            return
        if self.y + height > self.page_break_trigger:
            self.add_page()
        self.text(self.l_margin + self.c_margin, self.y + height / 2 + self.font_size * 0.35, text)
        self.set_y(self.y + height)

    def heading(self, text: str) -> None:
        self.ln(2)
        self.line_of(text, size=10.5, bold=True, height=6)


def _d(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def _statement_page(pdf: RecordsPdf, custodian: Custodian | None, actor: Actor, generated: str) -> None:
    pdf.add_page()
    pdf.start_section("Custodian of records")
    pdf.line_of(STATEMENT_TITLE, size=13, bold=True, height=8)
    pdf.ln(2)
    if custodian is None:
        pdf.set_text_color(180, 0, 0)
        pdf.line_of("NO CUSTODIAN OF RECORDS IS SET. A compliance officer must enter one (Compliance → Custodian).")
        pdf.set_text_color(0)
    else:
        pdf.line_of(
            "The records required by 18 U.S.C. 2257 and 28 C.F.R. Part 75 for all performers appearing in the "
            "depictions listed in this export are kept by the following custodian of records:"
        )
        pdf.ln(3)
        pdf.line_of(custodian.name, size=11, bold=True, height=6)
        pdf.line_of(custodian.title)
        for address_line in custodian.business_address.splitlines():
            pdf.line_of(address_line)
        pdf.ln(2)
        pdf.line_of(f"Records are available for inspection: {custodian.hours}")
    pdf.ln(6)
    pdf.line_of(f"Exported {generated} by {actor.label}.", size=8.5)
    pdf.line_of(
        "One sheet per performer follows, in order of legal name (last, first). The ZIP holds the cross-reference "
        "indexes (CSV) and decrypted copies of every identification document under ids/.",
        size=8.5,
    )


def _performer_sheet(
    pdf: RecordsPdf,
    rec: LegalRecord,
    entry: IndexEntry,
    documents: list[tuple[IdDocument, list[tuple[IdScan, str]]]],
) -> None:
    pdf.add_page()
    pdf.start_section(entry.legal_name)
    pdf.line_of(entry.legal_name, size=14, bold=True, height=8)
    pdf.line_of(f"Legal record #{rec.id} · performer #{rec.performer_id} · stage name: {entry.stage_name}", size=9)
    pdf.heading("Identity")
    pdf.line_of(
        f"Legal name: {rec.legal_first_name} {rec.legal_middle_name or ''} {rec.legal_last_name}".replace("  ", " ")
    )
    pdf.line_of(f"Date of birth: {_d(rec.date_of_birth)}")
    status = STATUS_LABELS.get(rec.status, rec.status)
    if rec.status == "verified":
        status += f" — verified by {rec.verified_by_label or '—'} at {_d(rec.verified_at)}"
    elif rec.status_reason:
        status += f" — {rec.status_reason}"
    pdf.line_of(f"Record status: {status}")
    pdf.line_of(
        f"Created {_d(rec.created_at)} · last amended {_d(rec.amended_at)} · kept until {_d(rec.retention_until)}"
    )
    pdf.heading("Other names used")
    if not entry.other_names:
        pdf.line_of("None recorded.")
    for n in entry.other_names:
        used = ""
        if n.used_from or n.used_to:
            used = f" (used {_d(n.used_from) if n.used_from else '…'} to {_d(n.used_to) if n.used_to else '…'})"
        pdf.line_of(f"{n.name} — {NAME_KIND_LABELS.get(n.kind, n.kind)}{used}")
    pdf.heading("Identification documents examined")
    if not documents:
        pdf.line_of("None recorded.")
    for doc, scans in documents:
        place = doc.issuing_country + (f" ({doc.issuing_state})" if doc.issuing_state else "")
        pdf.line_of(
            f"{ID_TYPE_LABELS.get(doc.doc_type, doc.doc_type)} No. {doc.number} · issued by {place} · "
            f"issued {_d(doc.issue_date)} · expires {_d(doc.expiry_date)}",
            bold=True,
        )
        pdf.line_of(f"Examined on {_d(doc.examined_on)} by {doc.examined_by_label or '—'}")
        copies = ", ".join(name for _, name in scans) if scans else "no copy on file"
        pdf.line_of(f"Copies: {copies}", size=8.5)
    pdf.heading(f"Depictions ({entry.depiction_total})")
    if not entry.depictions:
        pdf.line_of("None.")
    for d in entry.depictions:
        deleted = " (deleted)" if d.deleted else ""
        pdf.line_of(f"{_d(d.production_date)} · {d.title}{deleted} · {d.slug} · #{d.video_id} · {d.url}", size=9)


# --- the passes ---------------------------------------------------------------------------------------------


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


def _readme(result: ExportResult, actor: Actor, generated: str, custodian: Custodian | None) -> str:
    lines = [
        "18 U.S.C. 2257 / 28 C.F.R. Part 75 records — inspection export",
        "",
        f"Exported: {generated}",
        f"Exported by: {actor.label}",
        f"Custodian of records: {custodian.name + ', ' + custodian.title if custodian else 'NOT SET'}",
        "",
        f"Legal records: {result.records}",
        f"Names in the index by other names: {result.names}",
        f"Depictions (videos with a production): {result.depictions}",
        f"ID copies: {result.scans}",
        "",
        "index_by_legal_name.csv   one row per record and depiction, in order of legal name (last, first)",
        "index_by_other_names.csv  every other name and stage name, alphabetically, with the legal record",
        "index_by_depiction.csv    one row per depiction and performer, with the ID relied on and the age that day",
        "records.pdf               the custodian statement, then one sheet per performer",
        "ids/                      decrypted copies of the identification documents, checked against their SHA-256",
        "",
        "Text cells that a spreadsheet would run as a formula start with a single quote.",
    ]
    if result.problems:
        lines += ["", f"PROBLEMS: {len(result.problems)} ID copies could not be included; see PROBLEMS.txt."]
    return "\n".join(lines) + "\n"


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def build_inspection_zip(
    session: Session,
    *,
    actor: Actor,
    out_dir: Path | str | None = None,
    file: Path | str | None = None,
    progress: ProgressFn | None = None,
) -> ExportResult:
    """Write the inspection ZIP into `out_dir` (a timestamped name) or to `file`; audit it; return what was
    written. `progress(done, total, label)` is called from this (worker) thread after every batch."""
    require(actor, Permission.COMPLIANCE_EXPORT)
    if (out_dir is None) == (file is None):
        raise ValueError("give exactly one of out_dir and file")
    now = utcnow()
    if file is not None:
        target = Path(file)
    else:
        directory = Path(out_dir)  # type: ignore[arg-type]
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / export_filename(now)
    if target.exists():
        raise RuleViolation(f"{target} already exists; choose another file name.")
    if not target.parent.is_dir():
        raise RuleViolation(f"The folder {target.parent} does not exist.")
    generated = now.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    custodian = session.get(Custodian, 1)
    names_total = _count(session, _names_query())
    records_total = _count(session, select(LegalRecord.id).subquery())
    depictions_total = _count(
        session, select(Production.video_id).join(Video, Video.id == Production.video_id).subquery()
    )
    steps = _Progress(progress, records_total + names_total + depictions_total)
    steps.step(0, "Starting")
    result = ExportResult(path=target, sha256="", size_bytes=0)
    partial = target.with_name(f".{target.name}.part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            pdf = RecordsPdf(generated)
            if custodian is not None:
                pdf.set_subject(f"Custodian of records: {custodian.name}, {custodian.title}")
            _statement_page(pdf, custodian, actor, generated)
            # The legal-name index is written while the records pass runs (the ZIP takes one member at a
            # time and that pass also writes the ID copies): it waits in an anonymous temporary file.
            with tempfile.TemporaryFile("w+", encoding="utf-8-sig", newline="", dir=target.parent) as legal_csv:
                _write_records(session, zf, pdf, legal_csv, result, steps, now)
                legal_csv.seek(0)
                with zf.open(_zip_info("index_by_legal_name.csv", now, compress=True), "w") as member:
                    for chunk in iter(lambda: legal_csv.buffer.read(1024 * 1024), b""):
                        member.write(chunk)
            _write_names(session, zf, result, steps, now)
            _write_depictions(session, zf, result, steps, now)
            steps.step(0, "Writing the PDF")
            zf.writestr(_zip_info("records.pdf", now, compress=True), bytes(pdf.output()))
            del pdf
            if result.problems:
                zf.writestr(_zip_info("PROBLEMS.txt", now, compress=True), "\n".join(result.problems) + "\n")
            zf.writestr(_zip_info("README.txt", now, compress=True), _readme(result, actor, generated, custodian))
        result.sha256 = _sha256_of(partial)
        result.size_bytes = partial.stat().st_size
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    audit(
        session,
        actor,
        "compliance.export",
        "compliance_index",
        None,
        after=result.counts()
        | {
            "sha256": result.sha256,
            "size_bytes": result.size_bytes,
            "file": target.name,
            "problems": len(result.problems),
        },
        reason="inspection export",
    )
    return result
