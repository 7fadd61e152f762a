"""The case queue: server-paged lists with indexed filters, claims ("next case" in one statement, never the same
case to two moderators), release, reassignment by an admin, expired claims, and the metrics strip.

A claim lasts CONSOLE_MODERATION_CLAIM_MINUTES (default 15) and each decision renews it. Next case on PostgreSQL
is one UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED): concurrent callers skip each other's rows. On
SQLite every writer is serialised by BEGIN IMMEDIATE (db.py), so the same statement cannot race there.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.last_change import last_change
from console.audit.service import record as audit
from console.config import get_settings
from console.db import dialect_name, utcnow
from console.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from console.moderation.models import LIVE_CASE_STATES, REASONS, TARGET_TYPES, ModerationCase
from console.moderation.service import priority
from console.paging import Page, PageRequest, exact_or_estimated_count, fetch_page
from console.staff.models import Staff
from console.staff.names import names_of
from console.staff.permissions import Permission, can, require

ASSIGNEE_FILTERS = ("anyone", "mine", "unassigned")
SLA_FILTERS = ("past",)  # past: the SLA is due before now
URGENCY_FILTERS = ("emergency",)  # emergency: an UNDERAGE or NON_CONSENSUAL report
SORTS = ("priority", "oldest")
STATUS_FILTERS = ("live", *LIVE_CASE_STATES, "resolved", "dismissed", "all")


@dataclass(frozen=True)
class CaseFilter:
    status: str = "live"  # open, claimed or escalated
    target_type: str | None = None
    reason: str | None = None
    assignee: str = "anyone"
    older_than_hours: int | None = None
    min_priority: int | None = None
    sort: str = "priority"
    sla: str | None = None  # "past": only cases whose SLA fell due before now
    urgency: str | None = None  # "emergency": only emergencies (their keys lead: one range of the queue index)


def case_view(case: ModerationCase) -> dict[str, Any]:
    """The audited shape of a case (before/after of its events)."""
    return {
        "status": case.status,
        "assignee_id": case.assignee_id,
        "claim_expires_at": case.claim_expires_at,
        "feedback_template": case.feedback_template,
        "resolved_at": case.resolved_at,
        "version": case.version,
    }


def claim_minutes() -> int:
    return get_settings().moderation_claim_minutes


def _validated(flt: CaseFilter) -> CaseFilter:
    errors: dict[str, str] = {}
    if flt.status not in STATUS_FILTERS:
        errors["status"] = "must be one of: " + ", ".join(STATUS_FILTERS)
    if flt.target_type is not None and flt.target_type not in TARGET_TYPES:
        errors["target_type"] = "must be one of: " + ", ".join(TARGET_TYPES)
    if flt.reason is not None and flt.reason not in REASONS:
        errors["reason"] = "must be one of: " + ", ".join(REASONS)
    if flt.assignee not in ASSIGNEE_FILTERS:
        errors["assignee"] = "must be one of: " + ", ".join(ASSIGNEE_FILTERS)
    if flt.older_than_hours is not None and not 0 <= flt.older_than_hours <= 24 * 366:
        errors["older_than_hours"] = "must be between 0 and 8,784 hours"
    if flt.min_priority is not None and not 0 <= flt.min_priority <= 100_000:
        errors["min_priority"] = "must be between 0 and 100,000"
    if flt.sort not in SORTS:
        errors["sort"] = "must be priority or oldest"
    if flt.sla is not None and flt.sla not in SLA_FILTERS:
        errors["sla"] = "must be past or empty"
    if flt.urgency is not None and flt.urgency not in URGENCY_FILTERS:
        errors["urgency"] = "must be emergency or empty"
    if errors:
        raise ValidationFailed(errors)
    return flt


def filtered_cases(flt: CaseFilter, actor: Actor, now: datetime) -> Select[tuple[ModerationCase]]:
    query = select(ModerationCase)
    if flt.status == "live":
        query = query.where(ModerationCase.status.in_(LIVE_CASE_STATES))
    elif flt.status != "all":
        query = query.where(ModerationCase.status == flt.status)
    if flt.target_type:
        query = query.where(ModerationCase.target_type == flt.target_type)
    if flt.reason:
        query = query.where(ModerationCase.reason_mask.op("&")(priority.REASON_BITS[flt.reason]) != 0)
    if flt.assignee == "mine":
        query = query.where(ModerationCase.assignee_id == actor.staff_id)
    elif flt.assignee == "unassigned":
        query = query.where(ModerationCase.assignee_id.is_(None))
    if flt.older_than_hours:
        query = query.where(ModerationCase.first_report_at <= now - timedelta(hours=flt.older_than_hours))
    if flt.min_priority:
        # base + hours waiting >= n  <=>  queue_key >= n * 3600 - epoch(now) (+ the lead of an emergency's key)
        lowest, lowest_emergency = priority.min_priority_bounds(flt.min_priority, now)
        key = ModerationCase.queue_key
        query = query.where(or_(and_(key >= lowest, key < priority.EMERGENCY_FLOOR), key >= lowest_emergency))
    if flt.urgency == "emergency":
        query = query.where(ModerationCase.queue_key >= priority.EMERGENCY_FLOOR)
    if flt.sla == "past":
        query = query.where(ModerationCase.sla_due_at < now)
    return query


def list_cases(session: Session, *, actor: Actor, flt: CaseFilter, page: PageRequest) -> Page[ModerationCase]:
    """One page of cases (not reports), highest priority or oldest first; totals estimated on big tables."""
    require(actor, Permission.MODERATION_READ)
    flt = _validated(flt)
    query = filtered_cases(flt, actor, utcnow())
    total, estimated = exact_or_estimated_count(session, query)
    if flt.sort == "oldest":
        order = [(ModerationCase.first_report_at, False), (ModerationCase.id, False)]
    else:
        order = [(ModerationCase.queue_key, True), (ModerationCase.id, True)]
    rows = fetch_page(session, query, order, page, total, estimated=estimated)
    return Page(rows=rows, total=total, estimated=estimated, request=page)


HOME_FILTERS = {
    "emergencies": CaseFilter(status="live", urgency="emergency"),
    "open": CaseFilter(status="live"),
    "mine": CaseFilter(status="claimed", assignee="mine"),
    "past_sla": CaseFilter(sla="past"),
}


def queue_counts(session: Session, *, actor: Actor) -> dict[str, tuple[int, bool]]:
    """(total, estimated) of the home page's queue views (HOME_FILTERS: open emergencies, open — claimed and
    escalated included, as in the metrics strip —, claimed by me, open and past their SLA), counted with the list's
    own query and the bounded/estimated count, so each equals the list's total."""
    require(actor, Permission.MODERATION_READ)
    now = utcnow()
    return {key: exact_or_estimated_count(session, filtered_cases(f, actor, now)) for key, f in HOME_FILTERS.items()}


def get_case(session: Session, *, actor: Actor, case_id: int) -> ModerationCase:
    require(actor, Permission.MODERATION_READ)
    case = session.get(ModerationCase, case_id)
    if case is None:
        raise NotFound(f"Case #{case_id} does not exist.")
    return case


def locked_case(session: Session, case_id: int, expected_version: int | None) -> ModerationCase:
    case = session.execute(
        select(ModerationCase).where(ModerationCase.id == case_id).with_for_update()
    ).scalar_one_or_none()
    if case is None:
        raise NotFound(f"Case #{case_id} does not exist.")
    if expected_version is not None and case.version != expected_version:
        last = last_change(session, "moderation_case", case_id, ignore=("report.receive", "case.open"))
        who = last.by or "someone else"
        raise Conflict(
            f"Case #{case_id} was changed by {who} while you looked at it (it is now {case.status}). Nothing was "
            "done; review it and decide again.",
            current=case_view(case),
            changed_by=who,
            changed_at=last.at,
        )
    return case


# --- claims -------------------------------------------------------------------------------------------------


def _claim_values(actor: Actor, now: datetime) -> dict[str, Any]:
    return {
        "status": "claimed",
        "assignee_id": actor.staff_id,
        "claimed_at": now,
        "claim_expires_at": now + timedelta(minutes=claim_minutes()),
    }


def next_case(session: Session, *, actor: Actor) -> ModerationCase | None:
    """Claim the highest-priority open case in one statement. Claims that ran out go back to the open cases
    within a minute (the housekeeping job, `expire_claims`), so this stays one indexed UPDATE."""
    require(actor, Permission.MODERATION_ACT)
    if actor.staff_id is None:
        raise RuleViolation("Only a signed-in moderator can claim cases.")
    now = utcnow()
    highest = (
        select(ModerationCase.id)
        .where(ModerationCase.status == "open")
        .order_by(ModerationCase.queue_key.desc(), ModerationCase.id.desc())
        .limit(1)
    )
    if dialect_name(session) == "postgresql":
        highest = highest.with_for_update(skip_locked=True)  # concurrent callers skip each other's row
    claimed = session.execute(
        update(ModerationCase)
        .where(ModerationCase.id == highest.scalar_subquery(), ModerationCase.status == "open")
        .values(**_claim_values(actor, now), version=ModerationCase.version + 1)
        .returning(ModerationCase)
        .execution_options(populate_existing=True, synchronize_session=False)
    ).scalar_one_or_none()
    if claimed is None:
        return None
    audit(session, actor, "case.claim", "moderation_case", claimed.id, {"status": "open"}, case_view(claimed))
    return claimed


def claim(session: Session, *, actor: Actor, case_id: int, expected_version: int | None = None) -> ModerationCase:
    """Claim one case (from the list or the case page). Refused while someone else's claim is current."""
    require(actor, Permission.MODERATION_ACT)
    case = locked_case(session, case_id, expected_version)
    now = utcnow()
    if case.status in ("resolved", "dismissed"):
        raise RuleViolation(f"Case #{case.id} is already {case.status}.")
    if case.status == "escalated" and not can(actor, Permission.MODERATION_ASSIGN):
        raise RuleViolation(f"Case #{case.id} was escalated to an administrator.")
    if (
        case.status == "claimed"
        and case.assignee_id != actor.staff_id
        and case.claim_expires_at
        and case.claim_expires_at > now
    ):
        raise Conflict(
            f"Case #{case.id} is being reviewed by {_staff_label(session, case.assignee_id)} until "
            f"{case.claim_expires_at:%Y-%m-%d %H:%M} UTC.",
            current=case_view(case),
        )
    before = case_view(case)
    for name, value in _claim_values(actor, now).items():
        setattr(case, name, value)
    session.flush()
    audit(session, actor, "case.claim", "moderation_case", case.id, before, case_view(case))
    return case


def release(session: Session, *, actor: Actor, case_id: int) -> ModerationCase:
    """Give a claimed case back to the queue (its holder, or an admin)."""
    require(actor, Permission.MODERATION_ACT)
    case = locked_case(session, case_id, None)
    if case.status != "claimed":
        return case
    if case.assignee_id != actor.staff_id and not can(actor, Permission.MODERATION_ASSIGN):
        raise RuleViolation("Only the moderator who claimed the case (or an administrator) can release it.")
    before = case_view(case)
    case.status, case.assignee_id, case.claimed_at, case.claim_expires_at = "open", None, None, None
    session.flush()
    audit(session, actor, "case.release", "moderation_case", case.id, before, case_view(case))
    return case


def reassign(
    session: Session, *, actor: Actor, case_id: int, staff_id: int, expected_version: int | None = None
) -> ModerationCase:
    """An administrator hands a case to a moderator (the claim starts now)."""
    require(actor, Permission.MODERATION_ASSIGN)
    case = locked_case(session, case_id, expected_version)
    if case.status in ("resolved", "dismissed"):
        raise RuleViolation(f"Case #{case.id} is already {case.status}.")
    target = session.get(Staff, staff_id)
    if target is None or not target.is_active or not {"moderator", "admin"} & set(target.roles or []):
        raise ValidationFailed({"staff_id": "is not an active moderator or administrator"})
    before = case_view(case)
    now = utcnow()
    case.status, case.assignee_id = "claimed", staff_id
    case.claimed_at, case.claim_expires_at = now, now + timedelta(minutes=claim_minutes())
    session.flush()
    audit(session, actor, "case.reassign", "moderation_case", case.id, before, case_view(case))
    return case


def staff_names(session: Session, *, actor: Actor, staff_ids: set[int] | list[int]) -> dict[int, str]:
    """Names of the staff a page of cases mentions (assignees), for moderators who may not read the staff list."""
    require(actor, Permission.MODERATION_READ)
    return names_of(session, staff_ids)


def assignable_staff(session: Session, *, actor: Actor) -> list[tuple[int, str]]:
    """Active moderators and administrators, by name: whom an administrator can hand a case to. Staff accounts
    are few (roles are a JSON list, so they are filtered here); at most 1,000 are read."""
    require(actor, Permission.MODERATION_ASSIGN)
    rows = session.execute(
        select(Staff.id, Staff.name, Staff.roles).where(Staff.is_active.is_(True)).order_by(Staff.name).limit(1000)
    ).all()
    return [(staff_id, name) for staff_id, name, roles in rows if {"moderator", "admin"} & set(roles or [])]


def require_claim(session: Session, actor: Actor, case: ModerationCase) -> None:
    """Decisions need the actor's current claim: never two people deciding one case."""
    now = utcnow()
    if case.status in ("resolved", "dismissed"):
        raise RuleViolation(f"Case #{case.id} is already {case.status}; nothing more can be decided on it.")
    if case.status == "claimed" and case.assignee_id == actor.staff_id:
        case.claim_expires_at = now + timedelta(minutes=claim_minutes())  # acting renews the claim
        return
    if case.status == "claimed" and case.claim_expires_at and case.claim_expires_at > now:
        raise Conflict(
            f"Case #{case.id} is being reviewed by {_staff_label(session, case.assignee_id)}; you cannot decide it.",
            current=case_view(case),
        )
    raise RuleViolation(f"Claim case #{case.id} first (c), so nobody else decides it at the same time.")


def _staff_label(session: Session, staff_id: int | None) -> str:
    if staff_id is None:
        return "nobody"
    staff = session.get(Staff, staff_id)
    return staff.name if staff is not None else f"staff #{staff_id}"


def expire_claims(session: Session, *, actor: Actor, now: datetime | None = None, limit: int = 500) -> int:
    """Return claims that ran out to the queue (the housekeeping job calls this every minute)."""
    now = now or utcnow()
    stale = session.execute(
        select(ModerationCase)
        .where(ModerationCase.status == "claimed", ModerationCase.claim_expires_at < now)
        .limit(limit)
        .with_for_update(skip_locked=dialect_name(session) == "postgresql")
    ).scalars()
    count = 0
    for case in stale:
        before = case_view(case)
        case.status, case.assignee_id, case.claimed_at, case.claim_expires_at = "open", None, None, None
        session.flush()
        audit(session, actor, "case.claim_expired", "moderation_case", case.id, before, case_view(case))
        count += 1
    return count


# --- metrics ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueMetrics:
    open_cases: int
    open_estimated: bool
    oldest_at: datetime | None
    first_action_p50_min: float | None
    first_action_p90_min: float | None
    resolved_today: list[tuple[str, int]]
    emergencies: int = 0  # open emergencies, counted like the home tile and the Urgency filter's list
    emergencies_estimated: bool = False


def _percentiles(minutes: list[float]) -> tuple[float | None, float | None]:
    if not minutes:
        return None, None
    if len(minutes) == 1:
        return minutes[0], minutes[0]
    cuts = statistics.quantiles(minutes, n=10, method="inclusive")
    return statistics.median(minutes), cuts[8]


def metrics(session: Session, *, actor: Actor, now: datetime | None = None) -> QueueMetrics:
    """Open emergencies and open cases, the oldest waiting, time to first action p50/p90 over 7 days, resolved
    today per moderator."""
    require(actor, Permission.MODERATION_READ)
    now = now or utcnow()
    live = select(ModerationCase.id).where(ModerationCase.status.in_(LIVE_CASE_STATES))
    total, estimated = exact_or_estimated_count(session, live)
    emergencies, emergencies_estimated = exact_or_estimated_count(
        session, filtered_cases(HOME_FILTERS["emergencies"], actor, now)
    )
    oldest = session.execute(
        select(ModerationCase.first_report_at)
        .where(ModerationCase.status.in_(LIVE_CASE_STATES))
        .order_by(ModerationCase.first_report_at)
        .limit(1)
    ).scalar_one_or_none()
    week = session.execute(
        select(ModerationCase.first_report_at, ModerationCase.first_action_at).where(
            ModerationCase.first_action_at >= now - timedelta(days=7)
        )
    ).all()
    waits = sorted((acted - first).total_seconds() / 60 for first, acted in week if acted and first)
    p50, p90 = _percentiles(waits)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    per_staff = session.execute(
        select(Staff.name, func.count())
        .select_from(ModerationCase)
        .join(Staff, Staff.id == ModerationCase.resolved_by_id)
        .where(ModerationCase.resolved_at >= midnight)
        .group_by(Staff.name)
        .order_by(func.count().desc(), Staff.name)
    ).all()
    resolved = [(name, int(n)) for name, n in per_staff]
    return QueueMetrics(total, estimated, oldest, p50, p90, resolved, emergencies, emergencies_estimated)
