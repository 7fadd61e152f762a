"""The photo gallery card: the photos with their type and primary badge, "Make primary" and remove per photo, and
a row that adds a photo by its https:// address. A photo change can change the profile photo, so it redraws the
gallery and the page's header."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import ui

from console.catalog.models import PHOTO_TYPES
from console.catalog.page_parts import confirm_in
from console.catalog.performer_pages.rows import PHOTO_TYPE_LABELS, https_only
from console.catalog.performers import TEXT_LIMITS, add_photo, remove_photo, set_primary_photo
from console.ui.cards import list_card
from console.ui.form_state import clear_sent
from console.ui.forms import limit_length
from console.ui.view_part import ViewPart

if TYPE_CHECKING:
    from console.catalog.performer_pages.profile import PerformerProfileView


class PhotoGallery(ViewPart):
    page: PerformerProfileView

    def build(self) -> None:
        list_card("Photos", self.photo_list, self.add_row if self.page.editable else None)

    @property
    def parts(self) -> list[Any]:
        """What a photo change redraws: the gallery and the header (the primary photo is the profile photo)."""
        return [self.page.header, self.photo_list]

    @ui.refreshable_method
    def photo_list(self) -> None:
        if not self.page.photos:
            ui.label("No photos yet.").classes("text-sm opacity-70")
        with ui.row().classes("gap-3 w-full"):
            for photo in self.page.photos:
                self.photo_card(photo)

    def photo_card(self, photo: dict[str, Any]) -> None:
        photo_id = int(photo["id"])
        with ui.card().classes("w-44 p-1 gap-1").mark("photo", f"photo-{photo_id}"):
            src = https_only(photo["thumbnail_url"]) or https_only(photo["url"])
            if src:
                img = ui.image(src).classes("w-full h-28 rounded").props("fit=cover")
                img._props["alt"] = photo["alt_text"] or ""
                img._props["referrerpolicy"] = "no-referrer"
            with ui.row().classes("items-center gap-1 w-full"):
                ui.badge(PHOTO_TYPE_LABELS.get(photo["photo_type"], photo["photo_type"])).props("outline")
                if photo["is_primary"]:
                    ui.badge("primary").props("color=primary").mark(f"photo-primary-badge-{photo_id}")
            if photo["alt_text"]:
                ui.label(photo["alt_text"]).classes("text-xs opacity-70 truncate w-full")
            if self.page.editable:
                with ui.row().classes("gap-1 w-full"):
                    if not photo["is_primary"]:
                        ui.button("Make primary", on_click=lambda: self.make_primary(photo_id)).props(
                            "flat dense size=sm no-caps"
                        ).mark(f"photo-make-primary-{photo_id}")
                    ui.space()
                    ui.button(icon="delete", on_click=lambda: self.remove(photo_id)).props(
                        "flat dense round size=sm color=negative aria-label=Remove"
                    ).mark(f"photo-remove-{photo_id}")

    def add_row(self) -> None:
        with ui.row().classes("w-full items-start gap-2"):
            self.url = ui.input("Photo https:// address").props("dense").classes("w-96")
            limit_length(self.url, TEXT_LIMITS["url"], "Photo address")
            self.url.mark("photo-url")
            self.photo_type = (
                ui.select({t: PHOTO_TYPE_LABELS.get(t, t) for t in PHOTO_TYPES}, value="performer_photo", label="Type")
                .props("dense options-dense")
                .classes("w-44")
                .mark("photo-type")
            )
            self.alt_text = ui.input("Alt text (describe the photo)").props("dense").classes("w-72")
            limit_length(self.alt_text, TEXT_LIMITS["alt_text"])
            self.alt_text.mark("photo-alt")
            self.as_primary = ui.checkbox("Make primary").mark("photo-as-primary")
            ui.button("Add photo", icon="add_photo_alternate", on_click=self.add).props(
                "unelevated dense color=primary no-caps"
            ).mark("photo-add")

    # --- handlers: one service call each ---------------------------------------------------------------------

    async def make_primary(self, photo_id: int) -> None:
        actor = self.page.actor
        await self.page.change(
            lambda s: set_primary_photo(s, actor=actor, photo_id=photo_id),
            "Primary photo changed; it is now the profile photo.",
            self.parts,
        )

    async def remove(self, photo_id: int) -> None:
        if not await confirm_in(self.page.host, "Remove this photo?", "It disappears from the gallery.", danger=True):
            return
        actor = self.page.actor
        await self.page.change(lambda s: remove_photo(s, actor=actor, photo_id=photo_id), "Photo removed.", self.parts)

    async def add(self) -> None:
        page = self.page
        sent = {"url": self.url.value, "alt": self.alt_text.value, "primary": self.as_primary.value}
        photo_type = self.photo_type.value
        ok = await page.change(
            lambda s: add_photo(
                s,
                actor=page.actor,
                url=sent["url"] or "",
                photo_type=photo_type,
                performer_id=page.pid,
                alt_text=sent["alt"] or "",
                primary=bool(sent["primary"]),
            ),
            "Photo added.",
            self.parts,
            fields={"url": self.url, "photo_type": self.photo_type, "alt_text": self.alt_text},
            labels={"url": "Photo address"},
        )
        if ok:  # a field typed into meanwhile keeps its new text
            clear_sent({"url": self.url, "alt": self.alt_text}, sent)
            clear_sent({"primary": self.as_primary}, sent, empty=False)
