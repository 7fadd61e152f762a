"""Billing demo data: the five plans (002), a few hundred subscriptions billed by Stripe, Apple or given (comp) in
every state — paying members' histories spread over the last 18 months (signups with mild seasonality, trials that
convert or lapse, upgrades and downgrades, churn and comebacks: demo_history.py) — their monthly payments (some
failed, retried), rentals, purchases and pay-per-view, tips with the platform's 20%
fee, credit packs with the credit ledger (003), refunds in every interesting state (succeeded, partial, awaiting a
second person's approval, failed, one still `submitting`, one rejected) and creator payouts (pending, held with a
reason, approved, paid).

Written through the ORM as the system with one audit event per row, as the platform's webhooks would have
recorded them (the billing services that change these rows are written in parallel; the demo does not depend on
them). Deterministic for a given set of members, videos and performers; a second run adds nothing.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.actor import SYSTEM
from console.audit.service import record
from console.billing.demo_history import _ALNUM, DemoMember, after_join
from console.billing.models import CreditLedgerEntry, Payment, Payout, Plan, Refund
from console.catalog.models import Performer, Video
from console.db import session_scope, utcnow
from console.members.models import Member
from console.staff.models import Staff

DEMO_DOMAIN = "console.example"
# (code, name, price in cents per month, features); Stripe Plan ids "plan_<code>" (localstripe has no Prices).
PLANS: list[tuple[str, str, int, list[str]]] = [
    ("free", "Free", 0, ["Free movies with ads", "SD quality", "1 screen"]),
    ("basic", "Basic", 499, ["No ads", "HD quality", "1 screen", "Rentals at member prices"]),
    ("standard", "Standard", 999, ["No ads", "Full HD", "2 screens", "Downloads on 2 devices"]),
    ("premium", "Premium", 1499, ["No ads", "4K + HDR", "4 screens", "Downloads on 6 devices", "Live shows"]),
    ("family", "Family", 1999, ["No ads", "4K + HDR", "6 screens", "5 profiles", "Kids profiles", "Live shows"]),
]
CONTENT_PRICES = {"rental": 399, "purchase": 1499, "ppv": 999}
LOCAL_CURRENCY = {"DE": "EUR", "FR": "EUR", "ES": "EUR", "NL": "EUR", "GB": "GBP"}
TIP_AMOUNTS = [100, 200, 500, 1000, 2000, 5000, 7500, 10000, 25000]
TIP_WEIGHTS = [20, 20, 22, 14, 10, 6, 3, 3, 2]
CREDIT_PACKS = [(499, 50), (999, 110), (2499, 300), (9999, 1300)]  # (price in cents, credits)
PLATFORM_FEE = 0.20
DECLINES = ["Your card was declined.", "Your card has insufficient funds.", "Your card has expired."]
HOLD_REASONS = ["Tax form (W-8BEN) missing", "A tip in this payout is disputed (chargeback under review)"]


def _columns(row: Any) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}


@dataclass
class _Builder:
    """The demo's state while it is written: one session, one random stream, what was made so far."""

    session: Session
    rng: random.Random
    now: datetime
    finance: Staff | None
    admin: Staff | None
    payments: list[Payment] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, row: Any, action: str, entity: str) -> Any:
        self.session.add(row)
        self.session.flush()
        record(self.session, SYSTEM, action, entity, row.id, after=_columns(row))
        self.counts[entity] = self.counts.get(entity, 0) + 1
        return row

    def stripe_id(self, prefix: str) -> str:
        return f"{prefix}_{''.join(self.rng.choices(_ALNUM, k=24))}"

    def ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)

    def since(self, member: DemoMember, at: datetime) -> datetime:
        """`at`, unless it is before the member joined (then a time after it): nobody pays before joining."""
        return after_join(self.rng, self.now, member.joined, at)

    def pay(self, member_id: int, kind: str, amount: int, at: datetime, **values: Any) -> Payment:
        """One payment; Stripe ids unless Apple billed it; `status` succeeded unless given."""
        provider = values.pop("provider", "stripe")
        status = values.pop("status", "succeeded")
        ids: dict[str, Any] = {}
        if provider == "stripe":
            ids = {"payment_intent_id": self.stripe_id("pi")}
            if status != "pending":
                ids["charge_id"] = self.stripe_id("ch")
        payment = Payment(
            member_id=member_id,
            kind=kind,
            provider=provider,
            amount_cents=amount,
            currency=values.pop("currency", "USD"),
            status=status,
            refunded_cents=0,
            created_at=min(at, self.now),
            failure_message=self.rng.choice(DECLINES) if status == "failed" else None,
            **ids,
            **values,
        )
        self.payments.append(self.add(payment, "payment.create", "payment"))
        return payment


def _plans(b: _Builder) -> dict[str, Plan]:
    plans = {}
    for code, name, price, features in PLANS:
        plan = Plan(
            code=code,
            name=name,
            price_cents=price,
            currency="USD",
            interval="month",
            features=features,
            stripe_plan_id=f"plan_{code}" if price else None,
            active=True,
            created_at=b.ago(400),
        )
        plans[code] = b.add(plan, "plan.create", "plan")
    return plans


def _content(b: _Builder, members: list[DemoMember], videos: list[tuple[int, int | None]]) -> None:
    """Rentals, purchases and pay-per-view, in the member's local currency in Europe."""
    if not videos:
        return
    for _ in range(240):
        member = b.rng.choice(members)
        video_id, rental_price = b.rng.choice(videos)
        kind = b.rng.choices(("rental", "purchase", "ppv"), (60, 25, 15))[0]
        amount = (rental_price or CONTENT_PRICES[kind]) if kind == "rental" else CONTENT_PRICES[kind]
        status = b.rng.choices(("succeeded", "failed", "processing"), (90, 8, 2))[0]
        b.pay(
            member.id,
            kind,
            amount,
            b.since(member, b.ago(b.rng.triangular(0, 540, 0))),  # more as the platform grows
            status=status,
            video_id=video_id,
            currency=LOCAL_CURRENCY.get(member.country or "", "USD"),
        )


def _tips(b: _Builder, members: list[DemoMember], performers: list[int]) -> None:
    """Tips to a dozen creators: the platform keeps 20%, the creator is owed the rest (004)."""
    creators = performers[:12]
    if not creators:
        return
    for _ in range(220):
        amount = b.rng.choices(TIP_AMOUNTS, TIP_WEIGHTS)[0]
        fee = round(amount * PLATFORM_FEE)
        status = "failed" if b.rng.random() < 0.04 else "succeeded"
        member = b.rng.choice(members)
        b.pay(
            member.id,
            "tip",
            amount,
            b.since(member, b.ago(b.rng.triangular(0, 540, 0))),
            status=status,
            creator_id=b.rng.choice(creators),
            platform_fee_cents=fee,
            net_cents=amount - fee,
        )


def _credits(b: _Builder, members: list[DemoMember]) -> int:
    """Credit packs bought, credits spent, goodwill bonuses from finance and credits returned (003)."""
    entries = 0
    for member in b.rng.sample(members, k=min(50, len(members))):
        member_id, balance = member.id, 0
        at = b.since(member, b.ago(b.rng.uniform(30, 150)))
        for _ in range(b.rng.randint(1, 3)):
            price, credits = b.rng.choices(CREDIT_PACKS, (40, 30, 20, 10))[0]
            payment = b.pay(member_id, "credits", price, at)
            balance += credits
            _entry(b, member_id, "purchase", credits, balance, at, payment_id=payment.id)
            for _ in range(b.rng.randint(0, 4)):
                at += timedelta(days=b.rng.uniform(0.5, 6))
                spent = min(balance, b.rng.choice((10, 20, 25, 50)))
                if spent:
                    balance -= spent
                    _entry(b, member_id, "usage", -spent, balance, at, reason="Live show draw")
                if spent and b.rng.random() < 0.15:  # the draw was cancelled: the credits come back
                    balance += spent
                    _entry(b, member_id, "refund", spent, balance, at + timedelta(hours=2), reason="Draw cancelled")
            at += timedelta(days=b.rng.uniform(2, 20))
        if b.rng.random() < 0.25 and b.finance is not None:
            balance += 25
            _entry(b, member_id, "bonus", 25, balance, at, reason="Goodwill: stream outage", by=b.finance.id)
        entries += 1
    return entries


def _entry(
    b: _Builder, member_id: int, kind: str, amount: int, balance: int, at: datetime, **values: Any
) -> CreditLedgerEntry:
    entry = CreditLedgerEntry(
        member_id=member_id,
        kind=kind,
        amount=amount,
        balance_after=balance,
        payment_id=values.get("payment_id"),
        reason=values.get("reason"),
        created_by_id=values.get("by"),
        created_at=min(at, b.now),
    )
    return b.add(entry, "credit.create", "credit_ledger")


def _refund(b: _Builder, payment: Payment, amount: int, status: str, by: Staff | None, **values: Any) -> Refund:
    """A refund in `status`; a succeeded one counts in the payment's refunded amount (and its status)."""
    decider: Staff | None = values.pop("decider", None)
    at = min(payment.created_at + timedelta(days=b.rng.uniform(0.5, 10)), b.now - timedelta(minutes=30))
    sent = status in ("succeeded", "failed", "submitting", "pending")
    refund = Refund(
        payment_id=payment.id,
        amount_cents=amount,
        currency=payment.currency,
        reason=values.pop("reason", b.rng.choice(("requested_by_customer", "duplicate", "service_issue"))),
        note=values.pop("note", None),
        status=status,
        requested_by_id=by.id if by else None,
        requested_by_label=by.email if by else SYSTEM.label,
        approved_by_id=decider.id if decider else None,
        decided_at=at + timedelta(hours=2) if decider else None,
        decision_note=values.pop("decision_note", None),
        idempotency_key=str(uuid.UUID(int=b.rng.getrandbits(128), version=4)),
        stripe_refund_id=b.stripe_id("re") if status in ("succeeded", "failed") else None,
        attempts=1 if sent else 0,
        error=values.pop("error", None),
        created_at=at,
        submitted_at=at + timedelta(hours=3) if sent else None,
        settled_at=at + timedelta(hours=3, seconds=4) if status in ("succeeded", "failed") else None,
    )
    b.add(refund, "refund.create", "refund")
    if status == "succeeded":
        payment.refunded_cents += amount
        payment.status = "refunded" if payment.refunded_cents == payment.amount_cents else "partially_refunded"
    return refund


def _refunds(b: _Builder, threshold: int) -> dict[str, int]:
    rng = b.rng
    people = [s for s in (b.finance, b.admin) if s is not None]

    def by() -> Staff | None:
        return rng.choice(people) if people else None

    def other(requester: Staff | None) -> Staff | None:
        rest = [s for s in people if s is not requester]
        return rest[0] if rest else None

    refundable = [p for p in b.payments if p.provider == "stripe" and p.status == "succeeded"]
    rng.shuffle(refundable)
    small = [p for p in refundable if p.amount_cents <= threshold]
    large = [p for p in refundable if p.amount_cents > threshold]
    made: dict[str, int] = {}

    def make(payment: Payment, amount: int, status: str, requester: Staff | None, **values: Any) -> None:
        _refund(b, payment, amount, status, requester, **values)
        made[status] = made.get(status, 0) + 1

    for payment in small[:14]:
        make(payment, payment.amount_cents, "succeeded", by())
    for payment in small[14:20]:
        make(payment, max(1, payment.amount_cents // 2), "succeeded", by(), reason="goodwill", note="Half back")
    for payment in small[20:23]:
        make(payment, payment.amount_cents, "failed", by(), error="Stripe refused: the charge is disputed.")
    for payment in small[23:24]:
        make(
            payment,
            payment.amount_cents,
            "submitting",
            by(),
            error="Stripe did not answer (connection reset); the reconcile step settles it.",
        )
    for payment in large[:2]:
        requester = by()
        make(payment, payment.amount_cents, "succeeded", requester, decider=other(requester))
    # Waiting for a second person: the demo finance account may decide those the administrator asked for.
    for n, payment in enumerate(large[2:7]):
        requester = b.admin if n % 2 == 0 and b.admin else by()
        amount = payment.amount_cents if n % 3 else max(threshold + 1, payment.amount_cents * 3 // 4)
        make(payment, amount, "awaiting_approval", requester, reason="requested_by_customer", note="Member wrote in")
    for payment in large[7:8]:
        requester = by()
        decider = other(requester)
        make(
            payment,
            payment.amount_cents,
            "rejected" if decider else "canceled",
            requester,
            decider=decider,
            decision_note="Outside the 30-day refund window",
        )
    return made


def _payouts(b: _Builder) -> dict[str, int]:
    """Creators' succeeded, unrefunded tips: older ones already paid out; newer ones pending, approved or held."""
    refunded = {r.payment_id for r in b.session.execute(select(Refund)).scalars()}
    by_creator: dict[int, list[Payment]] = {}
    for p in b.payments:
        if p.kind == "tip" and p.status == "succeeded" and p.id not in refunded and p.creator_id is not None:
            by_creator.setdefault(p.creator_id, []).append(p)
    made: dict[str, int] = {}
    week_ahead = (b.now + timedelta(days=7 - b.now.weekday() % 7)).date()
    for i, (creator_id, tips) in enumerate(sorted(by_creator.items())):
        old = [t for t in tips if t.created_at < b.now - timedelta(days=21)]
        recent = [t for t in tips if t not in old]
        if old:
            _payout(b, creator_id, old, "paid", (b.now - timedelta(days=14)).date())
            made["paid"] = made.get("paid", 0) + 1
        if recent:
            status = ("pending", "approved", "held", "pending")[i % 4]
            _payout(b, creator_id, recent, status, week_ahead)
            made[status] = made.get(status, 0) + 1
    return made


def _payout(b: _Builder, creator_id: int, tips: list[Payment], status: str, when: date) -> None:
    approved = status in ("approved", "paid") and b.finance is not None
    at = datetime.combine(when, datetime.min.time(), tzinfo=UTC) - timedelta(days=2)
    payout = Payout(
        creator_id=creator_id,
        amount_cents=sum(t.net_cents or 0 for t in tips),
        currency="USD",
        status=status,
        scheduled_for=when,
        tip_count=len(tips),
        hold_reason=b.rng.choice(HOLD_REASONS) if status == "held" else None,
        approved_by_id=b.finance.id if approved and b.finance else None,
        approved_at=min(at, b.now) if approved else None,
        paid_at=min(at + timedelta(days=2), b.now) if status == "paid" else None,
        created_at=min(at - timedelta(days=3), b.now),
    )
    b.add(payout, "payout.create", "payout")
    for tip in tips:
        tip.payout_id = payout.id


def _inputs(session: Session) -> tuple[list[DemoMember], list[tuple[int, int | None]], list[int]]:
    members = [
        DemoMember(member_id, country, joined if joined.tzinfo else joined.replace(tzinfo=UTC))
        for member_id, country, joined in session.execute(
            select(Member.id, Member.country, Member.created_at)
            .where(Member.status != "deleted")
            .order_by(Member.id)
            .limit(300)
        ).tuples()
    ]
    videos = list(
        session.execute(
            select(Video.id, Video.rental_price_cents)
            .where(Video.state == "published", Video.kind != "series")
            .order_by(Video.id)
            .limit(120)
        ).tuples()
    )
    performers = list(
        session.execute(
            select(Performer.id).where(Performer.deleted_at.is_(None)).order_by(Performer.id).limit(40)
        ).scalars()
    )
    return members, videos, performers


def seed_billing_demo() -> str:
    """Idempotent: does nothing when plans exist already. Needs the member demo; uses the catalog when present."""
    from console.billing.demo_history import write_subscriptions
    from console.config import get_settings

    rng = random.Random(20261201)
    with session_scope() as session:
        if session.execute(select(func.count()).select_from(Plan)).scalar_one():
            return "Billing demo already present; nothing added."
        members, videos, performers = _inputs(session)
        if len(members) < 20:
            return "Billing demo skipped: it needs the member demo first."
        staff = {
            s.email: s
            for s in session.execute(
                select(Staff).where(Staff.email.in_((f"finance@{DEMO_DOMAIN}", f"admin@{DEMO_DOMAIN}")))
            ).scalars()
        }
        b = _Builder(session, rng, utcnow(), staff.get(f"finance@{DEMO_DOMAIN}"), staff.get(f"admin@{DEMO_DOMAIN}"))
        write_subscriptions(b, members, _plans(b))
        _content(b, members, videos)
        _tips(b, members, performers)
        _credits(b, members)
        refunds = _refunds(b, get_settings().refund_approval_cents)
        payouts = _payouts(b)
        session.flush()
        c = b.counts
    return (
        f"Seeded billing: {c.get('plan', 0)} plans, {c.get('subscription', 0)} subscriptions, "
        f"{c.get('payment', 0):,} payments, {sum(refunds.values())} refunds "
        f"({refunds.get('awaiting_approval', 0)} awaiting approval), {c.get('credit_ledger', 0)} credit entries, "
        f"{sum(payouts.values())} payouts."
    )
