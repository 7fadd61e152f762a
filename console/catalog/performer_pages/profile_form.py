"""The profile card: name, slug, bio, active. It saves with the version the page's form is based on; a stale save
shows what is stored now and keeps the input (saving again replaces what was typed; fields not typed in take the
stored values first, so someone else's change there stands). Unsaved text is kept in this browser and
offered back after a reload (`DraftKeeper`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import ui

from console.catalog.performer_pages.rows import LABELS, profile_values
from console.catalog.performers import TEXT_LIMITS, performer_view, update_performer
from console.errors import Conflict
from console.ui.conflict import ConflictActions, ConflictCatcher, ConflictPanel
from console.ui.drafts import BrowserDrafts, Draft, DraftKeeper
from console.ui.form_state import NOTHING_TO_SAVE, FormState, unchanged
from console.ui.formatting import fmt_dt
from console.ui.forms import limit_lengths
from console.ui.keymap import save_key
from console.ui.work import call

if TYPE_CHECKING:
    from console.catalog.performer_pages.profile import PerformerProfileView


class ProfileForm:
    def __init__(self, page: PerformerProfileView) -> None:
        self.page = page
        self.theirs: dict[str, Any] | None = None  # what a stale save found stored, for "Take theirs"

    def build(self) -> None:
        with ui.card().classes("w-full gap-2"):
            ui.label("Profile").classes("font-semibold")
            self.form = FormState(profile_values(self.page.stored))
            self.draft_host = ui.element("div").classes("w-full")  # "You have unsaved changes …"
            self.inputs()
            take = ConflictActions(on_take_theirs=self.take_theirs) if self.page.editable else None
            self.conflict = ConflictPanel(LABELS, actions=take, mark="profile-conflict")
            self.summary = ui.label("").classes("text-negative text-sm")
            self.summary.visible = False
            if not self.page.editable:
                for field in (self.name, self.slug, self.bio):
                    field.props("readonly")
                self.active.disable()
                return
            self.slug.props('hint="changing it changes the public address"')
            with ui.row().classes("justify-end w-full"):
                ui.button("Save profile (Ctrl+S)", icon="save", on_click=self.save).props(
                    "unelevated color=primary dense no-caps"
                ).mark("profile-save")
            save_key(self.save, mark="profile-keys", description="Save the profile")
            self.keep_drafts()

    def inputs(self) -> None:
        view, form = self.page.stored, self.form
        self.name = form.add("name", ui.input("Name", value=view["name"]).props("dense").classes("w-full"))
        self.name.mark("profile-name")
        self.slug = form.add("slug", ui.input("Slug", value=view["slug"]).props("dense").classes("w-full font-mono"))
        self.slug.mark("profile-slug")
        self.bio = form.add(
            "bio",
            ui.textarea("Bio", value=view["bio"] or "").props("dense autogrow").classes("w-full").mark("profile-bio"),
        )
        self.active = form.add("is_active", ui.switch("Active", value=bool(view["is_active"])).mark("profile-active"))
        limit_lengths(self.fields(), TEXT_LIMITS)

    def fields(self) -> dict[str, Any]:
        return {"name": self.name, "slug": self.slug, "bio": self.bio}

    def keep_drafts(self) -> None:
        page = self.page
        self.drafts = DraftKeeper(
            BrowserDrafts(f"{page.actor.staff_id}:performer:{page.pid}"),
            self.form,
            row_id=page.pid,
            version=lambda: page.version,
            what="The profile",
            on_restore=self.restored,
        )
        with self.draft_host:
            self.drafts.start()

    def restored(self, draft: Draft, outdated: bool) -> None:
        if outdated:  # as after a stale save: the stored values shown, the input kept
            message = (
                f"The profile was changed (now version {self.page.version}) after your unsaved "
                f"changes of {fmt_dt(draft.saved_at)}. Compare, then save again to replace it."
            )
            conflict = Conflict(message, current=self.page.stored)
            self.conflict.show(conflict, self.form.values())

    async def save(self) -> None:
        page = self.page
        typed = self.form.values()
        if unchanged(typed, profile_values(page.stored)):
            ui.notify(NOTHING_TO_SAVE, type="info")
            return
        data = {
            "name": self.name.value or "",
            "slug": self.slug.value or "",
            "bio": self.bio.value or "",
            "is_active": bool(self.active.value),
            **page.urls,
        }
        expected = page.version
        catcher = ConflictCatcher()
        ok, saved = await call(
            catcher(
                lambda s: performer_view(
                    update_performer(s, actor=page.actor, performer_id=page.pid, data=data, expected_version=expected)
                )
            ),
            fields=self.fields(),
            summary=self.summary,
        )
        if ok and saved is not None:
            await self.saved(saved, typed, expected)
        elif catcher.conflict is not None:
            current = catcher.conflict.current
            page.version = current.get("version", page.version)
            page.urls = {key: current.get(key) for key in page.urls}
            self.theirs = current
            self.form.fill(profile_values(current))  # untouched fields follow theirs; typed ones stay
            self.conflict.show(catcher.conflict, self.form.values())

    async def take_theirs(self) -> None:
        """Drop the input: the form shows what is stored now (the stale save's, or the outdated draft's, stored
        profile) and the draft is discarded."""
        page = self.page
        theirs = self.theirs or page.stored
        page.stored = page.stored | theirs
        page.version = theirs.get("version", page.version)
        self.form.reset(profile_values(page.stored))
        self.theirs = None
        self.conflict.hide()
        self.drafts.saved()
        await page.header.refresh()
        ui.notify("The form shows the stored profile; your input was discarded.", type="info")

    async def saved(self, saved: dict[str, Any], typed: dict[str, Any], expected: int) -> None:
        page = self.page
        self.conflict.hide()
        page.version = saved["version"]
        page.stored = saved | {"video_count": page.stored["video_count"]}
        self.form.fill(profile_values(saved), since=typed)
        self.drafts.saved()
        await page.header.refresh()
        if saved["version"] == expected:
            ui.notify(f"{NOTHING_TO_SAVE} The stored profile already has these values.", type="info")
        else:
            ui.notify("Profile saved.", type="positive")
