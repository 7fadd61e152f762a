"""The moderators' addresses: each wires the signed-in actor to its view (`console.ui.routes.actor_routes`)."""

from __future__ import annotations

from console.moderation.pages.appeals import appeals_route
from console.moderation.pages.case import case_route
from console.moderation.pages.queue import queue_route
from console.ui.routes import Route

ROUTES: list[Route] = [
    ("/moderation", "Moderation queue", queue_route),
    ("/moderation/appeals", "Appeals", appeals_route),
    ("/moderation/cases/{case_id}", "Case", case_route),
]
