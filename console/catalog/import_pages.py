"""Bulk metadata import page: template download, dry run with per-row errors, commit, progress; and export.

/catalog/import (CATALOG_EDIT). The file is read, checked and imported off the event loop
(`run.io_bound`); the worker thread reports progress into a `Progress` object that a `ui.timer` polls.
The services (console/catalog/transfer/) check the permission again and own every rule.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from nicegui import events, run, ui

from console.catalog import transfer
from console.catalog.service import VideoFilter
from console.catalog.transfer import ImportReport
from console.db import session_scope
from console.errors import ValidationFailed
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission
from console.ui.forms import guarded
from console.ui.page import staff_page
from console.ui.session import require_live_session

MAX_SHOWN_ISSUES = 1_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ISSUE_COLUMNS: list[dict[str, Any]] = [
    {"name": "row", "label": "Row", "field": "row", "align": "right", "sortable": True},
    {"name": "column", "label": "Column", "field": "column", "align": "left", "sortable": True},
    {"name": "level", "label": "Level", "field": "level", "align": "left", "sortable": True},
    {"name": "message", "label": "Message", "field": "message", "align": "left"},
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


def register() -> None:
    @staff_page("/catalog/import", title="Catalog import & export", permission=Permission.CATALOG_EDIT)
    def import_page(info: SessionInfo) -> None:
        flt, ignored = filter_from_query(ui.context.client.request.query_params)
        state: dict[str, Any] = {"frame": None, "name": "", "report": None, "checked": False, "busy": False}
        progress = Progress()

        ui.link("← Catalog", "/catalog").classes("text-sm")

        with ui.card().classes("w-full max-w-5xl"):
            ui.label("Import video metadata").classes("text-lg font-semibold")
            ui.label(
                "Upload a CSV (UTF-8) or Excel .xlsx file with one video per row, at most "
                f"{transfer.MAX_ROWS:,} rows and {transfer.MAX_BYTES // (1024 * 1024)} MB. The slug decides: an "
                "existing video with that slug is updated, otherwise a draft is created. Importing never "
                "publishes. A dry run checks every row first and changes nothing."
            ).classes("text-sm")
            ui.label("Columns: " + ", ".join(transfer.COLUMNS)).classes("text-xs opacity-70 font-mono")
            with ui.row().classes("items-center gap-2"):
                ui.button("Download template", icon="download", on_click=lambda: download_template()).props(
                    "outline dense"
                ).mark("import-template")
            upload = (
                ui.upload(
                    label="Choose a CSV or XLSX file",
                    auto_upload=True,
                    max_file_size=transfer.MAX_BYTES,
                    on_upload=lambda e: on_upload(e),
                    on_rejected=lambda: ui.notify(
                        f"That file is larger than {transfer.MAX_BYTES // (1024 * 1024)} MB; split it.",
                        type="negative",
                    ),
                )
                .props(f'accept=".csv,.xlsx,text/csv,{XLSX_TYPE}" flat bordered')
                .classes("w-full max-w-md")
                .mark("import-upload")
            )
            file_label = ui.label("No file yet.").classes("text-sm").mark("import-file")
            file_problem = ui.label("").classes("text-negative text-sm").mark("import-file-problem")
            file_problem.visible = False
            with ui.row().classes("items-center gap-4"):
                check_button = (
                    ui.button("Dry run", icon="fact_check", on_click=lambda: check())
                    .props("unelevated dense")
                    .mark("import-dry-run")
                )
                all_or_nothing = (
                    ui.switch("All or nothing", value=True, on_change=lambda: refresh())
                    .tooltip("On: if any row has an error, nothing is imported. Off: the valid rows are imported.")
                    .mark("import-all-or-nothing")
                )
                import_button = (
                    ui.button("Import", icon="upload", on_click=lambda: commit())
                    .props("unelevated dense color=positive")
                    .mark("import-commit")
                )
            hint = ui.label("").classes("text-sm opacity-70").mark("import-hint")

            bar = ui.linear_progress(value=0, show_value=False).classes("w-full").mark("import-progress")
            bar_label = ui.label("").classes("text-sm").mark("import-progress-label")
            summary = ui.label("").classes("font-semibold").mark("import-summary")
            counts = ui.label("").classes("text-sm").mark("import-counts")
            table = (
                ui.table(columns=ISSUE_COLUMNS, rows=[], row_key="id", pagination=25)
                .props("dense flat bordered")
                .classes("w-full")
                .mark("import-issues")
            )
            with ui.row().classes("items-center gap-2"):
                truncated = ui.label("").classes("text-sm opacity-70").mark("import-issues-truncated")
                issues_button = (
                    ui.button("Download all issues (CSV)", icon="download", on_click=lambda: download_issues())
                    .props("flat dense")
                    .mark("import-issues-download")
                )

        with ui.card().classes("w-full max-w-5xl"):
            ui.label("Export").classes("text-lg font-semibold")
            ui.label(f"Exports {describe(flt)} in the import format (re-importing it changes nothing).").classes(
                "text-sm"
            ).mark("export-filter")
            if ignored:
                ui.label("Ignored in the address: " + ", ".join(ignored)).classes("text-sm text-warning")
            with ui.row().classes("gap-2"):
                export_buttons = [
                    ui.button("Export CSV", icon="download", on_click=lambda: export("csv"))
                    .props("outline dense")
                    .mark("export-csv"),
                    ui.button("Export XLSX", icon="download", on_click=lambda: export("xlsx"))
                    .props("outline dense")
                    .mark("export-xlsx"),
                ]

        def refresh() -> None:
            """Enable what makes sense now; show the counts and issues of the last report."""
            busy, report = state["busy"], state["report"]
            upload.enabled = not busy
            check_button.enabled = not busy and state["frame"] is not None
            blocked = report is not None and report.errors and all_or_nothing.value
            import_button.enabled = not busy and state["checked"] and not blocked
            for button in export_buttons:
                button.enabled = not busy
            if busy:
                hint.text = ""
            elif state["frame"] is None:
                hint.text = "Upload a file to start."
            elif not state["checked"]:
                hint.text = "Run the dry run before importing."
            elif blocked:
                hint.text = "Fix the errors and upload again, or switch off “All or nothing” to import the valid rows."
            else:
                hint.text = "Ready to import."
            bar.visible = bar_label.visible = busy
            has_report = report is not None
            table.visible = issues_button.visible = has_report and bool(report.errors or report.warnings)
            if has_report:
                summary.text = report.summary()
                counts.text = (
                    f"{report.rows:,} rows · {report.created:,} new · {report.updated:,} changed · "
                    f"{report.unchanged:,} unchanged · {report.failed:,} with errors · "
                    f"{len(report.errors):,} errors · {len(report.warnings):,} warnings"
                )
                shown_rows = issue_rows(report)
                table.rows = shown_rows
                shown = len(shown_rows)
                total = len(report.errors) + len(report.warnings)
                truncated.text = f"Showing the first {shown:,} of {total:,} issues." if total > shown else ""
            else:
                summary.text = counts.text = truncated.text = ""
                table.rows = []

        def poll() -> None:
            if not state["busy"]:
                return
            done, total = progress.snapshot()
            bar.value = done / total if total else 0
            bar_label.text = f"{state['step']} {done:,} of {total:,} rows …"

        def download_template() -> None:
            ui.download.content(transfer.template_csv(), "catalog-import-template.csv", "text/csv")

        def download_issues() -> None:
            if state["report"] is not None:
                ui.download.content(transfer.issues_csv(state["report"]), "catalog-import-issues.csv", "text/csv")

        async def on_upload(e: events.UploadEventArguments) -> None:
            state.update(frame=None, report=None, checked=False)
            file_problem.visible = False
            name = (e.file.name or "upload")[:200]
            if e.file.size() > transfer.MAX_BYTES:
                file_problem.text = f"{name} is larger than {transfer.MAX_BYTES // (1024 * 1024)} MB; split it."
                file_problem.visible = True
                refresh()
                return
            data = await e.file.read()
            try:
                frame = await run.io_bound(transfer.read_table, data, name)
            except ValidationFailed as exc:
                file_label.text = f"{name}: not imported."
                file_problem.text = f"{name} {exc.errors.get('file', exc.message)}"
                file_problem.visible = True
                refresh()
                return
            if frame is None:  # the server is shutting down
                return
            state.update(frame=frame, name=name)
            file_label.text = f"{name}: {len(frame):,} rows."
            await check()

        async def run_job(step: str, job: Any) -> ImportReport | None:
            """Run a transfer service in its own unit of work off the event loop, with progress."""
            live = require_live_session()
            if live is None or state["frame"] is None:
                return None
            frame: pd.DataFrame = state["frame"]
            progress(0, len(frame))
            state.update(busy=True, step=step)
            refresh()
            poll()

            def work() -> ImportReport:
                with session_scope() as session:
                    report: ImportReport = job(session, live, frame)
                    return report

            try:
                ok, report = await guarded(lambda: run.io_bound(work))
            finally:
                state["busy"] = False
            if not ok:
                refresh()
                return None
            state["report"] = report
            return report

        async def check() -> None:
            report = await run_job(
                "Checked",
                lambda session, live, frame: transfer.dry_run(
                    session, actor=live.actor, frame=frame, progress=progress
                ),
            )
            state["checked"] = report is not None
            refresh()

        async def commit() -> None:
            if not state["checked"]:
                return
            wanted = bool(all_or_nothing.value)
            report = await run_job(
                "Imported",
                lambda session, live, frame: transfer.commit(
                    session, actor=live.actor, frame=frame, all_or_nothing=wanted, progress=progress
                ),
            )
            state["checked"] = False  # import again only after another dry run
            refresh()
            if report is not None:
                ui.notify(report.summary(), type="positive" if report.written else "warning", multi_line=True)

        async def export(fmt: str) -> None:
            live = require_live_session()
            if live is None:
                return

            def work() -> tuple[bytes, int]:
                with session_scope() as session:
                    rows = transfer.export_rows(session, actor=live.actor, flt=flt)
                return (transfer.to_xlsx(rows) if fmt == "xlsx" else transfer.to_csv(rows)), len(rows)

            for button in export_buttons:
                button.enabled = False
            try:
                ok, result = await guarded(lambda: run.io_bound(work))
            finally:
                for button in export_buttons:
                    button.enabled = not state["busy"]
            if not ok:
                return
            data, count = result
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
            media = XLSX_TYPE if fmt == "xlsx" else "text/csv"
            ui.download.content(data, f"catalog-{stamp}.{fmt}", media)
            ui.notify(f"Exported {count:,} videos.", type="positive")

        ui.timer(0.2, poll)
        refresh()
