"""The audit page verifies the chain in a child process (no GIL contention with the pages being served)."""

from __future__ import annotations

import pytest

from console.actor import SYSTEM
from console.audit import verify_worker
from console.audit.service import count_events, record
from console.db import session_scope


async def test_the_child_process_verifies_the_same_database(monkeypatch: pytest.MonkeyPatch) -> None:
    with session_scope() as session:
        for n in range(3):
            record(session, SYSTEM, "test.event", "thing", n, after={"n": n})
    with session_scope() as session:
        total = count_events(session)

    def no_fallback() -> None:
        raise AssertionError("verified in this process, not in the child")

    monkeypatch.setattr(verify_worker, "verify_here", no_fallback)
    result = await verify_worker.verify_in_worker()
    assert result.ok and result.checked == total >= 3


async def test_a_child_that_cannot_run_falls_back_to_verifying_here(monkeypatch: pytest.MonkeyPatch) -> None:
    with session_scope() as session:
        record(session, SYSTEM, "test.event", "thing", 1)
    monkeypatch.setattr(verify_worker.sys, "executable", "/nonexistent/python")
    result = await verify_worker.verify_in_worker()
    assert result.ok and result.checked >= 1
