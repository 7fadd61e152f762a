"""Publishing from the editor: Publish, Schedule… and Unpublish act on the saved version (unsaved input must be
saved first); each is one service call, and a refusal by the publishing gate lists its reasons in a dialog."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from nicegui import run, ui
from sqlalchemy.orm import Session

from console.actor import Actor
from console.catalog.editor.store import snapshot
from console.catalog.models import Video
from console.catalog.rules import SCHEDULE_AHEAD_MAX
from console.catalog.service import PublishRefused, publish, schedule, unpublish
from console.db import session_scope
from console.errors import ConsoleError
from console.ui.dialogs import deleted_on_close
from console.ui.formatting import fmt_dt
from console.ui.forms import confirm, report
from console.ui.session import require_live_session
from console.ui.when_input import WhenInput

if TYPE_CHECKING:
    from console.catalog.editor.view import EditorView

SERIES_EPISODES_STAY = (
    "\nIts published and scheduled episodes stay on the platform: take them off with “Unpublish all episodes” on the"
    " Seasons & episodes page."
)
Change = Callable[[Session, Actor, int, int | None], Video]  # (session, actor, video id, expected version) -> video


def show_refusal(video_title: str, reasons: list[str]) -> None:
    """The publishing gate said no: what to fix first."""
    with (
        deleted_on_close(ui.dialog()) as dialog,
        ui.card().classes("min-w-[420px] max-w-[90vw]").mark("publish-refused"),
    ):
        ui.label(f"“{video_title}” cannot be published yet").classes("text-lg font-semibold break-words")
        ui.label("Fix these first:").classes("text-sm")
        with ui.column().classes("gap-0 pl-2"):
            for reason in reasons:
                ui.label(f"• {reason}").classes("text-sm").mark("publish-reason")
        ui.button("Close", on_click=dialog.close).props("flat")
    dialog.open()


async def ask_when() -> datetime | None:
    """The schedule dialog: a future date and time in the staff member's zone (as UTC), or None when cancelled."""
    with ui.dialog() as dialog, ui.card().classes("min-w-[360px]").mark("schedule-dialog"):
        ui.label("Publish at").classes("text-lg font-semibold")
        when_input = WhenInput("schedule", max_ahead=SCHEDULE_AHEAD_MAX)

        def done() -> None:
            when = when_input.read()
            if when is not None:
                dialog.submit(when)

        with ui.row().classes("justify-end w-full"):
            ui.button("Cancel", on_click=lambda: dialog.submit(None)).props("flat")
            ui.button("Schedule", on_click=done).props("color=primary").mark("schedule-ok")
    when = await dialog
    if not dialog.is_deleted:
        dialog.delete()
    return when if isinstance(when, datetime) else None


class Publishing:
    """The handlers behind the header's Publish, Schedule… and Unpublish buttons."""

    def __init__(self, page: EditorView) -> None:
        self.page = page

    @property
    def title(self) -> str:
        return str(self.page.view["title"])

    def unsaved_first(self) -> bool:
        if self.page.editable and self.page.dirty():
            ui.notify("Save your changes first: publishing works on the saved version.", type="warning")
            return True
        return False

    async def publish(self) -> None:
        if self.unsaved_first() or not await confirm(
            f"Publish “{self.title}” now?",
            "It becomes public on the platform now. The publishing checks run first; anything missing is listed.",
            ok_label="Publish",
        ):
            return
        await self.run("Published.", lambda s, a, i, v: publish(s, actor=a, video_id=i, expected_version=v))

    async def unpublish(self) -> None:
        effect = "It is taken off the platform now (state: unpublished). You can publish it again later."
        if self.page.view["kind"] == "series":
            effect += SERIES_EPISODES_STAY
        if self.unsaved_first() or not await confirm(
            f"Unpublish “{self.title}”?", effect, ok_label="Unpublish", danger=True
        ):
            return
        await self.run("Unpublished.", lambda s, a, i, v: unpublish(s, actor=a, video_id=i, expected_version=v))

    async def schedule(self) -> None:
        if self.unsaved_first():
            return
        when = await ask_when()
        if when is None:
            return
        await self.run(
            f"Scheduled for {fmt_dt(when)}.",
            lambda s, a, i, v: schedule(s, actor=a, video_id=i, publish_at=when, expected_version=v),
        )

    async def run(self, done: str, change: Change) -> None:
        """One publishing service call against the saved version; the page shows the result."""
        live = require_live_session()
        video_id, version = self.page.video_id, self.page.version
        if live is None or self.page.busy or video_id is None:  # the buttons are shown for a stored video only
            return

        def work() -> dict[str, Any]:
            with session_scope() as session:
                return snapshot(session, live.actor, change(session, live.actor, video_id, version))

        self.page.busy = True
        try:
            snap = await run.io_bound(work)
        except PublishRefused as exc:
            show_refusal(self.title, exc.reasons)
            return
        except ConsoleError as exc:
            report(exc)
            return
        finally:
            self.page.busy = False
        if snap is not None:
            self.page.fill(snap)
            ui.notify(done, type="positive")
