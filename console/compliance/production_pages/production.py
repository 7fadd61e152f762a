"""/compliance/productions/{video_id}: one video's 2257 production. The header, the date of production and notes,
the cast (cast.py), the gate's verdict and the compliance statement; "Save production" asks first when the save
would put the video on hold, then saves in its own unit of work and redraws what the save changed."""

from __future__ import annotations

from typing import Any

from nicegui import run, ui
from sqlalchemy.orm import Session

from console.actor import Actor
from console.catalog.state_look import state_badge
from console.compliance.hold_prompt import Held, confirm_holds
from console.compliance.production_pages.cast import CastTable
from console.compliance.production_pages.paperwork_form import PaperworkForm
from console.compliance.production_pages.reads import (
    PRODUCTION_LABELS,
    load_production,
    load_side,
    production_values,
    relied_on_values,
)
from console.compliance.production_pages.shared import compliance_links
from console.compliance.productions import NOTES_MAX, preview_save_production, save_production
from console.errors import Conflict, ConsoleError
from console.staff.permissions import Permission, can
from console.ui.conflict import ConflictCatcher
from console.ui.date_field import date_field
from console.ui.drafts import Draft
from console.ui.form_state import NOTHING_TO_SAVE, FormState, unchanged
from console.ui.formatting import fmt_dt
from console.ui.forms import limit_length, report
from console.ui.keymap import save_key
from console.ui.later import drawn_later, later
from console.ui.work import call

NOT_COMPLIANT = "Not compliant — the gate refuses to publish it:"


class ProductionView(PaperworkForm):
    """One video's production; the state read at open (and after each save) lives on `self.loaded`."""

    def __init__(self, actor: Actor, video_id: int, loaded: dict[str, Any]) -> None:
        self.actor, self.video_id = actor, video_id
        self.editable = can(actor, Permission.COMPLIANCE_EDIT)
        self.loaded = loaded  # load_production(actor, video_id), read by the route in a worker thread
        stored = self.loaded["production"]
        self.version: int | None = stored["version"] if stored else None
        self.cast = CastTable(self.editable)

    def build(self) -> None:
        compliance_links("")
        self.header()
        with ui.row().classes("w-full items-start gap-3"):
            with ui.column().classes("gap-3 grow basis-[560px] max-w-[980px]"):
                self.production_card()  # the form is in the first answer: typing before the socket is kept
                drawn_later(self.cast_card, marker="production-cast", placeholder_height="h-48")
                self.save_row()
                self.start_drafts()
            with ui.column().classes("gap-3 w-[520px] max-w-full"):  # drawn once the page shows
                later(self.read_side, self.side_column, marker="production-side", placeholder_height="h-64")

    def read_side(self) -> dict[str, Any]:
        return load_side(self.actor, self.video_id)

    def side_column(self, side: dict[str, Any]) -> None:
        if not self.loaded["side_read"]:  # else a refresh meanwhile has read it
            self.loaded |= side | {"side_read": True}
        with ui.column().classes("gap-3 w-full"):
            with ui.card().classes("w-full gap-1"):
                ui.label("2257 verdict").classes("font-semibold")
                self.verdict()
            with ui.card().classes("w-full gap-1"):
                ui.label("Compliance statement").classes("font-semibold")
                self.statement()

    # --- parts -----------------------------------------------------------------------------------------------

    @ui.refreshable_method
    def header(self) -> None:
        video = self.loaded["video"]
        with ui.row().classes("items-center gap-2 w-full"):
            ui.label(video["title"]).classes("text-lg font-semibold").mark("production-title")
            state_badge(video["state"]).mark("production-state")  # redrawn after a save that holds the video
            ui.label(f"{video['slug']} · #{video['id']}").classes("text-xs opacity-70 font-mono")
            ui.space()
            ui.link("Open in the catalog →", f"/catalog/{self.video_id}").classes("text-sm").mark(
                "production-video-link"
            )

    def production_card(self) -> None:
        """The date of production and the notes."""
        stored = self.loaded["production"]
        with ui.card().classes("w-full gap-2"):
            ui.label("Production").classes("font-semibold")
            self.draft_host = ui.element("div").classes("w-full")  # "You have unsaved changes …"
            self.form = form = FormState(production_values(stored))
            self.production_date = form.add(
                "production_date",
                date_field("Date of production", form.base["production_date"], mark="production-date", classes="w-52"),
            )
            self.producer_notes = form.add("producer_notes", self._notes("Producer notes", "producer_notes"))
            self.location_notes = form.add("location_notes", self._notes("Location notes", "location_notes"))
            if not self.editable:
                for element in (self.production_date, self.producer_notes, self.location_notes):
                    element.props("readonly")
            if stored is None:
                ui.label("No production is recorded for this video yet.").classes("text-sm text-warning").mark(
                    "production-missing"
                )

    def _notes(self, label: str, key: str) -> ui.textarea:
        area = ui.textarea(label, value=self.form.base[key]).props("dense autogrow").classes("w-full")
        area.mark(f"production-{key.replace('_', '-')}")
        limit_length(area, NOTES_MAX)
        return area

    def cast_card(self) -> None:
        with ui.card().classes("w-full gap-1"):
            ui.label(f"Performers (the video lists {self.loaded['video']['performer_count']})").classes("font-semibold")
            self.cast.cast = self.loaded["cast"]
            self.cast.lines()

    def save_row(self) -> None:
        """The save's messages (refusals, a stale version) and the button."""
        self.save_messages("production", PRODUCTION_LABELS, summary="text-negative text-sm whitespace-pre-line")
        if self.editable:
            with ui.row().classes("justify-end w-full"):
                ui.button("Save production (Ctrl+S)", icon="save", on_click=self.save).props(
                    "unelevated color=primary no-caps"
                ).mark("production-save")
            save_key(self.save, mark="production-keys", description="Save the production")

    def start_drafts(self) -> None:
        """Unsaved date and notes are kept on the server (2257 paperwork stays off the browser)."""
        self.keep_drafts(f"production:{self.video_id}", row_id=self.video_id, what="The production")

    @ui.refreshable_method
    def verdict(self) -> None:
        blockers = self.loaded["blockers"]
        if not blockers:
            with ui.row().classes("items-center gap-1 text-positive").mark("production-compliant"):
                ui.icon("verified")
                ui.label("Compliant: every 2257 check of the publishing gate passes.")
            return
        with ui.column().classes("gap-0").mark("production-blockers"):
            ui.label(NOT_COMPLIANT).classes("text-negative")
            for reason in blockers:
                ui.label(f"• {reason.removeprefix('2257: ')}").classes("text-sm").mark("production-blocker")

    @ui.refreshable_method
    def statement(self) -> None:
        text = self.loaded["statement"]
        if text is None:
            problem = self.loaded["statement_problem"] or ""
            ui.label(problem).classes("text-sm text-warning").mark("statement-problem")
            if "custodian" in problem:
                ui.link("Set the custodian of records", "/compliance/custodian").classes("text-sm")
            return
        ui.textarea(value=text).props("readonly autogrow outlined").classes("w-full font-mono text-xs").mark(
            "statement-text"
        )
        with ui.row().classes("justify-end w-full"):
            ui.button("Copy", icon="content_copy", on_click=lambda t=text: self.copy(t)).props(
                "dense outline no-caps"
            ).mark("statement-copy")

    # --- handlers --------------------------------------------------------------------------------------------

    def copy(self, text: str) -> None:
        ui.clipboard.write(text)
        ui.notify("Statement copied.", type="positive")

    def typed(self) -> dict[str, Any]:
        return {
            "production_date": (self.production_date.value or "").strip(),
            "producer_notes": self.producer_notes.value or "",
            "location_notes": self.location_notes.value or "",
            "relied_on": self.cast.relied_on(),
        }

    def fields(self) -> dict[str, Any]:
        """The inputs under the names the service's messages use."""
        fields: dict[str, Any] = {
            "production_date": self.production_date,
            "producer_notes": self.producer_notes,
            "location_notes": self.location_notes,
        }
        fields.update(self.cast.fields())
        return fields

    async def save(self) -> None:
        data = self.typed()
        if unchanged(self.form.values(), self.form.base) and unchanged(
            data["relied_on"], relied_on_values(self.loaded["cast"])
        ):
            ui.notify(NOTHING_TO_SAVE, type="info")
            return
        sent, expected, catcher = self.form.values(), self.version, ConflictCatcher()
        # Ask first (a rolled-back dry run): the video may have been published since this page opened.
        if not await self.holds_accepted(data, catcher):
            return
        ok, outcome = await call(catcher(lambda s: self.store(s, data)), fields=self.fields(), summary=self.summary)
        if not ok or outcome is None:
            if catcher.conflict is not None:
                await self.show_stale(catcher.conflict)
            return
        version, held = outcome
        self.conflict.hide()
        self.tell_saved(version, expected, held)
        await self.refresh(since=sent)
        self.drafts.saved()

    async def holds_accepted(self, data: dict[str, Any], catcher: ConflictCatcher) -> bool:
        """False when the dry run refuses (its message shown) or the user declines the holds it announces."""

        def would_hold(session: Session) -> Held:
            return preview_save_production(
                session, actor=self.actor, video_id=self.video_id, data=data, expected_version=self.version
            )

        ok, preview = await call(catcher(would_hold), fields=self.fields(), summary=self.summary)
        if not ok:
            if catcher.conflict is not None:
                await self.show_stale(catcher.conflict)
            return False
        return not preview or await confirm_holds(preview)

    def store(self, session: Session, data: dict[str, Any]) -> tuple[int, Held]:
        saved, held = save_production(
            session, actor=self.actor, video_id=self.video_id, data=data, expected_version=self.version
        )
        return saved.version, held

    def tell_saved(self, version: int, expected: int | None, held: Held) -> None:
        if held:
            message = "Production saved. The video no longer passes the 2257 checks: it is on hold."
            ui.notify(message, type="warning", multi_line=True)
        elif version == expected:
            ui.notify(f"{NOTHING_TO_SAVE} The stored production already has these values.", type="info")
        else:
            ui.notify("Production saved.", type="positive")

    async def show_stale(self, conflict: Conflict) -> None:
        """Keep the input; the next save deliberately replaces what is stored now. What is stored now is 2257
        paperwork, so the panel shows it from an audited read (not from the refused save); the fields and the cast
        lines keep what was typed and chosen."""
        fresh = await self.read()
        if fresh is None:
            return
        self.loaded = fresh
        saved = fresh["production"]
        self.version = saved["version"] if saved else None
        now = production_values(saved) | {"relied_on": relied_on_values(fresh["cast"])}
        self.conflict.show(conflict, self.typed(), current=now, version=self.version)

    def restored(self, draft: Draft, outdated: bool) -> None:
        if outdated:  # as after a stale save: the stored values shown, the input kept
            now = production_values(self.loaded["production"])
            message = (
                f"The production was changed (now version {self.version}) after your unsaved "
                f"changes of {fmt_dt(draft.saved_at)}. Compare, then save again to replace it."
            )
            self.conflict.show(Conflict(message, current=now), self.typed())

    async def read(self) -> dict[str, Any] | None:
        """The production as the page shows it, read again (audited); None when refused (reported) or stopping."""
        try:
            return await run.io_bound(load_production, self.actor, self.video_id)
        except ConsoleError as exc:
            report(exc)
            return None

    async def take_theirs(self) -> None:
        """Drop the input: read the production again (audited) and show it in every field and cast line."""
        if await self.refresh(since=None):
            self.conflict.hide()
            self.drafts.saved()
            ui.notify("The form shows the stored production; your input was discarded.", type="info")

    async def refresh(self, *, since: dict[str, Any] | None) -> bool:
        """Read the production again and redraw the cast, the verdict and the statement. The fields show what is
        stored, except one typed into since `since` (None: every field shows it). False when the read failed."""
        fresh = await self.read()
        if fresh is None:
            return False
        self.loaded = fresh
        saved = fresh["production"]
        self.version = saved["version"] if saved else None
        if saved is not None and since is None:
            self.form.reset(production_values(saved))
        elif saved is not None:
            self.form.fill(production_values(saved), since=since)  # a field typed into meanwhile keeps its text
        self.header.refresh()
        self.cast.show(fresh["cast"])
        self.verdict.refresh()
        self.statement.refresh()
        return True
