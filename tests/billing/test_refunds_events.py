"""Stripe's refund webhooks applied through the handler registry (events.handler_for(type)(session, obj, created)):
monotonic (a final refund never moves back), idempotent (a replay changes nothing), any order, refunds made in
the Stripe dashboard recorded so the payment's totals stay right; and a webhook that beats submit's own answer."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import pytest

from console.billing import gateway as gateway_module
from console.billing.gateway import GatewayRefund, SandboxGateway
from console.billing.service import events
from console.billing.service.refunds import reconcile_refunds, request_refund, submit_refund
from console.db import session_scope
from tests.billing import factories as f

REFUND_TYPES = ("refund.created", "refund.updated", "refund.failed", "charge.refund.updated", "charge.refunded")


def _apply(event_type: str, obj: dict[str, Any]) -> events.Outcome:
    handler = events.handler_for(event_type)
    assert handler is not None, event_type
    with session_scope() as session:
        return handler(session, obj, int(time.time()))


def _stripe_refund(
    refund_id: str, charge: str, amount: int, status: str = "succeeded", console_id: int | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "id": refund_id,
        "object": "refund",
        "amount": amount,
        "currency": "usd",
        "charge": charge,
        "payment_intent": None,
        "status": status,
        "metadata": {"console_refund_id": str(console_id)} if console_id else {},
        "created": int(time.time()),
        **extra,
    }


class ManualGateway(SandboxGateway):
    """The sandbox, but create_refund leaves the refund submitting (answer lost) so a webhook can settle it."""

    def __init__(self, status: str = "succeeded", on_create: Any = None) -> None:
        super().__init__()
        self.status, self.on_create = status, on_create

    def create_refund(self, **kwargs: Any) -> GatewayRefund:
        made = replace(super().create_refund(**kwargs), status=self.status)
        self._refunds[made.id] = made
        if self.on_create is not None:
            self.on_create(made)
        return made


def _submitting(actor, pay: int, amount: int) -> int:
    """A refund sent to a gateway whose answer was lost: submitting, no Stripe id."""
    from console.billing.gateway import GatewayUnavailable

    class Lost(SandboxGateway):
        def create_refund(self, **kwargs: Any) -> GatewayRefund:
            raise GatewayUnavailable("Stripe could not be reached (test).")

    with session_scope() as session:
        refund_id = request_refund(
            session, actor=actor, payment_id=pay, amount_cents=amount, reason="duplicate", idempotency_key=f.key()
        ).id
    gateway_module.set_gateway(Lost())
    assert submit_refund(actor=actor, refund_id=refund_id).status == "submitting"
    gateway_module.set_gateway(None)
    return refund_id


@pytest.fixture
def finance(actor_with):
    return actor_with("finance")


def test_every_refund_event_type_has_a_handler() -> None:
    for event_type in REFUND_TYPES:
        assert events.handler_for(event_type) is not None


def test_created_settles_a_submitting_refund_by_metadata(finance) -> None:
    pay = f.payment(amount_cents=3_000)
    refund_id = _submitting(finance, pay, 1_000)
    charge = f.get_payment(pay).charge_id
    outcome = _apply("refund.created", _stripe_refund("re_meta1", charge, 1_000, console_id=refund_id))
    assert outcome.result == "applied"
    refund = f.get_refund(refund_id)
    assert (refund.status, refund.stripe_refund_id) == ("succeeded", "re_meta1")
    assert f.get_payment(pay).refunded_cents == 1_000
    events_before = f.audit_count()
    assert _apply("refund.created", _stripe_refund("re_meta1", charge, 1_000, console_id=refund_id)).result == "ignored"
    assert f.audit_count() == events_before and f.get_payment(pay).refunded_cents == 1_000


def test_failed_after_succeeded_is_ignored(finance) -> None:
    pay = f.payment(amount_cents=3_000)
    refund_id = _submitting(finance, pay, 1_000)
    charge = f.get_payment(pay).charge_id
    _apply("refund.updated", _stripe_refund("re_mono", charge, 1_000, console_id=refund_id))
    outcome = _apply(
        "refund.updated",
        _stripe_refund("re_mono", charge, 1_000, status="failed", console_id=refund_id, failure_reason="lost_card"),
    )
    assert outcome.result == "ignored" and "succeeded" in outcome.detail
    refund = f.get_refund(refund_id)
    assert refund.status == "succeeded" and refund.error is None
    assert f.get_payment(pay).refunded_cents == 1_000


def test_pending_then_succeeded_in_any_order(finance) -> None:
    pay = f.payment(amount_cents=3_000)
    refund_id = _submitting(finance, pay, 2_000)
    charge = f.get_payment(pay).charge_id
    assert _apply("refund.created", _stripe_refund("re_p", charge, 2_000, "pending", refund_id)).result == "applied"
    assert f.get_refund(refund_id).status == "pending"
    assert f.get_payment(pay).refunded_cents == 0
    assert _apply("refund.updated", _stripe_refund("re_p", charge, 2_000, "succeeded", refund_id)).result == "applied"
    late = _apply("refund.created", _stripe_refund("re_p", charge, 2_000, "pending", refund_id))  # arrives last
    assert late.result == "ignored"
    assert f.get_refund(refund_id).status == "succeeded" and f.get_payment(pay).refunded_cents == 2_000


def test_refund_failed_event_frees_the_amount(finance) -> None:
    pay = f.payment(amount_cents=3_000)
    refund_id = _submitting(finance, pay, 3_000)
    charge = f.get_payment(pay).charge_id
    obj = _stripe_refund("re_f", charge, 3_000, "failed", refund_id, failure_reason="expired_or_canceled_card")
    assert _apply("refund.failed", obj).result == "applied"
    refund = f.get_refund(refund_id)
    assert refund.status == "failed" and refund.error == "expired_or_canceled_card"
    assert f.audit_actions("refund", refund_id)[-1] == "refund.fail"
    with session_scope() as session:
        request_refund(
            session, actor=finance, payment_id=pay, amount_cents=3_000, reason="duplicate", idempotency_key=f.key()
        )


def test_dashboard_refund_recorded_once(finance) -> None:
    pay = f.payment(amount_cents=5_000)
    charge = f.get_payment(pay).charge_id
    obj = _stripe_refund("re_dash", charge, 1_500, reason="duplicate")
    outcome = _apply("refund.created", obj)
    assert outcome.result == "applied" and "outside the console" in outcome.detail
    [row] = f.refunds_of(pay)
    assert (row.requested_by_label, row.requested_by_id, row.status) == ("Stripe dashboard", None, "succeeded")
    assert (row.amount_cents, row.reason, row.stripe_refund_id) == (1_500, "duplicate", "re_dash")
    payment = f.get_payment(pay)
    assert (payment.refunded_cents, payment.status) == (1_500, "partially_refunded")
    assert f.audit_actions("refund", row.id) == ["refund.record_external"]

    # the same refund again, in other events: nothing more
    assert _apply("refund.updated", obj).result == "ignored"
    assert _apply("charge.refunded", {"id": charge, "object": "charge", "refunds": {"data": [obj]}}).result == "ignored"
    assert len(f.refunds_of(pay)) == 1 and f.get_payment(pay).refunded_cents == 1_500
    # and what the console may still refund follows
    from console.billing.service.refunds import refund_preview

    with session_scope() as session:
        assert refund_preview(session, actor=finance, payment_id=pay).refundable_cents == 3_500


def test_charge_refunded_applies_each_refund(finance) -> None:
    pay = f.payment(amount_cents=5_000)
    refund_id = _submitting(finance, pay, 1_000)
    charge = f.get_payment(pay).charge_id
    refunds = [
        _stripe_refund("re_c1", charge, 1_000, console_id=refund_id),
        {**_stripe_refund("re_c2", charge, 4_000), "charge": None},  # the charge's own id fills it
    ]
    outcome = _apply("charge.refunded", {"id": charge, "object": "charge", "refunds": {"data": refunds}})
    assert outcome.result == "applied"
    assert f.get_refund(refund_id).status == "succeeded"
    payment = f.get_payment(pay)
    assert (payment.refunded_cents, payment.status) == (5_000, "refunded")
    assert len(f.refunds_of(pay)) == 2
    bare = _apply("charge.refunded", {"id": charge, "object": "charge"})
    assert bare.result == "ignored"


def test_unknown_charge_ignored() -> None:
    outcome = _apply("refund.created", _stripe_refund("re_nobody", "ch_unknown", 100))
    assert outcome.result == "ignored" and "no payment" in outcome.detail


def test_metadata_of_another_charge_does_not_settle_ours(finance) -> None:
    """localstripe outlives test databases (and a restored backup outlives Stripe's ids): a console id in the
    metadata only counts when the charge is the refund's payment's."""
    pay = f.payment(amount_cents=3_000)
    refund_id = _submitting(finance, pay, 1_000)
    other = f.payment(amount_cents=3_000)
    obj = _stripe_refund("re_other", f.get_payment(other).charge_id, 700, console_id=refund_id)
    _apply("refund.created", obj)
    assert f.get_refund(refund_id).status == "submitting"
    assert [r.amount_cents for r in f.refunds_of(other)] == [700]


def test_webhook_before_submits_answer_counts_once(finance) -> None:
    """Stripe's refund.created arrives while submit_refund still waits for its answer: both say succeeded, the
    payment's refunded amount goes up once."""
    pay = f.payment(amount_cents=4_000)
    charge = f.get_payment(pay).charge_id
    with session_scope() as session:
        refund_id = request_refund(
            session, actor=finance, payment_id=pay, amount_cents=4_000, reason="goodwill", idempotency_key=f.key()
        ).id

    def webhook_first(made: GatewayRefund) -> None:
        _apply("refund.created", _stripe_refund(made.id, charge, 4_000, console_id=refund_id))

    gateway_module.set_gateway(ManualGateway(on_create=webhook_first))
    refund = submit_refund(actor=finance, refund_id=refund_id)
    assert refund.status == "succeeded"
    payment = f.get_payment(pay)
    assert (payment.refunded_cents, payment.status) == (4_000, "refunded")
    assert f.audit_count("payment.refund") == 1


def test_pending_answer_then_reconcile_settles(finance) -> None:
    gateway = ManualGateway(status="pending")
    gateway_module.set_gateway(gateway)
    pay = f.payment(amount_cents=2_000)
    with session_scope() as session:
        refund_id = request_refund(
            session, actor=finance, payment_id=pay, amount_cents=2_000, reason="goodwill", idempotency_key=f.key()
        ).id
    refund = submit_refund(actor=finance, refund_id=refund_id)
    assert refund.status == "pending" and refund.stripe_refund_id
    report = reconcile_refunds(actor=finance)
    assert (report.checked, report.still_pending, report.settled) == (1, 1, 0)
    stripe_id = refund.stripe_refund_id
    gateway._refunds[stripe_id] = replace(gateway._refunds[stripe_id], status="succeeded")
    report = reconcile_refunds(actor=finance)
    assert (report.settled, report.resent) == (1, 0)
    assert f.get_refund(refund_id).status == "succeeded" and f.get_payment(pay).refunded_cents == 2_000


def test_pending_refund_missing_at_stripe_is_reported(finance) -> None:
    gateway_module.set_gateway(ManualGateway(status="pending"))
    pay = f.payment(amount_cents=2_000)
    with session_scope() as session:
        refund_id = request_refund(
            session, actor=finance, payment_id=pay, amount_cents=2_000, reason="goodwill", idempotency_key=f.key()
        ).id
    submit_refund(actor=finance, refund_id=refund_id)
    gateway_module.set_gateway(SandboxGateway())  # knows nothing about it
    report = reconcile_refunds(actor=finance)
    assert (report.still_unknown, report.resent) == (1, 0)
    assert "pending but Stripe lists no refund" in report.messages[0]
    assert f.get_refund(refund_id).status == "pending"
