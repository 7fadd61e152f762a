"""`run.py test`'s side-by-side passes (console/testpasses.py), driven with small scripts in place of pytest: every
exit code reaches the verdict (5 too), a failed pass's failures and short summary are printed, an interrupted run
stops the passes and what they started, and each pass gets its own temporary directory, caches and log."""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from console import testpasses
from console.testpasses import SuitePass, failure_excerpt, make_pass, run_in_foreground, run_side_by_side

FAILED_LOG = """\
============================= test session starts ==============================
collected 3 items

tests/a.py .F.                                                           [100%]

=================================== FAILURES ===================================
_________________________________ test_broken __________________________________
    def test_broken():
>       assert 1 == 2
E       assert 1 == 2
=========================== short test summary info ============================
FAILED tests/a.py::test_broken - assert 1 == 2
========================= 1 failed, 2 passed in 0.12s ==========================
"""


def fake(tmp_path: Path, name: str, script: str) -> SuitePass:
    return SuitePass(
        name=name,
        label=name.title(),
        env={},
        argv=[sys.executable, "-c", script],
        tmp=tmp_path / f"tmp-{name}",
        log=tmp_path / f"test-{name}.log",
    )


def printing(text: str, code: int) -> str:
    return f"import sys; sys.stdout.write({text!r}); sys.exit({code})"


@pytest.fixture
def signals() -> Iterator[None]:
    """run_side_by_side ignores SIGINT/SIGTERM once interrupted: put this process's handlers back."""
    saved = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGINT, saved[0])
    signal.signal(signal.SIGTERM, saved[1])


def test_both_verdicts_come_back_and_the_failure_is_printed(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    good = fake(tmp_path, "good", printing("...\n=== 3 passed in 0.05s ===\n", 0))
    bad = fake(tmp_path, "bad", printing(FAILED_LOG, 1))
    assert run_side_by_side([good, bad]) == {"Good": 0, "Bad": 1}
    out = capsys.readouterr().out
    assert "pytest on Good: ok after 0m0" in out and "3 passed in 0.05s" in out
    assert "pytest on Bad: FAILED (exit 1)" in out and "1 failed, 2 passed in 0.12s" in out
    assert "E       assert 1 == 2" in out and "FAILED tests/a.py::test_broken - assert 1 == 2" in out
    assert f"full output: {bad.log}" in out
    assert bad.log.read_text() == FAILED_LOG  # the whole output is in the pass's own log


def test_no_tests_collected_is_a_failure(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    empty = fake(tmp_path, "empty", printing("=== no tests ran in 0.01s ===\n", 5))
    assert run_side_by_side([empty]) == {"Empty": 5}
    assert "collected no tests: that is a failure here" in capsys.readouterr().out


def test_a_pass_killed_by_a_signal_fails(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    killed = fake(tmp_path, "killed", "import os, signal; print('half way', flush=True); os.kill(os.getpid(), 9)")
    assert run_side_by_side([killed]) == {"Killed": -9}
    out = capsys.readouterr().out
    assert "FAILED (exit -9)" in out and "(no pytest summary line)" in out and "half way" in out


def test_the_excerpt_keeps_the_short_summary_whole_and_caps_the_details() -> None:
    details = [f"E   line {n}" for n in range(1000)]
    lines = ["header", "=== FAILURES ===", *details, "=== short test summary info ===", "FAILED a", "FAILED b"]
    excerpt = failure_excerpt(lines).splitlines()
    assert excerpt[0] == "=== FAILURES ===" and "header" not in excerpt
    assert f"... ({1001 - testpasses.FAILURE_LINES} more lines of failure details in the log)" in excerpt
    assert excerpt[-3:] == ["=== short test summary info ===", "FAILED a", "FAILED b"]
    crashed = [f"line {n}" for n in range(200)]
    assert failure_excerpt(crashed).splitlines() == crashed[-80:]


def test_an_interrupted_run_stops_every_pass_and_its_children(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signals: None
) -> None:
    spawner = (
        "import subprocess, sys, time; child = subprocess.Popen(['sleep', '60']); "
        f"open({str(tmp_path)!r} + '/' + sys.argv[1], 'w').write(str(child.pid)); time.sleep(60)"
    )
    passes = [fake(tmp_path, name, spawner) for name in ("one", "two")]
    for test_pass in passes:
        test_pass.argv.append(f"{test_pass.name}.pid")

    def interrupted(_passes: list[SuitePass]) -> None:
        deadline = time.monotonic() + 20
        while not all((tmp_path / f"{p.name}.pid").exists() for p in passes) and time.monotonic() < deadline:
            time.sleep(0.05)
        raise KeyboardInterrupt

    monkeypatch.setattr(testpasses, "_wait_all", interrupted)
    monkeypatch.setattr(testpasses, "STOP_GRACE_SECONDS", 0.2)
    with pytest.raises(KeyboardInterrupt):
        run_side_by_side(passes)
    children = [int((tmp_path / f"{p.name}.pid").read_text()) for p in passes]
    assert [p.code for p in passes] == [-signal.SIGTERM, -signal.SIGTERM]  # stopped, and never counted as passed
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in children)
    assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN  # a second Ctrl-C cannot cut the clean-up short


def test_each_pass_has_its_own_temp_dir_storage_and_caches(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    with make_pass("sqlite", "SQLite", {"KEEP": "1"}, ["-x"]) as one, make_pass("postgres", "PG", {}, []) as two:
        assert one.tmp.is_dir() and one.tmp != two.tmp
        assert one.env["TMPDIR"] == str(one.tmp) and one.env["KEEP"] == "1"
        assert one.env["NICEGUI_STORAGE_PATH"].startswith(str(one.tmp))
        assert one.env["HYPOTHESIS_STORAGE_DIRECTORY"] != two.env["HYPOTHESIS_STORAGE_DIRECTORY"]
        assert one.log.name == "test-sqlite.log" and two.log.name == "test-postgres.log"
        assert one.argv[-1] == "-x" and f"cache_dir={testpasses.VAR / 'test-sqlite' / 'pytest-cache'}" in one.argv
        one.argv = [sys.executable, "-c", "import os; open(os.environ['TMPDIR'] + '/x', 'w')"]
        assert run_in_foreground(one) == 0
        assert (one.tmp / "x").exists()
    assert not one.tmp.exists() and not two.tmp.exists()  # removed when the pass is over


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_progress_shows_the_last_percentage_pytest_printed(tmp_path: Path) -> None:
    running = fake(tmp_path, "run", "")
    running.started = time.monotonic()
    running.log.write_text("...")
    assert testpasses._progress(running).startswith("Run running (0m0")
    running.log.write_text("." * 80 + " [  3%]\n" + "." * 80 + " [ 12%]\n....")
    assert testpasses._progress(running).startswith("Run 12% (0m0")
