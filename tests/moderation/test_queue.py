"""The queue: cases (not reports) paged and filtered on the server, "next case" claims the highest priority in one
statement (20 concurrent callers on PostgreSQL get 20 distinct cases), claims expire, only admins reassign, and
the metrics strip."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest

from console.actor import Actor
from console.db import session_scope, utcnow
from console.errors import Conflict, Forbidden, RuleViolation, ValidationFailed
from console.moderation.service import priority, queue
from console.moderation.service.queue import CaseFilter
from console.paging import PageRequest
from tests.catalog.factories import make_video
from tests.conftest import IS_POSTGRES
from tests.moderation.factories import claim, comment, decide, load_case, member, report


def listed(actor: Actor, **flt: object) -> list[int]:
    with session_scope() as session:
        page = queue.list_cases(session, actor=actor, flt=CaseFilter(**flt), page=PageRequest(1, 50))  # type: ignore[arg-type]
        return [c.id for c in page.rows]


def backdate(case_id: int, hours: int) -> None:
    with session_scope() as session:
        case = queue.get_case(session, actor=_system(), case_id=case_id)
        case.first_report_at = utcnow() - timedelta(hours=hours)
        case.queue_key = priority.queue_key(case.base_priority, case.first_report_at, emergency=case.emergency)


def _system() -> Actor:
    from console.actor import SYSTEM

    return SYSTEM


def test_the_queue_lists_cases_by_priority_and_filters(mod: Actor) -> None:
    spam = report("comment", comment(), "spam").case_id
    harassment = report("member", member(), "harassment").case_id
    emergency = report("video", make_video(title="Flagged"), "underage").case_id
    assert listed(mod) == [emergency, harassment, spam]
    assert listed(mod, reason="spam") == [spam]
    assert listed(mod, target_type="member") == [harassment]
    assert listed(mod, sort="oldest")[0] == spam
    backdate(spam, 200)  # 200 hours waiting outrank harassment's higher severity
    assert listed(mod)[:2] == [emergency, spam]
    assert listed(mod, older_than_hours=100) == [spam]
    assert listed(mod, min_priority=900) == [emergency]
    assert listed(mod, min_priority=1_000) == [emergency]  # its shown priority, 1,000 and more
    assert listed(mod, min_priority=1_200) == []  # the emergency's lead does not pass every minimum
    claim(harassment, mod)
    assert listed(mod, assignee="mine") == [harassment]
    assert harassment not in listed(mod, assignee="unassigned")
    assert listed(mod, status="claimed") == [harassment]


def test_bad_filters_are_refused(mod: Actor) -> None:
    refused = ({"status": "gone"}, {"reason": "boring"}, {"assignee": "theirs"}, {"min_priority": -1}, {"urgency": "x"})
    for flt in refused:
        with session_scope() as session, pytest.raises(ValidationFailed):
            queue.list_cases(session, actor=mod, flt=CaseFilter(**flt), page=PageRequest())  # type: ignore[arg-type]


def test_next_case_claims_the_highest_priority_and_skips_claimed_ones(mod: Actor, mod2: Actor) -> None:
    low = report("comment", comment(), "spam").case_id
    high = report("member", member(), "violence").case_id
    with session_scope() as session:
        first = queue.next_case(session, actor=mod)
    with session_scope() as session:
        second = queue.next_case(session, actor=mod2)
    with session_scope() as session:
        none_left = queue.next_case(session, actor=mod2)
    assert first is not None and first.id == high and first.assignee_id == mod.staff_id
    assert second is not None and second.id == low
    assert none_left is None
    case = load_case(high)
    assert case.status == "claimed" and case.claim_expires_at is not None
    assert case.claim_expires_at > utcnow() + timedelta(minutes=14)


def test_an_emergency_leads_however_long_other_cases_have_waited(mod: Actor, mod2: Actor) -> None:
    """Age has no cap: 1,400 hours of waiting outweigh an emergency's 1,000 of severity. It still comes first, in
    the list and for "Next case"; the priority shown is unchanged."""
    stale_spam = report("member", member(), "spam").case_id
    backdate(stale_spam, 1_400)  # 58 days in a backlog
    underage = report("video", make_video(title="Reported today"), "underage").case_id
    non_consensual = report("video", make_video(title="Reported last week"), "non_consensual").case_id
    backdate(non_consensual, 170)
    spam_case, underage_case = load_case(stale_spam), load_case(underage)
    now = utcnow()
    shown = {c.id: priority.shown_priority(c.base_priority, c.first_report_at, now) for c in (spam_case, underage_case)}
    assert shown[stale_spam] > shown[underage]  # the number says the spam is more urgent; the order must not
    assert listed(mod) == [non_consensual, underage, stale_spam]
    assert listed(mod, min_priority=1_300) == [stale_spam]  # shown priorities decide the minimum
    assert listed(mod, urgency="emergency") == [non_consensual, underage]
    with session_scope() as session:
        first = queue.next_case(session, actor=mod)
    with session_scope() as session:
        second = queue.next_case(session, actor=mod2)
    assert first is not None and first.id == non_consensual
    assert second is not None and second.id == underage


def test_an_expired_claim_goes_back_to_the_queue_and_to_the_next_caller(mod: Actor, mod2: Actor) -> None:
    case_id = report("member", member(), "spam").case_id
    claim(case_id, mod)
    with session_scope() as session:  # the moderator went to lunch
        queue.get_case(session, actor=mod, case_id=case_id).claim_expires_at = utcnow() - timedelta(minutes=1)
    with session_scope() as session:
        assert queue.next_case(session, actor=mod2) is None  # still someone's until housekeeping returns it
    from console.moderation import jobs

    assert jobs.housekeeping_tick() == (1, 0)
    with session_scope() as session:
        taken = queue.next_case(session, actor=mod2)
    assert taken is not None and taken.id == case_id and taken.assignee_id == mod2.staff_id
    with pytest.raises(Conflict):
        claim(case_id, mod)  # mod2 holds it now


def test_a_current_claim_cannot_be_taken_and_decisions_need_it(mod: Actor, mod2: Actor) -> None:
    case_id = report("member", member(), "spam").case_id
    with pytest.raises(RuleViolation, match="Claim case"):
        decide(case_id, mod, "dismiss")
    claim(case_id, mod)
    with pytest.raises(Conflict, match="being reviewed by"):
        claim(case_id, mod2)
    with pytest.raises(Conflict, match="being reviewed by"):
        decide(case_id, mod2, "dismiss")
    with session_scope() as session, pytest.raises(RuleViolation, match="Only the moderator"):
        queue.release(session, actor=mod2, case_id=case_id)
    with session_scope() as session:
        queue.release(session, actor=mod, case_id=case_id)
    assert load_case(case_id).status == "open"


def test_only_admins_reassign_and_handle_escalations(mod: Actor, mod2: Actor, actor_with: Callable[..., Actor]) -> None:
    admin = actor_with("admin")
    case_id = report("member", member(), "harassment").case_id
    with session_scope() as session, pytest.raises(Forbidden):
        queue.reassign(session, actor=mod, case_id=case_id, staff_id=mod2.staff_id or 0)
    with session_scope() as session:
        queue.reassign(session, actor=admin, case_id=case_id, staff_id=mod2.staff_id or 0)
    assert load_case(case_id).assignee_id == mod2.staff_id
    decide(case_id, mod2, "escalate", reason="needs legal")
    assert load_case(case_id).status == "escalated"
    with pytest.raises(RuleViolation, match="escalated"):
        claim(case_id, mod)
    claim(case_id, admin)
    decide(case_id, admin, "dismiss", reason="no violation after legal review")
    assert load_case(case_id).status == "dismissed"


def test_expired_claims_return_to_the_queue(mod: Actor) -> None:
    case_id = report("member", member(), "spam").case_id
    claim(case_id, mod)
    with session_scope() as session:
        assert queue.expire_claims(session, actor=_system(), now=utcnow() + timedelta(hours=1)) == 1
    assert load_case(case_id).status == "open"


def test_metrics(mod: Actor) -> None:
    quick = report("member", member(), "spam").case_id
    report("member", member(), "spam")
    claim(quick, mod)
    decide(quick, mod, "dismiss")
    with session_scope() as session:
        m = queue.metrics(session, actor=mod)
    assert m.open_cases == 1 and not m.open_estimated and m.oldest_at is not None
    assert m.first_action_p50_min is not None and m.first_action_p50_min < 1
    assert [n for _, n in m.resolved_today] == [1]
    assert (m.emergencies, m.emergencies_estimated) == (0, False)


def test_metrics_count_open_emergencies_as_the_urgency_filter_lists_them(mod: Actor) -> None:
    underage = report("video", make_video(title="Reported"), "underage").case_id
    decided = report("video", make_video(title="Decided"), "non_consensual").case_id
    report("member", member(), "spam")
    claim(decided, mod)
    decide(decided, mod, "dismiss")  # closed: no longer counted
    with session_scope() as session:
        m = queue.metrics(session, actor=mod)
    assert m.emergencies == 1 and listed(mod, status="live", urgency="emergency") == [underage]
    assert m.open_cases == 2


def test_roles_without_moderation_cannot_read_or_claim(actor_with: Callable[..., Actor]) -> None:
    report("member", member(), "spam")
    for role in ("content", "compliance", "finance", "ads", "executive"):
        actor = actor_with(role)
        with session_scope() as session, pytest.raises(Forbidden):
            queue.list_cases(session, actor=actor, flt=CaseFilter(), page=PageRequest())
        with session_scope() as session, pytest.raises(Forbidden):
            queue.next_case(session, actor=actor)
        with session_scope() as session, pytest.raises(Forbidden):
            queue.metrics(session, actor=actor)


@pytest.mark.postgres_only
@pytest.mark.skipif(not IS_POSTGRES, reason="SKIP LOCKED needs PostgreSQL")
def test_twenty_concurrent_next_case_callers_get_twenty_distinct_cases(actor_with: Callable[..., Actor]) -> None:
    moderators = [actor_with("moderator") for _ in range(20)]
    for i in range(25):
        report("member", member(), "spam" if i % 2 else "harassment")
    barrier = threading.Barrier(20)
    got: list[int | None] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def take(actor: Actor) -> None:
        try:
            barrier.wait()
            with session_scope() as session:
                case = queue.next_case(session, actor=actor)
                case_id = case.id if case else None
            with lock:
                got.append(case_id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=take, args=(m,)) for m in moderators]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert None not in got and len(set(got)) == 20


def test_a_case_shows_its_reports_newest_first_by_when_they_were_made(mod: Actor) -> None:
    """A report sent late (received after others but made before them) takes its place in time on the case."""
    from console.moderation.models import Report
    from console.moderation.service.context import case_detail

    target = comment()
    ids = [report("comment", target, "spam").report_id for _ in range(3)]
    now = utcnow()
    with session_scope() as session:
        for report_id, hours_ago in zip(ids, (5, 1, 9), strict=True):  # the last received is the oldest
            row = session.get(Report, report_id)
            assert row is not None
            row.created_at = now - timedelta(hours=hours_ago)
        case_id = session.get(Report, ids[0]).case_id  # type: ignore[union-attr]
    with session_scope() as session:
        shown = [r.id for r in case_detail(session, actor=mod, case_id=case_id).reports]
    assert shown == [ids[1], ids[0], ids[2]]
