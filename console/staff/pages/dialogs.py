"""The staff page's dialogs: a new staff member, one account's edit dialog, the shown-once temporary password.

Each dialog is deleted when it closes. A refused save keeps the dialog open with the input as typed: field
messages on the fields, a stale save in the conflict panel (saving again acts on the stored version), any other
refusal (the last administrator, one's own account) in the form's message line.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from nicegui import run, ui
from sqlalchemy.orm import Session

from console.actor import Actor
from console.errors import Conflict, ConsoleError, ValidationFailed
from console.staff import service
from console.staff.pages.rows import ROLE_OPTIONS, Editable
from console.ui.conflict import ConflictPanel
from console.ui.dialog_draft import DialogDraft, draft_key
from console.ui.dialogs import closed, deleted_on_close, keyboard_ready, one_at_a_time
from console.ui.form_state import NOTHING_TO_SAVE, unchanged
from console.ui.forms import clear_errors, confirm, limit_length, show_errors
from console.ui.session import require_live_session
from console.ui.work import unit_of_work

T = TypeVar("T")
LABELS = {"name": "Name", "roles": "Roles"}
Saved = Callable[[], Awaitable[None]]


def show_secret(title: str, lines: list[str]) -> None:
    with deleted_on_close(ui.dialog().props("persistent")) as dialog, ui.card():
        ui.label(title).classes("text-lg font-semibold")
        for line in lines:
            ui.label(line).classes("font-mono").mark("secret-line")
        ui.label("Shown once. Hand it over in person or through your password manager.").classes("text-xs opacity-70")
        ui.button("Done", on_click=dialog.close).props("color=primary").mark("secret-done")
    dialog.open()


class StaffForm:
    """What both dialogs share: the fields, the message line, and `attempt`, which keeps a refusal in the form."""

    def __init__(self, actor: Actor, host: ui.element, on_saved: Saved) -> None:
        self.actor, self.host, self.on_saved = actor, host, on_saved
        self.fields: dict[str, Any] = {}

    def messages(self, mark: str) -> None:
        self.conflict = ConflictPanel(LABELS, mark=f"{mark}-conflict")
        self.summary = ui.label("").classes("text-negative text-sm").mark(f"{mark}-summary")
        self.summary.visible = False

    async def attempt(self, fn: Callable[[Session], T], typed: dict[str, Any] | None = None) -> tuple[bool, T | None]:
        """One service call in its own unit of work, off the event loop; a refusal is shown in the form."""
        if require_live_session() is None:
            return False, None
        clear_errors(self.fields)
        self.summary.visible = False
        self.conflict.hide()
        try:
            return True, await run.io_bound(unit_of_work(fn))
        except ValidationFailed as exc:
            show_errors(exc, self.fields, self.summary)
        except Conflict as exc:
            self.refused_as_stale(exc)
            self.conflict.show(exc, typed)
        except ConsoleError as exc:
            self.summary.text = exc.message
            self.summary.visible = True
        return False, None

    def refused_as_stale(self, exc: Conflict) -> None:
        """A stale save: the next one acts on the version stored now (the edit dialog remembers it)."""

    def secret(self, title: str, password: str) -> None:
        with self.host:  # not in the closed dialog, which is being deleted
            show_secret(title, [password])


class NewStaffDialog(StaffForm):
    """E-mail, name and roles; the temporary password is shown once after the account is made."""

    def open(self) -> None:
        with deleted_on_close(ui.dialog()) as self.dialog, ui.card().classes("w-[440px]"):
            ui.label("New staff member").classes("text-lg font-semibold")
            self.email = ui.input("E-mail").mark("new-email").classes("w-full")
            self.name = ui.input("Name").mark("new-name").classes("w-full")
            limit_length(self.email, 254)
            limit_length(self.name, service.NAME_MAX)
            self.roles = ui.select(ROLE_OPTIONS, multiple=True, label="Roles", value=[])
            self.roles.props("use-chips").mark("new-roles").classes("w-full")
            ui.label("A temporary password is generated; they choose their own at first sign-in.").classes(
                "text-xs opacity-70"
            )
            self.fields = {"email": self.email, "name": self.name, "roles": self.roles}
            self.draft = DialogDraft(draft_key(self.actor, "staff-new"), self.fields)  # kept past a lost page
            self.messages("new")
            submit = one_at_a_time(self.save)
            keyboard_ready(self.fields.values(), submit)
            with ui.row().classes("justify-end w-full"):
                ui.button("Cancel", on_click=self.cancel).props("flat").mark("new-cancel")
                ui.button("Create", on_click=submit).props("unelevated color=primary").mark("new-save")
        self.dialog.open()

    def cancel(self) -> None:
        self.draft.clear()
        self.dialog.close()

    async def save(self) -> None:
        email, name, roles = self.email.value or "", self.name.value or "", list(self.roles.value or [])

        def create(session: Session) -> tuple[str, str]:
            staff, password = service.create_staff(session, actor=self.actor, email=email, name=name, roles=roles)
            return staff.email, password

        ok, result = await self.attempt(create)
        if ok and result is not None:
            self.draft.clear()
            with closed(self.dialog):
                self.secret(f"Temporary password for {result[0]}", result[1])
                await self.on_saved()


class EditStaffDialog(StaffForm):
    """One account: name and roles, deactivate or reactivate, reset the password or two-factor sign-in."""

    def __init__(self, actor: Actor, host: ui.element, on_saved: Saved, loaded: Editable) -> None:
        super().__init__(actor, host, on_saved)
        self.view, self.refusal = loaded.view, loaded.deactivation_refusal
        self.staff_id, self.version = int(self.view["id"]), int(self.view["version"])

    def open(self) -> None:
        with deleted_on_close(ui.dialog()) as self.dialog, ui.card().classes("w-[480px]").mark("edit-dialog"):
            ui.label(self.view["name"]).classes("text-lg font-semibold")
            ui.label(self.view["email"]).classes("text-sm opacity-70")
            self.name = ui.input("Name", value=self.view["name"]).classes("w-full").mark("edit-name")
            limit_length(self.name, service.NAME_MAX)
            self.roles = ui.select(ROLE_OPTIONS, multiple=True, label="Roles", value=list(self.view["roles"]))
            self.roles.props("use-chips").mark("edit-roles").classes("w-full")
            self.fields = {"name": self.name, "roles": self.roles}
            self.messages("edit")
            self.submit = one_at_a_time(self.save)
            keyboard_ready(self.fields.values(), self.submit)
            self.actions()
        self.dialog.open()

    def actions(self) -> None:
        with ui.row().classes("w-full gap-1"):
            ui.button("Save", on_click=self.submit).props("unelevated color=primary dense").mark("edit-save")
            self.active_button()
            ui.button("Reset password", on_click=self.reset_password).props("outline dense").mark("edit-reset-password")
            if self.view["totp"]:
                ui.button("Reset 2FA", on_click=self.reset_totp).props("outline dense").mark("edit-reset-totp")
            ui.space()
            ui.button("Close", on_click=self.dialog.close).props("flat dense").mark("edit-close")

    def active_button(self) -> None:
        """Deactivate / Reactivate; disabled, with the reason on hover, when the service would refuse it."""
        active = bool(self.view["is_active"])
        button = ui.button("Deactivate" if active else "Reactivate", on_click=self.toggle_active)
        button.props("outline dense").mark("edit-toggle-active")
        if active and self.refusal is not None:
            button.disable()
            # A disabled button takes no pointer events: the tooltip hangs on a wrapper around it.
            with ui.element("span").classes("inline-block").mark("edit-toggle-active-why") as wrapper:
                wrapper.tooltip(self.refusal)
            button.move(wrapper)

    # --- handlers: one service call each --------------------------------------------------------------------

    async def done(self, message: str) -> None:
        with closed(self.dialog):
            ui.notify(message, type="positive")
            await self.on_saved()

    def refused_as_stale(self, exc: Conflict) -> None:
        self.version = int(exc.current.get("version", self.version))

    async def save(self) -> None:
        name, roles = str(self.name.value or ""), sorted(self.roles.value or [])
        typed: dict[str, Any] = {"name": name, "roles": roles}
        if unchanged(typed, {"name": self.view["name"], "roles": sorted(self.view["roles"])}):
            ui.notify(NOTHING_TO_SAVE, type="info")
            return
        staff_id, version = self.staff_id, self.version

        def update(session: Session) -> None:
            staff = service.update_profile(
                session, actor=self.actor, staff_id=staff_id, name=name, expected_version=version
            )
            service.set_roles(session, actor=self.actor, staff_id=staff_id, roles=roles, expected_version=staff.version)

        ok, _ = await self.attempt(update, typed)
        if ok:
            await self.done("Saved.")

    async def toggle_active(self) -> None:
        active, email = bool(self.view["is_active"]), self.view["email"]
        verb = "Deactivate" if active else "Reactivate"
        note = "\nTheir open sessions end now." if active else ""
        if not await confirm(f"{verb} {email}?", f"{verb} this staff account.{note}", ok_label=verb, danger=active):
            return
        staff_id, version = self.staff_id, self.version
        ok, _ = await self.attempt(
            lambda s: service.set_active(
                s, actor=self.actor, staff_id=staff_id, active=not active, expected_version=version
            )
        )
        if ok:
            await self.done(f"{verb}d.")

    async def after_warning(
        self, title: str, text: str, ok_label: str, act: Callable[[Session, int], T]
    ) -> tuple[bool, T | None]:
        """Warn (a danger confirm), then `act(session, staff id)` through `attempt`; (False, None) when declined."""
        if not await confirm(title, text, ok_label=ok_label, danger=True):
            return False, None
        staff_id = self.staff_id
        return await self.attempt(lambda s: act(s, staff_id))

    async def reset_password(self) -> None:
        email = self.view["email"]
        ok, password = await self.after_warning(
            f"Reset the password of {email}?",
            "A temporary password is generated and their sessions end.",
            "Reset",
            lambda s, staff_id: service.reset_password(s, actor=self.actor, staff_id=staff_id),
        )
        if ok and password is not None:
            await self.done("Password reset.")
            self.secret(f"Temporary password for {email}", password)

    async def reset_totp(self) -> None:
        ok, _ = await self.after_warning(
            f"Turn off two-factor sign-in for {self.view['email']}?",
            "Use this when they lost their phone; they enrol again at next sign-in.",
            "Turn off",
            lambda s, staff_id: service.reset_totp(s, actor=self.actor, staff_id=staff_id),
        )
        if ok:
            await self.done("Two-factor turned off.")
