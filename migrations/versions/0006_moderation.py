"""Moderation: comments, live streams, chat messages, reports, cases, notes, decisions, strikes, appeals, the
blocklist and reporter scores; members gain the muted status and suspended/muted-until times.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

Reviewed by hand. One live case per target is a partial unique index (open/claimed/escalated) on both
dialects, so two reports arriving at once can never open two cases. The queue's indexes lead with the status
and end with the id, so every page is an index range. SQLite cannot change a CHECK constraint in place: the
members table is copied by batch mode (no triggers on it; its indexes are recreated). The downgrade refuses
while members are muted (the old status list cannot hold them).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TS = sa.DateTime(timezone=True)
LIVE = "status IN ('open', 'claimed', 'escalated')"
TARGETS = "target_type IN ('video', 'comment', 'member', 'performer', 'live_stream', 'chat_message')"
REASONS = (
    "reason IN ('underage', 'non_consensual', 'violence', 'harassment', 'inappropriate_content', 'inappropriate', "
    "'copyright', 'spam', 'other')"
)
ACTIONS = (
    "action IN ('dismiss', 'resolve', 'hide_comment', 'delete_chat_message', 'end_stream', 'disable_chat', "
    "'unpublish_video', 'warn', 'mute', 'suspend', 'ban', 'blocklist', 'escalate')"
)
OLD_STATUSES = "status IN ('active', 'suspended', 'banned', 'deleted')"
NEW_STATUSES = "status IN ('active', 'muted', 'suspended', 'banned', 'deleted')"


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete="RESTRICT"
    )


def _members_up() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("suspended_until", TS, nullable=True))
        batch.add_column(sa.Column("muted_until", TS, nullable=True))
        batch.drop_constraint(op.f("ck_members_status_valid"), type_="check")
        batch.create_check_constraint(op.f("ck_members_status_valid"), NEW_STATUSES)


def _content_tables() -> None:
    op.create_table(
        "comments",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("video_id", ID, nullable=False),
        sa.Column("parent_id", ID, nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("likes", sa.Integer(), nullable=False),
        sa.Column("reported", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("hidden_at", TS, nullable=True),
        sa.Column("hidden_by_id", ID, nullable=True),
        sa.Column("hidden_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("comments", "member_id", "members"),
        _fk("comments", "video_id", "videos"),
        _fk("comments", "parent_id", "comments"),
        _fk("comments", "hidden_by_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    op.create_index("ix_comments_video_created", "comments", ["video_id", "created_at", "id"])
    op.create_index("ix_comments_member_created", "comments", ["member_id", "created_at"])
    op.create_index("ix_comments_parent", "comments", ["parent_id"])

    op.create_table(
        "live_streams",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("performer_id", ID, nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("chat_enabled", sa.Boolean(), nullable=False),
        sa.Column("viewer_count", sa.Integer(), nullable=False),
        sa.Column("peak_viewers", sa.Integer(), nullable=False),
        sa.Column("scheduled_start", TS, nullable=True),
        sa.Column("started_at", TS, nullable=True),
        sa.Column("ended_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('scheduled', 'live', 'ended', 'cancelled')", name=op.f("ck_live_streams_status_valid")
        ),
        sa.CheckConstraint("viewer_count >= 0 AND peak_viewers >= 0", name=op.f("ck_live_streams_counts_positive")),
        _fk("live_streams", "performer_id", "performers"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_streams")),
    )
    op.create_index("ix_live_streams_performer", "live_streams", ["performer_id", "created_at"])
    op.create_index("ix_live_streams_status", "live_streams", ["status"])

    op.create_table(
        "chat_messages",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("stream_id", ID, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_at", TS, nullable=False),
        sa.Column("deleted_at", TS, nullable=True),
        sa.Column("deleted_by_id", ID, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("chat_messages", "stream_id", "live_streams"),
        _fk("chat_messages", "member_id", "members"),
        _fk("chat_messages", "deleted_by_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_messages")),
    )
    op.create_index("ix_chat_messages_stream_sent", "chat_messages", ["stream_id", "sent_at", "id"])
    op.create_index("ix_chat_messages_member_sent", "chat_messages", ["member_id", "sent_at"])


def _cases_and_reports() -> None:
    op.create_table(
        "moderation_cases",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("target_type", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.BigInteger(), nullable=False),
        sa.Column("target_label", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("emergency", sa.Boolean(), nullable=False),
        sa.Column("worst_reason", sa.String(length=24), nullable=False),
        sa.Column("reason_counts", JSON, nullable=False),
        sa.Column("reason_mask", sa.Integer(), nullable=False),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("reporter_count", sa.Integer(), nullable=False),
        sa.Column("base_priority", sa.Integer(), nullable=False),
        sa.Column("priority_parts", JSON, nullable=False),
        sa.Column("queue_key", sa.BigInteger(), nullable=False),
        sa.Column("assignee_id", ID, nullable=True),
        sa.Column("claimed_at", TS, nullable=True),
        sa.Column("claim_expires_at", TS, nullable=True),
        sa.Column("first_report_at", TS, nullable=False),
        sa.Column("last_report_at", TS, nullable=False),
        sa.Column("sla_due_at", TS, nullable=False),
        sa.Column("first_action_at", TS, nullable=True),
        sa.Column("resolved_at", TS, nullable=True),
        sa.Column("resolved_by_id", ID, nullable=True),
        sa.Column("previous_case_id", ID, nullable=True),
        sa.Column("feedback_template", sa.String(length=16), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(TARGETS, name=op.f("ck_moderation_cases_target_type_valid")),
        sa.CheckConstraint(
            "status IN ('open', 'claimed', 'escalated', 'resolved', 'dismissed')",
            name=op.f("ck_moderation_cases_status_valid"),
        ),
        sa.CheckConstraint(
            "feedback_template IS NULL OR feedback_template IN ('resolved', 'no_violation')",
            name=op.f("ck_moderation_cases_feedback_valid"),
        ),
        sa.CheckConstraint(
            "(status = 'claimed') = (assignee_id IS NOT NULL AND claim_expires_at IS NOT NULL)",
            name=op.f("ck_moderation_cases_claim_consistent"),
        ),
        _fk("moderation_cases", "assignee_id", "staff"),
        _fk("moderation_cases", "resolved_by_id", "staff"),
        _fk("moderation_cases", "previous_case_id", "moderation_cases"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_cases")),
    )
    op.create_index(
        "uq_moderation_cases_live_target",
        "moderation_cases",
        ["target_type", "target_id"],
        unique=True,
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )
    op.create_index("ix_moderation_cases_status_queue", "moderation_cases", ["status", "queue_key", "id"])
    op.create_index(
        "ix_moderation_cases_live_queue",
        "moderation_cases",
        ["queue_key", "id"],
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )
    op.create_index("ix_moderation_cases_queue", "moderation_cases", ["queue_key", "id"])
    op.create_index("ix_moderation_cases_status_first", "moderation_cases", ["status", "first_report_at", "id"])
    op.create_index(
        "ix_moderation_cases_type_status_queue", "moderation_cases", ["target_type", "status", "queue_key", "id"]
    )
    op.create_index("ix_moderation_cases_assignee", "moderation_cases", ["assignee_id", "status"])
    op.create_index("ix_moderation_cases_target", "moderation_cases", ["target_type", "target_id", "id"])
    op.create_index("ix_moderation_cases_first_action", "moderation_cases", ["first_action_at"])
    op.create_index("ix_moderation_cases_resolved", "moderation_cases", ["resolved_at", "resolved_by_id"])
    op.create_index(
        "ix_moderation_cases_claim_expiry",
        "moderation_cases",
        ["claim_expires_at"],
        sqlite_where=sa.text("status = 'claimed'"),
        postgresql_where=sa.text("status = 'claimed'"),
    )

    op.create_table(
        "reports",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("reporter_id", ID, nullable=False),
        sa.Column("target_type", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("video_start_s", sa.Integer(), nullable=True),
        sa.Column("video_end_s", sa.Integer(), nullable=True),
        sa.Column("chat_message_id", sa.BigInteger(), nullable=True),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("case_id", ID, nullable=True),
        sa.Column("intake_at", TS, nullable=True),
        sa.Column("intake_error", sa.Text(), nullable=True),
        sa.CheckConstraint(TARGETS, name=op.f("ck_reports_target_type_valid")),
        sa.CheckConstraint(REASONS, name=op.f("ck_reports_reason_valid")),
        sa.CheckConstraint("source IN ('api', 'table')", name=op.f("ck_reports_source_valid")),
        sa.CheckConstraint(
            "video_start_s IS NULL OR (video_start_s >= 0 AND (video_end_s IS NULL OR video_end_s >= video_start_s))",
            name=op.f("ck_reports_time_range_valid"),
        ),
        _fk("reports", "reporter_id", "members"),
        _fk("reports", "case_id", "moderation_cases"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("external_id", name=op.f("uq_reports_external_id")),
    )
    op.create_index("ix_reports_case", "reports", ["case_id", "id"])
    op.create_index("ix_reports_reporter", "reports", ["reporter_id", "created_at"])
    op.create_index("ix_reports_target", "reports", ["target_type", "target_id"])
    op.create_index(
        "ix_reports_pending_intake",
        "reports",
        ["id"],
        sqlite_where=sa.text("case_id IS NULL AND intake_error IS NULL"),
        postgresql_where=sa.text("case_id IS NULL AND intake_error IS NULL"),
    )

    op.create_table(
        "reporter_scores",
        sa.Column("member_id", ID, nullable=False),
        sa.Column("actioned", sa.Integer(), nullable=False),
        sa.Column("dismissed", sa.Integer(), nullable=False),
        _fk("reporter_scores", "member_id", "members"),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_reporter_scores")),
    )


def _decisions() -> None:
    op.create_table(
        "case_notes",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("author_id", ID, nullable=True),
        sa.Column("author_label", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _fk("case_notes", "case_id", "moderation_cases"),
        _fk("case_notes", "author_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_notes")),
    )
    op.create_index("ix_case_notes_case", "case_notes", ["case_id", "id"])

    op.create_table(
        "case_decisions",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actor_id", ID, nullable=True),
        sa.Column("actor_label", sa.String(length=255), nullable=False),
        sa.Column("member_id", ID, nullable=True),
        sa.Column("reversal", JSON, nullable=False),
        sa.Column("feedback_template", sa.String(length=16), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("reversed_at", TS, nullable=True),
        sa.Column("reversed_by_id", ID, nullable=True),
        sa.CheckConstraint(ACTIONS, name=op.f("ck_case_decisions_action_valid")),
        sa.CheckConstraint(
            "feedback_template IS NULL OR feedback_template IN ('resolved', 'no_violation')",
            name=op.f("ck_case_decisions_feedback_valid"),
        ),
        _fk("case_decisions", "case_id", "moderation_cases"),
        _fk("case_decisions", "actor_id", "staff"),
        _fk("case_decisions", "member_id", "members"),
        _fk("case_decisions", "reversed_by_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_decisions")),
    )
    op.create_index("ix_case_decisions_case", "case_decisions", ["case_id", "id"])
    op.create_index("ix_case_decisions_member", "case_decisions", ["member_id", "id"])
    op.create_index("ix_case_decisions_actor_created", "case_decisions", ["actor_id", "created_at"])

    op.create_table(
        "member_strikes",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("case_id", ID, nullable=True),
        sa.Column("decision_id", ID, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=True),
        sa.Column("overturned_at", TS, nullable=True),
        sa.Column("overturned_by_id", ID, nullable=True),
        sa.CheckConstraint(
            "kind IN ('warning', 'content_removal', 'mute', 'suspension', 'ban')",
            name=op.f("ck_member_strikes_kind_valid"),
        ),
        _fk("member_strikes", "member_id", "members"),
        _fk("member_strikes", "case_id", "moderation_cases"),
        _fk("member_strikes", "decision_id", "case_decisions"),
        _fk("member_strikes", "overturned_by_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_strikes")),
    )
    op.create_index("ix_member_strikes_member", "member_strikes", ["member_id", "created_at"])

    op.create_table(
        "appeals",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("strike_id", ID, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("decided_by_id", ID, nullable=True),
        sa.Column("decided_at", TS, nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'upheld', 'overturned')", name=op.f("ck_appeals_status_valid")),
        _fk("appeals", "strike_id", "member_strikes"),
        _fk("appeals", "member_id", "members"),
        _fk("appeals", "decided_by_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
        sa.UniqueConstraint("strike_id", name=op.f("uq_appeals_strike_id")),
    )
    op.create_index("ix_appeals_status_created", "appeals", ["status", "created_at", "id"])

    op.create_table(
        "blocklist",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=254), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("case_id", ID, nullable=True),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('username', 'email', 'term')", name=op.f("ck_blocklist_kind_valid")),
        sa.CheckConstraint("scope IN ('all', 'comments', 'chat', 'signup')", name=op.f("ck_blocklist_scope_valid")),
        _fk("blocklist", "case_id", "moderation_cases"),
        _fk("blocklist", "created_by_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocklist")),
        sa.UniqueConstraint("kind", "value", "scope", name=op.f("uq_blocklist_kind")),
    )


def upgrade() -> None:
    _members_up()
    _content_tables()
    _cases_and_reports()
    _decisions()


def downgrade() -> None:
    muted = op.get_bind().execute(sa.text("SELECT count(*) FROM members WHERE status = 'muted'")).scalar_one()
    if muted:
        raise RuntimeError(
            f"{muted} member(s) are muted; revision 0005 has no such status. Unmute them before downgrading."
        )
    for table in (
        "blocklist",
        "appeals",
        "member_strikes",
        "case_decisions",
        "case_notes",
        "reporter_scores",
        "reports",
        "moderation_cases",
        "chat_messages",
        "live_streams",
        "comments",
    ):
        op.drop_table(table)  # their indexes go with them
    with op.batch_alter_table("members") as batch:
        batch.drop_constraint(op.f("ck_members_status_valid"), type_="check")
        batch.create_check_constraint(op.f("ck_members_status_valid"), OLD_STATUSES)
        batch.drop_column("muted_until")
        batch.drop_column("suspended_until")
