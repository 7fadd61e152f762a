"""The "New performer" dialog: name, a slug that follows the name until it is edited, bio, active. A refused
create keeps the dialog open with the input (messages on the fields); a created performer opens on its profile.
The dialog is deleted when it closes."""

from __future__ import annotations

from nicegui import ui

from console.actor import Actor
from console.catalog.performers import TEXT_LIMITS, create_performer
from console.catalog.rules import slugify
from console.ui.dialogs import closed, keyboard_ready, one_at_a_time
from console.ui.forms import limit_lengths
from console.ui.work import call


class NewPerformerDialog:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.auto_slug = True  # the slug follows the name until it is edited
        self.submit = one_at_a_time(self.save)

    def open(self) -> ui.dialog:
        with ui.dialog() as self.dialog, ui.card().classes("w-[480px] max-w-full gap-2"):
            ui.label("New performer").classes("text-lg font-semibold")
            self.fields()
            self.summary = ui.label("").classes("text-negative text-sm")
            self.summary.visible = False
            with ui.row().classes("justify-end w-full"):
                ui.button("Cancel", on_click=self.dialog.close).props("flat")
                ui.button("Create", on_click=self.submit).props("unelevated color=primary").mark("new-performer-save")
        self.dialog.on_value_change(lambda e: None if e.value else self.dialog.delete())  # no closed dialogs pile up
        self.dialog.open()
        return self.dialog

    def fields(self) -> None:
        self.name = ui.input("Name").props("dense").classes("w-full").mark("new-performer-name")
        self.slug = (
            ui.input("Slug")
            .props('dense hint="a-z, 0-9 and hyphens; filled in from the name until you edit it"')
            .classes("w-full font-mono")
            .mark("new-performer-slug")
        )
        self.name.on_value_change(self.name_changed)
        self.slug.on_value_change(self.slug_changed)
        self.bio = ui.textarea("Bio").props("dense autogrow").classes("w-full").mark("new-performer-bio")
        limit_lengths({"name": self.name, "slug": self.slug, "bio": self.bio}, TEXT_LIMITS)
        self.active = ui.switch("Active", value=True).mark("new-performer-active")
        keyboard_ready((self.name, self.slug, self.bio), self.submit)

    def name_changed(self) -> None:
        if self.auto_slug:
            self.slug.value = slugify(self.name.value or "", TEXT_LIMITS["slug"])

    def slug_changed(self) -> None:
        self.auto_slug = (self.slug.value or "") == slugify(self.name.value or "", TEXT_LIMITS["slug"])

    async def save(self) -> None:
        data = {
            "name": self.name.value or "",
            "slug": "" if self.auto_slug else self.slug.value or "",  # "": the service makes a free one
            "bio": self.bio.value or "",
            "is_active": self.active.value,
        }
        ok, new_id = await call(
            lambda s: create_performer(s, actor=self.actor, data=data).id,
            fields={"name": self.name, "slug": self.slug, "bio": self.bio},
            summary=self.summary,
        )
        if ok and new_id is not None:
            with closed(self.dialog):
                ui.notify("Performer created.", type="positive")
                ui.navigate.to(f"/performers/{int(new_id)}")
