"""Canonical JSON for hashing: sorted keys, no whitespace, UTC ISO timestamps, decimals and floats as strings.

The stored before/after JSON is the canonical form read back, so re-hashing a stored row gives the
same bytes on SQLite and on PostgreSQL (JSONB reorders keys; canonicalising again undoes that).
"""

from __future__ import annotations

import enum
import hashlib
import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

GENESIS = "0" * 64


def iso_utc(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetime in audit data")
    return value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, bytes):
        return {"sha256": hashlib.sha256(value).hexdigest(), "bytes": len(value)}
    raise TypeError(f"cannot put {type(value).__name__} into the audit log")


def _floats_to_str(value: Any) -> Any:
    """Floats become strings; NUL characters (refused by PostgreSQL text and JSONB) become U+FFFD."""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {str(k): _floats_to_str(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_floats_to_str(v) for v in value]
    return value


def canonical_json(value: Any) -> str:
    plain = json.loads(json.dumps(value, default=_default, ensure_ascii=False))
    return json.dumps(_floats_to_str(plain), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def normalise(value: Any) -> Any:
    """The JSON-safe value that is stored and hashed."""
    if value is None:
        return None
    return json.loads(canonical_json(value))


def chain_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(payload)).encode("utf-8")).hexdigest()
