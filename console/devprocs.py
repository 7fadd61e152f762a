"""What the local servers started for development and tests share (PostgreSQL, localstripe, the browser tests'
console): a free port to listen on, stopping a child process that may not stop when asked, and the flags headless
Chromium runs with here (the real-browser tests, `tools/browser_timing.py`)."""

from __future__ import annotations

import socket
import subprocess
from typing import Any

# No network beyond the page, no updates, no sync: the machine reaches only the package registries.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop(proc: subprocess.Popen[Any], grace: float = 10.0) -> None:
    """SIGTERM, then SIGKILL when the process has not ended within `grace` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
