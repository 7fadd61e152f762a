"""Actions on members (warn, mute, suspend, ban: each a strike, status changes version-checked and audited)
and the blocklist."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record as audit
from console.db import utcnow
from console.errors import RuleViolation, ValidationFailed
from console.members.models import Member
from console.moderation.models import BLOCK_KINDS, BLOCK_SCOPES, BlockEntry, ModerationCase
from console.moderation.service.decision_base import (
    STRIKE_DAYS,
    ActionRequest,
    Cleaned,
    DecisionOutcome,
    record_decision,
    record_strike,
    target_of,
)
from console.validation import clean_text

SANCTION_RANK = {"active": 0, "muted": 1, "suspended": 2, "banned": 3, "deleted": 4}
MEMBER_STATUS_AFTER = {"mute": "muted", "suspend": "suspended", "ban": "banned"}
STRIKE_KIND = {"warn": "warning", "mute": "mute", "suspend": "suspension", "ban": "ban"}


def member_status_view(member: Member) -> dict[str, Any]:
    return {"status": member.status, "muted_until": member.muted_until, "suspended_until": member.suspended_until}


def as_json(view: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in view.items()}


def sanction(
    session: Session, actor: Actor, case: ModerationCase, req: ActionRequest, cleaned: Cleaned
) -> DecisionOutcome:
    info = target_of(session, case)
    if info.member_id is None:
        raise RuleViolation(f"A reported {case.target_type.replace('_', ' ')} has no member to {req.action}.")
    member = session.execute(select(Member).where(Member.id == info.member_id).with_for_update()).scalar_one()
    before = member_status_view(member)
    now = utcnow()
    until: datetime | None = now + timedelta(days=STRIKE_DAYS) if req.action == "warn" else None
    if req.action in MEMBER_STATUS_AFTER:
        wanted = MEMBER_STATUS_AFTER[req.action]
        if SANCTION_RANK[member.status] > SANCTION_RANK[wanted]:
            raise RuleViolation(f"@{member.username} is already {member.status}; a lighter sanction would lift it.")
        if req.action == "mute":
            until = now + timedelta(days=req.days or 0)
            member.muted_until = until
        elif req.action == "suspend":
            until = now + timedelta(days=req.days or 0)
            member.suspended_until = until
        member.status = wanted
        session.flush()
        audit(
            session,
            actor,
            f"member.{req.action}",
            "member",
            member.id,
            before,
            member_status_view(member),
            cleaned.reason,
        )
    reversal = {"member_id": member.id, "before": as_json(before), "set_status": member.status}
    decision = record_decision(session, actor, case, req.action, cleaned, member_id=member.id, reversal=reversal)
    strike = record_strike(session, member.id, STRIKE_KIND[req.action], decision, case, until)
    verb = {"warn": "warned", "mute": "muted", "suspend": "suspended", "ban": "banned"}[req.action]
    return DecisionOutcome(case, decision.id, f"@{member.username} {verb}.", strike.id)


def blocklist(
    session: Session, actor: Actor, case: ModerationCase, req: ActionRequest, cleaned: Cleaned
) -> DecisionOutcome:
    errors: dict[str, str] = {}
    kind = (req.block_kind or "").strip()
    if kind not in BLOCK_KINDS:
        errors["block_kind"] = "must be username, email or term"
    value = clean_text(req.block_value, "block_value", errors, max_len=254)
    if req.block_scope not in BLOCK_SCOPES:
        errors["block_scope"] = "must be one of: " + ", ".join(BLOCK_SCOPES)
    if errors:
        raise ValidationFailed(errors)
    entry = BlockEntry(
        kind=kind,
        value=value.lower() if kind in ("username", "email") else value,
        scope=req.block_scope,
        reason=cleaned.reason,
        case_id=case.id,
        created_by_id=actor.staff_id,
        created_at=utcnow(),
    )
    savepoint = session.begin_nested()
    try:
        session.add(entry)
        session.flush()
    except IntegrityError:
        savepoint.rollback()
        raise ValidationFailed({"block_value": "is already on the blocklist with this scope"}) from None
    savepoint.commit()
    after = {"kind": entry.kind, "value": entry.value, "scope": entry.scope, "active": True}
    audit(session, actor, "blocklist.add", "blocklist", entry.id, None, after, cleaned.reason)
    decision = record_decision(session, actor, case, req.action, cleaned, reversal={"block_id": entry.id})
    return DecisionOutcome(case, decision.id, f"“{entry.value}” added to the blocklist.")
