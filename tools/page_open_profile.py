"""Profile page opens the way the bench opens them (NiceGUI's simulated user, signed in through the login form).

    CONSOLE_DATABASE_URL=... .venv/bin/python tools/page_open_profile.py [--runs 20] [--profile out.prof] [name ...]

Per page: the number of elements built, wall p50/p95 and the event loop's own CPU time p50/p95 (thread time: the
page building, not the table loads that run in worker threads afterwards, nor other processes on a busy machine).
Names filter the bench's page list by substring ("moderation", "page.members"). `--profile` writes cProfile
stats of the timed opens (read them with `python -m pstats out.prof`).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("NICEGUI_STORAGE_PATH", tempfile.mkdtemp(prefix="console-profile-storage-"))
os.environ.setdefault("PYTEST_CURRENT_TEST", "console-profile")  # NiceGUI's user simulation checks it

from console import bench
from console.bench_common import jobs_off, leave_pages, percentile, settle, sign_in, yardstick_ms


async def profile(runs: int, names: list[str], out: str | None) -> None:
    from nicegui.testing.user_simulation import user_simulation
    from sqlalchemy import select

    from console.db import session_scope
    from console.members.models import Member

    email, password = bench._bench_account()
    with session_scope() as session:
        member_id = session.execute(select(Member.id).order_by(Member.id.desc()).limit(1)).scalar_one()
    profiler = cProfile.Profile() if out else None
    async with user_simulation(main_file=bench.MAIN_FILE) as user:
        await sign_in(user, email, password)
        gc.collect()
        gc.freeze()
        print(f"Machine yardstick: {yardstick_ms()} ms (console/bench_common.py: page figures scale with it)")
        print(f"{'page':<30}{'elements':>9}{'wall p50':>10}{'wall p95':>10}{'cpu p50':>9}{'cpu p95':>9}")
        for name, path in bench.page_paths(member_id).items():
            if names and not any(n in name for n in names):
                continue
            await user.open(path)  # warm-up
            walls, cpus = [], []
            for _ in range(runs):
                await settle()
                leave_pages(user.client)
                wall, cpu = time.perf_counter(), time.thread_time()
                if profiler:
                    profiler.enable()
                await user.open(path)
                if profiler:
                    profiler.disable()
                walls.append((time.perf_counter() - wall) * 1000)
                cpus.append((time.thread_time() - cpu) * 1000)
            assert user.client is not None
            print(
                f"{name:<30}{len(user.client.elements):>9}{statistics.median(walls):>10.1f}"
                f"{percentile(walls, 0.95):>10.1f}{statistics.median(cpus):>9.1f}"
                f"{percentile(cpus, 0.95):>9.1f}",
                flush=True,
            )
    if profiler and out:
        profiler.dump_stats(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--profile", metavar="OUT", help="write cProfile stats of the timed opens here")
    parser.add_argument("names", nargs="*", help="only pages whose bench name contains one of these")
    args = parser.parse_args()
    with jobs_off():  # as the bench: the pages, not the app's periodic jobs
        asyncio.run(profile(args.runs, args.names, args.profile))


if __name__ == "__main__":
    main()
