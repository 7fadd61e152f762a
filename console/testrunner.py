"""`run.py test`: lint, then the suite on SQLite and on a throwaway PostgreSQL, side by side (or `--serial`).

Each pass has its own local Stripe server, temporary directory, caches and (side by side) log: console/testpasses.py.
For the whole suite (or many files) each pass runs on two pytest-xdist workers, each worker with its own database and
local Stripe server, so that both cores stay busy to the end (`--sqlite-workers N` / `--pg-workers N` choose).
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
# From this many test files on (the whole suite has ~150) each pass runs on two pytest-xdist workers. With one pytest
# per pass the PostgreSQL pass took ~1.5x as long as the SQLite pass (29 vs 19 minutes), and one core sat idle for
# the last third; two workers per pass share both cores to the end, whole files at a time. For a handful of files
# the workers' start-up (imports, migrating a second database) costs more than it saves.
SPLIT_FROM_FILES = 30
WORKERS = 2
_XDIST_OPTIONS = ("-n", "--numprocesses", "--dist")


# pytest options whose value is the next argument (a `-k tests` pattern or an `--ignore tests/ui` names no test path)
_TAKES_VALUE = {"-k", "-m", "-p", "-o", "-c", "-W", "-n", "-r", "--tb", "--maxfail", "--durations", "--dist"}
_TAKES_VALUE |= {"--ignore", "--ignore-glob", "--deselect", "--basetemp", "--rootdir", "--confcutdir"}


def count_test_files(pytest_args: list[str]) -> int:
    """How many test files the pytest arguments name (every `tests/**/test_*.py` when they name no path)."""
    named = [
        arg
        for before, arg in zip(["", *pytest_args], pytest_args, strict=False)
        if before not in _TAKES_VALUE and not arg.startswith("-") and (ROOT / arg.split("::")[0]).exists()
    ]
    total = 0
    for arg in named or ["tests"]:
        path = ROOT / arg.split("::")[0]
        total += len(list(path.rglob("test_*.py"))) if path.is_dir() else 1
    return total


def pass_workers(requested: int | None, pytest_args: list[str], serial: bool) -> int:
    """A pass's workers: as asked (`--sqlite-workers`, `--pg-workers`), else 2 for the whole suite or many files."""
    if requested is not None:
        return max(1, requested)
    if serial or any(arg.startswith(_XDIST_OPTIONS) or arg.endswith("no:xdist") for arg in pytest_args):
        return 1  # one core, or the caller chose pytest-xdist's options itself
    return WORKERS if count_test_files(pytest_args) >= SPLIT_FROM_FILES else 1


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
    *,
    databases: str = "both",
    pytest_args: list[str] | None = None,
    lint: bool = True,
    serial: bool = False,
    pg_workers: int | None = None,
    sqlite_workers: int | None = None,
) -> int:
    # A CI runner or Ctrl-C stops us with SIGTERM/SIGINT: exit through `finally` so the passes are stopped and the
    # cluster is removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    extra = list(pytest_args or [])
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("CONSOLE_") or k == "CONSOLE_TEST_AS_APP_ROLE"}
    results: dict[str, int] = {}
    if lint:
        results["ruff"] = _run(
            [sys.executable, "-m", "ruff", "check", "console", "migrations", "tests", "tools", "run.py"], label="ruff"
        )
        results["mypy"] = _run([sys.executable, "-m", "mypy", "console", "tools"], label="mypy")
    names = [name for name in LABELS if databases in (name, "both")]
    workers = {
        "sqlite": pass_workers(sqlite_workers, extra, serial),
        "postgres": pass_workers(pg_workers, extra, serial),
    }
    if "sqlite" in names:
        ensure_browser()
    if len(names) > 1 and not serial:
        _side_by_side(names, extra, base_env, results, workers)
    else:
        for name in names:
            _one_after_another(name, extra, base_env, results, workers[name])
    print("\n=== summary ===")
    for name, code in results.items():
        print(f"  {name:<22} {'ok' if code == 0 else f'FAILED (exit {code})'}")
    return 0 if results and all(code == 0 for code in results.values()) else 1


def _side_by_side(
    names: list[str], extra: list[str], base_env: dict[str, str], results: dict[str, int], workers: dict[str, int]
) -> None:
    with ExitStack() as stack:
        passes: list[SuitePass] = []
        for name in names:
            env = _servers(name, stack, base_env, results, workers[name])
            if env is not None:
                passes.append(stack.enter_context(make_pass(name, LABELS[name], env, extra, workers[name])))
        if passes:
            codes = run_side_by_side(passes)
            results.update({f"pytest ({label})": code for label, code in codes.items()})


def _one_after_another(
    name: str, extra: list[str], base_env: dict[str, str], results: dict[str, int], workers: int
) -> None:
    with ExitStack() as stack:
        env = _servers(name, stack, base_env, results, workers)
        if env is not None:
            test_pass = stack.enter_context(make_pass(name, LABELS[name], env, extra, workers))
            results[f"pytest ({LABELS[name]})"] = run_in_foreground(test_pass)


def _servers(
    name: str, stack: ExitStack, base_env: dict[str, str], results: dict[str, int], workers: int = 1
) -> dict[str, str] | None:
    """Start this pass's localstripe (one per worker: the billing tests' Stripe objects stay apart) and PostgreSQL
    on `stack`; the pass's environment, or None (recorded) if one fails. Worker N's server is in
    CONSOLE_TEST_STRIPE_URL_GW<N>, which tests/conftest.py makes that worker's CONSOLE_TEST_STRIPE_URL."""
    label = LABELS[name]
    env = dict(base_env)
    for index in range(workers):
        own = f"-gw{index}" if workers > 1 else ""
        log = VAR / f"localstripe-{name}{own}.log"
        try:
            stripe_url = stack.enter_context(local_stripe(log_path=log))
        except StripeServerUnavailable as exc:
            print(f"The local Stripe server for {label} could not be started: {exc}", flush=True)
            results[f"localstripe ({label})"] = 1
            return None
        print(f"localstripe for {label}{own} on {stripe_url} (log: {log.relative_to(ROOT)})", flush=True)
        env.setdefault("CONSOLE_TEST_STRIPE_URL", stripe_url)
        if workers > 1:
            env[f"CONSOLE_TEST_STRIPE_URL_GW{index}"] = stripe_url
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
