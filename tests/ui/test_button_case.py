"""Buttons and tabs show their labels as written (sentence case): no Quasar upper-casing anywhere (issue 13)."""

from __future__ import annotations

from typing import Any

from nicegui import ui
from nicegui.testing import User

from tests.moderation.page_helpers import signed_in, wait_shown
from tests.ui.helpers import all_elements


async def test_every_button_and_tab_keeps_its_case(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff, "admin", email="admin@test.example")
    for path, marker in (("/staff", "staff-name"), ("/insights", "insights-tabs"), ("/collections", "staff-name")):
        await user.open(path)
        await wait_shown(user, marker)
        buttons = all_elements(user, ui.button)
        assert buttons, path
        assert [b.text for b in buttons if "no-caps" not in b.props] == [], path
        assert all("no-caps" in t.props for t in all_elements(user, ui.tabs)), path
