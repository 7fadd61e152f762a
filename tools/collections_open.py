"""Time opening /collections on a database with many collections (issue 13: "234 collections → 1 MB, 4.2 s").

    .venv/bin/python tools/collections_open.py --collections 300 --runs 15

It uses a fresh SQLite database in a temporary directory (or CONSOLE_DATABASE_URL when set and `--keep-url` is
given), creates the collections, each with one video that is its featured video, signs in an admin through
NiceGUI's user simulation and opens the page `--runs` times. It prints p50/p95 of the open in milliseconds and how
many elements the page built (what the browser receives grows with it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def seed(count: int) -> None:
    from console.actor import SYSTEM
    from console.catalog import collections as collection_service
    from console.catalog import service as video_service
    from console.db import session_scope

    with session_scope() as session:
        for n in range(count):
            c = collection_service.create_collection(
                session,
                actor=SYSTEM,
                data={"name": f"Collection {n:04d}", "description": "Generated for the page-open measurement. " * 5},
            )
            video = video_service.create_video(
                session, actor=SYSTEM, data={"title": f"Feature of {n:04d}", "collection_id": c.id}
            )
            collection_service.set_featured_video(session, actor=SYSTEM, collection_id=c.id, video_id=video.id)


async def measure(runs: int, email: str, password: str) -> tuple[list[float], int]:
    from nicegui.testing.user_simulation import user_simulation

    from console.bench import MAIN_FILE
    from console.bench_common import sign_in, time_async

    os.environ.setdefault("PYTEST_CURRENT_TEST", "collections-open")
    async with user_simulation(main_file=MAIN_FILE) as user:
        await sign_in(user, email, password)

        async def open_page() -> None:
            await user.open("/collections")
            for _ in range(20_000):  # the rows, also when they load after the open (polled every 5 ms)
                if user._gather_elements(marker="collection-name"):
                    return
                await asyncio.sleep(0.005)
            raise AssertionError("no collection rows")

        samples = await time_async(runs, open_page)
        return samples, len(user.client.elements) if user.client else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collections", type=int, default=300)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep-url", action="store_true", help="use CONSOLE_DATABASE_URL as it is (already seeded)")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="collections-open-")
    if not args.keep_url:
        os.environ["CONSOLE_DATABASE_URL"] = f"sqlite:///{tmp}/console.db"
    os.environ.setdefault("NICEGUI_STORAGE_PATH", f"{tmp}/storage")
    from console import migrate
    from console.bench import _bench_account
    from console.bench_common import summary as bench_summary

    migrate.upgrade(None)
    if not args.keep_url:
        seed(args.collections)
    email, password = _bench_account()
    samples, elements = asyncio.run(measure(args.runs, email, password))
    summary = bench_summary("collections_open", samples)
    print(
        f"{summary['name']}: n={summary['n']} p50={summary['p50_ms']} ms p95={summary['p95_ms']} ms; "
        f"elements on the page: {elements}"
    )


if __name__ == "__main__":
    main()
