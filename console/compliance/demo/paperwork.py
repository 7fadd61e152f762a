"""Step 1, called by the catalog demo before it publishes or schedules a video: verified records for the
cast (entered through the services, audited) and the video's production."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import SYSTEM, Actor
from console.catalog.models import Performer, Video, VideoPerformer
from console.compliance import productions, records
from console.compliance.demo.identities import Identity, _identity, _years_before
from console.compliance.demo.planning import Plan, _clerk, _plan, _second_person
from console.compliance.demo.values import ALL_CHECKED, EXPIRING_IN_DAYS, LOCATIONS, PRODUCERS
from console.compliance.fixtures import sample_scan
from console.compliance.models import IdDocument, LegalRecord, Production
from console.db import utc_today


def _enter(
    session: Session,
    performer: Performer,
    ident: Identity,
    actor: Actor,
    *,
    documents: list[dict[str, Any]] | None = None,
    scans: bool = True,
) -> tuple[LegalRecord, list[IdDocument]]:
    """Enter the record with its other names and examined IDs (each scanned unless `scans` is False)."""
    data: dict[str, Any] = {
        "legal_first_name": ident.first,
        "legal_middle_name": ident.middle,
        "legal_last_name": ident.last,
        "date_of_birth": ident.dob,
    }
    if actor.is_system and ident.from_paper_files:
        data["notes"] = "Carried over from the paper 2257 files kept before the console."
    rec = records.create_record(session, actor=actor, performer_id=performer.id, data=data)
    for name in ident.names:
        records.add_name(session, actor=actor, record_id=rec.id, data=name)
    docs = []
    for spec in ident.documents if documents is None else documents:
        doc = records.add_document(session, actor=actor, record_id=rec.id, data=spec)
        if scans:
            label = "passport" if spec["doc_type"] == "passport" else "id-card"
            records.add_scan(session, actor=actor, document_id=doc.id, data=sample_scan(), filename=f"{label}.png")
        docs.append(doc)
    return rec, docs


def _verify(session: Session, rec: LegalRecord, actor: Actor) -> LegalRecord:
    records.submit_for_verification(session, actor=actor, record_id=rec.id, expected_version=None)
    return records.verify_record(
        session, actor=_second_person(session), record_id=rec.id, checklist=dict(ALL_CHECKED), expected_version=None
    )


def _record_of(session: Session, performer_id: int) -> LegalRecord | None:
    return session.execute(select(LegalRecord).where(LegalRecord.performer_id == performer_id)).scalar_one_or_none()


def _ensure_verified(session: Session, performer_id: int, plan: Plan, today: date) -> None:
    done: set[int] = session.info.setdefault("compliance_demo_done", set())
    if performer_id in done:
        return
    done.add(performer_id)
    if _record_of(session, performer_id) is not None:
        return
    performer = session.get(Performer, performer_id)
    if performer is None or performer.deleted_at is not None:
        return
    ident = _identity(performer_id, performer.name, today)
    if performer_id == plan.expiring:  # one ID, expiring within weeks: the worklist's "IDs expiring"
        only = dict(ident.documents[0])
        only["expiry_date"] = today + timedelta(days=EXPIRING_IN_DAYS)
        only["issue_date"] = _years_before(only["expiry_date"], 10)
        ident.documents = [only]
    actor = SYSTEM if ident.from_paper_files else _clerk(session)
    rec, _ = _enter(session, performer, ident, actor)
    _verify(session, rec, actor)


def _cast(session: Session, video_id: int) -> list[int]:
    return list(
        session.execute(
            select(VideoPerformer.performer_id)
            .where(VideoPerformer.video_id == video_id)
            .order_by(VideoPerformer.billing_order, VideoPerformer.performer_id)
        ).scalars()
    )


def _production_date(video: Video, today: date) -> date:
    """Some weeks or months before the release (the catalog demo's release dates reach back 900 days)."""
    rng = random.Random(video.id * 7_919 + 2257)
    base = video.release_date or (today - timedelta(days=rng.randrange(60, 400)))
    return min(base - timedelta(days=rng.randrange(14, 150)), today - timedelta(days=1))


def _save_production(
    session: Session, video: Video, day: date, actor: Actor, relied_on: dict[int, int] | None = None
) -> None:
    rng = random.Random(video.id)
    data: dict[str, Any] = {
        "production_date": day,
        "producer_notes": f"Produced by {rng.choice(PRODUCERS)}",
        "location_notes": rng.choice(LOCATIONS),
    }
    if relied_on:
        data["relied_on"] = relied_on
    productions.save_production(session, actor=actor, video_id=video.id, data=data, expected_version=None)


def _has_production(session: Session, video_id: int) -> bool:
    return session.execute(select(Production.id).where(Production.video_id == video_id)).first() is not None


def paperwork_before_publish(session: Session, video: Video) -> None:
    """Step 1: the 2257 paperwork a video needs before the catalog demo publishes or schedules it.

    A video with a performer reserved for a problem case gets none: the gate then keeps it a draft."""
    plan = _plan(session)
    cast = _cast(session, video.id)
    if any(pid in plan.cases for pid in cast):
        return
    today = utc_today()
    for pid in cast:
        _ensure_verified(session, pid, plan, today)
    if video.kind != "series" and not _has_production(session, video.id):  # a series has no footage of its own
        _save_production(session, video, _production_date(video, today), _clerk(session))
