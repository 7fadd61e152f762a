"""Productions (/compliance/productions/{video_id}): the date of production and notes, the cast with their legal
names, status, age on the day and the ID relied on, the gate's 2257 verdict, and the compliance statement the
depiction displays (read-only, with a copy button). The custodian of records (/compliance/custodian).

Pages call the services (productions.py) in their own unit of work; a stale save keeps the typed input and
shows what is stored now.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from nicegui import run, ui
from sqlalchemy.orm import Session

from console.actor import Actor
from console.catalog.page_parts import ConflictCatcher, call_service, show_conflict
from console.compliance.hold_prompt import Held, confirm_holds
from console.compliance.productions import (
    CUSTODIAN_LIMITS,
    NOTES_MAX,
    compliance_statement,
    custodian_view,
    get_custodian,
    preview_save_production,
    save_production,
    set_custodian,
    view_production,
)
from console.compliance.records import ID_TYPE_LABELS, STATUS_LABELS
from console.db import session_scope
from console.errors import Conflict, ConsoleError, NotFound, RuleViolation
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission, can
from console.ui.forms import limit_length, limit_lengths, report
from console.ui.page import staff_page

AUTO_ID = "auto"
STATUS_COLOURS = {
    "verified": "positive",
    "pending_verification": "info",
    "incomplete": "warning",
    "rejected": "negative",
    "revoked": "negative",
}
PRODUCTION_LABELS = {
    "production_date": "Date of production",
    "producer_notes": "Producer notes",
    "location_notes": "Location notes",
    "relied_on": "IDs relied on",
}
CUSTODIAN_LABELS = {"name": "Name", "title": "Title", "business_address": "Business address", "hours": "Hours"}
STATE_COLOURS = {"draft": "grey-7", "scheduled": "info", "published": "positive", "unpublished": "warning"}


def compliance_links(current: str) -> None:
    """The compliance pages this work moves between."""
    with ui.row().classes("items-center gap-3 text-sm"):
        for label, path in (
            ("Worklist", "/compliance"),
            ("Cross-reference index", "/compliance/index"),
            ("Custodian", "/compliance/custodian"),
        ):
            if path == current:
                ui.label(label).classes("font-semibold")
            else:
                ui.link(label, path)


def document_label(doc: Any) -> str:
    kind = ID_TYPE_LABELS.get(doc.doc_type, doc.doc_type)
    examined = doc.examined_on.isoformat() if doc.examined_on else "not examined"
    return f"{kind} {doc.number} · {doc.issuing_country} · examined {examined}"


def load_production(actor: Actor, video_id: int) -> dict[str, Any]:
    """Everything the page shows, read in one unit of work (the view is an audited read of legal data)."""
    with session_scope() as session:
        detail = view_production(session, actor=actor, video_id=video_id)
        try:
            statement: str | None = compliance_statement(session, actor=actor, video_id=video_id)
            statement_problem = None
        except RuleViolation as exc:
            statement, statement_problem = None, exc.message
        production = detail.production
        video = detail.video
        return {
            "video": {
                "id": video.id,
                "title": video.title,
                "slug": video.slug,
                "state": video.state,
                "performer_count": video.performer_count,
            },
            "production": None
            if production is None
            else {
                "production_date": production.production_date,
                "producer_notes": production.producer_notes or "",
                "location_notes": production.location_notes or "",
                "version": production.version,
            },
            "cast": [
                {
                    "performer_id": c.performer_id,
                    "stage_name": c.stage_name,
                    "record_id": c.record_id,
                    "legal_name": c.legal_name,
                    "status": c.status,
                    "age": c.age_on_production,
                    "id_document_id": c.id_document_id,
                    "documents": {d.id: document_label(d) for d in c.candidates},
                }
                for c in detail.cast
            ],
            "blockers": list(detail.blockers),
            "statement": statement,
            "statement_problem": statement_problem,
        }


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def register() -> None:
    @staff_page("/compliance/productions/{video_id}", title="Production", permission=Permission.COMPLIANCE_READ_LEGAL)
    def production_page(info: SessionInfo, video_id: str) -> None:
        # A str parameter: a non-numeric address gets the in-frame 404, not FastAPI's JSON 422.
        if not (video_id.isascii() and video_id.isdigit()) or not 0 < int(video_id) < 2**63:
            raise NotFound(f"There is no video #{video_id[:40]}.")
        vid = int(video_id)
        actor = info.actor
        editable = can(actor, Permission.COMPLIANCE_EDIT)
        loaded = load_production(actor, vid)
        video = loaded["video"]
        stored = loaded["production"]
        state: dict[str, Any] = {"loaded": loaded, "version": stored["version"] if stored else None}

        compliance_links("")
        with ui.row().classes("items-center gap-2 w-full"):
            ui.label(video["title"]).classes("text-lg font-semibold").mark("production-title")
            ui.badge(video["state"]).props(f"color={STATE_COLOURS.get(video['state'], 'grey')}")
            ui.label(f"{video['slug']} · #{video['id']}").classes("text-xs opacity-70 font-mono")
            ui.space()
            ui.link("Open in the catalog →", f"/catalog/{vid}").classes("text-sm").mark("production-video-link")

        with ui.row().classes("w-full items-start gap-3"):
            with ui.column().classes("gap-3 grow basis-[560px] max-w-[980px]"):
                # --- date and notes --------------------------------------------------------------------------
                with ui.card().classes("w-full gap-2"):
                    ui.label("Production").classes("font-semibold")
                    production_date = (
                        ui.input("Date of production", value=_iso(stored["production_date"]) if stored else "")
                        .props("dense type=date stack-label")
                        .classes("w-52")
                        .mark("production-date")
                    )
                    producer_notes = (
                        ui.textarea("Producer notes", value=stored["producer_notes"] if stored else "")
                        .props("dense autogrow")
                        .classes("w-full")
                        .mark("production-producer-notes")
                    )
                    location_notes = (
                        ui.textarea("Location notes", value=stored["location_notes"] if stored else "")
                        .props("dense autogrow")
                        .classes("w-full")
                        .mark("production-location-notes")
                    )
                    limit_length(producer_notes, NOTES_MAX)
                    limit_length(location_notes, NOTES_MAX)
                    if not editable:
                        for element in (production_date, producer_notes, location_notes):
                            element.props("readonly")
                    if stored is None:
                        ui.label("No production is recorded for this video yet.").classes("text-sm text-warning").mark(
                            "production-missing"
                        )

                # --- cast ------------------------------------------------------------------------------------
                with ui.card().classes("w-full gap-1"):
                    ui.label(f"Performers (the video lists {video['performer_count']})").classes("font-semibold")
                    selects: dict[int, ui.select] = {}

                    @ui.refreshable
                    def cast_table() -> None:
                        cast = state["loaded"]["cast"]
                        if not cast:
                            ui.label("No performers are linked to this video.").classes("text-sm opacity-70")
                            return
                        with ui.grid(columns="minmax(120px,1fr) minmax(140px,1fr) auto auto minmax(260px,2fr)").classes(
                            "w-full items-center gap-x-3 gap-y-1 text-sm"
                        ):
                            for heading in ("Stage name", "Legal name", "Status", "Age that day", "ID relied on"):
                                ui.label(heading).classes("text-xs opacity-70")
                            for line in cast:
                                pid = int(line["performer_id"])
                                ui.label(line["stage_name"]).mark(f"cast-stage-{pid}")
                                if line["legal_name"]:
                                    ui.link(line["legal_name"], f"/compliance/records/{pid}").mark(f"cast-legal-{pid}")
                                else:
                                    ui.link("no legal record — create one", f"/compliance/records/{pid}").classes(
                                        "text-negative"
                                    ).mark(f"cast-legal-{pid}")
                                status = line["status"]
                                ui.badge(STATUS_LABELS.get(status, "none") if status else "no record").props(
                                    f"color={STATUS_COLOURS.get(status or '', 'negative')}"
                                ).mark(f"cast-status-{pid}")
                                age = line["age"]
                                ui.label("—" if age is None else str(age)).classes(
                                    "text-negative font-semibold" if age is not None and age < 18 else ""
                                ).mark(f"cast-age-{pid}")
                                options: dict[Any, str] = {AUTO_ID: "Latest ID examined on or before that day"}
                                options.update(line["documents"])
                                chosen = line["id_document_id"] if line["id_document_id"] in options else AUTO_ID
                                select = (
                                    ui.select(options, value=chosen)
                                    .props("dense options-dense")
                                    .classes("w-full")
                                    .mark(f"cast-id-{pid}")
                                )
                                if not editable or line["record_id"] is None:
                                    select.props("readonly")
                                selects[pid] = select

                    cast_table()

                summary = ui.label("").classes("text-negative text-sm whitespace-pre-line").mark("production-summary")
                summary.visible = False
                conflict_box = (
                    ui.column().classes("w-full gap-1 p-2 rounded bg-amber-1 text-sm").mark("production-conflict")
                )
                conflict_box.visible = False

                def typed() -> dict[str, Any]:
                    return {
                        "production_date": (production_date.value or "").strip(),
                        "producer_notes": producer_notes.value or "",
                        "location_notes": location_notes.value or "",
                        "relied_on": {
                            str(pid): (None if s.value in (None, AUTO_ID) else s.value) for pid, s in selects.items()
                        },
                    }

                async def save() -> None:
                    data = typed()
                    catcher = ConflictCatcher()
                    fields: dict[str, Any] = {
                        "production_date": production_date,
                        "producer_notes": producer_notes,
                        "location_notes": location_notes,
                    }
                    fields.update({f"relied_on.{pid}": s for pid, s in selects.items()})

                    def would_hold(session: Session) -> Held:
                        return preview_save_production(
                            session, actor=actor, video_id=vid, data=data, expected_version=state["version"]
                        )

                    def work(session: Session) -> Held:
                        _saved, held = save_production(
                            session, actor=actor, video_id=vid, data=data, expected_version=state["version"]
                        )
                        return held

                    # Ask first (a rolled-back dry run): the video may have been published since this page opened.
                    ok, preview = await call_service(catcher(would_hold), fields=fields, summary=summary)
                    if not ok or (preview and not await confirm_holds(preview)):
                        if not ok and catcher.conflict is not None:
                            show_stale(catcher.conflict)
                        return
                    ok, held = await call_service(catcher(work), fields=fields, summary=summary)
                    if ok:
                        conflict_box.visible = False
                        if held:
                            ui.notify(
                                "Production saved. The video no longer passes the 2257 checks and was put on hold.",
                                type="warning",
                                multi_line=True,
                            )
                        else:
                            ui.notify("Production saved.", type="positive")
                        await refresh()
                    elif catcher.conflict is not None:
                        show_stale(catcher.conflict)

                def show_stale(conflict: Conflict) -> None:
                    # Keep the input; the next save deliberately replaces what is stored now.
                    current = conflict.current
                    state["version"] = current.get("version", state["version"])
                    shown_now = {k: _iso(v) if isinstance(v, date) else v for k, v in current.items()}
                    stale = Conflict(conflict.message, current=shown_now)
                    show_conflict(conflict_box, stale, typed(), PRODUCTION_LABELS)

                if editable:
                    with ui.row().classes("justify-end w-full"):
                        ui.button("Save production", icon="save", on_click=save).props(
                            "unelevated color=primary no-caps"
                        ).mark("production-save")

            with ui.column().classes("gap-3 w-[520px] max-w-full"):
                # --- verdict ---------------------------------------------------------------------------------
                with ui.card().classes("w-full gap-1"):
                    ui.label("2257 verdict").classes("font-semibold")

                    @ui.refreshable
                    def verdict() -> None:
                        blockers = state["loaded"]["blockers"]
                        if not blockers:
                            with ui.row().classes("items-center gap-1 text-positive").mark("production-compliant"):
                                ui.icon("verified")
                                ui.label("Compliant: every 2257 check of the publishing gate passes.")
                            return
                        with ui.column().classes("gap-0").mark("production-blockers"):
                            ui.label("Not compliant — the gate refuses to publish it:").classes("text-negative")
                            for reason in blockers:
                                ui.label(f"• {reason.removeprefix('2257: ')}").classes("text-sm").mark(
                                    "production-blocker"
                                )

                    verdict()

                # --- statement -------------------------------------------------------------------------------
                with ui.card().classes("w-full gap-1"):
                    ui.label("Compliance statement").classes("font-semibold")

                    @ui.refreshable
                    def statement() -> None:
                        text = state["loaded"]["statement"]
                        if text is None:
                            ui.label(state["loaded"]["statement_problem"] or "").classes("text-sm text-warning").mark(
                                "statement-problem"
                            )
                            if "custodian" in (state["loaded"]["statement_problem"] or ""):
                                ui.link("Set the custodian of records", "/compliance/custodian").classes("text-sm")
                            return
                        ui.textarea(value=text).props("readonly autogrow outlined").classes(
                            "w-full font-mono text-xs"
                        ).mark("statement-text")
                        with ui.row().classes("justify-end w-full"):
                            ui.button("Copy", icon="content_copy", on_click=lambda t=text: copy(t)).props(
                                "dense outline no-caps"
                            ).mark("statement-copy")

                    def copy(text: str) -> None:
                        ui.clipboard.write(text)
                        ui.notify("Statement copied.", type="positive")

                    statement()

        async def refresh() -> None:
            try:
                fresh = await run.io_bound(load_production, actor, vid)
            except ConsoleError as exc:
                report(exc)
                return
            if fresh is None:
                return
            state["loaded"] = fresh
            saved = fresh["production"]
            state["version"] = saved["version"] if saved else None
            if saved is not None:
                production_date.value = _iso(saved["production_date"])
                producer_notes.value = saved["producer_notes"]
                location_notes.value = saved["location_notes"]
            selects.clear()
            cast_table.refresh()
            verdict.refresh()
            statement.refresh()

    @staff_page("/compliance/custodian", title="Custodian of records", permission=Permission.COMPLIANCE_READ_LEGAL)
    def custodian_page(info: SessionInfo) -> None:
        actor = info.actor
        editable = can(actor, Permission.COMPLIANCE_EDIT)
        with session_scope() as session:
            current = get_custodian(session, actor=actor)
            stored = custodian_view(current) if current else dict.fromkeys(CUSTODIAN_LABELS, "")
            state: dict[str, Any] = {"version": current.version if current else None}
        compliance_links("/compliance/custodian")
        ui.label(
            "The custodian of records is named in every depiction's 2257 compliance statement (28 CFR 75.6), with "
            "the business address where the records are kept and the hours they are available for inspection."
        ).classes("text-sm opacity-80 max-w-3xl")
        if current is None:
            ui.label("No custodian is set: compliance statements cannot be issued until one is.").classes(
                "text-warning text-sm"
            ).mark("custodian-missing")
        with ui.card().classes("w-full max-w-2xl gap-2"):
            name = ui.input("Name", value=stored["name"]).props("dense").classes("w-full")
            name.mark("custodian-name")
            title = ui.input("Title", value=stored["title"]).props("dense").classes("w-full")
            title.mark("custodian-title")
            address = (
                ui.textarea("Business address", value=stored["business_address"])
                .props("dense autogrow")
                .classes("w-full")
                .mark("custodian-address")
            )
            hours = (
                ui.input("Hours when the records are available", value=stored["hours"])
                .props("dense")
                .classes("w-full")
                .mark("custodian-hours")
            )
            fields = {"name": name, "title": title, "business_address": address, "hours": hours}
            limit_lengths(fields, CUSTODIAN_LIMITS)
            if not editable:
                for element in fields.values():
                    element.props("readonly")
            summary = ui.label("").classes("text-negative text-sm").mark("custodian-summary")
            summary.visible = False
            conflict_box = ui.column().classes("w-full gap-1 p-2 rounded bg-amber-1 text-sm").mark("custodian-conflict")
            conflict_box.visible = False

            async def save() -> None:
                data = {key: element.value or "" for key, element in fields.items()}
                catcher = ConflictCatcher()

                def work(session: Session) -> int:
                    saved = set_custodian(session, actor=actor, data=data, expected_version=state["version"])
                    session.flush()
                    return saved.version

                ok, version = await call_service(catcher(work), fields=fields, summary=summary)
                if ok:
                    state["version"] = version
                    conflict_box.visible = False
                    ui.notify("Custodian saved.", type="positive")
                elif catcher.conflict is not None:
                    # Keep the input; the next save deliberately replaces what is stored now.
                    fresh = await run.io_bound(_custodian_version, actor)
                    state["version"] = fresh
                    show_conflict(conflict_box, catcher.conflict, data, CUSTODIAN_LABELS)

            if editable:
                with ui.row().classes("justify-end w-full"):
                    ui.button("Save", icon="save", on_click=save).props("unelevated color=primary no-caps").mark(
                        "custodian-save"
                    )


def _custodian_version(actor: Actor) -> int | None:
    with session_scope() as session:
        current = get_custodian(session, actor=actor)
        return current.version if current else None


def video_compliance_links(actor: Actor, video_id: int) -> None:
    """For the video editor: a link to the 2257 production (legal readers only) and a copy button for the
    compliance statement (any catalog role: the statement carries no legal data)."""

    async def copy() -> None:
        def work() -> str:
            with session_scope() as session:
                return compliance_statement(session, actor=actor, video_id=video_id)

        try:
            text = await run.io_bound(work)
        except ConsoleError as exc:
            report(exc)
            return
        if text is None:
            return
        ui.clipboard.write(text)
        ui.notify("Compliance statement copied.", type="positive")

    with ui.row().classes("items-center gap-3 text-sm").mark("video-compliance"):
        if can(actor, Permission.COMPLIANCE_READ_LEGAL):
            ui.link("2257 production", f"/compliance/productions/{int(video_id)}").mark("video-production-link")
        ui.button("Compliance statement", icon="content_copy", on_click=copy).props("flat dense no-caps size=sm").mark(
            "video-statement-copy"
        )
