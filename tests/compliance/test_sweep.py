"""Issue 8.1, defence in depth: the 2257 sweep asks the gate about every public video in batches and puts on
hold, as the system, any that the 2257 checks refuse (paperwork changed behind the services' back); catalog-only
failures are listed, not taken down. Each run is recorded for the worklist."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from console import cli
from console.actor import SYSTEM, Actor
from console.audit.service import verify
from console.catalog import service
from console.compliance import sweep
from console.compliance.models import ComplianceSweep
from console.db import session_scope, utcnow
from console.errors import Forbidden, RuleViolation
from tests.catalog.factories import audit_mark, events_since
from tests.compliance.factories import compliant_published_video, holds_of, video_state


def behind_the_services_back(sql: str, **params: object) -> None:
    """What the sweep exists for: a change no service saw (a hand-written UPDATE, a restored backup)."""
    with session_scope() as session:
        session.execute(text(sql), params)


def make_minor(record_id: int) -> None:
    behind_the_services_back(
        "UPDATE legal_records SET date_of_birth = :dob WHERE id = :id", dob=date(2010, 1, 1), id=record_id
    )


def test_a_public_video_the_2257_checks_refuse_is_held_as_the_system() -> None:
    good, _ = compliant_published_video()
    bad, work = compliant_published_video()
    assert work.record_id is not None
    make_minor(work.record_id)
    mark = audit_mark()
    result = sweep.run_sweep(trigger="cli")
    assert (result.checked, result.failing, result.held) == (2, 1, 1)
    assert video_state(good) == "published" and holds_of(good) == []
    assert video_state(bad) == "unpublished"
    [hold] = holds_of(bad)
    assert hold.source == "sweep" and "under 18" in hold.reason and hold.legal_record_id is None
    events = events_since(mark)
    assert [e.action for e in events] == ["compliance.sweep_start", "video.compliance_hold", "compliance.sweep"]
    assert all(e.actor_kind == "system" for e in events)
    assert events[-1].after == {"status": "done", "checked": 2, "failing": 1, "held": 1}
    [finding] = result.findings
    assert finding["video_id"] == bad and finding["held"] is True
    with session_scope() as session:
        assert verify(session).ok


def test_a_catalog_only_failure_is_listed_not_held() -> None:
    video_id, _ = compliant_published_video()
    behind_the_services_back("UPDATE videos SET thumbnail_url = NULL WHERE id = :id", id=video_id)
    result = sweep.run_sweep()
    assert (result.failing, result.held) == (1, 0)
    assert result.findings[0]["reasons"] == ["thumbnail is missing"]
    assert video_state(video_id) == "published" and holds_of(video_id) == []


def test_a_public_video_with_an_open_hold_is_taken_down_under_that_hold() -> None:
    video_id, work = compliant_published_video()
    assert work.record_id is not None
    make_minor(work.record_id)
    sweep.run_sweep()
    behind_the_services_back("UPDATE videos SET state = 'published' WHERE id = :id", id=video_id)  # by hand
    result = sweep.run_sweep()
    assert result.held == 1 and video_state(video_id) == "unpublished"
    assert len(holds_of(video_id)) == 1


def test_the_sweep_walks_every_batch() -> None:
    videos = [compliant_published_video()[0] for _ in range(5)]
    minors = [compliant_published_video() for _ in range(2)]
    for _, work in minors:
        assert work.record_id is not None
        make_minor(work.record_id)
    seen: list[tuple[int, int]] = []
    result = sweep.run_sweep(progress=lambda done, total: seen.append((done, total)), batch=2)
    assert result.checked == 7 and result.held == 2
    assert seen == [(2, 7), (4, 7), (6, 7), (7, 7)]
    assert all(video_state(v) == "published" for v in videos)


def test_deleted_drafts_and_unpublished_videos_are_not_swept() -> None:
    video_id, work = compliant_published_video()
    assert work.record_id is not None
    with session_scope() as session:
        service.unpublish(session, actor=SYSTEM, video_id=video_id)
    make_minor(work.record_id)
    assert sweep.run_sweep().checked == 0


def test_only_one_sweep_runs_and_an_abandoned_one_is_closed() -> None:
    with session_scope() as session:
        first = sweep.start_sweep(session, actor=SYSTEM, trigger="cli").id
    with session_scope() as session, pytest.raises(RuleViolation, match="already running"):
        sweep.start_sweep(session, actor=SYSTEM, trigger="cli")
    with session_scope() as session:
        row = session.get(ComplianceSweep, first)
        assert row is not None
        row.started_at = utcnow() - timedelta(hours=3)
    result = sweep.run_sweep()
    with session_scope() as session:
        stale = session.get(ComplianceSweep, first)
        assert stale is not None and stale.status == "failed" and "abandoned" in (stale.error or "")
        done = session.get(ComplianceSweep, result.sweep_id)
        assert done is not None and done.status == "done"


def test_a_failed_sweep_is_recorded_as_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    compliant_published_video()

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("database went away")

    monkeypatch.setattr(sweep, "sweep_batch", broken)
    with pytest.raises(RuntimeError):
        sweep.run_sweep()
    with session_scope() as session:
        row = session.execute(select(ComplianceSweep)).scalar_one()
    assert row.status == "failed" and "database went away" in (row.error or "")


def test_the_daily_job_runs_only_when_due() -> None:
    with session_scope() as session:
        assert sweep.sweep_due(session, every=timedelta(hours=24))
    sweep.run_sweep()
    with session_scope() as session:
        assert not sweep.sweep_due(session, every=timedelta(hours=24))
        assert sweep.sweep_due(session, every=timedelta(hours=24), now=utcnow() + timedelta(hours=25))


def test_only_compliance_may_sweep_and_read_it(actor_with: Callable[..., Actor]) -> None:
    for role in ("content", "moderator", "finance", "executive", "ads"):
        actor = actor_with(role)
        with session_scope() as session, pytest.raises(Forbidden):
            sweep.start_sweep(session, actor=actor, trigger="manual")
        with session_scope() as session, pytest.raises(Forbidden):
            sweep.sweep_batch(session, actor=actor, after_id=0)
        with session_scope() as session, pytest.raises(Forbidden):
            sweep.last_sweep(session, actor=actor)
    officer = actor_with("compliance")
    sweep.run_sweep(actor=officer, trigger="manual")
    with session_scope() as session:
        last = sweep.last_sweep(session, actor=officer)
    assert last is not None and last.trigger == "manual"


def test_the_cli_exits_3_when_it_held_something(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["records", "sweep"]) == 0
    video_id, work = compliant_published_video()
    assert work.record_id is not None
    make_minor(work.record_id)
    assert cli.main(["records", "sweep"]) == 3
    out = capsys.readouterr().out
    assert "1 put on compliance hold" in out and f"HELD   #{video_id}" in out
    with session_scope() as session:
        sweeps = session.execute(select(ComplianceSweep).order_by(ComplianceSweep.id)).scalars().all()
    assert [(s.trigger, s.held) for s in sweeps] == [("cli", 0), ("cli", 1)]
    assert video_state(video_id) == "unpublished"
