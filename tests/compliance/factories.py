"""Helpers for compliance tests: 2257 paperwork built through the real services (console/compliance/*).

Every helper opens its own `session_scope()` (commits on success), so a test sees what a page would see
after a click. Records are entered by `clerk` and verified by a second person, `verifier`; both default to
the system actor, which the two-person rule does not apply to.

Legal names made here all contain LEGAL_MARK, so a test can prove that no message shown to content staff
carries a legal name.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from console.actor import SYSTEM, Actor
from console.catalog import gate, service
from console.catalog.models import Performer, Video
from console.compliance import productions, records, vault
from console.compliance.fixtures import in_letters, sample_scan
from console.compliance.models import ComplianceHold, IdDocument, IdScan, LegalRecord, Production
from console.db import session_scope, utcnow
from tests.catalog.factories import complete_data, make_collection, make_performer, unique

LEGAL_MARK = "Confidential"
PRODUCTION_DAY = date(2020, 6, 1)
ALL_CHECKED = dict.fromkeys(records.CHECKLIST_LABELS, True)
_seq = itertools.count(1)

# A minimal but well-formed PDF (header, one empty page, trailer, end-of-file marker).
SAMPLE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 120]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def legal_data(**overrides: Any) -> dict[str, Any]:
    """create_record/amend_record input: a legal name carrying LEGAL_MARK and an adult's date of birth."""
    n = next(_seq)
    data: dict[str, Any] = {
        "legal_first_name": f"{LEGAL_MARK}{in_letters(n)}",  # a legal name holds no digits
        "legal_last_name": f"Secretname{in_letters(n)}",
        "date_of_birth": date(1990, 5, 17),
    }
    data.update(overrides)
    return data


def document_data(examined_on: date = date(2015, 1, 10), **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "doc_type": "passport",
        "number": f"X{next(_seq):08d}",
        "issuing_country": "US",
        "issue_date": examined_on - timedelta(days=365),
        "expiry_date": examined_on + timedelta(days=3650),
        "examined_on": examined_on,
    }
    data.update(overrides)
    return data


# --- records, one service call per helper -------------------------------------------------------------------


def create_record(performer_id: int, *, actor: Actor = SYSTEM, **data: Any) -> int:
    with session_scope() as session:
        return records.create_record(session, actor=actor, performer_id=performer_id, data=legal_data(**data)).id


def add_document(record_id: int, *, actor: Actor = SYSTEM, examined_on: date = date(2015, 1, 10), **data: Any) -> int:
    with session_scope() as session:
        doc = records.add_document(session, actor=actor, record_id=record_id, data=document_data(examined_on, **data))
        return doc.id


def add_scan(document_id: int, *, actor: Actor = SYSTEM, data: bytes | None = None, filename: str = "id.png") -> int:
    with session_scope() as session:
        scan = records.add_scan(
            session,
            actor=actor,
            document_id=document_id,
            data=sample_scan() if data is None else data,
            filename=filename,
        )
        return scan.id


def submit(record_id: int, *, actor: Actor = SYSTEM) -> None:
    with session_scope() as session:
        records.submit_for_verification(session, actor=actor, record_id=record_id, expected_version=None)


def verify(record_id: int, *, actor: Actor = SYSTEM, checklist: dict[str, bool] | None = None) -> None:
    with session_scope() as session:
        records.verify_record(
            session, actor=actor, record_id=record_id, checklist=checklist or ALL_CHECKED, expected_version=None
        )


def reject(record_id: int, *, actor: Actor = SYSTEM, reason: str = "photo is blurred") -> None:
    with session_scope() as session:
        records.reject_record(session, actor=actor, record_id=record_id, reason=reason, expected_version=None)


def revoke(record_id: int, *, actor: Actor = SYSTEM, reason: str = "the ID turned out to be forged") -> list[int]:
    with session_scope() as session:
        _, held = records.revoke_record(session, actor=actor, record_id=record_id, reason=reason, expected_version=None)
        return held


def amend(record_id: int, *, actor: Actor = SYSTEM, expected_version: int | None = None, **changes: Any) -> list[int]:
    """Amend with the record's stored values plus `changes` (what the editor sends back)."""
    with session_scope() as session:
        rec = session.get(LegalRecord, record_id)
        assert rec is not None
        data = {name: getattr(rec, name) for name in (*records.LEGAL_FACTS, "notes")} | changes
        _, held = records.amend_record(
            session, actor=actor, record_id=record_id, data=data, expected_version=expected_version
        )
        return held


@dataclass(frozen=True)
class Paperwork:
    performer_id: int
    record_id: int | None
    document_id: int | None


def paperwork(
    performer_id: int,
    *,
    status: str = "verified",
    dob: date = date(1990, 5, 17),
    examined_on: date = date(2015, 1, 10),
    scanned: bool = True,
    clerk: Actor = SYSTEM,
    verifier: Actor = SYSTEM,
) -> Paperwork:
    """A legal record in `status` (none | incomplete | pending_verification | verified | rejected | revoked)
    with one examined passport (scanned unless `scanned=False`, which only an incomplete record can be)."""
    if status == "none":
        return Paperwork(performer_id, None, None)
    record_id = create_record(performer_id, actor=clerk, date_of_birth=dob)
    with session_scope() as session:
        stage = session.get(Performer, performer_id)
        assert stage is not None
        records.add_name(session, actor=clerk, record_id=record_id, data={"name": stage.name, "kind": "stage"})
    document_id = add_document(record_id, actor=clerk, examined_on=examined_on)
    if scanned:
        add_scan(document_id, actor=clerk)
    if status != "incomplete":
        submit(record_id, actor=clerk)
    if status in ("verified", "revoked"):
        verify(record_id, actor=verifier)
    if status == "rejected":
        reject(record_id, actor=verifier)
    if status == "revoked":
        revoke(record_id, actor=verifier)
    return Paperwork(performer_id, record_id, document_id)


# --- videos and productions ---------------------------------------------------------------------------------


def cast_video(
    performer_ids: list[int], *, performer_count: int | None = None, actor: Actor = SYSTEM, **overrides: Any
) -> int:
    """A complete draft (catalog rules satisfied) with `performer_ids` linked and no 2257 paperwork."""
    collection_id = make_collection()
    count = len(performer_ids) if performer_count is None else performer_count
    with session_scope() as session:
        video = service.create_video(
            session, actor=actor, data=complete_data(collection_id, performer_count=count, **overrides)
        )
        service.set_performers(session, actor=actor, video_id=video.id, performer_ids=performer_ids)
        return video.id


def save_production(
    video_id: int,
    day: date | None = PRODUCTION_DAY,
    *,
    actor: Actor = SYSTEM,
    relied_on: dict[int, int | None] | None = None,
    expected_version: int | None = None,
    **data: Any,
) -> Production:
    with session_scope() as session:
        payload: dict[str, Any] = {"production_date": day, **data}
        if relied_on is not None:
            payload["relied_on"] = relied_on
        production, _held = productions.save_production(
            session, actor=actor, video_id=video_id, data=payload, expected_version=expected_version
        )
        return production


def performer(name: str | None = None) -> int:
    return make_performer(name or unique("Stagename"))


def compliant_published_video(*, clerk: Actor = SYSTEM, verifier: Actor = SYSTEM) -> tuple[int, Paperwork]:
    """One performer with a verified record, a production, published: (video id, the performer's paperwork)."""
    work = paperwork(performer(), clerk=clerk, verifier=verifier)
    video_id = cast_video([work.performer_id])
    save_production(video_id)
    with session_scope() as session:
        service.publish(session, actor=SYSTEM, video_id=video_id)
    return video_id, work


def set_custodian(actor: Actor = SYSTEM, **overrides: str) -> None:
    data = {
        "name": "Casey Custodian",
        "title": "Custodian of Records",
        "business_address": "100 Records Way\nSuite 2257\nLos Angeles, CA 90001",
        "hours": "Monday to Friday, 9:00-17:00",
    } | overrides
    with session_scope() as session:
        productions.set_custodian(session, actor=actor, data=data, expected_version=None)


# --- reading back -------------------------------------------------------------------------------------------


def load_record(record_id: int) -> LegalRecord:
    with session_scope() as session:
        rec = session.get(LegalRecord, record_id)
        assert rec is not None
        return rec


def video_state(video_id: int) -> str:
    with session_scope() as session:
        video = session.get(Video, video_id)
        assert video is not None
        return video.state


def gate_reasons(video_id: int) -> list[str]:
    with session_scope() as session:
        video = session.get(Video, video_id)
        assert video is not None
        return gate.publish_blockers(session, video)


def holds_of(video_id: int) -> list[ComplianceHold]:
    with session_scope() as session:
        query = select(ComplianceHold).where(ComplianceHold.video_id == video_id).order_by(ComplianceHold.id)
        return list(session.execute(query).scalars())


def count(model: Any) -> int:
    with session_scope() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def row_counts() -> dict[str, int]:
    return {m.__tablename__: count(m) for m in (LegalRecord, IdDocument, IdScan, Production, ComplianceHold)}


def stored_files() -> set[Path]:
    """Every file under the records store (encrypted scans and any leftover partial writes)."""
    root = vault.records_dir()
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def scan_path(scan_id: int) -> Path:
    with session_scope() as session:
        scan = session.get(IdScan, scan_id)
        assert scan is not None
        return vault.records_dir() / scan.storage_name[:2] / scan.storage_name


def backdate(record_id: int, *, years: int = 8) -> date:
    """Pretend the record was created and last amended `years` ago, with its retention computed then."""
    then = utcnow() - timedelta(days=365 * years)
    with session_scope() as session:
        rec = session.get(LegalRecord, record_id)
        assert rec is not None
        rec.created_at = rec.amended_at = then
        rec.retention_until = records.retention_from(then)
        return rec.retention_until
