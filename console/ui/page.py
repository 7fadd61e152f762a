"""`staff_page`: a NiceGUI page inside the frame, for a signed-in staff member with a permission.

The middleware has already checked the session; this decorator checks the area's permission (the
service checks again) and renders a 403 inside the frame instead of the page when it is missing.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from nicegui import ui
from starlette.requests import Request

from console.errors import ConsoleError, Forbidden, NotFound
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission, can
from console.ui.formatting import bind_client_zone
from console.ui.frame import frame
from console.ui.later import later

T = TypeVar("T")


def forbidden_content(message: str | None = None) -> None:
    with ui.card().classes("max-w-xl"):
        ui.label("403 — Not allowed").classes("text-lg font-semibold text-negative").mark("forbidden")
        ui.label(message or "Your roles do not open this area. Ask an administrator if you need access.")
        ui.link("Back to Home", "/")


def not_found_content(message: str | None = None) -> None:
    with ui.card().classes("max-w-xl"):
        ui.label("404 — Not found").classes("text-lg font-semibold").mark("not-found")
        ui.label(
            message or "There is no page at this address. Use the navigation on the left or press ? for shortcuts."
        )
        ui.link("Back to Home", "/")


def refusal_content(exc: ConsoleError) -> None:
    """A service's refusal in place of the page's body: the in-frame 403 or 404, else the message."""
    if isinstance(exc, Forbidden):
        forbidden_content(exc.message)
    elif isinstance(exc, NotFound):
        not_found_content(exc.message)
    else:
        ui.label(exc.message).classes("text-negative")


def body_later(load: Callable[[], T], build: Callable[[T], None], *, marker: str) -> None:
    """A detail page's body read and built once the page is on screen (`ui.later`): the browser starts its scripts
    while the server reads, and the frame shows at once. A missing or forbidden item gets the in-frame 404/403."""
    later(load, build, marker=marker, placeholder_height="h-64", refused=refusal_content)


def staff_page(path: str, *, title: str, permission: Permission | None = None) -> Callable[..., Any]:
    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(func)
        params = [p for name, p in signature.parameters.items() if name != "info"]

        @functools.wraps(func)
        def wrapper(**kwargs: Any) -> None:
            request: Request = ui.context.client.request
            info: SessionInfo = request.state.session_info
            bind_client_zone(info.time_zone)  # fmt_dt shows this tab's times in the staff member's zone
            with frame(info, title=title, active_path=request.url.path):
                if permission is not None and not can(info.actor, permission):
                    forbidden_content()
                    return
                try:
                    func(info, **kwargs)
                except ConsoleError as exc:
                    refusal_content(exc)

        wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        del wrapper.__wrapped__  # NiceGUI must see the signature without `info`
        return ui.page(path, title=f"{title} · Staff Console")(wrapper)

    return decorator
