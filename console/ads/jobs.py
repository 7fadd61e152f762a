"""Background work of the ads area, one asyncio task per console process: every CONSOLE_ADS_ROLLUP_SECONDS (default
300; 0 turns it off) the raw impressions and clicks that occurred since the last pass are rolled up into
ad_stats_daily (service/rollup.py). Several processes may run it: a day is replaced under an advisory lock on
PostgreSQL, and a pass with nothing new costs three small queries."""

from __future__ import annotations

import asyncio
import logging

from console.actor import Actor
from console.ads.service.rollup import RollupResult, rollup_pending
from console.config import get_settings

log = logging.getLogger(__name__)
ROLLUP = Actor(kind="system", label="ads rollup")


def rollup_tick() -> list[RollupResult]:
    results = rollup_pending(actor=ROLLUP)
    for result in results:
        log.info(
            "ads rollup: %s, %d ads, %d impressions, %d clicks in %.2f s",
            result.day,
            result.ads,
            result.impressions,
            result.clicks,
            result.seconds,
        )
    return results


async def run_forever() -> None:
    from nicegui import run

    interval = get_settings().ads_rollup_seconds
    while True:
        try:
            await run.io_bound(rollup_tick)
        except Exception:  # one bad pass must not stop the next; the failed day's run holds the error
            log.exception("ads rollup failed; retrying at the next tick")
        await asyncio.sleep(interval)


def start() -> None:
    if get_settings().ads_rollup_seconds > 0:
        from nicegui import background_tasks

        background_tasks.create(run_forever(), name="ads-rollup")
