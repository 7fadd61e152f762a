"""/billing: tabs for payments, refunds, the refunds awaiting my approval and creator payouts, under the
"sandbox" label while no Stripe key is configured. Keys: 1 to 4 switch tabs, s searches payments, r reloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from nicegui import ui
from starlette.requests import Request

from console.actor import Actor
from console.billing.pages.common import sandbox_label
from console.billing.pages.payments_tab import PaymentsTab
from console.billing.pages.payouts_tab import PayoutsTab
from console.billing.pages.refunds_tab import RefundsTab
from console.staff.permissions import Permission, can
from console.ui.filter_bar import replace_address
from console.ui.keymap import page_keys

TABS = {"payments": "Payments", "refunds": "Refunds", "approvals": "Awaiting my approval", "payouts": "Payouts"}


class BillingView:
    """The tabs; the open one is built by its own class (payments_tab, refunds_tab, payouts_tab)."""

    def __init__(self, actor: Actor, params: dict[str, str]) -> None:
        self.actor, self.params = actor, params
        self.tabs = dict(TABS)
        if not can(actor, Permission.BILLING_APPROVE):
            del self.tabs["approvals"]
        wanted = params.get("tab") or "payments"
        self.tab = wanted if wanted in self.tabs else "payments"
        self.part: PaymentsTab | RefundsTab | PayoutsTab | None = None

    def build(self) -> None:
        self.host = ui.element("div")  # dialogs live here, outside the parts that refresh
        with ui.row().classes("w-full items-center gap-3"):
            sandbox_label()
            ui.space()
            if not can(self.actor, Permission.BILLING_REFUND):
                ui.label("Read-only: your roles can see billing, not change it.").classes("text-sm opacity-70").mark(
                    "billing-read-only"
                )
            ui.label("Press ? for the keys").classes("text-xs opacity-60")
        self.tab_bar = ui.tabs(value=cast(Any, self.tab), on_change=lambda e: self.switch(str(e.value)))
        with self.tab_bar.classes("w-full").props("align=left dense no-caps").mark("billing-tabs"):
            for key, label in self.tabs.items():
                ui.tab(key, label=label).mark(f"billing-tab-{key}")
        self.body()
        self.register_keys()

    def register_keys(self) -> None:
        keys = page_keys()
        for digit, key in enumerate(self.tabs, start=1):
            keys.add(str(digit), f"Show {self.tabs[key]}", self._switcher(key))
        keys.add_moves(self.move, down="Next row: highlight it and show it beside the list", up="Previous row")
        keys.add("s", "Search payments (member e-mail or Stripe id)", self.focus_search)
        keys.add("r", "Reload the list", self.reload)

    def _switcher(self, tab: str) -> Callable[[], None]:
        return lambda: self.switch(tab)

    @ui.refreshable_method
    def body(self) -> None:
        if self.tab == "payments":
            self.part = PaymentsTab(self)
        elif self.tab == "payouts":
            self.part = PayoutsTab(self)
        else:
            self.part = RefundsTab(self, mine=self.tab == "approvals")
        self.part.build()

    def switch(self, tab: str) -> None:
        if tab not in self.tabs or tab == self.tab:
            return
        self.tab = tab
        self.params = {}  # the address's filters were for the tab it opened on
        self.remember({})
        self.tab_bar.value = tab
        self.body.refresh()

    def remember(self, filters: dict[str, Any]) -> None:
        """The open tab and its applied filters in the address, as the moderation queue keeps its own: Back from a
        member, "← Billing" and a reload come back to the list as it was."""
        replace_address({"tab": None if self.tab == "payments" else self.tab, **filters})

    def focus_search(self) -> None:
        self.switch("payments")
        if isinstance(self.part, PaymentsTab):
            self.part.focus_search()

    async def reload(self) -> None:
        if self.part is not None:
            await self.part.reload()

    def move(self, step: int) -> None:
        if self.part is not None:
            self.part.move(step)


def billing_route(actor: Actor) -> None:
    request: Request = ui.context.client.request
    BillingView(actor, dict(request.query_params)).build()
