"""The money rollups against hand-computed values and against direct aggregates of the raw rows."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from console.billing.models import Payment, Refund
from console.db import session_scope
from console.insights.models import (
    MrrCohortMonthly,
    MrrMonthly,
    MrrMovementMonthly,
    RefundReasonDaily,
    RevenueDaily,
)
from console.insights.rollup_money import GROSS_STATES, day_bounds, rollup_mrr_month, rollup_revenue_day
from tests.insights.money_fixture import MONTHS, build, busy_days, roll_up, roll_up_book


def _revenue_rows(day: date) -> set[tuple[object, ...]]:
    r = RevenueDaily
    with session_scope() as s:
        rows = s.execute(
            select(
                r.kind,
                r.plan_code,
                r.country,
                r.provider,
                r.gross_cents,
                r.refunded_cents,
                r.fee_cents,
                r.payments,
                r.failed_payments,
                r.refunds,
            ).where(r.day == day)
        ).all()
    return {tuple(row) for row in rows}


def test_revenue_day_hand_computed() -> None:
    build()
    roll_up()
    assert _revenue_rows(date(2026, 3, 5)) == {
        ("tip", "", "DE", "stripe", 500, 0, 100, 1, 0, 0),
        ("subscription", "yearly", "DE", "stripe", 0, 3000, 0, 0, 0, 1),  # the refund of a February payment
        ("subscription", "", "", "stripe", 0, 0, 0, 0, 1, 0),  # G's failed payment
    }
    assert _revenue_rows(date(2026, 2, 1)) == {("subscription", "yearly", "DE", "stripe", 12000, 0, 0, 1, 0, 0)}
    assert _revenue_rows(date(2026, 5, 1)) == set()
    with session_scope() as s:
        reasons = s.execute(
            select(RefundReasonDaily.day, RefundReasonDaily.reason, RefundReasonDaily.amount_cents)
        ).all()
    assert reasons == [(date(2026, 3, 5), "requested_by_customer", 3000)]


def _rolled_up_tables() -> dict[str, set[tuple[object, ...]]]:
    with session_scope() as s:
        return {
            model.__tablename__: {tuple(row) for row in s.execute(select(*model.__table__.columns)).all()}
            for model in (RevenueDaily, RefundReasonDaily, MrrMonthly, MrrMovementMonthly, MrrCohortMonthly)
        }


def test_rolling_up_the_busy_days_leaves_what_rolling_up_every_day_does() -> None:
    """`roll_up_book()`, which the tests that read the rollups use, writes exactly the rows of `roll_up()`."""
    build()
    assert len(busy_days()) >= 8  # the book's payments and refunds fall on these days, from January to June
    roll_up_book()
    fast = _rolled_up_tables()
    assert all(fast.values()), fast
    roll_up()
    assert _rolled_up_tables() == fast


def test_revenue_rollup_equals_direct_aggregate_and_is_idempotent() -> None:
    build()
    roll_up()
    roll_up(date(2026, 3, 1), date(2026, 3, 31))  # again: same rows
    day = date(2026, 1, 1)
    with session_scope() as s:
        while day <= date(2026, 6, 30):
            low, high = day_bounds(day)
            gross = s.execute(
                select(func.coalesce(func.sum(Payment.amount_cents), 0)).where(
                    Payment.status.in_(GROSS_STATES), Payment.created_at >= low, Payment.created_at < high
                )
            ).scalar_one()
            back = s.execute(
                select(func.coalesce(func.sum(Refund.amount_cents), 0)).where(
                    Refund.status == "succeeded", Refund.settled_at >= low, Refund.settled_at < high
                )
            ).scalar_one()
            rolled = s.execute(
                select(
                    func.coalesce(func.sum(RevenueDaily.gross_cents), 0),
                    func.coalesce(func.sum(RevenueDaily.refunded_cents), 0),
                ).where(RevenueDaily.day == day)
            ).one()
            assert (int(rolled[0]), int(rolled[1])) == (int(gross), int(back)), day
            day += timedelta(days=1)
        total = s.execute(select(func.sum(RevenueDaily.gross_cents))).scalar_one()
    assert total == 22_500


def _mrr(month: date) -> dict[str, tuple[int, str, date]]:
    with session_scope() as s:
        rows = s.execute(
            select(MrrMonthly.member_id, MrrMonthly.mrr_cents, MrrMonthly.plan_code, MrrMonthly.first_paid_month).where(
                MrrMonthly.month == month
            )
        ).all()
    return {str(m): (cents, plan, cohort) for m, cents, plan, cohort in rows}


def test_mrr_month_hand_computed() -> None:
    book = build()
    roll_up()
    a, b, c = (str(book.ids[x]) for x in "abc")
    jan, feb, mar = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
    assert _mrr(jan) == {a: (1000, "basic", jan)}
    assert _mrr(feb) == {a: (2000, "premium", jan), b: (1000, "yearly", feb)}
    # C's trial ended on 03-15 (counted); H's trial was canceled unpaid; D's comp and E's free plan never count.
    assert _mrr(mar) == {a: (1000, "basic", jan), b: (1000, "yearly", feb), c: (2000, "premium", mar)}
    assert set(_mrr(date(2026, 4, 1))) == {b, c}  # A churned; F subscribed and canceled inside April
    assert _mrr(date(2026, 6, 1))[a] == (2000, "premium", jan)
    totals = []
    with session_scope() as s:
        for month in MONTHS:
            totals.append(s.execute(select(func.sum(MrrMonthly.mrr_cents)).where(MrrMonthly.month == month)).scalar())
    assert totals == [1000, 3000, 4000, 3000, 3000, 5000]


def test_movements_hand_computed_with_subscribe_and_cancel_in_one_month() -> None:
    build()
    roll_up()
    with session_scope() as s:
        rows = s.execute(
            select(
                MrrMovementMonthly.month,
                MrrMovementMonthly.movement,
                MrrMovementMonthly.members,
                MrrMovementMonthly.mrr_cents,
            )
        ).all()
    got = {(m.month, mv): (n, cents) for m, mv, n, cents in rows}
    assert got == {
        (1, "new"): (1, 1000),
        (2, "expansion"): (1, 1000),
        (2, "new"): (1, 1000),
        (3, "contraction"): (1, -1000),
        (3, "new"): (1, 2000),
        # A churns (-10.00); F subscribes and cancels inside April: new AND churned, as Stripe counts it.
        (4, "churned"): (2, -3000),
        (4, "new"): (1, 2000),
        (6, "reactivation"): (1, 2000),
    }


def test_mrr_rollup_replaces_the_month() -> None:
    build()
    with session_scope() as s:
        for month in MONTHS[:3]:
            assert rollup_mrr_month(s, month) >= 1
        first = s.execute(select(func.count()).select_from(MrrMovementMonthly)).scalar_one()
        assert rollup_mrr_month(s, date(2026, 3, 17)) == 3  # any day of the month: the whole month again
        assert s.execute(select(func.count()).select_from(MrrMovementMonthly)).scalar_one() == first
        assert rollup_revenue_day(s, date(2026, 3, 5)) == 3


def test_yearly_price_is_normalised_to_a_month_rounded_half_up() -> None:
    from tests.insights.money_fixture import Book, _member, at

    book = Book()
    book.ids["y"] = _member("y", "US")
    with session_scope() as s:
        book.plan(s, "odd_yearly", 9999, "year")  # 833.25 a month -> 833
        book.plan(s, "half_yearly", 10002, "year")  # 833.5 a month -> 834
        book.sub(s, "y", "odd_yearly", at(1, 3))
        book.sub(s, "y", "half_yearly", at(1, 4))
        rollup_mrr_month(s, date(2026, 1, 1))
        cents = s.execute(select(MrrMonthly.mrr_cents, MrrMonthly.first_paid_month)).one()
    assert tuple(cents) == (833 + 834, date(2026, 1, 1))  # no payment yet: the cohort is the subscription's month
