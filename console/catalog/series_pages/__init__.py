"""Seasons & episodes page (/catalog/{video_id}/seasons) for a `series` video.

One dense column of seasons (expandable cards, by number). Each card edits its season inline (errors on the
fields, a stale save shows what is stored now and keeps the input), lists its episodes (number, title linking
to the episode's editor, state, duration) and adds episodes in a small dialog. Episodes move with the arrow
buttons or, with a row focused, Alt+ArrowUp / Alt+ArrowDown; "Renumber…" gives any free number or another
season. Everything goes through catalog/series.py; nothing here builds a query.

`view.SeasonsView` is the page, `season.SeasonEditor` a season's form, `dialogs` the new season / new episode /
renumber dialogs, `rows` what the page reads.
"""

from __future__ import annotations

from console.catalog.series_pages.view import SeasonsView
from console.errors import NotFound
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission
from console.ui.page import staff_page


def register() -> None:
    """Registers /catalog/{video_id}/seasons (before catalog_pages, see web.py)."""

    @staff_page("/catalog/{video_id}/seasons", title="Seasons & episodes", permission=Permission.CATALOG_READ)
    def seasons_page(info: SessionInfo, video_id: str) -> None:
        # A str parameter: a non-numeric address gets the in-frame 404, not FastAPI's JSON 422.
        if not (video_id.isascii() and video_id.isdigit() and len(video_id) < 19) or int(video_id) == 0:
            raise NotFound(f"There is no video #{video_id[:40]}.")
        SeasonsView(info.actor, int(video_id)).build()
