"""Uploaded files that nothing refers to: removed once they are old enough that no save can still claim them.

Where uploads wait before a save:
- The video editor stores an uploaded thumbnail at once (catalog/media.py: `data_dir/media/thumbnails/<uuid>.<ext>`)
  and puts its path in the Thumbnail URL field; the file is referred to only once the video is saved. An upload
  whose video is never saved, or a thumbnail replaced by another, stays on disk with no row pointing at it. Such a
  path can also wait in an unsaved draft (console/ui/drafts.py keeps drafts for `MAX_AGE`, 14 days), so a
  thumbnail is removed only when no `…url` column of any table names it and it is older than `THUMBNAIL_GRACE`.
- The record editor holds an ID scan's bytes in memory (NiceGUI spools uploads over 1 MB to a temporary file it
  deletes itself) until `records.add_scan` encrypts them to `data_dir/records/` in the same unit of work as the
  scan's row; a rolled-back transaction removes the file (records/scan_files.py). Only a process killed between
  the write and the commit leaves a file without a row (or a `.part` file): removed after `SCAN_GRACE`.

`sweep_orphans()` runs after each daily 2257 sweep in the server (compliance/sweep.py) and on demand:
`python3 run.py uploads sweep [--older-than-hours N] [--dry-run]`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import String, select
from sqlalchemy.orm import Session

from console import models  # noqa: F401  (every table is in the metadata searched for references)
from console.catalog.media import thumbnails_dir
from console.compliance.models import IdScan
from console.compliance.vault import records_dir
from console.db import Base

log = logging.getLogger(__name__)

THUMBNAIL_GRACE = timedelta(days=15)  # longer than an unsaved draft is kept (console/ui/drafts.py MAX_AGE)
SCAN_GRACE = timedelta(hours=24)  # a scan's file and row are written within seconds of each other
THUMBNAIL_PREFIX = "/media/thumbnails/"


@dataclass
class OrphanReport:
    thumbnails: list[Path] = field(default_factory=list)
    scans: list[Path] = field(default_factory=list)
    too_young: int = 0  # unreferenced files still inside their grace period
    removed: bool = False  # False for a dry run

    @property
    def total(self) -> int:
        return len(self.thumbnails) + len(self.scans)


def _age(path: Path, now: datetime) -> timedelta | None:
    try:
        return now - datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except FileNotFoundError:  # removed meanwhile
        return None


def _files(folder: Path, pattern: str) -> Iterator[Path]:
    if folder.is_dir():
        yield from (p for p in folder.glob(pattern) if p.is_file())


def referenced_thumbnails(session: Session) -> set[str]:
    """Every `/media/thumbnails/…` path that a `…url` column of any table holds (deleted rows included)."""
    found: set[str] = set()
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String) and column.name.endswith("url"):
                rows = session.execute(select(column).where(column.like(f"{THUMBNAIL_PREFIX}%")).distinct())
                found.update(str(value) for value in rows.scalars())
    return found


def orphan_thumbnails(session: Session, *, grace: timedelta, now: datetime, report: OrphanReport) -> None:
    candidates = []
    for path in _files(thumbnails_dir(), "*"):
        age = _age(path, now)
        if age is not None:
            candidates.append((path, age))
    if not candidates:
        return
    used = referenced_thumbnails(session)
    for path, age in candidates:
        if path.name.startswith(".") or f"{THUMBNAIL_PREFIX}{path.name}" not in used:
            if age >= grace:
                report.thumbnails.append(path)
            else:
                report.too_young += 1


def orphan_scans(session: Session, *, grace: timedelta, now: datetime, report: OrphanReport) -> None:
    candidates = []
    for path in _files(records_dir(), "*/*"):
        if path.name.endswith(".bin") or path.name.endswith(".part"):
            age = _age(path, now)
            if age is not None:
                candidates.append((path, age))
    if not candidates:
        return
    used = set(session.execute(select(IdScan.storage_name)).scalars())
    for path, age in candidates:
        if path.name.endswith(".part") or path.name not in used:
            if age >= grace:
                report.scans.append(path)
            else:
                report.too_young += 1


def sweep_orphans(
    session: Session,
    *,
    thumbnail_grace: timedelta = THUMBNAIL_GRACE,
    scan_grace: timedelta = SCAN_GRACE,
    now: datetime | None = None,
    dry_run: bool = False,
) -> OrphanReport:
    """Find (and unless `dry_run`, delete) uploaded files that no row refers to and that are older than their grace.
    Reads only; the session is used for the references."""
    now = now or datetime.now(UTC)
    report = OrphanReport()
    orphan_thumbnails(session, grace=thumbnail_grace, now=now, report=report)
    orphan_scans(session, grace=scan_grace, now=now, report=report)
    if dry_run:
        return report
    for path in report.thumbnails + report.scans:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    report.removed = True
    if report.total:
        log.info("removed %s unreferenced upload(s): %s thumbnails, %s ID scans", report.total,
                 len(report.thumbnails), len(report.scans))  # fmt: skip
    return report
