"""`bench` entries moderation.*: the queue's pages (first, 100th, last, filtered; goal p95 150 ms), "next case"
with 10 moderators claiming at once (goal p95 20 ms on PostgreSQL), and one decision (goal 50 ms). Claims and
decisions run in transactions that are rolled back, so every run sees the same queue."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from console.bench_common import page_timer, summary, time_sync

CLAIMERS = 10
CLAIMS_EACH = 20


def _moderators(count: int) -> list[Any]:
    from sqlalchemy import select

    from console.actor import SYSTEM
    from console.db import session_scope
    from console.staff import service
    from console.staff.auth import staff_actor
    from console.staff.models import Staff

    actors = []
    with session_scope() as session:
        for n in range(count):
            email = f"bench-moderator-{n}@console.example"
            staff = session.execute(select(Staff).where(Staff.email == email)).scalar_one_or_none()
            if staff is None:
                staff, _ = service.create_staff(
                    session,
                    actor=SYSTEM,
                    email=email,
                    name=f"Bench Moderator {n}",
                    roles=["moderator"],
                    must_change_password=False,
                )
            actors.append(staff_actor(staff))
    return actors


def _queue(runs: int, actor: Any) -> list[dict[str, Any]]:
    from console.db import session_scope
    from console.moderation.service.queue import CaseFilter, list_cases
    from console.paging import PageRequest

    def page(flt: CaseFilter, number: int) -> Callable[[], Any]:
        def list_page(request: PageRequest) -> Any:
            with session_scope() as session:
                return list_cases(session, actor=actor, flt=flt, page=request)

        return page_timer(list_page, number, 25)

    live, everything = CaseFilter(), CaseFilter(status="all")
    filtered = CaseFilter(target_type="comment", reason="harassment", assignee="unassigned", min_priority=50)
    cases = {
        "moderation.queue_page_1": page(live, 1),
        "moderation.queue_page_100": page(everything, 100),
        "moderation.queue_page_last": page(everything, -1),
        "moderation.queue_filtered": page(filtered, 1),
        "moderation.queue_oldest": page(CaseFilter(sort="oldest"), 1),
    }
    return [summary(name, time_sync(runs, fn), 150) for name, fn in cases.items()]


def _claims(staff_id: int, barrier: Any, count: int) -> list[float]:
    """One claimer: `count` next-case calls, each in a transaction rolled back (the queue stays as it is). Each
    call starts together with the other claimers' (a barrier per round): ten moderators pressing "next case" at
    the same instant, the worst moment of a real queue, rather than ten loops with no one reading a case."""
    from console.db import session_scope
    from console.moderation.service.queue import next_case
    from console.staff.auth import staff_actor
    from console.staff.models import Staff

    with session_scope() as session:
        staff = session.get(Staff, staff_id)
        assert staff is not None
        actor = staff_actor(staff)
    samples = []
    with session_scope() as session:  # a warm connection and compiled statements, as in a running console
        next_case(session, actor=actor)
        session.rollback()
    for _ in range(count):
        barrier.wait()  # every round, all moderators press "next case" at the same moment
        with session_scope() as session:
            started = time.perf_counter()
            case = next_case(session, actor=actor)
            elapsed = (time.perf_counter() - started) * 1000
            assert case is not None, "the scale queue ran dry"
            session.rollback()
        samples.append(elapsed)
    return samples


def _claimer_process(staff_id: int, barrier: Any, count: int, out: Any) -> None:
    from console import db

    db.configure()  # a process of its own: its own engine, interpreter and GIL, like one console process each
    out.put(_claims(staff_id, barrier, count))


def _next_case(actors: list[Any]) -> dict[str, Any]:
    """10 moderators pressing "next case" at once, each in a process of its own (as behind a load balancer);
    threads in one interpreter would measure the GIL, not the database."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    barrier, out = context.Barrier(len(actors)), context.Queue()
    workers = [context.Process(target=_claimer_process, args=(a.staff_id, barrier, CLAIMS_EACH, out)) for a in actors]
    for w in workers:
        w.start()
    samples = [value for _ in workers for value in out.get(timeout=600)]
    for w in workers:
        w.join()
    return summary(f"moderation.next_case_{len(actors)}_concurrent", samples, 20)


def _decision(runs: int, actor: Any) -> dict[str, Any]:
    from console.db import session_scope
    from console.moderation.service.decisions import ActionRequest, act
    from console.moderation.service.queue import next_case

    samples: list[float] = []
    for _ in range(runs + 1):
        with session_scope() as session:
            case = next_case(session, actor=actor)
            assert case is not None
            session.flush()
            started = time.perf_counter()
            act(
                session,
                actor=actor,
                case_id=case.id,
                request=ActionRequest(action="dismiss", reason="bench"),
                expected_version=case.version,
            )
            session.flush()
            samples.append((time.perf_counter() - started) * 1000)
            session.rollback()
    return summary("moderation.decision", samples[1:], 50)


def moderation_measurements(runs: int) -> list[dict[str, Any]]:
    from sqlalchemy import func, select

    from console.db import session_scope
    from console.moderation.models import ModerationCase

    with session_scope() as session:
        if not session.execute(select(func.count()).select_from(ModerationCase)).scalar_one():
            return []
    actors = _moderators(CLAIMERS)
    return [*_queue(runs, actors[0]), _next_case(actors), _decision(runs, actors[0])]


def moderation_pages() -> dict[str, str]:
    """The moderation pages the page bench opens (none before `seed --scale`): the queue, the busiest live case."""
    from sqlalchemy import select

    from console.db import session_scope
    from console.moderation.models import LIVE_CASE_STATES, ModerationCase

    with session_scope() as session:
        busiest = session.execute(
            select(ModerationCase.id)
            .where(ModerationCase.status.in_(LIVE_CASE_STATES))
            .order_by(ModerationCase.report_count.desc(), ModerationCase.id)
            .limit(1)
        ).scalar_one_or_none()
    if busiest is None:
        return {}
    return {
        "moderation.queue_open": "/moderation",
        "moderation.case_open": f"/moderation/cases/{busiest}",
        "moderation.appeals_open": "/moderation/appeals",
    }
