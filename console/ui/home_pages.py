"""Home (the areas a role may open, with today's numbers) and the in-frame 404 page."""

from __future__ import annotations

from nicegui import ui
from starlette.requests import Request
from starlette.responses import Response

from console.db import session_scope
from console.members.service import status_counts
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission, can
from console.ui.areas import allowed_areas
from console.ui.frame import frame
from console.ui.page import not_found_content, staff_page


def register() -> None:
    @staff_page("/", title="Home")
    def home(info: SessionInfo) -> None:
        ui.label(f"Signed in as {info.name}.").classes("text-sm opacity-80")
        with ui.row().classes("gap-3 flex-wrap"):
            for area in allowed_areas(info.actor):
                if area.path == "/":
                    continue
                with (
                    ui.card()
                    .classes("w-64 cursor-pointer area-card")
                    .on("click", lambda a=area: ui.navigate.to(a.path))
                ):
                    with ui.row().classes("items-center gap-2"):
                        ui.icon(area.icon).classes("text-2xl text-primary")
                        ui.label(area.label).classes("font-semibold")
                        ui.space()
                        ui.label(f"g {area.key}").classes("kbd text-xs")
                    ui.label(area.description).classes("text-xs opacity-70")
        if can(info.actor, Permission.MEMBERS_READ):
            with session_scope() as session:
                counts = status_counts(session, actor=info.actor)
            with ui.card():
                ui.label("Members by status").classes("font-semibold")
                with ui.row().classes("gap-6"):
                    for status, (count, estimated) in counts.items():
                        with (
                            ui.column()
                            .classes("gap-0 cursor-pointer")
                            .on("click", lambda s=status: ui.navigate.to(f"/members?status={s}"))
                        ):
                            ui.label(f"{'≈' if estimated else ''}{count:,}").classes("text-xl font-semibold").mark(
                                f"count-{status}"
                            )
                            ui.label(status).classes("text-xs opacity-70")


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
            ui.add_head_html('<link rel="stylesheet" href="/assets/console.css">')
            not_found_content()
    return client.build_response(request, 404)
