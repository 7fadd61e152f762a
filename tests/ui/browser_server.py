"""The real console server the browser tests drive, and the browser: one seeded demo for the whole run.

Each browser module starts `console.cli serve` on a free port with its own data directory. Seeding the demo (every
area's, insights' 121,000 watch events and 2,000 rollups included) takes ~50 s on an idle core and ~150 s under the
suite's load, and each module used to seed its own. Now the first module to ask seeds one template data directory
(`seed --demo`, under a file lock shared by the pytest-xdist workers of one run) and every module serves a copy of
it: the server finds its database filled and starts at once, as it does on any start after the first.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from console.devprocs import CHROMIUM_FLAGS, free_port, stop

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 180  # a server's start on a loaded machine (migrations are already applied in the copy)
SEED_SECONDS = 600  # the template's seed under the suite's load


def require_browser() -> None:
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.fail(
            "chromium and chromedriver are required (run.py test installs them as root: "
            "apt-get install chromium chromium-driver)"
        )


def server_env(data: Path, port: int | None = None) -> dict[str, str]:
    """The environment of a console process on `data`: none of the test process's own settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONSOLE_", "PYTEST_", "NICEGUI_"))}
    env |= {"CONSOLE_DATA_DIR": str(data), "CONSOLE_DATABASE_URL": f"sqlite:///{data / 'console.db'}"}
    if port is not None:
        env |= {"CONSOLE_PORT": str(port), "CONSOLE_HOST": "127.0.0.1"}
    return env


def _run_root(factory: pytest.TempPathFactory) -> Path:
    """This run's temporary root, which the pytest-xdist workers of the run share (`pytest-N/`, above `popen-gwK`)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def demo_template(factory: pytest.TempPathFactory) -> Path:
    """The run's seeded demo data directory, made by the first caller while the others wait for it."""
    root = _run_root(factory)
    template, done = root / "browser-demo", root / "browser-demo.done"
    with open(root / "browser-demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(template, ignore_errors=True)
            template.mkdir()
            seed = subprocess.run(
                [sys.executable, "-m", "console.cli", "seed", "--demo"],
                env=server_env(template),
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=SEED_SECONDS,
                check=False,
            )
            assert seed.returncode == 0, seed.stdout[-2000:] + seed.stderr[-2000:]
            done.write_text(seed.stdout)
    return template


def demo_copy(factory: pytest.TempPathFactory, name: str) -> Path:
    """A data directory of this module's own, holding the seeded demo."""
    data = factory.mktemp(name) / "var"
    shutil.copytree(demo_template(factory), data)
    return data


def create_admin(data: Path, email: str, password: str, name: str) -> None:
    create = subprocess.run(
        [sys.executable, "-m", "console.cli", "staff", "create", "--email", email, "--name", name, "--role", "admin"],
        input=password + "\n",
        text=True,
        env=server_env(data),
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert create.returncode == 0, create.stderr


@contextmanager
def serving(data: Path) -> Iterator[int]:
    """`console.cli serve` on `data` and a free port until the block ends; its output in data/server.log."""
    port = free_port()
    log_path = data / "server.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "console.cli", "serve"],
            env=server_env(data, port),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for_port(port, proc, log_path)
            yield port
        finally:
            stop(proc)


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.3)
    proc.kill()
    pytest.fail("server did not start: " + log_path.read_text()[-2000:])


def chrome(profile: Path, *extra_flags: str) -> Any:
    """Headless Chromium through Debian's chromedriver, 1,400 by 900, with its own profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in (
        *CHROMIUM_FLAGS,
        "--no-first-run",
        "--window-size=1400,900",
        f"--user-data-dir={profile}",
        *extra_flags,
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(0)
    return driver
