"""The command line: staff create/list (password never from argv), seed, migrate, help on every command."""

from __future__ import annotations

import io
import sys

import pytest
from sqlalchemy import func, select

from console import cli
from console.actor import ClientInfo
from console.audit.models import AuditEvent
from console.db import session_scope
from console.members.models import Member
from console.staff.auth import sign_in
from console.staff.models import Staff


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


def test_staff_create_reads_password_from_stdin_and_can_sign_in(monkeypatch, capsys) -> None:
    _stdin(monkeypatch, "a long enough passphrase\n")
    argv = ["staff", "create", "--email", "Ops@Example.com", "--name", "Ops Person", "--role", "admin,finance"]
    code = cli.main(argv)
    assert code == 0
    assert "ops@example.com" in capsys.readouterr().out
    with session_scope() as session:
        staff = session.execute(select(Staff).where(Staff.email == "ops@example.com")).scalar_one()
        assert sorted(staff.roles) == ["admin", "finance"]
        assert "a long enough passphrase" not in staff.password_hash
        result = sign_in(session, email="ops@example.com", password="a long enough passphrase", client=ClientInfo())
        assert result.status == "ok"


def test_staff_create_has_no_password_option() -> None:
    with pytest.raises(SystemExit):
        cli.main(["staff", "create", "--email", "a@b.cd", "--name", "N", "--role", "admin", "--password", "x" * 20])


def test_staff_create_rejects_bad_input_and_writes_nothing(monkeypatch, capsys) -> None:
    _stdin(monkeypatch, "short\n")
    code = cli.main(["staff", "create", "--email", "not-an-email", "--name", "", "--role", "wizard"])
    assert code == 1
    err = capsys.readouterr().err
    assert "email" in err and "password" in err and "roles" in err
    with session_scope() as session:
        assert session.execute(select(func.count()).select_from(Staff)).scalar_one() == 0
        assert session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == 0


def test_staff_list_prints_accounts(make_staff, capsys) -> None:
    make_staff("moderator", email="mod@test.example", name="Mod Erator")
    assert cli.main(["staff", "list"]) == 0
    out = capsys.readouterr().out
    assert "mod@test.example" in out and "moderator" in out


def test_seed_demo_members_are_created_through_the_service_with_audit_events() -> None:
    from console.seed import ensure_demo_staff, seed_demo

    created = ensure_demo_staff()
    assert {role for _, role, _ in created} == {
        "admin",
        "moderator",
        "content",
        "compliance",
        "ads",
        "finance",
        "executive",
    }
    assert ensure_demo_staff() == []  # only on first start
    seed_demo(members=25)
    with session_scope() as session:
        assert session.execute(select(func.count()).select_from(Member)).scalar_one() == 25
        events = session.execute(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "member.create", AuditEvent.actor_kind == "system")
        ).scalar_one()
        assert events == 25


def test_seed_scale_bulk_inserts_members(monkeypatch: pytest.MonkeyPatch) -> None:
    from console.insights import scale
    from console.seed import seed_scale

    # Every area, as `seed --scale` runs them; the insights history is a week instead of two years (rolling up 730
    # days took 45 s alone; tests/insights/test_ops_scale.py checks that rollup).
    monkeypatch.setattr(scale, "DAYS", 7)
    seed_scale(members=2_500, videos=40, performers=10)
    with session_scope() as session:
        assert session.execute(select(func.count()).select_from(Member)).scalar_one() == 2_500
        emails = session.execute(select(func.count(func.distinct(Member.email)))).scalar_one()
        assert emails == 2_500
        summary = session.execute(select(AuditEvent.after).where(AuditEvent.action == "seed.scale")).scalar_one()
    assert summary["members"] == 2_500 and summary["watch_events"] == 25_000
    assert summary["insights_rollups"] > 7 and summary["insights_rollup_failures"] == 0


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["migrate"],
        ["seed"],
        ["staff"],
        ["staff", "create"],
        ["audit"],
        ["audit", "verify"],
        ["bench"],
        ["serve"],
        ["records", "rekey"],
    ],
)
def test_every_command_has_help(argv, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main([*argv, "--help"])
    assert exc.value.code == 0
    assert "usage" in capsys.readouterr().out.lower()


def test_migrate_is_idempotent(capsys) -> None:
    assert cli.main(["migrate"]) == 0
    assert cli.main(["migrate"]) == 0


def test_browser_storage_on_the_server_is_private_to_the_console_user(monkeypatch, tmp_path) -> None:
    from console.config import get_settings

    monkeypatch.setenv("CONSOLE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NICEGUI_STORAGE_PATH", str(tmp_path / "nicegui"))  # restored after the test
    get_settings.cache_clear()
    (tmp_path / "nicegui").mkdir(mode=0o755)  # as an older version left it
    (tmp_path / "nicegui").chmod(0o755)
    cli._configure_storage()
    assert (tmp_path / "nicegui").stat().st_mode & 0o777 == 0o700  # it holds drafts of 2257 forms
