"""/ads/campaigns/{id}: one campaign. Its targeting and schedule, budget pacing (spent against planned, a progress
bar), its ads (state, check result, a link to their review; New ad, Edit and Submit for review for ad-ops), and the
delivery charts over a date range (last 30 days by default, at most 90) with the anomaly flags of those days."""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import Any

from nicegui import ui
from sqlalchemy.orm import Session

from console.actor import Actor
from console.ads.pages import charts
from console.ads.pages.ad_form import AdForm
from console.ads.pages.campaign_form import CampaignForm
from console.ads.pages.card_parts import targeting_text
from console.ads.pages.common import (
    CHECK_LABELS,
    FORMAT_LABELS,
    PACING_LABELS,
    check_badge,
    fact,
    money,
    state_badge,
)
from console.ads.service import ads as ad_service
from console.ads.service import stats
from console.db import session_scope, utc_today
from console.errors import ValidationFailed
from console.staff.permissions import Permission, can
from console.ui import theme
from console.ui.charts import plot, restyle
from console.ui.date_field import date_field
from console.ui.formatting import fmt_date
from console.ui.forms import show_errors
from console.ui.keymap import page_keys
from console.ui.work import call

DEFAULT_DAYS = 30
MAX_DAYS = 90
SUBMITTABLE = ("draft", "rejected")
PACING_STATUS = {
    "not_started": ("Not started", "grey-7"),
    "behind": ("Behind plan", "orange-8"),
    "on_track": ("On track", "positive"),
    "ahead": ("Ahead of plan", "primary"),
    "over_budget": ("Over budget", "negative"),
}


def parse_day(text: Any, field: str) -> date:
    try:
        return date.fromisoformat(str(text or "").strip())
    except ValueError:
        raise ValidationFailed({field: "must be a date like 2025-01-31"}) from None


def checked_range(start_text: Any, end_text: Any) -> tuple[date, date]:
    start, end = parse_day(start_text, "start"), parse_day(end_text, "end")
    if end < start:
        raise ValidationFailed({"end": "must be on or after the start date"})
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationFailed({"end": f"must be at most {MAX_DAYS} days from the start date"})
    return start, end


class CampaignPage:
    """One campaign: facts, pacing, ads, charts and anomalies."""

    def __init__(self, actor: Actor, campaign_id: int) -> None:
        self.actor, self.campaign_id = actor, campaign_id
        self.can_edit = can(actor, Permission.ADS_EDIT)
        with session_scope() as session:  # the first read: a missing campaign becomes the in-frame 404
            self.view, self.pacing = self.read(session)
        self.end = utc_today()
        self.start = self.end - timedelta(days=DEFAULT_DAYS - 1)
        self.chosen_range = False  # the last 30 days until the user shows other days
        self.days: list[stats.DayStats] | None = None

    def read(self, session: Session) -> tuple[stats.CampaignView, stats.Pacing]:
        view = stats.campaign_page(session, actor=self.actor, campaign_id=self.campaign_id)
        return view, stats.campaign_pacing(session, actor=self.actor, campaign_id=self.campaign_id)

    def build(self) -> None:
        self.host = ui.element("div")  # dialogs live here, outside the parts that refresh
        with ui.row().classes("items-center gap-3 w-full"):
            ui.link("← Review queue", "/ads").classes("text-sm")
            ui.link("Advertisers", "/ads/advertisers").classes("text-sm")
        self.header()
        with ui.row().classes("w-full items-stretch gap-4"):
            self.facts()
            self.pacing_part()
        self.ads_part()
        self.range_bar()
        self.charts_part()
        self.anomalies_part()
        keys = page_keys()
        keys.add("r", "Reload the campaign and its numbers", self.reload)
        if self.can_edit:
            keys.add("e", "Edit the campaign…", self.edit)
            keys.add("n", "New ad…", self.new_ad)
        ui.timer(0, self.load_stats, once=True)

    # --- parts -----------------------------------------------------------------------------------------------

    @ui.refreshable_method
    def header(self) -> None:
        campaign, advertiser = self.view.campaign, self.view.advertiser
        with ui.row().classes("items-center gap-3 w-full"):
            ui.label(campaign.name).classes("text-lg font-semibold break-all").mark("campaign-name")
            ui.label(f"for {advertiser.name}").classes("text-sm opacity-80").mark("campaign-advertiser")
            ui.space()
            if self.can_edit:
                ui.button("Edit campaign (e)", icon="edit", on_click=self.edit).props("dense flat no-caps").mark(
                    "campaign-edit"
                )
                ui.button("New ad (n)", icon="add", on_click=self.new_ad).props("dense unelevated no-caps").mark(
                    "campaign-new-ad"
                )

    @ui.refreshable_method
    def facts(self) -> None:
        c = self.view.campaign
        with ui.card().classes("gap-1 p-3 min-w-[320px]").mark("campaign-facts"):
            ui.label("Schedule and targeting").classes("font-semibold text-sm")
            with ui.grid(columns="auto 1fr").classes("gap-x-3 gap-y-0"):
                fact("Schedule", f"{fmt_date(c.starts_on)} to {fmt_date(c.ends_on)}", "campaign-schedule")
                fact("Budget", money(c.budget_cents, c.currency), "campaign-budget")
                fact("CPM bid", money(c.cpm_bid_cents, c.currency), "campaign-bid")
                fact("Pacing", PACING_LABELS.get(c.pacing, c.pacing))
                fact("Targeting", targeting_text(c), "campaign-targeting")

    @ui.refreshable_method
    def pacing_part(self) -> None:
        p = self.pacing
        label, colour = PACING_STATUS.get(p.status, (p.status, "grey-7"))
        share = 0.0 if not p.budget_cents else min(1.0, p.spent_cents / p.budget_cents)
        planned = 0.0 if not p.budget_cents else min(1.0, p.planned_cents / p.budget_cents)
        with ui.card().classes("gap-1 p-3 grow min-w-[320px]").mark("campaign-pacing"):
            with ui.row().classes("items-center gap-2"):
                ui.label("Budget pacing").classes("font-semibold text-sm")
                ui.badge(label).props(f"color={colour}").mark("campaign-pacing-status")
            ui.label(
                f"Spent {money(p.spent_cents, p.currency)} of {money(p.budget_cents, p.currency)}; "
                f"planned by today {money(p.planned_cents, p.currency)} (day {p.elapsed_days} of {p.total_days})"
            ).classes("text-sm").mark("campaign-pacing-text")
            ui.linear_progress(value=round(share, 4), show_value=False, size="14px").props(
                f"color={colour} track-color=grey-3 rounded"
            ).mark("campaign-pacing-bar")
            ui.label(f"Plan: {planned:.0%} of the budget by today · spent: {share:.0%}").classes("text-xs opacity-70")

    @ui.refreshable_method
    def ads_part(self) -> None:
        with ui.card().classes("w-full gap-1 p-3").mark("campaign-ads"):
            ui.label(f"Ads ({len(self.view.ads):,})").classes("font-semibold text-sm")
            if not self.view.ads:
                ui.label("No ads yet.").classes("text-sm opacity-70").mark("campaign-no-ads")
            for ad in self.view.ads:
                row = ui.row().classes("items-center gap-2 w-full border-b border-gray-200 py-1 no-wrap")
                with row.mark("campaign-ad"):
                    ui.label(f"#{ad.id}").classes("text-xs opacity-70 w-12")
                    ui.label(ad.name).classes("text-sm grow break-all").mark("campaign-ad-name")
                    ui.label(FORMAT_LABELS.get(ad.format, ad.format)).classes("text-xs w-40")
                    state_badge(ad.state).mark("campaign-ad-state")
                    check_badge(ad.check_state).mark("campaign-ad-check")
                    ui.link("Review", f"/ads?state=all&ad={int(ad.id)}").classes("text-sm").mark(
                        f"campaign-ad-review-{ad.id}"
                    )
                    if self.can_edit:
                        self.ad_buttons(ad)

    def ad_buttons(self, ad: Any) -> None:
        if ad.state == "ended":
            return  # an ended ad never runs again and cannot be edited
        ui.button("Edit", on_click=lambda a=ad: self.edit_ad(a)).props("dense flat no-caps").mark(f"ad-edit-{ad.id}")
        if ad.state in SUBMITTABLE:
            ui.button("Submit for review", on_click=lambda a=ad: self.submit(a)).props(
                "dense flat no-caps color=primary"
            ).mark(f"ad-submit-{ad.id}")
        if ad.state in ("approved", "running"):
            ui.button("Pause", on_click=lambda a=ad: self.transition(a, "pause")).props("dense flat no-caps").mark(
                f"ad-pause-{ad.id}"
            )
        if ad.state == "paused":
            ui.button("Resume", on_click=lambda a=ad: self.transition(a, "resume")).props("dense flat no-caps").mark(
                f"ad-resume-{ad.id}"
            )
        ui.button("End…", on_click=lambda a=ad: self.confirm_end(a)).props("dense flat no-caps color=negative").mark(
            f"ad-end-{ad.id}"
        )

    def range_bar(self) -> None:
        with ui.row().classes("items-end gap-2 w-full").mark("campaign-range"):
            ui.label("Delivery").classes("font-semibold text-sm self-center")
            self.start_input = date_field(
                "From", self.start.isoformat(), mark="campaign-range-start", props="dense outlined"
            )
            self.end_input = date_field("To", self.end.isoformat(), mark="campaign-range-end", props="dense outlined")
            ui.button("Show", on_click=self.apply_range).props("dense unelevated no-caps").mark("campaign-range-apply")
            ui.label(f"at most {MAX_DAYS} days; days are UTC").classes("text-xs opacity-60 self-center")

    @ui.refreshable_method
    def charts_part(self) -> None:
        if self.days is None:
            ui.label("Loading the numbers…").classes("text-sm opacity-70")
            return
        dark = theme.is_dark()
        with ui.row().classes("w-full gap-4 no-wrap"):
            for figure, mark in (
                (charts.counts_figure(self.days), "campaign-chart-counts"),
                (charts.rates_figure(self.days), "campaign-chart-rates"),
            ):
                drawn = plot(restyle(figure, dark=dark)).classes("w-1/2 h-[300px]").mark(mark)
                theme.on_change(drawn, functools.partial(self.recolour, drawn, figure))

    @staticmethod
    def recolour(drawn: ui.plotly, figure: dict[str, Any], dark: bool) -> None:
        """The theme flipped: recolour the chart in place, in the console's chart colours (charts.restyle)."""
        restyle(figure, dark=dark)
        drawn.update()

    @ui.refreshable_method
    def anomalies_part(self) -> None:
        if self.days is None:
            return
        flags = stats.anomalies(self.days)
        with ui.card().classes("w-full gap-1 p-3").mark("campaign-anomalies"):
            ui.label(f"Anomaly flags ({len(flags)})").classes("font-semibold text-sm")
            if not flags:
                ui.label("None in these days.").classes("text-sm opacity-70").mark("campaign-no-anomalies")
            for flag in flags:
                with ui.row().classes("items-start gap-2 no-wrap").mark(f"campaign-anomaly-{flag.kind}"):
                    ui.icon("report").classes("text-negative text-base")
                    ui.label(flag.day.isoformat()).classes("text-sm font-mono").mark("campaign-anomaly-day")
                    ui.label(flag.message).classes("text-sm")

    # --- handlers --------------------------------------------------------------------------------------------

    async def load_stats(self) -> None:
        start, end = self.start, self.end
        ok, days = await call(
            lambda s: stats.campaign_stats(s, actor=self.actor, campaign_id=self.campaign_id, start=start, end=end)
        )
        if ok and days is not None:
            self.days = days
            self.charts_part.refresh()
            self.anomalies_part.refresh()

    async def apply_range(self) -> None:
        fields = {"start": self.start_input, "end": self.end_input}
        for element in fields.values():
            element.error = None
        try:
            self.start, self.end = checked_range(self.start_input.value, self.end_input.value)
        except ValidationFailed as exc:
            show_errors(exc, fields)
            return
        self.chosen_range = True
        await self.load_stats()

    def follow_today(self) -> None:
        """A tab left open past midnight UTC: the default range moves on to end today (a chosen one stays)."""
        today = utc_today()
        if self.chosen_range or self.end == today:
            return
        self.end, self.start = today, today - timedelta(days=DEFAULT_DAYS - 1)
        self.start_input.value, self.end_input.value = self.start.isoformat(), self.end.isoformat()

    async def reload(self) -> None:
        ok, found = await call(self.read)
        if ok and found is not None:
            self.view, self.pacing = found
            for part in (self.header, self.facts, self.pacing_part, self.ads_part):
                part.refresh()
        self.follow_today()
        await self.load_stats()

    async def edit(self) -> None:
        if self.can_edit and await CampaignForm(self.actor, campaign=self.view.campaign, host=self.host).ask():
            await self.reload()

    async def new_ad(self) -> None:
        if self.can_edit and await AdForm(self.actor, campaign_id=self.campaign_id, host=self.host).ask():
            await self.reload()

    async def edit_ad(self, ad: Any) -> None:
        if self.can_edit and await AdForm(self.actor, campaign_id=self.campaign_id, ad=ad, host=self.host).ask():
            await self.reload()

    async def submit(self, ad: Any) -> None:
        ad_id, version = int(ad.id), int(ad.version)
        ok, done = await call(lambda s: ad_service.submit_ad(s, actor=self.actor, ad_id=ad_id, version=version))
        if ok and done is not None:
            checks = CHECK_LABELS.get(done.check_state or "", "not checked").lower()
            ui.notify(f"Ad #{ad_id} submitted for review ({checks}).", type="positive")
            await self.reload()

    async def transition(self, ad: Any, action: str) -> None:
        """Pause, resume or end one ad (the service checks the state and the version the page showed)."""
        service = {"pause": ad_service.pause_ad, "resume": ad_service.resume_ad, "end": ad_service.end_ad}[action]
        ad_id, version = int(ad.id), int(ad.version)
        ok, _done = await call(lambda s: service(s, actor=self.actor, ad_id=ad_id, version=version))
        if ok:
            done_word = {"pause": "paused", "resume": "live again", "end": "ended"}[action]
            ui.notify(f"#{ad_id} {done_word}.", type="positive")
        await self.reload()

    async def confirm_end(self, ad: Any) -> None:
        with self.host, ui.dialog() as dialog, ui.card().mark("ad-end-dialog"):  # not in the row a reload replaces
            ui.label(f"End ad #{int(ad.id)} “{ad.name}” for good? It will never run again and cannot be edited.")
            with ui.row().classes("justify-end w-full"):
                ui.button("Cancel", on_click=lambda: dialog.submit(False)).props("flat").mark("ad-end-cancel")
                ui.button("End ad", on_click=lambda: dialog.submit(True)).props("color=negative").mark("ad-end-confirm")
        confirmed = await dialog
        if not dialog.is_deleted:  # a reload of the list may have taken it with its parent already
            dialog.delete()
        if confirmed:
            await self.transition(ad, "end")


def campaign_route(actor: Actor, campaign_id: str) -> None:
    from console.errors import NotFound

    if not (campaign_id.isascii() and campaign_id.isdigit()) or len(campaign_id) > 12:
        raise NotFound("There is no campaign at this address.")
    CampaignPage(actor, int(campaign_id)).build()
