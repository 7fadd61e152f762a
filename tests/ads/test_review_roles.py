"""Every role and every ads action, in the service: allowed exactly when the permission matrix grants the action's
permission; a refusal is Forbidden, changes nothing and writes no audit event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from console.actor import SYSTEM, Actor
from console.ads.models import AdCampaign, Advertiser
from console.ads.service import ads, advertisers, blocklist, campaigns, review
from console.db import session_scope
from console.errors import Forbidden
from console.staff.permissions import MATRIX, Permission, Role
from tests.ads import factories as f

P = Permission
Action = Callable[[Any, Actor], Any]  # (session, actor) -> result, after its set-up ran as the system


def _version(model: Any, row_id: int) -> int:
    with session_scope() as session:
        row = session.get(model, row_id)
        assert row is not None
        return int(row.version)


def _advertiser() -> Action:
    return lambda s, a: advertisers.create_advertiser(s, actor=a, name="Role Test Ltd")


def _advertiser_edit() -> Action:
    row = f.advertiser()
    version = _version(Advertiser, row)
    return lambda s, a: advertisers.update_advertiser(s, actor=a, advertiser_id=row, version=version, name="New")


def _advertiser_read() -> Action:
    row = f.advertiser()
    return lambda s, a: advertisers.get_advertiser(s, actor=a, advertiser_id=row)


def _campaign() -> Action:
    adv = f.advertiser()
    today = f.today()
    return lambda s, a: campaigns.create_campaign(
        s, actor=a, advertiser_id=adv, name="C", budget_cents=10_000, cpm_bid_cents=100, starts_on=today, ends_on=today
    )


def _campaign_edit() -> Action:
    row = f.campaign()
    version = _version(AdCampaign, row)
    return lambda s, a: campaigns.update_campaign(s, actor=a, campaign_id=row, version=version, target_plans=["free"])


def _ad() -> Action:
    camp = f.campaign()
    data = f.png(300, 250)
    return lambda s, a: ads.create_ad(
        s,
        actor=a,
        campaign_id=camp,
        name="A",
        type="banner",
        format="rectangle",
        click_url="https://x.example.com/",
        creative=data,
    )


def _ad_call(state: str, call: Callable[..., Any]) -> Action:
    """An ad in `state` (draft, pending, approved, paused) and the call on it with its current version."""
    ad = f.banner()
    if state != "draft":
        ad = f.submitted(ad)
    if state in ("approved", "paused"):
        with session_scope() as session:
            ad = review.approve_ad(session, actor=SYSTEM, ad_id=ad.id, version=ad.version)
    if state == "paused":
        ad = f.set_state(ad.id, "paused")
    ad_id, version = ad.id, ad.version
    return lambda s, a: call(s, actor=a, ad_id=ad_id, version=version)


def _pending(call: Callable[[Any, Actor, int], Any]) -> Action:
    ad = f.submitted(f.banner())
    return lambda s, a: call(s, a, ad.id)


def _block_remove() -> Action:
    with session_scope() as session:
        block_id = blocklist.add_domain(session, actor=SYSTEM, domain="scam.example", reason="x").id
    return lambda s, a: blocklist.remove_domain(s, actor=a, domain_id=block_id)


ACTIONS: dict[str, tuple[Permission, Callable[[], Action]]] = {
    "create_advertiser": (P.ADS_EDIT, _advertiser),
    "update_advertiser": (P.ADS_EDIT, _advertiser_edit),
    "get_advertiser": (P.ADS_READ, _advertiser_read),
    "list_advertisers": (P.ADS_READ, lambda: lambda s, a: advertisers.list_advertisers(s, actor=a)),
    "create_campaign": (P.ADS_EDIT, _campaign),
    "update_campaign": (P.ADS_EDIT, _campaign_edit),
    "list_campaigns": (P.ADS_READ, lambda: lambda s, a: campaigns.list_campaigns(s, actor=a)),
    "create_ad": (P.ADS_EDIT, _ad),
    "update_ad": (
        P.ADS_EDIT,
        lambda: _ad_call("approved", lambda s, **k: ads.update_ad(s, click_url="https://y.example.com/", **k)),
    ),
    "submit_ad": (P.ADS_EDIT, lambda: _ad_call("draft", ads.submit_ad)),
    "pause_ad": (P.ADS_EDIT, lambda: _ad_call("approved", ads.pause_ad)),
    "resume_ad": (P.ADS_EDIT, lambda: _ad_call("paused", ads.resume_ad)),
    "end_ad": (P.ADS_EDIT, lambda: _ad_call("approved", ads.end_ad)),
    "get_ad": (P.ADS_READ, lambda: _pending(lambda s, a, i: ads.get_ad(s, actor=a, ad_id=i))),
    "claim_ad": (P.ADS_REVIEW, lambda: _pending(lambda s, a, i: review.claim_ad(s, actor=a, ad_id=i))),
    "release_ad": (P.ADS_REVIEW, lambda: _pending(lambda s, a, i: review.release_ad(s, actor=a, ad_id=i))),
    "next_ad": (P.ADS_REVIEW, lambda: _pending(lambda s, a, i: review.next_ad(s, actor=a))),
    "approve_ad": (P.ADS_REVIEW, lambda: _ad_call("pending", review.approve_ad)),
    "reject_ad": (
        P.ADS_REVIEW,
        lambda: _ad_call("pending", lambda s, **k: review.reject_ad(s, reasons=["misleading"], **k)),
    ),
    "bulk_decide": (
        P.ADS_REVIEW,
        lambda: _pending(lambda s, a, i: review.bulk_decide(s, actor=a, ad_ids=[i], decision="approve")),
    ),
    "rerun_checks": (P.ADS_REVIEW, lambda: _pending(lambda s, a, i: review.rerun_checks(s, actor=a, ad_id=i))),
    "add_domain": (
        P.ADS_REVIEW,
        lambda: lambda s, a: blocklist.add_domain(s, actor=a, domain="bad.example", reason="malware"),
    ),
    "remove_domain": (P.ADS_REVIEW, _block_remove),
    "list_domains": (P.ADS_READ, lambda: lambda s, a: blocklist.list_domains(s, actor=a)),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", list(Role))
def test_role_may_act_exactly_when_the_matrix_says(actor_with, role: Role, action: str) -> None:
    permission, setup = ACTIONS[action]
    call = setup()
    actor = actor_with(role.value)
    audited = f.audit_count()
    if permission in MATRIX[role]:
        with session_scope() as session:
            call(session, actor)
        return
    with pytest.raises(Forbidden) as refused, session_scope() as session:
        call(session, actor)
    assert permission.value in refused.value.message
    assert f.audit_count() == audited


def test_every_ads_permission_is_exercised() -> None:
    assert {permission for permission, _ in ACTIONS.values()} == {P.ADS_READ, P.ADS_EDIT, P.ADS_REVIEW}
    assert {r for r in Role if P.ADS_REVIEW in MATRIX[r]} == {Role.ADMIN, Role.ADS}
