"""My account's time zone: a select over the zone database with search-as-you-type; times stay stored in UTC."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from nicegui import run, ui

from console.db import session_scope, utcnow
from console.staff.auth import SessionInfo
from console.staff.preferences import set_time_zone, time_zone_names
from console.ui.formatting import bind_client_zone, fmt_dt, zone_named
from console.ui.forms import guarded, select
from console.ui.session import require_live_session


class TimeZoneSetting:
    """The zone the staff member reads times in: choose or type a name ("berlin" narrows the list), Save."""

    def __init__(self, info: SessionInfo, on_saved: Callable[[], None] | None = None) -> None:
        self.info, self.on_saved = info, on_saved  # on_saved: the page's own times, shown again in the new zone
        self.saved = info.time_zone

    def build(self) -> None:
        ui.label("Time zone").classes("font-semibold mt-2")
        ui.label("Times are stored in UTC and shown to you in this zone, with the zone named.").classes(
            "text-xs opacity-70"
        )
        with ui.row().classes("items-start gap-2 w-full"):
            # new_value_mode: a typed name ("europe/berlin") is sent as it is; the service checks it. Enter with one
            # zone left by what was typed picks it (forms.select): "berl" is Europe/Berlin, not "berl"
            self.select = select(
                list(time_zone_names()),
                value=self.saved,
                with_input=True,
                new_value_mode="add-unique",
                props='label="Time zone" hide-bottom-space input-debounce=0',
                classes="min-w-[280px] grow",
            ).mark("account-time-zone")
            ui.button("Save time zone", on_click=self.save).props("unelevated color=primary").mark(
                "account-time-zone-save"
            )
        self.now_label = ui.label("").classes("text-xs opacity-70").mark("account-time-zone-now")
        self.show_now()

    def show_now(self, now: datetime | None = None) -> None:
        moment = now or utcnow()
        local = fmt_dt(moment, zone_named(self.saved))
        utc = fmt_dt(moment, zone_named("UTC"))
        self.now_label.text = f"It is now {local}" + ("." if local == utc else f" ({utc}).")

    async def save(self) -> None:
        if require_live_session() is None:
            return
        chosen = self.select.value if isinstance(self.select.value, str) else ""

        def work() -> str:
            with session_scope() as session:
                return set_time_zone(session, actor=self.info.actor, time_zone=chosen).time_zone

        ok, name = await guarded(lambda: run.io_bound(work), fields={"time_zone": self.select})
        if not ok or not name:
            return
        self.saved = name
        if self.select.value != name:  # typed in another case: show the zone database's spelling
            self.select.value = name
        bind_client_zone(name)
        self.show_now()
        if self.on_saved is not None:
            self.on_saved()
        ui.notify(f"Times are now shown in {name}.", type="positive")
