"""`run.py test`: lint, then the whole suite once on SQLite and once on a throwaway PostgreSQL.

Exits non-zero when anything fails, including "no tests collected" (pytest's exit code 5).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from console.devdb import PostgresUnavailable, throwaway_postgres
from console.devstripe import StripeServerUnavailable, local_stripe

ROOT = Path(__file__).resolve().parent.parent


def _run(argv: list[str], env: dict[str, str] | None = None, label: str = "") -> int:
    print(f"\n=== {label or ' '.join(argv)} ===", flush=True)
    return subprocess.run(argv, cwd=ROOT, env=env, check=False).returncode  # noqa: S603


def _pytest(extra: list[str], env: dict[str, str], label: str) -> int:
    code = _run([sys.executable, "-m", "pytest", *extra], env=env, label=label)
    if code == 5:
        print("pytest collected no tests: that is a failure here.", flush=True)
    return code


def ensure_browser() -> None:
    """The browser tests need Debian's chromium and chromium-driver; install them when missing (as root)."""
    if shutil.which("chromium") and shutil.which("chromedriver"):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print(
            "chromium/chromedriver missing and not root: the browser tests will fail. Install the Debian "
            "packages chromium and chromium-driver.",
            flush=True,
        )
        return
    print("Installing chromium and chromium-driver for the browser tests ...", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)  # noqa: S607
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "chromium", "chromium-driver"],  # noqa: S607
        check=False,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def run_tests(*, databases: str = "both", pytest_args: list[str] | None = None, lint: bool = True) -> int:
    # A CI runner or Ctrl-C stops us with SIGTERM/SIGINT: exit through `finally` so the cluster is removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    extra = list(pytest_args or [])
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("CONSOLE_") or k == "CONSOLE_TEST_AS_APP_ROLE"}
    results: dict[str, int] = {}
    if lint:
        results["ruff"] = _run(
            [sys.executable, "-m", "ruff", "check", "console", "migrations", "tests", "run.py"], label="ruff"
        )
        results["mypy"] = _run([sys.executable, "-m", "mypy", "console"], label="mypy")
    try:
        with local_stripe(log_path=ROOT / "var" / "localstripe.log") as stripe_url:
            print(f"localstripe on {stripe_url} (log: var/localstripe.log)", flush=True)
            base_env["CONSOLE_TEST_STRIPE_URL"] = stripe_url
            _run_databases(databases, extra, base_env, results)
    except StripeServerUnavailable as exc:
        print(f"The local Stripe server could not be started: {exc}", flush=True)
        results["localstripe"] = 1
    print("\n=== summary ===")
    for name, code in results.items():
        print(f"  {name:<22} {'ok' if code == 0 else f'FAILED (exit {code})'}")
    return 0 if all(code == 0 for code in results.values()) else 1


def _run_databases(databases: str, extra: list[str], base_env: dict[str, str], results: dict[str, int]) -> None:
    if databases in ("sqlite", "both"):
        ensure_browser()
        results["pytest (SQLite)"] = _pytest(extra, base_env, "pytest on SQLite")
    if databases in ("postgres", "both"):
        try:
            with throwaway_postgres("console_test") as url:
                env = base_env | {"CONSOLE_TEST_DATABASE_URL": url}
                results["pytest (PostgreSQL)"] = _pytest(extra, env, f"pytest on PostgreSQL ({url.split('@')[-1]})")
        except PostgresUnavailable as exc:
            print(f"PostgreSQL could not be started: {exc}", flush=True)
            results["pytest (PostgreSQL)"] = 1
