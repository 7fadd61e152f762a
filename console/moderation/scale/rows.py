"""The rows `seed --scale` bulk-loads for moderation, made from the plan (plan.py): live streams, comments and chat
messages (hidden or deleted where a resolved case removed them), the cases, their reports, decisions and strikes."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from console.moderation.scale.plan import PlannedCase
from console.moderation.service import priority

REMOVAL = {"comment": "hide_comment", "chat_message": "delete_chat_message", "video": "unpublish_video"}
PHRASES = [
    "great video",
    "love this",
    "so hot",
    "more please",
    "meh",
    "audio is off",
    "who is she?",
    "subscribed",
    "check my profile",
    "free followers here",
    "you are trash",
    "amazing lighting",
    "part 2 when?",
    "lol",
]

STREAM_COLUMNS = [
    "performer_id",
    "title",
    "status",
    "chat_enabled",
    "viewer_count",
    "peak_viewers",
    "scheduled_start",
    "started_at",
    "ended_at",
    "created_at",
    "version",
]
COMMENT_COLUMNS = [
    "member_id",
    "video_id",
    "parent_id",
    "body",
    "likes",
    "reported",
    "created_at",
    "hidden_at",
    "hidden_by_id",
    "hidden_reason",
    "version",
]
CHAT_COLUMNS = ["stream_id", "member_id", "body", "sent_at", "deleted_at", "deleted_by_id", "version"]
CASE_COLUMNS = [
    "target_type",
    "target_id",
    "target_label",
    "status",
    "emergency",
    "worst_reason",
    "reason_counts",
    "reason_mask",
    "report_count",
    "reporter_count",
    "base_priority",
    "priority_parts",
    "queue_key",
    "assignee_id",
    "claimed_at",
    "claim_expires_at",
    "first_report_at",
    "last_report_at",
    "sla_due_at",
    "first_action_at",
    "resolved_at",
    "resolved_by_id",
    "previous_case_id",
    "feedback_template",
    "version",
]
REPORT_COLUMNS = [
    "reporter_id",
    "target_type",
    "target_id",
    "reason",
    "description",
    "video_start_s",
    "video_end_s",
    "chat_message_id",
    "external_id",
    "source",
    "created_at",
    "case_id",
    "intake_at",
    "intake_error",
]
DECISION_COLUMNS = [
    "case_id",
    "action",
    "reason",
    "rule",
    "note",
    "actor_id",
    "actor_label",
    "member_id",
    "reversal",
    "feedback_template",
    "created_at",
    "reversed_at",
    "reversed_by_id",
]
STRIKE_COLUMNS = [
    "member_id",
    "kind",
    "reason",
    "case_id",
    "decision_id",
    "created_at",
    "expires_at",
    "overturned_at",
    "overturned_by_id",
]


def stream_rows(rng: random.Random, now: datetime, count: int, performers: list[int]) -> Iterator[dict[str, Any]]:
    for i in range(count):
        status = "live" if i % 33 == 0 else "scheduled" if i % 50 == 1 else "ended"
        start = now - timedelta(days=rng.random() * 180) if status == "ended" else now - timedelta(hours=rng.random())
        viewers = rng.randint(10, 5000) if status == "live" else 0
        yield {
            "performer_id": rng.choice(performers),
            "title": f"Live show {i}",
            "status": status,
            "chat_enabled": True,
            "viewer_count": viewers,
            "peak_viewers": max(viewers, rng.randint(10, 8000)),
            "scheduled_start": None,
            "started_at": start if status != "scheduled" else None,
            "ended_at": start + timedelta(hours=2) if status == "ended" else None,
            "created_at": start,
            "version": 1,
        }


def comment_rows(
    rng: random.Random,
    now: datetime,
    count: int,
    members: tuple[int, int],
    videos: tuple[int, int],
    first: int,
    removed: dict[tuple[str, int], PlannedCase],
) -> Iterator[dict[str, Any]]:
    recent: list[int] = []
    for i in range(count):
        cid = first + i
        at = now - timedelta(days=rng.random() * 200)
        parent = rng.choice(recent) if recent and rng.random() < 0.2 else None
        gone = removed.get(("comment", cid))
        yield {
            "member_id": rng.randint(*members),
            "video_id": rng.randint(*videos),
            "parent_id": parent,
            "body": f"{rng.choice(PHRASES)} #{cid}",
            "likes": rng.randint(0, 50),
            "reported": False,
            "created_at": at,
            "hidden_at": gone.extra["resolved_at"] if gone else None,
            "hidden_by_id": gone.assignee if gone else None,
            "hidden_reason": "Breaks the community rules" if gone else None,
            "version": 1,
        }
        if i % 97 == 0:
            recent = [*recent[-50:], cid]


def chat_rows(
    rng: random.Random,
    now: datetime,
    count: int,
    members: tuple[int, int],
    first_stream: int,
    streams: int,
    first: int,
    removed: dict[tuple[str, int], PlannedCase],
) -> Iterator[dict[str, Any]]:
    for i in range(count):
        mid = first + i
        gone = removed.get(("chat_message", mid))
        yield {
            "stream_id": first_stream + (i * streams) // max(count, 1),
            "member_id": rng.randint(*members),
            "body": f"{rng.choice(PHRASES)} {mid}",
            "sent_at": now - timedelta(days=rng.random() * 180),
            "deleted_at": gone.extra["resolved_at"] if gone else None,
            "deleted_by_id": gone.assignee if gone else None,
            "version": 1,
        }


def case_rows(plan: list[PlannedCase]) -> Iterator[dict[str, Any]]:
    for case in plan:
        closed = case.status in ("resolved", "dismissed")
        yield {
            "target_type": case.target_type,
            "target_id": case.target_id,
            "target_label": f"{case.target_type.replace('_', ' ')} #{case.target_id}",
            "status": case.status,
            **priority.seeded_case_columns(case.reasons, case.reporters, case.times),
            "assignee_id": case.assignee,
            "claimed_at": None,
            "claim_expires_at": None,
            "first_action_at": case.extra.get("first_action_at"),
            "resolved_at": case.extra.get("resolved_at"),
            "resolved_by_id": case.assignee if closed else None,
            "previous_case_id": None,
            "feedback_template": {"resolved": "resolved", "dismissed": "no_violation"}.get(case.status),
            "version": 1,
        }


def report_rows(plan: list[PlannedCase], first_case: int) -> Iterator[dict[str, Any]]:
    for i, case in enumerate(plan):
        for reason, reporter, at in zip(case.reasons, case.reporters, case.times, strict=True):
            yield {
                "reporter_id": reporter,
                "target_type": case.target_type,
                "target_id": case.target_id,
                "reason": reason,
                "description": None,
                "video_start_s": None,
                "video_end_s": None,
                "chat_message_id": None,
                "external_id": None,
                "source": "api",
                "created_at": at,
                "case_id": first_case + i,
                "intake_at": at,
                "intake_error": None,
            }


def decision_rows(
    plan: list[PlannedCase], first_case: int, first_decision: int, names: dict[int, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    decisions: list[dict[str, Any]] = []
    strikes: list[dict[str, Any]] = []
    for i, case in enumerate(plan):
        if case.status not in ("resolved", "dismissed") or case.assignee is None:
            continue
        at = case.extra["resolved_at"]
        actions = ["dismiss"] if case.status == "dismissed" else [REMOVAL.get(case.target_type, "warn"), "resolve"]
        if case.target_type in ("performer", "live_stream") and case.status == "resolved":
            actions = ["escalate" if case.target_type == "performer" else "disable_chat", "resolve"]
        for action in actions:
            member_id = case.target_id if case.target_type == "member" else None
            decisions.append(
                {
                    "case_id": first_case + i,
                    "action": action,
                    "reason": "Breaks the community rules",
                    "rule": None,
                    "note": None,
                    "actor_id": case.assignee,
                    "actor_label": names[case.assignee],
                    "member_id": member_id,
                    "reversal": {},
                    "feedback_template": {"dismiss": "no_violation", "resolve": "resolved"}.get(action),
                    "created_at": at,
                    "reversed_at": None,
                    "reversed_by_id": None,
                }
            )
            if action == "warn" and member_id is not None:
                strikes.append(
                    {
                        "member_id": member_id,
                        "kind": "warning",
                        "reason": "Breaks the community rules",
                        "case_id": first_case + i,
                        "decision_id": first_decision + len(decisions) - 1,
                        "created_at": at,
                        "expires_at": at + timedelta(days=90),
                        "overturned_at": None,
                        "overturned_by_id": None,
                    }
                )
    return decisions, strikes
