"""Legal records (console/compliance/records.py) on the real services and database: privacy per role, audited
reads, two-person verification, validation, amendments and their history, revocation with holds, conflicts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from console.actor import SYSTEM, Actor
from console.audit.service import verify as verify_chain
from console.catalog import service
from console.compliance import holds, productions, records
from console.compliance.models import ComplianceHold, IdDocument, LegalRecord, PerformerName
from console.db import session_scope, utc_today, utcnow
from console.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from console.staff.models import Staff
from tests.catalog.factories import audit_mark, events_since
from tests.compliance.factories import (
    ALL_CHECKED,
    LEGAL_MARK,
    add_document,
    add_scan,
    amend,
    cast_video,
    compliant_published_video,
    count,
    create_record,
    document_data,
    gate_reasons,
    holds_of,
    legal_data,
    load_record,
    paperwork,
    performer,
    revoke,
    row_counts,
    save_production,
    submit,
    verify,
    video_state,
)
from tests.conftest import staff_name

ActorWith = Callable[..., Actor]
NON_LEGAL_ROLES = ("content", "moderator", "finance", "ads", "executive")

BELL = "the control character U+0007 (BELL)"
LINE_FEED = "the control character U+000A (LINE FEED)"
RLO = "the invisible direction control U+202E (RIGHT-TO-LEFT OVERRIDE)"
REMOVE_RLO = "remove it (the direction marks U+200E and U+200F are allowed)"


def pending_record(clerk: Actor) -> int:
    """Entered by `clerk`: legal name, DOB, one examined and scanned passport, submitted."""
    work = paperwork(performer(), status="pending_verification", clerk=clerk)
    assert work.record_id is not None
    return work.record_id


def first_scan_id(record_id: int) -> int:
    from console.compliance.models import IdScan

    with session_scope() as session:
        return (
            session.execute(
                select(IdScan.id).join(IdDocument).where(IdDocument.legal_record_id == record_id).order_by(IdScan.id)
            )
            .scalars()
            .first()
        )  # type: ignore[return-value]


# --- privacy per role ---------------------------------------------------------------------------------------


def _attempts(record_id: int, performer_id: int, scan_id: int, video_id: int) -> dict[str, Callable[..., Any]]:
    """Every legal-data operation, as a call taking (session, actor)."""
    spare = performer()
    return {
        "view_record": lambda s, a: records.view_record(s, actor=a, performer_id=performer_id),
        "read_scan": lambda s, a: records.read_scan(s, actor=a, scan_id=scan_id),
        "download_scan": lambda s, a: records.read_scan(s, actor=a, scan_id=scan_id, purpose="download"),
        "record_history": lambda s, a: records.record_history(s, actor=a, record_id=record_id),
        "view_production": lambda s, a: productions.view_production(s, actor=a, video_id=video_id),
        "create_record": lambda s, a: records.create_record(s, actor=a, performer_id=spare, data=legal_data()),
        "amend_record": lambda s, a: records.amend_record(
            s, actor=a, record_id=record_id, data=legal_data(notes="amended"), expected_version=None
        ),
        "verify_record": lambda s, a: records.verify_record(
            s, actor=a, record_id=record_id, checklist=ALL_CHECKED, expected_version=None
        ),
        "add_document": lambda s, a: records.add_document(s, actor=a, record_id=record_id, data=document_data()),
        "revoke_record": lambda s, a: records.revoke_record(
            s, actor=a, record_id=record_id, reason="test", expected_version=None
        ),
        "save_production": lambda s, a: productions.save_production(
            s, actor=a, video_id=video_id, data={"production_date": date(2020, 6, 1)}, expected_version=None
        ),
        "delete_record": lambda s, a: records.delete_record(s, actor=a, record_id=record_id),
    }


@pytest.mark.parametrize("role", NON_LEGAL_ROLES)
def test_roles_without_legal_access_are_refused_by_the_service_and_leave_no_trace(
    role: str, actor_with: ActorWith
) -> None:
    actor = actor_with(role)
    video_id, work = compliant_published_video()
    assert work.record_id is not None
    attempts = _attempts(work.record_id, work.performer_id, first_scan_id(work.record_id), video_id)
    before, mark = row_counts(), audit_mark()
    for name, attempt in attempts.items():
        with session_scope() as session:  # caught inside the unit of work, which then commits
            with pytest.raises(Forbidden):
                attempt(session, actor)
            assert name  # (the name shows in the failure report)
    assert row_counts() == before
    assert events_since(mark) == []
    assert load_record(work.record_id).status == "verified"


@pytest.mark.parametrize("role", ["compliance", "admin"])
def test_compliance_and_admin_read_legal_data(role: str, actor_with: ActorWith) -> None:
    actor = actor_with(role)
    video_id, work = compliant_published_video()
    spare = performer()
    assert work.record_id is not None
    with session_scope() as session:
        detail = records.view_record(session, actor=actor, performer_id=work.performer_id)
        assert detail.record is not None and detail.record.legal_first_name.startswith(LEGAL_MARK)
        assert detail.record.date_of_birth == date(1990, 5, 17)
        [(doc, scans)] = detail.documents
        assert doc.number.startswith("X") and len(scans) == 1
        data, content_type, name = records.read_scan(session, actor=actor, scan_id=scans[0].id)
        assert content_type == "image/png" and data.startswith(b"\x89PNG") and name.endswith(".png")
        assert records.record_history(session, actor=actor, record_id=work.record_id)
        production = productions.view_production(session, actor=actor, video_id=video_id)
        assert production.cast[0].legal_name is not None and production.cast[0].age_on_production == 30
        records.create_record(session, actor=actor, performer_id=spare, data=legal_data())


def test_the_record_names_its_staff_from_its_own_statements(actor_with: ActorWith) -> None:
    """Who entered the record, examined its ID and verified it, by name, read with the record and the IDs (the
    page showed e-mails, then asked for the names in a statement of its own)."""
    clerk, verifier, reader = actor_with("compliance"), actor_with("compliance"), actor_with("admin")
    work = paperwork(performer(), clerk=clerk, verifier=verifier)
    with session_scope() as session:
        names = dict(
            session.execute(select(Staff.id, Staff.name).where(Staff.id.in_([clerk.staff_id, verifier.staff_id]))).all()
        )
        detail = records.view_record(session, actor=reader, performer_id=work.performer_id)
        assert detail.record is not None and detail.record.entered_by_id == clerk.staff_id
        assert (
            detail.record.verified_by_id == verifier.staff_id
            and detail.documents[0][0].examined_by_id == clerk.staff_id
        )
    assert detail.staff == names and len(set(names.values())) == 2
    with session_scope() as session:  # a record entered by the system names nobody
        assert records.view_record(session, actor=reader, performer_id=paperwork(performer()).performer_id).staff == {}


@pytest.mark.parametrize("role", ["content", "moderator"])
def test_compliance_badges_show_only_booleans_to_catalog_roles(role: str, actor_with: ActorWith) -> None:
    verified = paperwork(performer())
    pending = paperwork(performer(), status="pending_verification")
    bare = performer()
    ids = [verified.performer_id, pending.performer_id, bare]
    actor = actor_with(role)
    mark = audit_mark()
    with session_scope() as session:
        badges = records.compliance_badges(session, actor=actor, performer_ids=ids)
    assert badges == {verified.performer_id: True, pending.performer_id: False, bare: False}
    assert all(type(v) is bool for v in badges.values())
    assert events_since(mark) == []  # no legal data was read


@pytest.mark.parametrize("role", ["finance", "ads", "executive"])
def test_roles_outside_the_catalog_get_no_badges(role: str, actor_with: ActorWith) -> None:
    with session_scope() as session, pytest.raises(Forbidden):
        records.compliance_badges(session, actor=actor_with(role), performer_ids=[performer()])


# --- audited reads ------------------------------------------------------------------------------------------


def test_every_read_of_legal_data_is_an_audit_event(clerk: Actor) -> None:
    video_id, work = compliant_published_video()
    assert work.record_id is not None
    scan_id = first_scan_id(work.record_id)
    mark = audit_mark()
    with session_scope() as session:
        records.view_record(session, actor=clerk, performer_id=work.performer_id)
        records.read_scan(session, actor=clerk, scan_id=scan_id)
        records.read_scan(session, actor=clerk, scan_id=scan_id, purpose="download")
        productions.view_production(session, actor=clerk, video_id=video_id)
    events = events_since(mark)
    assert [(e.action, e.entity, e.entity_id, e.actor_id) for e in events] == [
        ("legal_record.view", "legal_record", str(work.record_id), clerk.staff_id),
        ("legal_record.scan_view", "legal_record", str(work.record_id), clerk.staff_id),
        ("legal_record.scan_download", "legal_record", str(work.record_id), clerk.staff_id),
        ("production.view", "video", str(video_id), clerk.staff_id),
    ]
    assert events[1].after["scan_id"] == scan_id and events[2].after["scan_id"] == scan_id
    with session_scope() as session:
        assert verify_chain(session).ok


def test_failed_actions_write_no_audit_event(clerk: Actor, actor_with: ActorWith) -> None:
    work = paperwork(performer())
    assert work.record_id is not None
    rec = load_record(work.record_id)
    content = actor_with("content")
    failures: list[tuple[type[Exception], Callable[..., Any]]] = [
        (Forbidden, lambda s: records.view_record(s, actor=content, performer_id=work.performer_id)),
        (NotFound, lambda s: records.view_record(s, actor=clerk, performer_id=999_999)),
        (NotFound, lambda s: records.read_scan(s, actor=clerk, scan_id=999_999)),
        (
            ValidationFailed,
            lambda s: records.amend_record(
                s, actor=clerk, record_id=rec.id, data=legal_data(legal_last_name=""), expected_version=None
            ),
        ),
        (
            RuleViolation,  # wrong status: already verified
            lambda s: records.verify_record(
                s, actor=clerk, record_id=rec.id, checklist=ALL_CHECKED, expected_version=None
            ),
        ),
        (
            RuleViolation,
            lambda s: records.submit_for_verification(s, actor=clerk, record_id=rec.id, expected_version=None),
        ),
        (RuleViolation, lambda s: records.delete_record(s, actor=clerk, record_id=rec.id)),
        (ValidationFailed, lambda s: records.add_document(s, actor=clerk, record_id=rec.id, data={})),
    ]
    mark, before = audit_mark(), row_counts()
    for error, attempt in failures:
        with session_scope() as session, pytest.raises(error):
            attempt(session)
    assert events_since(mark) == []
    assert row_counts() == before
    assert load_record(rec.id).version == rec.version


# --- two-person verification ----------------------------------------------------------------------------------


def test_the_person_who_entered_a_record_cannot_verify_it_a_second_officer_can(clerk: Actor, verifier: Actor) -> None:
    record_id = pending_record(clerk)
    mark = audit_mark()
    with session_scope() as session, pytest.raises(RuleViolation, match="second person must verify"):
        records.verify_record(session, actor=clerk, record_id=record_id, checklist=ALL_CHECKED, expected_version=None)
    assert load_record(record_id).status == "pending_verification" and events_since(mark) == []
    verify(record_id, actor=verifier)
    rec = load_record(record_id)
    assert rec.status == "verified"
    assert (rec.verified_by_id, rec.verified_by_label) == (verifier.staff_id, verifier.label)
    assert rec.verified_at is not None and rec.checklist == ALL_CHECKED
    [event] = events_since(mark)
    assert (event.action, event.actor_id) == ("legal_record.verify", verifier.staff_id)
    assert event.before["status"] == "pending_verification" and event.after["status"] == "verified"


def test_the_last_amender_cannot_verify_either(clerk: Actor, verifier: Actor, actor_with: ActorWith) -> None:
    record_id = pending_record(clerk)
    add_document(record_id, actor=verifier)  # the would-be verifier amended the record
    for person in (clerk, verifier):
        with session_scope() as session, pytest.raises(RuleViolation, match="two people per record"):
            records.verify_record(
                session, actor=person, record_id=record_id, checklist=ALL_CHECKED, expected_version=None
            )
    verify(record_id, actor=actor_with("compliance"))
    assert load_record(record_id).status == "verified"


def test_an_admin_may_be_the_second_person(clerk: Actor, admin: Actor) -> None:
    record_id = pending_record(clerk)
    verify(record_id, actor=admin)
    assert load_record(record_id).verified_by_id == admin.staff_id


@pytest.mark.parametrize("missing", list(records.CHECKLIST_LABELS))
def test_every_checklist_item_must_be_confirmed(missing: str, clerk: Actor, verifier: Actor) -> None:
    record_id = pending_record(clerk)
    checklist = ALL_CHECKED | {missing: False}
    with session_scope() as session, pytest.raises(ValidationFailed) as exc:
        records.verify_record(session, actor=verifier, record_id=record_id, checklist=checklist, expected_version=None)
    assert records.CHECKLIST_LABELS[missing] in exc.value.errors["checklist"]
    assert load_record(record_id).status == "pending_verification"


@pytest.mark.parametrize("status", ["incomplete", "verified", "rejected", "revoked"])
def test_only_a_pending_record_can_be_verified(status: str, clerk: Actor, verifier: Actor) -> None:
    work = paperwork(performer(), status=status, clerk=clerk)
    assert work.record_id is not None
    with session_scope() as session, pytest.raises(RuleViolation, match="Only a record pending verification"):
        records.verify_record(
            session, actor=verifier, record_id=work.record_id, checklist=ALL_CHECKED, expected_version=None
        )
    assert load_record(work.record_id).status == status


def test_rejecting_needs_a_reason(clerk: Actor, verifier: Actor) -> None:
    record_id = pending_record(clerk)
    for blank in ("", "   ", None):
        with session_scope() as session, pytest.raises(ValidationFailed) as exc:
            records.reject_record(
                session,
                actor=verifier,
                record_id=record_id,
                reason=blank,
                expected_version=None,  # type: ignore[arg-type]
            )
        assert exc.value.errors == {"reason": "is required"}
    with session_scope() as session:
        records.reject_record(
            session, actor=verifier, record_id=record_id, reason="DOB unreadable", expected_version=None
        )
    rec = load_record(record_id)
    assert (rec.status, rec.status_reason) == ("rejected", "DOB unreadable")
    submit(record_id, actor=clerk)  # corrected and resubmitted
    assert load_record(record_id).status == "pending_verification"


def test_submit_refuses_an_incomplete_record_and_says_what_is_missing(clerk: Actor) -> None:
    record_id = create_record(performer(), actor=clerk, date_of_birth=None)
    with session_scope() as session, pytest.raises(RuleViolation) as exc:
        records.submit_for_verification(session, actor=clerk, record_id=record_id, expected_version=None)
    assert "the date of birth is missing" in exc.value.message
    assert "no examined government photo ID with a scanned copy is on file" in exc.value.message
    doc_id = add_document(record_id, actor=clerk)  # examined but not scanned: still missing
    with session_scope() as session, pytest.raises(RuleViolation, match="scanned copy"):
        records.submit_for_verification(session, actor=clerk, record_id=record_id, expected_version=None)
    add_scan(doc_id, actor=clerk)
    amend(record_id, actor=clerk, date_of_birth=date(1991, 1, 1))
    submit(record_id, actor=clerk)
    assert load_record(record_id).status == "pending_verification"


# --- validation -----------------------------------------------------------------------------------------------


def _years_ago(years: int) -> date:
    """The birthday of someone who turns `years` today (born 29 February: they turn it on 1 March)."""
    today = utc_today()
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return date(today.year - years, 2, 28)


NAME_RULE = "may hold letters, spaces, hyphens, apostrophes and periods only"


def test_legal_names_in_every_script_with_their_punctuation_are_stored(clerk: Actor) -> None:
    names = [
        "José",
        "李小龙",
        "Nguyễn",
        "O'Brien",
        "Anne-Marie",
        "Gal·la",
        "ジョン・スミス",
        "Kāʻeo",
        "نور",
        "Łukasz Jr.",
    ]
    for name in names:
        record_id = create_record(performer(), actor=clerk, legal_last_name=name)
        with session_scope() as session:
            assert session.get(LegalRecord, record_id).legal_last_name == name  # type: ignore[union-attr]
    record_id = create_record(performer(), actor=clerk)
    with session_scope() as session, pytest.raises(ValidationFailed) as refused:
        records.add_name(session, actor=clerk, record_id=record_id, data={"name": "Jane 2", "kind": "previous_legal"})
    assert refused.value.errors == {"name": f"{NAME_RULE}: remove “2” at position 6 (U+0032, DIGIT TWO)"}
    with session_scope() as session:  # a stage name is not a legal name
        records.add_name(session, actor=clerk, record_id=record_id, data={"name": "Jane 2 ✨", "kind": "stage"})


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"legal_first_name": ""}, "legal_first_name", "is required"),
        ({"legal_last_name": "   "}, "legal_last_name", "is required"),
        ({"legal_last_name": "x" * 121}, "legal_last_name", "is too long (121 characters; 120 at most)"),
        ({"legal_first_name": "Ann\x07"}, "legal_first_name", f"contains {BELL} at position 4; remove it"),
        ({"legal_middle_name": "Mid\u202edle"}, "legal_middle_name", f"contains {RLO} at position 4; {REMOVE_RLO}"),
        ({"legal_last_name": "Line\nBreak"}, "legal_last_name", f"contains {LINE_FEED} at position 5; remove it"),
        ({"date_of_birth": utc_today() + timedelta(days=1)}, "date_of_birth", "is in the future"),
        ({"date_of_birth": date(1899, 12, 31)}, "date_of_birth", "is before 1900-01-01"),
        ({"date_of_birth": "17/05/1990"}, "date_of_birth", "is not a date (YYYY-MM-DD)"),
        (
            {"date_of_birth": _years_ago(11)},
            "date_of_birth",
            "makes the performer 11 today; a performer must be 18 or older",
        ),
        (
            {"date_of_birth": _years_ago(18) + timedelta(days=1)},
            "date_of_birth",
            "makes the performer 17 today; a performer must be 18 or older",
        ),
        ({"notes": "n" * 5001}, "notes", "is too long (5,001 characters; 5,000 at most)"),
        (
            {"legal_first_name": "Ann 😀"},
            "legal_first_name",
            f"{NAME_RULE}: remove “😀” at position 5 (U+1F600, GRINNING FACE)",
        ),
        (
            {"legal_last_name": "Doe3"},
            "legal_last_name",
            f"{NAME_RULE}: remove “3” at position 4 (U+0033, DIGIT THREE)",
        ),
        (
            {"legal_middle_name": "=1+1"},
            "legal_middle_name",
            f"{NAME_RULE}: remove “=” at position 1 (U+003D, EQUALS SIGN)",
        ),
    ],
)
def test_bad_record_input_is_refused_field_by_field_and_nothing_is_written(
    changes: dict[str, Any], field: str, message: str, clerk: Actor
) -> None:
    performer_id = performer()
    mark = audit_mark()
    with session_scope() as session, pytest.raises(ValidationFailed) as exc:
        records.create_record(session, actor=clerk, performer_id=performer_id, data=legal_data(**changes))
    assert exc.value.errors == {field: message}
    assert count(LegalRecord) == 0 and events_since(mark) == []


def test_unicode_names_are_kept_normalised(clerk: Actor) -> None:
    record_id = create_record(
        performer(),
        actor=clerk,
        legal_first_name="  Zoe\u0308  ",
        legal_last_name="Ångström-Nguyễn",
        date_of_birth="1990-05-17",
    )
    rec = load_record(record_id)
    assert rec.legal_first_name == "Zo\u00eb"  # NFC, trimmed
    assert rec.legal_last_name == "Ångström-Nguyễn" and rec.date_of_birth == date(1990, 5, 17)
    assert records.legal_name(rec) == "Ångström-Nguyễn, Zoë"


def test_a_performer_who_turns_18_today_can_have_a_record(clerk: Actor) -> None:
    record_id = create_record(performer(), actor=clerk, date_of_birth=_years_ago(18))
    assert load_record(record_id).date_of_birth == _years_ago(18)


def test_a_performer_has_one_record(clerk: Actor) -> None:
    performer_id = performer()
    create_record(performer_id, actor=clerk)
    with pytest.raises(RuleViolation, match="already has a legal record"):
        create_record(performer_id, actor=clerk)
    with pytest.raises(NotFound):
        create_record(999_999, actor=clerk)
    assert count(LegalRecord) == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"doc_type": "library_card"}, "doc_type", "must be one of"),
        ({"doc_type": ""}, "doc_type", "must be one of"),
        ({"issuing_country": "XX"}, "issuing_country", "two-letter country code"),
        ({"issuing_country": "USA"}, "issuing_country", "two-letter country code"),
        ({"number": ""}, "number", "is required"),
        ({"number": "A\x00B"}, "number", "contains the control character U+0000 (NULL) at position 2"),
        ({"examined_on": None}, "examined_on", "is required"),
        ({"examined_on": utc_today() + timedelta(days=1)}, "examined_on", "is in the future"),
        ({"issue_date": utc_today() + timedelta(days=1)}, "issue_date", "is in the future"),
        ({"issue_date": date(2014, 1, 1), "expiry_date": date(2013, 1, 1)}, "expiry_date", "before the issue date"),
        ({"issue_date": date(2015, 6, 1)}, "examined_on", "is before the ID was issued"),
        ({"expiry_date": date(2015, 1, 9)}, "expiry_date", "had already expired when it was examined"),
        ({"issue_date": "yesterday"}, "issue_date", "is not a date"),
    ],
)
def test_bad_id_document_input_is_refused_and_nothing_is_written(
    changes: dict[str, Any], field: str, message: str, clerk: Actor
) -> None:
    record_id = create_record(performer(), actor=clerk)
    version, mark = load_record(record_id).version, audit_mark()
    with session_scope() as session, pytest.raises(ValidationFailed) as exc:
        records.add_document(session, actor=clerk, record_id=record_id, data=document_data() | changes)
    assert message in exc.value.errors[field]
    assert count(IdDocument) == 0 and events_since(mark) == []
    assert load_record(record_id).version == version


def test_an_id_examined_on_its_expiry_day_is_accepted(clerk: Actor) -> None:
    record_id = create_record(performer(), actor=clerk)
    add_document(record_id, actor=clerk, examined_on=date(2015, 1, 10), expiry_date=date(2015, 1, 10))
    assert count(IdDocument) == 1


def test_other_names_are_validated_and_their_removal_is_kept_in_the_history(clerk: Actor) -> None:
    record_id = create_record(performer(), actor=clerk)
    with session_scope() as session:
        row = records.add_name(session, actor=clerk, record_id=record_id, data={"name": "Foxy", "kind": "alias"})
        name_id = row.id
    bad: list[tuple[dict[str, Any], str]] = [
        ({"name": "Foxy", "kind": "alias"}, "name"),  # already listed
        ({"name": "Other", "kind": "codename"}, "kind"),
        ({"name": "", "kind": "stage"}, "name"),
        ({"name": "Dated", "kind": "maiden", "used_from": "2010-01-01", "used_to": "2009-01-01"}, "used_to"),
    ]
    for data, field in bad:
        with session_scope() as session, pytest.raises(ValidationFailed) as exc:
            records.add_name(session, actor=clerk, record_id=record_id, data=data)
        assert field in exc.value.errors
    with session_scope() as session:
        records.remove_name(session, actor=clerk, name_id=name_id)
    assert count(PerformerName) == 0
    with session_scope() as session:
        history = records.record_history(session, actor=clerk, record_id=record_id)
    removal = history[0]
    assert removal.action == "legal_record.name_remove" and removal.before["name"] == "Foxy"


# --- amendments -----------------------------------------------------------------------------------------------


def test_amending_a_legal_fact_of_a_verified_record_sends_it_back_and_holds_its_public_videos(
    clerk: Actor, verifier: Actor
) -> None:
    video_id, work = compliant_published_video(clerk=clerk, verifier=verifier)
    assert work.record_id is not None
    old = load_record(work.record_id)
    mark = audit_mark()
    held = amend(work.record_id, actor=clerk, legal_last_name="Newsurname")
    assert held == [video_id]
    rec = load_record(work.record_id)
    assert rec.status == "pending_verification" and rec.status_reason
    assert (rec.verified_by_id, rec.verified_at, rec.checklist) == (None, None, {})
    assert video_state(video_id) == "unpublished"
    [hold] = holds_of(video_id)
    assert hold.legal_record_id == rec.id and hold.released_at is None
    actions = [(e.action, e.entity) for e in events_since(mark)]
    assert actions == [("video.compliance_hold", "video"), ("legal_record.amend", "legal_record")]
    with session_scope() as session:
        [amendment] = [
            e
            for e in records.record_history(session, actor=verifier, record_id=rec.id)
            if e.id > mark and e.action == "legal_record.amend"
        ]
    assert amendment.before["legal_last_name"] == old.legal_last_name
    assert amendment.after["legal_last_name"] == "Newsurname"
    assert (amendment.before["status"], amendment.after["status"]) == ("verified", "pending_verification")
    # The amender cannot re-verify their own change; the other officer can, and compliance then releases the hold.
    with session_scope() as session, pytest.raises(RuleViolation):
        records.verify_record(session, actor=clerk, record_id=rec.id, checklist=ALL_CHECKED, expected_version=None)
    verify(rec.id, actor=verifier)
    assert any("on compliance hold" in r for r in gate_reasons(video_id))


def test_amending_the_date_of_birth_is_a_legal_fact_too(clerk: Actor, verifier: Actor) -> None:
    video_id, work = compliant_published_video(clerk=clerk, verifier=verifier)
    assert work.record_id is not None
    assert amend(work.record_id, actor=verifier, date_of_birth=date(1990, 5, 18)) == [video_id]
    history_dobs = [
        (e.before["date_of_birth"], e.after["date_of_birth"])
        for e in events_since(0)
        if e.action == "legal_record.amend"
    ]
    assert history_dobs == [("1990-05-17", "1990-05-18")]


def test_amending_only_the_notes_keeps_the_record_verified_and_the_video_public(clerk: Actor, verifier: Actor) -> None:
    video_id, work = compliant_published_video(clerk=clerk, verifier=verifier)
    assert work.record_id is not None
    mark = audit_mark()
    assert amend(work.record_id, actor=clerk, notes="Second passport requested") == []
    rec = load_record(work.record_id)
    assert rec.status == "verified" and rec.verified_by_id == verifier.staff_id
    assert video_state(video_id) == "published" and holds_of(video_id) == []
    [event] = events_since(mark)
    assert event.action == "legal_record.amend"
    assert (event.before["notes"], event.after["notes"]) == (None, "Second passport requested")


def test_an_amendment_that_changes_nothing_writes_nothing(clerk: Actor) -> None:
    record_id = create_record(performer(), actor=clerk)
    version, mark = load_record(record_id).version, audit_mark()
    assert amend(record_id, actor=clerk) == []
    assert load_record(record_id).version == version and events_since(mark) == []


def test_amending_a_pending_record_keeps_it_pending_and_holds_nothing(clerk: Actor) -> None:
    record_id = pending_record(clerk)
    assert amend(record_id, actor=clerk, legal_first_name=f"{LEGAL_MARK}Changed") == []
    assert load_record(record_id).status == "pending_verification"
    assert count(ComplianceHold) == 0


def test_a_stale_amendment_is_refused_naming_who_changed_the_record(clerk: Actor, verifier: Actor) -> None:
    record_id = create_record(performer(), actor=clerk)
    read_version = load_record(record_id).version
    amend(record_id, actor=verifier, notes="changed first")
    mark = audit_mark()
    with pytest.raises(Conflict) as exc:
        amend(record_id, actor=clerk, expected_version=read_version, notes="mine")
    assert exc.value.changed_by == staff_name(verifier) and staff_name(verifier) in exc.value.message
    assert exc.value.current["notes"] == "changed first"
    assert load_record(record_id).notes == "changed first" and events_since(mark) == []


def test_a_conflict_names_the_person_who_changed_the_record_not_the_last_reader(
    clerk: Actor, verifier: Actor, actor_with: ActorWith
) -> None:
    reader = actor_with("compliance")
    work = paperwork(performer(), status="incomplete", clerk=clerk)
    assert work.record_id is not None
    read_version = load_record(work.record_id).version
    amend(work.record_id, actor=verifier, notes="changed first")
    with session_scope() as session:  # someone merely looks at the record (an audited read) afterwards
        records.view_record(session, actor=reader, performer_id=work.performer_id)
    with pytest.raises(Conflict) as exc:
        amend(work.record_id, actor=clerk, expected_version=read_version, notes="mine")
    assert exc.value.changed_by == staff_name(verifier)


def test_the_history_lists_every_change_newest_first(clerk: Actor, verifier: Actor) -> None:
    record_id = pending_record(clerk)
    verify(record_id, actor=verifier)
    with session_scope() as session:
        actions = [e.action for e in records.record_history(session, actor=verifier, record_id=record_id)]
    assert actions == [
        "legal_record.verify",
        "legal_record.submit",
        "legal_record.scan_add",
        "legal_record.id_add",
        "legal_record.name_add",
        "legal_record.create",
    ]


# --- revocation and holds -------------------------------------------------------------------------------------


def _revocation_world() -> dict[str, int]:
    """One performer in a published, a scheduled and a draft video; another performer's published video."""
    published, work = compliant_published_video()
    scheduled = cast_video([work.performer_id])
    save_production(scheduled)
    draft = cast_video([work.performer_id])
    save_production(draft)
    unrelated, _ = compliant_published_video()
    with session_scope() as session:
        service.schedule(session, actor=SYSTEM, video_id=scheduled, publish_at=utcnow() + timedelta(days=2))
    assert work.record_id is not None
    return {
        "record": work.record_id,
        "published": published,
        "scheduled": scheduled,
        "draft": draft,
        "unrelated": unrelated,
    }


def test_revoking_a_record_holds_every_public_video_relying_on_it_in_one_transaction(verifier: Actor) -> None:
    world = _revocation_world()
    mark = audit_mark()
    held = revoke(world["record"], actor=verifier, reason="the passport was reported stolen")
    assert held == [world["published"], world["scheduled"]]
    rec = load_record(world["record"])
    assert (rec.status, rec.status_reason) == ("revoked", "the passport was reported stolen")
    assert (rec.verified_by_id, rec.verified_by_label, rec.verified_at) == (None, None, None)
    assert video_state(world["published"]) == "unpublished"
    assert video_state(world["scheduled"]) == "unpublished"
    assert video_state(world["draft"]) == "draft"
    assert video_state(world["unrelated"]) == "published"
    events = events_since(mark)
    assert [(e.action, e.entity_id) for e in events] == [
        ("legal_record.revoke", str(world["record"])),
        ("video.compliance_hold", str(world["published"])),
        ("video.compliance_hold", str(world["scheduled"])),
    ]
    for event, video in zip(events[1:], ("published", "scheduled"), strict=True):
        assert event.before["state"] in ("published", "scheduled") and event.after["state"] == "unpublished"
        assert event.reason.endswith("'s legal record was revoked")  # the stage name, not the officer's words
        assert "stolen" not in event.reason
        [hold] = holds_of(world[video])
        assert event.after["hold_id"] == hold.id and hold.legal_record_id == world["record"]
    assert holds_of(world["draft"]) == [] and holds_of(world["unrelated"]) == []


def test_a_revocation_that_fails_half_way_changes_nothing(verifier: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    world = _revocation_world()
    real_audit = holds.audit
    calls = {"holds": 0}

    def audit_failing_on_the_second_hold(*args: Any, **kwargs: Any) -> Any:
        if args[2] == "video.compliance_hold":
            calls["holds"] += 1
            if calls["holds"] == 2:
                raise RuntimeError("database went away")
        return real_audit(*args, **kwargs)

    monkeypatch.setattr(holds, "audit", audit_failing_on_the_second_hold)
    mark = audit_mark()
    with pytest.raises(RuntimeError):
        revoke(world["record"], actor=verifier)
    monkeypatch.undo()
    assert calls["holds"] == 2  # it got as far as the second video
    assert load_record(world["record"]).status == "verified"
    assert video_state(world["published"]) == "published"
    assert video_state(world["scheduled"]) == "scheduled"
    assert count(ComplianceHold) == 0 and events_since(mark) == []


def test_only_a_verified_record_can_be_revoked_and_a_reason_is_required(verifier: Actor, clerk: Actor) -> None:
    record_id = pending_record(clerk)
    with pytest.raises(RuleViolation, match="Only a verified record"):
        revoke(record_id, actor=verifier)
    verify(record_id, actor=verifier)
    with session_scope() as session, pytest.raises(ValidationFailed):
        records.revoke_record(session, actor=verifier, record_id=record_id, reason=" ", expected_version=None)
    assert load_record(record_id).status == "verified"


def test_releasing_a_hold_is_audited_and_happens_once(verifier: Actor, actor_with: ActorWith) -> None:
    video_id, work = compliant_published_video()
    assert work.record_id is not None
    revoke(work.record_id, actor=verifier)
    [hold] = holds_of(video_id)
    with session_scope() as session, pytest.raises(Forbidden):
        holds.release_hold(session, actor=actor_with("content"), hold_id=hold.id, reason="please")
    with session_scope() as session, pytest.raises(ValidationFailed):
        holds.release_hold(session, actor=verifier, hold_id=hold.id, reason="")
    mark = audit_mark()
    with session_scope() as session:
        holds.release_hold(session, actor=verifier, hold_id=hold.id, reason="new ID examined")
    [event] = events_since(mark)
    assert (event.action, event.entity, event.entity_id) == ("video.compliance_release", "video", str(video_id))
    assert event.reason == "new ID examined" and event.after["hold_id"] == hold.id
    assert holds_of(video_id)[0].released_by_id == verifier.staff_id
    with session_scope() as session, pytest.raises(RuleViolation, match="already released"):
        holds.release_hold(session, actor=verifier, hold_id=hold.id, reason="again")
    # Released, but the record is still revoked: the gate still refuses.
    assert any("legal record is revoked" in r for r in gate_reasons(video_id))
    assert video_state(video_id) == "unpublished"


def test_the_history_can_leave_out_reads_so_views_never_push_amendments_out(clerk: Actor, verifier: Actor) -> None:
    record_id = pending_record(clerk)
    with session_scope() as session:
        performer_id = load_record(record_id).performer_id
        for _ in range(5):
            records.view_record(session, actor=verifier, performer_id=performer_id)
        everything = records.record_history(session, actor=verifier, record_id=record_id, limit=3)
        changes = records.record_history(session, actor=verifier, record_id=record_id, limit=3, include_reads=False)
    assert [e.action for e in everything] == ["legal_record.view"] * 3
    assert changes[0].action == "legal_record.submit"
    assert "legal_record.view" not in {e.action for e in changes}
