"""Chain verification in its own process: hashing a long chain is pure Python work that would hold the GIL
and slow every page served meanwhile if it ran in a thread of the server (the audit page starts it).

`python -m console.audit.verify_worker` prints the result as one JSON line; the child reads the same CONSOLE_*
settings from the environment it inherits.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import asdict

from console.audit.service import VerifyResult, verify
from console.config import ROOT
from console.db import session_scope

TIMEOUT_SECONDS = 600


def main() -> int:
    with session_scope() as session:
        result = verify(session)
    print(json.dumps(asdict(result)))
    return 0


def verify_here() -> VerifyResult:
    with session_scope() as session:
        return verify(session)


async def verify_in_worker() -> VerifyResult:
    """Run main() in a child process; if the child cannot run (no interpreter, crash), verify in a thread here."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "console.audit.verify_worker",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env=env,
        )
        out, _ = await asyncio.wait_for(proc.communicate(), TIMEOUT_SECONDS)
        if proc.returncode == 0:
            return VerifyResult(**json.loads(out.decode().strip().splitlines()[-1]))
    except (OSError, ValueError, TimeoutError):
        pass
    return await asyncio.to_thread(verify_here)


if __name__ == "__main__":
    raise SystemExit(main())
