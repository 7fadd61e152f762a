"""/moderation/appeals with NiceGUI's simulated user: open appeals with their strike, decision and case, uphold and
overturn with a required note (overturning lists what the reversal did), the deciding moderator refused with the
service's message, and the upheld/overturned tabs."""

from __future__ import annotations

from typing import Any

from nicegui.testing import User

from console.actor import Actor
from console.db import session_scope
from console.moderation.jobs import PLATFORM
from console.moderation.models import Appeal, Comment
from console.moderation.service import appeals
from tests.moderation.factories import claim, comment, decide, member, member_row, report
from tests.moderation.page_helpers import click, press, signed_in, texts, type_into, wait_gone, wait_shown
from tests.ui.helpers import all_marked, element, rows, wait_for_caption, wait_for_rows, wait_until


def _appealed(decider: Actor, action: str = "hide_comment", body: str = "I was joking") -> tuple[int, int, int]:
    """A decision with a strike and the member's appeal of it: (case id, target id, appeal id)."""
    if action == "hide_comment":
        target = comment(body="you clown")
        case_id = report("comment", target, "harassment").case_id
    else:
        target = member()
        case_id = report("member", target, "harassment").case_id
    claim(case_id, decider)
    outcome = decide(case_id, decider, action, reason="insulting", days=3 if action == "mute" else None)
    assert outcome.strike_id is not None
    with session_scope() as session:
        appeal = appeals.record_appeal(session, actor=PLATFORM, strike_id=outcome.strike_id, body=body)
        return case_id, target, appeal.id


def _appeal(appeal_id: int) -> Appeal:
    with session_scope() as session:
        row = session.get(Appeal, appeal_id)
        assert row is not None
        return row


async def _choose(user: User, appeal_id: int) -> None:
    found = await wait_for_rows(user, lambda r: any(x["id"] == appeal_id for x in r), "the appeal")
    row = next(r for r in found if r["id"] == appeal_id)
    user.find(marker="paged-table").trigger("rowClick", [{}, row, 0])
    await wait_shown(user, "appeal-detail")


async def test_open_appeals_show_the_strike_the_decision_and_the_case(
    user: User, make_staff: Any, actor_for: Any
) -> None:
    await signed_in(user, make_staff)
    staff_id, _ = make_staff("moderator", name="Max Mod")
    case_id, _target, appeal_id = _appealed(actor_for(staff_id), body="It was <i>sarcasm</i>, honestly")
    await user.open("/moderation/appeals")
    await wait_for_caption(user, "1–1 of 1")
    [row] = rows(user)
    assert row["strike"] == "Content removal: insulting" and row["decision"] == "Hide the comment · Max Mod"
    press(user, "j")  # the keyboard opens it as a click does
    await wait_until(lambda: texts(user, "appeal-body") == ["It was <i>sarcasm</i>, honestly"], what="j")
    await _choose(user, appeal_id)
    assert texts(user, "appeal-body") == ["It was <i>sarcasm</i>, honestly"]
    assert texts(user, "appeal-strike-reason") == ["insulting"]
    assert str(element(user, "appeal-case-link").text) == f"Case #{case_id}"
    await user.should_see(f"Appeal #{appeal_id} · Open · filed ")  # the status as the tabs name it
    await user.should_see("Strike: Content removal (")


async def test_overturning_reverses_the_decision_and_lists_what_it_did(
    user: User, make_staff: Any, actor_for: Any
) -> None:
    await signed_in(user, make_staff)
    staff_id, _ = make_staff("moderator", name="Max Mod")
    _case_id, target, appeal_id = _appealed(actor_for(staff_id))
    await user.open("/moderation/appeals")
    await _choose(user, appeal_id)
    click(user, "appeal-overturn")
    await wait_shown(user, "appeal-dialog")
    click(user, "appeal-ok")
    await wait_until(lambda: element(user, "appeal-input").error == "Note is required", what="the note message")
    assert _appeal(appeal_id).status == "open"

    type_into(user, "appeal-input", "context shows a joke between friends")
    click(user, "appeal-ok")
    await wait_shown(user, "appeal-result")
    assert texts(user, "appeal-result-title") == [f"Appeal #{appeal_id} overturned."]
    assert texts(user, "appeal-result-line") == ["• comment shown again"]
    assert not all_marked(user, "appeal-dialog")
    with session_scope() as session:
        row = session.get(Comment, target)
        assert row is not None and row.hidden_at is None
    assert _appeal(appeal_id).status == "overturned"
    await wait_for_caption(user, "0–0 of 0")  # no open appeal left

    click(user, "appeal-result-close")
    await wait_gone(user, "appeal-result")
    element(user, "appeals-tabs").value = "overturned"
    found = await wait_for_rows(user, lambda r: len(r) == 1, "the overturned tab")
    assert found[0]["id"] == appeal_id and "context shows a joke" in found[0]["decided"]


async def test_upholding_keeps_the_sanction(user: User, make_staff: Any, actor_for: Any) -> None:
    await signed_in(user, make_staff)
    staff_id, _ = make_staff("moderator", name="Max Mod")
    _case_id, target, appeal_id = _appealed(actor_for(staff_id), action="mute")
    await user.open("/moderation/appeals")
    await _choose(user, appeal_id)
    click(user, "appeal-uphold")
    await wait_shown(user, "appeal-dialog")
    type_into(user, "appeal-input", "the messages were abusive")
    click(user, "appeal-ok")
    await wait_shown(user, "appeal-result")
    assert texts(user, "appeal-result-title") == [f"Appeal #{appeal_id} upheld."]
    assert not all_marked(user, "appeal-result-line")
    assert member_row(target).status == "muted"
    element(user, "appeals-tabs").value = "upheld"
    await wait_for_rows(user, lambda r: [x["id"] for x in r] == [appeal_id], "the upheld tab")


async def test_the_deciding_moderator_is_not_offered_the_appeal_and_is_told_why(
    user: User, make_staff: Any, actor_for: Any
) -> None:
    me = actor_for(await signed_in(user, make_staff))
    _case_id, _target, appeal_id = _appealed(me)
    await user.open("/moderation/appeals")
    await _choose(user, appeal_id)
    await wait_shown(user, "appeal-own")
    assert texts(user, "appeal-own") == ["You decided this strike: another moderator decides its appeal."]
    assert not all_marked(user, "appeal-overturn") and not all_marked(user, "appeal-uphold")
    assert _appeal(appeal_id).status == "open"  # the service refuses it too (tests/moderation/test_appeals.py)


async def test_a_decided_appeal_opens_from_its_tab_without_buttons(
    user: User, make_staff: Any, actor_for: Any, admin: Actor
) -> None:
    await signed_in(user, make_staff)
    staff_id, _ = make_staff("moderator", name="Max Mod")
    _case, _target, decided = _appealed(actor_for(staff_id))
    _appealed(actor_for(staff_id))  # still open
    with session_scope() as session:
        appeals.decide_appeal(
            session, actor=admin, appeal_id=decided, overturn=False, note="rules are rules", expected_version=None
        )
    await user.open("/moderation/appeals?status=upheld")
    await _choose(user, decided)
    assert element(user, "appeals-tabs").value == "upheld"
    assert [r["id"] for r in rows(user)] == [decided]
    assert "rules are rules" in texts(user, "appeal-decided")[0]
    assert not all_marked(user, "appeal-uphold") and not all_marked(user, "appeal-overturn")
