"""The pytest passes of `run.py test`: one per database, each with its own temporary directory, caches and servers.

Two pytest processes in one checkout share the working directory, so everything a run writes there or under the
system temp directory is given per pass here: `TMPDIR` (pytest's tmp_path root `pytest-of-<user>`, the conftest's
database/var directory, NiceGUI's test storage, Chromium's profile and the browser tests' served console all live
under it, and it is removed when the pass ends), `NICEGUI_STORAGE_PATH`, the pytest cache (`-o cache_dir=`) and
Hypothesis' example database (`HYPOTHESIS_STORAGE_DIRECTORY`), both kept under `var/test-<name>/`.

Side by side, each pass writes to `var/test-<name>.log`; the runner prints a progress line every minute, a line
with pytest's summary when a pass ends and, when it fails, the failures and the short summary from its log.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import psutil

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
HEARTBEAT_SECONDS = 60.0
STOP_GRACE_SECONDS = 5.0  # after Ctrl-C a pytest may end by itself (it got SIGINT too)
FAILURE_LINES = 400  # at most this many lines of the FAILURES/ERRORS sections; the short summary always in full
_SECTION = re.compile(r"^=+ (.+?) =+$")
_PERCENT = re.compile(r"\[\s*(\d+)%\]")
_SUMMARY = re.compile(r"^=*\s*(\d+ (passed|failed|errors?|skipped|deselected|xfailed|xpassed)|no tests ran)\b.* in \d")


@dataclass
class SuitePass:
    """One pytest run on one database."""

    name: str  # "sqlite" | "postgres": file names
    label: str  # "SQLite" | "PostgreSQL": what the summary says
    env: dict[str, str]
    argv: list[str]
    tmp: Path
    log: Path
    workers: int = 1  # pytest-xdist workers (1: plain pytest)
    proc: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    code: int | None = None
    _out: IO[bytes] | None = None


@contextmanager
def make_pass(
    name: str, label: str, base_env: dict[str, str], extra: list[str], workers: int = 1
) -> Iterator[SuitePass]:
    """A pass with its own TMPDIR (fresh, removed afterwards), NiceGUI storage, pytest cache, Hypothesis database.

    With `workers` > 1 pytest-xdist runs it on that many worker processes, whole test files each (`--dist loadfile`:
    a module's fixtures are set up once); tests/conftest.py gives every worker its own database.
    """
    state = VAR / f"test-{name}"
    state.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"console-test-{name}-"))
    env = base_env | {
        "TMPDIR": str(tmp),
        "NICEGUI_STORAGE_PATH": str(tmp / "nicegui"),
        "HYPOTHESIS_STORAGE_DIRECTORY": str(state / "hypothesis"),
    }
    spread = ["-n", str(workers), "--dist", "loadfile"] if workers > 1 else []
    argv = [sys.executable, "-m", "pytest", "-o", f"cache_dir={state / 'pytest-cache'}", *spread, *extra]
    try:
        yield SuitePass(
            name=name, label=label, env=env, argv=argv, tmp=tmp, log=VAR / f"test-{name}.log", workers=workers
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_in_foreground(test_pass: SuitePass) -> int:
    """Run one pass with its output on this terminal (one database, or `--serial`)."""
    print(f"\n=== pytest on {test_pass.label}{_on_workers(test_pass)} ===", flush=True)
    test_pass.started = time.monotonic()
    test_pass.proc = subprocess.Popen(test_pass.argv, cwd=ROOT, env=test_pass.env)  # noqa: S603 - our own argv
    try:
        test_pass.code = test_pass.proc.wait()
    except BaseException:  # Ctrl-C, SIGTERM: stop it (and what it started) before the database goes
        _hold_signals()
        print("\nInterrupted: stopping pytest ...", flush=True)
        stop([test_pass], grace=STOP_GRACE_SECONDS)
        raise
    if test_pass.code == 5:
        print("pytest collected no tests: that is a failure here.", flush=True)
    print(f"--- {test_pass.label}: exit {test_pass.code} after {_minutes(test_pass)}", flush=True)
    return test_pass.code


def run_side_by_side(passes: list[SuitePass]) -> dict[str, int]:
    """Start every pass at once (output to its log), report progress and each end; stop them all on the way out."""
    try:
        for test_pass in passes:
            _start(test_pass)
            print(
                f"started pytest on {test_pass.label}{_on_workers(test_pass)} (log: {_shown(test_pass.log)})",
                flush=True,
            )
        _wait_all(passes)
    except BaseException:  # Ctrl-C, SIGTERM: stop both (and what they started) before the database goes
        _hold_signals()
        print("\nInterrupted: stopping the pytest passes (their logs stay in var/) ...", flush=True)
        stop(passes, grace=STOP_GRACE_SECONDS)
        raise
    stop(passes)  # all ended: this only closes the logs
    return {p.label: p.code if p.code is not None else 1 for p in passes}


def _start(test_pass: SuitePass) -> None:
    test_pass.log.parent.mkdir(parents=True, exist_ok=True)
    test_pass._out = open(test_pass.log, "wb")  # noqa: SIM115 - closed in stop()
    test_pass.started = time.monotonic()
    test_pass.proc = subprocess.Popen(  # noqa: S603 - our own argv
        test_pass.argv, cwd=ROOT, env=test_pass.env, stdout=test_pass._out, stderr=subprocess.STDOUT
    )


def _wait_all(passes: list[SuitePass]) -> None:
    next_beat = time.monotonic() + HEARTBEAT_SECONDS
    while any(p.code is None for p in passes):
        for test_pass in passes:
            if test_pass.code is None and test_pass.proc is not None and test_pass.proc.poll() is not None:
                test_pass.code = test_pass.proc.returncode
                _report_end(test_pass)
        if time.monotonic() >= next_beat and any(p.code is None for p in passes):
            print("  progress: " + ", ".join(_progress(p) for p in passes), flush=True)
            next_beat += HEARTBEAT_SECONDS
        time.sleep(0.5)


def _progress(test_pass: SuitePass) -> str:
    if test_pass.code is not None:
        return f"{test_pass.label} done"
    found = _PERCENT.findall(_tail(test_pass.log, 16384))
    return f"{test_pass.label} {found[-1] + '%' if found else 'running'} ({_minutes(test_pass)})"


def _report_end(test_pass: SuitePass) -> None:
    if test_pass._out is not None:
        test_pass._out.close()
        test_pass._out = None
    lines = test_pass.log.read_text(errors="replace").splitlines()
    summary = next((line for line in reversed(lines) if _SUMMARY.match(line)), "(no pytest summary line)")
    verdict = "ok" if test_pass.code == 0 else f"FAILED (exit {test_pass.code})"
    took = _minutes(test_pass)
    print(f"\n=== pytest on {test_pass.label}: {verdict} after {took}: {summary.strip('= ')}", flush=True)
    if test_pass.code != 0:
        if test_pass.code == 5:
            print("pytest collected no tests: that is a failure here.", flush=True)
        print(failure_excerpt(lines), flush=True)
        print(f"=== (full output: {_shown(test_pass.log)}) ===", flush=True)


def failure_excerpt(lines: list[str]) -> str:
    """What a failed pass must show: its FAILURES/ERRORS sections (capped) and the short test summary (in full).

    Without those sections (pytest crashed, was killed, or failed before collecting) the last 80 lines.
    """
    starts = {m.group(1): i for i, line in enumerate(lines) if (m := _SECTION.match(line))}
    first = min((i for name, i in starts.items() if name in ("FAILURES", "ERRORS")), default=None)
    summary = starts.get("short test summary info")
    if first is None and summary is None:
        return "\n".join(lines[-80:])
    end = summary if summary is not None else len(lines)
    body = lines[first:end] if first is not None else []
    if len(body) > FAILURE_LINES:
        cut = len(body) - FAILURE_LINES
        body = [*body[:FAILURE_LINES], f"... ({cut} more lines of failure details in the log)"]
    return "\n".join(body + (lines[summary:] if summary is not None else []))


def stop(passes: list[SuitePass], grace: float = 0.0) -> None:
    """End every pass still running, with what it started (the browser tests' server, chromedriver, Chromium).

    The process tree is taken first, so children a dying pytest leaves behind go too. A pass gets `grace` seconds
    to end by itself (after Ctrl-C the terminal has sent it SIGINT as well), then SIGTERM, then SIGKILL after 10 s.
    The passes themselves are waited for through Popen (psutil would reap them and hide their exit codes).
    """
    running = [p.proc for p in passes if p.proc is not None and p.proc.poll() is None]
    descendants: list[psutil.Process] = []
    for proc in running:
        try:
            descendants += psutil.Process(proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            continue
    if running and grace:
        _wait(running, grace)
    for proc in running:
        if proc.poll() is None:
            proc.terminate()
    for member in descendants:
        try:
            member.terminate()  # psutil checks the pid was not reused meanwhile
        except psutil.NoSuchProcess:
            continue
    _wait(running, 10)
    _, alive = psutil.wait_procs(descendants, timeout=2)
    for proc in running:
        if proc.poll() is None:
            proc.kill()
    for member in alive:
        try:
            member.kill()
        except psutil.NoSuchProcess:
            continue
    for test_pass in passes:
        if test_pass.proc is not None and test_pass.code is None:
            test_pass.code = test_pass.proc.wait()
        if test_pass._out is not None:
            test_pass._out.close()
            test_pass._out = None


def _wait(procs: list[subprocess.Popen[bytes]], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while any(proc.poll() is None for proc in procs) and time.monotonic() < deadline:
        time.sleep(0.05)


def _hold_signals() -> None:
    """Once interrupted, a second Ctrl-C or SIGTERM must not cut the clean-up short (it is bounded: ~15 s plus
    stopping PostgreSQL), or the cluster and the processes would be left behind."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _on_workers(test_pass: SuitePass) -> str:
    return f", {test_pass.workers} workers (pytest-xdist, --dist loadfile)" if test_pass.workers > 1 else ""


def _tail(path: Path, size: int) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(max(0, os.path.getsize(path) - size))
            return handle.read().decode(errors="replace")
    except OSError:
        return ""


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _minutes(test_pass: SuitePass) -> str:
    seconds = int(time.monotonic() - test_pass.started)
    return f"{seconds // 60}m{seconds % 60:02d}s"
