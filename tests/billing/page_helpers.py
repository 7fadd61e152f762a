"""What the billing page tests share: rows made straight in the database (members, plans, subscriptions, payments,
payouts), a refund requested through the service, and signing in as finance or executive staff."""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta
from typing import Any

from nicegui.testing import User
from sqlalchemy import func, select

from console.actor import SYSTEM, Actor
from console.billing.models import Payment, Payout, Plan, Refund, Subscription
from console.billing.service import refunds
from console.db import session_scope, utc_today, utcnow
from console.members.service import create_member
from tests.catalog.factories import make_performer
from tests.ui.helpers import all_marked, is_shown, sign_in_and_wait, wait_until

_seq = itertools.count(1)
FIN_EMAIL = "fiona.finance@test.example"


async def signed_in(user: User, make_staff: Any, *roles: str, email: str = FIN_EMAIL, name: str = "Fiona Fin") -> int:
    staff_id, _ = make_staff(*(roles or ("finance",)), email=email, name=name)
    await sign_in_and_wait(user, email)
    return staff_id


def member(email: str | None = None) -> int:
    n = next(_seq)
    with session_scope() as session:
        return create_member(
            session,
            actor=SYSTEM,
            email=email or f"payer{n}@mail.example",
            username=f"payer{n}",
            display_name=f"Payer {n}",
        ).id


def plan(code: str = "basic", price_cents: int = 999, name: str | None = None) -> int:
    with session_scope() as session:
        row = Plan(
            code=code,
            name=name or code.capitalize(),
            price_cents=price_cents,
            currency="USD",
            interval="month",
            features=[],
            stripe_plan_id=f"plan_{code}",
        )
        session.add(row)
        session.flush()
        return row.id


def subscription(member_id: int, plan_id: int, *, provider: str = "stripe", **values: Any) -> int:
    now = utcnow()
    with session_scope() as session:
        row = Subscription(
            member_id=member_id,
            plan_id=plan_id,
            provider=provider,
            provider_subscription_id=None if provider == "comp" else f"sub_{uuid.uuid4().hex[:14]}",
            status="active",
            current_period_start=now - timedelta(days=10),
            current_period_end=now + timedelta(days=20),
            **values,
        )
        session.add(row)
        session.flush()
        return row.id


def payment(
    member_id: int, amount_cents: int, *, provider: str = "stripe", status: str = "succeeded", **values: Any
) -> int:
    n = next(_seq)
    values.setdefault("kind", "subscription")
    with session_scope() as session:
        row = Payment(
            member_id=member_id,
            provider=provider,
            amount_cents=amount_cents,
            currency="USD",
            status=status,
            charge_id=f"ch_test{n:06d}" if provider == "stripe" else None,
            payment_intent_id=f"pi_test{n:06d}" if provider == "stripe" else None,
            created_at=utcnow() - timedelta(minutes=n),
            **values,
        )
        session.add(row)
        session.flush()
        return row.id


def payout(amount_cents: int = 12_000, *, status: str = "pending", creator: str | None = None) -> int:
    creator_id = make_performer(creator)
    with session_scope() as session:
        row = Payout(
            creator_id=creator_id,
            amount_cents=amount_cents,
            currency="USD",
            status=status,
            scheduled_for=utc_today() + timedelta(days=3),
            tip_count=4,
        )
        session.add(row)
        session.flush()
        return row.id


def request(actor: Actor, payment_id: int, amount_cents: int, reason: str = "requested_by_customer") -> Refund:
    with session_scope() as session:
        return refunds.request_refund(
            session,
            actor=actor,
            payment_id=payment_id,
            amount_cents=amount_cents,
            reason=reason,
            idempotency_key=uuid.uuid4().hex,
        )


def stored(model: Any, row_id: int) -> Any:
    with session_scope() as session:
        row = session.get(model, row_id)
        assert row is not None
        return row


def refund_count(payment_id: int) -> int:
    with session_scope() as session:
        return int(
            session.execute(
                select(func.count()).select_from(Refund).where(Refund.payment_id == payment_id)
            ).scalar_one()
        )


async def choose_row(user: User, row_id: int) -> None:
    """Click the table row with this id (Quasar's row-click), once the table shows it."""
    from tests.ui.helpers import wait_for_rows

    found = await wait_for_rows(user, lambda r: any(x["id"] == row_id for x in r), f"row #{row_id}")
    row = next(r for r in found if r["id"] == row_id)
    user.find(marker="paged-table").trigger("rowClick", [{}, row, 0])


async def wait_text(user: User, marker: str, predicate: Any, what: str | None = None) -> str:
    """Wait for a shown label with `marker` whose text satisfies `predicate`; its text."""

    def found() -> str | None:
        for e in all_marked(user, marker):
            if is_shown(e) and predicate(str(getattr(e, "text", ""))):
                return str(e.text)
        return None

    await wait_until(lambda: found() is not None, what=what or marker)
    text = found()
    assert text is not None
    return text
