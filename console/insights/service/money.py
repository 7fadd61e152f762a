"""Money metrics for the executive dashboards: revenue, refunds, failed payments (from insights_revenue_daily and
insights_refund_reasons_daily). MRR, churn, ARPU, LTV, trial conversion and cohorts are in `money_mrr.py` and
re-exported here. Every function requires INSIGHTS_READ, reads only rollup tables (aggregated in SQL; Python only
buckets the aggregates) and carries its definition (DEFINITIONS: shown on the page, in a hover, in the README).

Amounts are in the currency's major unit (cents ÷ 100), one currency at a time (`currency`, default USD).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.billing.models import Payment, Plan, Refund, Subscription
from console.errors import ValidationFailed
from console.insights.models import RefundReasonDaily, RevenueDaily
from console.insights.periods import Grain, Period, bucket_start, buckets, previous
from console.insights.rollup_money import GROSS_STATES, day_bounds
from console.insights.series import Kpi, Series
from console.members.models import Member
from console.paging import Page, PageRequest
from console.staff.permissions import Permission, require

DEFINITIONS: dict[str, str] = {
    "gross": "Gross revenue: payments that succeeded (including ones later refunded), by the UTC day they were made.",
    "refunds": "Refunds: money returned by refunds that succeeded, by the UTC day the refund settled.",
    "net": "Net revenue: gross revenue minus refunds of the same days.",
    "by_kind": "Net revenue per kind of payment (subscription, rental, purchase, ppv, credits); tips are shown net "
    "of the platform fee (what the creators get), and the platform fee of tips is its own series.",
    "by_plan": 'Net revenue per subscription plan (payments of a subscription; other payments: "no plan").',
    "by_country": 'Net revenue per member country ("no country": the member gave none).',
    "by_provider": "Net revenue per payment provider (Stripe or Apple).",
    "refund_rate": "Refund rate: refunds settled in the period ÷ gross revenue of the period.",
    "refunds_by_reason": "Refunds settled in the period, per reason given when the refund was requested.",
    "failed_payment_rate": "Failed payment rate: payments that failed ÷ payments attempted (succeeded or failed) "
    "in the period.",
}
DIMENSIONS = {"kind": "kind", "plan": "plan_code", "country": "country", "provider": "provider"}
TIP_FEE = "tip platform fee"
NO_VALUE = {"plan": "no plan", "country": "no country"}  # the rollup's '' (a legend entry with no name)


def _major(cents: float) -> float:
    return round(float(cents or 0) / 100.0, 2)


def _points(values: dict[date, float], period: Period, grain: Grain) -> list[tuple[date, float]]:
    return [(start, values.get(start, 0.0)) for start in buckets(period, grain)]


def _bucketed(rows: Iterable[Any], grain: Grain) -> dict[date, float]:
    out: dict[date, float] = defaultdict(float)
    for day, value in rows:
        out[bucket_start(day, grain)] += float(value or 0)
    return out


def _in_period(column: Any, period: Period) -> Any:
    return and_(column >= period.start, column <= period.end)


def revenue(session: Session, *, actor: Actor, period: Period, grain: Grain, currency: str = "USD") -> list[Series]:
    """Gross, refunds and net per bucket."""
    require(actor, Permission.INSIGHTS_READ)
    r = RevenueDaily
    rows = session.execute(
        select(r.day, func.sum(r.gross_cents), func.sum(r.refunded_cents))
        .where(_in_period(r.day, period), r.currency == currency)
        .group_by(r.day)
    ).all()
    gross = _bucketed(((d, _major(g)) for d, g, _ in rows), grain)
    back = _bucketed(((d, _major(b)) for d, _, b in rows), grain)
    net = {k: round(gross.get(k, 0.0) - back.get(k, 0.0), 2) for k in set(gross) | set(back)}
    return [
        Series("Gross", _points(gross, period, grain), DEFINITIONS["gross"], currency),
        Series("Refunds", _points(back, period, grain), DEFINITIONS["refunds"], currency),
        Series("Net", _points(net, period, grain), DEFINITIONS["net"], currency),
    ]


def revenue_by(
    session: Session, *, actor: Actor, period: Period, grain: Grain, by: str, currency: str = "USD"
) -> list[Series]:
    """Net revenue per bucket and value of `by` (kind, plan, country, provider), one series per value."""
    require(actor, Permission.INSIGHTS_READ)
    if by not in DIMENSIONS:
        raise ValidationFailed({"by": f"must be one of {', '.join(DIMENSIONS)}"})
    r = RevenueDaily
    key = getattr(r, DIMENSIONS[by])
    rows = session.execute(
        select(r.day, key, func.sum(r.gross_cents - r.refunded_cents), func.sum(r.fee_cents))
        .where(_in_period(r.day, period), r.currency == currency)
        .group_by(r.day, key)
        .order_by(key)
    ).all()
    per_key: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for day, value, net, fee in rows:
        if by == "kind" and value == "tip":
            per_key[TIP_FEE].append((day, _major(fee)))
            net = net - fee
        per_key[value or NO_VALUE.get(by, "none")].append((day, _major(net)))
    definition = DEFINITIONS[f"by_{by}"]
    return [
        Series(name, _points(_bucketed(points, grain), period, grain), definition, currency)
        for name, points in sorted(per_key.items())
    ]


def _totals(session: Session, period: Period, currency: str) -> tuple[int, int, int, int]:
    r = RevenueDaily
    row = session.execute(
        select(
            func.coalesce(func.sum(r.gross_cents), 0),
            func.coalesce(func.sum(r.refunded_cents), 0),
            func.coalesce(func.sum(r.payments), 0),
            func.coalesce(func.sum(r.failed_payments), 0),
        ).where(_in_period(r.day, period), r.currency == currency)
    ).one()
    return int(row[0]), int(row[1]), int(row[2]), int(row[3])


def _ratio(part: float, whole: float) -> float | None:
    return None if not whole else round(100.0 * part / whole, 4)


def refund_rate(
    session: Session, *, actor: Actor, period: Period, grain: Grain | None = None, currency: str = "USD"
) -> Kpi:
    require(actor, Permission.INSIGHTS_READ)
    now, before = _totals(session, period, currency), _totals(session, previous(period), currency)
    return Kpi(
        "Refund rate", _ratio(now[1], now[0]), _ratio(before[1], before[0]), "%", DEFINITIONS["refund_rate"], True
    )


def failed_payment_rate(
    session: Session, *, actor: Actor, period: Period, grain: Grain | None = None, currency: str = "USD"
) -> Kpi:
    require(actor, Permission.INSIGHTS_READ)
    now, before = _totals(session, period, currency), _totals(session, previous(period), currency)
    return Kpi(
        "Failed payment rate",
        _ratio(now[3], now[2] + now[3]),
        _ratio(before[3], before[2] + before[3]),
        "%",
        DEFINITIONS["failed_payment_rate"],
        lower_is_better=True,
    )


def refunds_by_reason(
    session: Session, *, actor: Actor, period: Period, grain: Grain, currency: str = "USD"
) -> list[Series]:
    require(actor, Permission.INSIGHTS_READ)
    r = RefundReasonDaily
    rows = session.execute(
        select(r.day, r.reason, func.sum(r.amount_cents))
        .where(_in_period(r.day, period), r.currency == currency)
        .group_by(r.day, r.reason)
    ).all()
    per_reason: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for day, reason, cents in rows:
        per_reason[reason].append((day, _major(cents)))
    return [
        Series(reason, _points(_bucketed(points, grain), period, grain), DEFINITIONS["refunds_by_reason"], currency)
        for reason, points in sorted(per_reason.items())
    ]


# --- drill-downs: the raw rows behind a point ------------------------------------------------------------------


def _paged(session: Session, query: Any, order: list[Any], page: PageRequest) -> Page[dict[str, Any]]:
    total = int(session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one())
    rows = session.execute(query.order_by(*order).offset(page.offset).limit(page.size)).mappings().all()
    return Page(rows=[dict(row) for row in rows], total=total, request=page)


def payments_behind(
    session: Session,
    *,
    actor: Actor,
    start: date,
    end: date,
    failed: bool = False,
    kind: str | None = None,
    currency: str = "USD",
    page: PageRequest | None = None,
) -> Page[dict[str, Any]]:
    """The payments behind gross (or, with failed=True, the failed payments) of the days start..end inclusive."""
    require(actor, Permission.INSIGHTS_READ)
    p = Payment
    low, high = day_bounds(start)[0], day_bounds(end)[1]
    query = (
        select(
            p.id,
            p.created_at,
            p.member_id,
            Member.email.label("member_email"),
            p.kind,
            func.coalesce(Plan.code, "").label("plan_code"),
            p.provider,
            p.status,
            p.amount_cents,
            p.refunded_cents,
            p.currency,
        )
        .join(Member, Member.id == p.member_id)
        .outerjoin(Subscription, Subscription.id == p.subscription_id)
        .outerjoin(Plan, Plan.id == Subscription.plan_id)
        .where(p.created_at >= low, p.created_at < high, p.currency == currency)
        .where(p.status == "failed" if failed else p.status.in_(GROSS_STATES))
    )
    if kind:
        query = query.where(p.kind == kind)
    return _paged(session, query, [p.created_at, p.id], page or PageRequest())


def refunds_behind(
    session: Session,
    *,
    actor: Actor,
    start: date,
    end: date,
    reason: str | None = None,
    currency: str = "USD",
    page: PageRequest | None = None,
) -> Page[dict[str, Any]]:
    """The succeeded refunds settled in the days start..end inclusive (optionally of one reason)."""
    require(actor, Permission.INSIGHTS_READ)
    r = Refund
    low, high = day_bounds(start)[0], day_bounds(end)[1]
    query = (
        select(
            r.id,
            r.settled_at,
            r.payment_id,
            Payment.member_id,
            Payment.kind,
            r.reason,
            r.amount_cents,
            r.currency,
            Payment.created_at.label("payment_created_at"),
        )
        .join(Payment, Payment.id == r.payment_id)
        .where(r.status == "succeeded", r.settled_at >= low, r.settled_at < high, r.currency == currency)
    )
    if reason:
        query = query.where(r.reason == reason)
    return _paged(session, query, [r.settled_at, r.id], page or PageRequest())


from console.insights.service.money_members import (  # noqa: E402
    cohort_members,
    movement_members,
    mrr_members,
)
from console.insights.service.money_mrr import (  # noqa: E402  (re-exported: one import for the pages)
    MRR_DEFINITIONS,
    arpu,
    cohort_retention,
    ltv,
    mrr,
    mrr_movements,
    revenue_churn,
    subscriber_churn,
    trial_conversion,
)

DEFINITIONS.update(MRR_DEFINITIONS)

__all__ = [
    "DEFINITIONS",
    "arpu",
    "cohort_members",
    "cohort_retention",
    "failed_payment_rate",
    "ltv",
    "movement_members",
    "mrr",
    "mrr_members",
    "mrr_movements",
    "payments_behind",
    "refund_rate",
    "refunds_behind",
    "refunds_by_reason",
    "revenue",
    "revenue_by",
    "revenue_churn",
    "subscriber_churn",
    "trial_conversion",
]
