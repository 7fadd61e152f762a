"""Full garbage collections at a steady pace, between page builds, instead of in the middle of one.

Every NiceGUI element sits in reference cycles (its props' change handler, its slots), so a page that was left is
freed only by the cycle collector, and by then its objects have reached the oldest generation. CPython runs the
full collection when enough allocations have piled up, which is to say while some page is being built: at the
bench's heap (60 to 90k objects tracked after start-up) that page took 25 to 200 ms longer (`gc.callbacks`, issue 13).

So, once the server has started: what start-up made is frozen (never garbage, never scanned again), the automatic
full collection is switched off, and one runs every `INTERVAL` seconds from the event loop — only when young
collections have moved anything into the oldest generation since the last one. The young generations keep
CPython's pace, so short-lived cycles are still freed at once. On shutdown the defaults come back (the test suite
builds and stops the app once per test in one process).
"""

from __future__ import annotations

import asyncio
import gc
import logging

log = logging.getLogger(__name__)

INTERVAL = 10.0  # seconds between full collections: a few MB of left pages at most, one pass of ~10 to 100 ms
NEVER = 1_000_000_000  # the oldest generation's threshold: CPython never starts a full collection by itself
_defaults = gc.get_threshold()
_task: asyncio.Task[None] | None = None


def promotions() -> int:
    """How many middle-generation collections have run (each may move survivors into the oldest one)."""
    return int(gc.get_stats()[1]["collections"])


def collect_if_due(seen: int) -> int:
    """A full collection when anything may have reached the oldest generation since `seen`; the new mark."""
    now = promotions()
    if now != seen:
        gc.collect()
        return promotions()
    return seen


async def _pace() -> None:
    seen = -1
    while True:
        await asyncio.sleep(INTERVAL)
        try:
            seen = collect_if_due(seen)
        except Exception:  # never let the pacer die: the defaults come back instead
            log.exception("paced garbage collection failed; back to CPython's own pace")
            gc.set_threshold(*_defaults)
            return


def start() -> None:
    """After start-up: freeze what exists, switch the automatic full collection off, collect on a timer."""
    global _task
    gc.freeze()
    young, middle, _ = _defaults
    gc.set_threshold(young, middle, NEVER)
    _task = asyncio.get_running_loop().create_task(_pace(), name="gc-pacing")


def stop() -> None:
    """CPython's own pace again (its next full collection comes as the allocations call for it)."""
    global _task
    if _task is not None:
        _task.cancel()
        _task = None
    gc.set_threshold(*_defaults)
