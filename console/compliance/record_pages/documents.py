"""The government photo IDs card: one card per examined ID (its facts, its scans with View / Download, the scan
upload checked by content, "Correct…") and the form that adds an ID. Scans are encrypted by the records service in
the upload's own unit of work; the browser's bytes are held in memory only until then (nothing is written for an
upload that is refused)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import run, ui
from nicegui.events import UploadEventArguments

from console.compliance import records, scan_route, worklist
from console.compliance.document_dialog import DocumentEditDialog
from console.compliance.models import ID_TYPES
from console.compliance.record_pages.data import run_service
from console.compliance.record_pages.labels import COUNTRY_OPTIONS, SCAN_KINDS, size_text
from console.compliance.record_pages.part import RecordPart
from console.compliance.record_pages.viewer import ScanViewer
from console.config import get_settings
from console.db import session_scope, utc_today
from console.errors import ConsoleError, ValidationFailed
from console.ui.cards import list_card
from console.ui.date_field import date_field
from console.ui.formatting import fmt_date, fmt_dt
from console.ui.forms import limit_lengths, report, select
from console.ui.session import require_live_session

if TYPE_CHECKING:
    from console.compliance.record_pages.view import RecordView

SCAN_ACCEPT = ".png,.jpg,.jpeg,.webp,.pdf,image/png,image/jpeg,image/webp,application/pdf"


class DocumentsCard(RecordPart):
    def __init__(self, page: RecordView, viewer: ScanViewer) -> None:
        super().__init__(page)
        self.viewer = viewer
        self.scan_errors: dict[int, ui.label] = {}

    def build(self) -> None:
        list_card("Government photo IDs examined", self.cards, self.add_form if self.page.can_edit else None)

    @ui.refreshable_method
    def cards(self) -> None:
        self.scan_errors.clear()
        docs = self.page.data["documents"]
        if not docs:
            ui.label("No ID recorded yet.").classes("text-sm opacity-70")
        for doc in docs:
            with ui.card().classes("w-full gap-1 p-2").props("flat bordered").mark(f"document-{int(doc['id'])}"):
                self.document_facts(doc)
                if not doc["scans"]:
                    ui.label("No scanned copy yet: upload one (the record needs it).").classes("text-xs text-warning")
                for scan in doc["scans"]:
                    self.scan_row(scan)
                if self.page.can_edit:
                    self.upload(int(doc["id"]))

    def document_facts(self, doc: dict[str, Any]) -> None:
        doc_id = int(doc["id"])
        with ui.row().classes("items-center gap-2 w-full"):
            ui.label(records.ID_TYPE_LABELS.get(doc["doc_type"], doc["doc_type"])).classes("font-semibold text-sm")
            ui.badge(doc["issuing_country"] + (f" · {doc['issuing_state']}" if doc["issuing_state"] else "")).props(
                "outline"
            )
            ui.label(f"No. {doc['number']}").classes("font-mono text-sm").mark(f"document-number-{doc_id}")
            expiry = doc["expiry_date"]
            if expiry is not None and expiry < utc_today():
                ui.badge("expired").props("color=negative")
            if self.page.can_edit:
                ui.space()
                ui.button("Correct…", icon="edit", on_click=lambda: self.correct(doc)).props(
                    "flat dense no-caps size=sm"
                ).mark(f"document-correct-{doc_id}")
        dates = [
            f"issued {fmt_date(doc['issue_date'])}",
            f"expires {fmt_date(expiry)}",
            f"examined {fmt_date(doc['examined_on'])}"
            + (
                f" by {self.page.staff_name(doc['examined_by_id'], doc['examined_by_label'])}"
                if doc["examined_by_label"]
                else ""
            ),
        ]
        ui.label(" · ".join(dates)).classes("text-xs opacity-70")

    def scan_row(self, scan: dict[str, Any]) -> None:
        scan_id = int(scan["id"])
        with ui.row().classes("items-center gap-2 w-full no-wrap").mark(f"scan-{scan_id}"):
            ui.icon("picture_as_pdf" if scan["content_type"] == "application/pdf" else "image")
            ui.label(
                f"Scan #{scan_id} · {SCAN_KINDS.get(scan['content_type'], '?')} · "
                f"{size_text(scan['size_bytes'])} · uploaded {fmt_dt(scan['uploaded_at'])}"
            ).classes("text-xs")
            ui.label(f"SHA-256 {scan['sha256'][:12]}…").classes("text-xs font-mono opacity-60")
            ui.space()
            ui.button("View", icon="visibility", on_click=lambda: self.view_scan(scan)).props(
                "flat dense no-caps size=sm"
            ).mark(f"scan-view-{scan_id}")
            ui.button("Download", icon="download", on_click=lambda: self.download_scan(scan)).props(
                "flat dense no-caps size=sm"
            ).mark(f"scan-download-{scan_id}")

    def upload(self, doc_id: int) -> None:
        limit_mb = get_settings().records_scan_max_mb

        async def uploaded(e: UploadEventArguments) -> None:
            await self.store_scan(e, doc_id)

        ui.upload(
            label=f"Add a scan (PNG, JPEG, WebP or PDF, ≤ {limit_mb} MB)",
            auto_upload=True,
            max_file_size=limit_mb * 1024 * 1024,
            on_upload=uploaded,
            on_rejected=lambda: ui.notify(
                f"That file was not accepted: PNG, JPEG, WebP or PDF up to {limit_mb} MB.", type="negative"
            ),
        ).props(f'accept="{SCAN_ACCEPT}" flat bordered dense').classes("w-full").mark(f"scan-upload-{doc_id}")
        error = ui.label("").classes("text-negative text-xs").mark(f"scan-error-{doc_id}")
        error.visible = False
        self.scan_errors[doc_id] = error

    def correct(self, doc: dict[str, Any]) -> None:
        DocumentEditDialog(self.page.dialog_host, doc, change=self.page.change, preview=run_service).open()

    # --- scans -------------------------------------------------------------------------------------------------

    def refuse(self, doc_id: int, message: str) -> None:
        error = self.scan_errors.get(doc_id)
        if error is not None:
            error.text = message
            error.visible = True
        ui.notify(message, type="negative", multi_line=True)

    async def store_scan(self, e: UploadEventArguments, doc_id: int) -> None:
        """Check, encrypt and record the uploaded scan in one unit of work (records.add_scan)."""
        limit = get_settings().records_scan_max_mb
        if e.file.size() > limit * 1024 * 1024:
            self.refuse(doc_id, f"{e.file.name[:120]} is larger than {limit} MB")
            return
        data, name, record_id = await e.file.read(), e.file.name, self.page.record_id
        live = require_live_session()
        if live is None:
            return

        def work() -> tuple[int, int, int]:
            with session_scope() as session:
                before = worklist.record_version(session, actor=live.actor, record_id=record_id)
                scan = records.add_scan(session, actor=live.actor, document_id=doc_id, data=data, filename=name)
                session.flush()
                return before, worklist.record_version(session, actor=live.actor, record_id=record_id), scan.id

        try:
            outcome = await run.io_bound(work)
        except ValidationFailed as exc:
            self.refuse(doc_id, exc.errors.get("scan", exc.message))
            return
        except ConsoleError as exc:
            report(exc)
            return
        if outcome is None:
            return
        self.page.adopt(outcome[0], outcome[1])
        ui.notify("Scan stored, encrypted, with its SHA-256.", type="positive")
        await self.page.refresh()

    def grant(self, scan: dict[str, Any], purpose: scan_route.Purpose) -> str | None:
        live = require_live_session()
        if live is None or live.actor.staff_id is None:
            return None
        return scan_route.issue(live.actor.staff_id, int(scan["id"]), purpose)

    def view_scan(self, scan: dict[str, Any]) -> None:
        url = self.grant(scan, "view")
        if url is not None:
            kind = SCAN_KINDS.get(scan["content_type"], "?")
            self.viewer.show(url, scan["content_type"], f"Scan #{scan['id']} · {kind}")

    def download_scan(self, scan: dict[str, Any]) -> None:
        url = self.grant(scan, "download")
        if url is not None:
            ui.download.from_url(url)

    # --- adding an ID ------------------------------------------------------------------------------------------

    def add_form(self) -> None:
        with ui.card().classes("w-full gap-1 p-2").props("flat bordered").mark("document-form"):
            ui.label("Add an examined ID").classes("text-sm font-semibold")
            with ui.row().classes("w-full items-start gap-2"):
                types = {t: records.ID_TYPE_LABELS[t] for t in ID_TYPES}
                self.fields: dict[str, Any] = {
                    "doc_type": ui.select(types, value="passport", label="Type")
                    .props("dense options-dense")
                    .classes("w-56")
                    .mark("document-type"),
                    "number": ui.input("Number").props("dense").classes("w-44").mark("document-number"),
                    # no default: a country typed but not picked (Enter does not pick it) must not save as "US"
                    "issuing_country": select(  # styled first, the 250 countries filled once
                        COUNTRY_OPTIONS, value=None, label="Issuing country", with_input=True, classes="w-56"
                    ).mark("document-country"),
                    "issuing_state": ui.input("State / region").props("dense").classes("w-40").mark("document-state"),
                }
                limit_lengths(self.fields, records.TEXT_LIMITS)
            with ui.row().classes("w-full items-start gap-2"):
                for key, label, mark, value in (
                    ("issue_date", "Issued on", "document-issued", None),
                    ("expiry_date", "Expires on", "document-expires", None),
                    ("examined_on", "Examined on", "document-examined", utc_today().isoformat()),
                ):
                    self.fields[key] = date_field(label, value or "", mark=mark)
                ui.space()
                ui.button("Add ID", icon="add_card", on_click=self.add_document).props(
                    "unelevated dense color=primary no-caps"
                ).mark("document-add")

    async def add_document(self) -> None:
        data = {k: field.value or "" for k, field in self.fields.items()}
        kept = ("number", "issuing_state", "issue_date", "expiry_date")
        await self.add_to_record(records.add_document, data, "ID added. Upload its scan next.", kept=kept)
