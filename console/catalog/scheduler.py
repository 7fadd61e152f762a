"""Background publishing of scheduled videos, through the same gate and service as a manual publish.

One asyncio task per console process; each tick runs `publish_due` off the event loop with the
system as actor. On PostgreSQL rows are claimed with FOR UPDATE SKIP LOCKED, so several console
processes can run it at once without publishing a video twice.
"""

from __future__ import annotations

import asyncio
import logging

from console.actor import SYSTEM
from console.catalog.service import publish_due
from console.config import get_settings
from console.db import session_scope

log = logging.getLogger(__name__)


def tick() -> dict[int, str]:
    """Publish what is due now; returns the refusals (video id -> reasons)."""
    with session_scope() as session:
        refused = publish_due(session, actor=SYSTEM)
    for video_id, reasons in refused.items():
        log.warning("scheduled video %s not published: %s", video_id, reasons)
    return refused


async def run_forever() -> None:
    from nicegui import run

    interval = get_settings().scheduler_seconds
    while True:
        await asyncio.sleep(interval)
        try:
            await run.io_bound(tick)
        except Exception:  # a bad tick must not stop later ones; it is logged for operators
            log.exception("scheduled publishing failed; retrying at the next tick")


def start() -> None:
    if get_settings().scheduler_seconds > 0:
        from nicegui import background_tasks

        background_tasks.create(run_forever(), name="catalog-scheduler")
