"""`seed --scale` area billing at a tiny size: sized by the members, consistent (refunded amounts, approvals, tips
and payouts, ledger balances), every kind when there is a catalog and the rest when there is not, the sequences
past the explicit ids, a second run on top, and a clear refusal without members."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console import cli
from console.actor import SYSTEM
from console.audit.models import AuditEvent
from console.billing.models import (
    PAYMENT_KINDS,
    CreditLedgerEntry,
    Payment,
    Payout,
    Plan,
    Refund,
    Subscription,
)
from console.billing.service.queries import PaymentFilter, list_payments, list_refunds, member_billing
from console.db import session_scope
from console.members.models import Member
from console.paging import PageRequest
from console.seed import seed_scale


def _count(session: Session, model: object) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())  # type: ignore[arg-type]


def test_billing_scale_with_a_catalog() -> None:
    message = seed_scale(members=600, videos=30, performers=12, areas=("members", "catalog", "billing"))
    assert "600 subscriptions" in message and "1,200 payments" in message and "60 refunds" in message, message
    with session_scope() as session:
        assert _count(session, Plan) == 5
        assert _count(session, Subscription) == 600 and _count(session, Payment) == 1_200
        assert _count(session, Refund) == 60
        members_with_subs = session.execute(select(func.count(func.distinct(Subscription.member_id)))).scalar_one()
        assert members_with_subs == 600  # one each
        assert set(session.execute(select(Payment.kind).distinct()).scalars()) == set(PAYMENT_KINDS)
        _consistent(session)
        assert _count(session, Payout) > 0 and _count(session, CreditLedgerEntry) > 0
        assert session.execute(select(func.count()).where(AuditEvent.action == "seed.scale")).scalar_one() == 1
        assert session.execute(select(func.count()).where(AuditEvent.action == "payment.create")).scalar_one() == 0


def _consistent(session: Session) -> None:
    refunds = list(session.execute(select(Refund)).scalars())
    succeeded: dict[int, int] = {}
    for r in refunds:
        if r.status == "succeeded":
            succeeded[r.payment_id] = succeeded.get(r.payment_id, 0) + r.amount_cents
        if r.status in ("awaiting_approval", "rejected"):
            assert r.amount_cents > 5000
        if r.approved_by_id is not None:
            assert r.approved_by_id != r.requested_by_id
    assert {"succeeded", "failed", "awaiting_approval"} <= {r.status for r in refunds}
    for p in session.execute(select(Payment)).scalars():
        assert p.refunded_cents == succeeded.get(p.id, 0), p.id
        if p.refunded_cents:
            assert p.status == ("refunded" if p.refunded_cents == p.amount_cents else "partially_refunded")
        if p.kind == "tip":
            assert p.net_cents == p.amount_cents - (p.platform_fee_cents or 0) and p.creator_id is not None
        assert (p.provider == "stripe") == (p.payment_intent_id is not None)
    refunded_apple = select(func.count()).where(
        Refund.payment_id.in_(select(Payment.id).where(Payment.provider == "apple"))
    )
    assert session.execute(refunded_apple).scalar_one() == 0
    for payout in session.execute(select(Payout)).scalars():
        tips = session.execute(
            select(func.count(), func.sum(Payment.net_cents)).where(Payment.payout_id == payout.id)
        ).one()
        assert (payout.tip_count, payout.amount_cents) == (tips[0], tips[1])
        creators = session.execute(select(Payment.creator_id).where(Payment.payout_id == payout.id).distinct())
        assert list(creators.scalars()) == [payout.creator_id]
    balances: dict[int, int] = {}
    for entry in session.execute(select(CreditLedgerEntry).order_by(CreditLedgerEntry.id)).scalars():
        balances[entry.member_id] = balances.get(entry.member_id, 0) + entry.amount
        assert entry.balance_after == balances[entry.member_id] >= 0


def test_members_and_billing_alone_then_billing_again_on_top() -> None:
    seed_scale(members=300, videos=0, performers=0, areas=("members", "billing"))
    with session_scope() as session:
        kinds = set(session.execute(select(Payment.kind).distinct()).scalars())
        assert kinds == {"subscription", "credits"}  # no catalog: no content, tips nor payouts
        assert _count(session, Payout) == 0 and _count(session, Refund) == 30
        _consistent(session)
        # the lists and the member 360 read the generated rows
        page = list_payments(session, actor=SYSTEM, flt=PaymentFilter(), page=PageRequest(1, 25))
        assert page.total == 600 and len(page.rows) == 25
        email = session.execute(select(Member.email).order_by(Member.id).limit(1)).scalar_one()
        found = list_payments(session, actor=SYSTEM, flt=PaymentFilter(search=email), page=PageRequest(1, 50))
        member_id = session.execute(select(Member.id).where(Member.email == email)).scalar_one()
        assert {r.member_id for r in found.rows} <= {member_id}
        assert found.total == len(member_billing(session, actor=SYSTEM, member_id=member_id).payments)
        awaiting = list_refunds(session, actor=SYSTEM, awaiting_my_approval=True, page=PageRequest(1, 50))
        assert (
            awaiting.total
            == session.execute(select(func.count()).where(Refund.status == "awaiting_approval")).scalar_one()
        )
    seed_scale(members=100, areas=("billing",))
    with session_scope() as session:
        assert _count(session, Subscription) == 400 and _count(session, Payment) == 800
        assert _count(session, Refund) == 40 and _count(session, Plan) == 5
        _consistent(session)
        # the sequences are past the explicit ids: an ordinary insert gets the next id
        top = session.execute(select(func.max(Payment.id))).scalar_one()
        payment = Payment(member_id=member_id, kind="credits", amount_cents=499, status="succeeded")
        session.add(payment)
        session.flush()
        assert payment.id == top + 1


def test_billing_needs_members(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["seed", "--scale", "--areas", "billing", "--members", "10"]) == 2
    err = capsys.readouterr().err
    assert "needs members" in err
    with session_scope() as session:
        assert _count(session, Subscription) == 0
