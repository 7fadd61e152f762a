"""`staff_page`: a NiceGUI page inside the frame, for a signed-in staff member with a permission.

The middleware has already checked the session; this decorator checks the area's permission (the
service checks again) and renders a 403 inside the frame instead of the page when it is missing.

`read=` is for a page whose first answer needs data (a form's stored values): the read starts in a worker thread
before the frame is built, so the database's answer overlaps the frame's construction instead of following it.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from nicegui import run, ui
from starlette.requests import Request

from console.errors import ConsoleError, Forbidden, NotFound
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission, can
from console.ui.formatting import bind_client_zone, in_viewer_zone
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
def _framed(
    title: str, permission: Permission | None, early: Callable[[SessionInfo], Any] | None = None
) -> Iterator[Any]:
    """The frame around a page; yields the session (or `early(session)`'s result, started before the frame is
    built), or None after drawing the 403 for a missing permission."""
    request: Request = ui.context.client.request
    info: SessionInfo = request.state.session_info
    bind_client_zone(info.time_zone)  # fmt_dt shows this tab's times in the staff member's zone
    permitted = permission is None or can(info.actor, permission)
    started = early(info) if early is not None and permitted else info
    with frame(info, title=title, active_path=request.url.path):
        if not permitted:
            forbidden_content()
            yield None
        else:
            yield started


def _read_first(
    func: Callable[..., Any], read: Callable[..., Any], title: str, permission: Permission | None
) -> Callable[..., Any]:
    """`func(info, data, **kwargs)` after `data = read(actor, **kwargs)` in a worker thread started before the
    frame; a refusal from the read (NotFound, Forbidden) is drawn in the frame."""

    async def wrapper(**kwargs: Any) -> None:
        def start(info: SessionInfo) -> tuple[SessionInfo, asyncio.Future[Any]]:
            return info, asyncio.ensure_future(run.io_bound(in_viewer_zone(read), info.actor, **kwargs))

        with _framed(title, permission, start) as started:
            if started is not None:
                info, pending = started
                try:
                    data = await pending
                    if data is not None:  # None: shutting down
                        func(info, data, **kwargs)
                except ConsoleError as exc:
                    refusal_content(exc)

    return wrapper


def staff_page(
    path: str, *, title: str, permission: Permission | None = None, read: Callable[..., Any] | None = None
) -> Callable[..., Any]:
    """A page in the frame. Its function takes `info` (and `data`, the result of `read(actor, **params)`, when a
    read is given) and the path's parameters; a ConsoleError it raises is drawn as the in-frame refusal."""

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(func)
        params = [p for name, p in signature.parameters.items() if name not in ("info", "data")]

        wrapper: Callable[..., Any]
        if read is not None:
            wrapper = _read_first(func, read, title, permission)
        elif inspect.iscoroutinefunction(func):  # a page that awaits its read (run.io_bound) before building

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
