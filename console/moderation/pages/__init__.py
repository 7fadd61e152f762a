"""The moderators' working area: /moderation (the queue), /moderation/cases/{id} (one case) and
/moderation/appeals. Each route (`routes.py`) only wires the session and the frame to a view class (pages as
components)."""

from __future__ import annotations

from console.staff.permissions import Permission
from console.ui.routes import actor_routes


def register() -> None:
    from console.moderation.pages.routes import ROUTES

    actor_routes(Permission.MODERATION_READ, ROUTES)
