"""/compliance/custodian: the custodian of records named in every compliance statement (28 CFR 75.6), edited
in one form that keeps unsaved input on the server and shows a stale save's conflict."""

from __future__ import annotations

from typing import Any

from nicegui import run, ui
from sqlalchemy.orm import Session

from console.actor import Actor
from console.compliance.production_pages.paperwork_form import PaperworkForm
from console.compliance.production_pages.reads import CUSTODIAN_LABELS, custodian_version, load_custodian
from console.compliance.production_pages.shared import compliance_links
from console.compliance.productions import CUSTODIAN_LIMITS, set_custodian
from console.errors import Conflict
from console.staff.permissions import Permission, can
from console.ui.conflict import ConflictCatcher
from console.ui.drafts import Draft
from console.ui.form_state import NOTHING_TO_SAVE, FormState
from console.ui.formatting import fmt_dt
from console.ui.forms import limit_lengths
from console.ui.work import call

ABOUT = (
    "The custodian of records is named in every depiction's 2257 compliance statement (28 CFR 75.6), with "
    "the business address where the records are kept and the hours they are available for inspection."
)


class CustodianView(PaperworkForm):
    """The custodian form; the version it was read at lives on `self.version`."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.editable = can(actor, Permission.COMPLIANCE_EDIT)
        self.stored, self.version = load_custodian(actor)
        self.theirs: dict[str, Any] | None = None  # what a stale save found stored, for "Take theirs"

    def build(self) -> None:
        compliance_links("/compliance/custodian")
        ui.label(ABOUT).classes("text-sm opacity-80 max-w-3xl")
        if self.version is None:
            ui.label("No custodian is set: compliance statements cannot be issued until one is.").classes(
                "text-warning text-sm"
            ).mark("custodian-missing")
        with ui.card().classes("w-full max-w-2xl gap-2"):
            self.draft_host = ui.element("div").classes("w-full")  # "You have unsaved changes …"
            self.inputs()
            self.save_messages("custodian", CUSTODIAN_LABELS)
            if self.editable:
                with ui.row().classes("justify-end w-full"):
                    ui.button("Save", icon="save", on_click=self.save).props("unelevated color=primary no-caps").mark(
                        "custodian-save"
                    )
            self.start_drafts()

    def inputs(self) -> None:
        self.form = form = FormState(self.stored)
        self.fields: dict[str, Any] = {
            "name": ui.input("Name", value=form.base["name"]).props("dense").classes("w-full").mark("custodian-name"),
            "title": ui.input("Title", value=form.base["title"])
            .props("dense")
            .classes("w-full")
            .mark("custodian-title"),
            "business_address": ui.textarea("Business address", value=form.base["business_address"])
            .props("dense autogrow")
            .classes("w-full")
            .mark("custodian-address"),
            "hours": ui.input("Hours when the records are available", value=form.base["hours"])
            .props("dense")
            .classes("w-full")
            .mark("custodian-hours"),
        }
        for key, element in self.fields.items():
            form.add(key, element)
        limit_lengths(self.fields, CUSTODIAN_LIMITS)
        if not self.editable:
            for element in self.fields.values():
                element.props("readonly")

    def start_drafts(self) -> None:
        self.keep_drafts("custodian", row_id=None, what="The custodian")

    async def save(self) -> None:
        data = {key: element.value or "" for key, element in self.fields.items()}
        if not self.form.changed():
            ui.notify(NOTHING_TO_SAVE, type="info")
            return
        expected, catcher = self.version, ConflictCatcher()

        def work(session: Session) -> int:
            saved = set_custodian(session, actor=self.actor, data=data, expected_version=expected)
            session.flush()
            return saved.version

        ok, version = await call(catcher(work), fields=self.fields, summary=self.summary)
        if ok:
            self.version = version
            self.conflict.hide()
            self.form.fill(data, since=data)  # what was sent is stored now: only that counts as unchanged
            self.drafts.saved()
            if version == expected:
                ui.notify(f"{NOTHING_TO_SAVE} The stored custodian already has these values.", type="info")
            else:
                ui.notify("Custodian saved.", type="positive")
        elif catcher.conflict is not None:
            # Keep the input; the next save deliberately replaces what is stored now.
            self.version = await run.io_bound(custodian_version, self.actor)
            self.theirs = {key: catcher.conflict.current.get(key) or "" for key in self.fields}
            self.conflict.show(catcher.conflict, data)

    def take_theirs(self) -> None:
        """Drop the input: the fields show what is stored now (the stale save's, or the outdated draft's, stored
        details) and the draft is discarded."""
        self.stored = self.theirs or self.stored
        self.form.reset(self.stored)
        self.theirs = None
        self.conflict.hide()
        self.drafts.saved()
        ui.notify("The form shows the stored custodian; your input was discarded.", type="info")

    def restored(self, draft: Draft, outdated: bool) -> None:
        if outdated:  # as after a stale save: the stored values shown, the input kept
            message = (
                f"The custodian was changed (now version {self.version}) after your unsaved changes of "
                f"{fmt_dt(draft.saved_at)}. Compare, then save again to replace it."
            )
            self.conflict.show(Conflict(message, current=self.stored), self.form.values())
