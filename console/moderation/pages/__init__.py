"""The moderators' working area: /moderation (the queue), /moderation/cases/{id} (one case) and
/moderation/appeals. Each route only wires the session and the frame to a view class (pages as components)."""

from __future__ import annotations

from console.staff.permissions import Permission
from console.ui.routes import actor_routes


def register() -> None:
    from console.moderation.pages.appeals import appeals_route
    from console.moderation.pages.case import case_route
    from console.moderation.pages.queue import queue_route

    actor_routes(
        Permission.MODERATION_READ,
        [
            ("/moderation", "Moderation queue", queue_route),
            ("/moderation/appeals", "Appeals", appeals_route),
            ("/moderation/cases/{case_id}", "Case", case_route),
        ],
    )
