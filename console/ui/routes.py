"""Routes that only wire the signed-in actor to a view: an area lists them as (address, title, route) and
`actor_routes` registers each under `staff_page` (the frame, the permission, refusals in the frame).

    actor_routes(Permission.ADS_READ, [("/ads", "Ad review", queue_route), ("/ads/campaigns/{campaign_id}", ...)])

`route(actor, *parameters)` gets the address's parameters in their order, as text (a non-numeric id is the route's
own in-frame 404, never FastAPI's JSON 422)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Sequence
from typing import Any

from console.staff.auth import SessionInfo
from console.staff.permissions import Permission
from console.ui.page import staff_page

Route = tuple[str, str, Callable[..., None]]


def actor_routes(permission: Permission, routes: Sequence[Route]) -> None:
    for path, title, route in routes:
        _register(path, title, permission, route)


def _register(path: str, title: str, permission: Permission, route: Callable[..., None]) -> None:
    names = re.findall(r"{(\w+)}", path)

    def page(info: SessionInfo, **params: str) -> None:
        route(info.actor, *(params[name] for name in names))

    # NiceGUI hands a page its address's parameters by the names in its signature.
    wired: Any = page
    wired.__signature__ = inspect.Signature(
        [
            inspect.Parameter("info", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=SessionInfo),
            *(inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=str) for name in names),
        ]
    )
    wired.__name__ = wired.__qualname__ = f"{route.__name__}_page"
    staff_page(path, title=title, permission=permission)(wired)
