"""The audit page verifies the chain in a child process (no GIL contention with the pages being served), one
verification at a time per process, kept for minutes and never cancelled by a page that is left."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from console.actor import SYSTEM
from console.audit import anchor, verify_worker
from console.audit.checkpoints import CheckpointFileError, read_checkpoints
from console.audit.service import VerifyResult, count_events, record
from console.config import get_settings
from console.db import session_scope
from tests.audit.test_chain import write_events
from tests.audit.test_checkpoints import delete_newest


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


async def test_the_child_checks_the_checkpoints_and_anchors_the_head(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = write_events(6)
    written = anchor.checkpoint_head().written
    assert written is not None

    def no_fallback() -> None:
        raise AssertionError("verified in this process, not in the child")

    monkeypatch.setattr(verify_worker, "verify_here", no_fallback)
    result = await verify_worker.verify_in_worker()
    assert (result.ok, result.checked, result.checkpoints, result.anchored) == (True, 6, 1, True)
    assert [c.source for c in read_checkpoints(get_settings().checkpoint_path, written.db).mine] == [
        "periodic",
        "audit-page",
    ]
    delete_newest(engine, 2)
    result = await verify_worker.verify_in_worker()
    assert (result.ok, result.first_broken_id) == (False, ids[-1])
    assert result.problem is not None and "(the newest events were deleted)" in result.problem


async def test_a_checkpoint_file_the_child_cannot_read_is_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_events(1)
    monkeypatch.setenv("CONSOLE_AUDIT_CHECKPOINT_PATH", str(tmp_path))  # a folder
    get_settings.cache_clear()
    with pytest.raises(CheckpointFileError, match="cannot be read"):
        await verify_worker.verify_in_worker()


async def test_a_cancelled_wait_kills_the_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """Leaving no verifier behind: the old page started a new child every few seconds and orphaned the last."""
    started: list[asyncio.subprocess.Process] = []
    real_exec = asyncio.create_subprocess_exec

    async def sleeper(*_args: Any, **kwargs: Any) -> asyncio.subprocess.Process:
        proc = await real_exec(sys.executable, "-c", "import time; time.sleep(60)", **kwargs)
        started.append(proc)
        return proc

    monkeypatch.setattr(verify_worker.asyncio, "create_subprocess_exec", sleeper)
    task = asyncio.create_task(verify_worker.verify_in_worker())
    while not started:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert started[0].returncode is not None  # killed and reaped


async def test_a_timed_out_child_is_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[asyncio.subprocess.Process] = []
    real_exec = asyncio.create_subprocess_exec

    async def sleeper(*_args: Any, **kwargs: Any) -> asyncio.subprocess.Process:
        proc = await real_exec(sys.executable, "-c", "import time; time.sleep(60)", **kwargs)
        started.append(proc)
        return proc

    monkeypatch.setattr(verify_worker.asyncio, "create_subprocess_exec", sleeper)
    monkeypatch.setattr(verify_worker, "TIMEOUT_SECONDS", 0.2)
    with pytest.raises(TimeoutError):
        await verify_worker.verify_in_worker()
    assert started[0].returncode is not None


# --- the single flight the audit page uses ------------------------------------------------------------------------


def _slow_verifier(monkeypatch: pytest.MonkeyPatch, calls: list[int], seconds: float = 0.3) -> None:
    async def slow() -> VerifyResult:
        calls.append(1)
        await asyncio.sleep(seconds)
        return VerifyResult(ok=True, checked=len(calls))

    monkeypatch.setattr(verify_worker, "verify_in_worker", slow)


async def test_concurrent_callers_share_one_verification(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    _slow_verifier(monkeypatch, calls)
    check = verify_worker.ChainCheck(max_age=300)
    results = await asyncio.gather(*(check.get() for _ in range(5)), check.get(force=True))
    assert calls == [1] and check.started == 1
    assert all(r == VerifyResult(ok=True, checked=1) for r in results)
    assert await check.get() == VerifyResult(ok=True, checked=1)  # kept
    assert calls == [1]


async def test_a_cancelled_caller_does_not_cancel_the_verification(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    _slow_verifier(monkeypatch, calls)
    check = verify_worker.ChainCheck(max_age=300)
    leaving = asyncio.create_task(check.get())
    await asyncio.sleep(0.05)
    assert check.running
    leaving.cancel()
    with pytest.raises(asyncio.CancelledError):
        await leaving
    assert check.running  # still verifying for whoever asks next
    assert await check.get() == VerifyResult(ok=True, checked=1)
    assert calls == [1] and check.result == VerifyResult(ok=True, checked=1) and check.finished_at is not None


async def test_the_result_is_kept_for_max_age_then_verified_again(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    _slow_verifier(monkeypatch, calls, seconds=0.01)
    check = verify_worker.ChainCheck(max_age=0.2)
    assert (await check.get()).checked == 1
    assert (await check.get()).checked == 1
    await asyncio.sleep(0.25)
    assert (await check.get()).checked == 2
    assert (await check.get(force=True)).checked == 3  # "Verify chain now"
    assert check.started == 3


async def test_a_failed_verification_is_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    async def failing() -> VerifyResult:
        calls.append(1)
        if len(calls) == 1:
            raise CheckpointFileError("The audit checkpoint file x cannot be read: Permission denied.")
        return VerifyResult(ok=True, checked=7)

    monkeypatch.setattr(verify_worker, "verify_in_worker", failing)
    check = verify_worker.ChainCheck()
    with pytest.raises(CheckpointFileError):
        await check.get()
    assert check.result is None and not check.running
    assert await check.get() == VerifyResult(ok=True, checked=7)
