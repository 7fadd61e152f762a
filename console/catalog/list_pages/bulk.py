"""Bulk actions on the selected videos: the bar (shown while rows are selected), the dialog that asks for an action's
value (a time, a collection, an access level), the confirmation saying how many rows and what changes, one
`service.bulk()` call, and the result: what changed, what was already so, every refused row with its reason.
The bar and the result dialog are the shared ones of `console/ui/bulk_bar.py`; every dialog lives in the page's host
element and is deleted once closed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from nicegui import ui

from console.actor import Actor
from console.catalog.list_pages.rows import collection_options
from console.catalog.models import ACCESS_LEVELS
from console.catalog.rules import SCHEDULE_AHEAD_MAX
from console.catalog.service import BULK_MAX, BulkResult, bulk
from console.staff.permissions import Permission, can
from console.ui.bulk_bar import BulkBar, Tally, show_bulk_results
from console.ui.formatting import fmt_dt, plural
from console.ui.forms import confirm
from console.ui.paged_table import column, id_column
from console.ui.searched_select import SearchedSelect
from console.ui.session import require_live_session
from console.ui.when_input import WhenInput
from console.ui.work import call

# action -> (button label, icon, permission)
BULK_BUTTONS: list[tuple[str, str, str, Permission]] = [
    ("publish", "Publish", "public", Permission.CATALOG_PUBLISH),
    ("unpublish", "Unpublish", "public_off", Permission.CATALOG_PUBLISH),
    ("schedule", "Schedule…", "schedule", Permission.CATALOG_PUBLISH),
    ("move", "Move…", "drive_file_move", Permission.CATALOG_EDIT),  # the dialog asks which collection
    ("access_level", "Access…", "lock", Permission.CATALOG_EDIT),  # the dialog asks which level
    ("feature", "Feature", "star", Permission.CATALOG_EDIT),
    ("unfeature", "Unfeature", "star_border", Permission.CATALOG_EDIT),
    ("delete", "Delete", "delete", Permission.CATALOG_EDIT),
    ("restore", "Restore", "restore_from_trash", Permission.CATALOG_EDIT),
]
HOVER = {"move": "Move to a collection", "access_level": "Change the access level"}  # the browser's own hover text
NEEDS_VALUE = ("schedule", "move", "access_level")
DANGER = ("delete", "unpublish")
REST = "\nRows already in that state are left alone; refused rows are listed with the reason afterwards."
CHANGES: dict[str, tuple[str, str, str]] = {  # action -> (question, what changes, button); {n}, {value} filled in
    "publish": (
        "Publish {n} now?",
        "Each one becomes public on the platform now, if it passes the publishing checks "
        "(media, collection, performers, records).",
        "Publish",
    ),
    "unpublish": (
        "Unpublish {n}?",
        "Each published or scheduled one is taken off the platform (state: unpublished).",
        "Unpublish",
    ),
    "schedule": (
        "Schedule {n}?",
        "Each one goes public at {value}, if it passes the publishing checks (checked now and again at that time).",
        "Schedule",
    ),
    "move": ("Move {n}?", "Each one moves to the collection “{value}”.", "Move"),
    "access_level": ("Change access of {n}?", "The access level of each one becomes {value}.", "Change"),
    "feature": ("Feature {n}?", "Each one is marked as featured.", "Feature"),
    "unfeature": ("Unfeature {n}?", "None of them stays featured.", "Unfeature"),
    "delete": (
        "Delete {n}?",
        "Each one is removed from the catalog and the platform (soft delete: published ones are "
        "unpublished). “Include deleted” and Restore bring them back.",
        "Delete",
    ),
    "restore": ("Restore {n}?", "Each deleted one comes back into the catalog (unpublished).", "Restore"),
}


def describe(action: str, n: int, shown_value: str = "") -> tuple[str, str, str]:
    """(question, what will change, button label) for the confirmation."""
    question, change, ok_label = CHANGES[action]
    them = plural(n, "video")
    return question.format(n=them), f"Selected: {them}.\n{change.format(value=shown_value)}{REST}", ok_label


def shown(action: str, value: Any, label: str) -> str:
    """The chosen value as the confirmation says it."""
    if action == "schedule" and isinstance(value, datetime):
        return fmt_dt(value)  # the staff member's zone, named
    return label or str(value)


class BulkValueDialog:
    """Asks for the value a schedule, move or access-level action needs; `ask()` gives (value, label) or None."""

    def __init__(self, actor: Actor, action: str) -> None:
        self.actor, self.action = actor, action

    async def ask(self) -> tuple[Any, str] | None:
        with ui.dialog() as self.dialog, ui.card().classes("min-w-[360px]").mark("bulk-value"):
            self.fields()
            with ui.row().classes("justify-end w-full"):
                ui.button("Cancel", on_click=lambda: self.dialog.submit(None)).props("flat")
                ui.button("Continue", on_click=self.done).props("color=primary").mark("bulk-value-ok")
        try:
            if self.action == "move":
                await self.field.search("")  # the first collections, offered when the list opens
                if not self.field.options:
                    ui.notify("There are no collections yet.", type="warning")
                    return None
            answer: tuple[Any, str] | None = await self.dialog
            return answer
        finally:
            if not self.dialog.is_deleted:
                self.dialog.delete()

    def fields(self) -> None:
        if self.action == "schedule":
            ui.label("Publish at").classes("text-lg font-semibold")
            self.when = WhenInput("bulk", max_ahead=SCHEDULE_AHEAD_MAX)
        elif self.action == "move":
            ui.label("Move to collection").classes("text-lg font-semibold")
            self.field: Any = SearchedSelect(lambda text: collection_options(self.actor, text), label="Collection")
            self.field.props("dense options-dense").classes("w-full").mark("bulk-collection")
        else:
            ui.label("Set access level").classes("text-lg font-semibold")
            self.field = ui.select(list(ACCESS_LEVELS), label="Access level").props("dense").mark("bulk-access")

    def done(self) -> None:
        if self.action == "schedule":
            when = self.when.read()
            if when is not None:
                self.dialog.submit((when, ""))
        elif self.field.value is None:
            self.field.error = "Choose one"
        else:
            options = self.field.options
            label = str(options.get(self.field.value, "")) if isinstance(options, dict) else ""
            self.dialog.submit((self.field.value, label))


def show_result(what: str, result: BulkResult, titles: dict[int, str], *, host: ui.element) -> None:
    """What the bulk action did: counts, and every refused row with the reason (deleted when closed)."""
    show_bulk_results(
        f"{what}: done",
        [
            id_column(),
            column("title", "Title"),
            column("reason", "Why"),
        ],
        [{"id": i, "title": titles.get(i, f"#{i}"), "reason": why} for i, why in sorted(result.refused.items())],
        row_key="id",
        host=host,
        mark="bulk-result",
        tallies=[
            Tally("Changed", len(result.changed), "bulk-changed", "positive"),
            Tally("Unchanged (already so)", len(result.unchanged), "bulk-unchanged"),
            Tally("Refused", len(result.refused), "bulk-refused-count", "negative"),
        ],
        caption="Refused rows were left as they were:",
        table_mark="bulk-refused",
    )


class CatalogBulk:
    """The catalog's actions on the shared bulk bar (`ui.bulk_bar`): one button per action the staff member may
    take; each asks for its value and a confirmation, runs one `bulk()` call and shows what it did."""

    def __init__(self, actor: Actor, host: ui.element, on_done: Callable[[], Awaitable[None]]) -> None:
        self.actor, self.host, self.on_done = actor, host, on_done
        self.allowed = [b for b in BULK_BUTTONS if can(actor, b[3])]
        self.bar = BulkBar(allowed=bool(self.allowed), mark="bulk", actions=self.buttons, noun="video")

    def buttons(self) -> None:
        for action, label, icon, _perm in self.allowed:
            button = ui.button(label, icon=icon, on_click=lambda a=action: self.start(a)).props(
                f"dense flat no-caps {'color=negative' if action == 'delete' else ''}"
            )
            if action in HOVER:
                button.props(f'title="{HOVER[action]}"')
            button.mark(f"bulk-{action}")

    async def start(self, action: str) -> None:
        """Check the selection, ask for the value and the confirmation, then run the action."""
        selected = self.bar.selected
        ids = [int(r["id"]) for r in selected]
        if not ids:
            ui.notify("Select at least one video first.", type="warning")
            return
        if len(ids) > BULK_MAX:
            ui.notify(f"At most {BULK_MAX:,} videos at a time.", type="warning")
            return
        value, label = None, ""
        if action in NEEDS_VALUE:
            with self.host:
                answer = await BulkValueDialog(self.actor, action).ask()
            if answer is None:
                return
            value, label = answer
        question, message, ok_label = describe(action, len(ids), shown(action, value, label))
        with self.host:
            if not await confirm(question, message, ok_label=ok_label, danger=action in DANGER):
                return
        await self.run(action, ids, value, question, ok_label, {int(r["id"]): str(r["title"]) for r in selected})

    async def run(
        self, action: str, ids: list[int], value: Any, question: str, what: str, titles: dict[int, str]
    ) -> None:
        """One service call (`bulk`) in its own unit of work, the bar saying what runs, then the result and the
        table again."""
        live = require_live_session()
        if live is None:
            return
        with self.bar.working(f"{question.rstrip('?')} …"):
            ok, result = await call(lambda s: bulk(s, actor=live.actor, action=action, video_ids=ids, value=value))
        if not ok or result is None:
            return
        show_result(what, result, titles, host=self.host)
        self.bar.clear()
        await self.on_done()
