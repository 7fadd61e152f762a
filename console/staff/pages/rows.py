"""What the staff page reads: one page of staff members as plain rows, and one account for the edit dialog."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from console.actor import Actor
from console.db import session_scope
from console.paging import Page, PageRequest
from console.staff import service
from console.staff.models import Staff
from console.staff.permissions import ROLE_LABELS, Role
from console.ui.formatting import fmt_dt
from console.ui.paged_table import column, open_column

ROLE_OPTIONS = {r.value: ROLE_LABELS[r] for r in Role}
STATUS_OPTIONS: dict[Any, str] = {None: "All", True: "Active", False: "Deactivated"}
COLUMNS: list[dict[str, Any]] = [
    column("email", "E-mail", sortable=True),
    column("name", "Name", sortable=True),
    column("roles", "Roles"),
    column("status", "Status"),
    column("totp", "2FA", "center"),
    column("last_login_at", "Last sign-in", sortable=True),
    open_column(),
]


def row_of(s: Staff) -> dict[str, Any]:
    return {
        "id": s.id,
        "email": s.email,
        "name": s.name,
        "roles": ", ".join(ROLE_LABELS.get(Role(r), r) for r in sorted(s.roles) if r in ROLE_OPTIONS),
        "status": "Active" if s.is_active else "Deactivated",
        "totp": "On" if s.totp_enabled else "Off",
        "last_login_at": fmt_dt(s.last_login_at),
    }


@dataclass(frozen=True)
class StaffQuery:
    search: str = ""
    active: bool | None = None


def load_page(actor: Actor, query: StaffQuery, request: PageRequest) -> Page[dict[str, Any]]:
    """One page of staff members (one unit of work; runs off the event loop)."""
    with session_scope() as session:
        flt = service.StaffFilter(search=query.search, active=query.active)
        result = service.list_staff(session, actor=actor, flt=flt, page=request)
        return Page([row_of(s) for s in result.rows], result.total, result.estimated, result.request)


@dataclass(frozen=True)
class Editable:
    """One account as the edit dialog shows it, and why it cannot be deactivated (None: it can)."""

    view: dict[str, Any]
    deactivation_refusal: str | None


def load_editable(actor: Actor, staff_id: int) -> Editable:
    with session_scope() as session:
        staff = service.get_staff(session, actor=actor, staff_id=staff_id)
        refusal = service.deactivation_refusal(session, actor=actor, staff_id=staff_id)
        return Editable(service.public_view(staff), refusal)
