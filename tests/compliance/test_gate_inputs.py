"""Issue 8.1: every write that changes an input of the 2257 gate for a public video either is refused or puts
the video on hold in the same transaction. Editing paperwork can never leave public a video the gate refuses.

Inputs and what happens (see holds.py): the production date and the ID relied on per performer (save_production)
-> hold when the checks now refuse; an ID document's examined/expiry dates (amend_document) -> hold when refused;
a verified record's legal facts (amend_record) -> back to pending, every public video relying on it held; the
cast (set_performers) and the video itself (update_video) -> refused by the catalog services.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import SYSTEM, Actor
from console.audit.models import AuditEvent
from console.catalog import service
from console.catalog.models import VideoPerformer
from console.compliance import holds, productions, records, worklist
from console.compliance.models import ComplianceHold, IdDocument
from console.db import session_scope
from console.errors import Conflict, RuleViolation, ValidationFailed
from console.paging import PageRequest
from tests.catalog.factories import audit_mark, events_since
from tests.compliance.factories import (
    LEGAL_MARK,
    amend,
    cast_video,
    compliant_published_video,
    document_data,
    gate_reasons,
    holds_of,
    paperwork,
    performer,
    save_production,
    video_state,
)

BORN = date(2008, 2, 29)  # turns 18 on 2026-03-01 (29 February -> 1 March)
EXAMINED = date(2026, 1, 10)


def published_with(dob: date = BORN, examined_on: date = EXAMINED, day: date = date(2026, 3, 1)) -> tuple[int, int]:
    """The issue's reproduction: a verified performer born `dob`, ID examined `examined_on`, a production on
    `day`, published. Returns (video id, document id)."""
    work = paperwork(performer(), dob=dob, examined_on=examined_on)
    video_id = cast_video([work.performer_id])
    save_production(video_id, day)
    with session_scope() as session:
        service.publish(session, actor=SYSTEM, video_id=video_id)
    assert video_state(video_id) == "published"
    assert work.document_id is not None
    return video_id, work.document_id


def actions(events: list[AuditEvent]) -> list[str]:
    return [e.action for e in events]


def assert_held(video_id: int, source: str, *, says: str) -> ComplianceHold:
    assert video_state(video_id) == "unpublished"
    [hold] = holds_of(video_id)
    assert hold.source == source and hold.released_at is None
    assert says in hold.reason
    assert LEGAL_MARK not in hold.reason  # content staff read hold reasons: stage names only
    reasons = gate_reasons(video_id)
    assert any("on compliance hold" in r for r in reasons)
    return hold


# --- the production ------------------------------------------------------------------------------------------


def test_moving_the_production_date_before_the_18th_birthday_holds_the_video(clerk: Actor) -> None:
    video_id, _ = published_with()
    mark = audit_mark()
    production = save_production(video_id, date(2026, 2, 28), actor=clerk)
    assert production.production_date == date(2026, 2, 28)  # the paperwork says what happened
    assert actions(events_since(mark)) == ["production.update", "video.compliance_hold"]
    hold = assert_held(video_id, "production", says="was under 18 on the date of production")
    assert hold.legal_record_id is None
    with session_scope() as session:
        rows = worklist.list_holds(session, actor=clerk, page=PageRequest(page=1, size=50)).rows
    assert [r.video_id for r in rows] == [video_id]


def test_a_production_change_the_gate_still_accepts_keeps_the_video_public(clerk: Actor) -> None:
    video_id, _ = published_with()
    mark = audit_mark()
    save_production(video_id, date(2026, 3, 2), actor=clerk)
    assert actions(events_since(mark)) == ["production.update"]
    assert video_state(video_id) == "published" and holds_of(video_id) == []


def test_relying_on_an_id_examined_after_the_shoot_holds_the_video(clerk: Actor) -> None:
    video_id, document_id = published_with(dob=date(1990, 1, 1), day=date(2026, 2, 1))
    with session_scope() as session:
        doc = records.add_document(
            session,
            actor=clerk,
            record_id=records_of_document(session, document_id),
            data=document_data(date(2026, 6, 1)),
        )
        later = doc.id
        performer_id = performer_of_video(session, video_id)
    save_production(video_id, date(2026, 2, 1), actor=clerk, relied_on={performer_id: later})
    assert_held(video_id, "production", says="examined after the date of production")


def test_the_preview_tells_what_a_production_save_would_hold_and_keeps_nothing(clerk: Actor) -> None:
    video_id, _ = published_with()
    mark = audit_mark()
    with session_scope() as session:
        held = productions.preview_save_production(
            session, actor=clerk, video_id=video_id, data={"production_date": "2026-02-28"}, expected_version=None
        )
    assert list(held) == [video_id]
    title, reasons = held[video_id]
    assert any("under 18" in r for r in reasons) and title
    assert events_since(mark) == [] and video_state(video_id) == "published" and holds_of(video_id) == []
    with session_scope() as session:
        harmless = productions.preview_save_production(
            session, actor=clerk, video_id=video_id, data={"production_date": "2026-03-05"}, expected_version=None
        )
    assert harmless == {}


def test_the_preview_refuses_what_the_save_would_refuse(clerk: Actor) -> None:
    video_id, _ = published_with()
    with session_scope() as session, pytest.raises(ValidationFailed):
        productions.preview_save_production(
            session, actor=clerk, video_id=video_id, data={"production_date": "2999-01-01"}, expected_version=None
        )
    with session_scope() as session, pytest.raises(Conflict):
        productions.preview_save_production(
            session, actor=clerk, video_id=video_id, data={"production_date": "2026-03-02"}, expected_version=99
        )


# --- the ID relied on ----------------------------------------------------------------------------------------


def amend_doc(document_id: int, actor: Actor, **changes: object) -> dict[int, tuple[str, list[str]]]:
    with session_scope() as session:
        doc = session.get(IdDocument, document_id)
        assert doc is not None
        data = records.document_view(doc) | changes
        _doc, held = records.amend_document(
            session, actor=actor, document_id=document_id, data=data, expected_version=doc.version
        )
        return held


def test_moving_the_examination_after_the_shoot_holds_the_video(clerk: Actor) -> None:
    video_id, document_id = published_with(dob=date(1990, 1, 1), day=date(2026, 3, 1))
    mark = audit_mark()
    held = amend_doc(document_id, clerk, examined_on=date(2026, 4, 1))
    assert list(held) == [video_id]
    assert actions(events_since(mark)) == ["legal_record.id_amend", "video.compliance_hold"]
    hold = assert_held(video_id, "id_document", says="examined after the date of production")
    assert hold.legal_record_id is not None


def test_an_id_amendment_the_gate_still_accepts_holds_nothing(clerk: Actor) -> None:
    video_id, document_id = published_with(dob=date(1990, 1, 1), day=date(2026, 3, 1))
    mark = audit_mark()
    assert amend_doc(document_id, clerk, expiry_date=date(2036, 1, 1), number="P-CORRECTED") == {}
    [event] = events_since(mark)
    assert event.action == "legal_record.id_amend"
    assert event.before["number"] != "P-CORRECTED" and event.after["number"] == "P-CORRECTED"
    assert video_state(video_id) == "published"


def test_an_id_amendment_is_checked_like_a_new_id_and_version_checked(clerk: Actor, verifier: Actor) -> None:
    _video_id, document_id = published_with(dob=date(1990, 1, 1), day=date(2026, 3, 1))
    mark = audit_mark()
    with pytest.raises(ValidationFailed) as exc:
        amend_doc(document_id, clerk, expiry_date=date(2025, 1, 1))  # expired when examined
    assert "expiry_date" in exc.value.errors
    with session_scope() as session, pytest.raises(Conflict):
        records.amend_document(session, actor=verifier, document_id=document_id, data={}, expected_version=12345)
    with session_scope() as session, pytest.raises(Exception, match="do not allow"):
        doc = session.get(IdDocument, document_id)
        assert doc is not None
        records.amend_document(
            session,
            actor=Actor(kind="staff", label="content", staff_id=None, roles=frozenset({"content"})),
            document_id=document_id,
            data=records.document_view(doc),
            expected_version=None,
        )
    assert events_since(mark) == []


def test_the_id_preview_keeps_nothing(clerk: Actor) -> None:
    video_id, document_id = published_with(dob=date(1990, 1, 1), day=date(2026, 3, 1))
    mark = audit_mark()
    with session_scope() as session:
        doc = session.get(IdDocument, document_id)
        assert doc is not None
        data = records.document_view(doc) | {"examined_on": date(2026, 4, 1)}
        held = records.preview_amend_document(
            session, actor=clerk, document_id=document_id, data=data, expected_version=None
        )
    assert list(held) == [video_id]
    assert events_since(mark) == [] and video_state(video_id) == "published"


# --- the record's legal facts and the cast -------------------------------------------------------------------


def test_amending_a_verified_records_date_of_birth_holds_its_videos(clerk: Actor) -> None:
    video_id, work = compliant_published_video()
    assert work.record_id is not None
    held = amend(work.record_id, actor=clerk, date_of_birth=date(2005, 1, 1))  # 15 on the shoot day
    assert held == [video_id]
    assert_held(video_id, "record", says="awaiting re-verification")


def test_changing_the_cast_of_a_public_video_is_refused(clerk: Actor) -> None:
    video_id, work = compliant_published_video()
    newcomer = paperwork(performer(), status="pending_verification").performer_id
    mark = audit_mark()
    with session_scope() as session, pytest.raises(RuleViolation, match="would break a public video"):
        service.set_performers(session, actor=SYSTEM, video_id=video_id, performer_ids=[work.performer_id, newcomer])
    assert events_since(mark) == [] and video_state(video_id) == "published"


def test_releasing_a_production_hold_needs_compliance_and_the_gate_still_decides(
    clerk: Actor, actor_with: Callable[..., Actor]
) -> None:
    video_id, _ = published_with()
    save_production(video_id, date(2026, 2, 28), actor=clerk)
    [hold] = holds_of(video_id)
    with session_scope() as session, pytest.raises(Exception, match="do not allow"):
        holds.release_hold(session, actor=actor_with("content"), hold_id=hold.id, reason="please")
    with session_scope() as session:
        holds.release_hold(session, actor=clerk, hold_id=hold.id, reason="date checked with the producer")
    assert any("under 18" in r for r in gate_reasons(video_id))  # released, but still refused: it stays down


# --- helpers -------------------------------------------------------------------------------------------------


def records_of_document(session: Session, document_id: int) -> int:
    doc = session.get(IdDocument, document_id)
    assert doc is not None
    return doc.legal_record_id


def performer_of_video(session: Session, video_id: int) -> int:
    return session.execute(select(VideoPerformer.performer_id).where(VideoPerformer.video_id == video_id)).scalar_one()
