"""`run.py test`: lint, then the suite on SQLite and on a throwaway PostgreSQL, side by side (or `--serial`).

Each pass has its own local Stripe server, temporary directory, caches and (side by side) log: console/testpasses.py.
Exits non-zero when anything fails, including "no tests collected" (pytest's exit code 5).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

from console.devdb import PostgresUnavailable, throwaway_postgres
from console.devstripe import StripeServerUnavailable, local_stripe
from console.testpasses import VAR, SuitePass, make_pass, run_in_foreground, run_side_by_side

ROOT = Path(__file__).resolve().parent.parent
LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def _run(argv: list[str], env: dict[str, str] | None = None, label: str = "") -> int:
    print(f"\n=== {label or ' '.join(argv)} ===", flush=True)
    return subprocess.run(argv, cwd=ROOT, env=env, check=False).returncode  # noqa: S603


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


def run_tests(
    *, databases: str = "both", pytest_args: list[str] | None = None, lint: bool = True, serial: bool = False
) -> int:
    # A CI runner or Ctrl-C stops us with SIGTERM/SIGINT: exit through `finally` so the passes are stopped and the
    # cluster is removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    extra = list(pytest_args or [])
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("CONSOLE_") or k == "CONSOLE_TEST_AS_APP_ROLE"}
    results: dict[str, int] = {}
    if lint:
        results["ruff"] = _run(
            [sys.executable, "-m", "ruff", "check", "console", "migrations", "tests", "run.py"], label="ruff"
        )
        results["mypy"] = _run([sys.executable, "-m", "mypy", "console"], label="mypy")
    names = [name for name in LABELS if databases in (name, "both")]
    if "sqlite" in names:
        ensure_browser()
    if len(names) > 1 and not serial:
        _side_by_side(names, extra, base_env, results)
    else:
        for name in names:
            _one_after_another(name, extra, base_env, results)
    print("\n=== summary ===")
    for name, code in results.items():
        print(f"  {name:<22} {'ok' if code == 0 else f'FAILED (exit {code})'}")
    return 0 if results and all(code == 0 for code in results.values()) else 1


def _side_by_side(names: list[str], extra: list[str], base_env: dict[str, str], results: dict[str, int]) -> None:
    with ExitStack() as stack:
        passes: list[SuitePass] = []
        for name in names:
            env = _servers(name, stack, base_env, results)
            if env is not None:
                passes.append(stack.enter_context(make_pass(name, LABELS[name], env, extra)))
        if passes:
            codes = run_side_by_side(passes)
            results.update({f"pytest ({label})": code for label, code in codes.items()})


def _one_after_another(name: str, extra: list[str], base_env: dict[str, str], results: dict[str, int]) -> None:
    with ExitStack() as stack:
        env = _servers(name, stack, base_env, results)
        if env is not None:
            test_pass = stack.enter_context(make_pass(name, LABELS[name], env, extra))
            results[f"pytest ({LABELS[name]})"] = run_in_foreground(test_pass)


def _servers(name: str, stack: ExitStack, base_env: dict[str, str], results: dict[str, int]) -> dict[str, str] | None:
    """Start this pass's localstripe (and PostgreSQL) on `stack`; its environment, or None (recorded) if one fails."""
    label = LABELS[name]
    log = VAR / f"localstripe-{name}.log"
    try:
        stripe_url = stack.enter_context(local_stripe(log_path=log))
    except StripeServerUnavailable as exc:
        print(f"The local Stripe server for {label} could not be started: {exc}", flush=True)
        results[f"localstripe ({label})"] = 1
        return None
    print(f"localstripe for {label} on {stripe_url} (log: {log.relative_to(ROOT)})", flush=True)
    env = base_env | {"CONSOLE_TEST_STRIPE_URL": stripe_url}
    if name != "postgres":
        return env
    try:
        url = stack.enter_context(throwaway_postgres("console_test"))
    except PostgresUnavailable as exc:
        print(f"PostgreSQL could not be started: {exc}", flush=True)
        results[f"pytest ({label})"] = 1
        return None
    print(f"throwaway PostgreSQL on {url.split('@')[-1]}", flush=True)
    return env | {"CONSOLE_TEST_DATABASE_URL": url}
