"""Subscription metrics: MRR and its movements, subscriber and revenue churn, ARPU, LTV, trial conversion and the
cohort retention matrix, from insights_mrr_monthly / insights_mrr_movements_monthly (subscriptions only for trial
conversion). Months: a period covers every month from the one holding its first day to the one holding its last;
each month is read at its end (see console/insights/rollup_money.py). Re-exported by `money.py`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.billing.models import Payment, Subscription
from console.insights.models import MrrCohortMonthly, MrrMovementMonthly
from console.insights.periods import Grain, Period, previous
from console.insights.rollup_money import (
    GROSS_STATES,
    MOVEMENTS,
    day_bounds,
    first_of_month,
    next_month,
    previous_month,
)
from console.insights.series import Kpi, Series
from console.staff.permissions import Permission, require

LTV_MONTHS = 6
MRR_DEFINITIONS: dict[str, str] = {
    "mrr": "MRR: at each month's end, the monthly-normalised price (yearly plans ÷ 12) of every active or past_due "
    "paid subscription; trials, free plans and comps are excluded. Paying subscribers: members with MRR.",
    "movements": "MRR movements, each month against the previous month's end: new (no MRR before), reactivation "
    "(none last month, some earlier), expansion / contraction (MRR up / down), churned (MRR last month, none now); "
    "net = their sum. As in Stripe's definition, a member who subscribes and cancels inside one month counts as "
    "new (or reactivation) and as churned that month.",
    "subscriber_churn": "Subscriber churn: members churned in the period's months ÷ (paying subscribers at the "
    "end of the month before + new and reactivated subscribers in the period). Who subscribes and cancels inside "
    "the period counts in both (Stripe's definition).",
    "revenue_churn_gross": "Gross revenue churn: MRR lost to churn and contraction in the period ÷ MRR at the end "
    "of the month before it.",
    "revenue_churn_net": "Net revenue churn: (MRR lost to churn and contraction − MRR gained by expansion) ÷ MRR "
    "at the end of the month before the period; negative when expansion outgrows losses.",
    "arpu": "ARPU: MRR ÷ paying subscribers, at the end of the period's last month.",
    "ltv": "LTV: ARPU ÷ the average monthly subscriber churn of the last six full months up to the period's end "
    "(none when nobody churned).",
    "trial_conversion": "Trial conversion: trials that ended in the period and were followed by a payment that "
    "succeeded on the same subscription ÷ trials that ended in the period (comps excluded).",
    "cohorts": "Cohort retention: members grouped by the month of their first succeeded subscription payment; each "
    "cell is the share of the cohort with MRR at the end of the month that many months later. A member with MRR "
    "before any payment succeeded (a failed first charge) joins the cohort of the month the payment succeeds.",
}


def _months(period: Period) -> list[date]:
    out, month = [], first_of_month(period.start)
    while month <= period.end:
        out.append(month)
        month = next_month(month)
    return out


def _major(cents: float) -> float:
    return round(float(cents or 0) / 100.0, 2)


def _book(session: Session, months: list[date], currency: str) -> dict[date, tuple[int, int]]:
    """(members, MRR cents) at each month's end, from the per-cohort totals (a few dozen rows a month). Each month
    is read once per session: a tab asks for the same month ends many times (churn, ARPU, LTV, previous periods)."""
    cache: dict[tuple[date, str], tuple[int, int]] = session.info.setdefault("insights_mrr_book", {})
    missing = [month for month in months if (month, currency) not in cache]
    if missing:
        c = MrrCohortMonthly
        rows = session.execute(
            select(c.month, func.sum(c.members), func.sum(c.mrr_cents))
            .where(c.month.in_(missing), c.currency == currency)
            .group_by(c.month)
        ).all()
        found = {month: (int(n), int(cents or 0)) for month, n, cents in rows}
        for month in missing:
            cache[(month, currency)] = found.get(month, (0, 0))
    return {month: cache[(month, currency)] for month in months}


def _moves(session: Session, months: list[date], currency: str) -> dict[str, tuple[int, int]]:
    """Members and MRR change per movement over the months."""
    v = MrrMovementMonthly
    rows = session.execute(
        select(v.movement, func.sum(v.members), func.sum(v.mrr_cents))
        .where(v.month.in_(months), v.currency == currency)
        .group_by(v.movement)
    ).all()
    return {movement: (int(n or 0), int(cents or 0)) for movement, n, cents in rows}


def mrr(
    session: Session, *, actor: Actor, period: Period, grain: Grain | None = None, currency: str = "USD"
) -> list[Series]:
    """MRR and paying subscribers at each month's end of the period (monthly whatever the grain)."""
    require(actor, Permission.INSIGHTS_READ)
    months = _months(period)
    book = _book(session, months, currency)
    return [
        Series("MRR", [(m, _major(book.get(m, (0, 0))[1])) for m in months], MRR_DEFINITIONS["mrr"], currency),
        Series("Paying subscribers", [(m, float(book.get(m, (0, 0))[0])) for m in months], MRR_DEFINITIONS["mrr"], ""),
    ]


def mrr_movements(
    session: Session, *, actor: Actor, period: Period, grain: Grain | None = None, currency: str = "USD"
) -> list[Series]:
    """MRR change per movement and month, and the net (their sum)."""
    require(actor, Permission.INSIGHTS_READ)
    months = _months(period)
    v = MrrMovementMonthly
    rows = session.execute(
        select(v.month, v.movement, v.mrr_cents).where(v.month.in_(months), v.currency == currency)
    ).all()
    values: dict[str, dict[date, float]] = defaultdict(dict)
    for month, movement, cents in rows:
        values[movement][month] = _major(cents)
        values["net"][month] = round(values["net"].get(month, 0.0) + _major(cents), 2)
    definition = MRR_DEFINITIONS["movements"]
    return [
        Series(name, [(m, values[name].get(m, 0.0)) for m in months], definition, currency, is_sum=name == "net")
        for name in (*MOVEMENTS, "net")
    ]


def _churn_fraction(session: Session, months: list[date], currency: str) -> float | None:
    start = _book(session, [previous_month(months[0])], currency).get(previous_month(months[0]), (0, 0))[0]
    moves = _moves(session, months, currency)
    joined = moves.get("new", (0, 0))[0] + moves.get("reactivation", (0, 0))[0]
    base = start + joined
    return None if not base else moves.get("churned", (0, 0))[0] / base


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100.0 * value, 4)


def subscriber_churn(
    session: Session, *, actor: Actor, period: Period, grain: Grain | None = None, currency: str = "USD"
) -> Kpi:
    require(actor, Permission.INSIGHTS_READ)
    now = _churn_fraction(session, _months(period), currency)
    before = _churn_fraction(session, _months(previous(period)), currency)
    return Kpi("Subscriber churn", _pct(now), _pct(before), "%", MRR_DEFINITIONS["subscriber_churn"], True)


def _revenue_churn(session: Session, months: list[date], currency: str, net: bool) -> float | None:
    start = _book(session, [previous_month(months[0])], currency).get(previous_month(months[0]), (0, 0))[1]
    if not start:
        return None
    moves = _moves(session, months, currency)
    lost = -(moves.get("churned", (0, 0))[1] + moves.get("contraction", (0, 0))[1])
    if net:
        lost -= moves.get("expansion", (0, 0))[1]
    return lost / start


def revenue_churn(
    session: Session, *, actor: Actor, period: Period, grain: Grain | None = None, currency: str = "USD"
) -> list[Kpi]:
    """[gross revenue churn, net revenue churn]."""
    require(actor, Permission.INSIGHTS_READ)
    months, earlier = _months(period), _months(previous(period))
    return [
        Kpi(
            label,
            _pct(_revenue_churn(session, months, currency, net)),
            _pct(_revenue_churn(session, earlier, currency, net)),
            "%",
            MRR_DEFINITIONS[key],
            lower_is_better=True,
        )
        for label, key, net in (
            ("Gross revenue churn", "revenue_churn_gross", False),
            ("Net revenue churn", "revenue_churn_net", True),
        )
    ]


def _arpu(session: Session, period: Period, currency: str) -> float | None:
    last = first_of_month(period.end)
    members, cents = _book(session, [last], currency).get(last, (0, 0))
    return None if not members else cents / members / 100.0


def arpu(session: Session, *, actor: Actor, period: Period, grain: Grain | None = None, currency: str = "USD") -> Kpi:
    require(actor, Permission.INSIGHTS_READ)
    return Kpi(
        "ARPU",
        _round(_arpu(session, period, currency)),
        _round(_arpu(session, previous(period), currency)),
        currency,
        MRR_DEFINITIONS["arpu"],
        snapshot=True,
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _full_months_before(end: date, count: int) -> list[date]:
    """The last `count` full months ending on or before `end` (a month is full when its last day is <= end)."""
    last = first_of_month(end) if next_month(first_of_month(end)) - timedelta(days=1) == end else None
    month = last or previous_month(first_of_month(end))
    out = [month]
    while len(out) < count:
        out.append(previous_month(out[-1]))
    return sorted(out)


def _ltv(session: Session, period: Period, currency: str) -> float | None:
    value = _arpu(session, period, currency)
    churns = [_churn_fraction(session, [m], currency) for m in _full_months_before(period.end, LTV_MONTHS)]
    average = sum(c or 0.0 for c in churns) / LTV_MONTHS
    return None if value is None or not average else round(value / average, 2)


def ltv(session: Session, *, actor: Actor, period: Period, grain: Grain | None = None, currency: str = "USD") -> Kpi:
    require(actor, Permission.INSIGHTS_READ)
    return Kpi(
        "LTV",
        _ltv(session, period, currency),
        _ltv(session, previous(period), currency),
        currency,
        MRR_DEFINITIONS["ltv"],
        snapshot=True,
    )


def _trials(session: Session, period: Period) -> float | None:
    s = Subscription
    low, high = day_bounds(period.start)[0], day_bounds(period.end)[1]
    paid = exists().where(Payment.subscription_id == s.id, Payment.status.in_(GROSS_STATES))
    ended, converted = session.execute(
        select(func.count(), func.coalesce(func.sum(case((paid, 1), else_=0)), 0)).where(
            s.trial_end >= low, s.trial_end < high, s.provider != "comp"
        )
    ).one()
    return None if not ended else round(100.0 * int(converted) / int(ended), 4)


def trial_conversion(
    session: Session, *, actor: Actor, period: Period, grain: Grain | None = None, currency: str = "USD"
) -> Kpi:
    require(actor, Permission.INSIGHTS_READ)
    return Kpi(
        "Trial conversion",
        _trials(session, period),
        _trials(session, previous(period)),
        "%",
        MRR_DEFINITIONS["trial_conversion"],
    )


@dataclass(frozen=True)
class Cohorts:
    """Retention heatmap: rows are cohorts (first-payment month), columns months since; cells are percentages."""

    cohorts: list[date]
    sizes: list[int]
    matrix: list[list[float | None]] = field(default_factory=list)
    definition: str = MRR_DEFINITIONS["cohorts"]


def cohort_retention(
    session: Session, *, actor: Actor, period: Period, grain: Grain | None = None, currency: str = "USD"
) -> Cohorts:
    """Cohorts whose first payment fell in the period's months, followed to the latest rolled-up month."""
    require(actor, Permission.INSIGHTS_READ)
    months = _months(period)
    c = MrrCohortMonthly
    cells = session.execute(
        select(c.first_paid_month, c.month, c.members, c.newcomers).where(
            c.first_paid_month.in_(months), c.currency == currency
        )
    ).all()
    sizes: dict[date, int] = defaultdict(int)  # a cohort's members: each counted in the month it first had MRR
    for cohort, _, _, newcomers in cells:
        sizes[cohort] += int(newcomers)
    sizes = {cohort: n for cohort, n in sizes.items() if n}
    latest = max((month for _, month, _, _ in cells), default=months[-1])
    rolled_from = session.execute(select(func.min(c.month))).scalar_one()  # before it: no data, not 0 %
    width = _offset(months[0], latest) + 1
    matrix: list[list[float | None]] = []
    cohorts = sorted(sizes)
    counts = {(cohort, month): int(n) for cohort, month, n, _ in cells}
    for cohort in cohorts:
        row: list[float | None] = []
        for k in range(width):
            month = _add_months(cohort, k)
            unknown = month > latest or (rolled_from is not None and month < rolled_from)
            row.append(None if unknown else round(100.0 * counts.get((cohort, month), 0) / sizes[cohort], 2))
        matrix.append(row)
    return Cohorts(cohorts, [int(sizes[c]) for c in cohorts], matrix)


def _offset(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def _add_months(month: date, k: int) -> date:
    for _ in range(k):
        month = next_month(month)
    return month
