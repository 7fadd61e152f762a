"""Rotating the records key: old keys still read (CONSOLE_RECORDS_OLD_KEYS), `records rekey` moves ID scans and TOTP
secrets to the current key once, is audited, can run again, and leaves what no key opens untouched and named."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select

from console import cli
from console.actor import SYSTEM, Actor
from console.audit.models import AuditEvent
from console.compliance import records
from console.compliance.fixtures import sample_scan
from console.config import ConfigError, get_settings
from console.crypto import open_text
from console.db import session_scope
from console.errors import Forbidden
from console.records_rekey import RekeyReport, rekey_records
from console.staff.models import Staff
from tests.compliance.factories import add_document, add_scan, create_record, performer, scan_path
from tests.staff.test_auth import enrol_totp


@pytest.fixture
def stored(clerk: Actor, make_staff: Callable[..., tuple[int, str]], actor_for: Callable[[int], Actor]):
    """A scan and a TOTP secret under today's key; returns (scan id, original bytes, staff id, secret, old key)."""
    original = sample_scan()
    scan_id = add_scan(add_document(create_record(performer(), actor=clerk), actor=clerk), actor=clerk, data=original)
    staff_id, _ = make_staff("finance", email="rekey@test.example")
    secret, _ = enrol_totp(staff_id, actor_for(staff_id))
    return scan_id, original, staff_id, secret, get_settings().effective_records_key()


def use_keys(monkeypatch: pytest.MonkeyPatch, current: bytes, *old: bytes) -> None:
    monkeypatch.setenv("CONSOLE_RECORDS_KEY", current.decode())
    monkeypatch.setenv("CONSOLE_RECORDS_OLD_KEYS", ",".join(k.decode() for k in old))
    get_settings.cache_clear()


def read_scan(scan_id: int, actor: Actor) -> bytes:
    with session_scope() as session:
        return records.read_scan(session, actor=actor, scan_id=scan_id, purpose="view")[0]


def stored_secret(staff_id: int) -> str:
    with session_scope() as session:
        staff = session.get(Staff, staff_id)
        assert staff is not None and staff.totp_secret_encrypted is not None
        return staff.totp_secret_encrypted


def rekey(actor: Actor = SYSTEM) -> RekeyReport:
    with session_scope() as session:
        return rekey_records(session, actor=actor)


def rekey_events() -> list[AuditEvent]:
    with session_scope() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "records.rekey")))


def test_rotation_moves_scans_and_secrets_to_the_new_key(stored, clerk: Actor, monkeypatch) -> None:
    scan_id, original, staff_id, secret, old_key = stored
    new_key = Fernet.generate_key()
    use_keys(monkeypatch, new_key, old_key)
    assert read_scan(scan_id, clerk) == original  # old tokens still read while the old key is listed
    assert open_text(stored_secret(staff_id)) == secret

    report = rekey()
    assert (report.scans_moved, report.scans_current, report.secrets_moved, report.secrets_current) == (1, 0, 1, 0)
    assert report.complete
    assert Fernet(new_key).decrypt(scan_path(scan_id).read_bytes()) == original
    assert Fernet(new_key).decrypt(stored_secret(staff_id).encode()).decode() == secret
    with pytest.raises(InvalidToken):
        Fernet(old_key).decrypt(scan_path(scan_id).read_bytes())
    [event] = rekey_events()
    assert event.actor_kind == "system"
    assert event.after["scans_moved"] == 1 and event.after["secrets_moved"] == 1

    use_keys(monkeypatch, new_key)  # the old key dropped: everything still reads, the SHA-256 still matches
    assert read_scan(scan_id, clerk) == original
    assert open_text(stored_secret(staff_id)) == secret


def test_a_second_run_moves_nothing_and_writes_no_event(stored, monkeypatch) -> None:
    scan_id, _, staff_id, _, old_key = stored
    use_keys(monkeypatch, Fernet.generate_key(), old_key)
    rekey()
    file_before, secret_before = scan_path(scan_id).read_bytes(), stored_secret(staff_id)
    again = rekey()
    assert (again.scans_moved, again.scans_current, again.secrets_moved, again.secrets_current) == (0, 1, 0, 1)
    assert scan_path(scan_id).read_bytes() == file_before and stored_secret(staff_id) == secret_before
    assert len(rekey_events()) == 1


def test_what_no_configured_key_opens_is_named_and_left_alone(stored, monkeypatch) -> None:
    scan_id, _, staff_id, _, _ = stored
    use_keys(monkeypatch, Fernet.generate_key(), Fernet.generate_key())  # the key they were stored with is lost
    file_before, secret_before = scan_path(scan_id).read_bytes(), stored_secret(staff_id)
    report = rekey()
    assert report.scans_unreadable == [scan_id] and report.secrets_unreadable == [staff_id]
    assert not report.complete
    assert scan_path(scan_id).read_bytes() == file_before and stored_secret(staff_id) == secret_before
    [event] = rekey_events()
    assert event.after["scans_unreadable"] == [scan_id]


def test_a_missing_scan_file_is_reported(stored, monkeypatch) -> None:
    scan_id, _, _, _, old_key = stored
    scan_path(scan_id).unlink()
    use_keys(monkeypatch, Fernet.generate_key(), old_key)
    report = rekey()
    assert report.scans_missing == [scan_id] and not report.complete


def test_staff_cannot_rekey(stored, clerk: Actor, monkeypatch) -> None:
    scan_id, _, _, _, old_key = stored
    use_keys(monkeypatch, Fernet.generate_key(), old_key)
    before = scan_path(scan_id).read_bytes()
    with pytest.raises(Forbidden):
        rekey(clerk)
    assert scan_path(scan_id).read_bytes() == before and rekey_events() == []


def test_a_malformed_old_key_stops_with_its_position(monkeypatch) -> None:
    use_keys(monkeypatch, Fernet.generate_key(), Fernet.generate_key(), b"not-a-key")
    with pytest.raises(ConfigError, match="key 2"):
        get_settings().effective_old_records_keys()


def test_the_command_says_when_the_old_key_can_go(stored, monkeypatch, capsys) -> None:
    _, _, _, _, old_key = stored
    use_keys(monkeypatch, Fernet.generate_key(), old_key)
    assert cli.main(["records", "rekey"]) == 0
    out = capsys.readouterr().out
    assert "ID scans: 1 re-encrypted" in out and "CONSOLE_RECORDS_OLD_KEYS can be removed" in out
    use_keys(monkeypatch, Fernet.generate_key())  # neither key the data is under
    assert cli.main(["records", "rekey"]) == 4
    assert "No configured key opens these" in capsys.readouterr().out
