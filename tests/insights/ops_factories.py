"""Rows for the ops rollups' tests, written directly (any time, any state): videos, watch events, members with a
signup time, subscriptions, moderation cases and decisions."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update

from console.billing.models import Plan, Subscription
from console.compliance.holds import hold_videos
from console.compliance.models import ComplianceHold
from console.db import session_scope
from console.insights.models import WatchEvent
from console.members.models import Member
from console.moderation.models import CaseDecision, ModerationCase
from tests.billing import sub_factories as sf
from tests.catalog.factories import make_video

_seq = itertools.count(1)


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def video(**data: Any) -> int:
    return make_video(**data)


def views(video_id: int, when: datetime, count: int, *, seconds: int = 60, completed: bool = False) -> None:
    rows = [
        {
            "video_id": video_id,
            "member_id": None,
            "started_at": when,
            "seconds_watched": seconds,
            "completed": completed,
            "country": "US",
        }
        for _ in range(count)
    ]
    with session_scope() as session:
        session.execute(insert(WatchEvent), rows)


def member(created_at: datetime, country: str | None = None) -> int:
    member_id = sf.member(country=country) if country else sf.member()
    with session_scope() as session:
        session.execute(update(Member).where(Member.id == member_id).values(created_at=created_at))
    return member_id


def case(
    reported: datetime,
    *,
    first_action: datetime | None = None,
    resolved: datetime | None = None,
    sla_hours: int = 24,
    emergency: bool = False,
) -> int:
    with session_scope() as session:
        row = ModerationCase(
            target_type="comment",
            target_id=next(_seq),
            target_label="a comment",
            status="resolved" if resolved else "open",
            emergency=emergency,
            worst_reason="spam",
            reason_counts={"spam": 1},
            first_report_at=reported,
            last_report_at=reported,
            sla_due_at=reported + timedelta(hours=sla_hours),
            first_action_at=first_action,
            resolved_at=resolved,
        )
        session.add(row)
        session.flush()
        return row.id


def decision(case_id: int, action: str, when: datetime, actor_id: int | None = None) -> None:
    with session_scope() as session:
        session.add(
            CaseDecision(
                case_id=case_id, action=action, reason="r", actor_id=actor_id, actor_label="someone", created_at=when
            )
        )


def subscription(
    plan_id: int,
    created: datetime,
    *,
    provider: str = "stripe",
    status: str = "active",
    canceled_at: datetime | None = None,
    period_end: datetime | None = None,
) -> int:
    """A subscription written directly with its own created_at (the billing factory's is now)."""
    period_end = period_end or created + timedelta(days=30)
    with session_scope() as session:
        row = Subscription(
            member_id=sf.member(),
            plan_id=plan_id,
            provider=provider,
            provider_subscription_id=None if provider == "comp" else f"sub_ops{next(_seq)}",
            status=status,
            current_period_start=min(created, period_end),
            current_period_end=period_end,
            canceled_at=canceled_at,
            created_at=created,
        )
        session.add(row)
        session.flush()
        return row.id


def plan_code(plan_id: int) -> str:
    with session_scope() as session:
        return str(session.get(Plan, plan_id).code)  # type: ignore[union-attr]


def hold(video_id: int, placed: datetime, *, actor: Any = None, reason: str = "record revoked") -> int:
    """A compliance hold placed at `placed`: through the holds service (audited) when an actor is given, else
    written directly (no audit event, as the scale seed does)."""
    with session_scope() as session:
        if actor is not None:
            hold_videos(session, actor, [video_id], reason=reason, source="record", unpublished_too=True)
            row = session.execute(select(ComplianceHold).where(ComplianceHold.video_id == video_id)).scalars().all()[-1]
        else:
            row = ComplianceHold(video_id=video_id, source="sweep", reason=reason)
            session.add(row)
            session.flush()
        row.created_at = placed
        return row.id


def release(hold_id: int, when: datetime) -> None:
    with session_scope() as session:
        session.execute(update(ComplianceHold).where(ComplianceHold.id == hold_id).values(released_at=when))
