"""/insights: the range bar and one tab per area the actor may read. Read-only for everyone: no control here
changes data; the only writes are the audit events of CSV exports."""

from __future__ import annotations

from nicegui import ui

from console.actor import Actor
from console.db import utc_today
from console.insights.pages.range_bar import RangeBar, RangeState
from console.insights.pages.tab_view import TabView
from console.insights.pages.tabs import tabs_for
from console.insights.periods import preset
from console.ui.keymap import page_keys


class InsightsView:
    """The range bar above the tabs; a range change reloads every tab the actor can see."""

    def __init__(self, actor: Actor, *, tab: str | None = None) -> None:
        self.actor, self.tab = actor, tab
        self.state = RangeState(preset("30d", utc_today()), "30d")
        self.bar = RangeBar(self.state, self.reload)
        self.views = [TabView(actor, spec, self.state) for spec in tabs_for(actor)]
        self.round = 0

    def build(self) -> None:
        if not self.views:
            ui.label("None of the insights tabs is open to your roles.").mark("insights-none")
            return
        self.bar.build()
        with ui.tabs().classes("w-full").props("align=left no-caps").mark("insights-tabs") as tabs:
            for view in self.views:
                ui.tab(view.spec.key, view.spec.label).mark(f"insights-tabbtn-{view.spec.key}")
        keys = [view.spec.key for view in self.views]
        with ui.tab_panels(tabs, value=self.tab if self.tab in keys else keys[0]).classes("w-full"):
            for view in self.views:
                with ui.tab_panel(view.spec.key):
                    view.build()
        page_keys().add("r", "Reload the numbers", self.reload)
        ui.timer(0, self.reload, once=True)

    async def reload(self) -> None:
        """Load the tabs one after the other; a newer reload (the range changed meanwhile) takes over the rest."""
        self.round += 1
        mine = self.round
        self.bar.follow_today()
        for view in self.views:
            if mine != self.round:
                return
            await view.load()
