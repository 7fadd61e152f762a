"""The refund dialog with NiceGUI's simulated user (on the member 360 page; the sandbox gateway by default): the
full amount, part of it, a bad amount's message on the field, a refund above the threshold waiting for a second
person, Apple-billed payments blocked with where to go, a double click giving one refund, Stripe not answering
or refusing, and a refund that no longer fits because someone refunded meanwhile (the input kept)."""

from __future__ import annotations

import json
from typing import Any

from nicegui.testing import User

from console.billing import gateway as gateway_module
from console.billing.gateway import GatewayRefund, GatewayRefused, GatewayUnavailable, SandboxGateway
from console.billing.models import Payment, Refund
from console.billing.pages.refund_dialog import STILL_SUBMITTING
from console.db import session_scope
from tests.billing.page_helpers import member, payment, refund_count, request, signed_in, stored, wait_text
from tests.moderation.page_helpers import click, texts, type_into, wait_shown
from tests.ui.helpers import element, shown, wait_until


async def _open_dialog(user: User, member_id: int, payment_id: int, *, button: str = "payment-refund") -> None:
    await user.open(f"/members/{member_id}")
    await wait_shown(user, "member-payments")
    click(user, f"{button}-{payment_id}")
    await wait_shown(user, "refund-card")


async def _refund_submitted(user: User, make_staff: Any, cents: int) -> int:
    """Signed in, a member's payment of `cents`, its refund dialog open and Refund pressed: the payment's id."""
    await signed_in(user, make_staff)
    who = member()
    paid = payment(who, cents)
    await _open_dialog(user, who, paid)
    click(user, "refund-submit")
    return paid


def _refunds(payment_id: int) -> list[Refund]:
    from sqlalchemy import select

    with session_scope() as session:
        return list(session.execute(select(Refund).where(Refund.payment_id == payment_id)).scalars())


async def test_the_full_amount_is_refunded_at_once_below_the_threshold(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    who = member()
    paid = payment(who, 3000)
    await _open_dialog(user, who, paid)
    assert texts(user, "refund-refundable") == ["Refundable now: $30.00"]
    assert element(user, "refund-amount").value == "30.00"
    assert texts(user, "refund-approval")[0].startswith("Up to $50.00")
    assert shown(user, "billing-sandbox")
    click(user, "refund-submit")
    assert await wait_text(user, "refund-result", bool) == "Refunded $30.00. Stripe confirmed it."
    [refund] = _refunds(paid)
    assert (refund.amount_cents, refund.status, refund.reason) == (3000, "succeeded", "requested_by_customer")
    assert stored(Payment, paid).status == "refunded"
    click(user, "refund-close")
    await wait_text(user, "member-refund-status", lambda t: t == "Succeeded")  # the page shows it


async def test_part_of_a_payment_with_a_reason_and_a_note(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    who = member()
    paid = payment(who, 4000)
    await _open_dialog(user, who, paid)
    type_into(user, "refund-amount", "12.5")
    element(user, "refund-reason").value = "duplicate"
    type_into(user, "refund-note", "charged twice")
    click(user, "refund-submit")
    assert await wait_text(user, "refund-result", bool) == "Refunded $12.50. Stripe confirmed it."
    [refund] = _refunds(paid)
    assert (refund.amount_cents, refund.reason, refund.note) == (1250, "duplicate", "charged twice")
    assert stored(Payment, paid).status == "partially_refunded"
    # the figures above the result are the payment's after it, not before
    await wait_until(lambda: texts(user, "refund-refundable") == ["Refundable now: $27.50"], what="the figures")
    assert texts(user, "refund-paid") == ["Paid $40.00 · refunded $12.50"]
    assert texts(user, "refund-result-status") == [f"Refund #{refund.id} · Succeeded"]


async def test_a_bad_amount_is_refused_on_the_field_and_nothing_is_refunded(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    who = member()
    paid = payment(who, 3000)
    await _open_dialog(user, who, paid)
    for typed, message in [
        ("40.00", "Amount must be at most "),  # the service: what the payment still has to refund
        ("12.345", "Amount may have at most 2 decimals"),
        ("ten", "Amount must be an amount like 12.50"),
        ("-5", "Amount must not be negative"),
    ]:
        type_into(user, "refund-amount", typed)
        click(user, "refund-submit")
        await wait_until(
            lambda m=message: str(element(user, "refund-amount").error or "").startswith(m), what=f"'{message}'"
        )
        assert element(user, "refund-amount").value == typed  # the input is kept
        await wait_until(lambda: "loading" not in element(user, "refund-submit").props, what="the dialog to settle")
    assert refund_count(paid) == 0


def _typed_in_the_browser(field: Any, text: str) -> None:
    """The field's text as a keystroke in the browser sends it (its `update:value` event), not as a server-side
    change: NiceGUI then sends the field back only if something else about it changed."""
    [listener] = [x for x in field._event_listeners.values() if x.type == f"update:{field.VALUE_PROP}"]
    field.client.handle_event({"id": field.id, "listener_id": listener.id, "args": [json.dumps(text)]})


async def test_typing_past_the_note_limit_says_so_once_and_sends_nothing_back(user: User, make_staff: Any) -> None:
    """QA: every character typed past 2,000 changed the message (it had the count), which sent the whole note back
    to the browser per keystroke; typing slowed 2.5-fold. The message names the limit (the counter counts)."""
    await signed_in(user, make_staff)
    who = member()
    await _open_dialog(user, who, payment(who, 3000))
    note = element(user, "refund-note")
    _typed_in_the_browser(note, "n" * 2000)
    assert note.error is None
    _typed_in_the_browser(note, "n" * 2001)
    assert note.error == "Note is too long (2,000 characters at most)"  # as the text passes the limit
    for length in (2002, 2500, 2501):
        note.client.outbox.updates.clear()
        _typed_in_the_browser(note, "n" * length)
        assert note.id not in note.client.outbox.updates, length  # not the whole note back per keystroke
        assert (note.value, note.error) == ("n" * length, "Note is too long (2,000 characters at most)")
    _typed_in_the_browser(note, "n" * 1999)
    assert note.error is None  # and it goes once the note fits


async def test_the_approval_line_announces_nothing_for_an_amount_that_cannot_be_refunded(
    user: User, make_staff: Any
) -> None:
    """ "Up to $50.00: it goes to Stripe as soon as you press Refund" stood beside "Amount must be at most …": for an
    amount that is not refundable the line says the rule, not what would happen."""
    await signed_in(user, make_staff)
    who = member()
    paid = payment(who, 999)
    await _open_dialog(user, who, paid)
    for typed in ("999999999999", "1,000", "ten", "0", "-5"):
        type_into(user, "refund-amount", typed)
        await wait_until(
            lambda: texts(user, "refund-approval")[0].startswith("Refunds up to $50.00 go to Stripe at once"),
            what=f"the neutral line for {typed!r}",
        )
    type_into(user, "refund-amount", "5")
    await wait_until(lambda: texts(user, "refund-approval")[0].startswith("Up to $50.00: it goes"), what="the rule")


async def test_enter_in_the_amount_refunds_and_a_click_outside_keeps_the_dialog(user: User, make_staff: Any) -> None:
    """Keyboard use: the amount has the focus, Enter in it presses Refund; a click beside the dialog does not close
    it (Esc does: the key sheet says so), and while Stripe is asked nothing closes it."""
    await signed_in(user, make_staff)
    who = member()
    paid = payment(who, 2500)
    await _open_dialog(user, who, paid)
    dialog = element(user, "refund-dialog")
    assert "no-backdrop-dismiss" in dialog.props and "persistent" not in dialog.props
    assert "autofocus" in element(user, "refund-amount").props
    type_into(user, "refund-amount", "7.50")
    user.find(marker="refund-amount").trigger("keydown.enter")
    assert await wait_text(user, "refund-result", bool) == "Refunded $7.50. Stripe confirmed it."
    assert [r.amount_cents for r in _refunds(paid)] == [750]
    assert "persistent" not in element(user, "refund-dialog").props  # held open only while Stripe was asked


async def test_above_the_threshold_it_waits_for_a_second_person(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    who = member()
    paid = payment(who, 9000)
    await _open_dialog(user, who, paid)
    assert texts(user, "refund-approval")[0].startswith("Above $50.00: a second finance staff member")
    type_into(user, "refund-amount", "20")
    await wait_until(lambda: texts(user, "refund-approval")[0].startswith("Up to $50.00"), what="the note to change")
    type_into(user, "refund-amount", "80")
    click(user, "refund-submit")
    result = await wait_text(user, "refund-result", bool)
    assert result.startswith("Refund of $80.00 requested (above $50.00). It waits for a second finance staff member")
    assert [r.status for r in _refunds(paid)] == ["awaiting_approval"]


async def test_apple_billed_payments_say_where_to_refund_them(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    who = member()
    paid = payment(who, 999, provider="apple")
    await _open_dialog(user, who, paid, button="payment-not-refundable")
    [why] = texts(user, "refund-blocked")
    assert "Apple bills this payment" in why and "reportaproblem.apple.com" in why
    assert not shown(user, "refund-amount") and not shown(user, "refund-submit")


async def test_a_payment_whose_rest_is_all_being_refunded_says_so_on_the_member_page(
    user: User, make_staff: Any
) -> None:
    """The member 360 offered "Refund…" while the whole rest waited for approval; the dialog could only refuse."""
    from console.actor import SYSTEM

    await signed_in(user, make_staff)
    who = member()
    paid = payment(who, 25_000)
    request(SYSTEM, paid, 18_750)
    await _open_dialog(user, who, paid)  # $62.50 is left: Refund… still
    assert texts(user, "refund-refundable") == ["Refundable now: $62.50"]
    request(SYSTEM, paid, 6_250)
    await _open_dialog(user, who, paid, button="payment-not-refundable")
    assert texts(user, f"payment-being-refunded-{paid}") == ["being refunded $250.00"]
    assert not shown(user, f"payment-refund-{paid}")
    [why] = texts(user, "refund-blocked")
    assert why.startswith("Nothing is left to refund: $0.00 refunded and $250.00 on its way")


async def test_a_double_click_gives_one_refund(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    who = member()
    paid = payment(who, 2500)
    await _open_dialog(user, who, paid)
    button = user.find(marker="refund-submit")
    button.click()
    button.click()
    await wait_text(user, "refund-result", bool)
    assert refund_count(paid) == 1
    assert stored(Payment, paid).refunded_cents == 2500


class _Unreachable(SandboxGateway):
    def create_refund(self, **kwargs: Any) -> GatewayRefund:
        raise GatewayUnavailable("Connection reset by peer")


class _Refusing(SandboxGateway):
    def create_refund(self, **kwargs: Any) -> GatewayRefund:
        raise GatewayRefused("Charge ch_x has already been refunded.")


async def test_stripe_not_answering_leaves_it_to_the_reconcile_job(user: User, make_staff: Any) -> None:
    gateway_module.set_gateway(_Unreachable())
    paid = await _refund_submitted(user, make_staff, 1500)
    assert await wait_text(user, "refund-result", bool) == STILL_SUBMITTING
    assert [r.status for r in _refunds(paid)] == ["submitting"]


async def test_stripe_refusing_shows_its_message(user: User, make_staff: Any) -> None:
    gateway_module.set_gateway(_Refusing())
    await _refund_submitted(user, make_staff, 1500)
    result = await wait_text(user, "refund-result", bool)
    assert result.startswith("The refund of $15.00 failed:") and "already been refunded" in result


async def test_an_error_on_our_side_ends_the_wait_with_what_to_do(
    user: User, make_staff: Any, monkeypatch: Any, caplog: Any
) -> None:
    """An unexpected error while sending or recording the refund (the sandbox's reused id met a UNIQUE constraint)
    left the dialog on "Waiting for Stripe…" for good."""
    from console.billing.service import refunds as refund_service

    def broken(**_kwargs: Any) -> Any:
        raise RuntimeError("UNIQUE constraint failed: refunds.stripe_refund_id")

    monkeypatch.setattr(refund_service, "submit_refund", broken)
    await _refund_submitted(user, make_staff, 1500)
    result = await wait_text(user, "refund-result", bool)
    assert "could not be recorded (an error on our side)" in result and "Tell an administrator" in result
    assert not shown(user, "refund-waiting")
    assert "sending or recording it failed" in caplog.text  # logged for the operator, with the traceback
    caplog.clear()  # expected: the user plugin fails a test that leaves ERROR records


async def test_a_refund_made_meanwhile_is_shown_and_the_input_kept(
    user: User, make_staff: Any, actor_with: Any
) -> None:
    await signed_in(user, make_staff)
    who = member()
    paid = payment(who, 3000)
    await _open_dialog(user, who, paid)
    request(actor_with("finance"), paid, 2000)  # someone else, while the dialog is open
    click(user, "refund-submit")
    await wait_until(
        lambda: str(element(user, "refund-amount").error or "").startswith("Amount must be at most"),
        what="the amount's message",
    )
    assert element(user, "refund-amount").value == "30.00"
    await wait_until(lambda: texts(user, "refund-refundable") == ["Refundable now: $10.00"], what="the new figures")
    assert refund_count(paid) == 1


def test_a_refund_conflict_shows_statuses_as_the_lists_do() -> None:
    """The approval conflict read "succeeded / awaiting_approval" in monospace beside lists saying "Succeeded"."""
    from console.billing.pages.refund_dialog import refund_value

    assert refund_value("status", "awaiting_approval") == "Awaiting approval"
    assert refund_value("status", "pending") == "Pending at Stripe"
    assert refund_value("approved_by", "awaiting_approval") == "awaiting_approval"  # only the status is a code


async def test_a_note_typed_before_the_page_went_is_back_until_the_refund_is_made(user: User, make_staff: Any) -> None:
    """A lost page took the refund dialog's note with it (QA's 5,000-character note). Opened again for that payment,
    the dialog brings the note back (not the amount: that is read afresh) and says so; the refund clears it."""
    await signed_in(user, make_staff)
    who = member()
    paid = payment(who, 3000)
    await _open_dialog(user, who, paid)
    _typed_in_the_browser(element(user, "refund-note"), "Customer called twice; the second charge was a retry")
    await _open_dialog(user, who, paid)  # the page again, as after a reload
    assert element(user, "refund-note").value == "Customer called twice; the second charge was a retry"
    assert shown(user, "text-draft-restored") and element(user, "refund-amount").value == "30.00"
    click(user, "refund-submit")
    await wait_text(user, "refund-result", bool)
    [refund] = _refunds(paid)
    assert refund.note == "Customer called twice; the second charge was a retry"
    other = payment(who, 2000)
    await _open_dialog(user, who, other)
    assert element(user, "refund-note").value == "" and not shown(user, "text-draft-restored")
    from nicegui import app

    from console.ui.dialog_draft import STORAGE_KEY

    assert not [k for k in app.storage.user[STORAGE_KEY] if k.endswith(f":refund:{paid}")]  # made: nothing kept
