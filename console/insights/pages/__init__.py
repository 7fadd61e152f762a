"""/insights: executive dashboards (revenue, subscriptions, content, members, ads, moderation). The route only
wires the session and the frame to the view class (pages as components); `?tab=subscriptions` opens that tab
(an unknown or closed tab opens the first)."""

from __future__ import annotations

from nicegui import ui
from starlette.requests import Request

from console.staff.auth import SessionInfo
from console.staff.permissions import Permission, can
from console.ui.page import forbidden_content, staff_page

READERS = (Permission.INSIGHTS_READ, Permission.MODERATION_READ, Permission.ADS_READ)


def register() -> None:
    from console.insights.pages.view import InsightsView

    @staff_page("/insights", title="Insights")
    def insights_page(info: SessionInfo) -> None:
        if not any(can(info.actor, p) for p in READERS):
            forbidden_content()
            return
        request: Request = ui.context.client.request
        InsightsView(info.actor, tab=request.query_params.get("tab")).build()
