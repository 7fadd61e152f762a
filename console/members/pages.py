"""Members list (search, status and country filters, server-paged) and the member detail view."""

from __future__ import annotations

from typing import Any

from nicegui import ui
from starlette.requests import Request

from console.audit.service import events_for
from console.db import session_scope
from console.errors import NotFound, ValidationFailed
from console.members.countries import COUNTRIES, country_name
from console.members.models import MEMBER_STATUSES, Member
from console.members.service import MemberFilter, get_member, list_members
from console.paging import Page, PageRequest
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission, can
from console.ui.formatting import fmt_date, fmt_dt
from console.ui.page import staff_page
from console.ui.paged_table import PagedTable

STATUS_COLOURS = {"active": "positive", "suspended": "warning", "banned": "negative", "deleted": "grey"}

COLUMNS: list[dict[str, Any]] = [
    {"name": "id", "label": "#", "field": "id", "align": "right"},
    {"name": "email", "label": "E-mail", "field": "email", "align": "left"},
    {"name": "username", "label": "Username", "field": "username", "align": "left"},
    {"name": "display_name", "label": "Display name", "field": "display_name", "align": "left"},
    {"name": "country", "label": "Country", "field": "country", "align": "left"},
    {"name": "status", "label": "Status", "field": "status", "align": "left"},
    {"name": "age_verified", "label": "Age verified", "field": "age_verified", "align": "center"},
    {"name": "created_at", "label": "Joined", "field": "created_at", "sortable": True, "align": "left"},
    {"name": "last_login_at", "label": "Last sign-in", "field": "last_login_at", "sortable": True, "align": "left"},
]


def row_of(m: Member) -> dict[str, Any]:
    return {
        "id": m.id,
        "email": m.email,
        "username": m.username,
        "display_name": m.display_name,
        "country": m.country or "—",
        "status": m.status,
        "age_verified": "yes" if m.age_verified else "no",
        "created_at": fmt_dt(m.created_at),
        "last_login_at": fmt_dt(m.last_login_at),
    }


def register() -> None:
    @staff_page("/members", title="Members", permission=Permission.MEMBERS_READ)
    def members_page(info: SessionInfo) -> None:
        request: Request = ui.context.client.request
        state = {
            "search": (request.query_params.get("q") or "")[:254],
            "status": request.query_params.get("status")
            if request.query_params.get("status") in MEMBER_STATUSES
            else None,
            "country": None,
        }
        with ui.row().classes("items-end gap-2 w-full"):
            search = (
                ui.input("E-mail or username starts with", value=state["search"])
                .props("dense clearable maxlength=254")
                .mark("member-search")
                .classes("w-72")
            )
            status = (
                ui.select(
                    {None: "Any status", **{s: s for s in MEMBER_STATUSES}}, value=state["status"], label="Status"
                )
                .props("dense options-dense")
                .mark("member-status")
                .classes("w-36")
            )
            country = (
                ui.select(
                    {None: "Any country", **{c: f"{c} · {n}" for c, n in sorted(COUNTRIES.items())}},
                    value=None,
                    label="Country",
                    with_input=True,
                )
                .props("dense options-dense")
                .mark("member-country")
                .classes("w-56")
            )
            ui.button("Search", icon="search", on_click=lambda: apply()).props("dense unelevated").mark(
                "member-search-go"
            )
            ui.button("Clear", on_click=lambda: clear()).props("dense flat")
        problem = ui.label("").classes("text-negative text-sm")
        problem.visible = False

        def fetch(page: PageRequest) -> Page[dict[str, Any]]:
            with session_scope() as session:
                result = list_members(
                    session,
                    actor=info.actor,
                    flt=MemberFilter(search=state["search"], status=state["status"], country=state["country"]),
                    page=page,
                )
                return Page(
                    rows=[row_of(m) for m in result.rows],
                    total=result.total,
                    estimated=result.estimated,
                    request=result.request,
                )

        table = PagedTable(
            COLUMNS,
            fetch,
            sort_by="created_at",
            descending=True,
            on_row_click=lambda row: ui.navigate.to(f"/members/{int(row['id'])}"),
        )
        table.table.add_slot(
            "body-cell-status",
            """
            <q-td :props="props"><q-badge :label="props.value"
              :color="{active:'positive',suspended:'warning',banned:'negative',deleted:'grey'}[props.value]" />
            </q-td>""",
        )

        async def apply() -> None:
            problem.visible = False
            state["search"] = (search.value or "").strip()
            state["status"] = status.value
            state["country"] = country.value
            try:
                await table.reload()
            except ValidationFailed as exc:
                problem.text, problem.visible = exc.message, True

        async def clear() -> None:
            search.value, status.value, country.value = "", None, None
            await apply()

        search.on("keydown.enter", apply)
        status.on_value_change(apply)
        country.on_value_change(apply)
        ui.timer(0, apply, once=True)

    @staff_page("/members/{member_id}", title="Member", permission=Permission.MEMBERS_READ)
    def member_detail(info: SessionInfo, member_id: str) -> None:
        # A str parameter: a non-numeric address gets the in-frame 404, not FastAPI's JSON 422.
        if not (member_id.isascii() and member_id.isdigit()):
            raise NotFound(f"There is no member #{member_id[:40]}.")
        with session_scope() as session:
            m = get_member(session, actor=info.actor, member_id=int(member_id))
            history = (
                events_for(session, actor=info.actor, entity="member", entity_id=m.id)
                if can(info.actor, Permission.AUDIT_READ)
                else None
            )
        ui.link("← Members", "/members").classes("text-sm")
        with ui.card().classes("w-full max-w-3xl"):
            with ui.row().classes("items-center gap-2"):
                ui.label(m.display_name).classes("text-lg font-semibold").mark("member-display-name")
                ui.badge(m.status).props(f"color={STATUS_COLOURS.get(m.status, 'grey')}")
                ui.badge(m.role).props("outline")
            with ui.grid(columns=2).classes("gap-x-8 gap-y-1 text-sm"):
                for label, value in [
                    ("Member #", str(m.id)),
                    ("E-mail", m.email),
                    ("Username", m.username),
                    ("Country", f"{m.country or ''} {country_name(m.country)}".strip()),
                    ("E-mail verified", "yes" if m.email_verified else "no"),
                    ("Two-factor", "on" if m.two_factor_enabled else "off"),
                    ("Date of birth", fmt_date(m.date_of_birth)),
                    (
                        "Age verified",
                        f"yes ({m.age_verification_method}, {fmt_dt(m.age_verified_at)})" if m.age_verified else "no",
                    ),
                    ("Joined", fmt_dt(m.created_at)),
                    ("Last sign-in", fmt_dt(m.last_login_at)),
                    ("Deleted", fmt_dt(m.deleted_at)),
                ]:
                    ui.label(label).classes("opacity-70")
                    ui.label(value)
        if history is not None:
            ui.label("History").classes("font-semibold mt-2")
            if not history:
                ui.label("No recorded changes.").classes("text-sm opacity-70")
            for event in history:
                with ui.row().classes("text-sm gap-3"):
                    ui.label(fmt_dt(event.occurred_at)).classes("opacity-70")
                    ui.label(event.action).classes("font-mono")
                    ui.label(event.actor_label)
