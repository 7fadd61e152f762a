"""The billing demo's subscription histories over the last 18 months (pure: a random stream and `now` in, spans out;
console/billing/demo.py writes them).

Each paying member signs up in one of the last 18 months (more in later months as the platform grows, more in
November-January and fewer in the summer), sometimes with a 14-day trial that converts or lapses, pays every
30 days (a renewal now and then fails and succeeds on the retry two days later), may move up or down the plan
ladder, churns at about 5% a month (more in the summer) and sometimes comes back months later. A plan change is
written as the old subscription canceled and a new one started that day, so the month-end MRR history (insights)
sees the expansion or contraction. The first members instead show every subscription state once (recent, short
histories), and the free plan and comps get one subscription without payments."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from console.billing.models import Plan, Subscription

if TYPE_CHECKING:
    from console.billing.demo import _Builder

# Shared with demo.py (which imports this module, never the other way round at run time).
PLAN_WEIGHTS = {"free": 18, "basic": 26, "standard": 26, "premium": 20, "family": 10}
STATE_WEIGHTS = {
    "active": 58,
    "trialing": 6,
    "past_due": 6,
    "canceled": 14,
    "unpaid": 4,
    "incomplete": 4,
    "expired": 8,
}
CANCEL_REASONS = ["Too expensive", "Not watching enough", "Switching to another service", "Payment failed"]
_ALNUM = string.ascii_letters + string.digits

MONTHS = 18
PERIOD = timedelta(days=30)
TRIAL = timedelta(days=14)
SEASON = {1: 1.3, 2: 1.05, 3: 1.0, 4: 0.95, 5: 0.9, 6: 0.8, 7: 0.75, 8: 0.8, 9: 1.0, 10: 1.05, 11: 1.2, 12: 1.35}
SUMMER = (6, 7, 8)
MONTHLY_CHURN = 0.05
SUMMER_CHURN = 1.4  # times the usual churn in June-August
UPGRADE, DOWNGRADE = 0.035, 0.02
COMEBACK = 0.3  # of churned members come back 1-6 months later
TRIAL_SHARE, TRIAL_CONVERTS = 0.25, 0.6
BEFORE_SPAN = 0.25  # of paying members were already subscribers when the span starts
RETRY_SHARE = 0.05  # renewals that fail once, then succeed two days later
LADDER = ("basic", "standard", "premium", "family")
LADDER_WEIGHTS = (32, 32, 24, 12)
CHURN_REASONS = ("Too expensive", "Not watching enough", "Switching to another service", "Payment failed")


SIGNUP_TRIES = 30  # draws of the span's signup curve before a late joiner's signup is taken after their join
SHOWCASE_AGE = timedelta(days=160)  # the members showing each state joined before their ~4-month short histories


class DemoMember(NamedTuple):
    """A member the demo bills: nothing of theirs is dated before `joined` (their `created_at`)."""

    id: int
    country: str | None
    joined: datetime


def after_join(rng: random.Random, now: datetime, joined: datetime, at: datetime) -> datetime:
    """`at`, or when it falls before the member joined, a time drawn between their join and `now`."""
    if at >= joined:
        return at
    return joined + timedelta(seconds=rng.uniform(0, max((now - joined).total_seconds() - 60, 0)))


@dataclass
class Span:
    """One subscription row to write: its plan, life, final state and the payments (time, status) it produced."""

    plan: str
    start: datetime
    trial_end: datetime | None = None
    end: datetime | None = None  # canceled at
    state: str = "active"
    reason: str | None = None
    payments: list[tuple[datetime, str]] = field(default_factory=list)

    @property
    def period_start(self) -> datetime:
        return self.payments[-1][0] if self.payments else self.start


def _months_back(now: datetime) -> list[datetime]:
    """The first instant of each of the last MONTHS months, oldest first (the current month last)."""
    first = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    out = [first]
    while len(out) < MONTHS:
        out.append((out[-1] - timedelta(days=1)).replace(day=1))
    return out[::-1]


def signup(rng: random.Random, now: datetime, joined: datetime) -> datetime:
    """When a member first subscribes: drawn from the platform's curve (`_signup_curve`) again until it is after the
    member joined, so late joiners still follow the season; a very recent joiner signs up after joining."""
    for _ in range(SIGNUP_TRIES):
        if (at := _signup_curve(rng, now)) >= joined:
            return at
    return after_join(rng, now, joined, joined - timedelta(seconds=1))


def _signup_curve(rng: random.Random, now: datetime) -> datetime:
    """A quarter before the span (the base the platform already had), the rest with growth over the span times the
    season of the month, and times the part of the month gone by: the running month's first two days drew a whole
    month's signups (22 members first paid on 1-2 December)."""
    if rng.random() < BEFORE_SPAN:
        return now - timedelta(days=rng.uniform(MONTHS * 30.5, MONTHS * 30.5 + 365))
    months = _months_back(now)
    spans = [(min((m + timedelta(days=32)).replace(day=1), now) - m).total_seconds() for m in months]
    full = 31 * 86_400
    weights = [(1 + 1.5 * k / (MONTHS - 1)) * SEASON[m.month] * min(1.0, spans[k] / full) for k, m in enumerate(months)]
    k = rng.choices(range(len(months)), weights)[0]
    return months[k] + timedelta(seconds=rng.uniform(0, max(spans[k] - 3600, 0)))


def _changed_plan(plan: str, roll: float, churn: float) -> str | None:
    step = 1 if roll < churn + UPGRADE else -1 if roll < churn + UPGRADE + DOWNGRADE else 0
    k = LADDER.index(plan) + step
    return LADDER[k] if step and 0 <= k < len(LADDER) else None


def _trial(rng: random.Random, now: datetime, span: Span) -> datetime | None:
    """The trial's outcome: when paying starts, or None when the trial is still running or lapsed."""
    span.trial_end = span.start + TRIAL
    if span.trial_end > now:
        span.state = "trialing"
        return None
    if rng.random() > TRIAL_CONVERTS:
        span.state, span.end, span.reason = "canceled", span.trial_end, "Trial ended without paying"
        return None
    return span.trial_end


def relationship(rng: random.Random, now: datetime, plan: str, start: datetime, trial: bool) -> list[Span]:
    """One run of paying (several spans when the plan changes), until churn or `now`."""
    spans: list[Span] = []
    span = Span(plan, start)
    t: datetime | None = _trial(rng, now, span) if trial else start
    while t is not None and t <= now:
        if rng.random() < RETRY_SHARE:
            span.payments.append((t, "failed"))
            if t + timedelta(days=2) > now:
                span.state = "past_due"
                break
            t += timedelta(days=2)
        span.payments.append((t, "succeeded"))
        churn = MONTHLY_CHURN * (SUMMER_CHURN if t.month in SUMMER else 1.0)
        roll = rng.random()
        moved = _changed_plan(span.plan, roll, churn)
        when = t + timedelta(days=rng.uniform(3, 27))
        if roll < churn and when <= now:
            span.state, span.end, span.reason = "canceled", when, rng.choice(CHURN_REASONS)
            break
        if moved is not None and when <= now:
            span.state, span.end, span.reason = "canceled", when, f"Changed plan to {moved}"
            spans.append(span)
            span, t = Span(moved, when), when
            continue
        t += PERIOD
    spans.append(span)
    return spans


def member_history(rng: random.Random, now: datetime, joined: datetime) -> list[Span]:
    """A paying member's subscriptions over the span, from after they joined: a first relationship, and comebacks
    after churn."""
    spans: list[Span] = []
    start = signup(rng, now, joined)
    plan = rng.choices(LADDER, LADDER_WEIGHTS)[0]
    while True:
        spans.extend(relationship(rng, now, plan, start, rng.random() < TRIAL_SHARE))
        last = spans[-1]
        if last.end is None or rng.random() >= COMEBACK:
            return spans
        start = last.end + timedelta(days=rng.uniform(30, 180))
        if start >= now - timedelta(days=1):
            return spans
        plan = rng.choices(LADDER, LADDER_WEIGHTS)[0]


# --- writing (through the demo's builder: one audit event per row) --------------------------------------------------


def _provider_ids(b: _Builder, provider: str) -> dict[str, str | None]:
    rng = b.rng
    customer = f"cus_{''.join(rng.choices(_ALNUM, k=14))}" if provider == "stripe" else None
    if provider == "stripe":
        subscription: str | None = b.stripe_id("sub")
    elif provider == "apple":
        subscription = f"{rng.randint(100000000000000, 999999999999999)}"
    else:
        subscription = None
    return {"provider_customer_id": customer, "provider_subscription_id": subscription}


def _subscription(b: _Builder, member: DemoMember, plan: Plan, state: str, provider: str | None = None) -> None:
    """One recent subscription in `state` with the payments its periods produced (the last failed when it is past
    due): the free plan, comps, and one member per state so every state shows. It begins after the member joined."""
    rng, member_id = b.rng, member.id
    if provider is None:
        provider = "comp" if plan.price_cents == 0 else rng.choices(("stripe", "apple", "comp"), (75, 15, 10))[0]
    months = 0 if state == "trialing" else rng.choice((0, 1, 2, 3, 4, 6, 9, 12))
    ended = state in ("canceled", "expired")
    start = after_join(rng, b.now, member.joined, b.ago(rng.uniform(35, 120) if ended else rng.uniform(0, 29)))
    months = min(months, (start - member.joined) // PERIOD)  # paid periods before `start`, none before the join
    created = start - PERIOD * months
    canceled_at = min(start + timedelta(days=rng.uniform(1, 29)), b.ago(0.01)) if state == "canceled" else None
    sub = Subscription(
        member_id=member_id,
        plan_id=plan.id,
        provider=provider,
        **_provider_ids(b, provider),
        status=state,
        current_period_start=start,
        current_period_end=start + timedelta(days=30),
        cancel_at_period_end=state == "active" and rng.random() < 0.08,
        canceled_at=canceled_at,
        trial_end=start + timedelta(days=14) if state == "trialing" else None,
        created_at=created,
        updated_at=canceled_at or start,
    )
    if state == "canceled" or sub.cancel_at_period_end:
        sub.cancel_reason = rng.choice(CANCEL_REASONS)
    b.add(sub, "subscription.create", "subscription")
    if provider == "comp" or state == "trialing":
        return
    last_status = {"past_due": "failed", "unpaid": "failed", "incomplete": "pending"}
    for n in range(months + 1):
        status = last_status.get(state, "succeeded") if n == months else "succeeded"
        _renewal(b, member_id, sub, plan, created + PERIOD * n, status)


def _renewal(b: _Builder, member_id: int, sub: Subscription, plan: Plan, at: datetime, status: str) -> None:
    extra = {"invoice_id": b.stripe_id("in")} if sub.provider == "stripe" else {}
    b.pay(
        member_id,
        "subscription",
        plan.price_cents,
        at + timedelta(minutes=b.rng.uniform(0, 90)),
        provider=sub.provider,
        status=status,
        subscription_id=sub.id,
        **extra,
    )


def _span(b: _Builder, member_id: int, plans: dict[str, Plan], span: Span, provider: str) -> None:
    """One subscription of a member's 18-month history and the payments of each of its paid months."""
    plan = plans[span.plan]
    live = span.state == "active"
    sub = Subscription(
        member_id=member_id,
        plan_id=plan.id,
        provider=provider,
        **_provider_ids(b, provider),
        status=span.state,
        current_period_start=span.period_start,
        current_period_end=span.period_start + PERIOD,
        cancel_at_period_end=live and b.rng.random() < 0.08,
        canceled_at=span.end,
        trial_end=span.trial_end,
        created_at=span.start,
        updated_at=span.end or span.period_start,
    )
    sub.cancel_reason = span.reason or (b.rng.choice(CANCEL_REASONS) if sub.cancel_at_period_end else None)
    b.add(sub, "subscription.create", "subscription")
    for at, status in span.payments:
        _renewal(b, member_id, sub, plan, at, status)


def write_subscriptions(b: _Builder, members: list[DemoMember], plans: dict[str, Plan]) -> None:
    """The first members who joined long enough ago show every state; the rest get the free plan, a comp, or up to
    18 months of paying history (from their join)."""
    codes, weights = list(PLAN_WEIGHTS), list(PLAN_WEIGHTS.values())
    states = list(STATE_WEIGHTS)
    now = b.now
    for member in members:
        if states and member.joined <= now - SHOWCASE_AGE:
            _subscription(b, member, plans["standard"], states.pop(0))
            continue
        code = b.rng.choices(codes, weights)[0]
        provider = b.rng.choices(("stripe", "apple", "comp"), (75, 15, 10))[0]
        if code == "free" or provider == "comp":
            _subscription(b, member, plans[code], "active", provider="comp")
            continue
        for span in member_history(b.rng, now, member.joined):
            _span(b, member.id, plans, span, provider)
