"""The sign-in page: e-mail and password, then a TOTP or recovery code when the staff member has one enrolled."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from nicegui import app, run, ui

from console.actor import ClientInfo
from console.db import session_scope, utcnow
from console.staff.auth import SignInResult, sign_in, verify_second_factor
from console.ui import theme
from console.ui.forms import wide_input
from console.ui.frame import PRODUCT, stylesheet
from console.ui.session import TOKEN_KEY

PENDING_KEY = "pending_totp"


class SignInView:
    """The sign-in card: the password step, the code step (shown once the password is right) and the message."""

    def __init__(self, client: ClientInfo, target: str) -> None:
        self.client, self.target = client, target

    def build(self) -> None:
        stylesheet()
        ui.dark_mode(value=theme.is_dark())
        with ui.column().classes("absolute-center items-center gap-3"):
            ui.image("/assets/logo.svg").classes("w-12 h-12")
            ui.label(PRODUCT).classes("text-2xl font-semibold")
            with ui.card().classes("w-[360px]"):
                self.password_step = ui.column().classes("w-full gap-2")
                self.code_step = ui.column().classes("w-full gap-2")
                self.code_step.visible = False
                self.message_line()
                with self.password_step:
                    self.password_form()
                with self.code_step:
                    self.code_form()
            ui.label("Staff only. Every sign-in is recorded.").classes("text-xs opacity-60")

    # --- parts ------------------------------------------------------------------------------------------------

    def message_line(self) -> None:
        self.message = ui.label("").classes("text-negative text-sm").props("role=alert").mark("login-message")
        self.message.visible = False

    def password_form(self) -> None:
        self.email = wide_input("E-mail", mark="login-email", props="autofocus autocomplete=username maxlength=254")
        self.password = wide_input(
            "Password",
            mark="login-password",
            props="autocomplete=current-password maxlength=1024",
            password=True,
            toggle=True,
        )
        self.password.on("keydown.enter", self.submit_password)
        self.email.on("keydown.enter", lambda: self.password.run_method("focus"))
        ui.button("Sign in", on_click=self.submit_password).props("unelevated color=primary").mark(
            "login-submit"
        ).classes("w-full")

    def code_form(self) -> None:
        ui.label("Enter the 6-digit code from your authenticator app, or one of your recovery codes.").classes(
            "text-sm"
        )
        self.code = wide_input(
            "Code", mark="login-code", props="autocomplete=one-time-code inputmode=numeric maxlength=32"
        )
        self.code.on("keydown.enter", self.submit_code)
        ui.button("Verify", on_click=self.submit_code).props("unelevated color=primary").mark("login-verify").classes(
            "w-full"
        )

    # --- what the parts show ------------------------------------------------------------------------------------

    def fail(self, text: str) -> None:
        self.message.text = text
        self.message.visible = True

    def show_password_step(self) -> None:
        self.code_step.visible, self.password_step.visible = False, True

    def show_code_step(self) -> None:
        self.password_step.visible, self.code_step.visible = False, True
        self.code.run_method("focus")

    def finish(self, result: SignInResult) -> None:
        app.storage.user.pop(PENDING_KEY, None)
        app.storage.user[TOKEN_KEY] = result.token
        ui.navigate.to(self.target)

    async def attempt(self, work: Callable[[], SignInResult], secret: ui.input) -> SignInResult | None:
        """Run a sign-in step off the event loop and empty the `secret` typed for it (a password or code is never
        kept in the page); signed in: go on. The result when the step did not sign in (None when there is none)."""
        result = await run.io_bound(work)
        secret.value = ""
        if result is not None and result.status == "ok":
            self.finish(result)
            return None
        return result

    # --- handlers -----------------------------------------------------------------------------------------------

    async def submit_password(self) -> None:
        self.message.visible = False
        email, password = self.email.value, self.password.value
        if not (email or "").strip() or not password:
            self.fail("Enter your e-mail and password.")
            return

        def work() -> SignInResult:
            with session_scope() as session:
                return sign_in(session, email=email, password=password, client=self.client)

        result = await self.attempt(work, self.password)
        if result is None:
            return
        if result.status == "totp_required":
            app.storage.user[PENDING_KEY] = {"staff_id": result.staff_id, "since": utcnow().isoformat()}
            self.show_code_step()
        else:
            self.fail(result.message)

    async def submit_code(self) -> None:
        self.message.visible = False
        pending = app.storage.user.get(PENDING_KEY) or {}
        if not pending.get("staff_id"):
            self.fail("Start again: enter your e-mail and password.")
            self.show_password_step()
            return
        code = self.code.value or ""

        def work() -> SignInResult:
            with session_scope() as session:
                return verify_second_factor(
                    session,
                    staff_id=int(pending["staff_id"]),
                    code=code,
                    client=self.client,
                    pending_since=datetime.fromisoformat(pending["since"]),
                )

        result = await self.attempt(work, self.code)
        if result is None:
            return
        self.fail(result.message)
        if result.status == "locked" or "too long" in result.message:
            app.storage.user.pop(PENDING_KEY, None)
            self.show_password_step()
