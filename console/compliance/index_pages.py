"""The cross-reference index (/compliance/index): by legal name (server-paged, searched by any name) and by
depiction, and the "Export for inspection" button.

The export runs off the event loop (`run.io_bound`) with a progress bar fed by the service's progress callback
(a lock-guarded value the page polls with a timer). The ZIP, which holds decrypted IDs, is written under
`data_dir/exports` (0700) and served once, only to the staff member who made it, through a route that
removes itself and the file once fetched (or when the tab closes, or after EXPORT_TTL seconds).
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from nicegui import app, run, ui
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from console.actor import Actor
from console.compliance.export import ExportResult, build_inspection_zip
from console.compliance.index import DepictionEntry, IndexEntry, depiction_index, legal_name_index, search_words
from console.compliance.production_pages.shared import compliance_links
from console.compliance.records import NAME_KIND_LABELS, STATUS_LABELS
from console.compliance.status_look import STATUS_COLOURS
from console.config import get_settings
from console.db import session_scope
from console.errors import ConsoleError, ValidationFailed
from console.paging import Page, PageRequest
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission, can
from console.ui.forms import confirm, report
from console.ui.later import when_connected
from console.ui.page import staff_page
from console.ui.paged_table import PagedTable, column
from console.ui.session import require_live_session

EXPORT_TTL = 30 * 60  # an export nobody fetched is deleted after this many seconds
LEGAL_COLUMNS: list[dict[str, Any]] = [
    column("legal_name", "Legal name (last, first)"),
    column("stage_name", "Stage name"),
    column("other_names", "Other names", wrap=True),
    column("status", "Record"),
    column("depictions", "Depictions (date of production)"),
]
DEPICTION_COLUMNS: list[dict[str, Any]] = [
    column("video_id", "#", "right"),
    column("title", "Title"),
    column("slug", "Identifier"),
    column("production_date", "Date of production"),
    column("performers", "Performers (stage name → legal name)"),
]
DEPICTIONS_SLOT = """
<q-td :props="props">
  <div v-for="d in props.value" :key="d.id" class="text-xs">
    <a :href="d.production_url" class="text-primary" @click.stop>{{ d.title }}</a>
    <span class="opacity-70"> · {{ d.slug }} · #{{ d.id }} · {{ d.date || 'no date of production' }}</span>
    <span v-if="d.deleted" class="text-negative"> · deleted</span>
  </div>
  <div v-if="props.row.more > 0" class="text-xs opacity-70">and {{ props.row.more }} more</div>
  <div v-if="props.value.length === 0" class="text-xs opacity-70">none</div>
</q-td>"""
STATUS_SLOT = """
<q-td :props="props"><q-badge :label="props.value" :color="props.row.status_colour" /></q-td>"""
PERFORMERS_SLOT = """
<q-td :props="props">
  <div v-for="p in props.value" :key="p.id" class="text-xs">
    {{ p.stage_name }} →
    <span :class="p.legal_name ? '' : 'text-negative'">{{ p.legal_name || 'no legal record' }}</span>
    <span class="opacity-70"> · {{ p.status }}</span>
    <span v-if="p.age !== null" class="opacity-70"> · {{ p.age }} that day</span>
  </div>
</q-td>"""


def legal_row(e: IndexEntry) -> dict[str, Any]:
    return {
        "id": e.record_id,
        "performer_id": e.performer_id,
        "legal_name": e.legal_name,
        "stage_name": e.stage_name,
        "other_names": "; ".join(f"{n.name} ({NAME_KIND_LABELS.get(n.kind, n.kind).lower()})" for n in e.other_names),
        "status": STATUS_LABELS.get(e.status, e.status),
        "status_colour": STATUS_COLOURS.get(e.status, "grey-7"),
        "depictions": [
            {
                "id": d.video_id,
                "title": d.title,
                "slug": d.slug,
                "url": d.url,
                "production_url": f"/compliance/productions/{int(d.video_id)}",
                "date": d.production_date.isoformat() if d.production_date else "",
                "deleted": d.deleted,
            }
            for d in e.depictions
        ],
        "more": e.depiction_total - len(e.depictions),
    }


def depiction_row(e: DepictionEntry) -> dict[str, Any]:
    return {
        "id": e.video_id,
        "video_id": e.video_id,
        "title": e.title + (" (deleted)" if e.deleted else ""),
        "slug": e.slug,
        "production_date": e.production_date.isoformat() if e.production_date else "—",
        "performers": [
            {
                "id": c.performer_id,
                "stage_name": c.stage_name,
                "legal_name": c.legal_name,
                "status": STATUS_LABELS.get(c.status, c.status) if c.status else "no record",
                "age": c.age_on_production,
            }
            for c in e.performers
        ],
    }


# --- the export's file: private folder, served once to its maker ------------------------------------------


def exports_dir() -> Path:
    path = get_settings().data_dir / "exports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def sweep_stale_exports(max_age: float = EXPORT_TTL) -> None:
    """Remove export folders older than `max_age` (left behind by a crash or a tab that never fetched)."""
    cutoff = time.time() - max_age
    for folder in exports_dir().glob("inspection-*"):
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except FileNotFoundError:
            continue


def run_export(actor: Actor, progress: Any) -> ExportResult:
    """The export in its own unit of work, into a fresh private folder (removed again if anything fails)."""
    sweep_stale_exports()
    folder = Path(tempfile.mkdtemp(prefix="inspection-", dir=exports_dir()))
    try:
        with session_scope() as session:
            return build_inspection_zip(session, actor=actor, out_dir=folder, progress=progress)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def offer_download(path: Path, staff_id: int | None) -> str:
    """A one-time, unguessable address for the ZIP, valid only for the staff member who made it. Fetching it
    removes the route and, once sent, the file; closing the tab or EXPORT_TTL does the same."""
    route = f"/compliance/export-download/{secrets.token_urlsafe(32)}/{path.name}"
    folder = path.parent
    ticket = threading.Lock()

    def cleanup() -> None:
        app.remove_route(route)
        shutil.rmtree(folder, ignore_errors=True)

    def fetch(request: Request) -> Response:
        info = getattr(request.state, "session_info", None)
        if info is None or info.actor.staff_id != staff_id or not path.is_file():
            return Response("Not found", status_code=404)
        if not ticket.acquire(blocking=False):
            return Response("Not found", status_code=404)
        app.remove_route(route)
        return FileResponse(
            path,
            filename=path.name,
            media_type="application/zip",
            headers={"Cache-Control": "no-store"},
            background=BackgroundTask(shutil.rmtree, folder, True),
        )

    app.add_api_route(route, fetch, methods=["GET"], include_in_schema=False)
    ui.context.client.on_delete(cleanup)
    ui.timer(EXPORT_TTL, cleanup, once=True)
    return route


# --- the page ---------------------------------------------------------------------------------------------


class ExportPanel:
    """ "Export for inspection" (compliance.export only), its progress bar while the export runs off the event
    loop, and the line that names the finished ZIP and its SHA-256."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.exporting = False
        self.button: ui.button | None = None

    def button_part(self) -> None:
        if can(self.actor, Permission.COMPLIANCE_EXPORT):
            self.button = (
                ui.button("Export for inspection", icon="archive", on_click=self.start)
                .props("unelevated color=primary no-caps dense")
                .mark("index-export")
            )

    def progress_part(self) -> None:
        with ui.column().classes("w-full max-w-xl gap-1").mark("export-progress") as self.progress_box:
            self.progress_label = ui.label("").classes("text-sm").mark("export-progress-label")
            self.progress_bar = (
                ui.linear_progress(value=0, show_value=False).props("rounded size=10px").mark("export-progress-bar")
            )
        self.progress_box.visible = False
        self.done = ui.label("").classes("text-xs opacity-80 font-mono break-all").mark("export-result")
        self.done.visible = False

    async def start(self) -> None:
        if self.exporting or self.button is None:
            return
        if not await confirm(
            "Export the 2257 records for inspection?",
            "The ZIP holds every legal record, the three cross-reference indexes, a PDF sheet per performer "
            "and decrypted copies of every ID. The export is audited. Keep the file safe and delete it "
            "when the inspection is over.",
            ok_label="Export",
        ):
            return
        if require_live_session() is None:
            return
        result = await self.run_with_progress(self.button)
        if result is not None:
            self.hand_over(result)

    async def run_with_progress(self, button: ui.button) -> ExportResult | None:
        """The export in a worker thread; its progress callback feeds a lock-guarded value a timer shows."""
        lock = threading.Lock()
        seen: dict[str, Any] = {"done": 0, "total": 0, "label": "Starting"}

        def progress(done: int, total: int, label: str) -> None:  # called from the worker thread
            with lock:
                seen.update(done=done, total=total, label=label)

        def poll() -> None:
            with lock:
                done, total, label = seen["done"], seen["total"], seen["label"]
            self.progress_bar.value = (done / total) if total else 0
            self.progress_label.text = f"{label}: {done:,} of {total:,}" if total else label

        self.exporting = True
        button.disable()
        self.done.visible = False
        self.progress_box.visible = True
        poll()
        timer = ui.timer(0.25, poll)
        try:
            return await run.io_bound(run_export, self.actor, progress)
        except ConsoleError as exc:
            report(exc)
        except OSError as exc:
            ui.notify(f"The export could not be written: {exc.strerror or exc}", type="negative")
        finally:
            timer.cancel()
            self.progress_box.visible = False
            self.exporting = False
            button.enable()
        return None

    def hand_over(self, result: ExportResult) -> None:
        """Name the ZIP and start its one-time download (unless the tab closed meanwhile: then it is removed)."""
        if ui.context.client.is_deleted:  # the tab closed while the export ran: nobody to hand it to
            shutil.rmtree(result.path.parent, ignore_errors=True)
            return
        counts = ", ".join(f"{v:,} {k}" for k, v in result.counts().items())
        self.done.text = f"{result.path.name} · {counts} · SHA-256 {result.sha256}"
        self.done.visible = True
        if result.problems:
            ui.notify(
                f"{len(result.problems)} ID copies could not be included; PROBLEMS.txt in the ZIP lists them.",
                type="warning",
                timeout=0,
                close_button="OK",
            )
        ui.download.from_url(offer_download(result.path, self.actor.staff_id), result.path.name)
        ui.notify("The inspection ZIP is ready; your browser is downloading it.", type="positive")


class IndexView:
    """The two indexes as tabs (the depiction tab is built when first opened) and the export."""

    def __init__(self, actor: Actor, search: str) -> None:
        self.actor = actor
        self.search_term = search
        self.depiction_term = ""
        self.export = ExportPanel(actor)
        self.depiction_table: PagedTable | None = None

    def build(self) -> None:
        with ui.row().classes("items-center w-full gap-3"):
            compliance_links("/compliance/index")
            ui.space()
            self.export.button_part()
        self.export.progress_part()
        with ui.tabs().props("dense align=left no-caps").classes("w-full") as self.tabs:
            legal_tab = ui.tab("legal", label="By legal name").mark("tab-legal")
            depiction_tab = ui.tab("depiction", label="By depiction").mark("tab-depiction")
        with ui.tab_panels(self.tabs, value=legal_tab).classes("w-full"):
            with ui.tab_panel(legal_tab).classes("gap-2 p-0 pt-2"):
                self.legal_part()
            with ui.tab_panel(depiction_tab).classes("gap-2 p-0 pt-2") as self.depiction_panel:
                ui.label("Videos with a production, by id. Open one for its production and statement.").classes(
                    "text-sm opacity-70"
                )
        self.tabs.on_value_change(self.open_depictions)
        when_connected(self.apply, name="compliance.index_pages: apply")

    # --- by legal name ---------------------------------------------------------------------------------------

    def legal_part(self) -> None:
        with ui.row().classes("items-end gap-2 w-full"):
            self.search = (
                ui.input("Any name: legal, stage, alias, maiden…", value=self.search_term)
                .props("dense clearable maxlength=200")
                .classes("w-96")
                .mark("index-search")
            )
            ui.button("Search", icon="search", on_click=self.apply).props("dense unelevated").mark("index-search-go")
            ui.button("Clear", on_click=self.clear).props("dense flat")
        self.problem = ui.label("").classes("text-negative text-sm").mark("index-search-problem")
        self.problem.visible = False
        self.table = PagedTable(
            LEGAL_COLUMNS,
            self.fetch_legal,
            sort_by=None,
            descending=False,
            on_row_click=lambda row: ui.navigate.to(f"/compliance/records/{int(row['performer_id'])}"),
        )
        self.table.table.add_slot("body-cell-depictions", DEPICTIONS_SLOT)
        self.table.table.add_slot("body-cell-status", STATUS_SLOT)
        self.search.on("keydown.enter", self.apply)

    def fetch_legal(self, page: PageRequest) -> Page[dict[str, Any]]:
        with session_scope() as session:
            result = legal_name_index(session, actor=self.actor, page=page, search=self.search_term or None)
            return Page([legal_row(e) for e in result.rows], result.total, result.estimated, result.request)

    async def apply(self) -> None:
        self.problem.visible = False
        term = (self.search.value or "").strip()
        try:
            search_words(term)  # a bad search is shown under the box (the table would only notify)
        except ValidationFailed as exc:
            self.problem.text, self.problem.visible = exc.errors.get("search", exc.message), True
            return
        self.search_term = term
        await self.table.reload()

    async def clear(self) -> None:
        self.search.value = ""
        await self.apply()

    # --- by depiction ----------------------------------------------------------------------------------------

    def open_depictions(self) -> None:
        """Built when the tab is first opened: a page load reads (and audits) only what is shown."""
        if self.tabs.value != "depiction" or self.depiction_table is not None:
            return
        with self.depiction_panel:
            with ui.row().classes("items-end gap-2 w-full"):
                self.depiction_box = (
                    ui.input("Title, identifier or #id").props("dense clearable maxlength=200").classes("w-80")
                ).mark("depiction-search")
                go = ui.button("Search", icon="search").props("dense unelevated").mark("depiction-search-go")
            self.trouble = ui.label("").classes("text-negative text-sm")
            self.trouble.visible = False
            table = PagedTable(
                DEPICTION_COLUMNS,
                self.fetch_depictions,
                sort_by=None,
                descending=False,
                on_row_click=lambda row: ui.navigate.to(f"/compliance/productions/{int(row['video_id'])}"),
            )
            table.table.mark("depiction-table")
            table.caption.mark("depiction-caption")
            table.table.add_slot("body-cell-performers", PERFORMERS_SLOT)
            self.depiction_table = table
            go.on_click(self.search_depictions)
            self.depiction_box.on("keydown.enter", self.search_depictions)
            when_connected(self.search_depictions, name="compliance.index_pages: search_depictions")

    def fetch_depictions(self, page: PageRequest) -> Page[dict[str, Any]]:
        with session_scope() as session:
            result = depiction_index(session, actor=self.actor, page=page, search=self.depiction_term or None)
            return Page([depiction_row(e) for e in result.rows], result.total, result.estimated, result.request)

    async def search_depictions(self) -> None:
        if self.depiction_table is None:
            return
        self.trouble.visible = False
        self.depiction_term = (self.depiction_box.value or "").strip()
        try:
            await self.depiction_table.reload()
        except ValidationFailed as exc:
            self.trouble.text, self.trouble.visible = exc.message, True


def register() -> None:
    @staff_page("/compliance/index", title="2257 cross-reference index", permission=Permission.COMPLIANCE_READ_LEGAL)
    def index_page(info: SessionInfo) -> None:
        request: Request = ui.context.client.request
        IndexView(info.actor, (request.query_params.get("q") or "").strip()[:200]).build()
