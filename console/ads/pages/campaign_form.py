"""New campaign… / Edit campaign…: a dialog with the campaign's name, budget and CPM bid as money, dates, pacing,
targeting (countries, regions, plans) and the frequency cap. The service validates; its messages land on the
fields and the dialog stays open with the input. A stale edit shows who changed what and keeps the input. Saving
a targeting change on a campaign with approved ads sends those ads back to review (the dialog says so)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from types import SimpleNamespace
from typing import Any

import pycountry
from nicegui import ui
from nicegui.events import ValueChangeEventArguments

from console.actor import Actor
from console.ads.pages.common import PACING_LABELS, money_input
from console.ads.service import campaigns
from console.billing.models import PLAN_CODES
from console.billing.money import parse_money
from console.db import utc_today
from console.errors import Conflict, ValidationFailed
from console.ui.date_field import date_field
from console.ui.dialog_draft import draft_key
from console.ui.form_dialog import FormDialog
from console.ui.forms import as_typed, limit_length, number_input
from console.ui.work import unit_of_work

COUNTRIES = {c.alpha_2: f"{c.name} ({c.alpha_2})" for c in sorted(pycountry.countries, key=lambda c: c.name)}
LABELS = {
    "name": "Name",
    "budget_cents": "Budget",
    "cpm_bid_cents": "CPM bid",
    "pacing": "Pacing",
    "starts_on": "Start",
    "ends_on": "End",
    "target_countries": "Countries",
    "target_regions": "Regions",
    "target_plans": "Plans",
    "frequency_cap_per_day": "Frequency cap",
}
TARGETING = ("target_countries", "target_regions", "target_plans")
REGIONS_HINT = "ISO 3166-2 codes like DE-BY or US-CA; press Enter after each"


def drop_blank_chips(e: ValueChangeEventArguments) -> None:
    """An entry of only spaces is no region: it is removed instead of showing as an empty chip."""
    kept = [v for v in e.value or [] if str(v).strip()]
    if kept != list(e.value or []) and isinstance(e.sender, ui.input_chips):
        e.sender.value = kept


def form_values(campaign: Any | None) -> dict[str, Any]:
    """What the fields start with: the stored campaign, or a new one's defaults."""
    if campaign is None:
        today = utc_today().isoformat()
        return {
            "name": "",
            "budget_cents": "",
            "cpm_bid_cents": "",
            "pacing": "even",
            "starts_on": today,
            "ends_on": today,
            "target_countries": [],
            "target_regions": [],
            "target_plans": [],
            "frequency_cap_per_day": None,
        }
    return {
        "name": campaign.name,
        "budget_cents": money_input(campaign.budget_cents, campaign.currency),
        "cpm_bid_cents": money_input(campaign.cpm_bid_cents, campaign.currency),
        "pacing": campaign.pacing,
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "target_countries": list(campaign.target_countries or []),
        "target_regions": list(campaign.target_regions or []),
        "target_plans": list(campaign.target_plans or []),
        "frequency_cap_per_day": campaign.frequency_cap_per_day,
    }


def to_service(raw: dict[str, Any], currency: str, *, dates_changed: bool = True) -> dict[str, Any]:
    """The typed values as the service takes them: money in cents, dates, lists. ValidationFailed names every field
    that is wrong at once: what cannot be parsed here, and what the service would refuse in the rest."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = dict(raw)
    for name in ("budget_cents", "cpm_bid_cents"):
        try:
            values[name] = parse_money(raw.get(name), currency=currency, field=name)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    for name in ("starts_on", "ends_on"):
        try:
            values[name] = date.fromisoformat(str(raw.get(name) or "").strip())
        except ValueError:
            errors[name] = "must be a date like 2025-01-31"
    values["frequency_cap_per_day"] = as_typed(raw.get("frequency_cap_per_day"))  # the service refuses 2.5
    values["name"] = str(raw.get("name") or "")
    if errors:
        stand_ins = _stand_ins(values, errors)
        found = campaigns.problems(stand_ins | {"currency": currency}, dates_changed=dates_changed)
        raise ValidationFailed(found | errors)
    return values


def _stand_ins(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """`values` with an acceptable stand-in for each field already refused, so the service's check of the rest
    adds no second message about them (an unreadable date takes the other date, or today)."""
    dates = [values[n] for n in ("starts_on", "ends_on") if n not in errors] or [utc_today()]
    stand_in = {"budget_cents": 100_000, "cpm_bid_cents": 100, "starts_on": dates[0], "ends_on": dates[-1]}
    return values | {name: stand_in[name] for name in errors if name in stand_in}


class CampaignForm(FormDialog):
    """The campaign dialog; `ask()` is True once a save succeeded. Create with `advertiser_id`, edit with
    `campaign`."""

    saved_message = "Campaign saved."

    def __init__(
        self, actor: Actor, *, campaign: Any = None, advertiser_id: int | None = None, host: ui.element | None = None
    ) -> None:
        self.actor, self.campaign, self.advertiser_id = actor, campaign, advertiser_id
        self.currency = campaign.currency if campaign is not None else "USD"
        self.start = form_values(campaign)
        super().__init__(
            "Edit campaign" if campaign else "New campaign",
            labels=LABELS,
            kind="campaign",
            row=campaign,
            host=host,
            draft=draft_key(actor, "campaign", campaign.id if campaign is not None else f"new-for-{advertiser_id}"),
        )

    def body(self) -> None:
        self.build_fields()

    def build_fields(self) -> None:
        v = self.start
        f: dict[str, Any] = {}
        f["name"] = ui.input("Name", value=v["name"]).props("dense outlined").classes("w-full").mark("campaign-name-in")
        limit_length(f["name"], 200, "Name")
        with ui.row().classes("w-full gap-2 no-wrap"):
            f["budget_cents"] = self.text(f"Budget ({self.currency})", v["budget_cents"], "campaign-budget-in")
            f["cpm_bid_cents"] = self.text(f"CPM bid ({self.currency})", v["cpm_bid_cents"], "campaign-bid-in")
            f["pacing"] = ui.select(PACING_LABELS, value=v["pacing"], label="Pacing").props("dense outlined")
            f["pacing"].classes("grow").mark("campaign-pacing-in")
        with ui.row().classes("w-full gap-2 no-wrap"):
            f["starts_on"] = date_field(
                "Start", v["starts_on"], mark="campaign-start-in", classes="w-44", props="dense outlined"
            )
            f["ends_on"] = date_field(
                "End", v["ends_on"], mark="campaign-end-in", classes="w-44", props="dense outlined"
            )
            f["frequency_cap_per_day"] = (
                number_input(  # a short label: the unit is the suffix, so nothing is cut off in the row
                    "Frequency cap",
                    value=v["frequency_cap_per_day"],
                    props='dense outlined clearable suffix="per member a day"',
                )
                .classes("grow")
                .mark("campaign-cap-in")
            )
        f["target_countries"] = (
            ui.select(
                COUNTRIES,
                value=v["target_countries"],
                label="Countries (none: everywhere)",
                multiple=True,
                with_input=True,
            )
            .props("dense outlined use-chips")
            .classes("w-full")
            .mark("campaign-countries-in")
        )
        f["target_regions"] = (
            ui.input_chips(
                "Regions (none: all)",
                value=v["target_regions"],
                new_value_mode="add-unique",
                on_change=drop_blank_chips,
            )
            .props(f'dense outlined hint="{REGIONS_HINT}"')
            .classes("w-full")
            .mark("campaign-regions-in")
        )
        f["target_plans"] = (
            ui.select(
                {p: p.capitalize() for p in PLAN_CODES},
                value=v["target_plans"],
                label="Plans (none: all)",
                multiple=True,
            )
            .props("dense outlined use-chips")
            .classes("w-full")
            .mark("campaign-plans-in")
        )
        if self.campaign is not None:
            ui.label("Changing the targeting sends this campaign's approved ads back to review.").classes(
                "text-xs text-orange-9"
            ).mark("campaign-requeue-note")
        self.fields = f

    @staticmethod
    def text(label: str, value: str, mark: str) -> ui.input:
        return ui.input(label, value=value).props("dense outlined inputmode=decimal").classes("w-40").mark(mark)

    def work(self) -> Callable[[], Any]:
        typed, base = self.typed(), self.form.base
        moved = self.campaign is None or any(typed[n] != base[n] for n in ("starts_on", "ends_on"))
        values = to_service(typed, self.currency, dates_changed=moved)
        if self.campaign is None:
            advertiser_id = int(self.advertiser_id or 0)
            return unit_of_work(
                lambda s: campaigns.create_campaign(
                    s, actor=self.actor, advertiser_id=advertiser_id, currency=self.currency, **values
                )
            )
        stored = to_service(base, self.currency)  # what the fields showed: stored now after a conflict
        changes = {k: v for k, v in values.items() if v != stored.get(k)}
        campaign_id, version = int(self.campaign.id), int(self.version or 0)
        return unit_of_work(
            lambda s: campaigns.update_campaign(
                s, actor=self.actor, campaign_id=campaign_id, version=version, **changes
            )
        )

    def stored_now(self, exc: Conflict) -> dict[str, Any] | None:
        return form_values(SimpleNamespace(**exc.current)) if "starts_on" in exc.current else None
