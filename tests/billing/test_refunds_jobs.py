"""The reconcile job (only refunds sent long enough ago), its start-up switch, and `run.py billing reconcile`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from console import cli
from console.audit.models import AuditEvent
from console.billing import gateway as gateway_module
from console.billing import jobs
from console.billing.gateway import GatewayRefund, GatewayUnavailable, SandboxGateway
from console.billing.models import Refund
from console.billing.service.refunds import request_refund, submit_refund
from console.config import get_settings
from console.db import session_scope, utcnow
from tests.billing import factories as f


class Down(SandboxGateway):
    def create_refund(self, **kwargs: Any) -> GatewayRefund:
        raise GatewayUnavailable("Stripe could not be reached (test).")

    def list_refunds(self, **kwargs: Any) -> list[GatewayRefund]:
        raise GatewayUnavailable("Stripe could not be reached (test).")


def _stuck(actor, *, seconds_ago: int) -> int:
    pay = f.payment(amount_cents=2_000)
    with session_scope() as session:
        refund_id = request_refund(
            session, actor=actor, payment_id=pay, amount_cents=900, reason="goodwill", idempotency_key=f.key()
        ).id
    gateway_module.set_gateway(Down())
    submit_refund(actor=actor, refund_id=refund_id)
    gateway_module.set_gateway(None)
    with session_scope() as session:
        when = utcnow() - timedelta(seconds=seconds_ago)
        session.execute(update(Refund).where(Refund.id == refund_id).values(submitted_at=when))
    return refund_id


def test_tick_reconciles_only_refunds_sent_long_enough_ago(actor_with) -> None:
    finance = actor_with("finance")
    wait = jobs.settle_after_seconds()
    assert wait >= get_settings().stripe_timeout_seconds
    old = _stuck(finance, seconds_ago=wait + 5)
    fresh = _stuck(finance, seconds_ago=1)  # its call may still be on its way: never sent twice
    report = jobs.reconcile_tick()
    assert (report.checked, report.resent) == (1, 1)
    assert f.get_refund(old).status == "succeeded"
    assert f.get_refund(fresh).status == "submitting"
    assert f.audit_actions("refund", old)[-2:] == ["refund.resend", "refund.succeed"]


def test_start_is_off_at_zero_and_on_otherwise(monkeypatch) -> None:
    from nicegui import background_tasks

    started: list[str] = []

    def create(coro: Any, *, name: str) -> None:
        coro.close()
        started.append(name)

    monkeypatch.setattr(background_tasks, "create", create)
    jobs.start()  # the suite runs with CONSOLE_BILLING_RECONCILE_SECONDS=0
    assert started == []
    monkeypatch.setenv("CONSOLE_BILLING_RECONCILE_SECONDS", "60")
    get_settings.cache_clear()
    jobs.start()
    assert started == ["billing-reconcile"]


def test_cli_reconcile(actor_with, capsys) -> None:
    finance = actor_with("finance")
    refund_id = _stuck(finance, seconds_ago=10)
    gateway_module.set_gateway(Down())
    assert cli.main(["billing", "reconcile"]) == 3
    out = capsys.readouterr().out
    assert "still unknown: 1" in out and "could not be reached" in out
    gateway_module.set_gateway(None)
    assert cli.main(["billing", "reconcile", "--older-than", "3600"]) == 0
    assert "checked: 0" in capsys.readouterr().out
    assert cli.main(["billing", "reconcile", "--payment", str(f.get_refund(refund_id).payment_id)]) == 0
    assert "sent again: 1" in capsys.readouterr().out
    assert f.get_refund(refund_id).status == "succeeded"
    with session_scope() as session:
        query = select(AuditEvent.actor_label).where(AuditEvent.action == "refund.resend")
        labels = set(session.execute(query).scalars())
    assert all(label.startswith("cli:") for label in labels) and labels


def test_a_restarted_sandbox_never_reuses_a_refund_id() -> None:
    """The sandbox numbered refunds from 1 in every process; after a restart its `re_sandbox_1` met the stored one
    (UNIQUE stripe_refund_id): the refund stuck in "Submitting" and every reconcile pass failed on it."""

    def one(gateway: SandboxGateway) -> str:
        refund = gateway.create_refund(
            charge_id="ch_x", payment_intent_id=None, amount_cents=100, idempotency_key=f.key(), metadata={}
        )
        return refund.id

    before_restart, after_restart = one(SandboxGateway()), one(SandboxGateway())
    assert before_restart != after_restart and all(i.startswith("re_sandbox_") for i in (before_restart, after_restart))


def test_one_refund_that_cannot_be_stored_does_not_stop_the_reconcile_pass(actor_with, monkeypatch) -> None:
    from sqlalchemy.exc import IntegrityError

    from console.billing.service import refund_sync

    finance = actor_with("finance")
    wait = jobs.settle_after_seconds()
    broken, fine = _stuck(finance, seconds_ago=wait + 5), _stuck(finance, seconds_ago=wait + 5)
    resend = refund_sync._resend

    def failing_for_one(actor: Any, item: Any, *args: Any) -> None:
        if item.refund_id == broken:
            raise IntegrityError("INSERT …", {}, Exception("UNIQUE constraint failed: refunds.stripe_refund_id"))
        resend(actor, item, *args)

    monkeypatch.setattr(refund_sync, "_resend", failing_for_one)
    report = jobs.reconcile_tick()
    assert (report.checked, report.resent, report.still_unknown) == (2, 1, 1)
    assert f.get_refund(fine).status == "succeeded" and f.get_refund(broken).status == "submitting"
    assert any(f"Refund #{broken} could not be stored" in m for m in report.messages)
