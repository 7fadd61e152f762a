"""Server-side paging shared by every list: one page of rows plus a total.

Totals are exact up to `EXACT_COUNT_CAP` rows; past that PostgreSQL's planner estimate is used
(a count(*) over a million rows costs more than the page itself) and the page says "about".
Pages past the middle are read in reverse order from the end, so the last page is as fast as the first.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, literal_column, select
from sqlalchemy.orm import Session

T = TypeVar("T")
EXACT_COUNT_CAP = 10_000
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    size: int = 25
    sort: str | None = None
    descending: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "page", max(1, int(self.page)))
        object.__setattr__(self, "size", min(MAX_PAGE_SIZE, max(1, int(self.size))))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


@dataclass
class Page(Generic[T]):
    rows: list[T]
    total: int
    estimated: bool = False
    request: PageRequest = field(default_factory=PageRequest)

    @property
    def last_page(self) -> int:
        return max(1, -(-self.total // self.request.size))


PROBE_FACTOR = 8  # counted exactly when the planner expects at most 8x the cap (a bounded probe of cap + 1 rows)
PROBE_FLOOR = 2_000  # ... or a couple of thousand rows: an empty table's guess (10 pages) is several hundred


def exact_or_estimated_count(session: Session, query: Select[Any], cap: int = EXACT_COUNT_CAP) -> tuple[int, bool]:
    """(total, estimated). SQLite counts exactly. PostgreSQL asks the planner first (well under a
    millisecond); only when it expects at most `cap` rows does it count, and that count is bounded by
    `cap` so a wrong estimate can never turn into a full scan."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        counted = select(func.count()).select_from(query.order_by(None).subquery())
        return int(session.execute(counted).scalar_one()), False
    # render_postcompile: IN (...) lists become plain parameters the raw EXPLAIN can take.
    compiled = query.order_by(None).compile(dialect=bind.dialect, compile_kwargs={"render_postcompile": True})
    plan = session.connection().exec_driver_sql("EXPLAIN (FORMAT JSON) " + str(compiled), compiled.params).scalar()
    if isinstance(plan, str):
        plan = json.loads(plan)
    estimate = int(plan[0]["Plan"]["Plan Rows"]) if plan else cap + 1
    # Far past the cap: trust the planner. Near it, count (at most cap + 1 rows): a table never analysed since it
    # was emptied is guessed at ~10 pages (hundreds of rows) whatever it holds, and a small list must not say
    # "about 410" when it holds 50.
    if estimate > max(cap * PROBE_FACTOR, PROBE_FLOOR):
        return estimate, True
    probe: Select[Any] = query.order_by(None).with_only_columns(literal_column("1"), maintain_column_froms=True)
    capped = int(session.execute(select(func.count()).select_from(probe.limit(cap + 1).subquery())).scalar_one())
    if capped <= cap:
        return capped, False
    return max(estimate, capped), True


def fetch_page(
    session: Session,
    query: Select[Any],
    order: Sequence[tuple[Any, bool]],
    page: PageRequest,
    total: int,
    *,
    estimated: bool = False,
) -> list[Any]:
    """Rows of one page; `order` is (column, descending) pairs ending with a unique column.

    With an exact total, pages past the middle are read backwards from the end (cheap offsets). With an
    estimated total only the last page is: it shows the true last rows whatever the estimate says, while
    other pages keep forward offsets so no row is shown twice or skipped.
    """
    forward = [col.desc() if desc else col.asc() for col, desc in order]
    backward = [col.asc() if desc else col.desc() for col, desc in order]
    offset = page.offset
    if estimated:
        last_page = max(1, -(-total // page.size))
        if page.page >= last_page and page.page > 1:
            rows = session.execute(query.order_by(*backward).limit(page.size)).scalars().all()
            return list(reversed(rows))
    elif total > 2 * page.size and offset > total // 2:
        remaining = total - offset
        if remaining <= 0:
            return []
        reverse_offset = max(remaining - page.size, 0)
        limit = min(page.size, remaining)
        rows = session.execute(query.order_by(*backward).offset(reverse_offset).limit(limit)).scalars().all()
        return list(reversed(rows))
    return list(session.execute(query.order_by(*forward).offset(offset).limit(page.size)).scalars().all())
