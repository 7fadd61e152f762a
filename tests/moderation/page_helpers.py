"""Steps the moderation page tests share: signing in by role, pressing a key as the browser would send it, and
reading what a dialog or part shows."""

from __future__ import annotations

from typing import Any

from nicegui import ui
from nicegui.testing import User

from tests.ui.helpers import all_marked, is_shown, sign_in_and_wait, wait_until

MOD_EMAIL = "mona.moderator@test.example"


async def signed_in(user: User, make_staff: Any, *roles: str, email: str = MOD_EMAIL, name: str = "Mona Mod") -> int:
    staff_id, _ = make_staff(*(roles or ("moderator",)), email=email, name=name)
    await sign_in_and_wait(user, email)
    return staff_id


def press(user: User, key: str, **modifiers: bool) -> None:
    """One key as the browser's keydown reaches the frame's keyboard (the browser already ignored it if an input,
    select, textarea or button had the focus)."""
    user.find(marker="shortcut-keys").trigger(
        "key",
        {
            "action": "keydown",
            "repeat": False,
            "altKey": modifiers.get("alt", False),
            "ctrlKey": modifiers.get("ctrl", False),
            "metaKey": False,
            "shiftKey": False,
            "key": key,
            "code": "",
            "location": 0,
        },
    )


def texts(user: User, marker: str) -> list[str]:
    """The text of every shown label carrying `marker`, in page order."""
    return [str(e.text) for e in all_marked(user, marker) if isinstance(e, ui.label) and is_shown(e)]


async def wait_shown(user: User, marker: str, what: str | None = None) -> None:
    await wait_until(lambda: any(is_shown(e) for e in all_marked(user, marker)), what=what or marker)


async def wait_gone(user: User, marker: str) -> None:
    await wait_until(lambda: not all_marked(user, marker), what=f"{marker} to be deleted")


def click(user: User, marker: str) -> None:
    user.find(marker=marker).click()


def type_into(user: User, marker: str, text: str) -> None:
    user.find(marker=marker).clear().type(text)
