"""Two-factor sign-in on My account: enrol an authenticator app (QR code, key, first code), or, once it is on,
make new recovery codes. The recovery codes are shown once, in a dialog."""

from __future__ import annotations

import segno
from nicegui import run, ui

from console.db import session_scope
from console.staff.auth import (
    SessionInfo,
    confirm_totp_enrolment,
    new_totp_secret,
    provisioning_uri,
    regenerate_recovery_codes,
    totp_is_on,
)
from console.ui.dialogs import deleted_on_close
from console.ui.forms import guarded
from console.ui.session import require_live_session


def grouped(secret: str) -> str:
    """The key in groups of four, as authenticator apps ask for it typed: 'ABCD EFGH …'."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class TotpView:
    """Either the enrolment card (when two-factor sign-in is off) or the way to new recovery codes (when on)."""

    def __init__(self, info: SessionInfo) -> None:
        self.info = info
        with session_scope() as session:
            self.enabled = totp_is_on(session, actor=info.actor)

    def build(self) -> None:
        if self.info.totp_enrolment_required:
            ui.label("Your role requires two-factor sign-in. Set it up to continue.").classes("text-warning")
        if self.enabled:
            self.turned_on()
        else:
            self.enrolment()

    # --- parts ------------------------------------------------------------------------------------------------

    def turned_on(self) -> None:
        ui.label("Two-factor sign-in is on.").classes("text-positive")
        ui.button("Make new recovery codes", on_click=self.regenerate).props("outline")

    def enrolment(self) -> None:
        self.secret = new_totp_secret()
        uri = provisioning_uri(self.secret, self.info.actor.label)
        with ui.card().classes("w-[460px] items-center"):
            ui.label("1. Scan this with your authenticator app").classes("font-semibold self-start")
            ui.image(segno.make(uri, error="m").png_data_uri(scale=5, border=2)).classes("w-48 h-48").mark("totp-qr")
            ui.label("Or enter this key by hand:").classes("text-xs self-start")
            ui.label(grouped(self.secret)).classes("font-mono text-sm").mark("totp-secret")
            ui.label("2. Enter the 6-digit code it shows").classes("font-semibold self-start mt-2")
            self.code = (
                ui.input("Code").props("inputmode=numeric maxlength=6 autocomplete=one-time-code").mark("totp-code")
            )
            self.code.on("keydown.enter", self.confirm)
            ui.button("Turn on", on_click=self.confirm).props("unelevated color=primary").mark("totp-confirm")

    def recovery_codes(self, codes: list[str]) -> None:
        with deleted_on_close(ui.dialog()).props("persistent") as dialog, ui.card():
            ui.label("Recovery codes").classes("text-lg font-semibold")
            ui.label("Each works once if you lose your phone. They are shown only now: store them safely.")
            with ui.grid(columns=2).classes("font-mono gap-x-8").mark("recovery-codes"):
                for code in codes:
                    ui.label(code)
            ui.button("I have stored them", on_click=lambda: ui.navigate.to("/")).props("color=primary").mark(
                "codes-stored"
            )
        dialog.open()

    # --- handlers -----------------------------------------------------------------------------------------------

    def regenerate(self) -> None:
        if require_live_session() is None:
            return
        with session_scope() as session:
            codes = regenerate_recovery_codes(session, actor=self.info.actor)
        self.recovery_codes(codes)

    async def confirm(self) -> None:
        if require_live_session() is None:
            return
        secret, code = self.secret, self.code.value or ""

        def work() -> list[str]:
            with session_scope() as session:
                return confirm_totp_enrolment(session, actor=self.info.actor, secret=secret, code=code)

        ok, codes = await guarded(lambda: run.io_bound(work), fields={"code": self.code})
        if ok:
            self.recovery_codes(codes)
