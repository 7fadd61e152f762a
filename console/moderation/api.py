"""The platform's door into moderation: POST /api/reports (a member's report) and POST /api/appeals (a member's
appeal of a strike). Authenticated with the platform's bearer token (CONSOLE_PLATFORM_TOKEN, compared in constant
time), rate-limited per client address, body at most 64 KB of JSON, validated by the same service as the intake
job. Answers are JSON: 201 with the ids, 422 with a message per field, 401/429/503 saying what to do."""

from __future__ import annotations

import hmac
import json
from typing import Any

from nicegui import app, run
from starlette.requests import Request
from starlette.responses import JSONResponse

from console.config import get_settings
from console.db import session_scope
from console.errors import ConsoleError, ValidationFailed
from console.moderation.jobs import PLATFORM
from console.moderation.service.appeals import record_appeal
from console.moderation.service.intake import record_report
from console.ratelimit import TokenBuckets

MAX_BODY = 64 * 1024
_limits: dict[int, TokenBuckets] = {}


def _limiter() -> TokenBuckets:
    rate = get_settings().report_rate_per_minute
    if rate not in _limits:
        _limits.clear()
        _limits[rate] = TokenBuckets(rate)
    return _limits[rate]


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


async def _authorised_body(request: Request) -> dict[str, Any] | JSONResponse:
    token = get_settings().platform_token
    if not token:
        return _error(503, "Report intake is off: set CONSOLE_PLATFORM_TOKEN on the console.")
    given = request.headers.get("authorization", "")
    if not given.startswith("Bearer ") or not hmac.compare_digest(given[7:].encode(), token.encode()):
        return _error(401, "Missing or wrong platform token (Authorization: Bearer ...).")
    client = request.client.host if request.client else "unknown"
    allowed, wait = _limiter().allow(client)
    if not allowed:
        response = _error(429, "Too many requests; slow down and retry.", retry_after_s=round(wait, 1))
        response.headers["Retry-After"] = str(max(1, round(wait)))
        return response
    raw = await request.body()
    if len(raw) > MAX_BODY:
        return _error(413, f"The body is larger than {MAX_BODY // 1024} KB.")
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        return _error(400, "The body is not JSON.")
    if not isinstance(body, dict):
        return _error(400, "The body must be a JSON object.")
    return body


async def _call(work: Any) -> JSONResponse:
    try:
        result = await run.io_bound(work)
    except ValidationFailed as exc:
        return _error(422, "The request was refused.", errors=exc.errors)
    except ConsoleError as exc:
        return _error(409, exc.message)
    return JSONResponse(result, status_code=201)


async def post_report(request: Request) -> JSONResponse:
    body = await _authorised_body(request)
    if isinstance(body, JSONResponse):
        return body

    def work() -> dict[str, Any]:
        with session_scope() as session:
            outcome = record_report(session, actor=PLATFORM, data=body, source="api")
            return {
                "report_id": outcome.report_id,
                "case_id": outcome.case_id,
                "new_case": outcome.new_case,
                "duplicate": outcome.duplicate,
                "emergency_actions": outcome.emergency_actions,
            }

    return await _call(work)


async def post_appeal(request: Request) -> JSONResponse:
    body = await _authorised_body(request)
    if isinstance(body, JSONResponse):
        return body
    strike = body.get("strike_id")
    if not isinstance(strike, int) or isinstance(strike, bool):
        return _error(422, "The request was refused.", errors={"strike_id": "must be a whole number"})

    def work() -> dict[str, Any]:
        with session_scope() as session:
            appeal = record_appeal(session, actor=PLATFORM, strike_id=strike, body=str(body.get("body") or ""))
            return {"appeal_id": appeal.id, "status": appeal.status}

    return await _call(work)


def register() -> None:
    app.post("/api/reports", include_in_schema=False)(post_report)
    app.post("/api/appeals", include_in_schema=False)(post_appeal)
