"""Staff administration: list, create, deactivate/reactivate, reset password, change roles, reset 2FA.

Rules: only `staff.manage` may call these; the last active administrator can be neither
deactivated nor stripped of the admin role; stale edits (version mismatch) are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record
from console.db import json_list_contains, utcnow
from console.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from console.paging import Page, PageRequest, exact_or_estimated_count, fetch_page
from console.staff.auth import end_sessions_of
from console.staff.models import Staff
from console.staff.passwords import generate_password, hash_password, password_problem
from console.staff.permissions import Permission, Role, require
from console.validation import clean_email, clean_text, text_problem

NAME_MAX = 120


def public_view(staff: Staff) -> dict[str, Any]:
    """What the audit log and pages may show of a staff row (never hashes or secrets)."""
    return {
        "id": staff.id,
        "email": staff.email,
        "name": staff.name,
        "roles": sorted(staff.roles),
        "is_active": staff.is_active,
        "totp": staff.totp_enabled,
        "must_change_password": staff.must_change_password,
        "version": staff.version,
    }


def _clean_roles(roles: list[str] | set[str] | tuple[str, ...], errors: dict[str, str]) -> list[str]:
    cleaned: set[str] = set()
    for name in roles or []:
        try:
            cleaned.add(Role(name).value)
        except ValueError:
            errors["roles"] = f"unknown role {name!r}"
    if not cleaned and "roles" not in errors:
        errors["roles"] = "choose at least one role"
    return sorted(cleaned)


def _get(session: Session, staff_id: int, *, for_update: bool = False) -> Staff:
    query = select(Staff).where(Staff.id == staff_id)
    if for_update:
        query = query.with_for_update()
    staff = session.execute(query).scalar_one_or_none()
    if staff is None:
        raise NotFound(f"Staff member #{staff_id} does not exist.")
    return staff


def _check_version(staff: Staff, expected_version: int | None) -> None:
    if expected_version is not None and staff.version != expected_version:
        raise Conflict(
            f"{staff.name} was changed by someone else since you opened it; review the current values and retry.",
            current=public_view(staff),
        )


LAST_ADMIN = "This is the last active administrator. Make another staff member an administrator first."
OWN_ACCOUNT = "You cannot deactivate your own account."


def _active_admin_count(session: Session, *, lock: bool = True) -> int:
    query = select(Staff.roles).where(Staff.is_active.is_(True))
    admins = session.execute(query.with_for_update() if lock else query).scalars().all()
    return sum(1 for roles in admins if Role.ADMIN.value in roles)


def _guard_last_admin(session: Session, staff: Staff, *, keeps_admin: bool, stays_active: bool) -> None:
    was_admin = staff.is_active and Role.ADMIN.value in staff.roles
    if was_admin and not (keeps_admin and stays_active) and _active_admin_count(session) <= 1:
        raise RuleViolation(LAST_ADMIN)


def deactivation_refusal(session: Session, *, actor: Actor, staff_id: int) -> str | None:
    """Why `set_active(active=False)` would refuse this account today (its own account, the last active
    administrator), or None. Pages use it to disable the control and say why; `set_active` checks again."""
    require(actor, Permission.STAFF_MANAGE)
    staff = _get(session, staff_id)
    if not staff.is_active:
        return None
    if staff.id == actor.staff_id:
        return OWN_ACCOUNT
    if Role.ADMIN.value in staff.roles and _active_admin_count(session, lock=False) <= 1:
        return LAST_ADMIN
    return None


@dataclass(frozen=True)
class StaffFilter:
    search: str | None = None
    role: str | None = None
    active: bool | None = None


SORTABLE = {
    "email": Staff.email,
    "name": Staff.name,
    "last_login_at": Staff.last_login_at,
    "created_at": Staff.created_at,
}


def list_staff(session: Session, *, actor: Actor, flt: StaffFilter, page: PageRequest) -> Page[Staff]:
    require(actor, Permission.STAFF_MANAGE)
    query = select(Staff)
    if flt.search:
        term = flt.search.strip().lower()[:254]
        if (problem := text_problem(term)) is not None:
            raise ValidationFailed({"search": problem})
        query = query.where(
            or_(Staff.email.startswith(term, autoescape=True), func.lower(Staff.name).contains(term, autoescape=True))
        )
    if flt.active is not None:
        query = query.where(Staff.is_active.is_(flt.active))
    if flt.role:
        query = query.where(json_list_contains(session, Staff.roles, flt.role))
    total, estimated = exact_or_estimated_count(session, query)
    order = [(SORTABLE.get(page.sort or "", Staff.email), page.descending), (Staff.id, False)]
    rows = fetch_page(session, query, order, page, total, estimated=estimated)
    return Page(rows=rows, total=total, estimated=estimated, request=page)


def get_staff(session: Session, *, actor: Actor, staff_id: int) -> Staff:
    require(actor, Permission.STAFF_MANAGE)
    return _get(session, staff_id)


def create_staff(
    session: Session,
    *,
    actor: Actor,
    email: str,
    name: str,
    roles: list[str],
    password: str | None = None,
    must_change_password: bool = True,
) -> tuple[Staff, str]:
    """Create an account; returns it and its initial password (generated when none is given)."""
    require(actor, Permission.STAFF_MANAGE)
    errors: dict[str, str] = {}
    email = clean_email(email, errors)
    name = clean_text(name, "name", errors, max_len=NAME_MAX)
    cleaned_roles = _clean_roles(roles, errors)
    password = password if password is not None else generate_password()
    problem = password_problem(password, email=email)
    if problem:
        errors["password"] = problem
    if "email" not in errors and session.execute(select(Staff.id).where(Staff.email == email)).first():
        errors["email"] = "is already used by another staff account"
    if errors:
        raise ValidationFailed(errors)
    staff = Staff(
        email=email,
        name=name,
        roles=cleaned_roles,
        password_hash=hash_password(password),
        must_change_password=must_change_password,
        is_active=True,
    )
    session.add(staff)
    session.flush()
    record(session, actor, "staff.create", "staff", staff.id, after=public_view(staff))
    return staff, password


def set_active(
    session: Session,
    *,
    actor: Actor,
    staff_id: int,
    active: bool,
    expected_version: int | None = None,
    reason: str | None = None,
) -> Staff:
    require(actor, Permission.STAFF_MANAGE)
    staff = _get(session, staff_id, for_update=True)
    _check_version(staff, expected_version)
    if staff.is_active == active:
        return staff
    if not active:
        if staff.id == actor.staff_id:
            raise RuleViolation(OWN_ACCOUNT)
        _guard_last_admin(session, staff, keeps_admin=True, stays_active=False)
    before = public_view(staff)
    staff.is_active = active
    staff.deactivated_at = None if active else utcnow()
    session.flush()
    ended = 0 if active else end_sessions_of(session, staff.id, "deactivated")
    after = public_view(staff) | ({"sessions_ended": ended} if ended else {})
    record(
        session,
        actor,
        "staff.reactivate" if active else "staff.deactivate",
        "staff",
        staff.id,
        before,
        after,
        reason=reason,
    )
    return staff


def set_roles(
    session: Session, *, actor: Actor, staff_id: int, roles: list[str], expected_version: int | None = None
) -> Staff:
    require(actor, Permission.STAFF_MANAGE)
    errors: dict[str, str] = {}
    cleaned = _clean_roles(roles, errors)
    if errors:
        raise ValidationFailed(errors)
    staff = _get(session, staff_id, for_update=True)
    _check_version(staff, expected_version)
    if sorted(staff.roles) == cleaned:
        return staff
    _guard_last_admin(session, staff, keeps_admin=Role.ADMIN.value in cleaned, stays_active=True)
    before = public_view(staff)
    staff.roles = cleaned
    session.flush()
    record(session, actor, "staff.roles_change", "staff", staff.id, before, public_view(staff))
    return staff


def update_profile(
    session: Session, *, actor: Actor, staff_id: int, name: str, expected_version: int | None = None
) -> Staff:
    require(actor, Permission.STAFF_MANAGE)
    errors: dict[str, str] = {}
    name = clean_text(name, "name", errors, max_len=NAME_MAX)
    if errors:
        raise ValidationFailed(errors)
    staff = _get(session, staff_id, for_update=True)
    _check_version(staff, expected_version)
    if staff.name == name:
        return staff
    before = public_view(staff)
    staff.name = name
    session.flush()
    record(session, actor, "staff.update", "staff", staff.id, before, public_view(staff))
    return staff


def reset_password(session: Session, *, actor: Actor, staff_id: int, new_password: str | None = None) -> str:
    """Set a temporary password the staff member must change at next sign-in; ends their sessions."""
    require(actor, Permission.STAFF_MANAGE)
    staff = _get(session, staff_id, for_update=True)
    password = new_password if new_password is not None else generate_password()
    problem = password_problem(password, email=staff.email)
    if problem:
        raise ValidationFailed({"password": problem})
    before = {"must_change_password": staff.must_change_password, "password_changed_at": staff.password_changed_at}
    staff.password_hash = hash_password(password)
    staff.password_changed_at = utcnow()
    staff.must_change_password = True
    session.flush()
    ended = end_sessions_of(session, staff.id, "password_reset")
    after = {"must_change_password": True, "password_changed_at": staff.password_changed_at, "sessions_ended": ended}
    record(session, actor, "staff.password_reset", "staff", staff.id, before, after)
    return password


def reset_totp(session: Session, *, actor: Actor, staff_id: int, reason: str | None = None) -> Staff:
    """Turn off a staff member's two-factor sign-in (lost phone); they enrol again at next sign-in."""
    require(actor, Permission.STAFF_MANAGE)
    staff = _get(session, staff_id, for_update=True)
    if not staff.totp_enabled:
        return staff
    staff.totp_secret_encrypted = None
    staff.totp_enabled_at = None
    staff.totp_last_step = None
    staff.recovery_code_hashes = []
    session.flush()
    ended = end_sessions_of(session, staff.id, "totp_reset")
    record(
        session,
        actor,
        "staff.totp_reset",
        "staff",
        staff.id,
        before={"totp": True},
        after={"totp": False, "sessions_ended": ended},
        reason=reason,
    )
    return staff


def all_staff_brief(session: Session, *, actor: Actor) -> list[dict[str, Any]]:
    require(actor, Permission.STAFF_MANAGE)
    rows = session.execute(select(Staff).order_by(Staff.email)).scalars().all()
    return [public_view(s) for s in rows]
