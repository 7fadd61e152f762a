"""My account (who is signed in, until when, the time zone) and the own-password change."""

from __future__ import annotations

from nicegui import run, ui

from console.db import session_scope
from console.staff.auth import SessionInfo, change_own_password
from console.staff.passwords import MIN_LENGTH
from console.ui.formatting import fmt_dt
from console.ui.forms import guarded, wide_input
from console.ui.session import require_live_session
from console.ui.time_zone_setting import TimeZoneSetting


class AccountView:
    """The account card: name and roles, when the session ends, links to password and 2FA, the time zone."""

    def __init__(self, info: SessionInfo) -> None:
        self.info = info

    def build(self) -> None:
        with ui.card().classes("w-[520px]"):
            self.who()
            self.links()
            TimeZoneSetting(self.info, on_saved=self.show_ends).build()

    def who(self) -> None:
        ui.label("Account").classes("font-semibold")
        ui.label(f"{self.info.name} · {self.info.actor.label}")
        self.ends = ui.label("").classes("text-sm opacity-70").mark("account-session-ends")
        self.show_ends()

    def show_ends(self) -> None:
        """In the viewer's zone; again after the zone is changed below (it stayed in the old zone until a reload)."""
        self.ends.text = f"This session ends at the latest {fmt_dt(self.info.expires_at)}."

    def links(self) -> None:
        with ui.row():
            ui.button("Change password", on_click=lambda: ui.navigate.to("/account/password")).props("outline dense")
            ui.button("Two-factor sign-in", on_click=lambda: ui.navigate.to("/account/2fa")).props("outline dense")


class PasswordView:
    """Change one's own password: current, new, repeat; forced after an administrator set a temporary one."""

    def __init__(self, info: SessionInfo) -> None:
        self.info = info

    def build(self) -> None:
        if self.info.must_change_password:
            ui.label("An administrator set a temporary password. Choose your own to continue.").classes("text-warning")
        with ui.card().classes("w-[420px]"):
            self.form()
            ui.button("Save password", on_click=self.save).props("unelevated color=primary").mark("save-password")

    def form(self) -> None:
        self.current = wide_input(
            "Current password", mark="current-password", props="autocomplete=current-password", password=True
        )
        self.new = wide_input(
            "New password", mark="new-password", props="autocomplete=new-password", password=True, toggle=True
        )
        ui.label(f"At least {MIN_LENGTH} characters; a passphrase works well.").classes("text-xs opacity-70")
        self.repeat = wide_input(
            "Repeat new password", mark="repeat-password", props="autocomplete=new-password", password=True
        )

    async def save(self) -> None:
        if require_live_session() is None:
            return
        self.repeat.error = None
        if self.new.value != self.repeat.value:
            self.repeat.error = "Does not match the new password"
            return
        current, new = self.current.value or "", self.new.value or ""

        def work() -> None:
            with session_scope() as session:
                change_own_password(session, actor=self.info.actor, current=current, new=new)

        ok, _ = await guarded(lambda: run.io_bound(work), fields={"current": self.current, "new": self.new})
        if ok:
            ui.notify("Password changed.", type="positive")
            ui.navigate.to("/")
