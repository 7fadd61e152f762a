"""Background work of the moderation area, one asyncio task per console process: pick up report rows the
platform inserted (every CONSOLE_MODERATION_INTAKE_SECONDS, default 2), and once a minute return expired claims
to the queue and lift mutes and suspensions that ran out. Each step runs off the event loop as the platform or
the system; several processes may run it at once (SKIP LOCKED on PostgreSQL)."""

from __future__ import annotations

import asyncio
import logging
import time

from console.actor import SYSTEM, Actor
from console.config import get_settings
from console.db import session_scope
from console.moderation.service.intake import intake_pending
from console.moderation.service.queue import expire_claims
from console.moderation.service.sanctions import lift_expired

log = logging.getLogger(__name__)
PLATFORM = Actor(kind="system", label="platform")
HOUSEKEEPING_SECONDS = 60.0


def intake_tick(limit: int = 200) -> tuple[int, int]:
    """Attach waiting report rows; returns (attached, refused)."""
    attached = refused = 0
    while True:
        with session_scope() as session:
            done, bad = intake_pending(session, actor=PLATFORM, limit=limit)
        attached, refused = attached + done, refused + bad
        if done + bad < limit:
            return attached, refused


def housekeeping_tick() -> tuple[int, int]:
    with session_scope() as session:
        expired = expire_claims(session, actor=SYSTEM)
        lifted = lift_expired(session, actor=SYSTEM)
    return expired, lifted


async def run_forever() -> None:
    from nicegui import run

    interval = get_settings().moderation_intake_seconds
    last_housekeeping = 0.0
    while True:
        try:
            await run.io_bound(intake_tick)
            if time.monotonic() - last_housekeeping >= HOUSEKEEPING_SECONDS:
                await run.io_bound(housekeeping_tick)
                last_housekeeping = time.monotonic()
        except Exception:  # one bad tick must not stop the next; operators see it in the log
            log.exception("moderation intake failed; retrying at the next tick")
        await asyncio.sleep(interval)


def start() -> None:
    if get_settings().moderation_intake_seconds > 0:
        from nicegui import background_tasks

        background_tasks.create(run_forever(), name="moderation-intake")
