"""The import and export page: the upload, the dry run and the import with their progress and issues, and the export
of the videos the address's filter describes. Each handler runs one transfer service in its own unit of work off the
event loop, then `refresh()` redraws what follows from the state (which buttons work, the hint, the report)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

import pandas as pd
from nicegui import events, run, ui
from sqlalchemy.orm import Session

from console.catalog import transfer
from console.catalog.import_pages.query import ISSUE_COLUMNS, Progress, describe, filter_from_query, issue_rows
from console.catalog.transfer import ImportReport
from console.db import session_scope
from console.errors import ValidationFailed
from console.staff.auth import SessionInfo
from console.ui.formatting import plural
from console.ui.forms import guarded
from console.ui.paged_table import PAGER_LABEL
from console.ui.session import require_live_session

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MB = 1024 * 1024
Job = Callable[[Session, SessionInfo, pd.DataFrame], ImportReport]


class ImportView:
    """One upload at a time: dry run first (changes nothing), then import; the export beside it."""

    def __init__(self, params: Mapping[str, str]) -> None:
        self.flt, self.ignored = filter_from_query(params)
        self.frame: pd.DataFrame | None = None
        self.report: ImportReport | None = None
        self.checked = False  # a dry run of this file passed; importing again needs another one
        self.busy = False
        self.step = ""
        self.progress = Progress()

    def build(self) -> None:
        ui.link("← Catalog", "/catalog").classes("text-sm")
        with ui.card().classes("w-full max-w-5xl"):
            self.intro()
            self.upload_part()
            self.run_part()
            self.report_part()
        with ui.card().classes("w-full max-w-5xl"):
            self.export_part()
        ui.timer(0.2, self.poll)
        self.refresh()

    # --- parts -----------------------------------------------------------------------------------------------

    def intro(self) -> None:
        ui.label("Import video metadata").classes("text-lg font-semibold")
        ui.label(
            "Upload a CSV (UTF-8) or Excel .xlsx file with one video per row, at most "
            f"{transfer.MAX_ROWS:,} rows and {transfer.MAX_BYTES // MB} MB. The slug decides: an "
            "existing video with that slug is updated, otherwise a draft is created. Importing never "
            "publishes. A dry run checks every row first and changes nothing."
        ).classes("text-sm")
        ui.label("Columns: " + ", ".join(transfer.COLUMNS)).classes("text-xs opacity-70 font-mono")
        with ui.row().classes("items-center gap-2"):
            ui.button("Download template", icon="download", on_click=self.download_template).props(
                "outline dense"
            ).mark("import-template")

    def upload_part(self) -> None:
        self.upload = (
            ui.upload(
                label="Choose a CSV or XLSX file",
                auto_upload=True,
                max_file_size=transfer.MAX_BYTES,
                on_upload=self.on_upload,
                on_rejected=lambda: ui.notify(
                    f"That file is larger than {transfer.MAX_BYTES // MB} MB; split it.", type="negative"
                ),
            )
            .props(f'accept=".csv,.xlsx,text/csv,{XLSX_TYPE}" flat bordered')
            .classes("w-full max-w-md")
            .mark("import-upload")
        )
        self.file_label = ui.label("No file yet.").classes("text-sm").mark("import-file")
        self.file_problem = ui.label("").classes("text-negative text-sm").mark("import-file-problem")
        self.file_problem.visible = False

    def run_part(self) -> None:
        with ui.row().classes("items-center gap-4"):
            self.check_button = (
                ui.button("Dry run", icon="fact_check", on_click=self.check).props("unelevated dense")
            ).mark("import-dry-run")
            self.all_or_nothing = (
                ui.switch("All or nothing", value=True, on_change=self.refresh)
                .tooltip("On: if any row has an error, nothing is imported. Off: the valid rows are imported.")
                .mark("import-all-or-nothing")
            )
            self.import_button = (
                ui.button("Import", icon="upload", on_click=self.commit).props("unelevated dense color=positive")
            ).mark("import-commit")
        self.hint = ui.label("").classes("text-sm opacity-70").mark("import-hint")
        self.bar = ui.linear_progress(value=0, show_value=False).classes("w-full").mark("import-progress")
        self.bar_label = ui.label("").classes("text-sm").mark("import-progress-label")

    def report_part(self) -> None:
        self.summary = ui.label("").classes("font-semibold").mark("import-summary")
        self.counts = ui.label("").classes("text-sm").mark("import-counts")
        self.table = (
            ui.table(columns=ISSUE_COLUMNS, rows=[], row_key="id", pagination=25)
            .props("dense flat bordered")
            .classes("w-full")
            .mark("import-issues")
        )
        self.table.props[":pagination-label"] = PAGER_LABEL  # "1–25 of 300", as every list writes it
        with ui.row().classes("items-center gap-2"):
            self.truncated = ui.label("").classes("text-sm opacity-70").mark("import-issues-truncated")
            self.issues_button = (
                ui.button("Download all issues (CSV)", icon="download", on_click=self.download_issues)
                .props("flat dense")
                .mark("import-issues-download")
            )

    def export_part(self) -> None:
        ui.label("Export").classes("text-lg font-semibold")
        ui.label(f"Exports {describe(self.flt)} in the import format (re-importing it changes nothing).").classes(
            "text-sm"
        ).mark("export-filter")
        if self.ignored:
            ui.label("Ignored in the address: " + ", ".join(self.ignored)).classes("text-sm text-warning")
        with ui.row().classes("gap-2"):
            self.export_buttons = [
                ui.button("Export CSV", icon="download", on_click=lambda: self.export("csv"))
                .props("outline dense")
                .mark("export-csv"),
                ui.button("Export XLSX", icon="download", on_click=lambda: self.export("xlsx"))
                .props("outline dense")
                .mark("export-xlsx"),
            ]

    # --- what the state shows --------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Enable what makes sense now; show the counts and issues of the last report."""
        self.enable_controls()
        self.show_report()

    def blocked(self) -> bool:
        return self.report is not None and bool(self.report.errors) and bool(self.all_or_nothing.value)

    def enable_controls(self) -> None:
        busy = self.busy
        self.upload.enabled = not busy
        self.check_button.enabled = not busy and self.frame is not None
        self.import_button.enabled = not busy and self.checked and not self.blocked()
        for button in self.export_buttons:
            button.enabled = not busy
        if busy:
            self.hint.text = ""
        elif self.frame is None:
            self.hint.text = "Upload a file to start."
        elif not self.checked:
            self.hint.text = "Run the dry run before importing."
        elif self.blocked():
            self.hint.text = "Fix the errors and upload again, or switch off “All or nothing” to import the valid rows."
        else:
            self.hint.text = "Ready to import."
        self.bar.visible = self.bar_label.visible = busy

    def show_report(self) -> None:
        report = self.report
        self.table.visible = self.issues_button.visible = report is not None and bool(report.errors or report.warnings)
        if report is None:
            self.summary.text = self.counts.text = self.truncated.text = ""
            self.table.rows = []
            return
        self.summary.text = report.summary()
        self.counts.text = (
            f"{plural(report.rows, 'row')} · {report.created:,} new · {report.updated:,} changed · "
            f"{report.unchanged:,} unchanged · {report.failed:,} with errors · "
            f"{plural(len(report.errors), 'error')} · {plural(len(report.warnings), 'warning')}"
        )
        self.table.rows = issue_rows(report)
        shown, total = len(self.table.rows), len(report.errors) + len(report.warnings)
        self.truncated.text = f"Showing the first {shown:,} of {total:,} issues." if total > shown else ""

    def poll(self) -> None:
        if not self.busy:
            return
        done, total = self.progress.snapshot()
        self.bar.value = done / total if total else 0
        self.bar_label.text = f"{self.step} {done:,} of {total:,} rows …"

    # --- handlers --------------------------------------------------------------------------------------------

    def download_template(self) -> None:
        ui.download.content(transfer.template_csv(), "catalog-import-template.csv", "text/csv")

    def download_issues(self) -> None:
        if self.report is not None:
            ui.download.content(transfer.issues_csv(self.report), "catalog-import-issues.csv", "text/csv")

    def file_refused(self, message: str) -> None:
        self.file_problem.text = message
        self.file_problem.visible = True
        self.refresh()

    async def on_upload(self, e: events.UploadEventArguments) -> None:
        self.frame, self.report, self.checked = None, None, False
        self.file_problem.visible = False
        name = (e.file.name or "upload")[:200]
        if e.file.size() > transfer.MAX_BYTES:
            self.file_refused(f"{name} is larger than {transfer.MAX_BYTES // MB} MB; split it.")
            return
        data = await e.file.read()
        try:
            frame = await run.io_bound(transfer.read_table, data, name)
        except ValidationFailed as exc:
            self.file_label.text = f"{name}: not imported."
            self.file_refused(f"{name} {exc.errors.get('file', exc.message)}")
            return
        if frame is None:  # the server is shutting down
            return
        self.frame = frame
        self.file_label.text = f"{name}: {len(frame):,} rows."
        await self.check()

    async def run_job(self, step: str, job: Job) -> ImportReport | None:
        """Run a transfer service in its own unit of work off the event loop, with progress."""
        live = require_live_session()
        frame = self.frame
        if live is None or frame is None:
            return None
        self.progress(0, len(frame))
        self.busy, self.step = True, step
        self.refresh()
        self.poll()

        def work() -> ImportReport:
            with session_scope() as session:
                return job(session, live, frame)

        try:
            ok, report = await guarded(lambda: run.io_bound(work))
        finally:
            self.busy = False
        if not ok:
            self.refresh()
            return None
        self.report = report
        return report

    async def check(self) -> None:
        report = await self.run_job(
            "Checked",
            lambda session, live, frame: transfer.dry_run(
                session, actor=live.actor, frame=frame, progress=self.progress
            ),
        )
        self.checked = report is not None
        self.refresh()

    async def commit(self) -> None:
        if not self.checked:
            return
        wanted = bool(self.all_or_nothing.value)
        report = await self.run_job(
            "Imported",
            lambda session, live, frame: transfer.commit(
                session, actor=live.actor, frame=frame, all_or_nothing=wanted, progress=self.progress
            ),
        )
        self.checked = False  # import again only after another dry run
        self.refresh()
        if report is not None:
            ui.notify(report.summary(), type="positive" if report.written else "warning", multi_line=True)

    async def export(self, fmt: str) -> None:
        live = require_live_session()
        if live is None:
            return
        flt = self.flt

        def work() -> tuple[bytes, int]:
            with session_scope() as session:
                rows = transfer.export_rows(session, actor=live.actor, flt=flt)
            return (transfer.to_xlsx(rows) if fmt == "xlsx" else transfer.to_csv(rows)), len(rows)

        for button in self.export_buttons:
            button.enabled = False
        try:
            ok, result = await guarded(lambda: run.io_bound(work))
        finally:
            for button in self.export_buttons:
                button.enabled = not self.busy
        if not ok:
            return
        data, count = result
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
        ui.download.content(data, f"catalog-{stamp}.{fmt}", XLSX_TYPE if fmt == "xlsx" else "text/csv")
        ui.notify(f"Exported {count:,} videos.", type="positive")
