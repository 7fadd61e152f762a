"""The moderation demo: real work in the queue (every target type, duplicates, emergencies), written through the
services (audited, the chain intact), decided cases with strikes and open appeals, eighteen months of history
behind them; a second run adds nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.audit.service import verify
from console.compliance.models import ComplianceHold
from console.db import session_scope, utcnow
from console.members.models import Member
from console.moderation.demo import seed_moderation_demo
from console.moderation.models import Appeal, CaseDecision, Comment, MemberStrike, ModerationCase, Report
from console.seed import DEMO_DOMAIN, seed_demo


def test_the_demo_fills_the_queue(make_staff: Callable[..., tuple[int, str]]) -> None:
    from console.catalog.demo import seed_catalog_demo
    from console.compliance.demo import seed_compliance_demo

    make_staff("moderator", email=f"moderator@{DEMO_DOMAIN}", name="Demo Moderator")
    make_staff("compliance", email=f"compliance@{DEMO_DOMAIN}", name="Demo Compliance")
    seed_demo(members=80)
    seed_catalog_demo(videos=60, performers=32)
    seed_compliance_demo()
    message = seed_moderation_demo()
    assert message.startswith("Seeded moderation"), message
    with session_scope() as session:
        types = set(session.execute(select(ModerationCase.target_type).distinct()).scalars())
        assert types == {"video", "comment", "member", "performer", "live_stream", "chat_message"}
        reports = session.execute(select(func.count()).select_from(Report)).scalar_one()
        cases = session.execute(select(func.count()).select_from(ModerationCase)).scalar_one()
        assert reports > cases > 50  # duplicates on the same targets
        live = session.execute(
            select(func.count()).where(ModerationCase.status.in_(("open", "claimed", "escalated")))
        ).scalar_one()
        closed = session.execute(
            select(func.count()).where(ModerationCase.status.in_(("resolved", "dismissed")))
        ).scalar_one()
        assert live > 30 and closed > 5
        live_emergencies = select(func.count()).where(
            ModerationCase.emergency.is_(True), ModerationCase.status.in_(("open", "claimed", "escalated"))
        )
        # the demo's two emergency reports (the history may leave one of its own emergencies waiting too)
        assert session.execute(live_emergencies).scalar_one() >= 2
        assert session.execute(select(func.count()).where(ComplianceHold.source == "report")).scalar_one() == 2
        assert session.execute(select(func.count()).select_from(MemberStrike)).scalar_one() > 0
        assert session.execute(select(func.count()).select_from(Appeal)).scalar_one() >= 1
        assert verify(session).ok
        late = session.execute(  # no report older than what it reports (a comment reported before it was written)
            select(func.count())
            .select_from(Report)
            .join(Comment, (Report.target_type == "comment") & (Report.target_id == Comment.id))
            .where(Report.created_at < Comment.created_at)
        ).scalar_one()
        assert late == 0
        early = session.execute(  # nor one made before its reporter joined (1 in 5 of the history's were)
            select(func.count())
            .select_from(Report)
            .join(Member, Member.id == Report.reporter_id)
            .where(Report.created_at < Member.created_at)
        ).scalar_one()
        assert early == 0
        _check_history(session)
    assert seed_moderation_demo().startswith("Moderation demo already present")


def _check_history(session: Session) -> None:
    """Eighteen months of handled cases: every month has some, times in order, decisions behind every closed
    case, some SLA breaches (not most), a backlog today and a few cases escalated weeks ago still waiting."""
    now = utcnow()
    c = ModerationCase
    cases = session.execute(
        select(c.id, c.status, c.first_report_at, c.first_action_at, c.resolved_at, c.sla_due_at, c.resolved_by_id)
    ).all()
    months = {(r.first_report_at.year, r.first_report_at.month) for r in cases}
    assert len(months) >= 18 and min(r.first_report_at for r in cases) < now - timedelta(days=17 * 30)
    closed = [r for r in cases if r.status in ("resolved", "dismissed")]
    assert len(closed) > 1000
    assert [r for r in closed if not r.first_report_at <= r.first_action_at <= r.resolved_at <= now] == []
    assert all(r.resolved_by_id is not None for r in closed)
    breached = sum(1 for r in closed if r.resolved_at > r.sla_due_at)
    assert 0.01 < breached / len(closed) < 0.5
    decided = set(session.execute(select(CaseDecision.case_id).distinct()).scalars())
    assert {r.id for r in closed} <= decided
    waiting = [r for r in cases if r.status == "escalated" and r.first_report_at < now - timedelta(days=7)]
    assert waiting and all(r.resolved_at is None and r.first_action_at is not None for r in waiting)


def test_the_scale_seed_loads_consistent_cases(make_staff: Callable[..., tuple[int, str]]) -> None:
    from console.actor import SYSTEM
    from console.moderation.service.queue import CaseFilter, list_cases
    from console.paging import PageRequest
    from console.seed import seed_scale

    message = seed_scale(
        members=500, videos=50, performers=20, areas=("members", "catalog", "compliance", "moderation")
    )
    assert "moderation_cases" in message
    with session_scope() as session:
        cases = session.execute(select(func.count()).select_from(ModerationCase)).scalar_one()
        reports = session.execute(select(func.count()).select_from(Report)).scalar_one()
        summed = session.execute(select(func.sum(ModerationCase.report_count))).scalar_one()
        assert cases == 100 and reports == summed == 250
        live = session.execute(
            select(ModerationCase.target_type, ModerationCase.target_id).where(
                ModerationCase.status.in_(("open", "claimed", "escalated"))
            )
        ).all()
        assert len(live) == len(set(live)) > 0  # one live case per target
        page = list_cases(session, actor=SYSTEM, flt=CaseFilter(), page=PageRequest(1, 25))
        assert page.rows and page.total == len(live)
        closed_without_time = session.execute(
            select(func.count()).where(
                ModerationCase.status.in_(("resolved", "dismissed")), ModerationCase.resolved_at.is_(None)
            )
        ).scalar_one()
        assert closed_without_time == 0
