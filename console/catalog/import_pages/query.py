"""What the import page reads and shows: the export filter carried in the address and its description, the issue
rows of an import report, and the progress a worker thread reports."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from console.catalog.service import VideoFilter
from console.catalog.transfer import ImportReport
from console.ui.paged_table import column

MAX_SHOWN_ISSUES = 1_000
ISSUE_COLUMNS: list[dict[str, Any]] = [
    column("row", "Row", "right", sortable=True),
    column("column", "Column", sortable=True),
    column("level", "Level", sortable=True),
    column("message", "Message"),
]
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class Progress:
    """Rows done / total, written by the worker thread and read by the page's timer (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = 0
        self._total = 0

    def __call__(self, done: int, total: int) -> None:
        with self._lock:
            self._done, self._total = done, total

    def snapshot(self) -> tuple[int, int]:
        with self._lock:
            return self._done, self._total


def filter_from_query(params: Mapping[str, str]) -> tuple[VideoFilter, list[str]]:
    """The list filter carried in the query string (?q=…&kind=…&state=…); returns it and what was ignored."""
    ignored: list[str] = []

    def text(*names: str) -> str | None:
        for name in names:
            value = (params.get(name) or "").strip()
            if value:
                return value[:200]
        return None

    def flag(*names: str) -> bool | None:
        value = text(*names)
        if value is None:
            return None
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        ignored.append(names[0])
        return None

    collection = text("collection_id", "collection")
    collection_id = int(collection) if collection and collection.isascii() and collection.isdigit() else None
    if collection and collection_id is None:
        ignored.append("collection_id")
    access = text("access_level", "access")
    return (
        VideoFilter(
            search=text("q", "search"),
            collection_id=collection_id,
            kind=text("kind"),
            state=text("state"),
            access_level=access.upper() if access else None,
            featured=flag("featured"),
            has_performers=flag("has_performers", "performers"),
            include_deleted=bool(flag("include_deleted", "deleted")),
        ),
        ignored,
    )


def describe(flt: VideoFilter) -> str:
    parts = []
    if flt.search:
        parts.append(f"search “{flt.search}”")
    for name in ("collection_id", "kind", "state", "access_level", "featured", "has_performers"):
        value = getattr(flt, name)
        if value is not None:
            parts.append(f"{name.replace('_', ' ')} = {value}")
    if flt.include_deleted:
        parts.append("including deleted videos")
    return "videos with " + ", ".join(parts) if parts else "every video in the catalog"


def issue_rows(report: ImportReport, limit: int = MAX_SHOWN_ISSUES) -> list[dict[str, Any]]:
    issues = [("error", i) for i in report.errors] + [("warning", i) for i in report.warnings]
    return [
        {
            "id": n,
            "row": issue.row,
            "column": issue.column or "(whole row)",
            "level": level,
            "message": issue.message,
        }
        for n, (level, issue) in enumerate(issues[:limit])
    ]
