"""Correcting an examined ID from the record editor: the fields of "Add an examined ID", filled with what is
stored. Before saving it asks the service what the change would put on hold (a rolled-back dry run) and lets
the officer decide; then one service call, and the editor refreshes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from nicegui import ui
from sqlalchemy.orm import Session

from console.actor import Actor
from console.compliance import records
from console.compliance.hold_prompt import Held, confirm_holds
from console.compliance.models import ID_TYPES
from console.members.countries import COUNTRIES
from console.ui.date_field import date_field
from console.ui.dialogs import keyboard_ready

# change(fn, success message, fields=...) -> (ok, result): the record editor's wrapper around one service call.
Change = Callable[..., Awaitable[tuple[bool, Any]]]
Preview = Callable[..., Awaitable[tuple[bool, Any]]]  # run_service(fn, fields=...)


DATE_FIELDS = (("issue_date", "Issued on"), ("expiry_date", "Expires on"), ("examined_on", "Examined on"))


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


class DocumentEditDialog:
    """One ID document's correction form in a dialog."""

    def __init__(self, host: ui.element, doc: dict[str, Any], *, change: Change, preview: Preview) -> None:
        self.host, self.doc = host, doc
        self.change, self.preview = change, preview
        self.fields: dict[str, Any] = {}
        self.dialog: ui.dialog | None = None

    def open(self) -> None:
        with self.host, ui.dialog() as dialog, ui.card().classes("min-w-[520px] max-w-[90vw]").mark("document-edit"):
            self.dialog = dialog
            ui.label(f"Correct ID #{self.doc['id']}").classes("text-lg font-semibold")
            ui.label(
                "The correction is kept in the record's history with the values it replaces. Public videos whose "
                "productions rely on this ID are checked again."
            ).classes("text-sm opacity-70")
            self.inputs()
            keyboard_ready(self.fields.values(), None)  # the first field focused; Enter saves no legal correction
            with ui.row().classes("justify-end w-full"):
                ui.button("Cancel", on_click=self.close).props("flat no-caps")
                ui.button("Save correction", icon="save", on_click=self.save).props(
                    "unelevated color=primary no-caps"
                ).mark("document-edit-save")
        dialog.on("hide", dialog.delete)  # closed dialogs do not pile up
        dialog.open()

    def inputs(self) -> None:
        d = self.doc
        countries = {code: f"{code} · {name}" for code, name in sorted(COUNTRIES.items())}
        with ui.row().classes("w-full items-start gap-2"):
            self.fields["doc_type"] = (
                ui.select({t: records.ID_TYPE_LABELS[t] for t in ID_TYPES}, value=d["doc_type"], label="Type")
                .props("dense options-dense")
                .classes("w-52")
            )
            self.fields["number"] = ui.input("Number", value=d["number"]).props("dense").classes("w-44")
            self.fields["issuing_country"] = (
                ui.select(countries, value=d["issuing_country"], label="Issuing country", with_input=True)
                .props("dense options-dense")
                .classes("w-52")
            )
            self.fields["issuing_state"] = (
                ui.input("State / region", value=d["issuing_state"] or "").props("dense").classes("w-36")
            )
        with ui.row().classes("w-full items-start gap-2"):
            for key, label in (
                ("issue_date", "Issued on"),
                ("expiry_date", "Expires on"),
                ("examined_on", "Examined on"),
            ):
                self.fields[key] = date_field(label, _iso(d[key]))
        for key, field in self.fields.items():
            field.mark(f"document-edit-{key}")

    def typed(self) -> dict[str, Any]:
        return {key: field.value or "" for key, field in self.fields.items()}

    async def save(self) -> None:
        data, doc_id, version = self.typed(), int(self.doc["id"]), self.doc.get("version")

        def would_hold(session: Session, actor: Actor) -> Held:
            return records.preview_amend_document(
                session, actor=actor, document_id=doc_id, data=data, expected_version=version
            )

        ok, held = await self.preview(would_hold, fields=self.fields)
        if not ok or (held and not await confirm_holds(held)):
            return
        ok, outcome = await self.change(
            lambda s, a: records.amend_document(s, actor=a, document_id=doc_id, data=data, expected_version=version),
            None,
            fields=self.fields,
        )
        if ok:
            held_now = outcome[1] if outcome else {}
            if held_now:
                ui.notify(f"ID corrected; {len(held_now)} public video(s) put on hold.", type="warning")
            else:
                ui.notify("ID corrected.", type="positive")
            self.close()

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
