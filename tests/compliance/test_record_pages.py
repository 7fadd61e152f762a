"""/compliance/records/{performer_id} with NiceGUI's simulated user, and the single-use scan route.

Create a record (inline errors), amend it (stale saves keep input; a verified record warns before its facts
change), other names, IDs, scan uploads checked by content, the in-page viewer and downloads through
single-use addresses, submission, second-person verification (the enterer is refused), rejection,
revocation with holds, the history, and the performer profile's 2257 link or badge."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from nicegui import ui
from nicegui.testing import User
from sqlalchemy import select

from console import db
from console.actor import SYSTEM, Actor, ClientInfo
from console.catalog import service as video_service
from console.catalog.models import Video
from console.compliance import records, scan_route, vault
from console.compliance.fixtures import sample_scan, verified_record
from console.compliance.models import ComplianceHold, IdDocument, IdScan, LegalRecord, PerformerName
from console.db import utc_today
from console.ui.conflict import TAKE_NOTE
from tests.catalog.factories import audit_mark, events_since, make_performer, make_published_video
from tests.moderation.page_helpers import press, texts, wait_shown
from tests.ui.helpers import CTRL_S, all_marked, current_path, element, shown, sign_in_and_wait, wait_loaded, wait_until

CLERK_EMAIL = "clara.clerk@test.example"
VERIFIER_EMAIL = "victor.verifier@test.example"


@pytest.fixture
def clerk_id(make_staff: Callable[..., tuple[int, str]]) -> int:
    staff_id, _ = make_staff("compliance", email=CLERK_EMAIL, name="Clara Clerk")
    return staff_id


@pytest.fixture
def clerk_actor(clerk_id: int, actor_for: Callable[[int], Actor]) -> Actor:
    return actor_for(clerk_id)


@pytest.fixture
async def clerk_user(user: User, clerk_id: int) -> User:
    await sign_in_and_wait(user, CLERK_EMAIL)
    return user


def _record(performer_id: int, actor: Actor, **data: Any) -> int:
    values = {"legal_first_name": "Jane", "legal_last_name": "Doe", "date_of_birth": "1990-05-17"} | data
    with db.session_scope() as session:
        return records.create_record(session, actor=actor, performer_id=performer_id, data=values).id


def _complete(record_id: int, actor: Actor) -> int:
    """An examined passport with a scan: ready to submit. Returns the scan id."""
    with db.session_scope() as session:
        doc = records.add_document(
            session,
            actor=actor,
            record_id=record_id,
            data={"doc_type": "passport", "number": "P123", "issuing_country": "US", "examined_on": "2021-03-04"},
        )
        return records.add_scan(session, actor=actor, document_id=doc.id, data=sample_scan(), filename="p.png").id


def _stored(record_id: int) -> LegalRecord:
    with db.session_scope() as session:
        rec = session.get(LegalRecord, record_id)
        assert rec is not None
        return rec


def _record_of(performer_id: int) -> LegalRecord | None:
    with db.session_scope() as session:
        return session.execute(select(LegalRecord).where(LegalRecord.performer_id == performer_id)).scalar_one_or_none()


def _scans(record_id: int) -> list[IdScan]:
    with db.session_scope() as session:
        return list(
            session.execute(
                select(IdScan).join(IdDocument).where(IdDocument.legal_record_id == record_id).order_by(IdScan.id)
            ).scalars()
        )


async def _open(user: User, performer_id: int, marker: str = "record-legal-name") -> None:
    await user.open(f"/compliance/records/{performer_id}")
    await wait_until(lambda: bool(all_marked(user, marker)), what=f"the record page ({marker})")
    await wait_loaded(user)  # the documents and the side column are drawn once the page shows


async def _confirm(user: User) -> None:
    await wait_until(lambda: shown(user, "confirm-ok"), what="the confirmation")
    user.find(marker="confirm-ok").click()


def _status(user: User) -> str:
    return str(element(user, "record-status").text)


# --- create -------------------------------------------------------------------------------------------------------


async def test_create_record_shows_inline_errors_then_creates(clerk_user: User, clerk_id: int) -> None:
    user = clerk_user
    pid = make_performer("Stage Star")
    await _open(user, pid, "record-none")
    user.find(marker="record-first-name").type("Jane")
    user.find(marker="record-dob").type((utc_today() + timedelta(days=2)).isoformat())
    user.find(marker="record-create").click()
    last, dob = element(user, "record-last-name"), element(user, "record-dob")
    await wait_until(lambda: last.error is not None, what="the inline errors")
    assert last.error == "Legal last name is required"
    assert dob.error == "Date of birth is in the future"
    assert _record_of(pid) is None

    user.find(marker="record-last-name").type("<b>Doe</b>")
    user.find(marker="record-dob").clear().type("1990-05-17")
    user.find(marker="record-create").click()
    await wait_until(lambda: last.error is not None and "<" in last.error, what="the name's message")
    assert last.error == (
        "Legal last name may hold letters, spaces, hyphens, apostrophes and periods only: remove “<” at position 1 "
        "(U+003C, LESS-THAN SIGN)"
    )
    assert _record_of(pid) is None
    user.find(marker="record-last-name").clear().type("O’Doe-Smith")
    user.find(marker="record-create").click()
    await wait_until(lambda: bool(all_marked(user, "record-legal-name")), what="the editor")
    rec = _record_of(pid)
    assert rec is not None
    assert (rec.legal_last_name, rec.date_of_birth, rec.status, rec.entered_by_id) == (
        "O’Doe-Smith",
        date(1990, 5, 17),
        "incomplete",
        clerk_id,
    )
    assert element(user, "record-legal-name").text == "O’Doe-Smith, Jane"
    assert _status(user) == "Incomplete"


async def test_every_view_is_audited_and_other_roles_are_refused(user: User, make_staff, clerk_actor: Actor) -> None:
    pid = make_performer("Private")
    record_id = _record(pid, clerk_actor)
    _, email = make_staff("content", "finance")
    await sign_in_and_wait(user, email)
    mark = audit_mark()
    await user.open(f"/compliance/records/{pid}")
    await user.should_see(marker="forbidden")
    await user.should_not_see("Doe")
    assert [e for e in events_since(mark) if e.entity == "legal_record"] == []

    await user.open(f"/compliance/records/{pid}x")
    await user.should_see(marker="forbidden")
    assert _stored(record_id).status == "incomplete"


async def test_view_writes_an_audit_event(clerk_user: User, clerk_actor: Actor) -> None:
    pid = make_performer("Watched")
    record_id = _record(pid, clerk_actor)
    mark = audit_mark()
    await _open(clerk_user, pid)
    views = [e for e in events_since(mark) if e.action == "legal_record.view"]
    assert [(e.entity_id, e.actor_id) for e in views] == [(str(record_id), clerk_actor.staff_id)]
    await clerk_user.open("/compliance/records/123456789")
    await clerk_user.should_see(marker="not-found")


# --- amend ----------------------------------------------------------------------------------------------------------


async def test_the_shortcut_sheet_lists_ctrl_s_on_the_record(clerk_user: User, clerk_actor: Actor) -> None:
    user = clerk_user
    pid = make_performer("Sheet")
    _record(pid, clerk_actor)
    await _open(user, pid)
    await user.should_see(marker="record-keys")
    press(user, "?")
    await wait_shown(user, "shortcut-sheet")
    listed = dict(zip(texts(user, "shortcut-key"), texts(user, "shortcut-what"), strict=True))
    assert listed["Ctrl+S"] == "Save the identity form"


async def test_amend_with_ctrl_s_and_a_stale_save_keeps_the_input(clerk_user: User, clerk_actor: Actor) -> None:
    user = clerk_user
    pid = make_performer("Editable")
    record_id = _record(pid, clerk_actor)
    await _open(user, pid)
    user.find(marker="record-middle-name").type("Quinn")
    user.find(marker="record-keys").trigger("key", CTRL_S)
    await wait_until(lambda: _stored(record_id).legal_middle_name == "Quinn", what="the Ctrl+S save")
    await wait_until(lambda: element(user, "record-legal-name").text == "Doe, Jane Quinn", what="the new header")

    with db.session_scope() as session:  # someone else amends meanwhile
        rec = session.get(LegalRecord, record_id)
        records.amend_record(
            session,
            actor=SYSTEM,
            record_id=record_id,
            data={**records.record_view(rec), "notes": "their note"},
            expected_version=None,
        )
    user.find(marker="record-notes").type("my note")
    before_conflict = audit_mark()
    user.find(marker="record-save").click()
    await wait_until(lambda: shown(user, "record-conflict"), what="the conflict panel")
    assert "while you edited it" in element(user, "record-conflict-message").text
    assert not user.notify.contains("while you edited it")  # the panel says it; no toast repeats it
    assert element(user, "record-notes").value == "my note"  # kept
    assert _stored(record_id).notes == "their note"
    assert any("their note" in str(e.text) for e in all_marked(user, "record-conflict-stored"))
    # what is stored now is legal data: the panel shows it from an audited read, not from the refusal
    assert [e.action for e in events_since(before_conflict, entity="legal_record")] == ["legal_record.view"]

    user.find(marker="record-save").click()  # saving again replaces theirs with mine
    await wait_until(lambda: _stored(record_id).notes == "my note", what="the second save")


async def test_a_stale_save_offers_take_theirs(clerk_user: User, clerk_actor: Actor) -> None:
    user = clerk_user
    pid = make_performer("Theirs")
    record_id = _record(pid, clerk_actor)
    await _open(user, pid)
    with db.session_scope() as session:  # someone else amends after the page was read
        rec = session.get(LegalRecord, record_id)
        data = {**records.record_view(rec), "notes": "their note", "legal_first_name": "Janet"}
        records.amend_record(session, actor=SYSTEM, record_id=record_id, data=data, expected_version=None)
    user.find(marker="record-notes").type("my note")
    user.find(marker="record-save").click()
    await wait_until(lambda: shown(user, "record-conflict-take-theirs"), what="Take theirs")
    assert element(user, "record-conflict-keep").text == TAKE_NOTE  # no cancel to point to
    user.find(marker="record-conflict-take-theirs").click()
    await wait_until(lambda: not shown(user, "record-conflict"), what="the panel gone")
    assert element(user, "record-notes").value == "their note"
    assert element(user, "record-first-name").value == "Janet"
    assert _stored(record_id).notes == "their note"  # nothing was saved
    user.find(marker="record-notes").clear().type("after taking theirs")
    user.find(marker="record-save").click()  # based on the version taken: no second conflict
    await wait_until(lambda: _stored(record_id).notes == "after taking theirs", what="the save")
    assert _stored(record_id).legal_first_name == "Janet"


async def test_saving_again_after_a_stale_save_keeps_their_change_where_nothing_was_typed(
    clerk_user: User, clerk_actor: Actor
) -> None:
    """Someone else corrected the first name; this clerk typed only a note. Saving again used to send the whole
    form back, the old first name with it: their correction of a legal fact was silently reverted."""
    user = clerk_user
    pid = make_performer("Merged")
    record_id = _record(pid, clerk_actor)
    await _open(user, pid)
    with db.session_scope() as session:
        rec = session.get(LegalRecord, record_id)
        data = {**records.record_view(rec), "legal_first_name": "Janet"}
        records.amend_record(session, actor=SYSTEM, record_id=record_id, data=data, expected_version=None)
    user.find(marker="record-notes").type("my note")
    user.find(marker="record-save").click()
    await wait_until(lambda: shown(user, "record-conflict"), what="the conflict panel")
    assert element(user, "record-first-name").value == "Janet"  # not typed here: it follows the stored record
    assert element(user, "record-notes").value == "my note"
    fields = [str(e.text) for e in all_marked(user, "record-conflict-field")]
    assert fields == ["Notes"]  # only what was typed is in question
    user.find(marker="record-save").click()
    await wait_until(lambda: _stored(record_id).notes == "my note", what="the second save")
    assert _stored(record_id).legal_first_name == "Janet"


async def test_changing_a_verified_records_facts_warns_and_holds(clerk_user: User) -> None:
    user = clerk_user
    video_id = make_published_video(title="Public One")
    with db.session_scope() as session:
        ((performer, _),) = video_service.performers_of(session, actor=SYSTEM, video_id=video_id)
    pid = performer.id
    record_id = _record_of(pid).id
    await _open(user, pid)
    assert _status(user) == "Verified"
    user.find(marker="record-last-name").clear().type("Smith")
    user.find(marker="record-save").click()
    await wait_until(lambda: shown(user, "confirm-ok"), what="the warning")
    assert user.find("1 public video will be put on hold").elements
    await _confirm(user)
    await wait_until(lambda: _stored(record_id).status == "pending_verification", what="the amendment")
    assert _stored(record_id).legal_last_name == "Smith"
    with db.session_scope() as session:
        assert session.get(Video, video_id).state == "unpublished"
    await wait_until(lambda: bool(all_marked(user, f"record-hold-{video_id}")), what="the hold on the page")
    assert user.notify.contains("1 public video put on hold")


async def test_a_refused_change_to_a_verified_record_is_shown_before_any_warning(clerk_user: User) -> None:
    """A minor's date of birth on a verified record: the field says so at once; nobody is asked to accept a hold
    for a save that would be refused, and nothing changes."""
    user = clerk_user
    video_id = make_published_video(title="Public Two")
    with db.session_scope() as session:
        ((performer, _),) = video_service.performers_of(session, actor=SYSTEM, video_id=video_id)
    record_id = _record_of(performer.id).id
    await _open(user, performer.id)
    mark = audit_mark()
    element(user, "record-dob").value = (utc_today() - timedelta(days=11 * 366)).isoformat()
    user.find(marker="record-save").click()
    await wait_until(lambda: bool(element(user, "record-dob").error), what="the inline error")
    assert "a performer must be 18 or older" in element(user, "record-dob").error
    assert not shown(user, "confirm-ok")
    assert _stored(record_id).status == "verified"
    assert [e.action for e in events_since(mark) if e.action != "legal_record.view"] == []


# --- names, documents, scans ----------------------------------------------------------------------------------------


async def test_add_and_remove_other_names(clerk_user: User, clerk_actor: Actor) -> None:
    user = clerk_user
    pid = make_performer("Named")
    record_id = _record(pid, clerk_actor)
    await _open(user, pid)
    user.find(marker="name-add").click()
    await wait_until(lambda: element(user, "name-new").error is not None, what="the name error")
    assert element(user, "name-new").error == "Name is required"

    user.find(marker="name-new").type("Janie D")
    element(user, "name-kind").value = "alias"
    user.find(marker="name-from").type("2015-01-01")
    user.find(marker="name-to").type("2012-01-01")
    user.find(marker="name-add").click()
    await wait_until(lambda: element(user, "name-to").error is not None, what="the date order error")

    user.find(marker="name-to").clear().type("2019-12-31")
    user.find(marker="name-add").click()
    await wait_until(lambda: bool(all_marked(user, "record-name")), what="the new name")
    with db.session_scope() as session:
        (name,) = session.execute(select(PerformerName).where(PerformerName.legal_record_id == record_id)).scalars()
        assert (name.name, name.kind, name.used_from, name.used_to) == (
            "Janie D",
            "alias",
            date(2015, 1, 1),
            date(2019, 12, 31),
        )
    assert element(user, "name-new").value == ""

    user.find(marker=f"name-remove-{name.id}").click()
    await _confirm(user)
    await wait_until(lambda: not all_marked(user, "record-name"), what="the removal")


async def test_add_document_and_upload_scans_checked_by_content(clerk_user: User, clerk_actor: Actor) -> None:
    user = clerk_user
    pid = make_performer("Documented")
    record_id = _record(pid, clerk_actor)
    await _open(user, pid)
    user.find(marker="document-number").type("X9876")
    user.find(marker="document-examined").clear().type((utc_today() + timedelta(days=3)).isoformat())
    user.find(marker="document-add").click()
    examined = element(user, "document-examined")
    await wait_until(lambda: examined.error is not None, what="the future examination date")
    assert "in the future" in examined.error

    user.find(marker="document-examined").clear().type("2022-02-02")
    user.find(marker="document-state").type("NV")
    user.find(marker="document-expires").type("2032-02-01")
    country = element(user, "document-country")
    country.error = None  # (the first refusal named it too) — wait for this click's own answer
    user.find(marker="document-add").click()  # no country picked: refused, not saved as a default country
    await wait_until(lambda: country.error is not None, what="the country's message")
    assert country.error == "Issuing country is required: pick the country from the list" and not _docs(record_id)
    country.value = "US"
    user.find(marker="document-add").click()
    await wait_until(lambda: bool(_docs(record_id)), what="the new ID")
    (doc,) = _docs(record_id)
    assert (doc.number, doc.issuing_country, doc.issuing_state, doc.examined_on, doc.examined_by_id) == (
        "X9876",
        "US",
        "NV",
        date(2022, 2, 2),
        clerk_actor.staff_id,
    )
    await wait_until(lambda: bool(all_marked(user, f"scan-upload-{doc.id}")), what="the upload")
    await user.should_see("examined 2022-02-02 by Clara Clerk")  # by name, as the header names who entered it

    upload = element(user, f"scan-upload-{doc.id}")
    response = await user.http_client.post(
        upload.props["url"], files={"file": ("evil.png", b"<html>not an image</html>", "image/png")}
    )
    assert response.status_code == 200
    (error,) = all_marked(user, f"scan-error-{doc.id}")  # hidden until there is something to say
    await wait_until(lambda: error.visible, what="the refusal")
    assert "not a PNG, JPEG, WebP image or a PDF" in error.text
    assert user.notify.contains("evil.png is not a PNG")
    assert _scans(record_id) == []

    upload = element(user, f"scan-upload-{doc.id}")
    response = await user.http_client.post(upload.props["url"], files={"file": ("id.jpg", sample_scan(), "image/jpeg")})
    assert response.status_code == 200
    await wait_until(lambda: len(_scans(record_id)) == 1, what="the stored scan")
    (scan,) = _scans(record_id)
    assert scan.content_type == "image/png"  # by content, not by name
    await wait_until(lambda: bool(all_marked(user, f"scan-view-{scan.id}")), what="the scan row")


def _docs(record_id: int) -> list[IdDocument]:
    with db.session_scope() as session:
        return list(session.execute(select(IdDocument).where(IdDocument.legal_record_id == record_id)).scalars())


async def test_viewer_and_download_use_single_use_addresses(clerk_user: User, clerk_actor: Actor) -> None:
    user = clerk_user
    pid = make_performer("Scanned")
    record_id = _record(pid, clerk_actor)
    scan_id = _complete(record_id, clerk_actor)
    await _open(user, pid)
    mark = audit_mark()
    user.find(marker=f"scan-view-{scan_id}").click()
    await wait_until(lambda: bool(all_marked(user, "scan-viewer-image")), what="the viewer")
    image = element(user, "scan-viewer-image")
    assert isinstance(image, ui.image)
    src = image.source
    assert isinstance(src, str) and src.startswith("/compliance/scan/")
    served = await user.http_client.get(src)
    assert served.status_code == 200
    assert served.content == sample_scan()
    assert served.headers["content-type"] == "image/png"
    assert served.headers["cache-control"] == "no-store"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-disposition"].startswith("inline;")
    again = await user.http_client.get(src)
    assert again.status_code == 404  # single use
    assert [e.action for e in events_since(mark) if e.entity == "legal_record"] == ["legal_record.scan_view"]

    user.find(marker=f"scan-download-{scan_id}").click()
    downloaded = await user.download.next(timeout=5)
    assert downloaded.status_code == 200
    assert downloaded.content == sample_scan()
    assert downloaded.headers["content-disposition"].startswith("attachment;")
    assert "legal_record.scan_download" in [e.action for e in events_since(mark)]

    user.find(marker="scan-viewer-close").click()
    await wait_until(lambda: not all_marked(user, "scan-viewer-image"), what="the closed viewer")


# --- verification ---------------------------------------------------------------------------------------------------


async def test_submit_then_a_second_person_verifies_and_the_enterer_is_refused(
    clerk_user: User, clerk_actor: Actor, make_staff, create_user: Callable[[], User]
) -> None:
    user = clerk_user
    pid = make_performer("Two People")
    record_id = _record(pid, clerk_actor)
    await _open(user, pid)
    user.find(marker="record-submit").click()  # no ID yet: refused with what is missing
    await wait_until(lambda: user.notify.contains("cannot go to verification yet"), what="the refusal")
    assert all_marked(user, "record-problem")

    _complete(record_id, clerk_actor)
    await _open(user, pid)
    user.find(marker="record-submit").click()
    await wait_until(lambda: _stored(record_id).status == "pending_verification", what="the submission")
    await wait_until(lambda: _status(user) == "Pending verification", what="the new status")
    assert shown(user, "verify-own-record")
    for key in records.CHECKLIST_LABELS:
        user.find(marker=f"check-{key}").click()
    user.find(marker="record-verify").click()
    await wait_until(lambda: user.notify.contains("a second person must verify it"), what="the two-person refusal")
    assert _stored(record_id).status == "pending_verification"

    make_staff("compliance", email=VERIFIER_EMAIL, name="Victor Verifier")
    second = create_user()
    await sign_in_and_wait(second, VERIFIER_EMAIL)
    await _open(second, pid)
    assert not all_marked(second, "verify-own-record")
    for key in list(records.CHECKLIST_LABELS)[:3]:
        second.find(marker=f"check-{key}").click()
    second.find(marker="record-verify").click()  # one item left unchecked
    await wait_until(lambda: second.notify.contains("Confirm every item"), what="the checklist refusal")
    assert _stored(record_id).status == "pending_verification"
    second.find(marker="check-photo_matches").click()
    second.find(marker="record-verify").click()
    await wait_until(lambda: _stored(record_id).status == "verified", what="the verification")
    assert _stored(record_id).verified_by_label == VERIFIER_EMAIL
    await wait_until(lambda: _status(second) == "Verified", what="the verified status")
    assert shown(second, "record-revoke")
    # the verifier by name, as the header names who entered the record (the stored label is the e-mail)
    assert element(second, "record-verified-by").text.startswith("Verified by Victor Verifier on ")
    assert " by Victor Verifier · kept until" in element(second, "record-facts").text


async def test_reject_needs_a_reason(clerk_user: User, make_staff, actor_for) -> None:
    staff_id, _ = make_staff("compliance", name="Other Clerk")
    other = actor_for(staff_id)
    pid = make_performer("Rejected One")
    record_id = _record(pid, other)
    _complete(record_id, other)
    with db.session_scope() as session:
        records.submit_for_verification(session, actor=other, record_id=record_id, expected_version=None)
    user = clerk_user
    await _open(user, pid)
    user.find(marker="record-reject").click()
    await wait_until(lambda: shown(user, "reason-ok"), what="the reason dialog")
    user.find(marker="reason-ok").click()
    field = element(user, "reason-input")
    await wait_until(lambda: field.error is not None, what="the missing reason")
    user.find(marker="reason-input").type("The photo is unreadable")
    user.find(marker="reason-ok").click()
    await wait_until(lambda: _stored(record_id).status == "rejected", what="the rejection")
    await wait_until(lambda: bool(all_marked(user, "record-status-reason")), what="the reason on the page")
    assert element(user, "record-status-reason").text == "Reason: The photo is unreadable"


async def test_revoke_says_how_many_videos_are_held_and_shows_them(clerk_user: User) -> None:
    user = clerk_user
    video_id = make_published_video(title="Goes On Hold")
    with db.session_scope() as session:
        ((performer, _),) = video_service.performers_of(session, actor=SYSTEM, video_id=video_id)
    pid = performer.id
    record_id = _record_of(pid).id
    await _open(user, pid)
    assert not all_marked(user, f"record-hold-{video_id}")
    user.find(marker="record-revoke").click()
    await wait_until(lambda: shown(user, "reason-ok"), what="the revoke dialog")
    message = element(user, "reason-message").text
    assert "1 public video relying on it will be put on hold" in message
    assert "Goes On Hold" in message
    user.find(marker="reason-input").type("The ID turned out to be forged")
    user.find(marker="reason-ok").click()
    await wait_until(lambda: _stored(record_id).status == "revoked", what="the revocation")
    await wait_until(lambda: bool(all_marked(user, f"record-hold-{video_id}")), what="the hold listed")
    assert user.notify.contains("Record revoked. 1 public video put on hold.")
    with db.session_scope() as session:
        assert session.get(Video, video_id).state == "unpublished"
        assert session.execute(select(ComplianceHold.id).where(ComplianceHold.video_id == video_id)).first()
    assert _status(user) == "Revoked"


async def test_history_shows_amendments_with_before_and_after(clerk_user: User, clerk_actor: Actor) -> None:
    user = clerk_user
    pid = make_performer("Historic")
    record_id = _record(pid, clerk_actor, legal_last_name="Before")
    with db.session_scope() as session:
        rec = session.get(LegalRecord, record_id)
        records.amend_record(
            session,
            actor=clerk_actor,
            record_id=record_id,
            data={**records.record_view(rec), "legal_last_name": "After"},
            expected_version=None,
        )
    await _open(user, pid)
    user.find(marker="tab-history").click()  # the history is read when the tab is first chosen
    table = element(user, "history-table")
    await wait_until(lambda: bool(table.rows), what="the history")
    assert [r["what"] for r in table.rows] == ["Record amended", "Record created"]  # views hidden by default
    assert {r["who"] for r in table.rows} == {"Clara Clerk"}  # by name, not the stored e-mail
    user.find(marker="history-table").trigger("rowClick", [{}, table.rows[0], 0])
    await wait_until(lambda: bool(all_marked(user, "history-diff")), what="the diff")
    diff = element(user, "history-diff")
    assert {"field": "Legal last name", "before": "Before", "after": "After"} in diff.rows
    user.find(marker="history-show-reads").click()
    assert "Record viewed" in [r["what"] for r in table.rows]
    user.find(marker="tab-record").click()

    def amended() -> int:
        return [r["what"] for r in table.rows].count("Record amended")

    user.find(marker="record-notes").type("a new note")
    user.find(marker="record-save").click()  # the History tab, which exists by now, is read again after a change
    await wait_until(lambda: _stored(record_id).notes == "a new note", what="the save")
    await wait_until(lambda: amended() == 2, what="the new amendment in the History tab")


# --- the scan route -----------------------------------------------------------------------------------------------


async def test_scan_tokens_expire_and_need_the_right_signed_in_staff(
    clerk_user: User, clerk_actor: Actor, make_staff, monkeypatch
) -> None:
    user = clerk_user
    pid = make_performer("Route")
    scan_id = _complete(_record(pid, clerk_actor), clerk_actor)
    assert clerk_actor.staff_id is not None

    # Expired: two minutes after issue the address is dead.
    clock = {"now": 1000.0}
    monkeypatch.setattr(scan_route, "_now", lambda: clock["now"])
    url = scan_route.issue(clerk_actor.staff_id, scan_id)
    clock["now"] += scan_route.TTL_SECONDS + 1
    assert (await user.http_client.get(url)).status_code == 404
    clock["now"] += 1
    url = scan_route.issue(clerk_actor.staff_id, scan_id)
    clock["now"] += scan_route.TTL_SECONDS - 5
    assert (await user.http_client.get(url)).status_code == 200

    # No session: the middleware sends the request to sign in; the handler itself refuses too.
    url = scan_route.issue(clerk_actor.staff_id, scan_id)
    async with httpx.AsyncClient(transport=user.http_client._transport, base_url="http://test") as stranger:
        response = await stranger.get(url)
    assert response.status_code in (302, 303, 307) and "/login" in response.headers["location"]
    token = url.rsplit("/", 1)[1]  # the middleware stopped that request before the route: still unspent
    assert scan_route.respond(token, None, ClientInfo()).status_code == 403  # the handler refuses on its own
    assert scan_route.respond(token, None, ClientInfo()).status_code == 404  # and that attempt spent it

    # Issued to someone else: refused even with a valid session.
    other_id, _ = make_staff("compliance")
    url = scan_route.issue(other_id, scan_id)
    assert (await user.http_client.get(url)).status_code == 403
    assert (await user.http_client.get(url)).status_code == 404  # and spent


def test_tokens_are_random_single_use_and_bounded() -> None:
    a, b = scan_route.issue(1, 1), scan_route.issue(1, 1)
    assert a != b and len(a.rsplit("/", 1)[1]) >= 40
    grant = scan_route.redeem(a.rsplit("/", 1)[1])
    assert grant is not None and (grant.staff_id, grant.scan_id, grant.purpose) == (1, 1, "view")
    assert scan_route.redeem(a.rsplit("/", 1)[1]) is None
    with pytest.raises(ValueError):
        scan_route.issue(1, 1, "delete")  # type: ignore[arg-type]


# --- performer profile ----------------------------------------------------------------------------------------------


async def test_profile_links_compliance_staff_to_the_record(clerk_user: User) -> None:
    pid = make_performer("Linked")
    await clerk_user.open(f"/performers/{pid}")
    await clerk_user.should_see(marker="performer-2257")
    assert element(clerk_user, "performer-2257").props["href"] == f"/compliance/records/{pid}"
    assert not all_marked(clerk_user, "performer-compliance")


async def test_profile_shows_content_staff_only_a_badge(user: User, make_staff) -> None:
    plain = make_performer("Plain")
    good = make_performer("Good")
    with db.session_scope() as session:
        verified_record(session, good)
    _, email = make_staff("content")
    await sign_in_and_wait(user, email)
    await user.open(f"/performers/{plain}")
    await user.should_see(marker="performer-compliance")
    assert element(user, "performer-compliance").text == "2257: not compliant"
    assert not all_marked(user, "performer-2257")
    await user.open(f"/performers/{good}")
    await user.should_see(marker="performer-compliance")
    assert element(user, "performer-compliance").text == "2257 compliant"
    await user.should_not_see("Doe")
    assert current_path(user) == f"/performers/{good}"


async def test_pdf_scans_open_in_a_frame_and_damaged_files_are_reported(clerk_user: User, clerk_actor: Actor) -> None:
    user = clerk_user
    pid = make_performer("Paper")
    record_id = _record(pid, clerk_actor)
    png_id = _complete(record_id, clerk_actor)
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    (doc,) = _docs(record_id)
    with db.session_scope() as session:
        pdf_id = records.add_scan(session, actor=clerk_actor, document_id=doc.id, data=pdf, filename="id.pdf").id
    await _open(user, pid)
    user.find(marker=f"scan-view-{pdf_id}").click()
    await wait_until(lambda: bool(all_marked(user, "scan-viewer-pdf")), what="the PDF frame")
    frame = element(user, "scan-viewer-pdf")
    assert frame.tag == "iframe"
    served = await user.http_client.get(frame.props["src"])
    assert (served.status_code, served.headers["content-type"], served.content) == (200, "application/pdf", pdf)

    with db.session_scope() as session:  # the stored file is altered on disk
        storage_name = session.get(IdScan, png_id).storage_name
    path = vault._path(storage_name)
    path.write_bytes(b"not the encrypted scan")
    url = scan_route.issue(clerk_actor.staff_id or 0, png_id)
    damaged = await user.http_client.get(url)
    assert damaged.status_code == 409
    assert "cannot be decrypted" in damaged.text
    assert damaged.headers["content-type"].startswith("text/plain")


async def test_correcting_an_id_warns_which_videos_it_holds_then_holds_them(clerk_user: User) -> None:
    """Issue 8.1: an ID's examination date moved after the shoot (2020-06-01) takes the video down, after asking."""
    user = clerk_user
    video_id = make_published_video(title="Relies On This ID")
    with db.session_scope() as session:
        ((performer, _),) = video_service.performers_of(session, actor=SYSTEM, video_id=video_id)
        doc = session.execute(
            select(IdDocument).join(LegalRecord).where(LegalRecord.performer_id == performer.id)
        ).scalar_one()
        doc_id = doc.id
    await _open(user, performer.id)
    mark = audit_mark()
    user.find(marker=f"document-correct-{doc_id}").click()
    await wait_until(lambda: shown(user, "document-edit-save"), what="the correction dialog")
    assert element(user, "document-edit-examined_on").value == "2015-01-10"  # filled with what is stored
    element(user, "document-edit-examined_on").value = "2021-01-01"
    user.find(marker="document-edit-save").click()
    await _confirm(user)
    await wait_until(lambda: bool(all_marked(user, f"record-hold-{video_id}")), what="the hold listed")
    changes = [e.action for e in events_since(mark) if e.action != "legal_record.view"]  # the refresh is a read
    assert changes == ["legal_record.id_amend", "video.compliance_hold"]
    with db.session_scope() as session:
        assert session.get(Video, video_id).state == "unpublished"
        assert session.get(IdDocument, doc_id).examined_on == date(2021, 1, 1)


async def test_a_bad_id_correction_is_shown_on_the_field_and_changes_nothing(clerk_user: User) -> None:
    user = clerk_user
    pid = make_performer("Typo Fixer")
    with db.session_scope() as session:
        doc_id = session.execute(
            select(IdDocument.id).where(IdDocument.legal_record_id == verified_record(session, pid).id)
        ).scalar_one()
    await _open(user, pid)
    mark = audit_mark()
    user.find(marker=f"document-correct-{doc_id}").click()
    await wait_until(lambda: shown(user, "document-edit-save"), what="the correction dialog")
    element(user, "document-edit-examined_on").value = "2999-01-01"
    user.find(marker="document-edit-save").click()
    await wait_until(lambda: bool(element(user, "document-edit-examined_on").error), what="the inline error")
    assert "in the future" in element(user, "document-edit-examined_on").error
    assert [e.action for e in events_since(mark)] == []
