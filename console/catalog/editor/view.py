"""`EditorView`: one video in the editor. It reads the video once (`store.open_video`), builds the parts (header,
form, preview, performers, history) and owns what they share: the stored state (`view`, `version`, `saved`), the
save, the fill after a change, and the unsaved input kept in the browser (`DraftKeeper`)."""

from __future__ import annotations

from typing import Any

from nicegui import run, ui

from console.actor import Actor
from console.catalog.editor import store
from console.catalog.editor.collection_field import CollectionField
from console.catalog.editor.conflict_dialog import VideoConflict
from console.catalog.editor.form import VideoForm
from console.catalog.editor.header import EditorHeader
from console.catalog.editor.history import HistoryTab
from console.catalog.editor.performers import PerformerPicker
from console.catalog.editor.preview import PreviewCard, ThumbnailUpload
from console.catalog.editor.publishing import Publishing
from console.catalog.editor.values import FIELD_LABELS, element_values, form_values
from console.db import session_scope
from console.errors import Conflict, ConsoleError, ValidationFailed
from console.staff.permissions import Permission, can
from console.ui.drafts import BrowserDrafts, Draft, DraftKeeper
from console.ui.form_state import NOTHING_TO_SAVE, FormState
from console.ui.formatting import fmt_dt, in_viewer_zone
from console.ui.forms import clear_errors, report, show_errors
from console.ui.keymap import save_key
from console.ui.session import require_live_session


class EditorView:
    """The video editor (/catalog/new and /catalog/{id}): every field is sent to the service as typed; saves carry
    the version that was loaded, and a Conflict opens the side-by-side dialog with the typed input kept."""

    def __init__(self, actor: Actor, video_id: int | None) -> None:
        self.actor, self.video_id = actor, video_id
        self.can_edit = can(actor, Permission.CATALOG_EDIT)
        self.can_publish = can(actor, Permission.CATALOG_PUBLISH)
        with session_scope() as session:
            self.opening = store.open_video(session, actor, video_id)
        snap = self.opening.snap
        self.view: dict[str, Any] = snap["view"]
        self.version: int | None = self.view["version"]
        self.saved = form_values(self.view)
        self.saved_performers = [p["id"] for p in snap["performers"]]
        self.editable = self.can_edit and self.view["deleted_at"] is None
        self.busy = False

    # --- the parts ---------------------------------------------------------------------------------------------

    def build(self) -> None:
        publishing = Publishing(self)
        self.header = EditorHeader(editable=self.editable, can_publish=self.can_publish, can_edit=self.can_edit)
        self.header.build(
            self.video_id,
            save=self.save,
            publish=publishing.publish,
            schedule=publishing.schedule,
            unpublish=publishing.unpublish,
        )
        self.header.context(self.actor, self.view, self.opening.episode_of)
        self.summary = ui.label("").classes("text-negative text-sm whitespace-pre-line").mark("video-summary")
        self.summary.visible = False
        self.tabs()
        if self.editable:  # Ctrl+S (or ⌘S) saves from anywhere on the page, inputs included; the sheet lists it
            save_key(self.save, mark="editor-keys", description="Save the video")
        self.show(self.opening.snap)  # the fields already hold the stored values
        self.keep_drafts()

    def tabs(self) -> None:
        with ui.tabs().props("dense align=left no-caps").classes("w-full") as tabs:
            details_tab = ui.tab("details", label="Details").mark("tab-details")
            self.history_tab = ui.tab("history", label="History").mark("tab-history")
        if self.video_id is None:
            self.history_tab.set_visibility(False)
        with ui.tab_panels(tabs, value=details_tab).classes("w-full"):
            with ui.tab_panel(details_tab).classes("p-0"), ui.row().classes("w-full gap-4 items-start no-wrap"):
                self.details()
            with ui.tab_panel(self.history_tab).classes("p-0"):
                self.history = HistoryTab()
                self.history.build()

    def details(self) -> None:
        """The form on the left; the preview, the thumbnail upload and the performers on the right."""
        # Every field is built with its stored value: a value set after building reaches the browser after it
        # connects and would replace what was typed meanwhile (issue 8). Later fills go through `fill`.
        self.state = FormState(element_values(self.saved))
        opening = self.opening
        collection = CollectionField(
            self.actor,
            opening.collections,
            opening.collections_total,
            stored=self.view["collection_id"],
            own=opening.snap["collection"],
        )
        self.performers = PerformerPicker(self.actor, opening.snap["performers"], editable=self.editable)
        self.form = VideoForm(self.state, self.view, collection, on_preview=self.preview, on_count=self.performers.hint)
        self.form.build()
        if not self.editable:
            self.state.disable()
        self.performers.wanted = self.wanted_performers
        self.performers.on_change = lambda: self.drafts.changed()
        with ui.column().classes("w-80 gap-3 shrink-0"):
            self.preview_card = PreviewCard()
            self.preview_card.build()
            if self.editable:
                ThumbnailUpload(self.form.urls["thumbnail_url"], self.preview).build()
            self.performers.build()

    # --- showing a stored state ------------------------------------------------------------------------------

    def wanted_performers(self) -> int | None:
        count = self.form.performer_count.value
        return int(count) if isinstance(count, int | float) else None

    def dirty(self) -> bool:
        return bool(self.state.changed()) or self.performers.ids != self.saved_performers

    def collect(self) -> dict[str, Any]:
        return self.form.collect(self.saved["file_size_bytes"])

    def fill(
        self,
        snap: dict[str, Any],
        *,
        since: dict[str, Any] | None = None,
        since_performers: list[int] | None = None,
        discard_input: bool = False,
    ) -> None:
        """Show a stored state. A field touched since the page last filled it (or since `since`, what a save
        sent) keeps the user's value, unless the user chose to discard their input (`discard_input`)."""
        v = snap["view"]
        values = form_values(v)
        before = self.saved_performers if since_performers is None else since_performers
        self.view, self.version, self.saved = v, v["version"], values
        self.saved_performers = [p["id"] for p in snap["performers"]]
        self.form.collection.keep(v.get("collection_id"), snap.get("collection"))
        if discard_input:
            self.state.reset(element_values(values))
        else:
            kept = self.state.fill(element_values(values), since=since)
            if kept:
                names = ", ".join(dict.fromkeys(FIELD_LABELS.get(k, "Qualities") for k in kept))
                ui.notify(f"Kept what you typed meanwhile in: {names}.", type="info")
        clear_errors(self.form.fields)
        self.summary.visible = False
        if discard_input or self.performers.ids == before:
            self.performers.chosen[:] = list(snap["performers"])
        self.show(snap)

    def show(self, snap: dict[str, Any]) -> None:
        """The parts that are not fields: slug mode, performers, history, header, preview."""
        self.form.follow_title(self.view["state"])
        self.performers.show()
        self.history.show(snap["history"], snap.get("diffs"))
        self.history_tab.props(f'label="History ({len(snap["history"])})"')
        self.header.refresh(self.view)
        self.preview()

    def preview(self) -> None:
        if self.state.filling:
            return
        self.preview_card.show(self.state.values(), self.form.collection.chosen())

    # --- saving ------------------------------------------------------------------------------------------------

    async def save(self) -> None:
        """Create or update the video with the typed fields and the performers (one unit of work)."""
        if not self.editable or self.busy:
            return
        if self.video_id is not None and not self.dirty():
            ui.notify(NOTHING_TO_SAVE, type="info")
            return
        live = require_live_session()
        if live is None:
            return
        data = self.collect()
        if not self.form.slug_manual:
            data["slug"] = ""  # following the title: the service makes it and adds -2, -3 ... if it is taken
        sent, performer_ids = self.state.values(), self.performers.ids
        video_id, version = self.video_id, self.version

        def work() -> dict[str, Any]:
            with session_scope() as session:
                return store.save_video(
                    session, live.actor, video_id=video_id, version=version, data=data, performer_ids=performer_ids
                )

        self.busy = True
        clear_errors(self.form.fields)
        self.summary.visible = False
        try:
            snap = await run.io_bound(in_viewer_zone(work))
        except Conflict as exc:
            await VideoConflict(self, exc, data, performer_ids, merge=True).open()
            return
        except ValidationFailed as exc:
            show_errors(exc, self.form.fields, self.summary, labels=FIELD_LABELS)
            return
        except ConsoleError as exc:
            report(exc)
            return
        finally:
            self.busy = False
        if snap is not None:
            self.saved_as(snap, version, sent, performer_ids)

    def saved_as(self, snap: dict[str, Any], version: int | None, sent: dict[str, Any], ids: list[int]) -> None:
        if self.video_id is None:
            self.drafts.saved(leaving=True)
            ui.notify("Video created.", type="positive")
            ui.navigate.to(f"/catalog/{snap['view']['id']}")
            return
        stored_anything = snap["view"]["version"] != version
        self.fill(snap, since=sent, since_performers=ids)
        self.drafts.saved()
        if stored_anything:
            ui.notify("Saved.", type="positive")
        else:  # e.g. "60:00" for a stored "1:00:00": the service stored nothing, and the page says so
            ui.notify(f"{NOTHING_TO_SAVE} The stored video already has these values.", type="info")

    async def load_stored(self) -> dict[str, Any] | None:
        video_id = self.video_id
        if video_id is None:
            return None

        def work() -> dict[str, Any]:
            with session_scope() as session:
                return store.stored_video(session, self.actor, video_id)

        try:
            return await run.io_bound(in_viewer_zone(work))
        except ConsoleError as exc:
            report(exc)
            return None

    # --- unsaved changes: kept in this browser, offered back after a reload ------------------------------------

    def keep_drafts(self) -> None:
        key = f"{self.actor.staff_id}:video:{self.video_id if self.video_id is not None else 'new'}"
        self.drafts = DraftKeeper(
            BrowserDrafts(key),
            self.state,
            row_id=self.video_id,
            version=lambda: self.version,
            dirty=self.dirty,
            what="The video",
            extras=self.performers_now,
            stored_extras=lambda: {"performers": self.saved_performers},
            on_restore=self.restored,
        )
        if self.editable:
            self.drafts.start()

    def performers_now(self) -> dict[str, Any]:
        chosen = self.performers.chosen
        return {"performers": [p["id"] for p in chosen], "performer_names": {str(p["id"]): p["name"] for p in chosen}}

    async def restored(self, draft: Draft, outdated: bool) -> None:
        ids = draft.values.get("performers")
        names = draft.values.get("performer_names")
        names = names if isinstance(names, dict) else {}
        if isinstance(ids, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            self.performers.chosen[:] = [{"id": i, "name": str(names.get(str(i)) or f"#{i}")} for i in ids[:10]]
        self.show({"history": self.history.rows})
        if outdated:  # what a stale save does: both versions side by side, the input kept
            self.version = draft.version
            rows = self.history.rows
            who = rows[0]["who"] if rows else None
            message = (
                f"“{self.view['title']}” was changed by {who or 'someone else'} after your unsaved changes of "
                f"{fmt_dt(draft.saved_at)}. Compare them with the saved version and save again."
            )
            conflict = Conflict(message, current=self.view, changed_by=who)
            await VideoConflict(self, conflict, self.collect(), self.performers.ids).open()
