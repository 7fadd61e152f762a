"""The line under the seasons page's heading: why the page is read only (deleted series, roles) or how to move
episodes, and "Unpublish all episodes" while any episode of the series is published or scheduled — the step
staff take before deleting a series (the delete is refused until then, see `bulk_actions`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui
from sqlalchemy.orm import Session

from console.actor import Actor
from console.catalog.page_parts import confirm_in
from console.catalog.service import unpublish_episodes
from console.staff.permissions import Permission, can

Act = Callable[[Callable[[Session, Actor], Any]], Awaitable[tuple[bool, Any]]]
LIVE = ("published", "scheduled")


def live_episodes(data: dict[str, Any]) -> int:
    """How many of the listed (not deleted) episodes are published or scheduled."""
    return sum(1 for season in data["seasons"] for e in season["episodes"] if e["state"] in LIVE)


class SeriesNotice:
    """The notices and the unpublish-all button; `data` reads the page's current copy of the series."""

    def __init__(
        self,
        actor: Actor,
        data: Callable[[], dict[str, Any]],
        *,
        editable: bool,
        host: ui.element,
        act: Act,
        reload: Callable[[], Awaitable[None]],
    ) -> None:
        self.actor, self.data, self.editable = actor, data, editable
        self.host, self.act, self.reload = host, act, reload

    def build(self) -> None:
        data = self.data()
        if data["deleted"]:
            ui.label("This series is deleted: restore it from the catalog list to change its seasons.").classes(
                "text-warning text-sm"
            ).mark("series-deleted")
        elif not self.editable:
            ui.label("Read only: your roles can view the catalog but not change it.").classes(
                "text-sm opacity-70"
            ).mark("series-read-only")
        elif data["seasons"]:
            ui.label("Move episodes with the arrows, or focus a row (Tab) and press Alt+↑ / Alt+↓.").classes(
                "text-xs opacity-70"
            )
        self.unpublish_all()

    @ui.refreshable_method
    def unpublish_all(self) -> None:
        data = self.data()
        live = live_episodes(data)
        if data["deleted"] or not live or not can(self.actor, Permission.CATALOG_PUBLISH):
            return
        with ui.row().classes("items-center gap-2"):
            ui.label(
                f"{live:,} episode{'s are' if live != 1 else ' is'} published or scheduled: "
                "the series can be deleted only once none is."
            ).classes("text-xs opacity-70").mark("series-live-episodes")
            ui.button("Unpublish all episodes", icon="public_off", on_click=self.confirm_unpublish_all).props(
                "dense flat no-caps color=negative"
            ).mark("series-unpublish-episodes")

    async def confirm_unpublish_all(self) -> None:
        data = self.data()
        live = live_episodes(data)
        if not await confirm_in(
            self.host,
            f"Unpublish all {live:,} live episodes of “{data['title']}”?",
            "They are taken off the platform now (state: unpublished), each with its own audit event; scheduled "
            "ones lose their time. The series itself is not changed. You can publish episodes again later.",
            ok_label="Unpublish all",
            danger=True,
        ):
            return
        series_id = int(data["id"])
        ok, done = await self.act(lambda s, a: unpublish_episodes(s, actor=a, series_id=series_id))
        if ok:
            ui.notify(f"Unpublished {len(done):,} episode{'' if len(done) == 1 else 's'}.", type="positive")
        await self.reload()  # the page's reload also redraws `unpublish_all`
