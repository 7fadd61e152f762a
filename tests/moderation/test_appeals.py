"""Appeals: filed by the platform once per strike, decided by someone other than the deciding moderator;
overturning reverses each action with its own audit event; decisions no member can appeal can be reversed too."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from console.actor import Actor
from console.catalog.models import Video
from console.db import session_scope
from console.errors import Forbidden, RuleViolation, ValidationFailed
from console.moderation.jobs import PLATFORM
from console.moderation.models import Appeal, BlockEntry, CaseDecision, ChatMessage, Comment, LiveStream, MemberStrike
from console.moderation.service import appeals
from console.paging import PageRequest
from tests.catalog.factories import audit_mark, events_since, make_published_video
from tests.moderation.factories import chat, claim, comment, decide, member, member_row, report, stream


def appeal_of(strike_id: int | None, text: str = "I did nothing wrong") -> int:
    assert strike_id is not None
    with session_scope() as session:
        return appeals.record_appeal(session, actor=PLATFORM, strike_id=strike_id, body=text).id


def overturn(appeal_id: int, actor: Actor, note: str = "the context shows it was a joke") -> list[str]:
    with session_scope() as session:
        _, done = appeals.decide_appeal(
            session, actor=actor, appeal_id=appeal_id, overturn=True, note=note, expected_version=None
        )
        return done


def claimed_case(target_type: str, target_id: int, actor: Actor, **data: object) -> int:
    case_id = report(target_type, target_id, "harassment", **data).case_id
    claim(case_id, actor)
    return case_id


def test_overturning_a_hidden_comment_shows_it_again(mod: Actor, mod2: Actor) -> None:
    target = comment(author=member(), body="borderline joke")
    case_id = claimed_case("comment", target, mod)
    strike = decide(case_id, mod, "hide_comment").strike_id
    appeal = appeal_of(strike)
    mark = audit_mark()
    assert overturn(appeal, mod2) == ["comment shown again"]
    assert [e.action for e in events_since(mark)] == ["comment.unhide", "case.reverse", "appeal.overturn"]
    with session_scope() as session:
        assert session.get(Comment, target).hidden_at is None  # type: ignore[union-attr]
        assert session.get(MemberStrike, strike).overturned_at is not None  # type: ignore[union-attr]
        assert session.get(Appeal, appeal).status == "overturned"  # type: ignore[union-attr]


def test_overturning_restores_a_chat_message(mod: Actor, mod2: Actor) -> None:
    message = chat(stream(), author=member(), body="hm")
    case_id = claimed_case("chat_message", message, mod)
    assert overturn(appeal_of(decide(case_id, mod, "delete_chat_message").strike_id), mod2) == ["chat message restored"]
    with session_scope() as session:
        assert session.get(ChatMessage, message).deleted_at is None  # type: ignore[union-attr]


@pytest.mark.parametrize(("action", "days"), [("mute", 3), ("suspend", 7), ("ban", None)])
def test_overturning_lifts_a_sanction(action: str, days: int | None, mod: Actor, mod2: Actor) -> None:
    target = member()
    case_id = claimed_case("member", target, mod)
    strike = decide(case_id, mod, action, days=days).strike_id
    assert member_row(target).status != "active"
    assert overturn(appeal_of(strike), mod2) == [f"@{member_row(target).username} is active again"]
    row = member_row(target)
    assert (row.status, row.muted_until, row.suspended_until) == ("active", None, None)


def test_overturning_a_warning_withdraws_it(mod: Actor, mod2: Actor) -> None:
    case_id = claimed_case("member", member(), mod)
    assert overturn(appeal_of(decide(case_id, mod, "warn").strike_id), mod2) == ["warning withdrawn"]


def test_a_lifted_mute_is_not_lifted_again_over_a_later_ban(mod: Actor, mod2: Actor) -> None:
    target = member()
    case_id = claimed_case("member", target, mod)
    mute = decide(case_id, mod, "mute", days=3).strike_id
    decide(case_id, mod, "ban")
    done = overturn(appeal_of(mute), mod2)
    assert "banned now, not muted" in done[0] and member_row(target).status == "banned"


def test_the_deciding_moderator_cannot_decide_the_appeal(mod: Actor, mod2: Actor) -> None:
    case_id = claimed_case("member", member(), mod)
    appeal = appeal_of(decide(case_id, mod, "warn").strike_id)
    with pytest.raises(RuleViolation, match="another moderator"):
        overturn(appeal, mod)
    with session_scope() as session:
        upheld, done = appeals.decide_appeal(
            session, actor=mod2, appeal_id=appeal, overturn=False, note="the rules are clear", expected_version=None
        )
        assert upheld.status == "upheld" and done == []
    with pytest.raises(RuleViolation, match="already upheld"):
        overturn(appeal, mod2)


def test_appeals_are_filed_once_by_the_platform_and_need_a_note(mod: Actor, mod2: Actor) -> None:
    case_id = claimed_case("member", member(), mod)
    strike = decide(case_id, mod, "warn").strike_id
    assert strike is not None
    with session_scope() as session, pytest.raises(Forbidden):
        appeals.record_appeal(session, actor=mod, strike_id=strike, body="me")
    appeal = appeal_of(strike)
    with pytest.raises(RuleViolation, match="appealed once"):
        appeal_of(strike)
    with pytest.raises(ValidationFailed):
        overturn(appeal, mod2, note="")
    with session_scope() as session:
        rows = appeals.list_appeals(session, actor=mod2, status="open", page=PageRequest()).rows
    assert [r.appeal.id for r in rows] == [appeal] and rows[0].decision is not None


def test_roles_without_appeal_rights_are_refused(mod: Actor, actor_with: Callable[..., Actor]) -> None:
    case_id = claimed_case("member", member(), mod)
    appeal = appeal_of(decide(case_id, mod, "warn").strike_id)
    for role in ("content", "compliance", "finance", "ads", "executive"):
        with pytest.raises(Forbidden):
            overturn(appeal, actor_with(role))


def test_reversing_decisions_no_member_can_appeal(mod: Actor, mod2: Actor) -> None:
    video = make_published_video(title="Taken down by mistake")
    video_case = claimed_case("video", video, mod)
    unpublish = decide(video_case, mod, "unpublish_video").decision_id
    live = stream()
    stream_case = claimed_case("live_stream", live, mod)
    chat_off = decide(stream_case, mod, "disable_chat").decision_id
    block_case = claimed_case("member", member(), mod)
    block = decide(block_case, mod, "blocklist", block_kind="term", block_value="badword").decision_id
    ended = decide(stream_case, mod, "end_stream").decision_id
    assert ended is not None and unpublish is not None and chat_off is not None and block is not None
    with session_scope() as session:
        assert appeals.reverse_decision(session, actor=mod2, decision_id=unpublish, note="wrong video") == [
            "video published again"
        ]
    with session_scope() as session:
        assert "stays off" in appeals.reverse_decision(session, actor=mod2, decision_id=chat_off, note="x")[0]
    with session_scope() as session:
        assert (
            "taken off the blocklist" in appeals.reverse_decision(session, actor=mod2, decision_id=block, note="x")[0]
        )
    with session_scope() as session, pytest.raises(RuleViolation, match="cannot be undone"):
        appeals.reverse_decision(session, actor=mod2, decision_id=ended, note="x")
    with session_scope() as session:
        assert session.get(Video, video).state == "published"  # type: ignore[union-attr]
        assert session.get(LiveStream, live).status == "ended"  # type: ignore[union-attr]
        assert not session.execute(select(BlockEntry.active)).scalar_one()
        assert session.get(CaseDecision, unpublish).reversed_by_id == mod2.staff_id  # type: ignore[union-attr]
    with session_scope() as session, pytest.raises(RuleViolation, match="already reversed"):
        appeals.reverse_decision(session, actor=mod2, decision_id=unpublish, note="again")
