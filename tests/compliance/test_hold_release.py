"""Releasing several holds with one reason (`holds.release_holds`): an event per video, holds released meanwhile
left out, an unknown id or a bad reason refusing the whole call, and the role checked by the service."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from console.actor import Actor
from console.compliance import holds, worklist
from console.compliance.models import ComplianceHold
from console.db import session_scope
from console.errors import Forbidden, NotFound, ValidationFailed
from console.paging import PageRequest
from tests.catalog.factories import audit_mark, events_since, make_published_video


def _held(n: int, verifier: Actor) -> list[int]:
    """`n` published videos put on hold the way an emergency report does: their hold ids."""
    videos = [make_published_video(title=f"Held {i}") for i in range(n)]
    with session_scope() as session:
        holds.hold_videos(session, verifier, videos, reason="under review", source="report")
        return list(
            session.execute(
                select(ComplianceHold.id).where(ComplianceHold.video_id.in_(videos)).order_by(ComplianceHold.id)
            ).scalars()
        )


def _open(hold_ids: list[int]) -> list[int]:
    with session_scope() as session:
        rows = session.execute(select(ComplianceHold).where(ComplianceHold.id.in_(hold_ids))).scalars()
        return sorted(h.id for h in rows if h.released_at is None)


def test_several_holds_are_released_with_one_reason_and_an_event_each(verifier: Actor) -> None:
    first, second, third = _held(3, verifier)
    mark = audit_mark()
    with session_scope() as session:
        released = holds.release_holds(session, actor=verifier, hold_ids=[third, first], reason="record re-verified")
    assert released == [first, third]
    assert _open([first, second, third]) == [second]
    events = events_since(mark)
    assert [e.action for e in events] == ["video.compliance_release"] * 2
    assert {e.reason for e in events} == {"record re-verified"}


def test_a_hold_released_meanwhile_is_left_out_not_refused(verifier: Actor) -> None:
    first, second = _held(2, verifier)
    with session_scope() as session:
        holds.release_hold(session, actor=verifier, hold_id=first, reason="done by a colleague")
    mark = audit_mark()
    with session_scope() as session:
        assert holds.release_holds(session, actor=verifier, hold_ids=[first, second], reason="both fine") == [second]
    assert [e.entity_id for e in events_since(mark)] == [str(_video_of(second))]


def _video_of(hold_id: int) -> int:
    with session_scope() as session:
        hold = session.get(ComplianceHold, hold_id)
        assert hold is not None
        return hold.video_id


@pytest.mark.parametrize(
    ("ids", "reason", "error"),
    [
        ([], "fine", ValidationFailed),
        (None, "", ValidationFailed),  # the real ids, no reason
        (None, "ring \x07 the bell", ValidationFailed),  # a control character
        ("unknown", "fine", NotFound),
        (list(range(1, holds.RELEASE_MAX + 2)), "fine", ValidationFailed),
    ],
)
def test_a_refused_call_releases_nothing_and_writes_nothing(
    verifier: Actor, ids: list[int] | str | None, reason: str, error: type[Exception]
) -> None:
    held = _held(2, verifier)
    wanted = held if ids is None else [*held, held[-1] + 1000] if ids == "unknown" else ids
    mark = audit_mark()
    with pytest.raises(error), session_scope() as session:
        holds.release_holds(session, actor=verifier, hold_ids=wanted, reason=reason)
    assert _open(held) == held
    assert events_since(mark) == []


@pytest.mark.parametrize("role", ["content", "moderator", "finance", "ads", "executive"])
def test_roles_that_may_not_verify_are_refused(verifier: Actor, actor_with: Callable[..., Actor], role: str) -> None:
    held = _held(1, verifier)
    with pytest.raises(Forbidden), session_scope() as session:
        holds.release_holds(session, actor=actor_with(role), hold_ids=held, reason="please")
    assert _open(held) == held


def test_the_holds_list_narrows_to_a_reason(verifier: Actor) -> None:
    videos = [make_published_video(title=f"Episode {i}") for i in range(3)]
    reasons = {
        videos[0]: "emergency report (Underage) under moderation review, case #181",
        videos[1]: "emergency report (Underage) under moderation review, case #181",
        videos[2]: "emergency report (Non-consensual) under moderation review, case #1812",
    }
    with session_scope() as session:
        holds.hold_videos(session, verifier, videos, reason=reasons, source="report")

    def shown(reason: str | None) -> list[int]:
        with session_scope() as session:
            page = worklist.list_holds(session, actor=verifier, page=PageRequest(1, 50), reason=reason)
            return sorted(r.video_id for r in page.rows)

    assert shown(None) == sorted(videos)
    assert shown("CASE #1812") == [videos[2]]  # any case
    assert shown("case #181") == sorted(videos)  # "contains": #1812 too
    assert shown("Underage") == sorted(videos[:2])
    assert shown("100%") == [] and shown("_") == []  # LIKE's wildcards are literal
    for bad in ("x" * (worklist.REASON_FILTER_MAX + 1), "ring \x07"):
        with pytest.raises(ValidationFailed), session_scope() as session:
            worklist.list_holds(session, actor=verifier, page=PageRequest(1, 50), reason=bad)
