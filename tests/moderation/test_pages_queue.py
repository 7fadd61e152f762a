"""/moderation with NiceGUI's simulated user: cases (not reports) with their numbers, server paging, the filter
bar, the metrics strip, next case, the keyboard (j/k/Enter/x/n and ?), bulk dismiss with one reason and a result
per case, the queue following changes by itself (at once while idle, a line while the moderator works the list,
never keeping an idle session alive), and who may open the area."""

from __future__ import annotations

from typing import Any

import pytest
from nicegui import ui
from nicegui.testing import User

from console.actor import Actor
from tests.catalog.factories import make_video
from tests.moderation.factories import claim, comment, decide, load_case, member, report
from tests.moderation.page_helpers import click, press, signed_in, texts, type_into, wait_gone, wait_shown
from tests.ui.helpers import (
    all_marked,
    current_path,
    element,
    in_navigation,
    rows,
    wait_for_caption,
    wait_for_rows,
    wait_until,
)


def select_all(user: User) -> None:
    found = rows(user)
    user.find(marker="paged-table").trigger(
        "selection", {"added": True, "rows": found, "keys": [r["id"] for r in found]}
    )


def _other_moderator(make_staff: Any, actor_for: Any, name: str = "Max Mod") -> Actor:
    staff_id, _ = make_staff("moderator", name=name)
    return actor_for(staff_id)


async def test_queue_lists_cases_with_their_numbers_and_pages_on_the_server(
    user: User, make_staff: Any, actor_for: Any
) -> None:
    await signed_in(user, make_staff)
    max_mod = _other_moderator(make_staff, actor_for)
    target = member()
    harassed = report("member", target, "harassment").case_id
    report("member", target, "spam")
    report("member", target, "harassment")  # three reports by three reporters: still one case
    emergency = report("video", make_video(title="Flagged <b>video</b>"), "underage").case_id
    spam = [report("comment", comment(body=f"buy now {i}"), "spam").case_id for i in range(26)]
    claim(harassed, max_mod)

    await user.open("/moderation")
    await wait_for_caption(user, "1–25 of 28")
    first, second = rows(user)[:2]
    assert (first["id"], first["emergency"], first["type_label"]) == (emergency, True, "Video")
    assert first["target_label"] == "Flagged <b>video</b>"  # plain text; the cell template interpolates it
    assert first["priority"] >= 1000 and first["sla_past"] is False
    assert first["sla"].startswith("in ") and first["sla_at"].endswith("UTC")  # time left; the exact time on hover
    assert second["id"] == harassed
    assert (second["reports"], second["reporters"], second["assignee"]) == (3, 3, "Max Mod")
    assert second["reasons"] == "Harassment ×2, Spam ×1"
    assert {r["id"] for r in rows(user)[2:]} <= set(spam)

    user.find(marker="paged-table").trigger(
        "request", {"pagination": {"page": 2, "rowsPerPage": 25, "sortBy": None, "descending": False}}
    )
    await wait_for_caption(user, "26–28 of 28")
    assert all(r["id"] in spam for r in rows(user))

    await wait_until(lambda: texts(user, "metric-open") == ["28"], what="the metrics strip")
    link = element(user, "metric-emergencies")
    assert isinstance(link, ui.link) and link.text == "1" and link.props["href"] == "/moderation?urgency=emergency"
    assert "text-negative" in link.classes  # red while any emergency is open
    assert texts(user, "metric-oldest") == ["0 min"]
    assert texts(user, "metric-resolved") == ["none yet"]


async def test_the_filter_bar_filters_on_change_and_enter_and_refuses_a_bad_number(
    user: User, make_staff: Any, actor_for: Any
) -> None:
    await signed_in(user, make_staff)
    max_mod = _other_moderator(make_staff, actor_for)
    harassed = report("member", member(), "harassment").case_id
    spam = report("comment", comment(), "spam").case_id
    video = report("video", make_video(title="Clip"), "copyright").case_id
    claim(harassed, max_mod)

    await user.open("/moderation")
    await wait_for_caption(user, "1–3 of 3")
    element(user, "queue-target_type").value = "member"
    found = await wait_for_rows(user, lambda r: [x["id"] for x in r] == [harassed], "members only")
    assert found[0]["assignee"] == "Max Mod"

    element(user, "queue-target_type").value = None
    element(user, "queue-assignee").value = "unassigned"
    await wait_for_rows(user, lambda r: {x["id"] for x in r} == {spam, video}, "unassigned cases")
    element(user, "queue-reason").value = "copyright"
    await wait_for_rows(user, lambda r: [x["id"] for x in r] == [video], "copyright only")

    type_into(user, "queue-min_priority", "lots")
    user.find(marker="queue-min_priority").trigger("keydown.enter")
    await wait_until(lambda: element(user, "queue-min_priority").error is not None, what="the field message")
    assert element(user, "queue-min_priority").error == "Min. priority must be a whole number"
    assert [r["id"] for r in rows(user)] == [video]  # nothing applied

    type_into(user, "queue-min_priority", "1000")
    user.find(marker="queue-min_priority").trigger("keydown.enter")
    await wait_for_caption(user, "0–0 of 0")
    assert element(user, "queue-min_priority").error is None

    click(user, "queue-clear")
    await wait_for_caption(user, "1–3 of 3")
    assert element(user, "queue-assignee").value == "anyone"
    assert element(user, "queue-min_priority").value == ""

    element(user, "queue-status").value = "claimed"
    await wait_for_rows(user, lambda r: [x["id"] for x in r] == [harassed], "claimed only")


async def test_filters_start_from_the_address(user: User, make_staff: Any, actor_for: Any) -> None:
    await signed_in(user, make_staff)
    report("member", member(), "harassment")
    spam = report("comment", comment(), "spam").case_id
    await user.open("/moderation?target_type=comment&sort=oldest&older_than_hours=x")
    await wait_for_rows(user, lambda r: [x["id"] for x in r] == [spam], "the comment case")
    assert element(user, "queue-target_type").value == "comment"
    assert element(user, "queue-older_than_hours").value == ""  # an unusable value is dropped, not applied


async def test_next_case_claims_the_highest_priority_case_and_opens_it(user: User, make_staff: Any) -> None:
    staff_id = await signed_in(user, make_staff)
    report("comment", comment(), "spam")
    top = report("member", member(), "violence").case_id
    await user.open("/moderation")
    await wait_for_caption(user, "1–2 of 2")
    click(user, "queue-next")
    await wait_until(lambda: current_path(user) == f"/moderation/cases/{top}", what="the case page")
    case = load_case(top)
    assert (case.status, case.assignee_id) == ("claimed", staff_id)
    await wait_shown(user, "case-assignee")
    assert texts(user, "case-assignee") == ["Claimed by Mona Mod"]


async def test_next_case_says_so_when_nothing_waits(user: User, make_staff: Any, actor_for: Any) -> None:
    await signed_in(user, make_staff)
    taken = report("comment", comment(), "spam").case_id
    claim(taken, _other_moderator(make_staff, actor_for))
    await user.open("/moderation")
    await wait_for_caption(user, "1–1 of 1")
    press(user, "n")
    await wait_until(lambda: user.notify.contains("No case waiting."), what="the message")
    assert current_path(user) == "/moderation"


async def test_j_k_move_the_highlight_and_enter_opens_it(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    low = report("comment", comment(), "spam").case_id
    high = report("member", member(), "violence").case_id
    await user.open("/moderation")
    await wait_for_rows(user, lambda r: [x["id"] for x in r] == [high, low], "both cases")

    def highlighted() -> list[int]:
        return [r["id"] for r in rows(user) if r["cursor"]]

    press(user, "j")
    await wait_until(lambda: highlighted() == [high], what="the first row highlighted")
    press(user, "j")
    await wait_until(lambda: highlighted() == [low], what="the second row")
    press(user, "j")  # stays on the last row
    press(user, "k")
    await wait_until(lambda: highlighted() == [high], what="back up")
    press(user, "x")
    await wait_until(lambda: texts(user, "bulk-selected") == ["1 selected"], what="the selection")
    press(user, "Enter")
    await wait_until(lambda: current_path(user) == f"/moderation/cases/{high}", what="the case")
    assert load_case(high).status == "open"  # opening is not claiming


async def test_question_mark_lists_this_pages_keys_then_the_global_ones(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    await user.open("/moderation")
    await wait_for_caption(user, "0–0 of 0")
    press(user, "?")
    await wait_shown(user, "shortcut-sheet")
    keys = texts(user, "shortcut-key")
    assert keys[:6] == ["j", "k", "Enter", "x", "n", "r"]
    assert keys.index("Enter") < keys.index("?") and "g o" in keys and "/" in keys
    assert "Open the highlighted case" in texts(user, "shortcut-what")
    # the browser side drops keys typed into these (a reason, a filter) before they reach the key map
    assert {"input", "textarea", "select"} <= set(element(user, "shortcut-keys").props["ignore"])
    click(user, "shortcut-close")
    await wait_gone(user, "shortcut-sheet")  # the sheet is deleted after closing, not hidden

    await user.open("/account")  # another page lists only its own keys (none) and the global ones
    press(user, "?")
    await wait_shown(user, "shortcut-sheet")
    assert texts(user, "shortcut-key")[0] == "?"
    assert "j" not in texts(user, "shortcut-key")


async def test_g_o_goes_to_the_queue_and_the_navigation_lists_it(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    assert in_navigation(user, "/moderation")
    press(user, "g")
    press(user, "o")
    await wait_until(lambda: current_path(user) == "/moderation", what="the queue")


async def test_bulk_dismiss_needs_one_reason_and_lists_each_case(user: User, make_staff: Any, actor_for: Any) -> None:
    staff_id = await signed_in(user, make_staff)
    max_mod = _other_moderator(make_staff, actor_for)
    free = [report("comment", comment(), "spam").case_id for _ in range(2)]
    held = report("member", member(), "harassment").case_id
    claim(held, max_mod)
    await user.open("/moderation")
    await wait_for_caption(user, "1–3 of 3")
    select_all(user)
    await wait_until(lambda: texts(user, "bulk-selected") == ["3 selected"], what="the bulk bar")

    click(user, "bulk-dismiss")
    await wait_shown(user, "bulk-reason-dialog")
    click(user, "bulk-reason-ok")
    await wait_until(lambda: element(user, "bulk-reason-input").error == "Reason is required", what="the message")
    assert all(load_case(c).status == "open" for c in free)  # nothing changed

    type_into(user, "bulk-reason-input", "duplicate reports of one spam wave")
    click(user, "bulk-reason-ok")
    await wait_shown(user, "bulk-result")
    lines = {r["case_id"]: r for r in element(user, "bulk-result-table").rows}
    assert set(lines) == {*free, held}
    assert all(lines[c]["outcome"] == "ok" and lines[c]["message"] == f"Case #{c} dismissed." for c in free)
    assert lines[held]["outcome"] == "refused" and "Max Mod" in lines[held]["message"]
    assert texts(user, "bulk-result-title") == ["Dismiss: 2 of 3 closed"]
    assert all(load_case(c).status == "dismissed" and load_case(c).resolved_by_id == staff_id for c in free)
    assert load_case(held).status == "claimed"
    assert not all_marked(user, "bulk-reason-dialog")  # the reason dialog was deleted once closed
    await wait_for_caption(user, "1–1 of 1")  # the queue reloaded: only the held case is live
    await wait_until(lambda: texts(user, "metric-resolved") == ["2 (Mona Mod: 2)"], what="closed today")


async def test_a_bulk_reason_typed_before_the_page_went_is_back_for_the_same_cases_only(
    user: User, make_staff: Any
) -> None:
    """A lost page took the bulk dialog's reason with it: selecting the same cases again (in any order) brings it
    back; another selection does not get it; closing the cases drops it."""
    await signed_in(user, make_staff)
    cases = [report("comment", comment(), "spam").case_id for _ in range(3)]

    async def open_bulk(pick: list[int]) -> Any:
        await user.open("/moderation")  # a new page, as after a reload
        await wait_for_caption(user, "1–3 of 3")
        found = [r for r in rows(user) if r["id"] in pick]
        user.find(marker="paged-table").trigger(
            "selection", {"added": True, "rows": found, "keys": [r["id"] for r in found]}
        )
        await wait_shown(user, "bulk-dismiss")
        click(user, "bulk-dismiss")
        await wait_shown(user, "bulk-reason-dialog")
        return element(user, "bulk-reason-input")

    reason = "one spam wave from a single network: all three reports are the same link"
    (await open_bulk(cases)).value = reason  # typed; then the page goes
    assert (await open_bulk(list(reversed(cases)))).value == reason
    assert texts(user, "text-draft-when")[0].startswith("Restored from ")
    assert (await open_bulk(cases[:2])).value == ""  # two of the three: another selection, not this reason
    assert (await open_bulk(cases)).value == reason
    click(user, "bulk-reason-ok")
    await wait_shown(user, "bulk-result")
    assert all(load_case(c).status == "dismissed" for c in cases)
    from nicegui import app

    from console.ui.dialog_draft import STORAGE_KEY

    assert not [k for k in app.storage.user[STORAGE_KEY] if ":cases:" in k]  # sent: nothing kept


async def test_cancelled_bulk_changes_nothing_and_deletes_its_dialog(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    case_id = report("comment", comment(), "spam").case_id
    decide_free = load_case(case_id).version
    await user.open("/moderation")
    await wait_for_caption(user, "1–1 of 1")
    press(user, "j")
    press(user, "x")
    await wait_shown(user, "bulk-resolve")
    click(user, "bulk-resolve")
    await wait_shown(user, "bulk-reason-dialog")
    type_into(user, "bulk-reason-input", "changed my mind")
    click(user, "bulk-reason-cancel")
    await wait_gone(user, "bulk-reason-dialog")
    assert load_case(case_id).version == decide_free


async def test_bulk_resolve_closes_cases_with_an_action_and_refuses_the_others(
    user: User, make_staff: Any, actor_for: Any
) -> None:
    me = actor_for(await signed_in(user, make_staff))
    acted = report("comment", comment(), "harassment").case_id
    claim(acted, me)
    decide(acted, me, "warn")
    untouched = report("comment", comment(), "spam").case_id
    await user.open("/moderation")
    await wait_for_caption(user, "1–2 of 2")
    select_all(user)
    await wait_shown(user, "bulk-resolve")
    click(user, "bulk-resolve")
    await wait_shown(user, "bulk-reason-dialog")
    type_into(user, "bulk-reason-input", "handled")
    click(user, "bulk-reason-ok")
    await wait_shown(user, "bulk-result")
    lines = {r["case_id"]: (r["outcome"], r["message"]) for r in element(user, "bulk-result-table").rows}
    assert lines[acted] == ("ok", f"Case #{acted} resolved.")
    assert lines[untouched][0] == "refused" and lines[untouched][1].startswith("Nothing was done on this case yet")
    assert (load_case(acted).status, load_case(untouched).status) == ("resolved", "open")
    click(user, "bulk-result-close")
    await wait_gone(user, "bulk-result")


@pytest.mark.parametrize("role", ["content", "compliance", "ads", "finance", "executive"])
async def test_roles_without_moderation_get_the_403_page(user: User, make_staff: Any, role: str) -> None:
    await signed_in(user, make_staff, role, email=f"{role}@test.example", name="Not A Moderator")
    assert not in_navigation(user, "/moderation")
    for path in ("/moderation", "/moderation/appeals", "/moderation/cases/1"):
        await user.open(path)
        await user.should_see(marker="forbidden")
        assert not all_marked(user, "paged-table") and not all_marked(user, "case-header")


def _changed_line_shown(user: User) -> bool:
    return any(line.visible for line in all_marked(user, "queue-changed"))  # built when first needed


@pytest.fixture
def quick_watch(monkeypatch: pytest.MonkeyPatch) -> None:
    from console.moderation.pages import queue as queue_page

    monkeypatch.setattr(queue_page, "WATCH_SECONDS", 0.2)


async def test_an_idle_queue_follows_new_reports_and_cases_others_take(
    user: User, make_staff: Any, actor_for: Any, quick_watch: None
) -> None:
    await signed_in(user, make_staff)
    first = report("comment", comment(body="first"), "spam").case_id
    await user.open("/moderation")
    await wait_for_caption(user, "1–1 of 1")
    emergency = report("video", make_video(title="Reported while the queue is open"), "underage").case_id
    await wait_for_caption(user, "1–2 of 2")  # nobody pressed r
    assert [r["id"] for r in rows(user)] == [emergency, first]
    await wait_until(lambda: texts(user, "metric-open") == ["2"], what="the numbers follow too")

    claim(first, _other_moderator(make_staff, actor_for))
    await wait_until(lambda: rows(user)[1]["assignee"] == "Max Mod", what="the claim shown")
    assert not _changed_line_shown(user)  # followed at once: no line


async def test_a_queue_being_worked_says_it_changed_and_r_reloads(
    user: User, make_staff: Any, quick_watch: None
) -> None:
    await signed_in(user, make_staff)
    first = report("comment", comment(body="first"), "spam").case_id
    second = report("comment", comment(body="second"), "spam").case_id
    await user.open("/moderation")
    await wait_for_caption(user, "1–2 of 2")
    press(user, "j")  # the moderator is working the list: the rows stay put under the highlight
    await wait_until(lambda: rows(user)[0]["cursor"], what="the highlight")
    third = report("comment", comment(body="third"), "spam").case_id
    await wait_until(lambda: _changed_line_shown(user), what="the changed line")
    assert {r["id"] for r in rows(user)} == {first, second}
    assert rows(user)[0]["cursor"]  # still where the moderator put it
    press(user, "r")
    await wait_for_caption(user, "1–3 of 3")
    assert third in {r["id"] for r in rows(user)}
    assert not _changed_line_shown(user)


async def test_watching_the_queue_never_keeps_an_idle_session_alive(
    user: User, make_staff: Any, quick_watch: None
) -> None:
    import asyncio
    from datetime import timedelta

    from console.db import utcnow

    await signed_in(user, make_staff)
    report("comment", comment(body="first"), "spam")
    await user.open("/moderation")
    await wait_for_caption(user, "1–1 of 1")
    # the numbers are read after the list, as the staff member (marking the session active): let that read end first
    await wait_until(lambda: texts(user, "metric-open") == ["1"], what="the numbers read")
    quiet_since = utcnow() - timedelta(minutes=10)  # idle for a while, not yet for the idle limit
    _set_last_seen(quiet_since)
    report("comment", comment(body="second"), "spam")
    await wait_for_caption(user, "1–2 of 2")  # the watch read and followed ...
    await asyncio.sleep(0.5)  # ... more than once
    assert _last_seen() == quiet_since  # ... without marking the session active

    _set_last_seen(utcnow() - timedelta(days=1))  # past the idle limit
    report("comment", comment(body="third"), "spam")
    await wait_until(_session_ended, what="the watch's check ending the idle session")
    await asyncio.sleep(0.5)
    assert len(rows(user)) == 2  # nothing read for a session that ended


def _set_last_seen(when: Any) -> None:
    from sqlalchemy import update

    from console import db
    from console.staff.models import StaffSession

    with db.session_scope() as session:
        session.execute(update(StaffSession).values(last_seen_at=when))


def _last_seen() -> Any:
    from sqlalchemy import select

    from console import db
    from console.staff.models import StaffSession

    with db.session_scope() as session:
        return session.execute(select(StaffSession.last_seen_at)).scalar_one()


def _session_ended() -> bool:
    from sqlalchemy import select

    from console import db
    from console.staff.models import StaffSession

    with db.session_scope() as session:
        return session.execute(select(StaffSession.end_reason)).scalar_one() == "idle"


def test_the_sla_column_says_time_left_or_time_over_and_a_closed_case_its_due_time() -> None:
    from datetime import UTC, datetime, timedelta

    from console.moderation.pages.queue import sla_text

    now = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)
    assert sla_text(now + timedelta(hours=5, minutes=10), now, live=True) == "in 5 h"
    assert sla_text(now - timedelta(days=3, hours=2), now, live=True) == "3 d 2 h late"
    assert sla_text(now + timedelta(minutes=30), now, live=True) == "in 30 min"
    assert sla_text(now - timedelta(days=3), now, live=False) == "2026-05-17 12:00 UTC"


async def test_an_escalated_case_says_so_in_the_queue_and_c_says_who_takes_it(user: User, make_staff: Any) -> None:
    from sqlalchemy import update

    from console.db import session_scope
    from console.moderation.models import ModerationCase

    await signed_in(user, make_staff)
    waiting = report("comment", comment(body="open one"), "spam").case_id
    escalated = report("comment", comment(body="hard one"), "spam").case_id
    with session_scope() as session:
        session.execute(update(ModerationCase).where(ModerationCase.id == escalated).values(status="escalated"))
    await user.open("/moderation")
    await wait_for_caption(user, "1–2 of 2")
    badges = {r["id"]: r["status_badge"] for r in rows(user)}
    assert badges == {waiting: None, escalated: "Escalated"}  # a moderator sees at once which they cannot take

    await user.open(f"/moderation/cases/{escalated}")
    await wait_until(lambda: bool(all_marked(user, "case-assignee")), what="the case page")
    press(user, "c")
    await wait_until(lambda: user.notify.contains("This case is escalated"), what="why c does nothing")
    assert load_case(escalated).status == "escalated"


async def test_the_applied_filters_go_into_the_address(
    user: User, make_staff: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Back from a case, "← Queue" and a reload come back to the list as it was filtered (history.replace)."""
    await signed_in(user, make_staff)
    report("comment", comment(), "spam")
    addresses: list[str] = []
    monkeypatch.setattr(ui.navigate.history, "replace", addresses.append)
    await user.open("/moderation")
    await wait_for_caption(user, "1–1 of 1")
    element(user, "queue-target_type").value = "comment"
    await wait_until(lambda: addresses[-1:] == ["/moderation?target_type=comment"], what="the address")
    element(user, "queue-status").value = "all"
    await wait_until(
        lambda: addresses[-1:] == ["/moderation?status=all&target_type=comment"], what="both in the address"
    )
    case_id = rows(user)[0]["id"]
    await user.open(f"/moderation/cases/{case_id}")  # its "← Queue" goes back to the list as filtered
    await wait_until(lambda: bool(all_marked(user, "case-back")), what="the case page")
    assert element(user, "case-back").props["href"] == "/moderation?status=all&target_type=comment"
    await user.open("/moderation")
    await wait_for_caption(user, "1–1 of 1")
    element(user, "queue-status").value = "open"
    await wait_until(lambda: addresses[-1:] == ["/moderation?status=open"], what="a new filter")
    click(user, "queue-clear")
    await wait_until(lambda: addresses[-1:] == ["/moderation"], what="an address without filters")

    await user.open("/moderation?status=all&target_type=comment")  # and it is read back
    await wait_for_caption(user, "1–1 of 1")
    assert (element(user, "queue-status").value, element(user, "queue-target_type").value) == ("all", "comment")
