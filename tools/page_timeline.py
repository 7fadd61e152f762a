"""Where a page open's wall time goes, phase by phase, the way the bench opens it (NiceGUI's simulated user).

    CONSOLE_DATABASE_URL=... .venv/bin/python tools/page_timeline.py [--runs 30] name ...

For each page named (a substring of the bench's page names, as in page_open_profile.py) it prints the median time,
in ms from the start of `user.open`, at which each phase ends: the auth middleware entered, the session resolved
(in a worker thread), the frame started and finished, the page body finished (its first read included), the
response left the middleware and `user.open` returned. It wraps those functions for this process only; nothing is
changed in the code it measures.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("NICEGUI_STORAGE_PATH", tempfile.mkdtemp(prefix="console-timeline-storage-"))
os.environ.setdefault("PYTEST_CURRENT_TEST", "console-timeline")  # NiceGUI's user simulation checks it

PHASES = ("middleware in", "session resolved", "frame start", "frame end", "body end", "middleware out", "open end")
marks: dict[str, float] = {}


def _instrument() -> None:
    # import_module: the modules as sys.modules holds them (not through the package's attributes)
    page, session = importlib.import_module("console.ui.page"), importlib.import_module("console.ui.session")

    resolve, dispatch, framed = session._resolve, session.AuthMiddleware.dispatch, page._framed

    def timed_resolve(*args: Any, **kwargs: Any) -> Any:
        found = resolve(*args, **kwargs)
        marks["session resolved"] = time.perf_counter()
        return found

    async def timed_dispatch(self: Any, request: Any, call_next: Any) -> Any:
        marks["middleware in"] = time.perf_counter()
        response = await dispatch(self, request, call_next)
        marks["middleware out"] = time.perf_counter()
        return response

    @contextmanager
    def timed_framed(title: str, permission: Any) -> Iterator[Any]:
        marks["frame start"] = time.perf_counter()
        with framed(title, permission) as info:
            marks["frame end"] = time.perf_counter()
            yield info
        marks["body end"] = time.perf_counter()

    setattr(session, "_resolve", timed_resolve)  # noqa: B010 (the modules are looked up by name)
    setattr(session.AuthMiddleware, "dispatch", timed_dispatch)  # noqa: B010
    setattr(page, "_framed", timed_framed)  # noqa: B010


async def timeline(runs: int, names: list[str]) -> None:
    from nicegui.testing.user_simulation import user_simulation
    from sqlalchemy import select

    from console import bench
    from console.bench_common import leave_pages, settle, sign_in
    from console.db import session_scope
    from console.members.models import Member

    email, password = bench._bench_account()
    with session_scope() as session:
        member_id = session.execute(select(Member.id).order_by(Member.id.desc()).limit(1)).scalar_one()
    async with user_simulation(main_file=bench.MAIN_FILE) as user:
        await sign_in(user, email, password)
        print(f"{'page':<30}" + "".join(f"{p:>17}" for p in PHASES))
        for name, path in bench.page_paths(member_id).items():
            if names and not any(n in name for n in names):
                continue
            await user.open(path)  # warm-up
            seen: dict[str, list[float]] = defaultdict(list)
            for _ in range(runs):
                await settle()
                leave_pages(user.client)
                marks.clear()
                start = time.perf_counter()
                await user.open(path)
                marks["open end"] = time.perf_counter()
                for phase, at in marks.items():
                    seen[phase].append((at - start) * 1000)
            cells = "".join(f"{statistics.median(seen[p]) if seen[p] else float('nan'):>17.1f}" for p in PHASES)
            print(f"{name:<30}{cells}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("names", nargs="*", help="only pages whose bench name contains one of these")
    args = parser.parse_args()
    _instrument()
    from console.bench_common import jobs_off

    with jobs_off():  # as the bench: the pages, not the app's periodic jobs
        asyncio.run(timeline(args.runs, args.names))


if __name__ == "__main__":
    main()
