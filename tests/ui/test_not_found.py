"""Unknown addresses: a real 404 inside the frame for signed-in staff, the sign-in page for everyone else."""

from __future__ import annotations

from urllib.parse import unquote

from nicegui.testing import User

from tests.ui.helpers import current_path, sign_in_and_wait


async def test_signed_in_unknown_url_is_404_inside_the_frame(user: User, make_staff) -> None:
    _, email = make_staff("moderator", name="Mona Moderator")
    await sign_in_and_wait(user, email)
    response = await user.http_client.get("/no/such/page")
    assert response.status_code == 404
    body = response.text
    assert "Not found" in body
    assert "There is no page at this address." in body
    assert "Mona Moderator" in body  # the frame: header with the staff member's name
    assert "Sign out" in body
    assert "Traceback" not in body


async def test_signed_in_unknown_url_does_not_reflect_markup(user: User, make_staff) -> None:
    _, email = make_staff("moderator")
    await sign_in_and_wait(user, email)
    response = await user.http_client.get("/<script>alert(1)</script>")
    assert response.status_code == 404
    assert "<script>alert(1)</script>" not in response.text


async def test_anonymous_unknown_url_goes_to_sign_in(user: User) -> None:
    response = await user.http_client.get("/no/such/page")
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/login?next=")
    assert unquote(location.split("next=", 1)[1]) == "/no/such/page"

    await user.open("/no/such/page")
    assert current_path(user) == "/login"
    await user.should_see(marker="login-email")
    await user.should_not_see(marker="not-found")


async def test_anonymous_then_sign_in_returns_to_the_address(user: User, make_staff) -> None:
    _, email = make_staff("moderator")
    await user.open("/members?status=banned")
    assert current_path(user) == "/login"
    next_path = user.client.request.query_params["next"]
    assert next_path == "/members?status=banned"
    await sign_in_and_wait(user, email, next_path=next_path)
    assert current_path(user) == "/members"
