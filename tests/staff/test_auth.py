"""Sign-in, lockout, TOTP second factor, staff sessions and changing one's own password."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

import pyotp
import pytest
from sqlalchemy import func, select, update

from console.actor import SYSTEM, Actor, ClientInfo
from console.audit.models import AuditEvent
from console.config import get_settings
from console.crypto import open_text
from console.db import session_scope, utcnow
from console.errors import ValidationFailed
from console.staff import auth
from console.staff import service as staff_service
from console.staff.auth import (
    GENERIC_FAILURE,
    TOTP_FAILURE,
    change_own_password,
    confirm_totp_enrolment,
    resolve_session,
    sign_in,
    sign_out,
    token_id,
    verify_second_factor,
)
from console.staff.models import LoginAttempt, Staff, StaffSession
from tests.conftest import PASSWORD

CLIENT = ClientInfo(ip="203.0.113.7", user_agent="pytest-agent")
WRONG = "not the password at all"

MakeStaff = Callable[..., tuple[int, str]]


# --- helpers ---------------------------------------------------------------------------------------


def attempt_sign_in(email: str, password: str) -> auth.SignInResult:
    with session_scope() as session:
        return sign_in(session, email=email, password=password, client=CLIENT)


def second_factor(staff_id: int, code: str, pending_since: datetime | None = None) -> auth.SignInResult:
    with session_scope() as session:
        return verify_second_factor(
            session, staff_id=staff_id, code=code, client=CLIENT, pending_since=pending_since or utcnow()
        )


def actions(after_id: int = 0) -> list[str]:
    with session_scope() as session:
        return list(
            session.execute(select(AuditEvent.action).where(AuditEvent.id > after_id).order_by(AuditEvent.id)).scalars()
        )


def last_audit_id() -> int:
    with session_scope() as session:
        return int(session.execute(select(func.coalesce(func.max(AuditEvent.id), 0))).scalar_one())


def events(action: str) -> list[AuditEvent]:
    with session_scope() as session:
        return list(
            session.execute(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).scalars()
        )


def attempts(email: str) -> list[LoginAttempt]:
    with session_scope() as session:
        return list(
            session.execute(select(LoginAttempt).where(LoginAttempt.email == email).order_by(LoginAttempt.id)).scalars()
        )


def open_sessions(staff_id: int) -> list[StaffSession]:
    with session_scope() as session:
        return list(
            session.execute(
                select(StaffSession).where(StaffSession.staff_id == staff_id, StaffSession.ended_at.is_(None))
            ).scalars()
        )


def get_row(token: str) -> StaffSession:
    with session_scope() as session:
        row = session.get(StaffSession, token_id(token))
        assert row is not None
        return row


def signed_in_token(email: str) -> str:
    result = attempt_sign_in(email, PASSWORD)
    assert result.status == "ok", result
    assert result.token
    return result.token


def shift_session(token: str, **offsets: timedelta) -> None:
    """Move a session's timestamps into the past: shift_session(t, last_seen_at=timedelta(minutes=31))."""
    with session_scope() as session:
        row = session.get(StaffSession, token_id(token))
        assert row is not None
        for name, delta in offsets.items():
            setattr(row, name, getattr(row, name) - delta)


def enrol_totp(staff_id: int, actor: Actor) -> tuple[str, list[str]]:
    """Turn TOTP on the real way; returns (secret, recovery codes).

    Enrolment marks the current time step as used, so the enrolment code cannot be replayed for a
    sign-in; tests forget that step so a fresh code is accepted without waiting 30 seconds.
    """
    secret = pyotp.random_base32()
    with session_scope() as session:
        codes = confirm_totp_enrolment(session, actor=actor, secret=secret, code=pyotp.TOTP(secret).now())
    with session_scope() as session:
        staff = session.get(Staff, staff_id)
        assert staff is not None
        staff.totp_last_step = None
    return secret, codes


def wrong_code(secret: str) -> str:
    """A six-digit code that is valid for none of the steps the server accepts now."""
    totp = pyotp.TOTP(secret)
    now = utcnow()
    near = {totp.at(now + timedelta(seconds=s)) for s in range(-90, 91, 15)}
    candidate = 123456
    while f"{candidate:06d}" in near:
        candidate = (candidate + 1) % 1_000_000
    return f"{candidate:06d}"


@pytest.fixture
def moderator(make_staff: MakeStaff) -> tuple[int, str]:
    return make_staff("moderator", email="mod@test.example", name="Mona Moderator")


@pytest.fixture
def totp_staff(make_staff: MakeStaff, actor_for: Callable[[int], Actor]) -> tuple[int, str, str, list[str]]:
    staff_id, email = make_staff("finance", email="fin@test.example", name="Finn Finance")
    secret, codes = enrol_totp(staff_id, actor_for(staff_id))
    return staff_id, email, secret, codes


# --- first factor ----------------------------------------------------------------------------------


def test_right_password_opens_a_session_and_is_audited(moderator: tuple[int, str]) -> None:
    staff_id, email = moderator
    mark = last_audit_id()

    result = attempt_sign_in(email, PASSWORD)

    assert result.status == "ok"
    assert result.staff_id == staff_id
    assert result.token and len(result.token) >= 32
    assert result.message == ""
    row = get_row(result.token)
    assert row.staff_id == staff_id
    assert row.ended_at is None
    assert row.ip == CLIENT.ip and row.user_agent == CLIENT.user_agent
    assert row.expires_at - row.created_at == timedelta(hours=12)
    assert row.id != result.token  # only the hash of the token is stored
    assert actions(mark) == ["auth.login"]
    [login] = events("auth.login")
    assert login.entity == "staff" and login.entity_id == str(staff_id)
    assert login.actor_kind == "staff" and login.actor_id == staff_id
    assert login.ip == CLIENT.ip
    assert login.after == {"email": email, "totp": False}
    [attempt] = attempts(email)
    assert attempt.succeeded is True and attempt.staff_id == staff_id
    with session_scope() as session:
        staff = session.get(Staff, staff_id)
        assert staff is not None and staff.last_login_at is not None


def test_email_is_matched_case_insensitively_and_trimmed(moderator: tuple[int, str]) -> None:
    _, email = moderator
    assert attempt_sign_in(f"  {email.upper()} ", PASSWORD).status == "ok"


def test_wrong_password_and_unknown_email_get_the_same_generic_answer(moderator: tuple[int, str]) -> None:
    staff_id, email = moderator
    mark = last_audit_id()

    wrong_password = attempt_sign_in(email, WRONG)
    unknown = attempt_sign_in("nobody@test.example", PASSWORD)

    for result in (wrong_password, unknown):
        assert result.status == "invalid"
        assert result.message == GENERIC_FAILURE
        assert result.token is None and result.staff_id is None and result.locked_until is None
    assert actions(mark) == ["auth.login_failed", "auth.login_failed"]
    known_event, unknown_event = events("auth.login_failed")
    assert known_event.entity_id == str(staff_id)
    assert known_event.after == {"email": email, "stage": "password"}
    assert unknown_event.entity_id is None
    assert unknown_event.actor_kind == "anonymous"
    assert unknown_event.after == {"email": "nobody@test.example", "stage": "password"}

    [known_attempt] = attempts(email)
    assert known_attempt.succeeded is False and known_attempt.stage == "password"
    assert known_attempt.staff_id == staff_id and known_attempt.ip == CLIENT.ip
    [unknown_attempt] = attempts("nobody@test.example")
    assert unknown_attempt.succeeded is False and unknown_attempt.staff_id is None
    assert open_sessions(staff_id) == []


@pytest.mark.parametrize("email", ["", "   ", "not-an-email"])
def test_empty_or_malformed_email_is_refused_generically(email: str) -> None:
    result = attempt_sign_in(email, PASSWORD)
    assert result.status == "invalid"
    assert result.message == GENERIC_FAILURE


def test_deactivated_account_is_refused_with_the_generic_message(moderator: tuple[int, str]) -> None:
    staff_id, email = moderator
    with session_scope() as session:
        staff_service.set_active(session, actor=SYSTEM, staff_id=staff_id, active=False)
    mark = last_audit_id()

    result = attempt_sign_in(email, PASSWORD)

    assert result.status == "invalid"
    assert result.message == GENERIC_FAILURE
    assert result.token is None
    assert actions(mark) == ["auth.login_failed"]
    assert [a.succeeded for a in attempts(email)] == [False]
    with session_scope() as session:
        assert session.execute(select(func.count()).select_from(StaffSession)).scalar_one() == 0


# --- lockout ---------------------------------------------------------------------------------------


def fail_times(email: str, n: int) -> list[auth.SignInResult]:
    return [attempt_sign_in(email, WRONG) for _ in range(n)]


def test_five_failures_lock_the_account(moderator: tuple[int, str]) -> None:
    staff_id, email = moderator

    results = fail_times(email, 5)

    assert [r.status for r in results] == ["invalid"] * 4 + ["locked"]
    locked = results[-1]
    assert locked.locked_until is not None
    assert timedelta(minutes=14) < locked.locked_until - utcnow() <= timedelta(minutes=15)
    assert "locked" in locked.message.lower()
    assert "15 more minutes" in locked.message
    [lockout] = events("auth.lockout")
    assert lockout.entity_id == str(staff_id)
    assert lockout.after["email"] == email
    assert len(attempts(email)) == 5


def test_lock_message_counts_down(moderator: tuple[int, str], monkeypatch: pytest.MonkeyPatch) -> None:
    _, email = moderator
    locked_until = fail_times(email, 5)[-1].locked_until
    assert locked_until is not None

    monkeypatch.setattr(auth, "utcnow", lambda: locked_until - timedelta(seconds=30))
    result = attempt_sign_in(email, PASSWORD)
    assert result.status == "locked"
    assert "1 more minute;" in result.message

    monkeypatch.setattr(auth, "utcnow", lambda: locked_until - timedelta(minutes=9, seconds=59))
    assert "10 more minutes" in attempt_sign_in(email, PASSWORD).message

    monkeypatch.setattr(auth, "utcnow", lambda: locked_until)
    assert attempt_sign_in(email, PASSWORD).status == "ok"


def test_correct_password_is_still_refused_while_locked(moderator: tuple[int, str]) -> None:
    staff_id, email = moderator
    fail_times(email, 5)
    mark = last_audit_id()

    result = attempt_sign_in(email, PASSWORD)

    assert result.status == "locked"
    assert result.token is None
    assert "locked" in result.message.lower() and "minute" in result.message
    assert actions(mark) == ["auth.login_refused_locked"]
    [refused] = events("auth.login_refused_locked")
    assert refused.entity_id == str(staff_id) and refused.after == {"email": email}
    assert open_sessions(staff_id) == []
    assert len(attempts(email)) == 5  # a refused attempt is not counted again


def test_lock_lifts_after_the_window(moderator: tuple[int, str], monkeypatch: pytest.MonkeyPatch) -> None:
    staff_id, email = moderator
    fail_times(email, 5)
    assert attempt_sign_in(email, PASSWORD).status == "locked"

    later = utcnow() + timedelta(minutes=16)
    monkeypatch.setattr(auth, "utcnow", lambda: later)
    result = attempt_sign_in(email, PASSWORD)

    assert result.status == "ok"
    assert len(open_sessions(staff_id)) == 1


def test_lock_lifts_once_the_failures_are_old(moderator: tuple[int, str]) -> None:
    _, email = moderator
    fail_times(email, 5)
    with session_scope() as session:
        session.execute(
            update(LoginAttempt)
            .where(LoginAttempt.email == email)
            .values(attempted_at=utcnow() - timedelta(minutes=16))
        )
    assert attempt_sign_in(email, PASSWORD).status == "ok"


def test_five_failures_spread_over_more_than_the_window_do_not_lock(moderator: tuple[int, str]) -> None:
    _, email = moderator
    fail_times(email, 4)
    with session_scope() as session:
        session.execute(
            update(LoginAttempt)
            .where(LoginAttempt.email == email)
            .values(attempted_at=utcnow() - timedelta(minutes=20))
        )
    assert attempt_sign_in(email, WRONG).status == "invalid"
    assert attempt_sign_in(email, PASSWORD).status == "ok"
    assert events("auth.lockout") == []


def test_a_success_resets_the_failure_count(moderator: tuple[int, str]) -> None:
    _, email = moderator
    assert [r.status for r in fail_times(email, 4)] == ["invalid"] * 4
    assert attempt_sign_in(email, PASSWORD).status == "ok"
    assert [r.status for r in fail_times(email, 4)] == ["invalid"] * 4
    assert attempt_sign_in(email, PASSWORD).status == "ok"
    assert events("auth.lockout") == []
    # ... but five in a row after the last success still lock.
    assert fail_times(email, 5)[-1].status == "locked"


def test_lockout_is_per_account(moderator: tuple[int, str], make_staff: MakeStaff) -> None:
    _, email = moderator
    _, other = make_staff("content")
    fail_times(email, 5)
    assert attempt_sign_in(other, PASSWORD).status == "ok"


def test_unknown_email_locks_the_same_way(moderator: tuple[int, str]) -> None:
    # An attacker must not learn which addresses exist from the lockout behaviour either.
    results = [attempt_sign_in("ghost@test.example", WRONG) for _ in range(5)]
    assert [r.status for r in results] == ["invalid"] * 4 + ["locked"]


# --- TOTP second factor ----------------------------------------------------------------------------


def test_password_for_a_totp_account_asks_for_the_second_factor(totp_staff: tuple[int, str, str, list[str]]) -> None:
    staff_id, email, _, _ = totp_staff
    mark = last_audit_id()

    result = attempt_sign_in(email, PASSWORD)

    assert result.status == "totp_required"
    assert result.staff_id == staff_id
    assert result.token is None
    assert open_sessions(staff_id) == []
    assert "auth.login" not in actions(mark)


def test_correct_totp_code_opens_a_session(totp_staff: tuple[int, str, str, list[str]]) -> None:
    staff_id, email, secret, _ = totp_staff
    assert attempt_sign_in(email, PASSWORD).status == "totp_required"

    result = second_factor(staff_id, pyotp.TOTP(secret).now())

    assert result.status == "ok" and result.token
    assert get_row(result.token).staff_id == staff_id
    [login] = events("auth.login")
    assert login.after == {"email": email, "totp": True}


def test_totp_code_with_spaces_is_accepted(totp_staff: tuple[int, str, str, list[str]]) -> None:
    staff_id, _, secret, _ = totp_staff
    code = pyotp.TOTP(secret).now()
    assert second_factor(staff_id, f" {code[:3]} {code[3:]} ").status == "ok"


def test_wrong_totp_code_fails_and_is_recorded(totp_staff: tuple[int, str, str, list[str]]) -> None:
    staff_id, email, secret, _ = totp_staff
    mark = last_audit_id()

    result = second_factor(staff_id, wrong_code(secret))

    assert result.status == "invalid"
    assert result.message == TOTP_FAILURE
    assert result.token is None
    assert actions(mark) == ["auth.login_failed"]
    [attempt] = attempts(email)
    assert attempt.succeeded is False and attempt.stage == "totp"
    assert open_sessions(staff_id) == []


def test_wrong_totp_codes_count_toward_lockout(totp_staff: tuple[int, str, str, list[str]]) -> None:
    staff_id, email, secret, _ = totp_staff
    assert attempt_sign_in(email, WRONG).status == "invalid"  # password failures and code failures add up
    results = [second_factor(staff_id, wrong_code(secret)) for _ in range(4)]

    assert [r.status for r in results] == ["invalid"] * 3 + ["locked"]
    assert len(events("auth.lockout")) == 1

    mark = last_audit_id()
    refused = second_factor(staff_id, pyotp.TOTP(secret).now())
    assert refused.status == "locked"
    assert actions(mark) == ["auth.login_refused_locked"]
    assert attempt_sign_in(email, PASSWORD).status == "locked"
    assert open_sessions(staff_id) == []


def test_a_totp_code_cannot_be_used_twice(totp_staff: tuple[int, str, str, list[str]]) -> None:
    staff_id, _, secret, _ = totp_staff
    code = pyotp.TOTP(secret).now()
    assert second_factor(staff_id, code).status == "ok"

    replay = second_factor(staff_id, code)

    assert replay.status == "invalid"
    assert replay.token is None
    assert len(open_sessions(staff_id)) == 1


def test_an_older_code_is_refused_after_a_newer_one_was_used(totp_staff: tuple[int, str, str, list[str]]) -> None:
    staff_id, _, secret, _ = totp_staff
    totp = pyotp.TOTP(secret)
    now = utcnow()
    newer, older = totp.at(now), totp.at(now - timedelta(seconds=30))
    assert newer != older
    assert second_factor(staff_id, newer).status == "ok"
    assert second_factor(staff_id, older).status == "invalid"


def test_a_recovery_code_works_exactly_once(totp_staff: tuple[int, str, str, list[str]]) -> None:
    staff_id, email, _, codes = totp_staff
    assert attempt_sign_in(email, PASSWORD).status == "totp_required"

    first = second_factor(staff_id, codes[3])

    assert first.status == "ok" and first.token
    [used] = events("staff.recovery_code_used")
    assert used.entity_id == str(staff_id)
    assert used.after == {"recovery_codes_left": 9}
    assert codes[3] not in json.dumps(used.after)

    again = second_factor(staff_id, codes[3])
    assert again.status == "invalid"
    assert len(events("staff.recovery_code_used")) == 1
    # The other codes still work, written in any case and without the dash.
    assert second_factor(staff_id, codes[4].replace("-", "").upper()).status == "ok"
    with session_scope() as session:
        staff = session.get(Staff, staff_id)
        assert staff is not None and len(staff.recovery_code_hashes) == 8


def test_second_factor_pending_for_too_long_is_refused(totp_staff: tuple[int, str, str, list[str]]) -> None:
    staff_id, _, secret, codes = totp_staff
    stale = utcnow() - timedelta(minutes=5, seconds=5)

    for code in (pyotp.TOTP(secret).now(), codes[0]):
        result = second_factor(staff_id, code, pending_since=stale)
        assert result.status == "invalid"
        assert "too long" in result.message
        assert result.token is None
    assert open_sessions(staff_id) == []
    with session_scope() as session:
        staff = session.get(Staff, staff_id)
        assert staff is not None and len(staff.recovery_code_hashes) == 10  # nothing consumed
    # Within the five minutes it works.
    recent = utcnow() - timedelta(minutes=4)
    assert second_factor(staff_id, pyotp.TOTP(secret).now(), pending_since=recent).status == "ok"


def test_second_factor_for_a_deactivated_account_is_refused(totp_staff: tuple[int, str, str, list[str]]) -> None:
    staff_id, _, secret, _ = totp_staff
    with session_scope() as session:
        staff_service.set_active(session, actor=SYSTEM, staff_id=staff_id, active=False)
    result = second_factor(staff_id, pyotp.TOTP(secret).now())
    assert result.status == "invalid" and result.token is None


def test_second_factor_without_totp_enabled_is_refused(moderator: tuple[int, str]) -> None:
    staff_id, _ = moderator
    result = second_factor(staff_id, "123456")
    assert result.status == "invalid" and result.token is None


# --- TOTP enrolment --------------------------------------------------------------------------------


def test_enrolment_with_a_wrong_code_changes_nothing(moderator: tuple[int, str], actor_for) -> None:
    staff_id, _ = moderator
    secret = pyotp.random_base32()
    mark = last_audit_id()

    with session_scope() as session:
        with pytest.raises(ValidationFailed) as info:
            confirm_totp_enrolment(session, actor=actor_for(staff_id), secret=secret, code=wrong_code(secret))
        staff = session.get(Staff, staff_id)
        assert staff is not None
        assert staff.totp_secret_encrypted is None and staff.totp_enabled_at is None
        assert staff.recovery_code_hashes == []
    assert set(info.value.errors) == {"code"}
    assert actions(mark) == []


def test_enrolment_refuses_a_short_secret(moderator: tuple[int, str], actor_for) -> None:
    staff_id, _ = moderator
    secret = "JBSWY3DP"  # 8 characters: far too short (pyotp itself refuses to compute codes for it)
    with session_scope() as session:
        with pytest.raises(ValidationFailed) as info:
            confirm_totp_enrolment(session, actor=actor_for(staff_id), secret=secret, code="123456")
        staff = session.get(Staff, staff_id)
        assert staff is not None and staff.totp_enabled_at is None
    assert set(info.value.errors) == {"code"}


def test_enrolment_with_the_right_code_returns_ten_recovery_codes(moderator: tuple[int, str], actor_for) -> None:
    staff_id, email = moderator
    secret = pyotp.random_base32()
    mark = last_audit_id()

    with session_scope() as session:
        codes = confirm_totp_enrolment(session, actor=actor_for(staff_id), secret=secret, code=pyotp.TOTP(secret).now())

    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(len(c) == 11 and c[5] == "-" for c in codes)
    with session_scope() as session:
        staff = session.get(Staff, staff_id)
        assert staff is not None
        assert staff.totp_enabled and staff.totp_secret_encrypted is not None
        assert secret not in staff.totp_secret_encrypted  # stored encrypted (tests/staff/test_totp_at_rest.py)
        assert open_text(staff.totp_secret_encrypted) == secret
        assert len(staff.recovery_code_hashes) == 10
        assert not set(codes) & set(staff.recovery_code_hashes)  # only hashes are stored
    assert actions(mark) == ["staff.totp_enable"]
    [enabled] = events("staff.totp_enable")
    assert enabled.before == {"totp": False} and enabled.after == {"totp": True}
    assert secret not in json.dumps([enabled.before, enabled.after])
    # From now on the password alone is not enough.
    assert attempt_sign_in(email, PASSWORD).status == "totp_required"


def test_the_enrolment_code_cannot_be_replayed_to_sign_in(moderator: tuple[int, str], actor_for) -> None:
    staff_id, _ = moderator
    secret = pyotp.random_base32()
    code = pyotp.TOTP(secret).now()
    with session_scope() as session:
        confirm_totp_enrolment(session, actor=actor_for(staff_id), secret=secret, code=code)
    assert second_factor(staff_id, code).status == "invalid"


# --- sessions --------------------------------------------------------------------------------------


def resolve(token: str | None, *, touch: bool = True) -> auth.SessionInfo | None:
    with session_scope() as session:
        return resolve_session(session, token, CLIENT, touch=touch)


def test_resolve_session_returns_the_actor(moderator: tuple[int, str]) -> None:
    staff_id, email = moderator
    token = signed_in_token(email)

    info = resolve(token)

    assert info is not None
    assert info.actor.kind == "staff"
    assert info.actor.staff_id == staff_id
    assert info.actor.label == email
    assert info.actor.roles == frozenset({"moderator"})
    assert info.actor.session_id == token_id(token)
    assert info.name == "Mona Moderator"
    assert info.must_change_password is False
    assert info.totp_enrolment_required is False


@pytest.mark.parametrize("token", [None, "", "no-such-token"])
def test_unknown_token_resolves_to_nothing(token: str | None) -> None:
    assert resolve(token) is None


def test_idle_session_ends(moderator: tuple[int, str]) -> None:
    staff_id, email = moderator
    token = signed_in_token(email)
    shift_session(token, last_seen_at=timedelta(minutes=31))
    mark = last_audit_id()

    assert resolve(token) is None

    row = get_row(token)
    assert row.end_reason == "idle" and row.ended_at is not None
    assert actions(mark) == ["auth.session_ended"]
    [ended] = events("auth.session_ended")
    assert ended.after == {"reason": "idle"} and ended.entity_id == str(staff_id)
    assert resolve(token) is None  # stays ended
    assert actions(mark) == ["auth.session_ended"]


def test_session_idle_for_less_than_the_limit_lives(moderator: tuple[int, str]) -> None:
    _, email = moderator
    token = signed_in_token(email)
    shift_session(token, last_seen_at=timedelta(minutes=29))
    assert resolve(token) is not None
    assert get_row(token).ended_at is None


def test_session_older_than_twelve_hours_expires_even_when_active(moderator: tuple[int, str]) -> None:
    _, email = moderator
    token = signed_in_token(email)
    shift_session(token, created_at=timedelta(hours=12, minutes=1), expires_at=timedelta(hours=12, minutes=1))

    assert resolve(token) is None

    row = get_row(token)
    assert row.end_reason == "expired"
    [ended] = events("auth.session_ended")
    assert ended.after == {"reason": "expired"}


def test_session_of_a_deactivated_staff_member_resolves_to_nothing(moderator: tuple[int, str]) -> None:
    staff_id, email = moderator
    token = signed_in_token(email)
    with session_scope() as session:
        # Flip the flag directly: resolve_session itself must notice, even if no service ended the session.
        session.execute(update(Staff).where(Staff.id == staff_id).values(is_active=False))

    assert resolve(token) is None
    assert get_row(token).end_reason == "deactivated"


def test_sign_out_ends_the_session(moderator: tuple[int, str]) -> None:
    staff_id, email = moderator
    token = signed_in_token(email)
    other = signed_in_token(email)
    mark = last_audit_id()

    with session_scope() as session:
        sign_out(session, token=token, client=CLIENT)

    assert resolve(token) is None
    row = get_row(token)
    assert row.end_reason == "signed_out" and row.ended_at is not None
    assert actions(mark) == ["auth.logout"]
    [logout] = events("auth.logout")
    assert logout.entity_id == str(staff_id) and logout.actor_id == staff_id
    assert resolve(other) is not None  # only that browser is signed out
    with session_scope() as session:
        sign_out(session, token=token, client=CLIENT)  # signing out twice does nothing more
        sign_out(session, token=None)
    assert actions(mark) == ["auth.logout"]


def test_touch_false_does_not_update_last_seen(moderator: tuple[int, str]) -> None:
    _, email = moderator
    token = signed_in_token(email)
    shift_session(token, last_seen_at=timedelta(minutes=5))
    before = get_row(token).last_seen_at

    assert resolve(token, touch=False) is not None
    assert get_row(token).last_seen_at == before

    assert resolve(token, touch=True) is not None
    touched = get_row(token).last_seen_at
    assert touched > before
    assert utcnow() - touched < timedelta(minutes=1)


def test_background_checks_alone_let_a_session_idle_out(moderator: tuple[int, str]) -> None:
    _, email = moderator
    token = signed_in_token(email)
    shift_session(token, last_seen_at=timedelta(minutes=25))
    assert resolve(token, touch=False) is not None
    shift_session(token, last_seen_at=timedelta(minutes=6))
    assert resolve(token, touch=False) is None
    assert get_row(token).end_reason == "idle"


def use_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSOLE_ENVIRONMENT", "production")
    monkeypatch.setenv("CONSOLE_STORAGE_SECRET", "a-long-production-secret-" + "x" * 40)
    get_settings.cache_clear()
    assert get_settings().is_production


@pytest.mark.parametrize(
    ("role", "required"),
    [
        ("admin", True),
        ("finance", True),
        ("moderator", False),
        ("content", False),
        ("compliance", False),
        ("ads", False),
        ("executive", False),
    ],
)
def test_production_requires_totp_enrolment_for_admin_and_finance(
    role: str, required: bool, make_staff: MakeStaff, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, email = make_staff(role)
    token = signed_in_token(email)
    info = resolve(token)
    assert info is not None and info.totp_enrolment_required is False  # development never requires it

    use_production(monkeypatch)
    info = resolve(token)

    assert info is not None
    assert info.totp_enrolment_required is required


def test_production_totp_requirement_covers_a_mixed_role_account(
    make_staff: MakeStaff, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, email = make_staff("executive", "finance")
    token = signed_in_token(email)
    use_production(monkeypatch)
    info = resolve(token)
    assert info is not None and info.totp_enrolment_required is True


def test_production_does_not_ask_an_enrolled_admin_to_enrol(
    make_staff: MakeStaff, actor_for: Callable[[int], Actor], monkeypatch: pytest.MonkeyPatch
) -> None:
    staff_id, email = make_staff("admin")
    secret, _ = enrol_totp(staff_id, actor_for(staff_id))
    assert attempt_sign_in(email, PASSWORD).status == "totp_required"
    result = second_factor(staff_id, pyotp.TOTP(secret).now())
    assert result.token
    use_production(monkeypatch)
    info = resolve(result.token)
    assert info is not None and info.totp_enrolment_required is False


# --- changing one's own password -------------------------------------------------------------------


NEW_PASSWORD = "a brand new passphrase 42"


@pytest.fixture
def must_change(make_staff: MakeStaff, actor_for: Callable[[int], Actor]) -> tuple[int, str, Actor]:
    staff_id, email = make_staff("content", email="new@test.example", must_change_password=True)
    return staff_id, email, actor_for(staff_id)


def test_new_account_must_change_its_password(must_change: tuple[int, str, Actor]) -> None:
    _, email, _ = must_change
    info = resolve(signed_in_token(email))
    assert info is not None and info.must_change_password is True


@pytest.mark.parametrize(
    ("current", "new", "field", "fragment"),
    [
        (WRONG, NEW_PASSWORD, "current", "not your current password"),
        (PASSWORD, "short", "new", "at least 12"),
        (PASSWORD, PASSWORD, "new", "must differ"),
        (PASSWORD, "", "new", "required"),
        (PASSWORD, "new@test.example", "new", "e-mail"),
    ],
    ids=["wrong-current", "too-short", "same-as-old", "empty", "is-email"],
)
def test_change_own_password_refusals(
    must_change: tuple[int, str, Actor], current: str, new: str, field: str, fragment: str
) -> None:
    staff_id, email, actor = must_change
    mark = last_audit_id()

    with session_scope() as session:
        with pytest.raises(ValidationFailed) as info:
            change_own_password(session, actor=actor, current=current, new=new)
        staff = session.get(Staff, staff_id)
        assert staff is not None and staff.must_change_password is True

    assert set(info.value.errors) == {field}
    assert fragment in info.value.errors[field]
    assert actions(mark) == []
    assert attempt_sign_in(email, PASSWORD).status == "ok"  # the old password still works


def test_change_own_password_reports_both_problems_at_once(must_change: tuple[int, str, Actor]) -> None:
    _, _, actor = must_change
    with session_scope() as session, pytest.raises(ValidationFailed) as info:
        change_own_password(session, actor=actor, current=WRONG, new="short")
    assert set(info.value.errors) == {"current", "new"}


def test_change_own_password_succeeds(must_change: tuple[int, str, Actor]) -> None:
    staff_id, email, actor = must_change
    with session_scope() as session:
        old_hash = session.get(Staff, staff_id).password_hash  # type: ignore[union-attr]
    mark = last_audit_id()

    with session_scope() as session:
        change_own_password(session, actor=actor, current=PASSWORD, new=NEW_PASSWORD)

    with session_scope() as session:
        staff = session.get(Staff, staff_id)
        assert staff is not None
        assert staff.must_change_password is False
        assert staff.password_hash != old_hash
        new_hash = staff.password_hash
    assert actions(mark) == ["staff.password_change"]
    [changed] = events("staff.password_change")
    dumped = json.dumps([changed.before, changed.after, changed.reason])
    assert new_hash not in dumped and old_hash not in dumped and NEW_PASSWORD not in dumped
    assert attempt_sign_in(email, PASSWORD).status == "invalid"
    assert attempt_sign_in(email, NEW_PASSWORD).status == "ok"
    info = resolve(signed_in_token_with(email, NEW_PASSWORD))
    assert info is not None and info.must_change_password is False


def signed_in_token_with(email: str, password: str) -> str:
    result = attempt_sign_in(email, password)
    assert result.status == "ok" and result.token
    return result.token
