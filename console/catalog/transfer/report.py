"""What an import did or would do: the issues by row and column, the counts, and the issues as CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from console.catalog.transfer.columns import neutralise


@dataclass(frozen=True)
class RowIssue:
    row: int  # spreadsheet row number (the header is row 1)
    column: str  # "" when the problem concerns the whole row
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0  # rows with at least one error
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    dry_run: bool = True
    all_or_nothing: bool = False
    written: bool = False  # whether changes are in the caller's transaction (it commits them)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        counts = f"{self.created:,} new, {self.updated:,} changed, {self.unchanged:,} unchanged"
        bad = f"{self.failed:,} row{'s' if self.failed != 1 else ''} with errors"
        if self.dry_run:
            return f"Dry run of {self.rows:,} rows: {counts}, {bad}. Nothing was written."
        if not self.written and self.errors:
            return (
                f"Nothing was imported: {bad} and all-or-nothing is on. "
                f"The other rows were valid ({counts}). Fix the errors and import again."
            )
        skipped = f"; {bad} skipped" if self.failed else ""
        return f"Import finished ({self.rows:,} rows): {counts}{skipped}."


def issues_csv(report: ImportReport) -> bytes:
    """Every error and warning of a report as CSV (row, column, level, message), for fixing big files."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["row", "column", "level", "message"])
    for level, issues in (("error", report.errors), ("warning", report.warnings)):
        for issue in issues:
            writer.writerow([issue.row, neutralise(issue.column), level, neutralise(issue.message)])
    return buffer.getvalue().encode("utf-8-sig")
