"""The Big List of Naughty Strings through the billing and ads services that store text (test_hostile_corpus.py's
rules and runner: stored exactly after the documented normalisation, or refused naming the problem, and a refused
call writes nothing; one transaction per service, each string in a savepoint that is rolled back).

Fields with rules of their own: URLs (click URL, website) are refused unless https (the refusal names the field;
its wording is checks_urls.py's); e-mail addresses are stored lower-case; a blocked domain is stored in its IDNA
form. All of them are trimmed like text first (white space and byte order marks). For these the corpus (where
nothing is a valid URL, address or domain) is joined by a few strings that are, and some that nearly are.

The subscription actions commit by themselves (Stripe is called between two units of work), so they cannot run
inside the savepoint pattern: they have their own test with a sample of the corpus, a fresh subscription for each
string stored, and the emptying after every test as their clean-up.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.actor import SYSTEM
from console.ads.models import Ad, AdCampaign, AdDomainBlock, Advertiser
from console.ads.service import ads, advertisers, blocklist, campaigns, review
from console.audit.models import AuditEvent
from console.billing.models import CreditLedgerEntry, Payout, Refund, Subscription
from console.billing.service import credits, payouts, refunds, subscriptions
from console.billing.service.refund_rules import NOTE_MAX
from console.db import session_scope
from console.errors import ValidationFailed
from tests.ads import factories as af
from tests.billing import factories as bf
from tests.billing import sub_factories as sf
from tests.test_hostile_corpus import (
    ANY,
    EXTRA,
    STRINGS,
    Case,
    Field,
    _count,
    _forbidden,
    _row,
    _trim,
    expected,
    message_matches,
    run_case,
)

SHOP = "https://shop.example.com/sale"
LONG_URL = "https://shop.example.com/" + "a" * 600  # within the 2,000 of an ad URL; more than a website's 500
URLS = {  # typed -> what is stored (after trimming)
    SHOP: SHOP,
    f"  {SHOP}?q=1 \t": f"{SHOP}?q=1",
    f"\ufeff{SHOP}/bom\ufeff": f"{SHOP}/bom",
    "https://bücher.de/": "https://bücher.de/",
    LONG_URL: LONG_URL,
}
BAD_URLS = [
    "javascript:alert(1)",
    " JaVa\tScRiPt:alert(1)",
    "http://shop.example.com/",
    "//shop.example.com/",
    "https://user:pw@shop.example.com/",
    "https://127.0.0.1/",
    "https://localhost/",
    "https:\\\\evil.example",
    "https://shop.example.com/a b",
    "data:text/html,<script>alert(1)</script>",
    "https://" + "a" * 2000 + ".com",
]
EMAILS = {
    "Name@Example.COM": "name@example.com",
    " ops@shop.example.com\t": "ops@shop.example.com",
    "\ufeffbom@shop.example.com": "bom@shop.example.com",
}
BAD_EMAILS = ["no-at-sign.example.com", "two@@example.com", "a@b", "<a@example.com>", "a b@example.com"]
DOMAINS = {
    "Blocked.Example.COM": "blocked.example.com",
    "*.ads.example.com": "ads.example.com",
    "Bücher.de": "xn--bcher-kva.de",
    "\ufeffbom.example.com\n": "bom.example.com",
    "dot.example.com.": "dot.example.com",
    "RomansInSussex.co.uk": "romansinsussex.co.uk",
}  # the last is the corpus's own
BAD_DOMAINS = ["https://example.com/", "user@example.com", "localhost", "127.0.0.1", "-bad-.example.com", "a..b.com"]


def _own_rules(known: dict[str, str], lower: bool = False) -> Callable[[str, Field], tuple[str, str | None]]:
    """The expectation for a field with its own rules: blank (after trimming) is "is required" or stored empty; a
    known good value is stored as `known` says (too long for the column: refused as such); every other value is
    refused with a message of the field's own (a forbidden character named with the house's wording)."""

    def expect(text: str, spec: Field) -> tuple[str, str | None]:
        trimmed, lead = _trim(text)
        if not trimmed:
            return ("", "is required") if spec.required else ("", None)
        if text in known:
            stored = known[text]
            if len(stored) > spec.max_len:
                return "", f"is too long ({len(stored):,} characters; {spec.max_len:,} at most)"
            return stored, None
        for i, ch in enumerate(trimmed):
            if _forbidden(ch, False) and spec.name == "domain":
                return "", f"U+{ord(ch):04X} at position {lead + i + 1}"
        return "", ANY

    return expect


def billing_cases() -> dict[str, Callable[[], Case]]:
    def refund_request_note() -> Case:
        payment_id = bf.payment(amount_cents=10_000)
        return Case(
            [Field("note", NOTE_MAX, False, True)],
            lambda s, v: refunds.request_refund(
                s,
                actor=SYSTEM,
                payment_id=payment_id,
                amount_cents=100,
                reason="requested_by_customer",
                idempotency_key=bf.key(),
                **v,
            ),
            _row(Refund, "note"),
            _count(Refund),
        )

    def refund_rejection_note() -> Case:
        payment_id = bf.payment(amount_cents=10_000)
        with session_scope() as session:
            refund = refunds.request_refund(
                session,
                actor=SYSTEM,
                payment_id=payment_id,
                amount_cents=100,
                reason="duplicate",
                idempotency_key=bf.key(),
            )
            refund_id, version = refund.id, refund.version
        return Case(
            [Field("note", NOTE_MAX, True, True)],
            lambda s, v: refunds.reject_refund(s, actor=SYSTEM, refund_id=refund_id, version=version, **v),
            lambda s, r: {"note": s.execute(select(Refund.decision_note).where(Refund.id == r.id)).scalar_one()},
            lambda s: int(s.execute(select(func.count()).where(Refund.status == "rejected")).scalar_one()),
        )

    def credit_grant() -> Case:
        member_id = sf.member()
        return Case(
            [Field("reason", credits.REASON_MAX, True, True)],
            lambda s, v: credits.grant_credits(s, actor=SYSTEM, member_id=member_id, amount=5, **v),
            _row(CreditLedgerEntry, "reason"),
            _count(CreditLedgerEntry),
        )

    def payout_hold() -> Case:
        payout_id = sf.payout()
        version = sf.load(Payout, payout_id).version
        return Case(
            [Field("reason", payouts.REASON_MAX, True, True)],
            lambda s, v: payouts.hold_payout(s, actor=SYSTEM, payout_id=payout_id, version=version, **v),
            lambda s, p: {"reason": _one(s, Payout.hold_reason, Payout, p.id)},
            lambda s: int(s.execute(select(func.count()).where(Payout.status == "held")).scalar_one()),
        )

    return {f.__name__: f for f in (refund_request_note, refund_rejection_note, credit_grant, payout_hold)}


def _one(session: Session, column: Any, model: Any, row_id: int) -> Any:
    return session.execute(select(column).where(model.id == row_id)).scalar_one()


def ads_cases() -> dict[str, Callable[[], Case]]:
    def ad(s: Session, campaign_id: int, **values: Any) -> Ad:
        values = {"name": "Corpus ad", "click_url": SHOP} | values
        return ads.create_ad(
            s,
            actor=SYSTEM,
            campaign_id=campaign_id,
            type="banner",
            format="rectangle",
            creative_url="https://cdn.example.com/b.png",
            **values,
        )

    def advertiser_name() -> Case:
        return Case(
            [Field("name", advertisers.NAME_MAX)],
            lambda s, v: advertisers.create_advertiser(s, actor=SYSTEM, **v),
            _row(Advertiser, "name"),
            _count(Advertiser),
        )

    def advertiser_email() -> Case:
        return Case(
            [Field("contact_email", 254, False)],
            lambda s, v: advertisers.create_advertiser(s, actor=SYSTEM, name="Corpus Ltd", **v),
            _row(Advertiser, "contact_email"),
            _count(Advertiser),
            expect=_own_rules(EMAILS),
            min_stored=len(EMAILS),
        )

    def advertiser_website() -> Case:
        return Case(
            [Field("website", 500, False)],
            lambda s, v: advertisers.create_advertiser(s, actor=SYSTEM, name="Corpus Ltd", **v),
            _row(Advertiser, "website"),
            _count(Advertiser),
            expect=_own_rules(URLS),
            min_stored=len(URLS) - 1,
        )

    def campaign_name() -> Case:
        advertiser_id, today = af.advertiser(), af.today()
        return Case(
            [Field("name", campaigns.NAME_MAX)],
            lambda s, v: campaigns.create_campaign(
                s,
                actor=SYSTEM,
                advertiser_id=advertiser_id,
                budget_cents=10_000,
                cpm_bid_cents=100,
                starts_on=today,
                ends_on=today,
                **v,
            ),
            _row(AdCampaign, "name"),
            _count(AdCampaign),
        )

    def ad_name() -> Case:
        campaign_id = af.campaign()
        return Case([Field("name", ads.NAME_MAX)], lambda s, v: ad(s, campaign_id, **v), _row(Ad, "name"), _count(Ad))

    def ad_click_url() -> Case:
        campaign_id = af.campaign()
        return Case(
            [Field("click_url", 2000)],
            lambda s, v: ad(s, campaign_id, **v),
            _row(Ad, "click_url"),
            _count(Ad),
            expect=_own_rules(URLS),
            min_stored=len(URLS),
        )

    def ad_rejection_note() -> Case:
        pending = af.submitted(af.banner())
        return Case(
            [Field("note", review.NOTE_MAX, False, True)],
            lambda s, v: review.reject_ad(s, actor=SYSTEM, ad_id=pending.id, version=None, reasons=["misleading"], **v),
            lambda s, a: {"note": _one(s, Ad.rejection_note, Ad, a.id)},
            lambda s: int(s.execute(select(func.count()).where(Ad.state == "rejected")).scalar_one()),
        )

    def blocked_domain() -> Case:
        return Case(
            [Field("domain", 253)],
            lambda s, v: blocklist.add_domain(s, actor=SYSTEM, reason="Corpus", **v),
            _row(AdDomainBlock, "domain"),
            _count(AdDomainBlock),
            expect=_own_rules(DOMAINS),
            min_stored=len(DOMAINS),
        )

    def blocked_domain_reason() -> Case:
        return Case(
            [Field("reason", blocklist.REASON_MAX, True, True)],
            lambda s, v: blocklist.add_domain(s, actor=SYSTEM, domain="blocked.example.com", **v),
            _row(AdDomainBlock, "reason"),
            _count(AdDomainBlock),
        )

    return {
        f.__name__: f
        for f in (
            advertiser_name,
            advertiser_email,
            advertiser_website,
            campaign_name,
            ad_name,
            ad_click_url,
            ad_rejection_note,
            blocked_domain,
            blocked_domain_reason,
        )
    }


ALL = billing_cases() | ads_cases()
OWN_RULE_STRINGS = {
    "advertiser_email": [*EMAILS, *BAD_EMAILS],
    "advertiser_website": [*URLS, *BAD_URLS],
    "ad_click_url": [*URLS, *BAD_URLS],
    "blocked_domain": [*DOMAINS, *BAD_DOMAINS],
}


@pytest.mark.parametrize("service", list(ALL))
def test_every_naughty_string_is_stored_exactly_or_refused_by_name(service: str) -> None:
    run_case(ALL[service](), STRINGS + OWN_RULE_STRINGS.get(service, []))


SAMPLE = STRINGS[::20] + EXTRA  # every 20th string (all the file's sections) and what the file cannot hold


def _subscription_action(action: str, plan_b: int) -> Callable[[int, int, str], Any]:
    def call(sub_id: int, version: int, reason: str) -> Any:
        common: dict[str, Any] = {"actor": SYSTEM, "subscription_id": sub_id, "version": version, "reason": reason}
        if action == "cancel":
            return subscriptions.cancel_subscription(at_period_end=True, **common)
        if action == "extend":
            return subscriptions.extend_subscription(days=1, **common)
        return subscriptions.change_plan(plan_id=plan_b, **common)

    return call


def _stored_reason(action: str, sub_id: int) -> str | None:
    with session_scope() as session:
        if action == "cancel":
            return session.execute(select(Subscription.cancel_reason).where(Subscription.id == sub_id)).scalar_one()
        reason = session.execute(
            select(AuditEvent.reason)
            .where(AuditEvent.entity == "subscription", AuditEvent.entity_id == str(sub_id))
            .order_by(AuditEvent.id.desc())
            .limit(1)
        ).scalar_one()
        return reason.removeprefix("1 day: ") if action == "extend" and reason else reason


def _state(sub_id: int) -> tuple[Any, ...]:
    with session_scope() as session:
        sub = session.get(Subscription, sub_id)
        assert sub is not None
        events = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        return sub.version, sub.status, sub.cancel_at_period_end, sub.cancel_reason, sub.plan_id, events


@pytest.mark.parametrize("action", ["cancel", "extend", "change_plan"])
def test_subscription_reasons_are_stored_exactly_or_refused_by_name(action: str) -> None:
    """These commit by themselves: a fresh comp subscription for each string stored, a sample of the corpus."""
    plan_a, plan_b = sf.plan(), sf.plan()
    call, spec = _subscription_action(action, plan_b), Field("reason", subscriptions.REASON_MAX, True, True)
    problems: list[str] = []
    outcomes = dict.fromkeys(("stored", "refused"), 0)
    fresh = (sf.subscription(plan_id=plan_a) for _ in itertools.count())
    sub_id = next(fresh)
    for text in SAMPLE:
        want, why = expected(text, spec)
        version, before = sf.load(Subscription, sub_id).version, _state(sub_id)
        try:
            call(sub_id, version, text)
        except ValidationFailed as exc:
            outcomes["refused"] += 1
            if _state(sub_id) != before:
                problems.append(f"{text!r}: a refused call changed the subscription or wrote an audit event")
            if why is None or exc.errors.keys() != {"reason"} or not message_matches(exc.errors["reason"], why):
                problems.append(f"{text!r}: refused with {exc.errors}, expected {why}")
        else:
            outcomes["stored"] += 1
            if why is not None:
                problems.append(f"{text!r}: stored although {why}")
            elif (got := _stored_reason(action, sub_id)) != want:
                problems.append(f"{text!r}: reason stored as {got!r}, not {want!r}")
            sub_id = next(fresh)
    assert problems == [], f"{len(problems)} of {len(SAMPLE)} strings:\n" + "\n".join(problems[:20])
    assert outcomes["stored"] > 10 and outcomes["refused"] >= 2, outcomes  # lone surrogate, NUL
