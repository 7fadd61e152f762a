"""The create/edit dialog of a collection: name and slug, colours with a live preview, addresses, active, the
featured video. A refused save keeps the dialog open with the input: field errors on the fields, anything else
in the form's message line, a stale save in the conflict panel (saving again replaces what is stored; Take theirs
puts the stored collection in the fields). What is typed is kept past a lost page until saved or cancelled."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui
from sqlalchemy.orm import Session

from console.actor import Actor
from console.catalog.collection_pages.rows import FEATURED_CHOICES, LABELS, NO_VIDEO
from console.catalog.collections import (
    SLUG_MAX,
    TEXT_LIMITS,
    create_collection,
    set_featured_video,
    update_collection,
)
from console.catalog.page_parts import ColourField, paint, safe_hex, same_ignoring_colour_case, text_colour_on
from console.catalog.rules import slugify
from console.errors import Conflict, ConsoleError, ValidationFailed
from console.ui.conflict import ConflictActions, ConflictCatcher, ConflictPanel
from console.ui.dialog_draft import DialogDraft, draft_key
from console.ui.dialogs import closed, keyboard_ready, one_at_a_time
from console.ui.form_state import NOTHING_TO_SAVE, unchanged
from console.ui.forms import enter_picks_the_only_match, limit_lengths
from console.ui.work import call

KEEP_NOTE = "Your input is kept. Save again to replace the stored version with it, take theirs, or cancel."


class CollectionDialog:
    """One create (`current` None) or edit dialog, deleted when it closes. `on_saved(id)` runs after a save."""

    def __init__(
        self,
        actor: Actor,
        current: dict[str, Any] | None,
        *,
        choices: dict[Any, str] | None = None,
        total_videos: int = 0,
        on_saved: Callable[[int], Awaitable[None]],
    ) -> None:
        self.actor, self.current, self.on_saved = actor, current, on_saved
        self.choices = choices if choices is not None else {None: NO_VIDEO}
        self.total_videos = total_videos
        self.version = current["version"] if current else None
        self.auto_slug = current is None  # the slug follows the name until it is edited
        self.theirs: dict[str, Any] | None = None  # what a stale save found stored (Take theirs puts it back)

    def value(self, key: str, default: Any = "") -> Any:
        stored = self.current.get(key) if self.current else None
        return default if stored is None else stored

    def open(self) -> ui.dialog:
        with ui.dialog() as self.dialog, ui.card().classes("w-[640px] max-w-full gap-2").mark("col-dialog"):
            title = "New collection" if self.current is None else "Edit collection"
            ui.label(title).classes("text-lg font-semibold")
            self.names()
            self.colours()
            self.addresses()
            self.featured_select()
            self.keep_draft()
            self.messages()
            self.submit = one_at_a_time(self.save)
            keyboard_ready((self.name, self.slug, self.description), self.submit)
            with ui.row().classes("justify-end w-full"):
                ui.button("Cancel", on_click=self.cancel).props("flat").mark("col-cancel")
                ui.button("Create" if self.current is None else "Save", on_click=self.submit).props(
                    "unelevated color=primary"
                ).mark("col-save")
        self.dialog.on_value_change(lambda e: None if e.value else self.dialog.delete())  # no closed dialogs pile up
        self.dialog.open()
        return self.dialog

    # --- parts -----------------------------------------------------------------------------------------------

    def names(self) -> None:
        self.name = ui.input("Name", value=self.value("name")).props("dense").classes("w-full").mark("col-name")
        self.slug = ui.input("Slug", value=self.value("slug")).props("dense").classes("w-full font-mono")
        self.slug.mark("col-slug")
        self.slug.props(
            'hint="a-z, 0-9 and hyphens; filled in from the name until you edit it"'
            if self.current is None
            else 'hint="a-z, 0-9 and hyphens; changing it changes the public address"'
        )
        self.name.on_value_change(self.name_changed)
        self.slug.on_value_change(self.slug_changed)
        self.description = ui.textarea("Description", value=self.value("description"))
        self.description.props("dense autogrow").classes("w-full").mark("col-description")

    def name_changed(self) -> None:
        if self.auto_slug:
            self.slug.value = slugify(self.name.value or "", SLUG_MAX)

    def slug_changed(self) -> None:
        typed = self.slug.value or ""
        self.auto_slug = self.current is None and typed == slugify(self.name.value or "", SLUG_MAX)

    def colours(self) -> None:
        with ui.row().classes("w-full items-start no-wrap gap-3"):
            self.primary = ColourField("Primary colour", value=self.value("color_primary", "#263238"))
            self.primary.props("dense").classes("w-48 shrink-0").mark("col-primary")
            self.accent = ColourField("Accent colour", value=self.value("color_accent", "#4FC3F7"))
            self.accent.props("dense").classes("w-48 shrink-0").mark("col-accent")
            with (
                ui.element("div")
                .classes("grow min-w-0 overflow-hidden h-16 rounded border border-gray-400 p-2 flex flex-col")
                .classes("justify-between")
                .mark("col-preview") as self.preview
            ):
                self.sample = ui.label("").classes("text-sm font-semibold truncate")
                self.accent_bar = ui.element("div").classes("h-2 w-1/2 rounded").mark("col-preview-accent")
        self.invalid = ui.label("").classes("text-xs text-negative -mt-2")
        for source in (self.primary, self.accent, self.name):
            source.on_value_change(self.repaint)
        self.repaint()

    def repaint(self) -> None:
        """The preview in the typed colours; a colour reaches a style only after `safe_hex` accepted it."""
        ok_primary = paint(self.preview, self.primary.value)
        ok_accent = paint(self.accent_bar, self.accent.value)
        self.sample.text = (self.name.value or "Collection name").strip()[:60]
        self.sample.style(replace=f"color: {text_colour_on(safe_hex(self.primary.value))}")
        problems = [label for label, ok in (("primary", ok_primary), ("accent", ok_accent)) if not ok]
        self.invalid.text = f"Not a #RRGGBB colour: {', '.join(problems)}" if problems else ""

    def addresses(self) -> None:
        self.thumbnail = ui.input("Thumbnail URL (https://)", value=self.value("thumbnail_url"))
        self.thumbnail.props("dense").classes("w-full").mark("col-thumbnail")
        self.banner = ui.input("Banner URL (https://)", value=self.value("banner_url"))
        self.banner.props("dense").classes("w-full").mark("col-banner")
        limit_lengths(
            {
                "name": self.name,
                "slug": self.slug,
                "description": self.description,
                "thumbnail_url": self.thumbnail,
                "banner_url": self.banner,
            },
            TEXT_LIMITS,
        )
        self.active = ui.switch("Active (shown on the site)", value=bool(self.value("is_active", True)))
        self.active.mark("col-active")

    def featured_select(self) -> None:
        stored = self.value("featured_video_id", None)
        self.featured = ui.select(
            self.choices,
            value=stored if stored in self.choices else None,
            label="Featured video",
            with_input=True,
        )
        self.featured.props("dense options-dense").classes("w-full").mark("col-featured")
        enter_picks_the_only_match(self.featured)
        if self.current is None:
            self.featured.disable()
            self.featured.props('hint="Add videos to the collection first, then pick one here."')
        elif self.total_videos > FEATURED_CHOICES:
            self.featured.props(f'hint="Showing the first {FEATURED_CHOICES} of {self.total_videos:,} videos, A to Z."')
        elif self.total_videos == 0:
            self.featured.props('hint="This collection holds no videos yet."')

    def keep_draft(self) -> None:
        """What is typed survives a lost page (console.ui.dialog_draft); a draft typed on an older version of the
        collection is saved on that version, so the save shows the conflict."""
        key = draft_key(self.actor, "collection", "new" if self.current is None else self.current["id"])
        self.draft = DialogDraft(key, self.fields() | {"is_active": self.active}, version=self.version)
        if self.draft.stale:
            self.version = self.draft.based_on

    def cancel(self) -> None:
        self.draft.clear()
        self.dialog.close()

    def messages(self) -> None:
        self.conflict = ConflictPanel(
            LABELS,
            same=same_ignoring_colour_case,
            keep_note=KEEP_NOTE,
            actions=ConflictActions(on_take_theirs=self.take_theirs),
            mark="col-conflict",
        )
        self.summary = ui.label("").classes("text-negative text-sm").mark("col-summary")
        self.summary.visible = False

    # --- saving ----------------------------------------------------------------------------------------------

    def fields(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "slug": self.slug,
            "description": self.description,
            "color_primary": self.primary,
            "color_accent": self.accent,
            "thumbnail_url": self.thumbnail,
            "banner_url": self.banner,
            "featured_video_id": self.featured,
        }

    def typed(self) -> dict[str, Any]:
        return {
            "name": self.name.value or "",
            "slug": "" if self.auto_slug else self.slug.value or "",  # "": the service makes a free one
            "description": self.description.value or "",
            "color_primary": self.primary.value or "",
            "color_accent": self.accent.value or "",
            "thumbnail_url": self.thumbnail.value or "",
            "banner_url": self.banner.value or "",
            "is_active": bool(self.active.value),
        }

    def work(self, data: dict[str, Any], featured_id: int | None) -> Callable[[Session], int]:
        """Create, or update and set the featured video, in one unit of work."""
        current, version = self.current, self.version

        def run(session: Session) -> int:
            if current is None:
                return create_collection(session, actor=self.actor, data=data).id
            c = update_collection(
                session, actor=self.actor, collection_id=int(current["id"]), data=data, expected_version=version
            )
            set_featured_video(
                session, actor=self.actor, collection_id=c.id, video_id=featured_id, expected_version=c.version
            )
            return c.id

        return run

    async def save(self) -> None:
        data = self.typed()
        featured_id = self.featured.value if self.current is not None else None
        if self.current is not None and unchanged(data | {"featured_video_id": featured_id}, self.current):
            ui.notify(NOTHING_TO_SAVE, type="info")
            return
        catcher = ConflictCatcher()
        ok, saved_id = await call(catcher(self.work(data, featured_id)), fields=self.fields(), summary=self.summary)
        if ok and saved_id is not None:
            self.draft.clear()
            self.conflict.hide()
            with closed(self.dialog):
                ui.notify(f"Saved “{data['name'].strip()}”.", type="positive")
                await self.on_saved(saved_id)
            return
        self.refused(catcher.error, data)

    def refused(self, error: ConsoleError | None, data: dict[str, Any]) -> None:
        """The input stays as typed; the refusal is shown in the form."""
        if isinstance(error, Conflict):  # the next save deliberately replaces what is stored now
            self.version = error.current.get("version", self.version)
            self.draft.rebase(self.version)
            self.theirs = error.current
            self.conflict.show(error, data, version=self.version)
        elif error is not None and not isinstance(error, ValidationFailed):  # field errors are on the fields
            self.summary.text = error.message
            self.summary.visible = True

    def take_theirs(self) -> None:
        """Drop the input: every field shows the collection as stored now, and the next save is based on it."""
        theirs = self.theirs or {}
        self.current = (self.current or {}) | theirs
        self.version = theirs.get("version", self.version)
        self.auto_slug = False
        for key, field in self.fields().items():
            if key == "featured_video_id":
                field.value = theirs.get(key) if theirs.get(key) in self.choices else None
            else:
                field.value = theirs.get(key) or ""
        self.active.value = bool(theirs.get("is_active", True))
        self.draft.rebase(self.version)
        self.draft.clear()  # the input was dropped: nothing of it to keep
        self.conflict.hide()
        ui.notify("The form shows the stored collection; your input was discarded.", type="info")
