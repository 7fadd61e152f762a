"""Staff administration page: list, the "New staff member" dialog and its validation, access for other roles."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from nicegui import ui
from nicegui.testing import User
from sqlalchemy import func, select

from console import db
from console.audit.models import AuditEvent
from console.staff.models import Staff
from console.staff.passwords import verify_password
from tests.moderation.page_helpers import press
from tests.ui.helpers import (
    all_marked,
    element,
    rows,
    shown,
    sign_in_and_wait,
    table,
    wait_for_rows,
    wait_until,
)


@pytest.fixture
async def admin_user(user: User, admin) -> User:
    await sign_in_and_wait(user, "root@test.example")
    return user


def _staff_count() -> int:
    with db.session_scope() as session:
        return int(session.execute(select(func.count()).select_from(Staff)).scalar_one())


def _create_events_by_root() -> int:
    with db.session_scope() as session:
        query = (
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "staff.create", AuditEvent.actor_label == "root@test.example")
        )
        return int(session.execute(query).scalar_one())


async def _open_new_dialog(user: User) -> None:
    await user.open("/staff")
    await wait_for_rows(user, lambda found: len(found) >= 1, "the staff rows")
    user.find(marker="staff-new").click()
    assert shown(user, "new-email")


def _fill(user: User, *, email: str, name: str, roles: list[str]) -> None:
    user.find(marker="new-email").type(email)
    user.find(marker="new-name").type(name)
    if roles:
        user.find(marker="new-roles").click()  # opens the options
        for label in roles:
            user.find(label).click()


async def _save_and_wait_for_error(user: User, field: str) -> str:
    user.find(marker="new-save").click()
    target = element(user, field)
    await wait_until(lambda: target.error is not None, what=f"an error on {field}")
    return str(target.error)


async def test_a_new_staff_member_typed_before_the_page_went_is_back_until_created_or_cancelled(
    admin_user: User,
) -> None:
    """The staff dialog kept no draft (last notes): opened again after a lost page it brings back the e-mail, name
    and roles typed, and says so; Cancel drops them, and so does creating the account."""
    user = admin_user
    await _open_new_dialog(user)
    _fill(user, email="kept@test.example", name="Kept Typing", roles=["Moderator"])
    await _open_new_dialog(user)  # a new page, as after a reload
    assert element(user, "new-email").value == "kept@test.example" and element(user, "new-name").value == "Kept Typing"
    assert element(user, "new-roles").value == ["moderator"] and shown(user, "text-draft-restored")
    user.find(marker="new-cancel").click()
    await _open_new_dialog(user)
    assert element(user, "new-email").value == "" and not shown(user, "text-draft-restored")

    _fill(user, email="made@test.example", name="Made Now", roles=["Finance"])
    user.find(marker="new-save").click()
    await wait_until(lambda: shown(user, "secret-line"), what="the temporary password dialog")
    await _open_new_dialog(user)
    assert element(user, "new-email").value == ""


async def test_admin_sees_staff_rows(admin_user: User, make_staff) -> None:
    user = admin_user
    make_staff("moderator", email="mona@test.example", name="Mona Moderator")
    await user.open("/staff")
    found = await wait_for_rows(user, lambda found: len(found) == 2, "two staff rows")
    by_email = {r["email"]: r for r in found}
    assert by_email["root@test.example"]["name"] == "Root Admin"
    assert by_email["root@test.example"]["roles"] == "Administrator"
    assert by_email["mona@test.example"]["roles"] == "Moderator"
    assert by_email["mona@test.example"]["status"] == "Active"
    assert by_email["mona@test.example"]["totp"] == "Off"  # words, as every list says them
    assert [r["email"] for r in found] == sorted(by_email)  # by e-mail, A to Z


async def test_create_staff_member_shows_temporary_password_and_is_audited(admin_user: User) -> None:
    user = admin_user
    await _open_new_dialog(user)
    _fill(user, email="  New.Person@Test.Example ", name="New Person", roles=["Moderator", "Finance"])
    user.find(marker="new-save").click()
    await wait_until(lambda: shown(user, "secret-line"), what="the temporary password dialog")
    await user.should_see("Temporary password for new.person@test.example")
    assert not shown(user, "new-email")  # the form dialog closed
    temporary = element(user, "secret-line").text

    with db.session_scope() as session:
        staff = session.execute(select(Staff).where(Staff.email == "new.person@test.example")).scalar_one()
        assert staff.name == "New Person"
        assert sorted(staff.roles) == ["finance", "moderator"]
        assert staff.must_change_password is True
        assert verify_password(staff.password_hash, temporary)
        new_id = staff.id

    found = await wait_for_rows(user, lambda found: len(found) == 2, "the new row in the table")
    assert {r["email"] for r in found} == {"root@test.example", "new.person@test.example"}
    user.find(marker="secret-done").click()
    assert not shown(user, "secret-line")

    await user.open("/audit")
    found = await wait_for_rows(
        user, lambda found: any(r["action"] == "staff.create" for r in found), "a staff.create event"
    )
    created = [r for r in found if r["action"] == "staff.create" and r["actor"] == "root@test.example"]
    assert len(created) == 1
    assert created[0]["entity"] == f"Staff #{new_id}" and created[0]["what"] == "Staff created"
    assert "Email" in created[0]["changes"]  # the field in words
    assert temporary not in str(created[0]["after"])


async def test_email_without_at_is_refused_on_its_field(admin_user: User) -> None:
    user = admin_user
    before = _staff_count()
    await _open_new_dialog(user)
    _fill(user, email="not-an-address", name="No Address", roles=["Moderator"])
    error = await _save_and_wait_for_error(user, "new-email")
    assert error == "E-mail is not an e-mail address (name@example.com)"
    assert element(user, "new-name").error is None
    assert shown(user, "new-save")  # the dialog stays open for a correction
    assert not shown(user, "secret-line")
    assert _staff_count() == before
    assert _create_events_by_root() == 0

    # Correcting the address then works from the same dialog.
    user.find(marker="new-email").clear().type("fixed@test.example")
    user.find(marker="new-save").click()
    await wait_until(lambda: shown(user, "secret-line"), what="the temporary password dialog")
    assert _staff_count() == before + 1


async def test_name_of_121_characters_is_refused(admin_user: User) -> None:
    user = admin_user
    before = _staff_count()
    await _open_new_dialog(user)
    _fill(user, email="long@test.example", name="x" * 121, roles=["Moderator"])
    error = await _save_and_wait_for_error(user, "new-name")
    assert error == "Name is too long (120 characters at most)"
    assert _staff_count() == before
    assert _create_events_by_root() == 0


async def test_name_of_120_characters_is_accepted(admin_user: User) -> None:
    user = admin_user
    await _open_new_dialog(user)
    _fill(user, email="long@test.example", name="y" * 120, roles=["Moderator"])
    user.find(marker="new-save").click()
    await wait_until(lambda: shown(user, "secret-line"), what="the temporary password dialog")
    with db.session_scope() as session:
        assert session.execute(select(Staff.name).where(Staff.email == "long@test.example")).scalar_one() == "y" * 120


async def test_missing_role_and_duplicate_email_are_refused(admin_user: User) -> None:
    user = admin_user
    before = _staff_count()
    await _open_new_dialog(user)
    _fill(user, email="root@test.example", name="Second Root", roles=[])
    user.find(marker="new-save").click()
    email_field, roles_field = element(user, "new-email"), element(user, "new-roles")
    await wait_until(lambda: roles_field.error is not None, what="an error on the roles")
    assert roles_field.error == "Choose at least one role"
    assert email_field.error == "E-mail is already used by another staff account"
    assert _staff_count() == before


async def test_unicode_name_is_accepted_and_shown(admin_user: User) -> None:
    user = admin_user
    name = "Zoë Ångström-Łukasiewicz 山田 花子"
    decomposed = unicodedata.normalize("NFD", name)  # the same name as some keyboards send it
    await _open_new_dialog(user)
    _fill(user, email="zoe@test.example", name=decomposed, roles=["Content"])
    user.find(marker="new-save").click()
    await wait_until(lambda: shown(user, "secret-line"), what="the temporary password dialog")
    with db.session_scope() as session:
        assert session.execute(select(Staff.name).where(Staff.email == "zoe@test.example")).scalar_one() == name

    await user.open("/staff")
    found = await wait_for_rows(user, lambda found: len(found) == 2, "both staff rows")
    assert {r["name"] for r in found} == {"Root Admin", name}


async def test_moderator_gets_403_on_staff(user: User, make_staff) -> None:
    _, email = make_staff("moderator")
    await sign_in_and_wait(user, email)
    await user.open("/staff")
    await user.should_see(marker="forbidden")
    await user.should_see("403 — Not allowed")
    await user.should_see(marker="staff-name")  # inside the frame
    await user.should_not_see(marker="staff-new")
    await user.should_not_see(marker="paged-table")


async def test_executive_gets_403_on_members(user: User, make_staff) -> None:
    _, email = make_staff("executive")
    await sign_in_and_wait(user, email)
    await user.open("/members")
    await user.should_see(marker="forbidden")
    await user.should_not_see(marker="member-search")
    await user.should_not_see(marker="paged-table")


# --- rows that look and work like openers (issue 13: "staff rows do not look clickable") -------------------------


def _edit_name(user: User) -> str:
    return str(element(user, "edit-name").value)


async def _open_list(user: User, count: int) -> list[dict]:
    await user.open("/staff")
    return await wait_for_rows(user, lambda found: len(found) == count, f"{count} staff rows")


async def test_rows_show_the_pointer_a_hover_and_an_open_button(admin_user: User, make_staff) -> None:
    user = admin_user
    make_staff("moderator", email="mona@test.example", name="Mona Moderator")
    found = await _open_list(user, 2)
    staff_table = table(user)
    row_class = staff_table.props[":table-row-class-fn"]
    assert "console-open-row" in row_class and "console-row-cursor" in row_class
    css = (Path(__file__).resolve().parents[2] / "assets" / "console.css").read_text()
    assert ".console-table tbody tr { cursor: pointer; }" in css
    assert "tr.console-open-row:hover > td { background" in css
    assert "tr.console-row-cursor > td { background" in css
    open_cell = staff_table.slots["body-cell-open"].template or ""
    assert 'label="Open"' in open_cell and "$emit('open', props.row)" in open_cell and "@click.stop" in open_cell
    assert [c["name"] for c in staff_table.columns][-1] == "open"

    mona = next(r for r in found if r["email"] == "mona@test.example")
    user.find(marker="paged-table").trigger("open", mona)  # what the row's Open button sends
    await wait_until(lambda: shown(user, "edit-save"), what="the edit dialog")
    assert _edit_name(user) == "Mona Moderator"


async def test_j_k_and_enter_open_the_highlighted_row(admin_user: User, make_staff) -> None:
    user = admin_user
    make_staff("moderator", email="mona@test.example", name="Mona Moderator")
    make_staff("finance", email="finn@test.example", name="Finn Finance")
    await _open_list(user, 3)

    def highlighted() -> list[str]:
        return [r["email"] for r in rows(user) if r["cursor"]]

    press(user, "Enter")
    await wait_until(lambda: user.notify.contains("Highlight a staff member first (j / k)."), what="the hint")
    assert not all_marked(user, "edit-save")
    press(user, "j")
    await wait_until(lambda: highlighted() == ["finn@test.example"], what="the first row highlighted")
    press(user, "j")
    await wait_until(lambda: highlighted() == ["mona@test.example"], what="the second row")
    press(user, "j")
    await wait_until(lambda: highlighted() == ["root@test.example"], what="the last row")
    press(user, "j")  # stays on the last row
    press(user, "k")
    await wait_until(lambda: highlighted() == ["mona@test.example"], what="back up")
    press(user, "Enter")
    await wait_until(lambda: shown(user, "edit-save"), what="the edit dialog")
    assert _edit_name(user) == "Mona Moderator"

    user.find(marker="edit-close").click()
    await wait_until(lambda: not all_marked(user, "edit-save"), what="the closed dialog to be deleted")
    press(user, "?")
    await wait_until(lambda: shown(user, "shortcut-sheet"), what="the shortcut sheet")
    listed = [str(e.text) for e in all_marked(user, "shortcut-what")]
    assert "Open the highlighted staff member" in listed and "Move the highlight down" in listed


# --- controls the rules would refuse are disabled, with the reason (issue 13) -----------------------------------


def _staff_changes() -> int:
    with db.session_scope() as session:
        query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action.startswith("staff."))
        return int(session.execute(query).scalar_one())


async def _open_edit(user: User, email: str) -> None:
    found = await wait_for_rows(user, lambda found: any(r["email"] == email for r in found), email)
    row = next(r for r in found if r["email"] == email)
    user.find(marker="paged-table").trigger("rowClick", [{}, row, 0])
    await wait_until(lambda: shown(user, "edit-save"), what="the edit dialog")


async def test_own_account_cannot_be_deactivated_and_says_why(admin_user: User, make_staff) -> None:
    user = admin_user
    make_staff("moderator", email="mona@test.example", name="Mona Moderator")
    await user.open("/staff")
    await _open_edit(user, "root@test.example")
    toggle = element(user, "edit-toggle-active")
    assert toggle.text == "Deactivate" and toggle.enabled is False
    why = element(user, "edit-toggle-active-why")
    assert toggle in why.descendants()
    tips = [e for e in why.descendants() if isinstance(e, ui.tooltip)]
    assert [t.text for t in tips] == ["You cannot deactivate your own account."]
    # Every other control of one's own account works: nothing else is disabled.
    for marker in ("edit-name", "edit-roles", "edit-save", "edit-reset-password", "edit-close"):
        assert element(user, marker).enabled, marker

    user.find(marker="edit-close").click()
    await wait_until(lambda: not all_marked(user, "edit-save"), what="the closed dialog to be deleted")
    await _open_edit(user, "mona@test.example")
    assert element(user, "edit-toggle-active").enabled is True
    assert not all_marked(user, "edit-toggle-active-why")


async def test_refused_save_keeps_the_input_and_says_why_in_the_form(admin_user: User) -> None:
    user = admin_user
    await user.open("/staff")
    await _open_edit(user, "root@test.example")
    before = _staff_changes()
    element(user, "edit-roles").value = ["moderator"]  # the last administrator drops the admin role
    user.find(marker="edit-name").clear().type("Root Renamed")
    user.find(marker="edit-save").click()
    [summary] = all_marked(user, "edit-summary")
    await wait_until(lambda: summary.visible, what="the refusal in the form")
    assert summary.text == "This is the last active administrator. Make another staff member an administrator first."
    assert shown(user, "edit-save")  # the dialog stays open with the input as typed
    assert element(user, "edit-roles").value == ["moderator"] and _edit_name(user) == "Root Renamed"
    with db.session_scope() as session:
        root = session.execute(select(Staff).where(Staff.email == "root@test.example")).scalar_one()
        assert (root.name, root.roles) == ("Root Admin", ["admin"])  # one unit of work: the rename rolled back
    assert _staff_changes() == before


async def test_stale_save_shows_the_conflict_and_the_next_save_wins(admin_user: User, make_staff) -> None:
    user = admin_user
    mona_id, _ = make_staff("moderator", email="mona@test.example", name="Mona Moderator")
    await user.open("/staff")
    await _open_edit(user, "mona@test.example")
    with db.session_scope() as session:  # someone else renames her meanwhile
        staff = session.get(Staff, mona_id)
        assert staff is not None
        staff.name = "Mona Elsewhere"
    user.find(marker="edit-name").clear().type("Mona Mine")
    user.find(marker="edit-save").click()
    await wait_until(lambda: shown(user, "edit-conflict"), what="the conflict panel")
    assert [str(e.text) for e in all_marked(user, "edit-conflict-stored")] == ["Mona Elsewhere"]
    assert _edit_name(user) == "Mona Mine"
    user.find(marker="edit-save").click()  # saving again acts on the stored version
    await wait_until(lambda: not all_marked(user, "edit-save"), what="the dialog to close and be deleted")
    with db.session_scope() as session:
        staff = session.get(Staff, mona_id)
        assert staff is not None and staff.name == "Mona Mine"


async def test_dialogs_are_deleted_after_closing(admin_user: User, make_staff) -> None:
    user = admin_user
    mona_id, _ = make_staff("moderator", email="mona@test.example", name="Mona Moderator")
    await _open_new_dialog(user)
    user.find(marker="new-cancel").click()
    await wait_until(lambda: not all_marked(user, "new-email"), what="the cancelled dialog to be deleted")

    await _open_edit(user, "mona@test.example")
    user.find(marker="edit-reset-password").click()
    await wait_until(lambda: shown(user, "confirm-ok"), what="the confirmation")
    user.find(marker="confirm-ok").click()
    await wait_until(lambda: shown(user, "secret-line"), what="the temporary password")
    assert not all_marked(user, "edit-save") and not all_marked(user, "confirm-ok")  # both dialogs are gone
    temporary = element(user, "secret-line").text
    with db.session_scope() as session:
        staff = session.get(Staff, mona_id)
        assert staff is not None and verify_password(staff.password_hash, temporary)
    user.find(marker="secret-done").click()
    await wait_until(lambda: not all_marked(user, "secret-line"), what="the password dialog to be deleted")
