"""Who does the demo's paperwork (the demo compliance officer, else the system) and which performers carry
which problem case (deterministic from the performers' ids, so both steps agree)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import SYSTEM, Actor
from console.catalog.models import Performer
from console.compliance.demo.values import CASES, MIN_PERFORMERS
from console.demo_data import DEMO_DOMAIN
from console.staff.auth import staff_actor
from console.staff.models import Staff


def _demo_staff(session: Session, role: str) -> Actor:
    """A demo staff account by its role (created with the demo staff accounts), or the system when there is none."""
    key = f"compliance_demo_{role}"
    if key not in session.info:
        staff = session.execute(
            select(Staff).where(Staff.email == f"{role}@{DEMO_DOMAIN}", Staff.is_active.is_(True))
        ).scalar_one_or_none()
        session.info[key] = staff_actor(staff) if staff is not None else SYSTEM
    actor: Actor = session.info[key]
    return actor


def _clerk(session: Session) -> Actor:
    """The demo compliance officer, who enters the records."""
    return _demo_staff(session, "compliance")


def _second_person(session: Session) -> Actor:
    """Who verifies the demo's records: the demo administrator, a named second person ("Verified by system" on a
    box headed "two people per record" read as a defect), or the system when there is no demo staff."""
    return _demo_staff(session, "admin")


@dataclass
class Plan:
    cases: dict[int, str] = field(default_factory=dict)  # performer id -> case
    expiring: int | None = None  # a verified performer whose only ID expires within EXPIRING_IN_DAYS


def _plan(session: Session) -> Plan:
    """Deterministic from the performers' ids, so step 1 (during the catalog demo) and step 2 agree."""
    cached = session.info.get("compliance_demo_plan")
    if isinstance(cached, Plan):
        return cached
    ids = list(
        session.execute(select(Performer.id).where(Performer.deleted_at.is_(None)).order_by(Performer.id)).scalars()
    )
    plan = Plan()
    if len(ids) >= MIN_PERFORMERS:
        step = len(ids) // (len(CASES) + 1)
        plan.cases = {ids[step * (k + 1)]: case for k, case in enumerate(CASES)}
        plan.expiring = ids[step // 2]
    session.info["compliance_demo_plan"] = plan
    return plan


def demo_cases(session: Session) -> dict[str, int]:
    """Case name -> performer id, as the demo planned them (for tests and for people exploring the demo)."""
    plan = _plan(session)
    out = {case: pid for pid, case in plan.cases.items()}
    if plan.expiring is not None:
        out["expiring"] = plan.expiring
    return out
