"""Intake: a report joins its target's one live case (or opens one), counts and priority follow, bad input is
refused with a message per field and stores nothing, emergency reasons act at once (the UNDERAGE hold on every
path: the API service and rows inserted straight into `reports`), and the intake job picks rows up."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text

from console.actor import SYSTEM
from console.audit.models import AuditEvent
from console.catalog.gate import publish_blockers
from console.catalog.models import Video
from console.compliance import worklist
from console.compliance.models import ComplianceHold
from console.db import session_scope, utcnow
from console.errors import Forbidden, ValidationFailed
from console.moderation import jobs
from console.moderation.models import ModerationCase, Report
from console.moderation.service import intake, priority
from console.paging import PageRequest
from tests.catalog.factories import audit_mark, events_since, make_published_video, make_video
from tests.conftest import IS_POSTGRES
from tests.moderation.factories import chat, comment, load_case, member, report, stream


def count(model: object) -> int:
    with session_scope() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())  # type: ignore[arg-type]


def test_reports_on_one_target_share_one_case_with_counts_and_priority() -> None:
    target = comment(body="buy cheap pills at example.com")
    alice, bob = member(), member()
    first = report("comment", target, "spam", reporter=alice)
    second = report("comment", target, "harassment", reporter=bob, description="he insults everyone")
    third = report("comment", target, "spam", reporter=alice)
    assert first.new_case and not second.new_case and not third.new_case
    assert first.case_id == second.case_id == third.case_id
    case = load_case(first.case_id)
    assert (case.report_count, case.reporter_count) == (3, 2)
    assert case.reason_counts == {"harassment": 1, "spam": 2}
    assert case.worst_reason == "harassment" and not case.emergency
    parts = case.priority_parts
    assert parts["severity"] == priority.SEVERITY["harassment"] and parts["volume"] == priority.volume(2)
    assert case.base_priority == sum(parts.values())
    assert case.queue_key == priority.queue_key(case.base_priority, case.first_report_at, emergency=False)
    assert case.sla_due_at == case.first_report_at + timedelta(hours=priority.SLA_HOURS["harassment"])
    assert case.version == 1  # intake does not bump the version: a new report is not a staff edit


def test_a_report_on_a_closed_target_opens_a_new_case_pointing_to_the_old_one() -> None:
    target = make_video(title="Reported twice")
    first = report("video", target, "copyright")
    with session_scope() as session:  # closed by a moderator earlier
        session.execute(text("UPDATE moderation_cases SET status = 'dismissed' WHERE id = :id"), {"id": first.case_id})
    again = report("video", target, "copyright")
    assert again.new_case and again.case_id != first.case_id
    assert load_case(again.case_id).previous_case_id == first.case_id


def test_reports_delivered_out_of_order_keep_the_first_report_time() -> None:
    target = member()
    now = utcnow()
    late = report("member", target, "spam", reported_at=(now - timedelta(hours=1)).isoformat())
    early = report("member", target, "spam", reported_at=(now - timedelta(hours=5)).isoformat())
    case = load_case(late.case_id)
    assert early.case_id == late.case_id
    assert abs((case.first_report_at - (now - timedelta(hours=5))).total_seconds()) < 1
    assert case.queue_key == priority.queue_key(case.base_priority, case.first_report_at, emergency=False)


def test_every_report_writes_an_event_and_a_repeated_external_id_is_filed_once() -> None:
    target, reporter = member(), member()
    mark = audit_mark()
    one = report("member", target, "harassment", reporter=reporter, external_id="platform-42")
    two = report("member", target, "harassment", reporter=reporter, external_id="platform-42")
    assert two.duplicate and two.report_id == one.report_id
    assert [e.action for e in events_since(mark)] == ["case.open", "report.receive"]
    assert count(Report) == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"reason": "boring"}, "reason", "must be one of"),
        ({"target_type": "planet"}, "target_type", "must be one of"),
        ({"target_id": -4}, "target_id", "at least 1"),
        ({"target_id": "abc"}, "target_id", "whole number"),
        ({"target_id": 999_999}, "target_id", "no video #999999 exists"),
        ({"reporter_id": 999_999}, "reporter_id", "is not a member"),
        ({"description": "x" * 2001}, "description", "too long"),
        ({"description": "bad\x00byte"}, "description", "control character"),
        ({"video_start_s": 30, "video_end_s": 10}, "video_end_s", "before the start"),
        ({"video_start_s": 0, "video_end_s": 99_999}, "video_end_s", "after the end of the video"),
        ({"chat_message_id": 5}, "chat_message_id", "only for reports on a live stream"),
        ({"reported_at": "yesterday"}, "reported_at", "not a date and time"),
        ({"reported_at": "2026-01-01T10:00:00"}, "reported_at", "time zone"),
        ({"reported_at": "2999-01-01T10:00:00Z"}, "reported_at", "in the future"),
    ],
)
def test_bad_reports_are_refused_with_a_message_and_store_nothing(data: dict, field: str, message: str) -> None:
    video = make_video(title="Target", duration_seconds="10:00")
    payload = {"reporter_id": member(), "target_type": "video", "target_id": video, "reason": "spam"} | data
    mark = audit_mark()
    with session_scope() as session, pytest.raises(ValidationFailed) as exc:
        intake.record_report(session, actor=jobs.PLATFORM, data=payload)
    assert message in exc.value.errors[field]
    assert count(Report) == 0 and count(ModerationCase) == 0 and events_since(mark) == []


def test_hostile_text_is_stored_exactly() -> None:
    hostile = "<script>alert('x')</script> ' OR 1=1; -- 👩‍👩‍👧 {{ 7*7 }} \\x00"
    outcome = report("member", member(), "other", description=hostile)
    with session_scope() as session:
        assert session.get(Report, outcome.report_id).description == hostile  # type: ignore[union-attr]


def test_staff_cannot_file_reports(make_staff, actor_for) -> None:
    staff_id, _ = make_staff("moderator")
    with session_scope() as session, pytest.raises(Forbidden):
        intake.record_report(
            session,
            actor=actor_for(staff_id),
            data={"reporter_id": member(), "target_type": "member", "target_id": member(), "reason": "spam"},
        )


def test_a_chat_report_on_a_stream_names_a_message_of_that_stream() -> None:
    live, other = stream(), stream()
    message = chat(other, body="elsewhere")
    with session_scope() as session, pytest.raises(ValidationFailed) as exc:
        intake.record_report(
            session,
            actor=jobs.PLATFORM,
            data={"reporter_id": member(), "target_type": "live_stream", "target_id": live, "reason": "harassment",
                  "chat_message_id": message},
        )  # fmt: skip
    assert "not a message of this stream" in exc.value.errors["chat_message_id"]


# --- emergencies ---------------------------------------------------------------------------------------------


def assert_on_compliance_hold(video_id: int) -> None:
    with session_scope() as session:
        video = session.get(Video, video_id)
        assert video is not None and video.state == "unpublished"
        hold = session.execute(select(ComplianceHold).where(ComplianceHold.video_id == video_id)).scalar_one()
        assert hold.source == "report" and hold.released_at is None and "Underage" in hold.reason
        assert any("on compliance hold" in r for r in publish_blockers(session, video))
        holds = worklist.list_holds(session, actor=SYSTEM, page=PageRequest(1, 50)).rows
        assert video_id in [h.video_id for h in holds]


def test_an_underage_report_holds_the_video_at_once_and_tops_the_queue() -> None:
    video = make_published_video(title="Emergency")
    calm = report("video", make_published_video(title="Calm"), "spam", reporter=member())
    reporter = member()
    mark = audit_mark()
    outcome = report("video", video, "underage", reporter=reporter, description="she looks 15")
    assert outcome.emergency_actions == [f"video #{video} put on compliance hold"]
    actions = [e.action for e in events_since(mark)]
    assert actions == ["case.open", "report.receive", "video.compliance_hold"]
    assert_on_compliance_hold(video)
    case = load_case(outcome.case_id)
    assert case.emergency and case.base_priority > load_case(calm.case_id).base_priority + 500


def test_an_emergency_report_joining_an_existing_case_holds_the_video_then() -> None:
    video = make_published_video(title="Was just spam")
    first = report("video", video, "spam")
    second = report("video", video, "non_consensual")
    assert second.case_id == first.case_id and second.emergency_actions
    assert load_case(first.case_id).emergency
    with session_scope() as session:
        assert session.get(Video, video).state == "unpublished"  # type: ignore[union-attr]


def test_an_underage_report_on_a_draft_keeps_it_from_being_published() -> None:
    draft = make_video(title="Draft")
    report("video", draft, "underage")
    with session_scope() as session:
        video = session.get(Video, draft)
        assert video is not None and video.state == "draft"
        assert any("on compliance hold" in r for r in publish_blockers(session, video))


def test_an_underage_report_on_a_live_stream_ends_it() -> None:
    live = stream(status="live", viewers=900)
    outcome = report("live_stream", live, "underage")
    assert outcome.emergency_actions == [f"live stream #{live} ended"]
    from console.moderation.models import LiveStream

    with session_scope() as session:
        row = session.get(LiveStream, live)
        assert row is not None and row.status == "ended" and not row.chat_enabled


def test_rows_inserted_straight_into_reports_are_picked_up_and_emergencies_act() -> None:
    video = make_published_video(title="Via the table")
    reporter = member()
    with session_scope() as session:
        for reason, target in (("underage", video), ("spam", video), ("spam", 999_999)):
            session.execute(
                text(
                    "INSERT INTO reports (reporter_id, target_type, target_id, reason, source, created_at) "
                    "VALUES (:r, 'video', :t, :reason, 'table', :at)"
                ),
                {"r": reporter, "t": target, "reason": reason, "at": utcnow().replace(tzinfo=None)},
            )
    attached, refused = jobs.intake_tick()
    assert (attached, refused) == (2, 1)
    assert_on_compliance_hold(video)
    with session_scope() as session:
        bad = session.execute(select(Report).where(Report.target_id == 999_999)).scalar_one()
        assert bad.case_id is None and "no video #999999 exists" in (bad.intake_error or "").lower()
        case = session.execute(select(ModerationCase)).scalar_one()
        assert case.report_count == 2
    assert jobs.intake_tick() == (0, 0)  # the refused row is not tried again


@pytest.mark.postgres_only
@pytest.mark.skipif(not IS_POSTGRES, reason="concurrent writers need PostgreSQL")
def test_twenty_concurrent_reports_on_a_new_target_open_one_case() -> None:
    target = make_video(title="Everyone reports it")
    reporters = [member() for _ in range(20)]
    barrier = threading.Barrier(20)
    errors: list[BaseException] = []

    def file(reporter: int) -> None:
        try:
            barrier.wait()
            report("video", target, "spam", reporter=reporter)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=file, args=(r,)) for r in reporters]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with session_scope() as session:
        [case] = session.execute(select(ModerationCase)).scalars().all()
        assert (case.report_count, case.reporter_count) == (20, 20)
        opened = session.execute(select(func.count()).where(AuditEvent.action == "case.open")).scalar_one()
    assert opened == 1


def test_an_emergency_reports_hold_is_not_released_while_its_case_is_open(actor_with: Any) -> None:
    """Compliance released the hold of a video reported as showing a minor while the case was still open, and
    content staff then published it. The release is refused, naming the case, until moderation closes it."""
    from console.compliance import holds as hold_service
    from console.errors import RuleViolation
    from tests.moderation.factories import claim, decide

    video = make_published_video(title="Reported")
    outcome = report("video", video, "underage", reporter=member())
    with session_scope() as session:
        hold = session.execute(select(ComplianceHold).where(ComplianceHold.video_id == video)).scalar_one()
    compliance, moderator = actor_with("compliance"), actor_with("moderator")
    mark = audit_mark()
    for release in (
        lambda s: hold_service.release_hold(s, actor=compliance, hold_id=hold.id, reason="looks fine"),
        lambda s: hold_service.release_holds(s, actor=compliance, hold_ids=[hold.id], reason="looks fine"),
    ):
        with session_scope() as session, pytest.raises(RuleViolation, match=f"case #{outcome.case_id}"):
            release(session)
    assert events_since(mark) == []
    claim(outcome.case_id, moderator)
    decide(outcome.case_id, moderator, "dismiss", reason="an adult performer, checked")
    with session_scope() as session:  # the case is closed: compliance may release now
        assert hold_service.release_hold(session, actor=compliance, hold_id=hold.id, reason="case closed").released_at
