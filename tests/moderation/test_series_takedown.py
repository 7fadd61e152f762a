"""A moderator's take-down of a series takes its public and scheduled episodes with it (viewers reach episodes
without the series page, and a moderator may not unpublish them one by one), an event each; overturning it puts
the series and those episodes back, each through the publishing gate. An emergency report on a series holds every
episode with it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from console.actor import SYSTEM, Actor
from console.catalog import service
from console.catalog.gate import publish_blockers
from console.catalog.models import Video
from console.db import session_scope, utcnow
from console.errors import Forbidden, RuleViolation
from console.moderation.models import CaseDecision
from console.moderation.service import appeals
from tests.catalog.factories import audit_mark, events_since, extra_check, load_video, make_series
from tests.moderation.factories import claim, decide, report

Show = tuple[int, list[int]]


@pytest.fixture
def live_show() -> Show:
    """A published series: episode 1 published, 2 scheduled, 3 a draft."""
    series_id, _, episodes = make_series(3)
    first, second, _ = episodes
    with session_scope() as session:
        service.publish(session, actor=SYSTEM, video_id=series_id)
        service.publish(session, actor=SYSTEM, video_id=first)
        service.schedule(session, actor=SYSTEM, video_id=second, publish_at=utcnow() + timedelta(days=2))
    return series_id, episodes


def _claimed(video_id: int, mod: Actor) -> int:
    case_id = report("video", video_id, "copyright").case_id
    claim(case_id, mod)
    return case_id


def _taken_down(video_id: int, mod: Actor) -> tuple[int | None, str]:
    outcome = decide(_claimed(video_id, mod), mod, "unpublish_video", reason="court order 7")
    return outcome.decision_id, outcome.message


def _states(*video_ids: int) -> list[str]:
    return [load_video(i).state for i in video_ids]


def test_taking_down_a_series_takes_its_public_and_scheduled_episodes_with_it(live_show: Show, mod: Actor) -> None:
    series_id, (first, second, draft) = live_show
    due = load_video(second).publish_at
    assert due is not None
    case_id = _claimed(series_id, mod)
    mark = audit_mark()
    outcome = decide(case_id, mod, "unpublish_video", reason="court order 7")
    decision_id, message = outcome.decision_id, outcome.message
    assert message == "Series unpublished, with 2 episodes."
    assert _states(series_id, first, second, draft) == ["unpublished", "unpublished", "unpublished", "draft"]
    assert load_video(second).publish_at is None  # the scheduler will not bring it back
    events = events_since(mark)
    assert [(e.action, e.entity_id) for e in events] == [
        ("video.unpublish", str(series_id)),
        ("video.unpublish", str(first)),
        ("video.unpublish", str(second)),
        ("case.unpublish_video", str(case_id)),
    ]
    title = load_video(series_id).title
    episode_reasons = {e.reason for e in events if e.entity_id in (str(first), str(second))}
    assert episode_reasons == {f"taken down with the series “{title}”: court order 7"}
    assert all(e.actor_label == mod.label for e in events)
    with session_scope() as session:
        decision = session.get(CaseDecision, decision_id)
        assert decision is not None and decision.reversal == {
            "video_id": series_id,
            "episodes": [{"id": first, "scheduled_for": None}, {"id": second, "scheduled_for": due.isoformat()}],
        }


def test_a_series_content_staff_unpublished_still_takes_its_live_episodes(
    live_show: Show, mod: Actor, mod2: Actor, content: Actor
) -> None:
    series_id, (first, second, _) = live_show
    with session_scope() as session:
        service.unpublish(session, actor=content, video_id=series_id)
    assert _states(series_id, first) == ["unpublished", "published"]  # content's unpublish does not cascade
    decision_id, message = _taken_down(series_id, mod)
    assert message == "Series unpublished, with 2 episodes."
    assert _states(first, second) == ["unpublished", "unpublished"]
    assert decision_id is not None
    with session_scope() as session:  # overturned: what went down comes back, not the series content took off
        said = appeals.reverse_decision(session, actor=mod2, decision_id=decision_id, note="wrong show")
    assert said[:2] == [
        "the series stays unpublished (it was before the take-down)",
        "0 of 2 episodes taken down with it back as they were",
    ]
    assert all("publish the series first" in line for line in said[2:]) and len(said) == 4  # the gate says why
    assert _states(series_id, first, second) == ["unpublished", "unpublished", "unpublished"]


def test_a_series_with_nothing_left_on_the_platform_is_not_taken_down(
    live_show: Show, mod: Actor, content: Actor
) -> None:
    series_id, (first, *_) = live_show
    with session_scope() as session:
        service.unpublish_episodes(session, actor=content, series_id=series_id)
        service.unpublish(session, actor=content, video_id=series_id)
    case_id = _claimed(series_id, mod)
    mark = audit_mark()
    with pytest.raises(RuleViolation, match="is not on the platform \\(unpublished\\)"):
        decide(case_id, mod, "unpublish_video", reason="court order 8")
    assert events_since(mark) == [] and _states(series_id, first) == ["unpublished", "unpublished"]


def test_an_episode_taken_down_alone_leaves_its_series_up(mod: Actor) -> None:
    series_id, _, (first, *_) = make_series(1)
    with session_scope() as session:
        service.publish(session, actor=SYSTEM, video_id=series_id)
        service.publish(session, actor=SYSTEM, video_id=first)
    decision_id, message = _taken_down(first, mod)  # an episode alone: its series stays up
    assert message == "Video unpublished."
    assert _states(series_id, first) == ["published", "unpublished"]
    with session_scope() as session:
        decision = session.get(CaseDecision, decision_id)
        assert decision is not None and decision.reversal == {"video_id": first}


def test_overturning_the_take_down_puts_the_series_and_its_episodes_back_through_the_gate(
    live_show: Show, mod: Actor, mod2: Actor
) -> None:
    series_id, (first, second, draft) = live_show
    decision_id, _ = _taken_down(series_id, mod)
    assert decision_id is not None
    refusal = "its release is under review"
    mark = audit_mark()
    with extra_check(lambda _session, video: [refusal] if video.id == second else []), session_scope() as session:
        said = appeals.reverse_decision(session, actor=mod2, decision_id=decision_id, note="wrong series")
    title = load_video(second).title
    assert said == [
        "video published again",
        "1 of 2 episodes taken down with it back as they were",
        f"episode #{second} stays unpublished: “{title}” cannot be published: {refusal}.",
    ]
    assert _states(series_id, first, second, draft) == ["published", "published", "unpublished", "draft"]
    published = [(e.action, e.entity_id) for e in events_since(mark) if e.action.startswith("video.")]
    assert published == [("video.publish", str(series_id)), ("video.publish", str(first))]


def test_overturned_the_episodes_come_back_as_they_were_a_scheduled_one_at_its_time(
    live_show: Show, mod: Actor, mod2: Actor
) -> None:
    series_id, (first, second, draft) = live_show
    due = load_video(second).publish_at
    decision_id, _ = _taken_down(series_id, mod)
    assert decision_id is not None
    with session_scope() as session:
        said = appeals.reverse_decision(session, actor=mod2, decision_id=decision_id, note="wrong series")
    assert said == ["video published again", "2 of 2 episodes taken down with it back as they were"]
    assert _states(series_id, first, second, draft) == ["published", "published", "scheduled", "draft"]
    assert load_video(second).publish_at == due  # not published ahead of its time


def test_when_the_series_itself_is_refused_its_episodes_stay_down(live_show: Show, mod: Actor, mod2: Actor) -> None:
    series_id, (first, second, _) = live_show
    decision_id, _ = _taken_down(series_id, mod)
    assert decision_id is not None
    mark = audit_mark()
    with extra_check(lambda _session, video: ["held"] if video.id == series_id else []), session_scope() as session:
        said = appeals.reverse_decision(session, actor=mod2, decision_id=decision_id, note="wrong series")
    assert len(said) == 1 and said[0].startswith("the video stays unpublished:")
    assert _states(series_id, first, second) == ["unpublished", "unpublished", "unpublished"]
    assert [e for e in events_since(mark) if e.action.startswith("video.")] == []


def test_a_role_that_may_not_moderate_cannot_take_a_series_down(live_show: Show, content: Actor) -> None:
    series_id, (first, _, _) = live_show
    mark = audit_mark()
    with pytest.raises(Forbidden), session_scope() as session:
        service.take_down(session, actor=content, video_id=series_id, reason="x")
    assert _states(series_id, first) == ["published", "published"]
    assert events_since(mark) == []


def test_an_underage_report_on_a_series_holds_it_and_every_episode_at_once(live_show: Show) -> None:
    series_id, (first, second, draft) = live_show
    mark = audit_mark()
    outcome = report("video", series_id, "underage")
    assert outcome.emergency_actions == [
        f"video #{series_id} put on compliance hold",
        "3 episodes of the series put on compliance hold",
    ]
    assert _states(series_id, first, second, draft) == ["unpublished", "unpublished", "unpublished", "draft"]
    held = [(e.action, e.entity_id) for e in events_since(mark) if e.action == "video.compliance_hold"]
    assert held == [("video.compliance_hold", str(i)) for i in (series_id, first, second, draft)]
    with session_scope() as session:
        for video_id in (series_id, first, second, draft):  # the draft too: it cannot be published meanwhile
            video = session.get(Video, video_id)
            assert video is not None
            assert any("on compliance hold" in r for r in publish_blockers(session, video))
