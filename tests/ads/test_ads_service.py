"""Advertisers, campaigns and ads through their services: validation, drafts, submission, the state machine, edits
that send a reviewed ad back to review (each kind of edit), version conflicts, audit on success only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from console.actor import Actor
from console.ads import creatives
from console.ads.models import LIVE_AD_STATES, Ad, AdCampaign, Advertiser
from console.ads.service import ads, advertisers, campaigns
from console.db import session_scope
from console.errors import Conflict, RuleViolation, ValidationFailed
from tests.ads import factories as f
from tests.conftest import staff_name


def _count(model: Any) -> int:
    with session_scope() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


# --- ads: create ----------------------------------------------------------------------------------------------


def test_a_banner_upload_becomes_a_draft_with_the_files_facts(ops: Actor) -> None:
    data = f.png(728, 90)
    ad = f.banner(actor=ops, fmt="leaderboard", creative=data, filename="LEADER.gif")
    assert ad.state == "draft" and ad.check_state is None and ad.submitted_at is None
    assert (ad.width, ad.height, ad.creative_content_type, ad.creative_bytes) == (728, 90, "image/png", len(data))
    assert ad.creative_path is not None and ad.creative_path.endswith(".png") and ad.creative_url is None
    assert creatives.read_creative(ad.creative_path) == data
    assert f.audit_actions("ad", ad.id) == ["ad.create"]


def test_a_video_upload_takes_its_duration_from_the_file(ops: Actor) -> None:
    ad = f.video(actor=ops, fmt="video_30s", creative=f.mp4(29.7))
    assert ad.duration_seconds == 30 and ad.creative_content_type == "video/mp4" and ad.width is None


def test_a_url_creative_takes_the_formats_size_or_a_declared_duration(ops: Actor) -> None:
    url = "https://cdn.example.com/b.png"
    banner = f.banner(actor=ops, fmt="skyscraper", creative=None, filename=None, creative_url=url)
    assert (banner.width, banner.height, banner.creative_path, banner.creative_url) == (160, 600, None, url)
    video = f.video(actor=ops, creative=None, creative_url="https://cdn.example.com/v.mp4", duration_seconds=15)
    assert video.duration_seconds == 15 and video.creative_path is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"creative_url": "https://cdn.example.com/b.png"}, "creative"),  # a file and a URL
        ({"creative": None}, "creative"),  # neither
        ({"creative": b"MZ\x90\x00 an exe", "filename": "banner.png"}, "creative"),
        ({"format": "video_15s"}, "format"),
        ({"type": "popunder"}, "type"),
        ({"click_url": "javascript:alert(1)"}, "click_url"),
        ({"click_url": "https://user:pw@shop.example.com/"}, "click_url"),
        ({"click_url": ""}, "click_url"),
        ({"duration_seconds": 15}, "duration_seconds"),  # a banner has none; a file has its own
        ({"name": "  "}, "name"),
        ({"name": "x" * 201}, "name"),
    ],
)
def test_bad_ad_input_is_refused_and_writes_nothing(ops: Actor, overrides: dict[str, Any], field: str) -> None:
    campaign_id = f.campaign()
    audited = f.audit_count()
    with pytest.raises(ValidationFailed) as refused:
        f.banner(campaign_id, actor=ops, **overrides)
    assert field in refused.value.errors, refused.value.errors
    assert _count(Ad) == 0 and f.audit_count() == audited


def test_an_unknown_campaign_is_refused(ops: Actor) -> None:
    with pytest.raises(ValidationFailed) as refused:
        f.banner(999_999, actor=ops)
    assert "campaign_id" in refused.value.errors


# --- submit and the state machine ---------------------------------------------------------------------------


def test_submitting_runs_and_stores_the_checks(ops: Actor) -> None:
    good = f.submitted(f.banner(actor=ops), ops)
    assert good.state == "pending_review" and good.check_state == "pass" and good.submitted_at is not None
    assert {r["code"] for r in good.check_results} >= {"creative_content", "image_size", "click_domain", "dates"}
    wrong = f.submitted(f.banner(actor=ops, creative=f.png(300, 251)), ops)
    assert wrong.state == "pending_review" and wrong.check_state == "fail"  # queued: the reviewer sees why
    assert f.audit_actions("ad", wrong.id) == ["ad.create", "ad.submit"]


def test_only_drafts_and_rejected_ads_are_submitted(ops: Actor) -> None:
    ad = f.submitted(f.banner(actor=ops), ops)
    with pytest.raises(RuleViolation, match="only draft or rejected"):
        f.submitted(ad, ops)


def test_pause_resume_end(ops: Actor) -> None:
    ad = f.approved(f.banner(actor=ops), ops)
    with session_scope() as session:
        ad = ads.pause_ad(session, actor=ops, ad_id=ad.id, version=ad.version)
    assert ad.state == "paused" and ad.state not in LIVE_AD_STATES
    with session_scope() as session:
        ad = ads.resume_ad(session, actor=ops, ad_id=ad.id, version=ad.version)
    assert ad.state == "approved" and ad.state in LIVE_AD_STATES
    with session_scope() as session:
        ad = ads.end_ad(session, actor=ops, ad_id=ad.id, version=ad.version)
    assert ad.state == "ended" and ad.state not in LIVE_AD_STATES
    for action in (ads.pause_ad, ads.resume_ad, ads.end_ad):
        with pytest.raises(RuleViolation), session_scope() as session:
            action(session, actor=ops, ad_id=ad.id, version=ad.version)
    with pytest.raises(RuleViolation, match="ended"), session_scope() as session:
        ads.update_ad(session, actor=ops, ad_id=ad.id, version=ad.version, click_url="https://other.example.com/")
    assert f.audit_actions("ad", ad.id)[-3:] == ["ad.pause", "ad.resume", "ad.end"]


def test_a_draft_cannot_be_paused(ops: Actor) -> None:
    ad = f.banner(actor=ops)
    with pytest.raises(RuleViolation, match="only approved or running"), session_scope() as session:
        ads.pause_ad(session, actor=ops, ad_id=ad.id, version=ad.version)


def test_a_stale_version_is_refused_naming_who_changed_it(actor_with) -> None:
    alice, bob = actor_with("ads"), actor_with("ads")
    ad = f.banner(actor=alice)
    with session_scope() as session:
        ads.update_ad(session, actor=bob, ad_id=ad.id, version=ad.version, name="Bob's name")
    audited = f.audit_count()
    with pytest.raises(Conflict) as conflict, session_scope() as session:
        ads.update_ad(session, actor=alice, ad_id=ad.id, version=ad.version, name="Alice's name")
    assert staff_name(bob) in conflict.value.message and conflict.value.changed_by == staff_name(bob)
    assert conflict.value.current["name"] == "Bob's name"
    assert f.audit_count() == audited and f.load(ad.id).name == "Bob's name"


# --- edits send reviewed ads back to review -----------------------------------------------------------------


AD_EDITS: dict[str, tuple[str, Any, str]] = {
    # edit -> (which kind of ad, the changes, the word in the re-queue reason)
    "creative file": ("banner", lambda: {"creative": f.jpeg(300, 250), "filename": "new.jpg"}, "creative"),
    "creative url": ("banner", lambda: {"creative_url": "https://cdn.example.com/new.png"}, "creative"),
    "click url": ("banner", lambda: {"click_url": "https://shop.example.com/other"}, "click URL"),
    "format": ("banner", lambda: {"format": "leaderboard"}, "format"),
    "type": ("video", lambda: {"type": "video_midroll"}, "type"),
    "poster": ("video", lambda: {"poster": f.jpeg(640, 360), "poster_filename": "p.jpg"}, "poster"),
    "declared duration": ("url_video", lambda: {"duration_seconds": 16}, "creative"),
}


def _ad_of(kind: str, actor: Actor) -> Ad:
    if kind == "banner":
        return f.banner(actor=actor)
    if kind == "video":
        return f.video(actor=actor)
    return f.video(actor=actor, creative=None, creative_url="https://cdn.example.com/v.mp4", duration_seconds=15)


@pytest.mark.parametrize("state", ["approved", "running", "paused"])
@pytest.mark.parametrize("edit", list(AD_EDITS))
def test_each_reviewed_edit_sends_the_ad_back_to_review(ops: Actor, edit: str, state: str) -> None:
    kind, changes, word = AD_EDITS[edit]
    ad = f.approved(_ad_of(kind, ops), ops)
    ad = f.set_state(ad.id, state)
    with session_scope() as session:
        edited = ads.update_ad(session, actor=ops, ad_id=ad.id, version=ad.version, **changes())
    assert edited.state == "pending_review" and edited.state not in LIVE_AD_STATES
    assert edited.submitted_at is not None and edited.submitted_at > ad.submitted_at
    assert edited.check_results and edited.check_state in ("pass", "warn", "fail")
    assert f.audit_actions("ad", ad.id)[-2:] == ["ad.update", "ad.requeue"]
    from console.audit.models import AuditEvent

    with session_scope() as session:
        reason = session.execute(
            select(AuditEvent.reason).where(AuditEvent.action == "ad.requeue").order_by(AuditEvent.id.desc())
        ).scalar_one()
    assert word in reason


def test_the_rechecked_results_follow_the_edit(ops: Actor) -> None:
    ad = f.approved(f.banner(actor=ops), ops)
    with session_scope() as session:
        edited = ads.update_ad(session, actor=ops, ad_id=ad.id, version=ad.version, format="leaderboard")
    assert edited.check_state == "fail"  # a 300x250 file is no leaderboard
    failed = [r for r in edited.check_results if not r["ok"]]
    assert [r["code"] for r in failed] == ["image_size"] and "728×90" in failed[0]["message"]


@pytest.mark.parametrize(
    "changes",
    [
        {"target_countries": ["DE", "US"]},
        {"target_countries": ["US"], "target_regions": ["US-CA"]},
        {"target_plans": ["premium"]},
    ],
    ids=["countries", "regions", "plans"],
)
def test_a_targeting_change_sends_the_campaigns_reviewed_ads_back(ops: Actor, changes: dict[str, Any]) -> None:
    campaign_id = f.campaign(actor=ops)
    live = f.approved(f.banner(campaign_id, actor=ops), ops)
    paused = f.set_state(f.approved(f.banner(campaign_id, actor=ops), ops).id, "paused")
    draft = f.banner(campaign_id, actor=ops)
    with session_scope() as session:
        campaign = session.get(AdCampaign, campaign_id)
        assert campaign is not None
        campaigns.update_campaign(session, actor=ops, campaign_id=campaign_id, version=campaign.version, **changes)
    assert f.load(live.id).state == "pending_review" and f.load(paused.id).state == "pending_review"
    assert f.load(draft.id).state == "draft"
    assert f.audit_actions("ad", live.id)[-1] == "ad.requeue"


def test_edits_that_were_not_reviewed_do_not_requeue(ops: Actor) -> None:
    campaign_id = f.campaign(actor=ops)
    ad = f.approved(f.banner(campaign_id, actor=ops), ops)
    with session_scope() as session:
        ad = ads.update_ad(session, actor=ops, ad_id=ad.id, version=ad.version, name="Renamed")
    assert ad.state == "approved" and ad.name == "Renamed"
    with session_scope() as session:
        campaign = session.get(AdCampaign, campaign_id)
        assert campaign is not None
        campaigns.update_campaign(
            session, actor=ops, campaign_id=campaign_id, version=campaign.version, budget_cents=900_000, name="More"
        )
    assert f.load(ad.id).state == "approved"
    unchanged = f.load(ad.id)
    with session_scope() as session:  # the same click URL again is no change at all
        ads.update_ad(session, actor=ops, ad_id=ad.id, version=unchanged.version, click_url=unchanged.click_url)
    assert f.load(ad.id).version == unchanged.version


def test_editing_a_pending_ad_reruns_its_checks_and_moves_its_version(ops: Actor) -> None:
    ad = f.submitted(f.banner(actor=ops), ops)
    with session_scope() as session:
        edited = ads.update_ad(session, actor=ops, ad_id=ad.id, version=ad.version, format="leaderboard")
    assert edited.state == "pending_review" and edited.check_state == "fail" and edited.version > ad.version
    assert f.audit_actions("ad", ad.id)[-2:] == ["ad.update", "ad.checks"]


def test_editing_a_draft_keeps_it_a_draft(ops: Actor) -> None:
    ad = f.banner(actor=ops)
    with session_scope() as session:
        edited = ads.update_ad(session, actor=ops, ad_id=ad.id, version=ad.version, click_url="https://b.example.com/")
    assert edited.state == "draft" and edited.check_state is None


def test_unknown_fields_cannot_be_edited(ops: Actor) -> None:
    ad = f.banner(actor=ops)
    with pytest.raises(ValidationFailed) as refused, session_scope() as session:
        ads.update_ad(session, actor=ops, ad_id=ad.id, version=ad.version, state="approved")
    assert refused.value.errors == {"state": "cannot be changed here"}


def test_a_poster_must_be_an_image_for_a_video_ad(ops: Actor) -> None:
    video, banner = f.video(actor=ops), f.banner(actor=ops)
    with pytest.raises(ValidationFailed) as refused, session_scope() as session:
        ads.update_ad(session, actor=ops, ad_id=video.id, version=video.version, poster=f.mp4(15))
    assert "poster" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused, session_scope() as session:
        ads.update_ad(session, actor=ops, ad_id=banner.id, version=banner.version, poster=f.png(10, 10))
    assert refused.value.errors["poster"] == "is for video ads only"


# --- campaigns ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_on": f.today() - timedelta(days=1), "starts_on": f.today() - timedelta(days=5)}, "ends_on"),
        ({"starts_on": f.today() + timedelta(days=9), "ends_on": f.today() + timedelta(days=2)}, "ends_on"),
        ({"budget_cents": 0}, "budget_cents"),
        ({"cpm_bid_cents": -5}, "cpm_bid_cents"),
        ({"cpm_bid_cents": True}, "cpm_bid_cents"),
        ({"budget_cents": 12.5}, "budget_cents"),
        ({"currency": "ABC"}, "currency"),
        ({"pacing": "fast"}, "pacing"),
        ({"target_countries": ["XX"]}, "target_countries"),
        ({"target_regions": ["US-ZZ"]}, "target_regions"),
        ({"target_countries": ["DE"], "target_regions": ["US-CA"]}, "target_regions"),
        ({"target_plans": ["gold"]}, "target_plans"),
        ({"frequency_cap_per_day": 0}, "frequency_cap_per_day"),
        ({"starts_on": "yesterday"}, "starts_on"),
        ({"name": "\u202eevil"}, "name"),
    ],
)
def test_bad_campaigns_are_refused(ops: Actor, overrides: dict[str, Any], field: str) -> None:
    advertiser_id = f.advertiser()
    audited = f.audit_count()
    with pytest.raises(ValidationFailed) as refused:
        f.campaign(advertiser_id, actor=ops, **overrides)
    assert field in refused.value.errors, refused.value.errors
    assert _count(AdCampaign) == 0 and f.audit_count() == audited


def test_targeting_is_normalised(ops: Actor) -> None:
    campaign_id = f.campaign(
        actor=ops,
        currency="eur",
        target_countries=["us", "DE", "US", " "],
        target_regions=["us-ca"],
        target_plans=["Premium", "free"],
    )
    with session_scope() as session:
        campaign = session.get(AdCampaign, campaign_id)
        assert campaign is not None
        assert campaign.currency == "EUR" and campaign.target_countries == ["DE", "US"]
        assert campaign.target_regions == ["US-CA"] and campaign.target_plans == ["free", "premium"]


def test_a_campaign_may_keep_a_start_in_the_past_but_not_move_its_end_there(ops: Actor) -> None:
    campaign_id = f.campaign(actor=ops, starts_on=f.today() - timedelta(days=3))
    with session_scope() as session:
        campaign = session.get(AdCampaign, campaign_id)
        assert campaign is not None
        campaigns.update_campaign(session, actor=ops, campaign_id=campaign_id, version=campaign.version, name="Ok")
    with pytest.raises(ValidationFailed) as refused, session_scope() as session:
        campaign = session.get(AdCampaign, campaign_id)
        assert campaign is not None
        campaigns.update_campaign(
            session, actor=ops, campaign_id=campaign_id, version=campaign.version, ends_on=f.today() - timedelta(1)
        )
    assert "ends_on" in refused.value.errors


# --- advertisers ----------------------------------------------------------------------------------------------


def test_advertiser_names_are_unique_ignoring_case(ops: Actor) -> None:
    f.advertiser(ops, name="Acme Ltd")
    with pytest.raises(ValidationFailed) as refused:
        f.advertiser(ops, name="ACME LTD")
    assert "already used" in refused.value.errors["name"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("contact_email", "not-an-email"), ("website", "http://acme.example.com"), ("website", "javascript:x")],
)
def test_advertiser_contacts_are_checked(ops: Actor, field: str, value: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        f.advertiser(ops, **{field: value})
    assert field in refused.value.errors


def test_suspending_an_advertiser_pauses_its_live_ads_and_blocks_new_work(ops: Actor) -> None:
    advertiser_id = f.advertiser(ops)
    campaign_id = f.campaign(advertiser_id, actor=ops)
    live = f.approved(f.banner(campaign_id, actor=ops), ops)
    running = f.set_state(f.approved(f.banner(campaign_id, actor=ops), ops).id, "running")
    draft = f.banner(campaign_id, actor=ops)
    with session_scope() as session:
        advertiser = session.get(Advertiser, advertiser_id)
        assert advertiser is not None
        advertisers.update_advertiser(
            session, actor=ops, advertiser_id=advertiser_id, version=advertiser.version, status="suspended"
        )
    assert f.load(live.id).state == "paused" and f.load(running.id).state == "paused"
    with pytest.raises(RuleViolation, match="suspended"):
        f.submitted(draft, ops)
    with pytest.raises(RuleViolation, match="suspended"):
        f.campaign(advertiser_id, actor=ops)


def test_every_bad_region_is_named_at_once_as_typed_and_blank_entries_are_dropped(ops: Actor) -> None:
    """One message names every entry that is not a region code, as it was typed (not upper-cased), a long one
    shortened; entries of only spaces are no region and are ignored."""
    advertiser_id = f.advertiser()
    typed = ["Bayern", "<script>alert(1)</script>", "🎉🎉", "x" * 300, "  ", "القاهرة", "DE-BY"]
    with pytest.raises(ValidationFailed) as refused:
        f.campaign(advertiser_id, actor=ops, target_regions=typed)
    listed = refused.value.errors["target_regions"].split(": ", 1)[1]
    assert listed == ", ".join(["Bayern", "<script>alert(1)</script>", "🎉🎉", "x" * 39 + "…", "القاهرة"])
    campaign_id = f.campaign(advertiser_id, actor=ops, target_regions=["de-by", "  ", ""])
    with session_scope() as session:
        assert session.get(AdCampaign, campaign_id).target_regions == ["DE-BY"]  # type: ignore[union-attr]
    with pytest.raises(ValidationFailed) as refused:
        f.campaign(advertiser_id, actor=ops, target_countries=["DE"], target_regions=["US-CA", "fr-idf", "DE-BY"])
    assert refused.value.errors["target_regions"].endswith(": US-CA, fr-idf")
