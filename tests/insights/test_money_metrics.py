"""The money metrics on the hand-computed book (tests/insights/money_fixture.py), drill-downs and role refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from console.actor import Actor
from console.db import session_scope
from console.errors import Forbidden, ValidationFailed
from console.insights.periods import Period
from console.insights.service import money
from tests.insights.money_fixture import build, roll_up_book

H1 = Period(date(2026, 1, 1), date(2026, 6, 30))
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
APRIL = Period(date(2026, 4, 1), date(2026, 4, 30))
JUNE = Period(date(2026, 6, 1), date(2026, 6, 30))
M = [date(2026, m, 1) for m in range(1, 7)]


@pytest.fixture
def executive(actor_with: Callable[..., Actor]) -> Actor:
    build()
    roll_up_book()
    return actor_with("executive")


def _values(series: list[money.Series], name: str) -> list[float]:
    return [v for _, v in next(s for s in series if s.name == name).points]


def test_revenue_by_month_and_day(executive: Actor) -> None:
    with session_scope() as s:
        monthly = money.revenue(s, actor=executive, period=H1, grain="month")
        daily = money.revenue(s, actor=executive, period=MARCH, grain="day")
    assert _values(monthly, "Gross") == [10.0, 140.0, 35.0, 20.0, 0.0, 20.0]
    assert _values(monthly, "Refunds") == [0.0, 0.0, 30.0, 0.0, 0.0, 0.0]
    assert _values(monthly, "Net") == [10.0, 140.0, 5.0, 20.0, 0.0, 20.0]
    assert [p[0] for p in monthly[0].points] == M
    assert len(daily[0].points) == 31 and dict(daily[0].points)[date(2026, 3, 15)] == 20.0
    assert all(series.definition for series in monthly)


def test_revenue_by_dimension(executive: Actor) -> None:
    with session_scope() as s:
        kinds = money.revenue_by(s, actor=executive, period=MARCH, grain="month", by="kind")
        countries = money.revenue_by(s, actor=executive, period=MARCH, grain="month", by="country")
        plans = money.revenue_by(s, actor=executive, period=MARCH, grain="month", by="plan")
        with pytest.raises(ValidationFailed):
            money.revenue_by(s, actor=executive, period=MARCH, grain="month", by="colour")
    # subscriptions 30.00 paid - 30.00 refunded; the 5.00 tip is 4.00 net of its 1.00 platform fee
    assert {x.name: x.total for x in kinds} == {"subscription": 0.0, "tip": 4.0, money.TIP_FEE: 1.0}
    assert {x.name: x.total for x in countries} == {"no country": 0.0, "DE": -25.0, "US": 30.0}  # not a nameless legend
    assert {x.name: x.total for x in plans} == {"no plan": 5.0, "basic": 10.0, "premium": 20.0, "yearly": -30.0}


def test_refund_and_failed_rates_and_reasons(executive: Actor) -> None:
    with session_scope() as s:
        rate = money.refund_rate(s, actor=executive, period=MARCH)
        failed = money.failed_payment_rate(s, actor=executive, period=MARCH)
        reasons = money.refunds_by_reason(s, actor=executive, period=MARCH, grain="month")
    assert rate.value == pytest.approx(100 * 3000 / 3500, abs=1e-3)
    assert rate.previous == 0.0  # 29 Jan - 28 Feb: 140.00 gross, nothing refunded
    assert failed.value == 25.0 and failed.previous == 0.0  # 1 failed of 4 attempts
    assert [(x.name, x.total) for x in reasons] == [("requested_by_customer", 30.0)]


def test_mrr_and_movements(executive: Actor) -> None:
    with session_scope() as s:
        book = money.mrr(s, actor=executive, period=H1)
        moves = money.mrr_movements(s, actor=executive, period=H1)
    assert _values(book, "MRR") == [10.0, 30.0, 40.0, 30.0, 30.0, 50.0]
    assert _values(book, "Paying subscribers") == [1, 2, 3, 2, 2, 3]
    assert _values(moves, "new") == [10.0, 10.0, 20.0, 20.0, 0.0, 0.0]
    assert _values(moves, "expansion") == [0.0, 10.0, 0.0, 0.0, 0.0, 0.0]
    assert _values(moves, "contraction") == [0.0, 0.0, -10.0, 0.0, 0.0, 0.0]
    assert _values(moves, "churned") == [0.0, 0.0, 0.0, -30.0, 0.0, 0.0]
    assert _values(moves, "reactivation") == [0.0, 0.0, 0.0, 0.0, 0.0, 20.0]
    assert _values(moves, "net") == [10.0, 20.0, 10.0, -10.0, 0.0, 20.0]  # = the MRR change month to month
    assert [m.name for m in moves if m.is_sum] == ["net"]  # drawn as a line over the movements' bars


def test_subscriber_churn_counts_subscribe_and_cancel_in_the_period_as_new_and_churned(executive: Actor) -> None:
    with session_scope() as s:
        april = money.subscriber_churn(s, actor=executive, period=APRIL)
    # churned: A and F; active at the start: A, B, C; new in April: F (subscribed and canceled inside April)
    assert april.value == 50.0
    assert april.previous == 0.0  # 2-31 March: nobody churned
    assert "Stripe" in april.definition


def test_revenue_churn_gross_and_net(executive: Actor) -> None:
    with session_scope() as s:
        gross, net = money.revenue_churn(s, actor=executive, period=MARCH)
        feb_gross, feb_net = money.revenue_churn(s, actor=executive, period=Period(date(2026, 2, 1), date(2026, 2, 28)))
        apr_gross, _ = money.revenue_churn(s, actor=executive, period=APRIL)
    assert gross.value == pytest.approx(100 / 3, abs=1e-3) and net.value == pytest.approx(100 / 3, abs=1e-3)
    assert feb_gross.value == 0.0 and feb_net.value == -100.0  # A's upgrade outgrew nothing lost
    assert apr_gross.value == 75.0  # 30.00 churned of 40.00


def test_arpu_ltv_trials(executive: Actor) -> None:
    with session_scope() as s:
        arpu = money.arpu(s, actor=executive, period=JUNE)
        ltv = money.ltv(s, actor=executive, period=JUNE)
        trials = money.trial_conversion(s, actor=executive, period=MARCH)
    assert arpu.value == 16.67 and arpu.previous == 15.0  # 50.00 / 3; May 30.00 / 2
    # churn Jan..Jun = 0, 0, 0, 2/4, 0, 0 -> average 1/12; LTV = (50/3) / (1/12) = 200
    assert ltv.value == 200.0
    assert trials.value == 50.0  # C converted, H did not


def test_cohort_retention(executive: Actor) -> None:
    with session_scope() as s:
        cohorts = money.cohort_retention(s, actor=executive, period=H1)
    assert cohorts.cohorts == M[:3] and cohorts.sizes == [1, 1, 1]
    assert cohorts.matrix == [
        [100.0, 100.0, 100.0, 0.0, 0.0, 100.0],
        [100.0, 100.0, 100.0, 100.0, 100.0, None],
        [100.0, 100.0, 100.0, 100.0, None, None],
    ]


def test_drill_downs(executive: Actor) -> None:
    with session_scope() as s:
        paid = money.payments_behind(s, actor=executive, start=date(2026, 3, 15), end=date(2026, 3, 15))
        failed = money.payments_behind(s, actor=executive, start=date(2026, 3, 1), end=date(2026, 3, 31), failed=True)
        refunds = money.refunds_behind(s, actor=executive, start=date(2026, 3, 1), end=date(2026, 3, 31))
        churned = money.movement_members(s, actor=executive, month=date(2026, 4, 1), movement="churned")
        with pytest.raises(ValidationFailed):
            money.movement_members(s, actor=executive, month=date(2026, 4, 1), movement="lost")
    assert paid.total == 1 and paid.rows[0]["amount_cents"] == 2000 and paid.rows[0]["plan_code"] == "premium"
    assert failed.total == 1 and failed.rows[0]["status"] == "failed"
    assert refunds.total == 1 and refunds.rows[0]["amount_cents"] == 3000
    assert [r["mrr_change_cents"] for r in churned.rows] == [-1000, -2000]  # A, then F (inside April); by member


@pytest.mark.parametrize("role", ["moderator", "content", "ads", "compliance"])
def test_roles_without_insights_are_refused(actor_with: Callable[..., Actor], role: str) -> None:
    actor = actor_with(role)
    with session_scope() as s:
        for call in (
            lambda: money.revenue(s, actor=actor, period=MARCH, grain="day"),
            lambda: money.mrr(s, actor=actor, period=MARCH),
            lambda: money.subscriber_churn(s, actor=actor, period=MARCH),
            lambda: money.cohort_retention(s, actor=actor, period=MARCH),
            lambda: money.payments_behind(s, actor=actor, start=MARCH.start, end=MARCH.end),
            lambda: money.movement_members(s, actor=actor, month=MARCH.start, movement="new"),
        ):
            with pytest.raises(Forbidden):
                call()


@pytest.mark.parametrize("role", ["executive", "finance", "admin"])
def test_insights_roles_may_read(actor_with: Callable[..., Actor], role: str) -> None:
    with session_scope() as s:
        assert money.refund_rate(s, actor=actor_with(role), period=MARCH).value is None  # nothing rolled up


def test_every_definition_is_written() -> None:
    for key in (
        "gross",
        "refunds",
        "net",
        "mrr",
        "movements",
        "subscriber_churn",
        "revenue_churn_gross",
        "revenue_churn_net",
        "arpu",
        "ltv",
        "trial_conversion",
        "cohorts",
        "refund_rate",
        "refunds_by_reason",
        "failed_payment_rate",
    ):
        assert len(money.DEFINITIONS[key]) > 40, key
