"""A local Stripe server for the test suite: `localstripe` (a test extra), stateful, on a free port.

It starts `--from-scratch` so every run begins empty. localstripe ignores Idempotency-Key, accepts over-refunds and
answers every refund `succeeded`: the console's own guards are what the tests check, not the server's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from console.devprocs import free_port, stop


class StripeServerUnavailable(RuntimeError):
    pass


def _executable() -> str:
    beside = Path(sys.executable).with_name("localstripe")
    if beside.exists():
        return str(beside)
    found = shutil.which("localstripe")
    if not found:
        raise StripeServerUnavailable("localstripe is not installed (it is in the project's test extra).")
    return found


@contextmanager
def local_stripe(*, from_scratch: bool = True, log_path: Path | None = None) -> Iterator[str]:
    """Run localstripe until the block ends; yields its base URL (http://127.0.0.1:PORT)."""
    port = free_port()
    argv = [_executable(), "--port", str(port)] + (["--from-scratch"] if from_scratch else [])
    if log_path:
        log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115 - closed below
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ))  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise StripeServerUnavailable(f"localstripe exited with code {proc.returncode}")
            try:
                urllib.request.urlopen(f"{url}/v1/customers", timeout=1)  # noqa: S310 - our own local server
                break
            except urllib.error.HTTPError:
                break  # it answers (401 without a key): it is up
            except OSError:
                if time.monotonic() > deadline:
                    raise StripeServerUnavailable("localstripe did not answer within 30 s") from None
                time.sleep(0.2)
        yield url
    finally:
        stop(proc)
        if not isinstance(log, int):
            log.close()
