"""The shared dialogs on a page of their own. The reason dialog (console/ui/reason_dialog.py): a stray click beside
it does not close it and lose the typed reason (Esc and Cancel do), and while its action runs nothing closes it, so
the action's answer has its dialog to land in. The form dialog (form_dialog.py): the first field has the focus and
Enter saves, once."""

from __future__ import annotations

import asyncio
from typing import Any

from nicegui import ui
from nicegui.testing import User

from console.ui.reason_dialog import ReasonDialog
from tests.moderation.page_helpers import texts
from tests.ui.helpers import element, shown, wait_until


async def _open_dialog(user: User, path: str, field: str) -> None:
    """Open the test page at `path`, press its button and wait for the dialog's `field`."""
    await user.open(path)
    user.find(marker="t-open").click()
    await wait_until(lambda: shown(user, field), what="the dialog")


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


async def test_a_form_dialog_opens_on_its_first_field_and_enter_saves_once(signed_in: User) -> None:
    """The first input has the focus; Enter in a one-line input saves (a textarea keeps its new lines); pressed
    again while the save runs, it does not save twice."""
    from collections.abc import Callable

    from console.ui.form_dialog import FormDialog

    user = signed_in
    saves: list[str] = []
    seen: dict[str, object] = {}

    class ThingForm(FormDialog):
        def body(self) -> None:
            self.fields["name"] = ui.input("Name").mark("t-name")
            self.fields["notes"] = ui.textarea("Notes").mark("t-notes")

        def work(self) -> Callable[[], Any]:
            name = self.fields["name"].value

            def save() -> str:
                saves.append(name)
                return name

            return save

    async def new_thing() -> None:
        seen["saved"] = await ThingForm("New thing", labels={}, kind="t-thing").ask()

    @ui.page("/test/form-dialog")
    def page() -> None:
        ui.button("New…", on_click=new_thing).mark("t-open")

    await _open_dialog(user, "/test/form-dialog", "t-name")
    assert "autofocus" in element(user, "t-name").props and "autofocus" not in element(user, "t-notes").props
    assert not any(listener.type == "keydown.enter" for listener in element(user, "t-notes")._event_listeners.values())
    name = user.find(marker="t-name").type("Widget")
    name.trigger("keydown.enter")
    name.trigger("keydown.enter")  # the first save has not ended yet
    await wait_until(lambda: "saved" in seen, what="the dialog to close")
    assert seen["saved"] is True and saves == ["Widget"]


async def test_a_reason_past_its_limit_is_said_on_the_field_and_not_sent(signed_in: User) -> None:
    """QA: an appeal's note turned red ("too long … 1000 at most") and was sent anyway, to a service whose limit was
    2,000. The dialog now stops a reason its own counter calls too long; the appeal dialogs count to the service's
    limit."""
    user = signed_in
    sent: list[str] = []

    async def act(reason: str) -> bool:
        sent.append(reason)
        return True

    async def ask() -> None:
        await ReasonDialog("Mute @alice?", ok_label="Mute", max_length=10, mark="t-long").ask(act)

    @ui.page("/test/reason-too-long")
    def page() -> None:
        ui.button("Mute…", on_click=ask).mark("t-open")

    await _open_dialog(user, "/test/reason-too-long", "t-long-input")
    user.find(marker="t-long-input").type("x" * 11)
    field = element(user, "t-long-input")
    await wait_until(lambda: field.error is not None, what="the message as it is typed")
    user.find(marker="t-long-ok").click()
    await asyncio.sleep(0.5)  # the click's handler runs as a task of its own
    assert field.error == "Reason is too long (10 characters at most)" and sent == []
    assert shown(user, "t-long-dialog")  # open, with the text kept to be shortened
    user.find(marker="t-long-input").clear().type("x" * 10)
    user.find(marker="t-long-ok").click()
    await wait_until(lambda: bool(sent) and set(sent) == {"x" * 10}, what="the reason to go once it fits")


def test_the_appeal_dialogs_count_to_the_appeal_service_s_limit() -> None:
    import ast
    from pathlib import Path

    from console.moderation.service.appeals import NOTE_MAX

    assert NOTE_MAX == 2000
    for page in ("console/moderation/pages/appeals.py", "console/moderation/pages/case.py"):
        source = (Path(__file__).resolve().parents[2] / page).read_text(encoding="utf-8")
        calls = [
            node
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call)
            and getattr(node.func, "id", "") == "ReasonDialog"
            and any(k.arg == "reason_label" and "Note" in ast.unparse(k.value) for k in node.keywords)
        ]
        assert calls and all(
            any(k.arg == "max_length" and ast.unparse(k.value) == "appeals.NOTE_MAX" for k in c.keywords) for c in calls
        ), page


async def test_a_reason_typed_before_the_page_went_is_back_until_it_is_sent_or_cancelled(signed_in: User) -> None:
    """The noted gap: a connection lost for longer than NiceGUI waits reloads the page, and a long reason typed into
    a dialog went with it. With a draft key the dialog brings it back when opened again (for that key only), says
    so, and drops it on Clear, on Cancel and once the action succeeded."""
    from nicegui import app

    from console.ui.dialog_draft import STORAGE_KEY

    user = signed_in
    sent: list[str] = []

    async def act(reason: str) -> bool:
        sent.append(reason)
        return True

    async def ask(row: int) -> None:
        await ReasonDialog("Ban @alice?", ok_label="Ban", mark="t-draft", draft=f"7:ban:{row}").ask(act)

    @ui.page("/test/reason-draft")
    def page() -> None:
        ui.button("Ban…", on_click=lambda: ask(1)).mark("t-open")
        ui.button("Ban the other…", on_click=lambda: ask(2)).mark("t-open-other")

    async def open_dialog(marker: str = "t-open") -> Any:
        await user.open("/test/reason-draft")  # a new page, as after a reload
        user.find(marker=marker).click()
        await wait_until(lambda: shown(user, "t-draft-input"), what="the dialog")
        return element(user, "t-draft-input")

    reason = "Five harassment reports in a week, two of them with threats"
    (await open_dialog()).value = reason  # typed; then the page goes (the dialog is never answered)
    field = await open_dialog()
    assert field.value == reason and shown(user, "text-draft-restored")
    assert texts(user, "text-draft-when")[0].startswith("Restored from ")
    other = await open_dialog("t-open-other")
    assert other.value == "" and not shown(user, "text-draft-restored")  # another row's dialog: not this text

    field = await open_dialog()
    user.find(marker="text-draft-clear").click()
    assert field.value == "" and "7:ban:1" not in app.storage.user[STORAGE_KEY]
    field.value = "Typed, then cancelled"
    user.find(marker="t-draft-cancel").click()
    assert (await open_dialog()).value == ""

    field = await open_dialog()
    field.value = reason
    assert app.storage.user[STORAGE_KEY]["7:ban:1"]["values"]["text"] == reason
    user.find(marker="t-draft-ok").click()
    await wait_until(lambda: sent == [reason], what="the action")
    assert (await open_dialog()).value == "" and "7:ban:1" not in app.storage.user[STORAGE_KEY]


async def test_drafts_left_for_two_weeks_go_when_a_dialog_opens_and_others_stay(signed_in: User) -> None:
    """Drafts nobody came back to do not pile up in the browser's storage: opening any draft dialog drops those older
    than `MAX_AGE` (once, not on every keystroke); a recent one for another row stays."""
    from datetime import UTC, datetime, timedelta

    from nicegui import app

    from console.ui.dialog_draft import STORAGE_KEY
    from console.ui.drafts import MAX_AGE

    user = signed_in

    @ui.page("/test/reason-prune")
    def page() -> None:
        async def ask() -> None:
            await ReasonDialog("Ban @bob?", ok_label="Ban", mark="t-prune", draft="7:ban:3").ask(lambda r: True)

        ui.button("Ban…", on_click=ask).mark("t-open")

    await user.open("/test/reason-prune")

    def stored(age: timedelta) -> dict[str, Any]:
        return {"values": {"text": "typed"}, "version": None, "saved_at": (datetime.now(UTC) - age).isoformat()}

    app.storage.user[STORAGE_KEY] = {
        "7:ban:1": stored(MAX_AGE + timedelta(hours=1)),
        "7:ban:2": stored(timedelta(days=1)),
        "7:ban:9": "not a draft",
    }
    user.find(marker="t-open").click()
    await wait_until(lambda: shown(user, "t-prune-input"), what="the dialog")
    assert set(app.storage.user[STORAGE_KEY]) == {"7:ban:2"}


def test_every_action_dialog_in_the_console_keeps_its_text_past_a_lost_page() -> None:
    """Each reason/reject dialog a page opens names a draft key, so none of them loses a typed reason to a reload
    again (a new dialog without one fails here). The helpers that wrap them pass theirs through."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "console"
    wrappers = {"ReasonDialog", "RejectDialog", "reason_dialog"}
    missing, seen = [], 0
    for path in sorted(root.rglob("*.py")):
        if path.name in ("reason_dialog.py", "reject_dialog.py"):
            continue  # the classes themselves
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and (getattr(node.func, "id", "") or getattr(node.func, "attr", "")) in wrappers
            ):
                seen += 1
                draft = [k for k in node.keywords if k.arg == "draft"]
                if not draft or ast.unparse(draft[0].value) == "None":
                    missing.append(f"{path.relative_to(root)}:{node.lineno}")
    assert seen >= 14 and not missing, missing
