"""POST /stripe/webhook: Stripe's events, signature-checked with CONSOLE_STRIPE_WEBHOOK_SECRET.

The raw body is verified (`stripe.WebhookSignature`, five minutes of tolerance, as `construct_event` does) before
anything is read from it; a missing or bad signature gets 400 and nothing is written. Without a secret the
endpoint answers 503 and says what to set. The event is applied off the event loop (`run.io_bound`) by
`service.webhooks.receive_event` in one unit of work: 200 when applied, ignored or a replay; 500 when the handler
failed (stored as failed; Stripe retries and the retry applies it again).
"""

from __future__ import annotations

import json
import logging
from typing import Any

import stripe
from nicegui import app, run
from starlette.requests import Request
from starlette.responses import JSONResponse

from console.billing.service.webhooks import receive_event
from console.config import get_settings
from console.db import session_scope
from console.errors import ValidationFailed

log = logging.getLogger(__name__)
PATH = "/stripe/webhook"
MAX_BODY = 1024 * 1024  # Stripe's events are a few KB; an invoice with many lines stays far below this
TOLERANCE_SECONDS = 300


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def _apply(event: dict[str, Any]) -> dict[str, str]:
    with session_scope() as session:
        outcome = receive_event(session, event)
        return {"result": outcome.result, "detail": outcome.detail}


async def stripe_webhook(request: Request) -> JSONResponse:
    secret = get_settings().stripe_webhook_secret
    if not secret:
        return _error(503, "Stripe webhooks are off: set CONSOLE_STRIPE_WEBHOOK_SECRET (whsec_...) on the console.")
    header = request.headers.get("stripe-signature")
    if not header:
        return _error(400, "The Stripe-Signature header is missing.")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return _error(413, f"The body is larger than {MAX_BODY // 1024} KB.")
    raw = await request.body()
    if len(raw) > MAX_BODY:
        return _error(413, f"The body is larger than {MAX_BODY // 1024} KB.")
    try:
        payload = raw.decode("utf-8")
        stripe.WebhookSignature.verify_header(payload, header, secret, TOLERANCE_SECONDS)
        event = json.loads(payload)
    except UnicodeDecodeError:
        return _error(400, "The body is not UTF-8.")
    except stripe.SignatureVerificationError as exc:
        return _error(400, f"The signature does not match: {exc.user_message or exc}")
    except ValueError:
        return _error(400, "The body is not JSON.")
    if not isinstance(event, dict):
        return _error(400, "The body must be a Stripe event (a JSON object).")
    try:
        result = await run.io_bound(_apply, event)
    except ValidationFailed as exc:
        return _error(400, "This is not a Stripe event.", errors=exc.errors)
    except Exception:  # the database failed: nothing was stored; Stripe sends it again
        log.exception("Stripe event %s could not be stored", event.get("id"))
        return _error(500, "The event could not be stored; Stripe will send it again.")
    if result is None:  # the console is shutting down: the work did not run
        return _error(503, "The console is shutting down; Stripe will send the event again.")
    if result["result"] == "failed":
        return _error(
            500,
            "The event could not be applied; it was stored as failed and will be applied when Stripe sends it again.",
            **result,
        )
    return JSONResponse(result, status_code=200)


def register() -> None:
    app.post(PATH, include_in_schema=False)(stripe_webhook)
