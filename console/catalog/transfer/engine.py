"""The import engine: rows in chunks, each chunk's valid rows written together in a SAVEPOINT (row by row
when the database refuses the batch), the publishing gate asked after the change, the services' audit
events, and the dry run that rolls all of it back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from console.actor import Actor
from console.audit.service import record
from console.catalog.gate import publish_blockers_many
from console.catalog.models import Video, VideoPerformer
from console.catalog.service import deferred_recounts, video_view
from console.catalog.service.counters import _recount_collections as recount_collections
from console.catalog.service.counters import _recount_performers as recount_performers
from console.catalog.transfer import reading
from console.catalog.transfer.columns import COLUMNS
from console.catalog.transfer.planning import PUBLIC, Record, _duplicates, _Lookups, _plan, _records, _Row
from console.catalog.transfer.reading import _refuse, check_columns
from console.catalog.transfer.report import ImportReport, RowIssue
from console.db import preassign_ids, utcnow
from console.staff.permissions import Permission, require

CHUNK = 500  # rows whose videos/performers/collections are looked up together


ProgressFn = Callable[[int, int], None]


def _write(session: Session, rows: list[_Row]) -> dict[int, str]:
    """Apply planned rows as create_video/update_video/set_performers would: the videos in one flush, then their
    performer links in another; then ask the publishing gate about every public video the rows change (after
    the change, links included). Returns the gate's refusals by row number; records no audit events."""
    relink = [row.existing.id for row in rows if row.existing is not None and row.performer_ids is not None]
    if relink:
        for link in session.execute(select(VideoPerformer).where(VideoPerformer.video_id.in_(relink))).scalars():
            session.delete(link)
    collections: set[int | None] = set()
    performers: set[int] = set()
    for row in rows:
        if row.existing is None:
            row.video = Video(**row.values, state="draft")
            session.add(row.video)
            collections.add(row.video.collection_id)
        else:
            video = row.video = row.existing
            if row.fields_changed:
                collections |= {video.collection_id, row.values["collection_id"]}
                for name, value in row.values.items():
                    setattr(video, name, value)
            if row.performer_ids is not None:
                video.updated_at = utcnow()  # bumps the version, as set_performers does
        if row.performer_ids is not None:
            performers |= set(row.before_ids) | set(row.performer_ids)
    preassign_ids(session, [row.video for row in rows if row.existing is None])
    session.flush()
    links = [
        VideoPerformer(video_id=row.video.id, performer_id=performer_id, billing_order=order)
        for row in rows
        if row.video is not None and row.performer_ids
        for order, performer_id in enumerate(row.performer_ids, start=1)
    ]
    if links:
        preassign_ids(session, links)
        session.add_all(links)
        session.flush()
    recount_collections(session, collections)
    recount_performers(session, performers)
    public = {
        row.number: row.video
        for row in rows
        if row.video is not None
        and row.existing is not None
        and (row.fields_changed or row.performer_ids is not None)
        and row.video.state in PUBLIC
    }
    blockers = publish_blockers_many(session, list(public.values()))
    return {
        number: "This change would break a public video: " + "; ".join(blockers[video.id]) + "."
        for number, video in public.items()
        if blockers[video.id]
    }


def _record(session: Session, actor: Actor, rows: list[_Row]) -> None:
    """The audit events the services write: one per change of each row (video.create or video.update, and
    video.performers when the links change), in row order."""
    for row in rows:
        video = row.video
        assert video is not None
        if row.existing is None:
            record(session, actor, "video.create", "video", video.id, after=video_view(video))
        elif row.fields_changed:
            record(session, actor, "video.update", "video", video.id, row.before, video_view(video))
        if row.performer_ids is not None:
            before, after = {"performers": row.before_ids}, {"performers": row.performer_ids}
            record(session, actor, "video.performers", "video", video.id, before, after)


def _database_error(exc: Exception) -> str:
    if isinstance(exc, StaleDataError):
        return "the video was changed by someone else during the import; import this row again"
    orig = getattr(exc, "orig", None)
    constraint = getattr(getattr(orig, "diag", None), "constraint_name", None)
    detail = constraint or str(orig or exc).strip().splitlines()[0][:200]
    return f"the database refused this row ({detail}); nothing of it was saved"


@dataclass
class _ChunkResult:
    rows: list[_Row] = field(default_factory=list)  # applied
    errors: dict[int, dict[str, str]] = field(default_factory=dict)  # row number -> column -> message


def _import_chunk(
    session: Session,
    actor: Actor,
    chunk: list[Record],
    lookups: _Lookups,
    duplicates: dict[int, str],
    *,
    audit: bool,
) -> _ChunkResult:
    """Validate a chunk in Python, write its valid rows together in a SAVEPOINT, and record their audit events.

    When the gate refuses rows, the savepoint is rolled back and the chunk written again without them. When the
    database refuses the batch (a constraint, a concurrent change), the chunk is redone a row at a time, each
    row in its own savepoint, so the error lands on the row that caused it."""
    refused: dict[int, str] = {}
    for _ in range(3):
        lookups.load(chunk)
        result = _ChunkResult()
        for number, slug, cells in chunk:
            errors: dict[str, str] = {}
            if number in duplicates:
                errors["slug"] = duplicates[number]
            row = _plan(number, slug, cells, lookups, errors)
            if row is not None and number in refused:
                errors[""] = refused[number]
            elif row is not None:
                result.rows.append(row)
            if errors:
                result.errors[number] = errors
        savepoint = session.begin_nested()
        try:
            newly_refused = _write(session, result.rows)
        except (IntegrityError, DataError, StaleDataError):
            savepoint.rollback()
            break
        if newly_refused:  # undo the chunk and write it again without them
            savepoint.rollback()
            refused.update(newly_refused)
            continue
        if audit:
            _record(session, actor, result.rows)
        savepoint.commit()
        return result
    return _import_rows_one_by_one(session, actor, chunk, lookups, duplicates, audit=audit)


def _import_rows_one_by_one(
    session: Session,
    actor: Actor,
    chunk: list[Record],
    lookups: _Lookups,
    duplicates: dict[int, str],
    *,
    audit: bool,
) -> _ChunkResult:
    lookups.load(chunk)
    result = _ChunkResult()
    for number, slug, cells in chunk:
        errors: dict[str, str] = {}
        if number in duplicates:
            errors["slug"] = duplicates[number]
        row = _plan(number, slug, cells, lookups, errors)
        if row is not None:
            savepoint = session.begin_nested()
            try:
                refused = _write(session, [row])
            except (IntegrityError, DataError, StaleDataError) as exc:
                savepoint.rollback()
                errors[""] = _database_error(exc)
            else:
                if refused:
                    savepoint.rollback()
                    errors[""] = refused[number]
                else:
                    if audit:
                        _record(session, actor, [row])
                    savepoint.commit()
                    result.rows.append(row)
        if errors:
            result.errors[number] = errors
    return result


class _Discard(Exception):
    """Leaves deferred_recounts without recounting: everything the import wrote is about to be rolled back."""


def _run(
    session: Session,
    actor: Actor,
    frame: pd.DataFrame,
    *,
    dry_run: bool,
    all_or_nothing: bool,
    progress: ProgressFn | None,
) -> ImportReport:
    require(actor, Permission.CATALOG_EDIT)
    left_out = check_columns(str(c) for c in frame.columns)
    if len(frame) > reading.MAX_ROWS:
        raise _refuse(f"has more than {reading.MAX_ROWS:,} rows; split it into several files")
    report = ImportReport(rows=len(frame), dry_run=dry_run, all_or_nothing=all_or_nothing)
    if left_out:
        report.warnings.append(
            RowIssue(
                1,
                ", ".join(left_out),
                "not in the file: existing videos keep these values, new videos get the defaults",
            )
        )
    records = _records(frame)
    duplicates = _duplicates(records)
    lookups = _Lookups(session)
    total = len(records)
    done = 0
    if progress:
        progress(0, total)
    outer = session.begin_nested()  # dry runs and refused all-or-nothing imports roll back to here
    try:
        with deferred_recounts(session):  # collection/performer counters: once at the end, not per row
            for start in range(0, total, CHUNK):
                chunk = records[start : start + CHUNK]
                # A dry run (and an all-or-nothing import that already failed) is rolled back: no audit events.
                audit = not dry_run and not (all_or_nothing and report.errors)
                result = _import_chunk(session, actor, chunk, lookups, duplicates, audit=audit)
                for row in result.rows:
                    setattr(report, row.outcome, getattr(report, row.outcome) + 1)
                    report.warnings.extend(row.warnings)
                for number, errors in result.errors.items():
                    report.failed += 1
                    report.errors.extend(RowIssue(number, column, message) for column, message in errors.items())
                done += len(chunk)
                if progress:
                    progress(done, total)
            if dry_run or (all_or_nothing and report.errors):
                raise _Discard
    except _Discard:
        outer.rollback()
    except BaseException:
        outer.rollback()
        raise
    else:
        outer.commit()
        report.written = bool(report.created or report.updated)
    report.errors.sort(key=lambda issue: (issue.row, COLUMNS.index(issue.column) if issue.column in COLUMNS else -1))
    return report


def dry_run(session: Session, *, actor: Actor, frame: pd.DataFrame, progress: ProgressFn | None = None) -> ImportReport:
    """Validate and write every row exactly as `commit` would (the gate included), then roll all of it back: no
    rows, and no audit events (none are recorded, so a dry run does not hold the audit chain's lock either)."""
    return _run(session, actor, frame, dry_run=True, all_or_nothing=False, progress=progress)


def commit(
    session: Session,
    *,
    actor: Actor,
    frame: pd.DataFrame,
    all_or_nothing: bool,
    progress: ProgressFn | None = None,
) -> ImportReport:
    """Apply the rows in the caller's transaction (idempotent on slug; unchanged rows write nothing).

    all_or_nothing=True: when any row is invalid nothing is applied (report.written is False).
    all_or_nothing=False: the valid rows are applied (chunk by chunk); invalid and refused rows are reported
    and skipped.
    """
    return _run(session, actor, frame, dry_run=False, all_or_nothing=all_or_nothing, progress=progress)
