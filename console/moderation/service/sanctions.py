"""Timed sanctions end on their own: a mute or a suspension whose time is up is lifted by the system (audited)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record as audit
from console.db import dialect_name, utcnow
from console.members.models import Member
from console.moderation.service.member_actions import member_status_view


def lift_expired(session: Session, *, actor: Actor, now: datetime | None = None, limit: int = 500) -> int:
    """Members whose mute or suspension has run out become active again. Returns how many."""
    now = now or utcnow()
    query = (
        select(Member)
        .where(
            ((Member.status == "muted") & (Member.muted_until < now))
            | ((Member.status == "suspended") & (Member.suspended_until < now))
        )
        .limit(limit)
    )
    if dialect_name(session) == "postgresql":
        query = query.with_for_update(skip_locked=True)
    lifted = 0
    for member in session.execute(query).scalars():
        before = member_status_view(member)
        action = "member.unmute" if member.status == "muted" else "member.unsuspend"
        member.status = "active"
        member.muted_until = member.suspended_until = None
        session.flush()
        audit(session, actor, action, "member", member.id, before, member_status_view(member), "the sanction ran out")
        lifted += 1
    return lifted
