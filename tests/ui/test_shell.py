"""The shell: redirect to sign-in, the frame per role, 403 and 404 inside the frame."""

from __future__ import annotations

from nicegui.testing import User

from tests.ui.helpers import navigation_links, sign_in_and_wait


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
