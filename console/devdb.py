"""A throwaway PostgreSQL 15 cluster in a temporary directory, for `run.py test` and `run.py bench`.

PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user and its
commands run through `runuser`. The cluster listens on 127.0.0.1 only, trusts local connections,
and is stopped and deleted on exit, also when the tests fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from console.devprocs import free_port

PG_BIN_CANDIDATES = [
    Path("/usr/lib/postgresql/15/bin"),
    Path("/usr/lib/postgresql/16/bin"),
    Path("/usr/lib/postgresql/17/bin"),
]


class PostgresUnavailable(RuntimeError):
    pass


def find_pg_bin() -> Path:
    env = os.environ.get("CONSOLE_PG_BIN")
    for candidate in ([Path(env)] if env else []) + PG_BIN_CANDIDATES:
        if (candidate / "initdb").exists():
            return candidate
    raise PostgresUnavailable(
        "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/15/bin). "
        "Install the Debian package postgresql-15, or set CONSOLE_PG_BIN."
    )


def _as_owner(argv: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


@contextmanager
def throwaway_postgres(dbname: str = "console") -> Iterator[str]:
    """Yield a SQLAlchemy URL to a fresh database on a private cluster; remove everything afterwards."""
    pg_bin = find_pg_bin()
    root = Path(tempfile.mkdtemp(prefix="console-pg-"))
    data = root / "data"
    port = free_port()
    if os.geteuid() == 0:
        shutil.chown(root, user="postgres", group="postgres")
    log = root / "server.log"
    started = False
    try:
        subprocess.run(  # noqa: S603
            _as_owner(
                [
                    str(pg_bin / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
            "-c shared_buffers=256MB -c work_mem=16MB -c maintenance_work_mem=256MB -c max_wal_size=2GB"
        )
        subprocess.run(  # noqa: S603
            _as_owner(
                [str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        started = True
        subprocess.run(  # noqa: S603
            _as_owner([str(pg_bin / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", dbname]),
            check=True,
            stderr=subprocess.PIPE,
        )
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else ""
        if log.exists():
            detail += log.read_text(errors="replace")[-2000:]
        _stop(pg_bin, data, started)
        shutil.rmtree(root, ignore_errors=True)
        raise PostgresUnavailable(f"Could not start the throwaway PostgreSQL: {detail.strip()}") from exc
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/{dbname}"
    finally:
        _stop(pg_bin, data, started)
        shutil.rmtree(root, ignore_errors=True)


def _stop(pg_bin: Path, data: Path, started: bool) -> None:
    if not started:
        return
    subprocess.run(  # noqa: S603
        _as_owner([str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.1)
