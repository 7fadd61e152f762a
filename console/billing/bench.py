"""`bench` entries billing.*: the payments list (first, 100th and last page, filtered by status, searched by a
member's e-mail, by its part before the @ and by a Stripe charge id), refunds awaiting my approval, the member 360's
billing (goal p95 150 ms each), and a refund decision without Stripe (request above the threshold + the second
person's approval, goal 50 ms), each through the service the page calls. Decisions run in transactions that are
rolled back, so every run sees the same data. Needs only `seed --scale --areas members,billing`."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from console.bench_common import BENCH_EMAIL, page_timer, summary, time_sync

PAGE_GOAL_MS = 150
DECISION_GOAL_MS = 50
SIZE = 25


def _actors() -> tuple[Any, Any]:
    """The bench administrator (reads, approves) and a bench finance member (requests)."""
    from sqlalchemy import select

    from console.actor import SYSTEM
    from console.db import session_scope
    from console.staff import service
    from console.staff.auth import staff_actor
    from console.staff.models import Staff

    email = "bench-finance@console.example"
    with session_scope() as session:
        admin = session.execute(select(Staff).where(Staff.email == BENCH_EMAIL)).scalar_one()
        finance = session.execute(select(Staff).where(Staff.email == email)).scalar_one_or_none()
        if finance is None:
            finance, _ = service.create_staff(
                session, actor=SYSTEM, email=email, name="Bench Finance", roles=["finance"], must_change_password=False
            )
        return staff_actor(admin), staff_actor(finance)


def _probes() -> dict[str, Any]:
    """A member in the middle of the data with a few payments, a charge id, a large unrefunded payment."""
    from sqlalchemy import func, select

    from console.billing.models import Payment, Refund
    from console.config import get_settings
    from console.db import session_scope
    from console.members.models import Member

    with session_scope() as session:
        low, high = session.execute(select(func.min(Payment.id), func.max(Payment.id))).one()
        middle = session.execute(
            select(Payment).where(Payment.id >= (low + high) // 2, Payment.charge_id.is_not(None)).limit(1)
        ).scalar_one()
        email = session.execute(select(Member.email).where(Member.id == middle.member_id)).scalar_one()
        refunded = select(Refund.id).where(Refund.payment_id == Payment.id).exists()
        large = session.execute(
            select(Payment.id)
            .where(
                Payment.status == "succeeded",
                Payment.provider == "stripe",
                Payment.amount_cents > get_settings().refund_approval_cents,
                ~refunded,
            )
            .order_by(Payment.status, Payment.created_at.desc(), Payment.id.desc())
            .limit(1)
        ).scalar_one_or_none()
    return {"member_id": middle.member_id, "email": email, "charge_id": middle.charge_id, "large": large}


def _pages(runs: int, actor: Any, probe: dict[str, Any]) -> list[dict[str, Any]]:
    from console.billing.service.queries import PaymentFilter, list_payments, list_refunds, member_billing
    from console.db import session_scope
    from console.paging import PageRequest

    def payments(flt: PaymentFilter, number: int) -> Callable[[], Any]:
        def list_page(request: PageRequest) -> Any:
            with session_scope() as session:
                return list_payments(session, actor=actor, flt=flt, page=request)

        return page_timer(list_page, number, SIZE)

    def awaiting() -> Any:
        with session_scope() as session:
            return list_refunds(session, actor=actor, awaiting_my_approval=True, page=PageRequest(1, SIZE))

    def member_360() -> Any:
        with session_scope() as session:
            return member_billing(session, actor=actor, member_id=probe["member_id"])

    everything, failed = PaymentFilter(), PaymentFilter(status="failed")
    cases = {
        "billing.payments_page_1": payments(everything, 1),
        "billing.payments_page_100": payments(everything, 100),
        "billing.payments_page_last": payments(everything, -1),
        "billing.payments_failed": payments(failed, 1),
        "billing.payments_failed_page_last": payments(failed, -1),
        "billing.search_email": payments(PaymentFilter(search=probe["email"]), 1),
        "billing.search_email_start": payments(PaymentFilter(search=probe["email"].split("@")[0]), 1),
        "billing.search_charge_id": payments(PaymentFilter(search=probe["charge_id"]), 1),
        "billing.refunds_awaiting_me": awaiting,
        "billing.member_360": member_360,
    }
    return [summary(name, time_sync(runs, fn), PAGE_GOAL_MS) for name, fn in cases.items()]


def _decision(runs: int, requester: Any, approver: Any, payment_id: int) -> list[dict[str, Any]]:
    """Request a refund above the threshold and approve it as the second person: both service calls, flushed, in
    one transaction that is rolled back (Stripe is called later by submit_refund, not measured here)."""
    from console.billing.models import Payment
    from console.billing.service.refunds import approve_refund, request_refund
    from console.db import session_scope

    request, approve, both = [], [], []
    for _ in range(runs + 1):  # the first is a warm-up
        with session_scope() as session:
            amount = session.get(Payment, payment_id).amount_cents  # type: ignore[union-attr]
            session.rollback()  # not part of the timing: a fresh transaction, as a click handler has
            started = time.perf_counter()
            refund = request_refund(
                session,
                actor=requester,
                payment_id=payment_id,
                amount_cents=amount,
                reason="requested_by_customer",
                idempotency_key=str(uuid.uuid4()),
            )
            session.flush()
            middle = time.perf_counter()
            assert refund.status == "awaiting_approval"
            approved = approve_refund(session, actor=approver, refund_id=refund.id, version=refund.version)
            session.flush()
            done = time.perf_counter()
            assert approved.status == "approved"
            session.rollback()
        request.append((middle - started) * 1000)
        approve.append((done - middle) * 1000)
        both.append((done - started) * 1000)
    return [
        summary("billing.refund_request", request[1:], DECISION_GOAL_MS),
        summary("billing.refund_approve", approve[1:], DECISION_GOAL_MS),
        summary("billing.refund_decision", both[1:], DECISION_GOAL_MS),
    ]


def billing_measurements(runs: int) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from console.billing.models import Payment
    from console.db import session_scope

    with session_scope() as session:
        if session.execute(select(Payment.id).limit(1)).first() is None:
            return []
    admin, finance = _actors()
    probe = _probes()
    results = _pages(runs, admin, probe)
    if probe["large"] is not None:
        results += _decision(runs, finance, admin, probe["large"])
    return results
