"""The ad-ops working area: /ads (the review queue with its review card), /ads/campaigns/{id} (a campaign: ads,
pacing, charts, anomalies), /ads/advertisers (advertisers and their campaigns, for ad-ops to create and edit) and
/ads/blocklist (click domains the pre-checks refuse). Each route only wires the session and the frame to a view
class (pages as components)."""

from __future__ import annotations

from console.staff.permissions import Permission
from console.ui.routes import actor_routes


def register() -> None:
    from console.ads.pages.advertisers import advertiser_route, advertisers_route
    from console.ads.pages.blocklist import blocklist_route
    from console.ads.pages.campaign import campaign_route
    from console.ads.pages.queue import queue_route

    actor_routes(
        Permission.ADS_READ,
        [
            ("/ads", "Ad review", queue_route),
            ("/ads/advertisers", "Advertisers", advertisers_route),
            ("/ads/advertisers/{advertiser_id}", "Advertiser", advertiser_route),
            ("/ads/campaigns/{campaign_id}", "Campaign", campaign_route),
            ("/ads/blocklist", "Click-domain blocklist", blocklist_route),
        ],
    )
