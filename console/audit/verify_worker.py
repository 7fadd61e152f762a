"""Chain verification in its own process: hashing a long chain is pure Python work that would hold the GIL
and slow every page served meanwhile if it ran in a thread of the server (the audit page starts it).

`python -m console.audit.verify_worker` verifies against the checkpoint file, checkpoints the head when intact
(anchor.verify_and_anchor) and prints the result as one JSON line; the child reads the same CONSOLE_* settings
from the environment it inherits.

`chain_check` is the process-wide single flight the audit page uses: at most one verification runs at a time,
it belongs to the server (not to the page that started it, so leaving the page never cancels it), and its result
is kept for five minutes for every page that asks.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime

from console.audit.anchor import verify_and_anchor
from console.audit.checkpoints import CheckpointFileError
from console.audit.service import VerifyResult
from console.config import ROOT

TIMEOUT_SECONDS = 600
CACHE_SECONDS = 300

log = logging.getLogger(__name__)


def main() -> int:
    try:
        result = verify_and_anchor(source="audit-page")
    except CheckpointFileError as exc:
        print(json.dumps({"error": exc.message}))
        return 0
    print(json.dumps(asdict(result)))
    return 0


def verify_here() -> VerifyResult:
    return verify_and_anchor(source="audit-page")


def _parse(out: bytes) -> VerifyResult:
    data = json.loads(out.decode().strip().splitlines()[-1])
    if "error" in data:
        raise CheckpointFileError(str(data["error"]))
    return VerifyResult(**data)


async def verify_in_worker() -> VerifyResult:
    """Run main() in a child process; if the child cannot run (no interpreter, crash), verify in a thread here.
    The child never outlives the wait for it: a timeout or a cancellation (server shutdown) kills it."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "console.audit.verify_worker",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env=env,
        )
    except OSError:
        return await asyncio.to_thread(verify_here)
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), TIMEOUT_SECONDS)
    except BaseException:  # timeout, cancellation: no orphaned verifier keeps burning a core
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        with contextlib.suppress(Exception):
            await asyncio.shield(proc.wait())
        raise
    if proc.returncode == 0:
        try:
            return _parse(out)
        except (ValueError, TypeError, IndexError):
            pass
    return await asyncio.to_thread(verify_here)


class ChainCheck:
    """One chain verification at a time per process, shared by every page and kept for `max_age` seconds."""

    def __init__(self, max_age: float = CACHE_SECONDS) -> None:
        self.max_age = max_age
        self.result: VerifyResult | None = None
        self.finished_at: datetime | None = None  # wall clock, for display
        self.started = 0  # verifications started by this process
        self._done_at = 0.0  # monotonic
        self._task: asyncio.Task[VerifyResult] | None = None

    def fresh(self) -> VerifyResult | None:
        if self.result is not None and time.monotonic() - self._done_at <= self.max_age:
            return self.result
        return None

    @property
    def running(self) -> bool:
        return self._running_task() is not None

    def _running_task(self) -> asyncio.Task[VerifyResult] | None:
        task = self._task
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if task is None or task.done() or task.get_loop() is not loop:  # a task of a loop that is gone never ends
            return None
        return task

    async def get(self, *, force: bool = False) -> VerifyResult:
        """The kept result if it is fresh (unless `force`), else the running verification's, else a new one's.
        A caller that is cancelled while waiting (the page was left) does not cancel the verification."""
        if not force and (kept := self.fresh()) is not None:
            return kept
        task = self._running_task()
        if task is None:
            task = asyncio.get_running_loop().create_task(self._run(), name="audit-chain-verification")
            task.add_done_callback(_log_failure)
            self._task = task
            self.started += 1
        return await asyncio.shield(task)

    async def _run(self) -> VerifyResult:
        result = await verify_in_worker()
        self.result, self._done_at, self.finished_at = result, time.monotonic(), datetime.now(UTC)
        return result

    def forget(self) -> None:
        """Drop the kept result (tests; a new process starts without one anyway)."""
        self.result, self.finished_at, self._done_at, self._task = None, None, 0.0, None


def _log_failure(task: asyncio.Task[VerifyResult]) -> None:
    if not task.cancelled() and (exc := task.exception()) is not None:
        log.error("audit chain verification failed: %s", exc, exc_info=exc)


chain_check = ChainCheck()


if __name__ == "__main__":
    raise SystemExit(main())
