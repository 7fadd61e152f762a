"""/members (search, status and country filters, server-paged) and the member 360 page /members/{id}: the header,
then, by permission, billing (subscriptions with their actions, payments with "Refund…", refunds, credits with
"Grant credits…"; BILLING_READ), the moderation history (MODERATION_READ) and the audit history (AUDIT_READ).
Each route only wires the session and the frame to a view class (pages as components)."""

from __future__ import annotations

from typing import Any

from nicegui import ui
from sqlalchemy.orm import Session
from starlette.requests import Request

from console.actor import Actor
from console.audit.service import events_for
from console.audit.words import action_words
from console.billing.pages.member_billing import MemberBillingPanel
from console.billing.service.queries import member_billing
from console.db import session_scope
from console.errors import NotFound
from console.members.countries import COUNTRIES, country_name
from console.members.models import MEMBER_STATUS_LABELS, MEMBER_STATUSES, Member
from console.members.service import MemberFilter, get_member, list_members
from console.moderation.pages.common import STATUS_LABELS as CASE_STATUS_LABELS
from console.moderation.pages.member_record import decision_lines, strike_lines, until_facts
from console.moderation.service.context import member_moderation
from console.paging import Page, PageRequest
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission, can
from console.ui.formatting import fmt_date, fmt_dt, plural
from console.ui.forms import guarded, select
from console.ui.keymap import page_keys
from console.ui.later import later
from console.ui.page import staff_page
from console.ui.paged_table import PagedTable, column, id_column
from console.ui.work import unit_of_work

AGE_METHOD_LABELS = {  # how the age was verified, in words ("id_document" was shown as stored)
    "id_document": "ID document",
    "credit_card": "credit card",
    "third_party": "third-party check",
    "self_declared": "self-declared",
}
STATUS_COLOURS = {
    "active": "positive",
    "muted": "orange-8",
    "suspended": "warning",
    "banned": "negative",
    "deleted": "grey-7",
}

COLUMNS: list[dict[str, Any]] = [
    id_column(),
    column("email", "E-mail", clip="12rem"),
    column("username", "Username", clip="9rem"),
    column("display_name", "Display name", clip="10rem"),
    column("country", "Country"),
    column("status", "Status"),
    column("age_verified", "Age verified", "center"),
    column("created_at", "Joined", sortable=True),
    column("last_login_at", "Last sign-in", sortable=True),
    # no Open column: the table must fit a 1,366 px screen; rows open by click, or j / k and Enter
]
STATUS_CELL = """
<q-td :props="props"><q-badge :label="props.row.status_label"
  :color="{active:'positive',muted:'orange-8',suspended:'warning',banned:'negative',deleted:'grey-7'}[props.value]" />
</q-td>"""


AS_STORED = ("id", "email", "username", "display_name", "status")  # the row's columns shown as they are stored


def row_of(m: Member) -> dict[str, Any]:
    return {name: getattr(m, name) for name in AS_STORED} | {
        "status_label": MEMBER_STATUS_LABELS.get(m.status, m.status),
        "country": m.country or "—",
        "age_verified": "yes" if m.age_verified else "no",
        "created_at": fmt_dt(m.created_at),
        "last_login_at": fmt_dt(m.last_login_at),
    }


# Built once: the filters' options do not change per request.
STATUS_OPTIONS: dict[str | None, str] = {None: "Any status", **MEMBER_STATUS_LABELS}
COUNTRY_OPTIONS: dict[str | None, str] = {
    None: "Any country",
    **{c: f"{c} · {n}" for c, n in sorted(COUNTRIES.items())},
}


class MembersListView:
    """Search, filters and the server-paged list; a row opens the member."""

    def __init__(self, actor: Actor, params: dict[str, str]) -> None:
        self.actor = actor
        status = params.get("status")
        self.flt = MemberFilter(
            search=(params.get("q") or "")[:254], status=status if status in MEMBER_STATUSES else None
        )

    def build(self) -> None:
        with ui.row().classes("items-end gap-2 w-full"):
            self.search = (
                ui.input("Name, e-mail or username, or #number", value=self.flt.search or "")
                .props("dense clearable maxlength=254")
                .mark("member-search")
                .classes("w-80")
            )
            self.status = select(STATUS_OPTIONS, value=self.flt.status, label="Status", classes="w-36").mark(
                "member-status"
            )
            self.country = select(COUNTRY_OPTIONS, value=None, label="Country", with_input=True, classes="w-56").mark(
                "member-country"
            )
            ui.button("Search", icon="search", on_click=self.apply).props("dense unelevated").mark("member-search-go")
            ui.button("Clear", on_click=self.clear).props("dense flat")
        self.problem = ui.label("").classes("text-negative text-sm")
        self.problem.visible = False
        self.table = PagedTable(COLUMNS, self.fetch, sort_by="created_at", descending=True)
        self.table.table.add_slot("body-cell-status", STATUS_CELL)
        self.table.rows_open(self.open_row, name_field="email")  # a click, or j / k and Enter
        keys = page_keys()
        keys.add_moves(self.table.move_cursor)
        keys.add("Enter", "Open the highlighted member", self.table.open_highlighted)
        self.search.on("keydown.enter", self.apply)
        self.status.on_value_change(self.apply)
        self.country.on_value_change(self.apply)
        ui.timer(0, self.apply, once=True)

    def fetch(self, page: PageRequest) -> Page[dict[str, Any]]:
        def work(session: Session) -> Page[dict[str, Any]]:
            result = list_members(session, actor=self.actor, flt=self.flt, page=page)
            return Page([row_of(m) for m in result.rows], result.total, result.estimated, result.request)

        return unit_of_work(work)()

    @staticmethod
    def open_row(row: dict[str, Any]) -> None:
        ui.navigate.to(f"/members/{int(row['id'])}")

    async def apply(self) -> None:
        self.flt = MemberFilter(
            search=(self.search.value or "").strip(), status=self.status.value, country=self.country.value
        )
        self.problem.visible = False
        await guarded(self.table.reload, summary=self.problem)

    async def clear(self) -> None:
        self.search.value, self.status.value, self.country.value = "", None, None
        await self.apply()


class MemberView:
    """One member: who they are, then what the staff member's permissions open (billing, moderation, audit)."""

    def __init__(self, actor: Actor, member_id: int) -> None:
        self.actor, self.member_id = actor, member_id
        with session_scope() as session:  # the first read: a missing member becomes the in-frame 404
            self.member = get_member(session, actor=actor, member_id=member_id)

    def build(self) -> None:
        """The header now; billing, moderation and history once the page is on screen (`ui.later`)."""
        self.host = ui.element("div")  # dialogs live here, outside the parts that refresh
        ui.link("← Members", "/members").classes("text-sm").mark("member-back")
        actor, member_id = self.actor, self.member_id
        with ui.row().classes("w-full items-start gap-4 no-wrap"):
            with ui.column().classes("grow min-w-0 gap-3"):
                self.header()
                if can(actor, Permission.BILLING_READ):
                    billing = unit_of_work(lambda s: member_billing(s, actor=actor, member_id=member_id))
                    later(billing, self.billing, marker="member-billing")
            if can(actor, Permission.MODERATION_READ) or can(actor, Permission.AUDIT_READ):
                with ui.column().classes("w-[420px] shrink-0 gap-3"):
                    if can(actor, Permission.MODERATION_READ):
                        moderation = unit_of_work(lambda s: member_moderation(s, actor=actor, member_id=member_id))
                        later(moderation, self.moderation_history, marker="member-moderation")
                    if can(actor, Permission.AUDIT_READ):
                        history = unit_of_work(
                            lambda s: events_for(s, actor=actor, entity="member", entity_id=member_id)
                        )
                        later(history, self.audit_history, marker="member-history")

    def billing(self, data: Any) -> None:
        MemberBillingPanel(self.actor, self.member_id, data, host=self.host).build()

    def header(self) -> None:
        m = self.member
        with ui.card().classes("w-full gap-2 p-3").mark("member-header"):
            with ui.row().classes("items-center gap-2"):
                ui.label(m.display_name).classes("text-lg font-semibold").mark("member-display-name")
                ui.badge(MEMBER_STATUS_LABELS.get(m.status, m.status)).props(
                    f"color={STATUS_COLOURS.get(m.status, 'grey-7')}"
                ).mark("member-status-badge")
                ui.badge(m.role).props("outline")
            with ui.grid(columns=4).classes("gap-x-6 gap-y-1 text-sm"):
                for label, value in [
                    ("Member #", str(m.id)),
                    ("E-mail", m.email),
                    ("Username", m.username),
                    ("Country", f"{m.country or ''} {country_name(m.country)}".strip()),
                    ("E-mail verified", "yes" if m.email_verified else "no"),
                    ("Two-factor", "on" if m.two_factor_enabled else "off"),
                    ("Date of birth", fmt_date(m.date_of_birth)),
                    ("Age verified", self._age_verified()),
                    ("Joined", fmt_dt(m.created_at)),
                    ("Last sign-in", fmt_dt(m.last_login_at)),
                    ("Deleted", fmt_dt(m.deleted_at)),
                ]:
                    ui.label(label).classes("opacity-70")
                    ui.label(value).classes("min-w-0 [overflow-wrap:anywhere]")  # a long e-mail wraps in its cell

    def _age_verified(self) -> str:
        m = self.member
        method = AGE_METHOD_LABELS.get(m.age_verification_method or "", m.age_verification_method or "method unknown")
        return f"yes ({method}, {fmt_dt(m.age_verified_at)})" if m.age_verified else "no"

    def moderation_history(self, h: dict[str, Any]) -> None:
        if h.get("missing"):
            return
        with ui.card().classes("w-full gap-1 p-3").mark("member-moderation"):
            ui.label("Moderation").classes("font-semibold")
            until = until_facts(h)
            ui.label(" · ".join([f"{plural(h['cases_about'], 'case')} about them", *until])).classes(
                "text-xs opacity-70"
            )
            strike_lines(h["strikes"], mark="member-strike")
            decision_lines(h["decisions"], heading="Decisions", mark="member-decision")
            cases = h.get("cases") or []
            ui.label(f"Reports about the member ({plural(len(cases), 'case')})").classes("text-xs font-semibold pt-1")
            for c in cases:
                with ui.row().classes("items-center gap-2 text-xs").mark("member-case"):
                    ui.link(f"#{c['id']}", f"/moderation/cases/{int(c['id'])}")
                    ui.label(f"{CASE_STATUS_LABELS.get(c['status'], c['status'])} · {c['reason']} · {fmt_dt(c['at'])}")

    @staticmethod
    def audit_history(history: list[Any]) -> None:
        with ui.card().classes("w-full gap-1 p-3").mark("member-history"):
            ui.label("History").classes("font-semibold")
            if not history:
                ui.label("No recorded changes.").classes("text-sm opacity-70")
            for event in history:
                with ui.row().classes("text-sm gap-3"):
                    ui.label(fmt_dt(event.occurred_at)).classes("opacity-70")
                    ui.label(action_words(event.action)).tooltip(event.action).mark("member-history-what")  # as /audit
                    ui.label(event.actor_label)


def register() -> None:
    @staff_page("/members", title="Members", permission=Permission.MEMBERS_READ)
    def members_page(info: SessionInfo) -> None:
        request: Request = ui.context.client.request
        MembersListView(info.actor, dict(request.query_params)).build()

    @staff_page("/members/{member_id}", title="Member", permission=Permission.MEMBERS_READ)
    def member_detail(info: SessionInfo, member_id: str) -> None:
        # A str parameter: a non-numeric address gets the in-frame 404, not FastAPI's JSON 422.
        if not (member_id.isascii() and member_id.isdigit()):
            raise NotFound(f"There is no member #{member_id[:40]}.")
        MemberView(info.actor, int(member_id)).build()
