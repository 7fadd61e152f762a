"""`staff_page`: a NiceGUI page inside the frame, for a signed-in staff member with a permission.

The middleware has already checked the session; this decorator checks the area's permission (the
service checks again) and renders a 403 inside the frame instead of the page when it is missing.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


@contextmanager
def _framed(title: str, permission: Permission | None) -> Iterator[SessionInfo | None]:
    """The frame around a page; yields the session, or None after drawing the 403 for a missing permission."""
    request: Request = ui.context.client.request
    info: SessionInfo = request.state.session_info
    bind_client_zone(info.time_zone)  # fmt_dt shows this tab's times in the staff member's zone
    with frame(info, title=title, active_path=request.url.path):
        if permission is not None and not can(info.actor, permission):
            forbidden_content()
            yield None
        else:
            yield info


def staff_page(path: str, *, title: str, permission: Permission | None = None) -> Callable[..., Any]:
    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(func)
        params = [p for name, p in signature.parameters.items() if name != "info"]

        wrapper: Callable[..., Any]
        if inspect.iscoroutinefunction(func):  # a page that awaits its read (run.io_bound) before building

            async def wrapper(**kwargs: Any) -> None:
                with _framed(title, permission) as info:
                    if info is not None:
                        try:
                            await func(info, **kwargs)
                        except ConsoleError as exc:
                            refusal_content(exc)

        else:

            def wrapper(**kwargs: Any) -> None:
                with _framed(title, permission) as info:
                    if info is not None:
                        try:
                            func(info, **kwargs)
                        except ConsoleError as exc:
                            refusal_content(exc)

        functools.update_wrapper(wrapper, func)
        page: Any = wrapper
        page.__signature__ = signature.replace(parameters=params)
        del page.__wrapped__  # NiceGUI must see the signature without `info`
        return ui.page(path, title=f"{title} · Staff Console")(page)

    return decorator
