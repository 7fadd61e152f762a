"""Decisions on a case. Several actions may be taken before the case is resolved; each is one `CaseDecision`
(with what undoing it needs), its audit events, and a strike when it sanctions a member. Every action needs the
actor's current claim on the case and the case version the moderator saw (a stale decision is refused, naming
who acted). Closing: `dismiss` (no violation; a reason is required) or `resolve` (after at least one action);
both store the feedback template the platform sends the reporters and update the reporters' accuracy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record as audit
from console.db import dialect_name, utcnow
from console.errors import ConsoleError, NotFound, RuleViolation, ValidationFailed
from console.members.models import Member
from console.moderation.models import (
    BLOCK_KINDS,
    BLOCK_SCOPES,
    BlockEntry,
    CaseDecision,
    CaseNote,
    ChatMessage,
    Comment,
    LiveStream,
    MemberStrike,
    ModerationCase,
    Report,
    ReporterScore,
)
from console.moderation.service.queue import case_view, locked_case, require_claim
from console.moderation.service.targets import describe
from console.staff.permissions import Permission, require
from console.validation import clean_text

CLOSING = ("dismiss", "resolve")
MEMBER_ACTIONS = ("warn", "mute", "suspend", "ban")
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


def _clean(req: ActionRequest) -> Cleaned:
    errors: dict[str, str] = {}
    if req.action not in ACTION_LABELS:
        errors["action"] = "is not a moderation action"
    reason = clean_text(req.reason, "reason", errors, max_len=1000, multiline=True)
    rule = clean_text(req.rule, "rule", errors, max_len=64, required=False) or None
    note = clean_text(req.note, "note", errors, max_len=4000, required=False, multiline=True) or None
    if req.action in ("mute", "suspend") and (req.days is None or not 1 <= req.days <= MAX_DAYS):
        errors["days"] = f"must be between 1 and {MAX_DAYS} days"
    if errors:
        raise ValidationFailed(errors)
    return Cleaned(reason, rule, note)


def act(
    session: Session, *, actor: Actor, case_id: int, request: ActionRequest, expected_version: int | None
) -> DecisionOutcome:
    """Take one action on a claimed case (closing it when the action is dismiss or resolve)."""
    require(actor, Permission.MODERATION_ACT)
    cleaned = _clean(request)
    case = locked_case(session, case_id, expected_version)
    require_claim(session, actor, case)
    handler = HANDLERS[request.action]
    outcome = handler(session, actor, case, request, cleaned)
    if case.first_action_at is None:
        case.first_action_at = utcnow()
    session.flush()
    return outcome


def _decision(
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


def _strike(
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


def _target_of(session: Session, case: ModerationCase) -> Any:
    info = describe(session, case.target_type, case.target_id)
    if info is None:
        raise NotFound(f"The {case.target_type.replace('_', ' ')} of case #{case.id} no longer exists.")
    return info


def _needs(case: ModerationCase, action: str, *types: str) -> None:
    if case.target_type not in types:
        what = " or ".join(t.replace("_", " ") for t in types)
        raise RuleViolation(f"“{ACTION_LABELS[action]}” applies to a reported {what}, not to a {case.target_type}.")


# --- closing ------------------------------------------------------------------------------------------------


def _score_reporters(session: Session, case: ModerationCase, column: str) -> None:
    reporters = list(session.execute(select(Report.reporter_id).where(Report.case_id == case.id).distinct()).scalars())
    if not reporters:
        return
    insert = pg_insert if dialect_name(session) == "postgresql" else sqlite_insert
    rows = [
        {"member_id": m, "actioned": int(column == "actioned"), "dismissed": int(column == "dismissed")}
        for m in reporters
    ]
    statement = insert(ReporterScore).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=[ReporterScore.member_id],
        set_={column: getattr(ReporterScore, column) + 1},
    )
    session.execute(statement)


def _close(
    session: Session, actor: Actor, case: ModerationCase, req: ActionRequest, cleaned: Cleaned
) -> DecisionOutcome:
    if req.action == "resolve":
        taken = session.execute(
            select(CaseDecision.id).where(CaseDecision.case_id == case.id, CaseDecision.action.not_in(CLOSING)).limit(1)
        ).first()
        if taken is None:
            raise RuleViolation("Nothing was done on this case yet: take an action first, or dismiss it.")
    before = case_view(case)
    now = utcnow()
    case.status = "resolved" if req.action == "resolve" else "dismissed"
    case.claim_expires_at = None
    case.resolved_at, case.resolved_by_id = now, actor.staff_id
    case.feedback_template = "resolved" if req.action == "resolve" else "no_violation"
    session.flush()
    decision = _decision(session, actor, case, req.action, cleaned)
    audit(session, actor, "case.close", "moderation_case", case.id, before, case_view(case), reason=cleaned.reason)
    _score_reporters(session, case, "actioned" if req.action == "resolve" else "dismissed")
    return DecisionOutcome(case, decision.id, f"Case #{case.id} {case.status}.")


def _escalate(
    session: Session, actor: Actor, case: ModerationCase, req: ActionRequest, cleaned: Cleaned
) -> DecisionOutcome:
    before = case_view(case)
    case.status, case.assignee_id, case.claimed_at, case.claim_expires_at = "escalated", None, None, None
    session.flush()
    decision = _decision(session, actor, case, "escalate", cleaned)
    audit(session, actor, "case.status", "moderation_case", case.id, before, case_view(case))
    return DecisionOutcome(case, decision.id, f"Case #{case.id} escalated to an administrator.")


# --- content ------------------------------------------------------------------------------------------------


def _hide_comment(
    session: Session, actor: Actor, case: ModerationCase, req: ActionRequest, cleaned: Cleaned
) -> DecisionOutcome:
    _needs(case, req.action, "comment")
    comment = session.execute(select(Comment).where(Comment.id == case.target_id).with_for_update()).scalar_one()
    if comment.hidden_at is not None:
        raise RuleViolation("The comment is already hidden.")
    comment.hidden_at, comment.hidden_by_id, comment.hidden_reason = utcnow(), actor.staff_id, cleaned.reason
    session.flush()
    audit(session, actor, "comment.hide", "comment", comment.id, {"hidden": False}, {"hidden": True}, cleaned.reason)
    decision = _decision(
        session, actor, case, req.action, cleaned, member_id=comment.member_id, reversal={"comment_id": comment.id}
    )
    strike = _strike(
        session, comment.member_id, "content_removal", decision, case, utcnow() + timedelta(days=STRIKE_DAYS)
    )
    return DecisionOutcome(case, decision.id, "Comment hidden.", strike.id)


def _delete_chat(
    session: Session, actor: Actor, case: ModerationCase, req: ActionRequest, cleaned: Cleaned
) -> DecisionOutcome:
    _needs(case, req.action, "chat_message", "live_stream")
    message_id = case.target_id if case.target_type == "chat_message" else req.chat_message_id
    if message_id is None:
        raise ValidationFailed({"chat_message_id": "choose the reported message to delete"})
    message = session.execute(
        select(ChatMessage).where(ChatMessage.id == message_id).with_for_update()
    ).scalar_one_or_none()
    if message is None or (case.target_type == "live_stream" and message.stream_id != case.target_id):
        raise ValidationFailed({"chat_message_id": "is not a message of this stream"})
    if message.deleted_at is not None:
        raise RuleViolation("The message is already deleted.")
    message.deleted_at, message.deleted_by_id = utcnow(), actor.staff_id
    session.flush()
    audit(
        session,
        actor,
        "chat_message.delete",
        "chat_message",
        message.id,
        {"deleted": False},
        {"deleted": True},
        cleaned.reason,
    )
    decision = _decision(
        session, actor, case, req.action, cleaned, member_id=message.member_id, reversal={"message_id": message.id}
    )
    strike = _strike(
        session, message.member_id, "content_removal", decision, case, utcnow() + timedelta(days=STRIKE_DAYS)
    )
    return DecisionOutcome(case, decision.id, "Chat message deleted.", strike.id)


def _stream_of(session: Session, case: ModerationCase) -> LiveStream:
    stream_id = _target_of(session, case).stream_id
    return session.execute(select(LiveStream).where(LiveStream.id == stream_id).with_for_update()).scalar_one()


def _end_stream(
    session: Session, actor: Actor, case: ModerationCase, req: ActionRequest, cleaned: Cleaned
) -> DecisionOutcome:
    _needs(case, req.action, "live_stream", "chat_message")
    stream = _stream_of(session, case)
    if stream.status not in ("live", "scheduled"):
        raise RuleViolation(f"The stream is already {stream.status}.")
    before = {"status": stream.status, "chat_enabled": stream.chat_enabled}
    stream.status = "ended" if stream.status == "live" else "cancelled"
    stream.ended_at, stream.chat_enabled = utcnow(), False
    session.flush()
    audit(
        session, actor, "live_stream.end", "live_stream", stream.id, before, {"status": stream.status}, cleaned.reason
    )
    # An ended stream cannot be restarted: an appeal cannot undo this (the reversal is empty).
    decision = _decision(session, actor, case, req.action, cleaned)
    return DecisionOutcome(case, decision.id, f"Stream {stream.status}.")


def _disable_chat(
    session: Session, actor: Actor, case: ModerationCase, req: ActionRequest, cleaned: Cleaned
) -> DecisionOutcome:
    _needs(case, req.action, "live_stream", "chat_message")
    stream = _stream_of(session, case)
    if not stream.chat_enabled:
        raise RuleViolation("The stream's chat is already off.")
    stream.chat_enabled = False
    session.flush()
    audit(
        session,
        actor,
        "live_stream.chat_off",
        "live_stream",
        stream.id,
        {"chat_enabled": True},
        {"chat_enabled": False},
        cleaned.reason,
    )
    decision = _decision(session, actor, case, req.action, cleaned, reversal={"stream_id": stream.id})
    return DecisionOutcome(case, decision.id, "Chat turned off.")


def _unpublish(
    session: Session, actor: Actor, case: ModerationCase, req: ActionRequest, cleaned: Cleaned
) -> DecisionOutcome:
    from console.catalog.service import take_down

    _needs(case, req.action, "video")
    video = take_down(session, actor=actor, video_id=case.target_id, reason=cleaned.reason)
    decision = _decision(session, actor, case, req.action, cleaned, reversal={"video_id": video.id})
    return DecisionOutcome(case, decision.id, "Video unpublished.")


# --- members ------------------------------------------------------------------------------------------------

SANCTION_RANK = {"active": 0, "muted": 1, "suspended": 2, "banned": 3, "deleted": 4}
MEMBER_STATUS_AFTER = {"mute": "muted", "suspend": "suspended", "ban": "banned"}
STRIKE_KIND = {"warn": "warning", "mute": "mute", "suspend": "suspension", "ban": "ban"}


def member_status_view(member: Member) -> dict[str, Any]:
    return {"status": member.status, "muted_until": member.muted_until, "suspended_until": member.suspended_until}


def _as_json(view: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in view.items()}


def _sanction(
    session: Session, actor: Actor, case: ModerationCase, req: ActionRequest, cleaned: Cleaned
) -> DecisionOutcome:
    info = _target_of(session, case)
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
    reversal = {"member_id": member.id, "before": _as_json(before), "set_status": member.status}
    decision = _decision(session, actor, case, req.action, cleaned, member_id=member.id, reversal=reversal)
    strike = _strike(session, member.id, STRIKE_KIND[req.action], decision, case, until)
    verb = {"warn": "warned", "mute": "muted", "suspend": "suspended", "ban": "banned"}[req.action]
    return DecisionOutcome(case, decision.id, f"@{member.username} {verb}.", strike.id)


def _blocklist(
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
    decision = _decision(session, actor, case, req.action, cleaned, reversal={"block_id": entry.id})
    return DecisionOutcome(case, decision.id, f"“{entry.value}” added to the blocklist.")


HANDLERS = {
    "dismiss": _close,
    "resolve": _close,
    "escalate": _escalate,
    "hide_comment": _hide_comment,
    "delete_chat_message": _delete_chat,
    "end_stream": _end_stream,
    "disable_chat": _disable_chat,
    "unpublish_video": _unpublish,
    "warn": _sanction,
    "mute": _sanction,
    "suspend": _sanction,
    "ban": _sanction,
    "blocklist": _blocklist,
}


# --- notes and bulk -----------------------------------------------------------------------------------------


def add_note(session: Session, *, actor: Actor, case_id: int, body: str) -> CaseNote:
    """An internal note (no claim needed: a second moderator may leave one)."""
    require(actor, Permission.MODERATION_ACT)
    errors: dict[str, str] = {}
    text = clean_text(body, "body", errors, max_len=4000, multiline=True)
    if errors:
        raise ValidationFailed(errors)
    case = session.get(ModerationCase, case_id)
    if case is None:
        raise NotFound(f"Case #{case_id} does not exist.")
    note = CaseNote(case_id=case.id, author_id=actor.staff_id, author_label=actor.label[:255], body=text)
    session.add(note)
    session.flush()
    audit(session, actor, "case.note", "moderation_case", case.id, None, {"note_id": note.id, "body": text})
    return note


@dataclass(frozen=True)
class BulkLine:
    case_id: int
    ok: bool
    message: str


def bulk_close(session: Session, *, actor: Actor, case_ids: list[int], action: str, reason: str) -> list[BulkLine]:
    """Dismiss or resolve many cases with one reason; each case in its own savepoint, claimed for the actor when
    nobody holds it. The result lists every case (refusals say why)."""
    require(actor, Permission.MODERATION_ACT)
    if action not in CLOSING:
        raise ValidationFailed({"action": "bulk can dismiss or resolve"})
    if len(case_ids) > 500:
        raise ValidationFailed({"case_ids": "at most 500 cases at once"})
    _clean(ActionRequest(action=action, reason=reason))  # one message for a missing reason, before any case
    from console.moderation.service.queue import claim

    lines: list[BulkLine] = []
    for case_id in case_ids:
        savepoint = session.begin_nested()
        try:
            case = session.get(ModerationCase, case_id)
            if case is not None and case.status in ("open", "claimed") and case.assignee_id != actor.staff_id:
                claim(session, actor=actor, case_id=case_id)
            outcome = act(
                session,
                actor=actor,
                case_id=case_id,
                request=ActionRequest(action=action, reason=reason),
                expected_version=None,
            )
        except ConsoleError as exc:
            savepoint.rollback()
            lines.append(BulkLine(case_id, False, exc.message))
            continue
        savepoint.commit()
        lines.append(BulkLine(case_id, True, outcome.message))
    return lines
