"""Review decisions: approval refused while a hard check fails, rejection needs a reason ("other" a note), claims
between two reviewers (and their expiry), stale versions, bulk approve/reject with a result per ad, the blocklist,
and audit events written on success only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from console.actor import Actor
from console.ads.models import Ad
from console.ads.service import ads, blocklist, review
from console.db import session_scope, utcnow
from console.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from tests.ads import factories as f
from tests.conftest import staff_name


def _approve(actor: Actor, ad: Ad, note: str | None = None) -> Ad:
    with session_scope() as session:
        return review.approve_ad(session, actor=actor, ad_id=ad.id, version=ad.version, note=note)


def _reject(actor: Actor, ad: Ad, reasons: list[str], note: str | None = None) -> Ad:
    with session_scope() as session:
        return review.reject_ad(session, actor=actor, ad_id=ad.id, version=ad.version, reasons=reasons, note=note)


def _claim(actor: Actor, ad: Ad) -> Ad:
    with session_scope() as session:
        return review.claim_ad(session, actor=actor, ad_id=ad.id)


# --- approve / reject -----------------------------------------------------------------------------------------


def test_approving_a_clean_ad(reviewer: Actor) -> None:
    ad = f.submitted(f.banner())
    approved = _approve(reviewer, ad, note="Looks fine")
    assert approved.state == "approved" and approved.reviewed_by_id == reviewer.staff_id
    assert approved.reviewed_at is not None and approved.claimed_by_id is None
    assert f.audit_actions("ad", ad.id)[-1] == "ad.approve"


@pytest.mark.parametrize(
    ("creative", "fmt", "words"),
    [
        (lambda: f.png(300, 251), "rectangle", "300×251"),
        (lambda: f.jpeg(728, 90, noisy=True), "leaderboard", "150.0 KB at most"),
        (lambda: f.png(320, 50, noisy=True, mode="RGBA"), "mobile_banner", "50.0 KB at most"),
    ],
    ids=["wrong size", "too heavy", "too heavy mobile"],
)
def test_approval_is_refused_while_a_hard_check_fails(reviewer: Actor, creative, fmt: str, words: str) -> None:
    ad = f.submitted(f.banner(fmt=fmt, creative=creative()))
    assert ad.check_state == "fail"
    audited = f.audit_count()
    with pytest.raises(RuleViolation) as refused:
        _approve(reviewer, ad)
    assert "hard check fails" in refused.value.message and words in refused.value.message
    assert f.load(ad.id).state == "pending_review" and f.audit_count() == audited


def test_approval_rechecks_so_a_domain_blocked_since_submission_fails(reviewer: Actor) -> None:
    ad = f.submitted(f.banner(click_url="https://deals.scam.example/x"))
    assert ad.check_state == "pass"
    with session_scope() as session:  # blocked behind the submitter's back, straight into the table
        from console.ads.models import AdDomainBlock

        session.add(AdDomainBlock(domain="scam.example", reason="phishing"))
    with pytest.raises(RuleViolation, match="blocklist"):
        _approve(reviewer, f.load(ad.id))


def test_soft_warnings_do_not_block_approval(reviewer: Actor) -> None:
    ad = f.submitted(f.video())  # no poster: a warning
    assert ad.check_state == "warn"
    assert _approve(reviewer, ad).state == "approved"


@pytest.mark.parametrize(
    ("reasons", "note", "errors"),
    [
        ([], None, {"reasons": "choose at least one reason"}),
        (["spam"], None, {"reasons": "'spam' is not a rejection reason"}),
        (["other"], None, {"note": "is required when the reason"}),
        (["other"], "   ", {"note": "is required when the reason"}),
        (["misleading"], "bad\x00note", {"note": "contains the control character U+0000"}),
    ],
)
def test_rejection_needs_a_reason(reviewer: Actor, reasons: list[str], note: str | None, errors: dict) -> None:
    ad = f.submitted(f.banner())
    audited = f.audit_count()
    with pytest.raises(ValidationFailed) as refused:
        _reject(reviewer, ad, reasons, note)
    assert refused.value.errors.keys() == errors.keys()
    for key, words in errors.items():
        assert refused.value.errors[key].startswith(words), refused.value.errors
    assert f.load(ad.id).state == "pending_review" and f.audit_count() == audited


def test_rejecting_with_reasons(reviewer: Actor) -> None:
    ad = f.submitted(f.banner())
    rejected = _reject(reviewer, ad, ["other", "misleading", "misleading"], note="Claims a cure.\r\nSee the URL.")
    assert rejected.state == "rejected" and rejected.rejection_reasons == ["misleading", "other"]
    assert rejected.rejection_note == "Claims a cure.\nSee the URL."
    assert f.audit_actions("ad", ad.id)[-1] == "ad.reject"
    resubmitted = f.submitted(rejected)  # fixed and sent again: the old reasons are cleared
    assert resubmitted.state == "pending_review" and resubmitted.rejection_reasons == []


@pytest.mark.parametrize("state", ["draft", "approved", "rejected", "paused", "ended"])
def test_only_pending_ads_are_decided(reviewer: Actor, state: str) -> None:
    ad = f.set_state(f.banner().id, state)
    with pytest.raises(RuleViolation, match="only ads pending review"):
        _approve(reviewer, ad)
    with pytest.raises(RuleViolation, match="only ads pending review"):
        _reject(reviewer, ad, ["misleading"])


def test_a_stale_version_is_refused_naming_who_changed_the_ad(reviewer: Actor, ops: Actor) -> None:
    seen = f.submitted(f.banner())
    with session_scope() as session:
        ads.update_ad(session, actor=ops, ad_id=seen.id, version=seen.version, click_url="https://other.example.com/")
    with pytest.raises(Conflict) as conflict:
        _approve(reviewer, seen)
    assert staff_name(ops) in conflict.value.message and "pending review" in conflict.value.message
    assert f.load(seen.id).state == "pending_review"


def test_an_unknown_ad_is_not_found(reviewer: Actor) -> None:
    with pytest.raises(NotFound), session_scope() as session:
        review.approve_ad(session, actor=reviewer, ad_id=424242, version=1)


# --- claims ---------------------------------------------------------------------------------------------------


def test_two_reviewers_never_decide_one_ad(reviewer: Actor, reviewer2: Actor) -> None:
    ad = f.submitted(f.banner())
    claimed = _claim(reviewer, ad)
    assert claimed.claimed_by_id == reviewer.staff_id and claimed.claim_expires_at is not None
    audited = f.audit_count()
    with pytest.raises(Conflict) as conflict:
        _claim(reviewer2, claimed)
    assert "being reviewed by" in conflict.value.message
    for decide in (lambda: _approve(reviewer2, claimed), lambda: _reject(reviewer2, claimed, ["misleading"])):
        with pytest.raises(Conflict, match="being reviewed by"):
            decide()
    with pytest.raises(Conflict), session_scope() as session:
        review.release_ad(session, actor=reviewer2, ad_id=ad.id)
    assert f.audit_count() == audited
    assert _approve(reviewer, claimed).state == "approved"


def test_the_claim_names_the_reviewer(reviewer: Actor, reviewer2: Actor, make_staff, actor_for) -> None:
    staff_id, _ = make_staff("ads", name="Rita Reviewer")
    rita = actor_for(staff_id)
    ad = _claim(rita, f.submitted(f.banner()))
    with pytest.raises(Conflict, match="Rita Reviewer until"):
        _approve(reviewer2, ad)


def test_an_expired_claim_is_no_claim(reviewer: Actor, reviewer2: Actor) -> None:
    ad = _claim(reviewer, f.submitted(f.banner()))
    with session_scope() as session:
        row = session.get(Ad, ad.id)
        assert row is not None
        row.claim_expires_at = utcnow() - timedelta(seconds=1)
    taken = _claim(reviewer2, f.load(ad.id))
    assert taken.claimed_by_id == reviewer2.staff_id


def test_release_gives_the_ad_back(reviewer: Actor, reviewer2: Actor) -> None:
    ad = _claim(reviewer, f.submitted(f.banner()))
    with session_scope() as session:
        released = review.release_ad(session, actor=reviewer, ad_id=ad.id)
    assert released.claimed_by_id is None
    assert _claim(reviewer2, released).claimed_by_id == reviewer2.staff_id


def test_claims_leave_the_version_alone_so_a_second_tab_does_not_stale_the_first(reviewer: Actor) -> None:
    """The QA finding: opening the ad in a second tab renewed the reviewer's own claim, which made a new version, so
    the first tab's Approve was refused as "changed by … while you looked at it". The version says what the
    reviewer saw; a claim taken, kept or let go is not part of it."""
    seen = f.submitted(f.banner())  # tab A opens it
    first = _claim(reviewer, seen)
    assert first.version == seen.version and first.claimed_by_id == reviewer.staff_id
    audited = f.audit_count()
    again = _claim(reviewer, f.load(seen.id))  # tab B opens it: a claim of one's own with time left is kept
    assert again.claim_expires_at == first.claim_expires_at and f.audit_count() == audited
    with session_scope() as session:  # tab B is closed: it lets the ad go
        review.release_ad(session, actor=reviewer, ad_id=seen.id)
    assert f.load(seen.id).version == seen.version and f.audit_actions("ad", seen.id)[-1] == "ad.release"
    assert _approve(reviewer, seen).state == "approved"  # tab A decides with the version it saw


def test_a_claim_past_half_its_time_is_renewed_and_audited(reviewer: Actor) -> None:
    ad = _claim(reviewer, f.submitted(f.banner()))
    with session_scope() as session:
        row = session.get(Ad, ad.id)
        assert row is not None
        row.claim_expires_at = utcnow() + timedelta(minutes=1)
    stale_version = f.load(ad.id).version
    renewed = _claim(reviewer, f.load(ad.id))
    assert renewed.claim_expires_at is not None and renewed.claim_expires_at > utcnow() + timedelta(minutes=5)
    assert f.audit_actions("ad", ad.id)[-1] == "ad.claim" and f.load(ad.id).version == stale_version


def test_a_content_change_still_stales_a_decision(reviewer: Actor) -> None:
    seen = _claim(reviewer, f.submitted(f.banner(name="Before")))
    with session_scope() as session:
        row = session.get(Ad, seen.id)
        assert row is not None
        row.name = "Renamed meanwhile"
    with pytest.raises(Conflict, match="while you looked at it"):
        _approve(reviewer, seen)


def test_next_ad_claims_the_oldest_unclaimed(reviewer: Actor, reviewer2: Actor, actor_with) -> None:
    first, second = f.submitted(f.banner()), f.submitted(f.banner())
    f.banner()  # a draft is never offered
    with session_scope() as session:
        got = review.next_ad(session, actor=reviewer)
    assert got is not None and got.id == first.id
    with session_scope() as session:
        got2 = review.next_ad(session, actor=reviewer2)
    assert got2 is not None and got2.id == second.id
    with session_scope() as session:
        again = review.next_ad(session, actor=reviewer2)  # its own claim again, renewed
    assert again is not None and again.id == second.id
    with session_scope() as session:
        assert review.next_ad(session, actor=actor_with("ads")) is None  # both pending ads are held


def test_a_claim_lasts_the_configured_minutes(reviewer: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    from console.config import get_settings

    monkeypatch.setenv("CONSOLE_ADS_CLAIM_MINUTES", "3")
    get_settings.cache_clear()
    ad = _claim(reviewer, f.submitted(f.banner()))
    assert ad.claim_expires_at is not None
    left = (ad.claim_expires_at - utcnow()).total_seconds()
    assert 170 < left <= 180


# --- bulk -----------------------------------------------------------------------------------------------------


def test_bulk_approve_reports_each_ad(reviewer: Actor, reviewer2: Actor) -> None:
    good1, good2 = f.submitted(f.banner()), f.submitted(f.banner())
    failing = f.submitted(f.banner(creative=f.png(300, 251)))
    claimed = _claim(reviewer2, f.submitted(f.banner()))
    decided = f.approved(f.banner())
    ids = [good1.id, failing.id, claimed.id, 999_999, decided.id, good2.id, good1.id]
    audited = f.audit_count("ad.approve")
    with session_scope() as session:
        results = review.bulk_decide(session, actor=reviewer, ad_ids=ids, decision="approve")
    by_id = {r.ad_id: r for r in results}
    assert [r.ad_id for r in results] == [good1.id, failing.id, claimed.id, 999_999, decided.id, good2.id]
    assert by_id[good1.id].ok and by_id[good2.id].ok
    assert not by_id[failing.id].ok and "hard check fails" in by_id[failing.id].message
    assert not by_id[claimed.id].ok and "being reviewed by" in by_id[claimed.id].message
    assert not by_id[999_999].ok and "does not exist" in by_id[999_999].message
    assert not by_id[decided.id].ok and "only ads pending review" in by_id[decided.id].message
    assert f.audit_count("ad.approve") == audited + 2  # the refused ones wrote nothing
    assert f.load(good1.id).state == f.load(good2.id).state == "approved"
    assert f.load(failing.id).state == f.load(claimed.id).state == "pending_review"


def test_bulk_reject_with_reasons(reviewer: Actor) -> None:
    one, two = f.submitted(f.banner()), f.submitted(f.banner())
    with session_scope() as session:
        results = review.bulk_decide(
            session, actor=reviewer, ad_ids=[one.id, two.id], decision="reject", reasons=["wrong_size"]
        )
    assert all(r.ok for r in results)
    assert f.load(one.id).rejection_reasons == ["wrong_size"] and f.load(two.id).state == "rejected"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"decision": "reject"}, "reasons"),
        ({"decision": "reject", "reasons": ["other"]}, "note"),
        ({"decision": "delete"}, "decision"),
        ({"decision": "approve", "ad_ids": []}, "ad_ids"),
        ({"decision": "approve", "ad_ids": list(range(1, 202))}, "ad_ids"),
    ],
)
def test_bulk_input_is_checked_before_any_ad(reviewer: Actor, kwargs: dict, field: str) -> None:
    ad = f.submitted(f.banner())
    kwargs.setdefault("ad_ids", [ad.id])
    audited = f.audit_count()
    with pytest.raises(ValidationFailed) as refused, session_scope() as session:
        review.bulk_decide(session, actor=reviewer, **kwargs)
    assert field in refused.value.errors
    assert f.load(ad.id).state == "pending_review" and f.audit_count() == audited


# --- checks again ---------------------------------------------------------------------------------------------


def test_rerunning_the_checks_stores_new_results(reviewer: Actor) -> None:
    ad = f.submitted(f.banner(click_url="https://deals.scam.example/x"))
    with session_scope() as session:
        from console.ads.models import AdDomainBlock

        session.add(AdDomainBlock(domain="scam.example", reason="phishing"))
    with session_scope() as session:
        rerun = review.rerun_checks(session, actor=reviewer, ad_id=ad.id)
    assert rerun.check_state == "fail"
    assert f.audit_actions("ad", ad.id)[-1] == "ad.checks"
    with session_scope() as session:  # nothing new: no event
        review.rerun_checks(session, actor=reviewer, ad_id=ad.id)
    assert f.audit_actions("ad", ad.id).count("ad.checks") == 1


# --- blocklist ------------------------------------------------------------------------------------------------


def _block(actor: Actor, domain: str, reason: str = "phishing kit") -> int:
    with session_scope() as session:
        return blocklist.add_domain(session, actor=actor, domain=domain, reason=reason).id


def test_blocking_a_domain_sends_its_live_ads_back_to_review(reviewer: Actor) -> None:
    live = f.approved(f.banner(click_url="https://promo.scam.example/win"))
    running = f.set_state(f.approved(f.banner(click_url="https://SCAM.example/")).id, "running")
    pending = f.submitted(f.banner(click_url="https://scam.example/x"))
    other = f.approved(f.banner(click_url="https://notscam.example/"))
    _block(reviewer, "scam.example")
    for ad_id in (live.id, running.id):
        after = f.load(ad_id)
        assert after.state == "pending_review" and after.check_state == "fail"
    assert f.load(pending.id).check_state == "fail" and f.audit_actions("ad", pending.id)[-1] == "ad.checks"
    assert f.load(other.id).state == "approved"
    with pytest.raises(RuleViolation, match="blocklist"):
        _approve(reviewer, f.load(live.id))


def test_a_unicode_domain_is_blocked_in_its_idna_form(reviewer: Actor) -> None:
    ad = f.approved(f.banner(click_url="https://shop.bücher.example/"))
    block_id = _block(reviewer, "Bücher.Example")
    with session_scope() as session:
        (entry,) = blocklist.list_domains(session, actor=reviewer, search="bücher")
    assert entry.id == block_id and entry.domain == "xn--bcher-kva.example"
    assert f.load(ad.id).state == "pending_review"


@pytest.mark.parametrize(
    ("domain", "words"),
    [
        ("https://scam.example/path", "not an address"),
        ("", "is required"),
        ("localhost", "public domain"),
        ("bad_domain.example", "not valid"),
        ("10.0.0.1", "IP address"),
    ],
)
def test_bad_domains_are_refused(reviewer: Actor, domain: str, words: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _block(reviewer, domain)
    assert words in refused.value.errors["domain"]
    assert f.audit_count() == 0


def test_a_domain_is_blocked_once_and_needs_a_reason(reviewer: Actor) -> None:
    _block(reviewer, "*.scam.example")  # the wildcard is dropped: subdomains match anyway
    with pytest.raises(ValidationFailed, match="already blocked"):
        _block(reviewer, "SCAM.example.")
    with pytest.raises(ValidationFailed) as refused:
        _block(reviewer, "other.example", reason=" ")
    assert refused.value.errors == {"reason": "is required"}


def test_unblocking(reviewer: Actor) -> None:
    block_id = _block(reviewer, "scam.example")
    pending = f.submitted(f.banner(click_url="https://scam.example/x"))
    assert pending.check_state == "fail"
    with session_scope() as session:
        blocklist.remove_domain(session, actor=reviewer, domain_id=block_id, reason="false positive")
    assert f.load(pending.id).check_state == "pass"
    with session_scope() as session:
        assert blocklist.list_domains(session, actor=reviewer) == []
    with pytest.raises(NotFound), session_scope() as session:
        blocklist.remove_domain(session, actor=reviewer, domain_id=block_id)
    assert f.audit_actions("ad_domain_block", block_id) == ["ad_domain.block", "ad_domain.unblock"]
