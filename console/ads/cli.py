"""`run.py ads rollup [--day YYYY-MM-DD]`: the rollup pass the job runs (the days with new raw rows and today), or
one day recomputed on request (audited) — for raw rows that arrived too late for the job's pass."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any


def add_parser(sub: Any) -> None:
    ads = sub.add_parser("ads", help="ads tools")
    ads_sub = ads.add_subparsers(dest="ads_cmd", required=True)
    rollup = ads_sub.add_parser(
        "rollup",
        help="roll raw impressions and clicks up into the daily stats: the days with rows since the last pass and "
        "today, or --day alone",
    )
    rollup.add_argument("--day", default=None, help="recompute this UTC day only (YYYY-MM-DD)")


def run(args: argparse.Namespace) -> int:
    from console import migrate
    from console.actor import cli_actor
    from console.ads.service.rollup import rollup_day, rollup_pending
    from console.db import session_scope
    from console.errors import ConsoleError

    migrate.upgrade(None)
    try:
        if args.day:
            try:
                day = date.fromisoformat(args.day)
            except ValueError:
                print(f"Cannot roll up: --day must be YYYY-MM-DD, not {args.day!r}.", file=sys.stderr)
                return 2
            with session_scope() as session:
                results = [rollup_day(session, actor=cli_actor(), day=day, kind="day")]
        else:
            results = rollup_pending(actor=cli_actor())
    except ConsoleError as exc:
        print(f"Cannot roll up: {exc.message}", file=sys.stderr)
        return 2
    for r in results:
        print(f"{r.day}: {r.ads:,} ads, {r.impressions:,} impressions, {r.clicks:,} clicks in {r.seconds:.2f} s")
    if not results:
        print("Nothing new to roll up.")
    return 0
