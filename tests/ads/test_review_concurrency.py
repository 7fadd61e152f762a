"""Reviewers at the same moment, for real: threads, each with its own unit of work, released together. On
PostgreSQL `next_ad` skips rows another transaction holds (FOR UPDATE SKIP LOCKED) and decisions lock the ad row;
on SQLite the serialised writer (BEGIN IMMEDIATE) must give the same answers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from console.ads.service import review
from console.db import session_scope
from console.errors import ConsoleError
from tests.ads import factories as f

REVIEWERS = 6


def _together(n: int, work: Callable[[int], Any]) -> list[Any]:
    barrier = threading.Barrier(n)

    def run(i: int) -> Any:
        barrier.wait()
        try:
            return work(i)
        except Exception as exc:  # collected and checked by the test
            return exc

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def test_concurrent_next_ad_never_hands_one_ad_to_two_reviewers(actor_with) -> None:
    reviewers = [actor_with("ads") for _ in range(REVIEWERS)]
    pending = {f.submitted(f.banner(creative_url="https://cdn.example.com/b.png", creative=None)).id for _ in range(4)}

    def take(i: int) -> int | None:
        with session_scope() as session:
            ad = review.next_ad(session, actor=reviewers[i])
            return ad.id if ad is not None else None

    got = _together(REVIEWERS, take)
    assert not [g for g in got if isinstance(g, Exception)], got
    claimed = [g for g in got if g is not None]
    assert sorted(claimed) == sorted(pending)  # every ad once, nobody twice; two reviewers went without
    assert got.count(None) == REVIEWERS - len(pending)


def test_two_reviewers_deciding_one_ad_at_once(actor_with) -> None:
    a, b = actor_with("ads"), actor_with("ads")
    ad = f.submitted(f.banner())

    def decide(i: int) -> str:
        with session_scope() as session:
            if i == 0:
                return review.approve_ad(session, actor=a, ad_id=ad.id, version=ad.version).state
            return review.reject_ad(session, actor=b, ad_id=ad.id, version=ad.version, reasons=["misleading"]).state

    results = _together(2, decide)
    done = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, ConsoleError)]
    assert len(done) == 1 and len(refused) == 1, results
    assert f.load(ad.id).state == done[0]
    assert f.audit_count("ad.approve", "ad.reject") == 1
