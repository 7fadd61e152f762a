"""Alembic environment: the console's one MetaData; the URL is CONSOLE_MIGRATION_DATABASE_URL (the owner; default
CONSOLE_DATABASE_URL), an explicit one, or a passed connection."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from console.config import get_settings
from console.db import make_engine
from console.migrate import include_object
from console.models import metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().effective_migration_database_url
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run `python3 run.py migrate`.")
run_migrations_online()
