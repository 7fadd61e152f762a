"""`run.py`'s arguments: one sub-parser per command (console/cli.py runs them; areas with their own tools add
their sub-parsers from their cli modules)."""

from __future__ import annotations

import argparse
from typing import Any

from console.ads.cli import add_parser as add_ads_parser
from console.insights.cli import add_parser as add_insights_parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="run.py", description="Staff console for a video streaming platform.")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="migrate, seed on first start, and serve on CONSOLE_PORT (default)")
    _add_test_parser(sub)
    mig = sub.add_parser("migrate", help="upgrade the database to the newest revision (or --to / --down)")
    mig.add_argument("--to", default="head", help="revision to upgrade to (default: head)")
    mig.add_argument("--down", default=None, help="revision to downgrade to (e.g. base)")
    _add_seed_parser(sub)
    _add_staff_parser(sub)
    audit = sub.add_parser("audit", help="audit chain tools")
    audit_sub = audit.add_subparsers(dest="audit_cmd", required=True)
    audit_sub.add_parser(
        "verify",
        help="walk the hash chain and compare it with every checkpoint (CONSOLE_AUDIT_CHECKPOINT_PATH), then "
        "checkpoint the head: exit 0 if intact, 1 and the first broken or missing event id if not, 2 if the "
        "checkpoint file cannot be read or written",
    )
    dbcmd = sub.add_parser("db", help="database roles (PostgreSQL)")
    db_sub = dbcmd.add_subparsers(dest="db_cmd", required=True)
    grant = db_sub.add_parser(
        "grant-app-role",
        help="print (or --apply as the owner) the grants for a console role that cannot change or delete audit "
        "events nor lift the audit triggers",
    )
    grant.add_argument("--role", required=True, help="the existing login role the console will connect as")
    grant.add_argument(
        "--apply", action="store_true", help="check the role and grant, connected as CONSOLE_MIGRATION_DATABASE_URL"
    )
    bench = sub.add_parser("bench", help="measure page and query times on the database in CONSOLE_DATABASE_URL")
    bench.add_argument("--json", default=None, help="also write the results to this JSON file")
    bench.add_argument("--runs", type=int, default=20, help="repetitions per measurement (default 20)")
    bench.add_argument(
        "--only",
        default=None,
        help="comma-separated areas to measure: members, catalog, compliance, moderation, billing, ads, insights, "
        "pages "
        "(default all)",
    )
    records = sub.add_parser("records", help="2257 records tools")
    records_sub = records.add_subparsers(dest="records_cmd", required=True)
    export = records_sub.add_parser(
        "export", help="write the inspection ZIP (indexes, PDF, decrypted ID copies) into a folder; prints its path"
    )
    export.add_argument("--out", required=True, help="folder to write the ZIP into (created if missing)")
    records_sub.add_parser(
        "sweep",
        help="ask the publishing gate about every public video now and put those the 2257 checks refuse on hold "
        "(exit 3 if any was held)",
    )
    records_sub.add_parser(
        "rekey",
        help="re-encrypt ID scans and TOTP secrets still under a key of CONSOLE_RECORDS_OLD_KEYS with "
        "CONSOLE_RECORDS_KEY (exit 4 if something no configured key opens)",
    )
    uploads = sub.add_parser("uploads", help="uploaded files")
    uploads_sub = uploads.add_subparsers(dest="uploads_cmd", required=True)
    orphans = uploads_sub.add_parser(
        "sweep",
        help="remove uploaded thumbnails and ID scan files that no row refers to and that are old enough "
        "(15 days for thumbnails, which unsaved drafts may still name; 24 hours for scans)",
    )
    orphans.add_argument("--older-than-hours", type=float, help="one grace period for both kinds instead")
    orphans.add_argument("--dry-run", action="store_true", help="list what would be removed; remove nothing")
    _add_billing_parser(sub)
    add_ads_parser(sub)
    add_insights_parser(sub)
    return parser


def _add_test_parser(sub: Any) -> None:
    test = sub.add_parser(
        "test", help="run the test suite on SQLite and a throwaway PostgreSQL, side by side (extra args go to pytest)"
    )
    test.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    test.add_argument("--no-lint", action="store_true", help="skip ruff and mypy")
    test.add_argument(
        "--serial",
        action="store_true",
        help="with --db both: one database after the other, output on the terminal (for a one-core machine)",
    )
    for name in ("sqlite", "pg"):
        test.add_argument(
            f"--{name}-workers",
            type=int,
            default=None,
            metavar="N",
            help=f"pytest-xdist workers for the {'SQLite' if name == 'sqlite' else 'PostgreSQL'} pass, each with its "
            "own database and local Stripe server (default: 2 when the run covers 30 or more test files, e.g. the "
            "whole suite, else 1; 1 with --serial)",
        )


def _add_seed_parser(sub: Any) -> None:
    seed = sub.add_parser("seed", help="add demo data (--demo) or the benchmark dataset (--scale)")
    seed.add_argument("--demo", action="store_true", help="a few hundred realistic members, staff accounts per role")
    seed.add_argument("--scale", action="store_true", help="the benchmark dataset (bulk insert / COPY)")
    seed.add_argument("--members", type=int, default=1_000_000, help="members for --scale (default 1,000,000)")
    seed.add_argument("--videos", type=int, default=100_000, help="videos for --scale (default 100,000)")
    seed.add_argument("--performers", type=int, default=20_000, help="performers for --scale (default 20,000)")
    seed.add_argument("--impressions", type=int, default=None, help="ad impressions (default 20 per member)")
    seed.add_argument(
        "--areas",
        default="members,catalog,compliance,moderation,billing,ads,insights",
        help="--scale parts, comma-separated (default all; e.g. `moderation` alone on a database that has the rest; "
        "`members,billing` for billing alone; `ads` alone; `insights` on a database with the rest)",
    )


def _add_staff_parser(sub: Any) -> None:
    staff = sub.add_parser("staff", help="create or list staff accounts")
    staff_sub = staff.add_subparsers(dest="staff_cmd", required=True)
    create = staff_sub.add_parser("create", help="create a staff account; the password is read from stdin or a prompt")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument(
        "--role",
        action="append",
        required=True,
        help="admin, moderator, content, compliance, ads, finance, executive (repeat or comma-separate)",
    )
    staff_sub.add_parser("list", help="list staff accounts")


def _add_billing_parser(sub: Any) -> None:
    billing = sub.add_parser("billing", help="billing tools")
    billing_sub = billing.add_subparsers(dest="billing_cmd", required=True)
    reconcile = billing_sub.add_parser(
        "reconcile",
        help="settle refunds left submitting or pending from Stripe's records, re-sending those Stripe never got "
        "(exit 3 if some stay unknown)",
    )
    reconcile.add_argument("--payment", type=int, default=None, help="only this payment's refunds")
    reconcile.add_argument(
        "--older-than", type=int, default=0, help="only refunds sent at least this many seconds ago (default 0)"
    )
