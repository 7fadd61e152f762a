"""/compliance/records/{performer_id}: one performer's 2257 legal record.

The route only wires: it reads the record (one audited view), draws the line back to the worklist and hands the
rest to `view.RecordView`, or to `identity.CreateRecordCard` when the performer has no record yet. The parts, one
card each: `identity` (legal name and date of birth: inline errors, stale saves shown and input kept, a warning
before a verified record's legal facts change, drafts kept on the server), `names` (other names), `documents`
(examined IDs with encrypted scans, uploads checked by content, "Correct…"), `viewer` (the in-page viewer fed by
single-use addresses, scan_route), `verification` (submission, second-person verification with the checklist,
rejection, revocation) and `history` (the amendment history). `labels` holds the words and pure helpers, `data`
the snapshot and the service wrappers.

Every read of the record goes through `records.view_record`, which audits it; every change goes through the
records service in its own unit of work. Nothing here builds a query, and all user text is rendered as text.
"""

from __future__ import annotations

from nicegui import run, ui

from console.compliance.record_pages.data import load, load_first, reason_dialog, run_service, snapshot
from console.compliance.record_pages.identity import CreateRecordCard, identity_form
from console.compliance.record_pages.labels import (
    ACTION_LABELS,
    FIELD_LABELS,
    FORM_FIELDS,
    HISTORY_LABELS,
    change_summary,
    facts_differ,
    history_rows,
    identity_values,
    legal_name_of,
    size_text,
)
from console.compliance.record_pages.view import RecordView
from console.compliance.status_look import STATUS_COLOURS
from console.errors import NotFound
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission, can
from console.ui.formatting import in_viewer_zone, plural
from console.ui.page import staff_page

__all__ = [
    "ACTION_LABELS",
    "FIELD_LABELS",
    "FORM_FIELDS",
    "HISTORY_LABELS",
    "STATUS_COLOURS",
    "CreateRecordCard",
    "RecordView",
    "build",
    "change_summary",
    "facts_differ",
    "history_rows",
    "identity_form",
    "identity_values",
    "legal_name_of",
    "load",
    "plural",
    "reason_dialog",
    "register",
    "run_service",
    "size_text",
    "snapshot",
]


async def build(info: SessionInfo, performer_id: int) -> None:
    """The record editor's body: the performer line, then the record (or the form that creates it). The audited
    read runs in a worker thread; the form stays in the first answer (typing before the socket is kept)."""
    actor = info.actor
    loaded = await run.io_bound(in_viewer_zone(load_first), actor, performer_id)  # the holds: once it shows
    if loaded is None:  # shutting down
        return
    performer = loaded["performer"]
    with ui.row().classes("items-center gap-2 w-full"):
        ui.link("← Compliance worklist", "/compliance").classes("text-sm")
        ui.label("·").classes("opacity-50")
        ui.label("Performer:").classes("text-sm opacity-70")
        ui.link(performer["name"], f"/performers/{performer_id}").classes("text-sm font-semibold").mark(
            "record-performer"
        )
        if performer["deleted"]:
            ui.badge("performer deleted").props("color=grey-7")
    dialog_host = ui.element("div")  # dialogs live here, outside the parts that refresh
    if loaded["record"] is None:
        CreateRecordCard(actor, performer_id, performer["name"], can(actor, Permission.COMPLIANCE_EDIT)).build()
        return
    RecordView(actor, performer_id, loaded, dialog_host).build()


def register() -> None:
    @staff_page("/compliance/records/{performer_id}", title="2257 record", permission=Permission.COMPLIANCE_READ_LEGAL)
    async def record_page(info: SessionInfo, performer_id: str) -> None:
        # A str parameter: a non-numeric address gets the in-frame 404, not FastAPI's JSON 422.
        if not (performer_id.isascii() and performer_id.isdigit()) or len(performer_id) > 18:
            raise NotFound(f"There is no performer #{performer_id[:40]}.")
        await build(info, int(performer_id))
