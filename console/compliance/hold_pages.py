"""The worklist's holds tab: one hold's dialog (what caused it, links, "Release hold…") and the bulk bar that
releases the selected holds with one reason (a revoked record re-verified, or an emergency report on a series,
can leave dozens). Releasing needs `compliance.verify`; the service checks it again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from console.actor import Actor
from console.compliance import holds, records
from console.db import session_scope
from console.staff.permissions import Permission, can
from console.ui.bulk_bar import BulkBar
from console.ui.dialog_draft import draft_key, selection
from console.ui.dialogs import closed, deleted_on_close
from console.ui.formatting import plural
from console.ui.paged_table import PagedTable
from console.ui.reason_dialog import ReasonDialog

STAYS_UNPUBLISHED = "The video stays unpublished: content staff publish it again, and the publishing checks run then."
EACH_STAYS_UNPUBLISHED = (
    "Each video stays unpublished: content staff publish it again, and the publishing checks run then."
)


def reason_dialog(
    title: str, message: str, ok_label: str, host: ui.element, *, mark: str = "reason", draft: str | None = None
) -> ReasonDialog:
    """The release's confirmation: a reason is required, as long as a record's reasons may be."""
    return ReasonDialog(
        title, message, ok_label=ok_label, max_length=records.TEXT_LIMITS["reason"], host=host, mark=mark, draft=draft
    )


def release_hold(actor: Actor, hold_id: int, reason: str) -> None:
    with session_scope() as session:
        holds.release_hold(session, actor=actor, hold_id=hold_id, reason=reason)


class HoldDialog:
    """One hold: what caused it, links to the production and the record, and "Release hold…" (compliance.verify),
    which asks for a reason. Deleted once closed."""

    def __init__(self, actor: Actor, host: ui.element, row: dict[str, Any], on_released: Any) -> None:
        self.actor, self.host, self.row, self.on_released = actor, host, row, on_released

    def open(self) -> None:
        row = self.row
        with (
            self.host,
            deleted_on_close(ui.dialog()) as self.dialog,
            ui.card().classes("min-w-[460px] max-w-[90vw]").mark("hold-dialog"),
        ):
            ui.label(f"“{row['title']}” is on compliance hold").classes("text-lg font-semibold")
            ui.label(f"Since {row['created_at']} · {row['source']} · {row['reason']}").classes("text-sm")
            if row["performer_id"] is not None:
                ui.label(
                    f"Performer: {row['stage_name']} ({row['legal_name']}) · record {row['record_status']}"
                ).classes("text-sm")
            with ui.row().classes("gap-3"):
                ui.link("Open the production", f"/compliance/productions/{int(row['video_id'])}").mark(
                    "hold-production-link"
                )
                if row["performer_id"] is not None:
                    ui.link("Open the record", f"/compliance/records/{int(row['performer_id'])}").mark(
                        "hold-record-link"
                    )
            with ui.row().classes("justify-end w-full"):
                ui.button("Close", on_click=self.dialog.close).props("flat").mark("hold-close")
                if can(self.actor, Permission.COMPLIANCE_VERIFY):
                    ui.button("Release hold…", icon="lock_open", on_click=self.release).props(
                        "color=primary no-caps"
                    ).mark("hold-release")
        self.dialog.open()

    async def release(self) -> None:
        with closed(self.dialog):  # the hold's dialog goes; the reason dialog and the toast live on the page
            title, hold_id = self.row["title"], int(self.row["hold_id"])
            ask = reason_dialog(
                f"Release the hold on “{title}”?",
                STAYS_UNPUBLISHED,
                "Release hold",
                self.host,
                draft=draft_key(self.actor, "hold-release", hold_id),
            )

            async def act(reason: str) -> bool:
                ok, _ = await ask.attempt(lambda: release_hold(self.actor, hold_id, reason))
                return ok

            if await ask.ask(act):
                ui.notify(f"Hold on “{title}” released.", type="positive")
                await self.on_released()


def release_holds(actor: Actor, hold_ids: list[int], reason: str) -> list[int]:
    with session_scope() as session:
        return holds.release_holds(session, actor=actor, hold_ids=hold_ids, reason=reason)


class HoldsRelease:
    """The bulk bar over the holds table: "N holds selected", "Release selected…" (one reason for all)."""

    def __init__(self, actor: Actor, host: ui.element, on_released: Callable[[], Awaitable[None]]) -> None:
        self.actor, self.host, self.on_released = actor, host, on_released
        self.bar = BulkBar(allowed=True, mark="holds", actions=self.buttons, noun="hold")

    def attach(self, table: PagedTable) -> None:
        self.bar.attach(table)

    def buttons(self) -> None:
        ui.button("Release selected…", icon="lock_open", on_click=self.release).props("dense flat no-caps").mark(
            "holds-release"
        )

    async def release(self) -> None:
        chosen = self.bar.selected
        ids = [int(r["hold_id"]) for r in chosen]
        if not ids:
            return
        title = f"Release {plural(len(ids), 'hold')}?"
        ask = reason_dialog(
            title,
            EACH_STAYS_UNPUBLISHED,
            "Release holds",
            self.host,
            mark="holds-reason",
            draft=draft_key(self.actor, "holds-release", selection(ids)),
        )
        released: list[int] = []

        async def act(reason: str) -> bool:
            ok, done = await ask.attempt(lambda: release_holds(self.actor, ids, reason))
            released.extend(done or [])
            return ok

        if await ask.ask(act):
            skipped = len(ids) - len(released)
            note = f" ({plural(skipped, 'hold')} had been released meanwhile)" if skipped else ""
            ui.notify(f"{plural(len(released), 'hold')} released{note}.", type="positive")
            self.bar.clear()
            await self.on_released()
