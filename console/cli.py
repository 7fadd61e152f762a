"""Command line: serve | test | migrate | seed | staff | audit | db | bench | records (`run.py --help` lists them)."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Sequence

from console.actor import cli_actor
from console.ads.cli import run as cmd_ads
from console.cli_parser import build_parser
from console.config import ConfigError, get_settings
from console.insights.cli import run as cmd_insights


def _configure_storage() -> None:
    settings = get_settings()
    settings.storage_path.mkdir(parents=True, exist_ok=True)
    # Per-browser storage holds session tokens and drafts of 2257 forms (console/ui/drafts.py): this user only.
    settings.storage_path.chmod(0o700)
    os.environ.setdefault("NICEGUI_STORAGE_PATH", str(settings.storage_path))


def cmd_serve(args: argparse.Namespace) -> int:
    settings = get_settings()
    try:
        settings.effective_storage_secret()
    except ConfigError as exc:
        print(f"Refusing to start: {exc}", file=sys.stderr)
        return 2
    _configure_storage()
    from console import db, migrate, seed

    print(f"Database: {db.get_engine().url.render_as_string(hide_password=True)}", flush=True)
    try:
        migrate.upgrade(settings.effective_migration_database_url)
    except ConfigError as exc:
        print(f"Refusing to start: {exc}", file=sys.stderr)
        return 2
    _warn_about_the_database_role()
    if not settings.is_production:
        created = seed.ensure_demo_staff()
        if created:
            print("\nDemo staff accounts (shown once; change them or deactivate them in Staff):")
            for email, roles, password in created:
                print(f"  {email:<32} {password:<24} {roles}")
            print()
        if seed.database_is_empty():
            print("Seeding demo data ...", flush=True)
            seed.seed_demo()
            for message in seed.area_demos():
                print(message, flush=True)
    elif seed.count_staff() == 0:
        print(
            "No staff accounts yet: create an administrator with\n"
            "  python3 run.py staff create --email you@example.com --name 'Your Name' --role admin",
            flush=True,
        )
    from nicegui import ui

    from console.web import create_app, run_options

    create_app()
    options = run_options()
    print(f"Serving the console on http://localhost:{options['port']}", flush=True)
    ui.run(**options)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from console import migrate

    try:
        if args.down:
            migrate.downgrade(None, args.down)
        else:
            migrate.upgrade(None, args.to)
    except ConfigError as exc:  # a migration that needs a setting (0012: CONSOLE_RECORDS_KEY) stops with a message
        print(f"Migration stopped: {exc}", file=sys.stderr)
        return 2
    print("Migrations applied.")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    from console import migrate, seed

    migrate.upgrade(None)
    if args.demo:
        created = seed.ensure_demo_staff()
        for email, roles, password in created:
            print(f"  {email:<32} {password:<24} {roles}")
        print(seed.seed_demo())
        for message in seed.area_demos():
            print(message)
    if args.scale:
        areas = tuple(a.strip() for a in args.areas.split(",") if a.strip())
        try:
            counts = {"members": args.members, "videos": args.videos, "performers": args.performers}
            print(seed.seed_scale(**counts, impressions=args.impressions, areas=areas))
        except (ValueError, RuntimeError) as exc:
            print(f"Cannot seed: {exc}", file=sys.stderr)
            return 2
    if not (args.demo or args.scale):
        print("Nothing to do: pass --demo or --scale.", file=sys.stderr)
        return 2
    return 0


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Repeat password: "):
            raise SystemExit("The passwords differ.")
        return first
    return sys.stdin.readline().rstrip("\n")


def cmd_staff(args: argparse.Namespace) -> int:
    from console import migrate
    from console.actor import SYSTEM
    from console.db import session_scope
    from console.errors import ConsoleError, ValidationFailed
    from console.staff import service

    migrate.upgrade(None)
    if args.staff_cmd == "create":
        roles = [r.strip() for value in args.role for r in value.split(",") if r.strip()]
        password = _read_password()
        try:
            with session_scope() as session:
                staff, _ = service.create_staff(
                    session,
                    actor=SYSTEM,
                    email=args.email,
                    name=args.name,
                    roles=roles,
                    password=password,
                    must_change_password=False,
                )
                print(f"Created staff #{staff.id} {staff.email} ({', '.join(staff.roles)}).")
        except ValidationFailed as exc:
            for field, message in exc.errors.items():
                print(f"{field}: {message}", file=sys.stderr)
            return 1
        except ConsoleError as exc:
            print(exc.message, file=sys.stderr)
            return 1
        return 0
    from console.paging import PageRequest

    with session_scope() as session:
        page = service.list_staff(session, actor=SYSTEM, flt=service.StaffFilter(), page=PageRequest(1, 200, "email"))
        for s in page.rows:
            state = "active" if s.is_active else "deactivated"
            print(
                f"{s.id:>5}  {s.email:<32} {s.name:<24} {','.join(s.roles):<28} {state:<11} "
                f"2fa={'on' if s.totp_enabled else 'off'}"
            )
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """`audit verify`: the chain and every checkpoint of this database; then the verified head is checkpointed.
    Exit 0 intact, 1 broken or truncated (the first broken event's id on the last line), 2 checkpoint file trouble."""
    from console.audit.anchor import verify_and_anchor
    from console.audit.checkpoints import CheckpointFileError

    path = get_settings().checkpoint_path
    try:
        result = verify_and_anchor(source="cli")
    except CheckpointFileError as exc:
        print(f"Audit chain not verified: {exc.message}", file=sys.stderr)
        return 2
    for note in result.notes:
        print(f"Note: {note}", file=sys.stderr)
    if not result.ok:
        print(
            f"Audit chain BROKEN at event {result.first_broken_id}: {result.problem} "
            f"({result.checked} events before it verified)."
        )
        print(result.first_broken_id)
        return 1
    n = result.checkpoints
    against = f", matching {n} checkpoint{'s' if n != 1 else ''}" if n else ""
    print(f"Audit chain intact: {result.checked} events verified{against}.")
    if result.anchored:
        print(f"Checkpoint written to {path}: event {result.head_id}, hash {result.head_hash}.")
    elif result.head_id is not None:
        return 2  # intact, but the head could not be anchored (the note above says why)
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    """`db grant-app-role --role NAME [--apply]`: the least-privilege grants for the console's PostgreSQL role."""
    from sqlalchemy.pool import NullPool

    from console.db import make_engine
    from console.dbroles import RoleRefused, grant_app_role, grant_statements, quote_role

    try:
        if not args.apply:
            print("-- Run as the owner of the console's tables (the role of CONSOLE_MIGRATION_DATABASE_URL).")
            print(f"-- Create the role first: CREATE ROLE {quote_role(args.role)} LOGIN PASSWORD '…';")
            print("\n".join(f"{statement};" for statement in grant_statements(quote_role(args.role))))
            return 0
        engine = make_engine(get_settings().effective_migration_database_url, poolclass=NullPool)
        try:
            with engine.begin() as conn:
                statements = grant_app_role(conn, args.role)
        finally:
            engine.dispose()
    except RoleRefused as exc:
        print(exc.message, file=sys.stderr)
        return 2
    print("\n".join(f"{statement};" for statement in statements))
    print(
        f"Granted. Connect the console as {args.role!r} (CONSOLE_DATABASE_URL) and keep the owner for migrations "
        "(CONSOLE_MIGRATION_DATABASE_URL)."
    )
    return 0


def _warn_about_the_database_role() -> None:
    from console import db
    from console.dbroles import connection_warnings

    with db.get_engine().connect() as conn:
        warnings = connection_warnings(conn)
    for warning in warnings:
        print(
            f"Warning: {warning}: it can lift the audit table's append-only triggers. See 'Running with least "
            "privilege on PostgreSQL' in the README (python3 run.py db grant-app-role --role NAME).",
            file=sys.stderr,
            flush=True,
        )


def cmd_test(args: argparse.Namespace, extra: list[str]) -> int:
    from console.testrunner import run_tests

    return run_tests(
        databases=args.db,
        pytest_args=extra,
        lint=not args.no_lint,
        serial=args.serial,
        pg_workers=args.pg_workers,
        sqlite_workers=args.sqlite_workers,
    )


def cmd_bench(args: argparse.Namespace) -> int:
    from console.bench import AREAS, run_bench

    only = tuple(a.strip() for a in args.only.split(",") if a.strip()) if args.only else AREAS
    report = run_bench(runs=args.runs, only=only)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(report, fh, indent=2)
        print(f"Wrote {args.json}")
    return 0


def cmd_records(args: argparse.Namespace) -> int:
    from console import migrate

    migrate.upgrade(None)
    if args.records_cmd == "sweep":
        return _records_sweep()
    if args.records_cmd == "rekey":
        return _records_rekey()
    return _records_export(args)


def _records_rekey() -> int:
    """`records rekey`: everything under an old records key moved to the current one; exit 4 if some cannot be."""
    from console.db import session_scope
    from console.records_rekey import rekey_records

    def report(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\rID scans {done:,}/{total:,}".ljust(40), end="", file=sys.stderr, flush=True)

    with session_scope() as session:
        result = rekey_records(session, actor=cli_actor(), progress=report)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(
        f"ID scans: {result.scans_moved:,} re-encrypted, {result.scans_current:,} already under the current key. "
        f"TOTP secrets: {result.secrets_moved:,} re-encrypted, {result.secrets_current:,} already current."
    )
    if result.complete:
        print("Everything is under CONSOLE_RECORDS_KEY: CONSOLE_RECORDS_OLD_KEYS can be removed.")
        return 0
    if result.scans_missing:
        print(f"Scan files missing (restore them from backup, then run again): ids {result.scans_missing[:20]}")
    if result.scans_unreadable or result.secrets_unreadable:
        print(
            "No configured key opens these (add the key they were stored with to CONSOLE_RECORDS_OLD_KEYS and run "
            f"again): scan ids {result.scans_unreadable[:20]}, staff ids {result.secrets_unreadable[:20]}"
        )
    return 4


def _records_sweep() -> int:
    """`records sweep`: ask the gate about every public video now; exit 3 when any was put on hold."""
    from console.compliance.sweep import run_sweep
    from console.errors import ConsoleError

    def report(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\rChecked {done:,}/{total:,} public videos".ljust(60), end="", file=sys.stderr, flush=True)

    try:
        result = run_sweep(actor=cli_actor(), trigger="cli", progress=report)
    except ConsoleError as exc:
        print(f"Sweep refused: {exc.message}", file=sys.stderr)
        return 1
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(
        f"Sweep #{result.sweep_id}: {result.checked:,} public videos checked, {result.failing:,} failing, "
        f"{result.held:,} put on compliance hold."
    )
    for finding in result.findings[:50]:
        verdict = "HELD" if finding["held"] else "listed"
        print(f"  {verdict:<6} #{finding['video_id']} {finding['title']}: {'; '.join(finding['reasons'])}")
    return 3 if result.held else 0


def cmd_uploads(args: argparse.Namespace) -> int:
    """`uploads sweep`: remove uploaded files that no row refers to (console/uploads.py)."""
    from datetime import timedelta

    from console import migrate
    from console.db import session_scope
    from console.uploads import SCAN_GRACE, THUMBNAIL_GRACE, sweep_orphans

    hours = args.older_than_hours
    if hours is not None and not 0 <= hours <= 24 * 3650:
        print("--older-than-hours must be between 0 and 87600", file=sys.stderr)
        return 2
    migrate.upgrade(None)
    thumbnail_grace = THUMBNAIL_GRACE if hours is None else timedelta(hours=hours)
    scan_grace = SCAN_GRACE if hours is None else timedelta(hours=hours)
    with session_scope() as session:
        report = sweep_orphans(session, thumbnail_grace=thumbnail_grace, scan_grace=scan_grace, dry_run=args.dry_run)
    verb = "Would remove" if args.dry_run else "Removed"
    print(
        f"{verb} {len(report.thumbnails):,} unreferenced thumbnail(s) and {len(report.scans):,} ID scan file(s); "
        f"{report.too_young:,} unreferenced file(s) younger than the grace period kept (default "
        f"{THUMBNAIL_GRACE.days} days for thumbnails, {SCAN_GRACE.total_seconds() / 3600:.0f} hours for scans)."
    )
    for path in (report.thumbnails + report.scans)[:50]:
        print(f"  {path}")
    return 0


def _records_export(args: argparse.Namespace) -> int:
    """`records export --out DIR`: the 2257 inspection ZIP, written as the system actor named after the Unix user."""
    from pathlib import Path

    from console.compliance.export import build_inspection_zip, discard
    from console.db import session_scope
    from console.errors import ConsoleError

    actor = cli_actor()
    out = Path(args.out).expanduser()
    if out.exists() and not out.is_dir():
        print(f"Cannot export: {out} is a file, not a folder.", file=sys.stderr)
        return 2

    def report(done: int, total: int, label: str) -> None:
        if sys.stderr.isatty():
            print(f"\r{label}: {done:,}/{total:,}".ljust(60), end="", file=sys.stderr, flush=True)

    result = None
    try:
        with session_scope() as session:
            result = build_inspection_zip(session, actor=actor, out_dir=out, progress=report)
    except ConsoleError as exc:
        if result is not None:
            discard(result)
        print(f"\nExport failed: {exc.message}", file=sys.stderr)
        return 1
    except OSError as exc:
        if result is not None:
            discard(result)
        print(f"\nExport failed: {exc.strerror or exc} ({exc.filename or out})", file=sys.stderr)
        return 1
    except BaseException:
        if result is not None:
            discard(result)
        raise
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(result.path)
    counts = ", ".join(f"{v:,} {k}" for k, v in result.counts().items())
    print(f"{counts}; {result.size_bytes:,} bytes; SHA-256 {result.sha256}", file=sys.stderr)
    if result.problems:
        print(f"{len(result.problems)} ID copies could not be included (see PROBLEMS.txt in the ZIP):", file=sys.stderr)
        for problem in result.problems[:20]:
            print(f"  {problem}", file=sys.stderr)
        return 3
    return 0


def cmd_billing(args: argparse.Namespace) -> int:
    """`billing reconcile`: ask Stripe about refunds left submitting or pending; exit 3 if some stay unknown."""
    from console import migrate
    from console.billing.service.refunds import reconcile_refunds

    migrate.upgrade(None)
    report = reconcile_refunds(actor=cli_actor(), payment_id=args.payment, older_than_seconds=args.older_than)
    for message in report.messages:
        print(f"  {message}")
    print(
        f"Refunds checked: {report.checked}, settled: {report.settled}, sent again: {report.resent}, still pending at "
        f"Stripe: {report.still_pending}, still unknown: {report.still_unknown}."
    )
    return 3 if report.still_unknown else 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if argv and argv[0] == "test":
        args, extra = parser.parse_known_args(argv)
        return cmd_test(args, extra)
    args = parser.parse_args(argv)
    command = args.command or "serve"
    handlers = {
        "serve": cmd_serve,
        "migrate": cmd_migrate,
        "seed": cmd_seed,
        "staff": cmd_staff,
        "audit": cmd_audit,
        "db": cmd_db,
        "bench": cmd_bench,
        "records": cmd_records,
        "uploads": cmd_uploads,
        "billing": cmd_billing,
        "ads": cmd_ads,
        "insights": cmd_insights,
    }
    return handlers[command](args)


if __name__ == "__main__":
    sys.exit(main())
