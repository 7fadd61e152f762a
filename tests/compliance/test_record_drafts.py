"""The record editor's unsaved changes (issue 8): Save with nothing changed says so; a draft is kept on the
server while the form differs from the record, offered when the page is opened again (Restore / Discard),
shown as a conflict when the record changed meanwhile, cleared by a save, and never offered to another staff
member signing in on the same browser. Simulated user; the real-browser side is tests/ui/test_browser_editors.py.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from nicegui import app
from nicegui.testing import User
from sqlalchemy import func, select

from console import db
from console.actor import SYSTEM, Actor
from console.audit.models import AuditEvent
from console.compliance import records
from console.compliance.models import LegalRecord
from console.ui.form_state import NOTHING_TO_SAVE
from tests.catalog.factories import make_performer
from tests.ui.helpers import all_marked, element, shown, sign_in_and_wait, wait_loaded, wait_until

CLERK_EMAIL = "dora.drafts@test.example"
OTHER_EMAIL = "otto.other@test.example"


@pytest.fixture
def clerk_actor(make_staff: Callable[..., tuple[int, str]], actor_for: Callable[[int], Actor]) -> Actor:
    staff_id, _ = make_staff("compliance", email=CLERK_EMAIL, name="Dora Drafts")
    return actor_for(staff_id)


@pytest.fixture
async def clerk_user(user: User, clerk_actor: Actor) -> User:
    await sign_in_and_wait(user, CLERK_EMAIL)
    return user


def _record(performer_id: int, actor: Actor, notes: str = "") -> int:
    data = {"legal_first_name": "Jane", "legal_last_name": "Doe", "date_of_birth": "1990-05-17", "notes": notes}
    with db.session_scope() as session:
        return records.create_record(session, actor=actor, performer_id=performer_id, data=data).id


def _stored(record_id: int) -> LegalRecord:
    with db.session_scope() as session:
        rec = session.get(LegalRecord, record_id)
        assert rec is not None
        return rec


def _amendments(record_id: int) -> int:
    with db.session_scope() as session:
        query = select(func.count()).where(
            AuditEvent.action == "legal_record.amend", AuditEvent.entity_id == str(record_id)
        )
        return int(session.execute(query).scalar_one())


async def _open(user: User, performer_id: int) -> None:
    await user.open(f"/compliance/records/{performer_id}")
    await wait_until(lambda: bool(all_marked(user, "record-notes")), what="the record page")
    await wait_loaded(user)  # the documents and the side column are drawn once the page shows


def _drafts(user: User) -> dict:
    """The drafts in this browser's server-side storage (what ServerDrafts writes)."""
    assert user.client is not None and user.client.request is not None
    storage = app.storage._users[user.client.request.session["id"]]  # where app.storage.user lives
    return dict(storage.get("drafts") or {})


async def _offered(user: User) -> None:
    await wait_until(lambda: shown(user, "draft-offer"), what="the offer of unsaved changes")


async def test_save_without_changes_says_so_and_stores_nothing(clerk_user: User, clerk_actor: Actor) -> None:
    user = clerk_user
    pid = make_performer("Unchanged")
    record_id = _record(pid, clerk_actor)
    await _open(user, pid)
    user.find(marker="record-save").click()
    await wait_until(lambda: user.notify.contains(NOTHING_TO_SAVE), what="the no-changes message")
    assert not user.notify.contains("Record saved.")
    # Blanks around a name are no change either (the service strips them): still nothing is stored.
    user.find(marker="record-last-name").type("  ")
    user.find(marker="record-save").click()
    await wait_until(lambda: len(user.notify.messages) >= 2, what="the second message")
    assert not user.notify.contains("Record saved.")
    assert _stored(record_id).version == 1
    assert _amendments(record_id) == 0


async def test_unsaved_changes_are_offered_after_reopening_and_restored(clerk_user: User, clerk_actor: Actor) -> None:
    user = clerk_user
    pid = make_performer("Reopened")
    record_id = _record(pid, clerk_actor, notes="stored note")
    await _open(user, pid)
    assert not shown(user, "draft-offer")
    user.find(marker="record-notes").clear().type("typed, never saved")
    await wait_until(lambda: len(_drafts(user)) == 1, what="the draft on the server")
    assert next(iter(_drafts(user).values()))["values"]["notes"] == "typed, never saved"

    await _open(user, pid)  # a reload (or a lost connection) builds the page from the record again
    assert element(user, "record-notes").value == "stored note"
    await _offered(user)
    assert "You have unsaved changes from" in element(user, "draft-offer-text").text
    assert not all_marked(user, "draft-outdated")
    user.find(marker="draft-restore").click()
    await wait_until(lambda: element(user, "record-notes").value == "typed, never saved", what="the restored note")
    assert not shown(user, "draft-offer")
    assert _stored(record_id).notes == "stored note"  # restoring stores nothing by itself

    user.find(marker="record-save").click()
    await wait_until(lambda: _stored(record_id).notes == "typed, never saved", what="the save")
    await wait_until(lambda: _drafts(user) == {}, what="the draft cleared by the save")
    await _open(user, pid)
    await user.should_not_see(marker="draft-offer-text")


async def test_discarded_draft_is_gone(clerk_user: User, clerk_actor: Actor) -> None:
    user = clerk_user
    pid = make_performer("Discarded")
    record_id = _record(pid, clerk_actor, notes="stored note")
    await _open(user, pid)
    user.find(marker="record-middle-name").type("Quinn")
    await wait_until(lambda: len(_drafts(user)) == 1, what="the draft on the server")
    await _open(user, pid)
    await _offered(user)
    user.find(marker="draft-discard").click()
    await wait_until(lambda: _drafts(user) == {}, what="the draft discarded")
    assert not shown(user, "draft-offer")
    assert element(user, "record-middle-name").value == ""
    await _open(user, pid)
    await user.should_not_see(marker="draft-offer-text")
    assert _stored(record_id).legal_middle_name is None


async def test_reverting_the_input_drops_the_draft(clerk_user: User, clerk_actor: Actor) -> None:
    user = clerk_user
    pid = make_performer("Reverted")
    _record(pid, clerk_actor)
    await _open(user, pid)
    user.find(marker="record-notes").type("x")
    await wait_until(lambda: len(_drafts(user)) == 1, what="the draft")
    user.find(marker="record-notes").clear()
    await wait_until(lambda: _drafts(user) == {}, what="no draft once the form equals the record")


async def test_outdated_draft_shows_the_conflict_and_keeps_the_input(clerk_user: User, clerk_actor: Actor) -> None:
    user = clerk_user
    pid = make_performer("Outdated")
    record_id = _record(pid, clerk_actor, notes="stored note")
    await _open(user, pid)
    user.find(marker="record-notes").clear().type("my draft note")
    await wait_until(lambda: len(_drafts(user)) == 1, what="the draft")

    with db.session_scope() as session:  # someone else amends the record meanwhile
        rec = session.get(LegalRecord, record_id)
        assert rec is not None
        data = {**records.record_view(rec), "notes": "their note"}
        records.amend_record(session, actor=SYSTEM, record_id=record_id, data=data, expected_version=None)

    await _open(user, pid)
    assert element(user, "record-notes").value == "their note"
    await _offered(user)
    assert "was changed since (version 1 then, 2 now)" in element(user, "draft-outdated").text
    user.find(marker="draft-restore").click()
    await wait_until(lambda: shown(user, "record-conflict"), what="the conflict panel")
    assert element(user, "record-notes").value == "my draft note"
    assert any("their note" in str(e.text) for e in all_marked(user, "record-conflict-stored"))
    assert _stored(record_id).notes == "their note"

    user.find(marker="record-save").click()  # as after a stale save: saving again replaces theirs
    await wait_until(lambda: _stored(record_id).notes == "my draft note", what="the save over theirs")


async def test_a_draft_is_never_offered_to_another_staff_member(
    clerk_user: User, clerk_actor: Actor, make_staff: Callable[..., tuple[int, str]]
) -> None:
    user = clerk_user
    make_staff("compliance", email=OTHER_EMAIL, name="Otto Other")
    pid = make_performer("Shared Browser")
    _record(pid, clerk_actor)
    await _open(user, pid)
    user.find(marker="record-notes").type("Dora's unsaved note")
    await wait_until(lambda: len(_drafts(user)) == 1, what="Dora's draft")

    user.find("Sign out").click()
    await sign_in_and_wait(user, OTHER_EMAIL)  # same browser, same storage
    await _open(user, pid)
    await user.should_not_see(marker="draft-offer-text")
    assert element(user, "record-notes").value == ""
    assert len(_drafts(user)) == 1  # still Dora's, for Dora only


async def test_new_record_input_is_kept_as_a_draft(clerk_user: User, clerk_actor: Actor) -> None:
    user = clerk_user
    pid = make_performer("Not Yet Recorded")
    await user.open(f"/compliance/records/{pid}")
    await wait_until(lambda: bool(all_marked(user, "record-create")), what="the create form")
    user.find(marker="record-first-name").type("Ada")
    await wait_until(lambda: len(_drafts(user)) == 1, what="the draft of the new record")
    await user.open(f"/compliance/records/{pid}")
    await _offered(user)
    user.find(marker="draft-restore").click()
    await wait_until(lambda: element(user, "record-first-name").value == "Ada", what="the restored name")
