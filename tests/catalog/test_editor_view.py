"""The video editor as view parts (issue 13): the Collection field searched on the server (never every
collection), a long unbroken title that cannot widen the page, and dialogs that are deleted once closed."""

from __future__ import annotations

import pytest
from nicegui.testing import User

from console import db
from console.actor import SYSTEM
from console.catalog import collections as collection_service
from console.catalog import service as video_service
from console.catalog.collections import CHOICES_PAGE, collection_choices
from console.errors import ValidationFailed
from console.paging import PageRequest
from tests.catalog.test_catalog_pages import _confirm, _update_elsewhere, _video
from tests.ui.helpers import all_marked, element, shown, sign_in_and_wait, wait_until


@pytest.fixture
async def content_user(user: User, make_staff) -> User:
    make_staff("content", email="cora.content@test.example", name="Cora Content")
    await sign_in_and_wait(user, "cora.content@test.example")
    return user


def _collections(*names: str) -> list[int]:
    with db.session_scope() as session:
        return [collection_service.create_collection(session, actor=SYSTEM, data={"name": n}).id for n in names]


def _choices(search: str | None = None, page: PageRequest | None = None) -> tuple[list[str], int]:
    with db.session_scope() as session:
        found = collection_choices(session, actor=SYSTEM, search=search, page=page)
        return [c.name for c in found.rows], found.total


# --- the service ----------------------------------------------------------------------------------------------


def test_collection_choices_pages_and_searches_live_collections() -> None:
    names = [f"Shelf {i:02d}" for i in range(1, CHOICES_PAGE + 6)]
    ids = _collections(*names, "Late Night", "late nights 100%", "Gone Night")
    with db.session_scope() as session:
        collection_service.delete_collection(session, actor=SYSTEM, collection_id=ids[-1], expected_version=1)

    first, total = _choices()
    assert (first, total) == (names[:CHOICES_PAGE], len(names) + 2)  # a page, in display order, the deleted left out
    second, _ = _choices(page=PageRequest(2, CHOICES_PAGE))
    assert second == [*names[CHOICES_PAGE:], "Late Night", "late nights 100%"]
    assert _choices("NIGHT") == (["Late Night", "late nights 100%"], 2)  # case-insensitive, deleted left out
    assert _choices("100%") == (["late nights 100%"], 1)  # a % is a character, not a wildcard
    assert _choices("0%") == (["late nights 100%"], 1)
    assert _choices("  shelf 2") == ([f"Shelf {i:02d}" for i in range(20, CHOICES_PAGE + 6)], 6)


def test_collection_choices_refuse_an_overlong_search() -> None:
    with pytest.raises(ValidationFailed) as refused, db.session_scope() as session:
        collection_choices(session, actor=SYSTEM, search="x" * (collection_service.NAME_MAX + 1))
    assert "search" in refused.value.errors


# --- the page -------------------------------------------------------------------------------------------------


def _labels(user: User) -> list[str]:
    return list(element(user, "video-collection").options.values())


async def test_collection_field_offers_a_page_and_searches_the_server(content_user: User) -> None:
    user = content_user
    names = [f"Shelf {i:02d}" for i in range(1, CHOICES_PAGE + 6)]
    ids = _collections(*names)
    video_id = _video("Shelved", collection_id=ids[-1])  # its collection is not on the first page
    await user.open(f"/catalog/{video_id}")
    await user.should_see(marker="video-collection")
    field = element(user, "video-collection")
    assert _labels(user) == ["— none —", *names[:CHOICES_PAGE], names[-1]]
    assert field.value == ids[-1]
    assert f"{CHOICES_PAGE} of {len(names)}" in field.props["hint"]
    assert element(user, "preview-collection").text == names[-1]

    user.find(marker="video-collection").trigger("inputValue", "shelf 0")  # what Quasar sends as the user types
    await wait_until(lambda: _labels(user) == ["— none —", *names[:9], names[-1]], what="the search's collections")
    assert field.value == ids[-1]  # a search never changes the choice
    assert "hint" not in field.props
    # the typed text is the search's, not the field's content (an attribute named `_text` once drew it inside the
    # field, beside the input)
    assert field._to_dict().get("text") is None

    field.value = ids[3]
    user.find(marker="video-save").click()
    await wait_until(lambda: user.notify.contains("Saved."), what="the save")
    with db.session_scope() as session:
        assert video_service.get_video(session, actor=SYSTEM, video_id=video_id).collection_id == ids[3]


async def test_a_deleted_collection_keeps_its_label_whatever_is_searched_or_chosen(content_user: User) -> None:
    user = content_user
    gone, kept, _other = _collections("Gone Shelf", "Kept Shelf", "Other Shelf")
    video_id = _video("Left Behind", collection_id=gone)
    with db.session_scope() as session:  # the video first (a live video keeps its collection), then its collection
        video_service.bulk(session, actor=SYSTEM, action="delete", video_ids=[video_id])
        collection_service.delete_collection(session, actor=SYSTEM, collection_id=gone)
    await user.open(f"/catalog/{video_id}")
    await user.should_see(marker="video-collection")
    field = element(user, "video-collection")
    deleted = f"#{gone} (deleted collection)"
    assert field.value == gone
    assert _labels(user) == ["— none —", "Kept Shelf", "Other Shelf", deleted]  # the live ones, then the stored one
    assert "hint" not in field.props  # every live collection is offered: nothing to say
    assert element(user, "preview-collection").text == "No collection"

    user.find(marker="video-collection").trigger("inputValue", "kept")
    await wait_until(lambda: _labels(user) == ["— none —", "Kept Shelf", deleted], what="the search, the stored kept")
    field.value = kept
    user.find(marker="video-collection").trigger("inputValue", "other")
    # the answer first, then the chosen one and the stored one (to go back to), neither of which it holds
    await wait_until(lambda: _labels(user) == ["— none —", "Other Shelf", "Kept Shelf", deleted], what="both kept")
    assert field.value == kept
    assert element(user, "preview-collection").text == "Kept Shelf"


async def test_a_long_unbroken_title_is_cut_in_the_heading_and_shown_whole_on_hover(content_user: User) -> None:
    user = content_user
    title = "Unbroken" * 40  # 320 characters without a space
    video_id = _video(title)
    await user.open(f"/catalog/{video_id}")
    await user.should_see(marker="video-heading")
    heading = element(user, "video-heading")
    assert heading.text == title
    assert {"truncate", "min-w-0"} <= set(heading.classes)  # an ellipsis inside the row, never wider than it
    assert heading.props["title"] == title  # the whole title on hover
    assert "break-words" in element(user, "preview-title").classes
    _update_elsewhere(video_id, title="Short now")
    user.find(marker="video-description").type("edited")
    user.find(marker="video-save").click()
    await wait_until(lambda: shown(user, "conflict-dialog"), what="the conflict dialog")
    assert "[overflow-wrap:anywhere]" in element(user, "conflict-table").classes


async def test_the_editors_dialogs_are_deleted_once_closed(content_user: User) -> None:
    user = content_user
    video_id = _video("Half Done")
    await user.open(f"/catalog/{video_id}")
    await user.should_see(marker="video-history")
    row = element(user, "video-history").rows[0]
    for _ in range(2):
        user.find(marker="video-history").trigger("rowClick", [{}, row, 0])  # Quasar's row-click
        await wait_until(lambda: shown(user, "history-event"), what="the event")
        heading = str(element(user, "history-event-heading").text)
        assert heading == f"Created · {row['when']} · system"  # in words; the time names its zone once (not "UTC UTC")
        user.find("Close").click()
        await wait_until(lambda: not all_marked(user, "history-event"), what="the closed event dialog gone")

    user.find(marker="video-publish").click()
    await _confirm(user)
    await wait_until(lambda: shown(user, "publish-refused"), what="the reasons")
    user.find("Close").click()
    await wait_until(lambda: not all_marked(user, "publish-refused"), what="the closed reasons gone")
    assert not all_marked(user, "confirm-ok")

    _update_elsewhere(video_id, title="Changed elsewhere")
    user.find(marker="video-title").clear().type("Mine")
    user.find(marker="video-save").click()
    await wait_until(lambda: shown(user, "conflict-dialog"), what="the conflict dialog")
    user.find(marker="conflict-cancel").click()
    await wait_until(lambda: not all_marked(user, "conflict-dialog"), what="the closed conflict dialog gone")
    assert element(user, "video-title").value == "Mine"
    user.find(marker="video-save").click()  # still stale: the conflict again; this time take theirs
    await wait_until(lambda: shown(user, "conflict-dialog"), what="the conflict dialog again")
    user.find(marker="conflict-take-theirs").click()
    await wait_until(lambda: user.notify.contains("Loaded the saved version; your input was discarded."), what="it")
    assert not all_marked(user, "conflict-dialog")
    assert element(user, "video-title").value == "Changed elsewhere"


def test_every_video_action_the_code_audits_has_words_in_the_history_tab() -> None:
    """The History tab showed `video.create`, `video.publish`: each action written on a video has a label."""
    import re
    from pathlib import Path

    from console.catalog.editor.values import ACTION_LABELS
    from console.catalog.service.bulk_actions import BULK_ACTIONS

    code = Path(__file__).resolve().parents[2] / "console"
    source = "".join(p.read_text() for p in code.rglob("*.py") if p.name != "values.py")
    written = set(re.findall(r'"(video\.[a-z_]+)"', source)) | {f"video.{a}" for a in BULK_ACTIONS}
    written |= {"production.create", "production.update", "production.view"}  # audited on the video too
    assert written - set(ACTION_LABELS) == set()
