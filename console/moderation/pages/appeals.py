"""/moderation/appeals: members' appeals of strikes, open first (tabs for upheld and overturned), server-paged.
A row opens the appeal beside the table: the strike, the decision and its case, the member's text, and
Uphold… / Overturn… with a required note. The service refuses the moderator who decided the strike (the
message is shown in the dialog); overturning reverses the decision and the result lists what that did."""

from __future__ import annotations

from typing import Any, cast

from nicegui import ui
from sqlalchemy.orm import Session
from starlette.requests import Request

from console.actor import Actor
from console.moderation.pages.member_record import STRIKE_LABELS
from console.moderation.service import appeals
from console.moderation.service.appeals import AppealRow
from console.moderation.service.decisions import ACTION_LABELS
from console.paging import Page, PageRequest
from console.staff.permissions import Permission, can
from console.ui.dialog_draft import draft_key
from console.ui.filter_bar import list_address
from console.ui.formatting import fmt_dt
from console.ui.keymap import page_keys
from console.ui.later import when_connected
from console.ui.paged_table import OPEN_ROW_CLASS, PagedTable, column, id_column
from console.ui.reason_dialog import ReasonDialog
from console.ui.session import require_live_session
from console.ui.work import unit_of_work

TABS = {"open": "Open", "upheld": "Upheld", "overturned": "Overturned"}
PREVIEW = 160


COLUMNS = [
    id_column(),
    column("created", "Filed", clip="9.5rem"),
    column("member", "Member", clip="8rem"),
    column("strike", "Strike", clip="8rem"),
    column("decision", "Decision", clip="10rem", wide=True),
    column("case", "Case", "right"),
    column("preview", "Appeal", clip="8rem"),  # the whole text in the panel beside the list
]


def row_of(r: AppealRow) -> dict[str, Any]:
    """One appeal as plain values (the table and the panel beside it show these, escaped)."""
    a, s, d = r.appeal, r.strike, r.decision
    return {
        "id": a.id,
        "version": a.version,
        "status": a.status,
        "created": fmt_dt(a.created_at),
        "member": f"@{r.member_username}",
        "member_id": a.member_id,
        "strike": f"{STRIKE_LABELS.get(s.kind, s.kind)}: {s.reason}"[:200],
        "strike_kind": STRIKE_LABELS.get(s.kind, s.kind),
        "strike_reason": s.reason,
        "strike_at": fmt_dt(s.created_at),
        "decision": f"{ACTION_LABELS.get(d.action, d.action)} · {r.decided_by}" if d else "—",
        "decision_reason": d.reason if d else "",
        "decided_by_id": d.actor_id if d else None,  # who decided the strike may not decide its appeal
        "case": s.case_id or "",
        "body": a.body,
        "preview": a.body if len(a.body) <= PREVIEW else a.body[: PREVIEW - 1] + "…",
        "decided": f"{fmt_dt(a.decided_at)}: {a.decision_note}" if a.decided_at else "",
    }


class AppealsView:
    def __init__(self, actor: Actor, status: str) -> None:
        self.actor = actor
        self.status = status if status in TABS else "open"
        self.selected: dict[str, Any] | None = None

    def build(self) -> None:
        self.host = ui.element("div")  # dialogs live here, outside the parts that refresh
        with ui.row().classes("items-center w-full"):
            ui.link("← Queue", list_address("/moderation")).classes("text-sm")
        with (
            ui.tabs(value=cast(Any, self.status), on_change=lambda e: self.switch(e.value))
            .classes("w-full")
            .mark("appeals-tabs")
        ):
            for key, label in TABS.items():
                ui.tab(key, label=label).mark(f"appeals-tab-{key}")
        with ui.row().classes("w-full items-start gap-4 no-wrap"):
            with ui.column().classes("grow min-w-0"):
                self.table = PagedTable(COLUMNS, self.fetch, sort_by=None, descending=False, on_row_click=self.select)
                self.table.table.props[":table-row-class-fn"] = OPEN_ROW_CLASS  # clickable rows, the j/k highlight
            with ui.column().classes("w-[340px] 2xl:w-[440px] shrink-0"):
                self.detail()
        page_keys().add_moves(self.move, down="Next appeal: highlight it and show it beside the list", up="Previous")
        when_connected(self.table.reload, name="pages.appeals: reload")

    def move(self, step: int) -> None:
        """j / k: the highlight down or up the list, the highlighted appeal shown beside it (as the billing lists)."""
        self.table.move_cursor(step)
        row = self.table.highlighted()
        if row is not None:
            self.select(row)

    def fetch(self, page: PageRequest) -> Page[dict[str, Any]]:
        def work(session: Session) -> Page[dict[str, Any]]:
            found = appeals.list_appeals(session, actor=self.actor, status=self.status, page=page)
            return Page([row_of(r) for r in found.rows], found.total, found.estimated, found.request)

        return unit_of_work(work)()

    async def switch(self, status: str) -> None:
        if status in TABS and status != self.status:
            self.status, self.selected = status, None
            self.detail.refresh()
            await self.table.reload()

    def select(self, row: dict[str, Any]) -> None:
        self.selected = row
        self.detail.refresh()

    @ui.refreshable_method
    def detail(self) -> None:
        row = self.selected
        if row is None:
            ui.label("Choose an appeal to read it and decide it.").classes("text-sm opacity-70")
            return
        with ui.card().classes("w-full gap-1 p-3").mark("appeal-detail"):
            status = TABS.get(row["status"], row["status"])
            ui.label(f"Appeal #{row['id']} · {status} · filed {row['created']}").classes("font-semibold")
            ui.link(row["member"], f"/members/{int(row['member_id'])}").classes("text-sm")
            ui.label(f"Strike: {row['strike_kind']} ({row['strike_at']})").classes("text-sm")
            ui.label(row["strike_reason"]).classes("text-sm opacity-80").mark("appeal-strike-reason")
            ui.label(f"Decision: {row['decision']}").classes("text-sm").mark("appeal-decision")
            if row["case"]:
                ui.link(f"Case #{row['case']}", f"/moderation/cases/{int(row['case'])}").classes("text-sm").mark(
                    "appeal-case-link"
                )
            ui.label("The member wrote:").classes("text-xs opacity-70 pt-2")
            ui.label(row["body"]).classes(
                "text-sm whitespace-pre-wrap break-words p-2 rounded bg-grey-2 text-black"
            ).mark("appeal-body")
            if row["decided"]:
                ui.label(f"Decided {row['decided']}").classes("text-sm").mark("appeal-decided")
            if row["status"] == "open" and can(self.actor, Permission.MODERATION_APPEALS):
                self.decision_buttons(row)

    def decision_buttons(self, row: dict[str, Any]) -> None:
        """Uphold / Overturn, or why not: the moderator who decided the strike may not decide its appeal (the
        service refuses it; offered anyway, the refusal came only after the note was typed)."""
        with ui.row().classes("justify-end w-full pt-2"):
            if row["decided_by_id"] is not None and row["decided_by_id"] == self.actor.staff_id:
                ui.label("You decided this strike: another moderator decides its appeal.").classes(
                    "text-xs text-orange-9"
                ).mark("appeal-own")
                return
            ui.button("Uphold…", on_click=lambda: self.decide(False)).props("dense outline no-caps").mark(
                "appeal-uphold"
            )
            ui.button("Overturn…", on_click=lambda: self.decide(True)).props(
                "dense unelevated no-caps color=warning"
            ).mark("appeal-overturn")

    async def decide(self, overturn: bool) -> None:
        row = self.selected
        if row is None or require_live_session() is None:
            return
        appeal_id, version = int(row["id"]), int(row["version"])
        effect = (
            "The strike is overturned and its decision reversed (the comment shown, the message restored, the "
            "sanction lifted …), each with its own audit event."
            if overturn
            else "The strike stands; the member is told the appeal was refused."
        )
        dialog = ReasonDialog(
            "Overturn the strike?" if overturn else "Uphold the strike?",
            effect,
            ok_label="Overturn" if overturn else "Uphold",
            reason_label="Note (required; kept in the audit log)",
            max_length=appeals.NOTE_MAX,
            danger=False,
            host=self.host,
            mark="appeal",
            draft=draft_key(self.actor, "appeal", appeal_id, "overturn" if overturn else "uphold"),
        )
        outcome: dict[str, Any] = {}

        async def confirmed(note: str) -> bool:
            def work(session: Session) -> tuple[str, list[str]]:
                appeal, done = appeals.decide_appeal(
                    session,
                    actor=self.actor,
                    appeal_id=appeal_id,
                    overturn=overturn,
                    note=note,
                    expected_version=version,
                )
                return appeal.status, done

            ok, result = await dialog.attempt(unit_of_work(work))
            if ok and result is not None:
                outcome["status"], outcome["done"] = result
            return ok

        if not await dialog.ask(confirmed):
            return
        self.show_result(appeal_id, outcome["status"], outcome["done"])
        self.selected = None
        self.detail.refresh()
        await self.table.reload(first_page=False)

    def show_result(self, appeal_id: int, status: str, done: list[str]) -> None:
        with self.host, ui.dialog() as dialog, ui.card().classes("min-w-[420px]").mark("appeal-result"):
            ui.label(f"Appeal #{appeal_id} {status}.").classes("text-lg font-semibold").mark("appeal-result-title")
            if done:
                ui.label("What the reversal did:").classes("text-sm")
                for line in done:
                    ui.label(f"• {line}").classes("text-sm").mark("appeal-result-line")
            ui.button("Close", on_click=dialog.close).props("flat").mark("appeal-result-close")
        dialog.on_value_change(lambda e: None if e.value else dialog.delete())
        dialog.open()


def appeals_route(actor: Actor) -> None:
    request: Request = ui.context.client.request
    AppealsView(actor, request.query_params.get("status") or "open").build()
