"""POST /stripe/webhook over HTTP: the signature decides (good / bad / missing / stale / tampered), nothing is
written without it, no secret means 503, a failing handler means 500 and a stored failure that the redelivery
applies, and the route needs no staff session."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from nicegui.testing import User
from sqlalchemy import func, select

from console.audit.models import AuditEvent
from console.billing.models import Payment, StripeEvent, Subscription
from console.billing.service import events
from console.billing.service.events import Outcome
from console.config import get_settings
from console.db import session_scope
from tests.billing.sub_factories import (
    WEBHOOK_SECRET,
    event,
    signed,
    stripe_invoice,
    stripe_subscription,
    subscription,
)


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("CONSOLE_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    get_settings.cache_clear()
    yield WEBHOOK_SECRET
    get_settings.cache_clear()


async def post(user: User, raw: bytes, signature: str | None) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    async with httpx.AsyncClient(transport=user.http_client._transport, base_url="http://test") as client:
        return await client.post("/stripe/webhook", content=raw, headers=headers)


def count(model: type) -> int:
    with session_scope() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def stored(event_id: str) -> StripeEvent | None:
    with session_scope() as session:
        return session.execute(select(StripeEvent).where(StripeEvent.event_id == event_id)).scalar_one_or_none()


def paid_event() -> dict:
    sub = subscription(provider="stripe", provider_id="sub_http1")
    assert sub
    return event("invoice.paid", stripe_invoice("sub_http1", invoice_id="in_http1", amount=1299))


async def test_a_signed_event_is_applied(user: User, secret: str) -> None:
    body = paid_event()
    raw, signature = signed(body)
    response = await post(user, raw, signature)
    assert response.status_code == 200, response.text
    assert response.json()["result"] == "applied"
    row = stored(body["id"])
    assert row is not None and row.result == "applied" and row.object_id == "in_http1"
    with session_scope() as session:
        payment = session.execute(select(Payment).where(Payment.invoice_id == "in_http1")).scalar_one()
        assert (payment.status, payment.amount_cents, payment.kind) == ("succeeded", 1299, "subscription")


@pytest.mark.parametrize(
    "case",
    ["missing", "wrong secret", "stale timestamp", "tampered body", "garbage header", "wrong scheme"],
)
async def test_a_bad_signature_gets_400_and_writes_nothing(user: User, secret: str, case: str) -> None:
    body = paid_event()
    raw, signature = signed(body)
    header: str | None = signature
    if case == "missing":
        header = None
    elif case == "wrong secret":
        raw, header = signed(body, secret="whsec_someone_else")
    elif case == "stale timestamp":
        raw, header = signed(body, timestamp=int(time.time()) - 3600)
    elif case == "tampered body":
        raw = raw.replace(b"1299", b"9999")
    elif case == "garbage header":
        header = "not a signature"
    elif case == "wrong scheme":
        header = signature.replace("v1=", "v0=")
    response = await post(user, raw, header)
    assert response.status_code == 400, response.text
    assert "error" in response.json()
    assert count(StripeEvent) == 0 and count(Payment) == 0


async def test_signed_but_not_an_event_gets_400(user: User, secret: str) -> None:
    for raw in (b"{not json", b"[1, 2, 3]", b'{"id": "evt_1"}', b"\xff\xfe"):
        raw, header = signed(raw)
        response = await post(user, raw, header)
        assert response.status_code == 400, raw
    assert count(StripeEvent) == 0


async def test_without_a_secret_the_endpoint_is_off(user: User) -> None:
    raw, header = signed(paid_event())
    response = await post(user, raw, header)
    assert response.status_code == 503
    assert "CONSOLE_STRIPE_WEBHOOK_SECRET" in response.json()["error"]
    assert count(StripeEvent) == 0


async def test_a_replay_is_answered_and_applied_once(user: User, secret: str) -> None:
    body = paid_event()
    for _ in range(3):
        raw, header = signed(body)  # Stripe signs each delivery anew
        response = await post(user, raw, header)
        assert response.status_code == 200 and response.json()["result"] == "applied"
    assert count(Payment) == 1 and count(StripeEvent) == 1
    with session_scope() as session:
        records = session.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "payment.record")
        ).scalar_one()
    assert records == 1


async def test_a_failing_handler_answers_500_and_the_redelivery_applies_it(
    user: User, secret: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sub_id = subscription(provider="stripe", provider_id="sub_flaky")
    calls = {"n": 0}
    real = events.handler_for("customer.subscription.updated")
    assert real is not None

    def flaky(session, obj, created):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        outcome = real(session, obj, created)  # it writes, then fails: none of it may stay
        if calls["n"] == 1:
            raise RuntimeError("database hiccup")
        return outcome

    monkeypatch.setitem(events._HANDLERS, "customer.subscription.updated", flaky)
    body = event("customer.subscription.updated", stripe_subscription("sub_flaky", status="past_due"))
    raw, header = signed(body)
    first = await post(user, raw, header)
    assert first.status_code == 500
    row = stored(body["id"])
    assert row is not None and row.result == "failed" and "database hiccup" in (row.detail or "")
    with session_scope() as session:
        assert session.get(Subscription, sub_id).status == "active"  # type: ignore[union-attr]
    raw, header = signed(body)
    second = await post(user, raw, header)
    assert second.status_code == 200 and second.json()["result"] == "applied"
    with session_scope() as session:
        assert session.get(Subscription, sub_id).status == "past_due"  # type: ignore[union-attr]
        syncs = session.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "subscription.sync")
        ).scalar_one()
    assert syncs == 1 and calls["n"] == 2


async def test_an_unknown_event_type_is_stored_as_ignored(user: User, secret: str) -> None:
    body = event("customer.created", {"id": "cus_123", "object": "customer"})
    raw, header = signed(body)
    response = await post(user, raw, header)
    assert response.status_code == 200 and response.json()["result"] == "ignored"
    row = stored(body["id"])
    assert row is not None and row.result == "ignored"


async def test_a_handler_outcome_is_passed_through(user: User, secret: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(events._HANDLERS, "test.quiet", lambda session, obj, created: Outcome("ignored", "quiet"))
    raw, header = signed(event("test.quiet", {"id": "x_1"}))
    response = await post(user, raw, header)
    assert response.json() == {"result": "ignored", "detail": "quiet"}


async def test_an_oversized_body_is_refused(user: User, secret: str) -> None:
    raw, header = signed(b"{" + b" " * (1024 * 1024 + 1) + b"}")
    response = await post(user, raw, header)
    assert response.status_code == 413
    assert count(StripeEvent) == 0
