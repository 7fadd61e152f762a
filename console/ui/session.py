"""Authentication at the edge: the middleware that sends anyone without a live session to /login.

The browser keeps only NiceGUI's signed session cookie; the staff session token lives in the
server-side `app.storage.user`, and the database decides whether it is still valid (idle and
absolute limits, deactivation). Authorisation happens in the services, not here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

from nicegui import app, run, ui
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from console.actor import ClientInfo
from console.db import session_scope
from console.staff.auth import SessionInfo, resolve_session

PUBLIC_PATHS = {"/login", "/favicon.ico", "/stripe/webhook"}  # the webhook checks Stripe's signature
# /api/ authenticates the platform with its own bearer token (moderation/api.py), not a staff session.
PUBLIC_PREFIXES = ("/_nicegui", "/assets/", "/static/", "/api/")
FORCED_PATHS = {"password": "/account/password", "totp": "/account/2fa"}
TOKEN_KEY = "session_token"
T = TypeVar("T")


def safe_next(target: str | None) -> str:
    """Only a local path may be a redirect target (no scheme, no host, no '//' or backslash tricks)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(ch) < 32 for ch in target):
        return "/"
    return target


def client_info_from(request: Request | None) -> ClientInfo:
    if request is None:
        return ClientInfo()
    forwarded = request.headers.get("x-forwarded-for", "")
    ip = forwarded.split(",")[0].strip() if forwarded else (request.client.host if request.client else None)
    return ClientInfo(ip=ip or None, user_agent=(request.headers.get("user-agent") or "")[:512] or None)


def current_client_info() -> ClientInfo:
    try:
        return client_info_from(ui.context.client.request)
    except (RuntimeError, AttributeError):
        return ClientInfo()


def current_token() -> str | None:
    token = app.storage.user.get(TOKEN_KEY)
    return token if isinstance(token, str) else None


def _resolve(token: str | None, client: ClientInfo) -> SessionInfo | None:
    if token is None:
        return None
    with session_scope() as session:
        return resolve_session(session, token, client)


def unattended(fn: Callable[[], T]) -> Callable[[], T | None]:
    """`fn` for a page's own periodic read (a timer, not the staff member): it runs only while the session is live,
    and the check does not mark the session active, so an open tab alone never keeps it from idling out. Call this
    on the event loop (it takes the session from the page) and run what it returns in a worker thread; None: the
    session ended (nothing was read)."""
    token, client = current_token(), current_client_info()

    def work() -> T | None:
        with session_scope() as session:
            if resolve_session(session, token, client, touch=False) is None:
                return None
        return fn()

    return work


def live_session() -> SessionInfo | None:
    """Validate (and mark as active) the signed-in session; None when it has ended."""
    return _resolve(current_token(), current_client_info())


def require_live_session() -> SessionInfo | None:
    """For event handlers: the live session, or None after sending the user to sign in again."""
    info = live_session()
    if info is None:
        _sign_in_again()
    return info


async def require_live_session_async() -> SessionInfo | None:
    """`require_live_session` with its read off the event loop (`ui.work.call` before every service call)."""
    info = await run.io_bound(_resolve, current_token(), current_client_info())
    if info is None and not app.is_stopping:
        _sign_in_again()
    return info


SIGN_IN_OFFER_SECONDS = 15  # one sign-in tab for a handler and the reload that follows its refusal


def _sign_in_again() -> None:
    """Say the session ended and open the sign-in page in a new tab, once: a handler that reloads after a refusal
    would otherwise open a second tab."""
    now = time.monotonic()
    offered = app.storage.client.get("sign_in_offered_at")
    if isinstance(offered, float) and now - offered < SIGN_IN_OFFER_SECONDS:
        return
    app.storage.client["sign_in_offered_at"] = now
    ui.notify("Your session has ended. Sign in again; the form stays open in this tab.", type="warning")
    ui.navigate.to(f"/login?next={quote(_current_path())}", new_tab=True)


def _current_path() -> str:
    try:
        request = ui.context.client.request
        return safe_next(request.url.path if request else "/")
    except (RuntimeError, AttributeError):
        return "/"


class AuthMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: Any) -> Response:
        path = request.url.path
        if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
            return await call_next(request)
        token = app.storage.user.get(TOKEN_KEY)
        # off the event loop: every page and upload passes here, and other staff's clicks must not wait on it
        info = await run.io_bound(_resolve, token, client_info_from(request)) if isinstance(token, str) else None
        if info is None:
            app.storage.user.pop(TOKEN_KEY, None)
            target = path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(safe_next(target))}", status_code=303)
        if info.must_change_password and path != FORCED_PATHS["password"]:
            return RedirectResponse(FORCED_PATHS["password"], status_code=303)
        if not info.must_change_password and info.totp_enrolment_required and path != FORCED_PATHS["totp"]:
            return RedirectResponse(FORCED_PATHS["totp"], status_code=303)
        request.state.session_info = info
        return await call_next(request)
