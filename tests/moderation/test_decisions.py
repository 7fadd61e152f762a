"""Decisions: each action on its kind of target with its audit events and strike, the rules around them (claim,
reason, stale versions naming who acted, closing), every action refused for roles without moderation rights,
reporter accuracy, notes and bulk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from console.actor import Actor
from console.catalog.models import Video
from console.db import session_scope, utcnow
from console.errors import Conflict, Forbidden, RuleViolation, ValidationFailed
from console.moderation.models import (
    ACTIONS,
    BlockEntry,
    CaseDecision,
    ChatMessage,
    Comment,
    LiveStream,
    MemberStrike,
    ReporterScore,
)
from console.moderation.service import decisions, sanctions
from console.moderation.service.decisions import ActionRequest
from tests.catalog.factories import audit_mark, events_since, make_published_video
from tests.conftest import staff_name
from tests.moderation.factories import (
    chat,
    claim,
    comment,
    decide,
    load_case,
    member,
    member_row,
    report,
    stream,
)


def claimed(target_type: str, target_id: int, actor: Actor, reason: str = "harassment") -> int:
    case_id = report(target_type, target_id, reason).case_id
    claim(case_id, actor)
    return case_id


def strikes_of(member_id: int) -> list[MemberStrike]:
    with session_scope() as session:
        return list(session.execute(select(MemberStrike).where(MemberStrike.member_id == member_id)).scalars())


def test_hiding_a_comment_strikes_its_author_and_is_audited(mod: Actor) -> None:
    author = member()
    target = comment(author=author, body="you are all idiots")
    case_id = claimed("comment", target, mod)
    mark = audit_mark()
    outcome = decide(case_id, mod, "hide_comment", reason="insults", rule="R2 harassment")
    assert outcome.message == "Comment hidden."
    with session_scope() as session:
        row = session.get(Comment, target)
        assert row is not None and row.hidden_at is not None and row.hidden_by_id == mod.staff_id
    [strike] = strikes_of(author)
    assert strike.kind == "content_removal" and strike.case_id == case_id
    assert [e.action for e in events_since(mark)] == ["comment.hide", "case.hide_comment"]
    assert load_case(case_id).first_action_at is not None
    assert load_case(case_id).status == "claimed"  # actions do not close the case


def test_member_sanctions_change_the_status_and_record_strikes(mod: Actor) -> None:
    target = member()
    case_id = claimed("member", target, mod)
    decide(case_id, mod, "warn")
    decide(case_id, mod, "mute", days=3)
    row = member_row(target)
    assert row.status == "muted" and row.muted_until is not None
    assert row.muted_until > utcnow() + timedelta(days=2, hours=23)
    decide(case_id, mod, "suspend", days=7)
    assert member_row(target).status == "suspended"
    with pytest.raises(ValidationFailed) as exc:
        decide(case_id, mod, "suspend")  # no days
    assert "days" in exc.value.errors
    decide(case_id, mod, "ban")
    assert member_row(target).status == "banned"
    with pytest.raises(RuleViolation, match="already banned"):
        decide(case_id, mod, "mute", days=1)
    assert [s.kind for s in strikes_of(target)] == ["warning", "mute", "suspension", "ban"]


def test_chat_and_stream_actions(mod: Actor) -> None:
    live = stream(viewers=300)
    author = member()
    message = chat(live, author=author, body="spam spam")
    case_id = claimed("chat_message", message, mod, "spam")
    decide(case_id, mod, "delete_chat_message")
    decide(case_id, mod, "disable_chat")
    decide(case_id, mod, "end_stream")
    with session_scope() as session:
        assert session.get(ChatMessage, message).deleted_at is not None  # type: ignore[union-attr]
        row = session.get(LiveStream, live)
        assert row is not None and row.status == "ended" and not row.chat_enabled
    with pytest.raises(RuleViolation, match="already ended"):
        decide(case_id, mod, "end_stream")


def test_deleting_a_message_reported_on_a_stream_names_the_message(mod: Actor) -> None:
    live = stream()
    message = chat(live, body="nasty")
    case_id = report("live_stream", live, "harassment", chat_message_id=message).case_id
    claim(case_id, mod)
    with pytest.raises(ValidationFailed):
        decide(case_id, mod, "delete_chat_message")
    decide(case_id, mod, "delete_chat_message", chat_message_id=message)
    with session_scope() as session:
        assert session.get(ChatMessage, message).deleted_at is not None  # type: ignore[union-attr]


def test_unpublishing_a_video_goes_through_the_catalog(mod: Actor) -> None:
    video = make_published_video(title="Reported video")
    case_id = claimed("video", video, mod, "copyright")
    mark = audit_mark()
    decide(case_id, mod, "unpublish_video", reason="DMCA notice 123")
    with session_scope() as session:
        assert session.get(Video, video).state == "unpublished"  # type: ignore[union-attr]
    assert [e.action for e in events_since(mark)] == ["video.unpublish", "case.unpublish_video"]


def test_a_video_already_off_the_platform_is_not_unpublished_again(mod: Actor) -> None:
    """No decision to reverse: an overturned appeal would otherwise publish a video moderation never took down."""
    video = make_published_video(title="Taken off by content staff")
    case_id = claimed("video", video, mod, "copyright")
    with session_scope() as session:
        session.get(Video, video).state = "unpublished"  # type: ignore[union-attr]
    mark = audit_mark()
    with pytest.raises(RuleViolation, match="is not on the platform \\(unpublished\\): there is nothing to take down"):
        decide(case_id, mod, "unpublish_video", reason="DMCA notice 124")
    assert events_since(mark) == []
    with session_scope() as session:
        assert session.execute(select(CaseDecision).where(CaseDecision.case_id == case_id)).first() is None
    decide(case_id, mod, "dismiss", reason="already off the platform")  # the case still closes


def test_blocklist_entries_are_unique(mod: Actor) -> None:
    case_id = claimed("member", member(), mod, "spam")
    decide(case_id, mod, "blocklist", block_kind="email", block_value="Spammer@Example.com", block_scope="signup")
    with session_scope() as session:
        entry = session.execute(select(BlockEntry)).scalar_one()
        assert (entry.kind, entry.value, entry.scope, entry.active) == ("email", "spammer@example.com", "signup", True)
    with pytest.raises(ValidationFailed, match="already on the blocklist"):
        decide(case_id, mod, "blocklist", block_kind="email", block_value="spammer@example.com", block_scope="signup")


def test_actions_must_fit_the_target(mod: Actor) -> None:
    case_id = claimed("member", member(), mod)
    for action in ("hide_comment", "delete_chat_message", "end_stream", "disable_chat", "unpublish_video"):
        with pytest.raises(RuleViolation, match="applies to a reported"):
            decide(case_id, mod, action)
    video_case = claimed("video", make_published_video(title="No member"), mod)
    with pytest.raises(RuleViolation, match="no member"):
        decide(video_case, mod, "warn")


def test_closing_needs_a_reason_and_resolve_needs_an_action(mod: Actor) -> None:
    case_id = claimed("comment", comment(), mod)
    with pytest.raises(ValidationFailed) as exc:
        decide(case_id, mod, "dismiss", reason="  ")
    assert exc.value.errors["reason"] == "is required"
    with pytest.raises(RuleViolation, match="take an action first"):
        decide(case_id, mod, "resolve")
    decide(case_id, mod, "hide_comment")
    decide(case_id, mod, "resolve", reason="comment removed")
    case = load_case(case_id)
    assert case.status == "resolved" and case.feedback_template == "resolved" and case.resolved_by_id == mod.staff_id
    with session_scope() as session:
        closing = session.execute(select(CaseDecision).where(CaseDecision.action == "resolve")).scalar_one()
        assert closing.feedback_template == "resolved"  # stored on the decision for the platform to send
    with pytest.raises(RuleViolation, match="already resolved"):
        decide(case_id, mod, "warn")


def test_reporter_accuracy_follows_outcomes(mod: Actor) -> None:
    good, bad = member(), member()
    actioned = report("comment", comment(), "spam", reporter=good).case_id
    dismissed = report("comment", comment(), "spam", reporter=bad).case_id
    for case_id in (actioned, dismissed):
        claim(case_id, mod)
    decide(actioned, mod, "hide_comment")
    decide(actioned, mod, "resolve")
    decide(dismissed, mod, "dismiss", reason="not spam")
    with session_scope() as session:
        scores = {s.member_id: (s.actioned, s.dismissed) for s in session.execute(select(ReporterScore)).scalars()}
    assert scores == {good: (1, 0), bad: (0, 1)}
    closed_at_once = load_case(dismissed)  # a dismissal as first action: first action is the closing instant
    assert closed_at_once.first_action_at == closed_at_once.resolved_at
    acted_then_closed = load_case(actioned)
    assert acted_then_closed.first_action_at is not None and acted_then_closed.resolved_at is not None
    assert acted_then_closed.first_action_at < acted_then_closed.resolved_at
    later_good = report("member", member(), "spam", reporter=good).case_id
    later_bad = report("member", member(), "spam", reporter=bad).case_id
    assert load_case(later_good).priority_parts["accuracy"] > 0 > load_case(later_bad).priority_parts["accuracy"]


def test_a_stale_decision_is_refused_naming_who_acted(mod: Actor, actor_with: Callable[..., Actor]) -> None:
    admin = actor_with("admin")
    case_id = claimed("member", member(), mod)
    seen = load_case(case_id).version
    with session_scope() as session:  # an admin reassigns it meanwhile
        from console.moderation.service import queue

        queue.reassign(session, actor=admin, case_id=case_id, staff_id=mod.staff_id or 0)
    mark = audit_mark()
    with pytest.raises(Conflict) as exc:
        decide(case_id, mod, "dismiss", expected_version=seen)
    assert staff_name(admin) in exc.value.message and exc.value.changed_by == staff_name(admin)
    assert events_since(mark) == []


def test_new_reports_do_not_make_a_decision_stale(mod: Actor) -> None:
    target = member()
    case_id = claimed("member", target, mod)
    seen = load_case(case_id).version
    report("member", target, "spam")
    decide(case_id, mod, "dismiss", expected_version=seen)
    assert load_case(case_id).status == "dismissed"


@pytest.mark.parametrize("role", ["content", "compliance", "finance", "ads", "executive"])
def test_every_action_is_refused_for_roles_without_moderation(
    role: str, mod: Actor, actor_with: Callable[..., Actor]
) -> None:
    outsider = actor_with(role)
    case_id = claimed("comment", comment(), mod)
    mark = audit_mark()
    for action in ACTIONS:
        with session_scope() as session, pytest.raises(Forbidden):
            decisions.act(
                session, actor=outsider, case_id=case_id, request=ActionRequest(action=action, reason="x"),
                expected_version=None,
            )  # fmt: skip
    with session_scope() as session, pytest.raises(Forbidden):
        decisions.add_note(session, actor=outsider, case_id=case_id, body="hi")
    with session_scope() as session, pytest.raises(Forbidden):
        decisions.bulk_close(session, actor=outsider, case_ids=[case_id], action="dismiss", reason="x")
    assert events_since(mark) == []


def test_moderators_and_admins_may_take_every_action(mod: Actor, actor_with: Callable[..., Actor]) -> None:
    for actor in (mod, actor_with("admin")):
        case_id = claimed("member", member(), actor)
        decide(case_id, actor, "warn")
        decide(case_id, actor, "resolve")


def test_notes_are_internal_and_audited(mod: Actor) -> None:
    case_id = report("member", member(), "spam").case_id
    hostile = "<img src=x onerror=alert(1)>"
    with session_scope() as session:
        note = decisions.add_note(session, actor=mod, case_id=case_id, body=hostile)
        assert note.body == hostile


def test_bulk_dismiss_lists_each_case(mod: Actor, mod2: Actor) -> None:
    free = [report("comment", comment(), "spam").case_id for _ in range(3)]
    taken = report("comment", comment(), "spam").case_id
    claim(taken, mod2)
    with session_scope() as session:
        lines = decisions.bulk_close(session, actor=mod, case_ids=[*free, taken], action="dismiss", reason="spam wave")
    assert [(line.case_id, line.ok) for line in lines] == [(c, True) for c in free] + [(taken, False)]
    assert "being reviewed by" in lines[-1].message
    assert all(load_case(c).status == "dismissed" for c in free) and load_case(taken).status == "claimed"
    with session_scope() as session:
        resolved = decisions.bulk_close(
            session, actor=mod, case_ids=[report("comment", comment()).case_id], action="resolve", reason="x"
        )
    assert not resolved[0].ok and "take an action first" in resolved[0].message


def test_timed_sanctions_lift_themselves(mod: Actor) -> None:
    target = member()
    case_id = claimed("member", target, mod)
    decide(case_id, mod, "suspend", days=2)
    with session_scope() as session:
        from console.actor import SYSTEM

        assert sanctions.lift_expired(session, actor=SYSTEM) == 0
        assert sanctions.lift_expired(session, actor=SYSTEM, now=utcnow() + timedelta(days=3)) == 1
    row = member_row(target)
    assert row.status == "active" and row.suspended_until is None


def test_a_case_whose_member_was_sanctioned_is_not_dismissed_as_no_violation(mod: Actor) -> None:
    """A bulk Dismiss closed a case with a warning in force as "no violation": the reporters were told so while
    the member kept the strike. Dismiss is refused until the action is reversed; Resolve closes it."""
    case_id = claimed("member", member(), mod)
    decide(case_id, mod, "warn", reason="rude to others")
    mark = audit_mark()
    with pytest.raises(RuleViolation, match=r"already has an action in force \(Warn the member\)"):
        decide(case_id, mod, "dismiss", reason="fine after all")
    assert events_since(mark) == [] and load_case(case_id).status == "claimed"
    decide(case_id, mod, "resolve", reason="warned")
    assert load_case(case_id).status == "resolved"
