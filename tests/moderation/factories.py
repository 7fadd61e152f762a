"""Moderation test data built through the services: members, comments, streams and chat as the platform writes
them, reports filed through record_report (as POST /api/reports does), and staff actors by role."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from console.actor import SYSTEM, Actor
from console.db import session_scope
from console.members.models import Member
from console.members.service import create_member
from console.moderation.jobs import PLATFORM
from console.moderation.models import ModerationCase
from console.moderation.service import content, intake, queue
from console.moderation.service.decisions import ActionRequest, DecisionOutcome, act
from tests.catalog.factories import make_performer, make_published_video, make_video

_seq = itertools.count(1)


def member(username: str | None = None, **kwargs: Any) -> int:
    n = next(_seq)
    name = username or f"member{n:05d}"
    with session_scope() as session:
        return create_member(
            session, actor=SYSTEM, email=f"{name}@members.example", username=name, display_name=f"Member {n}", **kwargs
        ).id


def comment(
    video_id: int | None = None, *, author: int | None = None, body: str = "nice video", parent: int | None = None
) -> int:
    video_id = video_id or make_video(title=f"Commented {next(_seq)}")
    with session_scope() as session:
        return content.create_comment(
            session, actor=SYSTEM, member_id=author or member(), video_id=video_id, body=body, parent_id=parent
        ).id


def stream(*, status: str = "live", viewers: int = 120, performer: int | None = None) -> int:
    with session_scope() as session:
        return content.create_stream(
            session,
            actor=SYSTEM,
            performer_id=performer or make_performer(f"Streamer {next(_seq)}"),
            title=f"Live show {next(_seq)}",
            status=status,
            viewers=viewers,
        ).id


def chat(stream_id: int, *, author: int | None = None, body: str = "hello", at: datetime | None = None) -> int:
    with session_scope() as session:
        return content.post_chat(
            session, actor=SYSTEM, stream_id=stream_id, member_id=author or member(), body=body, at=at
        ).id


def report(
    target_type: str, target_id: int, reason: str = "spam", *, reporter: int | None = None, **data: Any
) -> intake.IntakeOutcome:
    payload = {
        "reporter_id": reporter or member(),
        "target_type": target_type,
        "target_id": target_id,
        "reason": reason,
    }
    with session_scope() as session:
        return intake.record_report(session, actor=PLATFORM, data=payload | data)


def load_case(case_id: int) -> ModerationCase:
    with session_scope() as session:
        case = session.get(ModerationCase, case_id)
        assert case is not None
        return case


def member_row(member_id: int) -> Member:
    with session_scope() as session:
        row = session.get(Member, member_id)
        assert row is not None
        return row


def claim(case_id: int, actor: Actor) -> ModerationCase:
    with session_scope() as session:
        return queue.claim(session, actor=actor, case_id=case_id)


def decide(
    case_id: int, actor: Actor, action: str, reason: str = "against the rules", **kwargs: Any
) -> DecisionOutcome:
    with session_scope() as session:
        version = kwargs.pop("expected_version", None)
        return act(
            session, actor=actor, case_id=case_id, request=ActionRequest(action=action, reason=reason, **kwargs),
            expected_version=version,
        )  # fmt: skip


__all__ = ["make_published_video"]
