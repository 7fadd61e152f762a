"""New ad… / Edit ad…: name, type and format, the creative (an uploaded file, checked by content by the service, or
an https URL that is never loaded), the click URL and, for a video given by URL, its duration. A new ad is a draft
until someone submits it for review. Editing what was reviewed (creative, click URL, format) of an approved,
running or paused ad sends it back to review: the dialog says so before saving."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from nicegui import ui
from nicegui.events import UploadEventArguments

from console.actor import Actor
from console.ads import creatives
from console.ads.models import AD_TYPES, BANNER_FORMATS, VIDEO_FORMATS
from console.ads.pages.common import FORMAT_LABELS, TYPE_LABELS, weight_text
from console.ads.service import ads as ad_service
from console.errors import Conflict, ValidationFailed
from console.ui.dialog_draft import draft_key
from console.ui.form_dialog import FormDialog
from console.ui.forms import as_typed, field_message, limit_length, number_input
from console.ui.session import require_live_session
from console.ui.work import unit_of_work

REQUEUE_STATES = ("approved", "running", "paused")
REVIEWED = ("creative", "creative_url", "click_url", "format")
LABELS = {
    "name": "Name",
    "type": "Type",
    "format": "Format",
    "creative": "Creative file",
    "creative_url": "Creative URL",
    "click_url": "Click URL",
    "duration_seconds": "Duration",
    "poster": "Poster",
}


def formats_for(ad_type: str | None) -> dict[str, str]:
    names = BANNER_FORMATS if ad_type == "banner" else VIDEO_FORMATS
    return {name: FORMAT_LABELS[name] for name in names}


class AdForm(FormDialog):
    """The ad dialog; `ask()` is True once a save succeeded."""

    def __init__(self, actor: Actor, *, campaign_id: int, ad: Any = None, host: ui.element | None = None) -> None:
        self.actor, self.campaign_id, self.ad = actor, campaign_id, ad
        self.upload_data: bytes | None = None
        self.upload_name: str | None = None
        self.poster_data: bytes | None = None
        self.poster_name: str | None = None
        self.saved_message = "Ad saved." if ad is not None else "Ad saved as a draft: submit it for review."
        super().__init__(
            f"Edit ad #{ad.id}" if ad is not None else "New ad",
            labels=LABELS,
            kind="ad",
            row=ad,
            host=host,
            draft=draft_key(actor, "ad", ad.id if ad is not None else f"new-in-{campaign_id}"),
        )

    def body(self) -> None:
        if self.ad is not None and self.ad.state in REQUEUE_STATES:
            ui.label(
                "This ad is live or approved: saving a new creative, click URL or format sends it back to review "
                "(it stops running until approved again)."
            ).classes("text-sm text-orange-9").mark("ad-requeue-note")
        self.build_fields()

    def build_fields(self) -> None:
        ad = self.ad
        f: dict[str, Any] = {}
        f["name"] = ui.input("Name", value="" if ad is None else ad.name).props("dense outlined").classes("w-full")
        f["name"].mark("ad-name-in")
        limit_length(f["name"], 200, "Name")
        ad_type = "banner" if ad is None else ad.type
        with ui.row().classes("w-full gap-2 no-wrap"):
            f["type"] = ui.select({t: TYPE_LABELS[t] for t in AD_TYPES}, value=ad_type, label="Type")
            f["type"].props("dense outlined").classes("w-48").mark("ad-type-in")
            if ad is not None:
                f["type"].disable()  # a banner does not become a video: make a new ad
            f["format"] = ui.select(formats_for(ad_type), value=None if ad is None else ad.format, label="Format")
            f["format"].props("dense outlined").classes("grow").mark("ad-format-in")
            f["type"].on_value_change(self.type_changed)
        f["creative"] = (
            ui.upload(
                label=f"Creative file (PNG, JPEG, GIF, WebP or MP4; up to {creatives.max_bytes() // 1048576} MB)",
                auto_upload=True,
                max_file_size=creatives.max_bytes(),
                on_upload=self.uploaded,
                on_rejected=lambda: ui.notify("That file is larger than the upload limit.", type="negative"),
            )
            .props('flat bordered accept="image/png,image/jpeg,image/gif,image/webp,video/mp4"')
            .classes("w-full")
        )
        f["creative"].mark("ad-upload")
        self.upload_note = ui.label(self.stored_note()).classes("text-xs opacity-70").mark("ad-upload-note")
        self.upload_error = ui.label("").classes("text-negative text-sm").mark("ad-upload-error")
        self.upload_error.visible = False
        f["creative_url"] = (
            ui.input(
                "…or creative URL (https; never loaded by the console)",
                value="" if ad is None else ad.creative_url or "",
            )
            .props("dense outlined")
            .classes("w-full")
            .mark("ad-creative-url-in")
        )
        f["click_url"] = (
            ui.input("Click URL (https)", value="" if ad is None else ad.click_url)
            .props("dense outlined")
            .classes("w-full")
            .mark("ad-click-url-in")
        )
        f["duration_seconds"] = (
            number_input(
                "Duration in seconds (video by URL)",
                value=None if ad is None else ad.duration_seconds,
                props="dense outlined clearable",
            )
            .classes("w-64")
            .mark("ad-duration-in")
        )
        if ad is not None and ad.type != "banner":
            f["poster"] = (
                ui.upload(label="Poster image (PNG, JPEG or WebP)", auto_upload=True, on_upload=self.poster_uploaded)
                .props('flat bordered accept="image/png,image/jpeg,image/webp"')
                .classes("w-full")
                .mark("ad-poster-upload")
            )
        self.fields = f

    def stored_note(self) -> str:
        if self.upload_name is not None:
            return f"Ready to save: {self.upload_name} ({weight_text(len(self.upload_data or b''))})"
        if self.ad is not None and self.ad.creative_path:
            return f"Stored file: {weight_text(self.ad.creative_bytes)}; upload another to replace it"
        return "No file uploaded"

    def show_refusal(self, exc: ValidationFailed) -> None:
        """What is wrong with the creative file goes under the uploader, so the next file taken can clear it."""
        if message := exc.errors.get("creative"):
            self.upload_error.text = field_message("creative", message, self.labels["creative"])
            self.upload_error.visible = True
        super().show_refusal(ValidationFailed({k: v for k, v in exc.errors.items() if k != "creative"}))

    async def save(self) -> None:
        self.upload_error.visible = False
        await super().save()

    def type_changed(self) -> None:
        options = formats_for(self.fields["type"].value)
        self.fields["format"].set_options(options, value=None)

    async def uploaded(self, e: UploadEventArguments) -> None:
        if require_live_session() is None:
            return
        self.upload_data = await e.file.read()
        self.upload_name = e.file.name
        self.upload_note.text = self.stored_note()
        self.upload_error.visible = False  # said of the file before: this one is checked on Save

    async def poster_uploaded(self, e: UploadEventArguments) -> None:
        if require_live_session() is None:
            return
        self.poster_data, self.poster_name = await e.file.read(), e.file.name
        ui.notify(f"Poster {e.file.name} ready: save to keep it.", type="info")

    @staticmethod
    def read(raw: Mapping[str, Any]) -> dict[str, Any]:
        """The text fields' values (as shown or as stored) as the service takes them."""
        return {
            "name": raw["name"] or "",
            "format": raw["format"],
            "click_url": (raw["click_url"] or "").strip(),
            "creative_url": (raw["creative_url"] or "").strip() or None,
            "duration_seconds": as_typed(raw["duration_seconds"]),  # the service refuses 2.5
        }

    def values(self) -> dict[str, Any]:
        values = self.read(self.shown_values())
        if self.upload_data is not None:
            values["creative"], values["filename"] = self.upload_data, self.upload_name
        if self.poster_data is not None:
            values["poster"], values["poster_filename"] = self.poster_data, self.poster_name
        return values

    def work(self) -> Callable[[], Any]:
        values = self.values()
        if self.ad is None:
            ad_type = self.fields["type"].value
            return unit_of_work(
                lambda s: ad_service.create_ad(
                    s, actor=self.actor, campaign_id=self.campaign_id, type=ad_type, **values
                )
            )
        ad = self.ad
        stored = self.read(self.form.base)  # what the fields showed: stored now after a conflict
        files = ("creative", "filename", "poster", "poster_filename")
        changes = {k: v for k, v in values.items() if k in files or v != stored.get(k)}
        ad_id, version = int(ad.id), int(self.version or 0)
        return unit_of_work(
            lambda s: ad_service.update_ad(s, actor=self.actor, ad_id=ad_id, version=version, **changes)
        )

    def typed(self) -> dict[str, Any]:
        return {k: v for k, v in self.values().items() if not isinstance(v, bytes)}

    def stored_now(self, exc: Conflict) -> dict[str, Any] | None:
        current = exc.current
        if "click_url" not in current:
            return None
        return {
            "name": current["name"],
            "format": current["format"],
            "creative_url": current["creative_url"] or "",
            "click_url": current["click_url"],
            "duration_seconds": current["duration_seconds"],
        }
