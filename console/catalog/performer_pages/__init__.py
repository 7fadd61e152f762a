"""Performers directory and profile editor: bio, photos with a primary photo, social links, their videos.

`listing.PerformersView` is the directory (search, server-side pages, rows that open the profile) with the
"New performer" dialog (`dialogs`); `profile.PerformerProfileView` is one performer's page, its sections in
`profile_form`, `gallery` and `links`; `rows` holds what the pages read.
"""

from __future__ import annotations

from nicegui import ui
from starlette.requests import Request

from console.catalog.performer_pages.listing import PerformersView
from console.catalog.performer_pages.profile import PerformerProfileView
from console.errors import NotFound
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission
from console.ui.page import staff_page


def register() -> None:
    @staff_page("/performers", title="Performers", permission=Permission.CATALOG_READ)
    def performers_page(info: SessionInfo) -> None:
        request: Request = ui.context.client.request
        PerformersView(info.actor, request.query_params.get("q")).build()

    @staff_page("/performers/{performer_id}", title="Performer", permission=Permission.CATALOG_READ)
    def performer_profile(info: SessionInfo, performer_id: str) -> None:
        # A str parameter: a non-numeric address gets the in-frame 404, not FastAPI's JSON 422.
        if not (performer_id.isascii() and performer_id.isdigit()):
            raise NotFound(f"There is no performer #{performer_id[:40]}.")
        PerformerProfileView(info.actor, int(performer_id)).build()
