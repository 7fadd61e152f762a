"""Moderation: the platform content moderators act on (comments, live streams, chat), the reports members
file, cases (one open case per target), notes, decisions, strikes, appeals and the blocklist.

Seeds: 000 (Report with SPAM/INAPPROPRIATE/COPYRIGHT/HARASSMENT/VIOLENCE/OTHER, Comment with `reported`),
004 (reports on users/streams/messages with inappropriate_content; streams; chat messages), 003 (blacklist).
UNDERAGE and NON_CONSENSUAL are added: an adult platform treats them as emergencies. Reasons are stored in
lower case; 004's `report_type` and 000's `reason` map onto one list.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from console.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow

TARGET_TYPES = ("video", "comment", "member", "performer", "live_stream", "chat_message")
REASONS = (
    "underage",
    "non_consensual",
    "violence",
    "harassment",
    "inappropriate_content",
    "inappropriate",
    "copyright",
    "spam",
    "other",
)
EMERGENCY_REASONS = ("underage", "non_consensual")
CASE_STATES = ("open", "claimed", "escalated", "resolved", "dismissed")
LIVE_CASE_STATES = ("open", "claimed", "escalated")  # at most one such case per target
STREAM_STATES = ("scheduled", "live", "ended", "cancelled")
ACTIONS = (
    "dismiss",
    "resolve",
    "hide_comment",
    "delete_chat_message",
    "end_stream",
    "disable_chat",
    "unpublish_video",
    "warn",
    "mute",
    "suspend",
    "ban",
    "blocklist",
    "escalate",
)
STRIKE_KINDS = ("warning", "content_removal", "mute", "suspension", "ban")
APPEAL_STATES = ("open", "upheld", "overturned")
BLOCK_KINDS = ("username", "email", "term")
BLOCK_SCOPES = ("all", "comments", "chat", "signup")
FEEDBACK_TEMPLATES = ("resolved", "no_violation")
REPORT_SOURCES = ("api", "table")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Comment(Base):
    """A member's comment on a video (seed 000), threaded by `parent_id`; moderators hide, never delete."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"), nullable=False)
    video_id: Mapped[int] = mapped_column(ForeignKey("videos.id", ondelete="RESTRICT"), nullable=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="RESTRICT"))
    body: Mapped[str] = mapped_column(Text, nullable=False)
    likes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    reported: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_comments_video_created", "video_id", "created_at", "id"),
        Index("ix_comments_member_created", "member_id", "created_at"),
        Index("ix_comments_parent", "parent_id"),
    )


class LiveStream(Base):
    """A performer's live stream (seed 004 `streams`); moderators end it or turn its chat off."""

    __tablename__ = "live_streams"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    performer_id: Mapped[int] = mapped_column(ForeignKey("performers.id", ondelete="RESTRICT"), nullable=False)
    title: Mapped[str] = mapped_column(String(255), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="scheduled")
    chat_enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    viewer_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    peak_viewers: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    scheduled_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(_in("status", STREAM_STATES), name="status_valid"),
        CheckConstraint("viewer_count >= 0 AND peak_viewers >= 0", name="counts_positive"),
        Index("ix_live_streams_performer", "performer_id", "created_at"),
        Index("ix_live_streams_status", "status"),
    )


class ChatMessage(Base):
    """One chat message in a live stream (seed 004's chat_messages collection, as a table)."""

    __tablename__ = "chat_messages"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    stream_id: Mapped[int] = mapped_column(ForeignKey("live_streams.id", ondelete="RESTRICT"), nullable=False)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_chat_messages_stream_sent", "stream_id", "sent_at", "id"),
        Index("ix_chat_messages_member_sent", "member_id", "sent_at"),
    )


class ModerationCase(Base):
    """All reports on one target while it is being handled. At most one live case per target (a partial unique
    index); a report on a target whose last case is closed opens a new case that points to the old one.

    `base_priority` is the priority without age; `queue_key` = base_priority * 3600 - epoch seconds of the first
    report, so ordering by queue_key descending is ordering by base_priority + hours waiting (priority.py) —
    the age part grows for every case alike, and one index serves "highest priority first"."""

    __tablename__ = "moderation_cases"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    target_type: Mapped[str] = mapped_column(String(16), nullable=False)
    target_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    target_label: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="open")
    emergency: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    worst_reason: Mapped[str] = mapped_column(String(24), nullable=False)
    reason_counts: Mapped[dict[str, int]] = mapped_column(JSONType, nullable=False, default=dict)
    reason_mask: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    report_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    reporter_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    base_priority: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    priority_parts: Mapped[dict[str, int]] = mapped_column(JSONType, nullable=False, default=dict)
    queue_key: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_report_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    last_report_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    sla_due_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    first_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    previous_case_id: Mapped[int | None] = mapped_column(ForeignKey("moderation_cases.id", ondelete="RESTRICT"))
    feedback_template: Mapped[str | None] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(_in("target_type", TARGET_TYPES), name="target_type_valid"),
        CheckConstraint(_in("status", CASE_STATES), name="status_valid"),
        CheckConstraint(
            "feedback_template IS NULL OR " + _in("feedback_template", FEEDBACK_TEMPLATES), name="feedback_valid"
        ),
        CheckConstraint(
            "(status = 'claimed') = (assignee_id IS NOT NULL AND claim_expires_at IS NOT NULL)", name="claim_consistent"
        ),
        Index("ix_moderation_cases_first_report", "first_report_at", "id"),  # insights: open at a day's end
        Index(
            "uq_moderation_cases_live_target",
            "target_type",
            "target_id",
            unique=True,
            sqlite_where=text("status IN ('open', 'claimed', 'escalated')"),
            postgresql_where=text("status IN ('open', 'claimed', 'escalated')"),
        ),
        Index("ix_moderation_cases_status_queue", "status", "queue_key", "id"),
        Index(  # the default view (open, claimed or escalated, highest priority first): one backward index scan
            "ix_moderation_cases_live_queue",
            "queue_key",
            "id",
            sqlite_where=text("status IN ('open', 'claimed', 'escalated')"),
            postgresql_where=text("status IN ('open', 'claimed', 'escalated')"),
        ),
        Index("ix_moderation_cases_queue", "queue_key", "id"),  # every case (status "all")
        Index("ix_moderation_cases_status_first", "status", "first_report_at", "id"),
        Index("ix_moderation_cases_type_status_queue", "target_type", "status", "queue_key", "id"),
        Index("ix_moderation_cases_assignee", "assignee_id", "status"),
        Index("ix_moderation_cases_target", "target_type", "target_id", "id"),
        Index("ix_moderation_cases_first_action", "first_action_at"),
        Index("ix_moderation_cases_resolved", "resolved_at", "resolved_by_id"),
        Index(
            "ix_moderation_cases_claim_expiry",
            "claim_expires_at",
            sqlite_where=text("status = 'claimed'"),
            postgresql_where=text("status = 'claimed'"),
        ),
    )


class Report(Base):
    """A member's report, written by the platform (POST /api/reports, or a row it inserts straight here that the
    intake job attaches to its case). `case_id` is NULL until intake; `intake_error` says why a row was refused."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"), nullable=False)
    target_type: Mapped[str] = mapped_column(String(16), nullable=False)
    target_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    reason: Mapped[str] = mapped_column(String(24), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    video_start_s: Mapped[int | None] = mapped_column(Integer)
    video_end_s: Mapped[int | None] = mapped_column(Integer)
    chat_message_id: Mapped[int | None] = mapped_column(BigInteger)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(8), nullable=False, default="table")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("moderation_cases.id", ondelete="RESTRICT"))
    intake_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    intake_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint(_in("target_type", TARGET_TYPES), name="target_type_valid"),
        CheckConstraint(_in("reason", REASONS), name="reason_valid"),
        CheckConstraint(_in("source", REPORT_SOURCES), name="source_valid"),
        CheckConstraint(
            "video_start_s IS NULL OR (video_start_s >= 0 AND (video_end_s IS NULL OR video_end_s >= video_start_s))",
            name="time_range_valid",
        ),
        Index("ix_reports_case", "case_id", "id"),
        Index("ix_reports_reporter", "reporter_id", "created_at"),
        Index("ix_reports_target", "target_type", "target_id"),
        Index(
            "ix_reports_pending_intake",
            "id",
            sqlite_where=text("case_id IS NULL AND intake_error IS NULL"),
            postgresql_where=text("case_id IS NULL AND intake_error IS NULL"),
        ),
    )


class ReporterScore(Base):
    """How often a member's reports led to action: a part of the priority (reporter accuracy)."""

    __tablename__ = "reporter_scores"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"), primary_key=True)
    actioned: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    dismissed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class CaseNote(Base):
    """An internal note on a case (never shown to members)."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("moderation_cases.id", ondelete="RESTRICT"), nullable=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    author_label: Mapped[str] = mapped_column(String(255), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    __table_args__ = (Index("ix_case_notes_case", "case_id", "id"),)


class CaseDecision(Base):
    """One action a moderator took on a case, with what undoing it needs (`reversal`), so an appeal can."""

    __tablename__ = "case_decisions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("moderation_cases.id", ondelete="RESTRICT"), nullable=False)
    action: Mapped[str] = mapped_column(String(24), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    rule: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    actor_label: Mapped[str] = mapped_column(String(255), nullable=False)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"))
    reversal: Mapped[dict[str, object]] = mapped_column(JSONType, nullable=False, default=dict)
    # On the closing decision: the message the platform sends the reporters (resolved / no violation).
    feedback_template: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reversed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))

    __table_args__ = (
        CheckConstraint(_in("action", ACTIONS), name="action_valid"),
        CheckConstraint(
            "feedback_template IS NULL OR " + _in("feedback_template", FEEDBACK_TEMPLATES), name="feedback_valid"
        ),
        Index("ix_case_decisions_case", "case_id", "id"),
        Index("ix_case_decisions_member", "member_id", "id"),
        Index("ix_case_decisions_actor_created", "actor_id", "created_at"),
    )


class MemberStrike(Base):
    """A recorded sanction against a member (Mastodon's AccountWarning): what, why, from which case, until when."""

    __tablename__ = "member_strikes"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("moderation_cases.id", ondelete="RESTRICT"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("case_decisions.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    overturned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    overturned_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))

    __table_args__ = (
        CheckConstraint(_in("kind", STRIKE_KINDS), name="kind_valid"),
        Index("ix_member_strikes_member", "member_id", "created_at"),
    )


class Appeal(Base):
    """A member's appeal of one strike, decided by someone other than the moderator who decided the strike."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    strike_id: Mapped[int] = mapped_column(ForeignKey("member_strikes.id", ondelete="RESTRICT"), nullable=False)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(_in("status", APPEAL_STATES), name="status_valid"),
        UniqueConstraint("strike_id"),
        Index("ix_appeals_status_created", "status", "created_at", "id"),
    )


class BlockEntry(Base):
    """A username, e-mail or term the platform refuses (seed 003's blacklist, with a scope instead of a platform)."""

    __tablename__ = "blocklist"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    value: Mapped[str] = mapped_column(String(254), nullable=False)
    scope: Mapped[str] = mapped_column(String(16), nullable=False, default="all")
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("moderation_cases.id", ondelete="RESTRICT"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(_in("kind", BLOCK_KINDS), name="kind_valid"),
        CheckConstraint(_in("scope", BLOCK_SCOPES), name="scope_valid"),
        UniqueConstraint("kind", "value", "scope"),
    )
