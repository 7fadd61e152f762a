"""/moderation: the queue of cases (not reports), server-paged, with the metrics strip, the filter bar, bulk
dismiss/resolve with one reason, and the keyboard: j/k move the highlight, Enter opens, x selects, n claims the
next case and opens it, r reloads. The queue watches itself: every WATCH_SECONDS it reads the shown page again and
follows what other moderators and new reports changed, at once while the moderator is not working the list, else
with a line that says so."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from nicegui import run, ui
from sqlalchemy.orm import Session
from starlette.requests import Request

from console.actor import Actor
from console.db import utcnow
from console.errors import ConsoleError
from console.moderation.models import LIVE_CASE_STATES, ModerationCase
from console.moderation.pages.common import (
    TYPE_COLOURS,
    age_text,
    closed_text,
    minutes_text,
    open_next_case,
    reasons_text,
    type_label,
)
from console.moderation.service import decisions, priority, queue
from console.moderation.service.decisions import BulkLine
from console.moderation.service.queue import CaseFilter, QueueMetrics
from console.moderation.service.targets import TARGET_LABELS
from console.paging import Page, PageRequest
from console.staff.permissions import Permission, can
from console.ui.bulk_bar import BulkBar, OutcomeTable
from console.ui.dialog_draft import draft_key, selection
from console.ui.filter_bar import FilterBar, FilterField, replace_address
from console.ui.formatting import fmt_dt, in_viewer_zone
from console.ui.keymap import page_keys
from console.ui.later import when_connected
from console.ui.paged_table import OPEN_ROW_CLASS, PagedTable, column, id_column
from console.ui.reason_dialog import ReasonDialog
from console.ui.session import require_live_session, unattended
from console.ui.work import call, unit_of_work

FILTERS = [
    FilterField(
        "status",
        "Status",
        options={
            "live": "Open, claimed, escalated",
            "open": "Open",
            "claimed": "Claimed",
            "escalated": "Escalated",
            "resolved": "Resolved",
            "dismissed": "Dismissed",
            "all": "All",
        },
        default="live",
        width="w-48",
    ),
    FilterField("target_type", "Target", options={None: "Any target", **TARGET_LABELS}, width="w-36"),
    FilterField(
        "reason",
        "Reason",
        options={None: "Any reason", **{k: v.split(" (")[0] for k, v in priority.REASON_LABELS.items()}},
        width="w-44",
    ),
    FilterField(
        "assignee",
        "Assignee",
        options={"anyone": "Anyone", "mine": "Mine", "unassigned": "Unassigned"},
        default="anyone",
    ),
    FilterField("older_than_hours", "Older than (hours)", number=True, maximum=24 * 366, width="w-36"),
    FilterField("min_priority", "Min. priority", number=True, maximum=100_000, width="w-32"),
    FilterField("sla", "SLA", options={None: "Any SLA", "past": "Past SLA"}, width="w-28"),
    FilterField("urgency", "Urgency", options={None: "Any case", "emergency": "Emergencies"}, width="w-32"),
    FilterField(
        "sort", "Sort", options={"priority": "Highest priority first", "oldest": "Oldest first"}, default="priority"
    ),
]


T = TypeVar("T")
WATCH_SECONDS = 20.0  # how often the queue reads its shown page again (one indexed query, the page's own)


def signature(page: Page[dict[str, Any]] | None) -> tuple[Any, ...]:
    """What makes a shown page out of date: its cases, their status, assignee and report counts, and the total
    when it is exact. Not the age, priority or SLA text, which move with the clock alone."""
    if page is None:
        return ()
    rows = tuple((r["id"], r["status"], r["assignee"], r["reports"], r["reporters"], r["emergency"]) for r in page.rows)
    return rows, None if page.estimated else page.total


COLUMNS = [
    column("cursor", ""),
    id_column(),
    column("target", "Target"),
    column("reports", "Reports", "right"),
    column("reporters", "Reporters", "right"),
    column("reasons", "Reasons", clip="12rem"),
    column("age", "Age", "right"),
    column("priority", "Priority", "right"),
    column("assignee", "Assignee"),
    column("sla", "SLA due"),
]
STATUS_BADGES = {"escalated": "Escalated", "resolved": "Resolved", "dismissed": "Dismissed"}
# Vue interpolation ({{ }}) renders the platform's text as text: a comment body in target_label stays inert.
OUTCOMES = OutcomeTable(("case_id", "Case"), ("target", "Target"), ("closed", "ok"), mark="bulk-result")
CURSOR_CELL = '<q-td :props="props"><q-icon v-if="props.row.cursor" name="play_arrow" color="primary" /></q-td>'
TARGET_CELL = """<q-td :props="props" class="max-w-[18rem] truncate" :title="props.row.target_label">
  <q-badge v-if="props.row.emergency" color="negative" label="EMERGENCY" class="q-mr-xs text-weight-bold" />
  <q-badge v-if="props.row.status_badge" color="deep-purple-6" :label="props.row.status_badge" class="q-mr-xs" />
  <q-badge outline :color="props.row.type_colour" :label="props.row.type_label" class="q-mr-xs" />
  <span>{{ props.row.target_label }}</span></q-td>"""
SLA_CELL = """<q-td :props="props" :title="props.row.sla_at">
  <span :class="props.row.sla_past ? 'text-negative text-weight-bold' : ''">{{ props.value }}</span></q-td>"""


def row_of(case: ModerationCase, names: dict[int, str], now: datetime) -> dict[str, Any]:
    """One queue row, plain values only."""
    live = case.status in LIVE_CASE_STATES
    return {
        "id": case.id,
        "cursor": False,
        "emergency": case.emergency,
        "type_label": type_label(case.target_type),
        "type_colour": TYPE_COLOURS.get(case.target_type, "grey-8"),
        "target_label": case.target_label,
        "status": case.status,
        # open and claimed need no badge (the assignee column says who holds it); escalated waits for a senior
        # moderator, and a closed case shows in the "all" views
        "status_badge": None if case.status in ("open", "claimed") else STATUS_BADGES.get(case.status, case.status),
        "reports": case.report_count,
        "reporters": case.reporter_count,
        "reasons": reasons_text(case.reason_counts or {}),
        "age": age_text(case.first_report_at, now),
        "priority": priority.shown_priority(case.base_priority, case.first_report_at, now),
        "assignee": names.get(case.assignee_id, "") if case.assignee_id else "",
        "sla": sla_text(case.sla_due_at, now, live=live),
        "sla_at": fmt_dt(case.sla_due_at),
        "sla_past": live and case.sla_due_at < now,
    }


def sla_text(due: datetime, now: datetime, *, live: bool) -> str:
    """A live case's SLA as the time left or the time over ("in 5 h", "3 d 2 h late"), which is what a moderator
    scans for and fits the table; a closed case's as the time it was due. The cell's hover shows the exact time."""
    if not live:
        return fmt_dt(due)
    return f"{age_text(due, now)} late" if due < now else f"in {age_text(now, due)}"


class QueueView:
    """The queue: metrics on top, filters, bulk actions and the paged cases."""

    def __init__(self, actor: Actor, params: dict[str, str]) -> None:
        self.actor, self.params = actor, params
        self.can_act = can(actor, Permission.MODERATION_ACT)
        self.metrics_data: QueueMetrics | None = None
        self.watching = False  # one watch read at a time

    def build(self) -> None:
        self.host = ui.element("div")  # dialogs live here, outside the parts that refresh
        self.metrics_strip()
        self.toolbar()
        self.changed_line()
        self.filters = FilterBar(CaseFilter, FILTERS, on_apply=self.apply_filter, initial=self.params, mark="queue")
        self.bulk_bar = BulkBar(allowed=self.can_act, mark="bulk", actions=self.bulk_actions)
        self.table = PagedTable(
            COLUMNS, self.fetch, on_row_click=self.open_row, selection="multiple" if self.can_act else None
        )
        self.table.table.props[":table-row-class-fn"] = OPEN_ROW_CLASS  # the highlighted row (j/k)
        self.table.table.add_slot("body-cell-cursor", CURSOR_CELL)
        self.table.table.add_slot("body-cell-target", TARGET_CELL)
        self.table.table.add_slot("body-cell-sla", SLA_CELL)
        self.bulk_bar.attach(self.table)
        self.register_keys()
        when_connected(self.reload, name="pages.queue: reload")
        ui.timer(WATCH_SECONDS, self.watch, immediate=False)

    def register_keys(self) -> None:
        keys = page_keys()
        keys.add_moves(self.move)
        keys.add("Enter", "Open the highlighted case", self.open_highlighted)
        if self.can_act:
            keys.add("x", "Select or unselect the highlighted case", self.bulk_bar.toggle_highlighted)
            keys.add("n", "Next case: claim the highest priority one and open it", self.next_case)
        keys.add("r", "Reload the queue and the numbers", self.reload)

    # --- parts -----------------------------------------------------------------------------------------------

    @ui.refreshable_method
    def metrics_strip(self) -> None:
        m = self.metrics_data
        with ui.row().classes("w-full items-center gap-6 p-2 rounded console-strip").mark("queue-metrics"):
            if m is None:
                ui.label("Loading the numbers…").classes("text-sm opacity-70")
                return
            now = utcnow()
            self._emergencies(m)
            self._metric("Open cases", f"{'≈' if m.open_estimated else ''}{m.open_cases:,}", "metric-open")
            self._metric("Oldest waiting", age_text(m.oldest_at, now), "metric-oldest")
            self._metric(
                "First action, last 7 days",
                f"p50 {minutes_text(m.first_action_p50_min)} · p90 {minutes_text(m.first_action_p90_min)}",
                "metric-first-action",
            )
            self._metric("Closed today", closed_text(m.resolved_today), "metric-resolved")

    @staticmethod
    def _emergencies(m: QueueMetrics) -> None:
        """First and red while any is open; a link to the emergencies alone."""
        with ui.column().classes("gap-0"):
            value = f"{'≈' if m.emergencies_estimated else ''}{m.emergencies:,}"
            tone = "text-negative" if m.emergencies else ""
            ui.link(value, "/moderation?urgency=emergency").classes(f"text-lg font-semibold {tone}").mark(
                "metric-emergencies"
            )
            ui.label("Open emergencies").classes("text-xs opacity-70")

    @staticmethod
    def _metric(label: str, value: str, mark: str) -> None:
        with ui.column().classes("gap-0"):
            ui.label(value).classes("text-lg font-semibold").mark(mark)
            ui.label(label).classes("text-xs opacity-70")

    def toolbar(self) -> None:
        with ui.row().classes("w-full items-center gap-2"):
            if self.can_act:
                ui.button("Next case (n)", icon="skip_next", on_click=self.next_case).props(
                    "dense unelevated no-caps color=primary"
                ).mark("queue-next")
            ui.button("Reload (r)", icon="refresh", on_click=self.reload).props("dense flat no-caps").mark(
                "queue-reload"
            )
            ui.space()
            ui.link("Appeals", "/moderation/appeals").classes("text-sm").mark("queue-appeals-link")
            ui.label("Press ? for the keys").classes("text-xs opacity-60")

    def changed_line(self) -> None:
        """Where the watch says the queue changed while the moderator was working the list (built when first
        needed: most opens never show it)."""
        self.changed_host = ui.element("div").classes("w-full")
        self.changed: ui.row | None = None

    def show_changed(self, shown: bool) -> None:
        if self.changed is None:
            if not shown:
                return
            with self.changed_host, ui.row().classes("w-full items-center gap-2 px-2 py-1 rounded bg-amber-1") as row:
                ui.icon("update").classes("text-amber-9")
                ui.label("Cases changed since this list was loaded: new reports, or cases others took or closed.")
                ui.button("Reload (r)", on_click=self.reload).props("dense flat no-caps").mark("queue-changed-reload")
            self.changed = row.classes("text-sm text-black").mark("queue-changed")
        self.changed.visible = shown

    def bulk_actions(self) -> None:
        ui.button("Dismiss…", icon="block", on_click=lambda: self.bulk("dismiss")).props("dense flat no-caps").mark(
            "bulk-dismiss"
        )
        ui.button("Resolve…", icon="task_alt", on_click=lambda: self.bulk("resolve")).props("dense flat no-caps").mark(
            "bulk-resolve"
        )

    # --- loading ---------------------------------------------------------------------------------------------

    def fetch(self, page: PageRequest) -> Page[dict[str, Any]]:
        """One page of cases and their assignees' names, in one unit of work (runs off the event loop)."""

        def work(session: Session) -> Page[dict[str, Any]]:
            found = queue.list_cases(session, actor=self.actor, flt=self.filters.current, page=page)
            names = queue.staff_names(
                session, actor=self.actor, staff_ids={c.assignee_id for c in found.rows if c.assignee_id}
            )
            now = utcnow()
            return Page([row_of(c, names, now) for c in found.rows], found.total, found.estimated, found.request)

        return unit_of_work(work)()

    async def reload(self) -> None:
        self.show_changed(False)
        await self.table.reload(first_page=False)
        await self.reload_metrics()

    async def reload_metrics(self) -> None:
        ok, data = await call(lambda s: queue.metrics(s, actor=self.actor))
        if ok:
            self.metrics_data = data
            self.metrics_strip.refresh()

    async def apply_filter(self, _flt: CaseFilter) -> None:
        replace_address(self.filters.address_params())  # Back from a case, or "← Queue", keeps the filters
        self.bulk_bar.clear()
        self.show_changed(False)
        await self.table.reload()

    def working(self) -> bool:
        """Whether the moderator is working the list: a row highlighted or selected, or a dialog open."""
        dialogs = (d for d in self.host.descendants() if isinstance(d, ui.dialog))
        return self.table.cursor >= 0 or bool(self.table.table.selected) or any(d.value for d in dialogs)

    async def watch(self) -> None:
        """The shown page read again, unattended (it never keeps the session from idling out); when it changed,
        the table and the numbers follow at once unless the moderator is working it, who gets the line and `r`."""
        request = self.table.shown_request()
        if request is None or self.watching:
            return
        self.watching = True
        try:
            fresh = await self.unattended_read(lambda: self.fetch(request))
            if fresh is None or signature(fresh) == signature(self.table.last_page):
                return  # nothing changed, the session ended (the frame says so), or refused or shutting down
            if self.working() or self.table.shown_request() != request:
                self.show_changed(True)
                return
            self.table.show(fresh, request)
            metrics = await self.unattended_read(unit_of_work(lambda s: queue.metrics(s, actor=self.actor)))
            if metrics is not None:
                self.metrics_data = metrics
                self.metrics_strip.refresh()
        finally:
            self.watching = False

    @staticmethod
    async def unattended_read(fn: Callable[[], T]) -> T | None:
        """`fn` off the event loop as the page's own read (`ui.session.unattended`); None when the session ended,
        the server is shutting down or the read was refused (a role taken away: the next deliberate action says so)."""
        try:
            return await run.io_bound(in_viewer_zone(unattended(fn)))
        except ConsoleError:
            return None

    # --- moving and opening ----------------------------------------------------------------------------------

    def move(self, step: int) -> None:
        self.table.move_cursor(step)

    def open_highlighted(self) -> None:
        row = self.table.highlighted()
        if row is None:
            ui.notify("Highlight a case first (j / k).", type="info")
            return
        self.open_row(row)

    @staticmethod
    def open_row(row: dict[str, Any]) -> None:
        ui.navigate.to(f"/moderation/cases/{int(row['id'])}")

    async def next_case(self) -> None:
        await open_next_case(self.actor)

    # --- bulk ------------------------------------------------------------------------------------------------

    async def bulk(self, action: str) -> None:
        chosen = list(self.table.table.selected)
        ids = [int(r["id"]) for r in chosen]
        if not ids or require_live_session() is None:
            return
        verb = "Dismiss" if action == "dismiss" else "Resolve"
        effect = (
            "Each case is closed with no violation found; its reporters get the “no violation” answer."
            if action == "dismiss"
            else "Each case is closed as handled; it needs an action already taken on it, or it is refused."
        )
        dialog = ReasonDialog(
            f"{verb} {len(ids):,} case{'s' if len(ids) != 1 else ''}?",
            f"{effect}\nCases someone else is reviewing are refused and listed.",
            ok_label=verb,
            danger=action == "dismiss",
            host=self.host,
            mark="bulk-reason",
            draft=draft_key(self.actor, "cases", action, selection(ids)),
        )
        lines: list[BulkLine] = []

        async def confirmed(reason: str) -> bool:
            ok, result = await dialog.attempt(
                unit_of_work(
                    lambda s: decisions.bulk_close(s, actor=self.actor, case_ids=ids, action=action, reason=reason)
                )
            )
            lines.extend(result or [])
            return ok

        if not await dialog.ask(confirmed):
            return
        self.show_bulk_result(verb, lines, {int(r["id"]): str(r["target_label"]) for r in chosen})
        self.bulk_bar.clear()
        await self.reload()

    def show_bulk_result(self, verb: str, lines: list[BulkLine], labels: dict[int, str]) -> None:
        OUTCOMES.show(verb, lines, labels, host=self.host)


def queue_route(actor: Actor) -> None:
    request: Request = ui.context.client.request
    QueueView(actor, dict(request.query_params)).build()
