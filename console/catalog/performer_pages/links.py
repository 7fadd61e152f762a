"""The social links card: one link per platform (handle and https:// address), edit puts a link into the form,
saving the same platform replaces it, remove asks first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import ui

from console.catalog.models import SOCIAL_PLATFORMS
from console.catalog.page_parts import confirm_in
from console.catalog.performer_pages.rows import PLATFORM_LABELS, https_only
from console.catalog.performers import TEXT_LIMITS, remove_social_link, set_social_link
from console.ui.cards import list_card
from console.ui.form_state import clear_sent
from console.ui.forms import limit_length
from console.ui.view_part import ViewPart

if TYPE_CHECKING:
    from console.catalog.performer_pages.profile import PerformerProfileView


def platform_label(platform: str) -> str:
    return PLATFORM_LABELS.get(platform, platform)


class SocialLinks(ViewPart):
    page: PerformerProfileView

    def build(self) -> None:
        list_card("Social links", self.link_list, self.link_form if self.page.editable else None)

    @ui.refreshable_method
    def link_list(self) -> None:
        if not self.page.links:
            ui.label("No links yet.").classes("text-sm opacity-70")
        for link in self.page.links:
            self.link_row(link)

    def link_row(self, link: dict[str, Any]) -> None:
        platform = link["platform"]
        with ui.row().classes("items-center gap-2 w-full no-wrap").mark(f"link-{platform}"):
            ui.badge(platform_label(platform)).props("outline").classes("shrink-0")
            ui.label(f"@{link['handle']}").classes("font-mono text-sm shrink-0").mark(f"link-handle-{platform}")
            target = https_only(link["url"])
            if target:
                anchor = ui.link(target, target, new_tab=True).classes("text-xs truncate min-w-0")
                anchor._props["rel"] = "noopener noreferrer"
            ui.space()
            if self.page.editable:
                ui.button(icon="edit", on_click=lambda: self.edit(link)).props(
                    "flat dense round size=sm aria-label=Edit"
                ).mark(f"link-edit-{platform}")
                ui.button(icon="close", on_click=lambda: self.remove(platform)).props(
                    "flat dense round size=sm color=negative aria-label=Remove"
                ).mark(f"link-remove-{platform}")

    def link_form(self) -> None:
        with ui.row().classes("w-full items-start no-wrap gap-2"):
            self.platform = (
                ui.select({p: platform_label(p) for p in SOCIAL_PLATFORMS}, value=SOCIAL_PLATFORMS[0], label="Platform")
                .props("dense options-dense")
                .classes("w-36")
                .mark("link-platform")
            )
            self.handle = ui.input("Handle").props("dense").classes("w-36").mark("link-handle")
            self.url = ui.input("https:// address").props("dense").classes("grow")
            limit_length(self.handle, TEXT_LIMITS["handle"])
            limit_length(self.url, TEXT_LIMITS["url"], "Link address")
            self.url.mark("link-url")
        self.replaces = ui.label("").classes("text-xs opacity-70")
        self.platform.on_value_change(self.describe_platform)
        self.describe_platform()
        with ui.row().classes("justify-end w-full"):
            ui.button("Save link", icon="link", on_click=self.save).props(
                "unelevated dense color=primary no-caps"
            ).mark("link-save")

    def describe_platform(self) -> None:
        chosen = self.platform.value
        taken = any(link["platform"] == chosen for link in self.page.links)
        self.replaces.text = (
            f"Saving replaces the current {platform_label(chosen)} link (one per platform)."
            if taken
            else "One link per platform."
        )

    def edit(self, link: dict[str, Any]) -> None:
        self.platform.value = link["platform"]
        self.handle.value = link["handle"]
        self.url.value = link["url"] or ""

    # --- handlers: one service call each ---------------------------------------------------------------------

    async def save(self) -> None:
        page, chosen = self.page, self.platform.value
        sent = {"handle": self.handle.value, "url": self.url.value}
        ok = await page.change(
            lambda s: set_social_link(
                s,
                actor=page.actor,
                performer_id=page.pid,
                platform=chosen,
                handle=sent["handle"] or "",
                url=sent["url"] or "",
            ),
            f"{platform_label(chosen)} link saved.",
            [self.link_list],
            fields={"platform": self.platform, "handle": self.handle, "url": self.url},
            labels={"url": "Link address"},
        )
        if ok:
            clear_sent({"handle": self.handle, "url": self.url}, sent)
        self.describe_platform()

    async def remove(self, platform: str) -> None:
        page, label = self.page, platform_label(platform)
        if not await confirm_in(page.host, f"Remove the {label} link?", "The link disappears from the profile."):
            return
        await page.change(
            lambda s: remove_social_link(s, actor=page.actor, performer_id=page.pid, platform=platform),
            f"{label} link removed.",
            [self.link_list],
        )
        self.describe_platform()
