"""Background work of the billing area, one asyncio task per console process: every
CONSOLE_BILLING_RECONCILE_SECONDS (default 60; 0 turns it off) refunds left `submitting` or `pending` are
reconciled with Stripe (service/refund_sync.py), and comp subscriptions past their period end are ended. Only
refunds sent long enough ago to have had their answer are touched, so a refund whose call is still on its way is
never sent a second time. Several processes may run it: a re-send is claimed on the refund's version first."""

from __future__ import annotations

import asyncio
import logging

from console.actor import Actor
from console.billing.service.comp_expiry import expire_comp_subscriptions
from console.billing.service.refunds import ReconcileReport, reconcile_refunds
from console.config import get_settings
from console.db import session_scope

log = logging.getLogger(__name__)
RECONCILER = Actor(kind="system", label="billing reconcile")


def settle_after_seconds() -> int:
    """How long a refund stays `submitting` before the job asks Stripe: the longest a call can take (every
    retry timing out) and a margin."""
    settings = get_settings()
    return settings.stripe_timeout_seconds * (settings.stripe_max_network_retries + 1) + 30


def reconcile_tick() -> ReconcileReport:
    report = reconcile_refunds(actor=RECONCILER, older_than_seconds=settle_after_seconds())
    for message in report.messages:
        log.info("billing reconcile: %s", message)
    return report


def comp_expiry_tick() -> int:
    """Comp subscriptions past their period end: canceled (when set to) or expired; see service/comp_expiry.py."""
    with session_scope() as session:
        ended = expire_comp_subscriptions(session, actor=RECONCILER)
    if ended:
        log.info("billing: %d comp subscription(s) ended at their period end", ended)
    return ended


async def run_forever() -> None:
    from nicegui import run

    interval = get_settings().billing_reconcile_seconds
    while True:
        try:
            await run.io_bound(reconcile_tick)
            await run.io_bound(comp_expiry_tick)
        except Exception:  # one bad tick must not stop the next; operators see it in the log
            log.exception("billing reconcile failed; retrying at the next tick")
        await asyncio.sleep(interval)


def start() -> None:
    if get_settings().billing_reconcile_seconds > 0:
        from nicegui import background_tasks

        background_tasks.create(run_forever(), name="billing-reconcile")
