"""The audit log page: filters, newest-first server-paged events, readable before/after, chain state."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from nicegui import run, ui

from console.audit.anchor import CheckpointStatus, last_status
from console.audit.checkpoints import CheckpointFileError
from console.audit.models import AuditEvent
from console.audit.service import AuditFilter, EventKind, VerifyResult, iter_diff, list_events
from console.audit.verify_worker import chain_check
from console.audit.words import action_words, field_words, subject_words
from console.config import get_settings
from console.db import session_scope
from console.errors import ValidationFailed
from console.paging import Page, PageRequest
from console.staff.auth import SessionInfo
from console.staff.names import names_of
from console.staff.permissions import Permission
from console.ui.date_field import date_field
from console.ui.formatting import fmt_dt, fmt_value, viewer_zone
from console.ui.forms import element_label, field_message
from console.ui.keymap import page_keys
from console.ui.later import when_connected
from console.ui.page import staff_page
from console.ui.paged_table import PagedTable, column, id_column

COLUMNS: list[dict[str, Any]] = [
    id_column(),
    column("occurred_at", "When"),
    column("actor", "Actor", clip="11rem"),
    column("what", "Action", clip="13rem"),
    column("entity", "Entity", clip="11rem"),
    column("changes", "Changes", clip="12rem"),
    column("ip", "IP"),
    # no Open column: the line must fit a 1,366 px screen; rows open by click, or j / k and Enter
]
KINDS: dict[EventKind, str] = {"changes": "Changes", "jobs": "Jobs", "reads": "Reads", "all": "All"}
DEFAULT_KIND: EventKind = "changes"
FACT_PREFIXES = ("auth.",)  # events whose fields describe the event itself, not a change to a row
# Long cells end in "…" with the whole value on hover; the IP never wraps or cuts (an IPv6 address is up to 45
# characters) and is set in a monospace font. Vue's {{ }} escapes the text.
IP_CELL = (
    '<q-td :props="props" class="font-mono audit-ip" style="white-space: nowrap" :title="props.value">'
    "{{ props.value }}</q-td>"
)


class ChainStateView:
    """The top of the audit page: the chain's verdict from the process-wide verification (verify_worker.chain_check,
    which no page owns: leaving the page never cancels it) and the newest checkpoint outside the database."""

    def __init__(self) -> None:
        self.icon: ui.spinner | None = None
        self.text: ui.label | None = None
        self.anchor: ui.label | None = None

    def build(self) -> None:
        with ui.row().classes("items-center gap-2 chain-state").mark("chain-state"):
            self.icon = ui.spinner(size="sm")
            self.text = ui.label("Verifying the hash chain…").classes("text-sm")
        self.anchor = ui.label("").classes("text-xs opacity-70").mark("checkpoint-state")
        ui.timer(0.05, self.refresh, once=True)

    async def refresh(self, force: bool = False) -> None:
        assert self.icon is not None and self.text is not None
        if force or chain_check.fresh() is None:
            self.icon.set_visibility(True)
            self.text.text = "Verifying the hash chain…"
            self.text.classes(replace="text-sm")
        try:
            result = await chain_check.get(force=force)
        except CheckpointFileError as exc:
            self._show_problem(f"✗ Cannot verify against the checkpoints: {exc.message}")
        except Exception:  # logged by chain_check; never a stack trace in front of staff
            self._show_problem("✗ The chain could not be verified (see the server log). Try again later.")
        else:
            self._show(result)
        await self.show_checkpoint()

    def _show_problem(self, message: str) -> None:
        assert self.icon is not None and self.text is not None
        self.icon.set_visibility(False)
        self.text.text = message
        self.text.classes(replace="text-sm text-negative")

    def _show(self, result: VerifyResult) -> None:
        assert self.icon is not None and self.text is not None
        self.icon.set_visibility(False)
        when = f" Checked at {fmt_dt(chain_check.finished_at, seconds=True)}." if chain_check.finished_at else ""
        if result.ok:
            n = result.checkpoints
            against = f" Matches {n:,} checkpoint{'s' if n != 1 else ''}." if n else ""
            self.text.text = f"✓ Chain intact: {result.checked:,} events verified.{against}{when}"
            self.text.classes(replace="text-sm text-positive")
        else:
            where = f" at event #{result.first_broken_id}" if result.first_broken_id is not None else ""
            self.text.text = (
                f"✗ Chain BROKEN{where}: {result.problem}. Stop and tell security; do not edit the database.{when}"
            )
            self.text.classes(replace="text-sm text-negative font-semibold")

    async def show_checkpoint(self) -> None:
        assert self.anchor is not None
        try:
            status = await run.io_bound(last_status)
        except CheckpointFileError as exc:
            self.anchor.text, style = f"Last checkpoint: {exc.message}", "text-xs text-negative"
        else:
            if status is None:  # the server is shutting down
                return
            self.anchor.text, style = checkpoint_text(status)
        self.anchor.classes(replace=style)


ISO_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


# Fields that hold a staff member's id ("claimed_by_id": 5): the event's details name them ("Demo Ads (#5)").
STAFF_FIELD = re.compile(r"[a-z_]+_by_id|assignee_id")


def shown(value: Any, field: str = "", staff: dict[str, str] | None = None) -> str:
    """A stored value as the page shows it: a UTC stamp ("2026-11-30T23:26:50.825844Z") in the viewer's zone to
    the second, like the Time column; a staff id by name ("Demo Ads (#5)"); true/false as Yes/No; anything else
    as `fmt_value` writes it."""
    if staff and STAFF_FIELD.fullmatch(field) and str(value) in staff and not isinstance(value, bool):
        return f"{staff[str(value)]} (#{value})"
    if isinstance(value, str) and ISO_STAMP.fullmatch(value):
        try:
            return fmt_dt(datetime.fromisoformat(value), seconds=True)
        except ValueError:
            pass
    if isinstance(value, bool):  # "Two-factor (TOTP): Yes" (QA: a raw "false"); the stored value is beside it
        return "Yes" if value else "No"
    return fmt_value(value)


def checkpoint_text(status: CheckpointStatus) -> tuple[str, str]:
    """The line about the newest checkpoint and its style."""
    checkpoint = status.checkpoint
    if checkpoint is None:
        minutes = get_settings().audit_checkpoint_minutes
        every = f"every {minutes} minutes and " if minutes else ""
        return f"Last checkpoint: none yet (one is written {every}after each verification).", "text-xs opacity-70"
    head = f"Last checkpoint: event #{checkpoint.id:,} at {shown(checkpoint.at)}"
    if status.state == "matches":
        return f"{head}, matches the database.", "text-xs opacity-70"
    if status.state == "missing":
        return f"{head}, MISSING from the database: the newest events were deleted.", "text-xs text-negative"
    return f"{head}, DIFFERS from the database: the chain was rewritten.", "text-xs text-negative"


def day_range(
    first: str | None, last: str | None, zone: ZoneInfo
) -> tuple[datetime | None, datetime | None, dict[str, str]]:
    """From and To as days of `zone` (the viewer's: the table shows their times, so the filter's days are theirs):
    (UTC start, UTC end exclusive, field errors). The end is the next local midnight, 23 or 25 hours after a
    clock-change day's start."""
    errors: dict[str, str] = {}
    days: list[datetime | None] = []
    for field, value in (("since", first), ("until", last)):
        try:
            days.append(datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=zone) if value else None)
        except ValueError:
            errors[field] = "must be a date like 2025-01-31"
            days.append(None)
    start, end = days
    if start and end and end < start:  # said on the field the person typed ("To"), not as the service's "Until"
        errors["until"] = "must not be before the start date"
    return (
        start.astimezone(UTC) if start else None,
        (end + timedelta(days=1)).astimezone(UTC) if end else None,  # wall-clock arithmetic, then to UTC
        errors,
    )


def staff_ids_in(events: list[AuditEvent]) -> set[int]:
    found: set[int] = set()
    for e in events:
        for key, before, after in iter_diff(e.before, e.after):
            if STAFF_FIELD.fullmatch(key):
                found.update(v for v in (before, after) if isinstance(v, int) and not isinstance(v, bool))
    return found


def event_row(e: AuditEvent, staff: dict[int, str] | None = None) -> dict[str, Any]:
    """One event as a table row (the dialog reads before/after, reason and hash from it; `staff` names the staff
    ids its fields hold)."""
    # a sign-in's fields are facts of the event (the e-mail typed, whether a code was used), not changes: the
    # Changes column left "Email, Two-factor (TOTP)" on every sign-in (QA); the details still show them
    changed = [] if e.action.startswith(FACT_PREFIXES) else [k for k, _, _ in iter_diff(e.before, e.after)]
    return {
        "id": e.id,
        "occurred_at": fmt_dt(e.occurred_at, seconds=True),  # the viewer's zone, named
        "actor": e.actor_label,
        "what": action_words(e.action),  # in words; the stored code is in the dialog (it is what the filter takes)
        "action": e.action,
        "code": f"{e.action} · {e.entity} {e.entity_id or ''}".strip(),
        "entity": subject_words(e.entity, e.entity_id),
        "changes": ", ".join(field_words(k) for k in changed[:6]) + (" …" if len(changed) > 6 else ""),
        "ip": e.ip or "",
        "before": e.before,
        "after": e.after,
        "reason": e.reason or "",
        "hash": e.hash,
        "staff": {str(i): staff[i] for i in staff_ids_in([e]) if i in staff} if staff else {},
    }


class AuditLogView:
    """The events: a kind toggle (changes by default) and filters, the server-paged table, one event's details."""

    def __init__(self, info: SessionInfo) -> None:
        self.info = info
        self.flt = AuditFilter(kind=DEFAULT_KIND)

    def build(self) -> None:
        self.filters()
        self.table = PagedTable(COLUMNS, self.fetch, sort_by=None)
        self.table.table.add_slot("body-cell-ip", IP_CELL)
        self.table.rows_open(self.show_event, name_field="what")  # a click, or j / k and Enter (QA: mouse only)
        keys = page_keys()
        keys.add_moves(self.table.move_cursor)
        keys.add("Enter", "Open the highlighted event's details", self.table.open_highlighted)
        when_connected(self.apply, name="audit.pages: apply")

    def filters(self) -> None:
        """One line from 1,366 px wide (a laptop with the navigation open): the widths below add up to ~1,080 px.
        Aligned at the top, so a date's message grows the row downwards instead of lifting the fields (QA); the
        toggle and the button sit 4 px down, level with the 40 px fields."""
        with ui.row().classes("items-start gap-2"):
            self.kind = (
                ui.toggle(dict(KINDS), value=DEFAULT_KIND, on_change=self.apply)
                .props("dense no-caps")
                .classes("mt-1")
                .tooltip(
                    "Changes: what staff and the platform changed. Jobs: the scheduled rollups' and sweeps' own runs. "
                    "Reads: 2257 records, scans and productions viewed, exports."
                )
                .mark("audit-kind")
            )
            self.actor = (
                ui.input("Actor starts with")
                .props("dense clearable maxlength=254")
                .tooltip("A staff member's name (or a word of it) or the stored e-mail label: 'Dana', 'dana@'")
                .mark("audit-actor")
                .classes("w-40")
            )
            self.action = (
                ui.input("Action starts with")
                .props("dense clearable maxlength=64")
                .tooltip("The stored code: 'legal_record.' finds every 2257 record event (an event's details show it)")
                .mark("audit-action")
                .classes("w-36")
            )
            self.entity = (
                ui.input("Entity")
                .props("dense clearable maxlength=64")
                .tooltip("As the Entity column writes it ('Case', '2257 record') or the stored code (in the details)")
                .mark("audit-entity")
                .classes("w-24")
            )
            self.entity_id = ui.input("Entity id").props("dense clearable maxlength=64").classes("w-20")
            self.since = date_field("From", classes="w-36", props="dense clearable")
            self.until = date_field("To", classes="w-36", props="dense clearable")
            ui.button("Filter", icon="filter_alt", on_click=self.apply).props("dense unelevated").classes("mt-1").mark(
                "audit-filter"
            )
        for element in (self.actor, self.action, self.entity, self.entity_id, self.since, self.until):
            element.on("keydown.enter", self.apply)  # From and To too (QA: Enter there left the list unfiltered)

    def fetch(self, page: PageRequest) -> Page[dict[str, Any]]:
        with session_scope() as session:
            result = list_events(session, actor=self.info.actor, flt=self.flt, page=page)
            staff = names_of(session, staff_ids_in(result.rows))  # one read for the page's staff ids
            return Page([event_row(e, staff) for e in result.rows], result.total, result.estimated, result.request)

    async def apply(self) -> None:
        start, end, errors = day_range(self.since.value, self.until.value, viewer_zone())
        for field, element in (("since", self.since), ("until", self.until)):
            element.error = field_message(field, errors[field], element_label(element)) if field in errors else None
        if errors:
            return
        self.flt = AuditFilter(
            kind=self.kind.value if self.kind.value in KINDS else DEFAULT_KIND,
            actor=(self.actor.value or "").strip() or None,
            action=(self.action.value or "").strip() or None,
            entity=(self.entity.value or "").strip() or None,
            entity_id=(self.entity_id.value or "").strip() or None,
            since=start,
            until=end,
        )
        try:
            await self.table.reload()
        except ValidationFailed as exc:
            ui.notify(exc.message, type="negative")

    def show_event(self, row: dict[str, Any]) -> None:
        with ui.dialog() as dialog, ui.card().classes("min-w-[640px] max-w-[90vw]"):
            ui.label(f"Event #{row['id']} · {row['what']}").classes("text-lg font-semibold")
            facts = (row["occurred_at"], row["actor"], row["entity"], row["ip"])
            ui.label(" · ".join(fact for fact in facts if fact)).classes("text-sm opacity-70")
            ui.label(row["code"]).classes("font-mono text-xs opacity-60").mark("audit-code")
            if row["reason"]:  # a long word or address wraps inside the dialog
                ui.label(f"Reason: {row['reason']}").classes("text-sm [overflow-wrap:anywhere]")
            diff = list(iter_diff(row["before"], row["after"]))
            if diff:
                ui.table(
                    columns=[
                        column("label", "Field"),
                        column("before", "Before"),
                        column("after", "After"),
                        {**column("field", "Stored as"), "classes": "font-mono text-xs opacity-70"},
                    ],
                    rows=[
                        {
                            "field": k,
                            "label": field_words(k),
                            "before": shown(b, k, row["staff"]),
                            "after": shown(a, k, row["staff"]),
                        }
                        for k, b, a in diff
                    ],
                    row_key="field",
                ).props("dense flat bordered wrap-cells").mark("audit-diff").classes("w-full [overflow-wrap:anywhere]")
            else:
                ui.label("No field changes recorded.").classes("text-sm opacity-70")
            ui.label(f"hash {row['hash']}").classes("font-mono text-xs opacity-60")
            ui.button("Close", on_click=dialog.close).props("flat")
        dialog.on_value_change(lambda e: None if e.value else dialog.delete())
        dialog.open()


def register() -> None:
    @staff_page("/audit", title="Audit log", permission=Permission.AUDIT_READ)
    def audit_page(info: SessionInfo) -> None:
        chain = ChainStateView()
        chain.build()
        AuditLogView(info).build()
        ui.button("Verify chain now", icon="verified", on_click=lambda: chain.refresh(force=True)).props("dense flat")
