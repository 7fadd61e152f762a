"""The moderation part of `seed --scale`: 5,000 live streams, 2,000,000 comments, 1,000,000 chat messages and
500,000 reports in 200,000 cases (10% still live, the rest resolved or dismissed by eight scale moderators, with
their decisions and strikes), loaded with COPY on PostgreSQL. Generated data written by the system: one audit
event for the whole run (seed.scale), none per row.

The plan comes first (which targets the cases are about, and how each ended), so comments and chat messages can
be written already hidden or deleted where a case resolved them. Ids follow insertion order from the first free
id, as in the catalog's scale seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from console.actor import SYSTEM
from console.bulkload import analyze, bulk_load
from console.catalog.models import Performer, Video
from console.db import session_scope
from console.members.models import Member
from console.moderation.models import (
    REASONS,
    CaseDecision,
    ChatMessage,
    Comment,
    LiveStream,
    MemberStrike,
    ModerationCase,
    Report,
)
from console.moderation.service import priority
from console.staff import service as staff_service
from console.staff.models import Staff

SHARES = {
    "comment": 0.45,
    "chat_message": 0.20,
    "video": 0.15,
    "member": 0.145,
    "performer": 0.03,
    "live_stream": 0.025,
}
REASON_WEIGHTS = {
    "spam": 30,
    "harassment": 20,
    "inappropriate": 12,
    "inappropriate_content": 10,
    "copyright": 8,
    "violence": 5,
    "other": 14,
    "underage": 0.5,
    "non_consensual": 0.5,
}
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
STAFF_COUNT = 8


@dataclass
class PlannedCase:
    target_type: str
    target_id: int
    reasons: list[str]
    reporters: list[int]
    times: list[datetime]
    status: str
    assignee: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _first_id(model: Any) -> int:
    with session_scope() as session:
        return int(session.execute(select(func.coalesce(func.max(model.id), 0))).scalar_one()) + 1


def _scale_moderators() -> list[tuple[int, str]]:
    with session_scope() as session:
        found = list(
            session.execute(select(Staff.id, Staff.name).where(Staff.email.like("scale-moderator-%"))).tuples()
        )
        for n in range(len(found), STAFF_COUNT):
            staff, _ = staff_service.create_staff(
                session,
                actor=SYSTEM,
                email=f"scale-moderator-{n}@console.example",
                name=f"Scale Moderator {n}",
                roles=["moderator"],
                must_change_password=False,
            )
            found.append((staff.id, staff.name))
        return found


def _report_counts(rng: random.Random, cases: int, reports: int) -> list[int]:
    counts = [rng.choices((1, 2, 3, 5, 8, 20), weights=(60, 20, 8, 6, 4, 2))[0] for _ in range(cases)]
    surplus = sum(counts) - reports
    i = 0
    while surplus != 0 and i < 10 * cases:
        j = i % cases
        if surplus > 0 and counts[j] > 1:
            counts[j] -= 1
            surplus -= 1
        elif surplus < 0:
            counts[j] += 1
            surplus += 1
        i += 1
    return counts


def scale_moderation(
    *,
    comments: int = 2_000_000,
    chat: int = 1_000_000,
    reports: int = 500_000,
    cases: int = 200_000,
    streams: int = 5_000,
) -> dict[str, int]:
    rng = random.Random(90210)
    now = datetime.now(UTC)
    with session_scope() as session:
        members = (
            int(session.execute(select(func.min(Member.id))).scalar_one() or 0),
            int(session.execute(select(func.max(Member.id))).scalar_one() or 0),
        )
        videos = (
            int(session.execute(select(func.min(Video.id))).scalar_one() or 0),
            int(session.execute(select(func.max(Video.id))).scalar_one() or 0),
        )
        performer_ids = list(session.execute(select(Performer.id)).scalars())
        if not members[1] or not videos[1] or not performer_ids:
            raise RuntimeError("The moderation scale data needs members, videos and performers: seed them first.")
    staff = _scale_moderators()
    first = {m.__name__: _first_id(m) for m in (LiveStream, Comment, ChatMessage, ModerationCase, CaseDecision)}
    plan = _plan(rng, now, cases, reports, members, videos, performer_ids, first, comments, chat, streams, staff)
    counts = {
        "live_streams": bulk_load(
            LiveStream,
            STREAM_COLUMNS,
            _streams(rng, now, streams, performer_ids),
            rebuild_indexes=first["LiveStream"] == 1,
        )
    }
    removed = {(c.target_type, c.target_id): c for c in plan if c.extra.get("removed")}
    counts["comments"] = bulk_load(
        Comment,
        COMMENT_COLUMNS,
        _comments(rng, now, comments, members, videos, first["Comment"], removed),
        rebuild_indexes=first["Comment"] == 1,
    )
    counts["chat_messages"] = bulk_load(
        ChatMessage,
        CHAT_COLUMNS,
        _chat(rng, now, chat, members, first["LiveStream"], streams, first["ChatMessage"], removed),
        rebuild_indexes=first["ChatMessage"] == 1,
    )
    counts["moderation_cases"] = bulk_load(
        ModerationCase, CASE_COLUMNS, _cases(plan), rebuild_indexes=first["ModerationCase"] == 1
    )
    counts["reports"] = bulk_load(
        Report, REPORT_COLUMNS, _reports(plan, first["ModerationCase"]), rebuild_indexes=first["ModerationCase"] == 1
    )
    decisions, strikes = _decisions(plan, first["ModerationCase"], first["CaseDecision"], dict(staff))
    counts["case_decisions"] = bulk_load(
        CaseDecision, DECISION_COLUMNS, iter(decisions), rebuild_indexes=first["CaseDecision"] == 1
    )
    counts["member_strikes"] = bulk_load(
        MemberStrike, STRIKE_COLUMNS, iter(strikes), rebuild_indexes=first["CaseDecision"] == 1
    )
    analyze(
        "live_streams", "comments", "chat_messages", "moderation_cases", "reports", "case_decisions", "member_strikes"
    )
    return counts


def _plan(
    rng: random.Random,
    now: datetime,
    cases: int,
    reports: int,
    members: tuple[int, int],
    videos: tuple[int, int],
    performer_ids: list[int],
    first: dict[str, int],
    comments: int,
    chat: int,
    streams: int,
    staff: list[tuple[int, str]],
) -> list[PlannedCase]:
    pools = {
        "comment": range(first["Comment"], first["Comment"] + comments),
        "chat_message": range(first["ChatMessage"], first["ChatMessage"] + chat),
        "video": range(videos[0], videos[1] + 1),
        "member": range(members[0], members[1] + 1),
        "performer": performer_ids,
        "live_stream": range(first["LiveStream"], first["LiveStream"] + streams),
    }
    per_case = _report_counts(rng, cases, reports)
    reasons, weights = list(REASON_WEIGHTS), list(REASON_WEIGHTS.values())
    planned: list[PlannedCase] = []
    for target_type, share in SHARES.items():
        pool = pools[target_type]
        n = min(len(pool), round(cases * share)) if target_type != "comment" else 0
        if target_type == "comment":  # the largest share takes whatever the others leave
            n = cases - sum(min(len(pools[t]), round(cases * s)) for t, s in SHARES.items() if t != "comment")
        for target_id in rng.sample(pool, n):
            planned.append(
                _one(rng, now, target_type, target_id, per_case[len(planned) % cases], members, reasons, weights, staff)
            )
    rng.shuffle(planned)
    return planned


def _one(
    rng: random.Random,
    now: datetime,
    target_type: str,
    target_id: int,
    count: int,
    members: tuple[int, int],
    reasons: list[str],
    weights: list[float],
    staff: list[tuple[int, str]],
) -> PlannedCase:
    main = rng.choices(reasons, weights)[0]
    picked = [main if rng.random() < 0.8 else rng.choices(reasons, weights)[0] for _ in range(count)]
    start = now - timedelta(days=rng.random() ** 1.5 * 180)
    times = sorted(start + timedelta(hours=rng.random() * 48) for _ in range(count))
    times = [min(t, now) for t in times]
    reporters = [rng.randint(*members) for _ in range(count)]
    roll = rng.random()
    status = "open" if roll < 0.09 else "escalated" if roll < 0.10 else "resolved" if roll < 0.65 else "dismissed"
    case = PlannedCase(target_type, target_id, picked, reporters, times, status)
    if status in ("resolved", "dismissed"):
        case.assignee = rng.choice(staff)[0]
        first_action = times[0] + timedelta(minutes=rng.lognormvariate(4.0, 1.0))
        case.extra = {
            "first_action_at": min(first_action, now),
            "resolved_at": min(first_action + timedelta(minutes=rng.lognormvariate(2.5, 1.0)), now),
            "removed": status == "resolved" and target_type in ("comment", "chat_message") and rng.random() < 0.8,
        }
    return case


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


def _streams(rng: random.Random, now: datetime, count: int, performers: list[int]) -> Iterator[dict[str, Any]]:
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


def _comments(
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


def _chat(
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


def _cases(plan: list[PlannedCase]) -> Iterator[dict[str, Any]]:
    for case in plan:
        counts: dict[str, int] = {}
        for reason in case.reasons:
            counts[reason] = counts.get(reason, 0) + 1
        worst = priority.worst(counts)
        parts = priority.parts(worst_reason=worst, reporters=len(set(case.reporters)), reach=0, scores=[])
        base = sum(parts.values())
        closed = case.status in ("resolved", "dismissed")
        yield {
            "target_type": case.target_type,
            "target_id": case.target_id,
            "target_label": f"{case.target_type.replace('_', ' ')} #{case.target_id}",
            "status": case.status,
            "emergency": priority.is_emergency(counts),
            "worst_reason": worst,
            "reason_counts": dict(sorted(counts.items())),
            "reason_mask": priority.reasons_mask(counts),
            "report_count": len(case.reasons),
            "reporter_count": len(set(case.reporters)),
            "base_priority": base,
            "priority_parts": parts,
            "queue_key": priority.queue_key(base, case.times[0]),
            "assignee_id": case.assignee,
            "claimed_at": None,
            "claim_expires_at": None,
            "first_report_at": case.times[0],
            "last_report_at": case.times[-1],
            "sla_due_at": priority.sla_due(case.times[0], worst),
            "first_action_at": case.extra.get("first_action_at"),
            "resolved_at": case.extra.get("resolved_at"),
            "resolved_by_id": case.assignee if closed else None,
            "previous_case_id": None,
            "feedback_template": {"resolved": "resolved", "dismissed": "no_violation"}.get(case.status),
            "version": 1,
        }


def _reports(plan: list[PlannedCase], first_case: int) -> Iterator[dict[str, Any]]:
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


def _decisions(
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


REASON_LIST = REASONS  # re-exported for the bench (filters by reason)
