"""Shared steps for page tests with NiceGUI's simulated `user`."""

from __future__ import annotations

from nicegui.testing import User

from tests.conftest import PASSWORD


async def sign_in(user: User, email: str, password: str = PASSWORD, *, next_path: str | None = None) -> None:
    await user.open("/login" + (f"?next={next_path}" if next_path else ""))
    user.find(marker="login-email").type(email)
    user.find(marker="login-password").type(password)
    user.find(marker="login-submit").click()
