"""Short-lived, single-use addresses for ID scans: the record editor's viewer and download button.

A page issues a random token for (staff id, scan id, purpose); it lives in this process only, for two
minutes, and is spent by the first request. The route checks the signed-in session again (the middleware
already sent anyone without one to /login), refuses a token issued to somebody else or a staff member who
can no longer read legal data, and decrypts the scan through `records.read_scan`, which audits the view or
download in the same unit of work. Responses are never cached and never content-sniffed.

Tokens are process-local on purpose: console processes sit behind a sticky load balancer, so the browser
that got the token from a page asks the same process for it.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from typing import Literal

from fastapi import Request
from fastapi.responses import PlainTextResponse, Response
from nicegui import app
from starlette.concurrency import run_in_threadpool

from console.actor import ClientInfo
from console.compliance import records
from console.db import session_scope
from console.errors import ConsoleError, Forbidden, NotFound
from console.staff.auth import resolve_session
from console.staff.permissions import Permission, can
from console.ui.session import TOKEN_KEY, client_info_from

PATH = "/compliance/scan/{token}"
TTL_SECONDS = 120.0
MAX_GRANTS = 10_000
Purpose = Literal["view", "download"]
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache", "X-Content-Type-Options": "nosniff"}


@dataclass(frozen=True)
class Grant:
    staff_id: int
    scan_id: int
    purpose: Purpose
    expires_at: float


_grants: dict[str, Grant] = {}
_lock = threading.Lock()


def _now() -> float:
    return time.monotonic()


def _purge(now: float) -> None:
    for token in [t for t, g in _grants.items() if g.expires_at <= now]:
        del _grants[token]


def issue(staff_id: int, scan_id: int, purpose: Purpose = "view", *, ttl: float = TTL_SECONDS) -> str:
    """A fresh token for one request by this staff member for this scan; returns its URL path."""
    if purpose not in ("view", "download"):
        raise ValueError(f"unknown purpose {purpose!r}")
    token = secrets.token_urlsafe(32)
    with _lock:
        now = _now()
        _purge(now)
        if len(_grants) >= MAX_GRANTS:  # a runaway page cannot grow the dict without bound
            oldest = min(_grants, key=lambda t: _grants[t].expires_at)
            del _grants[oldest]
        _grants[token] = Grant(staff_id, scan_id, purpose, now + ttl)
    return url_for(token)


def url_for(token: str) -> str:
    return PATH.replace("{token}", token)


def redeem(token: str) -> Grant | None:
    """The grant behind a token, spent now (single use); None when unknown, used or expired."""
    with _lock:
        grant = _grants.pop(token, None)
        now = _now()
        _purge(now)
    if grant is None or grant.expires_at <= now:
        return None
    return grant


def pending() -> int:
    with _lock:
        return len(_grants)


def _refusal(status: int, message: str) -> Response:
    return PlainTextResponse(message, status_code=status, headers=NO_STORE)


def respond(token: str, session_token: str | None, client: ClientInfo) -> Response:
    """Serve one scan for a token, after checking the session behind the request (blocking: run in a thread)."""
    grant = redeem(token)
    if grant is None:
        return _refusal(404, "This scan link has expired or was already used. Open the viewer again.")
    with session_scope() as session:
        info = resolve_session(session, session_token, client)
        if info is None:
            return _refusal(403, "Sign in to view ID scans.")
        actor = info.actor
        if actor.staff_id != grant.staff_id or not can(actor, Permission.COMPLIANCE_READ_LEGAL):
            return _refusal(403, "This scan link was not issued to you.")
        try:
            data, content_type, filename = records.read_scan(
                session, actor=actor, scan_id=grant.scan_id, purpose=grant.purpose
            )
        except Forbidden as exc:
            return _refusal(403, exc.message)
        except NotFound as exc:
            return _refusal(404, exc.message)
        except ConsoleError as exc:  # ScanIntegrityError: altered file, wrong key, missing file
            return _refusal(409, exc.message)
    disposition = "attachment" if grant.purpose == "download" else "inline"
    headers = dict(NO_STORE)
    headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return Response(content=data, media_type=content_type, headers=headers)


def _session_token() -> str | None:
    try:
        token = app.storage.user.get(TOKEN_KEY)
    except RuntimeError:  # no NiceGUI request context: nobody is signed in
        return None
    return token if isinstance(token, str) else None


async def serve_scan(token: str, request: Request) -> Response:
    if len(token) > 128:
        return _refusal(404, "This scan link has expired or was already used. Open the viewer again.")
    return await run_in_threadpool(respond, token, _session_token(), client_info_from(request))


def register() -> None:
    app.get(PATH, include_in_schema=False)(serve_scan)
