"""Sign-in (password, then TOTP when enrolled), forced password change, TOTP enrolment, my account."""

from __future__ import annotations

from datetime import datetime

import segno
from nicegui import app, run, ui
from starlette.requests import Request
from starlette.responses import RedirectResponse

from console.db import session_scope, utcnow
from console.staff.auth import (
    SignInResult,
    change_own_password,
    confirm_totp_enrolment,
    new_totp_secret,
    provisioning_uri,
    regenerate_recovery_codes,
    resolve_session,
    sign_in,
    verify_second_factor,
)
from console.staff.passwords import MIN_LENGTH
from console.ui.formatting import fmt_dt
from console.ui.forms import guarded
from console.ui.frame import PRODUCT
from console.ui.page import staff_page
from console.ui.session import TOKEN_KEY, client_info_from, require_live_session, safe_next
from console.ui.time_zone_setting import TimeZoneSetting

PENDING_KEY = "pending_totp"


def _finish(result: SignInResult, target: str) -> None:
    app.storage.user.pop(PENDING_KEY, None)
    app.storage.user[TOKEN_KEY] = result.token
    ui.navigate.to(target)


def register() -> None:
    @ui.page("/login", title=f"Sign in · {PRODUCT}")
    def login_page(request: Request) -> RedirectResponse | None:
        target = safe_next(request.query_params.get("next"))
        token = app.storage.user.get(TOKEN_KEY)
        if isinstance(token, str):
            with session_scope() as session:
                if resolve_session(session, token, client_info_from(request)) is not None:
                    return RedirectResponse(target, status_code=303)
        client = client_info_from(request)
        ui.add_head_html('<link rel="stylesheet" href="/assets/console.css">')
        ui.dark_mode(value=bool(app.storage.user.get("dark", False)))

        with ui.column().classes("absolute-center items-center gap-3"):
            ui.image("/assets/logo.svg").classes("w-12 h-12")
            ui.label(PRODUCT).classes("text-2xl font-semibold")
            with ui.card().classes("w-[360px]"):
                password_step = ui.column().classes("w-full gap-2")
                totp_step = ui.column().classes("w-full gap-2")
                totp_step.visible = False
                message = ui.label("").classes("text-negative text-sm").props("role=alert").mark("login-message")
                message.visible = False

                def fail(text: str) -> None:
                    message.text = text
                    message.visible = True

                with password_step:
                    email = (
                        ui.input("E-mail")
                        .props("autofocus autocomplete=username maxlength=254")
                        .mark("login-email")
                        .classes("w-full")
                    )
                    password = (
                        ui.input("Password", password=True, password_toggle_button=True)
                        .props("autocomplete=current-password maxlength=1024")
                        .mark("login-password")
                        .classes("w-full")
                    )

                    async def submit_password() -> None:
                        message.visible = False
                        if not (email.value or "").strip() or not password.value:
                            fail("Enter your e-mail and password.")
                            return

                        def work() -> SignInResult:
                            with session_scope() as session:
                                return sign_in(session, email=email.value, password=password.value, client=client)

                        result = await run.io_bound(work)
                        password.value = ""
                        if result is None:
                            return
                        if result.status == "ok":
                            _finish(result, target)
                        elif result.status == "totp_required":
                            app.storage.user[PENDING_KEY] = {"staff_id": result.staff_id, "since": utcnow().isoformat()}
                            password_step.visible = False
                            totp_step.visible = True
                            code.run_method("focus")
                        else:
                            fail(result.message)

                    password.on("keydown.enter", submit_password)
                    email.on("keydown.enter", lambda: password.run_method("focus"))
                    ui.button("Sign in", on_click=submit_password).props("unelevated color=primary").mark(
                        "login-submit"
                    ).classes("w-full")

                with totp_step:
                    ui.label(
                        "Enter the 6-digit code from your authenticator app, or one of your recovery codes."
                    ).classes("text-sm")
                    code = (
                        ui.input("Code")
                        .props("autocomplete=one-time-code inputmode=numeric maxlength=32")
                        .mark("login-code")
                        .classes("w-full")
                    )

                    async def submit_code() -> None:
                        message.visible = False
                        pending = app.storage.user.get(PENDING_KEY) or {}
                        if not pending.get("staff_id"):
                            fail("Start again: enter your e-mail and password.")
                            totp_step.visible, password_step.visible = False, True
                            return

                        def work() -> SignInResult:
                            with session_scope() as session:
                                return verify_second_factor(
                                    session,
                                    staff_id=int(pending["staff_id"]),
                                    code=code.value or "",
                                    client=client,
                                    pending_since=datetime.fromisoformat(pending["since"]),
                                )

                        result = await run.io_bound(work)
                        code.value = ""
                        if result is None:
                            return
                        if result.status == "ok":
                            _finish(result, target)
                        else:
                            fail(result.message)
                            if result.status == "locked" or "too long" in result.message:
                                app.storage.user.pop(PENDING_KEY, None)
                                totp_step.visible, password_step.visible = False, True

                    code.on("keydown.enter", submit_code)
                    ui.button("Verify", on_click=submit_code).props("unelevated color=primary").mark(
                        "login-verify"
                    ).classes("w-full")
            ui.label("Staff only. Every sign-in is recorded.").classes("text-xs opacity-60")
        return None

    @staff_page("/account", title="My account")
    def account_page(info) -> None:  # type: ignore[no-untyped-def]
        with ui.card().classes("w-[520px]"):
            ui.label("Account").classes("font-semibold")
            ui.label(f"{info.name} · {info.actor.label}")
            ends = f"This session ends at the latest {fmt_dt(info.expires_at)}."
            ui.label(ends).classes("text-sm opacity-70").mark("account-session-ends")
            with ui.row():
                ui.button("Change password", on_click=lambda: ui.navigate.to("/account/password")).props(
                    "outline dense"
                )
                ui.button("Two-factor sign-in", on_click=lambda: ui.navigate.to("/account/2fa")).props("outline dense")
            TimeZoneSetting(info).build()

    @staff_page("/account/password", title="Change password")
    def password_page(info) -> None:  # type: ignore[no-untyped-def]
        if info.must_change_password:
            ui.label("An administrator set a temporary password. Choose your own to continue.").classes("text-warning")
        with ui.card().classes("w-[420px]"):
            current = (
                ui.input("Current password", password=True)
                .props("autocomplete=current-password")
                .mark("current-password")
                .classes("w-full")
            )
            new = (
                ui.input("New password", password=True, password_toggle_button=True)
                .props("autocomplete=new-password")
                .mark("new-password")
                .classes("w-full")
            )
            ui.label(f"At least {MIN_LENGTH} characters; a passphrase works well.").classes("text-xs opacity-70")
            repeat = (
                ui.input("Repeat new password", password=True)
                .props("autocomplete=new-password")
                .mark("repeat-password")
                .classes("w-full")
            )

            async def save() -> None:
                if require_live_session() is None:
                    return
                repeat.error = None
                if new.value != repeat.value:
                    repeat.error = "Does not match the new password"
                    return

                def work() -> None:
                    with session_scope() as session:
                        change_own_password(session, actor=info.actor, current=current.value or "", new=new.value or "")

                ok, _ = await guarded(lambda: run.io_bound(work), fields={"current": current, "new": new})
                if ok:
                    ui.notify("Password changed.", type="positive")
                    ui.navigate.to("/")

            ui.button("Save password", on_click=save).props("unelevated color=primary").mark("save-password")

    @staff_page("/account/2fa", title="Two-factor sign-in")
    def totp_page(info) -> None:  # type: ignore[no-untyped-def]
        with session_scope() as session:
            from console.staff.models import Staff

            staff = session.get(Staff, info.actor.staff_id)
            enabled = bool(staff and staff.totp_enabled)
        if info.totp_enrolment_required:
            ui.label("Your role requires two-factor sign-in. Set it up to continue.").classes("text-warning")

        def show_codes(codes: list[str]) -> None:
            with ui.dialog().props("persistent") as dialog, ui.card():
                ui.label("Recovery codes").classes("text-lg font-semibold")
                ui.label("Each works once if you lose your phone. They are shown only now: store them safely.")
                with ui.grid(columns=2).classes("font-mono gap-x-8").mark("recovery-codes"):
                    for c in codes:
                        ui.label(c)
                ui.button("I have stored them", on_click=lambda: ui.navigate.to("/")).props("color=primary").mark(
                    "codes-stored"
                )
            dialog.open()

        if enabled:
            ui.label("Two-factor sign-in is on.").classes("text-positive")

            def regenerate() -> None:
                if require_live_session() is None:
                    return
                with session_scope() as session:
                    codes = regenerate_recovery_codes(session, actor=info.actor)
                show_codes(codes)

            ui.button("Make new recovery codes", on_click=regenerate).props("outline")
            return

        secret = new_totp_secret()
        uri = provisioning_uri(secret, info.actor.label)
        with ui.card().classes("w-[460px] items-center"):
            ui.label("1. Scan this with your authenticator app").classes("font-semibold self-start")
            ui.image(segno.make(uri, error="m").png_data_uri(scale=5, border=2)).classes("w-48 h-48").mark("totp-qr")
            ui.label("Or enter this key by hand:").classes("text-xs self-start")
            ui.label(" ".join(secret[i : i + 4] for i in range(0, len(secret), 4))).classes("font-mono text-sm").mark(
                "totp-secret"
            )
            ui.label("2. Enter the 6-digit code it shows").classes("font-semibold self-start mt-2")
            code = ui.input("Code").props("inputmode=numeric maxlength=6 autocomplete=one-time-code").mark("totp-code")

            async def confirm() -> None:
                if require_live_session() is None:
                    return

                def work() -> list[str]:
                    with session_scope() as session:
                        return confirm_totp_enrolment(session, actor=info.actor, secret=secret, code=code.value or "")

                ok, codes = await guarded(lambda: run.io_bound(work), fields={"code": code})
                if ok:
                    show_codes(codes)

            code.on("keydown.enter", confirm)
            ui.button("Turn on", on_click=confirm).props("unelevated color=primary").mark("totp-confirm")
