"""read_session(): the console's own database by default, the replica when CONSOLE_READ_DATABASE_URL is set (its
own cached engine), and never a commit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from console import db
from console.config import get_settings
from console.insights import readdb
from console.insights.models import MembersDaily


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    readdb.dispose()
    yield
    readdb.dispose()


def _count() -> int:
    with db.session_scope() as session:
        return session.scalar(select(func.count()).select_from(MembersDaily)) or 0


def test_without_a_replica_it_reads_the_console_database_and_commits_nothing() -> None:
    with db.session_scope() as session:
        session.add(MembersDaily(day=date(2026, 1, 1), dimension="signups", key="US", value=3))
    assert not readdb.uses_replica()
    with readdb.read_session() as session:
        assert session.scalar(select(MembersDaily.value)) == 3
        session.add(MembersDaily(day=date(2026, 1, 2), dimension="signups", key="US", value=1))
        session.flush()
    assert _count() == 1  # rolled back, not committed


def test_a_replica_url_gets_its_own_cached_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    replica = tmp_path / "replica.db"
    url = f"sqlite:///{replica}"
    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE marker (name TEXT)"))
        conn.execute(text("INSERT INTO marker VALUES ('replica')"))
    engine.dispose()
    monkeypatch.setenv("CONSOLE_READ_DATABASE_URL", url)
    get_settings.cache_clear()
    with readdb.read_session() as session:
        assert session.execute(text("SELECT name FROM marker")).scalar() == "replica"
        first = session.get_bind()
        session.execute(text("INSERT INTO marker VALUES ('written')"))
    with readdb.read_session() as session:
        assert session.get_bind() is first  # cached
        assert session.execute(text("SELECT count(*) FROM marker")).scalar() == 1  # the write was rolled back
    monkeypatch.delenv("CONSOLE_READ_DATABASE_URL")
    get_settings.cache_clear()
