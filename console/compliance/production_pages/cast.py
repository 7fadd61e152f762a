"""The production page's cast: each performer's stage and legal name, record status, age on the day and the ID
the production relies on (a select per line; read-only without compliance.edit or without a legal record)."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from console.compliance.records import STATUS_LABELS
from console.compliance.status_look import STATUS_COLOURS

AUTO_ID = "auto"
HEADINGS = ("Stage name", "Legal name", "Status", "Age that day", "ID relied on")


class CastTable:
    """The cast lines; `show(cast)` redraws them, `relied_on()` is what the selects say now."""

    def __init__(self, editable: bool) -> None:
        self.editable = editable
        self.cast: list[dict[str, Any]] = []
        self.selects: dict[int, ui.select] = {}

    def show(self, cast: list[dict[str, Any]]) -> None:
        self.cast = cast
        self.selects.clear()
        self.lines.refresh()

    def relied_on(self) -> dict[str, Any]:
        return {str(pid): (None if s.value in (None, AUTO_ID) else s.value) for pid, s in self.selects.items()}

    def fields(self) -> dict[str, ui.select]:
        """The selects under the names the service's messages use."""
        return {f"relied_on.{pid}": s for pid, s in self.selects.items()}

    @ui.refreshable_method
    def lines(self) -> None:
        if not self.cast:
            ui.label("No performers are linked to this video.").classes("text-sm opacity-70")
            return
        with ui.grid(columns="minmax(120px,1fr) minmax(140px,1fr) auto auto minmax(380px,3fr)").classes(
            "w-full items-center gap-x-3 gap-y-1 text-sm"
        ):
            for heading in HEADINGS:
                ui.label(heading).classes("text-xs opacity-70")
            for line in self.cast:
                self.line(line)

    def line(self, line: dict[str, Any]) -> None:
        pid = int(line["performer_id"])
        ui.label(line["stage_name"]).mark(f"cast-stage-{pid}")
        if line["legal_name"]:
            ui.link(line["legal_name"], f"/compliance/records/{pid}").mark(f"cast-legal-{pid}")
        else:
            ui.link("no legal record — create one", f"/compliance/records/{pid}").classes("text-negative").mark(
                f"cast-legal-{pid}"
            )
        status = line["status"]
        ui.badge(STATUS_LABELS.get(status, "none") if status else "no record").props(
            f"color={STATUS_COLOURS.get(status or '', 'negative')}"
        ).mark(f"cast-status-{pid}")
        age = line["age"]
        shown = "—" if age is None else ("not yet born" if age < 0 else str(age))
        ui.label(shown).classes("text-negative font-semibold" if age is not None and age < 18 else "").mark(
            f"cast-age-{pid}"
        )
        options: dict[Any, str] = {AUTO_ID: "Latest ID examined on or before that day"}
        options.update(line["documents"])
        chosen = line["id_document_id"] if line["id_document_id"] in options else AUTO_ID
        select = ui.select(options, value=chosen).props("dense options-dense").classes("w-full").mark(f"cast-id-{pid}")
        if not self.editable or line["record_id"] is None:
            select.props("readonly")
        self.selects[pid] = select
