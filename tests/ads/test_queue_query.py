"""The review queue's read side: pending review first and oldest first, the filters (state, type, format,
advertiser across its campaigns, check result), paging (forward and from the end), the claim shown only while it
lasts, text kept as text, and the review card with its check results and history from the audit log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from console.actor import Actor
from console.ads.service.queue import QueueFilter, list_queue, review_card
from console.db import session_scope, utcnow
from console.errors import NotFound, ValidationFailed
from console.paging import PageRequest
from tests.ads import stat_factories as f
from tests.conftest import staff_name


def _ids(actor: Actor, flt: QueueFilter, page: int = 1, size: int = 25) -> list[int]:
    with session_scope() as session:
        return [row.id for row in list_queue(session, actor=actor, flt=flt, page=PageRequest(page, size)).rows]


def test_pending_first_then_oldest_submission_first(actor_with: Callable[..., Actor]) -> None:
    reader = actor_with("ads")
    now = utcnow()
    campaign = f.campaign()
    newest = f.ad(campaign, submitted_at=now - timedelta(hours=1))
    oldest = f.ad(campaign, submitted_at=now - timedelta(days=3))
    middle = f.ad(campaign, submitted_at=now - timedelta(days=1))
    approved = f.ad(campaign, state="approved", submitted_at=now - timedelta(days=9))
    draft = f.ad(campaign, state="draft")
    rejected = f.ad(campaign, state="rejected", submitted_at=now - timedelta(days=5))
    assert _ids(reader, QueueFilter()) == [oldest, middle, newest]
    # Every ad: pending review first, then the rest oldest first, never-submitted drafts last.
    assert _ids(reader, QueueFilter(state="all")) == [oldest, middle, newest, approved, rejected, draft]
    assert _ids(reader, QueueFilter(state="approved")) == [approved]


def test_filters_by_type_format_check_result_and_advertiser(actor_with: Callable[..., Actor]) -> None:
    reader = actor_with("ads")
    acme, other = f.advertiser("Acme"), f.advertiser("Other")
    spring, autumn, theirs = f.campaign(acme), f.campaign(acme), f.campaign(other)
    banner = f.ad(spring, format="leaderboard", check_state="pass")
    video = f.ad(autumn, format="video_30s", check_state="fail")
    warned = f.ad(theirs, format="leaderboard", check_state="warn")
    approved_acme = f.ad(spring, state="approved")
    assert _ids(reader, QueueFilter(type="banner")) == [banner, warned]
    assert _ids(reader, QueueFilter(type="video_preroll")) == [video]
    assert _ids(reader, QueueFilter(format="leaderboard", check_state="warn")) == [warned]
    assert _ids(reader, QueueFilter(check_state="fail")) == [video]
    assert _ids(reader, QueueFilter(advertiser_id=acme)) == [banner, video]  # both campaigns, pending only
    assert _ids(reader, QueueFilter(advertiser_id=acme, state="all")) == [banner, video, approved_acme]
    assert _ids(reader, QueueFilter(advertiser_id=other, type="video_preroll")) == []


def test_bad_filters_are_refused_by_name(actor_with: Callable[..., Actor]) -> None:
    reader = actor_with("ads")
    with pytest.raises(ValidationFailed) as refused:
        _ids(reader, QueueFilter(state="live", type="popup", format="huge", check_state="ok", advertiser_id=0))
    assert set(refused.value.errors) == {"state", "type", "format", "check_state", "advertiser_id"}


def test_pages_forward_and_from_the_end_show_every_ad_once(actor_with: Callable[..., Actor]) -> None:
    reader = actor_with("ads")
    now = utcnow()
    campaign = f.campaign()
    made = [f.ad(campaign, submitted_at=now - timedelta(minutes=500 - n)) for n in range(60)]
    with session_scope() as session:
        first = list_queue(session, actor=reader, flt=QueueFilter(), page=PageRequest(1, 25))
    assert (first.total, first.estimated, first.last_page) == (60, False, 3)
    pages = [_ids(reader, QueueFilter(), page) for page in (1, 2, 3)]
    assert [len(p) for p in pages] == [25, 25, 10]
    assert [i for p in pages for i in p] == made  # oldest first, none twice, none missing
    assert _ids(reader, QueueFilter(), 4) == []
    everything = [_ids(reader, QueueFilter(state="all"), page, 7) for page in range(1, 10)]
    assert [i for p in everything for i in p] == made


def test_rows_name_advertiser_campaign_and_a_live_claim(
    actor_with: Callable[..., Actor], make_staff: Callable[..., tuple[int, str]]
) -> None:
    reader = actor_with("ads")
    reviewer, _ = make_staff("ads", name="Rita Reviewer")
    hostile = "<img src=x onerror=alert(1)> Media"
    campaign = f.campaign(f.advertiser(hostile), name="Robert'); DROP TABLE ads;--")
    now = utcnow()
    claimed = f.ad(campaign, claimed_by_id=reviewer, claim_expires_at=now + timedelta(minutes=5))
    expired = f.ad(campaign, claimed_by_id=reviewer, claim_expires_at=now - timedelta(minutes=1))
    with session_scope() as session:
        rows = {r.id: r for r in list_queue(session, actor=reader, flt=QueueFilter(), page=PageRequest()).rows}
    assert rows[claimed].claimed_by_label == "Rita Reviewer"
    assert rows[expired].claimed_by_label is None  # an expired claim is no claim
    assert rows[claimed].advertiser == hostile and rows[claimed].campaign == "Robert'); DROP TABLE ads;--"
    assert rows[claimed].state == "pending_review" and rows[claimed].version == 1


def test_review_card_holds_checks_and_the_decision_history(actor_with: Callable[..., Actor]) -> None:
    from console.ads.service import review
    from tests.ads import factories

    reviewer, reader = actor_with("ads"), actor_with("ads")
    ad = factories.submitted(factories.banner(fmt="leaderboard", creative=factories.png(720, 90)))
    with session_scope() as session:
        claimed = review.claim_ad(session, actor=reviewer, ad_id=ad.id)
        review.reject_ad(session, actor=reviewer, ad_id=ad.id, version=claimed.version, reasons=["wrong_size"])
    with session_scope() as session:
        card = review_card(session, actor=reader, ad_id=ad.id)
    assert card.ad.state == "rejected" and card.ad.rejection_reasons == ["wrong_size"]
    assert [h.action for h in card.history] == ["ad.create", "ad.submit", "ad.claim", "ad.reject"]
    assert card.history[-1].actor_label == staff_name(reviewer)  # by name, as the claim line names them
    assert card.history[0].actor_label == "system"  # the label stays for who has no staff account
    size = next(c for c in card.checks if c.code == "image_size")
    assert (size.level, size.ok) == ("hard", False) and "720" in size.message
    assert [c.code for c in card.hard_failures] == ["image_size"]
    assert card.reviewed_by_label is not None and card.claimed_by_label is None  # a decision ends the claim
    assert card.campaign.id == card.ad.campaign_id and card.advertiser.id == card.campaign.advertiser_id


def test_review_card_reads_odd_stored_results_and_refuses_a_missing_ad(actor_with: Callable[..., Actor]) -> None:
    reader = actor_with("ads")
    odd = f.ad(check_results=[{"code": "x", "level": "weird", "ok": True, "message": "m"}, "garbage"])
    with session_scope() as session:
        card = review_card(session, actor=reader, ad_id=odd)
        assert [(c.code, c.level, c.ok) for c in card.checks] == [("x", "hard", True), ("unreadable", "hard", False)]
        assert card.history == []  # written directly here, so nothing in the audit log
        with pytest.raises(NotFound):
            review_card(session, actor=reader, ad_id=odd + 1000)


def test_every_ad_action_the_services_audit_has_words_in_the_decision_history() -> None:
    """The history showed `ad.create`, `ad.submit`: each code the ad code writes (a literal, or `ad.{action}` with
    the actions its transitions pass) has a label."""
    import re
    from pathlib import Path

    from console.ads.pages.card_parts import ACTION_LABELS

    ads_code = Path(__file__).resolve().parents[2] / "console" / "ads"
    source = "".join(p.read_text() for p in ads_code.rglob("*.py") if p.name != "card_parts.py")
    literal = set(re.findall(r'"(ad\.[a-z_]+)"', source))
    passed = {f"ad.{a}" for a in ("approve", "reject", "pause", "resume", "end")}  # _decided / _record callers
    assert literal and literal | passed <= set(ACTION_LABELS), (literal | passed) - set(ACTION_LABELS)
