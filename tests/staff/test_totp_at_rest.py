"""Staff TOTP secrets at rest: encrypted with the records key, decrypted only to check a code; a wrong or rotated key
gives staff a clear message and the operator a log line, and recovery codes still work."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pyotp
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from console.actor import Actor
from console.audit.models import AuditEvent
from console.config import get_settings
from console.crypto import UnreadableSecret, open_text, seal_text
from console.db import session_scope
from console.errors import ValidationFailed
from console.staff.auth import TOTP_UNREADABLE, confirm_totp_enrolment
from console.staff.models import LoginAttempt, Staff
from tests.conftest import PASSWORD
from tests.staff.test_auth import attempt_sign_in, enrol_totp, last_audit_id, second_factor, wrong_code

MakeStaff = Callable[..., tuple[int, str]]


@pytest.fixture
def enrolled(make_staff: MakeStaff, actor_for: Callable[[int], Actor]) -> tuple[int, str, str, list[str]]:
    staff_id, email = make_staff("finance", email="vault@test.example", name="Vera Vault")
    secret, codes = enrol_totp(staff_id, actor_for(staff_id))
    return staff_id, email, secret, codes


def stored_column(staff_id: int) -> str | None:
    """The value in the database, read with SQL (not through the model)."""
    with session_scope() as session:
        value = session.execute(
            text("SELECT totp_secret_encrypted FROM staff WHERE id = :id"), {"id": staff_id}
        ).scalar_one()
    return None if value is None else str(value)


def rotate_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The console now runs with another CONSOLE_RECORDS_KEY than the one the secret was stored with."""
    monkeypatch.setenv("CONSOLE_RECORDS_KEY", Fernet.generate_key().decode())
    get_settings.cache_clear()


def test_the_stored_value_is_a_token_of_the_secret_under_the_records_key(
    enrolled: tuple[int, str, str, list[str]],
) -> None:
    staff_id, _, secret, _ = enrolled
    stored = stored_column(staff_id)
    assert stored is not None and stored != secret and secret not in stored
    # The same key as the 2257 ID scans: the records key as the settings give it, nothing else.
    assert Fernet(get_settings().effective_records_key()).decrypt(stored.encode()).decode() == secret
    with session_scope() as session:
        row = session.execute(text("SELECT * FROM staff WHERE id = :id"), {"id": staff_id}).mappings().one()
    assert not any(secret in str(value) for value in row.values())  # in no column at all


def test_each_enrolment_stores_a_different_token(
    make_staff: MakeStaff, actor_for: Callable[[int], Actor], enrolled: tuple[int, str, str, list[str]]
) -> None:
    """Fernet tokens carry a random IV: two accounts with one secret do not show it by equal values."""
    _, _, secret, _ = enrolled
    other_id, _ = make_staff("moderator", email="twin@test.example")
    with session_scope() as session:
        confirm_totp_enrolment(session, actor=actor_for(other_id), secret=secret, code=pyotp.TOTP(secret).now())
    assert stored_column(other_id) != stored_column(enrolled[0])


def test_sign_in_with_a_code_decrypts_the_secret(enrolled: tuple[int, str, str, list[str]]) -> None:
    staff_id, email, secret, _ = enrolled
    assert attempt_sign_in(email, PASSWORD).status == "totp_required"
    assert second_factor(staff_id, wrong_code(secret)).status == "invalid"
    assert second_factor(staff_id, pyotp.TOTP(secret).now()).status == "ok"


def test_a_recovery_code_needs_no_decryption(enrolled: tuple[int, str, str, list[str]]) -> None:
    staff_id, _, _, codes = enrolled
    with session_scope() as session:  # a token that no key opens
        session.execute(
            text("UPDATE staff SET totp_secret_encrypted = :t WHERE id = :id"),
            {"t": Fernet(Fernet.generate_key()).encrypt(b"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").decode(), "id": staff_id},
        )
    assert second_factor(staff_id, codes[0]).status == "ok"


def test_the_secret_never_reaches_audit_events_or_logs(
    enrolled: tuple[int, str, str, list[str]], caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff_id, _, secret, _ = enrolled
    caplog.set_level(logging.DEBUG)
    second_factor(staff_id, wrong_code(secret))
    second_factor(staff_id, pyotp.TOTP(secret).now())
    rotate_key(monkeypatch)
    second_factor(staff_id, wrong_code(secret))
    with session_scope() as session:
        events = session.execute(select(AuditEvent)).scalars().all()
        dumped = json.dumps([[e.action, e.before, e.after, e.reason] for e in events], default=str)
    assert "auth.totp_unreadable" in dumped  # the events were there to look at
    assert secret not in dumped
    assert secret not in caplog.text


def test_a_rotated_key_gives_a_clear_message_and_an_operator_log_line(
    enrolled: tuple[int, str, str, list[str]], caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff_id, email, secret, codes = enrolled
    rotate_key(monkeypatch)
    mark = last_audit_id()

    with caplog.at_level(logging.ERROR, logger="console.staff.auth"):
        result = second_factor(staff_id, pyotp.TOTP(secret).now())

    assert result.status == "invalid" and result.token is None
    assert result.message == TOTP_UNREADABLE
    [line] = [r for r in caplog.records if r.name == "console.staff.auth" and r.levelno == logging.ERROR]
    logged = line.getMessage()
    assert "CONSOLE_RECORDS_KEY" in logged and "Reset 2FA" in logged and email in logged and str(staff_id) in logged
    with session_scope() as session:
        actions = session.execute(select(AuditEvent.action).where(AuditEvent.id > mark)).scalars().all()
        failed = session.execute(select(LoginAttempt).where(LoginAttempt.email == email)).scalars().all()
    assert actions == ["auth.totp_unreadable"]
    assert failed == []  # the key's fault, not the staff member's: no step towards a lockout
    # The way out the message names: a recovery code still signs in.
    assert second_factor(staff_id, codes[1]).status == "ok"


def test_open_text_refuses_a_token_of_another_key(monkeypatch: pytest.MonkeyPatch) -> None:
    token = seal_text("JBSWY3DPEHPK3PXP")
    assert open_text(token) == "JBSWY3DPEHPK3PXP"
    rotate_key(monkeypatch)
    with pytest.raises(UnreadableSecret, match="CONSOLE_RECORDS_KEY"):
        open_text(token)


def test_enrolment_refuses_an_overlong_secret(make_staff: MakeStaff, actor_for: Callable[[int], Actor]) -> None:
    staff_id, _ = make_staff("moderator")
    secret = pyotp.random_base32(length=72)  # its token would not fit the column
    with session_scope() as session:
        with pytest.raises(ValidationFailed) as info:
            confirm_totp_enrolment(session, actor=actor_for(staff_id), secret=secret, code=pyotp.TOTP(secret).now())
        staff = session.get(Staff, staff_id)
        assert staff is not None and staff.totp_secret_encrypted is None
    assert set(info.value.errors) == {"code"}
