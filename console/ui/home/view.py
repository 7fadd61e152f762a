"""The home page as a view: the staff member's work (sections.py: a tile per count, each a link to the list it
counts), then the areas their roles open. The counts are read after the page is shown, in one unit of work off
the event loop, so opening home costs the frame and a few cards, never the counting."""

from __future__ import annotations

from html import escape

from nicegui import ui

from console.actor import Actor
from console.ui.areas import Area, allowed_areas
from console.ui.home.sections import SectionData, Tile, read_sections, sections_for
from console.ui.later import when_connected
from console.ui.work import call


class HomeView:
    def __init__(self, actor: Actor, name: str) -> None:
        self.actor, self.name = actor, name
        self.sections = sections_for(actor)
        self.data: list[SectionData] | None = None

    def build(self) -> None:
        ui.label(f"Signed in as {self.name}.").classes("text-sm opacity-80")
        if self.sections:
            self.work()
            when_connected(self.load, name="home.view: load")
        else:
            ui.label("Your roles have no work list to count; the areas they open are below.").classes(
                "text-sm opacity-70"
            ).mark("home-no-work")
        self.areas()

    async def load(self) -> None:
        ok, found = await call(lambda s: read_sections(s, actor=self.actor))
        if ok and found is not None:
            self.data = found
            self.work.refresh()

    @ui.refreshable_method
    def work(self) -> None:
        with ui.row().classes("gap-3 flex-wrap items-stretch").mark("home-work"):
            if self.data is None:
                for section in self.sections:
                    with ui.card().classes("p-3 gap-1").mark(f"home-section-{section.key}"):
                        ui.label(section.title).classes("font-semibold")
                        ui.spinner(size="sm").mark("home-loading")
                return
            for data in self.data:
                self.section(data)

    def section(self, data: SectionData) -> None:
        with ui.card().classes("p-3 gap-1").mark(f"home-section-{data.key}"):
            ui.label(data.title).classes("font-semibold")
            if data.caption:
                ui.label(data.caption).classes("text-xs opacity-70").mark(f"home-caption-{data.key}")
            if data.error:
                ui.label(data.error).classes("text-sm text-negative").mark(f"home-error-{data.key}")
            with ui.row().classes("gap-2 flex-wrap"):
                for tile in data.tiles:
                    self.tile(tile)

    @staticmethod
    def tile(tile: Tile) -> None:
        with (
            ui.link(target=tile.href).classes("no-underline text-inherit").mark(f"tile-{tile.key}"),
            ui.column().classes("home-tile gap-0 px-3 py-2 rounded min-w-[120px]"),
        ):
            ui.label(tile.value).classes("text-xl font-semibold").mark(f"count-{tile.key}")
            ui.label(tile.label).classes("text-xs opacity-80")
            if tile.note:
                ui.label(tile.note).classes("text-xs opacity-60").mark(f"note-{tile.key}")

    def areas(self) -> None:
        """The area cards in one element, as the navigation (frame.navigation): eight elements a card, thirteen
        cards for an admin, on every open of home, for links the server never changes afterwards."""
        areas = tuple(a for a in allowed_areas(self.actor) if a.path != "/")
        ui.html(area_cards_html(areas), sanitize=False, tag="nav").classes("flex gap-3 flex-wrap").props(
            'aria-label="Your areas"'
        ).mark("home-areas")


def area_cards_html(areas: tuple[Area, ...]) -> str:
    """A card per area: icon, name, its `g` key and what it is for. Console constants, escaped all the same."""
    cards = []
    for area in areas:
        cards.append(
            f'<a href="{escape(area.path)}" class="area-card q-card" data-nav="{escape(area.path.strip("/"))}">'
            '<span class="area-card-head">'
            f'<i class="q-icon notranslate material-icons text-2xl text-primary" aria-hidden="true">'
            f"{escape(area.icon)}</i>"
            f'<span class="font-semibold">{escape(area.label)}</span>'
            f'<span class="kbd text-xs">g {escape(area.key)}</span></span>'
            f'<span class="text-xs opacity-70">{escape(area.description)}</span></a>'
        )
    return "".join(cards)
