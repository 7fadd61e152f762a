"""receive_event and the subscription/invoice handlers: once by event id (replays and racing deliveries), any order
(the newest subscription event wins), invoices paid and failed, and what the audit log says."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from console.audit.models import AuditEvent
from console.billing.models import Payment, StripeEvent, Subscription
from console.billing.service import events
from console.billing.service.events import Outcome
from console.billing.service.subscriptions import cancel_subscription
from console.billing.service.webhooks import receive_event
from console.db import session_scope
from console.errors import ValidationFailed
from tests.billing.sub_factories import (
    event,
    load,
    payment,
    plan,
    stripe_invoice,
    stripe_subscription,
    subscription,
)

NOW = int(time.time())


def receive(body: dict) -> Outcome:
    with session_scope() as session:
        return receive_event(session, body)


def sub_row(sub_id: int) -> Subscription:
    return load(Subscription, sub_id)  # type: ignore[no-any-return]


def audit_actions(entity: str) -> list[tuple[str, str]]:
    with session_scope() as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.actor_label).where(AuditEvent.entity == entity).order_by(AuditEvent.id)
        ).all()
    return [(a, b) for a, b in rows]


def payments() -> list[Payment]:
    with session_scope() as session:
        return list(session.execute(select(Payment).order_by(Payment.id)).scalars())


def test_a_replay_is_not_applied_again() -> None:
    subscription(provider="stripe", provider_id="sub_r1")
    body = event("invoice.paid", stripe_invoice("sub_r1", invoice_id="in_r1", amount=999))
    first = receive(body)
    assert first.result == "applied"
    assert receive(body) == first
    assert receive(body) == first
    assert len(payments()) == 1
    assert audit_actions("payment") == [("payment.record", "stripe webhook")]


def test_racing_deliveries_apply_once() -> None:
    subscription(provider="stripe", provider_id="sub_race")
    body = event("invoice.paid", stripe_invoice("sub_race", invoice_id="in_race", amount=700))
    results: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def deliver() -> None:
        try:
            start.wait()
            results.append(receive(body).result)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert results == ["applied"] * 8
    assert len(payments()) == 1
    with session_scope() as session:
        assert session.execute(select(func.count()).select_from(StripeEvent)).scalar_one() == 1


def test_an_older_subscription_event_is_ignored() -> None:
    sub_id = subscription(provider="stripe", provider_id="sub_o1")
    newer = event("customer.subscription.updated", stripe_subscription("sub_o1", status="past_due"), created=NOW)
    older = event("customer.subscription.updated", stripe_subscription("sub_o1", status="active"), created=NOW - 60)
    assert receive(newer).result == "applied"
    outcome = receive(older)
    assert outcome.result == "ignored" and "older" in outcome.detail
    assert sub_row(sub_id).status == "past_due"


def test_in_order_events_each_apply() -> None:
    sub_id = subscription(provider="stripe", provider_id="sub_o2")
    receive(event("customer.subscription.updated", stripe_subscription("sub_o2", status="past_due"), created=NOW - 60))
    receive(event("customer.subscription.updated", stripe_subscription("sub_o2", status="active"), created=NOW))
    assert sub_row(sub_id).status == "active"


def test_a_late_update_does_not_revive_a_deleted_subscription() -> None:
    sub_id = subscription(provider="stripe", provider_id="sub_o3")
    deleted = stripe_subscription("sub_o3", status="canceled", canceled_at=None, ended_at=NOW - 5)
    assert receive(event("customer.subscription.deleted", deleted, created=NOW)).result == "applied"
    late = stripe_subscription("sub_o3", status="active", cancel_at_period_end=True)
    assert receive(event("customer.subscription.updated", late, created=NOW - 30)).result == "ignored"
    sub = sub_row(sub_id)
    assert sub.status == "canceled"
    assert sub.canceled_at == datetime.fromtimestamp(NOW - 5, UTC)  # ended_at when Stripe gives no canceled_at
    assert sub.cancel_reason is not None and "Stripe" in sub.cancel_reason


def test_an_event_older_than_a_console_change_is_ignored(actor_with) -> None:  # type: ignore[no-untyped-def]
    sub_id = subscription(provider="stripe", provider_id="sub_o4")
    finance = actor_with("finance")
    cancel_subscription(
        actor=finance, subscription_id=sub_id, version=1, at_period_end=True, reason="member asked by phone"
    )
    stale = stripe_subscription("sub_o4", status="active", cancel_at_period_end=False)
    outcome = receive(event("customer.subscription.updated", stale, created=NOW - 120))
    assert outcome.result == "ignored" and "console" in outcome.detail
    assert sub_row(sub_id).cancel_at_period_end is True


def test_the_subscription_is_mirrored_with_its_plan() -> None:
    basic = plan(stripe_plan_id="plan_basic_m")
    premium = plan(stripe_plan_id="plan_premium_m")
    sub_id = subscription(provider="stripe", provider_id="sub_m1", plan_id=basic)
    obj = stripe_subscription(
        "sub_m1",
        status="trialing",
        plan_id="plan_premium_m",
        cancel_at_period_end=True,
        canceled_at=NOW - 10,  # Stripe sets it when the cancellation is requested; ours only when ended
        trial_end=NOW + 7 * 86400,
        current_period_start=NOW - 3600,
        current_period_end=NOW + 3600 * 24 * 7,
    )
    outcome = receive(event("customer.subscription.updated", obj))
    assert outcome.result == "applied"
    sub = sub_row(sub_id)
    assert (sub.status, sub.plan_id, sub.cancel_at_period_end, sub.canceled_at) == ("trialing", premium, True, None)
    assert sub.trial_end == datetime.fromtimestamp(NOW + 7 * 86400, UTC)
    assert sub.current_period_end == datetime.fromtimestamp(NOW + 3600 * 24 * 7, UTC)
    assert audit_actions("subscription") == [("subscription.sync", "stripe webhook")]
    again = receive(event("customer.subscription.updated", obj))  # the same state under another event id
    assert again.result == "applied" and "already up to date" in again.detail
    assert len(audit_actions("subscription")) == 1


def test_an_unknown_plan_or_status_is_kept_and_said() -> None:
    sub_id = subscription(provider="stripe", provider_id="sub_m2")
    outcome = receive(
        event("customer.subscription.updated", stripe_subscription("sub_m2", status="paused", plan_id="plan_nowhere"))
    )
    assert outcome.result == "applied"
    assert "paused" in outcome.detail and "plan_nowhere" in outcome.detail
    assert sub_row(sub_id).status == "active"


def test_an_unknown_subscription_is_ignored() -> None:
    outcome = receive(event("customer.subscription.updated", stripe_subscription("sub_elsewhere")))
    assert outcome.result == "ignored"
    outcome = receive(event("invoice.paid", stripe_invoice("sub_elsewhere")))
    assert outcome.result == "ignored"
    assert payments() == []


def test_invoice_paid_records_the_payment() -> None:
    sub_id = subscription(provider="stripe", provider_id="sub_i1")
    obj = stripe_invoice(
        "sub_i1",
        invoice_id="in_i1",
        amount=1999,
        charge={"id": "ch_expanded", "object": "charge"},  # localstripe expands it
        payment_intent="pi_i1",
        currency="eur",
    )
    assert receive(event("invoice.paid", obj)).result == "applied"
    [row] = payments()
    assert (row.kind, row.status, row.amount_cents, row.currency) == ("subscription", "succeeded", 1999, "EUR")
    assert (row.charge_id, row.payment_intent_id, row.invoice_id, row.subscription_id) == (
        "ch_expanded",
        "pi_i1",
        "in_i1",
        sub_id,
    )


def test_a_failed_invoice_makes_the_subscription_past_due_and_a_retry_pays_it() -> None:
    sub_id = subscription(provider="stripe", provider_id="sub_i2")
    failed = stripe_invoice("sub_i2", invoice_id="in_i2", amount=1500, amount_paid=0, attempt_count=2)
    assert receive(event("invoice.payment_failed", failed, created=NOW - 100)).result == "applied"
    [row] = payments()
    assert (row.status, row.amount_cents) == ("failed", 1500)
    assert row.failure_message and "attempt 2" in row.failure_message
    assert sub_row(sub_id).status == "past_due"
    assert receive(event("invoice.paid", stripe_invoice("sub_i2", invoice_id="in_i2", amount=1500))).result == "applied"
    [row] = payments()
    assert (row.status, row.failure_message) == ("succeeded", None)
    late = receive(event("invoice.payment_failed", failed, created=NOW - 50))  # a late notice of an earlier try
    assert late.result == "ignored" and "already paid" in late.detail
    assert payments()[0].status == "succeeded"
    actions = [a for a, _ in audit_actions("payment")]
    assert actions == ["payment.record", "payment.update"]


def test_a_failure_older_than_a_subscription_event_leaves_the_status() -> None:
    sub_id = subscription(provider="stripe", provider_id="sub_i3")
    receive(event("customer.subscription.updated", stripe_subscription("sub_i3", status="active"), created=NOW))
    outcome = receive(event("invoice.payment_failed", stripe_invoice("sub_i3", amount_paid=0), created=NOW - 30))
    assert outcome.result == "applied" and "newer subscription event" in outcome.detail
    assert sub_row(sub_id).status == "active"
    assert payments()[0].status == "failed"


def test_a_zero_invoice_records_nothing() -> None:
    subscription(provider="stripe", provider_id="sub_i4")
    outcome = receive(event("invoice.paid", stripe_invoice("sub_i4", amount=0)))
    assert outcome.result == "ignored" and payments() == []


def test_an_invoice_paid_replay_after_a_refund_keeps_the_refund() -> None:
    sub_id = subscription(provider="stripe", provider_id="sub_i5")
    pay = payment(sub_id, amount_cents=2000, invoice_id="in_i5", status="partially_refunded")
    with session_scope() as session:
        row = session.get(Payment, pay)
        assert row is not None
        row.refunded_cents = 500
    receive(event("invoice.paid", stripe_invoice("sub_i5", invoice_id="in_i5", amount=2000)))
    row = load(Payment, pay)
    assert (row.status, row.refunded_cents, row.amount_cents) == ("partially_refunded", 500, 2000)


def test_a_handler_error_is_stored_failed_and_applied_on_redelivery(monkeypatch: pytest.MonkeyPatch) -> None:
    sub_id = subscription(provider="stripe", provider_id="sub_f1")
    state = {"fail": True}
    real = events.handler_for("customer.subscription.updated")
    assert real is not None

    def sometimes(session, obj, created):  # type: ignore[no-untyped-def]
        outcome = real(session, obj, created)
        if state["fail"]:
            raise ValueError("Stripe sent something odd")
        return outcome

    monkeypatch.setitem(events._HANDLERS, "customer.subscription.updated", sometimes)
    body = event("customer.subscription.updated", stripe_subscription("sub_f1", status="unpaid"))
    outcome = receive(body)
    assert outcome.result == "failed" and "ValueError: Stripe sent something odd" in outcome.detail
    assert sub_row(sub_id).status == "active" and audit_actions("subscription") == []
    assert receive(body).result == "failed"  # still failing: still failed, still nothing kept
    state["fail"] = False
    assert receive(body).result == "applied"
    assert sub_row(sub_id).status == "unpaid"
    assert receive(body).result == "applied"  # and now a replay is a replay
    assert len(audit_actions("subscription")) == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"id": "", "type": "invoice.paid", "created": NOW, "data": {"object": {}}},
        {"id": "evt_1", "type": 5, "created": NOW, "data": {"object": {}}},
        {"id": "evt_1", "type": "invoice.paid", "created": "yesterday", "data": {"object": {}}},
        {"id": "evt_1", "type": "invoice.paid", "created": True, "data": {"object": {}}},
        {"id": "evt_1", "type": "invoice.paid", "created": NOW, "data": {"object": "in_1"}},
        {"id": "evt_" + "x" * 300, "type": "invoice.paid", "created": NOW, "data": {"object": {}}},
    ],
)
def test_what_is_not_an_event_is_refused(body: dict) -> None:
    with pytest.raises(ValidationFailed):
        receive(body)
    with session_scope() as session:
        assert session.execute(select(func.count()).select_from(StripeEvent)).scalar_one() == 0


def test_hostile_ids_and_strings_are_stored_as_data() -> None:
    hostile = "in_'; DROP TABLE payments; --<script>alert(1)</script>\u202e😀"
    sub_id = subscription(provider="stripe", provider_id="sub_h1")
    outcome = receive(event("invoice.paid", stripe_invoice("sub_h1", invoice_id=hostile, amount=100)))
    assert outcome.result == "applied"
    [row] = payments()
    assert row.invoice_id == hostile and row.subscription_id == sub_id


def test_the_period_window_uses_the_event_time() -> None:
    sub_id = subscription(provider="stripe", provider_id="sub_p1")
    receive(event("invoice.paid", stripe_invoice("sub_p1", amount=100), created=NOW - 7200))
    [row] = payments()
    assert abs(row.created_at - datetime.fromtimestamp(NOW - 7200, UTC)) < timedelta(seconds=1)
    assert row.subscription_id == sub_id


def test_a_resume_at_stripe_clears_the_cancel_reason() -> None:
    sub_id = subscription(provider="stripe", provider_id="sub_c1", cancel_at_period_end=True)
    with session_scope() as session:
        row = session.get(Subscription, sub_id)
        assert row is not None
        row.cancel_reason = "member asked"
    receive(event("customer.subscription.updated", stripe_subscription("sub_c1", cancel_at_period_end=False)))
    sub = sub_row(sub_id)
    assert (sub.cancel_at_period_end, sub.cancel_reason) == (False, None)
