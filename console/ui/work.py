"""One service call in its own unit of work, off the event loop: what every page handler does.

    ok, refund = await call(lambda s: refunds.request_refund(s, actor=actor, ...), fields={"amount": amount})

`call` checks the session is still alive, runs the function in a `session_scope()` through `run.io_bound`, and
turns a service's refusal into a message (on the given fields, else a notification; `forms.guarded`).

    fresh = await read(load, actor, series_id)   # a page's read again after a change; None: refused or shutting down
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from nicegui import run
from sqlalchemy.orm import Session

from console.db import session_scope
from console.errors import ConsoleError
from console.ui.formatting import in_viewer_zone
from console.ui.forms import guarded, report
from console.ui.session import require_live_session_async

T = TypeVar("T")


def unit_of_work(fn: Callable[[Session], T]) -> Callable[[], T]:
    def work() -> T:
        with session_scope() as session:
            return fn(session)

    return work


async def call(fn: Callable[[Session], T], **guard: Any) -> tuple[bool, T | None]:
    """One service call in its own unit of work, off the event loop; refusals become messages (forms.guarded)."""
    if await require_live_session_async() is None:
        return False, None
    return await guarded(lambda: run.io_bound(in_viewer_zone(unit_of_work(fn))), **guard)


async def call_own(fn: Callable[[], T], **guard: Any) -> tuple[bool, T | None]:
    """`call` for a service that opens its own units of work (it commits before and after a provider call)."""
    if await require_live_session_async() is None:
        return False, None
    return await guarded(lambda: run.io_bound(in_viewer_zone(fn)), **guard)


async def read(fn: Callable[..., T], *args: Any) -> T | None:
    """`fn(*args)`, a page's loader that opens its own unit of work, off the event loop. A refusal is reported
    (`forms.report`) and gives None, as does an app that is shutting down (`run.io_bound` then returns None)."""
    try:
        return await run.io_bound(in_viewer_zone(fn), *args)
    except ConsoleError as exc:
        report(exc)
        return None
