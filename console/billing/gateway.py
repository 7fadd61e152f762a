"""The one door to the payment provider: `StripeGateway` (stripe-python's StripeClient) or, with no API key, the
`SandboxGateway` that every billing page labels "sandbox" so nobody mistakes it for money moving.

Two failures are told apart because money depends on it: `GatewayUnavailable` means the request may or may not
have reached the provider (connection error, timeout, 5xx, rate limit) — the caller keeps the refund
`submitting` and reconciles before trying again; `GatewayRefused` means the provider answered and said no (4xx) —
nothing happened there. Calls are blocking; pages make them through `run.io_bound`.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Protocol

from console.config import get_settings


class GatewayError(Exception):
    """Base of the two ways a provider call can go wrong; the message is fit to show to staff."""


class GatewayUnavailable(GatewayError):
    """The provider could not be reached or failed on its side: the outcome is unknown, reconcile before retrying."""


class GatewayRefused(GatewayError):
    """The provider answered and refused (bad request, card/charge state): nothing changed there."""


@dataclass(frozen=True)
class GatewayRefund:
    id: str
    amount_cents: int
    currency: str
    status: str  # pending / requires_action / succeeded / failed / canceled (Stripe's)
    charge_id: str | None = None
    payment_intent_id: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    failure_reason: str | None = None


@dataclass(frozen=True)
class GatewaySubscription:
    id: str
    status: str
    current_period_start: int | None  # Unix seconds, as Stripe sends them
    current_period_end: int | None
    cancel_at_period_end: bool
    canceled_at: int | None = None
    trial_end: int | None = None
    plan_id: str | None = None


class BillingGateway(Protocol):
    label: str
    is_sandbox: bool

    def create_refund(
        self,
        *,
        charge_id: str | None,
        payment_intent_id: str | None,
        amount_cents: int,
        idempotency_key: str,
        metadata: dict[str, str],
    ) -> GatewayRefund: ...

    def list_refunds(self, *, charge_id: str | None, payment_intent_id: str | None) -> list[GatewayRefund]: ...

    def cancel_subscription(self, subscription_id: str, *, at_period_end: bool) -> GatewaySubscription: ...

    def resume_subscription(self, subscription_id: str) -> GatewaySubscription: ...

    def change_plan(self, subscription_id: str, *, plan_id: str) -> GatewaySubscription: ...

    def extend_subscription(self, subscription_id: str, *, until: int) -> GatewaySubscription: ...


def _refund(obj: Any) -> GatewayRefund:
    metadata = obj.get("metadata") or {}
    return GatewayRefund(
        id=str(obj["id"]),
        amount_cents=int(obj["amount"]),
        currency=str(obj.get("currency") or "usd").upper(),
        status=str(obj.get("status") or "pending"),
        charge_id=obj.get("charge"),
        payment_intent_id=obj.get("payment_intent"),
        metadata={str(k): str(v) for k, v in dict(metadata).items()},
        failure_reason=obj.get("failure_reason"),
    )


def _subscription(obj: Any) -> GatewaySubscription:
    plan = obj.get("plan") or {}
    items = ((obj.get("items") or {}).get("data")) or []
    first = items[0] if items else {}
    return GatewaySubscription(
        id=str(obj["id"]),
        status=str(obj.get("status")),
        current_period_start=obj.get("current_period_start") or first.get("current_period_start"),
        current_period_end=obj.get("current_period_end") or first.get("current_period_end"),
        cancel_at_period_end=bool(obj.get("cancel_at_period_end")),
        canceled_at=obj.get("canceled_at"),
        trial_end=obj.get("trial_end"),
        plan_id=(plan.get("id") if plan else None) or ((first.get("plan") or {}).get("id") if first else None),
    )


class StripeGateway:
    """stripe-python for real: explicit retries and timeout; errors sorted into unavailable vs refused."""

    label = "Stripe"
    is_sandbox = False

    def __init__(self, api_key: str, *, api_base: str | None = None, max_network_retries: int = 2, timeout: int = 20):
        import stripe

        self._stripe = stripe
        bases: Any = {"api": api_base} if api_base else None
        http_client = stripe.new_default_http_client(timeout=timeout)
        self.client = stripe.StripeClient(
            api_key, base_addresses=bases, max_network_retries=max_network_retries, http_client=http_client
        )

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        stripe = self._stripe
        try:
            return fn(*args, **kwargs)
        except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
            raise GatewayUnavailable(f"Stripe could not be reached ({exc.user_message or exc}).") from exc
        except stripe.StripeError as exc:
            status = exc.http_status or 0
            message = exc.user_message or str(exc) or exc.__class__.__name__
            if status >= 500 or status == 0:
                raise GatewayUnavailable(f"Stripe failed on its side (HTTP {status}): {message}") from exc
            raise GatewayRefused(f"Stripe refused: {message}") from exc

    def create_refund(
        self,
        *,
        charge_id: str | None,
        payment_intent_id: str | None,
        amount_cents: int,
        idempotency_key: str,
        metadata: dict[str, str],
    ) -> GatewayRefund:
        params: dict[str, Any] = {"amount": amount_cents, "metadata": metadata}
        if charge_id:
            params["charge"] = charge_id
        elif payment_intent_id:
            params["payment_intent"] = payment_intent_id
        else:
            raise GatewayRefused("This payment has no Stripe charge or payment intent to refund.")
        obj = self._call(self.client.v1.refunds.create, params=params, options={"idempotency_key": idempotency_key})
        return _refund(obj)

    def list_refunds(self, *, charge_id: str | None, payment_intent_id: str | None) -> list[GatewayRefund]:
        params: dict[str, Any] = {"limit": 100}
        if charge_id:
            params["charge"] = charge_id
        elif payment_intent_id:
            params["payment_intent"] = payment_intent_id
        else:
            return []
        page = self._call(self.client.v1.refunds.list, params=params)
        found = self._call(lambda: [_refund(obj) for obj in page.auto_paging_iter()])  # every page, not the first
        # localstripe ignores the filter: keep only this payment's refunds whatever the server did.
        return [
            r
            for r in found
            if (charge_id and r.charge_id == charge_id)
            or (not charge_id and payment_intent_id and r.payment_intent_id == payment_intent_id)
        ]

    def cancel_subscription(self, subscription_id: str, *, at_period_end: bool) -> GatewaySubscription:
        if at_period_end:
            obj = self._call(
                self.client.v1.subscriptions.update, subscription_id, params={"cancel_at_period_end": True}
            )
        else:
            obj = self._call(self.client.v1.subscriptions.cancel, subscription_id)
        return _subscription(obj)

    def resume_subscription(self, subscription_id: str) -> GatewaySubscription:
        obj = self._call(self.client.v1.subscriptions.update, subscription_id, params={"cancel_at_period_end": False})
        return _subscription(obj)

    def change_plan(self, subscription_id: str, *, plan_id: str) -> GatewaySubscription:
        current = self._call(self.client.v1.subscriptions.retrieve, subscription_id)
        items = current["items"]["data"]
        if not items:
            raise GatewayRefused("The Stripe subscription has no item to change.")
        obj = self._call(
            self.client.v1.subscriptions.update,
            subscription_id,
            params={"items": [{"id": items[0]["id"], "plan": plan_id}]},
        )
        return _subscription(obj)

    def extend_subscription(self, subscription_id: str, *, until: int) -> GatewaySubscription:
        # Stripe's way to give days free: push the trial end; no invoice until then.
        obj = self._call(
            self.client.v1.subscriptions.update,
            subscription_id,
            params={"trial_end": until, "proration_behavior": "none"},
        )
        return _subscription(obj)


class SandboxGateway:
    """No API key: a stand-in that keeps refunds and subscription changes in memory and says so on every page."""

    label = "sandbox"
    is_sandbox = True

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        # ids unique across restarts: the stored refunds of an earlier process already hold re_sandbox_1, …
        self._run = secrets.token_hex(4)
        self._refunds: dict[str, GatewayRefund] = {}
        self._by_key: dict[str, str] = {}
        self._subscriptions: dict[str, GatewaySubscription] = {}

    def create_refund(
        self,
        *,
        charge_id: str | None,
        payment_intent_id: str | None,
        amount_cents: int,
        idempotency_key: str,
        metadata: dict[str, str],
    ) -> GatewayRefund:
        with self._lock:
            if idempotency_key in self._by_key:
                return self._refunds[self._by_key[idempotency_key]]
            refund = GatewayRefund(
                id=f"re_sandbox_{self._run}_{next(self._ids)}",
                amount_cents=amount_cents,
                currency="USD",
                status="succeeded",
                charge_id=charge_id,
                payment_intent_id=payment_intent_id,
                metadata=dict(metadata),
            )
            self._refunds[refund.id] = refund
            self._by_key[idempotency_key] = refund.id
            return refund

    def list_refunds(self, *, charge_id: str | None, payment_intent_id: str | None) -> list[GatewayRefund]:
        with self._lock:
            return [
                r
                for r in self._refunds.values()
                if (charge_id and r.charge_id == charge_id)
                or (not charge_id and payment_intent_id and r.payment_intent_id == payment_intent_id)
            ]

    def _sub(self, subscription_id: str) -> GatewaySubscription:
        now = int(time.time())
        return self._subscriptions.get(
            subscription_id,
            GatewaySubscription(subscription_id, "active", now, now + 30 * 86400, cancel_at_period_end=False),
        )

    def _store(self, sub: GatewaySubscription) -> GatewaySubscription:
        with self._lock:
            self._subscriptions[sub.id] = sub
        return sub

    def cancel_subscription(self, subscription_id: str, *, at_period_end: bool) -> GatewaySubscription:
        sub = self._sub(subscription_id)
        if at_period_end:
            return self._store(replace(sub, cancel_at_period_end=True))
        return self._store(replace(sub, status="canceled", canceled_at=int(time.time())))

    def resume_subscription(self, subscription_id: str) -> GatewaySubscription:
        return self._store(replace(self._sub(subscription_id), cancel_at_period_end=False))

    def change_plan(self, subscription_id: str, *, plan_id: str) -> GatewaySubscription:
        return self._store(replace(self._sub(subscription_id), plan_id=plan_id))

    def extend_subscription(self, subscription_id: str, *, until: int) -> GatewaySubscription:
        return self._store(replace(self._sub(subscription_id), trial_end=until, current_period_end=until))


_override: BillingGateway | None = None


@lru_cache(maxsize=1)
def _configured() -> BillingGateway:
    settings = get_settings()
    if not settings.stripe_api_key:
        return SandboxGateway()
    return StripeGateway(
        settings.stripe_api_key,
        api_base=settings.stripe_api_base,
        max_network_retries=settings.stripe_max_network_retries,
        timeout=settings.stripe_timeout_seconds,
    )


def get_gateway() -> BillingGateway:
    """The gateway the settings describe (tests may `set_gateway` one, e.g. a Stripe client behind a proxy)."""
    return _override if _override is not None else _configured()


def set_gateway(gateway: BillingGateway | None) -> None:
    """Tests: put a gateway in place (None goes back to the configured one, re-read from the settings)."""
    global _override
    _override = gateway
    _configured.cache_clear()
