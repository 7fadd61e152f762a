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
from console.compliance.production_pages import STATUS_COLOURS, compliance_links
from console.compliance.records import NAME_KIND_LABELS, STATUS_LABELS
from console.config import get_settings
from console.db import session_scope
from console.errors import ConsoleError, ValidationFailed
from console.paging import Page, PageRequest
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission, can
from console.ui.forms import confirm, report
from console.ui.page import staff_page
from console.ui.paged_table import PagedTable
from console.ui.session import require_live_session

EXPORT_TTL = 30 * 60  # an export nobody fetched is deleted after this many seconds
LEGAL_COLUMNS: list[dict[str, Any]] = [
    {"name": "legal_name", "label": "Legal name (last, first)", "field": "legal_name", "align": "left"},
    {"name": "stage_name", "label": "Stage name", "field": "stage_name", "align": "left"},
    {"name": "other_names", "label": "Other names", "field": "other_names", "align": "left"},
    {"name": "status", "label": "Record", "field": "status", "align": "left"},
    {"name": "depictions", "label": "Depictions (date of production)", "field": "depictions", "align": "left"},
]
DEPICTION_COLUMNS: list[dict[str, Any]] = [
    {"name": "video_id", "label": "#", "field": "video_id", "align": "right"},
    {"name": "title", "label": "Title", "field": "title", "align": "left"},
    {"name": "slug", "label": "Identifier", "field": "slug", "align": "left"},
    {"name": "production_date", "label": "Date of production", "field": "production_date", "align": "left"},
    {"name": "performers", "label": "Performers (stage name → legal name)", "field": "performers", "align": "left"},
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
        "status_colour": STATUS_COLOURS.get(e.status, "grey"),
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


def register() -> None:
    @staff_page("/compliance/index", title="2257 cross-reference index", permission=Permission.COMPLIANCE_READ_LEGAL)
    def index_page(info: SessionInfo) -> None:
        actor = info.actor
        request: Request = ui.context.client.request
        state: dict[str, Any] = {
            "search": (request.query_params.get("q") or "").strip()[:200],
            "depiction_search": "",
            "exporting": False,
        }
        with ui.row().classes("items-center w-full gap-3"):
            compliance_links("/compliance/index")
            ui.space()
            export_button = None
            if can(actor, Permission.COMPLIANCE_EXPORT):
                export_button = (
                    ui.button("Export for inspection", icon="archive", on_click=lambda: start_export())
                    .props("unelevated color=primary no-caps dense")
                    .mark("index-export")
                )
        with ui.column().classes("w-full max-w-xl gap-1").mark("export-progress") as progress_box:
            progress_label = ui.label("").classes("text-sm").mark("export-progress-label")
            progress_bar = (
                ui.linear_progress(value=0, show_value=False).props("rounded size=10px").mark("export-progress-bar")
            )
        progress_box.visible = False
        export_done = ui.label("").classes("text-xs opacity-80 font-mono break-all").mark("export-result")
        export_done.visible = False

        with ui.tabs().props("dense align=left no-caps").classes("w-full") as tabs:
            legal_tab = ui.tab("legal", label="By legal name").mark("tab-legal")
            depiction_tab = ui.tab("depiction", label="By depiction").mark("tab-depiction")
        with ui.tab_panels(tabs, value=legal_tab).classes("w-full"):
            with ui.tab_panel(legal_tab).classes("gap-2 p-0 pt-2"):
                with ui.row().classes("items-end gap-2 w-full"):
                    search = (
                        ui.input("Any name: legal, stage, alias, maiden…", value=state["search"])
                        .props("dense clearable maxlength=200")
                        .classes("w-96")
                        .mark("index-search")
                    )
                    ui.button("Search", icon="search", on_click=lambda: apply()).props("dense unelevated").mark(
                        "index-search-go"
                    )
                    ui.button("Clear", on_click=lambda: clear()).props("dense flat")
                problem = ui.label("").classes("text-negative text-sm").mark("index-search-problem")
                problem.visible = False

                def fetch(page: PageRequest) -> Page[dict[str, Any]]:
                    with session_scope() as session:
                        result = legal_name_index(session, actor=actor, page=page, search=state["search"] or None)
                        return Page([legal_row(e) for e in result.rows], result.total, result.estimated, result.request)

                table = PagedTable(
                    LEGAL_COLUMNS,
                    fetch,
                    sort_by=None,
                    descending=False,
                    on_row_click=lambda row: ui.navigate.to(f"/compliance/records/{int(row['performer_id'])}"),
                )
                table.table.add_slot("body-cell-depictions", DEPICTIONS_SLOT)
                table.table.add_slot("body-cell-status", STATUS_SLOT)

            with ui.tab_panel(depiction_tab).classes("gap-2 p-0 pt-2") as depiction_panel:
                ui.label("Videos with a production, by id. Open one for its production and statement.").classes(
                    "text-sm opacity-70"
                )

        async def apply() -> None:
            problem.visible = False
            term = (search.value or "").strip()
            try:
                search_words(term)  # a bad search is shown under the box (the table would only notify)
            except ValidationFailed as exc:
                problem.text, problem.visible = exc.errors.get("search", exc.message), True
                return
            state["search"] = term
            await table.reload()

        async def clear() -> None:
            search.value = ""
            await apply()

        search.on("keydown.enter", apply)
        ui.timer(0, apply, once=True)

        depictions: dict[str, Any] = {}

        def open_depictions() -> None:
            """Built when the tab is first opened: a page load reads (and audits) only what is shown."""
            if tabs.value != "depiction" or depictions:
                return
            with depiction_panel:
                with ui.row().classes("items-end gap-2 w-full"):
                    box = (
                        ui.input("Title, identifier or #id").props("dense clearable maxlength=200").classes("w-80")
                    ).mark("depiction-search")
                    go = ui.button("Search", icon="search").props("dense unelevated").mark("depiction-search-go")
                trouble = ui.label("").classes("text-negative text-sm")
                trouble.visible = False

                def fetch_depictions(page: PageRequest) -> Page[dict[str, Any]]:
                    with session_scope() as session:
                        result = depiction_index(
                            session, actor=actor, page=page, search=state["depiction_search"] or None
                        )
                        return Page(
                            [depiction_row(e) for e in result.rows], result.total, result.estimated, result.request
                        )

                depiction_table = PagedTable(
                    DEPICTION_COLUMNS,
                    fetch_depictions,
                    sort_by=None,
                    descending=False,
                    on_row_click=lambda row: ui.navigate.to(f"/compliance/productions/{int(row['video_id'])}"),
                )
                depiction_table.table.mark("depiction-table")
                depiction_table.caption.mark("depiction-caption")
                depiction_table.table.add_slot("body-cell-performers", PERFORMERS_SLOT)

                async def search_depictions() -> None:
                    trouble.visible = False
                    state["depiction_search"] = (box.value or "").strip()
                    try:
                        await depiction_table.reload()
                    except ValidationFailed as exc:
                        trouble.text, trouble.visible = exc.message, True

                go.on_click(search_depictions)
                box.on("keydown.enter", search_depictions)
                depictions["table"] = depiction_table
                ui.timer(0, search_depictions, once=True)

        tabs.on_value_change(open_depictions)

        async def start_export() -> None:
            if state["exporting"] or export_button is None:
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
            lock = threading.Lock()
            seen: dict[str, Any] = {"done": 0, "total": 0, "label": "Starting"}

            def progress(done: int, total: int, label: str) -> None:  # called from the worker thread
                with lock:
                    seen.update(done=done, total=total, label=label)

            def poll() -> None:
                with lock:
                    done, total, label = seen["done"], seen["total"], seen["label"]
                progress_bar.value = (done / total) if total else 0
                progress_label.text = f"{label}: {done:,} of {total:,}" if total else label

            state["exporting"] = True
            export_button.disable()
            export_done.visible = False
            progress_box.visible = True
            poll()
            timer = ui.timer(0.25, poll)
            try:
                result = await run.io_bound(run_export, actor, progress)
            except ConsoleError as exc:
                report(exc)
                return
            except OSError as exc:
                ui.notify(f"The export could not be written: {exc.strerror or exc}", type="negative")
                return
            finally:
                timer.cancel()
                progress_box.visible = False
                state["exporting"] = False
                export_button.enable()
            if result is None:  # the app is shutting down
                return
            if ui.context.client.is_deleted:  # the tab closed while the export ran: nobody to hand it to
                shutil.rmtree(result.path.parent, ignore_errors=True)
                return
            counts = ", ".join(f"{v:,} {k}" for k, v in result.counts().items())
            export_done.text = f"{result.path.name} · {counts} · SHA-256 {result.sha256}"
            export_done.visible = True
            if result.problems:
                ui.notify(
                    f"{len(result.problems)} ID copies could not be included; PROBLEMS.txt in the ZIP lists them.",
                    type="warning",
                    timeout=0,
                    close_button="OK",
                )
            ui.download.from_url(offer_download(result.path, actor.staff_id), result.path.name)
            ui.notify("The inspection ZIP is ready; your browser is downloading it.", type="positive")
