"""The moderation bench runs every measurement (queue pages, "next case" with concurrent moderators in processes of
their own, one decision) on a tiny queue, and leaves the queue as it found it (claims and decisions rolled back)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from console.db import session_scope
from console.moderation import bench
from console.moderation.bench import moderation_measurements
from console.moderation.models import ModerationCase
from tests.moderation.factories import comment, member, report

RUNS = 2


def _open_cases() -> int:
    with session_scope() as session:
        count = select(func.count()).select_from(ModerationCase).where(ModerationCase.status == "open")
        return session.execute(count).scalar_one()


def test_bench_measures_the_queue_next_case_and_a_decision(monkeypatch: pytest.MonkeyPatch) -> None:
    assert moderation_measurements(RUNS) == []  # no cases: nothing to measure, and no error
    # Two claimers, two claims each: the same processes, barrier and rollbacks as the bench's 10 x 20, in seconds.
    monkeypatch.setattr(bench, "CLAIMERS", 2)
    monkeypatch.setattr(bench, "CLAIMS_EACH", 2)
    for _ in range(3):  # one open case per claimer and one spare: PostgreSQL's SKIP LOCKED hands out distinct cases
        report("comment", comment(), "harassment")
    report("member", member(), "spam")
    results = moderation_measurements(RUNS)
    by_name = {r["name"]: r for r in results}
    assert len(by_name) == len(results)
    assert set(by_name) == {
        "moderation.queue_page_1",
        "moderation.queue_page_100",
        "moderation.queue_page_last",
        "moderation.queue_filtered",
        "moderation.queue_oldest",
        "moderation.next_case_2_concurrent",
        "moderation.decision",
    }
    for name, result in by_name.items():
        expected = 2 * 2 if name == "moderation.next_case_2_concurrent" else RUNS
        assert result["n"] == expected, name
        assert 0 <= result["p50_ms"] <= result["p95_ms"], name
        assert not [key for key in result if "error" in key], name
    assert _open_cases() == 4  # every claim and decision was rolled back
