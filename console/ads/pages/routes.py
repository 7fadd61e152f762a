"""The ad-ops area's addresses: each wires the signed-in actor to its view (`console.ui.routes.actor_routes`)."""

from __future__ import annotations

from console.ads.pages.advertisers import advertiser_route, advertisers_route
from console.ads.pages.blocklist import blocklist_route
from console.ads.pages.campaign import campaign_route
from console.ads.pages.queue import queue_route
from console.ui.routes import Route

ROUTES: list[Route] = [
    ("/ads", "Ad review", queue_route),
    ("/ads/advertisers", "Advertisers", advertisers_route),
    ("/ads/advertisers/{advertiser_id}", "Advertiser", advertiser_route),
    ("/ads/campaigns/{campaign_id}", "Campaign", campaign_route),
    ("/ads/blocklist", "Click-domain blocklist", blocklist_route),
]
