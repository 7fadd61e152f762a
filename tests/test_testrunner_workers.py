"""`run.py test` runs each pass of the whole suite on two pytest-xdist workers (console/testrunner.py), each worker on
its own database (tests/conftest.py); a targeted run of a few files stays on one plain pytest per database."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from console.testpasses import make_pass
from console.testrunner import SPLIT_FROM_FILES, WORKERS, count_test_files, pass_workers
from tests.conftest import IS_POSTGRES, TEST_URL, _worker_database


def test_the_whole_suite_counts_every_test_file() -> None:
    everything = count_test_files([])
    assert everything >= SPLIT_FROM_FILES
    assert count_test_files(["-x", "-q", "--durations=30"]) == everything  # options name no path
    assert count_test_files(["tests"]) == everything


def test_named_paths_count_only_their_files() -> None:
    assert count_test_files(["tests/test_cli.py"]) == 1
    assert count_test_files(["tests/test_cli.py::test_help", "-k", "tests"]) == 1  # "tests" is -k's pattern here
    assert count_test_files(["--ignore", "tests/ui", "tests/test_cli.py"]) == 1
    billing = count_test_files(["tests/billing"])
    assert 1 < billing < count_test_files([])
    assert count_test_files(["tests/billing", "tests/test_cli.py"]) == billing + 1


def test_two_workers_only_for_many_files() -> None:
    assert pass_workers(None, [], serial=False) == WORKERS == 2
    assert pass_workers(None, ["-x", "-q"], serial=False) == 2
    assert pass_workers(None, ["tests/billing/test_money.py", "tests/test_cli.py", "-x"], serial=False) == 1
    assert pass_workers(None, [], serial=True) == 1  # --serial is for a one-core machine
    assert pass_workers(3, ["tests/test_cli.py"], serial=False) == 3  # --pg-workers decides
    assert pass_workers(0, [], serial=False) == 1
    assert pass_workers(None, ["-n", "4"], serial=False) == 1  # the caller's own xdist options win
    assert pass_workers(None, ["-p", "no:xdist"], serial=False) == 1


def test_a_pass_on_workers_runs_pytest_xdist_by_file() -> None:
    with (
        make_pass("postgres", "PostgreSQL", {}, ["-x"], workers=2) as split,
        make_pass("sqlite", "SQLite", {}, []) as one,
    ):
        assert split.argv[-5:] == ["-n", "2", "--dist", "loadfile", "-x"] and split.workers == 2
        assert "-n" not in one.argv and one.workers == 1


@pytest.mark.skipif(not IS_POSTGRES, reason="the per-worker database is made on PostgreSQL")
def test_a_worker_gets_its_own_database_made_once() -> None:
    worker = f"gwtest{uuid.uuid4().hex[:8]}"
    url = _worker_database(TEST_URL, worker)
    server = create_engine(TEST_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        assert make_url(url).database == f"{make_url(TEST_URL).database}_{worker}"
        assert _worker_database(TEST_URL, worker) == url  # already there: used as it is
        with create_engine(url, poolclass=NullPool).connect() as conn:
            assert conn.exec_driver_sql("SELECT current_database()").scalar() == make_url(url).database
    finally:
        with server.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
        server.dispose()
