"""Time opening the performer directory, a performer's profile and a series' seasons page (issue 13).

    .venv/bin/python tools/performer_series_open.py --runs 15

It uses a fresh SQLite database in a temporary directory, creates 60 performers (the measured one with 8 photos,
4 social links and 40 credited videos) and a series with 4 seasons of 12 episodes, signs in an admin through
NiceGUI's user simulation and opens each page `--runs` times, waiting for what each page shows last (the
directory's rows, the profile's name, the last season). It prints p50/p95 of each open in milliseconds and how
many elements the page built.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CDN = "https://cdn.example.com"


def seed() -> tuple[int, int]:
    """(the measured performer, the series)"""
    from console.actor import SYSTEM
    from console.catalog import performers as performer_service
    from console.catalog import series as series_service
    from console.catalog import service as video_service
    from console.db import session_scope

    with session_scope() as session:
        ids = [
            performer_service.create_performer(
                session, actor=SYSTEM, data={"name": f"Performer {n:03d}", "bio": "Measured. " * 20}
            ).id
            for n in range(60)
        ]
        pid = ids[0]
        for n in range(8):
            performer_service.add_photo(
                session,
                actor=SYSTEM,
                url=f"{CDN}/p{n}.jpg",
                photo_type="performer_photo",
                performer_id=pid,
                alt_text=f"Photo {n}",
                primary=n == 0,
            )
        for platform in ("instagram", "twitter", "tiktok", "youtube"):
            performer_service.set_social_link(
                session, actor=SYSTEM, performer_id=pid, platform=platform, handle="measured", url=None
            )
        for n in range(40):
            vid = video_service.create_video(session, actor=SYSTEM, data={"title": f"Film {n:02d}"}).id
            video_service.set_performers(session, actor=SYSTEM, video_id=vid, performer_ids=[pid])
        series_id = video_service.create_video(session, actor=SYSTEM, data={"title": "Measured", "kind": "series"}).id
        for _ in range(4):
            season_id = series_service.add_season(session, actor=SYSTEM, series_id=series_id, data={}).id
            for n in range(12):
                series_service.add_episode(session, actor=SYSTEM, season_id=season_id, data={"title": f"Ep {n}"})
        return pid, series_id


async def measure(runs: int, email: str, password: str, pages: dict[str, tuple[str, str]]) -> list[str]:
    from nicegui.testing.user_simulation import user_simulation

    from console.bench import MAIN_FILE
    from console.bench_common import sign_in, time_async
    from console.bench_common import summary as bench_summary

    os.environ.setdefault("PYTEST_CURRENT_TEST", "performer-series-open")
    lines = []
    async with user_simulation(main_file=MAIN_FILE) as user:
        await sign_in(user, email, password)
        for name, (path, marker) in pages.items():

            async def open_page(path: str = path, marker: str = marker) -> None:
                await user.open(path)
                for _ in range(20_000):  # what shows last, also when it loads after the open (polled every 5 ms)
                    found: set[Any] = user._gather_elements(marker=marker)
                    if found and all(getattr(e, "rows", True) for e in found):  # a table: once its rows loaded
                        return
                    await asyncio.sleep(0.005)
                raise AssertionError(f"{marker} never shown on {path}")

            summary = bench_summary(name, await time_async(runs, open_page))
            lines.append(
                f"{name}: n={summary['n']} p50={summary['p50_ms']} ms p95={summary['p95_ms']} ms; "
                f"elements: {len(user.client.elements) if user.client else 0}"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="performer-series-open-")
    os.environ["CONSOLE_DATABASE_URL"] = f"sqlite:///{tmp}/console.db"
    os.environ.setdefault("NICEGUI_STORAGE_PATH", f"{tmp}/storage")
    from console import migrate
    from console.bench import _bench_account

    migrate.upgrade(None)
    pid, series_id = seed()
    email, password = _bench_account()
    pages = {
        "performers_open": ("/performers", "paged-table"),
        "performer_profile_open": (f"/performers/{pid}", "performer-video"),
        "seasons_open": (f"/catalog/{series_id}/seasons", "episode-row"),
    }
    for line in asyncio.run(measure(args.runs, email, password, pages)):
        print(line)


if __name__ == "__main__":
    main()
