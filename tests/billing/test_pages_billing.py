"""/billing with NiceGUI's simulated user: the payments list with its filters and search (member e-mail or a Stripe
id), "Awaiting my approval" with Approve by a second finance staff member and Reject with a reason, the payouts
queue (approve, hold with a reason, release, a stale hold kept in its dialog), the keys, and executives reading
without any action (the buttons absent, and the services refusing them)."""

from __future__ import annotations

from typing import Any

import pytest
from nicegui import ui
from nicegui.testing import User

from console.actor import SYSTEM
from console.billing.models import Payment, Payout, Refund
from console.billing.service import payouts, refunds
from console.db import session_scope
from console.errors import Forbidden
from tests.billing.page_helpers import (
    choose_row,
    member,
    payment,
    payout,
    refund_count,
    request,
    signed_in,
    stored,
    wait_text,
)
from tests.moderation.page_helpers import click, press, texts, type_into, wait_shown
from tests.ui.helpers import element, rows, shown, wait_for_caption, wait_for_rows, wait_until


async def test_payments_are_listed_filtered_and_searched(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    ann, bob = member("ann@pay.example"), member("bob@pay.example")
    first = payment(ann, 999)
    payment(ann, 450, status="failed", kind="credits")
    payment(bob, 1999)
    await user.open("/billing")
    await wait_for_caption(user, "1–3 of 3")
    assert shown(user, "billing-sandbox")
    row = next(r for r in rows(user) if r["id"] == first)
    assert (row["member"], row["kind_label"], row["amount"], row["status_label"]) == (
        "ann@pay.example",
        "Subscription",
        "$9.99",
        "Succeeded",
    )
    element(user, "payments-status").value = "failed"
    await wait_for_caption(user, "1–1 of 1")
    assert rows(user)[0]["kind_label"] == "Credits"
    element(user, "payments-status").value = None
    search = element(user, "payments-search")  # a floating label cuts underscores: the ids are in the hover text
    assert "_" not in search.props["label"] and "pi_…, ch_… or in_…" in search.props["title"]
    type_into(user, "payments-search", "bob@")
    user.find(marker="payments-search").trigger("keydown.enter")
    await wait_for_rows(user, lambda r: [x["member"] for x in r] == ["bob@pay.example"], "bob's payment")
    type_into(user, "payments-search", stored_charge(first))
    user.find(marker="payments-search-go").click()  # the button says what Enter does
    await wait_for_rows(user, lambda r: [x["id"] for x in r] == [first], "the payment by its charge id")
    await choose_row(user, first)
    await wait_shown(user, "payment-detail")
    assert shown(user, "payment-refund") and shown(user, "payment-member-link")
    assert element(user, "payment-member-link").text == f"Open member #{rows(user)[0]['member_id']}"


async def open_only_payment(user: User, payment_id: int) -> None:
    """/billing listing this one payment, opened beside the list."""
    await user.open("/billing")
    await wait_for_caption(user, "1–1 of 1")
    await choose_row(user, payment_id)
    await wait_shown(user, "payment-detail")


def request_refund(payment_id: int, cents: int, key: str) -> None:
    """A refund asked for by the system (above $50.00 it waits for approval)."""
    with session_scope() as session:
        refunds.request_refund(
            session,
            actor=SYSTEM,
            payment_id=payment_id,
            amount_cents=cents,
            reason="requested_by_customer",
            idempotency_key=key,
        )


async def test_the_tab_and_its_filters_go_into_the_address(
    user: User, make_staff: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Back from "Open member", or a reload, reset the list to every payment: the open tab and its applied filters
    are in the address (history.replace), as the moderation queue keeps its own, and the page reads them back."""
    await signed_in(user, make_staff)
    payment(member("fay@pay.example"), 450, status="failed")
    payment(member("gus@pay.example"), 990)
    addresses: list[str] = []
    monkeypatch.setattr(ui.navigate.history, "replace", addresses.append)
    await user.open("/billing")
    await wait_for_caption(user, "1–2 of 2")
    element(user, "payments-status").value = "failed"
    await wait_until(lambda: addresses[-1:] == ["/billing?status=failed"], what="the filter in the address")
    press(user, "2")  # the refunds tab
    await wait_until(lambda: addresses[-1:] == ["/billing?tab=refunds"], what="the tab in the address")
    await user.open("/billing?status=failed")
    await wait_for_caption(user, "1–1 of 1")
    request_refund(payment(member("hal@pay.example"), 9_000), 8_000, "test-address-refund")  # a status tab too
    await user.open("/billing?tab=refunds&status=awaiting_approval")
    await wait_for_caption(user, "1–1 of 1")
    await user.open("/billing?tab=refunds&status=rejected")  # the box said "Rejected", the list showed every refund
    await wait_for_caption(user, "0–0 of 0")


async def test_a_payment_says_what_is_being_refunded(user: User, make_staff: Any) -> None:
    """ "$250.00 · Succeeded" and a Refund… button, while $187.50 waited for approval: a second clerk could ask
    again. The panel says what is on its way, as the refund dialog does."""
    await signed_in(user, make_staff)
    paid = payment(member("sophie@pay.example"), 25_000)
    request_refund(paid, 18_750, "test-being-refunded")
    await open_only_payment(user, paid)
    assert element(user, "payment-being-refunded").text.startswith("Being refunded: $187.50")
    assert shown(user, "payment-refund")  # $62.50 is left to refund
    request_refund(paid, 6_250, "test-being-refunded-rest")  # the rest too: Refund… could only say nothing is left
    await open_only_payment(user, paid)
    assert not shown(user, "payment-refund")
    assert element(user, "payment-not-refundable").text == (
        "Nothing is left to refund now: $250.00 is being refunded (awaiting approval or at Stripe)."
    )


async def test_a_payment_that_cannot_be_refunded_says_why_instead_of_offering_refund(
    user: User, make_staff: Any
) -> None:
    """A failed payment offered "Refund…", and the dialog could only refuse."""
    await signed_in(user, make_staff)
    failed = payment(member("fay@pay.example"), 450, status="failed")
    await open_only_payment(user, failed)
    assert not shown(user, "payment-refund")
    assert element(user, "payment-not-refundable").text == (
        "This payment failed: only a succeeded payment can be refunded."
    )


def stored_charge(payment_id: int) -> str:
    charge = stored(Payment, payment_id).charge_id
    assert charge
    return str(charge)


async def test_a_second_finance_staff_member_approves_and_it_goes_to_stripe(
    user: User, make_staff: Any, actor_for: Any
) -> None:
    asker_id, _ = make_staff("finance", name="Asker")
    paid = payment(member("big@pay.example"), 12_000)
    refund = request(actor_for(asker_id), paid, 8_000)
    assert refund.status == "awaiting_approval"
    await signed_in(user, make_staff)
    await user.open("/billing?tab=approvals")
    await wait_for_caption(user, "1–1 of 1")
    await choose_row(user, refund.id)
    await wait_shown(user, "refund-detail")
    click(user, "refund-approve")
    await wait_shown(user, "approve-card")
    assert texts(user, "approve-what")[0].startswith("$80.00 to big@pay.example for payment")
    assert "autofocus" in element(user, "approve-note").props  # typed into at once (QA)
    type_into(user, "approve-note", "checked the ticket")
    click(user, "approve-ok")
    assert await wait_text(user, "approve-result", bool) == "Refunded $80.00. Stripe confirmed it."
    done = stored(Refund, refund.id)
    assert (done.status, done.decision_note) == ("succeeded", "checked the ticket")
    click(user, "approve-close")
    await wait_for_caption(user, "0–0 of 0")  # nothing awaits this approver any more
    assert element(user, "paged-table").props["no-data-label"] == "No refund awaits your approval."


async def test_the_requester_finds_nothing_to_approve_and_rejecting_needs_a_reason(
    user: User, make_staff: Any, actor_for: Any
) -> None:
    fin_id = await signed_in(user, make_staff)
    mine = request(actor_for(fin_id), payment(member(), 9_000), 6_000)
    asker_id, _ = make_staff("finance", name="Asker")
    theirs = request(actor_for(asker_id), payment(member(), 9_000), 7_000)
    await user.open("/billing?tab=approvals")
    found = await wait_for_rows(user, lambda r: len(r) == 1, "one refund to decide")
    assert found[0]["id"] == theirs.id  # not mine
    await choose_row(user, theirs.id)
    await wait_shown(user, "refund-reject")
    click(user, "refund-reject")
    await wait_shown(user, "reject-dialog")
    click(user, "reject-ok")
    await wait_until(lambda: element(user, "reject-input").error == "Reason is required", what="the reason message")
    type_into(user, "reject-input", "no ticket for this")
    click(user, "reject-ok")
    await wait_until(lambda: stored(Refund, theirs.id).status == "rejected", what="the rejection")
    await wait_for_caption(user, "0–0 of 0")
    assert stored(Refund, mine.id).status == "awaiting_approval"
    assert stored(Refund, theirs.id).approved_by_id == fin_id  # who decided

    await user.open("/billing?tab=refunds")  # the requester, and anyone, reads why
    await wait_for_rows(user, lambda r: any(x["id"] == theirs.id for x in r), "the refunds")
    await choose_row(user, theirs.id)
    await wait_text(user, "refund-detail-why", lambda t: t == "Why: no ticket for this")
    assert texts(user, "refund-detail-decided")[0].startswith("Decided by Fiona Fin · ")  # by name, not e-mail
    await user.should_see("requested by Asker · ")


async def test_payouts_are_approved_held_with_a_reason_and_released(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    first, second = payout(12_000, creator="Cara Creator"), payout(5_000)
    await user.open("/billing?tab=payouts")
    await wait_for_caption(user, "1–2 of 2")
    await choose_row(user, first)
    await wait_shown(user, "payout-approve")
    click(user, "payout-approve")
    await wait_shown(user, "confirm-ok")
    click(user, "confirm-ok")
    await wait_until(lambda: stored(Payout, first).status == "approved", what="the approval")
    await choose_row(user, second)
    await wait_shown(user, "payout-hold")
    click(user, "payout-hold")
    await wait_shown(user, "hold-dialog")
    type_into(user, "hold-input", "tax form missing")
    click(user, "hold-ok")
    await wait_until(lambda: stored(Payout, second).status == "held", what="the hold")
    await wait_text(user, "payout-hold-reason", lambda t: t == "Held: tax form missing")
    await wait_shown(user, "payout-release")
    click(user, "payout-release")  # asks why, as the hold did
    await wait_shown(user, "release-dialog")
    assert "It was held: tax form missing." in texts(user, "release-message")[0]
    click(user, "release-ok")
    await wait_until(lambda: element(user, "release-input").error is not None, what="the reason is required")
    assert stored(Payout, second).status == "held"
    type_into(user, "release-input", "tax form received")
    click(user, "release-ok")
    await wait_until(lambda: stored(Payout, second).status == "pending", what="the release")
    await wait_shown(user, "payout-approve")  # the list as it is now


async def test_a_stale_hold_shows_who_changed_it_and_keeps_the_reason(
    user: User, make_staff: Any, actor_with: Any
) -> None:
    await signed_in(user, make_staff)
    payout_id = payout(12_000)
    await user.open("/billing?tab=payouts")
    await choose_row(user, payout_id)
    await wait_shown(user, "payout-hold")
    click(user, "payout-hold")
    with session_scope() as session:  # someone else approves it meanwhile
        payouts.approve_payout(session, actor=actor_with("finance"), payout_id=payout_id, version=1)
    await wait_shown(user, "hold-dialog")
    type_into(user, "hold-input", "bank details look wrong")
    click(user, "hold-ok")
    await wait_shown(user, "hold-conflict")
    assert element(user, "hold-input").value == "bank details look wrong"
    assert stored(Payout, payout_id).status == "approved"
    click(user, "hold-ok")  # again, on what is stored now
    await wait_until(lambda: stored(Payout, payout_id).status == "held", what="the hold on the stored version")
    await wait_shown(user, "payout-hold-reason")


async def test_keys_switch_tabs_and_are_listed(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    await user.open("/billing")
    await wait_for_caption(user, "0–0 of 0")
    press(user, "4")
    await wait_until(lambda: element(user, "billing-tabs").value == "payouts", what="the payouts tab")
    await wait_shown(user, "payouts-bar")
    press(user, "?")
    await wait_shown(user, "shortcut-sheet")
    listed = texts(user, "shortcut-what")
    assert "Search payments (member e-mail or Stripe id)" in listed and "Go to Billing" in listed


async def test_executives_read_without_any_action(user: User, make_staff: Any, actor_with: Any, actor_for: Any) -> None:
    paid = payment(member(), 9_000)
    asker = actor_with("finance")
    refund = request(asker, paid, 7_000)
    payout_id = payout()
    exec_id = await signed_in(user, make_staff, "executive", email="eve.exec@test.example", name="Eve Exec")
    await user.open("/billing")
    await wait_for_caption(user, "1–1 of 1")
    assert shown(user, "billing-read-only") and shown(user, "billing-sandbox")
    assert not shown(user, "billing-tab-approvals")
    await choose_row(user, paid)
    await wait_shown(user, "payment-detail")
    assert not shown(user, "payment-refund") and not shown(user, "payment-member-link")
    await user.open("/billing?tab=payouts")
    await choose_row(user, payout_id)
    await wait_shown(user, "payout-detail")
    assert not any(shown(user, m) for m in ("payout-approve", "payout-hold", "payout-release"))
    # The services refuse an executive whatever the page shows.
    executive = actor_for(exec_id)
    with session_scope() as session, pytest.raises(Forbidden):
        refunds.request_refund(
            session, actor=executive, payment_id=paid, amount_cents=100, reason="goodwill", idempotency_key="x1"
        )
    with session_scope() as session, pytest.raises(Forbidden):
        refunds.approve_refund(session, actor=executive, refund_id=refund.id, version=refund.version)
    with session_scope() as session, pytest.raises(Forbidden):
        payouts.approve_payout(session, actor=executive, payout_id=payout_id, version=1)
    assert refund_count(paid) == 1


async def test_j_and_k_walk_the_list_and_show_each_row_beside_it(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    ann = member("ann@keys.example")
    older, newer = payment(ann, 999), payment(ann, 1999)
    await user.open("/billing")
    await wait_for_caption(user, "1–2 of 2")
    first_id, second_id = (r["id"] for r in rows(user))
    press(user, "j")
    await wait_until(lambda: texts(user, "payment-title") == [f"Payment #{first_id} · Subscription"], what="row 1")
    assert [r["cursor"] for r in rows(user)] == [True, False]
    press(user, "j")
    await wait_until(lambda: texts(user, "payment-title") == [f"Payment #{second_id} · Subscription"], what="row 2")
    press(user, "k")
    await wait_until(lambda: texts(user, "payment-title") == [f"Payment #{first_id} · Subscription"], what="back")
    assert {first_id, second_id} == {older, newer}


async def test_approve_after_the_session_ended_says_so_and_sends_to_sign_in(
    user: User, make_staff: Any, actor_for: Any, monkeypatch: Any
) -> None:
    """A deactivated approver pressed Approve on a page opened before: the button seemed dead (no message)."""
    from console.staff.auth import end_sessions_of

    asker_id, _ = make_staff("finance", name="Asker")
    refund = request(actor_for(asker_id), payment(member("late@pay.example"), 12_000), 8_000)
    staff_id = await signed_in(user, make_staff)
    await user.open("/billing?tab=approvals")
    await wait_for_caption(user, "1–1 of 1")
    await choose_row(user, refund.id)
    await wait_shown(user, "refund-approve")
    with session_scope() as session:
        assert end_sessions_of(session, staff_id, "deactivated") == 1
    targets: list[str] = []
    monkeypatch.setattr(user.navigate, "to", lambda target, new_tab=False: targets.append(target))
    click(user, "refund-approve")
    await wait_until(lambda: targets, what="the sign-in page")
    await user.should_see("Your session has ended")
    assert stored(Refund, refund.id).status == "awaiting_approval"


async def test_a_failed_refund_says_what_stripe_said_and_what_to_do_next(
    user: User, make_staff: Any, actor_for: Any
) -> None:
    from console.db import utcnow

    fin_id = await signed_in(user, make_staff)
    pay = payment(member(), 4_000)
    refused = request(actor_for(fin_id), pay, 1_000)
    silent = request(actor_for(fin_id), payment(member(), 3_000), 500)
    with session_scope() as session:  # as refund_sync records Stripe's refusal
        for refund_id, error in ((refused.id, "Stripe refused: the charge is disputed."), (silent.id, None)):
            row = session.get(Refund, refund_id)
            assert row is not None
            row.status, row.error, row.settled_at = "failed", error, utcnow()
    await user.open("/billing?tab=refunds")
    await wait_for_rows(user, lambda r: {x["id"] for x in r} >= {refused.id, silent.id}, "the refunds")
    assert all(x["created"] for x in rows(user))  # the list's order is on screen
    await choose_row(user, refused.id)
    why = "Why it failed: Stripe refused: the charge is disputed."
    await wait_text(user, "refund-detail-error", lambda t: t == why)
    assert texts(user, "refund-detail-next")[0].startswith(f"Nothing was refunded. Open payment #{pay} ")
    await choose_row(user, silent.id)
    await wait_text(user, "refund-detail-error", lambda t: t == "Stripe gave no reason.")
