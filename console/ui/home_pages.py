"""The home route (the view is console/ui/home/: each role's work as counts, then its areas) and the in-frame 404
page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from console.staff.auth import SessionInfo
from console.ui.frame import frame, stylesheet
from console.ui.home.view import HomeView
from console.ui.page import not_found_content, staff_page


def register() -> None:
    @staff_page("/", title="Home")
    def home(info: SessionInfo) -> None:
        HomeView(info.actor, info.name).build()


async def not_found_handler(request: Request, exc: Exception) -> Response:
    """Unknown URLs: a 404 inside the frame for signed-in staff, a plain 404 page otherwise."""
    from nicegui import Client
    from nicegui.page import page

    info = getattr(request.state, "session_info", None)
    with Client(page(""), request=request) as client:
        if info is not None:
            with frame(info, title="Not found", active_path=request.url.path):
                not_found_content()
        else:
            stylesheet()
            not_found_content()
    return client.build_response(request, 404)
