"""Parts of the review card that only show what was read: the pre-check results, the campaign and advertiser
facts, the decision history. Everything is plain text (labels escape it)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from nicegui import ui

from console.ads.pages.common import PACING_LABELS, TYPE_LABELS, fact, money, reasons_text
from console.ui.formatting import fmt_date, fmt_dt
from console.ui.paged_table import column

LEVEL_STYLE = {
    "fail": ("cancel", "text-negative", "Hard check failed"),
    "warn": ("warning", "text-orange-9", "Warning"),
    "skipped": ("remove_circle_outline", "text-grey-7", "Not checked"),
    "ok": ("check_circle", "text-positive", "Passed"),
}


def check_dict(result: Any) -> dict[str, Any]:
    """A check result as a dict, whether the service gave a CheckResult or the stored JSON."""
    if isinstance(result, dict):
        return result
    return {name: getattr(result, name, None) for name in ("code", "level", "ok", "message", "skipped")}


CHECK_NAMES = {  # each pre-check's code (console/ads/checks*.py) in words
    "budget": "Budget and bid",
    "click_domain": "Click domain",
    "click_url": "Click URL",
    "creative_by_url": "Creative address",
    "creative_content": "Creative file",
    "creative_url": "Creative URL",
    "dates": "Campaign dates",
    "file_weight": "File size",
    "image_size": "Image size",
    "landing_page": "Landing page",
    "pacing": "Pacing",
    "video_duration": "Video length",
    "video_poster": "Video poster",
}


def outcome(result: dict[str, Any]) -> str:
    if result.get("skipped"):
        return "skipped"
    if result.get("ok"):
        return "ok"
    return "fail" if result.get("level") == "hard" else "warn"


def hard_failures(results: Iterable[Any]) -> list[dict[str, Any]]:
    return [r for r in map(check_dict, results) if outcome(r) == "fail"]


def checks(results: list[Any], *, submitted: bool) -> None:
    """Hard failures first (red), then warnings, skipped checks (saying why) and passes."""
    items = sorted(map(check_dict, results), key=lambda r: list(LEVEL_STYLE).index(outcome(r)))
    with ui.column().classes("w-full gap-1").mark("ad-checks"):
        ui.label("Pre-checks").classes("font-semibold text-sm")
        if not items:
            text = "No results stored." if submitted else "The checks run when the ad is submitted for review."
            ui.label(text).classes("text-xs opacity-70").mark("ad-checks-none")
            return
        for item in items:
            kind = outcome(item)
            icon, colour, what = LEVEL_STYLE[kind]
            with ui.row().classes("items-start gap-2 no-wrap w-full").mark(f"ad-check-{kind}"):
                ui.icon(icon).classes(f"text-base {colour}").tooltip(what)
                with ui.column().classes("gap-0 min-w-0"):
                    code = str(item.get("code") or "")
                    ui.label(CHECK_NAMES.get(code, code)).classes(f"text-xs font-semibold {colour}")
                    ui.label(str(item.get("message") or "")).classes("text-xs break-words").mark("ad-check-message")


def facts(ad: Any, campaign: Any, advertiser: Any) -> None:
    with ui.column().classes("w-full gap-1").mark("ad-facts"):
        ui.label("Campaign and advertiser").classes("font-semibold text-sm")
        with ui.grid(columns="auto 1fr").classes("gap-x-3 gap-y-0 w-full"):
            ui.label("Campaign").classes("text-xs opacity-70")
            ui.link(campaign.name, f"/ads/campaigns/{int(campaign.id)}").classes("text-sm").mark("ad-campaign-link")
            fact("Advertiser", advertiser.name, "ad-advertiser")
            fact("Type", TYPE_LABELS.get(ad.type, ad.type))
            fact("Submitted", fmt_dt(ad.submitted_at) if ad.submitted_at else "not yet", "ad-submitted")
            fact("Click URL", ad.click_url or "—", "ad-click-url")
            fact("Schedule", f"{fmt_date(campaign.starts_on)} to {fmt_date(campaign.ends_on)}")
            fact("Budget", money(campaign.budget_cents, campaign.currency))
            fact("CPM bid", money(campaign.cpm_bid_cents, campaign.currency))
            fact("Pacing", PACING_LABELS.get(campaign.pacing, campaign.pacing))
            fact("Targeting", targeting_text(campaign))
            if ad.rejection_reasons:
                fact("Rejected for", reasons_text(ad.rejection_reasons), "ad-rejection-reasons")
            if ad.rejection_note:
                fact("Rejection note", ad.rejection_note)


def targeting_text(campaign: Any) -> str:
    parts = [
        ("countries", campaign.target_countries),
        ("regions", campaign.target_regions),
        ("plans", campaign.target_plans),
    ]
    text = "; ".join(f"{name}: {', '.join(values)}" for name, values in parts if values)
    cap = campaign.frequency_cap_per_day
    if cap:
        text = f"{text}; " if text else ""
        text += f"at most {cap} a day per member"
    return text or "Everyone (no targeting)"


ACTION_LABELS = {  # the audit's action codes as a reviewer reads them
    "ad.create": "Created",
    "ad.update": "Edited",
    "ad.submit": "Submitted for review",
    "ad.requeue": "Sent back to review",
    "ad.checks": "Checks run again",
    "ad.claim": "Taken for review",
    "ad.release": "Released",
    "ad.approve": "Approved",
    "ad.reject": "Rejected",
    "ad.pause": "Paused",
    "ad.resume": "Resumed",
    "ad.end": "Ended",
    "ad.serve": "Started serving",
}

HISTORY_COLUMNS = [
    column("when", "When"),
    column("who", "Who"),
    column("action", "What"),
    column("detail", "Detail"),
]


def history(entries: list[Any]) -> None:
    rows = [
        {
            "id": i,
            "when": fmt_dt(_get(e, "at") or _get(e, "occurred_at")),
            "who": str(_get(e, "actor") or _get(e, "actor_label") or ""),
            "action": ACTION_LABELS.get(str(_get(e, "action") or ""), str(_get(e, "action") or "")),
            "detail": str(_get(e, "detail") or _get(e, "reason") or ""),
        }
        for i, e in enumerate(entries)
    ]
    with ui.column().classes("w-full gap-1"):
        ui.label("Decision history").classes("font-semibold text-sm")
        ui.table(columns=HISTORY_COLUMNS, rows=rows, row_key="id").props(
            'dense flat bordered wrap-cells no-data-label="No decisions yet"'
        ).classes("w-full").mark("ad-history")


def _get(entry: Any, name: str) -> Any:
    return entry.get(name) if isinstance(entry, dict) else getattr(entry, name, None)
