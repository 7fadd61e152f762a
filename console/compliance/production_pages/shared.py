"""What the other compliance pages and the video editor take from here: the row of compliance links, the record
status colours, and the editor's production link and statement copy button."""

from __future__ import annotations

from nicegui import run, ui

from console.actor import Actor
from console.compliance.productions import compliance_statement
from console.db import session_scope
from console.errors import ConsoleError
from console.staff.permissions import Permission, can
from console.ui.forms import report


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


def _statement(actor: Actor, video_id: int) -> str:
    with session_scope() as session:
        return compliance_statement(session, actor=actor, video_id=video_id)


def video_compliance_links(actor: Actor, video_id: int) -> None:
    """For the video editor: a link to the 2257 production (legal readers only) and a copy button for the
    compliance statement (any catalog role: the statement carries no legal data)."""

    async def copy() -> None:
        try:
            text = await run.io_bound(_statement, actor, video_id)
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
