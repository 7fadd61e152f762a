"""The money rollups: payments and refunds -> insights_revenue_daily / insights_refund_reasons_daily (per UTC day),
subscriptions -> insights_mrr_monthly (per member at a month's end) and insights_mrr_movements_monthly.

Each function replaces a whole day (or month) with one INSERT ... SELECT per table, in the caller's transaction
(it never commits), so a rollup always equals a direct aggregate of the raw rows and running it twice changes
nothing. Portable SQL: the one dialect difference (the month of a timestamp) is guarded in `month_of`.

Definitions (also shown on the pages, console/insights/service/money.py):
- gross: payments in succeeded / refunded / partially_refunded created that UTC day (refunded or not);
  failed_payments: payments in failed created that day; fee (tips only): the platform fee of those tips.
- refunds: refunds in succeeded, by the UTC day they settled (money back), with the payment's dimensions.
- MRR at a month's end E: per member, the monthly-normalised price (yearly ÷ 12, rounded half up to the cent) of
  every subscription live at E: created before E, not canceled before E (status active or past_due now, or
  canceled at or after E), not trialing (status not trialing, trial_end null or before E), plan price > 0,
  provider not comp. For the month still running, E is its end, so "live at E" means "live now".
  Only current subscription rows are known: a closed month is kept as it was rolled up (the job redoes open
  months only), which is how plan changes made in place stay in the history.
- Movements (this month vs the previous month's rows): new (no MRR last month and none in any earlier month),
  reactivation (none last month, some earlier), expansion / contraction (MRR up / down), churned (MRR last
  month, none now). As Stripe does, a member whose paid subscription starts and is canceled inside one month
  (so no month end sees it) counts as new (or reactivation) AND churned that month, with that subscription's MRR.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    Integer,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from console.billing.models import Payment, Plan, Refund, Subscription
from console.db import dialect_name
from console.insights.models import MrrCohortMonthly, MrrMonthly, MrrMovementMonthly, RefundReasonDaily, RevenueDaily
from console.members.models import Member

GROSS_STATES = ("succeeded", "refunded", "partially_refunded")
MRR_STATES = ("active", "past_due")
MOVEMENTS = ("new", "reactivation", "expansion", "contraction", "churned")
LOCK_KEY = 0x494E534D  # "INSM": pg_advisory_xact_lock(key, day ordinal) while a day or month is replaced


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, dtime.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def previous_month(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    return day_bounds(first_of_month(month))[0], day_bounds(next_month(first_of_month(month)))[0]


def month_of(session: Session, column: Any) -> Any:
    """The first day of the UTC month of a timestamp column, as a Date (the one dialect-guarded expression)."""
    if dialect_name(session) == "postgresql":
        return cast(func.date_trunc("month", func.timezone("UTC", column)), Date)
    return type_coerce(func.strftime("%Y-%m-01", column), Date)


def _sum(expr: Any) -> Any:
    return cast(func.coalesce(func.sum(expr), 0), BigInteger)


def _lock(session: Session, day: date) -> None:
    if dialect_name(session) == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(LOCK_KEY, day.toordinal())))


def _revenue_select(day: date) -> Any:
    start, end = day_bounds(day)
    p, zero = Payment, literal(0)
    gross = p.status.in_(GROSS_STATES)
    dims = (
        p.kind,
        func.coalesce(Plan.code, "").label("plan_code"),
        func.coalesce(Member.country, "").label("country"),
        p.provider,
    )

    def joined(query: Any) -> Any:
        return (
            query.join(Member, Member.id == p.member_id)
            .outerjoin(Subscription, Subscription.id == p.subscription_id)
            .outerjoin(Plan, Plan.id == Subscription.plan_id)
        )

    paid = joined(
        select(
            *dims,
            p.currency.label("currency"),
            _sum(case((gross, p.amount_cents), else_=0)).label("gross"),
            cast(zero, BigInteger).label("refunded"),
            _sum(case((and_(gross, p.kind == "tip"), func.coalesce(p.platform_fee_cents, 0)), else_=0)).label("fee"),
            _sum(case((gross, 1), else_=0)).label("payments"),
            _sum(case((p.status == "failed", 1), else_=0)).label("failed"),
            cast(zero, BigInteger).label("refunds"),
        ).select_from(p)
    ).where(p.created_at >= start, p.created_at < end, p.status.in_((*GROSS_STATES, "failed")))
    r = Refund
    back = joined(
        select(
            *dims,
            r.currency,
            cast(zero, BigInteger),
            _sum(r.amount_cents),
            cast(zero, BigInteger),
            cast(zero, BigInteger),
            cast(zero, BigInteger),
            cast(func.count(), BigInteger),
        )
        .select_from(r)
        .join(p, p.id == r.payment_id)
    ).where(r.status == "succeeded", r.settled_at >= start, r.settled_at < end)
    paid = paid.group_by(*dims, p.currency)
    back = back.group_by(*dims, r.currency)
    raw = union_all(paid, back).subquery("raw")
    c = raw.c
    return select(
        literal(day, Date),
        c.kind,
        c.plan_code,
        c.country,
        c.provider,
        c.currency,
        _sum(c.gross),
        _sum(c.refunded),
        _sum(c.fee),
        _sum(c.payments),
        _sum(c.failed),
        _sum(c.refunds),
    ).group_by(c.kind, c.plan_code, c.country, c.provider, c.currency)


REVENUE_COLUMNS = [
    "day",
    "kind",
    "plan_code",
    "country",
    "provider",
    "currency",
    "gross_cents",
    "refunded_cents",
    "fee_cents",
    "payments",
    "failed_payments",
    "refunds",
]


def rollup_revenue_day(session: Session, day: date) -> int:
    """Replace `day`'s revenue and refund-reason rows with what payments and refunds say now; rows written."""
    _lock(session, day)
    start, end = day_bounds(day)
    for table in (RevenueDaily, RefundReasonDaily):
        session.execute(delete(table).where(table.day == day).execution_options(synchronize_session=False))
    session.execute(insert(RevenueDaily).from_select(REVENUE_COLUMNS, _revenue_select(day)))
    r = Refund
    reasons = (
        select(literal(day, Date), r.reason, r.currency, cast(func.count(), BigInteger), _sum(r.amount_cents))
        .where(r.status == "succeeded", r.settled_at >= start, r.settled_at < end)
        .group_by(r.reason, r.currency)
    )
    session.execute(
        insert(RefundReasonDaily).from_select(["day", "reason", "currency", "refunds", "amount_cents"], reasons)
    )
    counted = select(func.count()).select_from(RevenueDaily).where(RevenueDaily.day == day)
    return int(session.execute(counted).scalar_one())


def monthly_cents(plan: type[Plan] = Plan) -> Any:
    """A plan's price normalised to a month: yearly ÷ 12 rounded half up to the cent, monthly as is."""
    return case((plan.interval == "year", (plan.price_cents + 6) // 12), else_=plan.price_cents)


def paid_subscription(plan: type[Plan] = Plan) -> Any:
    return and_(plan.price_cents > 0, Subscription.provider != "comp")


def live_at(end: datetime) -> Any:
    """A paid subscription counted in MRR at `end` (see the module's definition)."""
    s = Subscription
    return and_(
        s.created_at < end,
        or_(s.status.in_(MRR_STATES), and_(s.status == "canceled", s.canceled_at >= end)),
        or_(s.trial_end.is_(None), s.trial_end < end),
        paid_subscription(),
    )


def _mrr_select(session: Session, month: date) -> Any:
    _, end = month_bounds(month)
    s, p = Subscription, Payment
    first_paid = (
        select(p.member_id.label("member_id"), func.min(p.created_at).label("first_at"))
        .where(p.status.in_(GROSS_STATES), p.kind == "subscription", p.created_at < end)
        .group_by(p.member_id)
        .subquery("first_paid")
    )
    live = (
        select(
            s.member_id.label("member_id"),
            func.max(Plan.currency).label("currency"),
            _sum(monthly_cents()).label("mrr"),
            func.max(Plan.code).label("plan_code"),
            func.min(s.created_at).label("since"),
        )
        .join(Plan, Plan.id == s.plan_id)
        .where(live_at(end))
        .group_by(s.member_id)
        .subquery("live")
    )
    cohort = func.coalesce(month_of(session, first_paid.c.first_at), month_of(session, live.c.since))
    return select(
        literal(month, Date), live.c.member_id, live.c.currency, live.c.mrr, live.c.plan_code, cohort
    ).outerjoin(first_paid, first_paid.c.member_id == live.c.member_id)


def in_month_subscriptions(month: date) -> Any:
    """Members whose paid subscription started and was canceled inside the month with no MRR at either end."""
    start, end = month_bounds(month)
    s, m = Subscription, MrrMonthly
    # NOT EXISTS, not NOT IN: an anti-join the planner can run on the (member_id, month) index; NOT IN over
    # hundreds of thousands of ids falls back to a per-row scan once its hash no longer fits work_mem.
    at_ends = exists().where(m.member_id == s.member_id, m.month.in_([month, previous_month(month)]))
    return (
        select(
            s.member_id.label("member_id"),
            func.max(Plan.currency).label("currency"),
            func.max(monthly_cents()).label("mrr"),
            func.max(Plan.code).label("plan_code"),
        )
        .join(Plan, Plan.id == s.plan_id)
        .where(
            s.status == "canceled",
            s.created_at >= start,
            s.canceled_at < end,
            or_(s.trial_end.is_(None), s.trial_end < s.canceled_at),
            paid_subscription(),
            ~at_ends,
        )
        .group_by(s.member_id)
        .subquery("in_month")
    )


def earlier_members(candidates: Any, before: date) -> Any:
    """The members among `candidates` (a select of distinct member ids) with MRR at some month end before `before`:
    one probe of the (member_id, month) index per candidate, not a scan of every earlier month."""
    m = aliased(MrrMonthly)
    found = candidates.subquery("candidates")
    return select(found.c.member_id.label("member_id")).where(
        exists().where(m.member_id == found.c.member_id, m.month < before)
    )


def movement_rows(month: date) -> Any:
    """One row per member who moved in `month`: member_id, currency, movement, delta (MRR change in cents)."""
    prev = previous_month(month)
    m = MrrMonthly

    # One CTE, read twice (the rows and the arrivals among them): PostgreSQL aggregates the two month ends once
    # instead of twice (a million rows at scale; about a second of the month's rollup).
    pair = (
        select(
            m.member_id.label("member_id"),
            func.max(m.currency).label("currency"),
            _sum(case((m.month == month, m.mrr_cents), else_=0)).label("cur"),
            _sum(case((m.month == prev, m.mrr_cents), else_=0)).label("prev"),
        )
        .where(m.month.in_([month, prev]))
        .group_by(m.member_id)
        .cte("pair")
    )
    inside = in_month_subscriptions(month)
    candidates = union_all(
        select(pair.c.member_id).where(pair.c.prev == 0, pair.c.cur > 0),
        select(in_month_subscriptions(month).c.member_id),
    )
    # In-month members have no MRR last month or this one, so "before `prev`" is "before `month`" for them too.
    earlier = earlier_members(candidates, prev).subquery("earlier")
    back = earlier.c.member_id.is_not(None)
    cur, before = pair.c.cur, pair.c.prev
    label = case(
        (and_(before == 0, cur > 0, back), "reactivation"),
        (and_(before == 0, cur > 0), "new"),
        (and_(before > 0, cur == 0), "churned"),
        (and_(before > 0, cur > before), "expansion"),
        (and_(before > 0, cur < before), "contraction"),
        else_=None,
    )
    moved = select(
        pair.c.member_id, pair.c.currency, label.label("movement"), cast(cur - before, BigInteger).label("delta")
    ).outerjoin(earlier, earlier.c.member_id == pair.c.member_id)
    started = select(
        inside.c.member_id, inside.c.currency, case((back, "reactivation"), else_="new"), inside.c.mrr
    ).outerjoin(earlier, earlier.c.member_id == inside.c.member_id)
    ended = select(inside.c.member_id, inside.c.currency, literal("churned"), cast(-inside.c.mrr, BigInteger))
    rows = union_all(moved, started, ended).subquery("rows")
    return select(rows).where(rows.c.movement.is_not(None)).subquery("moves")


def _movements_select(month: date) -> Any:
    rows = movement_rows(month)
    return select(
        literal(month, Date), rows.c.movement, rows.c.currency, cast(func.count(), BigInteger), _sum(rows.c.delta)
    ).group_by(rows.c.movement, rows.c.currency)


def rollup_mrr_month(session: Session, month: date) -> int:
    """Replace the month's MRR rows (per member at its end) and its movements; members with MRR written."""
    month = first_of_month(month)
    _lock(session, month)
    for table in (MrrMonthly, MrrMovementMonthly, MrrCohortMonthly):
        session.execute(delete(table).where(table.month == month).execution_options(synchronize_session=False))
    columns = ["month", "member_id", "currency", "mrr_cents", "plan_code", "first_paid_month"]
    # In member order: the primary key (month, member_id) and the member index then grow in order instead of at
    # random pages (a month of 500,000 members inserts in about half the time on PostgreSQL).
    book = _mrr_select(session, month)
    session.execute(insert(MrrMonthly).from_select(columns, book.order_by(book.selected_columns[1])))
    session.execute(
        insert(MrrMovementMonthly).from_select(
            ["month", "movement", "currency", "members", "mrr_cents"], _movements_select(month)
        )
    )
    session.execute(
        insert(MrrCohortMonthly).from_select(
            ["month", "first_paid_month", "currency", "members", "mrr_cents", "newcomers"], _cohorts_select(month)
        )
    )
    counted = select(func.sum(MrrCohortMonthly.members)).where(MrrCohortMonthly.month == month)
    return int(session.execute(counted).scalar_one() or 0)


def paid_by(member_id: Any, end: datetime) -> Any:
    """The member had a succeeded subscription payment before `end` (one probe of the member's payments index)."""
    p = Payment
    return exists().where(
        p.member_id == member_id, p.status.in_(GROSS_STATES), p.kind == "subscription", p.created_at < end
    )


def _cohorts_select(month: date) -> Any:
    """The month's MRR rows summed per cohort and currency, counting only members who had paid by the month's end:
    a member with MRR before their first succeeded payment (a failed first charge, paid the month after) carries a
    guessed cohort (the subscription's month) that changes once they pay, and is in no cohort until then. Newcomers:
    members with no earlier MRR row in the same cohort, so a cohort's size (its newcomers summed) counts each of its
    members once and no month of it can exceed 100 %."""
    m, earlier = MrrMonthly, aliased(MrrMonthly)
    before = exists().where(
        earlier.member_id == m.member_id, earlier.month < month, earlier.first_paid_month == m.first_paid_month
    )
    paid = paid_by(m.member_id, month_bounds(month)[1])
    return (
        select(
            m.month,
            m.first_paid_month,
            m.currency,
            cast(func.count(), Integer),
            _sum(m.mrr_cents),
            cast(_sum(case((before, 0), else_=1)), Integer),
        )
        .where(m.month == month, paid)
        .group_by(m.month, m.first_paid_month, m.currency)
    )
