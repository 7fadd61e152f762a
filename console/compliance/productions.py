"""Productions (the date of production of each depiction and the record/ID relied on per performer), the
custodian of records, and the compliance statement text each depiction carries (28 CFR 75.6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, null, select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.last_change import last_change
from console.audit.service import record as audit
from console.catalog.models import Performer, Video, VideoPerformer
from console.compliance.gate_checks import compliance_blockers
from console.compliance.holds import Held, hold_if_refused, would_hold
from console.compliance.models import Custodian, IdDocument, IdScan, LegalRecord, Production, ProductionPerformer
from console.compliance.records import _parse_date, age_on, legal_name
from console.db import utc_today, utcnow
from console.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from console.staff.permissions import Permission, require
from console.validation import clean_text

EARLIEST_PRODUCTION = date(1970, 1, 1)

NOTES_MAX = 2000  # producer and location notes of a production
CUSTODIAN_LIMITS = {"name": 200, "title": 200, "business_address": 1000, "hours": 300}


def production_view(p: Production, relied: dict[int, int | None]) -> dict[str, Any]:
    return {
        "video_id": p.video_id,
        "production_date": p.production_date,
        "producer_notes": p.producer_notes,
        "location_notes": p.location_notes,
        "relied_on": {str(k): v for k, v in sorted(relied.items())},
        "version": p.version,
    }


@dataclass(frozen=True)
class CastLine:
    performer_id: int
    stage_name: str
    record_id: int | None
    legal_name: str | None
    status: str | None
    age_on_production: int | None
    id_document_id: int | None
    candidates: list[IdDocument]


@dataclass(frozen=True)
class ProductionDetail:
    video: Video
    production: Production | None
    cast: list[CastLine]
    blockers: list[str] | None  # None: not read (the caller reads the verdict later, production_verdict)


def _video(session: Session, video_id: int) -> Video:
    video = session.get(Video, video_id)
    if video is None:
        raise NotFound(f"Video #{video_id} does not exist.")
    return video


def _relied(session: Session, production: Production | None) -> dict[int, ProductionPerformer]:
    if production is None:
        return {}
    rows = session.execute(select(ProductionPerformer).where(ProductionPerformer.production_id == production.id))
    return {pp.performer_id: pp for pp in rows.scalars()}


# The production page's reads, built once with their parameters bound per call (see records/reading.py): the
# video with its production; the cast with their records (deleted profiles included: they are still in the
# footage) and, once there is a production, the ID each performer's line relies on; the cast's IDs.
_VIDEO_AND_PRODUCTION = (
    select(Video, Production)
    .outerjoin(Production, Production.video_id == Video.id)
    .where(Video.id == bindparam("video_id"))
)


def _cast_query(relied_on: Any) -> Select[Any]:
    return (
        select(Performer, LegalRecord, relied_on)
        .join(VideoPerformer, VideoPerformer.performer_id == Performer.id)
        .outerjoin(LegalRecord, LegalRecord.performer_id == Performer.id)
        .where(VideoPerformer.video_id == bindparam("video_id"))
        .order_by(VideoPerformer.billing_order, Performer.id)
    )


_CAST = _cast_query(null())
_CAST_RELIED_ON = _cast_query(ProductionPerformer.id_document_id).outerjoin(
    ProductionPerformer,
    (ProductionPerformer.production_id == bindparam("production_id"))
    & (ProductionPerformer.performer_id == Performer.id),
)
_CAST_IDS = (
    select(IdDocument)
    .where(IdDocument.legal_record_id.in_(bindparam("record_ids", expanding=True)))
    .order_by(IdDocument.examined_on.desc(), IdDocument.id.desc())
)


def view_production(session: Session, *, actor: Actor, video_id: int, verdict: bool = True) -> ProductionDetail:
    """Production date, each performer with legal name and age on that day, the gate's verdict (unless
    `verdict=False`: the editor's first answer, which reads it once the page shows). Audited. Three reads: the
    video with its production, the cast with their records and the IDs relied on, the cast's IDs."""
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    found = session.execute(_VIDEO_AND_PRODUCTION, {"video_id": video_id}).first()
    if found is None:
        raise NotFound(f"Video #{video_id} does not exist.")
    video, production = found[0], found[1]
    if production is None:
        cast_rows = session.execute(_CAST, {"video_id": video_id}).all()
    else:
        cast_rows = session.execute(_CAST_RELIED_ON, {"video_id": video_id, "production_id": production.id}).all()
    record_ids = [rec.id for _, rec, _ in cast_rows if rec is not None]
    docs_by_record: dict[int, list[IdDocument]] = {}
    if record_ids:
        for doc in session.execute(_CAST_IDS, {"record_ids": record_ids}).scalars():
            docs_by_record.setdefault(doc.legal_record_id, []).append(doc)
    day = production.production_date if production else None
    cast = [
        CastLine(
            performer_id=p.id,
            stage_name=p.name,
            record_id=rec.id if rec else None,
            legal_name=legal_name(rec) if rec else None,
            status=rec.status if rec else None,
            age_on_production=age_on(rec.date_of_birth, day) if rec and rec.date_of_birth and day else None,
            id_document_id=relied_id,
            candidates=docs_by_record.get(rec.id, []) if rec else [],
        )
        for p, rec, relied_id in cast_rows
    ]
    audit(session, actor, "production.view", "video", video_id)
    return ProductionDetail(video, production, cast, compliance_blockers(session, video) if verdict else None)


def production_verdict(session: Session, *, actor: Actor, video_id: int) -> list[str]:
    """The gate's 2257 verdict on a video: what keeps it from being published (no legal data: the words any
    catalog role sees when a publish is refused). Empty: nothing does."""
    require(actor, Permission.CATALOG_READ)
    return compliance_blockers(session, _video(session, video_id))


def _best_document(docs: list[IdDocument], day: date | None, scanned: set[int]) -> IdDocument | None:
    """The latest ID examined on or before the production date, preferring one whose copy is on file and that
    had not expired when examined (what a reviewer would pick: the one the gate can accept)."""
    usable = [d for d in docs if d.examined_on is not None and (day is None or d.examined_on <= day)]
    if not usable:
        return None

    def rank(d: IdDocument) -> tuple[bool, bool, date, int]:
        valid = d.expiry_date is None or (d.examined_on is not None and d.expiry_date >= d.examined_on)
        return (d.id in scanned, valid, d.examined_on or date.min, d.id)

    return max(usable, key=rank)


def save_production(
    session: Session,
    *,
    actor: Actor,
    video_id: int,
    data: dict[str, Any],
    expected_version: int | None,
) -> tuple[Production, Held]:
    """Create or amend a video's production: date, notes, and per linked performer the ID relied on.

    `data["relied_on"]` maps performer id -> ID document id; performers left out get the latest ID examined on
    or before the production date. A document must belong to the performer's own legal record.

    A public video that the 2257 checks refuse after the change is put on hold in the same transaction (issue 8:
    the paperwork must say what happened, and the video comes down until compliance releases it); returns the
    production and {video id: (title, reasons)} of what was held. `preview_save_production` tells beforehand.
    """
    require(actor, Permission.COMPLIANCE_EDIT)
    video = _video(session, video_id)
    day, producer, location = _production_fields(data)
    production = _locked_production(session, video_id, expected_version)
    plan = _relied_on_plan(session, video_id, data.get("relied_on") or {}, day)
    before = None
    if production is None:
        production = Production(video_id=video.id)
        session.add(production)
        action = "production.create"
    else:
        before = production_view(production, {k: v.id_document_id for k, v in _relied(session, production).items()})
        action = "production.update"
    production.production_date = day
    production.producer_notes = producer or None
    production.location_notes = location or None
    if before is not None and production_view(production, {k: v[1] for k, v in plan.items()}) == before:
        return production, {}  # a save that changes nothing: no version bump (no false conflicts), no event
    production.updated_at = utcnow()
    session.flush()
    _write_relied_on(session, production, plan)
    after = production_view(production, {k: v[1] for k, v in plan.items()})
    if after == before:
        return production, {}
    audit(session, actor, action, "video", video.id, before, after)
    held = hold_if_refused(session, actor, [video.id], source="production", change="its 2257 production was changed")
    return production, held


def _production_fields(data: dict[str, Any]) -> tuple[date | None, str | None, str | None]:
    """The date of production and the two notes, checked; ValidationFailed names every bad field."""
    errors: dict[str, str] = {}
    day = _parse_date(data.get("production_date"), "production_date", errors, required=True)
    if day is not None and day > utc_today():
        errors["production_date"] = "is in the future; record the day the depiction was produced"
    elif day is not None and day < EARLIEST_PRODUCTION:
        errors["production_date"] = f"is before {EARLIEST_PRODUCTION.isoformat()}"
    producer = clean_text(
        data.get("producer_notes"), "producer_notes", errors, max_len=NOTES_MAX, required=False, multiline=True
    )
    location = clean_text(
        data.get("location_notes"), "location_notes", errors, max_len=NOTES_MAX, required=False, multiline=True
    )
    if errors:
        raise ValidationFailed(errors)
    return day, producer, location


def _locked_production(session: Session, video_id: int, expected_version: int | None) -> Production | None:
    """The video's production, locked for the save (None: not recorded yet); Conflict when it moved on."""
    production = session.execute(
        select(Production).where(Production.video_id == video_id).with_for_update()
    ).scalar_one_or_none()
    if production is not None and expected_version is not None and production.version != expected_version:
        last = last_change(session, "video", video_id, only=("production.create", "production.update"))
        raise Conflict(
            f"The production was changed by {last.by or 'someone else'} while you edited it; your input is kept. "
            "Review and save again.",
            current=production_view(production, {k: v.id_document_id for k, v in _relied(session, production).items()}),
            changed_by=last.by,
            changed_at=last.at,
        )
    return production


def _chosen_documents(chosen_raw: dict[Any, Any], errors: dict[str, str]) -> dict[int, int | None]:
    """The form's {performer id: ID document id or None} as integers; a value that is not one is an error."""
    chosen: dict[int, int | None] = {}
    for key, value in chosen_raw.items():
        try:
            chosen[int(key)] = int(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            errors[f"relied_on.{key}"] = "is not an ID document"
    return chosen


def _documents_of(session: Session, records: dict[int, LegalRecord]) -> tuple[dict[int, list[IdDocument]], set[int]]:
    """The ID documents of these legal records by record id, and the ids of those whose copy is on file."""
    docs: dict[int, list[IdDocument]] = {}
    if records:
        for doc in session.execute(
            select(IdDocument).where(IdDocument.legal_record_id.in_([r.id for r in records.values()]))
        ).scalars():
            docs.setdefault(doc.legal_record_id, []).append(doc)
    all_doc_ids = [d.id for group in docs.values() for d in group]
    scanned = (
        set(session.execute(select(IdScan.id_document_id).where(IdScan.id_document_id.in_(all_doc_ids))).scalars())
        if all_doc_ids
        else set()
    )
    return docs, scanned


def _relied_on_plan(
    session: Session, video_id: int, chosen_raw: dict[Any, Any], day: date | None
) -> dict[int, tuple[int, int | None]]:
    """{performer id: (legal record id, ID document relied on or None)} for each linked performer with a record:
    the chosen document (it must be one of the performer's own) or the best examined on or before `day`."""
    linked = list(
        session.execute(select(VideoPerformer.performer_id).where(VideoPerformer.video_id == video_id)).scalars()
    )
    records = {
        r.performer_id: r
        for r in session.execute(select(LegalRecord).where(LegalRecord.performer_id.in_(linked))).scalars()
    }
    errors: dict[str, str] = {}
    chosen = _chosen_documents(chosen_raw, errors)
    docs, scanned = _documents_of(session, records)
    plan: dict[int, tuple[int, int | None]] = {}
    for performer_id in linked:
        rec = records.get(performer_id)
        if rec is None:
            continue  # the gate reports "no legal record"; nothing to rely on yet
        own = {d.id: d for d in docs.get(rec.id, [])}
        doc_id = chosen.get(performer_id)
        if doc_id is not None:
            if doc_id not in own:
                errors[f"relied_on.{performer_id}"] = "is not an ID document of this performer's legal record"
                continue
            plan[performer_id] = (rec.id, doc_id)
        else:
            best = _best_document(list(own.values()), day, scanned)
            plan[performer_id] = (rec.id, best.id if best else None)
    if errors:
        raise ValidationFailed(errors)
    return plan


def _write_relied_on(session: Session, production: Production, plan: dict[int, tuple[int, int | None]]) -> None:
    """Bring the production's performer lines to `plan`: stale lines deleted, the others added or updated."""
    existing = _relied(session, production)
    for performer_id, stale in existing.items():
        if performer_id not in plan:
            session.delete(stale)
    for performer_id, (record_id, doc_id) in plan.items():
        pp = existing.get(performer_id)
        if pp is None:
            session.add(
                ProductionPerformer(
                    production_id=production.id,
                    performer_id=performer_id,
                    legal_record_id=record_id,
                    id_document_id=doc_id,
                )
            )
        else:
            pp.legal_record_id, pp.id_document_id = record_id, doc_id
    session.flush()


def preview_save_production(
    session: Session, *, actor: Actor, video_id: int, data: dict[str, Any], expected_version: int | None
) -> Held:
    """What save_production would put on hold, keeping nothing (holds.would_hold)."""
    return would_hold(
        session,
        lambda: save_production(session, actor=actor, video_id=video_id, data=data, expected_version=expected_version),
    )


# --- custodian and statement --------------------------------------------------------------------------------


def custodian_view(c: Custodian) -> dict[str, Any]:
    return {"name": c.name, "title": c.title, "business_address": c.business_address, "hours": c.hours}


def get_custodian(session: Session, *, actor: Actor) -> Custodian | None:
    require(actor, Permission.CATALOG_READ)
    return session.get(Custodian, 1)


def set_custodian(session: Session, *, actor: Actor, data: dict[str, Any], expected_version: int | None) -> Custodian:
    require(actor, Permission.COMPLIANCE_EDIT)
    errors: dict[str, str] = {}
    values = {
        "name": clean_text(data.get("name"), "name", errors, max_len=CUSTODIAN_LIMITS["name"]),
        "title": clean_text(data.get("title"), "title", errors, max_len=CUSTODIAN_LIMITS["title"]),
        "business_address": clean_text(
            data.get("business_address"),
            "business_address",
            errors,
            max_len=CUSTODIAN_LIMITS["business_address"],
            multiline=True,
        ),
        "hours": clean_text(data.get("hours"), "hours", errors, max_len=CUSTODIAN_LIMITS["hours"]),
    }
    if errors:
        raise ValidationFailed(errors)
    current = session.execute(select(Custodian).where(Custodian.id == 1).with_for_update()).scalar_one_or_none()
    if current is None:
        current = Custodian(id=1, **values)
        session.add(current)
        session.flush()
        audit(session, actor, "custodian.set", "custodian", 1, None, custodian_view(current))
        return current
    if expected_version is not None and current.version != expected_version:
        last = last_change(session, "custodian", 1)
        raise Conflict(
            f"The custodian details were changed by {last.by or 'someone else'}; review and save again.",
            current=custodian_view(current),
            changed_by=last.by,
            changed_at=last.at,
        )
    before = custodian_view(current)
    for k, v in values.items():
        setattr(current, k, v)
    if custodian_view(current) != before:
        session.flush()
        audit(session, actor, "custodian.set", "custodian", 1, before, custodian_view(current))
    return current


STATEMENT_TITLE = "18 U.S.C. 2257 Record-Keeping Requirements Compliance Statement"


def statement_text(video: Video, production_date: date | None, custodian: Custodian | None) -> str:
    """The statement a depiction displays (28 CFR 75.6): title/identifier, date of production, custodian."""
    if custodian is None:
        raise RuleViolation("No custodian of records is set; a compliance officer must enter one first.")
    if production_date is None:
        raise RuleViolation("This video has no date of production recorded; the statement cannot be issued.")
    return (
        f"{STATEMENT_TITLE}\n\n"
        f"Title: {video.title}\n"
        f"Identifier: {video.slug} (#{video.id})\n"
        f"Date of production: {production_date.isoformat()}\n\n"
        "The records required by 18 U.S.C. 2257 and 28 C.F.R. Part 75 for all performers appearing in this "
        "depiction are kept by the following custodian of records:\n\n"
        f"{custodian.name}\n{custodian.title}\n{custodian.business_address}\n\n"
        f"Records are available for inspection: {custodian.hours}"
    )


def compliance_statement(session: Session, *, actor: Actor, video_id: int) -> str:
    """Public text (no legal data): any catalog role may read and copy it."""
    require(actor, Permission.CATALOG_READ)
    video = _video(session, video_id)
    day = session.execute(select(Production.production_date).where(Production.video_id == video_id)).scalar()
    return statement_text(video, day, session.get(Custodian, 1))
