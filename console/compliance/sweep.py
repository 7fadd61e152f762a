"""The 2257 sweep: defence in depth behind the holds that paperwork changes put (holds.py).

Every public video is asked of the gate in batches (keyset by id, the batch forms of the checks: two round trips
per 1,000 videos for the 2257 part). A video the 2257 checks refuse is put on hold as the system, audited like any
hold; a video that fails only the catalog checks (a missing thumbnail is not a legal matter) is listed but stays
up. Each run is a `compliance_sweeps` row: the worklist shows the last one and what it found.

`run_sweep()` commits batch by batch (a 100,000-video sweep never holds locks for a minute); the service functions
below take a session and never commit, like every service. It runs daily in the server (`start()`, see
CONSOLE_COMPLIANCE_SWEEP_HOURS) and on demand: `python3 run.py records sweep` or the worklist's button.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.actor import SYSTEM, Actor
from console.audit.service import record as audit
from console.catalog.gate import publish_blockers_many
from console.catalog.models import Video
from console.compliance.gate_checks import PREFIX
from console.compliance.holds import PUBLIC, hold_videos
from console.compliance.models import ComplianceSweep
from console.config import get_settings
from console.db import session_scope, utcnow
from console.errors import RuleViolation
from console.staff.permissions import Permission, require

log = logging.getLogger(__name__)

BATCH = 1_000
FINDINGS_CAP = 500  # findings kept on the sweep row for the worklist; counts are always complete
ABANDONED_AFTER = timedelta(hours=2)  # a "running" sweep this old died with its process


@dataclass
class BatchOutcome:
    last_id: int | None  # None when no public video is left after the batch's start
    checked: int = 0
    findings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def held(self) -> int:
        return sum(1 for f in self.findings if f["held"])


def _public_batch(session: Session, after_id: int, limit: int) -> list[Video]:
    return list(
        session.execute(
            select(Video)
            .where(Video.id > after_id, Video.state.in_(PUBLIC), Video.deleted_at.is_(None))
            .order_by(Video.id)
            .limit(limit)
        ).scalars()
    )


def sweep_batch(session: Session, *, actor: Actor, after_id: int, limit: int = BATCH) -> BatchOutcome:
    """Ask the gate about the next `limit` public videos after `after_id`; hold those the 2257 checks refuse."""
    require(actor, Permission.COMPLIANCE_VERIFY)
    videos = _public_batch(session, after_id, limit)
    if not videos:
        return BatchOutcome(last_id=None)
    answers = publish_blockers_many(session, videos)
    outcome = BatchOutcome(last_id=videos[-1].id, checked=len(videos))
    to_hold: dict[int, str] = {}
    for video in videos:
        reasons = answers.get(video.id) or []
        if not reasons:
            continue
        legal = [r.removeprefix(PREFIX) for r in reasons if r.startswith(PREFIX)]
        if legal:
            to_hold[video.id] = "the 2257 sweep found: " + "; ".join(legal)
        outcome.findings.append({"video_id": video.id, "title": video.title, "reasons": reasons, "held": bool(legal)})
    if to_hold:
        hold_videos(session, actor, list(to_hold), reason=to_hold, source="sweep")
    return outcome


def _abandon_stale(session: Session, now: datetime) -> None:
    for stale in session.execute(
        select(ComplianceSweep).where(
            ComplianceSweep.status == "running", ComplianceSweep.started_at < now - ABANDONED_AFTER
        )
    ).scalars():
        stale.status, stale.finished_at, stale.error = "failed", now, "abandoned: its process stopped"
        session.flush()
        audit(session, SYSTEM, "compliance.sweep_abandoned", "compliance_sweep", stale.id, None, {"status": "failed"})


def start_sweep(session: Session, *, actor: Actor, trigger: str) -> ComplianceSweep:
    """Open a sweep row; refused while another sweep runs (a sweep is heavy, and two would hold twice)."""
    require(actor, Permission.COMPLIANCE_VERIFY)
    now = utcnow()
    _abandon_stale(session, now)
    running = session.execute(
        select(ComplianceSweep).where(ComplianceSweep.status == "running").with_for_update()
    ).scalar_one_or_none()
    if running is not None:
        raise RuleViolation(f"A sweep is already running (started {running.started_at:%Y-%m-%d %H:%M} UTC).")
    sweep = ComplianceSweep(trigger=trigger, status="running", started_at=now, findings=[])
    session.add(sweep)
    session.flush()
    audit(session, actor, "compliance.sweep_start", "compliance_sweep", sweep.id, None, {"trigger": trigger})
    return sweep


def finish_sweep(
    session: Session,
    *,
    actor: Actor,
    sweep_id: int,
    checked: int,
    findings: Sequence[dict[str, Any]],
    failing: int,
    held: int,
    error: str | None = None,
) -> ComplianceSweep:
    require(actor, Permission.COMPLIANCE_VERIFY)
    sweep = session.get(ComplianceSweep, sweep_id)
    if sweep is None:
        raise RuleViolation(f"Sweep #{sweep_id} does not exist.")
    sweep.status = "failed" if error else "done"
    sweep.finished_at = utcnow()
    sweep.checked, sweep.failing, sweep.held = checked, failing, held
    sweep.findings = list(findings[:FINDINGS_CAP])
    sweep.error = error
    session.flush()
    summary = {"status": sweep.status, "checked": checked, "failing": failing, "held": held}
    audit(session, actor, "compliance.sweep", "compliance_sweep", sweep.id, None, summary, reason=error)
    return sweep


def last_sweep(session: Session, *, actor: Actor) -> ComplianceSweep | None:
    """The newest sweep, running or finished (no legal data: titles and stage-name reasons only)."""
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    return session.execute(
        select(ComplianceSweep).order_by(ComplianceSweep.started_at.desc(), ComplianceSweep.id.desc()).limit(1)
    ).scalar_one_or_none()


def sweep_due(session: Session, *, every: timedelta, now: datetime | None = None) -> bool:
    """True when no sweep has started within `every` (the daily job asks this, so restarts do not re-run it)."""
    latest = session.execute(select(func.max(ComplianceSweep.started_at))).scalar_one_or_none()
    if latest is None:
        return True
    if latest.tzinfo is None:  # SQLite's max() bypasses the column type
        latest = datetime.fromisoformat(str(latest)).replace(tzinfo=(now or utcnow()).tzinfo)
    return latest <= (now or utcnow()) - every


@dataclass(frozen=True)
class SweepResult:
    sweep_id: int
    checked: int
    failing: int
    held: int
    findings: list[dict[str, Any]]
    error: str | None = None


Progress = Callable[[int, int], None]  # (checked so far, public videos at the start)


def count_public(session: Session) -> int:
    return int(
        session.execute(
            select(func.count()).select_from(Video).where(Video.state.in_(PUBLIC), Video.deleted_at.is_(None))
        ).scalar_one()
    )


def run_sweep(
    *, actor: Actor = SYSTEM, trigger: str = "schedule", progress: Progress | None = None, batch: int = BATCH
) -> SweepResult:
    """The whole sweep, one unit of work per batch. A failure is recorded on the sweep row and re-raised."""
    with session_scope() as session:
        sweep_id = start_sweep(session, actor=actor, trigger=trigger).id
        total = count_public(session)
    checked, failing, held, findings, after = 0, 0, 0, [], 0
    try:
        while True:
            with session_scope() as session:
                outcome = sweep_batch(session, actor=actor, after_id=after, limit=batch)
            if outcome.last_id is None:
                break
            after = outcome.last_id
            checked += outcome.checked
            failing += len(outcome.findings)
            held += outcome.held
            findings.extend(outcome.findings)
            if progress is not None:
                progress(checked, total)
    except Exception as exc:
        with session_scope() as session:
            finish_sweep(
                session, actor=actor, sweep_id=sweep_id, checked=checked, findings=findings, failing=failing,
                held=held, error=f"{type(exc).__name__}: {exc}"[:1000],
            )  # fmt: skip
        raise
    with session_scope() as session:
        finish_sweep(
            session, actor=actor, sweep_id=sweep_id, checked=checked, findings=findings, failing=failing, held=held
        )
    if held:
        log.warning("2257 sweep #%s put %s public video(s) on hold", sweep_id, held)
    return SweepResult(sweep_id, checked, failing, held, findings[:FINDINGS_CAP])


# --- the daily job in the server ----------------------------------------------------------------------------

CHECK_EVERY_SECONDS = 600.0


def _tick() -> SweepResult | None:
    every = timedelta(hours=get_settings().compliance_sweep_hours)
    with session_scope() as session:
        if not sweep_due(session, every=every):
            return None
    try:
        return run_sweep(trigger="schedule")
    except RuleViolation:  # another process started one meanwhile
        return None


def _remove_orphan_uploads() -> None:
    """Once a day, after the sweep: uploads that no row refers to (console/uploads.py)."""
    from console.uploads import sweep_orphans

    with session_scope() as session:
        sweep_orphans(session)


async def run_forever() -> None:
    from nicegui import run

    while True:
        ran = None
        try:
            ran = await run.io_bound(_tick)
        except Exception:  # one failed sweep must not stop the next; it is on its row and in the log
            log.exception("the 2257 sweep failed; it runs again at the next check")
        if ran is not None:
            try:
                await run.io_bound(_remove_orphan_uploads)
            except Exception:
                log.exception("removing unreferenced uploads failed; it runs again after the next sweep")
        await asyncio.sleep(CHECK_EVERY_SECONDS)


def start() -> None:
    if get_settings().compliance_sweep_hours > 0:
        from nicegui import background_tasks

        background_tasks.create(run_forever(), name="compliance-sweep")
