"""The billing demo: plans, subscriptions in every state and provider, payments of every kind and state (tips split
20/80), refunds that agree with their payments, credit ledger balances, payouts of their creators' tips; audited
(the chain intact), deterministic, and a second run adds nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.audit.models import AuditEvent
from console.audit.service import verify
from console.billing.demo import seed_billing_demo
from console.billing.models import (
    PAYMENT_KINDS,
    SUBSCRIPTION_STATES,
    CreditLedgerEntry,
    Payment,
    Payout,
    Plan,
    Refund,
    Subscription,
)
from console.db import session_scope
from console.seed import DEMO_DOMAIN, seed_demo


def _seed(make_staff: Callable[..., tuple[int, str]], members: int = 120) -> str:
    from console.catalog.demo import seed_catalog_demo

    make_staff("finance", email=f"finance@{DEMO_DOMAIN}", name="Demo Finance")
    make_staff("admin", email=f"admin@{DEMO_DOMAIN}", name="Demo Admin")
    seed_demo(members=members)
    seed_catalog_demo(videos=40, performers=24)
    return seed_billing_demo()


def test_the_demo_seeds_billing(make_staff: Callable[..., tuple[int, str]]) -> None:
    message = _seed(make_staff)
    assert message.startswith("Seeded billing: 5 plans"), message
    with session_scope() as session:
        plans = {p.code: p for p in session.execute(select(Plan)).scalars()}
        assert list(plans) == ["free", "basic", "standard", "premium", "family"]
        assert plans["basic"].stripe_plan_id == "plan_basic" and plans["free"].price_cents == 0
        assert all(p.features and p.currency == "USD" and p.interval == "month" for p in plans.values())

        states = set(session.execute(select(Subscription.status).distinct()).scalars())
        assert states == set(SUBSCRIPTION_STATES)
        providers = dict(
            session.execute(select(Subscription.provider, func.count()).group_by(Subscription.provider)).tuples().all()
        )
        assert set(providers) == {"stripe", "apple", "comp"} and providers["stripe"] > providers["apple"]
        assert sum(providers.values()) >= 120

        kinds = set(session.execute(select(Payment.kind).distinct()).scalars())
        assert kinds == set(PAYMENT_KINDS)
        statuses = set(session.execute(select(Payment.status).distinct()).scalars())
        assert {"succeeded", "failed", "refunded", "partially_refunded", "pending"} <= statuses
        tips = list(session.execute(select(Payment).where(Payment.kind == "tip")).scalars())
        assert tips and all(t.creator_id and t.platform_fee_cents == round(t.amount_cents * 0.2) for t in tips)
        assert all(t.net_cents == t.amount_cents - (t.platform_fee_cents or 0) for t in tips)
        apple = list(session.execute(select(Payment).where(Payment.provider == "apple")).scalars())
        assert apple and all(p.payment_intent_id is None for p in apple)

        _refunds_agree(session)
        _ledger_balances(session)
        _payouts_sum_their_tips(session)
        audited = session.execute(select(func.count()).where(AuditEvent.action == "payment.create")).scalar_one()
        assert audited == session.execute(select(func.count()).select_from(Payment)).scalar_one()
        assert verify(session).ok


def _refunds_agree(session: Session) -> None:
    refunds = list(session.execute(select(Refund)).scalars())
    by_status: dict[str, int] = {}
    for r in refunds:
        by_status[r.status] = by_status.get(r.status, 0) + 1
    assert by_status.get("submitting") == 1
    assert by_status.get("succeeded", 0) >= 10 and by_status.get("failed", 0) >= 1
    assert by_status.get("awaiting_approval", 0) >= 2
    for r in refunds:
        assert r.amount_cents > 0
        if r.status == "awaiting_approval":
            assert r.amount_cents > 5000 and r.requested_by_id is not None and r.approved_by_id is None
    # every payment's refunded amount is the sum of its succeeded refunds, and its status says so
    for payment in session.execute(select(Payment).where(Payment.refunded_cents > 0)).scalars():
        succeeded = sum(r.amount_cents for r in refunds if r.payment_id == payment.id and r.status == "succeeded")
        assert payment.refunded_cents == succeeded
        expected = "refunded" if succeeded == payment.amount_cents else "partially_refunded"
        assert payment.status == expected
    refunded = session.execute(
        select(func.count()).where(Payment.status.in_(("refunded", "partially_refunded")), Payment.refunded_cents == 0)
    ).scalar_one()
    assert refunded == 0
    apple = select(Payment.id).where(Payment.provider == "apple")
    assert session.execute(select(func.count()).where(Refund.payment_id.in_(apple))).scalar_one() == 0


def _ledger_balances(session: Session) -> None:
    balances: dict[int, int] = {}
    kinds = set()
    for entry in session.execute(select(CreditLedgerEntry).order_by(CreditLedgerEntry.id)).scalars():
        balances[entry.member_id] = balances.get(entry.member_id, 0) + entry.amount
        assert entry.balance_after == balances[entry.member_id] >= 0
        kinds.add(entry.kind)
    assert kinds == {"purchase", "usage", "refund", "bonus"}


def _payouts_sum_their_tips(session: Session) -> None:
    payouts = list(session.execute(select(Payout)).scalars())
    assert {"pending", "held", "approved", "paid"} <= {p.status for p in payouts}
    for payout in payouts:
        tips = list(session.execute(select(Payment).where(Payment.payout_id == payout.id)).scalars())
        assert payout.tip_count == len(tips) > 0
        assert payout.amount_cents == sum(t.net_cents or 0 for t in tips)
        assert all(t.creator_id == payout.creator_id and t.status == "succeeded" for t in tips)
        assert (payout.hold_reason is not None) == (payout.status == "held")


def test_a_second_run_adds_nothing(make_staff: Callable[..., tuple[int, str]]) -> None:
    _seed(make_staff)
    with session_scope() as session:
        before = [
            session.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (Plan, Subscription, Payment, Refund, CreditLedgerEntry, Payout, AuditEvent)
        ]
    assert seed_billing_demo() == "Billing demo already present; nothing added."
    with session_scope() as session:
        after = [
            session.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (Plan, Subscription, Payment, Refund, CreditLedgerEntry, Payout, AuditEvent)
        ]
    assert after == before


def test_the_demo_needs_members() -> None:
    assert seed_billing_demo() == "Billing demo skipped: it needs the member demo first."
    with session_scope() as session:
        assert session.execute(select(func.count()).select_from(Plan)).scalar_one() == 0


def test_the_demo_spreads_paying_histories_over_18_months(make_staff: Callable[..., tuple[int, str]]) -> None:
    from console.actor import SYSTEM
    from console.db import utcnow
    from console.insights.models import MrrMonthly, MrrMovementMonthly
    from console.insights.rollup import rollup_span

    _seed(make_staff, members=300)  # as many as the first start seeds
    today = utcnow().date()
    back = today.year * 12 + today.month - 1 - 17
    first = date(back // 12, back % 12 + 1, 1)  # the first of the 18 months (the current one is the last)
    with session_scope() as session:
        subs = list(session.execute(select(Subscription).order_by(Subscription.created_at)).scalars())
        months = {s.created_at.date().replace(day=1) for s in subs if s.created_at.date() >= first}
        assert len(months) >= 15, sorted(months)  # new subscriptions in nearly every one of the 18 months
        paid_months = set(
            session.execute(
                select(Payment.created_at).where(Payment.kind == "subscription", Payment.status == "succeeded")
            ).scalars()
        )
        paid = {p.date().replace(day=1) for p in paid_months if p.date() >= first}
        assert len(paid) == 18, sorted(paid)
        assert any((s.cancel_reason or "").startswith("Changed plan") for s in subs)  # upgrades and downgrades
        trials = [s for s in subs if s.trial_end is not None and s.status != "trialing"]
        paid_subs = set(session.execute(select(Payment.subscription_id).where(Payment.status == "succeeded")).scalars())
        assert any(s.id in paid_subs for s in trials) and any(s.id not in paid_subs for s in trials)
        comebacks = {s.member_id for s in subs if s.canceled_at is not None} & {
            s.member_id for s in subs if s.status == "active"
        }
        assert comebacks
        _nothing_before_the_member_joined(session)
    rollup_span(actor=SYSTEM, start=first, end=today - timedelta(days=1), areas=["mrr"])
    with session_scope() as session:
        churned = set(
            session.execute(select(MrrMovementMonthly.month).where(MrrMovementMonthly.movement == "churned")).scalars()
        )
        cohorts = session.execute(
            select(func.count(func.distinct(MrrMonthly.first_paid_month))).where(MrrMonthly.first_paid_month >= first)
        ).scalar_one()
    # churn in most months after the first: members join evenly over three years, so the first months have a
    # paying base of 15-20 and ~5% churn leaves one or another without a churned member
    assert len(churned) >= 12
    assert cohorts >= 15


def _nothing_before_the_member_joined(session: Session) -> None:
    """QA: a member who joined on 2026-11-29 had tips from February and April, and paying members got 18 months of
    subscriptions whenever they joined. Every subscription, payment and credit entry is dated after the join."""
    from console.members.models import Member

    def utc(at: datetime) -> datetime:
        return at if at.tzinfo else at.replace(tzinfo=UTC)

    joined = {i: utc(at) for i, at in session.execute(select(Member.id, Member.created_at)).tuples()}
    early = []
    for model in (Subscription, Payment, CreditLedgerEntry):
        rows = session.execute(select(model.member_id, model.created_at)).tuples().all()  # type: ignore[attr-defined]
        assert rows, model
        early += [(model.__name__, m, at) for m, at in rows if utc(at) < joined[m]]
    assert not early, early[:5]
    recent = [m for m, at in joined.items() if at > max(joined.values()) - timedelta(days=120)]
    paid = set(session.execute(select(Payment.member_id).where(Payment.kind == "subscription")).scalars())
    assert paid & set(recent)  # members who joined lately still pay: their histories start at the join


def test_the_running_month_draws_signups_for_the_days_gone_by() -> None:
    """The demo on 2 December had 22 members first paying on 1-2 December (17 in all of November): the signup curve
    gave the running month a whole month's weight. Two days of December draw about two days' share."""
    import random
    from datetime import UTC, datetime

    from console.billing.demo_history import _signup_curve

    now = datetime(2026, 12, 2, 6, tzinfo=UTC)
    rng = random.Random(7)
    drawn = [_signup_curve(rng, now) for _ in range(20_000)]
    december = sum(1 for at in drawn if at >= datetime(2026, 12, 1, tzinfo=UTC)) / len(drawn)
    november = sum(1 for at in drawn if datetime(2026, 11, 1, tzinfo=UTC) <= at < datetime(2026, 12, 1, tzinfo=UTC))
    assert december < 0.1 * november / len(drawn)  # 1.25 days against November's 30
    assert all(at <= now for at in drawn)
