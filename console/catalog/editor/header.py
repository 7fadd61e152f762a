"""The editor's top: the title, state and version, the Save and publishing buttons, the status line, the series
links, the 2257 links and the notices (deleted, read only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

from console.actor import Actor
from console.catalog.series import EpisodeContext
from console.catalog.state_look import VIDEO_STATE_LABELS, state_colour
from console.ui.filter_bar import list_address
from console.ui.formatting import fmt_dt

Handler = Callable[[], Any]


class EditorHeader:
    """Built once; `refresh(view)` shows a stored state in it."""

    def __init__(self, *, editable: bool, can_publish: bool, can_edit: bool) -> None:
        self.editable, self.can_publish, self.can_edit = editable, can_publish, can_edit
        self.publish_btn: ui.button | None = None
        self.schedule_btn: ui.button | None = None
        self.unpublish_btn: ui.button | None = None

    def build(
        self, video_id: int | None, *, save: Handler, publish: Handler, schedule: Handler, unpublish: Handler
    ) -> None:
        with ui.row().classes("items-center gap-2 w-full no-wrap"):
            ui.link("← Catalog", list_address("/catalog")).classes("text-sm shrink-0")
            self.heading = ui.label("").classes("text-lg font-semibold truncate min-w-0").mark("video-heading")
            self.state_badge = ui.badge("").classes("shrink-0").mark("video-state")
            self.version_label = ui.label("").classes("text-xs opacity-60 shrink-0").mark("video-version")
            ui.space()
            if self.editable:
                ui.button("Save", icon="save", on_click=save).props("unelevated color=primary dense").tooltip(
                    "Ctrl+S"
                ).mark("video-save")
            if self.can_publish and video_id is not None:
                self.publishing_buttons(publish, schedule, unpublish)
        self.status_line = ui.label("").classes("text-xs opacity-70").mark("video-status-line")

    def publishing_buttons(self, publish: Handler, schedule: Handler, unpublish: Handler) -> None:
        self.publish_btn = (
            ui.button("Publish", icon="public", on_click=publish)
            .props("outline dense color=positive")
            .mark("video-publish")
        )
        self.schedule_btn = (
            ui.button("Schedule…", icon="schedule", on_click=schedule).props("outline dense").mark("video-schedule")
        )
        self.unpublish_btn = (
            ui.button("Unpublish", icon="public_off", on_click=unpublish)
            .props("outline dense color=warning")
            .mark("video-unpublish")
        )

    def context(self, actor: Actor, view: dict[str, Any], episode_of: EpisodeContext | None) -> None:
        """Where the video sits: its seasons or its series, its 2257 production, and whether it can be edited."""
        video_id = view["id"]
        if view["kind"] == "series" and video_id is not None:  # seasons and episodes live on their own page
            ui.link("Seasons & episodes →", f"/catalog/{video_id}/seasons").classes("text-sm").mark("video-seasons")
        elif episode_of is not None:
            with ui.row().classes("items-center gap-1 text-sm").mark("video-episode-of"):
                ui.label(f"Episode {episode_of.episode_number} of Season {episode_of.season_number} of")
                ui.link(episode_of.series_title, f"/catalog/{episode_of.series_id}/seasons").classes(
                    "min-w-0 [overflow-wrap:anywhere]"
                ).mark("video-series-link")
        if video_id is not None:  # 2257: the production (legal readers) and the statement to copy (every role)
            from console.compliance.production_pages import video_compliance_links

            video_compliance_links(actor, video_id)
        if view["deleted_at"] is not None:
            ui.label(
                "This video is deleted: restore it from the catalog list (Include deleted → Restore) to edit it."
            ).classes("text-warning text-sm").mark("video-deleted")
        elif not self.can_edit:
            ui.label("Read only: your roles can view the catalog but not change it.").classes(
                "text-sm opacity-70"
            ).mark("video-read-only")

    def refresh(self, v: dict[str, Any]) -> None:
        title = v["title"] or "New video"
        self.heading.text = title
        self.heading.props["title"] = title  # cut with an ellipsis when long: the whole title on hover
        state = VIDEO_STATE_LABELS.get(v["state"], v["state"])
        self.state_badge.text = state + (" · deleted" if v["deleted_at"] is not None else "")
        self.state_badge.props(f"color={'negative' if v['deleted_at'] else state_colour(v['state'])}")
        self.version_label.text = f"#{v['id']} · version {v['version']}" if v["id"] else "not saved yet"
        bits = []
        if v.get("published_at"):
            bits.append(f"published {fmt_dt(v['published_at'])}")
        if v.get("publish_at"):
            bits.append(f"scheduled for {fmt_dt(v['publish_at'])}")
        self.status_line.text = " · ".join(bits)
        if self.publish_btn is not None and self.schedule_btn is not None and self.unpublish_btn is not None:
            live = v["deleted_at"] is None
            self.publish_btn.set_visibility(v["state"] != "published" and live)
            self.schedule_btn.set_visibility(v["state"] != "published" and live)
            self.unpublish_btn.set_visibility(v["state"] in ("published", "scheduled"))
