"""Concurrent refunds, for real: threads, each with its own unit of work, started together. On PostgreSQL the payment
row's FOR UPDATE serialises them; on SQLite the serialised writer (BEGIN IMMEDIATE) must hold the same line."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from console.billing.models import Refund
from console.billing.service.refunds import approve_refund, request_refund, submit_refund
from console.db import session_scope
from console.errors import Conflict, ValidationFailed
from tests.billing import factories as f

THREADS = 20


def _together(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run work(i) in n threads released at the same moment; returns results or the exceptions raised."""
    barrier = threading.Barrier(n)

    def run(i: int) -> Any:
        barrier.wait()
        try:
            return work(i)
        except Exception as exc:  # collected and checked by the test
            return exc

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def _request(actor, payment_id: int, amount: int, key: str) -> Refund:
    with session_scope() as session:
        return request_refund(
            session,
            actor=actor,
            payment_id=payment_id,
            amount_cents=amount,
            reason="requested_by_customer",
            idempotency_key=key,
        )


def test_twenty_concurrent_requests_never_exceed_the_payment(actor_with) -> None:
    staff = [actor_with("finance") for _ in range(4)]
    pay = f.payment(amount_cents=10_000)
    results = _together(THREADS, lambda i: _request(staff[i % 4], pay, 700, f.key()))
    made = [r for r in results if isinstance(r, Refund)]
    refused = [r for r in results if isinstance(r, ValidationFailed)]
    assert len(made) + len(refused) == THREADS, [r for r in results if not isinstance(r, Refund | ValidationFailed)]
    assert len(made) == 14 and sum(r.amount_cents for r in made) == 9_800  # 14 × 7.00 fit in 100.00, a 15th not
    assert all("at most" in r.message for r in refused)
    stored = f.refunds_of(pay)
    assert len(stored) == 14 and sum(r.amount_cents for r in stored) <= 10_000
    assert f.audit_count("refund.request") == 14

    sent = _together(len(made), lambda i: submit_refund(actor=staff[i % 4], refund_id=made[i].id))
    assert all(isinstance(r, Refund) and r.status == "succeeded" for r in sent), sent
    payment = f.get_payment(pay)
    assert (payment.refunded_cents, payment.status) == (9_800, "partially_refunded")
    assert f.audit_count("payment.refund") == 14


def test_concurrent_requests_of_mixed_sizes_fill_the_payment_exactly(actor_with) -> None:
    finance = actor_with("finance")
    pay = f.payment(amount_cents=5_000)
    amounts = [100 * (1 + i % 7) for i in range(THREADS)]  # 1.00 .. 7.00, 80.00 in all: more than paid
    results = _together(THREADS, lambda i: _request(finance, pay, amounts[i], f.key()))
    total = sum(r.amount_cents for r in results if isinstance(r, Refund))
    assert total <= 5_000
    assert sum(r.amount_cents for r in f.refunds_of(pay)) == total
    # every refused request was refused because it no longer fitted, not by an error of the race
    assert all(isinstance(r, Refund | ValidationFailed) for r in results), results


def test_double_click_concurrently_gives_one_refund(actor_with) -> None:
    finance = actor_with("finance")
    pay = f.payment()
    key = f.key()
    results = _together(8, lambda i: _request(finance, pay, 2_500, key))
    assert all(isinstance(r, Refund) for r in results), results
    assert len({r.id for r in results}) == 1
    assert len(f.refunds_of(pay)) == 1 and f.audit_count("refund.request") == 1


def test_two_approvers_at_once_one_wins(actor_with) -> None:
    requester, a, b = actor_with("finance"), actor_with("finance"), actor_with("finance")
    pay = f.payment(amount_cents=9_000)
    refund = _request(requester, pay, 9_000, f.key())

    def approve(i: int) -> Refund:
        with session_scope() as session:
            return approve_refund(session, actor=(a, b)[i], refund_id=refund.id, version=refund.version)

    results = _together(2, approve)
    assert sum(isinstance(r, Refund) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    assert f.audit_count("refund.approve") == 1
