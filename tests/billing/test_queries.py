"""Reading billing: the payments list (filters, search by e-mail prefix or Stripe id, paging both ways), refunds with
"awaiting my approval", payouts, a member's billing, and who may read (finance, executives, admins; not
moderators)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from console.actor import SYSTEM, Actor
from console.billing.models import CreditLedgerEntry, Payment, Payout, Plan, Refund, Subscription
from console.billing.service import queries
from console.billing.service.queries import (
    PaymentFilter,
    list_payments,
    list_payouts,
    list_refunds,
    member_billing,
)
from console.db import session_scope
from console.errors import Forbidden, NotFound, ValidationFailed
from console.members.service import create_member
from console.paging import PageRequest
from console.staff.models import Staff
from tests.catalog.factories import make_performer

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _member(email: str) -> int:
    with session_scope() as session:
        local = email.split("@")[0].replace("+", ".").replace("%", "p")[:20]
        username = "".join(ch for ch in local if ch.isalnum() or ch in "._") or "member"
        return create_member(session, actor=SYSTEM, email=email, username=username, display_name=local).id


def _payment(member_id: int, n: int, **values: Any) -> int:
    data: dict[str, Any] = {
        "kind": "subscription",
        "amount_cents": 999,
        "status": "succeeded",
        "created_at": T0 + timedelta(minutes=n),
        "payment_intent_id": f"pi_test{member_id}x{n}",
        "charge_id": f"ch_test{member_id}x{n}",
        "invoice_id": f"in_test{member_id}x{n}",
    }
    data.update(values)
    with session_scope() as session:
        payment = Payment(member_id=member_id, **data)
        session.add(payment)
        session.flush()
        return payment.id


def _refund(payment_id: int, n: int, status: str, requested_by: int | None, **values: Any) -> int:
    with session_scope() as session:
        refund = Refund(
            payment_id=payment_id,
            amount_cents=values.pop("amount_cents", 500),
            currency="USD",
            reason="requested_by_customer",
            status=status,
            requested_by_id=requested_by,
            requested_by_label=values.pop("label", "someone"),
            idempotency_key=f"key-{payment_id}-{n}",
            created_at=T0 + timedelta(hours=n),
            **values,
        )
        session.add(refund)
        session.flush()
        return refund.id


@pytest.fixture
def finance(actor_with: Callable[..., Actor]) -> Actor:
    return actor_with("finance")


@pytest.fixture
def people() -> dict[str, int]:
    """Three members with payments: alice 5, alina 3, bob 4 (ids in creation order, one minute apart)."""
    ids = {name: _member(f"{name}@example.com") for name in ("alice", "alina", "bob")}
    n = 0
    for name, count in (("alice", 5), ("alina", 3), ("bob", 4)):
        for _ in range(count):
            n += 1
            _payment(ids[name], n, kind="tip" if n % 4 == 0 else "subscription", **_tip(n))
    return ids


def _tip(n: int) -> dict[str, Any]:
    if n % 4:
        return {"status": "failed" if n % 3 == 0 else "succeeded"}
    return {"creator_id": make_performer(), "platform_fee_cents": 200, "net_cents": 799}


def _emails(page: Any) -> list[str]:
    return [row.member_email for row in page.rows]


def test_payments_newest_first_with_member_emails(finance: Actor, people: dict[str, int]) -> None:
    with session_scope() as session:
        page = list_payments(session, actor=finance, flt=PaymentFilter(), page=PageRequest(1, 5))
    assert page.total == 12 and not page.estimated and page.last_page == 3
    assert [r.created_at for r in page.rows] == sorted((r.created_at for r in page.rows), reverse=True)
    assert _emails(page) == ["bob@example.com"] * 4 + ["alina@example.com"]
    row = page.rows[0]
    assert (row.amount_cents, row.currency, row.provider) == (999, "USD", "stripe")
    assert row.payment_intent_id and row.payment_intent_id.startswith("pi_test")


def test_paging_forward_and_backward_agree(finance: Actor, people: dict[str, int]) -> None:
    """Pages past the middle are read from the end: together the pages are the whole list, once each."""
    with session_scope() as session:
        everything = list_payments(session, actor=finance, flt=PaymentFilter(), page=PageRequest(1, 50)).rows
        pages = [
            list_payments(session, actor=finance, flt=PaymentFilter(), page=PageRequest(n, 5)).rows for n in (1, 2, 3)
        ]
        oldest = list_payments(
            session, actor=finance, flt=PaymentFilter(), page=PageRequest(1, 5, "created_at", False)
        ).rows
    assert [r.id for page in pages for r in page] == [r.id for r in everything]
    assert len(pages[2]) == 2
    assert [r.id for r in oldest] == [r.id for r in reversed(everything)][:5]


def test_filters_by_status_and_kind(finance: Actor, people: dict[str, int]) -> None:
    with session_scope() as session:
        failed = list_payments(session, actor=finance, flt=PaymentFilter(status="failed"), page=PageRequest(1, 50))
        tips = list_payments(session, actor=finance, flt=PaymentFilter(kind="tip"), page=PageRequest(1, 50))
        both = list_payments(
            session, actor=finance, flt=PaymentFilter(status="succeeded", kind="tip"), page=PageRequest(1, 50)
        )
    assert failed.total == len(failed.rows) > 0 and {r.status for r in failed.rows} == {"failed"}
    assert tips.total == 3 and {r.kind for r in tips.rows} == {"tip"}
    assert both.total == 3
    with session_scope() as session, pytest.raises(ValidationFailed) as caught:
        list_payments(session, actor=finance, flt=PaymentFilter(status="lost", kind="gift"), page=PageRequest())
    assert set(caught.value.errors) == {"status", "kind"}


def test_search_by_email_prefix(finance: Actor, people: dict[str, int]) -> None:
    def search(term: str) -> set[str]:
        with session_scope() as session:
            page = list_payments(session, actor=finance, flt=PaymentFilter(search=term), page=PageRequest(1, 50))
            assert page.total == len(page.rows)
            return set(_emails(page))

    assert search("alice@example.com") == {"alice@example.com"}
    assert search("ali") == {"alice@example.com", "alina@example.com"}
    assert search("  ALI  ") == {"alice@example.com", "alina@example.com"}  # e-mails are stored lower-cased
    assert search("b") == {"bob@example.com"}
    assert search("carol") == set()
    assert search("%") == set() and search("_lice") == set()  # LIKE wildcards are plain characters
    assert search("example.com") == set()  # a prefix, not a substring


def test_a_prefix_matching_too_many_members_asks_for_more(
    finance: Actor, people: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past MEMBER_IDS_INLINE matching members the search is refused (it would mix thousands of people)."""
    monkeypatch.setattr(queries, "MEMBER_IDS_INLINE", 1)
    with session_scope() as session, pytest.raises(ValidationFailed) as caught:
        list_payments(session, actor=finance, flt=PaymentFilter(search="al"), page=PageRequest(1, 50))
    assert str(caught.value) == "Search needs more of the e-mail: it matches more than 1 members"
    with session_scope() as session:  # one match is still fine
        page = list_payments(session, actor=finance, flt=PaymentFilter(search="alic"), page=PageRequest(1, 50))
    assert set(_emails(page)) == {"alice@example.com"}


def test_search_by_stripe_id_is_exact(finance: Actor, people: dict[str, int]) -> None:
    bob = people["bob"]
    with session_scope() as session:
        target = next(
            p
            for p in list_payments(session, actor=finance, flt=PaymentFilter(), page=PageRequest(1, 50)).rows
            if p.member_id == bob
        )
    assert target.payment_intent_id and target.charge_id and target.invoice_id
    for term in (target.payment_intent_id, target.charge_id, target.invoice_id):
        with session_scope() as session:
            page = list_payments(session, actor=finance, flt=PaymentFilter(search=term), page=PageRequest())
        assert [r.id for r in page.rows] == [target.id], term
    with session_scope() as session:
        prefix = list_payments(
            session, actor=finance, flt=PaymentFilter(search=target.charge_id[:-1]), page=PageRequest()
        )
        other_case = list_payments(
            session, actor=finance, flt=PaymentFilter(search=target.charge_id.upper()), page=PageRequest()
        )
    assert prefix.rows == [] and other_case.rows == []


@pytest.mark.parametrize("term", ["a" * 255, "bob\u202e", "bo\x00b"])
def test_bad_search_is_refused(finance: Actor, people: dict[str, int], term: str) -> None:
    with session_scope() as session, pytest.raises(ValidationFailed) as caught:
        list_payments(session, actor=finance, flt=PaymentFilter(search=term), page=PageRequest())
    assert set(caught.value.errors) == {"search"}


def test_awaiting_my_approval_excludes_my_own(
    finance: Actor, actor_with: Callable[..., Actor], people: dict[str, int]
) -> None:
    colleague = actor_with("finance")
    payment = _payment(people["bob"], 100, amount_cents=90_000)
    mine = _refund(payment, 1, "awaiting_approval", finance.staff_id, amount_cents=6000, label=finance.label)
    theirs = _refund(payment, 2, "awaiting_approval", colleague.staff_id, amount_cents=7000, label=colleague.label)
    nobodys = _refund(payment, 3, "awaiting_approval", None, amount_cents=8000, label="system")
    _refund(payment, 4, "succeeded", colleague.staff_id, approved_by_id=finance.staff_id, amount_cents=9000)

    def ids(actor: Actor, **kwargs: Any) -> list[int]:
        with session_scope() as session:
            page = list_refunds(session, actor=actor, page=PageRequest(1, 50), **kwargs)
            assert page.total == len(page.rows)
            return [r.id for r in page.rows]

    assert ids(finance, awaiting_my_approval=True) == [nobodys, theirs]
    assert ids(colleague, awaiting_my_approval=True) == [nobodys, mine]
    assert ids(finance, status="awaiting_approval") == [nobodys, theirs, mine]
    assert len(ids(finance)) == 4
    with session_scope() as session:
        rows = list_refunds(session, actor=finance, status="succeeded", page=PageRequest()).rows
    assert len(rows) == 1
    row = rows[0]
    assert (row.member_id, row.member_email, row.payment_id) == (people["bob"], "bob@example.com", payment)
    with session_scope() as session:
        names = {i: session.get(Staff, i).name for i in (finance.staff_id, colleague.staff_id)}  # type: ignore[union-attr]
    # staff by name, as every page names them (the stored label is the e-mail)
    assert row.approved_by_label == names[finance.staff_id] != finance.label
    assert row.requested_by_label == names[colleague.staff_id] and row.requested_by_id == colleague.staff_id
    with session_scope() as session, pytest.raises(ValidationFailed):
        list_refunds(session, actor=finance, status="lost", page=PageRequest())


def test_payments_say_what_is_being_refunded(finance: Actor, people: dict[str, int]) -> None:
    """The list said "$250.00 · Succeeded", nothing refunded, while the refund dialog said "being refunded
    $187.50": refunds awaiting approval or at Stripe are summed per payment; succeeded and void ones are not."""
    busy = _payment(people["bob"], 300, amount_cents=25_000)
    quiet = _payment(people["bob"], 301, amount_cents=5_000)
    _refund(busy, 1, "awaiting_approval", finance.staff_id, amount_cents=18_750)
    _refund(busy, 2, "pending", finance.staff_id, amount_cents=1_000)
    _refund(busy, 3, "succeeded", finance.staff_id, amount_cents=500)
    for n, void in enumerate(("failed", "canceled", "rejected"), start=4):
        _refund(busy, n, void, finance.staff_id, amount_cents=700)
    _refund(quiet, 9, "succeeded", finance.staff_id, amount_cents=5_000)
    with session_scope() as session:
        rows = list_payments(session, actor=finance, flt=PaymentFilter(), page=PageRequest(1, 50)).rows
    being = {r.id: r.being_refunded_cents for r in rows}
    assert being[busy] == 19_750 and being[quiet] == 0


def test_payouts_soonest_first(finance: Actor) -> None:
    creator = make_performer("Mia Fox")
    with session_scope() as session:
        for n, status in enumerate(("pending", "held", "approved", "paid")):
            session.add(
                Payout(
                    creator_id=creator,
                    amount_cents=1000 * (n + 1),
                    status=status,
                    scheduled_for=date(2026, 7, 10) - timedelta(days=n),
                    tip_count=n + 1,
                    hold_reason="Tax form missing" if status == "held" else None,
                )
            )
    with session_scope() as session:
        page = list_payouts(session, actor=finance, page=PageRequest(1, 10))
        held = list_payouts(session, actor=finance, status="held", page=PageRequest(1, 10))
    assert [r.status for r in page.rows] == ["paid", "approved", "held", "pending"]
    assert {r.creator_name for r in page.rows} == {"Mia Fox"}
    assert [(r.status, r.hold_reason, r.tip_count) for r in held.rows] == [("held", "Tax form missing", 2)]
    with session_scope() as session, pytest.raises(ValidationFailed):
        list_payouts(session, actor=finance, status="gone", page=PageRequest())


def test_member_billing(finance: Actor, people: dict[str, int], actor_with: Callable[..., Actor]) -> None:
    alice = people["alice"]
    with session_scope() as session:
        plan = Plan(code="premium", name="Premium", price_cents=1499, features=["4K"])
        session.add(plan)
        session.flush()
        session.add(
            Subscription(
                member_id=alice,
                plan_id=plan.id,
                provider="stripe",
                provider_subscription_id="sub_alice",
                status="active",
                current_period_start=T0,
                current_period_end=T0 + timedelta(days=30),
            )
        )
        for kind, amount, balance in (("purchase", 100, 100), ("usage", -30, 70), ("bonus", 5, 75)):
            session.add(
                CreditLedgerEntry(member_id=alice, kind=kind, amount=amount, balance_after=balance, created_at=T0)
            )
            session.flush()  # ids in this order
    first = _payment(alice, 1000)
    for n in range(54):  # 60 in all with the fixture's 5 and `first`
        _payment(alice, 1001 + n)
    newest_refund = _refund(first, 1, "succeeded", finance.staff_id)
    _refund(_payment(people["bob"], 2000), 2, "succeeded", finance.staff_id)  # someone else's
    with session_scope() as session:
        billing = member_billing(session, actor=finance, member_id=alice)
    assert billing.member_id == alice
    assert [(s.plan_name, s.plan_code, s.status) for s in billing.subscriptions] == [("Premium", "premium", "active")]
    assert len(billing.payments) == 50 and billing.more_payments
    assert billing.payments[0].created_at == T0 + timedelta(minutes=1054)
    assert {p.member_email for p in billing.payments} == {"alice@example.com"}
    # `first` is older than the latest 50: its refund is not among them
    assert first not in {p.id for p in billing.payments} and billing.refunds == []
    assert [e.kind for e in billing.ledger] == ["bonus", "usage", "purchase"] and billing.credit_balance == 75
    assert not billing.more_ledger and newest_refund
    with session_scope() as session:
        bob = member_billing(session, actor=actor_with("executive"), member_id=people["bob"])
    assert len(bob.refunds) == 1 and bob.refunds[0].member_email == "bob@example.com" and bob.credit_balance == 0
    for missing in (999_999, 2**70, 0):
        with session_scope() as session, pytest.raises(NotFound):
            member_billing(session, actor=finance, member_id=missing)


def test_roles(actor_with: Callable[..., Actor], people: dict[str, int]) -> None:
    """Finance, executives and admins read; the executive cannot approve, so nothing awaits their approval."""
    payment = _payment(people["bob"], 300, amount_cents=90_000)
    _refund(payment, 1, "awaiting_approval", None, amount_cents=6000)
    for role in ("finance", "executive", "admin"):
        actor = actor_with(role)
        with session_scope() as session:
            assert list_payments(session, actor=actor, flt=PaymentFilter(), page=PageRequest()).total == 13
            assert list_refunds(session, actor=actor, page=PageRequest()).total == 1
            awaiting = list_refunds(session, actor=actor, awaiting_my_approval=True, page=PageRequest()).total
            assert awaiting == (0 if role == "executive" else 1)
            assert list_payouts(session, actor=actor, page=PageRequest()).total == 0
            assert member_billing(session, actor=actor, member_id=people["bob"]).member_id == people["bob"]
    for role in ("moderator", "content", "compliance", "ads"):
        _refused(actor_with(role), people["bob"])


def _refused(actor: Actor, member_id: int) -> None:
    calls: list[Callable[[Any], Any]] = [
        lambda s: list_payments(s, actor=actor, flt=PaymentFilter(), page=PageRequest()),
        lambda s: list_refunds(s, actor=actor, page=PageRequest()),
        lambda s: list_refunds(s, actor=actor, awaiting_my_approval=True, page=PageRequest()),
        lambda s: list_payouts(s, actor=actor, page=PageRequest()),
        lambda s: member_billing(s, actor=actor, member_id=member_id),
    ]
    for call in calls:
        with session_scope() as session, pytest.raises(Forbidden):
            call(session)
