"""/ads/advertisers: the advertisers by name (searched on the server), with New advertiser… for ad-ops;
/ads/advertisers/{id}: one advertiser's facts and campaigns (newest first), with New campaign… for ad-ops."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from nicegui import ui

from console.actor import Actor
from console.ads.pages.campaign_form import CampaignForm
from console.ads.pages.common import ADVERTISER_STATUS_LABELS, PACING_LABELS, ListLook, ListTable, money, new_button
from console.ads.service import advertisers, campaigns
from console.db import session_scope
from console.errors import NotFound
from console.staff.permissions import Permission, can
from console.ui.dialogs import keyboard_ready, one_at_a_time
from console.ui.formatting import fmt_date, fmt_dt
from console.ui.forms import limit_length
from console.ui.paged_table import column, id_column
from console.ui.work import call

ADVERTISER_COLUMNS = [
    id_column(),
    column("name", "Name"),
    column("contact_email", "Contact"),
    column("website", "Website"),
    column("status", "Status"),
    column("created", "Created"),
]
CAMPAIGN_COLUMNS = [
    id_column(),
    column("name", "Campaign"),
    column("schedule", "Schedule"),
    column("budget", "Budget", "right"),
    column("bid", "CPM bid", "right"),
    column("pacing", "Pacing"),
]
LIMIT = 200
ADVERTISER_LIST = ListLook("advertiser-list", "No advertisers", opens="/ads/advertisers")
CAMPAIGN_LIST = ListLook("campaign-list", "No campaigns yet", opens="/ads/campaigns")
ADVERTISER_LABELS = {"name": "Name", "contact_email": "Contact e-mail", "website": "Website"}


class AdvertisersView:
    """The advertisers by name (searched on the server); a click opens one."""

    def __init__(self, actor: Actor, search: str = "") -> None:
        self.actor, self.initial_search = actor, search.strip()[:120]
        self.can_edit = can(actor, Permission.ADS_EDIT)

    def build(self) -> None:
        self.host = ui.element("div")
        with ui.row().classes("items-end gap-3 w-full"):
            ui.link("← Review queue", "/ads").classes("text-sm self-center")
            self.search = ui.input("Search by name", value=self.initial_search).props("dense clearable").classes("w-64")
            self.search.mark("advertiser-search")
            self.search.on("keydown.enter", self.load)
            self.search.on("clear", self.load)
            if self.can_edit:
                new_button("New advertiser", self.create, mark="advertiser-new")
        self.list = ListTable(ADVERTISER_COLUMNS, ADVERTISER_LIST, limit=LIMIT, fill=self.load)

    async def load(self) -> None:
        text = (self.search.value or "").strip()[:120] or None
        ok, found = await call(lambda s: advertisers.list_advertisers(s, actor=self.actor, search=text, limit=LIMIT))
        if ok and found is not None:
            self.list.show(
                [
                    {
                        "id": a.id,
                        "name": a.name,
                        "contact_email": a.contact_email or "",
                        "website": a.website or "",
                        "status": ADVERTISER_STATUS_LABELS.get(a.status, a.status),
                        "created": fmt_dt(a.created_at),
                    }
                    for a in found
                ]
            )

    async def create(self) -> None:
        if not self.can_edit:
            return
        created = await AdvertiserForm(self.actor, host=self.host).ask()
        if created is not None:
            self.list.open(created.id)


class AdvertiserForm:
    """New advertiser…: name, contact e-mail, website; `ask()` gives the created advertiser or None."""

    def __init__(self, actor: Actor, *, host: ui.element | None = None) -> None:
        self.actor = actor
        with host if host is not None and not host.is_deleted else nullcontext():
            self.dialog = ui.dialog().mark("advertiser-form-dialog")
        with self.dialog, ui.card().classes("min-w-[480px] gap-2").mark("advertiser-form"):
            ui.label("New advertiser").classes("text-lg font-semibold")
            self.fields: dict[str, Any] = {
                "name": ui.input("Name").props("dense outlined").classes("w-full").mark("advertiser-name-in"),
                "contact_email": ui.input("Contact e-mail")
                .props("dense outlined")
                .classes("w-full")
                .mark("advertiser-email-in"),
                "website": ui.input("Website (https)")
                .props("dense outlined")
                .classes("w-full")
                .mark("advertiser-website-in"),
            }
            limit_length(self.fields["name"], 120, "Name")
            submit = one_at_a_time(self.save)
            keyboard_ready(self.fields.values(), submit)
            self.summary = ui.label("").classes("text-negative text-sm").mark("advertiser-form-summary")
            self.summary.visible = False
            with ui.row().classes("justify-end w-full"):
                ui.button("Cancel", on_click=lambda: self.dialog.submit(None)).props("flat")
                ui.button("Create", on_click=submit).props("unelevated").mark("advertiser-form-save")

    async def ask(self) -> Any:
        try:
            return await self.dialog
        finally:
            if not self.dialog.is_deleted:
                self.dialog.delete()

    async def save(self) -> None:
        name, email, website = ((self.fields[k].value or "").strip() for k in ("name", "contact_email", "website"))
        ok, created = await call(
            lambda s: advertisers.create_advertiser(
                s, actor=self.actor, name=name, contact_email=email or None, website=website or None
            ),
            fields=self.fields,
            summary=self.summary,
            labels=ADVERTISER_LABELS,
        )
        if ok and created is not None:
            ui.notify("Advertiser created.", type="positive")
            self.dialog.submit(created)


class AdvertiserView:
    """One advertiser: its facts and its campaigns."""

    def __init__(self, actor: Actor, advertiser_id: int) -> None:
        self.actor, self.advertiser_id = actor, advertiser_id
        self.can_edit = can(actor, Permission.ADS_EDIT)
        with session_scope() as session:  # a missing advertiser becomes the in-frame 404
            self.advertiser = advertisers.get_advertiser(session, actor=actor, advertiser_id=advertiser_id)

    def build(self) -> None:
        self.host = ui.element("div")
        a = self.advertiser
        with ui.row().classes("items-center gap-3 w-full"):
            ui.link("← Advertisers", "/ads/advertisers").classes("text-sm")
            ui.label(a.name).classes("text-lg font-semibold break-all").mark("advertiser-name")
            ui.label(" · ".join(x for x in (a.contact_email, a.website) if x)).classes("text-sm opacity-80")
            if self.can_edit:
                new_button("New campaign", self.new_campaign, mark="campaign-new")
        self.list = ListTable(CAMPAIGN_COLUMNS, CAMPAIGN_LIST, limit=LIMIT, fill=self.load)

    async def load(self) -> None:
        ok, found = await call(
            lambda s: campaigns.list_campaigns(s, actor=self.actor, advertiser_id=self.advertiser_id, limit=LIMIT)
        )
        if ok and found is not None:
            self.list.show(
                [
                    {
                        "id": c.id,
                        "name": c.name,
                        "schedule": f"{fmt_date(c.starts_on)} to {fmt_date(c.ends_on)}",
                        "budget": money(c.budget_cents, c.currency),
                        "bid": money(c.cpm_bid_cents, c.currency),
                        "pacing": PACING_LABELS.get(c.pacing, c.pacing),
                    }
                    for c in found
                ]
            )

    async def new_campaign(self) -> None:
        if not self.can_edit:
            return
        form = CampaignForm(self.actor, advertiser_id=self.advertiser_id, host=self.host)
        if await form.ask() and form.saved is not None:
            self.list.open(form.saved.id)


def advertisers_route(actor: Actor) -> None:
    """`?q=` starts the list searched (the header's search sends ad-ops here)."""
    AdvertisersView(actor, ui.context.client.request.query_params.get("q") or "").build()


def advertiser_route(actor: Actor, advertiser_id: str) -> None:
    if not (advertiser_id.isascii() and advertiser_id.isdigit()) or len(advertiser_id) > 12:
        raise NotFound("There is no advertiser at this address.")
    AdvertiserView(actor, int(advertiser_id)).build()
