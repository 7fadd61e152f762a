"""Eighteen months of moderation history for the demo, so the insights charts (backlog, time to first action and to
resolution, decisions, SLA breaches) have a past: a few cases a day, growing with the platform, busier at weekends;
first actions and resolutions at realistic delays by severity (emergencies within minutes, spam within hours), a
team that gets faster over the months, short-staffed holidays and a summer crunch that breach SLAs, the odd case
escalated and still waiting; the last day or two still open (today's backlog).

Generated data written by the system (one audit event for the whole history, like the scale seed), on members,
videos and performers (targets that existed then), decided by the demo moderators. Deterministic for a given
`now`'s day and fast (a few thousand rows in one transaction)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from console.actor import SYSTEM
from console.audit.service import record
from console.catalog.models import Performer, Video
from console.members.models import Member
from console.moderation.models import (
    EMERGENCY_REASONS,
    LIVE_CASE_STATES,
    CaseDecision,
    MemberStrike,
    ModerationCase,
    Report,
)
from console.moderation.service import priority, targets

MONTHS = 18
DAYS = MONTHS * 30
PER_DAY = 3.0  # new cases a day at the start; the platform grows 2.2x over the span
TARGETS = (("member", 0.55), ("video", 0.35), ("performer", 0.10))
REASON_WEIGHTS = {
    "spam": 30,
    "harassment": 18,
    "inappropriate": 12,
    "inappropriate_content": 10,
    "copyright": 8,
    "violence": 6,
    "other": 14,
    "underage": 0.5,
    "non_consensual": 0.5,
}
# median minutes to the first action, by the SLA hours of the worst reason (1, 4, 24, 72)
FIRST_ACTION_MEDIAN = {1: 12.0, 4: 50.0, 24: 240.0, 72: 600.0}
ESCALATE_SHARE, STILL_WAITING_SHARE, DISMISS_SHARE = 0.07, 0.04, 0.35


@dataclass
class Planned:
    target: tuple[str, int, str]  # type, id, label
    reasons: list[str]
    reporters: list[int]
    times: list[datetime]
    status: str
    moderator: tuple[int, str] | None = None
    first_action: datetime | None = None
    resolved: datetime | None = None
    actions: list[tuple[str, datetime]] = field(default_factory=list)


def staffing(day: date, k: int) -> float:
    """How much slower than usual the team is on `day` (k days into the span): holidays and a summer crunch are
    short-staffed, and the team gets faster as it grows (1.6x slower at the start)."""
    holidays = (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 3)
    summer = day.month == 7 and day.day >= 10
    return (3.5 if holidays else 2.2 if summer else 1.0) * (1.6 - 0.6 * k / DAYS)


def _cases_on(rng: random.Random, k: int, day: date) -> int:
    mean = PER_DAY * (1 + 1.2 * k / DAYS) * (1.3 if day.weekday() >= 5 else 1.0)
    # Poisson by inversion: deterministic and small
    n, p, threshold = 0, 1.0, math.exp(-mean)
    while True:
        p *= rng.random()
        if p <= threshold:
            return n
        n += 1


def _plan_case(
    rng: random.Random,
    now: datetime,
    at: datetime,
    k: int,
    target: tuple[str, int, str],
    reporters: list[tuple[int, datetime]],
    moderators: list[tuple[int, str]],
) -> Planned:
    # emergencies of the last two days are the queue demo's own (two, on hold); history's are long handled
    recent = at > now - timedelta(days=2)
    names = [r for r in REASON_WEIGHTS if not (recent and r in EMERGENCY_REASONS)]
    weights = [REASON_WEIGHTS[r] for r in names]
    main = rng.choices(names, weights)[0]
    count = rng.choices((1, 2, 3, 5), weights=(60, 22, 12, 6))[0]
    reasons = [main if rng.random() < 0.85 else rng.choices(names, weights)[0] for _ in range(count)]
    times = sorted(at + timedelta(minutes=rng.random() * 180 * i) for i in range(count))
    times = [min(t, now) for t in times]
    case = Planned(target, reasons, [_reporter(rng, reporters, t) for t in times], times, "open")
    sla = priority.SLA_HOURS[priority.worst(reasons)]
    slow = staffing(at.date(), k)
    first = at + timedelta(minutes=FIRST_ACTION_MEDIAN[sla] * slow * rng.lognormvariate(0, 0.9))
    if first > now:
        return case  # nobody has looked yet
    case.moderator = rng.choices(moderators, weights=[3] + [1] * (len(moderators) - 1))[0]
    case.first_action = first
    roll = rng.random()
    if k > DAYS - 60 and roll < STILL_WAITING_SHARE:  # escalated lately and still waiting for a senior
        case.status, case.actions = "escalated", [("escalate", first)]
        return case
    if roll < DISMISS_SHARE:
        case.status, case.resolved, case.actions = "dismissed", first, [("dismiss", first)]
        return case
    escalate = target[0] != "member" and (target[0] == "performer" or roll > 1 - ESCALATE_SHARE)
    step = "escalate" if escalate or target[0] != "member" else "warn"
    wait = timedelta(hours=rng.uniform(6, 96) * slow) if escalate else timedelta(minutes=20 * rng.lognormvariate(0, 1))
    case.actions = [(step, first)]
    if first + wait > now:  # acted on, not resolved yet
        case.status = "escalated" if step == "escalate" else "open"
        return case
    case.status, case.resolved = "resolved", first + wait
    case.actions.append(("resolve", case.resolved))
    return case


def _reporter(rng: random.Random, members: list[tuple[int, datetime]], at: datetime) -> int:
    """A member who had joined by `at` (drawn again a few times; else the longest-standing one): nobody reports
    before joining."""
    for _ in range(8):
        member_id, joined = rng.choice(members)
        if joined <= at:
            return member_id
    return min(members, key=lambda m: m[1])[0]


def _short(text: str) -> str:
    """The queue label's shape (targets.describe): one line, at most LABEL_MAX characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= targets.LABEL_MAX else flat[: targets.LABEL_MAX - 1] + "…"


Pool = list[tuple[int, datetime, str]]  # id, created_at, the queue's label for it (as targets.describe words it)


def _targets(session: Session) -> dict[str, Pool]:
    m, v = Member, Video
    members = select(m.id, m.created_at, "@" + m.username + " (" + m.display_name + ")").where(m.deleted_at.is_(None))
    return {
        "member": [(i, at, _short(label)) for i, at, label in session.execute(members).tuples()],
        "video": [
            (i, at, _short(t))
            for i, at, t in session.execute(select(v.id, v.created_at, v.title).where(v.deleted_at.is_(None))).tuples()
        ],
        "performer": [
            (i, at, _short(n))
            for i, at, n in session.execute(select(Performer.id, Performer.created_at, Performer.name)).tuples()
        ],
    }


def _pick_target(
    rng: random.Random, pools: dict[str, Pool], at: datetime, taken: set[tuple[str, int]]
) -> tuple[str, int, str] | None:
    kinds, shares = [k for k, _ in TARGETS], [s for _, s in TARGETS]
    for _ in range(8):
        kind = rng.choices(kinds, shares)[0]
        if not pools[kind]:
            continue
        target_id, created, label = rng.choice(pools[kind])
        if created <= at and (kind, target_id) not in taken:
            return kind, target_id, label
    return None


def plan_history(
    session: Session, rng: random.Random, now: datetime, moderators: list[tuple[int, str]]
) -> list[Planned]:
    """The cases of the DAYS days up to now, oldest first; live ones on targets without a live case."""
    pools = _targets(session)
    live = set(
        session.execute(
            select(ModerationCase.target_type, ModerationCase.target_id).where(
                ModerationCase.status.in_(LIVE_CASE_STATES)
            )
        ).tuples()
    )
    reporters = [(m, joined) for m, joined, _ in pools["member"]]
    start = datetime.combine(now.date() - timedelta(days=DAYS), time(0), tzinfo=UTC)
    planned: list[Planned] = []
    for k in range(DAYS + 1):
        day_start = start + timedelta(days=k)
        for _ in range(_cases_on(rng, k, day_start.date())):
            at = day_start + timedelta(seconds=rng.randrange(86_400))
            if at >= now:
                continue
            target = _pick_target(rng, pools, at, live)
            if target is None:
                continue
            case = _plan_case(rng, now, at, k, target, reporters, moderators)
            if case.status in LIVE_CASE_STATES:
                live.add(target[:2])
            planned.append(case)
    return planned


def _case_row(case: Planned) -> dict[str, Any]:
    closed = case.status in ("resolved", "dismissed")
    return {
        "target_type": case.target[0],
        "target_id": case.target[1],
        "target_label": case.target[2],
        "status": case.status,
        **priority.seeded_case_columns(case.reasons, case.reporters, case.times),
        "assignee_id": None,
        "first_action_at": case.first_action,
        "resolved_at": case.resolved,
        "resolved_by_id": case.moderator[0] if closed and case.moderator else None,
        "feedback_template": {"resolved": "resolved", "dismissed": "no_violation"}.get(case.status),
    }


def _table(model: Any) -> Table:
    """The model's Core table: a plain executemany, without the ORM's per-row bookkeeping."""
    return cast(Table, model.__table__)


def _max_id(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.coalesce(func.max(model.id), 0))) or 0)


def write_history(session: Session, planned: list[Planned]) -> dict[str, int]:
    """Insert the planned cases with their reports, decisions and strikes (plain executemany: the ORM's per-row
    RETURNING is slow); one audit event for the lot."""
    if not planned:
        return {"cases": 0}
    c = ModerationCase
    before = _max_id(session, c)
    session.execute(insert(_table(c)), [_case_row(p) for p in planned])
    by_key = {
        (t, i, at): case_id
        for case_id, t, i, at in session.execute(
            select(c.id, c.target_type, c.target_id, c.first_report_at).where(c.id > before)
        ).tuples()
    }
    ids = [by_key[(p.target[0], p.target[1], p.times[0])] for p in planned]
    reports = [
        {
            "reporter_id": who,
            "target_type": p.target[0],
            "target_id": p.target[1],
            "reason": reason,
            "source": "api",
            "created_at": at,
            "case_id": case_id,
            "intake_at": at,
        }
        for case_id, p in zip(ids, planned, strict=True)
        for reason, who, at in zip(p.reasons, p.reporters, p.times, strict=True)
    ]
    session.execute(insert(_table(Report)), reports)
    decisions = [
        _decision(case_id, p, action, at) for case_id, p in zip(ids, planned, strict=True) for action, at in p.actions
    ]
    d = CaseDecision
    before = _max_id(session, d)
    session.execute(insert(_table(d)), decisions)
    warned = session.execute(
        select(d.id, d.case_id, d.member_id, d.created_at).where(d.id > before, d.action == "warn")
    ).tuples()
    strikes = [
        {
            "member_id": member,
            "kind": "warning",
            "reason": "Breaks the community rules",
            "case_id": case_id,
            "decision_id": decision_id,
            "created_at": at,
            "expires_at": at + timedelta(days=90),
        }
        for decision_id, case_id, member, at in warned
    ]
    if strikes:
        session.execute(insert(_table(MemberStrike)), strikes)
    summary = {"cases": len(ids), "reports": len(reports), "decisions": len(decisions), "strikes": len(strikes)}
    record(session, SYSTEM, "seed.moderation_history", "dataset", None, after=summary | {"months": MONTHS})
    return summary


def _decision(case_id: int, case: Planned, action: str, at: datetime) -> dict[str, Any]:
    assert case.moderator is not None
    return {
        "case_id": case_id,
        "action": action,
        "reason": "No violation found" if action == "dismiss" else "Breaks the community rules",
        "actor_id": case.moderator[0],
        "actor_label": case.moderator[1],
        "member_id": case.target[1] if case.target[0] == "member" else None,
        "reversal": {},
        "feedback_template": {"dismiss": "no_violation", "resolve": "resolved"}.get(action),
        "created_at": at,
    }
