"""console/gc_pacing.py: full collections come from the pacer, not from allocations in the middle of a page."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from typing import Any

import pytest

from console import gc_pacing


@pytest.fixture
def full_collections() -> Iterator[list[int]]:
    """The generations of the collections that run while the test does (gc.callbacks), from CPython's own pace: a
    simulated app an earlier test in this worker started may have left the pacer on (its shutdown did not run)."""
    gc_pacing.stop()
    seen: list[int] = []

    def watch(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(watch)
    try:
        yield seen
    finally:
        gc.callbacks.remove(watch)


def _survivors(n: int) -> list[dict[str, Any]]:
    """Allocations that live long enough to reach the oldest generation (as an open page's elements do): with
    CPython's thresholds they start full collections."""
    kept = []
    for _ in range(n):
        a: dict[str, Any] = {}
        a["self"] = a
        kept.append(a)
    return kept


def test_survivors_start_full_collections_at_cpythons_pace(full_collections: list[int]) -> None:
    """The check below can fail: without the pacer the same allocations do start full collections."""
    assert gc.get_threshold()[2] != gc_pacing.NEVER
    kept = _survivors(200_000)
    assert 2 in full_collections
    del kept


async def test_the_pacer_alone_starts_full_collections(full_collections: list[int]) -> None:
    defaults = gc.get_threshold()
    gc_pacing.start()
    try:
        assert gc.get_threshold() == (defaults[0], defaults[1], gc_pacing.NEVER)
        full_collections.clear()
        kept = _survivors(200_000)
        assert 1 in full_collections  # the young and middle generations keep their pace
        assert 2 not in full_collections
        mark = gc_pacing.promotions()
        assert gc_pacing.collect_if_due(mark) == mark  # nothing new since the mark: no pass
        assert 2 not in full_collections
        new_mark = gc_pacing.collect_if_due(mark - 1)  # promotions since: one full pass
        assert full_collections.count(2) == 1
        assert new_mark == gc_pacing.promotions()
        del kept
    finally:
        gc_pacing.stop()
        gc.unfreeze()
    assert gc.get_threshold() == defaults


async def test_the_pacer_collects_on_its_timer(monkeypatch: pytest.MonkeyPatch, full_collections: list[int]) -> None:
    monkeypatch.setattr(gc_pacing, "INTERVAL", 0.01)
    gc_pacing.start()
    try:
        full_collections.clear()
        kept = _survivors(50_000)
        for _ in range(200):
            await asyncio.sleep(0.01)
            if 2 in full_collections:
                break
        assert 2 in full_collections
        del kept
    finally:
        gc_pacing.stop()
        gc.unfreeze()
    assert gc_pacing._task is None


def test_defaults_without_the_app() -> None:
    """Outside a running server (the rest of this suite, the CLI) CPython keeps its own pace."""
    assert gc.get_threshold()[2] != gc_pacing.NEVER
