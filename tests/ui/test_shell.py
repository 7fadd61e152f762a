"""The shell: redirect to sign-in, the frame per role, 403 and 404 inside the frame."""

from __future__ import annotations

import asyncio

from nicegui.testing import User

from tests.ui.helpers import all_marked, navigation_links, sign_in, sign_in_and_wait


async def test_unauthenticated_visit_redirects_to_login(user: User) -> None:
    await user.open("/members")
    await user.should_see(marker="login-email")
    await user.should_not_see("Members by status")


async def test_sign_in_shows_frame_with_allowed_areas_only(user: User, make_staff) -> None:
    _, email = make_staff("moderator", name="Mona Moderator")
    await sign_in_and_wait(user, email)
    await user.should_see("Mona Moderator")
    paths = [link["href"] for link in navigation_links(user)]
    assert "/" in paths and "/members" in paths
    assert "/audit" not in paths and "/staff" not in paths


async def test_a_sign_in_redirects_its_own_user_while_another_is_busy(user: User, make_staff, create_user) -> None:
    """Two simulated users: the first one's page keeps touching its `User` (as a draft keeper's JavaScript does),
    which points NiceGUI's module-level `ui.navigate` at it; the second one's sign-in must still take the second one
    to its page (tests/conftest.py `acting_user`)."""
    _, first_email = make_staff("moderator", email="first@test.example", name="First")
    _, second_email = make_staff("content", email="second@test.example", name="Second")
    await sign_in_and_wait(user, first_email)
    second = create_user()
    await sign_in(second, second_email)  # the handler now awaits the password check

    def second_has_a_page() -> bool:  # read without touching the second `User` (that would repoint ui.navigate)
        client = object.__getattribute__(second, "client")
        return any("page-title" in e._markers for e in list(client.elements.values()))

    for _ in range(100):
        _ = user.back_history  # the first user, touched last
        if second_has_a_page():
            break
        await asyncio.sleep(0.05)
    assert second_has_a_page(), "the second user's sign-in did not leave the sign-in page"
    assert any(">Second<" in str(e.content) for e in all_marked(second, "staff-name"))


async def test_an_open_page_warns_once_when_the_session_ends_and_never_keeps_it_alive(
    user: User, make_staff, monkeypatch
) -> None:
    from datetime import timedelta

    from sqlalchemy import select, update

    from console import db
    from console.db import utcnow
    from console.staff.auth import end_sessions_of
    from console.staff.models import StaffSession
    from console.ui import frame
    from tests.ui.helpers import sees_marker, wait_until

    monkeypatch.setattr(frame, "SESSION_CHECK_SECONDS", 0.1)
    staff_id, email = make_staff("content", email="watch.session@test.example")
    await sign_in_and_wait(user, email)
    # home reads its counts after the sign-in, as the staff member (marking the session active): let that read end
    await wait_until(lambda: not sees_marker(user, "home-loading"), what="the home counts")
    quiet_since = utcnow() - timedelta(minutes=10)  # idle a while, not yet for the idle limit
    with db.session_scope() as session:
        session.execute(update(StaffSession).values(last_seen_at=quiet_since))
    await asyncio.sleep(0.5)  # several checks
    with db.session_scope() as session:
        assert session.execute(select(StaffSession.last_seen_at)).scalar_one() == quiet_since  # not touched
        assert end_sessions_of(session, staff_id, "deactivated") == 1

    def warnings() -> list[str]:
        return [str(m) for m in user.notify.messages if "session has ended" in str(m)]

    await wait_until(lambda: warnings(), what="the warning")
    await asyncio.sleep(0.5)  # several more checks
    assert len(warnings()) == 1
    assert "opens the sign-in page in a new tab" in warnings()[0]
