"""The tabs of /insights, in order: each tab's key and label, who may open it, and what it shows (built by
tabs_money.py and tabs_ops.py over the services, console/insights/service/money.py and ops.py).

A tab shows only when the actor holds one of its permissions: INSIGHTS_READ opens every tab; MODERATION_READ also
opens Moderation and ADS_READ also opens Ads. The services check their own permission again.
"""

from __future__ import annotations

from collections.abc import Callable

from console.insights.pages import tabs_money, tabs_ops
from console.insights.pages.specs import EXEC, Shows, TabSpec
from console.staff.permissions import Permission

TABS: tuple[tuple[str, str, tuple[Permission, ...], Callable[[], Shows]], ...] = (
    ("revenue", "Revenue", EXEC, tabs_money.revenue_tab),
    ("subscriptions", "Subscriptions", EXEC, tabs_money.subscriptions_tab),
    ("content", "Content", EXEC, tabs_ops.content_tab),
    ("members", "Members", EXEC, tabs_ops.members_tab),
    ("ads", "Ads", (Permission.INSIGHTS_READ, Permission.ADS_READ), tabs_ops.ads_tab),
    ("moderation", "Moderation", (Permission.INSIGHTS_READ, Permission.MODERATION_READ), tabs_ops.moderation_tab),
)


def all_tabs() -> list[TabSpec]:
    found = []
    for key, label, permissions, build in TABS:
        shows = build()
        found.append(TabSpec(key, label, permissions, kpis=shows.kpis, charts=shows.charts, notes=shows.notes))
    return found


def tabs_for(actor: object) -> list[TabSpec]:
    return [t for t in all_tabs() if t.readable_by(actor)]  # type: ignore[arg-type]
