"""Complete 2257 paperwork through the real services: used by the demo seed and by tests that need a
publishable video. Nothing here skips a rule — the record is entered, an ID examined and scanned, the
record submitted and verified (by the system, or by a second staff member), the production recorded.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from io import BytesIO

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import SYSTEM, Actor
from console.catalog.models import Performer, VideoPerformer
from console.compliance import productions, records
from console.compliance.models import LegalRecord


@lru_cache(maxsize=1)
def in_letters(number: int) -> str:
    """A number written in letters (1 -> "b", 27 -> "bb"): unique names that a legal name may hold (no digits)."""
    out = ""
    while True:
        number, digit = divmod(number, 26)
        out = chr(ord("a") + digit) + out
        if number == 0:
            return out


def sample_scan() -> bytes:
    """A small PNG standing in for an ID scan (generated locally, never fetched)."""
    image = Image.new("RGB", (320, 200), "#eceff1")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 310, 190), outline="#37474f", width=3)
    draw.rectangle((24, 40, 104, 150), fill="#90a4ae")
    draw.text((120, 50), "SPECIMEN ID", fill="#263238")
    draw.text((120, 80), "NOT A REAL DOCUMENT", fill="#263238")
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def verified_record(
    session: Session,
    performer_id: int,
    *,
    first: str | None = None,
    last: str = "Doe",
    dob: date = date(1990, 5, 17),
    examined_on: date = date(2015, 1, 10),
    expiry: date | None = date(2030, 1, 1),
    actor: Actor = SYSTEM,
    verifier: Actor = SYSTEM,
) -> LegalRecord:
    """The performer's legal record, verified, with one examined and scanned passport."""
    existing = session.execute(select(LegalRecord).where(LegalRecord.performer_id == performer_id)).scalar_one_or_none()
    if existing is not None and existing.status == "verified":
        return existing
    if existing is None:
        performer = session.get(Performer, performer_id)
        assert performer is not None
        rec = records.create_record(
            session,
            actor=actor,
            performer_id=performer_id,
            data={
                "legal_first_name": first or f"Legal{in_letters(performer_id)}",
                "legal_last_name": last,
                "date_of_birth": dob,
            },
        )
        records.add_name(session, actor=actor, record_id=rec.id, data={"name": performer.name, "kind": "stage"})
    else:
        rec = existing
    doc = records.add_document(
        session,
        actor=actor,
        record_id=rec.id,
        data={
            "doc_type": "passport",
            "number": f"P{performer_id:08d}",
            "issuing_country": "US",
            "issue_date": examined_on - timedelta(days=365),
            "expiry_date": expiry,
            "examined_on": examined_on,
        },
    )
    records.add_scan(session, actor=actor, document_id=doc.id, data=sample_scan(), filename="passport.png")
    records.submit_for_verification(session, actor=actor, record_id=rec.id, expected_version=None)
    return records.verify_record(
        session,
        actor=verifier,
        record_id=rec.id,
        checklist=dict.fromkeys(records.CHECKLIST_LABELS, True),
        expected_version=None,
    )


def compliant_video(
    session: Session, video_id: int, *, production_date: date = date(2020, 6, 1), actor: Actor = SYSTEM
) -> None:
    """Verified records for every linked performer and a production dated `production_date`."""
    for performer_id in session.execute(
        select(VideoPerformer.performer_id).where(VideoPerformer.video_id == video_id)
    ).scalars():
        verified_record(session, performer_id, actor=actor)
    productions.save_production(
        session,
        actor=actor,
        video_id=video_id,
        data={"production_date": production_date},
        expected_version=None,
    )
