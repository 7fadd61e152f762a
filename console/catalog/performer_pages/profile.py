"""One performer's profile page: the header (name, badges, 2257, delete/restore), the profile form, the photo
gallery, the social links and the videos that credit them.

The profile form saves with the version it was read at (`PerformerProfileView.version`); photo and link changes
also change the performer row (the primary photo becomes the profile photo), so `change` lets the form adopt the
new version only when nobody else changed the performer in between: otherwise the next save shows the conflict
instead of overwriting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui
from sqlalchemy.orm import Session

from console.actor import Actor
from console.catalog.page_parts import confirm_in
from console.catalog.performer_pages.gallery import PhotoGallery
from console.catalog.performer_pages.links import SocialLinks
from console.catalog.performer_pages.profile_form import ProfileForm
from console.catalog.performer_pages.rows import (
    VIDEO_LIMIT,
    https_only,
    load_profile,
    reload_parts,
)
from console.catalog.performers import delete_performer, get_performer, performer_view, restore_performer
from console.catalog.state_look import state_badge
from console.staff.permissions import Permission, can
from console.ui.work import call, read


class PerformerProfileView:
    """The page's state: what is stored now (`stored`, `photos`, `links`) and what the form is based on
    (`version`, `urls`); the sections read it and change it only through `change`."""

    def __init__(self, actor: Actor, performer_id: int) -> None:
        self.actor, self.pid = actor, performer_id
        self.editable = can(actor, Permission.CATALOG_EDIT)
        loaded = load_profile(actor, performer_id)
        self.stored: dict[str, Any] = loaded["view"]  # what is saved now (header, badges)
        self.version: int = self.stored["version"]  # what the form is based on
        self.urls: dict[str, Any] = {key: self.stored[key] for key in ("profile_photo_url", "cover_photo_url")}
        self.photos: list[dict[str, Any]] = loaded["photos"]
        self.links: list[dict[str, Any]] = loaded["links"]
        self.videos: list[dict[str, Any]] = loaded["videos"]
        self.compliant: bool | None = loaded.get("compliant")  # None: the reader may open the 2257 record

    def build(self) -> None:
        ui.link("← Performers", "/performers").classes("text-sm")
        self.host = ui.element("div")  # confirmations live here, outside the sections that refresh
        self.header()
        with ui.row().classes("w-full items-start gap-3"):
            with ui.column().classes("gap-3 grow basis-[520px] max-w-[960px]"):
                ProfileForm(self).build()
                self.gallery = PhotoGallery(self)
                self.gallery.build()
            with ui.column().classes("gap-3 w-[460px] max-w-full"):
                self.social = SocialLinks(self)
                self.social.build()
                self.video_list()

    # --- parts -----------------------------------------------------------------------------------------------

    @ui.refreshable_method
    def header(self) -> None:
        stored = self.stored
        with ui.row().classes("items-center gap-3 w-full"):
            avatar = https_only(stored["profile_photo_url"])
            if avatar:
                img = ui.image(avatar).classes("w-12 h-12 rounded-full").props("fit=cover").mark("performer-avatar")
                img._props["alt"] = stored["name"]
                img._props["referrerpolicy"] = "no-referrer"
            ui.label(stored["name"]).classes("text-lg font-semibold").mark("performer-name")
            ui.badge("active" if stored["is_active"] else "inactive").props(
                f"color={'positive' if stored['is_active'] else 'grey-7'}"
            )
            if stored["deleted_at"] is not None:
                ui.badge("deleted").props("color=negative").mark("performer-deleted")
            count = stored["video_count"]
            ui.label(f"{count:,} video{'s' if count != 1 else ''}").classes("text-sm opacity-70")
            self.compliance()
            ui.space()
            if self.editable:
                self.delete_or_restore()
        if stored["deleted_at"] is not None:
            ui.label("Deleted: hidden from the site and the directory. Restore to show it again.").classes(
                "text-sm text-negative"
            )

    def compliance(self) -> None:
        """2257: compliance staff get a link to the legal record; everyone else only a compliant/not badge."""
        if self.compliant is None:
            ui.link("2257 record", f"/compliance/records/{self.pid}").classes("text-sm").mark("performer-2257")
        else:
            ui.badge("2257 compliant" if self.compliant else "2257: not compliant").props(
                f"outline color={'positive' if self.compliant else 'negative'}"
            ).mark("performer-compliance")

    def delete_or_restore(self) -> None:
        if self.stored["deleted_at"] is None:
            ui.button("Delete", icon="delete", on_click=self.delete).props("dense outline color=negative no-caps").mark(
                "performer-delete"
            )
        else:
            ui.button("Restore", icon="restore_from_trash", on_click=self.restore).props("dense outline no-caps").mark(
                "performer-restore"
            )

    def video_list(self) -> None:
        with ui.card().classes("w-full gap-1"):
            ui.label("Videos").classes("font-semibold")
            if not self.videos:
                ui.label("No videos credit this performer.").classes("text-sm opacity-70")
            for v in self.videos:
                with ui.row().classes("items-center gap-2 w-full no-wrap").mark("performer-video"):
                    ui.link(v["title"], f"/catalog/{int(v['id'])}").classes("truncate min-w-0 text-sm").mark(
                        f"performer-video-{int(v['id'])}"
                    )
                    ui.space()
                    state_badge(v["state"]).mark(f"performer-video-state-{int(v['id'])}")
            if len(self.videos) >= VIDEO_LIMIT:
                ui.label(f"The {VIDEO_LIMIT} newest are shown; search the catalog for the rest.").classes(
                    "text-xs opacity-70"
                )

    # --- changes besides the profile form --------------------------------------------------------------------

    async def change(self, fn: Callable[[Session], Any], success: str, parts: list[Any], **guard: Any) -> bool:
        """One service call; adopt the performer's new version only if the form was based on the version just
        before it (then the only change since is ours). Then what is stored again, and `parts` redrawn."""

        def work(session: Session) -> tuple[int, dict[str, Any]]:
            before = get_performer(session, actor=self.actor, performer_id=self.pid).version
            fn(session)
            session.flush()
            return before, performer_view(get_performer(session, actor=self.actor, performer_id=self.pid))

        ok, result = await call(work, **guard)
        if ok and result is not None:
            before, after = result
            if before == self.version:
                self.version = after["version"]
                self.urls = {key: after[key] for key in self.urls}
            ui.notify(success, type="positive")
        await self.reload(parts)
        return bool(ok)

    async def reload(self, parts: list[Any]) -> None:
        """What is stored now, then each of `parts` (refreshable methods) redrawn."""
        fresh = await read(reload_parts, self.actor, self.pid)
        if fresh is None:  # refused (reported) or shutting down
            return
        self.stored, self.photos, self.links = fresh["view"], fresh["photos"], fresh["links"]
        for part in parts:
            await part.refresh()

    async def delete(self) -> None:
        name = self.stored["name"]
        if not await confirm_in(
            self.host,
            f"Delete {name}?",
            "They disappear from the site and the directory. Photos, links and video credits stay, "
            "and you can restore them later.",
            ok_label="Delete",
            danger=True,
        ):
            return
        version = self.stored["version"]
        await self.change(
            lambda s: delete_performer(s, actor=self.actor, performer_id=self.pid, expected_version=version),
            f"Deleted {name}.",
            [self.header],
        )

    async def restore(self) -> None:
        name = self.stored["name"]
        if not await confirm_in(self.host, f"Restore {name}?", "They appear on the site and in the directory again."):
            return
        await self.change(
            lambda s: restore_performer(s, actor=self.actor, performer_id=self.pid), f"Restored {name}.", [self.header]
        )
