"""The worklist's tabs and the row each tab lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

TABS = ("missing", "pending", "expiring", "blocked", "holds")


TAB_LABELS = {
    "missing": "Without a verified record",
    "pending": "Pending verification",
    "expiring": "IDs expiring",
    "blocked": "Videos blocked",
    "holds": "Videos on hold",
}


DEFAULT_EXPIRY_DAYS = 60


MAX_EXPIRY_DAYS = 3650


VIEW_ACTION = "compliance.worklist_view"


BLOCKABLE_STATES = ("draft", "scheduled", "unpublished")


@dataclass(frozen=True)
class MissingRow:
    performer_id: int
    stage_name: str
    record_id: int | None
    status: str | None  # None: no record at all
    legal_name: str | None
    amended_at: datetime | None


@dataclass(frozen=True)
class PendingRow:
    record_id: int
    performer_id: int
    stage_name: str
    legal_name: str
    date_of_birth: date | None
    entered_by: str | None
    amended_by: str | None
    created_at: datetime
    amended_at: datetime


@dataclass(frozen=True)
class ExpiringRow:
    document_id: int
    record_id: int
    performer_id: int
    stage_name: str
    legal_name: str
    doc_type: str
    issuing_country: str
    expiry_date: date
    days_left: int  # negative: expired that many days ago


@dataclass(frozen=True)
class BlockedRow:
    video_id: int
    title: str
    state: str
    performer_count: int
    reasons: list[str]


@dataclass(frozen=True)
class HoldRow:
    hold_id: int
    video_id: int
    title: str
    video_state: str
    record_id: int | None  # None: the hold came from a production, the sweep or another cause with no one record
    performer_id: int | None
    stage_name: str | None
    legal_name: str | None
    record_status: str | None
    reason: str
    created_at: datetime
    source: str = "record"


@dataclass(frozen=True)
class TabCount:
    total: int
    estimated: bool

    def label(self) -> str:
        return f"~{self.total:,}" if self.estimated else f"{self.total:,}"
