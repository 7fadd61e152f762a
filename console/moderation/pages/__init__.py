"""The moderators' working area: /moderation (the queue), /moderation/cases/{id} (one case) and
/moderation/appeals. Each route only wires the session and the frame to a view class (pages as components)."""

from __future__ import annotations

from console.staff.auth import SessionInfo
from console.staff.permissions import Permission
from console.ui.page import staff_page


def register() -> None:
    from console.moderation.pages.appeals import appeals_route
    from console.moderation.pages.case import case_route
    from console.moderation.pages.queue import queue_route

    @staff_page("/moderation", title="Moderation queue", permission=Permission.MODERATION_READ)
    def queue_page(info: SessionInfo) -> None:
        queue_route(info.actor)

    @staff_page("/moderation/appeals", title="Appeals", permission=Permission.MODERATION_READ)
    def appeals_page(info: SessionInfo) -> None:
        appeals_route(info.actor)

    @staff_page("/moderation/cases/{case_id}", title="Case", permission=Permission.MODERATION_READ)
    def case_page(info: SessionInfo, case_id: str) -> None:
        case_route(info.actor, case_id)
