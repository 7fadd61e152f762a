"""What every area's bench shares: the bench account's e-mail, the timers and the p50/p95 summary.

`console/bench.py` runs the areas (it imports their benches); the area benches (`ads/bench.py`,
`billing/bench.py`, `insights/bench.py`, `moderation/bench.py`, `catalog/import_bench.py`) import only this
module, never `console/bench.py`, so the imports run one way.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

BENCH_EMAIL = "bench-admin@console.example"
# The app's periodic jobs (console/config.py), each turned off by 0. Each has its own bench entries.
JOB_SETTINGS = (
    "CONSOLE_SCHEDULER_SECONDS",
    "CONSOLE_MODERATION_INTAKE_SECONDS",
    "CONSOLE_COMPLIANCE_SWEEP_HOURS",
    "CONSOLE_BILLING_RECONCILE_SECONDS",
    "CONSOLE_ADS_ROLLUP_SECONDS",
    "CONSOLE_INSIGHTS_ROLLUP_SECONDS",
    "CONSOLE_AUDIT_CHECKPOINT_MINUTES",
)


@contextmanager
def jobs_off() -> Iterator[None]:
    """The app started inside runs none of its periodic jobs: a page bench measures pages. Started with them, the
    app's first passes ran during the first pages measured (the insights rollup takes ~10 s of database work at
    scale, a due 2257 sweep reads every public video), and the figures were the jobs' as much as the pages'."""
    from console.config import get_settings

    before = {name: os.environ.get(name) for name in JOB_SETTINGS}
    os.environ.update(dict.fromkeys(JOB_SETTINGS, "0"))
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()


def yardstick_ms(rounds: int = 5) -> float:
    """The machine's speed in one figure: the fastest of `rounds` runs of a fixed pure-Python loop (1,000,000
    additions), in ms. Page opens are CPU-bound Python, so their figures scale with it: two benches are compared
    through it, and a goal in ms holds on a machine whose yardstick is close to the one it was set on."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i
        best = min(best, time.perf_counter() - start)
    assert total == 499_999_500_000
    return round(best * 1000, 1)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def summary(name: str, samples: list[float], goal_ms: float | None = None) -> dict[str, Any]:
    """One bench line: the samples' count, p50 and p95 in ms, and the goal when it is not the default 150 ms."""
    result: dict[str, Any] = {
        "name": name,
        "n": len(samples),
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(percentile(samples, 0.95), 2),
    }
    if goal_ms is not None:
        result["goal_ms"] = goal_ms
    return result


async def sign_in(user: Any, email: str, password: str) -> None:
    """Sign NiceGUI's simulated user in through the login form, as a staff member would (the bench and tools/)."""
    await user.open("/login")
    user.find(marker="login-email").type(email)
    user.find(marker="login-password").type(password)
    user.find(marker="login-submit").click()
    await user.should_see(marker="page-title", retries=100)


async def settle(minimum: float = 0.1, most: float = 3.0) -> None:
    """Wait (untimed) until the previous page's own background loads are done, as a person would before opening the
    next page: at the scale data a list's count can take longer than a fixed pause, and its answer would then land
    in the next page's timing. Done = NiceGUI's `run.io_bound` pool has nothing queued or running."""
    from nicegui import run  # NiceGUI is heavy: loaded when a bench times pages, not by `run.py bench --help`

    await asyncio.sleep(minimum)
    deadline = time.perf_counter() + most
    while time.perf_counter() < deadline:
        pool: Any = run.thread_pool
        if pool._work_queue.empty() and pool._idle_semaphore._value >= len(pool._threads):
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.02)  # the answers' own handling on the event loop


def leave_pages(keep: Any) -> None:
    """Delete every NiceGUI client but `keep` (untimed): a browser that opens the next page closes the last one's
    socket and NiceGUI deletes that client. The simulated user never disconnects, so without this the bench keeps
    every page it opened alive, and Python's full garbage collections (each ~90 ms over hundreds of kept pages)
    land inside later opens."""
    from nicegui import Client

    for client in list(Client.instances.values()):
        if client is not keep:
            client.delete()


async def time_async(runs: int, fn: Callable[[], Awaitable[Any]], *, user: Any = None) -> list[float]:
    """Time `fn`; between runs (untimed) let the previous page's own background loads finish, as a person would,
    and (with the simulated `user`) let the pages left behind go."""
    await fn()  # warm-up
    samples = []
    for _ in range(runs):
        await settle()
        if user is not None:
            leave_pages(user.client)
        started = time.perf_counter()
        await fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def time_sync(runs: int, fn: Callable[[], Any]) -> list[float]:
    """Time `fn` `runs` times after one untimed warm-up call; milliseconds."""
    fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def page_timer(list_page: Callable[[Any], Any], number: int, size: int) -> Callable[[], Any]:
    """A timed call of one page of a service's list: `list_page(page_request)` runs in its own unit of work.
    `number` < 0 is the last page, found as the table's "last" button finds it (from page 1's total)."""
    from console.paging import PageRequest

    if number < 0:
        number = list_page(PageRequest(1, size)).last_page

    def run() -> Any:
        result = list_page(PageRequest(number, size))
        assert result.rows or result.total <= result.request.offset  # a page past the end would measure nothing
        return result

    return run
