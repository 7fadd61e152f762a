"""Payouts: approve (pending), hold with a reason (pending/approved), release (held -> pending); version checks,
refused transitions, audit, every role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from console.actor import Actor
from console.audit.models import AuditEvent
from console.billing.models import Payout
from console.billing.service.payouts import approve_payout, hold_payout, release_payout
from console.db import session_scope
from console.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from console.staff.permissions import Role
from tests.billing.sub_factories import load, payout
from tests.billing.test_subscriptions import HOSTILE
from tests.conftest import staff_name


@pytest.fixture
def finance(actor_with: Callable[..., Actor]) -> Actor:
    return actor_with("finance")


def approve(actor: Actor, payout_id: int, version: int = 1) -> Payout:
    with session_scope() as session:
        return approve_payout(session, actor=actor, payout_id=payout_id, version=version)


def hold(actor: Actor, payout_id: int, version: int = 1, reason: Any = "tips under review") -> Payout:
    with session_scope() as session:
        return hold_payout(session, actor=actor, payout_id=payout_id, version=version, reason=reason)


def release(actor: Actor, payout_id: int, version: int = 1, reason: Any = "chargeback won") -> Payout:
    with session_scope() as session:
        return release_payout(session, actor=actor, payout_id=payout_id, version=version, reason=reason)


def actions(payout_id: int) -> list[str]:
    with session_scope() as session:
        return list(
            session.execute(
                select(AuditEvent.action)
                .where(AuditEvent.entity == "payout", AuditEvent.entity_id == str(payout_id))
                .order_by(AuditEvent.id)
            ).scalars()
        )


def test_approve_hold_release(finance: Actor) -> None:
    p = payout()
    row = approve(finance, p)
    assert (row.status, row.approved_by_id) == ("approved", finance.staff_id) and row.approved_at is not None
    row = hold(finance, p, row.version, "creator's account flagged")
    assert (row.status, row.hold_reason, row.approved_by_id) == ("held", "creator's account flagged", None)
    row = release(finance, p, row.version)
    assert (row.status, row.hold_reason) == ("pending", None)
    row = approve(finance, p, row.version)
    assert row.status == "approved"
    assert actions(p) == ["payout.approve", "payout.hold", "payout.release", "payout.approve"]


@pytest.mark.parametrize("reason", ["", "   ", "a\x00b"])
def test_a_release_needs_a_reason_and_a_refused_one_writes_nothing(finance: Actor, reason: str) -> None:
    p = payout()
    row = hold(finance, p, 1, "chargeback opened")
    with pytest.raises(ValidationFailed):
        release(finance, p, row.version, reason)
    assert actions(p) == ["payout.hold"]


def test_the_release_reason_is_audited(finance: Actor) -> None:
    p = payout()
    row = hold(finance, p, 1, "chargeback opened")
    release(finance, p, row.version, "chargeback won")
    with session_scope() as session:
        event = session.execute(select(AuditEvent).where(AuditEvent.action == "payout.release")).scalar_one()
    assert event.reason == "chargeback won"


@pytest.mark.parametrize(
    ("status", "refused"),
    [
        ("approved", "approve"),
        ("held", "approve"),
        ("paid", "approve"),
        ("processing", "hold"),
        ("paid", "hold"),
        ("failed", "hold"),
        ("held", "hold"),
        ("pending", "release"),
        ("approved", "release"),
        ("paid", "release"),
    ],
)
def test_refused_transitions(finance: Actor, status: str, refused: str) -> None:
    p = payout(status=status, hold_reason="earlier hold" if status == "held" else None)
    do = {"approve": approve, "hold": hold, "release": release}[refused]
    with pytest.raises(RuleViolation, match=status):
        do(finance, p)
    assert load(Payout, p).status == status and actions(p) == []


def test_a_stale_version_is_a_conflict(finance: Actor, actor_with: Callable[..., Actor]) -> None:
    p = payout()
    other = actor_with("finance")
    hold(other, p, 1, "checking tips")
    with pytest.raises(Conflict) as caught:
        approve(finance, p, 1)
    assert caught.value.changed_by == staff_name(other) and "held" in caught.value.message
    assert load(Payout, p).status == "held"


def test_missing_payout(finance: Actor) -> None:
    with pytest.raises(NotFound):
        approve(finance, 9999)


@pytest.mark.parametrize("reason", ["", "  ", None, "x" * 1001, "esc\x1b[31m"])
def test_a_hold_needs_a_clean_reason(finance: Actor, reason: Any) -> None:
    p = payout()
    with pytest.raises(ValidationFailed):
        hold(finance, p, 1, reason)
    assert load(Payout, p).status == "pending"


@pytest.mark.parametrize("reason", HOSTILE[:4])
def test_hostile_hold_reasons_are_kept(finance: Actor, reason: str) -> None:
    p = payout()
    assert hold(finance, p, 1, reason).hold_reason == reason.strip()


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", ["approve", "hold", "release"])
def test_every_role(role: Role, action: str, actor_with: Callable[..., Actor]) -> None:
    actor = actor_with(role.value)
    p = payout(status="held" if action == "release" else "pending", hold_reason="x" if action == "release" else None)
    do = {"approve": approve, "hold": hold, "release": release}[action]
    if role in (Role.FINANCE, Role.ADMIN):
        assert do(actor, p).version == 2
    else:
        with pytest.raises(Forbidden):
            do(actor, p)
        assert load(Payout, p).version == 1 and actions(p) == []
