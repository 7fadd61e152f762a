"""The billing bench runs every measurement (payments pages, searches, refunds awaiting me, the member 360, the
refund request + second approval) on a tiny dataset, and leaves no refund behind (decisions rolled back). No
Stripe call: the bench stops before submit_refund (the sandbox gateway is in place, see conftest)."""

from __future__ import annotations

from typing import Any

from console.bench import _bench_account
from console.billing.bench import billing_measurements
from tests.billing.factories import all_refunds, member, payment

RUNS = 2
PAGES = {
    "billing.payments_page_1",
    "billing.payments_page_100",
    "billing.payments_page_last",
    "billing.payments_failed",
    "billing.payments_failed_page_last",
    "billing.search_email",
    "billing.search_email_start",
    "billing.search_charge_id",
    "billing.refunds_awaiting_me",
    "billing.member_360",
}
DECISIONS = {"billing.refund_request", "billing.refund_approve", "billing.refund_decision"}


def _check(results: list[dict[str, Any]], expected: set[str]) -> None:
    names = [r["name"] for r in results]
    assert sorted(names) == sorted(expected)  # each exactly once
    for result in results:
        assert result["n"] == RUNS, result["name"]
        assert 0 <= result["p50_ms"] <= result["p95_ms"], result["name"]
        assert not [key for key in result if "error" in key], result["name"]


def test_bench_measures_the_pages_and_a_refund_decision() -> None:
    assert billing_measurements(RUNS) == []  # no payments: nothing to measure, and no error
    _bench_account()
    payer, other = member(), member()
    payment(payer, amount_cents=12_000)  # above the approval threshold, unrefunded: the decision's payment
    payment(payer, amount_cents=1_500, status="failed", charge_id=None)
    payment(other, amount_cents=900)
    payment(other, amount_cents=2_500, status="failed", charge_id=None)
    _check(billing_measurements(RUNS), PAGES | DECISIONS)
    assert all_refunds() == []  # every request and approval was rolled back


def test_without_a_large_payment_the_bench_measures_the_pages_only() -> None:
    _bench_account()
    payment(member(), amount_cents=900)
    _check(billing_measurements(RUNS), PAGES)
