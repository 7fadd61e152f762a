"""Least privilege on PostgreSQL: the console connects as a role that can neither change nor remove audit events.

The append-only triggers on `audit_events` bind ordinary roles only: the table's owner can `ALTER TABLE …
DISABLE TRIGGER` and a superuser can `SET session_replication_role = replica`. So migrations run as the owner
(CONSOLE_MIGRATION_DATABASE_URL) and the console as an *application role* that owns nothing, is not a superuser,
is not a member of the owner, and holds on `audit_events` only SELECT and INSERT (every other table: SELECT,
INSERT, UPDATE, DELETE; sequences: USAGE, SELECT; tables of later migrations: the same, by default privileges).

`grant_statements()` is the recipe (`python3 run.py db grant-app-role --role NAME` prints it, `--apply` runs it as
the owner after `check_app_role()`); `connection_warnings()` says at start-up when the console connects with
rights that can lift the audit triggers.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from console.errors import ConsoleError

APPEND_ONLY = "audit_events"
READ_ONLY = "alembic_version"  # the schema's revision belongs to the owner's migrations
SCHEMA = "public"


class RoleRefused(ConsoleError):
    """The role must not (or cannot) be the console's application role."""


def quote_role(role: str) -> str:
    """The role name as a PostgreSQL identifier (quoted when it needs to be)."""
    if not role or len(role) > 63 or "\x00" in role:
        raise RoleRefused("A role name has 1 to 63 characters.")
    return str(postgresql.dialect().identifier_preparer.quote(role))


def grant_statements(role_sql: str) -> list[str]:
    """The grants for the application role `role_sql` (already quoted); run them as the owner of the tables (the
    role of CONSOLE_MIGRATION_DATABASE_URL): default privileges apply to tables the running role creates later."""
    return [
        f"GRANT USAGE ON SCHEMA {SCHEMA} TO {role_sql}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {SCHEMA} TO {role_sql}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {APPEND_ONLY} FROM {role_sql}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {READ_ONLY} FROM {role_sql}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {SCHEMA} TO {role_sql}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {SCHEMA} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role_sql}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {SCHEMA} GRANT USAGE, SELECT ON SEQUENCES TO {role_sql}",
    ]


def _owner(conn: Connection) -> str | None:
    found = conn.execute(
        text("SELECT tableowner FROM pg_tables WHERE schemaname = :schema AND tablename = :table"),
        {"schema": SCHEMA, "table": APPEND_ONLY},
    ).scalar_one_or_none()
    return None if found is None else str(found)


def check_app_role(conn: Connection, role: str) -> None:
    """Refuse a role that would keep the power to lift the audit triggers (or does not exist)."""
    if conn.dialect.name != "postgresql":
        raise RoleRefused(
            "Database roles exist on PostgreSQL only. On SQLite, protect the data folder with file permissions."
        )
    owner = _owner(conn)
    if owner is None:
        raise RoleRefused(f"There is no {APPEND_ONLY} table yet: run `python3 run.py migrate` first.")
    found = conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = :role"), {"role": role}).one_or_none()
    if found is None:
        raise RoleRefused(
            f"The role {role!r} does not exist. Create it first (as a role with CREATEROLE), for example: "
            f"CREATE ROLE {quote_role(role)} LOGIN PASSWORD '…';"
        )
    if found.rolsuper:
        raise RoleRefused(
            f"{role!r} is a superuser: a superuser passes every check (SET session_replication_role = replica lifts "
            "the audit triggers). Use an ordinary role."
        )
    if role == owner:
        raise RoleRefused(
            f"{role!r} owns {APPEND_ONLY} (it can DISABLE TRIGGER): it is the migration role. "
            "Use a separate role for the console."
        )
    member = conn.execute(text("SELECT pg_has_role(:role, :owner, 'MEMBER')"), {"role": role, "owner": owner})
    if member.scalar_one():
        raise RoleRefused(
            f"{role!r} is a member of {owner!r}, the owner of {APPEND_ONLY}: it has the owner's rights. "
            f"Use a role that is not (REVOKE {quote_role(owner)} FROM {quote_role(role)})."
        )


def grant_app_role(conn: Connection, role: str) -> list[str]:
    """Check the role, then grant it the application's privileges in the caller's transaction (as the owner)."""
    check_app_role(conn, role)
    statements = grant_statements(quote_role(role))
    for statement in statements:
        conn.exec_driver_sql(statement)
    return statements


def connection_warnings(conn: Connection) -> list[str]:
    """Why the role this connection uses could lift the append-only triggers on the audit table (none: it cannot)."""
    if conn.dialect.name != "postgresql":
        return []
    user = str(conn.execute(text("SELECT current_user")).scalar_one())
    owner = _owner(conn)
    warnings = []
    if conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar_one():
        warnings.append(f"the console connects as {user!r}, a superuser")
    elif owner is not None and conn.execute(text("SELECT pg_has_role(:owner, 'MEMBER')"), {"owner": owner}).scalar():
        what = "the owner" if user == owner else f"a member of {owner!r}, the owner"
        warnings.append(f"the console connects as {user!r}, {what} of {APPEND_ONLY}")
    elif owner is not None:
        can_change = conn.execute(
            text("SELECT has_table_privilege(:table, 'UPDATE') OR has_table_privilege(:table, 'DELETE')"),
            {"table": APPEND_ONLY},
        ).scalar()
        if can_change:
            warnings.append(f"the console's role {user!r} holds UPDATE or DELETE on {APPEND_ONLY}")
    return warnings
