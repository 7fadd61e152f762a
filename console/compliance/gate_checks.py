"""The 2257 checks of the publishing gate. `console.catalog.gate` loads this module before it answers, so
the editor, bulk publish, import and the scheduler cannot publish without them.

Reasons name performers by stage name only: content staff see them, and legal data is not theirs to see.
A 10-performer video costs five indexed queries.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.catalog.gate import register_check
from console.catalog.models import Performer, Video, VideoPerformer
from console.compliance.models import ComplianceHold, IdDocument, IdScan, LegalRecord, Production, ProductionPerformer
from console.compliance.records import STATUS_LABELS, eighteenth_birthday

PREFIX = "2257: "


def compliance_blockers(session: Session, video: Video) -> list[str]:
    reasons: list[str] = []
    hold = session.execute(
        select(ComplianceHold.created_at, ComplianceHold.reason)
        .where(ComplianceHold.video_id == video.id, ComplianceHold.released_at.is_(None))
        .order_by(ComplianceHold.id)
        .limit(1)
    ).first()
    if hold is not None:
        reasons.append(
            f"on compliance hold since {hold.created_at:%Y-%m-%d} ({hold.reason}); compliance must release it"
        )
    if video.kind == "series":
        # A series is a container with no footage of its own: its episodes are the depictions checked here.
        return [PREFIX + r for r in reasons]
    production = session.execute(
        select(Production.id, Production.production_date).where(Production.video_id == video.id)
    ).first()
    production_date: date | None = production.production_date if production else None
    if production_date is None:
        reasons.append("no date of production is recorded")
    linked = session.execute(
        select(Performer.id, Performer.name)
        .join(VideoPerformer, VideoPerformer.performer_id == Performer.id)
        # Soft-deleted performers count too: deleting a profile does not take them out of the footage.
        .where(VideoPerformer.video_id == video.id)
        .order_by(VideoPerformer.billing_order, Performer.id)
    ).all()
    if not linked:
        return [PREFIX + r for r in reasons]
    ids = [row.id for row in linked]
    records = {
        r.performer_id: r
        for r in session.execute(select(LegalRecord).where(LegalRecord.performer_id.in_(ids))).scalars()
    }
    relied: dict[int, tuple[ProductionPerformer, IdDocument | None]] = {}
    if production is not None:
        for pp, doc in session.execute(
            select(ProductionPerformer, IdDocument)
            .outerjoin(IdDocument, IdDocument.id == ProductionPerformer.id_document_id)
            .where(ProductionPerformer.production_id == production.id)
        ).all():
            relied[pp.performer_id] = (pp, doc)
    doc_ids = [doc.id for _, doc in relied.values() if doc is not None]
    scanned = (
        set(
            session.execute(
                select(IdScan.id_document_id).where(IdScan.id_document_id.in_(doc_ids)).group_by(IdScan.id_document_id)
            ).scalars()
        )
        if doc_ids
        else set()
    )
    for performer_id, name in linked:
        rec = records.get(performer_id)
        if rec is None:
            reasons.append(f"{name} has no legal record")
            continue
        if rec.status != "verified":
            reasons.append(f"{name}'s legal record is {STATUS_LABELS[rec.status].lower()}, not verified")
        if production_date is None:
            continue
        if rec.date_of_birth is None:
            reasons.append(f"{name}'s date of birth is not recorded")
        elif production_date < eighteenth_birthday(rec.date_of_birth):
            reasons.append(f"{name} was under 18 on the date of production")
        entry = relied.get(performer_id)
        if entry is None:
            reasons.append(f"the production does not record which ID was relied on for {name}")
            continue
        pp, doc = entry
        if pp.legal_record_id != rec.id:
            reasons.append(f"the production relies on a legal record that is not {name}'s")
        if doc is None:
            reasons.append(f"the production does not record which ID was relied on for {name}")
        elif doc.legal_record_id != rec.id:
            reasons.append(f"the ID relied on for {name} belongs to another record")
        elif doc.examined_on is None or doc.examined_on > production_date:
            reasons.append(f"the ID relied on for {name} was examined after the date of production")
        elif doc.expiry_date is not None and doc.expiry_date < doc.examined_on:
            reasons.append(f"the ID relied on for {name} had expired when it was examined")
        elif doc.id not in scanned:
            reasons.append(f"no copy of the ID relied on for {name} is on file")
    return [PREFIX + r for r in reasons]


def is_compliant(session: Session, video: Video) -> bool:
    return not compliance_blockers(session, video)


register_check("compliance_2257", compliance_blockers)
