"""What every moderation action shares: the request, the outcome, the decision row with its audit event, the
strike against a member, and the checks that an action fits the case's target."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record as audit
from console.db import utcnow
from console.errors import NotFound, RuleViolation
from console.moderation.models import CaseDecision, MemberStrike, ModerationCase
from console.moderation.service.targets import TargetInfo, describe

STRIKE_DAYS = 90  # how long a warning or content removal counts against a member
MAX_DAYS = 365
ACTION_LABELS = {
    "dismiss": "Dismiss (no violation)",
    "resolve": "Resolve (action taken)",
    "hide_comment": "Hide the comment",
    "delete_chat_message": "Delete the chat message",
    "end_stream": "End the live stream",
    "disable_chat": "Turn the stream's chat off",
    "unpublish_video": "Unpublish the video",
    "warn": "Warn the member",
    "mute": "Mute the member",
    "suspend": "Suspend the member",
    "ban": "Ban the member",
    "blocklist": "Add to the blocklist",
    "escalate": "Escalate to an administrator",
}


@dataclass(frozen=True)
class ActionRequest:
    action: str
    reason: str = ""
    rule: str | None = None
    note: str | None = None
    days: int | None = None  # mute, suspend
    block_kind: str | None = None
    block_value: str | None = None
    block_scope: str = "all"
    chat_message_id: int | None = None  # delete a reported message of a reported stream


@dataclass
class DecisionOutcome:
    case: ModerationCase
    decision_id: int | None
    message: str
    strike_id: int | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Cleaned:
    reason: str
    rule: str | None
    note: str | None


def record_decision(
    session: Session,
    actor: Actor,
    case: ModerationCase,
    action: str,
    cleaned: Cleaned,
    *,
    member_id: int | None = None,
    reversal: dict[str, Any] | None = None,
) -> CaseDecision:
    decision = CaseDecision(
        case_id=case.id,
        action=action,
        reason=cleaned.reason,
        rule=cleaned.rule,
        note=cleaned.note,
        actor_id=actor.staff_id,
        actor_label=actor.label[:255],
        member_id=member_id,
        reversal=reversal or {},
        created_at=utcnow(),
    )
    session.add(decision)
    session.flush()
    after = {"decision_id": decision.id, "action": action, "rule": cleaned.rule, "member_id": member_id}
    audit(session, actor, f"case.{action}", "moderation_case", case.id, None, after, reason=cleaned.reason)
    return decision


def record_strike(
    session: Session,
    member_id: int,
    kind: str,
    decision: CaseDecision,
    case: ModerationCase,
    expires_at: datetime | None,
) -> MemberStrike:
    strike = MemberStrike(
        member_id=member_id,
        kind=kind,
        reason=decision.reason,
        case_id=case.id,
        decision_id=decision.id,
        created_at=utcnow(),
        expires_at=expires_at,
    )
    session.add(strike)
    session.flush()
    return strike


def target_of(session: Session, case: ModerationCase) -> TargetInfo:
    info = describe(session, case.target_type, case.target_id)
    if info is None:
        raise NotFound(f"The {case.target_type.replace('_', ' ')} of case #{case.id} no longer exists.")
    return info


def needs(case: ModerationCase, action: str, *types: str) -> None:
    if case.target_type not in types:
        what = " or ".join(t.replace("_", " ") for t in types)
        raise RuleViolation(f"“{ACTION_LABELS[action]}” applies to a reported {what}, not to a {case.target_type}.")
