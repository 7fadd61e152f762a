"""The shared reason dialog (console/ui/reason_dialog.py) on a page of its own: a stray click beside it does not
close it and lose the typed reason (Esc and Cancel do), and while its action runs nothing closes it, so the
action's answer has its dialog to land in."""

from __future__ import annotations

import asyncio

from nicegui import ui
from nicegui.testing import User

from console.ui.reason_dialog import ReasonDialog
from tests.ui.helpers import element, wait_until


async def test_the_dialog_keeps_typed_input_and_is_held_open_while_its_action_runs(signed_in: User) -> None:
    user = signed_in
    seen: dict[str, object] = {}
    release = asyncio.Event()

    async def act(reason: str) -> bool:
        seen["props while acting"] = dict(seen["dialog"].props)  # type: ignore[attr-defined]
        await release.wait()
        seen["reason"] = reason
        return True

    async def suspend() -> None:
        dialog = ReasonDialog("Suspend @alice?", "She cannot post.", ok_label="Suspend", mark="t-reason")
        seen["dialog"] = dialog.dialog
        seen["confirmed"] = await dialog.ask(act)

    @ui.page("/test/reason-dialog")
    def page() -> None:
        ui.button("Suspend…", on_click=suspend).mark("t-open")

    await user.open("/test/reason-dialog")
    user.find(marker="t-open").click()
    await wait_until(lambda: "dialog" in seen, what="the dialog")
    dialog = element(user, "t-reason-dialog")
    assert "no-backdrop-dismiss" in dialog.props and "persistent" not in dialog.props
    user.find(marker="t-reason-input").type("Five harassment reports in a week")
    user.find(marker="t-reason-ok").click()
    await wait_until(lambda: "props while acting" in seen, what="the action to start")
    assert "persistent" in seen["props while acting"]  # type: ignore[operator]
    release.set()
    await wait_until(lambda: "confirmed" in seen, what="the dialog to close")
    assert seen["reason"] == "Five harassment reports in a week" and seen["confirmed"] is True
