"""The ads demo: made through the services (audited, the chain intact), real creatives stored and checked (failing
and warning checks among them), every state and format, hostile names kept as text, raw rows rolled up with the
two anomalies the campaign page flags, and a second run adds nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, select

from console.actor import Actor
from console.ads.demo import ADVERTISERS, FRAUD_AD, SPIKE_AD, seed_ads_demo
from console.ads.models import AD_FORMATS, AD_STATES, Ad, AdClick, AdImpression, AdStatsDaily, Advertiser
from console.ads.service.queue import QueueFilter, list_queue, review_card
from console.ads.service.stats import ad_stats, anomalies
from console.audit.models import AuditEvent
from console.audit.service import verify
from console.config import get_settings
from console.db import session_scope, utcnow
from console.paging import PageRequest
from console.seed import DEMO_DOMAIN


def test_the_demo_seeds_ads_in_every_state_and_format(
    make_staff: Callable[..., tuple[int, str]], actor_for: Callable[[int], Actor]
) -> None:
    staff_id, _ = make_staff("ads", email=f"ads@{DEMO_DOMAIN}", name="Demo Ads")
    message = seed_ads_demo()
    assert message.startswith("Seeded ads: 9 advertisers, 9 campaigns, 20 ads"), message
    with session_scope() as session:
        ads = list(session.execute(select(Ad).order_by(Ad.id)).scalars())
        assert {a.state for a in ads} == set(AD_STATES)
        assert {a.format for a in ads} == set(AD_FORMATS)
        assert {a.check_state for a in ads} == {None, "pass", "warn", "fail"}
        names = set(session.execute(select(Advertiser.name)).scalars())
        assert names == {name for name, _, _ in ADVERTISERS}  # hostile-looking names stored as given
        assert session.execute(select(Advertiser.status).where(Advertiser.status == "suspended")).first()
        claimed = [a for a in ads if a.claimed_by_id is not None]
        assert [a.claimed_by_id for a in claimed] == [staff_id] and claimed[0].state == "pending_review"
        failing = {c["code"] for a in ads for c in a.check_results if not c["ok"] and not c.get("skipped")}
        assert {"image_size", "file_weight", "video_duration", "click_domain", "video_poster"} <= failing
        stored = [a.creative_path for a in ads if a.creative_path]
        assert len(stored) >= 18 and all((get_settings().data_dir / "ads" / p).is_file() for p in stored)
        actions = set(session.execute(select(AuditEvent.action).where(AuditEvent.entity == "ad")).scalars())
        assert {"ad.create", "ad.submit", "ad.approve", "ad.reject", "ad.claim", "ad.requeue", "ad.serve"} <= actions
        assert verify(session).ok
    _rolled_up_with_anomalies(actor_for(staff_id))
    assert seed_ads_demo() == "Ads demo already present; nothing added."


def _rolled_up_with_anomalies(reader: Actor) -> None:
    today = utcnow().date()
    with session_scope() as session:
        raw = (
            session.execute(select(func.count()).select_from(AdImpression)).scalar_one(),
            session.execute(select(func.count()).select_from(AdClick)).scalar_one(),
        )
        rolled = session.execute(select(func.sum(AdStatsDaily.impressions), func.sum(AdStatsDaily.clicks))).one()
        assert raw == tuple(rolled) and raw[0] > 10_000
        ids = dict(session.execute(select(Ad.name, Ad.id).where(Ad.name.in_((FRAUD_AD, SPIKE_AD)))).tuples().all())
        start = today - timedelta(days=27)
        fraud = anomalies(ad_stats(session, actor=reader, ad_id=ids[FRAUD_AD], start=start, end=today))
        spike = anomalies(ad_stats(session, actor=reader, ad_id=ids[SPIKE_AD], start=start, end=today))
        assert [a.kind for a in fraud] == ["clicks_above_impressions"]
        assert [a.kind for a in spike] == ["ctr_above_threshold"]
        queue = list_queue(session, actor=reader, flt=QueueFilter(), page=PageRequest(1, 25))
        submitted = [row.submitted_at for row in queue.rows]
        assert queue.total == 10 and submitted == sorted(submitted)  # the oldest waits at the top
        card = review_card(session, actor=reader, ad_id=queue.rows[0].id)
        assert card.checks and card.history[0].action == "ad.create"


def test_the_demo_without_an_ad_ops_account() -> None:
    message = seed_ads_demo()
    assert "20 ads" in message
    with session_scope() as session:
        assert session.execute(select(func.count()).where(Ad.claimed_by_id.is_not(None))).scalar_one() == 0
        labels = set(session.execute(select(AuditEvent.actor_label).where(AuditEvent.entity == "ad")).scalars())
        assert labels == {"system", "platform"}
