"""The billing part of `seed --scale`: by default 1,000,000 subscriptions (one per member), 2,000,000 payments,
100,000 refunds, the five plans, creator payouts of the tips and credit ledger rows for the credit packs, loaded
with COPY on PostgreSQL (console/bulkload.py). Generated data written by the system: one audit event for the
whole run (seed.scale), none per row.

Needs the members (the `members` area, same run or earlier); uses the catalog when it is there (rentals,
purchases and pay-per-view need videos, tips and payouts need performers) and seeds without those kinds when it is
not, so `seed --scale --areas members,billing` is all the billing bench needs.

The special rows are planned first (which payments are tips and which get refunds), so every row is written once
and consistent: a payment's status and refunded amount agree with its refunds, a refund awaiting approval or
rejected is above the approval threshold, payouts add up their tips' net amounts. Ids are written explicitly
(first free id onwards) and the sequences moved past them afterwards.
"""

from __future__ import annotations

import random
import time
from array import array
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from console.actor import SYSTEM
from console.billing.demo import CREDIT_PACKS, DECLINES, HOLD_REASONS, PLANS, TIP_AMOUNTS, TIP_WEIGHTS
from console.billing.demo_history import CANCEL_REASONS
from console.billing.models import CreditLedgerEntry, Payment, Payout, Plan, Refund, Subscription
from console.billing.scale_mix import pattern as _pattern
from console.billing.scale_mix import spread as _spread
from console.billing.scale_mix import weighted as _weighted
from console.bulkload import analyze, bulk_load
from console.catalog.models import Performer, Video
from console.db import get_engine, owner_engine, session_scope
from console.members.models import Member
from console.staff import service as staff_service
from console.staff.models import Staff

STAFF_COUNT = 4
CREATORS = 2_000  # tips go to this many performers (fewer when the catalog has fewer)
TIP_EVERY = 14  # every 14th payment is a tip when there are performers (~7%)
SUB_STATES = [("active", 62), ("trialing", 5), ("past_due", 4), ("canceled", 15), ("unpaid", 2), ("incomplete", 2)]
SUB_STATES += [("expired", 10)]
PLAN_SHARES = {"free": 15, "basic": 25, "standard": 28, "premium": 22, "family": 10}
PROVIDER_SHARES = {"stripe": 80, "apple": 14, "comp": 6}
PAYMENT_STATES = [("succeeded", 910), ("failed", 60), ("pending", 15), ("processing", 15)]
CONTENT = {"rental": (10, 399), "purchase": (5, 1499), "ppv": (3, 999)}
# What happens to a refunded payment: (refund status, share, payment amount above the threshold?).
REFUND_PLAN = [
    ("succeeded", 55, False),
    ("partial", 20, False),
    ("failed", 8, False),
    ("awaiting_approval", 8, True),
    ("rejected", 5, True),
    ("canceled", 4, False),
]


def _all_columns(model: Any) -> list[str]:
    """Every column of the table: the generators below write each one explicitly (ids included)."""
    return [column.name for column in model.__table__.columns]


@dataclass
class _Tip:
    member: int
    creator: int
    amount: int
    at: datetime
    payout: int | None = None


@dataclass
class _Run:
    """Everything the generators share: inputs, first ids, the plan of special rows, what the payments produced."""

    rng: random.Random
    now: datetime
    members: array[int]
    videos: array[int]
    creators: list[int]
    staff: list[tuple[int, str]]
    threshold: int
    plans: dict[str, tuple[int, int]]  # code -> (id, price)
    first: dict[str, int]
    subscriptions: int
    sub_plans: list[str] = field(default_factory=lambda: _pattern(PLAN_SHARES))
    sub_providers: list[str] = field(default_factory=lambda: _pattern(PROVIDER_SHARES))
    tips: dict[int, _Tip] = field(default_factory=dict)
    refunds: dict[int, str] = field(default_factory=dict)  # payment index -> plan
    targets: list[tuple[int, str, int, str, datetime]] = field(default_factory=list)
    credits: list[tuple[datetime, int, int, int]] = field(default_factory=list)
    payouts: list[dict[str, Any]] = field(default_factory=list)

    def plan_of(self, sub: int) -> str:
        return self.sub_plans[sub % len(self.sub_plans)]

    def provider_of(self, sub: int) -> str:
        return "comp" if self.plan_of(sub) == "free" else self.sub_providers[(sub // 7) % len(self.sub_providers)]


def _first_id(model: Any) -> int:
    with session_scope() as session:
        return int(session.execute(select(func.coalesce(func.max(model.id), 0))).scalar_one()) + 1


def _scale_finance() -> list[tuple[int, str]]:
    with session_scope() as session:
        found = list(session.execute(select(Staff.id, Staff.email).where(Staff.email.like("scale-finance-%"))).tuples())
        for n in range(len(found), STAFF_COUNT):
            staff, _ = staff_service.create_staff(
                session,
                actor=SYSTEM,
                email=f"scale-finance-{n}@console.example",
                name=f"Scale Finance {n}",
                roles=["finance"],
                must_change_password=False,
            )
            found.append((staff.id, staff.email))
        return found


def _plans() -> dict[str, tuple[int, int]]:
    """The five plans (as in the demo), added when missing; code -> (id, price)."""
    with session_scope() as session:
        have = {p.code: p for p in session.execute(select(Plan)).scalars()}
        for code, name, price, features in PLANS:
            if code not in have:
                plan = Plan(
                    code=code,
                    name=name,
                    price_cents=price,
                    features=features,
                    stripe_plan_id=f"plan_{code}" if price else None,
                )
                session.add(plan)
                have[code] = plan
        session.flush()
        return {code: (plan.id, plan.price_cents) for code, plan in have.items()}


def _inputs() -> tuple[array[int], array[int], list[int]]:
    with session_scope() as session:
        members = array("q", session.execute(select(Member.id).order_by(Member.id)).scalars())
        videos = array(
            "q", session.execute(select(Video.id).where(Video.kind != "series").order_by(Video.id)).scalars()
        )
        creators = list(
            session.execute(
                select(Performer.id).where(Performer.deleted_at.is_(None)).order_by(Performer.id).limit(CREATORS)
            ).scalars()
        )
    return members, videos, creators


def scale_billing(
    *, subscriptions: int = 1_000_000, payments: int = 2_000_000, refunds: int = 100_000
) -> dict[str, int]:
    from console.config import get_settings

    if min(subscriptions, payments, refunds) < 0:
        raise ValueError("counts must not be negative")
    members, videos, creators = _inputs()
    if not members:
        raise RuntimeError("The billing scale data needs members: seed them first (--areas members,billing).")
    models = {"sub": Subscription, "payment": Payment, "refund": Refund, "ledger": CreditLedgerEntry}
    first = {name: _first_id(model) for name, model in models.items()} | {"payout": _first_id(Payout)}
    run = _Run(
        rng=random.Random(4_000_037),
        now=datetime.now(UTC).replace(microsecond=0),
        members=members,
        videos=videos,
        creators=creators,
        staff=_scale_finance(),
        threshold=get_settings().refund_approval_cents,
        plans=_plans(),
        first=first,
        subscriptions=subscriptions,
    )
    _plan_tips(run, payments)
    _plan_refunds(run, payments, min(refunds, payments))
    counts: dict[str, int] = {}
    loads: list[tuple[str, Any, Any, int]] = [
        ("subscriptions", Subscription, lambda: _subs(run), first["sub"]),
        ("payouts", Payout, lambda: iter(run.payouts), first["payout"]),  # before the tips that point at them
        ("payments", Payment, lambda: _payments(run, payments), first["payment"]),
        ("refunds", Refund, lambda: _refunds(run), first["refund"]),  # the payments' generator planned them
        ("credit_ledger_entries", CreditLedgerEntry, lambda: _ledger(run), first["ledger"]),
    ]
    for name, model, rows, first_id in loads:
        started = time.monotonic()
        counts[name] = bulk_load(model, _all_columns(model), rows(), rebuild_indexes=first_id == 1)
        if name in ("subscriptions", "payments"):  # where the time goes (printed as "N s writing payments")
            counts[f"{name.removesuffix('s')}_ms"] = round((time.monotonic() - started) * 1000)
    _advance_sequences("subscriptions", "payouts", "payments", "refunds", "credit_ledger")
    analyze("plans", "subscriptions", "payouts", "payments", "refunds", "credit_ledger")
    return counts


def _advance_sequences(*tables: str) -> None:
    """Ids were written explicitly: move each table's sequence past them (PostgreSQL; SQLite needs nothing)."""
    if get_engine().dialect.name != "postgresql":
        return
    with owner_engine() as engine, engine.begin() as conn:
        for table in tables:
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
            )


def _plan_tips(run: _Run, payments: int) -> None:
    """Which payments are tips (every TIP_EVERY-th), to whom, and the payouts they fall into: tips older than 30
    days were paid out per creator and month; newer ones wait in one open payout per creator."""
    if not run.creators:
        return
    rng = random.Random(77)
    sums: dict[tuple[int, int], list[int]] = {}
    for index in range(TIP_EVERY // 2, payments, TIP_EVERY):
        tip = _Tip(
            member=run.members[int(rng.random() * len(run.members))],
            creator=run.creators[int(rng.random() ** 2 * len(run.creators))],  # a few creators earn most
            amount=rng.choices(TIP_AMOUNTS, TIP_WEIGHTS)[0],
            at=run.now - timedelta(days=rng.random() * 365),
        )
        run.tips[index] = tip
        bucket = int((run.now - tip.at).days // 30)
        key = (tip.creator, bucket if bucket >= 1 else 0)
        if key not in sums:
            sums[key] = [len(sums), 0, 0]
        tip.payout = run.first["payout"] + sums[key][0]
        sums[key][1] += tip.amount - round(tip.amount * 0.2)
        sums[key][2] += 1
    approver = run.staff[0][0]
    for (creator, bucket), (n, net, count) in sums.items():
        status = "paid" if bucket else ("pending", "approved", "held", "pending", "pending")[creator % 5]
        scheduled = (run.now - timedelta(days=30 * bucket - 5)).date() if bucket else (run.now + timedelta(7)).date()
        run.payouts.append(_payout_row(run.first["payout"] + n, creator, net, count, status, scheduled, approver))


def _payout_row(pid: int, creator: int, net: int, count: int, status: str, when: date, approver: int) -> dict[str, Any]:
    approved_at = datetime.combine(when, datetime.min.time(), tzinfo=UTC) - timedelta(days=2)
    return {
        "id": pid,
        "creator_id": creator,
        "amount_cents": net,
        "currency": "USD",
        "status": status,
        "scheduled_for": when,
        "tip_count": count,
        "hold_reason": HOLD_REASONS[pid % len(HOLD_REASONS)] if status == "held" else None,
        "approved_by_id": approver if status in ("approved", "paid") else None,
        "approved_at": approved_at if status in ("approved", "paid") else None,
        "paid_at": approved_at + timedelta(days=2) if status == "paid" else None,
        "failure_message": None,
        "created_at": approved_at - timedelta(days=3),
        "version": 1,
    }


def _plan_refunds(run: _Run, payments: int, refunds: int) -> None:
    """Which payments get a refund, and which kind of refund (never a tip: those are in payouts)."""
    rng = random.Random(91)
    kinds = _spread({kind: share for kind, share, _ in REFUND_PLAN})
    picked = 0
    for index in rng.sample(range(payments), min(payments, refunds + refunds // 5 + 10)):
        if index in run.tips:
            continue
        run.refunds[index] = kinds[picked % len(kinds)]
        picked += 1
        if picked == refunds:
            break


def _subs(run: _Run) -> Iterator[dict[str, Any]]:
    rng, now = run.rng, run.now
    states, cum = _weighted(SUB_STATES)
    members = run.members
    for i in range(run.subscriptions):
        plan = run.plan_of(i)
        provider = run.provider_of(i)
        state = states[bisect(cum, rng.random())]
        ended = state in ("canceled", "expired")
        start = now - timedelta(days=(35 + rng.random() * 300) if ended else rng.random() * 29)
        canceled_at = start + timedelta(days=1 + rng.random() * 28) if state == "canceled" else None
        sid = run.first["sub"] + i
        at_period_end = state == "active" and i % 13 == 0
        yield {
            "id": sid,
            "member_id": members[i % len(members)],
            "plan_id": run.plans[plan][0],
            "provider": provider,
            "provider_customer_id": f"cus_Sc{sid:012d}" if provider == "stripe" else None,
            "provider_subscription_id": (
                f"sub_1Sc{sid:014d}"
                if provider == "stripe"
                else f"{400000000000000 + sid}"
                if provider == "apple"
                else None
            ),
            "status": state,
            "current_period_start": start,
            "current_period_end": start + timedelta(days=30),
            "cancel_at_period_end": at_period_end,
            "canceled_at": canceled_at,
            "cancel_reason": CANCEL_REASONS[i % len(CANCEL_REASONS)] if canceled_at or at_period_end else None,
            "trial_end": start + timedelta(days=14) if state == "trialing" else None,
            "created_at": start - timedelta(days=30 * (i % 13)),
            "updated_at": canceled_at or start,
            "version": 1,
        }


def _kinds(run: _Run) -> list[str]:
    shares = {"subscription": 72, "credits": 10}
    for kind, (share, _price) in CONTENT.items():
        if run.videos:
            shares[kind] = share
        else:
            shares["subscription"] += share
    return _pattern(shares)


def _payments(run: _Run, count: int) -> Iterator[dict[str, Any]]:
    rng, now, members, videos = run.rng, run.now, run.members, run.videos
    kinds = _kinds(run)
    states, cum = _weighted(PAYMENT_STATES)
    packs = [price for price, _ in CREDIT_PACKS]
    credits_for = dict(CREDIT_PACKS)
    for i in range(count):
        pid = run.first["payment"] + i
        tip = run.tips.get(i)
        if tip is not None:
            yield _tip_row(pid, tip)
            continue
        k = int(rng.random() * len(members))
        row: dict[str, Any] = {"id": pid, "member_id": members[k], "subscription_id": None, "video_id": None}
        row |= {"creator_id": None, "platform_fee_cents": None, "net_cents": None, "payout_id": None}
        row |= {"provider": "stripe", "currency": "USD", "refunded_cents": 0, "version": 1}
        kind = kinds[i % len(kinds)]
        refund = run.refunds.get(i)
        if kind == "subscription":
            if (
                k < run.subscriptions
                and run.provider_of(k) != "comp"
                and not (refund and run.provider_of(k) == "apple")
            ):
                row |= {"subscription_id": run.first["sub"] + k, "provider": run.provider_of(k)}
                row["amount_cents"] = run.plans[run.plan_of(k)][1]
            else:
                kind = "credits"
        if kind == "credits":
            row["amount_cents"] = packs[int(rng.random() ** 2 * len(packs))]
        elif kind in CONTENT:
            row |= {"video_id": videos[int(rng.random() * len(videos))], "amount_cents": CONTENT[kind][1]}
        at = now - timedelta(days=rng.random() * 365, seconds=rng.random() * 86400)
        row |= {"kind": kind, "created_at": at}
        if refund is None:
            row["status"] = states[bisect(cum, rng.random())]
        else:
            _refunded(run, row, refund, rng)
        status = row["status"]
        if row["provider"] == "stripe":
            row["payment_intent_id"] = f"pi_3Sc{pid:014d}"
            row["charge_id"] = f"ch_3Sc{pid:014d}" if status != "pending" else None
        else:
            row |= {"payment_intent_id": None, "charge_id": None}
        row["invoice_id"] = f"in_1Sc{pid:014d}" if kind == "subscription" and row["provider"] == "stripe" else None
        row["failure_message"] = DECLINES[i % len(DECLINES)] if status == "failed" else None
        if kind == "credits" and status == "succeeded" and refund is None:
            run.credits.append((at, row["member_id"], pid, credits_for[row["amount_cents"]]))
        yield row


def _refunded(run: _Run, row: dict[str, Any], refund: str, rng: random.Random) -> None:
    """A payment that has a refund: its amount (above the threshold when the refund needs approval) and status."""
    if next(large for kind, _, large in REFUND_PLAN if kind == refund):
        row |= {"kind": "credits", "subscription_id": None, "video_id": None, "provider": "stripe"}
        row["amount_cents"] = run.threshold + 1 + int(rng.random() * 25_000)
    amount = row["amount_cents"]
    row["status"] = {"succeeded": "refunded", "partial": "partially_refunded"}.get(refund, "succeeded")
    row["refunded_cents"] = {"succeeded": amount, "partial": amount // 2}.get(refund, 0)
    run.targets.append((row["id"], refund, amount, row["currency"], row["created_at"]))


def _tip_row(pid: int, tip: _Tip) -> dict[str, Any]:
    fee = round(tip.amount * 0.2)
    return {
        "id": pid,
        "member_id": tip.member,
        "subscription_id": None,
        "kind": "tip",
        "provider": "stripe",
        "amount_cents": tip.amount,
        "currency": "USD",
        "status": "succeeded",
        "refunded_cents": 0,
        "payment_intent_id": f"pi_3Sc{pid:014d}",
        "charge_id": f"ch_3Sc{pid:014d}",
        "invoice_id": None,
        "video_id": None,
        "creator_id": tip.creator,
        "platform_fee_cents": fee,
        "net_cents": tip.amount - fee,
        "payout_id": tip.payout,
        "failure_message": None,
        "created_at": tip.at,
        "version": 1,
    }


def _refunds(run: _Run) -> Iterator[dict[str, Any]]:
    staff = run.staff
    for n, (pid, plan, amount, currency, at) in enumerate(run.targets):
        rid = run.first["refund"] + n
        status = "succeeded" if plan in ("succeeded", "partial") else plan
        value = amount // 2 if plan == "partial" else amount
        requester, decider = staff[n % len(staff)], staff[(n + 1) % len(staff)]
        decided = status == "rejected" or (status == "succeeded" and value > run.threshold)
        created = min(at + timedelta(hours=1 + n % 240), run.now)
        sent = status in ("succeeded", "failed")
        yield {
            "id": rid,
            "payment_id": pid,
            "amount_cents": value,
            "currency": currency,
            "reason": ("requested_by_customer", "duplicate", "service_issue", "goodwill", "fraudulent")[n % 5],
            "note": None,
            "status": status,
            "requested_by_id": requester[0],
            "requested_by_label": requester[1],
            "approved_by_id": decider[0] if decided else None,
            "decided_at": created + timedelta(hours=3) if decided else None,
            "decision_note": "Outside the refund window" if status == "rejected" else None,
            "idempotency_key": f"scale-refund-{rid}",
            "stripe_refund_id": f"re_3Sc{rid:014d}" if sent else None,
            "attempts": 1 if sent else 0,
            "error": "Stripe refused: the charge is disputed." if status == "failed" else None,
            "created_at": created,
            "submitted_at": created + timedelta(hours=4) if sent else None,
            "settled_at": created + timedelta(hours=4, seconds=3) if sent else None,
            "version": 1,
        }


def _balances() -> dict[int, int]:
    """Members' credit balances before this run (its ledger rows continue them)."""
    latest = select(func.max(CreditLedgerEntry.id)).group_by(CreditLedgerEntry.member_id)
    with session_scope() as session:
        found = session.execute(
            select(CreditLedgerEntry.member_id, CreditLedgerEntry.balance_after).where(CreditLedgerEntry.id.in_(latest))
        ).tuples()
        return dict(found.all())


def _ledger(run: _Run) -> Iterator[dict[str, Any]]:
    """Credit packs bought (in time order per member), a third of them partly spent on a live show draw."""
    balances = _balances()
    lid = run.first["ledger"]
    for n, (at, member, pid, credits) in enumerate(sorted(run.credits)):
        balance = balances.get(member, 0) + credits
        rows: list[tuple[str, int, int, int | None, str | None, datetime]] = [
            ("purchase", credits, balance, pid, None, at)
        ]
        if n % 3 == 0:
            spent = min(balance, 10 * (1 + n % 5))
            balance -= spent
            rows.append(("usage", -spent, balance, None, "Live show draw", min(at + timedelta(days=1), run.now)))
        balances[member] = balance
        for kind, amount, after, payment_id, reason, when in rows:
            yield {
                "id": lid,
                "member_id": member,
                "kind": kind,
                "amount": amount,
                "balance_after": after,
                "payment_id": payment_id,
                "reason": reason,
                "created_by_id": None,
                "created_at": when,
            }
            lid += 1
