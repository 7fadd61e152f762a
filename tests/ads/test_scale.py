"""`seed --scale` area ads at a tiny size, on both databases (binary COPY on PostgreSQL): the counts asked for, raw
rows that agree with their ads (only ads that ran, within their campaign's dates, video flags only on video ads),
rollups that add up to the raw rows, the sequences past the explicit ids, a rollup pass with nothing to redo, a
queue that pages, and `--areas ads` alone (no members, no catalog)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console import cli
from console.actor import SYSTEM, Actor
from console.ads.models import AD_STATES, Ad, AdCampaign, AdClick, AdImpression, AdRollupRun, AdStatsDaily
from console.ads.scale import scale_ads
from console.ads.scale_raw import binary_rows
from console.ads.service.queue import QueueFilter, list_queue
from console.ads.service.rollup import rollup_pending
from console.audit.models import AuditEvent
from console.db import session_scope, utcnow
from console.members.models import Member
from console.paging import PageRequest


def _count(session: Session, model: object) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())  # type: ignore[arg-type]


def test_ads_scale_at_a_tiny_size(actor_with: Callable[..., Actor]) -> None:
    seeded_on = utcnow().date()  # the seed rolls up to the day it starts on (midnight UTC may pass while it runs)
    counts = scale_ads(ads=160, impressions=30_000, clicks=600)
    assert (counts["ads"], counts["impressions"], counts["clicks"]) == (160, 30_000, 600)
    assert (counts["ad_campaigns"], counts["advertisers"]) == (40, 13)
    with session_scope() as session:
        assert {s for s in session.execute(select(Ad.state).distinct()).scalars()} <= set(AD_STATES)
        assert session.execute(select(func.count()).where(Ad.state == "pending_review")).scalar_one() > 0
        rolled = session.execute(select(func.sum(AdStatsDaily.impressions), func.sum(AdStatsDaily.clicks))).one()
        assert tuple(rolled) == (30_000, 600)
        _raw_rows_fit_their_ads(session)
        runs = session.execute(select(AdRollupRun.kind, AdRollupRun.day).order_by(AdRollupRun.id)).all()
        assert {kind for kind, _ in runs} == {"seed"} and runs[-1].day == seeded_on
        session.add(AdImpression(ad_id=session.execute(select(func.min(Ad.id))).scalar_one(), occurred_at=utcnow()))
        session.flush()  # the sequence is past the explicit ids
        assert _count(session, Member) == 0
    # The seed counts as a pass: the next one redoes at most the last minutes (today, or yesterday and today).
    again = rollup_pending(actor=SYSTEM)
    assert {r.day for r in again} <= {utcnow().date(), utcnow().date() - timedelta(days=1)}
    reader = actor_with("ads")
    with session_scope() as session:
        page = list_queue(session, actor=reader, flt=QueueFilter(state="all"), page=PageRequest(7, 25))
        assert len(page.rows) == 10 and page.total == 160


def _raw_rows_fit_their_ads(session: Session) -> None:
    i = AdImpression
    outside = session.execute(
        select(func.count())
        .select_from(i)
        .join(Ad, Ad.id == i.ad_id)
        .join(AdCampaign, AdCampaign.id == Ad.campaign_id)
        .where(Ad.state.not_in(("running", "paused", "ended")))
    ).scalar_one()
    assert outside == 0  # only ads that ran were shown
    banner_flags = session.execute(
        select(func.count())
        .select_from(i)
        .join(Ad, Ad.id == i.ad_id)
        .where(Ad.type == "banner", (i.started.is_(True)) | (i.skipped.is_(True)))
    ).scalar_one()
    assert banner_flags == 0
    skips = session.execute(
        select(func.count()).where(i.skipped.is_(True), i.skip_time_seconds.is_not(None), i.started.is_(True))
    ).scalar_one()
    assert skips == session.execute(select(func.count()).where(i.skipped.is_(True))).scalar_one() > 0
    assert (
        session.execute(select(func.count()).where(i.skipped.is_(False), i.skip_time_seconds.is_not(None))).scalar_one()
        == 0
    )
    earliest = session.execute(select(func.min(i.occurred_at))).scalar_one()
    assert earliest >= utcnow() - timedelta(days=91)
    assert session.execute(select(func.max(AdClick.occurred_at))).scalar_one() <= utcnow()


def test_seed_scale_areas_ads_alone_from_the_command_line(capsys: object) -> None:
    assert cli.main(["seed", "--scale", "--areas", "ads", "--impressions", "12000"]) == 0
    with session_scope() as session:
        assert (_count(session, Ad), _count(session, AdImpression), _count(session, AdClick)) == (3, 12_000, 120)
        event = session.execute(select(AuditEvent).where(AuditEvent.action == "seed.scale")).scalar_one()
        assert event.after["impressions"] == 12_000 and event.actor_label == SYSTEM.label


def test_binary_rows_layout() -> None:
    import numpy as np

    data = binary_rows([(">i8", np.array([1, 2])), ("S2", np.array([b"US", b"DE"])), (">i4", None)])
    # field count, then (length, value) per column; a NULL is length -1 and no value
    one = b"\x00\x03" + b"\x00\x00\x00\x08" + (1).to_bytes(8, "big") + b"\x00\x00\x00\x02US" + b"\xff\xff\xff\xff"
    assert data[: len(one)] == one and len(data) == 2 * len(one)
