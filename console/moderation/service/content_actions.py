"""Actions on content: hide a comment, delete a chat message, end a live stream or turn its chat off, unpublish a
video (through the catalog). Content removals strike the member who wrote it, so they can appeal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record as audit
from console.db import utcnow
from console.errors import RuleViolation, ValidationFailed
from console.moderation.models import ChatMessage, Comment, LiveStream, ModerationCase
from console.moderation.service.decision_base import (
    STRIKE_DAYS,
    ActionRequest,
    Cleaned,
    DecisionOutcome,
    needs,
    record_decision,
    record_strike,
    target_of,
)


def hide_comment(
    session: Session, actor: Actor, case: ModerationCase, req: ActionRequest, cleaned: Cleaned
) -> DecisionOutcome:
    needs(case, req.action, "comment")
    comment = session.execute(select(Comment).where(Comment.id == case.target_id).with_for_update()).scalar_one()
    if comment.hidden_at is not None:
        raise RuleViolation("The comment is already hidden.")
    comment.hidden_at, comment.hidden_by_id, comment.hidden_reason = utcnow(), actor.staff_id, cleaned.reason
    session.flush()
    audit(session, actor, "comment.hide", "comment", comment.id, {"hidden": False}, {"hidden": True}, cleaned.reason)
    decision = record_decision(
        session, actor, case, req.action, cleaned, member_id=comment.member_id, reversal={"comment_id": comment.id}
    )
    strike = record_strike(
        session, comment.member_id, "content_removal", decision, case, utcnow() + timedelta(days=STRIKE_DAYS)
    )
    return DecisionOutcome(case, decision.id, "Comment hidden.", strike.id)


def delete_chat(
    session: Session, actor: Actor, case: ModerationCase, req: ActionRequest, cleaned: Cleaned
) -> DecisionOutcome:
    needs(case, req.action, "chat_message", "live_stream")
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
    decision = record_decision(
        session, actor, case, req.action, cleaned, member_id=message.member_id, reversal={"message_id": message.id}
    )
    strike = record_strike(
        session, message.member_id, "content_removal", decision, case, utcnow() + timedelta(days=STRIKE_DAYS)
    )
    return DecisionOutcome(case, decision.id, "Chat message deleted.", strike.id)


def stream_of(session: Session, case: ModerationCase) -> LiveStream:
    stream_id = target_of(session, case).stream_id
    return session.execute(select(LiveStream).where(LiveStream.id == stream_id).with_for_update()).scalar_one()


def end_stream(
    session: Session, actor: Actor, case: ModerationCase, req: ActionRequest, cleaned: Cleaned
) -> DecisionOutcome:
    needs(case, req.action, "live_stream", "chat_message")
    stream = stream_of(session, case)
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
    decision = record_decision(session, actor, case, req.action, cleaned)
    return DecisionOutcome(case, decision.id, f"Stream {stream.status}.")


def disable_chat(
    session: Session, actor: Actor, case: ModerationCase, req: ActionRequest, cleaned: Cleaned
) -> DecisionOutcome:
    needs(case, req.action, "live_stream", "chat_message")
    stream = stream_of(session, case)
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
    decision = record_decision(session, actor, case, req.action, cleaned, reversal={"stream_id": stream.id})
    return DecisionOutcome(case, decision.id, "Chat turned off.")


def unpublish(
    session: Session, actor: Actor, case: ModerationCase, req: ActionRequest, cleaned: Cleaned
) -> DecisionOutcome:
    from console.catalog.service import take_down

    needs(case, req.action, "video")
    taken = take_down(session, actor=actor, video_id=case.target_id, reason=cleaned.reason)
    reversal: dict[str, Any] = {"video_id": taken.video.id}
    if not taken.video_was_live:  # an overturned appeal puts back what went down, not the series content unpublished
        reversal["video_was_live"] = False
    if taken.episodes:  # an overturned appeal puts these back as they were (console/moderation/service/appeals.py)
        reversal["episodes"] = [{"id": i, "scheduled_for": at.isoformat() if at else None} for i, at in taken.episodes]
    decision = record_decision(session, actor, case, req.action, cleaned, reversal=reversal)
    if taken.video.kind != "series":
        return DecisionOutcome(case, decision.id, "Video unpublished.")
    count = len(taken.episode_ids)
    episodes = f"{count} episode{'' if count == 1 else 's'}" if count else "no public or scheduled episodes"
    return DecisionOutcome(case, decision.id, f"Series unpublished, with {episodes}.")
