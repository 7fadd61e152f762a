"""The ad-ops working area: /ads (the review queue with its review card), /ads/campaigns/{id} (a campaign: ads,
pacing, charts, anomalies), /ads/advertisers (advertisers and their campaigns, for ad-ops to create and edit) and
/ads/blocklist (click domains the pre-checks refuse). Each route (`routes.py`) only wires the session and the frame
to a view class (pages as components)."""

from __future__ import annotations

from console.staff.permissions import Permission
from console.ui.routes import actor_routes


def register() -> None:
    from console.ads.pages.routes import ROUTES

    actor_routes(Permission.ADS_READ, ROUTES)
