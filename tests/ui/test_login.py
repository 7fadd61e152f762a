"""Sign-in page: redirect targets, wrong passwords and lockout, TOTP step, sign-out, forced password change."""

from __future__ import annotations

import time

import pyotp
import pytest
from cryptography.fernet import Fernet
from nicegui.testing import User
from sqlalchemy import select

from console import db
from console.config import get_settings
from console.staff.auth import GENERIC_FAILURE, TOTP_FAILURE, TOTP_UNREADABLE, confirm_totp_enrolment
from console.staff.models import Staff, StaffSession
from tests.conftest import PASSWORD
from tests.ui.helpers import (
    current_path,
    current_url,
    element,
    sees_marker,
    sign_in,
    sign_in_and_wait,
    wait_until,
)

WRONG = "not the right password at all"


async def _submit_password(user: User, password: str) -> None:
    """Type a password into the (still open) sign-in form, submit it and wait for the answer."""
    field = element(user, "login-password")
    user.find(marker="login-password").clear().type(password)
    user.find(marker="login-submit").click()
    # The page empties the password field once the sign-in call has answered.
    await wait_until(lambda: field.value == "", what="the sign-in attempt to finish")


async def test_sign_in_lands_on_local_next(user: User, make_staff) -> None:
    _, email = make_staff("moderator")
    await sign_in_and_wait(user, email, next_path="/members?status=active")
    await user.should_see(marker="member-search")
    assert current_path(user) == "/members"
    assert user.back_history[-1] == "/members?status=active"
    assert element(user, "member-status").value == "active"


@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example", "/\\evil", "https:/evil.example"])
async def test_sign_in_ignores_external_next(user: User, make_staff, target: str) -> None:
    _, email = make_staff("moderator")
    await sign_in_and_wait(user, email, next_path=target)
    assert user.back_history[-1] == "/"
    assert current_url(user) == "http://test/"
    assert element(user, "page-title").text == "Home"


async def test_already_signed_in_visit_to_login_with_external_next_goes_home(user: User, make_staff) -> None:
    _, email = make_staff("moderator")
    await sign_in_and_wait(user, email)
    response = await user.http_client.get("/login", params={"next": "//evil.example/x"})
    assert response.status_code == 303
    assert response.headers["location"] == "/"


async def test_wrong_password_shows_generic_message_and_stays(user: User, make_staff) -> None:
    _, email = make_staff("moderator")
    await user.open("/login?next=%2Fmembers")
    user.find(marker="login-email").type(email)
    await _submit_password(user, WRONG)
    await user.should_see(GENERIC_FAILURE)
    assert element(user, "login-message").text == GENERIC_FAILURE
    await user.should_see(marker="login-email")
    await user.should_not_see(marker="page-title")
    assert current_path(user) == "/login"


async def test_unknown_email_gets_the_same_message(user: User) -> None:
    await user.open("/login")
    user.find(marker="login-email").type("nobody@test.example")
    await _submit_password(user, WRONG)
    assert element(user, "login-message").text == GENERIC_FAILURE
    assert element(user, "login-message").visible


async def test_empty_form_asks_for_both_fields(user: User) -> None:
    await user.open("/login")
    user.find(marker="login-submit").click()
    await user.should_see("Enter your e-mail and password.")


async def test_five_wrong_passwords_lock_the_account(user: User, make_staff) -> None:
    _, email = make_staff("moderator")
    await user.open("/login")
    user.find(marker="login-email").type(email)
    for _ in range(4):
        await _submit_password(user, WRONG)
        assert element(user, "login-message").text == GENERIC_FAILURE
    await _submit_password(user, WRONG)
    message = element(user, "login-message")
    assert message.visible
    assert message.text.startswith("Too many failed sign-in attempts")
    # The right password no longer helps while the lock lasts.
    await _submit_password(user, PASSWORD)
    assert element(user, "login-message").text.startswith("Too many failed sign-in attempts")
    await user.should_not_see(marker="page-title")
    assert current_path(user) == "/login"


def _enrol_totp(staff_id: int, actor_for) -> str:
    secret = pyotp.random_base32()
    with db.session_scope() as session:
        confirm_totp_enrolment(session, actor=actor_for(staff_id), secret=secret, code=pyotp.TOTP(secret).now())
    return secret


async def test_totp_enrolled_staff_needs_a_code(user: User, make_staff, actor_for) -> None:
    staff_id, email = make_staff("moderator", name="Tina Totp")
    secret = _enrol_totp(staff_id, actor_for)

    await sign_in(user, email, next_path="/members")
    await wait_until(lambda: sees_marker(user, "login-code"), what="the code step")
    await user.should_not_see(marker="login-password")
    await user.should_not_see(marker="page-title")

    # A wrong code is refused and the code step stays.
    user.find(marker="login-code").type("000000")
    user.find(marker="login-verify").click()
    await wait_until(lambda: sees_marker(user, "login-message"), what="the wrong-code message")
    assert element(user, "login-message").text == TOTP_FAILURE
    assert sees_marker(user, "login-code")

    # The enrolment used the current step's code; the next step's code is still unused and accepted.
    user.find(marker="login-code").clear().type(pyotp.TOTP(secret).at(time.time() + 30))
    user.find(marker="login-verify").click()
    await wait_until(lambda: user.client is not None and current_path(user) == "/members", what="/members")
    await user.should_see("Tina Totp")
    await user.should_see(marker="member-search")


async def test_a_rotated_records_key_shows_a_clear_message_not_an_error(
    user: User, make_staff, actor_for, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The console restarted with another CONSOLE_RECORDS_KEY: the code step says what happened and what to do."""
    staff_id, email = make_staff("moderator", name="Rita Rotated")
    secret = _enrol_totp(staff_id, actor_for)
    monkeypatch.setenv("CONSOLE_RECORDS_KEY", Fernet.generate_key().decode())
    get_settings.cache_clear()

    await sign_in(user, email, next_path="/members")
    await wait_until(lambda: sees_marker(user, "login-code"), what="the code step")
    user.find(marker="login-code").type(pyotp.TOTP(secret).at(time.time() + 30))
    user.find(marker="login-verify").click()
    await wait_until(lambda: sees_marker(user, "login-message"), what="the key message")
    assert element(user, "login-message").text == TOTP_UNREADABLE
    assert sees_marker(user, "login-code")  # a recovery code can be entered right there
    assert current_path(user) == "/login"
    # The operator's line (tests/staff/test_totp_at_rest.py checks its words); expected, so the user fixture's
    # "no ERROR logs" check is told so.
    assert [r.name for r in caplog.records if r.levelname == "ERROR"] == ["console.staff.auth"]
    caplog.clear()


async def test_sign_out_ends_the_session(user: User, make_staff) -> None:
    staff_id, email = make_staff("moderator", name="Sam Signout")
    await sign_in_and_wait(user, email, next_path="/members")
    await user.should_see(marker="member-search")

    user.find("Sign out").click()
    await wait_until(lambda: current_path(user) == "/login", what="the sign-in page after sign-out")
    await user.should_see(marker="login-email")

    with db.session_scope() as session:
        sessions = session.execute(select(StaffSession).where(StaffSession.staff_id == staff_id)).scalars().all()
        assert len(sessions) == 1
        assert sessions[0].ended_at is not None
        assert sessions[0].end_reason == "signed_out"

    await user.open("/members")
    assert current_path(user) == "/login"
    await user.should_see(marker="login-email")
    await user.should_not_see(marker="member-search")
    response = await user.http_client.get("/members")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


async def test_forced_password_change_redirects_every_page(user: User, make_staff) -> None:
    staff_id, email = make_staff("admin", name="Newbie Admin", must_change_password=True)
    await sign_in_and_wait(user, email, next_path="/members")
    assert current_path(user) == "/account/password"
    await user.should_see("An administrator set a temporary password")

    for path in ["/", "/members", "/staff", "/audit", "/account", "/no/such/page"]:
        await user.open(path)
        assert current_path(user) == "/account/password", path
        assert element(user, "page-title").text == "Change password"

    # Choosing a new password frees the console.
    new_password = "a much better passphrase 42"
    user.find(marker="current-password").type(PASSWORD)
    user.find(marker="new-password").type(new_password)
    user.find(marker="repeat-password").type(new_password)
    user.find(marker="save-password").click()
    await wait_until(lambda: current_path(user) == "/", what="home after the password change")
    await user.open("/members")
    assert current_path(user) == "/members"
    with db.session_scope() as session:
        staff = session.get(Staff, staff_id)
        assert staff is not None and staff.must_change_password is False


async def test_forced_password_change_refuses_a_mismatch(user: User, make_staff) -> None:
    _, email = make_staff("moderator", must_change_password=True)
    await sign_in_and_wait(user, email)
    user.find(marker="current-password").type(PASSWORD)
    user.find(marker="new-password").type("a much better passphrase 42")
    user.find(marker="repeat-password").type("a different passphrase 42")
    user.find(marker="save-password").click()
    repeat = element(user, "repeat-password")
    await wait_until(lambda: repeat.error is not None, what="the mismatch error")
    assert repeat.error == "Does not match the new password"
    await user.open("/members")
    assert current_path(user) == "/account/password"
