"""The members behind the subscription charts (drill-downs), read from the MRR rollup: insights_mrr_monthly holds a
row per paying member per month end, so a month's book, its movements and a cohort's members are index reads of one
or two months of it — never a scan of raw payments. The one exception, as in the movements rollup, is the members
who subscribed and canceled inside the month (no month end saw them): their subscriptions of that month.

Rows are plain dicts for a server-paged list, ordered by member id; money in cents (`*_cents`) with its currency.
The member is shown as the members area shows one: display name and e-mail."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import BigInteger, and_, case, cast, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from console.actor import Actor
from console.errors import ValidationFailed
from console.insights.models import MrrMonthly, MrrMovementMonthly
from console.insights.rollup_money import (
    MOVEMENTS,
    earlier_members,
    first_of_month,
    in_month_subscriptions,
    month_bounds,
    paid_by,
    previous_month,
)
from console.members.models import Member
from console.paging import Page, PageRequest, exact_or_estimated_count
from console.staff.permissions import Permission, require

ANY_MOVEMENT = "net"  # the movements chart's net series: every member who moved


def _book_rows(month: date, movement: str | None = None) -> Any:
    """Every member with MRR at the month's end: before (last month) and after, and the movement ('' unchanged).
    With `movement`, only the rows that can carry it (so the planner anti-joins the two months by their key instead
    of labelling the whole book and filtering afterwards: seconds at 400,000 members)."""
    prev_month = previous_month(month)
    cur, prev, now, then = (aliased(MrrMonthly) for _ in range(4))
    arrivals = select(now.member_id).where(
        now.month == month, ~exists().where(then.month == prev_month, then.member_id == now.member_id)
    )
    earlier = earlier_members(arrivals, prev_month).subquery("earlier")
    before = func.coalesce(prev.mrr_cents, 0)
    label = case(
        (and_(prev.member_id.is_(None), earlier.c.member_id.is_not(None)), "reactivation"),
        (prev.member_id.is_(None), "new"),
        (cur.mrr_cents > prev.mrr_cents, "expansion"),
        (cur.mrr_cents < prev.mrr_cents, "contraction"),
        else_="",
    )
    return (
        select(
            cur.member_id.label("member_id"),
            cur.plan_code.label("plan_code"),
            cur.currency.label("currency"),
            cast(before, BigInteger).label("mrr_before_cents"),
            cur.mrr_cents.label("mrr_after_cents"),
            cast(cur.mrr_cents - before, BigInteger).label("mrr_change_cents"),
            label.label("movement"),
        )
        .select_from(cur)
        .outerjoin(prev, and_(prev.month == prev_month, prev.member_id == cur.member_id))
        .outerjoin(earlier, earlier.c.member_id == cur.member_id)
        .where(cur.month == month, *_can_carry(movement, cur, prev))
    )


def _can_carry(movement: str | None, cur: Any, prev: Any) -> list[Any]:
    """The book rows that can be labelled `movement` (all of them when None)."""
    if movement in ("new", "reactivation"):
        return [prev.member_id.is_(None)]
    if movement == "expansion":
        return [prev.member_id.is_not(None), cur.mrr_cents > prev.mrr_cents]
    if movement == "contraction":
        return [prev.member_id.is_not(None), cur.mrr_cents < prev.mrr_cents]
    if movement == ANY_MOVEMENT:
        return [or_(prev.member_id.is_(None), cur.mrr_cents != prev.mrr_cents)]
    return []


def _churned_rows(month: date) -> Any:
    prev_month = previous_month(month)
    prev, cur = aliased(MrrMonthly), aliased(MrrMonthly)
    gone = ~exists().where(cur.month == month, cur.member_id == prev.member_id)
    return select(
        prev.member_id.label("member_id"),
        prev.plan_code.label("plan_code"),
        prev.currency.label("currency"),
        prev.mrr_cents.label("mrr_before_cents"),
        cast(literal(0), BigInteger).label("mrr_after_cents"),
        cast(-prev.mrr_cents, BigInteger).label("mrr_change_cents"),
        literal("churned").label("movement"),
    ).where(prev.month == prev_month, gone)


def _inside_rows(month: date) -> list[Any]:
    """Members who subscribed and canceled inside the month: new (or reactivation) and churned, as Stripe counts."""
    inside = in_month_subscriptions(month)
    earlier = earlier_members(select(in_month_subscriptions(month).c.member_id), month).subquery("earlier")
    started = case((earlier.c.member_id.is_not(None), "reactivation"), else_="new")
    zero = cast(literal(0), BigInteger)
    common = (inside.c.member_id, inside.c.plan_code, inside.c.currency, zero, zero)
    return [
        select(*common, cast(inside.c.mrr, BigInteger), started).outerjoin(
            earlier, earlier.c.member_id == inside.c.member_id
        ),
        select(*common, cast(-inside.c.mrr, BigInteger), literal("churned")),
    ]


def _with_member(rows: Any, *extra: Any) -> Any:
    return (
        select(
            rows.c.member_id,
            Member.display_name,
            Member.email,
            *extra,
        )
        .select_from(rows)
        .join(Member, Member.id == rows.c.member_id)
    )


def _page(session: Session, query: Any, order: Any, page: PageRequest) -> Page[dict[str, Any]]:
    total, estimated = exact_or_estimated_count(session, query)
    found = session.execute(query.order_by(*order).offset(page.offset).limit(page.size)).mappings().all()
    return Page(rows=[dict(r) for r in found], total=total, estimated=estimated, request=page)


def mrr_members(
    session: Session,
    *,
    actor: Actor,
    month: date,
    movement: str | None = None,
    currency: str = "USD",
    page: PageRequest | None = None,
) -> Page[dict[str, Any]]:
    """The members behind a month of the MRR chart (every member with MRR at its end) or, with `movement`, behind
    one movement of that month ('net': every member who moved): plan, currency, MRR before (last month's end) and
    after (this month's end), the change and the movement."""
    require(actor, Permission.INSIGHTS_READ)
    if movement is not None and movement not in (*MOVEMENTS, ANY_MOVEMENT):
        raise ValidationFailed({"movement": f"must be one of {', '.join((*MOVEMENTS, ANY_MOVEMENT))}"})
    month = first_of_month(month)
    parts = [] if movement == "churned" else [_book_rows(month, movement)]  # a churned member has no book row
    if movement in ("churned", ANY_MOVEMENT):
        parts.append(_churned_rows(month))
    if movement in ("new", "reactivation", "churned", ANY_MOVEMENT):
        parts.extend(_inside_rows(month))
    rows = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery("rows")
    c = rows.c
    chosen = select(rows).where(c.currency == currency)
    if movement == ANY_MOVEMENT:
        chosen = chosen.where(c.movement != "")
    elif movement is not None:
        chosen = chosen.where(c.movement == movement)
    # Count and page the rollup rows first, then name the page's 25 members (not every mover of the month). A
    # movement's count is already in the movements rollup (same rows, same rules): no second pass over the month.
    page = page or PageRequest()
    total, estimated = _movers(session, month, movement, currency) if movement else (None, False)
    if total is None:
        total, estimated = exact_or_estimated_count(session, chosen)
    if total == 0:  # e.g. no expansion that month: nothing to read
        return Page(rows=[], total=total, estimated=estimated, request=page)
    shown = chosen.order_by(c.member_id, c.movement).offset(page.offset).limit(page.size).subquery("shown")
    s = shown.c
    query = _with_member(
        shown, s.plan_code, s.currency, s.mrr_before_cents, s.mrr_after_cents, s.mrr_change_cents, s.movement
    ).order_by(s.member_id, s.movement)
    found = session.execute(query).mappings().all()
    return Page(rows=[dict(r) for r in found], total=total, estimated=estimated, request=page)


def _movers(session: Session, month: date, movement: str, currency: str) -> tuple[int | None, bool]:
    """How many rows a movement's list has, from insights_mrr_movements_monthly (None when the month has none)."""
    v = MrrMovementMonthly
    query = select(func.sum(v.members)).where(v.month == month, v.currency == currency)
    if movement != ANY_MOVEMENT:
        query = query.where(v.movement == movement)
    found = session.execute(query).scalar_one()
    return (int(found), False) if found is not None else (None, False)


def movement_members(
    session: Session,
    *,
    actor: Actor,
    month: date,
    movement: str,
    currency: str = "USD",
    page: PageRequest | None = None,
) -> Page[dict[str, Any]]:
    """The members behind one month's movement (`mrr_members` with a movement)."""
    if movement is None:
        raise ValidationFailed({"movement": "is required"})
    return mrr_members(session, actor=actor, month=month, movement=movement, currency=currency, page=page)


def cohort_members(
    session: Session,
    *,
    actor: Actor,
    cohort: date,
    month: date,
    currency: str = "USD",
    page: PageRequest | None = None,
) -> Page[dict[str, Any]]:
    """The members of a cohort (first succeeded payment in `cohort`'s month, as the retention heatmap groups them)
    and whether each still had MRR at the end of `month`, with the plan and MRR of that month."""
    require(actor, Permission.INSIGHTS_READ)
    cohort, month = first_of_month(cohort), first_of_month(month)
    if month < cohort:
        raise ValidationFailed({"month": "must not be before the cohort's month"})
    m, then = MrrMonthly, aliased(MrrMonthly)
    members = (  # as the heatmap counts them: a cohort's label on a row before any payment was a guess
        select(m.member_id.label("member_id"))
        .where(m.first_paid_month == cohort, m.currency == currency, paid_by(m.member_id, month_bounds(cohort)[1]))
        .group_by(m.member_id)
        .subquery("cohort")
    )
    paying = case((then.member_id.is_(None), "no"), else_="yes")
    query = _with_member(
        members,
        paying.label("paying"),
        then.plan_code.label("plan_code"),
        func.coalesce(then.mrr_cents, 0).label("mrr_cents"),
    ).outerjoin(then, and_(then.month == month, then.member_id == members.c.member_id))
    return _page(session, query, (members.c.member_id,), page or PageRequest())
