"""The audit log page: filters, newest-first server-paged events, readable before/after, chain state."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from nicegui import ui

from console.audit.service import AuditFilter, VerifyResult, iter_diff, list_events
from console.audit.verify_worker import verify_in_worker
from console.db import session_scope
from console.errors import ValidationFailed
from console.paging import Page, PageRequest
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission
from console.ui.formatting import fmt_value
from console.ui.page import staff_page
from console.ui.paged_table import PagedTable

COLUMNS: list[dict[str, Any]] = [
    {"name": "id", "label": "#", "field": "id", "align": "right"},
    {"name": "occurred_at", "label": "When (UTC)", "field": "occurred_at", "align": "left"},
    {"name": "actor", "label": "Actor", "field": "actor", "align": "left"},
    {"name": "action", "label": "Action", "field": "action", "align": "left"},
    {"name": "entity", "label": "Entity", "field": "entity", "align": "left"},
    {"name": "changes", "label": "Changes", "field": "changes", "align": "left"},
    {"name": "ip", "label": "IP", "field": "ip", "align": "left"},
]

_CACHE_SECONDS = 300
_locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}
_last: dict[str, Any] = {"at": 0.0, "result": None}


def _verify_lock() -> asyncio.Lock:
    # One lock per event loop (an asyncio.Lock is bound to the loop it first waits on; tests run many loops).
    loop = asyncio.get_running_loop()
    if loop not in _locks:
        _locks.clear()
        _locks[loop] = asyncio.Lock()
    return _locks[loop]


async def verify_cached() -> tuple[VerifyResult, float]:
    """Verify the whole chain at most once per 5 minutes per process, in a worker process (verify_worker.py);
    concurrent callers share one run."""
    async with _verify_lock():
        if _last["result"] is None or time.monotonic() - _last["at"] > _CACHE_SECONDS:
            _last["result"] = await verify_in_worker()
            _last["at"] = time.monotonic()
        return _last["result"], _last["at"]


def _parse_day(value: str | None, field: str, errors: dict[str, str]) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        errors[field] = "must be a date (YYYY-MM-DD)"
        return None


def register() -> None:
    @staff_page("/audit", title="Audit log", permission=Permission.AUDIT_READ)
    def audit_page(info: SessionInfo) -> None:
        with ui.row().classes("items-center gap-2 chain-state").mark("chain-state"):
            chain_icon = ui.spinner(size="sm")
            chain_text = ui.label("Verifying the hash chain…").classes("text-sm")

        async def check_chain(force: bool = False) -> None:
            if force:
                _last["result"] = None
            outcome = await verify_cached()
            if outcome is None:
                return
            result = outcome[0]
            chain_icon.set_visibility(False)
            if result.ok:
                chain_text.text = f"✓ Chain intact: {result.checked:,} events verified."
                chain_text.classes(replace="text-sm text-positive")
            else:
                chain_text.text = (
                    f"✗ Chain BROKEN at event #{result.first_broken_id}: {result.problem}. "
                    "Stop and tell security; do not edit the database."
                )
                chain_text.classes(replace="text-sm text-negative font-semibold")

        ui.timer(0.05, check_chain, once=True)

        state: dict[str, Any] = {"flt": AuditFilter()}
        with ui.row().classes("items-end gap-2"):
            actor = (
                ui.input("Actor starts with").props("dense clearable maxlength=254").mark("audit-actor").classes("w-52")
            )
            action = (
                ui.input("Action starts with")
                .props("dense clearable maxlength=64")
                .mark("audit-action")
                .classes("w-44")
            )
            entity = ui.input("Entity").props("dense clearable maxlength=64").classes("w-28")
            entity_id = ui.input("Entity id").props("dense clearable maxlength=64").classes("w-24")
            since = ui.input("From (YYYY-MM-DD)").props("dense clearable maxlength=10 type=date").classes("w-40")
            until = ui.input("To (YYYY-MM-DD)").props("dense clearable maxlength=10 type=date").classes("w-40")
            ui.button("Filter", icon="filter_alt", on_click=lambda: apply()).props("dense unelevated").mark(
                "audit-filter"
            )

        def fetch(page: PageRequest) -> Page[dict[str, Any]]:
            with session_scope() as session:
                result = list_events(session, actor=info.actor, flt=state["flt"], page=page)
                rows = []
                for e in result.rows:
                    changed = [k for k, _, _ in iter_diff(e.before, e.after)]
                    rows.append(
                        {
                            "id": e.id,
                            "occurred_at": e.occurred_at.strftime("%Y-%m-%d %H:%M:%S"),
                            "actor": e.actor_label,
                            "action": e.action,
                            "entity": f"{e.entity} {e.entity_id or ''}".strip(),
                            "changes": ", ".join(changed[:6]) + (" …" if len(changed) > 6 else ""),
                            "ip": e.ip or "",
                            "before": e.before,
                            "after": e.after,
                            "reason": e.reason or "",
                            "hash": e.hash,
                        }
                    )
                return Page(rows, result.total, result.estimated, result.request)

        table = PagedTable(COLUMNS, fetch, sort_by=None, on_row_click=lambda row: show_event(row))

        async def apply() -> None:
            errors: dict[str, str] = {}
            start = _parse_day(since.value, "since", errors)
            end = _parse_day(until.value, "until", errors)
            for field, element in (("since", since), ("until", until)):
                element.error = errors.get(field)
            if errors:
                return
            state["flt"] = AuditFilter(
                actor=(actor.value or "").strip() or None,
                action=(action.value or "").strip() or None,
                entity=(entity.value or "").strip() or None,
                entity_id=(entity_id.value or "").strip() or None,
                since=start,
                until=end + timedelta(days=1) if end else None,
            )
            try:
                await table.reload()
            except ValidationFailed as exc:
                ui.notify(exc.message, type="negative")

        for element in (actor, action, entity, entity_id):
            element.on("keydown.enter", apply)
        ui.timer(0, apply, once=True)

        def show_event(row: dict[str, Any]) -> None:
            with ui.dialog() as dialog, ui.card().classes("min-w-[640px] max-w-[90vw]"):
                ui.label(f"Event #{row['id']} · {row['action']}").classes("text-lg font-semibold")
                ui.label(f"{row['occurred_at']} UTC · {row['actor']} · {row['entity']} · {row['ip']}").classes(
                    "text-sm opacity-70"
                )
                if row["reason"]:
                    ui.label(f"Reason: {row['reason']}").classes("text-sm")
                diff = list(iter_diff(row["before"], row["after"]))
                if diff:
                    ui.table(
                        columns=[
                            {"name": "field", "label": "Field", "field": "field", "align": "left"},
                            {"name": "before", "label": "Before", "field": "before", "align": "left"},
                            {"name": "after", "label": "After", "field": "after", "align": "left"},
                        ],
                        rows=[{"field": k, "before": fmt_value(b), "after": fmt_value(a)} for k, b, a in diff],
                        row_key="field",
                    ).props("dense flat bordered").mark("audit-diff").classes("w-full")
                else:
                    ui.label("No field changes recorded.").classes("text-sm opacity-70")
                ui.label(f"hash {row['hash']}").classes("font-mono text-xs opacity-60")
                ui.button("Close", on_click=dialog.close).props("flat")
            dialog.open()

        ui.button("Verify chain now", icon="verified", on_click=lambda: check_chain(force=True)).props("dense flat")
