"""Platform content the console moderates but never creates for staff: comments, live streams and chat. The
platform writes these; the console's demo seed and tests use these functions (system actor only). Creating them
is not a staff action, so it writes no audit event; every moderation action on them does."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from console.actor import Actor
from console.db import utcnow
from console.errors import Forbidden, ValidationFailed
from console.moderation.models import ChatMessage, Comment, LiveStream
from console.validation import clean_text


def _platform(actor: Actor) -> None:
    if not actor.is_system:
        raise Forbidden("Comments, streams and chat are written by the platform, not by staff.")


def _body(value: str, limit: int) -> str:
    errors: dict[str, str] = {}
    text = clean_text(value, "body", errors, max_len=limit, multiline=True)
    if errors:
        raise ValidationFailed(errors)
    return text


def create_comment(
    session: Session,
    *,
    actor: Actor,
    member_id: int,
    video_id: int,
    body: str,
    parent_id: int | None = None,
    at: datetime | None = None,
) -> Comment:
    _platform(actor)
    comment = Comment(
        member_id=member_id, video_id=video_id, parent_id=parent_id, body=_body(body, 10_000), created_at=at or utcnow()
    )
    session.add(comment)
    session.flush()
    return comment


def create_stream(
    session: Session,
    *,
    actor: Actor,
    performer_id: int,
    title: str,
    status: str = "live",
    viewers: int = 0,
    at: datetime | None = None,
) -> LiveStream:
    _platform(actor)
    now = at or utcnow()
    stream = LiveStream(
        performer_id=performer_id,
        title=_body(title, 255),
        status=status,
        viewer_count=viewers,
        peak_viewers=viewers,
        started_at=now if status in ("live", "ended") else None,
        ended_at=now if status == "ended" else None,
        chat_enabled=True,
        created_at=now,
    )
    session.add(stream)
    session.flush()
    return stream


def post_chat(
    session: Session, *, actor: Actor, stream_id: int, member_id: int, body: str, at: datetime | None = None
) -> ChatMessage:
    _platform(actor)
    message = ChatMessage(stream_id=stream_id, member_id=member_id, body=_body(body, 2_000), sent_at=at or utcnow())
    session.add(message)
    session.flush()
    return message
