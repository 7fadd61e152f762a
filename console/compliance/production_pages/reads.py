"""What the production and custodian pages read, as plain values, and the form values made from it."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from console.actor import Actor
from console.compliance.productions import (
    compliance_statement,
    custodian_view,
    get_custodian,
    production_verdict,
    view_production,
)
from console.compliance.records import ID_TYPE_LABELS
from console.db import session_scope
from console.errors import RuleViolation

PRODUCTION_LABELS = {
    "production_date": "Date of production",
    "producer_notes": "Producer notes",
    "location_notes": "Location notes",
    "relied_on": "IDs relied on",
}
CUSTODIAN_LABELS = {"name": "Name", "title": "Title", "business_address": "Business address", "hours": "Hours"}


def document_label(doc: Any) -> str:
    kind = ID_TYPE_LABELS.get(doc.doc_type, doc.doc_type)
    examined = doc.examined_on.isoformat() if doc.examined_on else "not examined"
    return f"{kind} {doc.number} · {doc.issuing_country} · examined {examined}"


def _cast_line(c: Any) -> dict[str, Any]:
    return {
        "performer_id": c.performer_id,
        "stage_name": c.stage_name,
        "record_id": c.record_id,
        "legal_name": c.legal_name,
        "status": c.status,
        "age": c.age_on_production,
        "id_document_id": c.id_document_id,
        "documents": {d.id: document_label(d) for d in c.candidates},
    }


def read_side(session: Session, actor: Actor, video_id: int) -> dict[str, Any]:
    """The side column's words: the gate's verdict and the compliance statement the depiction displays, or why it
    cannot be made yet (public text, no legal data)."""
    side: dict[str, Any] = {"blockers": production_verdict(session, actor=actor, video_id=video_id)}
    try:
        side |= {"statement": compliance_statement(session, actor=actor, video_id=video_id), "statement_problem": None}
    except RuleViolation as exc:
        side |= {"statement": None, "statement_problem": exc.message}
    return side


def load_side(actor: Actor, video_id: int) -> dict[str, Any]:
    with session_scope() as session:
        return read_side(session, actor, video_id)


def load_production(actor: Actor, video_id: int, *, first: bool = False) -> dict[str, Any]:
    """Everything the page shows, read in one unit of work (the view is an audited read of legal data). `first`:
    the first answer's read, without the side column's verdict and statement (`side_read` False, `load_side`)."""
    with session_scope() as session:
        detail = view_production(session, actor=actor, video_id=video_id, verdict=False)  # read_side has it
        side = {} if first else read_side(session, actor, video_id)
        production = detail.production
        video = detail.video
        return {
            "video": {
                "id": video.id,
                "title": video.title,
                "slug": video.slug,
                "state": video.state,
                "performer_count": video.performer_count,
            },
            "production": None
            if production is None
            else {
                "production_date": production.production_date,
                "producer_notes": production.producer_notes or "",
                "location_notes": production.location_notes or "",
                "version": production.version,
            },
            "cast": [_cast_line(c) for c in detail.cast],
            "side_read": not first,
            "blockers": side.get("blockers", []),
            "statement": side.get("statement"),
            "statement_problem": side.get("statement_problem"),
        }


def iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def production_values(stored: dict[str, Any] | None) -> dict[str, str]:
    """A stored production (or none yet) as the form's fields hold it."""
    stored = stored or {}
    return {
        "production_date": iso(stored.get("production_date")),
        "producer_notes": stored.get("producer_notes") or "",
        "location_notes": stored.get("location_notes") or "",
    }


def relied_on_values(cast: list[dict[str, Any]]) -> dict[str, Any]:
    """The ID each performer's line relies on, as the form sends it (None: the latest examined that day)."""
    return {str(int(line["performer_id"])): line["id_document_id"] for line in cast}


def load_custodian(actor: Actor) -> tuple[dict[str, str], int | None]:
    """The custodian's fields as the form holds them ("" each when none is set) and its version (None: not set)."""
    with session_scope() as session:
        current = get_custodian(session, actor=actor)
        stored = custodian_view(current) if current else {}
        return {key: stored.get(key) or "" for key in CUSTODIAN_LABELS}, (current.version if current else None)


def custodian_version(actor: Actor) -> int | None:
    with session_scope() as session:
        current = get_custodian(session, actor=actor)
        return current.version if current else None
