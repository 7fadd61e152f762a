"""The record editor of a performer who has a legal record: `RecordView` lays out the parts and owns what they share
(the loaded snapshot, the version the identity form is based on, the dialog host); each part builds one card and
its handlers make one service call through `RecordView.change`, which refreshes what the change may have moved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui
from nicegui.events import ValueChangeEventArguments
from sqlalchemy.orm import Session

from console.actor import Actor
from console.compliance import records, worklist
from console.compliance.record_pages.data import load, load_holds, run_service
from console.compliance.record_pages.documents import DocumentsCard
from console.compliance.record_pages.history import HistoryTab
from console.compliance.record_pages.identity import IdentityCard
from console.compliance.record_pages.labels import legal_name_of
from console.compliance.record_pages.names import NamesCard
from console.compliance.record_pages.verification import VerificationCard
from console.compliance.record_pages.viewer import ScanViewer
from console.compliance.status_look import STATUS_COLOURS
from console.staff.permissions import Permission, can
from console.ui.formatting import fmt_date, fmt_dt
from console.ui.later import drawn_later, later
from console.ui.work import read


class RecordView:
    """One performer's 2257 record: header, then the Record tab (identity, other names, IDs and scans on the left;
    verification, the scan viewer and the holds on the right) and the History tab."""

    def __init__(self, actor: Actor, performer_id: int, loaded: dict[str, Any], dialog_host: ui.element) -> None:
        self.actor, self.performer_id = actor, performer_id
        self.can_edit = can(actor, Permission.COMPLIANCE_EDIT)
        self.can_verify = can(actor, Permission.COMPLIANCE_VERIFY)
        self.data = loaded
        self.record_id = int(loaded["record"]["id"])
        self.form_version: int | None = loaded["record"]["version"]  # the version the identity form is based on
        self.dialog_host = dialog_host  # dialogs live here, outside the parts that refresh
        self.identity = IdentityCard(self)
        self.names = NamesCard(self)
        self.viewer = ScanViewer()
        self.documents = DocumentsCard(self, self.viewer)
        self.verification = VerificationCard(self)
        self.history = HistoryTab(self)

    @property
    def record(self) -> dict[str, Any]:
        return self.data["record"]

    def staff_name(self, staff_id: int | None, label: str | None) -> str:
        """A staff member by name, as the header names who entered the record; the stored label (the e-mail at the
        time) for an account that is gone."""
        return str(self.data["staff"].get(staff_id, label or ""))

    def build(self) -> None:
        self.header()
        with ui.tabs(on_change=self.tab_chosen).props("dense align=left no-caps").classes("w-full") as tabs:
            record_tab = ui.tab("record", label="Record").mark("tab-record")
            history_tab = ui.tab("history", label="History").mark("tab-history")
        with ui.tab_panels(tabs, value=record_tab).classes("w-full"):
            with ui.tab_panel(record_tab).classes("p-0"), ui.row().classes("w-full gap-3 items-start"):
                with ui.column().classes("gap-3 grow basis-[560px] max-w-[900px]"):
                    self.identity.build()  # the form is in the first answer: typing before the socket is kept
                    drawn_later(self.names.build, marker="record-names", placeholder_height="h-24")
                    drawn_later(self.documents.build, marker="record-documents", placeholder_height="h-48")
                with ui.column().classes("gap-3 w-[500px] max-w-full"):  # drawn once the page shows
                    later(self.read_holds, self.side_column, marker="record-side", placeholder_height="h-64")
            self.history_panel = ui.tab_panel(history_tab).classes("p-0")  # built when first chosen
        self.identity.start_drafts()

    def tab_chosen(self, e: ValueChangeEventArguments) -> None:
        if e.value == "history" and not self.history.built:
            with self.history_panel:
                self.history.build()

    # --- the parts this class draws itself --------------------------------------------------------------------

    @ui.refreshable_method
    def header(self) -> None:
        rec, staff = self.record, self.data["staff"]
        with ui.row().classes("items-center gap-3 w-full"):
            ui.label(legal_name_of(rec)).classes("text-lg font-semibold").mark("record-legal-name")
            ui.badge(records.STATUS_LABELS[rec["status"]]).props(
                f"color={STATUS_COLOURS.get(rec['status'], 'grey-7')}"
            ).mark("record-status")
            ui.label(f"version {rec['version']}").classes("text-xs opacity-60")
        if rec["status_reason"]:
            ui.label(f"Reason: {rec['status_reason']}").classes("text-sm").mark("record-status-reason")
        bits = [f"Record #{rec['id']}", f"entered {fmt_dt(rec['created_at'])}"]
        if rec["entered_by_id"] in staff:
            bits[-1] += f" by {staff[rec['entered_by_id']]}"
        bits.append(f"last amended {fmt_dt(rec['amended_at'])}")
        if rec["amended_by_id"] in staff:
            bits[-1] += f" by {staff[rec['amended_by_id']]}"
        if rec["status"] == "verified":
            who = self.staff_name(rec["verified_by_id"], rec["verified_by_label"])
            bits.append(f"verified {fmt_dt(rec['verified_at'])} by {who}")
        bits.append(f"kept until {fmt_date(rec['retention_until'])} (28 CFR 75.4)")
        ui.label(" · ".join(bits)).classes("text-xs opacity-70").mark("record-facts")

    def read_holds(self) -> list[dict[str, Any]]:
        return load_holds(self.actor, self.record_id)

    def side_column(self, holds: list[dict[str, Any]]) -> None:
        if self.data["holds"] is None:  # else a refresh meanwhile has read them
            self.data["holds"] = holds
        with ui.column().classes("gap-3 w-full"):
            self.verification.build()
            self.viewer.build()
            self.holds_card()

    def holds_card(self) -> None:
        with ui.card().classes("w-full gap-1"):
            ui.label("Videos on hold because of this record").classes("font-semibold")
            self.holds()

    @ui.refreshable_method
    def holds(self) -> None:
        if not self.data["holds"]:
            ui.label("None.").classes("text-sm opacity-70")
        for h in self.data["holds"]:
            with ui.column().classes("gap-0 w-full").mark("record-hold"):
                ui.link(h["title"], f"/compliance/productions/{int(h['video_id'])}").classes("text-sm").mark(
                    f"record-hold-{int(h['video_id'])}"
                )
                ui.label(f"{h['state']} · {h['reason']}").classes("text-xs opacity-70")

    # --- reloading and changing --------------------------------------------------------------------------------

    async def refresh(self) -> bool:
        """Read the record again (one audited view) and redraw every part that shows it; False when the read was
        refused (reported) or the server is shutting down, and nothing changed."""
        data = await read(load, self.actor, self.performer_id)
        if data is None:
            return False
        self.data = data
        self.header.refresh()
        self.names.rows.refresh()
        self.documents.cards.refresh()
        self.verification.body.refresh()
        self.holds.refresh()
        await self.history.reload()
        return True

    async def change(self, fn: Callable[[Session, Actor], Any], success: str | None, **guard: Any) -> tuple[bool, Any]:
        """A change to the record besides the identity form, then a refresh. The form adopts the new version only
        when it was based on the version just before the change (then the only change since is this one)."""
        record_id = self.record_id

        def work(session: Session, who: Actor) -> tuple[int, int, Any]:
            before = worklist.record_version(session, actor=who, record_id=record_id)
            result = fn(session, who)
            session.flush()
            return before, worklist.record_version(session, actor=who, record_id=record_id), result

        ok, outcome = await run_service(work, **guard)
        if not ok:
            return False, None
        before, after, result = outcome
        self.adopt(before, after)
        if success:
            ui.notify(success, type="positive")
        await self.refresh()
        return True, result

    def adopt(self, before: int, after: int) -> None:
        """The record went from `before` to `after` by a change made here: the form follows if it was current."""
        if before == self.form_version:
            self.form_version = after
