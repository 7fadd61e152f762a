"""Least privilege on PostgreSQL: a console role made by `db grant-app-role` writes through the services (audit
events included) but can neither change nor remove an event nor lift the append-only triggers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from console import cli, db
from console.actor import SYSTEM
from console.audit import anchor
from console.audit.models import AuditEvent
from console.audit.service import record
from console.dbroles import connection_warnings
from console.staff import service as staff_service
from console.staff.models import Staff
from tests.conftest import IS_POSTGRES, PASSWORD, TEST_URL

postgres_only = pytest.mark.skipif(not IS_POSTGRES, reason="database roles exist on PostgreSQL only")


def _as_superuser(*statements: str) -> None:
    engine = create_engine(TEST_URL, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


@pytest.fixture
def new_role() -> Iterator[str]:
    """A fresh LOGIN role (the test cluster trusts local connections, so it needs no password)."""
    role = f"console_app_{uuid.uuid4().hex[:10]}"
    _as_superuser(f"CREATE ROLE {role} LOGIN")
    try:
        yield role
    finally:
        db.configure(TEST_URL)
        _as_superuser(f"DROP OWNED BY {role}", f"DROP ROLE {role}")


@pytest.fixture
def app_url(new_role: str, capsys: pytest.CaptureFixture[str]) -> str:
    """The console's URL as the role, after `db grant-app-role --apply` (run as the owner: the test superuser)."""
    assert cli.main(["db", "grant-app-role", "--role", new_role, "--apply"]) == 0
    assert "Granted." in capsys.readouterr().out
    return make_url(TEST_URL).set(username=new_role, password=None).render_as_string(hide_password=False)


@pytest.fixture
def as_app(app_url: str) -> Iterator[Engine]:
    """The console connected as the application role (what CONSOLE_DATABASE_URL would name)."""
    engine = db.configure(app_url)
    yield engine
    db.configure(TEST_URL)


def _refused(conn: Connection, statement: str, *, match: str) -> None:
    with pytest.raises(DBAPIError, match=match), conn.begin():
        conn.exec_driver_sql(statement)


@postgres_only
def test_the_app_role_writes_through_the_services(as_app: Engine) -> None:
    with as_app.connect() as conn:
        assert conn.execute(text("SELECT current_user")).scalar_one() != make_url(TEST_URL).username
        assert connection_warnings(conn) == []
    with db.session_scope() as session:
        staff, _ = staff_service.create_staff(  # staff row, its sequence, the audit event under the advisory lock
            session,
            actor=SYSTEM,
            email="least@test.example",
            name="Least Privilege",
            roles=["admin"],
            password=PASSWORD,
            must_change_password=False,
        )
        staff_id = staff.id
    with db.session_scope() as session:
        rows = [record(session, SYSTEM, "test.event", "thing", n, after={"n": n}) for n in range(60)]  # preassigned
        session.flush()
        assert len({r.id for r in rows}) == 60
    with db.session_scope() as session:
        stored = session.get(Staff, staff_id)
        assert stored is not None
        stored.name = "Renamed"  # UPDATE on an ordinary table is allowed
    with db.session_scope() as session:
        actions = session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
        assert actions[0] == "staff.create" and len(actions) == 61
    written = anchor.checkpoint_head().written
    assert written is not None and written.count == 61
    assert anchor.verify_and_anchor().ok


@postgres_only
def test_the_app_role_can_neither_change_an_event_nor_lift_the_triggers(as_app: Engine) -> None:
    with db.session_scope() as session:
        record(session, SYSTEM, "test.event", "thing", 1)
    with as_app.connect() as conn:
        _refused(conn, "UPDATE audit_events SET action = 'x.y'", match="permission denied for table audit_events")
        _refused(conn, "DELETE FROM audit_events", match="permission denied for table audit_events")
        _refused(conn, "TRUNCATE audit_events", match="permission denied for table audit_events")
        _refused(conn, "ALTER TABLE audit_events DISABLE TRIGGER ALL", match="must be owner of table audit_events")
        _refused(conn, "ALTER TABLE audit_events DISABLE TRIGGER USER", match="must be owner of table audit_events")
        _refused(
            conn,
            "DROP TRIGGER audit_events_no_update_delete ON audit_events",
            match="must be owner of (table|relation) audit_events",
        )
        _refused(
            conn, "SET session_replication_role = replica", match='permission denied to set parameter "session_repl'
        )
        _refused(conn, "ALTER TABLE audit_events OWNER TO CURRENT_USER", match="must be owner")
        _refused(conn, "UPDATE alembic_version SET version_num = 'x'", match="permission denied for table alembic")
    assert anchor.verify_and_anchor().ok


@postgres_only
def test_the_grant_refuses_roles_that_could_lift_the_triggers(
    new_role: str, capsys: pytest.CaptureFixture[str]
) -> None:
    superuser = make_url(TEST_URL).username
    owner = _table_owner()

    def refused(role: str) -> str:
        assert cli.main(["db", "grant-app-role", "--role", role, "--apply"]) == 2
        return capsys.readouterr().err

    assert "is a superuser" in refused(str(superuser))
    assert "does not exist" in refused("nobody_" + uuid.uuid4().hex[:8])
    _as_superuser(f'GRANT "{owner}" TO {new_role}')
    assert f"is a member of '{owner}', the owner of audit_events" in refused(new_role)
    _as_superuser(f'REVOKE "{owner}" FROM {new_role}')
    assert cli.main(["db", "grant-app-role", "--role", new_role, "--apply"]) == 0


def _table_owner() -> str:
    engine = create_engine(TEST_URL, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_events'")).one()[0])
    finally:
        engine.dispose()


@postgres_only
def test_the_console_warns_when_it_connects_with_rights_over_the_triggers(engine: Engine) -> None:
    with engine.connect() as conn:
        [warning] = connection_warnings(conn)
    assert warning.endswith("a superuser")


def test_the_grant_can_be_printed_for_review(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["db", "grant-app-role", "--role", "Console App"]) == 0
    out = capsys.readouterr().out
    assert '-- Create the role first: CREATE ROLE "Console App" LOGIN' in out
    assert 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "Console App";' in out
    assert 'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_events FROM "Console App";' in out
    assert "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES" in out


@pytest.mark.skipif(IS_POSTGRES, reason="what SQLite says")
def test_on_sqlite_the_grant_explains_there_are_no_roles(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["db", "grant-app-role", "--role", "console_app", "--apply"]) == 2
    assert "Database roles exist on PostgreSQL only" in capsys.readouterr().err


def test_a_bad_role_name_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["db", "grant-app-role", "--role", "x" * 64]) == 2
    assert "A role name has 1 to 63 characters." in capsys.readouterr().err
