"""Sign-in (password, then TOTP when enrolled), forced password change, TOTP enrolment, my account.

`register()` wires the routes; each page is a view class: `SignInView` (sign_in.py), `AccountView` and
`PasswordView` (account.py), `TotpView` (totp.py)."""

from __future__ import annotations

from nicegui import app, ui
from starlette.requests import Request
from starlette.responses import RedirectResponse

from console.db import session_scope
from console.staff.auth import SessionInfo, resolve_session
from console.ui.auth_pages.account import AccountView, PasswordView
from console.ui.auth_pages.sign_in import SignInView
from console.ui.auth_pages.totp import TotpView
from console.ui.frame import PRODUCT
from console.ui.page import staff_page
from console.ui.session import TOKEN_KEY, client_info_from, safe_next


def register() -> None:
    @ui.page("/login", title=f"Sign in · {PRODUCT}")
    def login_page(request: Request) -> RedirectResponse | None:
        target = safe_next(request.query_params.get("next"))
        client = client_info_from(request)
        token = app.storage.user.get(TOKEN_KEY)
        if isinstance(token, str):
            with session_scope() as session:
                if resolve_session(session, token, client) is not None:
                    return RedirectResponse(target, status_code=303)
        SignInView(client, target).build()
        return None

    @staff_page("/account", title="My account")
    def account_page(info: SessionInfo) -> None:
        AccountView(info).build()

    @staff_page("/account/password", title="Change password")
    def password_page(info: SessionInfo) -> None:
        PasswordView(info).build()

    @staff_page("/account/2fa", title="Two-factor sign-in")
    def totp_page(info: SessionInfo) -> None:
        TotpView(info).build()
