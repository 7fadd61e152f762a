"""The rollup runner: every area's day, a run per area, one audit event as the actor; refusals; the money areas
(helper M's rollup_money.py); the pending pass; the job; the command line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from console import cli
from console.actor import SYSTEM, Actor
from console.audit.models import AuditEvent
from console.db import session_scope, utcnow
from console.errors import Forbidden, ValidationFailed
from console.insights import jobs, rollup
from console.insights.models import ContentDaily, InsightsRollupRun
from tests.insights import ops_factories as f

DAY = date(2026, 3, 10)
OPS = ["content", "members", "moderation"]


def _runs() -> list[tuple[str, date, int, str | None]]:
    r = InsightsRollupRun
    with session_scope() as session:
        return [tuple(row) for row in session.execute(select(r.area, r.day, r.rows, r.error).order_by(r.id))]  # type: ignore[misc]


def test_rollup_day_runs_each_area_records_runs_and_audits_once() -> None:
    f.views(f.video(), f.at(DAY), 3)
    with session_scope() as session:
        results = rollup.rollup_day(session, actor=SYSTEM, day=DAY, areas=OPS)
    assert [(r.area, r.rows, r.error) for r in results] == [
        ("content", 1, None),
        ("members", 0, None),
        ("moderation", 2, None),
    ]  # an empty backlog: open 0, breached 0
    assert [(a, d) for a, d, _, _ in _runs()] == [(a, DAY) for a in OPS]
    with session_scope() as session:
        events = session.execute(select(AuditEvent).where(AuditEvent.action == "insights.rollup")).scalars().all()
        assert [(e.entity_id, e.actor_kind) for e in events] == [(DAY.isoformat(), "system")]


def test_one_area_failing_is_recorded_and_the_others_still_write(monkeypatch: pytest.MonkeyPatch) -> None:
    f.views(f.video(), f.at(DAY), 2)

    def boom(session: object, day: date) -> int:
        raise RuntimeError("members broke")

    monkeypatch.setitem(rollup.AREAS, "members", boom)
    with session_scope() as session:
        results = rollup.rollup_day(session, actor=SYSTEM, day=DAY, areas=OPS)
    assert [r.error is not None for r in results] == [False, True, False]
    assert "members broke" in (_runs()[1][3] or "")
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(ContentDaily)) == 2  # the video and the total


def test_refusals_and_bad_input(actor_with: Callable[..., Actor]) -> None:
    for role in ("executive", "finance", "moderator"):
        with pytest.raises(Forbidden), session_scope() as session:
            rollup.rollup_day(session, actor=actor_with(role), day=DAY)
    with pytest.raises(ValidationFailed), session_scope() as session:
        rollup.rollup_day(session, actor=SYSTEM, day=utcnow().date() + timedelta(days=2))
    with pytest.raises(ValidationFailed), session_scope() as session:
        rollup.rollup_day(session, actor=SYSTEM, day=DAY, areas=["weather"])


def test_money_areas_come_from_rollup_money() -> None:
    """Helper M's console/insights/rollup_money.py, merged from ins-metrics."""
    with session_scope() as session:
        results = rollup.rollup_day(session, actor=SYSTEM, day=DAY, areas=["revenue", "mrr"])
    assert [r.error for r in results] == [None, None]


def test_pending_days_are_yesterday_today_and_days_without_a_run() -> None:
    today = date(2026, 3, 12)
    f.views(f.video(), f.at(date(2026, 3, 8)), 1)
    with session_scope() as session:
        assert rollup.pending_days(session, today, OPS) == [date(2026, 3, d) for d in (8, 9, 10, 11, 12)]
    with session_scope() as session:
        rollup.rollup_day(session, actor=SYSTEM, day=date(2026, 3, 9), areas=OPS)
    with session_scope() as session:
        assert rollup.pending_days(session, today, OPS) == [date(2026, 3, d) for d in (8, 10, 11, 12)]
        assert rollup.pending_days(session, today, ["content"]) == [date(2026, 3, d) for d in (8, 10, 11, 12)]


def test_the_pending_pass_and_the_job_tick(monkeypatch: pytest.MonkeyPatch) -> None:
    now = utcnow()
    f.views(f.video(), now - timedelta(days=3), 2)
    results = rollup.rollup_pending(actor=SYSTEM, now=now, areas=OPS)
    assert sorted({r.day for r in results}) == [(now - timedelta(days=d)).date() for d in (3, 2, 1, 0)]
    monkeypatch.setattr(jobs, "rollup_pending", lambda actor: rollup.rollup_pending(actor=actor, areas=OPS))
    again = jobs.rollup_tick()
    assert sorted({r.day for r in again}) == [(now - timedelta(days=d)).date() for d in (1, 0)]


def test_the_jobs_pass_runs_mrr_once_per_month_on_the_months_last_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """A job pass holds yesterday and today: MRR is the month's snapshot, so one run per month (it was two, each
    ~10 s at the scale data), on the month's last listed day; the other areas still run every day."""
    asked: list[date] = []
    real = rollup.AREAS["mrr"]

    def counted(session: object, day: date) -> int:
        asked.append(day)
        return real(session, day)  # type: ignore[arg-type]

    monkeypatch.setitem(rollup.AREAS, "mrr", counted)
    days = [date(2026, 3, 30), date(2026, 3, 31), date(2026, 4, 1), date(2026, 4, 2)]
    results = rollup.rollup_days(actor=SYSTEM, days=days, areas=["members", "mrr"], mrr_once=True)
    assert asked == [date(2026, 3, 31), date(2026, 4, 2)]
    assert [(r.day, r.area) for r in results if r.area == "mrr"] == [
        (date(2026, 3, 31), "mrr"),
        (date(2026, 4, 2), "mrr"),
    ]
    assert [r.day for r in results if r.area == "members"] == days
    assert [r.day for r in rollup.rollup_days(actor=SYSTEM, days=days[:2], areas=["mrr"], mrr_once=True)] == [days[1]]
    now = datetime(2026, 4, 2, 12, tzinfo=UTC)
    passed = rollup.rollup_pending(actor=SYSTEM, now=now, areas=["members", "mrr"])  # yesterday and today
    assert [(r.day, r.area) for r in passed] == [(days[2], "members"), (days[3], "members"), (days[3], "mrr")]
    asked_range = rollup.rollup_days(actor=SYSTEM, days=days[:2], areas=["mrr"])  # an operator's range: each day
    assert [(r.day, r.kept) for r in asked_range] == [(days[0], True), (days[1], True)]  # March is closed by now


def test_cli_rollup_day_range_and_errors(capsys: pytest.CaptureFixture[str]) -> None:
    f.views(f.video(), datetime(2026, 3, 9, 5, tzinfo=UTC), 4)
    assert cli.main(["insights", "rollup", "--day", "2026-03-09", "--areas", "content"]) == 0
    assert "2026-03-09 content: 1 rows" in capsys.readouterr().out
    assert cli.main(["insights", "rollup", "--from", "2026-03-08", "--to", "2026-03-10", "--areas", "content"]) == 0
    assert capsys.readouterr().out.count(" content: ") == 3
    assert cli.main(["insights", "rollup", "--day", "10/03/2026"]) == 2
    assert cli.main(["insights", "rollup", "--from", "2026-03-10"]) == 2
    assert cli.main(["insights", "rollup", "--day", "2026-03-09", "--areas", "weather"]) == 2
    assert "Cannot roll up" in capsys.readouterr().err


def test_a_month_rolled_up_once_by_a_span_leaves_none_of_its_days_pending() -> None:
    """rollup_span writes one MRR run per month (on its first day): the job must not take the month's other days
    for pending and roll two years up again."""
    today = utcnow().date()
    start = (today - timedelta(days=70)).replace(day=1)
    f.views(f.video(), f.at(start), 1)
    rollup.rollup_span(actor=SYSTEM, start=start, end=today - timedelta(days=1))
    with session_scope() as session:
        assert rollup.pending_days(session, today, list(rollup.AREAS)) == [today - timedelta(days=1), today]
        assert rollup.pending_days(session, today, ["mrr"]) == [today - timedelta(days=1), today]
    with session_scope() as session:  # a month whose MRR run failed stays pending, day by day
        session.execute(
            update(InsightsRollupRun)
            .where(InsightsRollupRun.area == "mrr", InsightsRollupRun.day == start)
            .values(error="boom")
        )
    with session_scope() as session:
        pending = rollup.pending_days(session, today, list(rollup.AREAS))
    assert start in pending and start + timedelta(days=1) in pending
