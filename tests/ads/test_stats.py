"""Stats from ad_stats_daily: one ad's days (gaps filled), a campaign's days summed over its ads, the derived rates,
pacing (even and asap; behind, on track, ahead, over budget, not started), the anomaly flags, the campaign page,
and the refusals (roles, ranges, missing rows)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from console.actor import Actor
from console.ads.service.stats import (
    DayStats,
    ad_stats,
    anomalies,
    campaign_pacing,
    campaign_page,
    campaign_stats,
    pacing_status,
)
from console.config import get_settings
from console.db import session_scope
from console.errors import Forbidden, NotFound, ValidationFailed
from tests.ads import stat_factories as f

DAY = date(2026, 3, 10)


def test_one_ads_days_with_the_gaps_filled(actor_with: Callable[..., Actor]) -> None:
    reader = actor_with("ads")
    ad = f.ad(state="running")
    f.daily(ad, DAY, impressions=1000, clicks=12, starts=900, completes=600, skips=250, spend_cents=250)
    f.daily(ad, DAY + timedelta(days=2), impressions=10)
    f.daily(ad, DAY + timedelta(days=9), impressions=99)  # outside the range
    with session_scope() as session:
        days = ad_stats(session, actor=reader, ad_id=ad, start=DAY, end=DAY + timedelta(days=3))
    assert [d.day for d in days] == [DAY + timedelta(days=n) for n in range(4)]
    assert [d.impressions for d in days] == [1000, 0, 10, 0]
    first = days[0]
    assert (first.ctr, first.completion_rate, first.skip_rate) == (1.2, 66.67, 27.78)
    assert (days[1].ctr, days[1].completion_rate, days[1].skip_rate) == (None, None, None)  # nothing to divide by


def test_a_campaign_sums_its_own_ads_per_day(actor_with: Callable[..., Actor]) -> None:
    reader = actor_with("ads")
    campaign, other = f.campaign(), f.campaign()
    one, two, theirs = f.ad(campaign), f.ad(campaign), f.ad(other)
    f.daily(one, DAY, impressions=100, clicks=3, spend_cents=25)
    f.daily(two, DAY, impressions=50, clicks=1, starts=40, spend_cents=12)
    f.daily(two, DAY + timedelta(days=1), impressions=5)
    f.daily(theirs, DAY, impressions=7000)
    with session_scope() as session:
        days = campaign_stats(session, actor=reader, campaign_id=campaign, start=DAY, end=DAY + timedelta(days=1))
    assert days == [DayStats(DAY, 150, 4, 40, 0, 0, 37), DayStats(DAY + timedelta(days=1), 5, 0, 0, 0, 0, 0)]


def test_ranges_and_missing_rows_are_refused(actor_with: Callable[..., Actor]) -> None:
    reader = actor_with("ads")
    ad = f.ad()
    with session_scope() as session:
        with pytest.raises(ValidationFailed, match="on or after"):
            ad_stats(session, actor=reader, ad_id=ad, start=DAY, end=DAY - timedelta(days=1))
        with pytest.raises(ValidationFailed, match="731 days"):
            ad_stats(session, actor=reader, ad_id=ad, start=DAY, end=DAY + timedelta(days=800))
        with pytest.raises(NotFound):
            ad_stats(session, actor=reader, ad_id=ad + 99, start=DAY, end=DAY)
        with pytest.raises(NotFound):
            campaign_stats(session, actor=reader, campaign_id=9999, start=DAY, end=DAY)
        with pytest.raises(NotFound):
            campaign_pacing(session, actor=reader, campaign_id=9999)
        with pytest.raises(NotFound):
            campaign_page(session, actor=reader, campaign_id=9999)


def _pacing(reader: Actor, spent: int, today: date, **campaign: object) -> tuple[int, str, int, int]:
    values: dict[str, object] = {"budget_cents": 10_000, "starts_on": DAY, "ends_on": DAY + timedelta(days=9)}
    cid = f.campaign(**(values | campaign))
    ad = f.ad(cid)
    if spent:
        f.daily(ad, DAY, spend_cents=spent)
    with session_scope() as session:
        p = campaign_pacing(session, actor=reader, campaign_id=cid, today=today)
    return p.planned_cents, p.status, p.elapsed_days, p.total_days


def test_even_pacing_plans_budget_times_elapsed_over_total_days(actor_with: Callable[..., Actor]) -> None:
    reader = actor_with("ads")
    third = DAY + timedelta(days=2)
    assert _pacing(reader, 3000, third) == (3000, "on_track", 3, 10)
    assert _pacing(reader, 1000, third) == (3000, "behind", 3, 10)
    assert _pacing(reader, 5000, third) == (3000, "ahead", 3, 10)
    assert _pacing(reader, 12_000, third) == (3000, "over_budget", 3, 10)
    assert _pacing(reader, 0, DAY - timedelta(days=1)) == (0, "not_started", 0, 10)
    assert _pacing(reader, 9_500, DAY + timedelta(days=40)) == (10_000, "on_track", 10, 10)  # over: whole budget


def test_planned_money_is_rounded_to_the_cent_not_cut_off(actor_with: Callable[..., Actor]) -> None:
    """QA: $1,800 x 29/89 = $586.517 read $586.51; $900 x 22/42 = $471.429 stays $471.43."""
    reader = actor_with("ads")
    long = {"budget_cents": 180_000, "ends_on": DAY + timedelta(days=88)}
    assert _pacing(reader, 0, DAY + timedelta(days=28), **long)[0] == 58_652
    short = {"budget_cents": 90_000, "ends_on": DAY + timedelta(days=41)}
    assert _pacing(reader, 0, DAY + timedelta(days=21), **short)[0] == 47_143


def test_asap_pacing_plans_the_whole_budget_from_the_first_day(actor_with: Callable[..., Actor]) -> None:
    reader = actor_with("ads")
    assert _pacing(reader, 2000, DAY, pacing="asap") == (10_000, "behind", 1, 10)
    assert _pacing(reader, 0, DAY - timedelta(days=3), pacing="asap") == (0, "not_started", 0, 10)
    cid = f.campaign(budget_cents=10_000, pacing="asap", starts_on=DAY, ends_on=DAY)
    f.daily(f.ad(cid), DAY, spend_cents=4_000)
    f.daily(f.ad(cid), DAY, spend_cents=5_500)
    with session_scope() as session:
        p = campaign_pacing(session, actor=reader, campaign_id=cid, today=DAY)
    assert (p.spent_cents, p.remaining_cents, p.spent_percent_of_plan, p.status) == (9_500, 500, 95.0, "on_track")


def test_pacing_status_edges() -> None:
    assert pacing_status(900, 1000, 5000) == "on_track"  # exactly 10% under
    assert pacing_status(899, 1000, 5000) == "behind"
    assert pacing_status(1100, 1000, 5000) == "on_track"
    assert pacing_status(1101, 1000, 5000) == "ahead"
    assert pacing_status(1, 0, 5000) == "ahead"  # spending before the start


def test_anomalies_flag_clicks_above_impressions_and_a_ctr_spike(monkeypatch: pytest.MonkeyPatch) -> None:
    days = [
        DayStats(DAY, impressions=1000, clicks=20),  # 2%: fine
        DayStats(DAY + timedelta(days=1), impressions=40, clicks=95),  # clicks without views
        DayStats(DAY + timedelta(days=2), impressions=600, clicks=58),  # 9.67%
        DayStats(DAY + timedelta(days=3), impressions=20, clicks=3),  # 15% on too few impressions: no flag
        DayStats(DAY + timedelta(days=4)),
        DayStats(DAY + timedelta(days=5), impressions=0, clicks=2),  # clicks on a day without impressions
    ]
    found = anomalies(days)
    assert [(a.day, a.kind) for a in found] == [
        (DAY + timedelta(days=1), "clicks_above_impressions"),
        (DAY + timedelta(days=2), "ctr_above_threshold"),
        (DAY + timedelta(days=5), "clicks_above_impressions"),
    ]
    assert "95 clicks on 40 impressions" in found[0].message and found[0].value == 55
    assert "CTR 9.7 % (" in found[1].message and "the 5.0 % alert" in found[1].message  # as the charts write it
    assert [a.kind for a in anomalies(days, threshold_percent=10)] == ["clicks_above_impressions"] * 2
    assert len(anomalies(days, min_impressions=10)) == 4
    monkeypatch.setenv("CONSOLE_ADS_CTR_ALERT_PERCENT", "1.5")
    get_settings.cache_clear()
    assert [a.day for a in anomalies(days) if a.kind == "ctr_above_threshold"] == [DAY, DAY + timedelta(days=2)]


def test_campaign_page_lists_the_campaigns_ads(actor_with: Callable[..., Actor]) -> None:
    reader = actor_with("ads")
    acme = f.advertiser("Acme")
    campaign = f.campaign(acme, name="Spring")
    made = [f.ad(campaign), f.ad(campaign, state="draft"), f.ad(campaign, state="running")]
    f.ad()  # another campaign's
    with session_scope() as session:
        view = campaign_page(session, actor=reader, campaign_id=campaign)
    assert view.campaign.name == "Spring" and view.advertiser.name == "Acme"
    assert [a.id for a in view.ads] == made


@pytest.mark.parametrize("role", ["moderator", "content", "compliance", "finance", "executive"])
def test_roles_without_ads_read_are_refused(role: str, actor_with: Callable[..., Actor]) -> None:
    from console.ads.service.queue import QueueFilter, list_queue, review_card
    from console.paging import PageRequest

    outsider = actor_with(role)
    ad = f.ad()
    with session_scope() as session:
        campaign_id = f.campaign()
        calls: list[Callable[[], object]] = [
            lambda: list_queue(session, actor=outsider, flt=QueueFilter(), page=PageRequest()),
            lambda: review_card(session, actor=outsider, ad_id=ad),
            lambda: ad_stats(session, actor=outsider, ad_id=ad, start=DAY, end=DAY),
            lambda: campaign_stats(session, actor=outsider, campaign_id=campaign_id, start=DAY, end=DAY),
            lambda: campaign_pacing(session, actor=outsider, campaign_id=campaign_id),
            lambda: campaign_page(session, actor=outsider, campaign_id=campaign_id),
        ]
        for call in calls:
            with pytest.raises(Forbidden, match=r"ads\.read"):
                call()


def test_admin_and_ads_read(actor_with: Callable[..., Actor]) -> None:
    ad = f.ad()
    for role in ("admin", "ads"):
        with session_scope() as session:
            assert len(ad_stats(session, actor=actor_with(role), ad_id=ad, start=DAY, end=DAY)) == 1
