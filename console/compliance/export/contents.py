"""What the ZIP holds: its file and folder names, the CSV indexes' columns and cells (formula-like text
neutralised), the result of an export, and discarding a file whose transaction failed."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from console.catalog.transfer import neutralise
from console.db import utcnow

ProgressFn = Callable[[int, int, str], None]


LEGAL_COLUMNS = (
    "legal_last_name",
    "legal_first_name",
    "legal_middle_name",
    "legal_name",
    "record_id",
    "performer_id",
    "stage_name",
    "other_names",
    "record_status",
    "video_id",
    "title",
    "identifier",
    "url",
    "production_date",
)


NAME_COLUMNS = ("name", "kind", "used_from", "used_to", "legal_name", "record_id", "performer_id", "stage_name")


DEPICTION_COLUMNS = (
    "video_id",
    "title",
    "identifier",
    "url",
    "production_date",
    "stage_name",
    "performer_id",
    "legal_name",
    "record_id",
    "record_status",
    "id_type",
    "id_number",
    "id_country",
    "id_examined_on",
    "age_on_production_date",
)


_UNSAFE = re.compile(r"[^\w]+")


@dataclass
class ExportResult:
    path: Path
    sha256: str
    size_bytes: int
    records: int = 0
    names: int = 0
    depictions: int = 0
    scans: int = 0
    problems: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"records": self.records, "names": self.names, "depictions": self.depictions, "scans": self.scans}


def export_filename(now: datetime | None = None) -> str:
    return f"inspection-2257-{(now or utcnow()):%Y%m%d-%H%M%S}.zip"


def folder_name(last: str, first: str, record_id: int) -> str:
    """`ids/<last>_<first>_<record-id>`: letters and digits of any script kept, everything else a hyphen."""

    def part(text: str) -> str:
        return _UNSAFE.sub("-", text).strip("-_")[:60] or "x"

    return f"{part(last)}_{part(first)}_{record_id}"


def discard(result: ExportResult | Path) -> None:
    """Remove an export whose audit event could not be committed (it must not exist unaudited)."""
    path = result.path if isinstance(result, ExportResult) else result
    path.unlink(missing_ok=True)


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(value) if isinstance(value, str) else value


def _csv_writer(handle: IO[str]) -> Any:
    return csv.writer(handle, lineterminator="\r\n")


def _row(values: Sequence[Any]) -> list[Any]:
    return [_text(v) for v in values]
