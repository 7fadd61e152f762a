"""The member 360 page (/members/{id}) with NiceGUI's simulated user: the sections each role's permissions open
(billing for finance, the moderation history for moderators, everything for administrators), a subscription's
actions (cancel now with the unused part shown and refunded, cancel at the period's end and resume, a stale
action kept in its dialog), and granting credits."""

from __future__ import annotations

from typing import Any

from nicegui.testing import User
from sqlalchemy import select

from console.billing.models import CreditLedgerEntry, Refund, Subscription
from console.billing.service import subscriptions
from console.db import session_scope
from tests.billing.page_helpers import member, payment, plan, signed_in, stored, subscription, wait_text
from tests.moderation.factories import claim, decide, report
from tests.moderation.page_helpers import click, texts, type_into, wait_shown
from tests.ui.helpers import element, shown, wait_loaded, wait_until

BILLING_PARTS = ("member-subscriptions", "member-payments", "member-refunds", "member-ledger")


def _billed_member() -> tuple[int, int, int]:
    """A member with a Stripe subscription and this period's payment: (member, subscription, payment)."""
    who = member()
    sub = subscription(who, plan("basic", 3000))
    paid = payment(who, 3000, subscription_id=sub)
    return who, sub, paid


async def _open(user: User, member_id: int) -> None:
    await user.open(f"/members/{member_id}")
    await wait_shown(user, "member-header")
    await wait_loaded(user)  # billing, moderation and history are drawn after the page shows


async def test_finance_sees_billing_but_not_the_moderation_history(user: User, make_staff: Any) -> None:
    who, _sub, paid = _billed_member()
    await signed_in(user, make_staff)
    await _open(user, who)
    assert all(shown(user, part) for part in BILLING_PARTS)
    assert texts(user, "sub-plan") == ["Basic"] and shown(user, f"payment-refund-{paid}")
    assert shown(user, "billing-sandbox") and not shown(user, "member-moderation")


async def test_a_failed_payment_is_marked_not_refundable_instead_of_offering_refund(
    user: User, make_staff: Any
) -> None:
    who, _sub, paid = _billed_member()
    failed = payment(who, 3000, status="failed")
    await signed_in(user, make_staff)
    await _open(user, who)
    assert shown(user, f"payment-refund-{paid}") and not shown(user, f"payment-refund-{failed}")
    click(user, f"payment-not-refundable-{failed}")  # says why, offers nothing to submit
    await wait_shown(user, "refund-card")
    assert texts(user, "refund-blocked") == ["This payment failed: only a succeeded payment can be refunded."]
    assert not shown(user, "refund-submit")


async def test_a_moderator_sees_the_moderation_history_but_no_billing(
    user: User, make_staff: Any, actor_with: Any
) -> None:
    who, _sub, _paid = _billed_member()
    case_id = report("member", who, "harassment").case_id
    mod = actor_with("moderator")
    claim(case_id, mod)
    decide(case_id, mod, "warn", reason="rude to others")
    await signed_in(user, make_staff, "moderator", email="mo@test.example", name="Mo Mod")
    await _open(user, who)
    assert not any(shown(user, part) for part in BILLING_PARTS) and not shown(user, "billing-sandbox")
    assert shown(user, "member-moderation")
    assert shown(user, "member-strike") and shown(user, "member-decision") and shown(user, "member-case")


async def test_cancel_now_shows_the_unused_part_and_refunds_it(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    who, sub, paid = _billed_member()
    await _open(user, who)
    click(user, f"sub-cancel-now-{sub}")
    await wait_shown(user, "sub-cancel-dialog")
    [unused] = texts(user, "sub-unused")
    assert unused.startswith("Unused part of the period (until ") and unused.endswith("$19.99")
    assert element(user, "sub-refund-unused").value is True
    click(user, "sub-cancel-ok")
    await wait_until(lambda: element(user, "sub-cancel-input").error == "Reason is required", what="the reason")
    type_into(user, "sub-cancel-input", "moving abroad")
    click(user, "sub-cancel-ok")
    await wait_text(user, "sub-renewal", lambda t: "canceled" in t)
    assert stored(Subscription, sub).cancel_reason == "moving abroad"
    with session_scope() as session:
        [refund] = session.execute(select(Refund).where(Refund.payment_id == paid)).scalars()
    assert (refund.amount_cents, refund.status) == (1999, "succeeded")
    await wait_text(user, "member-refund-amount", lambda t: t == "$19.99")


async def test_cancel_at_the_period_end_then_resume(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    who, sub, _paid = _billed_member()
    await _open(user, who)
    click(user, f"sub-cancel-end-{sub}")
    await wait_shown(user, "sub-cancel-end-dialog")
    type_into(user, "sub-cancel-end-input", "too expensive")
    click(user, "sub-cancel-end-ok")
    await wait_text(user, "sub-renewal", lambda t: t.endswith("ends with the period"))
    assert stored(Subscription, sub).cancel_at_period_end
    click(user, f"sub-resume-{sub}")
    await wait_shown(user, "confirm-ok")
    click(user, "confirm-ok")
    await wait_text(user, "sub-renewal", lambda t: t.endswith("renews"))
    assert not stored(Subscription, sub).cancel_at_period_end


async def test_a_stale_subscription_action_keeps_the_reason_and_shows_who(
    user: User, make_staff: Any, actor_with: Any
) -> None:
    await signed_in(user, make_staff)
    who, sub, _paid = _billed_member()
    await _open(user, who)
    click(user, f"sub-extend-{sub}")
    await wait_shown(user, "sub-extend-dialog")
    other = actor_with("finance")
    subscriptions.cancel_subscription(actor=other, subscription_id=sub, version=1, at_period_end=True, reason="asked")
    type_into(user, "sub-extend-input", "sorry for the outage")
    click(user, "sub-extend-ok")
    await wait_shown(user, "sub-extend-conflict")
    assert element(user, "sub-extend-input").value == "sorry for the outage"
    await wait_text(user, "sub-renewal", lambda t: t.endswith("ends with the period"))  # the page shows it now
    click(user, "sub-extend-ok")  # again, on the stored version
    await wait_until(lambda: stored(Subscription, sub).trial_end is not None, what="the extension")


async def test_grant_credits(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    who = member()
    await _open(user, who)
    assert texts(user, "member-credit-balance") == ["Balance: 0"]
    click(user, "member-grant-credits")
    await wait_shown(user, "grant-dialog")
    element(user, "grant-amount").value = 25
    type_into(user, "grant-input", "stream outage on Friday")
    click(user, "grant-ok")
    await wait_text(user, "member-credit-balance", lambda t: t == "Balance: 25")
    assert texts(user, "ledger-amount") == ["+25"]
    with session_scope() as session:
        [entry] = session.execute(select(CreditLedgerEntry).where(CreditLedgerEntry.member_id == who)).scalars()
    assert (entry.kind, entry.amount, entry.reason) == ("bonus", 25, "stream outage on Friday")


async def test_a_credit_amount_is_judged_as_typed_never_clamped_or_rounded(user: User, make_staff: Any) -> None:
    """ui.number with min/max/precision used to clamp on blur: -50 granted 1 credit and 99,999,999 granted 100,000."""
    await signed_in(user, make_staff)
    who = member()
    await _open(user, who)
    click(user, "member-grant-credits")
    await wait_shown(user, "grant-dialog")
    type_into(user, "grant-input", "stream outage on Friday")
    for typed, message in ((-50, "must be more than 0"), (2.6, "must be a whole number"), (99_999_999, "at most")):
        amount = element(user, "grant-amount")
        amount.value = typed
        user.find(marker="grant-amount").trigger("blur")  # where NiceGUI's number field clamps and rounds
        click(user, "grant-ok")
        await wait_until(lambda: element(user, "grant-amount").error is not None, what=f"the message for {typed}")
        assert message in str(element(user, "grant-amount").error)
        assert element(user, "grant-amount").value == typed
        amount.error = None
    with session_scope() as session:
        assert not session.execute(select(CreditLedgerEntry).where(CreditLedgerEntry.member_id == who)).all()
    assert texts(user, "member-credit-balance") == ["Balance: 0"]


async def test_extend_days_are_judged_as_typed(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    who, sub, _paid = _billed_member()
    await _open(user, who)
    click(user, f"sub-extend-{sub}")
    await wait_shown(user, "sub-extend-dialog")
    assert "autofocus" in element(user, "sub-days").props  # the days, shown first, not the reason below (QA)
    assert "autofocus" not in element(user, "sub-extend-input").props
    type_into(user, "sub-extend-input", "sorry for the outage")
    element(user, "sub-days").value = -5
    user.find(marker="sub-days").trigger("blur")
    click(user, "sub-extend-ok")
    await wait_until(lambda: element(user, "sub-days").error is not None, what="the days message")
    assert "must be between 1 and" in str(element(user, "sub-days").error)
    assert element(user, "sub-days").value == -5
    element(user, "sub-days").value = 1.5  # extended by 1 day before (int() cut it)
    element(user, "sub-days").error = None
    click(user, "sub-extend-ok")
    await wait_until(lambda: element(user, "sub-days").error is not None, what="the whole-days message")
    assert element(user, "sub-days").error == "Days must be a whole number of days"
    assert stored(Subscription, sub).trial_end is None
