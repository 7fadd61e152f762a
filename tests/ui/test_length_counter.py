"""`ui.forms.limit_length`: the counter counts what the service counts (trimmed, NFC, code points) and names the
limit. Quasar's own counter counted UTF-16 units: a note of 1,999 letters and one emoji read 2,001 and saved, and
at 2,050 the message said 2050 while the counter said 2051."""

from __future__ import annotations

from typing import Any

import pytest
from nicegui import ui
from nicegui.testing import User

from console.ui.forms import limit_length
from tests.ui.helpers import element, sign_in_and_wait


@pytest.fixture
async def signed_in(user: User, admin: Any) -> User:
    await sign_in_and_wait(user, "root@test.example")
    return user


async def test_the_counter_counts_characters_as_the_service_does(signed_in: User) -> None:
    user = signed_in

    @ui.page("/test/counter")
    def page() -> None:
        note = ui.textarea("Note", value="  prefilled  ").mark("t-note")
        limit_length(note, 2000)

    await user.open("/test/counter")
    note = element(user, "t-note")
    assert note.props["hint"] == "9 / 2,000" and "counter" not in note.props and "maxlength" not in note.props
    note.set_value("a" * 1999 + "\N{GRINNING FACE}")  # two UTF-16 units, one character
    assert note.props["hint"] == "2,000 / 2,000" and note.error is None
    note.set_value("e\u0301" * 2001)  # "é" typed as e + combining accent: NFC makes it one character each
    assert note.props["hint"] == "2,001 / 2,000"
    assert note.error == "Note is too long (2001 characters; 2000 at most)"
