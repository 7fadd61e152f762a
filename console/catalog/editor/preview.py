"""The editor's side: the preview card that follows the form as it is typed, and the thumbnail upload."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import run, ui
from nicegui.events import UploadEventArguments

from console.catalog import media
from console.catalog.editor.values import ACCESS_COLOURS, DEFAULT_COLOURS, safe_colour, safe_image
from console.errors import ValidationFailed
from console.staff.permissions import Permission, can
from console.ui.forms import field_message
from console.ui.session import require_live_session


class PreviewCard:
    """How the video will look on the platform (plain labels: everything typed is escaped)."""

    def build(self) -> None:
        ui.label("Preview").classes("text-sm opacity-70")
        with ui.card().classes("w-full p-0 gap-0 overflow-hidden").mark("video-preview"):
            self.colour_bar = ui.element("div").classes("w-full h-2")
            self.thumb = ui.image("").classes("w-full h-44").props("fit=cover").mark("preview-thumbnail")
            self.no_thumb = (
                ui.label("No thumbnail")
                .classes("w-full h-44 flex items-center justify-center bg-grey-3 text-grey-7")
                .mark("preview-no-thumbnail")
            )
            with ui.column().classes("p-3 gap-1 w-full"):
                self.title = ui.label("").classes("font-semibold text-base break-words").mark("preview-title")
                with ui.row().classes("items-center gap-2"):
                    self.duration = ui.label("").classes("text-xs opacity-70").mark("preview-duration")
                    self.access = ui.badge("").props("outline").mark("preview-access")
                    self.collection = ui.label("").classes("text-xs break-words").mark("preview-collection")
                self.description = (
                    ui.label("").classes("text-xs opacity-80 line-clamp-3 break-words").mark("preview-description")
                )

    def show(self, values: dict[str, Any], collection: dict[str, Any] | None) -> None:
        """`values`: the form's title, duration, access level, description and thumbnail URL as typed."""
        self.title.text = (values["title"] or "").strip() or "Untitled"
        self.duration.text = (values["duration_seconds"] or "").strip() or "–:––"
        level = values["access_level"] or "FREE"
        self.access.text = level
        self.access.props(f"color={ACCESS_COLOURS.get(level, 'grey-8')}")
        self.collection.text = collection["name"] if collection else "No collection"
        primary = safe_colour(collection["primary"] if collection else None, DEFAULT_COLOURS[0])
        accent = safe_colour(collection["accent"] if collection else None, DEFAULT_COLOURS[1])
        self.colour_bar.style(replace=f"background: linear-gradient(90deg, {primary}, {accent})")
        self.collection.style(replace=f"color: {primary}")
        text = (values["description"] or "").strip()
        self.description.text = text[:300] + ("…" if len(text) > 300 else "")
        source = safe_image(values["thumbnail_url"])
        self.thumb.set_source(source)
        self.thumb.set_visibility(bool(source))
        self.no_thumb.set_visibility(not source)


class ThumbnailUpload:
    """Upload a thumbnail file; its path goes into the Thumbnail URL field (saved with the form)."""

    def __init__(self, field: ui.input, on_done: Callable[[], None]) -> None:
        self.field, self.on_done = field, on_done  # on_done: the preview shows the uploaded file

    def build(self) -> None:
        ui.upload(
            label="Upload thumbnail (PNG, JPEG or WebP, ≤ 5 MB)",
            auto_upload=True,
            max_file_size=media.MAX_BYTES,
            on_upload=self.uploaded,
            on_rejected=lambda: ui.notify("That file was not accepted: PNG, JPEG or WebP up to 5 MB.", type="negative"),
        ).props('accept=".png,.jpg,.jpeg,.webp,image/png,image/jpeg,image/webp" flat bordered').classes("w-full").mark(
            "thumbnail-upload"
        )

    async def uploaded(self, e: UploadEventArguments) -> None:
        live = require_live_session()
        if live is None or not can(live.actor, Permission.CATALOG_EDIT):
            return
        if e.file.size() > media.MAX_BYTES:
            self.field.error = "The file is larger than 5 MB"
            return
        data = await e.file.read()
        try:
            path = await run.io_bound(media.store_thumbnail, data, e.file.name)
        except ValidationFailed as exc:
            message = field_message("thumbnail", exc.errors.get("thumbnail", exc.message))
            self.field.error = message
            ui.notify(message, type="negative")
            return
        if path is None:  # shutting down
            return
        self.field.error = None
        self.field.value = path
        self.on_done()
        ui.notify("Thumbnail uploaded. Save to keep it.", type="positive")
