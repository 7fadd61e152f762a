"""/ads/blocklist: the click-URL domains the pre-checks refuse (a hard check), searched on the server, with Add
(a domain and a reason) and Remove… (a reason) for reviewers. Both are audited by the service."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from console.actor import Actor
from console.ads.pages.common import ListLook, ListTable
from console.ads.service import blocklist
from console.staff.permissions import Permission, can
from console.ui.dialog_draft import draft_key
from console.ui.formatting import fmt_dt
from console.ui.forms import limit_length
from console.ui.paged_table import column
from console.ui.reason_dialog import ReasonDialog
from console.ui.work import call, unit_of_work

COLUMNS = [
    column("domain", "Domain"),
    column("reason", "Why"),
    column("created", "Added"),
    column("remove", ""),
]
LIMIT = 500
LOOK = ListLook("blocklist", "No blocked domains")
# The domain and reason are the staff's text: interpolated ({{ }}) by Vue as text, never markup.
REMOVE_CELL = """<q-td :props="props"><q-btn dense flat no-caps color="negative" label="Remove…"
  @click.stop="() => $parent.$emit('remove', props.row)" /></q-td>"""


class BlocklistView:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.can_edit = can(actor, Permission.ADS_REVIEW)

    def build(self) -> None:
        self.host = ui.element("div")
        with ui.row().classes("items-center gap-3 w-full"):
            ui.link("← Review queue", "/ads").classes("text-sm")
            ui.label("Ads whose click URL is on one of these domains (or a subdomain) fail a hard check.").classes(
                "text-sm opacity-80"
            )
        if self.can_edit:
            self.add_bar()
        with ui.row().classes("items-end gap-2"):
            self.search = ui.input("Search domains").props("dense clearable").classes("w-64").mark("blocklist-search")
            self.search.on("keydown.enter", self.load)
            self.search.on("clear", self.load)
        self.list = ListTable(COLUMNS if self.can_edit else COLUMNS[:-1], LOOK, limit=LIMIT, fill=self.load)
        if self.can_edit:
            self.list.table.add_slot("body-cell-remove", REMOVE_CELL)
            self.list.table.on("remove", lambda e: self.remove(e.args))

    def add_bar(self) -> None:
        with ui.row().classes("items-start gap-2 w-full").mark("blocklist-add"):
            self.domain = (
                ui.input("Domain (example.com)").props("dense outlined").classes("w-64").mark("blocklist-domain")
            )
            self.reason = ui.input("Reason (kept in the audit log)").props("dense outlined").classes("grow")
            self.reason.mark("blocklist-reason")
            limit_length(self.reason, 1000, "Reason")
            ui.button("Add", icon="block", on_click=self.add).props("unelevated no-caps").mark("blocklist-add-go")
            self.domain.on("keydown.enter", self.add)

    async def load(self) -> None:
        text = (self.search.value or "").strip()[:253] or None
        ok, found = await call(lambda s: blocklist.list_domains(s, actor=self.actor, search=text, limit=LIMIT))
        if ok and found is not None:
            self.list.show(
                [{"id": d.id, "domain": d.domain, "reason": d.reason, "created": fmt_dt(d.created_at)} for d in found]
            )

    async def add(self) -> None:
        domain, reason = (self.domain.value or "").strip(), (self.reason.value or "").strip()
        ok, _ = await call(
            lambda s: blocklist.add_domain(s, actor=self.actor, domain=domain, reason=reason),
            fields={"domain": self.domain, "reason": self.reason},
        )
        if ok:
            ui.notify(f"{domain} is blocked.", type="positive")
            self.domain.value, self.reason.value = "", ""
            await self.load()

    async def remove(self, row: dict[str, Any]) -> None:
        block_id, domain = int(row["id"]), str(row["domain"])
        dialog = ReasonDialog(
            f"Remove {domain} from the blocklist?",
            "Ads clicking through to it pass this check again when they are next checked.",
            ok_label="Remove",
            danger=True,
            host=self.host,
            mark="blocklist-remove",
            draft=draft_key(self.actor, "blocklist-remove", block_id),
        )

        async def confirmed(reason: str) -> bool:
            ok, _ = await dialog.attempt(
                unit_of_work(lambda s: blocklist.remove_domain(s, actor=self.actor, domain_id=block_id, reason=reason))
            )
            return ok

        if await dialog.ask(confirmed, done=f"{domain} is no longer blocked."):
            await self.load()


def blocklist_route(actor: Actor) -> None:
    BlocklistView(actor).build()
