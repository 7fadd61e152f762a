"""The sweep panel on the 2257 worklist: what the last sweep found, and "Run sweep now" with progress."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from nicegui import run, ui

from console.actor import Actor
from console.compliance import sweep
from console.db import session_scope
from console.errors import ConsoleError
from console.staff.permissions import Permission, can
from console.ui.dialogs import outside
from console.ui.formatting import fmt_dt
from console.ui.forms import report
from console.ui.later import when_connected
from console.ui.work import read

log = logging.getLogger(__name__)
TRIGGERS = {"schedule": "daily", "cli": "command line", "manual": "started by hand"}


@dataclass
class SweepSummary:
    """What the panel shows of a sweep row (plain values, read in the unit of work)."""

    id: int
    trigger: str
    status: str
    started: str
    finished: str
    checked: int
    failing: int
    held: int
    error: str | None
    findings: list[dict[str, Any]] = field(default_factory=list)


def load_summary(actor: Actor) -> SweepSummary | None:
    with session_scope() as session:
        row = sweep.last_sweep(session, actor=actor)
        if row is None:
            return None
        return SweepSummary(
            row.id,
            TRIGGERS.get(row.trigger, row.trigger),
            row.status,
            fmt_dt(row.started_at),
            fmt_dt(row.finished_at) if row.finished_at else "",
            row.checked,
            row.failing,
            row.held,
            row.error,
            list(row.findings or []),
        )


class SweepPanel:
    """One line with the last sweep's outcome, its findings on demand, and a button that runs one now."""

    def __init__(self, actor: Actor, on_done: Callable[[], Awaitable[None]]) -> None:
        self.actor = actor
        self.on_done = on_done
        self.summary: SweepSummary | None = None
        self.progress: dict[str, int] = {"done": 0, "total": 0}
        self.running = False
        self.loaded = False

    def build(self) -> None:
        # the last sweep is read once the page shows: read while building, it held every worklist open ~9 ms
        with ui.card().classes("w-full q-pa-sm gap-1").mark("sweep-panel") as self.card:
            self.content()
        when_connected(self.load, name="compliance.sweep_pages: load")

    async def load(self) -> None:
        self.summary = await read(load_summary, self.actor)
        self.loaded = True
        self.content.refresh()

    @ui.refreshable_method
    def content(self) -> None:
        with ui.row().classes("items-center gap-2 w-full text-sm"):
            ui.icon("manage_search").classes("text-lg")
            ui.label(self.headline()).mark("sweep-summary")
            ui.space()
            if self.running:
                total = max(self.progress["total"], 1)
                ui.linear_progress(self.progress["done"] / total, show_value=False).classes("w-48").mark(
                    "sweep-progress"
                )
                ui.label(f"{self.progress['done']:,} / {self.progress['total']:,}")
            elif can(self.actor, Permission.COMPLIANCE_VERIFY):
                ui.button("Run sweep now", icon="play_arrow", on_click=outside(self.card, self.run_now)).props(
                    "dense flat no-caps"
                ).mark("sweep-run")
        if self.summary is not None and self.summary.findings:
            self.findings(self.summary.findings)

    def headline(self) -> str:
        s = self.summary
        if not self.loaded:
            return "Reading the last 2257 sweep …"
        if s is None:
            return "No 2257 sweep has run yet: it asks the publishing gate about every public video."
        if s.status == "running":
            return f"A sweep is running (started {s.started}, {s.trigger})."
        text = (
            f"Last sweep {s.finished} ({s.trigger}): {s.checked:,} public videos checked, {s.failing:,} failing, "
            f"{s.held:,} put on hold."
        )
        return text + (f" It failed: {s.error}" if s.status == "failed" else "")

    def findings(self, rows: list[dict[str, Any]]) -> None:
        with (
            ui.expansion(f"What the last sweep found ({len(rows):,})").classes("w-full text-sm").mark("sweep-findings")
        ):
            for row in rows:
                with ui.row().classes("items-start gap-2 no-wrap"):
                    ui.badge("held" if row.get("held") else "listed").props(
                        f"color={'negative' if row.get('held') else 'grey-7'}"
                    )
                    ui.link(f"#{row['video_id']} {row['title']}", f"/compliance/productions/{int(row['video_id'])}")
                    ui.label("; ".join(str(r) for r in row.get("reasons", []))).classes("opacity-80")

    async def run_now(self) -> None:
        self.running, self.progress = True, {"done": 0, "total": 0}
        self.content.refresh()
        ticker = ui.timer(0.5, self.content.refresh)

        def note(done: int, total: int) -> None:
            self.progress = {"done": done, "total": total}

        try:
            await run.io_bound(lambda: sweep.run_sweep(actor=self.actor, trigger="manual", progress=note))
        except ConsoleError as exc:
            report(exc)
        except Exception:  # recorded on the sweep row; staff get what to do, not a stack trace
            log.exception("a sweep started from the worklist failed")
            ui.notify(
                "The sweep stopped with an error (kept on the sweep). Try again, or run `python3 run.py records "
                "sweep` on the server and pass its output to an administrator.",
                type="negative",
                multi_line=True,
            )
        finally:
            ticker.cancel()
            self.running = False
        await self.load()
        if self.summary is not None and self.summary.held:
            ui.notify(f"The sweep put {self.summary.held:,} video(s) on hold.", type="warning")
        await self.on_done()
