"""The other names card: stage, maiden, aliases, nicknames and previous legal names, each removable (a name entered
by mistake) after a confirmation, and the row that adds one."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from console.catalog.page_parts import confirm_in
from console.compliance import records
from console.compliance.models import NAME_KINDS
from console.compliance.record_pages.labels import _text
from console.compliance.record_pages.part import RecordPart
from console.ui.cards import list_card
from console.ui.date_field import date_field
from console.ui.forms import limit_length


class NamesCard(RecordPart):
    def build(self) -> None:
        list_card(
            "Other names (stage, maiden, aliases, nicknames, previous legal names)",
            self.rows,
            self.add_row if self.page.can_edit else None,
            gap="gap-1",
        )

    @ui.refreshable_method
    def rows(self) -> None:
        names = self.page.data["names"]
        if not names:
            ui.label("No other names recorded.").classes("text-sm opacity-70")
        for n in names:
            with ui.row().classes("items-center gap-2 w-full no-wrap").mark("record-name"):
                ui.label(n["name"]).classes("text-sm font-semibold truncate min-w-0")
                ui.badge(records.NAME_KIND_LABELS.get(n["kind"], n["kind"])).props("outline")
                if n["used_from"] or n["used_to"]:
                    used = " – ".join(_text(d) or "…" for d in (n["used_from"], n["used_to"]))
                    ui.label(f"used {used}").classes("text-xs opacity-70")
                ui.space()
                if self.page.can_edit:
                    ui.button(icon="close", on_click=lambda n=n: self.drop(n)).props(
                        "flat dense round size=sm color=negative aria-label=Remove"
                    ).mark(f"name-remove-{n['id']}")

    def add_row(self) -> None:
        with ui.row().classes("w-full items-start gap-2"):
            name = ui.input("Name").props("dense").classes("w-56").mark("name-new")
            limit_length(name, records.TEXT_LIMITS["name"])
            kinds = {k: records.NAME_KIND_LABELS[k] for k in NAME_KINDS}
            kind = ui.select(kinds, value="stage", label="Kind").props("dense options-dense").classes("w-44")
            used_from = date_field("Used from", mark="name-from")
            used_to = date_field("Used to", mark="name-to")
            self.fields: dict[str, Any] = {
                "name": name,
                "kind": kind.mark("name-kind"),
                "used_from": used_from,
                "used_to": used_to,
            }
            ui.button("Add name", icon="add", on_click=self.add).props("unelevated dense color=primary no-caps").mark(
                "name-add"
            )

    async def add(self) -> None:
        data = {key: field.value or "" for key, field in self.fields.items()}
        data["kind"] = self.fields["kind"].value
        await self.add_to_record(records.add_name, data, "Name added.", kept=("name", "used_from", "used_to"))

    async def drop(self, n: dict[str, Any]) -> None:
        label = records.NAME_KIND_LABELS.get(n["kind"], n["kind"]).lower()
        if not await confirm_in(
            self.page.dialog_host,
            f"Remove the {label} “{n['name']}”?",
            "Only for a name entered by mistake: the audit log keeps it as an amendment.",
            ok_label="Remove",
            danger=True,
        ):
            return
        await self.page.change(lambda s, a: records.remove_name(s, actor=a, name_id=int(n["id"])), "Name removed.")
