"""Fixtures the shared-widget tests of tests/ui use: a page of their own, opened by a signed-in administrator."""

from __future__ import annotations

from typing import Any

import pytest
from nicegui.testing import User

from tests.ui.helpers import sign_in_and_wait


@pytest.fixture
async def signed_in(user: User, admin: Any) -> User:
    """The simulated user, signed in as the `admin` fixture (root@test.example)."""
    await sign_in_and_wait(user, "root@test.example")
    return user
