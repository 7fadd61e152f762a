"""Read sessions for the insights charts: on the read replica (CONSOLE_READ_DATABASE_URL) when it is set, so
dashboards never slow the staff who write; else on the console's own database. Read-only by use: whatever the
block did is rolled back at its end, never committed (a replica would refuse the write anyway)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from console import db
from console.config import get_settings

_lock = threading.Lock()
_cached: tuple[str, Engine, sessionmaker[Session]] | None = None


def _replica_factory(url: str) -> sessionmaker[Session]:
    """The replica's engine and session factory, made once per URL (a new URL disposes the old engine)."""
    global _cached
    with _lock:
        if _cached is not None and _cached[0] == url:
            return _cached[2]
        if _cached is not None:
            _cached[1].dispose()
        options: dict[str, Any] = {"poolclass": NullPool} if get_settings().db_pool == "null" else {}
        engine = db.make_engine(url, **options)
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        _cached = (url, engine, factory)
        return factory


def dispose() -> None:
    """Drop the cached replica engine (tests, and a settings change)."""
    global _cached
    with _lock:
        if _cached is not None:
            _cached[1].dispose()
        _cached = None


def uses_replica() -> bool:
    return bool(get_settings().read_database_url)


@contextmanager
def read_session() -> Iterator[Session]:
    """A session for reading charts: the replica's when CONSOLE_READ_DATABASE_URL is set, else the normal one.
    Always rolled back at the end: nothing done in it is ever committed."""
    url = get_settings().read_database_url
    if not url:
        with db.session_scope() as session:
            try:
                yield session
            finally:
                session.rollback()
        return
    session = _replica_factory(url)()
    try:
        yield session
    finally:
        session.rollback()
        session.close()
