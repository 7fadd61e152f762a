#!/usr/bin/env python3
"""Launcher: makes `.venv` on first use, keeps it in step with pyproject.toml, then runs console.cli.

Only the standard library is used here, so `python3 run.py` works on a machine that has nothing
but Python 3.11. Usage: `python3 run.py [serve|test|migrate|seed|staff|audit|bench] ...`.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
STAMP = VENV / ".console-installed"


def _in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def _wanted_stamp(extras: str) -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return f"{digest}:{extras}"


def _ensure_venv(need_test: bool) -> None:
    if not VENV_PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    installed = STAMP.read_text().strip() if STAMP.exists() else ""
    extras = "test" if need_test or installed.endswith(":test") else ""
    if installed in (_wanted_stamp(extras), _wanted_stamp("test")):
        return
    target = ".[test]" if extras else "."
    print(f"Installing the project into .venv ({target}) ...", flush=True)
    subprocess.run(  # noqa: S603 - fixed argv
        [str(VENV_PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target],
        cwd=ROOT,
        check=True,
    )
    STAMP.write_text(_wanted_stamp(extras))


def main() -> None:
    argv = sys.argv[1:]
    need_test = bool(argv) and argv[0] in ("test", "bench")
    try:
        _ensure_venv(need_test)
    except subprocess.CalledProcessError as exc:
        sys.exit(f"Installing the project failed (exit {exc.returncode}); see the pip output above.")
    if not _in_venv():
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), str(ROOT / "run.py"), *argv])  # noqa: S606
    sys.path.insert(0, str(ROOT))
    from console.cli import main as cli_main

    sys.exit(cli_main(argv))


if __name__ == "__main__":
    main()
