"""Closed months' MRR is kept as first rolled up after their close; `rebuild` (CLI --rebuild) recomputes it, audited;
the open month follows today's subscriptions. Over the hand-computed book (tests/insights/money_fixture.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from console import cli
from console.actor import SYSTEM
from console.audit.models import AuditEvent
from console.billing.models import Subscription
from console.db import session_scope, utcnow
from console.errors import ValidationFailed
from console.insights import rollup
from console.insights.models import InsightsRollupRun, MrrMonthly, MrrMovementMonthly
from tests.insights.money_fixture import Book, _member, at, build

FEB = date(2026, 2, 1)


def _book(month: date) -> dict[int, tuple[int, str]]:
    m = MrrMonthly
    with session_scope() as s:
        rows = s.execute(select(m.member_id, m.mrr_cents, m.plan_code).where(m.month == month)).all()
    return {member: (cents, plan) for member, cents, plan in rows}


def _moves(month: date) -> dict[str, tuple[int, int]]:
    v = MrrMovementMonthly
    with session_scope() as s:
        rows = s.execute(select(v.movement, v.members, v.mrr_cents).where(v.month == month)).all()
    return {movement: (n, cents) for movement, n, cents in rows}


def _b_upgrades_in_place_and_cancels_in_march(book: Book) -> None:
    """What B's one subscription row looks like after March: moved to premium in place, then canceled on 03-10."""
    with session_scope() as s:
        sub = s.execute(select(Subscription).where(Subscription.member_id == book.ids["b"])).scalar_one()
        sub.plan_id = book.plans["premium"]
        sub.status, sub.canceled_at = "canceled", at(3, 10)


def _rebuilds() -> list[AuditEvent]:
    with session_scope() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == "insights.mrr_rebuild")).all())


def test_a_closed_month_is_kept_after_a_later_cancellation_and_a_rebuild_changes_it() -> None:
    book = build()
    rollup.rollup_span(actor=SYSTEM, start=date(2026, 1, 1), end=date(2026, 3, 31), areas=["mrr"])
    a, b = book.ids["a"], book.ids["b"]
    assert _book(FEB) == {a: (2000, "premium"), b: (1000, "yearly")}
    feb_moves = _moves(FEB)
    assert feb_moves == {"expansion": (1, 1000), "new": (1, 1000)}
    _b_upgrades_in_place_and_cancels_in_march(book)

    with session_scope() as s:  # a later pass over a day of February (--day, a span, a pending pass)
        [result] = rollup.rollup_day(s, actor=SYSTEM, day=date(2026, 2, 20), areas=["mrr"])
    assert result.kept and result.rows == 2 and result.error is None
    assert _book(FEB) == {a: (2000, "premium"), b: (1000, "yearly")}
    assert _moves(FEB) == feb_moves
    rollup.rollup_span(actor=SYSTEM, start=date(2026, 2, 1), end=date(2026, 2, 28), areas=["mrr"])
    assert _book(FEB)[b] == (1000, "yearly")
    assert _rebuilds() == []

    with session_scope() as s:
        [result] = rollup.rollup_day(s, actor=SYSTEM, day=date(2026, 2, 20), areas=["mrr"], rebuild=True)
    assert not result.kept
    assert _book(FEB) == {a: (2000, "premium"), b: (2000, "premium")}  # today's rows rewrite the history
    assert _moves(FEB) == {"expansion": (1, 1000), "new": (1, 2000)}
    [event] = _rebuilds()
    assert event.entity_id == "2026-02-01" and event.actor_kind == "system"
    assert (event.before["mrr_cents"], event.after["mrr_cents"]) == (3000, 4000)
    assert event.before["movements"]["new/USD"] == [1, 1000] and event.after["movements"]["new/USD"] == [1, 2000]
    with session_scope() as s:
        [result] = rollup.rollup_day(s, actor=SYSTEM, day=date(2026, 2, 21), areas=["mrr"])
    assert result.kept and _book(FEB)[b] == (2000, "premium")  # the rebuild is what is kept from now on


def test_a_month_rolled_up_only_before_its_close_is_recomputed_once_after_it() -> None:
    book = build()
    with session_scope() as s:  # the job ran on 2026-02-20, while February was open
        s.add(InsightsRollupRun(area="mrr", day=date(2026, 2, 20), started_at=at(2, 20), finished_at=at(2, 20)))
    _b_upgrades_in_place_and_cancels_in_march(book)
    with session_scope() as s:
        assert not rollup.mrr_month_kept(s, FEB)
        [result] = rollup.rollup_day(s, actor=SYSTEM, day=date(2026, 2, 28), areas=["mrr"])
        assert not result.kept
    assert _book(FEB)[book.ids["b"]] == (2000, "premium")
    with session_scope() as s:
        assert rollup.mrr_month_kept(s, date(2026, 2, 14))
        assert not rollup.mrr_month_kept(s, date(2026, 3, 1))
        s.add(InsightsRollupRun(area="mrr", day=date(2026, 3, 5), started_at=at(4, 2), error="boom"))
        assert not rollup.mrr_month_kept(s, date(2026, 3, 1))  # a failed run freezes nothing


def test_the_open_month_follows_todays_subscriptions() -> None:
    book = Book()
    book.ids["o"] = _member("o", "US")
    today = utcnow().date()
    start = datetime(today.year, today.month, 1, 0, 1, tzinfo=UTC)
    with session_scope() as s:
        book.plan(s, "basic", 1000)
        book.plan(s, "premium", 2000)
        sub = book.sub(s, "o", "basic", start)
    month = today.replace(day=1)
    with session_scope() as s:
        rollup.rollup_day(s, actor=SYSTEM, day=today, areas=["mrr"])
    assert _book(month) == {book.ids["o"]: (1000, "basic")}
    with session_scope() as s:
        s.get_one(Subscription, sub).plan_id = book.plans["premium"]
    with session_scope() as s:
        [result] = rollup.rollup_day(s, actor=SYSTEM, day=today, areas=["mrr"])
    assert not result.kept
    assert _book(month) == {book.ids["o"]: (2000, "premium")}
    assert _moves(month) == {"new": (1, 2000)}


def test_rebuild_needs_the_mrr_area() -> None:
    with pytest.raises(ValidationFailed), session_scope() as s:
        rollup.rollup_day(s, actor=SYSTEM, day=FEB, areas=["revenue"], rebuild=True)


def test_cli_keeps_closed_months_and_rebuilds_each_month_once(capsys: pytest.CaptureFixture[str]) -> None:
    book = build()
    assert cli.main(["insights", "rollup", "--from", "2026-01-31", "--to", "2026-02-01", "--areas", "mrr"]) == 0
    out = capsys.readouterr().out
    assert "2026-01-31 mrr: 1 rows" in out and "2026-02-01 mrr: 2 rows" in out
    _b_upgrades_in_place_and_cancels_in_march(book)
    assert cli.main(["insights", "rollup", "--day", "2026-02-05", "--areas", "mrr"]) == 0
    assert "2026-02-05 mrr: kept (2 rows; a closed month, --rebuild recomputes it)" in capsys.readouterr().out
    assert _book(FEB)[book.ids["b"]] == (1000, "yearly")
    args = ["insights", "rollup", "--from", "2026-02-05", "--to", "2026-02-07", "--areas", "mrr", "--rebuild"]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "2026-02-05 mrr: 2 rows" in out and out.count("kept") == 2  # rebuilt on the first day, then kept
    assert _book(FEB)[book.ids["b"]] == (2000, "premium")
    assert [e.entity_id for e in _rebuilds()] == ["2026-02-01"]
    assert cli.main(["insights", "rollup", "--rebuild"]) == 2
    assert "--rebuild needs --day" in capsys.readouterr().err
    assert cli.main(["insights", "rollup", "--day", "2026-02-05", "--areas", "revenue", "--rebuild"]) == 2
    assert "mrr area" in capsys.readouterr().err


def test_today_is_never_frozen() -> None:
    with session_scope() as s:
        # a run of today, started now: (now + 1 minute crossed into the next month when run at 23:59 on its last day)
        s.add(InsightsRollupRun(area="mrr", day=utcnow().date(), started_at=utcnow()))
        assert not rollup.mrr_month_kept(s, utcnow().date())
