"""Every role and every refund action, in the service: allowed exactly when the permission matrix grants it; a refusal
is Forbidden, changes nothing and writes no audit event."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from console.actor import Actor
from console.billing.service.refunds import (
    approve_refund,
    reconcile_refunds,
    refund_preview,
    reject_refund,
    request_refund,
    submit_refund,
)
from console.db import session_scope
from console.errors import Forbidden
from console.staff.permissions import MATRIX, Permission, Role
from tests.billing import factories as f


def _big_refund(requester: Actor) -> tuple[int, int]:
    pay = f.payment(amount_cents=9_000)
    with session_scope() as session:
        refund = request_refund(
            session,
            actor=requester,
            payment_id=pay,
            amount_cents=9_000,
            reason="goodwill",
            idempotency_key=f.key(),
        )
        return refund.id, refund.version


def _small_refund(requester: Actor) -> int:
    pay = f.payment()
    with session_scope() as session:
        return request_refund(
            session, actor=requester, payment_id=pay, amount_cents=500, reason="goodwill", idempotency_key=f.key()
        ).id


def _preview(actor: Actor, requester: Actor) -> str:
    pay = f.payment()
    with session_scope() as session:
        return str(refund_preview(session, actor=actor, payment_id=pay).refundable_cents)


def _request(actor: Actor, requester: Actor) -> str:
    return str(_small_refund(actor))


def _approve(actor: Actor, requester: Actor) -> str:
    refund_id, version = _big_refund(requester)
    with session_scope() as session:
        return approve_refund(session, actor=actor, refund_id=refund_id, version=version).status


def _reject(actor: Actor, requester: Actor) -> str:
    refund_id, version = _big_refund(requester)
    with session_scope() as session:
        return reject_refund(session, actor=actor, refund_id=refund_id, version=version, note="no").status


def _submit(actor: Actor, requester: Actor) -> str:
    return submit_refund(actor=actor, refund_id=_small_refund(requester)).status


def _reconcile(actor: Actor, requester: Actor) -> str:
    return str(reconcile_refunds(actor=actor).checked)


ACTIONS: dict[str, tuple[Callable[[Actor, Actor], str], Permission]] = {
    "preview": (_preview, Permission.BILLING_READ),
    "request": (_request, Permission.BILLING_REFUND),
    "approve": (_approve, Permission.BILLING_APPROVE),
    "reject": (_reject, Permission.BILLING_APPROVE),
    "submit": (_submit, Permission.BILLING_REFUND),
    "reconcile": (_reconcile, Permission.BILLING_REFUND),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", list(Role))
def test_role_action(role: Role, action: str, actor_with) -> None:
    run, permission = ACTIONS[action]
    requester = actor_with("finance")
    actor = actor_with(role.value)
    allowed = permission in MATRIX[role]
    if allowed:
        assert run(actor, requester)
        return
    with pytest.raises(Forbidden, match=permission.value):
        run(actor, requester)
    assert f.audit_by(actor.label) == 0
    assert f.audit_count("refund.approve") + f.audit_count("refund.reject") + f.audit_count("refund.submit") == 0
    assert all(r.status in ("approved", "awaiting_approval") for r in f.all_refunds())


def test_matrix_grants_refunds_to_finance_and_admin_only() -> None:
    for permission in (Permission.BILLING_REFUND, Permission.BILLING_APPROVE):
        assert {r for r in Role if permission in MATRIX[r]} == {Role.FINANCE, Role.ADMIN}
    assert Role.EXECUTIVE in {r for r in Role if Permission.BILLING_READ in MATRIX[r]}
