"""/compliance: the 2257 worklist. One tab per kind of work, each with its count and a server-paged table.

Rows open the record editor (/compliance/records/<performer id>) or the production page
(/compliance/productions/<video id>); a hold opens a dialog to release it with a reason. Each page of rows
the tables load is one audited read (the service writes it); the counts carry no legal data.
"""

from __future__ import annotations

from typing import Any

from nicegui import run, ui
from starlette.requests import Request

from console.actor import Actor
from console.catalog.state_look import VIDEO_STATE_CELL
from console.compliance import records, worklist
from console.compliance.hold_pages import HoldDialog, HoldsRelease
from console.compliance.status_look import NO_RECORD, STATUS_WORDS_CELL
from console.compliance.sweep_pages import SweepPanel
from console.db import session_scope
from console.errors import ConsoleError
from console.paging import Page, PageRequest
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission, can
from console.ui.formatting import fmt_date, fmt_dt, plural
from console.ui.forms import number_input, report, typed_number
from console.ui.keymap import page_keys
from console.ui.later import when_connected
from console.ui.page import staff_page
from console.ui.paged_table import PagedTable, column, id_column, open_column

REASONS_CELL = """
<q-td :props="props"><div v-for="(reason, i) in props.value" :key="i" class="text-xs">• {{ reason }}</div></q-td>"""
DAYS_CELL = """
<q-td :props="props"><span :class="props.row.days_left < 0 ? 'text-negative text-weight-bold' : ''">
  {{ props.value }}</span></q-td>"""


COLUMNS: dict[str, list[dict[str, Any]]] = {
    "missing": [
        column("stage_name", "Performer"),
        column("status", "Record"),
        column("legal_name", "Legal name"),
        column("amended_at", "Last change"),
    ],
    "pending": [
        column("legal_name", "Legal name"),
        column("stage_name", "Performer"),
        column("date_of_birth", "Date of birth"),
        column("entered_by", "Entered by"),
        column("amended_by", "Last amended by"),
        column("amended_at", "Waiting since"),
    ],
    "expiring": [
        column("legal_name", "Legal name"),
        column("stage_name", "Performer"),
        column("doc_type", "ID"),
        column("issuing_country", "Country"),
        column("expiry_date", "Expires"),
        column("days", "When"),
    ],
    "blocked": [
        id_column(),
        column("title", "Video"),
        column("state", "State"),
        column("performer_count", "Performers", "right"),
        column("reasons", "Why the publishing checks refuse it"),
    ],
    "holds": [
        column("title", "Video"),
        column("video_state", "State"),
        column("stage_name", "Performer"),
        column("legal_name", "Legal name"),
        column("record_status", "Record"),
        column("source", "Cause"),
        column("reason", "Reason"),
        column("created_at", "On hold since", clip="9.5rem"),  # one line (it broke over four beside a long reason)
    ],
}
for _columns in COLUMNS.values():
    _columns.append(open_column())  # each row's Open button: reached with Tab, named for screen readers
NAME_FIELD = {"missing": "stage_name", "pending": "stage_name", "expiring": "stage_name", "blocked": "title"}
EMPTY = {
    "missing": "Every performer has a verified record.",
    "pending": "No record is waiting for verification.",
    "expiring": "No ID of a verified record expires in this window.",
    "blocked": "No unpublished video is blocked by missing 2257 paperwork.",
    "holds": "No video is on hold.",
}


def days_text(days: int) -> str:
    if days < 0:
        return f"expired {plural(-days, 'day')} ago"
    if days == 0:
        return "expires today"
    return f"in {plural(days, 'day')}"


def _performer(r: Any) -> dict[str, Any]:
    """Whose record is pending or whose document expires."""
    return {"performer_id": r.performer_id, "legal_name": r.legal_name, "stage_name": r.stage_name}


def row_of(tab: str, r: Any) -> dict[str, Any]:
    """One table row of plain values (NiceGUI escapes them)."""
    if tab == "missing":
        return {
            "id": r.performer_id,
            "performer_id": r.performer_id,
            "stage_name": r.stage_name,
            "status": records.STATUS_LABELS[r.status] if r.status else NO_RECORD,
            "legal_name": r.legal_name or "—",
            "amended_at": fmt_dt(r.amended_at),
        }
    if tab == "pending":
        return {
            "id": r.record_id,
            **_performer(r),
            "date_of_birth": fmt_date(r.date_of_birth),
            "entered_by": r.entered_by or "—",
            "amended_by": r.amended_by or "—",
            "amended_at": fmt_dt(r.amended_at),
        }
    if tab == "expiring":
        return {
            "id": r.document_id,
            **_performer(r),
            "doc_type": records.ID_TYPE_LABELS.get(r.doc_type, r.doc_type),
            "issuing_country": r.issuing_country,
            "expiry_date": fmt_date(r.expiry_date),
            "days_left": r.days_left,
            "days": days_text(r.days_left),
        }
    if tab == "blocked":
        return {
            "id": r.video_id,
            "video_id": r.video_id,
            "title": r.title,
            "state": r.state,
            "performer_count": r.performer_count,
            "reasons": [reason.removeprefix("2257: ") for reason in r.reasons],
        }
    return {
        "id": r.hold_id,
        "hold_id": r.hold_id,
        "video_id": r.video_id,
        "performer_id": r.performer_id,
        "title": r.title,
        "video_state": r.video_state,
        "stage_name": r.stage_name or "—",
        "legal_name": r.legal_name or "—",
        "record_status": records.STATUS_LABELS.get(r.record_status, r.record_status) if r.record_status else "—",
        "reason": r.reason,
        "source": HOLD_SOURCES.get(r.source, r.source),
        "created_at": fmt_dt(r.created_at),
    }


HOLD_SOURCES = {
    "record": "record revoked or amended",
    "production": "production changed",
    "id_document": "ID amended",
    "sweep": "found by the sweep",
    "report": "emergency report",
}


def _int_param(value: str | None, default: int) -> int:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) <= 5 else default


TAB_SLOTS: dict[str, dict[str, str]] = {
    "missing": {"body-cell-status": STATUS_WORDS_CELL},
    "blocked": {"body-cell-state": VIDEO_STATE_CELL, "body-cell-reasons": REASONS_CELL},
    "expiring": {"body-cell-days": DAYS_CELL},
    "holds": {"body-cell-video_state": VIDEO_STATE_CELL},
}


def load_counts(actor: Actor, within_days: int) -> dict[str, worklist.TabCount]:
    with session_scope() as session:
        return worklist.worklist_counts(session, actor=actor, within_days=within_days)


class WorklistView:
    """The tabs with their counts, the sweep panel, and the chosen tab's server-paged table."""

    def __init__(self, actor: Actor, tab: str, days: int) -> None:
        self.actor = actor
        self.tab = tab if tab in worklist.TABS else "missing"
        self.days = days
        self.table: PagedTable | None = None
        self.holds_release: HoldsRelease | None = None
        self.reason = ""  # the holds tab's "Reason contains"
        self.tab_buttons: dict[str, ui.tab] = {}

    def build(self) -> None:
        with ui.row().classes("items-center gap-3 w-full"):
            ui.label("What needs doing to keep every depiction's records complete (18 U.S.C. 2257).").classes(
                "text-sm opacity-70"
            )
            ui.space()
            ui.label("j / k and Enter open a row; ? lists the keys").classes("text-xs opacity-60")
            ui.link("Cross-reference index", "/compliance/index").classes("text-sm").mark("worklist-index-link")
        self.dialog_host = ui.element("div")
        SweepPanel(self.actor, on_done=self.after_sweep).build()
        self.tabs()
        self.table_area()
        self.register_keys()
        # the counts off the event loop, after the page is on screen
        when_connected(self.reload_counts, name="compliance.worklist_pages: reload_counts")

    def register_keys(self) -> None:
        keys = page_keys()
        keys.add_moves(self.move)
        keys.add("Enter", "Open the highlighted row", self.open_highlighted)
        if can(self.actor, Permission.COMPLIANCE_VERIFY):
            keys.add("x", "Select or unselect the highlighted hold (Videos on hold)", self.toggle_hold)

    def move(self, step: int) -> None:
        if self.table is not None:
            self.table.move_cursor(step)

    async def open_highlighted(self) -> None:
        if self.table is not None:
            await self.table.open_highlighted()

    def toggle_hold(self) -> None:
        if self.holds_release is None:
            ui.notify("Holds are selected on the Videos on hold tab.", type="info")
        else:
            self.holds_release.bar.toggle_highlighted()

    def tabs(self) -> None:
        chosen: Any = self.tab  # a tab's name: NiceGUI's annotation names only the Tab object
        with (
            ui.tabs(value=chosen, on_change=lambda e: self.switch(e.value))
            .props("dense align=left no-caps inline-label")
            .classes("w-full") as tabs
        ):
            for key in worklist.TABS:
                self.tab_buttons[key] = ui.tab(key, label=worklist.TAB_LABELS[key]).mark(f"worklist-tab-{key}")
        tabs.mark("worklist-tabs")

    @ui.refreshable_method
    def table_area(self) -> None:
        tab = self.tab
        if tab == "expiring":
            self.days_filter()
        if tab == "holds":
            self.reason_filter()
        releasing = tab == "holds" and can(self.actor, Permission.COMPLIANCE_VERIFY)
        self.holds_release = HoldsRelease(self.actor, self.dialog_host, self.after_release) if releasing else None
        table = PagedTable(
            COLUMNS[tab], self.fetch, sort_by=None, descending=False, selection="multiple" if releasing else None
        )
        table.rows_open(self.open_row, name_field=NAME_FIELD.get(tab, "title"))
        if self.holds_release is not None:
            self.holds_release.attach(table)
        table.table.props(f'wrap-cells no-data-label="{EMPTY[tab]}"')  # constant text, no quotes in it
        for slot, template in TAB_SLOTS.get(tab, {}).items():
            table.table.add_slot(slot, template)
        self.table = table
        when_connected(table.reload, name="compliance.worklist_pages: reload")

    def days_filter(self) -> None:
        with ui.row().classes("items-end gap-2"):
            self.days_input = (
                number_input("Expiring within (days)", value=self.days, props="dense")
                .classes("w-44")
                .mark("worklist-days")
            )
            self.days_input.on("keydown.enter", self.apply_days)
            ui.button("Apply", on_click=self.apply_days).props("dense flat no-caps").mark("worklist-days-apply")

    def reason_filter(self) -> None:
        """Narrow the holds to one cause ("case #181": an emergency report's holds, a series' episodes with it)."""
        with ui.row().classes("items-end gap-2"):
            self.reason_input = (
                ui.input("Reason contains", value=self.reason)
                .props(f"dense clearable maxlength={worklist.REASON_FILTER_MAX}")
                .classes("w-64")
                .mark("worklist-reason")
            )
            self.reason_input.on("keydown.enter", self.apply_reason)
            self.reason_input.on("clear", self.apply_reason)
            ui.button("Apply", on_click=self.apply_reason).props("dense flat no-caps").mark("worklist-reason-apply")

    async def apply_reason(self) -> None:
        self.reason = (self.reason_input.value or "").strip()
        if self.holds_release is not None:
            self.holds_release.bar.clear()  # a selection the filter hides must not be released unseen
        if self.table is not None:
            await self.table.reload()

    def fetch(self, page: PageRequest) -> Page[dict[str, Any]]:
        tab = self.tab
        with session_scope() as session:
            result = worklist.list_tab(
                session, actor=self.actor, tab=tab, page=page, within_days=self.days, reason=self.reason or None
            )
            return Page([row_of(tab, r) for r in result.rows], result.total, result.estimated, result.request)

    # --- handlers --------------------------------------------------------------------------------------------

    def show_counts(self, fresh: dict[str, worklist.TabCount]) -> None:
        for key, tab in self.tab_buttons.items():
            tab._props["label"] = f"{worklist.TAB_LABELS[key]} ({fresh[key].label()})"
            tab.update()

    async def reload_counts(self) -> None:
        try:
            fresh = await run.io_bound(load_counts, self.actor, self.days)
        except ConsoleError as exc:
            report(exc)
            return
        if fresh is not None:
            self.show_counts(fresh)

    async def after_sweep(self) -> None:
        await self.reload_counts()
        await self.table_area.refresh()

    async def switch(self, tab: str) -> None:
        if tab in worklist.TABS and tab != self.tab:
            self.tab = tab
            await self.table_area.refresh()

    async def apply_days(self) -> None:
        value = typed_number(self.days_input)  # kept as typed: -5 or 2.5 is refused here, never clamped or cut
        if value is None:
            value = worklist.DEFAULT_EXPIRY_DAYS
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= worklist.MAX_EXPIRY_DAYS:
            self.days_input.error = f"Must be a whole number of days from 0 to {worklist.MAX_EXPIRY_DAYS:,}"
            return
        self.days_input.error = None
        self.days = value
        if self.table is not None:
            await self.table.reload()
        await self.reload_counts()

    def open_row(self, row: dict[str, Any]) -> None:
        if self.tab in ("missing", "pending", "expiring"):
            ui.navigate.to(f"/compliance/records/{int(row['performer_id'])}")
        elif self.tab == "blocked":
            ui.navigate.to(f"/compliance/productions/{int(row['video_id'])}")
        elif self.tab == "holds":
            HoldDialog(self.actor, self.dialog_host, row, self.after_release).open()

    async def after_release(self) -> None:
        if self.table is not None:
            await self.table.reload(first_page=False)
        await self.reload_counts()


def register() -> None:
    @staff_page("/compliance", title="Compliance · 2257 records", permission=Permission.COMPLIANCE_READ_LEGAL)
    def worklist_page(info: SessionInfo) -> None:
        request: Request = ui.context.client.request
        days = min(_int_param(request.query_params.get("days"), worklist.DEFAULT_EXPIRY_DAYS), 3650)
        WorklistView(info.actor, request.query_params.get("tab") or "missing", days).build()
