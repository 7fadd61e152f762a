"""The daily rollup: raw rows -> one row per ad and UTC day (impressions, clicks, starts, completes, skips, spend at
the campaign's CPM), the day's edges, a re-run replaces, a day without rows, the runs it records, the pending pass
(first pass, nothing new, late rows, a failure), the job and the command line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from console import cli
from console.actor import SYSTEM, Actor
from console.ads import jobs
from console.ads.models import AdImpression, AdRollupRun, AdStatsDaily
from console.ads.service import rollup
from console.ads.service.rollup import LATE_MINUTES, pending_days, rollup_day, rollup_pending
from console.audit.models import AuditEvent
from console.db import session_scope, utcnow
from console.errors import Forbidden, ValidationFailed
from tests.ads import stat_factories as f

DAY = date(2026, 3, 10)


def _noon() -> datetime:
    """Today at noon: a pass's "now" that no midnight falls near (passes may be dated ahead of the clock)."""
    return datetime.combine(utcnow().date(), time(12), tzinfo=UTC)


def _rows(day: date | None = None) -> dict[int, tuple[int, ...]]:
    s = AdStatsDaily
    query = select(s.ad_id, s.day, s.impressions, s.clicks, s.starts, s.completes, s.skips, s.spend_cents)
    if day is not None:
        query = query.where(s.day == day)
    with session_scope() as session:
        return {row[0]: tuple(row[2:]) for row in session.execute(query.order_by(s.ad_id, s.day))}


def _roll(day: date, actor: Actor = SYSTEM) -> rollup.RollupResult:
    with session_scope() as session:
        return rollup_day(session, actor=actor, day=day)


def test_raw_rows_become_one_row_per_ad_and_day() -> None:
    cheap, dear = f.campaign(cpm_bid_cents=250), f.campaign(cpm_bid_cents=1333)
    banner, video, other = f.ad(cheap), f.ad(dear, format="video_30s"), f.ad(cheap)
    f.impressions(banner, f.at(DAY, 9), 1234)
    f.clicks(banner, f.at(DAY, 9, 1), 7)
    f.impressions(video, f.at(DAY, 10), 30, started=True, completed=True)
    f.impressions(video, f.at(DAY, 11), 9, started=True, skipped=True)
    f.impressions(video, f.at(DAY, 12), 4)
    f.clicks(other, f.at(DAY, 13), 3)  # clicks without impressions that day
    f.impressions(banner, f.at(DAY + timedelta(days=1), 0), 50)  # the next day
    result = _roll(DAY)
    assert (result.ads, result.impressions, result.clicks) == (3, 1277, 10)
    assert _rows(DAY) == {
        banner: (1234, 7, 0, 0, 0, 308),  # 1234 x 2.50 / 1000 = 3.085 -> 308 cents (rounded down)
        video: (43, 0, 39, 30, 9, 57),  # 43 x 13.33 / 1000 = 0.573 -> 57 cents
        other: (0, 3, 0, 0, 0, 0),
    }


def test_the_day_is_a_utc_day_to_the_microsecond() -> None:
    ad = f.ad()
    f.impressions(ad, f.at(DAY, 0, 0, 0.0), 1)  # the first instant
    f.impressions(ad, f.at(DAY, 23, 59, 59.999999), 2)  # the last
    f.impressions(ad, f.at(DAY + timedelta(days=1), 0, 0, 0.0), 4)  # the next day's first
    f.impressions(ad, f.at(DAY, 0, 0, -0.000001), 8)  # the day before's last
    _roll(DAY)
    assert _rows(DAY)[ad][0] == 3


def test_a_second_rollup_replaces_the_days_rows() -> None:
    ad, gone = f.ad(), f.ad()
    f.impressions(ad, f.at(DAY), 10)
    f.impressions(gone, f.at(DAY), 5)
    _roll(DAY)
    with session_scope() as session:
        session.execute(AdImpression.__table__.delete().where(AdImpression.ad_id == gone))
    f.impressions(ad, f.at(DAY, 15), 6)
    f.clicks(ad, f.at(DAY, 15), 2)
    second = _roll(DAY)
    assert _rows(DAY) == {ad: (16, 2, 0, 0, 0, 4)} and second.ads == 1


def test_a_day_without_raw_rows_has_no_rows_and_a_run() -> None:
    ad = f.ad()
    f.daily(ad, DAY, impressions=99)  # a stale row the raw data no longer supports
    result = _roll(DAY)
    assert (result.ads, result.impressions, result.clicks) == (0, 0, 0)
    assert _rows(DAY) == {}
    with session_scope() as session:
        run = session.get(AdRollupRun, result.run_id)
        assert run is not None and (run.day, run.kind, run.impressions, run.error) == (DAY, "day", 0, None)
        assert run.finished_at is not None and run.finished_at >= run.started_at


def test_a_requested_day_is_audited_and_a_future_day_refused(actor_with: Callable[..., Actor]) -> None:
    adops = actor_with("ads")
    f.impressions(f.ad(), f.at(DAY), 3)
    _roll(DAY, adops)
    with session_scope() as session:
        event = session.execute(select(AuditEvent).where(AuditEvent.action == "ad_stats.rollup")).scalar_one()
    assert (event.entity_id, event.actor_label, event.after["impressions"]) == (DAY.isoformat(), adops.label, 3)
    with pytest.raises(ValidationFailed, match="future"):
        _roll(utcnow().date() + timedelta(days=1), adops)


@pytest.mark.parametrize("role", ["moderator", "executive", "finance"])
def test_roles_without_ads_edit_cannot_roll_up(role: str, actor_with: Callable[..., Actor]) -> None:
    with pytest.raises(Forbidden, match=r"ads\.edit"):
        _roll(DAY, actor_with(role))
    with pytest.raises(Forbidden):
        rollup_pending(actor=actor_with(role))


def test_the_pending_pass_rolls_up_new_days_and_then_nothing() -> None:
    now = _noon()
    today = now.date()
    ad = f.ad()
    for back in (5, 3):
        f.impressions(ad, f.at(today - timedelta(days=back)), 10 + back)
    assert [r.day for r in rollup_pending(actor=SYSTEM, now=now)] == [
        today - timedelta(days=5),
        today - timedelta(days=3),
        today,  # always today: the pass's mark
    ]
    assert rollup_pending(actor=SYSTEM, now=now + timedelta(minutes=5)) == []  # nothing new: nothing written
    with session_scope() as session:
        assert session.execute(select(func.count()).select_from(AdRollupRun)).scalar_one() == 3
    f.impressions(ad, now + timedelta(minutes=6), 2)
    later = now + timedelta(minutes=10)
    assert [(r.day, r.impressions) for r in rollup_pending(actor=SYSTEM, now=later)] == [(later.date(), 2)]


def test_late_rows_within_the_grace_are_picked_up_for_their_day() -> None:
    now = utcnow().replace(hour=0, minute=5, second=0, microsecond=0)  # just after midnight
    yesterday = now.date() - timedelta(days=1)
    ad = f.ad()
    f.impressions(ad, now - timedelta(hours=2), 5)
    rollup_pending(actor=SYSTEM, now=now)
    # Written after that pass, but occurred before it (within LATE_MINUTES): the next pass redoes yesterday.
    f.impressions(ad, now - timedelta(minutes=LATE_MINUTES - 5), 4)
    passed = rollup_pending(actor=SYSTEM, now=now + timedelta(minutes=5))
    assert [(r.day, r.impressions) for r in passed] == [(yesterday, 9), (now.date(), 0)]


def test_a_failed_day_is_recorded_and_the_next_pass_starts_where_the_last_complete_one_did(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = _noon()
    ad = f.ad()
    f.impressions(ad, now - timedelta(days=2), 3)
    real = rollup.rollup_day

    def broken(session: object, **kwargs: object) -> object:
        if kwargs["day"] == now.date() - timedelta(days=2):
            raise RuntimeError("disk full")
        return real(session, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rollup, "rollup_day", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        rollup_pending(actor=SYSTEM, now=now)
    with session_scope() as session:
        run = session.execute(select(AdRollupRun)).scalar_one()
        assert run.error is not None and "disk full" in run.error and run.kind == "pending"
        assert pending_days(session, now) == [now.date() - timedelta(days=2), now.date()]  # tried again
    monkeypatch.setattr(rollup, "rollup_day", real)
    assert [r.impressions for r in rollup_pending(actor=SYSTEM, now=now)] == [3, 0]


def test_a_single_day_run_is_not_a_pass() -> None:
    now = _noon()
    ad = f.ad()
    f.impressions(ad, now - timedelta(days=1), 3)
    _roll(now.date())  # someone rolls up today by hand: yesterday's rows are still pending
    assert [r.day for r in rollup_pending(actor=SYSTEM, now=now)] == [now.date() - timedelta(days=1), now.date()]


def test_nothing_at_all_is_nothing() -> None:
    assert rollup_pending(actor=SYSTEM) == []


def test_the_job_tick_and_start(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    f.impressions(f.ad(), utcnow() - timedelta(minutes=1), 4)
    with caplog.at_level("INFO", logger="console.ads.jobs"):
        results = jobs.rollup_tick()
    assert sum(r.impressions for r in results) == 4
    assert "4 impressions" in caplog.text
    with session_scope() as session:
        assert set(session.execute(select(AdRollupRun.kind)).scalars()) == {"pending"}
    created: list[object] = []
    monkeypatch.setattr("nicegui.background_tasks.create", lambda coro, name: created.append(name) or coro.close())
    jobs.start()  # CONSOLE_ADS_ROLLUP_SECONDS=0 in the tests: off
    assert created == []
    monkeypatch.setenv("CONSOLE_ADS_ROLLUP_SECONDS", "60")
    from console.config import get_settings

    get_settings.cache_clear()
    jobs.start()
    assert created == ["ads-rollup"]


def test_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    ad = f.ad()
    f.impressions(ad, f.at(DAY), 12)
    assert cli.main(["ads", "rollup", "--day", DAY.isoformat()]) == 0
    assert f"{DAY}: 1 ads, 12 impressions, 0 clicks" in capsys.readouterr().out
    assert cli.main(["ads", "rollup"]) == 0  # the pass: DAY again (no pass yet) and today
    out = capsys.readouterr().out
    assert f"{DAY}: 1 ads, 12 impressions" in out and f"{utcnow().date()}: 0 ads" in out
    assert cli.main(["ads", "rollup"]) == 0
    assert "Nothing new to roll up." in capsys.readouterr().out
    assert cli.main(["ads", "rollup", "--day", "10/03/2026"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    with session_scope() as session:
        kinds = session.execute(select(AdRollupRun.kind).order_by(AdRollupRun.id)).scalars().all()
        actor = session.execute(select(AuditEvent.actor_label).where(AuditEvent.action == "ad_stats.rollup")).scalar()
    assert kinds == ["day", "pending", "pending"] and actor is not None and actor.startswith("cli:")


def test_spend_rounds_down_and_runs_count_raw_rows() -> None:
    ad = f.ad(f.campaign(cpm_bid_cents=999))
    f.impressions(ad, f.at(DAY), 1)
    result = _roll(DAY)
    assert _rows(DAY)[ad][-1] == 0  # 1 x 9.99 / 1000 = 0.00999
    with session_scope() as session:
        run = session.get(AdRollupRun, result.run_id)
        assert run is not None and (run.impressions, run.clicks) == (1, 0)
