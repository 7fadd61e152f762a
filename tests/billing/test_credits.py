"""Goodwill credits: a positive bonus with a reason, the balance after it right under concurrent grants (threads),
hostile reasons kept as text, bad amounts refused, every role."""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from console.actor import Actor
from console.audit.models import AuditEvent
from console.billing.models import CreditLedgerEntry
from console.billing.service.credits import BALANCE_MAX, GRANT_MAX, credit_balance, grant_credits
from console.db import session_scope, utcnow
from console.errors import Forbidden, NotFound, RuleViolation, ValidationFailed
from console.members.models import Member
from console.staff.permissions import Role
from tests.billing.sub_factories import member
from tests.billing.test_subscriptions import HOSTILE


@pytest.fixture
def finance(actor_with: Callable[..., Actor]) -> Actor:
    return actor_with("finance")


def grant(actor: Actor, member_id: int, amount: Any, reason: Any = "goodwill for the outage") -> CreditLedgerEntry:
    with session_scope() as session:
        return grant_credits(session, actor=actor, member_id=member_id, amount=amount, reason=reason)


def balance(actor: Actor, member_id: int) -> int:
    with session_scope() as session:
        return credit_balance(session, actor=actor, member_id=member_id)


def ledger(member_id: int) -> list[CreditLedgerEntry]:
    with session_scope() as session:
        return list(
            session.execute(
                select(CreditLedgerEntry).where(CreditLedgerEntry.member_id == member_id).order_by(CreditLedgerEntry.id)
            ).scalars()
        )


def test_a_grant_adds_to_the_balance_and_is_audited(finance: Actor) -> None:
    m = member()
    assert balance(finance, m) == 0
    first = grant(finance, m, 50)
    second = grant(finance, m, 25, "second apology")
    assert (first.kind, first.amount, first.balance_after, first.created_by_id) == ("bonus", 50, 50, finance.staff_id)
    assert second.balance_after == 75 and balance(finance, m) == 75
    with session_scope() as session:
        rows = (
            session.execute(select(AuditEvent).where(AuditEvent.action == "credits.grant").order_by(AuditEvent.id))
            .scalars()
            .all()
        )
        assert [(r.entity_id, r.before, r.reason) for r in rows] == [
            (str(m), {"balance": 0}, "goodwill for the outage"),
            (str(m), {"balance": 50}, "second apology"),
        ]
        assert rows[1].after == {"balance": 75, "amount": 25, "ledger_entry_id": second.id}


def test_the_balance_follows_other_ledger_entries(finance: Actor) -> None:
    m = member()
    with session_scope() as session:
        session.add(CreditLedgerEntry(member_id=m, kind="purchase", amount=100, balance_after=100, created_at=utcnow()))
    with session_scope() as session:
        session.add(CreditLedgerEntry(member_id=m, kind="usage", amount=-30, balance_after=70, created_at=utcnow()))
    assert grant(finance, m, 5).balance_after == 75


@pytest.mark.parametrize(
    "amount", [0, -1, -(10**6), GRANT_MAX + 1, 10**12, 2**63, True, False, "10", 1.5, float("nan"), None, [5]]
)
def test_bad_amounts_are_refused(finance: Actor, amount: Any) -> None:
    m = member()
    with pytest.raises(ValidationFailed) as caught:
        grant(finance, m, amount)
    assert "amount" in caught.value.errors
    assert ledger(m) == []


def test_the_balance_cannot_overflow(finance: Actor) -> None:
    m = member()
    with session_scope() as session:
        session.add(
            CreditLedgerEntry(member_id=m, kind="purchase", amount=BALANCE_MAX, balance_after=BALANCE_MAX,
                              created_at=utcnow())
        )  # fmt: skip
    with pytest.raises(ValidationFailed, match="over"):
        grant(finance, m, GRANT_MAX)
    assert len(ledger(m)) == 1


@pytest.mark.parametrize("reason", ["", "   ", None, "tab\tok but bell\x07", "x" * 1001, "\x00"])
def test_a_reason_is_required_and_clean(finance: Actor, reason: Any) -> None:
    m = member()
    with pytest.raises(ValidationFailed) as caught:
        grant(finance, m, 10, reason)
    assert "reason" in caught.value.errors
    assert ledger(m) == []


@pytest.mark.parametrize("reason", HOSTILE)
def test_hostile_reasons_are_kept_as_text(finance: Actor, reason: str) -> None:
    m = member()
    entry = grant(finance, m, 1, reason)
    assert entry.reason == unicodedata.normalize("NFC", reason.strip())


def test_missing_and_deleted_members(finance: Actor) -> None:
    with pytest.raises(NotFound):
        grant(finance, 424242, 10)
    with pytest.raises(NotFound):
        balance(finance, 424242)
    m = member()
    with session_scope() as session:
        row = session.get(Member, m)
        assert row is not None
        row.status, row.deleted_at = "deleted", utcnow()
    with pytest.raises(RuleViolation, match="deleted"):
        grant(finance, m, 10)


def test_concurrent_grants_keep_every_balance_right(finance: Actor) -> None:
    m = member()
    amounts = [n % 7 + 1 for n in range(40)]
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def worker(mine: list[int]) -> None:
        try:
            start.wait()
            for amount in mine:
                grant(finance, m, amount, f"thread grant {amount}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(amounts[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    entries = ledger(m)
    assert len(entries) == len(amounts)
    running = 0
    for entry in entries:  # in commit order, each balance is the one before plus its amount
        running += entry.amount
        assert entry.balance_after == running
    assert balance(finance, m) == sum(amounts)


@pytest.mark.parametrize("role", list(Role))
def test_every_role(role: Role, actor_with: Callable[..., Actor]) -> None:
    actor = actor_with(role.value)
    m = member()
    if role in (Role.FINANCE, Role.ADMIN):
        assert grant(actor, m, 3).balance_after == 3
    else:
        with pytest.raises(Forbidden):
            grant(actor, m, 3)
        assert ledger(m) == []
    if role in (Role.FINANCE, Role.ADMIN, Role.EXECUTIVE):
        assert balance(actor, m) in (0, 3)
    else:
        with pytest.raises(Forbidden):
            balance(actor, m)
