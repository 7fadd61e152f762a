"""Members list (server paging, search, status filter, global search) and the member detail page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from nicegui.testing import User

from console import db
from console.actor import SYSTEM
from console.members.service import create_member
from tests.moderation.page_helpers import texts
from tests.ui.helpers import (
    caption,
    current_path,
    element,
    raw_html,
    rows,
    sign_in_and_wait,
    table,
    wait_for_caption,
    wait_for_rows,
    wait_until,
)

BASE = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)
COUNT = 60


def _status(i: int) -> str:
    if i == 33:
        return "banned"
    return "suspended" if i % 10 == 0 else "active"


def _email(i: int) -> str:
    return f"person{i:02d}@mail.example"


def _username(i: int) -> str:
    return f"zed_{i:02d}" if i <= 7 else f"name{i:02d}"


@pytest.fixture
def members() -> dict[int, int]:
    """60 members, member i joined i minutes after BASE (so the newest, i=60, is listed first); i -> id."""
    ids = {}
    with db.session_scope() as session:
        for i in range(1, COUNT + 1):
            m = create_member(
                session,
                actor=SYSTEM,
                email=_email(i),
                username=_username(i),
                display_name=f"Person {i:02d}",
                country="DE" if i % 2 else "FR",
                status=_status(i),
                created_at=BASE + timedelta(minutes=i),
            )
            ids[i] = m.id
    return ids


@pytest.fixture
async def moderator(user: User, make_staff) -> User:
    _, email = make_staff("moderator", name="Mona Moderator")
    await sign_in_and_wait(user, email)
    return user


def _emails(found: list[dict]) -> list[str]:
    return [r["email"] for r in found]


async def _search(user: User, text: str) -> None:
    user.find(marker="member-search").clear().type(text).trigger("keydown.enter")


async def test_first_page_and_caption(moderator: User, members: dict[int, int]) -> None:
    user = moderator
    await user.open("/members")
    await wait_for_caption(user, "1–25 of 60")
    assert _emails(rows(user)) == [_email(i) for i in range(60, 35, -1)]
    first = rows(user)[0]
    assert first["id"] == members[60]
    assert first["username"] == "name60"
    assert first["display_name"] == "Person 60"
    assert (first["status"], first["status_label"]) == ("suspended", "Suspended")  # the badge shows the word
    assert first["created_at"] == "2024-01-01 13:00 UTC"
    assert table(user).pagination["rowsNumber"] == 60


async def test_paging_through_all_pages(moderator: User, members: dict[int, int]) -> None:
    user = moderator
    await user.open("/members")
    await wait_for_caption(user, "1–25 of 60")
    wanted = {"rowsPerPage": 25, "sortBy": "created_at", "descending": True}

    user.find(marker="paged-table").trigger("request", {"pagination": {**wanted, "page": 2}})
    await wait_for_caption(user, "26–50 of 60")
    assert _emails(rows(user)) == [_email(i) for i in range(35, 10, -1)]
    assert table(user).pagination["page"] == 2

    user.find(marker="paged-table").trigger("request", {"pagination": {**wanted, "page": 3}})
    await wait_for_caption(user, "51–60 of 60")
    assert _emails(rows(user)) == [_email(i) for i in range(10, 0, -1)]

    # Oldest first, 50 a page.
    user.find(marker="paged-table").trigger(
        "request", {"pagination": {**wanted, "page": 1, "rowsPerPage": 50, "descending": False}}
    )
    await wait_for_caption(user, "1–50 of 60")
    assert _emails(rows(user)) == [_email(i) for i in range(1, 51)]

    # A page past the end is empty rather than an error.
    user.find(marker="paged-table").trigger("request", {"pagination": {**wanted, "page": 9}})
    await wait_for_caption(user, "0–0 of 60")
    assert rows(user) == []


async def test_search_by_email_prefix(moderator: User, members: dict[int, int]) -> None:
    user = moderator
    await user.open("/members")
    await wait_for_caption(user, "1–25 of 60")
    await _search(user, "person1")
    await wait_for_caption(user, "1–10 of 10")
    assert sorted(_emails(rows(user))) == [_email(i) for i in range(10, 20)]

    await _search(user, "Person05@MAIL")  # case does not matter; "@" means e-mail only
    await wait_for_caption(user, "1–1 of 1")
    assert _emails(rows(user)) == [_email(5)]


async def test_search_by_username_prefix(moderator: User, members: dict[int, int]) -> None:
    user = moderator
    await user.open("/members")
    await wait_for_caption(user, "1–25 of 60")
    await _search(user, "zed")
    await wait_for_caption(user, "1–7 of 7")
    assert sorted(r["username"] for r in rows(user)) == [f"zed_{i:02d}" for i in range(1, 8)]

    await _search(user, "name4")
    await wait_for_caption(user, "1–10 of 10")
    assert sorted(r["username"] for r in rows(user)) == [f"name{i}" for i in range(40, 50)]


async def test_search_without_match_and_clear(moderator: User, members: dict[int, int]) -> None:
    user = moderator
    await user.open("/members")
    await wait_for_caption(user, "1–25 of 60")
    await _search(user, "nobody-like-this")
    await wait_for_caption(user, "0–0 of 0")
    assert rows(user) == []
    user.find("Clear").click()
    await wait_for_caption(user, "1–25 of 60")
    assert element(user, "member-search").value == ""


async def test_wildcards_in_search_are_literal(moderator: User, members: dict[int, int]) -> None:
    user = moderator
    await user.open("/members")
    await wait_for_caption(user, "1–25 of 60")
    await _search(user, "%")
    await wait_for_caption(user, "0–0 of 0")
    await _search(user, "zed_0")
    await wait_for_caption(user, "1–7 of 7")
    await _search(user, "name_")  # "_" is no single-character wildcard: no username has "name_"
    await wait_for_caption(user, "0–0 of 0")


async def test_status_filter(moderator: User, members: dict[int, int]) -> None:
    user = moderator
    await user.open("/members")
    await wait_for_caption(user, "1–25 of 60")
    user.find(marker="member-status").click()
    user.find("Suspended").click()
    await wait_for_caption(user, "1–6 of 6")
    assert {r["status"] for r in rows(user)} == {"suspended"}
    assert sorted(_emails(rows(user))) == sorted(_email(i) for i in range(10, 61, 10))

    # Status and search together.
    await _search(user, "person3")
    await wait_for_caption(user, "1–1 of 1")
    assert _emails(rows(user)) == [_email(30)]

    user.find(marker="member-status").click()
    user.find("Banned").click()
    await wait_for_rows(user, lambda found: _emails(found) == [_email(33)], "the banned member person33")
    assert caption(user) == "1–1 of 1"


async def test_status_from_the_address(moderator: User, members: dict[int, int]) -> None:
    user = moderator
    await user.open("/members?status=banned")
    await wait_for_caption(user, "1–1 of 1")
    assert element(user, "member-status").value == "banned"
    # An unknown status in the address is ignored, not an error.
    await user.open("/members?status=nonsense")
    await wait_for_caption(user, "1–25 of 60")
    assert element(user, "member-status").value is None


async def test_row_click_opens_the_member(moderator: User, members: dict[int, int]) -> None:
    user = moderator
    await user.open("/members")
    await wait_for_caption(user, "1–25 of 60")
    row = rows(user)[3]
    user.find(marker="paged-table").trigger("rowClick", [{}, row, 3])  # Quasar's row-click
    await wait_until(lambda: current_path(user) == f"/members/{row['id']}", what="the member detail page")
    assert element(user, "member-display-name").text == row["display_name"]


async def test_j_and_enter_open_the_highlighted_member(moderator: User, members: dict[int, int]) -> None:
    from tests.moderation.page_helpers import press

    user = moderator
    await user.open("/members")
    await wait_for_caption(user, "1–25 of 60")
    press(user, "j")
    press(user, "j")
    await wait_until(lambda: [r["cursor"] for r in rows(user)][:2] == [False, True], what="the second row highlighted")
    row = rows(user)[1]
    press(user, "Enter")
    await wait_until(lambda: current_path(user) == f"/members/{row['id']}", what="the member detail page")


async def test_member_detail(user: User, admin, members: dict[int, int]) -> None:
    await sign_in_and_wait(user, "root@test.example")
    await user.open(f"/members/{members[5]}")
    assert element(user, "member-display-name").text == "Person 05"
    await user.should_see(_email(5))
    await user.should_see("zed_05")
    await user.should_see("DE Germany")
    await user.should_see("2024-01-01 12:05 UTC")
    # An administrator also sees the member's audit history.
    await user.should_see("History")
    assert "Member created" in texts(user, "member-history-what")  # in words as /audit writes it (QA: the code)
    await user.should_not_see(marker="not-found")


async def test_member_detail_for_moderator_has_no_history(moderator: User, members: dict[int, int]) -> None:
    user = moderator
    await user.open(f"/members/{members[33]}")
    assert element(user, "member-display-name").text == "Person 33"
    assert element(user, "member-status-badge").text == "Banned"
    await user.should_not_see("History")
    await user.should_not_see("Member created")


@pytest.mark.parametrize("display_name", ["<script>alert(1)</script>", "<b>bold</b>", '<img src=x onerror="alert(1)">'])
async def test_markup_in_names_is_shown_as_text(moderator: User, display_name: str) -> None:
    user = moderator
    with db.session_scope() as session:
        member_id = create_member(
            session, actor=SYSTEM, email="markup@mail.example", username="markup", display_name=display_name
        ).id

    await user.open(f"/members/{member_id}")
    await user.should_see(display_name)
    assert element(user, "member-display-name").text == display_name
    assert raw_html(user) == []

    await user.open("/members")
    await wait_for_rows(user, lambda found: len(found) == 1, "the one member row")
    assert rows(user)[0]["display_name"] == display_name
    assert raw_html(user) == []


async def test_unknown_member_is_not_found_inside_the_frame(moderator: User) -> None:
    user = moderator
    await user.open("/members/999999")
    await user.should_see(marker="not-found")
    await user.should_see("404 — Not found")
    await user.should_see("Member #999999 does not exist.")
    await user.should_see(marker="staff-name")  # still inside the frame
    await user.should_not_see(marker="member-display-name")


async def test_global_search_goes_to_members(moderator: User, members: dict[int, int]) -> None:
    user = moderator
    await user.open("/")
    user.find(marker="global-search").type("  person2 ").trigger("keydown.enter")
    await wait_until(lambda: current_path(user) == "/members", what="the members page")
    assert user.back_history[-1] == "/members?q=person2"
    assert element(user, "member-search").value == "person2"
    await wait_for_caption(user, "1–10 of 10")
    assert sorted(_emails(rows(user))) == [_email(i) for i in range(20, 30)]


async def test_global_search_escapes_the_query(moderator: User, members: dict[int, int]) -> None:
    user = moderator
    await user.open("/")
    user.find(marker="global-search").type("a&status=banned#x").trigger("keydown.enter")
    await wait_until(lambda: current_path(user) == "/members", what="the members page")
    assert element(user, "member-search").value == "a&status=banned#x"
    assert element(user, "member-status").value is None
    await wait_for_caption(user, "0–0 of 0")
    assert caption(user) == "0–0 of 0"


async def test_members_page_needs_members_read(user: User, make_staff) -> None:
    _, email = make_staff("executive")
    await sign_in_and_wait(user, email)
    await user.open("/members")
    await user.should_see(marker="forbidden")
    await user.should_not_see(marker="member-search")
    await user.open("/members/1")
    await user.should_see(marker="forbidden")


@pytest.mark.parametrize("member_id", ["abc", "1.5", "-1", "0", "99999999999999999999999", "９"])
async def test_impossible_member_ids_are_not_found_inside_the_frame(moderator: User, member_id: str) -> None:
    user = moderator
    response = await user.http_client.get(f"/members/{member_id}")
    assert response.status_code == 200  # the in-frame 404 page, not a JSON 422 or a 500
    await user.open(f"/members/{member_id}")
    await user.should_see(marker="not-found")
    await user.should_see(marker="staff-name")
    await user.should_not_see("Something went wrong")


async def test_how_an_age_was_verified_is_said_in_words(moderator: User) -> None:
    from console.members.models import Member

    with db.session_scope() as session:
        member = create_member(session, actor=SYSTEM, email="aged@mail.example", username="aged", display_name="Aged")
        row = session.get(Member, member.id)
        assert row is not None
        row.age_verified, row.age_verification_method = True, "id_document"
        row.age_verified_at = datetime(2026, 6, 17, 22, 17, tzinfo=UTC)
        member_id = member.id
    await moderator.open(f"/members/{member_id}")
    await moderator.should_see("yes (ID document, 2026-06-17 22:17 UTC)")
