"""Background work of insights, one asyncio task per console process: every CONSOLE_INSIGHTS_ROLLUP_SECONDS (default
600; 0 turns it off) the pending days (yesterday, today, and any day without a run) are rolled up (rollup.py).
Several processes may run it: a day is replaced under an advisory lock on PostgreSQL."""

from __future__ import annotations

import asyncio
import logging

from console.actor import Actor
from console.config import get_settings
from console.insights.rollup import AreaResult, rollup_pending

log = logging.getLogger(__name__)
ROLLUP = Actor(kind="system", label="insights rollup")


def rollup_tick() -> list[AreaResult]:
    results = rollup_pending(actor=ROLLUP)
    for r in results:
        if r.error:
            log.error("insights rollup: %s %s failed: %s", r.day, r.area, r.error)
        else:
            log.info("insights rollup: %s %s, %d rows in %.2f s", r.day, r.area, r.rows, r.seconds)
    return results


async def run_forever() -> None:
    from nicegui import run

    interval = get_settings().insights_rollup_seconds
    while True:
        try:
            await run.io_bound(rollup_tick)
        except Exception:  # one bad pass must not stop the next
            log.exception("insights rollup failed; retrying at the next tick")
        await asyncio.sleep(interval)


def start() -> None:
    if get_settings().insights_rollup_seconds > 0:
        from nicegui import background_tasks

        background_tasks.create(run_forever(), name="insights-rollup")
