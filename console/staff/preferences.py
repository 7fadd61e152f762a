"""A staff member's own display settings: the time zone they read times in (stored times stay UTC).

The zone is an IANA name from the zone database (Python's `zoneinfo`, with the `tzdata` package where the
operating system has none). A staff member changes their own; changing someone else's needs `staff.manage`.
"""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import available_timezones

from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record
from console.errors import NotFound, ValidationFailed
from console.staff.models import Staff
from console.staff.permissions import Permission, require

DEFAULT_TIME_ZONE = "UTC"
ZONE_MAX = 64


@lru_cache(maxsize=1)
def time_zone_names() -> tuple[str, ...]:
    """Every zone the console accepts, sorted, "UTC" first (the zone database's own names; no "localtime")."""
    names = sorted(n for n in available_timezones() if n not in {"localtime", "posixrules", "Factory"})
    return (DEFAULT_TIME_ZONE, *(n for n in names if n != DEFAULT_TIME_ZONE))


@lru_cache(maxsize=1)
def _by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in time_zone_names()}


@lru_cache(maxsize=1)
def _by_city() -> dict[str, list[str]]:
    """The zones by their last part, folded ("tokyo": ["Asia/Tokyo"], "new_york": ["America/New_York"])."""
    found: dict[str, list[str]] = {}
    for name in time_zone_names():
        found.setdefault(name.rsplit("/", 1)[-1].casefold(), []).append(name)
    return found


def clean_time_zone(value: str | None) -> str:
    """The zone's IANA name as the zone database spells it ("europe/berlin" -> "Europe/Berlin"; a city alone,
    "tokyo" or "new york", when one zone is named after it: what a keyboard user typing into the list and pressing
    Enter sends), or `ValidationFailed` on the field `time_zone`."""
    text = (value or "").strip()
    if not text:
        raise ValidationFailed({"time_zone": "is required; choose a zone such as Europe/Berlin or UTC"})
    name = _by_folded_name().get(text.casefold()) if len(text) <= ZONE_MAX else None
    cities = _by_city().get(text.casefold().replace(" ", "_"), []) if len(text) <= ZONE_MAX else []
    if name is None and len(cities) == 1:
        name = cities[0]
    elif name is None and cities:
        raise ValidationFailed({"time_zone": f"names {len(cities)} zones: {', '.join(cities)}; choose one"})
    if name is None:
        raise ValidationFailed(
            {
                "time_zone": f"{text[:ZONE_MAX]!r} is not a time zone the console knows; choose one from the list, "
                "such as Europe/Berlin, America/New_York or UTC"
            }
        )
    return name


def set_time_zone(session: Session, *, actor: Actor, time_zone: str | None, staff_id: int | None = None) -> Staff:
    """Set the zone a staff member reads times in: their own (`staff_id` None or theirs), or another's with
    `staff.manage`. Audited as `staff.time_zone_change`; an unchanged zone writes nothing."""
    own = staff_id is None or staff_id == actor.staff_id
    if not own:
        require(actor, Permission.STAFF_MANAGE)
    target = actor.staff_id if own else staff_id
    name = clean_time_zone(time_zone)
    staff = session.get(Staff, target) if target is not None else None
    if staff is None:
        raise NotFound("There is no such staff account.")
    if staff.time_zone == name:
        return staff
    before = {"time_zone": staff.time_zone}
    staff.time_zone = name
    session.flush()
    record(session, actor, "staff.time_zone_change", "staff", staff.id, before, {"time_zone": name})
    return staff
