"""Catalog pages: the routes of the video list (`list_pages.CatalogListView`: search, filters, column chooser, bulk
actions) and of the video editor (editor.py).
"""

from __future__ import annotations

from nicegui import ui

from console.catalog import editor
from console.catalog.list_pages.listing import CatalogListView
from console.catalog.list_pages.rows import int_param
from console.errors import NotFound
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission
from console.ui.page import staff_page


def register() -> None:
    """Registers /catalog, /catalog/new and /catalog/{video_id} (after /catalog/import, see web.py)."""

    @staff_page("/catalog", title="Catalog", permission=Permission.CATALOG_READ)
    def catalog_page(info: SessionInfo) -> None:
        CatalogListView(info.actor, ui.context.client.request.query_params).build()

    @staff_page("/catalog/new", title="New video", permission=Permission.CATALOG_EDIT)
    def new_video(info: SessionInfo) -> None:
        editor.build(info, None)

    @staff_page("/catalog/{video_id}", title="Video", permission=Permission.CATALOG_READ)
    def video_page(info: SessionInfo, video_id: str) -> None:
        # A str parameter: a non-numeric address gets the in-frame 404, not FastAPI's JSON 422.
        if int_param(video_id) is None or int(video_id) == 0:
            raise NotFound(f"There is no video #{video_id[:40]}.")
        editor.build(info, int(video_id))
