"""Reading and changing system settings; every change is audited with its old and new value."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record
from console.errors import Conflict, ValidationFailed
from console.staff.permissions import Permission, require
from console.system.models import SystemConfig

KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
MAX_VALUE_BYTES = 64_000


def get_value(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(SystemConfig, key)
    return default if row is None else row.value


def all_settings(session: Session, *, actor: Actor) -> list[SystemConfig]:
    require(actor, Permission.CONFIG_EDIT)
    return list(session.execute(select(SystemConfig).order_by(SystemConfig.key)).scalars())


def set_value(
    session: Session,
    *,
    actor: Actor,
    key: str,
    value: Any,
    description: str | None = None,
    expected_version: int | None = None,
) -> SystemConfig:
    require(actor, Permission.CONFIG_EDIT)
    errors: dict[str, str] = {}
    if not KEY_RE.match(key or "") or len(key) > 100:
        errors["key"] = "must be dotted lowercase words, e.g. platform.name"
    try:
        encoded = json.dumps(value)
        if len(encoded.encode()) > MAX_VALUE_BYTES:
            errors["value"] = "is too large"
    except (TypeError, ValueError):
        errors["value"] = "must be JSON (text, number, true/false, list or object)"
    if errors:
        raise ValidationFailed(errors)
    row = session.get(SystemConfig, key)
    if row is None:
        row = SystemConfig(key=key, value=value, description=description)
        session.add(row)
        session.flush()
        record(session, actor, "config.set", "system_config", key, None, {"value": value})
        return row
    if expected_version is not None and row.version != expected_version:
        raise Conflict(f"Setting {key} was changed meanwhile.", current={"value": row.value, "version": row.version})
    before = {"value": row.value}
    row.value = value
    if description is not None:
        row.description = description
    session.flush()
    record(session, actor, "config.set", "system_config", key, before, {"value": value})
    return row
