"""The video editor and unsaved input (issue 8), with NiceGUI's simulated user.

Save with nothing changed says so (before and after asking the service); a fill after a save leaves a field
touched meanwhile alone; a draft kept in the browser (assets/drafts.js, faked here: the simulated user runs no
JavaScript) is offered when the editor opens, restored with its performers, discarded, shown as a conflict when
the video changed since, and stripped of anything the form cannot hold. The browser's own part (writing the
draft while not connected, reading it back after a reload) is tested in tests/ui/test_browser_editors.py.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from nicegui.testing import User
from sqlalchemy import func, select

from console import db
from console.actor import SYSTEM
from console.audit.models import AuditEvent
from console.catalog import performers as performer_service
from console.catalog import service as video_service
from console.catalog.editor import store as editor_module
from console.catalog.models import Video
from console.ui.drafts import BrowserDrafts
from console.ui.form_state import NOTHING_TO_SAVE
from tests.ui.helpers import all_marked, conflict_rows, element, shown, sign_in_and_wait, wait_until

EMAIL = "cleo.content@test.example"


class FakeBrowserStorage:
    """localStorage as assets/drafts.js keeps it: answers `consoleDrafts.offered(key)` (the simulated user runs
    no JavaScript) and records what the page asks of the browser's drafts."""

    def __init__(self, user: User, monkeypatch: pytest.MonkeyPatch) -> None:
        self.user = user
        self.drafts: dict[str, Any] = {}
        self.asked = 0
        self.cleared: list[str] = []
        user.javascript_rules[re.compile(r'^return consoleDrafts\.offered\("([^"]+)"\)$')] = self._offered
        real_clear = BrowserDrafts.clear

        def clear(store: BrowserDrafts) -> None:
            self.cleared.append(store.key)
            self.drafts.pop(store.key, None)
            real_clear(store)

        monkeypatch.setattr(BrowserDrafts, "clear", clear)

    def _offered(self, match: re.Match[str]) -> Any:
        self.asked += 1
        return self.drafts.get(match.group(1))


@pytest.fixture
async def editor(user: User, make_staff, monkeypatch: pytest.MonkeyPatch) -> tuple[User, int, FakeBrowserStorage]:
    staff_id, _ = make_staff("content", email=EMAIL, name="Cleo Content")
    storage = FakeBrowserStorage(user, monkeypatch)
    await sign_in_and_wait(user, EMAIL)
    return user, staff_id, storage


def _video(title: str, **data: Any) -> int:
    with db.session_scope() as session:
        return video_service.create_video(session, actor=SYSTEM, data={"title": title, **data}).id


def _performer(name: str) -> int:
    with db.session_scope() as session:
        return performer_service.create_performer(session, actor=SYSTEM, data={"name": name}).id


def _stored(video_id: int) -> Video:
    with db.session_scope() as session:
        video = session.get(Video, video_id)
        assert video is not None
        return video


def _updates(video_id: int) -> int:
    with db.session_scope() as session:
        query = select(func.count()).where(AuditEvent.action == "video.update", AuditEvent.entity_id == str(video_id))
        return int(session.execute(query).scalar_one())


def _draft(video_id: int, version: int, **values: Any) -> dict[str, Any]:
    saved_at = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    return {"meta": {"row_id": video_id, "version": version}, "values": values, "saved_at": saved_at}


async def _open(storage: FakeBrowserStorage, video_id: int) -> None:
    asked = storage.asked
    await storage.user.open(f"/catalog/{video_id}")
    await wait_until(lambda: storage.asked > asked, what="the editor asking the browser for a draft")


# --- saving -------------------------------------------------------------------------------------------------------


async def test_save_with_nothing_changed_says_so(editor) -> None:
    user, _, storage = editor
    video_id = _video("Quiet", duration_seconds="1:02:03")
    await _open(storage, video_id)
    user.find(marker="video-save").click()
    await wait_until(lambda: user.notify.contains(NOTHING_TO_SAVE), what="the no-changes message")
    assert not user.notify.contains("Saved.")

    # A different spelling of the stored value reaches the service, which stores nothing: the page says so.
    user.find(marker="video-duration").clear().type("3723")
    user.find(marker="video-save").click()
    await wait_until(lambda: user.notify.contains("already has these values"), what="the service's no-op")
    assert not user.notify.contains("Saved.")
    assert element(user, "video-duration").value == "1:02:03"  # shown as stored now
    assert (_stored(video_id).version, _updates(video_id)) == (1, 0)

    user.find(marker="video-description").type("Now it changes.")
    user.find(marker="video-save").click()
    await wait_until(lambda: user.notify.contains("Saved."), what="a real save")
    assert (_stored(video_id).description, _updates(video_id)) == ("Now it changes.", 1)


async def test_a_fill_after_a_save_keeps_what_was_typed_meanwhile(editor, monkeypatch) -> None:
    user, _, storage = editor
    video_id = _video("Busy", duration_seconds="60")
    await _open(storage, video_id)
    gate = asyncio.Event()
    real_update = video_service.update_video

    def slow_update(*args: Any, **kwargs: Any) -> Video:
        asyncio.run_coroutine_threadsafe(gate.wait(), loop).result(timeout=10)  # the save is still on its way
        return real_update(*args, **kwargs)

    loop = asyncio.get_running_loop()
    monkeypatch.setattr(editor_module, "update_video", slow_update)
    user.find(marker="video-duration").clear().type("0:02:00")
    user.find(marker="video-save").click()
    await asyncio.sleep(0.2)
    user.find(marker="video-description").type("typed while saving")  # the user goes on typing
    user.find(marker="video-duration").clear().type("0:03:00")
    gate.set()
    await wait_until(lambda: user.notify.contains("Saved."), what="the save")
    assert _stored(video_id).duration_seconds == 120
    assert _stored(video_id).description is None
    # The fill after the save showed the stored state but left both touched fields alone.
    assert element(user, "video-description").value == "typed while saving"
    assert element(user, "video-duration").value == "0:03:00"
    assert user.notify.contains("Kept what you typed meanwhile in: Description, Duration.")


# --- drafts -------------------------------------------------------------------------------------------------------


async def test_draft_is_offered_and_restored_with_its_performers(editor) -> None:
    user, staff_id, storage = editor
    ann = _performer("Ann Alpha")
    video_id = _video("Drafted", description="stored text")
    key = f"{staff_id}:video:{video_id}"
    storage.drafts[key] = _draft(
        video_id,
        1,
        description="typed before the connection was lost",
        performers=[ann],
        performer_names={str(ann): "Ann Alpha"},
    )
    await _open(storage, video_id)
    assert element(user, "video-description").value == "stored text"  # built from the stored video
    await wait_until(lambda: shown(user, "draft-offer"), what="the offer")
    assert element(user, "draft-offer-text").text.startswith("You have unsaved changes from 20")
    assert not all_marked(user, "draft-outdated")

    user.find(marker="draft-restore").click()
    await wait_until(
        lambda: element(user, "video-description").value == "typed before the connection was lost", what="restore"
    )
    assert [e.text for e in all_marked(user, "chosen-performer")] == ["1. Ann Alpha"]
    assert _stored(video_id).description == "stored text"
    user.find(marker="video-save").click()
    await wait_until(lambda: user.notify.contains("Saved."), what="the save")
    assert _stored(video_id).description == "typed before the connection was lost"
    with db.session_scope() as session:
        linked = video_service.performers_of(session, actor=SYSTEM, video_id=video_id)
        assert [p.id for p, _ in linked] == [ann]
    assert storage.cleared == [key]
    assert key not in storage.drafts


async def test_discard_drops_the_draft(editor) -> None:
    user, staff_id, storage = editor
    video_id = _video("Discard Me", description="stored text")
    key = f"{staff_id}:video:{video_id}"
    storage.drafts[key] = _draft(video_id, 1, description="not wanted")
    await _open(storage, video_id)
    await wait_until(lambda: shown(user, "draft-offer"), what="the offer")
    user.find(marker="draft-discard").click()
    await wait_until(lambda: key not in storage.drafts, what="the draft cleared")
    assert not shown(user, "draft-offer")
    assert element(user, "video-description").value == "stored text"
    await _open(storage, video_id)
    await user.should_not_see(marker="draft-offer-text")


async def test_a_draft_equal_to_the_stored_video_is_not_offered(editor) -> None:
    user, staff_id, storage = editor
    video_id = _video("Same", description="stored text")
    key = f"{staff_id}:video:{video_id}"
    storage.drafts[key] = _draft(video_id, 1, description="stored text ")  # only a blank differs
    await _open(storage, video_id)
    await wait_until(lambda: key not in storage.drafts, what="the useless draft cleared")
    assert not shown(user, "draft-offer")


async def test_outdated_draft_shows_the_conflict(editor) -> None:
    user, staff_id, storage = editor
    video_id = _video("Moving Target", description="stored text")
    stored = _stored(video_id)
    data = {name: getattr(stored, name) for name in video_service.EDITABLE} | {"description": "their text"}
    with db.session_scope() as session:  # someone else saved after the draft was written (version 1 -> 2)
        video_service.update_video(session, actor=SYSTEM, video_id=video_id, data=data, expected_version=1)
    storage.drafts[f"{staff_id}:video:{video_id}"] = _draft(video_id, 1, description="my text")
    await _open(storage, video_id)
    await wait_until(lambda: shown(user, "draft-offer"), what="the offer")
    assert "was changed since (version 1 then, 2 now)" in element(user, "draft-outdated").text
    user.find(marker="draft-restore").click()
    await wait_until(lambda: shown(user, "conflict-dialog"), what="the conflict dialog")
    assert conflict_rows(user, "conflict")["Description"] == ("their text", "my text")  # (theirs, mine)
    assert element(user, "video-description").value == "my text"
    assert _stored(video_id).description == "their text"

    user.find(marker="conflict-keep-mine").click()
    await wait_until(lambda: _stored(video_id).description == "my text", what="the overwrite")


async def test_a_tampered_draft_brings_back_only_what_the_form_can_hold(editor) -> None:
    user, staff_id, storage = editor
    video_id = _video("Tampered", description="stored text")
    storage.drafts[f"{staff_id}:video:{video_id}"] = _draft(
        video_id,
        1,
        description="fine",
        title=["not", "text"],
        collection_id=987654,  # no such option
        access_level="ROOT",
        is_featured="yes",
        state="published",  # not a field of the form
        performers=["1; DROP TABLE"],
    )
    await _open(storage, video_id)
    await wait_until(lambda: shown(user, "draft-offer"), what="the offer")
    user.find(marker="draft-restore").click()
    await wait_until(lambda: element(user, "video-description").value == "fine", what="restore")
    assert element(user, "video-title").value == "Tampered"
    assert element(user, "video-collection").value is None
    assert element(user, "video-access").value == "FREE"
    assert element(user, "video-featured").value is False
    assert all_marked(user, "chosen-performer") == []


async def test_an_unreadable_draft_is_ignored(editor) -> None:
    user, staff_id, storage = editor
    video_id = _video("Garbage")
    storage.drafts[f"{staff_id}:video:{video_id}"] = {"meta": {"row_id": "x"}, "values": "nope"}
    await _open(storage, video_id)
    await asyncio.sleep(0.2)  # the answer is handled on the next turns of the event loop
    assert not shown(user, "draft-offer")
