"""Checkpoints of the audit chain's head, kept in a file outside the database.

The hash chain shows any change to an event, and the removal of any event that has a later one after it. It
cannot show that the *newest* events were removed: a shorter chain is still a valid chain. A checkpoint anchors
the head (its id, its hash, the number of events up to it, the time) in an append-only file that access to the
database does not reach, and in the log. `service.verify()` then requires every checkpointed event to be there
with the same hash, so removing the newest events, or rewriting the chain and re-hashing it forward, is reported.

One JSON object per line, for example
`{"at":"2026-11-29T10:00:00Z","count":4812,"db":"postgresql://db.internal:5432/console","hash":"9f…","id":4812,
"source":"periodic","v":1}`. `db` names the database without credentials, so a file shared by two databases
(or kept across a move of the data directory) is not confused: only the lines for this database are checked.

Appends are single `write()` calls on a descriptor opened with O_APPEND, followed by `fsync`: concurrent writers
(several console processes, `audit verify`) do not interleave on a local file system, and a line that was
reported written survives a crash. The file is compatible with `chattr +a` (append-only even for its owner).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from console.errors import ConsoleError

FORMAT_VERSION = 1
_HASH = re.compile(r"^[0-9a-f]{64}$")
_BLOCK = 64 * 1024


class CheckpointFileError(ConsoleError):
    """The checkpoint file cannot be read or written (missing rights, a folder in its place, disk full)."""


@dataclass(frozen=True)
class Checkpoint:
    id: int
    hash: str
    count: int
    at: str  # UTC, ISO 8601 to the second with a Z
    db: str
    source: str = "periodic"
    line: int = field(default=0, compare=False)  # where it was read from (1-based); 0 when not read from a file

    def to_json(self) -> str:
        data = {
            "v": FORMAT_VERSION,
            "db": self.db,
            "id": self.id,
            "hash": self.hash,
            "count": self.count,
            "at": self.at,
            "source": self.source,
        }
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


@dataclass(frozen=True)
class CheckpointLog:
    """What the file holds for one database."""

    mine: list[Checkpoint]  # this database's checkpoints, in file order
    other_databases: int = 0  # lines for other databases (ignored)
    bad_lines: list[int] = field(default_factory=list)  # line numbers that are not checkpoints

    @property
    def newest(self) -> Checkpoint | None:
        return self.mine[-1] if self.mine else None


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def database_identity(url: str) -> str:
    """The database a URL points at, without user name, password or driver: the same for the console's role and
    the migration owner, different for another server or database."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url.split("@")[-1]
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        name = parsed.database or ""
        if name and name != ":memory:" and not name.startswith("file:"):
            name = Path(name).resolve().as_posix()
        return f"sqlite:///{name}"
    socket = parsed.query.get("host")
    host = parsed.host or (socket if isinstance(socket, str) else None) or "localhost"
    port = parsed.port or (5432 if backend == "postgresql" else "")
    return f"{backend}://{host}:{port}/{parsed.database or ''}"


def parse_line(raw: bytes | str, *, line: int = 0) -> Checkpoint | None:
    """One line of the file as a checkpoint, or None if it is not one."""
    try:
        data: Any = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    ident, digest, count, at, db = (data.get(k) for k in ("id", "hash", "count", "at", "db"))
    if not (isinstance(ident, int) and not isinstance(ident, bool) and ident > 0):
        return None
    if not (isinstance(count, int) and not isinstance(count, bool) and count > 0):
        return None
    if not (isinstance(digest, str) and _HASH.match(digest) and isinstance(at, str) and isinstance(db, str)):
        return None
    source = data.get("source")
    return Checkpoint(ident, digest, count, at, db, source if isinstance(source, str) else "", line)


def _lines(path: Path) -> Iterator[bytes]:
    try:
        with path.open("rb") as fh:
            yield from fh
    except FileNotFoundError:
        return
    except OSError as exc:
        raise CheckpointFileError(f"The audit checkpoint file {path} cannot be read: {exc.strerror or exc}.") from exc


def read_checkpoints(path: Path, db: str) -> CheckpointLog:
    """Every checkpoint of database `db` in the file (a missing file holds none). Cheap at any size the file
    reaches: one line every few minutes is ~100,000 lines a year, parsed in well under a second."""
    mine: list[Checkpoint] = []
    others = 0
    bad: list[int] = []
    for number, raw in enumerate(_lines(path), start=1):
        if not raw.strip():
            continue
        checkpoint = parse_line(raw, line=number)
        if checkpoint is None:
            bad.append(number)
        elif checkpoint.db == db:
            mine.append(checkpoint)
        else:
            others += 1
    return CheckpointLog(mine, others, bad)


def last_checkpoint(path: Path, db: str) -> Checkpoint | None:
    """The newest checkpoint of `db`, read from the end of the file (a few kilobytes, whatever its size)."""
    try:
        with path.open("rb") as fh:
            pos = fh.seek(0, os.SEEK_END)
            carry = b""
            while pos > 0:
                step = min(_BLOCK, pos)
                pos -= step
                fh.seek(pos)
                lines = (fh.read(step) + carry).split(b"\n")
                carry = lines.pop(0) if pos > 0 else b""  # a line cut by the block boundary: finish it next round
                for raw in reversed(lines):
                    checkpoint = parse_line(raw) if raw.strip() else None
                    if checkpoint is not None and checkpoint.db == db:
                        return checkpoint
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CheckpointFileError(f"The audit checkpoint file {path} cannot be read: {exc.strerror or exc}.") from exc
    return None


def append_checkpoint(path: Path, checkpoint: Checkpoint) -> None:
    """Append one line with a single write() on an O_APPEND descriptor, then fsync (and fsync the folder when the
    file is new, so its directory entry survives a crash too)."""
    data = (checkpoint.to_json() + "\n").encode("ascii")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        created = not path.exists()
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                data = b"\n" + data  # an earlier write was cut short (disk full): never glue onto its remains
            written = os.write(fd, data)
            if written != len(data):
                raise OSError(f"only {written} of {len(data)} bytes were written")
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            _fsync_folder(path.parent)
    except OSError as exc:
        raise CheckpointFileError(
            f"The audit checkpoint file {path} cannot be written: {getattr(exc, 'strerror', None) or exc}."
        ) from exc


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not every platform opens folders; the file itself is synced
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
