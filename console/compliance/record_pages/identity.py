"""The legal identity card (name, date of birth, notes): inline errors, a stale save shown next to the kept input,
a warning before a verified record's legal facts change, Ctrl+S, and unsaved changes kept on the server (legal
data never rests in the browser) and offered back. Also the form that creates a record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import ui
from sqlalchemy.orm import Session

from console.actor import Actor
from console.catalog.page_parts import confirm_in
from console.compliance import records, worklist
from console.compliance.record_pages.data import run_service
from console.compliance.record_pages.labels import (
    FIELD_LABELS,
    FORM_FIELDS,
    facts_differ,
    identity_values,
)
from console.errors import Conflict
from console.ui.conflict import ConflictActions, ConflictCatcher, ConflictPanel
from console.ui.date_field import date_field
from console.ui.drafts import Draft, DraftKeeper, ServerDrafts
from console.ui.form_state import NOTHING_TO_SAVE, FormState
from console.ui.formatting import fmt_dt, plural
from console.ui.forms import clear_errors, limit_lengths
from console.ui.keymap import save_key

if TYPE_CHECKING:
    from console.compliance.record_pages.view import RecordView

NAME_INPUTS = (
    ("legal_first_name", "Legal first name", "record-first-name"),
    ("legal_middle_name", "Middle name(s)", "record-middle-name"),
    ("legal_last_name", "Legal last name", "record-last-name"),
)


def identity_form(rec: dict[str, Any] | None) -> FormState:
    """The legal name/DOB/notes inputs, built with the record's values (or empty for a new record)."""
    form = FormState(identity_values(rec))
    v = form.base
    with ui.row().classes("w-full gap-2 no-wrap"):
        for name, label, mark in NAME_INPUTS:
            form.add(name, ui.input(label, value=v[name]).props("dense").classes("grow").mark(mark))
    form.add(
        "date_of_birth",
        date_field("Date of birth", v["date_of_birth"], mark="record-dob", classes="w-48"),
    )
    form.add(
        "notes",
        ui.textarea("Notes", value=v["notes"]).props("dense autogrow").classes("w-full").mark("record-notes"),
    )
    limit_lengths(form.fields, records.TEXT_LIMITS)
    return form


def typed_values(form: FormState) -> dict[str, Any]:
    return {name: (form.fields[name].value or "") for name in FORM_FIELDS}


class IdentityCard:
    """The identity form of an existing record."""

    def __init__(self, view: RecordView) -> None:
        self.view = view
        self.busy = False

    def build(self) -> None:
        with ui.card().classes("w-full gap-1"):
            ui.label("Legal identity (as on the examined ID)").classes("font-semibold")
            self.draft_host = ui.element("div").classes("w-full")  # "You have unsaved changes …"
            self.form = identity_form(self.view.record)
            self.conflict = ConflictPanel(
                FIELD_LABELS,
                actions=ConflictActions(on_take_theirs=self.take_theirs) if self.view.can_edit else None,
                mark="record-conflict",
            )
            self.summary = ui.label("").classes("text-negative text-sm").mark("record-summary")
            self.summary.visible = False
            if not self.view.can_edit:
                for field in self.form.fields.values():
                    field.props("readonly")
                return
            with ui.row().classes("justify-end w-full"):
                ui.button("Save", icon="save", on_click=self.save).props(
                    "unelevated color=primary dense no-caps"
                ).props('title="Ctrl+S"').mark("record-save")
        save_key(self.save, mark="record-keys", description="Save the identity form")

    def start_drafts(self) -> None:
        """Keep unsaved changes on the server and offer them back (once every part is on the page)."""
        if not self.view.can_edit:
            return
        self.drafts = DraftKeeper(
            ServerDrafts(f"{self.view.actor.staff_id}:legal-record:{self.view.record_id}"),
            self.form,
            row_id=self.view.record_id,
            version=lambda: self.view.form_version,
            what="The record",
            on_restore=self.restored,
        )
        with self.draft_host:
            self.drafts.start()

    def restored(self, draft: Draft, outdated: bool) -> None:
        if outdated:  # what a stale save does: the stored values next to the kept input; saving again replaces
            stored = self.view.record
            message = (
                f"The record was changed (now version {stored['version']}) after your unsaved changes of "
                f"{fmt_dt(draft.saved_at)}. Your input is restored: compare it with the saved values and save again."
            )
            current = identity_values(stored) | {"version": stored["version"]}
            self.conflict.show(Conflict(message, current=current), typed_values(self.form))

    # --- saving ------------------------------------------------------------------------------------------------

    async def save(self) -> None:
        if not self.view.can_edit or self.busy:
            return
        if not self.form.changed():
            ui.notify(NOTHING_TO_SAVE, type="info")
            return
        data, sent = typed_values(self.form), self.form.values()
        stored = self.view.record
        if stored["status"] == "verified" and facts_differ(stored, data) and not await self.confirm_reverify(data):
            return
        expected = self.view.form_version
        catcher = ConflictCatcher()
        self.busy = True
        try:
            ok, result = await run_service(
                lambda s, a: catcher(lambda session: self.amend(session, a, data, expected))(s),
                fields=self.form.fields,
                summary=self.summary,
            )
        finally:
            self.busy = False
        if ok:
            await self.saved(result, expected, sent)
        elif catcher.conflict is not None:
            await self.stale(catcher.conflict)

    async def stale(self, exc: Conflict) -> None:
        """Someone saved first. What is stored now is legal data, so the panel shows it from an audited read (the
        page's refresh, which also redraws the header), not from the refusal. Fields not typed in take the stored
        values (their change stands); typed ones keep the input, and the form is then based on the version read,
        so saving again replaces only what was typed."""
        if not await self.view.refresh():
            return
        stored = self.view.record
        self.view.form_version = stored["version"]
        self.form.fill(identity_values(stored))
        self.conflict.show(exc, typed_values(self.form), current=identity_values(stored), version=stored["version"])

    def take_theirs(self) -> None:
        """Drop the input: the form shows the stored record (read by the conflict's audited refresh) and the draft
        is discarded."""
        self.form.reset(identity_values(self.view.record))
        self.view.form_version = self.view.record["version"]
        self.conflict.hide()
        self.drafts.saved()
        ui.notify("The form shows the stored record; your input was discarded.", type="info")

    async def confirm_reverify(self, data: dict[str, Any]) -> bool:
        """Changing a verified record's legal facts sends it back to verification and holds its public videos. The
        fields are checked first: nobody is asked to accept holds for a save that would be refused."""
        record_id = self.view.record_id

        def checked_dependants(session: Session, who: Actor) -> list[tuple[int, str]]:
            records.check_record_fields(data)
            return worklist.public_dependants(session, actor=who, record_id=record_id)

        clear_errors(self.form.fields)
        self.summary.visible = False
        ok, deps = await run_service(checked_dependants, fields=self.form.fields, summary=self.summary)
        if not ok:
            return False
        n = len(deps)
        held = ", ".join(f"“{t}”" for _, t in deps[:10]) + (" …" if n > 10 else "")
        return await confirm_in(
            self.view.dialog_host,
            "Change the legal facts of a verified record?",
            "The record goes back to verification by a second person, and "
            f"{plural(n, 'public video')} will be put on hold until it is verified again."
            + (f"\n\nOn hold: {held}" if n else ""),
            ok_label="Save and hold" if n else "Save",
            danger=True,
        )

    def amend(self, session: Session, who: Actor, data: dict[str, Any], expected: int | None) -> tuple[int, list[int]]:
        rec, held = records.amend_record(
            session, actor=who, record_id=self.view.record_id, data=data, expected_version=expected
        )
        return rec.version, held

    async def saved(self, result: tuple[int, list[int]], expected: int | None, sent: dict[str, Any]) -> None:
        version, held = result
        self.view.form_version = version
        self.conflict.hide()
        if version == expected:  # the service found nothing to change (e.g. only blanks around a name)
            ui.notify(f"{NOTHING_TO_SAVE} The stored record already has these values.", type="info")
        else:
            ui.notify("Record saved.", type="positive")
        if held:
            ui.notify(
                f"{plural(len(held), 'public video')} put on hold until the record is verified again.",
                type="warning",
                multi_line=True,
            )
        await self.view.refresh()
        self.form.fill(identity_values(self.view.record), since=sent)  # untouched fields show what is stored
        self.drafts.saved()


class CreateRecordCard:
    """A performer without a legal record: the identity form and "Create record"."""

    def __init__(self, actor: Actor, performer_id: int, stage_name: str, can_edit: bool) -> None:
        self.actor, self.performer_id, self.stage_name, self.can_edit = actor, performer_id, stage_name, can_edit

    def build(self) -> None:
        with ui.card().classes("w-full max-w-[760px] gap-1").mark("record-create-card"):
            ui.label(f"{self.stage_name} has no legal record yet.").classes("font-semibold").mark("record-none")
            if not self.can_edit:
                ui.label("Your roles can read records but not create them.").classes("text-sm opacity-70")
                return
            ui.label(
                "Enter the legal name and date of birth exactly as they appear on the government photo ID you examined."
            ).classes("text-sm opacity-70")
            draft_host = ui.element("div").classes("w-full")
            self.form = identity_form(None)
            self.summary = ui.label("").classes("text-negative text-sm")
            self.summary.visible = False
            self.drafts = DraftKeeper(
                ServerDrafts(f"{self.actor.staff_id}:legal-record-new:{self.performer_id}"),
                self.form,
                row_id=None,
                version=lambda: None,
                what="The record",
            )
            with draft_host:
                self.drafts.start()
            with ui.row().classes("justify-end w-full"):
                ui.button("Create record", icon="add", on_click=self.create).props(
                    "unelevated color=primary no-caps"
                ).mark("record-create")

    async def create(self) -> None:
        data, performer_id = typed_values(self.form), self.performer_id
        clear_errors(self.form.fields)
        ok, _ = await run_service(
            lambda s, a: records.create_record(s, actor=a, performer_id=performer_id, data=data).id,
            fields=self.form.fields,
            summary=self.summary,
        )
        if ok:
            self.drafts.saved(leaving=True)
            ui.notify("Record created. Add the examined ID and its scan next.", type="positive")
            ui.navigate.to(f"/compliance/records/{performer_id}")
