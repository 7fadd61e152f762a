"""The ad-ops working area: /ads (the review queue with its review card), /ads/campaigns/{id} (a campaign: ads,
pacing, charts, anomalies), /ads/advertisers (advertisers and their campaigns, for ad-ops to create and edit) and
/ads/blocklist (click domains the pre-checks refuse). Each route only wires the session and the frame to a view
class (pages as components)."""

from __future__ import annotations

from console.staff.auth import SessionInfo
from console.staff.permissions import Permission
from console.ui.page import staff_page


def register() -> None:
    from console.ads.pages.advertisers import advertiser_route, advertisers_route
    from console.ads.pages.blocklist import blocklist_route
    from console.ads.pages.campaign import campaign_route
    from console.ads.pages.queue import queue_route

    @staff_page("/ads", title="Ad review", permission=Permission.ADS_READ)
    def queue_page(info: SessionInfo) -> None:
        queue_route(info.actor)

    @staff_page("/ads/advertisers", title="Advertisers", permission=Permission.ADS_READ)
    def advertisers_page(info: SessionInfo) -> None:
        advertisers_route(info.actor)

    @staff_page("/ads/advertisers/{advertiser_id}", title="Advertiser", permission=Permission.ADS_READ)
    def advertiser_page(info: SessionInfo, advertiser_id: str) -> None:
        advertiser_route(info.actor, advertiser_id)

    @staff_page("/ads/campaigns/{campaign_id}", title="Campaign", permission=Permission.ADS_READ)
    def campaign_page(info: SessionInfo, campaign_id: str) -> None:
        campaign_route(info.actor, campaign_id)

    @staff_page("/ads/blocklist", title="Click-domain blocklist", permission=Permission.ADS_READ)
    def blocklist_page(info: SessionInfo) -> None:
        blocklist_route(info.actor)
