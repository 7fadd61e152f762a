"""The rows behind one bucket of the ops charts that count raw rows or snapshots: compliance holds placed, members
who signed up, live subscriptions of one plan/provider (plan mix), the moderation backlog at the bucket's end, and
the cases whose first action or resolution fell in the bucket (slowest first).

Each returns a `console.paging.Page` of plain dict rows (an `id` first), paged in SQL over indexed columns:
compliance_holds.created_at (ix_compliance_holds_created), members.created_at / country (ix_members_created_at_id,
ix_members_country_created_at_id), subscriptions.plan_id (ix_subscriptions_plan_status), moderation_cases
first_action_at / resolved_at (ix_moderation_cases_first_action, ix_moderation_cases_resolved). The backlog reads
moderation_cases by first_report_at, which has no index of its own (see the README's limits).

Snapshots (plan mix, backlog) are taken at the end of the bucket's last rolled-up day, the day the chart shows.
Permissions follow the tabs: INSIGHTS_READ for holds, signups and plan mix; the moderation drills also admit
MODERATION_READ.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.models import AuditEvent
from console.billing.models import Plan, Subscription
from console.catalog.models import Video
from console.compliance.models import ComplianceHold
from console.db import dialect_name, utcnow
from console.errors import ValidationFailed
from console.insights.models import MembersDaily, ModerationDaily
from console.insights.rollup_ops import day_bounds
from console.insights.service.ops_base import require_tab
from console.members.models import Member
from console.moderation.models import ModerationCase
from console.paging import Page, PageRequest, exact_or_estimated_count
from console.staff.permissions import Permission

ALL_SIGNUPS, NO_COUNTRY = "signups", "(none)"
CASE_TIMES = ("first_action", "resolution")
PAST_SLA = "past SLA"  # the backlog chart's second series (ops_sla.backlog)


def _page(
    session: Session, query: Select[Any], order: list[Any], page: PageRequest, known: int | None = None
) -> Page[dict[str, Any]]:
    """One page; the total is `known` when the rollup already counted these rows, else counted (or estimated)."""
    total, estimated = (known, False) if known is not None else exact_or_estimated_count(session, query)
    rows = session.execute(query.order_by(*order).offset(page.offset).limit(page.size)).mappings().all()
    return Page(rows=[dict(r) for r in rows], total=total, estimated=estimated, request=page)


def _range(start: date, end: date) -> tuple[datetime, datetime]:
    if end < start:
        raise ValidationFailed({"end": "must not be before the start"})
    return day_bounds(start)[0], day_bounds(end)[1]


# --- content: holds placed -----------------------------------------------------------------------------------------


def holds_behind(
    session: Session, *, actor: Actor, start: date, end: date, page: PageRequest | None = None
) -> Page[dict[str, Any]]:
    """The compliance holds placed on the days start..end, in the order they were placed: the video, its title,
    source and cause, when, by whom (from the audit trail; None when not recorded) and whether it still holds."""
    require_tab(actor)
    page = page or PageRequest()
    low, high = _range(start, end)
    h = ComplianceHold
    query = (
        select(
            h.id,
            h.video_id,
            Video.title,
            h.source,
            h.reason.label("cause"),
            h.legal_record_id,
            h.created_at.label("placed_at"),
            h.released_at,
        )
        .join(Video, Video.id == h.video_id)
        .where(h.created_at >= low, h.created_at < high)
    )
    found = _page(session, query, [h.created_at, h.id], page)
    who = _placed_by(session, found.rows)
    for row in found.rows:
        row["placed_by"] = who.get(row["id"])
        row["on_hold"] = row["released_at"] is None
    return found


def _placed_by(session: Session, rows: list[dict[str, Any]]) -> dict[int, str]:
    """hold id -> the actor of its audit event (video.compliance_hold, whose `after` names the hold)."""
    if not rows:
        return {}
    a = AuditEvent
    events = session.execute(
        select(a.actor_label, a.after).where(
            a.entity == "video",
            a.entity_id.in_({str(r["video_id"]) for r in rows}),
            a.action == "video.compliance_hold",
        )
    )
    out: dict[int, str] = {}
    for label, after in events:
        hold = after.get("hold_id") if isinstance(after, dict) else None
        if isinstance(hold, int):
            out.setdefault(hold, label)
    return out


# --- members: signups and plan mix ---------------------------------------------------------------------------------


def signups_behind(
    session: Session,
    *,
    actor: Actor,
    start: date,
    end: date,
    country: str | None = None,
    page: PageRequest | None = None,
) -> Page[dict[str, Any]]:
    """The members who signed up on the days start..end, in signup order; `country` narrows to one country ('' or
    None-country members with country='')."""
    require_tab(actor)
    page = page or PageRequest()
    low, high = _range(start, end)
    m = Member
    query = select(m.id, m.username, m.display_name, m.country, m.status, m.created_at.label("signed_up_at")).where(
        m.created_at >= low, m.created_at < high
    )
    if country == "":
        query = query.where(or_(m.country.is_(None), m.country == ""))
    elif country is not None:
        query = query.where(m.country == country)
    return _page(session, query, [m.created_at, m.id], page)


def signups_series_country(series: str) -> str | None:
    """The signups chart's series name as a country filter: None for the total, '' for members without one."""
    if series == ALL_SIGNUPS:
        return None
    return "" if series == NO_COUNTRY else series


def _last_rolled(session: Session, column: Any, where: Any, start: date, end: date) -> date:
    """The bucket's last rolled-up day (what its chart point shows), or its last day when none is."""
    found = session.scalar(select(func.max(column)).where(where, column >= start, column <= end))
    return found if isinstance(found, date) else end


def plan_mix_behind(
    session: Session, *, actor: Actor, start: date, end: date, key: str, page: PageRequest | None = None
) -> Page[dict[str, Any]]:
    """The subscriptions of `key` ("plan code/provider") live at the end of the bucket's last rolled-up day (the
    plan mix definition), oldest subscription first. The total is that day's plan mix value (what the bar shows;
    counting again would visit every subscription of the plan), or counted when the day is not rolled up."""
    require_tab(actor)
    page = page or PageRequest()
    code, slash, provider = key.rpartition("/")
    if not slash or not code or not provider:
        raise ValidationFailed({"key": "must be a plan code and provider, like basic/stripe"})
    _range(start, end)
    m = MembersDaily
    day = _last_rolled(session, m.day, m.dimension == "plan_mix", start, end)
    cut = day_bounds(day)[1]
    s = Subscription
    query = (
        select(
            s.id,
            s.member_id,
            Plan.code.label("plan"),
            s.provider,
            s.status,
            s.created_at,
            s.current_period_end,
            s.canceled_at,
            s.trial_end,
        )
        .join(Plan, Plan.id == s.plan_id)
        .where(
            Plan.code == code,
            s.provider == provider,
            s.created_at < cut,
            or_(s.canceled_at.is_(None), s.canceled_at >= cut),
            or_(s.status != "expired", s.current_period_end >= cut),
        )
    )
    # the chart's own number for that day is the count (the rollup is this very aggregate): no second scan
    counted = session.scalar(select(m.value).where(m.day == day, m.dimension == "plan_mix", m.key == key))
    found = _page(session, query, [s.id], page, known=counted)
    for row in found.rows:
        row["live_on"] = day
    return found


# --- moderation: backlog and case times ----------------------------------------------------------------------------

MOD = Permission.MODERATION_READ


def _case_columns() -> list[Any]:
    c = ModerationCase
    return [c.id, c.target_type, c.target_id, c.target_label, c.worst_reason, c.status, c.first_report_at, c.sla_due_at]


def backlog_behind(
    session: Session,
    *,
    actor: Actor,
    start: date,
    end: date,
    past_sla: bool = False,
    page: PageRequest | None = None,
) -> Page[dict[str, Any]]:
    """The cases open at the end of the bucket's last rolled-up day, or now if that day is today (reported by then,
    not resolved by then), oldest first, with their age and whether they were past their SLA then (`past_sla`: only
    those, the chart's "past SLA" trace). `status` is the case's status now."""
    require_tab(actor, MOD)
    page = page or PageRequest()
    _range(start, end)
    d = ModerationDaily
    day = _last_rolled(session, d.day, d.metric == "backlog", start, end)
    cut = min(day_bounds(day)[1], utcnow())  # today's point is the backlog now, as the rollup counts it
    c = ModerationCase
    query = select(*_case_columns(), c.resolved_at).where(
        c.first_report_at < cut, or_(c.resolved_at.is_(None), c.resolved_at >= cut)
    )
    if past_sla:
        query = query.where(c.sla_due_at < cut)
    found = _page(session, query, [c.first_report_at, c.id], page)
    for row in found.rows:
        row["open_at"] = cut
        row["age_hours"] = round((cut - row["first_report_at"]).total_seconds() / 3600, 2)
        row["past_sla"] = row["sla_due_at"] < cut
    return found


def _elapsed_seconds(session: Session, later: Any, earlier: Any) -> Any:
    if dialect_name(session) == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def case_times_behind(
    session: Session,
    *,
    actor: Actor,
    start: date,
    end: date,
    which: str = "resolution",
    page: PageRequest | None = None,
) -> Page[dict[str, Any]]:
    """The cases whose first action (which="first_action") or resolution ("resolution") fell on the days
    start..end, slowest first: minutes from the first report to it, and whether the case met its SLA."""
    require_tab(actor, MOD)
    if which not in CASE_TIMES:
        raise ValidationFailed({"which": "must be first_action or resolution"})
    page = page or PageRequest()
    low, high = _range(start, end)
    c = ModerationCase
    column = c.first_action_at if which == "first_action" else c.resolved_at
    elapsed = _elapsed_seconds(session, column, c.first_report_at)
    query = select(*_case_columns(), c.first_action_at, c.resolved_at).where(and_(column >= low, column < high))
    found = _page(session, query, [elapsed.desc(), c.id], page)
    for row in found.rows:
        at = row["first_action_at"] if which == "first_action" else row["resolved_at"]
        row["minutes"] = round((at - row["first_report_at"]).total_seconds() / 60, 1)
        done = row["resolved_at"]
        row["within_sla"] = None if done is None else done <= row["sla_due_at"]
    return found


def backlog_series_past_sla(series: str) -> bool:
    """The backlog chart's series name as backlog_behind's `past_sla`: True for "past SLA", False for "open"."""
    return series == PAST_SLA


def case_time_of(series: str) -> str:
    """The time chart's series name ("first action p50", "resolution p90") as case_times_behind's `which`."""
    return "first_action" if series.startswith("first action") else "resolution"
