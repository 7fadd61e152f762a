"""The compliance worklist service: each tab returns the right rows, pages on the server, counts, writes one
audit event per page of rows, and refuses roles that may not read legal data."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from console.actor import SYSTEM, Actor
from console.catalog import performers as performer_service
from console.catalog import service as video_service
from console.compliance import holds, records, worklist
from console.compliance.fixtures import in_letters, sample_scan, verified_record
from console.compliance.models import LegalRecord
from console.db import session_scope, utc_today
from console.errors import Forbidden, NotFound, ValidationFailed
from console.paging import PageRequest
from tests.catalog.factories import (
    audit_mark,
    events_since,
    make_performer,
    make_publishable_video,
    make_published_video,
    make_video,
)

TODAY = utc_today()


def _record(performer_id: int, actor: Actor = SYSTEM, *, last: str = "Doe", first: str = "Jane") -> int:
    with session_scope() as session:
        return records.create_record(
            session,
            actor=actor,
            performer_id=performer_id,
            data={"legal_first_name": first, "legal_last_name": last, "date_of_birth": "1990-01-02"},
        ).id


def _submitted(performer_id: int, actor: Actor, *, last: str = "Doe") -> int:
    record_id = _record(performer_id, actor, last=last)
    with session_scope() as session:
        doc = records.add_document(
            session,
            actor=actor,
            record_id=record_id,
            data={"doc_type": "passport", "number": "X1", "issuing_country": "US", "examined_on": "2020-01-01"},
        )
        records.add_scan(session, actor=actor, document_id=doc.id, data=sample_scan(), filename="id.png")
        records.submit_for_verification(session, actor=actor, record_id=record_id, expected_version=None)
    return record_id


def _verified(performer_id: int, **kwargs: Any) -> int:
    with session_scope() as session:
        return verified_record(session, performer_id, **kwargs).id


def _list(fn: Any, actor: Actor = SYSTEM, **kwargs: Any) -> Any:
    with session_scope() as session:
        return fn(session, actor=actor, **kwargs)


def _counts(actor: Actor = SYSTEM, **kwargs: Any) -> dict[str, int]:
    with session_scope() as session:
        return {k: c.total for k, c in worklist.worklist_counts(session, actor=actor, **kwargs).items()}


# --- missing ----------------------------------------------------------------------------------------------------


def test_missing_lists_performers_without_a_verified_record() -> None:
    none = make_performer("Alpha None")
    incomplete = make_performer("Bravo Incomplete")
    verified = make_performer("Charlie Verified")
    deleted = make_performer("Delta Deleted")
    _record(incomplete, last="Brown")
    _verified(verified)
    with session_scope() as session:
        performer_service.delete_performer(session, actor=SYSTEM, performer_id=deleted)

    page = _list(worklist.list_missing, page=PageRequest())
    assert [(r.performer_id, r.status) for r in page.rows] == [(none, None), (incomplete, "incomplete")]
    assert page.rows[0].legal_name is None and page.rows[0].record_id is None
    assert page.rows[1].legal_name == "Brown, Jane"
    assert (page.total, page.estimated) == (2, False)
    assert verified not in {r.performer_id for r in page.rows}


def test_missing_pages_on_the_server() -> None:
    ids = [make_performer(f"Performer {i:02d}") for i in range(30)]
    first = _list(worklist.list_missing, page=PageRequest(page=1, size=25))
    second = _list(worklist.list_missing, page=PageRequest(page=2, size=25))
    assert (first.total, len(first.rows), len(second.rows)) == (30, 25, 5)
    assert [r.performer_id for r in first.rows + second.rows] == ids  # by stage name, no row twice


# --- pending ----------------------------------------------------------------------------------------------------


def test_pending_is_oldest_first_and_shows_who_entered(make_staff, actor_for) -> None:
    staff_id, _ = make_staff("compliance", name="Clara Clerk")
    clerk = actor_for(staff_id)
    first = _submitted(make_performer("Zed"), clerk, last="Older")
    second = _submitted(make_performer("Amy"), clerk, last="Newer")
    _record(make_performer("Not Submitted"), clerk)

    page = _list(worklist.list_pending, page=PageRequest())
    assert [r.record_id for r in page.rows] == [first, second]
    row = page.rows[0]
    assert (row.legal_name, row.stage_name, row.entered_by, row.amended_by) == (
        "Older, Jane",
        "Zed",
        "Clara Clerk",
        "Clara Clerk",
    )
    assert row.date_of_birth == date(1990, 1, 2)


# --- expiring ---------------------------------------------------------------------------------------------------


def test_expiring_lists_verified_records_ids_expiring_or_expired() -> None:
    soon = make_performer("Soon")
    later = make_performer("Later")
    expired = make_performer("Expired")
    replaced = make_performer("Replaced")
    unverified = make_performer("Unverified")
    _verified(soon, expiry=TODAY + timedelta(days=30))
    _verified(later, expiry=TODAY + timedelta(days=90))
    _verified(expired, expiry=TODAY - timedelta(days=3), examined_on=TODAY - timedelta(days=400))
    replaced_id = _verified(replaced, expiry=TODAY - timedelta(days=10), examined_on=TODAY - timedelta(days=400))
    with session_scope() as session:  # a newer, valid passport on file: the expired one needs no work
        records.add_document(
            session,
            actor=SYSTEM,
            record_id=replaced_id,
            data={
                "doc_type": "passport",
                "number": "NEW",
                "issuing_country": "US",
                "expiry_date": TODAY + timedelta(days=3000),
                "examined_on": TODAY,
            },
        )
    pending = _record(unverified)
    with session_scope() as session:
        records.add_document(
            session,
            actor=SYSTEM,
            record_id=pending,
            data={
                "doc_type": "state_id",
                "number": "S1",
                "issuing_country": "US",
                "expiry_date": TODAY + timedelta(days=5),
                "examined_on": TODAY - timedelta(days=1),
            },
        )

    page = _list(worklist.list_expiring, page=PageRequest())
    assert [(r.performer_id, r.days_left) for r in page.rows] == [(expired, -3), (soon, 30)]  # soonest first
    assert page.rows[1].doc_type == "passport" and page.rows[1].legal_name.startswith("Doe, ")

    wider = _list(worklist.list_expiring, page=PageRequest(), within_days=120)
    assert [r.performer_id for r in wider.rows] == [expired, soon, later]
    assert _counts(within_days=120)["expiring"] == 3
    with pytest.raises(ValidationFailed):
        _list(worklist.list_expiring, page=PageRequest(), within_days=-1)


# --- blocked ----------------------------------------------------------------------------------------------------


def test_blocked_lists_unpublished_videos_the_gate_refuses_with_reasons() -> None:
    no_production = make_video(title="No production")  # no performers, no production
    unrecorded = make_performer("Unrecorded")
    dated_but_unverified = make_publishable_video(title="Dated")  # compliant, then a performer without a record
    with session_scope() as session:
        video = video_service.get_video(session, actor=SYSTEM, video_id=dated_but_unverified)
        current = [p.id for p, _ in video_service.performers_of(session, actor=SYSTEM, video_id=video.id)]
        video_service.update_video(
            session,
            actor=SYSTEM,
            video_id=video.id,
            data={**video_service.video_view(video), "performer_count": 2},
            expected_version=video.version,
        )
        video_service.set_performers(session, actor=SYSTEM, video_id=video.id, performer_ids=[*current, unrecorded])
    ready = make_publishable_video(title="Ready")  # passes: not on the worklist
    make_published_video(title="Public")
    deleted = make_video(title="Deleted draft")
    with session_scope() as session:
        video_service.bulk(session, actor=SYSTEM, action="delete", video_ids=[deleted])

    page = _list(worklist.list_blocked, page=PageRequest())
    by_id = {r.video_id: r for r in page.rows}
    assert set(by_id) == {no_production, dated_but_unverified}
    assert ready not in by_id
    assert by_id[no_production].reasons == ["2257: no date of production is recorded"]
    assert "2257: Unrecorded has no legal record" in by_id[dated_but_unverified].reasons
    assert [r.video_id for r in page.rows] == [dated_but_unverified, no_production]  # newest first


# --- holds ------------------------------------------------------------------------------------------------------


def test_holds_list_open_holds_with_record_and_reason(verifier: Actor) -> None:
    video_id = make_published_video(title="Was public")
    with session_scope() as session:
        (performer_id,) = [p.id for p, _ in video_service.performers_of(session, actor=SYSTEM, video_id=video_id)]
        record_id = session.execute(select(LegalRecord.id).where(LegalRecord.performer_id == performer_id)).scalar_one()
        _, held = records.revoke_record(
            session, actor=verifier, record_id=record_id, reason="ID was forged", expected_version=None
        )
    assert held == [video_id]

    page = _list(worklist.list_holds, page=PageRequest())
    (row,) = page.rows
    assert (row.video_id, row.title, row.video_state, row.record_id, row.performer_id) == (
        video_id,
        "Was public",
        "unpublished",
        record_id,
        performer_id,
    )
    assert row.record_status == "revoked"
    assert row.reason.endswith("'s legal record was revoked") and "forged" not in row.reason
    assert row.legal_name.startswith("Doe, ")
    assert _list(worklist.list_holds, page=PageRequest(), record_id=record_id).total == 1
    assert _list(worklist.list_holds, page=PageRequest(), record_id=record_id + 1000).total == 0
    assert _counts()["holds"] == 1

    with session_scope() as session:
        holds.release_hold(session, actor=verifier, hold_id=row.hold_id, reason="new ID examined")
    assert _list(worklist.list_holds, page=PageRequest()).rows == []


# --- counts, audit, access --------------------------------------------------------------------------------------


def test_counts_match_the_tabs() -> None:
    for i in range(3):
        make_performer(f"Nobody {i}")
    make_video(title="Undated")
    counts = _counts()
    assert counts == {"missing": 3, "pending": 0, "expiring": 0, "blocked": 1, "holds": 0}


def test_one_audit_event_per_page_of_rows_naming_the_records(clerk: Actor) -> None:
    record_ids = [_record(make_performer(f"P{i}"), last=f"Last{in_letters(i)}") for i in range(5)]
    mark = audit_mark()
    page = _list(worklist.list_missing, clerk, page=PageRequest(size=3))
    assert len(page.rows) == 3
    (event,) = events_since(mark)
    assert (event.action, event.entity, event.entity_id, event.actor_id) == (
        "compliance.worklist_view",
        "compliance_worklist",
        "missing",
        clerk.staff_id,
    )
    assert event.after["record_ids"] == sorted(record_ids[:3])
    assert event.after["page"] == 1

    for tab in worklist.TABS:
        mark = audit_mark()
        _list(worklist.list_tab, clerk, tab=tab, page=PageRequest())
        assert [e.action for e in events_since(mark)] == ["compliance.worklist_view"], tab

    mark = audit_mark()
    _counts(clerk)
    assert events_since(mark) == []  # counts show no legal data


@pytest.mark.parametrize("role", ["content", "finance", "moderator"])
def test_roles_without_legal_access_are_refused(role: str, actor_with) -> None:
    actor = actor_with(role)
    make_performer("Someone")
    mark = audit_mark()
    for tab in worklist.TABS:
        with pytest.raises(Forbidden):
            _list(worklist.list_tab, actor, tab=tab, page=PageRequest())
    with pytest.raises(Forbidden):
        _counts(actor)
    assert events_since(mark) == []


def test_admin_reads_the_worklist(admin: Actor) -> None:
    make_performer("Someone")
    assert _list(worklist.list_missing, admin, page=PageRequest()).total == 1


def test_unknown_tab_and_record_are_not_found() -> None:
    with pytest.raises(NotFound):
        _list(worklist.list_tab, tab="nope", page=PageRequest())
    with pytest.raises(NotFound):
        _list(worklist.record_version, record_id=999)
    with pytest.raises(NotFound):
        _list(worklist.public_dependants, record_id=999)


def test_public_dependants_and_record_version() -> None:
    video_id = make_published_video(title="Depends")
    with session_scope() as session:
        (performer_id,) = [p.id for p, _ in video_service.performers_of(session, actor=SYSTEM, video_id=video_id)]
        rec = session.execute(select(LegalRecord).where(LegalRecord.performer_id == performer_id)).scalar_one()
        record_id, version = rec.id, rec.version
    assert _list(worklist.public_dependants, record_id=record_id) == [(video_id, "Depends")]
    assert _list(worklist.record_version, record_id=record_id) == version


def test_blocked_also_lists_productions_whose_id_paperwork_is_wrong() -> None:
    """Verified performer, dated production, but the ID relied on was examined after the shoot: blocked."""
    from console.compliance import productions
    from console.compliance.models import IdDocument

    late = make_publishable_video(title="Examined too late")
    fine = make_publishable_video(title="Fine")
    with session_scope() as session:
        (performer_id,) = [p.id for p, _ in video_service.performers_of(session, actor=SYSTEM, video_id=late)]
        record_id = session.execute(select(LegalRecord.id).where(LegalRecord.performer_id == performer_id)).scalar_one()
        late_doc = records.add_document(
            session,
            actor=SYSTEM,
            record_id=record_id,
            data={"doc_type": "passport", "number": "LATE1", "issuing_country": "US", "examined_on": date(2021, 1, 1)},
        )
        records.add_scan(session, actor=SYSTEM, document_id=late_doc.id, data=sample_scan(), filename="late.png")
        productions.save_production(
            session,
            actor=SYSTEM,
            video_id=late,
            data={"production_date": date(2020, 6, 1), "relied_on": {performer_id: late_doc.id}},
            expected_version=None,
        )
        assert session.get(IdDocument, late_doc.id) is not None
    page = _list(worklist.list_blocked, page=PageRequest())
    by_id = {r.video_id: r for r in page.rows}
    assert late in by_id and fine not in by_id
    assert any("examined after the date of production" in r for r in by_id[late].reasons)
