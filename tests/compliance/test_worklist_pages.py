"""/compliance with NiceGUI's simulated user: tabs with counts, server-paged rows, links to the record editor
and the production page, releasing a hold (reason required), one audit event per load, and who may open it."""

from __future__ import annotations

from typing import Any

from nicegui.testing import User
from sqlalchemy import select

from console import db
from console.actor import SYSTEM, Actor
from console.catalog import service as video_service
from console.compliance import records
from console.compliance.models import ComplianceHold, LegalRecord
from tests.catalog.factories import (
    audit_mark,
    events_since,
    make_performer,
    make_published_video,
    make_series,
    make_video,
)
from tests.moderation.factories import report
from tests.moderation.page_helpers import press
from tests.ui.helpers import (
    all_marked,
    current_path,
    element,
    in_navigation,
    rows,
    select_rows,
    shown,
    sign_in_and_wait,
    wait_for_caption,
    wait_for_rows,
    wait_until,
)

EMAIL = "carla.compliance@test.example"


async def _signed_in(user: User, make_staff: Any, *roles: str, email: str = EMAIL) -> int:
    staff_id, _ = make_staff(*(roles or ("compliance",)), email=email, name="Carla Compliance")
    await sign_in_and_wait(user, email)
    return staff_id


def _tab_label(user: User, key: str) -> str:
    return str(element(user, f"worklist-tab-{key}").props["label"])


def _held_video(verifier: Actor) -> tuple[int, int, int]:
    """A published video whose performer's record is then revoked: (video id, performer id, hold id)."""
    video_id = make_published_video(title="Held Video")
    with db.session_scope() as session:
        ((performer, _),) = video_service.performers_of(session, actor=SYSTEM, video_id=video_id)
        record_id = session.execute(select(LegalRecord.id).where(LegalRecord.performer_id == performer.id)).scalar_one()
        records.revoke_record(session, actor=verifier, record_id=record_id, reason="forged ID", expected_version=None)
        hold_id = session.execute(select(ComplianceHold.id).where(ComplianceHold.video_id == video_id)).scalar_one()
        return video_id, performer.id, hold_id


async def test_worklist_shows_counts_pages_rows_and_audits_one_event_per_load(user: User, make_staff) -> None:
    staff_id = await _signed_in(user, make_staff)
    ids = [make_performer(f"Performer {i:02d}") for i in range(30)]
    make_video(title="Undated draft")
    mark = audit_mark()
    await user.open("/compliance")
    await wait_for_caption(user, "1–25 of 30")
    await wait_until(lambda: _tab_label(user, "missing") == "Without a verified record (30)", what="the counts")
    assert _tab_label(user, "blocked") == "Videos blocked (1)"
    assert _tab_label(user, "holds") == "Videos on hold (0)"
    assert [r["performer_id"] for r in rows(user)] == ids[:25]
    assert rows(user)[0]["status"] == "No record"
    views = [e for e in events_since(mark) if e.action == "compliance.worklist_view"]
    assert len(views) == 1 and views[0].actor_id == staff_id  # one per load, not one per row

    user.find(marker="paged-table").trigger(
        "request", {"pagination": {"page": 2, "rowsPerPage": 25, "sortBy": None, "descending": False}}
    )
    await wait_for_caption(user, "26–30 of 30")
    assert [r["performer_id"] for r in rows(user)] == ids[25:]
    assert len([e for e in events_since(mark) if e.action == "compliance.worklist_view"]) == 2


async def test_rows_open_the_record_editor_or_the_production(user: User, make_staff, monkeypatch) -> None:
    await _signed_in(user, make_staff)
    performer_id = make_performer("Needs Paperwork")
    video_id = make_video(title="Undated draft")
    await user.open("/compliance")
    found = await wait_for_rows(user, lambda r: len(r) == 1, "one performer")
    user.find(marker="paged-table").trigger("rowClick", [{}, found[0], 0])
    await wait_until(lambda: current_path(user) == f"/compliance/records/{performer_id}", what="the record editor")

    await user.open("/compliance?tab=blocked")
    found = await wait_for_rows(user, lambda r: len(r) == 1 and r[0]["video_id"] == video_id, "the blocked video")
    assert found[0]["reasons"] == ["no date of production is recorded"]
    targets: list[str] = []  # the production page is another module's: only the address is checked here
    monkeypatch.setattr(user.navigate, "to", lambda target, new_tab=False: targets.append(target))
    user.find(marker="paged-table").trigger("rowClick", [{}, found[0], 0])
    await wait_until(lambda: targets == [f"/compliance/productions/{video_id}"], what="the production address")


async def test_tabs_switch_tables(user: User, make_staff, clerk: Actor) -> None:
    await _signed_in(user, make_staff)
    pid = make_performer("Pending Person")
    with db.session_scope() as session:
        records.create_record(
            session,
            actor=clerk,
            performer_id=pid,
            data={"legal_first_name": "Pat", "legal_last_name": "Pending", "date_of_birth": "1991-02-03"},
        )
    await user.open("/compliance")
    await wait_for_rows(user, lambda r: len(r) == 1, "the missing tab")
    user.find(marker="worklist-tab-pending").click()
    await wait_for_caption(user, "0–0 of 0")
    user.find(marker="worklist-tab-missing").click()
    found = await wait_for_rows(user, lambda r: len(r) == 1, "the missing tab again")
    assert (found[0]["status"], found[0]["legal_name"]) == ("Incomplete", "Pending, Pat")
    user.find(marker="worklist-tab-expiring").click()
    await wait_for_caption(user, "0–0 of 0")
    assert shown(user, "worklist-days")


async def test_expiring_days_are_judged_as_typed(user: User, make_staff) -> None:
    await _signed_in(user, make_staff)
    await user.open("/compliance?tab=expiring")
    await wait_for_caption(user, "0–0 of 0")
    days = element(user, "worklist-days")
    for typed in (-5, 2.5, 5000):  # never clamped or cut into another window
        days.value = typed
        user.find(marker="worklist-days").trigger("blur")
        user.find(marker="worklist-days-apply").click()
        await wait_until(lambda: element(user, "worklist-days").error is not None, what=f"the message for {typed}")
        assert element(user, "worklist-days").error == "Must be a whole number of days from 0 to 3,650"
        assert element(user, "worklist-days").value == typed
    days.value = 90
    user.find(marker="worklist-days-apply").click()
    await wait_until(lambda: element(user, "worklist-days").error is None, what="the message gone")


async def test_release_a_hold_needs_a_reason_and_a_confirmation(user: User, make_staff, verifier: Actor) -> None:
    await _signed_in(user, make_staff)
    video_id, performer_id, hold_id = _held_video(verifier)
    await user.open("/compliance?tab=holds")
    found = await wait_for_rows(user, lambda r: len(r) == 1, "the hold")
    row = found[0]
    assert (row["video_id"], row["title"], row["record_status"]) == (video_id, "Held Video", "Revoked")
    assert row["reason"].endswith("'s legal record was revoked") and "forged" not in row["reason"]
    await wait_until(lambda: _tab_label(user, "holds") == "Videos on hold (1)", what="the count")

    user.find(marker="paged-table").trigger("rowClick", [{}, row, 0])
    await wait_until(lambda: shown(user, "hold-release"), what="the hold dialog")
    assert element(user, "hold-record-link").props["href"] == f"/compliance/records/{performer_id}"
    user.find(marker="hold-release").click()
    await wait_until(lambda: shown(user, "reason-ok"), what="the reason dialog")
    user.find(marker="reason-ok").click()  # no reason
    field = element(user, "reason-input")
    await wait_until(lambda: field.error is not None, what="the missing reason")
    assert field.error == "Reason is required"
    with db.session_scope() as session:
        assert session.get(ComplianceHold, hold_id).released_at is None

    user.find(marker="reason-input").type("A new passport was examined")
    user.find(marker="reason-ok").click()
    await wait_until(lambda: user.notify.contains("released"), what="the release")
    await wait_for_caption(user, "0–0 of 0")
    await wait_until(lambda: _tab_label(user, "holds") == "Videos on hold (0)", what="the new count")
    with db.session_scope() as session:
        hold = session.get(ComplianceHold, hold_id)
        assert hold.released_at is not None
    (event,) = [e for e in events_since(0) if e.action == "video.compliance_release"]
    assert event.reason == "A new passport was examined"


async def test_closed_hold_and_reason_dialogs_do_not_pile_up(user: User, make_staff, verifier: Actor) -> None:
    """Each opening builds a dialog; closing it (Close, or a release that succeeded) deletes it."""
    await _signed_in(user, make_staff)
    _held_video(verifier)
    await user.open("/compliance?tab=holds")
    [row] = await wait_for_rows(user, lambda r: len(r) == 1, "the hold")
    for _ in range(2):
        user.find(marker="paged-table").trigger("rowClick", [{}, row, 0])
        await wait_until(lambda: len(all_marked(user, "hold-dialog")) == 1, what="one hold dialog")
        user.find(marker="hold-close").click()
        await wait_until(lambda: not all_marked(user, "hold-dialog"), what="the closed dialog deleted")
    user.find(marker="paged-table").trigger("rowClick", [{}, row, 0])
    await wait_until(lambda: shown(user, "hold-release"), what="the hold dialog")
    user.find(marker="hold-release").click()
    await wait_until(lambda: shown(user, "reason-ok"), what="the reason dialog")
    assert not all_marked(user, "hold-dialog")
    user.find(marker="reason-input").type("A new passport was examined")
    user.find(marker="reason-ok").click()
    await wait_until(lambda: user.notify.contains("released"), what="the release")
    await wait_until(lambda: not all_marked(user, "reason-dialog"), what="the reason dialog deleted")


async def test_admin_opens_it_and_it_is_in_the_navigation(user: User, make_staff) -> None:
    await _signed_in(user, make_staff, "admin", email="root@test.example")
    await user.open("/compliance")
    assert in_navigation(user, "/compliance")
    await wait_for_caption(user, "0–0 of 0")


async def test_content_and_finance_staff_are_refused(user: User, make_staff) -> None:
    make_performer("Someone")
    await _signed_in(user, make_staff, "content", "finance")
    mark = audit_mark()
    await user.open("/compliance")
    await user.should_see(marker="forbidden")
    assert not in_navigation(user, "/compliance")
    assert not all_marked(user, "paged-table")
    assert [e for e in events_since(mark) if e.action == "compliance.worklist_view"] == []


async def test_the_sweep_panel_runs_a_sweep_and_lists_what_it_held(user: User, make_staff) -> None:
    from datetime import date

    from sqlalchemy import text

    from tests.compliance.factories import compliant_published_video, video_state

    await _signed_in(user, make_staff)
    _good, _ = compliant_published_video()
    bad, work = compliant_published_video()
    with db.session_scope() as session:  # behind the services' back: what the sweep is for
        session.execute(
            text("UPDATE legal_records SET date_of_birth = :dob WHERE id = :id"),
            {"dob": date(2012, 1, 1), "id": work.record_id},
        )
    await user.open("/compliance")
    await user.should_see(marker="sweep-panel")  # the last sweep is read after the page shows
    await wait_until(lambda: "No 2257 sweep has run yet" in element(user, "sweep-summary").text, what="the summary")
    user.find(marker="sweep-run").click()
    await wait_until(lambda: "put on hold" in element(user, "sweep-summary").text, what="the sweep's outcome")
    assert "2 public videos checked, 1 failing, 1 put on hold" in element(user, "sweep-summary").text
    assert video_state(bad) == "unpublished"
    await wait_until(lambda: _tab_label(user, "holds") == "Videos on hold (1)", what="the refreshed counts")
    assert shown(user, "sweep-findings")


async def test_selected_holds_are_released_together_with_one_reason(user: User, make_staff, verifier: Actor) -> None:
    await _signed_in(user, make_staff)
    held = [_held_video(verifier) for _ in range(3)]
    await user.open("/compliance?tab=holds")
    found = await wait_for_rows(user, lambda r: len(r) == 3, "the holds")
    assert not shown(user, "holds-bar")  # nothing selected yet
    chosen = [r for r in found if r["hold_id"] != held[2][2]]
    select_rows(user, chosen)
    await wait_until(lambda: shown(user, "holds-bar"), what="the bulk bar")
    assert element(user, "holds-selected").text == "2 holds selected"
    user.find(marker="holds-release").click()
    await wait_until(lambda: shown(user, "holds-reason-ok"), what="the reason dialog")
    assert element(user, "holds-reason-title").text == "Release 2 holds?"
    user.find(marker="holds-reason-ok").click()  # no reason: nothing is released
    await wait_until(lambda: element(user, "holds-reason-input").error == "Reason is required", what="the message")
    user.find(marker="holds-reason-input").type("Both records were verified again")
    user.find(marker="holds-reason-ok").click()
    await wait_until(lambda: user.notify.contains("2 holds released."), what="the release")
    await wait_for_rows(user, lambda r: [row["hold_id"] for row in r] == [held[2][2]], "the one hold left")
    await wait_until(lambda: _tab_label(user, "holds") == "Videos on hold (1)", what="the new count")
    with db.session_scope() as session:
        released = [session.get(ComplianceHold, h).released_at is not None for _, _, h in held]
    assert released == [True, True, False]
    assert not shown(user, "holds-bar")  # the selection went with the released rows


async def test_the_worklist_works_from_the_keyboard(user: User, make_staff, verifier: Actor) -> None:
    await _signed_in(user, make_staff)
    _held_video(verifier)
    _held_video(verifier)
    await user.open("/compliance?tab=holds")
    await wait_for_rows(user, lambda r: len(r) == 2, "the holds")
    press(user, "j")
    press(user, "j")  # the second row
    await wait_until(lambda: [r.get("cursor") for r in rows(user)] == [False, True], what="the highlight")
    press(user, "x")
    await wait_until(lambda: shown(user, "holds-bar"), what="the bulk bar")
    assert element(user, "holds-selected").text == "1 hold selected"
    assert [r["hold_id"] for r in element(user, "paged-table").selected] == [rows(user)[1]["hold_id"]]
    press(user, "Enter")
    await wait_until(lambda: shown(user, "hold-dialog"), what="the highlighted hold's dialog")
    user.find(marker="hold-close").click()

    performer_id = make_performer("Keyboard Person")
    user.find(marker="worklist-tab-missing").click()
    found = await wait_for_rows(user, lambda r: performer_id in [row["performer_id"] for row in r], "the missing tab")
    press(user, "x")  # holds only
    await wait_until(lambda: user.notify.contains("Holds are selected on the Videos on hold tab."), what="the hint")
    for _ in range([row["performer_id"] for row in found].index(performer_id) + 1):
        press(user, "j")
    press(user, "Enter")
    await wait_until(lambda: current_path(user) == f"/compliance/records/{performer_id}", what="the record editor")


async def test_the_holds_narrow_to_a_reason_and_the_selection_goes_with_the_filter(
    user: User, make_staff, verifier: Actor
) -> None:
    await _signed_in(user, make_staff)
    _held_video(verifier)  # held because its record was revoked
    series_id, _, episodes = make_series(2)
    with db.session_scope() as session:
        for video_id in (series_id, *episodes):
            video_service.publish(session, actor=SYSTEM, video_id=video_id)
    case_id = report("video", series_id, "underage").case_id  # holds the series and both episodes
    await user.open("/compliance?tab=holds")
    found = await wait_for_rows(user, lambda r: len(r) == 4, "the four holds")
    select_rows(user, found[:1])
    await wait_until(lambda: shown(user, "holds-bar"), what="the bulk bar")
    user.find(marker="worklist-reason").type(f"CASE #{case_id}").trigger("keydown.enter")
    found = await wait_for_rows(user, lambda r: len(r) == 3, "the case's holds")
    assert {r["video_id"] for r in found} == {series_id, *episodes}
    assert not shown(user, "holds-bar")  # the selection a filter hides is dropped, not released unseen
