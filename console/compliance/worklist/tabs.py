"""One page of a tab's rows, with the names it shows and one audit event per page of legal data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record as audit
from console.catalog.models import Performer, Video
from console.compliance.gate_checks import compliance_blockers
from console.compliance.models import ComplianceHold, IdDocument, LegalRecord
from console.compliance.records import legal_name
from console.compliance.worklist.queries import (
    _blocked_query,
    _cutoff,
    _expiring_query,
    _holds_query,
    _missing_query,
    _pending_query,
)
from console.compliance.worklist.rows import (
    DEFAULT_EXPIRY_DAYS,
    VIEW_ACTION,
    BlockedRow,
    ExpiringRow,
    HoldRow,
    MissingRow,
    PendingRow,
)
from console.errors import NotFound, ValidationFailed
from console.paging import Page, PageRequest, exact_or_estimated_count, fetch_page
from console.staff.names import names_of
from console.staff.permissions import Permission, require
from console.validation import clean_text

REASON_FILTER_MAX = 200


def _page(
    session: Session, query: Select[Any], order: Sequence[tuple[Any, bool]], page: PageRequest
) -> tuple[list[Any], int, bool]:
    total, estimated = exact_or_estimated_count(session, query)
    return fetch_page(session, query, order, page, total, estimated=estimated), total, estimated


def _records_of(session: Session, performer_ids: list[int]) -> dict[int, LegalRecord]:
    if not performer_ids:
        return {}
    rows = session.execute(select(LegalRecord).where(LegalRecord.performer_id.in_(performer_ids))).scalars()
    return {r.performer_id: r for r in rows}


def _performer_names(session: Session, performer_ids: list[int]) -> dict[int, str]:
    if not performer_ids:
        return {}
    rows = session.execute(select(Performer.id, Performer.name).where(Performer.id.in_(performer_ids))).all()
    return {row.id: row.name for row in rows}


def _staff_labels(session: Session, ids: list[int]) -> dict[int, str]:
    return names_of(session, ids)


def _audit_view(session: Session, actor: Actor, tab: str, page: PageRequest, record_ids: list[int]) -> None:
    """One event per page of rows shown (not one per row), naming every record on it."""
    audit(
        session,
        actor,
        VIEW_ACTION,
        "compliance_worklist",
        tab,
        after={"tab": tab, "page": page.page, "size": page.size, "record_ids": sorted(set(record_ids))},
    )


def list_missing(session: Session, *, actor: Actor, page: PageRequest) -> Page[MissingRow]:
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    performers, total, estimated = _page(
        session, _missing_query(), [(Performer.name, False), (Performer.id, False)], page
    )
    records = _records_of(session, [p.id for p in performers])
    rows = []
    for p in performers:
        rec = records.get(p.id)
        rows.append(
            MissingRow(
                performer_id=p.id,
                stage_name=p.name,
                record_id=rec.id if rec else None,
                status=rec.status if rec else None,
                legal_name=legal_name(rec) if rec else None,
                amended_at=rec.amended_at if rec else None,
            )
        )
    _audit_view(session, actor, "missing", page, [r.record_id for r in rows if r.record_id is not None])
    return Page(rows, total, estimated, page)


def list_pending(session: Session, *, actor: Actor, page: PageRequest) -> Page[PendingRow]:
    """Records waiting for verification, oldest first (ids grow with creation; the status index orders them)."""
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    recs, total, estimated = _page(session, _pending_query(), [(LegalRecord.id, False)], page)
    names = _performer_names(session, [r.performer_id for r in recs])
    staff = _staff_labels(session, [i for r in recs for i in (r.entered_by_id, r.amended_by_id) if i is not None])
    rows = [
        PendingRow(
            record_id=r.id,
            performer_id=r.performer_id,
            stage_name=names.get(r.performer_id, f"#{r.performer_id}"),
            legal_name=legal_name(r),
            date_of_birth=r.date_of_birth,
            entered_by=staff.get(r.entered_by_id) if r.entered_by_id else None,
            amended_by=staff.get(r.amended_by_id) if r.amended_by_id else None,
            created_at=r.created_at,
            amended_at=r.amended_at,
        )
        for r in recs
    ]
    _audit_view(session, actor, "pending", page, [r.record_id for r in rows])
    return Page(rows, total, estimated, page)


def list_expiring(
    session: Session,
    *,
    actor: Actor,
    page: PageRequest,
    within_days: int = DEFAULT_EXPIRY_DAYS,
    today: date | None = None,
) -> Page[ExpiringRow]:
    """IDs of verified records expiring within `within_days` (or expired), soonest first."""
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    day, cutoff = _cutoff(within_days, today)
    docs, total, estimated = _page(
        session, _expiring_query(cutoff), [(IdDocument.expiry_date, False), (IdDocument.id, False)], page
    )
    recs: dict[int, LegalRecord] = {}
    if docs:
        recs = {
            r.id: r
            for r in session.execute(
                select(LegalRecord).where(LegalRecord.id.in_({d.legal_record_id for d in docs}))
            ).scalars()
        }
    names = _performer_names(session, [r.performer_id for r in recs.values()])
    rows = []
    for d in docs:
        rec = recs[d.legal_record_id]
        assert d.expiry_date is not None
        rows.append(
            ExpiringRow(
                document_id=d.id,
                record_id=rec.id,
                performer_id=rec.performer_id,
                stage_name=names.get(rec.performer_id, f"#{rec.performer_id}"),
                legal_name=legal_name(rec),
                doc_type=d.doc_type,
                issuing_country=d.issuing_country,
                expiry_date=d.expiry_date,
                days_left=(d.expiry_date - day).days,
            )
        )
    _audit_view(session, actor, "expiring", page, [r.record_id for r in rows])
    return Page(rows, total, estimated, page)


def list_blocked(session: Session, *, actor: Actor, page: PageRequest) -> Page[BlockedRow]:
    """Videos the gate would refuse for 2257 reasons; the reasons (stage names only) for this page's rows."""
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    videos, total, estimated = _page(session, _blocked_query(), [(Video.created_at, True), (Video.id, True)], page)
    rows = [
        BlockedRow(
            video_id=v.id,
            title=v.title,
            state=v.state,
            performer_count=v.performer_count,
            reasons=compliance_blockers(session, v),
        )
        for v in videos
    ]
    _audit_view(session, actor, "blocked", page, [])
    return Page(rows, total, estimated, page)


def list_holds(
    session: Session, *, actor: Actor, page: PageRequest, record_id: int | None = None, reason: str | None = None
) -> Page[HoldRow]:
    """Open holds, oldest first; `record_id` narrows them to the holds one record caused, `reason` to those whose
    reason contains it (any case: "case #181" finds an emergency report's holds, a series' episodes with it)."""
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    errors: dict[str, str] = {}
    wanted = clean_text(reason, "reason", errors, max_len=REASON_FILTER_MAX, required=False) if reason else None
    if errors:
        raise ValidationFailed(errors)
    holds, total, estimated = _page(
        session,
        _holds_query(record_id, wanted),
        [(ComplianceHold.created_at, False), (ComplianceHold.id, False)],
        page,
    )
    videos: dict[int, Video] = {}
    recs: dict[int, LegalRecord] = {}
    if holds:
        videos = {
            v.id: v for v in session.execute(select(Video).where(Video.id.in_({h.video_id for h in holds}))).scalars()
        }
        recs = {
            r.id: r
            for r in session.execute(
                select(LegalRecord).where(
                    LegalRecord.id.in_({h.legal_record_id for h in holds if h.legal_record_id is not None})
                )
            ).scalars()
        }
    names = _performer_names(session, [r.performer_id for r in recs.values()])
    rows = []
    for h in holds:
        video = videos[h.video_id]
        rec = recs.get(h.legal_record_id) if h.legal_record_id is not None else None
        rows.append(
            HoldRow(
                hold_id=h.id,
                video_id=video.id,
                title=video.title,
                video_state=video.state,
                record_id=rec.id if rec else None,
                performer_id=rec.performer_id if rec else None,
                stage_name=names.get(rec.performer_id, f"#{rec.performer_id}") if rec else None,
                legal_name=legal_name(rec) if rec else None,
                record_status=rec.status if rec else None,
                reason=h.reason,
                created_at=h.created_at,
                source=h.source,
            )
        )
    _audit_view(session, actor, "holds", page, [r.record_id for r in rows if r.record_id is not None])
    return Page(rows, total, estimated, page)


def list_tab(
    session: Session,
    *,
    actor: Actor,
    tab: str,
    page: PageRequest,
    within_days: int = DEFAULT_EXPIRY_DAYS,
    reason: str | None = None,
) -> Page[Any]:
    """One tab's page of rows; `reason` filters the holds tab (and nothing else)."""
    if tab == "missing":
        return list_missing(session, actor=actor, page=page)
    if tab == "pending":
        return list_pending(session, actor=actor, page=page)
    if tab == "expiring":
        return list_expiring(session, actor=actor, page=page, within_days=within_days)
    if tab == "blocked":
        return list_blocked(session, actor=actor, page=page)
    if tab == "holds":
        return list_holds(session, actor=actor, page=page, reason=reason)
    raise NotFound(f"There is no worklist tab “{tab[:40]}”.")
