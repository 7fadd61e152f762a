"""Content, Members, Ads and Moderation tabs: helper O's ops service (console/insights/service/ops.py)."""

from __future__ import annotations

from console.insights.pages.specs import TabSpec
from console.insights.pages.tabs import EXEC
from console.staff.permissions import Permission


def ops_tabs() -> list[TabSpec]:
    return [
        TabSpec("content", "Content", EXEC),
        TabSpec("members", "Members", EXEC),
        TabSpec("ads", "Ads", (Permission.INSIGHTS_READ, Permission.ADS_READ)),
        TabSpec("moderation", "Moderation", (Permission.INSIGHTS_READ, Permission.MODERATION_READ)),
    ]
