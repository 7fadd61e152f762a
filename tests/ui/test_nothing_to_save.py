"""Every editor says "Nothing to save — no changes." when Save finds nothing changed, and writes no audit event
(issue 8: Save said "Saved." with nothing stored). The video and record editors have their own tests
(tests/catalog/test_editor_drafts.py, tests/compliance/test_record_drafts.py); here the other forms, and the
compliance forms' drafts and fills.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from nicegui.testing import User
from sqlalchemy import func, select

from console import db
from console.actor import SYSTEM
from console.audit.models import AuditEvent
from console.catalog import series as series_service
from console.compliance import productions
from console.compliance.models import Custodian, Production
from console.ui.form_state import NOTHING_TO_SAVE
from tests.catalog.factories import make_collection, make_performer, make_video
from tests.compliance.test_export import set_custodian
from tests.ui.helpers import all_marked, element, shown, sign_in_and_wait, wait_for_rows, wait_until

ADMIN_EMAIL = "nora.nothing@test.example"


@pytest.fixture
async def admin_user(user: User, make_staff: Callable[..., tuple[int, str]]) -> User:
    make_staff("admin", email=ADMIN_EMAIL, name="Nora Nothing")
    await sign_in_and_wait(user, ADMIN_EMAIL)
    return user


def _writes() -> int:
    """Audit events that record a change (page views of 2257 data are audited reads)."""
    with db.session_scope() as session:
        query = select(func.count()).where(~AuditEvent.action.endswith(".view"), ~AuditEvent.action.like("auth.%"))
        return int(session.execute(query).scalar_one())


async def _says_nothing_to_save(user: User, save_marker: str) -> None:
    before = _writes()
    user.find(marker=save_marker).click()
    await wait_until(lambda: user.notify.contains(NOTHING_TO_SAVE), what="the no-changes message")
    assert not any("saved" in str(m).lower() and NOTHING_TO_SAVE not in str(m) for m in user.notify.messages)
    assert _writes() == before


async def test_performer_profile(admin_user: User) -> None:
    user = admin_user
    pid = make_performer("Quiet Performer", bio="As stored.")
    await user.open(f"/performers/{pid}")
    await wait_until(lambda: bool(all_marked(user, "profile-save")), what="the profile")
    await _says_nothing_to_save(user, "profile-save")
    user.find(marker="profile-bio").type("  ")  # blanks around the text are no change
    await _says_nothing_to_save(user, "profile-save")


async def test_collection_dialog(admin_user: User) -> None:
    user = admin_user
    cid = make_collection("Quiet Shelf")
    await user.open("/collections")
    await wait_until(lambda: bool(all_marked(user, f"collection-edit-{cid}")), what="the collection list")
    user.find(marker=f"collection-edit-{cid}").click()
    await wait_until(lambda: shown(user, "col-save"), what="the dialog")
    await _says_nothing_to_save(user, "col-save")
    assert shown(user, "col-save")  # the dialog stays open


async def test_season_editor_and_episode_renumbering(admin_user: User) -> None:
    user = admin_user
    series_id = make_video(title="Quiet Series", kind="series")
    with db.session_scope() as session:
        season_id = series_service.add_season(session, actor=SYSTEM, series_id=series_id, data={"title": "One"}).id
        episode_id = series_service.add_episode(session, actor=SYSTEM, season_id=season_id, data={"title": "Pilot"}).id
    await user.open(f"/catalog/{series_id}/seasons")
    await wait_until(lambda: bool(all_marked(user, f"season-save-{season_id}")), what="the seasons page")
    await _says_nothing_to_save(user, f"season-save-{season_id}")
    user.find(marker=f"episode-renumber-{episode_id}").click()
    await wait_until(lambda: shown(user, "episode-move-save"), what="the renumber dialog")
    user.notify.messages.clear()
    await _says_nothing_to_save(user, "episode-move-save")


async def test_staff_dialog(admin_user: User, make_staff: Callable[..., tuple[int, str]]) -> None:
    user = admin_user
    staff_id, email = make_staff("moderator", email="mo.quiet@test.example", name="Mo Quiet")
    await user.open("/staff")
    found = await wait_for_rows(user, lambda rows: any(r["email"] == email for r in rows), "the staff row")
    row = next(r for r in found if r["id"] == staff_id)
    user.find(marker="paged-table").trigger("rowClick", [{}, row, 0])  # what a click on the row sends
    await wait_until(lambda: shown(user, "edit-save"), what="the edit dialog")
    await _says_nothing_to_save(user, "edit-save")


async def test_custodian(admin_user: User) -> None:
    user = admin_user
    set_custodian()
    await user.open("/compliance/custodian")
    await wait_until(lambda: bool(all_marked(user, "custodian-save")), what="the custodian page")
    await _says_nothing_to_save(user, "custodian-save")
    element(user, "custodian-hours").value = "Mon–Sat 9–5"
    user.find(marker="custodian-save").click()
    await wait_until(lambda: user.notify.contains("Custodian saved."), what="a real save")
    user.notify.messages.clear()
    await _says_nothing_to_save(user, "custodian-save")  # the form counts from what it just stored
    with db.session_scope() as session:
        custodian = session.get(Custodian, 1)
        assert custodian is not None and custodian.hours == "Mon–Sat 9–5"


def _production_video() -> int:
    video_id = make_video(title="Quiet Shoot")
    with db.session_scope() as session:
        productions.save_production(
            session,
            actor=SYSTEM,
            video_id=video_id,
            data={"production_date": date(2020, 6, 1), "producer_notes": "stored notes"},
            expected_version=None,
        )
    return video_id


def _production(video_id: int) -> Production:
    with db.session_scope() as session:
        found = session.execute(select(Production).where(Production.video_id == video_id)).scalar_one()
        return found


async def test_production(admin_user: User) -> None:
    user = admin_user
    video_id = _production_video()
    await user.open(f"/compliance/productions/{video_id}")
    await wait_until(lambda: bool(all_marked(user, "production-save")), what="the production page")
    await _says_nothing_to_save(user, "production-save")
    assert _production(video_id).version == 1


async def test_production_draft_is_kept_on_the_server_and_offered(admin_user: User) -> None:
    user = admin_user
    video_id = _production_video()
    await user.open(f"/compliance/productions/{video_id}")
    await wait_until(lambda: bool(all_marked(user, "production-save")), what="the production page")
    user.find(marker="production-location-notes").type("Studio B, typed and not saved")
    await user.open(f"/compliance/productions/{video_id}")  # a reload
    await wait_until(lambda: shown(user, "draft-offer"), what="the offer of unsaved changes")
    assert element(user, "production-location-notes").value == ""
    user.find(marker="draft-restore").click()
    await wait_until(
        lambda: element(user, "production-location-notes").value == "Studio B, typed and not saved", what="restore"
    )
    user.find(marker="production-save").click()
    await wait_until(lambda: user.notify.contains("Production saved."), what="the save")
    assert _production(video_id).location_notes == "Studio B, typed and not saved"
    await user.open(f"/compliance/productions/{video_id}")
    await user.should_not_see(marker="draft-offer-text")


async def test_production_fill_after_a_save_keeps_a_field_typed_meanwhile(
    admin_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from console.compliance.production_pages import production as production_pages

    user = admin_user
    video_id = _production_video()
    await user.open(f"/compliance/productions/{video_id}")
    await wait_until(lambda: bool(all_marked(user, "production-save")), what="the production page")
    loop = asyncio.get_running_loop()
    gate = asyncio.Event()
    real_load = production_pages.load_production
    calls = {"n": 0}

    def slow_load(*args: Any) -> Any:  # the reload after the save is slow, as under load
        calls["n"] += 1
        asyncio.run_coroutine_threadsafe(gate.wait(), loop).result(timeout=10)
        loaded = real_load(*args)
        calls["loaded"] = 1
        return loaded

    monkeypatch.setattr(production_pages, "load_production", slow_load)
    user.find(marker="production-producer-notes").clear().type("new producer notes")
    user.find(marker="production-save").click()
    await wait_until(lambda: calls["n"] == 1, what="the reload after the save")
    user.find(marker="production-location-notes").type("typed during the save")
    gate.set()
    await wait_until(lambda: "loaded" in calls, what="the reload")
    await asyncio.sleep(0.2)  # its fill runs on the event loop right after
    assert user.notify.contains("Production saved.")
    assert element(user, "production-location-notes").value == "typed during the save"
    assert element(user, "production-producer-notes").value == "new producer notes"
    assert _production(video_id).location_notes in (None, "")
