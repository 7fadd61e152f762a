"""Subscription actions in the service: comp subscriptions (one unit of work), Stripe ones through the sandbox and
through fake gateways (refused, unreachable), the cancel preview's pro-rata refund and the refund it makes,
refusals (canceled, expired, Apple), version checks, reasons, and every role."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from console.actor import Actor
from console.audit.models import AuditEvent
from console.billing import gateway as gateway_module
from console.billing.gateway import GatewayRefused, GatewaySubscription, GatewayUnavailable, SandboxGateway
from console.billing.models import Refund, Subscription
from console.billing.service.subscriptions import (
    cancel_preview,
    cancel_subscription,
    change_plan,
    extend_subscription,
    list_plans,
    resume_subscription,
)
from console.db import session_scope, utcnow
from console.errors import Conflict, ConsoleError, Forbidden, NotFound, RuleViolation, ValidationFailed
from console.staff.permissions import Role
from tests.billing.sub_factories import load, payment, plan, subscription
from tests.conftest import staff_name

MANAGERS = {Role.FINANCE, Role.ADMIN}
READERS = {Role.FINANCE, Role.ADMIN, Role.EXECUTIVE}


@pytest.fixture
def finance(actor_with: Callable[..., Actor]) -> Actor:
    return actor_with("finance")


def sub_row(sub_id: int) -> Subscription:
    return load(Subscription, sub_id)  # type: ignore[no-any-return]


def audit_rows(sub_id: int) -> list[AuditEvent]:
    with session_scope() as session:
        return list(
            session.execute(
                select(AuditEvent)
                .where(AuditEvent.entity == "subscription", AuditEvent.entity_id == str(sub_id))
                .order_by(AuditEvent.id)
            ).scalars()
        )


# --- every role -------------------------------------------------------------------------------------------


def _do(action: str, actor: Actor) -> Any:
    other = plan()
    sub_id = subscription(cancel_at_period_end=action == "resume")
    if action == "cancel":
        return cancel_subscription(actor=actor, subscription_id=sub_id, version=1, at_period_end=False, reason="asked")
    if action == "cancel_at_period_end":
        return cancel_subscription(actor=actor, subscription_id=sub_id, version=1, at_period_end=True, reason="asked")
    if action == "resume":
        return resume_subscription(actor=actor, subscription_id=sub_id, version=1)
    if action == "extend":
        return extend_subscription(actor=actor, subscription_id=sub_id, version=1, days=7, reason="outage")
    if action == "change_plan":
        return change_plan(actor=actor, subscription_id=sub_id, version=1, plan_id=other, reason="upgrade")
    with session_scope() as session:
        if action == "preview":
            return cancel_preview(session, actor=actor, subscription_id=sub_id)
        return list_plans(session, actor=actor)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(
    "action", ["cancel", "cancel_at_period_end", "resume", "extend", "change_plan", "preview", "list_plans"]
)
def test_every_role_and_action(role: Role, action: str, actor_with: Callable[..., Actor]) -> None:
    actor = actor_with(role.value)
    allowed = role in (READERS if action in ("preview", "list_plans") else MANAGERS)
    if allowed:
        assert _do(action, actor) is not None
    else:
        with pytest.raises(Forbidden):
            _do(action, actor)
        with session_scope() as session:
            changed = session.execute(select(AuditEvent).where(AuditEvent.entity == "subscription")).first()
        assert changed is None


# --- comp subscriptions -----------------------------------------------------------------------------------


def test_cancel_now_and_at_period_end(finance: Actor) -> None:
    now_id = subscription()
    sub = cancel_subscription(
        actor=finance, subscription_id=now_id, version=1, at_period_end=False, reason="  Member asked  "
    )
    assert (sub.status, sub.cancel_reason) == ("canceled", "Member asked")
    assert sub.canceled_at is not None and abs(sub.canceled_at - utcnow()) < timedelta(minutes=1)
    [row] = audit_rows(now_id)
    assert (row.action, row.actor_label, row.reason) == ("subscription.cancel", finance.label, "Member asked")
    assert row.before["status"] == "active" and row.after["status"] == "canceled"

    later_id = subscription()
    sub = cancel_subscription(actor=finance, subscription_id=later_id, version=1, at_period_end=True, reason="moving")
    assert (sub.status, sub.cancel_at_period_end, sub.canceled_at) == ("active", True, None)
    with pytest.raises(RuleViolation, match="already set to end"):
        cancel_subscription(
            actor=finance, subscription_id=later_id, version=sub.version, at_period_end=True, reason="x"
        )
    sub = resume_subscription(actor=finance, subscription_id=later_id, version=sub.version)
    assert (sub.cancel_at_period_end, sub.cancel_reason) == (False, None)
    assert [r.action for r in audit_rows(later_id)] == ["subscription.cancel_at_period_end", "subscription.resume"]


def test_resume_only_while_set_to_end(finance: Actor) -> None:
    sub_id = subscription()
    with pytest.raises(RuleViolation, match="nothing to resume"):
        resume_subscription(actor=finance, subscription_id=sub_id, version=1)


@pytest.mark.parametrize("status", ["canceled", "expired"])
def test_ended_subscriptions_refuse_every_action(finance: Actor, status: str) -> None:
    sub_id = subscription(status=status, cancel_at_period_end=True)
    other = plan()
    calls: list[Callable[[], Any]] = [
        lambda: cancel_subscription(actor=finance, subscription_id=sub_id, version=1, at_period_end=False, reason="r"),
        lambda: cancel_subscription(actor=finance, subscription_id=sub_id, version=1, at_period_end=True, reason="r"),
        lambda: resume_subscription(actor=finance, subscription_id=sub_id, version=1),
        lambda: extend_subscription(actor=finance, subscription_id=sub_id, version=1, days=3, reason="r"),
        lambda: change_plan(actor=finance, subscription_id=sub_id, version=1, plan_id=other, reason="r"),
    ]
    for call in calls:
        with pytest.raises(RuleViolation, match=status):
            call()
    assert audit_rows(sub_id) == [] and sub_row(sub_id).version == 1


def test_apple_billed_ones_are_sent_to_apple(finance: Actor) -> None:
    sub_id = subscription(provider="apple")
    with pytest.raises(RuleViolation, match="Apple") as caught:
        cancel_subscription(actor=finance, subscription_id=sub_id, version=1, at_period_end=False, reason="r")
    assert "reportaproblem.apple.com" in caught.value.message
    with pytest.raises(RuleViolation, match="Apple"):
        extend_subscription(actor=finance, subscription_id=sub_id, version=1, days=3, reason="r")
    with session_scope() as session:
        preview = cancel_preview(session, actor=finance, subscription_id=sub_id)
    assert preview.blocked and "Apple" in preview.blocked and preview.unused_cents == 0


def test_a_stale_version_is_a_conflict_naming_who(finance: Actor, actor_with: Callable[..., Actor]) -> None:
    sub_id = subscription()
    other = actor_with("finance")
    extend_subscription(actor=other, subscription_id=sub_id, version=1, days=5, reason="goodwill")
    with pytest.raises(Conflict) as caught:
        cancel_subscription(actor=finance, subscription_id=sub_id, version=1, at_period_end=False, reason="asked")
    assert caught.value.changed_by == staff_name(other) and staff_name(other) in caught.value.message
    assert sub_row(sub_id).status == "active"


def test_a_missing_subscription(finance: Actor) -> None:
    with pytest.raises(NotFound):
        resume_subscription(actor=finance, subscription_id=987654, version=1)


def test_extend_moves_the_period_end_of_a_comp(finance: Actor) -> None:
    sub_id = subscription()
    before = sub_row(sub_id).current_period_end
    sub = extend_subscription(actor=finance, subscription_id=sub_id, version=1, days=14, reason="outage week")
    assert sub.current_period_end == before + timedelta(days=14)
    [row] = audit_rows(sub_id)
    assert row.action == "subscription.extend" and row.reason == "14 days: outage week"


@pytest.mark.parametrize("days", [0, -1, 366, 10**9, True, "5", 2.5, None])
def test_extend_takes_1_to_365_days(finance: Actor, days: Any) -> None:
    sub_id = subscription()
    with pytest.raises(ValidationFailed) as caught:
        extend_subscription(actor=finance, subscription_id=sub_id, version=1, days=days, reason="r")
    assert "days" in caught.value.errors
    assert sub_row(sub_id).version == 1


def test_change_plan_rules(finance: Actor) -> None:
    current = plan(currency="USD")
    sub_id = subscription(plan_id=current)
    retired = plan(active=False, name="Retired")
    euro = plan(currency="EUR", name="Euro")
    good = plan(currency="USD", name="Premium")
    for plan_id, says in ((current, "already"), (retired, "no longer offered"), (euro, "EUR"), (999999, "No plan")):
        with pytest.raises(ValidationFailed, match=says):
            change_plan(actor=finance, subscription_id=sub_id, version=1, plan_id=plan_id, reason="r")
    sub = change_plan(actor=finance, subscription_id=sub_id, version=1, plan_id=good, reason="asked for 4K")
    assert sub.plan_id == good
    [row] = audit_rows(sub_id)
    assert (row.before["plan_id"], row.after["plan_id"]) == (current, good)


def test_change_plan_offers_only_the_plans_it_would_accept(finance: Actor) -> None:
    """QA: "Change plan…" on a Stripe subscription opened on Free, which the service always refuses for Stripe."""
    from console.billing.service.subscriptions import plans_to_change_to

    current = plan(currency="USD", stripe_plan_id="plan_basic", price_cents=999)
    free = plan(currency="USD", price_cents=0, name="Free")  # no Stripe plan
    premium = plan(currency="USD", stripe_plan_id="plan_premium", price_cents=1999)
    plan(active=False, stripe_plan_id="plan_old", name="Retired")
    plan(currency="EUR", stripe_plan_id="plan_eur", name="Euro")
    billed_by_stripe = subscription(plan_id=current, provider="stripe")
    given = subscription(plan_id=current)  # comp: any plan in its currency
    with session_scope() as session:
        assert [p.id for p in plans_to_change_to(session, actor=finance, subscription_id=billed_by_stripe)] == [premium]
        assert [p.id for p in plans_to_change_to(session, actor=finance, subscription_id=given)] == [free, premium]
    with pytest.raises(ValidationFailed, match="Free has no Stripe plan"):
        change_plan(actor=finance, subscription_id=billed_by_stripe, version=1, plan_id=free, reason="r")


def test_list_plans_active_first(finance: Actor) -> None:
    cheap, dear, gone = plan(price_cents=500), plan(price_cents=2000), plan(price_cents=100, active=False)
    with session_scope() as session:
        assert [p.id for p in list_plans(session, actor=finance)] == [cheap, dear, gone]
        assert [p.id for p in list_plans(session, actor=finance, active_only=True)] == [cheap, dear]


HOSTILE = [
    "'; DROP TABLE subscriptions; --",
    "<script>alert(1)</script>",
    "Robert'); DELETE FROM payments WHERE ('1'='1",
    "👨‍👩‍👧‍👦 family plan ❤️",
    "مرحبا بالعالم",
    "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
    "${jndi:ldap://x/a} {{7*7}} %s%s%n",
    "line one\nline two",
    "\u200bzero width",
]


@pytest.mark.parametrize("reason", HOSTILE)
def test_hostile_reasons_are_kept_as_text(finance: Actor, reason: str) -> None:
    sub_id = subscription()
    sub = cancel_subscription(actor=finance, subscription_id=sub_id, version=1, at_period_end=False, reason=reason)
    kept = unicodedata.normalize("NFC", reason.strip())
    assert sub.cancel_reason == kept
    assert audit_rows(sub_id)[0].reason == kept


@pytest.mark.parametrize("reason", ["", "   ", None, "bell\x07", "nul\x00byte", "x" * 1001, "\ud800"])
def test_bad_reasons_are_refused(finance: Actor, reason: Any) -> None:
    sub_id = subscription()
    with pytest.raises(ValidationFailed) as caught:
        cancel_subscription(actor=finance, subscription_id=sub_id, version=1, at_period_end=False, reason=reason)
    assert "reason" in caught.value.errors
    assert sub_row(sub_id).status == "active"


# --- the cancel preview and the refund of the unused part ---------------------------------------------------


def test_preview_is_pro_rata_by_the_second(finance: Actor) -> None:
    start = utcnow() - timedelta(days=10)
    sub_id = subscription(provider="stripe", start=start, days=30)
    payment(sub_id, amount_cents=3000, created_at=start - timedelta(days=31))  # last period's: not this one
    pay = payment(sub_id, amount_cents=3000, created_at=start + timedelta(minutes=1))
    with session_scope() as session:
        preview = cancel_preview(session, actor=finance, subscription_id=sub_id)
    assert preview.refundable_payment_id == pay and preview.blocked is None and preview.refund_blocked is None
    assert preview.period_seconds == 30 * 86400
    assert preview.unused_cents == 3000 * preview.remaining_seconds // preview.period_seconds
    assert 1999 <= preview.unused_cents <= 2000  # 20 of 30 days left, rounded down
    assert preview.currency == "USD" and preview.provider == "stripe"


def test_preview_counts_refunds_already_made(finance: Actor) -> None:
    start = utcnow() - timedelta(days=10)
    sub_id = subscription(provider="stripe", start=start, days=30)
    pay = payment(sub_id, amount_cents=3000, created_at=start)
    with session_scope() as session:
        session.add(
            Refund(
                payment_id=pay,
                amount_cents=2500,
                currency="USD",
                reason="goodwill",
                status="succeeded",
                requested_by_label="test",
                idempotency_key="earlier-refund",
            )
        )
    with session_scope() as session:
        preview = cancel_preview(session, actor=finance, subscription_id=sub_id)
    assert preview.unused_cents == 500


def test_preview_says_why_nothing_is_refunded(finance: Actor) -> None:
    comp = subscription()
    unpaid = subscription(provider="stripe")
    with session_scope() as session:
        assert "comp" in (cancel_preview(session, actor=finance, subscription_id=comp).refund_blocked or "")
        preview = cancel_preview(session, actor=finance, subscription_id=unpaid)
    assert preview.refundable_payment_id is None and "No payment" in (preview.refund_blocked or "")
    with pytest.raises(RuleViolation, match="No payment"):
        cancel_subscription(
            actor=finance, subscription_id=unpaid, version=1, at_period_end=False, reason="r", refund_unused=True
        )
    assert sub_row(unpaid).status == "active"


def test_cancel_now_refunds_the_unused_part(finance: Actor) -> None:
    start = utcnow() - timedelta(days=15)
    sub_id = subscription(provider="stripe", start=start, days=30)
    pay = payment(sub_id, amount_cents=2000, created_at=start)
    sub = cancel_subscription(
        actor=finance, subscription_id=sub_id, version=1, at_period_end=False, reason="moving", refund_unused=True
    )
    assert sub.status == "canceled"
    with session_scope() as session:
        [refund] = session.execute(select(Refund).where(Refund.payment_id == pay)).scalars()
    assert refund.status == "succeeded"  # the sandbox answers at once; under the approval threshold
    assert 999 <= refund.amount_cents <= 1000
    assert refund.reason == "requested_by_customer" and "moving" in (refund.note or "")


def test_a_large_unused_part_waits_for_approval(finance: Actor) -> None:
    start = utcnow() - timedelta(days=3)
    sub_id = subscription(provider="stripe", start=start, days=30)
    pay = payment(sub_id, amount_cents=50_000, created_at=start)
    cancel_subscription(
        actor=finance, subscription_id=sub_id, version=1, at_period_end=False, reason="fraud", refund_unused=True
    )
    with session_scope() as session:
        [refund] = session.execute(select(Refund).where(Refund.payment_id == pay)).scalars()
    assert refund.status == "awaiting_approval" and refund.amount_cents > 5000


def test_no_refund_when_cancelling_at_period_end(finance: Actor) -> None:
    sub_id = subscription(provider="stripe")
    with pytest.raises(ValidationFailed, match="only possible when cancelling now"):
        cancel_subscription(
            actor=finance, subscription_id=sub_id, version=1, at_period_end=True, reason="r", refund_unused=True
        )


# --- Stripe-billed through fake gateways ------------------------------------------------------------------


class RecordingGateway(SandboxGateway):
    """The sandbox, but its answers are mirrored as Stripe's would be (is_sandbox False) and calls are kept."""

    label = "Stripe (fake)"
    is_sandbox = False

    def __init__(self, *, fail: Exception | None = None) -> None:
        super().__init__()
        self.fail = fail
        self.calls: list[tuple[str, Any]] = []

    def extend_subscription(self, subscription_id: str, *, until: int) -> GatewaySubscription:
        self.calls.append(("extend", until))
        if self.fail:
            raise self.fail
        sub = self._sub(subscription_id)
        return self._store(replace(sub, status="trialing", trial_end=until, current_period_end=until))

    def cancel_subscription(self, subscription_id: str, *, at_period_end: bool) -> GatewaySubscription:
        self.calls.append(("cancel", at_period_end))
        if self.fail:
            raise self.fail
        return super().cancel_subscription(subscription_id, at_period_end=at_period_end)


@pytest.fixture
def fake() -> RecordingGateway:
    gateway = RecordingGateway()
    gateway_module.set_gateway(gateway)
    return gateway


def test_extend_on_stripe_pushes_the_trial_end(finance: Actor, fake: RecordingGateway) -> None:
    sub_id = subscription(provider="stripe")
    period_end = sub_row(sub_id).current_period_end
    sub = extend_subscription(actor=finance, subscription_id=sub_id, version=1, days=10, reason="support case 88")
    [(name, until)] = fake.calls
    assert name == "extend" and until == int((period_end + timedelta(days=10)).timestamp())
    assert sub.status == "trialing" and sub.trial_end is not None
    assert int(sub.trial_end.timestamp()) == until
    [row] = audit_rows(sub_id)
    assert row.after["via"] == "Stripe (fake)"


def test_cancel_on_stripe_mirrors_the_answer_and_keeps_the_reason(finance: Actor, fake: RecordingGateway) -> None:
    sub_id = subscription(provider="stripe")
    sub = cancel_subscription(actor=finance, subscription_id=sub_id, version=1, at_period_end=False, reason="asked")
    assert (sub.status, sub.cancel_reason) == ("canceled", "asked") and sub.canceled_at is not None
    assert fake.calls == [("cancel", False)]


@pytest.mark.parametrize(
    ("error", "raised", "says"),
    [
        (GatewayRefused("Stripe refused: No such subscription."), RuleViolation, "Nothing was changed"),
        (GatewayUnavailable("Stripe could not be reached (timeout)."), ConsoleError, "may or may not"),
    ],
)
def test_a_gateway_failure_changes_nothing_here(
    finance: Actor, error: Exception, raised: type[Exception], says: str
) -> None:
    gateway_module.set_gateway(RecordingGateway(fail=error))
    sub_id = subscription(provider="stripe")
    with pytest.raises(raised, match=says):
        cancel_subscription(actor=finance, subscription_id=sub_id, version=1, at_period_end=True, reason="asked")
    with pytest.raises(raised):
        extend_subscription(actor=finance, subscription_id=sub_id, version=1, days=3, reason="r")
    sub = sub_row(sub_id)
    assert (sub.version, sub.cancel_at_period_end) == (1, False) and audit_rows(sub_id) == []


def test_the_sandbox_applies_the_intended_change(finance: Actor) -> None:
    sub_id = subscription(provider="stripe")
    before = sub_row(sub_id)
    sub = cancel_subscription(actor=finance, subscription_id=sub_id, version=1, at_period_end=True, reason="r")
    assert sub.cancel_at_period_end and sub.current_period_end == before.current_period_end  # not the sandbox's
    assert audit_rows(sub_id)[0].after["via"] == "sandbox"


def test_a_webhook_between_the_two_units_is_noted(finance: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    sub_id = subscription(provider="stripe")

    class Echoing(RecordingGateway):
        def cancel_subscription(self, subscription_id: str, *, at_period_end: bool) -> GatewaySubscription:
            answer = super().cancel_subscription(subscription_id, at_period_end=at_period_end)
            with session_scope() as session:  # the webhook's echo lands before the console applies the answer
                row = session.get(Subscription, sub_id)
                assert row is not None
                row.cancel_at_period_end = True
            return answer

    gateway_module.set_gateway(Echoing())
    sub = cancel_subscription(actor=finance, subscription_id=sub_id, version=1, at_period_end=True, reason="asked")
    assert sub.cancel_at_period_end and sub.cancel_reason == "asked"
    [row] = audit_rows(sub_id)
    assert "changed while Stripe was called" in row.after["note"]
