"""Migrations on a database of their own: up to head, down to base, up again; models and migrations agree."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pyotp
import pytest
from alembic.script import ScriptDirectory
from cryptography.fernet import Fernet
from sqlalchemy import Column, Integer, MetaData, create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from console import migrate
from console.db import make_engine
from console.models import metadata
from tests.conftest import IS_POSTGRES, TEST_URL

APP_TABLES = {t.name for t in metadata.sorted_tables}
RETENTION_TRIGGERS = {"legal_records_retention", "id_documents_retention", "id_scans_retention"}
PG_TRIGGERS = {"audit_events_no_update_delete", "audit_events_no_truncate"} | RETENTION_TRIGGERS
SQLITE_TRIGGERS = {"audit_events_no_update", "audit_events_no_delete"} | RETENTION_TRIGGERS


@pytest.fixture
def fresh_url(tmp_path: Any) -> Iterator[str]:
    """A URL to an empty database that is not the one the rest of the suite uses."""
    if not IS_POSTGRES:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"console_mig_{uuid.uuid4().hex[:16]}"
    server = create_engine(TEST_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with server.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(TEST_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.dispose()


@pytest.fixture
def fresh_engine(fresh_url: str) -> Iterator[Engine]:
    assert fresh_url != TEST_URL
    engine = make_engine(fresh_url, poolclass=NullPool)
    yield engine
    engine.dispose()


def head_revision() -> str:
    head = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    assert head is not None
    return head


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def triggers(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        if IS_POSTGRES:
            rows = conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))
        else:
            rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        return {r[0] for r in rows}


def append_only_function_exists(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(
            conn.execute(text("SELECT count(*) FROM pg_proc WHERE proname = 'audit_events_append_only'")).scalar_one()
        )


def assert_at_head(engine: Engine) -> None:
    assert tables(engine) == APP_TABLES | {"alembic_version"}
    assert migrate.current_revision(engine) == head_revision()
    assert triggers(engine) == (PG_TRIGGERS if IS_POSTGRES else SQLITE_TRIGGERS)
    if IS_POSTGRES:
        assert append_only_function_exists(engine)


def test_upgrade_downgrade_upgrade(fresh_url: str, fresh_engine: Engine) -> None:
    assert tables(fresh_engine) == set()
    assert migrate.current_revision(fresh_engine) is None

    migrate.upgrade(fresh_url)
    assert_at_head(fresh_engine)
    indexes = {ix["name"] for ix in inspect(fresh_engine).get_indexes("members")}
    assert {"ix_members_created_at_id", "ix_members_status_created_at_id"} <= indexes

    migrate.downgrade(fresh_url, "base")
    assert tables(fresh_engine) <= {"alembic_version"}
    assert migrate.current_revision(fresh_engine) is None
    assert triggers(fresh_engine) == set()
    if IS_POSTGRES:
        assert not append_only_function_exists(fresh_engine)

    migrate.upgrade(fresh_url)
    assert_at_head(fresh_engine)
    assert migrate.schema_diff(fresh_engine) == []


def test_append_only_triggers_work_on_a_migrated_database(fresh_url: str, fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_url)
    with fresh_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_events (occurred_at, actor_kind, actor_label, action, entity, prev_hash, hash) "
                "VALUES (CURRENT_TIMESTAMP, 'system', 'system', 'a.b', 'thing', :prev, :hash)"
            ),
            {"prev": "0" * 64, "hash": "1" * 64},
        )
    for statement in ("UPDATE audit_events SET action = 'c.d'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), fresh_engine.begin() as conn:
            conn.execute(text(statement))
    with fresh_engine.connect() as conn:
        assert conn.execute(text("SELECT action FROM audit_events")).scalars().all() == ["a.b"]


def test_models_and_migrations_agree(fresh_url: str, fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_url)
    assert migrate.schema_diff(fresh_engine) == []


def test_schema_diff_notices_a_missing_index(fresh_url: str, fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_url)
    with fresh_engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_members_created_at_id"))
    diff = migrate.schema_diff(fresh_engine)
    assert len(diff) == 1
    kind, index = diff[0]
    assert kind == "add_index"
    assert index.name == "ix_members_created_at_id"


def test_schema_diff_notices_a_column_the_migrations_lack(
    fresh_url: str, fresh_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrate.upgrade(fresh_url)
    changed = MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["members"].append_column(Column("throwaway", Integer, nullable=True))
    monkeypatch.setattr(migrate, "metadata", changed)
    diff = migrate.schema_diff(fresh_engine)
    assert len(diff) == 1
    kind, _schema, table_name, column = diff[0]
    assert (kind, table_name, column.name) == ("add_column", "members", "throwaway")


def test_the_suites_own_database_is_at_head(engine: Engine) -> None:
    assert migrate.current_revision(engine) == head_revision()
    assert migrate.schema_diff(engine) == []


def test_migrations_use_the_migration_url(
    monkeypatch: pytest.MonkeyPatch, fresh_url: str, fresh_engine: Engine, tmp_path: Any
) -> None:
    """CONSOLE_MIGRATION_DATABASE_URL (the owner) is where `migrate`, `seed`, `staff` and serve's migration step
    connect; CONSOLE_DATABASE_URL (the console's role) is left alone. Without it, the database URL is used."""
    from console.config import Settings, get_settings

    monkeypatch.delenv("CONSOLE_MIGRATION_DATABASE_URL", raising=False)  # set when the suite runs as the app role
    assert Settings(database_url="sqlite:///a.db").effective_migration_database_url == "sqlite:///a.db"
    assert Settings(database_url="x://a", migration_database_url="x://b").effective_migration_database_url == "x://b"
    monkeypatch.setenv("CONSOLE_DATABASE_URL", f"sqlite:///{tmp_path / 'untouched.db'}")
    monkeypatch.setenv("CONSOLE_MIGRATION_DATABASE_URL", fresh_url)
    get_settings.cache_clear()
    migrate.upgrade(None)
    assert_at_head(fresh_engine)
    assert not (tmp_path / "untouched.db").exists()


def test_0004_folds_the_names_already_stored_and_goes_back(fresh_url: str, fresh_engine: Engine) -> None:
    """Rows written before 0004 get their search columns from the same fold() the console uses; downgrade
    restores the trigram indexes on the raw columns."""
    migrate.upgrade(fresh_url, "0003")
    now = datetime.now(UTC)
    with fresh_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO performers (id, name, slug, is_active, video_count, created_at, updated_at, version) "
                "VALUES (1, 'Amélie Núñez', 'amelie', true, 0, :now, :now, 1)"
            ),
            {"now": now},
        )
        conn.execute(
            text(
                "INSERT INTO videos (id, kind, title, slug, genres, qualities, access_level, monetization, currency, "
                "performer_count, state, is_featured, is_trending, view_count, like_count, created_at, updated_at, "
                "version) VALUES (1, 'movie', 'STRASSE Café', 's', '[]', '[]', 'FREE', 'svod', 'USD', 1, 'draft', "
                "false, false, 0, 0, :now, :now, 1)"
            ),
            {"now": now},
        )
        conn.execute(
            text(
                "INSERT INTO legal_records (id, performer_id, legal_first_name, legal_middle_name, legal_last_name, "
                "status, checklist, created_at, amended_at, retention_until, version) VALUES (1, 1, 'Zoë', NULL, "
                "'Dupré', 'incomplete', '{}', :now, :now, :until, 1)"
            ),
            {"now": now, "until": date(2040, 1, 1)},
        )
        conn.execute(
            text(
                "INSERT INTO performer_names (id, legal_record_id, name, kind, created_at) "
                "VALUES (1, 1, 'Łukasz', 'alias', :now)"
            ),
            {"now": now},
        )
    migrate.upgrade(fresh_url)
    with fresh_engine.connect() as conn:
        folded = [
            conn.execute(text(f"SELECT {column} FROM {table}")).scalar_one()
            for table, column in (
                ("performers", "name_search"),
                ("videos", "title_search"),
                ("legal_records", "legal_name_search"),
                ("performer_names", "name_search"),
            )
        ]
    assert folded == ["amelie nunez", "strasse cafe", "zoe dupre", "lukasz"]
    assert migrate.schema_diff(fresh_engine) == []

    migrate.downgrade(fresh_url, "0003")
    inspector = inspect(fresh_engine)
    assert "title_search" not in {c["name"] for c in inspector.get_columns("videos")}
    assert "ix_videos_title_trgm" in {ix["name"] for ix in inspector.get_indexes("videos")}
    assert {"ix_legal_records_first_trgm", "ix_legal_records_last_trgm"} <= {
        ix["name"] for ix in inspector.get_indexes("legal_records")
    }
    with fresh_engine.connect() as conn:
        assert conn.execute(text("SELECT title FROM videos")).scalar_one() == "STRASSE Café"
    migrate.upgrade(fresh_url)
    assert migrate.schema_diff(fresh_engine) == []


def test_0011_fills_mrr_per_cohort_from_the_months_already_rolled_up(fresh_url: str, fresh_engine: Engine) -> None:
    """Member 1 pays Jan and Feb, member 2 only Feb (both Jan cohort), member 3 leaves in Feb and returns in
    Mar: the upgrade sums each month per cohort and counts each member as a newcomer only in its first month."""
    migrate.upgrade(fresh_url, "0010")
    rows = [
        ("2026-01-01", 1, 1000, "2026-01-01"),
        ("2026-02-01", 1, 1500, "2026-01-01"),
        ("2026-02-01", 2, 500, "2026-01-01"),
        ("2026-01-01", 3, 700, "2026-01-01"),
        ("2026-03-01", 3, 700, "2026-01-01"),
    ]
    with fresh_engine.begin() as conn:
        for month, member, cents, cohort in rows:
            conn.execute(
                text(
                    "INSERT INTO insights_mrr_monthly (month, member_id, currency, mrr_cents, plan_code, "
                    "first_paid_month) VALUES (:m, :id, 'USD', :c, 'basic', :f)"
                ),
                {"m": date.fromisoformat(month), "id": member, "c": cents, "f": date.fromisoformat(cohort)},
            )
    migrate.upgrade(fresh_url)
    with fresh_engine.connect() as conn:
        found = conn.execute(
            text(
                "SELECT month, members, mrr_cents, newcomers FROM insights_mrr_cohorts_monthly "
                "WHERE first_paid_month = :f ORDER BY month"
            ),
            {"f": date(2026, 1, 1)},
        ).all()
    assert [(str(m)[:10], n, c, k) for m, n, c, k in found] == [
        ("2026-01-01", 2, 1700, 2),
        ("2026-02-01", 2, 2000, 1),
        ("2026-03-01", 1, 700, 0),
    ]
    migrate.downgrade(fresh_url, "0010")
    assert "insights_mrr_cohorts_monthly" not in inspect(fresh_engine).get_table_names()


def _staff_at_0011(engine: Engine, secret: str | None, staff_id: int = 1) -> None:
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO staff (id, email, name, roles, is_active, password_hash, must_change_password, "
                "password_changed_at, totp_secret, totp_enabled_at, recovery_code_hashes, created_at, updated_at, "
                "version) VALUES (:id, :email, 'Tom Totp', '[\"finance\"]', true, 'x', false, :now, :secret, :on, "
                "'[]', :now, :now, 1)"
            ),
            {
                "id": staff_id,
                "email": f"t{staff_id}@test.example",
                "now": now,
                "secret": secret,
                "on": now if secret else None,
            },
        )


def _staff_column(engine: Engine, column: str) -> dict[int, Any]:
    with engine.connect() as conn:
        return {int(r[0]): r[1] for r in conn.execute(text(f"SELECT id, {column} FROM staff ORDER BY id"))}


def test_0012_encrypts_the_totp_secrets_stored_in_clear_and_goes_back(fresh_url: str, fresh_engine: Engine) -> None:
    """A secret written at 0011 is a records-key token after the upgrade, signs in with a code, and is the same
    clear secret again after the downgrade; an account without 2FA stays without."""
    from sqlalchemy.orm import Session

    from console.actor import ClientInfo
    from console.config import get_settings
    from console.db import utcnow
    from console.staff.auth import verify_second_factor

    migrate.upgrade(fresh_url, "0011")
    secret = pyotp.random_base32()
    _staff_at_0011(fresh_engine, secret)
    _staff_at_0011(fresh_engine, None, staff_id=2)

    migrate.upgrade(fresh_url, "0012")
    assert "totp_secret" not in {c["name"] for c in inspect(fresh_engine).get_columns("staff")}
    stored = _staff_column(fresh_engine, "totp_secret_encrypted")
    assert stored[2] is None
    assert secret not in stored[1]
    assert Fernet(get_settings().effective_records_key()).decrypt(stored[1].encode()).decode() == secret
    migrate.upgrade(fresh_url)  # the console's model is at head (0013 adds staff.time_zone, secrets untouched)
    with Session(fresh_engine) as session:  # the console's own sign-in reads it
        result = verify_second_factor(
            session, staff_id=1, code=pyotp.TOTP(secret).now(), client=ClientInfo(), pending_since=utcnow()
        )
        session.commit()
    assert result.status == "ok"

    migrate.downgrade(fresh_url, "0011")
    assert "totp_secret_encrypted" not in {c["name"] for c in inspect(fresh_engine).get_columns("staff")}
    assert _staff_column(fresh_engine, "totp_secret") == {1: secret, 2: None}
    migrate.upgrade(fresh_url)
    assert migrate.schema_diff(fresh_engine) == []


def test_0012_stops_without_a_key_in_production_and_changes_nothing(
    fresh_url: str, fresh_engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from console.config import ConfigError, get_settings

    migrate.upgrade(fresh_url, "0011")
    secret = pyotp.random_base32()
    _staff_at_0011(fresh_engine, secret)
    monkeypatch.setenv("CONSOLE_ENVIRONMENT", "production")
    monkeypatch.delenv("CONSOLE_RECORDS_KEY", raising=False)
    get_settings.cache_clear()

    with pytest.raises(ConfigError, match=r"0012 upgrade stopped before changing anything.*CONSOLE_RECORDS_KEY"):
        migrate.upgrade(fresh_url)
    assert migrate.current_revision(fresh_engine) == "0011"
    assert _staff_column(fresh_engine, "totp_secret") == {1: secret}

    # `migrate` says so in one line and exits 2, no traceback.
    from console import cli

    monkeypatch.setenv("CONSOLE_MIGRATION_DATABASE_URL", fresh_url)
    get_settings.cache_clear()
    assert cli.main(["migrate"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Migration stopped: Migration 0012 upgrade stopped before changing anything")
    assert "CONSOLE_RECORDS_KEY" in err and "Traceback" not in err
    assert migrate.current_revision(fresh_engine) == "0011"


def test_0012_needs_no_key_when_no_secret_is_stored(
    fresh_url: str, fresh_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from console.config import get_settings

    monkeypatch.setenv("CONSOLE_ENVIRONMENT", "production")
    monkeypatch.delenv("CONSOLE_RECORDS_KEY", raising=False)
    get_settings.cache_clear()
    migrate.upgrade(fresh_url, "0011")
    _staff_at_0011(fresh_engine, None)
    migrate.upgrade(fresh_url)
    assert migrate.current_revision(fresh_engine) == head_revision()
    migrate.downgrade(fresh_url, "0011")
    assert migrate.current_revision(fresh_engine) == "0011"


def test_0012_downgrade_with_another_key_stops_and_changes_nothing(
    fresh_url: str, fresh_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from console.config import ConfigError, get_settings

    migrate.upgrade(fresh_url, "0011")
    _staff_at_0011(fresh_engine, pyotp.random_base32())
    migrate.upgrade(fresh_url, "0012")
    before = _staff_column(fresh_engine, "totp_secret_encrypted")
    monkeypatch.setenv("CONSOLE_RECORDS_KEY", Fernet.generate_key().decode())
    get_settings.cache_clear()

    with pytest.raises(ConfigError, match="does not decrypt with CONSOLE_RECORDS_KEY"):
        migrate.downgrade(fresh_url, "0011")
    assert migrate.current_revision(fresh_engine) == "0012"
    assert _staff_column(fresh_engine, "totp_secret_encrypted") == before


def test_0013_adds_the_time_zone_as_utc_for_existing_staff_and_goes_back(fresh_url: str, fresh_engine: Engine) -> None:
    """Staff who existed before 0013 read times in UTC; a chosen zone is stored; the downgrade drops only the column."""
    migrate.upgrade(fresh_url, "0011")
    _staff_at_0011(fresh_engine, None)
    migrate.upgrade(fresh_url, "0012")
    assert "time_zone" not in {c["name"] for c in inspect(fresh_engine).get_columns("staff")}

    migrate.upgrade(fresh_url, "0013")
    assert _staff_column(fresh_engine, "time_zone") == {1: "UTC"}
    with fresh_engine.begin() as conn:
        conn.execute(text("UPDATE staff SET time_zone = 'Europe/Berlin' WHERE id = 1"))
        conn.execute(
            text(
                "INSERT INTO staff (id, email, name, roles, is_active, password_hash, must_change_password, "
                "password_changed_at, recovery_code_hashes, created_at, updated_at, version) VALUES "
                "(2, 'n@test.example', 'New', '[]', true, 'x', false, :now, '[]', :now, :now, 1)"
            ),
            {"now": datetime(2026, 11, 29, tzinfo=UTC)},
        )
    assert _staff_column(fresh_engine, "time_zone") == {1: "Europe/Berlin", 2: "UTC"}  # the server default

    migrate.downgrade(fresh_url, "0012")
    assert migrate.current_revision(fresh_engine) == "0012"
    assert "time_zone" not in {c["name"] for c in inspect(fresh_engine).get_columns("staff")}
    assert _staff_column(fresh_engine, "email") == {1: "t1@test.example", 2: "n@test.example"}
    migrate.upgrade(fresh_url)
    assert _staff_column(fresh_engine, "time_zone") == {1: "UTC", 2: "UTC"}
    assert migrate.schema_diff(fresh_engine) == []


def _case_at_0013(engine: Engine, case_id: int, *, emergency: bool, queue_key: int) -> None:
    at = datetime(2026, 11, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO moderation_cases (id, target_type, target_id, target_label, status, emergency, "
                "worst_reason, reason_counts, reason_mask, report_count, reporter_count, base_priority, "
                "priority_parts, queue_key, first_report_at, last_report_at, sla_due_at, version) VALUES "
                "(:id, 'member', :id, 'm', 'open', :emergency, 'spam', '{}', 1, 1, 1, 35, '{}', :key, :at, :at, :at, 1)"
            ),
            {"id": case_id, "emergency": emergency, "key": queue_key, "at": at},
        )


def _queue_keys(engine: Engine) -> dict[int, int]:
    with engine.connect() as conn:
        return {int(i): int(k) for i, k in conn.execute(text("SELECT id, queue_key FROM moderation_cases"))}


def test_0014_puts_the_stored_emergencies_first_and_goes_back(fresh_url: str, fresh_engine: Engine) -> None:
    from console.moderation.service.priority import EMERGENCY_LEAD

    migrate.upgrade(fresh_url, "0013")
    old_spam, fresh_emergency = 35 * 3600 - 1_700_000_000, 1015 * 3600 - 1_760_000_000
    _case_at_0013(fresh_engine, 1, emergency=False, queue_key=old_spam + 5_000_000)  # waited longer: ranked above
    _case_at_0013(fresh_engine, 2, emergency=True, queue_key=fresh_emergency)
    assert _queue_keys(fresh_engine)[1] > _queue_keys(fresh_engine)[2]

    migrate.upgrade(fresh_url, "0014")
    keys = _queue_keys(fresh_engine)
    assert keys == {1: old_spam + 5_000_000, 2: fresh_emergency + EMERGENCY_LEAD}
    assert keys[2] > keys[1]
    migrate.downgrade(fresh_url, "0013")  # the lead taken away again
    assert _queue_keys(fresh_engine) == {1: old_spam + 5_000_000, 2: fresh_emergency}
    migrate.upgrade(fresh_url)
    assert _queue_keys(fresh_engine)[2] == fresh_emergency + EMERGENCY_LEAD
    assert migrate.schema_diff(fresh_engine) == []


def test_0015_folds_the_display_names_already_stored_and_goes_back(fresh_url: str, fresh_engine: Engine) -> None:
    """Members stored before 0015 are found by name at once: their search column is filled by the console's fold();
    the downgrade drops the column and its index only."""
    migrate.upgrade(fresh_url, "0014")
    now = datetime(2026, 12, 1, tzinfo=UTC)
    with fresh_engine.begin() as conn:
        for n, name in ((1, "Amélie  Poulain"), (2, "ŁUKASZ Żółć")):
            conn.execute(
                text(
                    "INSERT INTO members (id, email, username, display_name, role, status, email_verified, "
                    "two_factor_enabled, age_verified, created_at, updated_at, version) VALUES (:id, :email, :user, "
                    ":name, 'viewer', 'active', false, false, false, :now, :now, 1)"
                ),
                {"id": n, "email": f"m{n}@test.example", "user": f"member{n}", "name": name, "now": now},
            )
    migrate.upgrade(fresh_url, "0015")
    with fresh_engine.connect() as conn:
        folded = dict(conn.execute(text("SELECT id, display_name_search FROM members")).tuples().all())
    assert folded == {1: "amelie poulain", 2: "lukasz zolc"}
    assert "ix_members_display_name_search_trgm" in {ix["name"] for ix in inspect(fresh_engine).get_indexes("members")}

    migrate.downgrade(fresh_url, "0014")
    assert "display_name_search" not in {c["name"] for c in inspect(fresh_engine).get_columns("members")}
    with fresh_engine.connect() as conn:
        assert conn.execute(text("SELECT display_name FROM members WHERE id = 2")).scalar_one() == "ŁUKASZ Żółć"
    migrate.upgrade(fresh_url)
    assert migrate.schema_diff(fresh_engine) == []
