"""The performer and seasons pages as view classes (issue 13): the directory's rows open like every list (Open
button, j / k / Enter, n for a new performer), the search input keeps its 200-character cap, and the dialogs of
both pages are deleted when they close instead of piling up."""

from __future__ import annotations

from typing import Any

import pytest
from nicegui import ui
from nicegui.testing import User

from console import db
from console.actor import SYSTEM
from console.catalog import performers as performer_service
from console.catalog import series as series_service
from console.catalog import service as video_service
from console.errors import ValidationFailed
from console.ui import work
from tests.moderation.page_helpers import press
from tests.ui.helpers import (
    all_elements,
    all_marked,
    current_path,
    element,
    rows,
    shown,
    sign_in_and_wait,
    wait_for_caption,
    wait_for_rows,
    wait_until,
)


@pytest.fixture
async def content_user(user: User, make_staff) -> User:
    make_staff("content", email="vic.views@test.example", name="Vic Views")
    await sign_in_and_wait(user, "vic.views@test.example")
    return user


def _performer(name: str) -> int:
    with db.session_scope() as session:
        return performer_service.create_performer(session, actor=SYSTEM, data={"name": name}).id


def _series_with_episode() -> tuple[int, int, int]:
    with db.session_scope() as session:
        series_id = video_service.create_video(session, actor=SYSTEM, data={"title": "Views", "kind": "series"}).id
        season_id = series_service.add_season(session, actor=SYSTEM, series_id=series_id, data={}).id
        episode_id = series_service.add_episode(session, actor=SYSTEM, season_id=season_id, data={"title": "One"}).id
        return series_id, season_id, episode_id


def _table(user: User) -> Any:
    return element(user, "paged-table")


async def test_directory_rows_open_with_the_open_button_and_the_keys(content_user: User) -> None:
    user = content_user
    ann, bea = _performer("Ann Alpha"), _performer("Bea Beta")
    await user.open("/performers")
    found = await wait_for_rows(user, lambda found: len(found) == 2, "two performers")
    assert [c["name"] for c in _table(user).columns][-1] == "open"
    assert "console-open-row" in _table(user).props[":table-row-class-fn"]
    user.find(marker="paged-table").trigger("open", next(r for r in found if r["id"] == bea))
    await wait_until(lambda: current_path(user) == f"/performers/{bea}", what="Bea's profile")

    await user.open("/performers")
    await wait_for_caption(user, "1–2 of 2")
    press(user, "Enter")
    await wait_until(lambda: user.notify.contains("Highlight a performer first (j / k)."), what="the hint")
    press(user, "j")
    await wait_until(lambda: [r["name"] for r in rows(user) if r["cursor"]] == ["Ann Alpha"], what="the highlight")
    press(user, "Enter")
    await wait_until(lambda: current_path(user) == f"/performers/{ann}", what="Ann's profile")


async def test_search_keeps_its_cap_and_the_query_string_fills_it(content_user: User) -> None:
    user = content_user
    _performer("Cleo Query")
    _performer("Dan Other")
    await user.open("/performers?q=cleo")
    await wait_for_caption(user, "1–1 of 1")
    search = element(user, "performer-search")
    assert search.value == "cleo"
    assert search.props["maxlength"] == "200"
    assert [r["name"] for r in rows(user)] == ["Cleo Query"]


async def test_new_performer_dialog_opens_with_n_and_is_deleted_when_closed(content_user: User) -> None:
    user = content_user
    await user.open("/performers")
    await wait_for_caption(user, "0–0 of 0")
    for _ in range(2):
        press(user, "n")
        await wait_until(lambda: shown(user, "new-performer-name"), what="the new-performer dialog")
        assert len(all_marked(user, "new-performer-name")) == 1  # the one closed before is gone
        user.find("Cancel").click()
        await wait_until(lambda: not all_marked(user, "new-performer-name"), what="the closed dialog deleted")


async def test_seasons_dialogs_are_deleted_when_closed(content_user: User) -> None:
    user = content_user
    series_id, season_id, episode_id = _series_with_episode()
    await user.open(f"/catalog/{series_id}/seasons")
    await wait_until(lambda: shown(user, f"episode-row-{episode_id}"), what="the seasons page")
    before = len(all_elements(user, ui.dialog))
    for opener, field in (
        ("season-add", "season-new-number"),
        (f"episode-add-{season_id}", "episode-new-title"),
        (f"episode-renumber-{episode_id}", "episode-move-number"),
    ):
        user.find(marker=opener).click()
        await wait_until(lambda field=field: shown(user, field), what=f"the dialog with {field}")
        user.find("Cancel").click()
        await wait_until(lambda field=field: not all_marked(user, field), what=f"the dialog with {field} deleted")
    assert len(all_elements(user, ui.dialog)) == before


async def test_read_reports_a_refusal_and_gives_none(monkeypatch: pytest.MonkeyPatch) -> None:
    reported: list[str] = []
    monkeypatch.setattr(work, "report", lambda exc: reported.append(exc.message))

    def refused(field: str) -> str:
        raise ValidationFailed({field: "is not acceptable"})

    assert await work.read(refused, "search") is None
    assert reported == ["Search is not acceptable"]
    assert await work.read(lambda a, b: a + b, 2, 3) == 5
