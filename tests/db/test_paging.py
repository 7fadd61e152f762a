"""Server-side paging: request clamping, forward and reverse page reads, exact and estimated counts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.engine import Engine

from console.actor import SYSTEM
from console.db import get_engine, session_scope
from console.members.models import Member
from console.members.service import create_member
from console.paging import EXACT_COUNT_CAP, MAX_PAGE_SIZE, Page, PageRequest, exact_or_estimated_count, fetch_page
from tests.conftest import IS_POSTGRES

BASE = datetime(2024, 1, 1, tzinfo=UTC)
STATUSES = ("active", "suspended", "banned")


def bulk_members(n: int) -> None:
    """n members with many equal created_at values (ties broken by id) and some NULL last_login_at."""
    rows = []
    for i in range(n):
        created = BASE + timedelta(hours=(i * 7919) % 61)  # scrambled, with ties, unrelated to id order
        rows.append(
            {
                "email": f"m{i:04d}@paging.example",
                "username": f"m{i:04d}",
                "display_name": f"Member {i}",
                "country": ("DE", "US", "FR", None)[i % 4],
                "status": STATUSES[i % 3],
                "created_at": created,
                "updated_at": created,
                "last_login_at": None if i % 5 == 0 else BASE + timedelta(days=(i * 31) % 23),
                "version": 1,
            }
        )
    with session_scope() as session:
        session.execute(insert(Member), rows)


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    """SQL sent through the engine session_scope() uses (clean_db re-configures it for every test)."""
    seen: list[str] = []
    current = get_engine()

    def capture(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(current, "before_cursor_execute", capture)
    yield seen
    event.remove(current, "before_cursor_execute", capture)


# --- PageRequest --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "size", "expected"),
    [
        (1, 25, (1, 25)),
        (0, 25, (1, 25)),
        (-7, 25, (1, 25)),
        (3, 0, (3, 1)),
        (3, -10, (3, 1)),
        (2, 200, (2, 200)),
        (2, 201, (2, 200)),
        (2, 10_000, (2, MAX_PAGE_SIZE)),
        ("4", "30", (4, 30)),
    ],
)
def test_page_request_clamps(page: Any, size: Any, expected: tuple[int, int]) -> None:
    request = PageRequest(page, size)
    assert (request.page, request.size) == expected
    assert request.offset == (expected[0] - 1) * expected[1]


def test_page_last_page() -> None:
    assert Page(rows=[], total=0, request=PageRequest(1, 25)).last_page == 1
    assert Page(rows=[], total=25, request=PageRequest(1, 25)).last_page == 1
    assert Page(rows=[], total=26, request=PageRequest(1, 25)).last_page == 2
    assert Page(rows=[], total=237, request=PageRequest(1, 25)).last_page == 10


# --- fetch_page ---------------------------------------------------------------------------------------------

ORDERS: dict[str, list[tuple[Any, bool]]] = {
    "created_desc": [(Member.created_at, True), (Member.id, True)],
    "created_asc": [(Member.created_at, False), (Member.id, False)],
    "login_desc_nulls": [(Member.last_login_at, True), (Member.id, True)],
    "login_asc_nulls": [(Member.last_login_at, False), (Member.id, False)],
    "mixed": [(Member.country, False), (Member.created_at, True), (Member.id, False)],
}


@pytest.mark.parametrize("order_name", sorted(ORDERS))
@pytest.mark.parametrize("size", [7, 25, 50, 200])
def test_fetch_page_matches_plain_offset_queries(
    engine: Engine, statements: list[str], order_name: str, size: int
) -> None:
    bulk_members(237)
    order = ORDERS[order_name]
    forward = [col.desc() if desc else col.asc() for col, desc in order]
    query = select(Member)
    with session_scope() as session:
        total, estimated = exact_or_estimated_count(session, query)
        assert (total, estimated) == (237, False)
        everything = session.execute(select(Member.id).order_by(*forward)).scalars().all()
        assert len(everything) == 237
        last = -(-total // size)
        seen: list[int] = []
        for number in range(1, last + 2):
            request = PageRequest(number, size)
            expected = (
                session.execute(select(Member.id).order_by(*forward).offset(request.offset).limit(size)).scalars().all()
            )
            statements.clear()
            got = [m.id for m in fetch_page(session, query, order, request, total)]
            assert got == expected, f"page {number} of {last} (size {size})"
            reverse_path = total > 2 * size and request.offset > total // 2 and request.offset < total
            ran = [s for s in statements if "FROM members" in s]
            if reverse_path:
                # The last pages really are read backwards (the opposite direction of the first key).
                first_key_sql = ran[-1].split("ORDER BY", 1)[1].split(",", 1)[0]
                assert ("DESC" in first_key_sql) != order[0][1], first_key_sql
            seen.extend(got)
        assert seen == list(everything)  # no row twice, none missing
        assert fetch_page(session, query, order, PageRequest(last + 5, size), total) == []


def test_fetch_page_with_a_filter_and_members_created_through_the_service(engine: Engine) -> None:
    with session_scope() as session:
        for i in range(60):
            create_member(
                session,
                actor=SYSTEM,
                email=f"svc{i:03d}@paging.example",
                username=f"svc{i:03d}",
                display_name=f"Service {i}",
                status=STATUSES[i % 3],
                created_at=BASE + timedelta(minutes=i % 9),
            )
    query = select(Member).where(Member.status == "active")
    order = [(Member.created_at, True), (Member.id, True)]
    with session_scope() as session:
        total, _ = exact_or_estimated_count(session, query)
        assert total == 20
        expected = (
            session.execute(
                select(Member.id).where(Member.status == "active").order_by(Member.created_at.desc(), Member.id.desc())
            )
            .scalars()
            .all()
        )
        pages = [[m.id for m in fetch_page(session, query, order, PageRequest(n, 3), total)] for n in range(1, 8)]
    assert [len(p) for p in pages] == [3, 3, 3, 3, 3, 3, 2]
    assert [i for p in pages for i in p] == list(expected)


# --- exact_or_estimated_count -------------------------------------------------------------------------------


def test_count_is_exact_under_the_cap(engine: Engine) -> None:
    if IS_POSTGRES:
        # As a table is after TRUNCATE: no statistics. The tests before emptied members with DELETE, which keeps
        # the planner's last row count (2,500 after the scale seed's ANALYZE) and made the estimate ~2,700 here.
        with engine.begin() as conn:
            conn.exec_driver_sql("TRUNCATE members CASCADE")
    bulk_members(50)
    with session_scope() as session:
        assert exact_or_estimated_count(session, select(Member)) == (50, False)
        assert exact_or_estimated_count(session, select(Member).where(Member.status == "active")) == (17, False)
        assert exact_or_estimated_count(session, select(Member).where(Member.country.is_(None))) == (12, False)
        assert exact_or_estimated_count(session, select(Member).where(Member.email == "nobody")) == (0, False)
        # Ordering in the query does not matter; exactly at the cap is still exact.
        assert exact_or_estimated_count(session, select(Member).order_by(Member.created_at), cap=50) == (50, False)
        assert EXACT_COUNT_CAP >= 10_000


@pytest.mark.skipif(IS_POSTGRES, reason="SQLite has no planner estimate: it always counts")
def test_sqlite_counts_exactly_whatever_the_cap(engine: Engine) -> None:
    bulk_members(50)
    with session_scope() as session:
        assert exact_or_estimated_count(session, select(Member), cap=10) == (50, False)


@pytest.mark.skipif(not IS_POSTGRES, reason="planner estimates exist on PostgreSQL only")
def test_postgresql_estimates_past_the_cap(engine: Engine) -> None:
    bulk_members(50)
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE members")
    with session_scope() as session:
        total, estimated = exact_or_estimated_count(session, select(Member), cap=10)
        assert estimated is True
        assert 40 <= total <= 60, total
        total, estimated = exact_or_estimated_count(session, select(Member).where(Member.status == "active"), cap=10)
        assert estimated is True
        assert 11 <= total <= 50, total  # never below what the capped probe already counted
        assert exact_or_estimated_count(session, select(Member), cap=49)[1] is True
        assert exact_or_estimated_count(session, select(Member), cap=50) == (50, False)


@pytest.mark.skipif(not IS_POSTGRES, reason="planner estimates exist on PostgreSQL only")
def test_postgresql_estimate_binds_like_and_datetime_parameters(engine: Engine) -> None:
    bulk_members(50)
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE members")
    query = select(Member).where(
        Member.email.startswith("m00", autoescape=True),
        Member.created_at >= BASE,
        Member.last_login_at.is_not(None),
    )
    with session_scope() as session:
        exact, _ = exact_or_estimated_count(session, query)
        assert exact == 40
        total, estimated = exact_or_estimated_count(session, query, cap=5)
    assert estimated is True
    assert 6 <= total <= 100, total
