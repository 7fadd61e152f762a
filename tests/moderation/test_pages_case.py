"""/moderation/cases/{id} with NiceGUI's simulated user: the target in context for every kind of target, actions
through the confirm-with-reason dialog (a reason is required; a service refusal lands on its field), a stale
decision shown in the conflict panel with who acted and the reason kept, the digit presets, claim/release/
reassign, notes, reversing a decision, the feedback template once closed, and hostile text shown as text."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from nicegui import ui
from nicegui.testing import User
from sqlalchemy import select

from console.actor import SYSTEM, Actor
from console.catalog import service
from console.db import session_scope, utcnow
from console.moderation.models import BlockEntry, ChatMessage, Comment, MemberStrike
from console.moderation.pages.case_actions import SERIES_TAKE_DOWN
from console.moderation.pages.common import FEEDBACK_TEXT
from console.ui.formatting import fmt_dt
from tests.catalog.factories import load_video, make_performer, make_published_video, make_series, make_video
from tests.moderation.factories import chat, claim, comment, decide, load_case, member, member_row, report, stream
from tests.moderation.page_helpers import click, press, signed_in, texts, type_into, wait_gone, wait_shown
from tests.ui.helpers import all_elements, all_marked, element, raw_html, shown, wait_until


def _moderator(make_staff: Any, actor_for: Any, name: str = "Max Mod") -> Actor:
    staff_id, _ = make_staff("moderator", name=name)
    return actor_for(staff_id)


def _comment_row(comment_id: int) -> Comment:
    with session_scope() as session:
        row = session.get(Comment, comment_id)
        assert row is not None
        return row


async def _open(user: User, case_id: int) -> None:
    await user.open(f"/moderation/cases/{case_id}")
    await wait_shown(user, "case-header")


async def _claim(user: User) -> None:
    click(user, "case-claim")
    await wait_until(lambda: texts(user, "case-assignee") == ["Claimed by Mona Mod"], what="the claim")


# --- the target in context ------------------------------------------------------------------------------------


async def test_a_video_shows_its_card_and_reported_moments_but_never_a_remote_image(
    user: User, make_staff: Any
) -> None:
    await signed_in(user, make_staff)
    remote = make_video(title="Remote thumb", thumbnail_url="https://cdn.example.com/t.jpg", duration_seconds="1:02:03")
    case_id = report("video", remote, "copyright", video_start_s=65, video_end_s=90).case_id
    report("video", remote, "copyright", video_start_s=3600)
    await _open(user, case_id)
    assert texts(user, "target-no-thumbnail") == ["No local thumbnail"]
    assert not all_elements(user, ui.image)  # the https address is never handed to the browser
    assert sorted(texts(user, "case-report-range")) == ["0:01:05–0:01:30", "from 1:00:00"]
    ranges = [str(e.text) for e in all_marked(user, "target-range")]
    assert sorted(ranges) == ["0:01:05–0:01:30", "from 1:00:00"]

    local = "/media/thumbnails/" + "a" * 32 + ".png"
    stored = make_video(title="Local thumb", thumbnail_url=local)
    await _open(user, report("video", stored, "spam").case_id)
    [image] = all_elements(user, ui.image)
    assert image.source == local
    assert "an emergency" not in element(user, "case-priority").text


async def test_an_emergency_case_says_it_leads_the_queue_until_it_is_closed(
    user: User, make_staff: Any, mod2: Actor
) -> None:
    await signed_in(user, make_staff)
    case_id = report("member", member(), "non_consensual").case_id
    await _open(user, case_id)
    line = element(user, "case-priority").text
    assert line.startswith("Priority ") and "severity 1000" in line
    assert line.endswith("an emergency: ahead of every other case in the queue") and shown(user, "case-emergency")
    claim(case_id, mod2)
    decide(case_id, mod2, "dismiss", reason="nothing wrong")
    await _open(user, case_id)  # closed: in no queue any more
    assert element(user, "case-priority").text.endswith(" · was an emergency")
    assert not shown(user, "case-emergency")


async def test_a_comment_shows_its_thread_with_the_reported_one_highlighted_and_hidden_ones_marked(
    user: User, make_staff: Any
) -> None:
    await signed_in(user, make_staff)
    video = make_video(title="Talked about")
    root = comment(video, body="first!")
    reported = comment(video, body="you are an idiot", parent=root)
    hidden = comment(video, body="old insult", parent=root)
    with session_scope() as session:
        row = session.get(Comment, hidden)
        assert row is not None
        row.hidden_at = utcnow()
    case_id = report("comment", reported, "harassment").case_id
    await _open(user, case_id)
    assert texts(user, "thread-reported-body") == ["you are an idiot"]
    assert texts(user, "thread-body") == ["first!", "old insult"]
    assert len(all_marked(user, "thread-reported")) == 1 and len(all_marked(user, "thread-hidden")) == 1
    assert shown(user, "target-member")  # the author with strikes and decisions


async def test_a_chat_message_shows_the_messages_around_it(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    stream_id = stream()
    start = utcnow() - timedelta(minutes=10)
    ids = [chat(stream_id, body=f"message {i}", at=start + timedelta(seconds=i)) for i in range(5)]
    case_id = report("chat_message", ids[2], "spam").case_id
    await _open(user, case_id)
    assert texts(user, "chat-body") == ["message 0", "message 1", "message 3", "message 4"]
    assert texts(user, "chat-reported-body") == ["message 2"]
    assert texts(user, "target-stream-title")[0].startswith("In the stream “Live show")


async def test_a_live_stream_shows_its_status_viewers_and_reported_messages(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    stream_id = stream(viewers=321)
    bad = chat(stream_id, body="spam spam spam")
    case_id = report("live_stream", stream_id, "spam", chat_message_id=bad).case_id
    await _open(user, case_id)
    [status] = texts(user, "target-stream-status")
    assert "status live" in status and "321 watching now" in status and "chat on" in status
    assert texts(user, "chat-body") == ["spam spam spam"]


async def test_a_member_shows_status_strikes_and_past_decisions(user: User, make_staff: Any, mod2: Actor) -> None:
    await signed_in(user, make_staff)
    target = member("troublemaker")
    earlier = report("member", target, "harassment").case_id
    claim(earlier, mod2)
    decide(earlier, mod2, "warn", reason="first warning")
    decide(earlier, mod2, "resolve", reason="warned")
    case_id = report("member", target, "harassment").case_id
    await _open(user, case_id)
    assert [str(e.text) for e in all_marked(user, "target-username")] == ["@troublemaker"]
    assert element(user, "target-member-status").text == "Active"
    [strike] = all_marked(user, "target-strike")
    assert next(e.text for e in strike.descendants() if isinstance(e, ui.label)).startswith("Warning · ")
    assert len(all_marked(user, "target-decision")) == 1  # the warning; closing the case concerned nobody
    assert "2 cases about them" in texts(user, "target-member-facts")[0]


async def test_a_lapsed_strike_is_shown_lapsed_and_not_counted_as_running(
    user: User, make_staff: Any, mod2: Actor
) -> None:
    """Four warnings past their 90 days read "Strikes (4)" beside a Warn dialog that says a warning lasts 90 days:
    the count is of the strikes still running, a lapsed one is badged with the day it lapsed."""
    await signed_in(user, make_staff)
    target = member("repeat")
    for reason in ("old warning", "new warning"):
        earlier = report("member", target, "harassment").case_id
        claim(earlier, mod2)
        decide(earlier, mod2, "warn", reason=reason)
        decide(earlier, mod2, "resolve", reason="warned")
    with session_scope() as session:  # the first warning ran out yesterday
        old = session.execute(select(MemberStrike).where(MemberStrike.reason == "old warning")).scalar_one()
        old.created_at, old.expires_at = utcnow() - timedelta(days=91), utcnow() - timedelta(days=1)
    case_id = report("member", target, "harassment").case_id
    await _open(user, case_id)
    assert texts(user, "target-strike-count") == ["Strikes (1 running, 2 in all)"]
    lines = {
        next(str(e.text) for e in line.descendants() if isinstance(e, ui.label) and "warning" in str(e.text)): line
        for line in all_marked(user, "target-strike")
    }
    lapsed = [e for e in lines["old warning"].descendants() if isinstance(e, ui.badge)]
    assert [str(b.text) for b in lapsed] == [f"Lapsed {fmt_dt(old.expires_at)}"]
    running = [str(e.text) for e in lines["new warning"].descendants() if isinstance(e, ui.label)]
    assert any(text.startswith("runs until ") for text in running)
    assert not [e for e in lines["new warning"].descendants() if isinstance(e, ui.badge)]


async def test_a_performer_shows_past_cases(user: User, make_staff: Any, mod2: Actor) -> None:
    await signed_in(user, make_staff)
    performer = make_performer("Star Performer")
    earlier = report("performer", performer, "other").case_id
    claim(earlier, mod2)
    decide(earlier, mod2, "dismiss", reason="nothing wrong")
    case_id = report("performer", performer, "copyright").case_id
    await _open(user, case_id)
    assert [str(e.text) for e in all_marked(user, "target-title")] == ["Star Performer"]
    assert [str(e.text) for e in all_marked(user, "target-past-case")] == [f"#{case_id}", f"#{earlier}"]


async def test_a_missing_or_malformed_case_gets_the_404_page(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    for path in ("/moderation/cases/987654", "/moderation/cases/abc", "/moderation/cases/0"):
        await user.open(path)
        await user.should_see(marker="not-found")


# --- actions ---------------------------------------------------------------------------------------------------


async def test_an_action_needs_a_claim_and_a_reason_then_is_taken(user: User, make_staff: Any) -> None:
    staff_id = await signed_in(user, make_staff)
    target = comment(body="rude words")
    case_id = report("comment", target, "harassment").case_id
    await _open(user, case_id)
    assert shown(user, "case-claim-hint") and not element(user, "action-hide_comment").enabled
    press(user, "2")  # the preset says what is missing instead of opening a dialog
    await wait_until(lambda: user.notify.contains("Claim the case (c) to act on it"), what="the claim hint")
    assert not all_marked(user, "action-dialog")

    await _claim(user)
    click(user, "action-hide_comment")
    await wait_shown(user, "action-dialog")
    assert texts(user, "action-title") == ["Hide the comment?"]
    click(user, "action-ok")
    await wait_until(lambda: element(user, "action-input").error == "Reason is required", what="the field message")
    assert _comment_row(target).hidden_at is None

    type_into(user, "action-input", "insults another member")
    click(user, "action-ok")
    await wait_gone(user, "action-dialog")
    assert _comment_row(target).hidden_by_id == staff_id
    await wait_until(lambda: texts(user, "case-decision-action") == ["Hide the comment"], what="the history")
    assert len(all_marked(user, "thread-hidden")) == 1
    assert user.notify.contains("Comment hidden.")
    assert load_case(case_id).status == "claimed"  # an action does not close the case


async def test_taking_down_a_series_says_its_episodes_go_with_it(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    series_id, _, (episode,) = make_series(1)
    with session_scope() as session:
        for video_id in (series_id, episode):
            service.publish(session, actor=SYSTEM, video_id=video_id)
    case_id = report("video", series_id, "copyright").case_id
    await _open(user, case_id)
    await _claim(user)
    click(user, "action-unpublish_video")
    await wait_shown(user, "action-dialog")
    assert texts(user, "action-message") == [SERIES_TAKE_DOWN]
    type_into(user, "action-input", "the whole series is infringing")
    click(user, "action-ok")
    await wait_gone(user, "action-dialog")
    assert user.notify.contains("Series unpublished, with 1 episode.")
    assert (load_video(series_id).state, load_video(episode).state) == ("unpublished", "unpublished")

    movie = make_published_video(title="A movie")
    await _open(user, report("video", movie, "copyright").case_id)
    await _claim(user)
    assert not all_marked(user, "case-video-off")
    assert "2 unpublish" in texts(user, "case-keys")[0]
    click(user, "action-unpublish_video")
    await wait_shown(user, "action-dialog")
    assert texts(user, "action-message") == ["Takes the video off the platform."]


async def test_a_video_already_off_the_platform_is_not_offered_unpublish(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    draft = make_video(title="Never published")
    await _open(user, report("video", draft, "copyright").case_id)
    await _claim(user)
    assert texts(user, "case-video-off") == ["The video is not on the platform (draft): there is nothing to unpublish."]
    assert not all_marked(user, "action-unpublish_video") and all_marked(user, "action-dismiss")
    assert "unpublish" not in texts(user, "case-keys")[0]  # nor offered among the keys (QA)
    press(user, "2")  # the "remove" preset: said, not opened
    await wait_until(lambda: user.notify.contains("nothing to unpublish"), what="the warning")
    assert not shown(user, "action-dialog") and load_video(draft).state == "draft"


async def test_a_refused_value_lands_on_its_field_and_changes_nothing(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    target = member()
    case_id = report("member", target, "harassment").case_id
    await _open(user, case_id)
    await _claim(user)
    click(user, "action-mute")
    await wait_shown(user, "action-dialog")
    type_into(user, "action-input", "flooding the chat")
    for typed in (400, -5, 2.5, None):  # kept as typed, never clamped or rounded into an action nobody chose
        days = element(user, "action-days")
        days.value = typed
        days.error = None
        click(user, "action-ok")
        await wait_until(lambda: element(user, "action-days").error is not None, what=f"the message for {typed}")
        assert element(user, "action-days").error == "Days must be a whole number of days from 1 to 365"
        assert element(user, "action-days").value == typed
    assert member_row(target).status == "active"
    assert element(user, "action-input").value == "flooding the chat"  # the reason is kept


async def test_a_stale_decision_names_who_acted_and_keeps_the_reason(
    user: User, make_staff: Any, actor_for: Any, admin: Actor
) -> None:
    await signed_in(user, make_staff)
    max_mod = _moderator(make_staff, actor_for)
    target = comment(body="borderline")
    case_id = report("comment", target, "inappropriate").case_id
    await _open(user, case_id)
    await _claim(user)
    from console.moderation.service import queue

    with session_scope() as session:  # meanwhile an administrator hands the case to Max
        queue.reassign(session, actor=admin, case_id=case_id, staff_id=max_mod.staff_id or 0)

    press(user, "1")
    await wait_shown(user, "action-dialog")
    type_into(user, "action-input", "not a violation in my view")
    click(user, "action-ok")
    await wait_shown(user, "action-conflict")
    assert texts(user, "action-conflict-who") == ["Changed by Root Admin just now"]
    assert "was changed by Root Admin" in texts(user, "action-conflict-message")[0]
    assert texts(user, "action-conflict-stored") == ["Max Mod"]
    assert texts(user, "action-conflict-yours") == ["Mona Mod"]
    assert element(user, "action-input").value == "not a violation in my view"
    assert (load_case(case_id).status, load_case(case_id).assignee_id) == ("claimed", max_mod.staff_id)
    await wait_until(lambda: texts(user, "case-assignee") == ["Claimed by Max Mod"], what="the page showing it")

    click(user, "action-ok")  # again, on the case as it is now: Max holds it, so the service refuses
    await wait_until(lambda: "being reviewed by Max Mod" in "".join(texts(user, "action-conflict-message")), what="")
    assert load_case(case_id).status == "claimed"
    # the card says who holds it (it said "Claim the case (c)" with no claim possible)
    await wait_until(lambda: texts(user, "case-claim-hint")[0].startswith("Max Mod holds this case until"), what="")


async def test_a_case_released_meanwhile_is_claimed_and_decided_on_the_next_confirmation(
    user: User, make_staff: Any, admin: Actor
) -> None:
    """The panel said "Confirm again", and confirming again was refused with "Claim case first", which meant
    closing the dialog and losing the reason: a case released meanwhile is claimed and decided in one go."""
    await signed_in(user, make_staff)
    target = comment(body="borderline")
    case_id = report("comment", target, "inappropriate").case_id
    await _open(user, case_id)
    await _claim(user)
    from console.moderation.service import queue

    press(user, "1")
    await wait_shown(user, "action-dialog")
    type_into(user, "action-input", "warned; closing as handled")
    with session_scope() as session:  # meanwhile an administrator releases the case
        queue.release(session, actor=admin, case_id=case_id)
    click(user, "action-ok")
    await wait_shown(user, "action-conflict")
    assert load_case(case_id).status == "open"
    click(user, "action-ok")  # again: the case is open now, so it is claimed and decided
    await wait_gone(user, "action-dialog")
    case = load_case(case_id)
    assert case.status == "dismissed" and case.assignee_id is not None  # claimed by the moderator, then decided


async def test_digit_presets_open_the_action_with_its_days(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    target = member("loud")
    case_id = report("member", target, "harassment").case_id
    await _open(user, case_id)
    press(user, "c")
    await wait_until(lambda: texts(user, "case-assignee") == ["Claimed by Mona Mod"], what="the claim by key")

    press(user, "?")  # only the presets that apply to a member are keys here: no "2" (nothing to remove)
    await wait_shown(user, "shortcut-sheet")
    keys = dict(zip(texts(user, "shortcut-key"), texts(user, "shortcut-what"), strict=True))
    assert [k for k in keys if k.isdigit()] == ["1", "3", "4", "5", "6", "7", "8", "9"]
    assert keys["4"] == "Mute the member for 1 day…" and keys["c"] == "Claim this case"
    click(user, "shortcut-close")
    await wait_gone(user, "shortcut-sheet")
    press(user, "2")
    press(user, "5")
    await wait_shown(user, "action-dialog")
    press(user, "6")  # a second preset while the dialog is open opens nothing
    await asyncio.sleep(0.5)  # time for the key's handler to run (it has nothing to show)
    assert texts(user, "action-title") == ["Suspend the member?"] and element(user, "action-days").value == 7
    assert len(all_marked(user, "action-dialog")) == 1  # neither "2" nor "6" opened one
    click(user, "action-cancel")
    await wait_gone(user, "action-dialog")

    press(user, "4")
    await wait_shown(user, "action-dialog")
    assert texts(user, "action-title") == ["Mute the member?"] and element(user, "action-days").value == 1
    assert "Member: @loud" in texts(user, "action-message")[0]
    type_into(user, "action-input", "spamming replies")
    click(user, "action-ok")
    await wait_gone(user, "action-dialog")
    row = member_row(target)
    assert row.status == "muted" and row.muted_until is not None
    assert timedelta(hours=23) < row.muted_until - utcnow() <= timedelta(days=1)

    press(user, "8")
    await wait_shown(user, "action-dialog")
    type_into(user, "action-input", "muted for a day")
    click(user, "action-ok")
    await wait_shown(user, "case-feedback")
    assert texts(user, "case-feedback") == [FEEDBACK_TEXT["resolved"]]
    assert load_case(case_id).status == "resolved" and not all_marked(user, "action-resolve")


async def test_d_dismisses_and_the_no_violation_template_is_shown(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    case_id = report("comment", comment(), "spam").case_id
    await _open(user, case_id)
    await _claim(user)
    press(user, "d")
    await wait_shown(user, "action-dialog")
    type_into(user, "action-input", "ordinary praise")
    click(user, "action-ok")
    await wait_shown(user, "case-feedback")
    assert texts(user, "case-feedback") == [FEEDBACK_TEXT["no_violation"]]
    assert load_case(case_id).feedback_template == "no_violation"
    assert element(user, "case-status").text == "Dismissed"


async def test_deleting_a_reported_message_of_a_stream_and_blocklisting(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    stream_id = stream()
    bad = chat(stream_id, body="buy followers at spam.example")
    case_id = report("live_stream", stream_id, "spam", chat_message_id=bad).case_id
    await _open(user, case_id)
    await _claim(user)
    click(user, "action-delete_chat_message")
    await wait_shown(user, "action-dialog")
    assert element(user, "action-chat-message").value == bad
    type_into(user, "action-input", "spam link")
    click(user, "action-ok")
    await wait_gone(user, "action-dialog")
    with session_scope() as session:
        message = session.get(ChatMessage, bad)
        assert message is not None and message.deleted_at is not None

    click(user, "action-blocklist")
    await wait_shown(user, "action-dialog")
    element(user, "action-block-kind").value = "term"
    type_into(user, "action-block-value", "spam.example")
    type_into(user, "action-input", "link farm")
    click(user, "action-ok")
    await wait_gone(user, "action-dialog")
    with session_scope() as session:
        entry = session.execute(select(BlockEntry)).scalar_one()
        assert (entry.kind, entry.value, entry.scope, entry.case_id) == ("term", "spam.example", "all", case_id)


async def test_release_and_an_admin_reassigning(user: User, make_staff: Any, actor_for: Any) -> None:
    staff_id = await signed_in(user, make_staff, "admin", email="ada@test.example", name="Ada Admin")
    max_mod = _moderator(make_staff, actor_for)
    case_id = report("comment", comment(), "spam").case_id
    await _open(user, case_id)
    element(user, "case-reassign-to").value = max_mod.staff_id
    click(user, "case-reassign")
    await wait_until(lambda: texts(user, "case-assignee") == ["Claimed by Max Mod"], what="the reassignment")
    assert load_case(case_id).assignee_id == max_mod.staff_id
    click(user, "case-release")  # an administrator may release anyone's claim
    await wait_until(lambda: texts(user, "case-assignee") == ["Nobody holds it"], what="the release")
    assert load_case(case_id).status == "open"
    assert staff_id != max_mod.staff_id


async def test_a_moderator_has_no_reassign_and_cannot_claim_an_escalated_case(
    user: User, make_staff: Any, mod2: Actor
) -> None:
    await signed_in(user, make_staff)
    case_id = report("comment", comment(), "violence").case_id
    claim(case_id, mod2)
    decide(case_id, mod2, "escalate", reason="needs an admin")
    await _open(user, case_id)
    assert not all_marked(user, "case-reassign") and not all_marked(user, "case-claim")
    assert element(user, "case-escalated").text == "Escalated: an administrator decides this case now."
    press(user, "c")  # the key says the same as the card
    await wait_until(lambda: user.notify.contains("This case is escalated: an administrator decides it now."))


# --- notes, reversing, escaping ---------------------------------------------------------------------------------


async def test_notes_are_added_and_an_empty_one_is_refused(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    case_id = report("comment", comment(), "spam").case_id
    await _open(user, case_id)
    click(user, "note-add")
    await wait_until(lambda: element(user, "note-input").error == "Note is required", what="the message")
    type_into(user, "note-input", "same spammer as last week")
    click(user, "note-add")
    await wait_until(lambda: texts(user, "case-note-body") == ["same spammer as last week"], what="the note")
    assert load_case(case_id).status == "open"  # a note needs no claim and changes nothing else
    await user.should_see("Mona Mod · ")  # its author by name, as the claim line names staff (not the e-mail)
    assert element(user, "note-input").value == ""  # added: the box is free for the next one


async def test_a_note_being_typed_survives_a_claim(user: User, make_staff: Any) -> None:
    """Claiming redraws the case; the note box is not redrawn with it (the typed note was wiped)."""
    await signed_in(user, make_staff)
    case_id = report("comment", comment(), "spam").case_id
    await _open(user, case_id)
    type_into(user, "note-input", "Checked his history: same pattern")
    click(user, "case-claim")
    await wait_until(lambda: shown(user, "case-claim-expiry"), what="the claim")
    assert element(user, "note-input").value == "Checked his history: same pattern"
    assert load_case(case_id).status == "claimed"


async def test_another_moderator_reverses_a_decision(user: User, make_staff: Any, actor_for: Any) -> None:
    await signed_in(user, make_staff)
    max_mod = _moderator(make_staff, actor_for)
    target = comment(body="harsh but fair")
    case_id = report("comment", target, "harassment").case_id
    claim(case_id, max_mod)
    outcome = decide(case_id, max_mod, "hide_comment", reason="looked like an insult")
    await _open(user, case_id)
    click(user, f"decision-reverse-{outcome.decision_id}")
    await wait_shown(user, "reverse-dialog")
    type_into(user, "reverse-input", "it was criticism, not an insult")
    click(user, "reverse-ok")
    await wait_gone(user, "reverse-dialog")
    assert user.notify.contains("Reversed: comment shown again")
    assert _comment_row(target).hidden_at is None
    await wait_until(lambda: len(all_marked(user, "case-decision-reversed")) == 1, what="the reversed badge")
    assert not all_marked(user, f"decision-reverse-{outcome.decision_id}")


async def test_the_deciding_moderator_gets_no_reverse_button(user: User, make_staff: Any, actor_for: Any) -> None:
    me = actor_for(await signed_in(user, make_staff))
    case_id = report("comment", comment(), "harassment").case_id
    claim(case_id, me)
    outcome = decide(case_id, me, "hide_comment")
    await _open(user, case_id)
    assert texts(user, "case-decision-action") == ["Hide the comment"]
    assert not all_marked(user, f"decision-reverse-{outcome.decision_id}")


HOSTILE_REPORT = '<img src=x onerror="alert(1)"><script>alert("r")</script>'
HOSTILE_NOTE = "<b>bold</b><iframe src=javascript:alert(2)></iframe>"
HOSTILE_COMMENT = "<svg onload=alert(3)>hi</svg>"


async def test_hostile_text_in_reports_notes_and_comments_is_shown_as_text(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    case_id = report("comment", comment(body=HOSTILE_COMMENT), "spam", description=HOSTILE_REPORT).case_id
    await _open(user, case_id)
    type_into(user, "note-input", HOSTILE_NOTE)
    click(user, "note-add")
    await wait_until(lambda: texts(user, "case-note-body") == [HOSTILE_NOTE], what="the note")
    assert texts(user, "case-report-description") == [HOSTILE_REPORT]
    assert texts(user, "thread-reported-body") == [HOSTILE_COMMENT]
    assert texts(user, "case-target-label") == [HOSTILE_COMMENT]
    assert user.client is not None
    created = {e.tag for e in user.client.layout.descendants()}
    assert not created & {"img", "script", "iframe", "svg"}  # no element was made from the text
    assert not raw_html(user) and not all_elements(user, ui.markdown)


async def test_an_action_after_the_session_ended_sends_to_sign_in_and_changes_nothing(
    user: User, make_staff: Any, monkeypatch: Any
) -> None:
    from console.audit.models import AuditEvent
    from console.staff.auth import end_sessions_of

    staff_id = await signed_in(user, make_staff)
    case_id = report("member", member(), "spam").case_id
    await _open(user, case_id)
    with session_scope() as session:
        assert end_sessions_of(session, staff_id, "deactivated") == 1
        events = session.execute(select(AuditEvent.id)).scalars().all()
    targets: list[str] = []
    monkeypatch.setattr(user.navigate, "to", lambda target, new_tab=False: targets.append(target))
    click(user, "case-claim")  # ui.work.call checks the session off the event loop first
    await wait_until(lambda: targets, what="the sign-in page")
    await user.should_see("Your session has ended")
    await asyncio.sleep(0.3)  # the case reloads after the refusal: that must not open a second sign-in tab
    assert targets == [f"/login?next=/moderation/cases/{case_id}"]
    assert load_case(case_id).status == "open"
    with session_scope() as session:
        assert session.execute(select(AuditEvent.id)).scalars().all() == events  # no claim, no other event
