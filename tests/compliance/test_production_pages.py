"""Productions page: the date of production saved (inline error for a future date, stale saves keep the input),
the cast with legal names, ages and the ID relied on, the gate's verdict, the compliance statement with its copy
button; the custodian page; content staff refused."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from nicegui import ui
from nicegui.testing import User
from sqlalchemy import select

from console.actor import SYSTEM
from console.catalog import service as video_service
from console.compliance import productions
from console.compliance.models import Custodian, Production
from console.db import session_scope, utc_today
from tests.catalog.factories import audit_mark, events_since, make_performer, make_video
from tests.compliance.test_export import set_custodian
from tests.compliance.test_index import legal_record
from tests.ui.helpers import all_marked, element, shown, sign_in_and_wait, wait_loaded, wait_until

OFFICER_EMAIL = "olga.officer@test.example"


@pytest.fixture
async def officer_user(user: User, make_staff: Any) -> User:
    make_staff("compliance", email=OFFICER_EMAIL, name="Olga Officer")
    await sign_in_and_wait(user, OFFICER_EMAIL)
    return user


def cast_video(*, with_production: bool = False, dob: date = date(1990, 5, 17)) -> tuple[int, int]:
    """A draft video with one performer whose record is verified. (video, performer)."""
    performer_id, _ = legal_record("Velvet Rain", first="Jane", last="Doe", dob=dob, verify=True)
    video_id = make_video(title="Summer Shoot")
    with session_scope() as session:
        video_service.set_performers(session, actor=SYSTEM, video_id=video_id, performer_ids=[performer_id])
        if with_production:
            productions.save_production(
                session,
                actor=SYSTEM,
                video_id=video_id,
                data={"production_date": date(2020, 6, 1)},
                expected_version=None,
            )
    return video_id, performer_id


def stored_production(video_id: int) -> Production | None:
    with session_scope() as session:
        return session.execute(select(Production).where(Production.video_id == video_id)).scalar_one_or_none()


async def open_production(user: User, video_id: int) -> None:
    await user.open(f"/compliance/productions/{video_id}")
    await wait_until(lambda: bool(all_marked(user, "production-title")), what="the production page")
    await wait_loaded(user)  # the cast and the side column are drawn once the page shows


async def test_saving_the_date_of_production_updates_ages_verdict_and_statement(officer_user: User) -> None:
    user = officer_user
    set_custodian()
    video_id, performer_id = cast_video()
    mark = audit_mark()
    await open_production(user, video_id)
    assert [e.action for e in events_since(mark)] == ["production.view"]  # the page is an audited read
    assert shown(user, "production-missing")
    assert element(user, f"cast-legal-{performer_id}").text == "Doe, Jane"
    assert element(user, f"cast-age-{performer_id}").text == "—"
    assert shown(user, "production-blockers")
    assert "no date of production" in element(user, "statement-problem").text

    element(user, "production-date").value = "2020-06-01"
    element(user, "production-producer-notes").value = "Studio B"
    user.find(marker="production-save").click()
    await wait_until(lambda: shown(user, "production-compliant"), what="the compliant verdict")
    saved = stored_production(video_id)
    assert saved is not None and saved.production_date == date(2020, 6, 1) and saved.producer_notes == "Studio B"
    assert element(user, f"cast-age-{performer_id}").text == "30"
    statement = element(user, "statement-text").value
    assert "Title: Summer Shoot" in statement and "Date of production: 2020-06-01" in statement
    assert "Cora Custodian" in statement
    # The ID relied on was picked: the latest one examined on or before the production date.
    assert element(user, f"cast-id-{performer_id}").value != "auto"


async def test_a_future_date_is_refused_on_the_field_and_nothing_is_saved(officer_user: User) -> None:
    user = officer_user
    video_id, _ = cast_video()
    await open_production(user, video_id)
    tomorrow = (utc_today() + timedelta(days=1)).isoformat()
    element(user, "production-date").value = tomorrow
    user.find(marker="production-save").click()
    await wait_until(lambda: bool(element(user, "production-date").error), what="the inline error")
    assert "in the future" in element(user, "production-date").error
    assert element(user, "production-date").value == tomorrow  # the input is kept
    assert stored_production(video_id) is None


async def test_a_stale_save_shows_the_conflict_and_keeps_the_input(officer_user: User) -> None:
    user = officer_user
    video_id, _ = cast_video(with_production=True)
    await open_production(user, video_id)
    with session_scope() as session:  # someone else changes it meanwhile
        productions.save_production(
            session, actor=SYSTEM, video_id=video_id, data={"production_date": "2019-01-01"}, expected_version=None
        )
    element(user, "production-date").value = "2018-02-02"
    mark = audit_mark()
    user.find(marker="production-save").click()
    await wait_until(lambda: shown(user, "production-conflict"), what="the conflict panel")
    assert element(user, "production-date").value == "2018-02-02"
    # what is stored now is shown from an audited read, not from the refused save
    assert [e.action for e in events_since(mark)] == ["production.view"]
    assert any("2019-01-01" in str(e.text) for e in all_marked(user, "production-conflict-stored"))
    saved = stored_production(video_id)
    assert saved is not None and saved.production_date == date(2019, 1, 1)
    user.find(marker="production-save").click()  # saving again, knowingly, replaces it
    await wait_until(lambda: not shown(user, "production-conflict"), what="the save")
    saved = stored_production(video_id)
    assert saved is not None and saved.production_date == date(2018, 2, 2)


async def test_a_stale_save_offers_take_theirs_from_an_audited_read(officer_user: User) -> None:
    user = officer_user
    video_id, _ = cast_video(with_production=True)
    await open_production(user, video_id)
    with session_scope() as session:  # someone else changes it meanwhile
        data = {"production_date": "2019-01-01", "location_notes": "Their studio"}
        productions.save_production(session, actor=SYSTEM, video_id=video_id, data=data, expected_version=None)
    element(user, "production-date").value = "2018-02-02"
    user.find(marker="production-save").click()
    await wait_until(lambda: shown(user, "production-conflict-take-theirs"), what="Take theirs")
    assert element(user, "production-conflict-who").text.startswith("Changed by system just now")
    mark = audit_mark()
    user.find(marker="production-conflict-take-theirs").click()
    await wait_until(lambda: not shown(user, "production-conflict"), what="the panel gone")
    assert element(user, "production-date").value == "2019-01-01"
    assert [e.action for e in events_since(mark)] == ["production.view"]  # what it shows was read audited
    saved = stored_production(video_id)
    assert saved is not None and saved.production_date == date(2019, 1, 1)  # nothing was saved
    element(user, "production-date").value = "2018-03-03"
    user.find(marker="production-save").click()  # based on the version read: no second conflict
    await wait_until(lambda: (stored_production(video_id) or saved).production_date == date(2018, 3, 3), what="save")
    assert stored_production(video_id).location_notes == "Their studio"  # type: ignore[union-attr]


async def test_the_statement_is_shown_read_only_and_copied(officer_user: User) -> None:
    user = officer_user
    set_custodian()
    video_id, _ = cast_video(with_production=True)
    await open_production(user, video_id)
    text = element(user, "statement-text")
    assert isinstance(text, ui.textarea) and "readonly" in text.props
    assert text.value.startswith(productions.STATEMENT_TITLE)
    user.find(marker="statement-copy").click()
    await user.should_see("Statement copied.")


async def test_an_under_age_performer_is_flagged_with_the_gates_reason(officer_user: User) -> None:
    user = officer_user
    video_id, performer_id = cast_video(with_production=True, dob=date(2002, 6, 2))  # 18 the day after
    await open_production(user, video_id)
    assert element(user, f"cast-age-{performer_id}").text == "17"
    reasons = [e.text for e in all_marked(user, "production-blocker")]
    assert any("under 18 on the date of production" in r for r in reasons)


async def test_a_performer_without_a_record_links_to_create_one(officer_user: User) -> None:
    user = officer_user
    performer_id = make_performer("No Paperwork")
    video_id = make_video(title="Unchecked")
    with session_scope() as session:
        video_service.set_performers(session, actor=SYSTEM, video_id=video_id, performer_ids=[performer_id])
    await open_production(user, video_id)
    assert "no legal record" in element(user, f"cast-legal-{performer_id}").text
    assert any("has no legal record" in e.text for e in all_marked(user, "production-blocker"))


async def test_content_staff_cannot_open_a_production(user: User, make_staff: Any) -> None:
    video_id, _ = cast_video(with_production=True)
    make_staff("content", email="cora@test.example")
    await sign_in_and_wait(user, "cora@test.example")
    mark = audit_mark()
    await user.open(f"/compliance/productions/{video_id}")
    await user.should_see(marker="forbidden")
    await user.should_not_see("Doe, Jane")
    assert [e.action for e in events_since(mark) if not e.action.startswith("staff.")] == []


async def test_an_unknown_video_is_a_404_in_the_frame(officer_user: User) -> None:
    await officer_user.open("/compliance/productions/999999")
    await officer_user.should_see(marker="not-found")
    await officer_user.open("/compliance/productions/abc")
    await officer_user.should_see(marker="not-found")


# --- custodian --------------------------------------------------------------------------------------------


async def test_the_custodian_is_saved_with_inline_errors_first(officer_user: User) -> None:
    user = officer_user
    await user.open("/compliance/custodian")
    await user.should_see(marker="custodian-missing")
    element(user, "custodian-title").value = "Custodian of Records"
    element(user, "custodian-address").value = "1 Records Way\nLos Angeles"
    element(user, "custodian-hours").value = "Mon–Fri 9–5"
    user.find(marker="custodian-save").click()
    await wait_until(lambda: bool(element(user, "custodian-name").error), what="the inline error")
    assert "required" in element(user, "custodian-name").error
    with session_scope() as session:
        assert session.get(Custodian, 1) is None
    element(user, "custodian-name").value = "Cora Custodian"
    user.find(marker="custodian-save").click()
    await user.should_see("Custodian saved.")
    with session_scope() as session:
        custodian = session.get(Custodian, 1)
        assert custodian is not None and custodian.name == "Cora Custodian"
        assert custodian.business_address == "1 Records Way\nLos Angeles"
    element(user, "custodian-hours").value = "Mon–Sat 9–5"  # the second save carries the new version
    user.find(marker="custodian-save").click()
    await wait_until(lambda: _custodian_hours() == "Mon–Sat 9–5", what="the second save")


async def test_a_stale_custodian_save_offers_take_theirs(officer_user: User) -> None:
    user = officer_user
    set_custodian()
    await user.open("/compliance/custodian")
    await user.should_see(marker="custodian-save")
    element(user, "custodian-hours").value = "Mine"
    with session_scope() as session:  # someone else saves first
        data = {"name": "Cora Custodian", "title": "Keeper", "business_address": "2 Vault Road", "hours": "Theirs"}
        productions.set_custodian(session, actor=SYSTEM, data=data, expected_version=1)
    user.find(marker="custodian-save").click()
    await wait_until(lambda: shown(user, "custodian-conflict-take-theirs"), what="Take theirs")
    assert element(user, "custodian-conflict-who").text == "Changed by system just now"
    assert _custodian_hours() == "Theirs"
    user.find(marker="custodian-conflict-take-theirs").click()
    await wait_until(lambda: not shown(user, "custodian-conflict"), what="the panel gone")
    assert element(user, "custodian-hours").value == "Theirs"
    assert element(user, "custodian-title").value == "Keeper"
    element(user, "custodian-hours").value = "After theirs"
    user.find(marker="custodian-save").click()  # based on the version taken: no second conflict
    await wait_until(lambda: _custodian_hours() == "After theirs", what="the save")
    with session_scope() as session:
        assert session.get(Custodian, 1).business_address == "2 Vault Road"  # type: ignore[union-attr]


def _custodian_hours() -> str | None:
    with session_scope() as session:
        custodian = session.get(Custodian, 1)
        return custodian.hours if custodian else None


async def test_content_staff_cannot_open_the_custodian_page(user: User, make_staff: Any) -> None:
    make_staff("content", email="cora@test.example")
    await sign_in_and_wait(user, "cora@test.example")
    await user.open("/compliance/custodian")
    await user.should_see(marker="forbidden")


# --- the video editor's 2257 links --------------------------------------------------------------------------


async def test_content_staff_copy_the_statement_from_the_editor_but_see_no_production_link(
    user: User, make_staff: Any
) -> None:
    set_custodian()
    video_id, _ = cast_video(with_production=True)
    make_staff("content", email="cora@test.example")
    await sign_in_and_wait(user, "cora@test.example")
    await user.open(f"/catalog/{video_id}")
    await user.should_see(marker="video-statement-copy")
    assert not all_marked(user, "video-production-link")
    user.find(marker="video-statement-copy").click()
    await user.should_see("Compliance statement copied.")


async def test_the_editor_says_why_there_is_no_statement_yet(user: User, make_staff: Any) -> None:
    video_id, _ = cast_video(with_production=True)  # no custodian set
    make_staff("content", email="cora@test.example")
    await sign_in_and_wait(user, "cora@test.example")
    await user.open(f"/catalog/{video_id}")
    user.find(marker="video-statement-copy").click()
    await wait_until(lambda: user.notify.contains("No custodian of records is set"), what="the message")


async def test_compliance_staff_get_the_production_link_in_the_editor(officer_user: User) -> None:
    video_id, _ = cast_video()
    await officer_user.open(f"/catalog/{video_id}")
    link = element(officer_user, "video-production-link")
    assert link.props["href"] == f"/compliance/productions/{video_id}"


async def test_a_save_that_would_take_a_public_video_down_asks_first(officer_user: User) -> None:
    """Issue 8.1: the officer sees which video the change holds and why, and decides; cancelling keeps all."""
    from tests.compliance.factories import compliant_published_video

    user = officer_user
    video_id, _work = compliant_published_video()  # born 1990-05-17, produced 2020-06-01
    await open_production(user, video_id)
    mark = audit_mark()
    element(user, "production-date").value = "2008-05-16"  # one day before the 18th birthday
    user.find(marker="production-save").click()
    await wait_until(lambda: shown(user, "confirm-ok"), what="the warning")
    warning = " ".join(label.text for label in dialog_labels(user))
    assert "Saving puts a public video on hold" in warning and "was under 18 on the date of production" in warning
    user.find("Cancel").click()
    await wait_until(lambda: not shown(user, "confirm-ok"), what="the dialog to close")
    saved = stored_production(video_id)
    assert saved is not None and saved.production_date == date(2020, 6, 1)
    assert [e.action for e in events_since(mark)] == []  # the preview kept nothing

    user.find(marker="production-save").click()
    await wait_until(lambda: shown(user, "confirm-ok"), what="the warning again")
    user.find(marker="confirm-ok").click()
    await wait_until(lambda: bool(events_since(mark)), what="the save")
    assert [e.action for e in events_since(mark)][:2] == ["production.update", "video.compliance_hold"]
    with session_scope() as session:
        assert video_service.get_video(session, actor=SYSTEM, video_id=video_id).state == "unpublished"
    # the page says so at once: the header's state and the cast's age on the new date (it said "published", 30)
    await wait_until(lambda: element(user, "production-state").text == "Unpublished", what="the header's state")
    ages = [e.text for e in all_marked_prefix(user, "cast-age-")]
    assert ages == ["17"], ages


def all_marked_prefix(user: User, prefix: str) -> list[Any]:
    assert user.client is not None
    return [e for e in user.client.layout.descendants() if any(m.startswith(prefix) for m in e._markers)]


def dialog_labels(user: User) -> list[ui.label]:
    assert user.client is not None
    return [
        label
        for dialog in user.client.layout.descendants()
        if isinstance(dialog, ui.dialog) and dialog.value
        for label in dialog.descendants()
        if isinstance(label, ui.label)
    ]


async def test_ctrl_s_saves_the_production(officer_user: User) -> None:
    from tests.ui.helpers import CTRL_S

    user = officer_user
    video_id, _ = cast_video()
    await open_production(user, video_id)
    element(user, "production-date").value = "2020-06-01"
    element(user, "production-producer-notes").value = "Saved from the keyboard"
    user.find(marker="production-keys").trigger("key", CTRL_S)
    await wait_until(lambda: stored_production(video_id) is not None, what="the save")
    saved = stored_production(video_id)
    assert saved is not None and saved.producer_notes == "Saved from the keyboard"
