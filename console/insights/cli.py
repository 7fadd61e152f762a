"""`run.py insights rollup [--day YYYY-MM-DD | --from D --to D] [--areas a,b] [--rebuild]`: the job's pass
(yesterday, today and any day without a run), or the given day(s) recomputed on request (audited as the CLI's system
actor). A closed month's MRR is kept as first rolled up after its close; `--rebuild` recomputes it from today's
subscription rows (audited as insights.mrr_rebuild with the month's totals before and after).
`run.py insights definitions` prints every metric's definition (the README's block)."""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from typing import Any


def add_parser(sub: Any) -> None:
    insights = sub.add_parser("insights", help="insights tools")
    insights_sub = insights.add_subparsers(dest="insights_cmd", required=True)
    rollup = insights_sub.add_parser(
        "rollup", help="recompute the insights rollup tables: the pending days, or --day, or --from/--to"
    )
    rollup.add_argument("--day", default=None, help="recompute this UTC day only (YYYY-MM-DD)")
    rollup.add_argument("--from", dest="start", default=None, help="first day of a range (YYYY-MM-DD)")
    rollup.add_argument("--to", dest="end", default=None, help="last day of a range (YYYY-MM-DD), inclusive")
    rollup.add_argument("--areas", default="", help="comma-separated: content,members,moderation,revenue,mrr")
    rollup.add_argument(
        "--rebuild",
        action="store_true",
        help="also recompute closed months' MRR and movements from today's subscriptions (kept otherwise; audited)",
    )
    insights_sub.add_parser("definitions", help="print every metric's definition (the README's block, in Markdown)")


def _days(args: argparse.Namespace) -> list[date] | None:
    """The days asked for, or None for the pending pass; ValueError on a bad date or range."""
    if args.day and (args.start or args.end):
        raise ValueError("give --day or --from/--to, not both")
    if args.day:
        return [date.fromisoformat(args.day)]
    if bool(args.start) != bool(args.end):
        raise ValueError("--from and --to go together")
    if not args.start:
        if getattr(args, "rebuild", False):
            raise ValueError("--rebuild needs --day or --from/--to (the months to rebuild)")
        return None
    start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    if end < start:
        raise ValueError("--to is before --from")
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def run(args: argparse.Namespace) -> int:
    if args.insights_cmd == "definitions":
        from console.insights.definitions import markdown

        print(markdown())
        return 0
    return _rollup(args)


def _rollup(args: argparse.Namespace) -> int:
    from console import migrate
    from console.actor import cli_actor
    from console.errors import ConsoleError
    from console.insights.rollup import rollup_days, rollup_pending

    try:
        days = _days(args)
    except ValueError as exc:
        print(f"Cannot roll up: {exc} (dates are YYYY-MM-DD).", file=sys.stderr)
        return 2
    areas = [a.strip() for a in args.areas.split(",") if a.strip()] or None
    migrate.upgrade(None)
    try:
        if days is None:
            results = rollup_pending(actor=cli_actor(), areas=areas)
        else:
            results = rollup_days(actor=cli_actor(), days=days, areas=areas, rebuild=args.rebuild)
    except ConsoleError as exc:
        print(f"Cannot roll up: {exc.message}", file=sys.stderr)
        return 2
    failed = [r for r in results if r.error]
    for r in results:
        status = f"FAILED {r.error}" if r.error else f"{r.rows:,} rows"
        if r.kept:
            status = f"kept ({r.rows:,} rows; a closed month, --rebuild recomputes it)"
        print(f"{r.day} {r.area}: {status} in {r.seconds:.2f} s")
    return 1 if failed else 0
