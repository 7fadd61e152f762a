"""Subscription actions: cancel (now, or at the period's end, optionally refunding the unused part), resume,
extend, change plan; the plans to choose from.

Each action is refused on canceled and expired subscriptions and on Apple-billed ones (the member deals with
Apple), authorised with BILLING_MANAGE, version-checked and audited.

Comp subscriptions change in one unit of work. Stripe-billed ones commit by themselves, because Stripe must be
called while no transaction holds a lock: unit 1 reads and checks (the version too), then the gateway call, then
unit 2 locks the row again, applies Stripe's answer (`subscription_events.mirror`) and writes the audit event.
If the row moved between the two units (the webhook echoing this very change, usually) Stripe's answer is still
applied, since it is Stripe's state after the call, and the audit event notes it. With the sandbox gateway the
intended change is applied as for a comp subscription. Pages call these through `run.io_bound`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.last_change import last_change
from console.audit.service import record as audit
from console.billing.gateway import (
    BillingGateway,
    GatewayRefused,
    GatewaySubscription,
    GatewayUnavailable,
    get_gateway,
)
from console.billing.models import (
    REFUNDABLE_PAYMENT_STATES,
    VOID_REFUND_STATES,
    Payment,
    Plan,
    Refund,
    Subscription,
)
from console.billing.service.subscription_events import mirror, subscription_view
from console.db import session_scope, utcnow
from console.errors import Conflict, ConsoleError, NotFound, RuleViolation, ValidationFailed
from console.staff.permissions import Permission, require
from console.validation import clean_text

APPLE_BLOCKED = (
    "Apple bills this subscription: the member changes or cancels it in their Apple ID settings (Settings, their "
    "name, Subscriptions) or asks Apple at reportaproblem.apple.com; it cannot be changed from the console."
)
REASON_MAX = 1000
EXTEND_MAX_DAYS = 365
UNUSED_REFUND_REASON = "requested_by_customer"


@dataclass(frozen=True)
class CancelPreview:
    """What cancelling now would give back, shown before the staff member confirms.

    `blocked` says why the subscription cannot be cancelled from here (Apple, already ended); `refund_blocked`
    why no unused part can be refunded (comp, no payment in this period, nothing left)."""

    subscription_id: int
    unused_cents: int
    refundable_payment_id: int | None
    period_end: datetime
    provider: str
    blocked: str | None
    currency: str = "USD"
    refund_blocked: str | None = None
    payment_cents: int = 0
    remaining_seconds: int = 0
    period_seconds: int = 0


# --- shared checks ------------------------------------------------------------------------------------------


def _reason(value: str | None) -> str:
    errors: dict[str, str] = {}
    text = clean_text(value, "reason", errors, max_len=REASON_MAX, multiline=True)
    if errors:
        raise ValidationFailed(errors)
    return text


def _locked(session: Session, subscription_id: int, version: int | None) -> Subscription:
    sub = session.execute(
        select(Subscription)
        .where(Subscription.id == subscription_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if sub is None:
        raise NotFound(f"Subscription #{subscription_id} does not exist.")
    if version is not None and sub.version != version:
        last = last_change(session, "subscription", subscription_id)
        who = last.by or "someone else"
        raise Conflict(
            f"Subscription #{subscription_id} was changed by {who} while you looked at it (it is now "
            f"{sub.status.replace('_', ' ')}"
            f"{', cancelling at the period end' if sub.cancel_at_period_end else ''}). Nothing was done; review it "
            "and try again.",
            current=subscription_view(sub),
            changed_by=who,
            changed_at=last.at,
        )
    return sub


def _blocked(sub: Subscription) -> str | None:
    if sub.provider == "apple":
        return APPLE_BLOCKED
    if sub.status in ("canceled", "expired"):
        return f"Subscription #{sub.id} is {sub.status}; it cannot be changed any more."
    return None


def _refuse(sub: Subscription) -> None:
    blocked = _blocked(sub)
    if blocked:
        raise RuleViolation(blocked)
    if sub.provider == "stripe" and not sub.provider_subscription_id:
        raise RuleViolation(f"Subscription #{sub.id} has no Stripe id; it cannot be changed at Stripe.")


def _call(fn: Callable[[BillingGateway], GatewaySubscription], doing: str) -> tuple[GatewaySubscription, str, bool]:
    gateway = get_gateway()
    try:
        remote = fn(gateway)
    except GatewayRefused as exc:
        raise RuleViolation(f"{exc} Nothing was changed.") from exc
    except GatewayUnavailable as exc:
        raise ConsoleError(
            f"{exc} Stripe may or may not have {doing}; nothing was changed here. Stripe's webhook brings its state "
            "within minutes: look again before trying once more."
        ) from exc
    return remote, gateway.label, gateway.is_sandbox


@dataclass(frozen=True)
class _Seen:
    provider: str
    provider_id: str | None


def _act(
    *,
    actor: Actor,
    subscription_id: int,
    version: int,
    action: str,
    reason: str | None,
    check: Callable[[Session, Subscription], None],
    local: Callable[[Session, Subscription], None],
    remote_call: Callable[[BillingGateway, str], GatewaySubscription],
    doing: str,
    after_remote: Callable[[Subscription], None] | None = None,
) -> Subscription:
    """The three steps every action shares (see the module's text). `check` refuses in unit 1; `local` is the
    change for comp (and sandbox) subscriptions; `remote_call` the gateway call for Stripe ones, whose answer is
    mirrored, then `after_remote` adds what Stripe does not keep (the cancel reason)."""
    with session_scope() as session:
        sub = _locked(session, subscription_id, version)
        _refuse(sub)
        check(session, sub)
        seen = _Seen(sub.provider, sub.provider_subscription_id)
        if seen.provider != "stripe":
            before = subscription_view(sub)
            local(session, sub)
            session.flush()
            audit(session, actor, action, "subscription", sub.id, before, subscription_view(sub), reason)
            return sub
    assert seen.provider_id is not None
    provider_id = seen.provider_id
    remote, label, sandbox = _call(lambda gateway: remote_call(gateway, provider_id), doing)
    with session_scope() as session:
        sub = _locked(session, subscription_id, None)
        moved = sub.version != version
        before = subscription_view(sub)
        if sandbox:
            local(session, sub)
        else:
            mirror(session, sub, remote, when=utcnow())
            if after_remote is not None:
                after_remote(sub)
        session.flush()
        after = subscription_view(sub) | {"via": label}
        if moved:
            after["note"] = "the subscription changed while Stripe was called; Stripe's answer was applied"
        audit(session, actor, action, "subscription", sub.id, before, after, reason)
        return sub


# --- reading ------------------------------------------------------------------------------------------------


def list_plans(session: Session, *, actor: Actor, active_only: bool = False) -> list[Plan]:
    """Every plan (or only the active ones), active first, cheapest first."""
    require(actor, Permission.BILLING_READ)
    query = select(Plan).order_by(Plan.active.desc(), Plan.price_cents, Plan.code)
    if active_only:
        query = query.where(Plan.active.is_(True))
    return list(session.execute(query).scalars())


def _refundable_left(session: Session, payment: Payment) -> int:
    taken = session.execute(
        select(func.coalesce(func.sum(Refund.amount_cents), 0)).where(
            Refund.payment_id == payment.id, Refund.status.not_in(VOID_REFUND_STATES)
        )
    ).scalar_one()
    return max(0, payment.amount_cents - int(taken))


def _preview(session: Session, sub: Subscription, now: datetime) -> CancelPreview:
    plan = session.get(Plan, sub.plan_id)
    blocked = _blocked(sub)
    preview = CancelPreview(
        subscription_id=sub.id,
        unused_cents=0,
        refundable_payment_id=None,
        period_end=sub.current_period_end,
        provider=sub.provider,
        blocked=blocked,
        currency=plan.currency if plan else "USD",
        refund_blocked=blocked,
    )
    if blocked:
        return preview
    if sub.provider != "stripe":
        return replace(
            preview, refund_blocked="A comp subscription was given, not paid for: there is nothing to refund."
        )
    payment = session.execute(
        select(Payment)
        .where(
            Payment.subscription_id == sub.id,
            Payment.kind == "subscription",
            Payment.provider == "stripe",
            Payment.status.in_(REFUNDABLE_PAYMENT_STATES),
            Payment.created_at >= sub.current_period_start,
            Payment.created_at < sub.current_period_end,
        )
        .order_by(Payment.created_at.desc(), Payment.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if payment is None:
        return replace(
            preview,
            refund_blocked=f"No payment for the current period (since {sub.current_period_start:%Y-%m-%d}) was "
            "found: there is nothing to refund.",
        )
    period = int((sub.current_period_end - sub.current_period_start).total_seconds())
    remaining = min(period, max(0, int((sub.current_period_end - now).total_seconds())))
    unused = payment.amount_cents * remaining // period if period > 0 else 0  # rounded down, never more
    unused = min(unused, _refundable_left(session, payment))
    return replace(
        preview,
        unused_cents=unused,
        refundable_payment_id=payment.id if unused > 0 else None,
        refund_blocked=None if unused > 0 else f"Nothing is left to refund of payment #{payment.id}.",
        currency=payment.currency,
        payment_cents=payment.amount_cents,
        remaining_seconds=remaining,
        period_seconds=period,
    )


def cancel_preview(session: Session, *, actor: Actor, subscription_id: int) -> CancelPreview:
    """The unused part of the current period (pro rata by the second, of the latest succeeded payment of the
    period, at most what is still refundable), and why cancelling or refunding is not possible if so."""
    require(actor, Permission.BILLING_READ)
    sub = session.get(Subscription, subscription_id)
    if sub is None:
        raise NotFound(f"Subscription #{subscription_id} does not exist.")
    return _preview(session, sub, utcnow())


# --- actions ------------------------------------------------------------------------------------------------


def cancel_subscription(
    *,
    actor: Actor,
    subscription_id: int,
    version: int,
    at_period_end: bool,
    reason: str,
    refund_unused: bool = False,
) -> Subscription:
    """Cancel now or at the end of the period (commits by itself). `refund_unused` (only when cancelling now)
    then requests a refund of the unused part through `refunds.request_refund` and submits it when it needs no
    second approval; above the approval threshold it waits for one like any other refund."""
    require(actor, Permission.BILLING_MANAGE)
    text = _reason(reason)
    if refund_unused and at_period_end:
        raise ValidationFailed({"refund_unused": "is only possible when cancelling now"})
    planned: dict[str, CancelPreview] = {}

    def check(session: Session, sub: Subscription) -> None:
        if at_period_end and sub.cancel_at_period_end:
            raise RuleViolation(f"Subscription #{sub.id} is already set to end with its period.")
        if refund_unused:
            preview = _preview(session, sub, utcnow())
            if preview.refundable_payment_id is None:
                raise RuleViolation(f"{preview.refund_blocked} Nothing was changed.")
            planned["refund"] = preview

    def local(session: Session, sub: Subscription) -> None:
        if at_period_end:
            sub.cancel_at_period_end = True
        else:
            sub.status, sub.canceled_at = "canceled", utcnow()
        sub.cancel_reason = text

    def keep_reason(sub: Subscription) -> None:
        sub.cancel_reason = text

    sub = _act(
        actor=actor,
        subscription_id=subscription_id,
        version=version,
        action="subscription.cancel_at_period_end" if at_period_end else "subscription.cancel",
        reason=text,
        check=check,
        local=local,
        remote_call=lambda gateway, sid: gateway.cancel_subscription(sid, at_period_end=at_period_end),
        doing="cancelled the subscription",
        after_remote=keep_reason,
    )
    if "refund" in planned:
        _refund_unused(actor, sub, planned["refund"], version, text)
    return sub


def _refund_unused(actor: Actor, sub: Subscription, preview: CancelPreview, version: int, reason: str) -> None:
    from console.billing.service.refunds import request_refund, submit_refund

    assert preview.refundable_payment_id is not None
    try:
        with session_scope() as session:
            refund = request_refund(
                session,
                actor=actor,
                payment_id=preview.refundable_payment_id,
                amount_cents=preview.unused_cents,
                reason=UNUSED_REFUND_REASON,
                note=f"Unused part of subscription #{sub.id}, cancelled: {reason}"[:2000],
                idempotency_key=f"sub-{sub.id}-v{version}-unused",
            )
            refund_id, status = refund.id, refund.status
        if status == "approved":
            submit_refund(actor=actor, refund_id=refund_id)
    except ConsoleError as exc:
        raise RuleViolation(
            f"Subscription #{sub.id} was cancelled, but the refund of the unused part was not made: {exc.message} "
            "Request it from the payment instead."
        ) from exc


def resume_subscription(*, actor: Actor, subscription_id: int, version: int) -> Subscription:
    """Undo a cancellation at the period's end (only while it has not happened)."""
    require(actor, Permission.BILLING_MANAGE)

    def check(session: Session, sub: Subscription) -> None:
        if not sub.cancel_at_period_end:
            raise RuleViolation(f"Subscription #{sub.id} is not set to end: there is nothing to resume.")

    def local(session: Session, sub: Subscription) -> None:
        sub.cancel_at_period_end, sub.cancel_reason = False, None

    def clear_reason(sub: Subscription) -> None:
        if not sub.cancel_at_period_end:
            sub.cancel_reason = None

    return _act(
        actor=actor,
        subscription_id=subscription_id,
        version=version,
        action="subscription.resume",
        reason=None,
        check=check,
        local=local,
        remote_call=lambda gateway, sid: gateway.resume_subscription(sid),
        doing="resumed the subscription",
        after_remote=clear_reason,
    )


def _days(days: object) -> int:
    if days is None:
        raise ValidationFailed({"days": "is required"})
    if not isinstance(days, int) or isinstance(days, bool):
        raise ValidationFailed({"days": "must be a whole number of days"})
    if not 1 <= days <= EXTEND_MAX_DAYS:
        raise ValidationFailed({"days": f"must be between 1 and {EXTEND_MAX_DAYS}"})
    return days


def extend_subscription(*, actor: Actor, subscription_id: int, version: int, days: int, reason: str) -> Subscription:
    """Give `days` free: a comp subscription's period end moves; a Stripe one gets its trial end pushed (no
    invoice until then) to `days` after the later of its period end and its trial end."""
    require(actor, Permission.BILLING_MANAGE)
    count = _days(days)
    text = _reason(reason)
    target: dict[str, datetime] = {}

    def check(session: Session, sub: Subscription) -> None:
        base = max(sub.current_period_end, sub.trial_end or sub.current_period_end, utcnow())
        target["until"] = base + timedelta(days=count)

    def local(session: Session, sub: Subscription) -> None:
        if sub.provider == "comp":
            sub.current_period_end = sub.current_period_end + timedelta(days=count)
        else:  # sandbox standing in for Stripe: what Stripe would do
            sub.trial_end = target["until"]
            sub.current_period_end = max(sub.current_period_end, target["until"])

    return _act(
        actor=actor,
        subscription_id=subscription_id,
        version=version,
        action="subscription.extend",
        reason=f"{count} day{'s' if count != 1 else ''}: {text}",
        check=check,
        local=local,
        remote_call=lambda gateway, sid: gateway.extend_subscription(sid, until=int(target["until"].timestamp())),
        doing="extended the subscription",
    )


def plan_refusal(plan: Plan, sub: Subscription, current: Plan | None) -> str | None:
    """Why `sub` cannot move to `plan` (None: it can)."""
    if not plan.active:
        return f"{plan.name} is no longer offered"
    if plan.id == sub.plan_id:
        return f"is already {plan.name}"
    if current is not None and current.currency != plan.currency:
        return f"{plan.name} is billed in {plan.currency}, this subscription in {current.currency}"
    if sub.provider == "stripe" and not plan.stripe_plan_id:
        return f"{plan.name} has no Stripe plan, so a subscription billed by Stripe cannot move to it"
    return None


def plans_to_change_to(session: Session, *, actor: Actor, subscription_id: int) -> list[Plan]:
    """The plans "Change plan…" offers: those `change_plan` would accept (QA: it opened on Free, always refused)."""
    require(actor, Permission.BILLING_READ)
    sub = session.get(Subscription, subscription_id)
    if sub is None:
        raise NotFound(f"Subscription #{subscription_id} does not exist.")
    current = session.get(Plan, sub.plan_id)
    return [p for p in list_plans(session, actor=actor, active_only=True) if plan_refusal(p, sub, current) is None]


def change_plan(*, actor: Actor, subscription_id: int, version: int, plan_id: int, reason: str) -> Subscription:
    """Move to another active plan in the same currency (Stripe prorates as it is set up to)."""
    require(actor, Permission.BILLING_MANAGE)
    if not isinstance(plan_id, int) or isinstance(plan_id, bool):
        raise ValidationFailed({"plan_id": "must be chosen"})
    text = _reason(reason)
    chosen: dict[str, Plan] = {}

    def check(session: Session, sub: Subscription) -> None:
        plan = session.get(Plan, plan_id)
        if plan is None:
            raise ValidationFailed({"plan_id": f"no plan #{plan_id} exists"})
        if (refused := plan_refusal(plan, sub, session.get(Plan, sub.plan_id))) is not None:
            raise ValidationFailed({"plan_id": refused})
        chosen["plan"] = plan

    def local(session: Session, sub: Subscription) -> None:
        sub.plan_id = chosen["plan"].id

    def ensure_plan(sub: Subscription) -> None:
        # Stripe answered for the new plan: if its id were unknown here, mirror() kept the old one.
        sub.plan_id = chosen["plan"].id

    return _act(
        actor=actor,
        subscription_id=subscription_id,
        version=version,
        action="subscription.change_plan",
        reason=text,
        check=check,
        local=local,
        remote_call=lambda gateway, sid: gateway.change_plan(sid, plan_id=str(chosen["plan"].stripe_plan_id)),
        doing="changed the plan",
        after_remote=ensure_plan,
    )
