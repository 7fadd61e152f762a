"""Stripe webhook events: which handler applies which event type. Handlers live next to what they change
(`refund_events.py`, `subscription_events.py`) and register here with `@handles("type", ...)`.

A handler takes the session and the event's `data.object` (a plain dict) plus the event's `created` time and
returns what it did: "applied" or "ignored" (with a short detail), or raises to have the event marked failed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Outcome:
    result: str  # applied / ignored
    detail: str = ""


Handler = Callable[[Session, dict, int], Outcome]
_HANDLERS: dict[str, Handler] = {}


def handles(*event_types: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for event_type in event_types:
            _HANDLERS[event_type] = fn
        return fn

    return register


def handler_for(event_type: str) -> Handler | None:
    _load()
    return _HANDLERS.get(event_type)


def _load() -> None:
    """Import the modules whose handlers register themselves (once; imports are cached)."""
    import importlib

    for name in ("refund_events", "subscription_events"):
        try:
            importlib.import_module(f"console.billing.service.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"console.billing.service.{name}":
                raise
