"""The append-only, hash-chained audit table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from console.db import Base, BigIntPK, JSONType, UTCDateTime

# The one list of events that record a *read*: someone looked at, downloaded or exported data and nothing changed.
# Everything else is a change (sign-ins and sign-outs included: they start and end sessions, and a failed sign-in
# or a lockout is what an auditor looks for first). The audit page shows changes by default and reads on request;
# a 2257 record's own history hides its reads the same way. Exact names, so the filter is `action [NOT] IN (...)`
# on the indexed column; tests/audit/test_event_kinds.py fails when an action that reads like a read is written
# somewhere in console/ and is missing here.
READ_ACTIONS: frozenset[str] = frozenset(
    {
        "legal_record.view",  # a 2257 record opened (28 CFR 75: reads of legal data are audited)
        "legal_record.scan_view",  # an ID scan shown
        "legal_record.scan_download",  # an ID scan downloaded
        "production.view",  # a video's 2257 production details opened
        "compliance.index_view",  # a page of the 2257 performer index
        "compliance.worklist_view",  # a page of the compliance worklist (the record ids it showed)
        "compliance.export",  # the 2257 records exported for an inspection
        "insights.export",  # a chart's aggregate points downloaded as CSV
    }
)


# The one list of events that record a routine job's own run: the scheduled rollups and sweeps write one every few
# minutes (insights ~290 a day) and would push staff changes off the audit page's default view. They are changes
# (the job rewrote its tables) and stay in the chain; the page lists them under "Jobs". What a job does to an item
# (a video held by the sweep, a scheduled video published) is the item's own event and stays under "Changes". A job
# that failed or was abandoned is not routine either. tests/audit/test_event_kinds.py fails when a rollup or sweep
# action written in console/ is on neither side of this line.
JOB_ACTIONS: frozenset[str] = frozenset(
    {
        "insights.rollup",  # one day's insights tables rebuilt (the job, every 10 minutes: today and yesterday)
        "insights.rollup_span",  # a span rolled up (the job's catch-up, `insights rollup`, the scale seed)
        "ad_stats.rollup",  # one day's ad stats rebuilt (every 5 minutes)
        "compliance.sweep_start",  # the daily 2257 sweep of public videos began
        "compliance.sweep",  # and ended, with its counts (its holds are the videos' own events)
    }
)


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    actor_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    actor_id: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)  # no FK: events outlive staff rows
    actor_label: Mapped[str] = mapped_column(String(254), nullable=False)
    action: Mapped[str] = mapped_column(String(64), nullable=False)
    entity: Mapped[str] = mapped_column(String(64), nullable=False)
    entity_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    before: Mapped[Any | None] = mapped_column(JSONType, nullable=True)
    after: Mapped[Any | None] = mapped_column(JSONType, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(String(512), nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)

    __table_args__ = (
        Index("ix_audit_events_occurred_at", "occurred_at"),
        Index("ix_audit_events_actor_label_id", "actor_label", "id"),
        Index("ix_audit_events_entity_entity_id_id", "entity", "entity_id", "id"),
        Index("ix_audit_events_action_id", "action", "id"),
    )
