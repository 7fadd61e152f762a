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
from datetime import UTC, datetime
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
from console.moderation.scale.plan import plan_cases
from console.moderation.scale.rows import (
    CASE_COLUMNS,
    CHAT_COLUMNS,
    COMMENT_COLUMNS,
    DECISION_COLUMNS,
    REPORT_COLUMNS,
    STREAM_COLUMNS,
    STRIKE_COLUMNS,
    case_rows,
    chat_rows,
    comment_rows,
    decision_rows,
    report_rows,
    stream_rows,
)
from console.staff import service as staff_service
from console.staff.models import Staff

STAFF_COUNT = 8


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
    plan = plan_cases(rng, now, cases, reports, members, videos, performer_ids, first, comments, chat, streams, staff)
    counts = {
        "live_streams": bulk_load(
            LiveStream,
            STREAM_COLUMNS,
            stream_rows(rng, now, streams, performer_ids),
            rebuild_indexes=first["LiveStream"] == 1,
        )
    }
    removed = {(c.target_type, c.target_id): c for c in plan if c.extra.get("removed")}
    counts["comments"] = bulk_load(
        Comment,
        COMMENT_COLUMNS,
        comment_rows(rng, now, comments, members, videos, first["Comment"], removed),
        rebuild_indexes=first["Comment"] == 1,
    )
    counts["chat_messages"] = bulk_load(
        ChatMessage,
        CHAT_COLUMNS,
        chat_rows(rng, now, chat, members, first["LiveStream"], streams, first["ChatMessage"], removed),
        rebuild_indexes=first["ChatMessage"] == 1,
    )
    counts["moderation_cases"] = bulk_load(
        ModerationCase, CASE_COLUMNS, case_rows(plan), rebuild_indexes=first["ModerationCase"] == 1
    )
    counts["reports"] = bulk_load(
        Report, REPORT_COLUMNS, report_rows(plan, first["ModerationCase"]), rebuild_indexes=first["ModerationCase"] == 1
    )
    decisions, strikes = decision_rows(plan, first["ModerationCase"], first["CaseDecision"], dict(staff))
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


REASON_LIST = REASONS  # re-exported for the bench (filters by reason)
