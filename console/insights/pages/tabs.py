"""The tabs of /insights, in order, wired to the services (console/insights/service/money.py and ops.py).

A tab shows only when the actor holds one of its permissions: INSIGHTS_READ opens every tab; MODERATION_READ also
opens Moderation and ADS_READ also opens Ads. The services check their own permission again.
"""

from __future__ import annotations

from console.insights.pages import tabs_money, tabs_ops
from console.insights.pages.specs import TabSpec


def all_tabs() -> list[TabSpec]:
    return [
        tabs_money.revenue_tab(),
        tabs_money.subscriptions_tab(),
        *tabs_ops.ops_tabs(),
    ]


def tabs_for(actor: object) -> list[TabSpec]:
    return [t for t in all_tabs() if t.readable_by(actor)]  # type: ignore[arg-type]
