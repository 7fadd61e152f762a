"""Building the inspection ZIP: the passes in order, the README, the file renamed into place when complete,
and the one audit event with the counts and the ZIP's SHA-256."""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from datetime import UTC
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record as audit
from console.catalog.models import Video
from console.compliance.export.contents import ExportResult, ProgressFn, export_filename
from console.compliance.export.passes import (
    _count,
    _names_query,
    _Progress,
    _write_depictions,
    _write_names,
    _write_records,
    _zip_info,
)
from console.compliance.export.pdf import RecordsPdf, _statement_page
from console.compliance.models import Custodian, LegalRecord, Production
from console.db import utcnow
from console.errors import RuleViolation
from console.staff.permissions import Permission, require


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
