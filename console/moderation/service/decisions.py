"""Decisions on a case. Several actions may be taken before the case is resolved; each is one `CaseDecision`
(with what undoing it needs), its audit events, and a strike when it sanctions a member. Every action needs the
actor's current claim on the case and the case version the moderator saw (a stale decision is refused, naming
who acted). Closing: `dismiss` (no violation; a reason is required) or `resolve` (after at least one action);
both store the feedback template the platform sends the reporters and update the reporters' accuracy.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record as audit
from console.db import dialect_name, utcnow
from console.errors import ConsoleError, NotFound, RuleViolation, ValidationFailed
from console.moderation.models import (
    CaseDecision,
    CaseNote,
    ModerationCase,
    Report,
    ReporterScore,
)
from console.moderation.service import content_actions, member_actions
from console.moderation.service.decision_base import (
    ACTION_LABELS,
    MAX_DAYS,
    ActionRequest,
    Cleaned,
    DecisionOutcome,
    record_decision,
)
from console.moderation.service.queue import case_view, locked_case, require_claim
from console.staff.permissions import Permission, require
from console.validation import clean_text

CLOSING = ("dismiss", "resolve")
__all__ = ["ACTION_LABELS", "ActionRequest", "BulkLine", "DecisionOutcome", "act", "add_note", "bulk_close"]


def _clean(req: ActionRequest) -> Cleaned:
    errors: dict[str, str] = {}
    if req.action not in ACTION_LABELS:
        errors["action"] = "is not a moderation action"
    reason = clean_text(req.reason, "reason", errors, max_len=1000, multiline=True)
    rule = clean_text(req.rule, "rule", errors, max_len=64, required=False) or None
    note = clean_text(req.note, "note", errors, max_len=4000, required=False, multiline=True) or None
    days = req.days  # a whole number: 2.5 days is refused, never cut to 2
    if req.action in ("mute", "suspend") and (
        isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS
    ):
        errors["days"] = f"must be a whole number of days from 1 to {MAX_DAYS}"
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
    if case.first_action_at is None:  # a closing first action: the same instant as the resolution, not after it
        closed = case.status in ("resolved", "dismissed") and case.resolved_at is not None
        case.first_action_at = case.resolved_at if closed else utcnow()
    session.flush()
    return outcome


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
    else:  # "no violation" to the reporters of a case whose member was sanctioned would be untrue
        acted = session.execute(
            select(CaseDecision.action)
            .where(
                CaseDecision.case_id == case.id,
                CaseDecision.action.not_in((*CLOSING, "escalate")),
                CaseDecision.reversed_at.is_(None),
            )
            .limit(1)
        ).scalar()
        if acted is not None:
            raise RuleViolation(
                f"Case #{case.id} already has an action in force ({ACTION_LABELS.get(acted, acted)}): dismissing "
                "would tell the reporters there was no violation. Resolve it instead."
            )
    before = case_view(case)
    now = utcnow()
    case.status = "resolved" if req.action == "resolve" else "dismissed"
    case.claim_expires_at = None
    case.resolved_at, case.resolved_by_id = now, actor.staff_id
    case.feedback_template = "resolved" if req.action == "resolve" else "no_violation"
    session.flush()
    decision = record_decision(session, actor, case, req.action, cleaned)
    decision.feedback_template = case.feedback_template  # for the platform to send the reporters
    audit(session, actor, "case.close", "moderation_case", case.id, before, case_view(case), reason=cleaned.reason)
    _score_reporters(session, case, "actioned" if req.action == "resolve" else "dismissed")
    return DecisionOutcome(case, decision.id, f"Case #{case.id} {case.status}.")


def _escalate(
    session: Session, actor: Actor, case: ModerationCase, req: ActionRequest, cleaned: Cleaned
) -> DecisionOutcome:
    before = case_view(case)
    case.status, case.assignee_id, case.claimed_at, case.claim_expires_at = "escalated", None, None, None
    session.flush()
    decision = record_decision(session, actor, case, "escalate", cleaned)
    audit(session, actor, "case.status", "moderation_case", case.id, before, case_view(case))
    return DecisionOutcome(case, decision.id, f"Case #{case.id} escalated to an administrator.")


# --- content ------------------------------------------------------------------------------------------------


# --- members ------------------------------------------------------------------------------------------------

HANDLERS = {
    "dismiss": _close,
    "resolve": _close,
    "escalate": _escalate,
    "hide_comment": content_actions.hide_comment,
    "delete_chat_message": content_actions.delete_chat,
    "end_stream": content_actions.end_stream,
    "disable_chat": content_actions.disable_chat,
    "unpublish_video": content_actions.unpublish,
    "warn": member_actions.sanction,
    "mute": member_actions.sanction,
    "suspend": member_actions.sanction,
    "ban": member_actions.sanction,
    "blocklist": member_actions.blocklist,
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
