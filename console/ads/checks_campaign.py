"""Pre-checks of the ad's campaign: dates, budget against the bid, even pacing.

Rules (decided here, documented in the README):
- dates (hard): the campaign starts on or before it ends, and its end is today or later (UTC).
- budget (hard): the budget buys at least MIN_IMPRESSIONS (1,000) impressions at the CPM bid, i.e.
  budget_cents >= cpm_bid_cents * 1000 / 1000 — one CPM's worth. Less cannot deliver a single billing unit.
- pacing (soft, even pacing only): the budget spread evenly over the days left (from the later of the start and
  today through the end) must buy at least 1,000 impressions a day; below that the ad server cannot pace evenly
  (it would serve in bursts or not at all on some days). ASAP pacing is not checked. Money already spent is not
  known here (the stats rollup has it), so the whole budget is spread.
"""

from __future__ import annotations

from fractions import Fraction

from console.ads.checks_base import CheckContext, CheckResult
from console.billing.money import format_money

MIN_IMPRESSIONS = 1000
MIN_DAILY_IMPRESSIONS = 1000


def _money(cents: Fraction | int, currency: str) -> str:
    """Rounded to the nearest cent, half to even as Babel rounds (never cut off: $29.508 is $29.51)."""
    return format_money(round(cents), currency)


def dates(ctx: CheckContext) -> CheckResult:
    campaign, today = ctx.campaign, ctx.today
    if campaign.starts_on > campaign.ends_on:
        message = f"The campaign starts on {campaign.starts_on}, after it ends on {campaign.ends_on}"
        return CheckResult("dates", "hard", False, message)
    if campaign.ends_on < today:
        message = f"The campaign ended on {campaign.ends_on} (today is {today}); it can no longer run"
        return CheckResult("dates", "hard", False, message)
    return CheckResult("dates", "hard", True, f"Runs {campaign.starts_on} to {campaign.ends_on}")


def impressions_for(budget_cents: int, cpm_bid_cents: int) -> int:
    """How many impressions `budget_cents` buys at a CPM bid (cents per 1,000 impressions)."""
    return budget_cents * 1000 // cpm_bid_cents if cpm_bid_cents > 0 else 0


def budget(ctx: CheckContext) -> CheckResult:
    campaign = ctx.campaign
    if campaign.cpm_bid_cents <= 0 or campaign.budget_cents <= 0:
        return CheckResult("budget", "hard", False, "The budget and the CPM bid must both be above zero")
    bought = impressions_for(campaign.budget_cents, campaign.cpm_bid_cents)
    budget_text = _money(campaign.budget_cents, campaign.currency)
    bid_text = _money(campaign.cpm_bid_cents, campaign.currency)
    if bought < MIN_IMPRESSIONS:
        needed = _money(Fraction(campaign.cpm_bid_cents * MIN_IMPRESSIONS, 1000), campaign.currency)
        message = (
            f"A budget of {budget_text} buys {bought:,} impressions at a {bid_text} CPM; at least "
            f"{MIN_IMPRESSIONS:,} are needed (a budget of {needed} or more)"
        )
        return CheckResult("budget", "hard", False, message)
    return CheckResult("budget", "hard", True, f"{budget_text} buys about {bought:,} impressions at a {bid_text} CPM")


def pacing(ctx: CheckContext) -> CheckResult | None:
    campaign = ctx.campaign
    if campaign.pacing != "even":
        return CheckResult("pacing", "soft", True, "ASAP pacing: spends as fast as delivery allows (not checked)")
    first = max(campaign.starts_on, ctx.today)
    days = (campaign.ends_on - first).days + 1
    if days <= 0 or campaign.cpm_bid_cents <= 0:
        return None  # the dates or budget check fails and says why
    daily = Fraction(campaign.budget_cents, days)
    per_day = int(daily * 1000 // campaign.cpm_bid_cents)
    daily_text = _money(daily, campaign.currency)
    if per_day < MIN_DAILY_IMPRESSIONS:
        message = (
            f"Even pacing spreads the budget over {days} days: {daily_text} a day buys about {per_day:,} "
            f"impressions a day, fewer than {MIN_DAILY_IMPRESSIONS:,}; shorten the dates, raise the budget or pace "
            "ASAP"
        )
        return CheckResult("pacing", "soft", False, message)
    return CheckResult("pacing", "soft", True, f"{daily_text} a day over {days} days (about {per_day:,} a day)")


CHECKS = [dates, budget, pacing]
