"""Catalog pages: the video list (search, filters, column chooser, bulk actions) and the video editor.

The list is server-paged (PagedTable); a bulk action asks for confirmation saying how many rows and what
changes, runs `service.bulk()` off the event loop and then shows what changed, what was already so, and
every refused row with its reason. The editor lives in editor.py.
"""

from __future__ import annotations

from typing import Any

from nicegui import app, run, ui
from starlette.requests import Request

from console.catalog import editor
from console.catalog.collections import list_collections
from console.catalog.editor import parse_utc
from console.catalog.list_chips import AddressFilterChips, address_filters
from console.catalog.models import ACCESS_LEVELS, VIDEO_KINDS, VIDEO_STATES, Video
from console.catalog.rules import format_duration
from console.catalog.service import BULK_MAX, BulkResult, VideoFilter, bulk, list_videos
from console.db import session_scope
from console.errors import NotFound
from console.paging import Page, PageRequest
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission, can
from console.ui.formatting import fmt_dt
from console.ui.forms import confirm, guarded
from console.ui.page import staff_page
from console.ui.paged_table import PagedTable
from console.ui.session import require_live_session

COLUMNS: list[dict[str, Any]] = [
    {"name": "id", "label": "#", "field": "id", "align": "right"},
    {"name": "title", "label": "Title", "field": "title", "sortable": True, "align": "left"},
    {"name": "slug", "label": "Slug", "field": "slug", "align": "left"},
    {"name": "kind", "label": "Kind", "field": "kind", "align": "left"},
    {"name": "state", "label": "State", "field": "state", "align": "left"},
    {"name": "collection", "label": "Collection", "field": "collection", "align": "left"},
    {"name": "access_level", "label": "Access", "field": "access_level", "align": "left"},
    {"name": "monetization", "label": "Monetization", "field": "monetization", "align": "left"},
    {"name": "duration", "label": "Duration", "field": "duration", "align": "right"},
    {"name": "featured", "label": "Featured", "field": "featured", "align": "center"},
    {"name": "publish_at", "label": "Scheduled for", "field": "publish_at", "align": "left"},
    {"name": "published_at", "label": "Published", "field": "published_at", "sortable": True, "align": "left"},
    {"name": "updated_at", "label": "Updated", "field": "updated_at", "sortable": True, "align": "left"},
    {"name": "created_at", "label": "Created", "field": "created_at", "sortable": True, "align": "left"},
]
COLUMN_LABELS = {c["name"]: c["label"] for c in COLUMNS}
DEFAULT_COLUMNS = ["title", "kind", "state", "collection", "access_level", "duration", "featured", "updated_at"]
COLUMNS_KEY = "catalog_columns"

STATE_BADGE = """
<q-td :props="props"><q-badge :label="props.value"
  :color="{draft:'grey-7',scheduled:'info',published:'positive',unpublished:'warning'}[props.value]" /></q-td>"""
ACCESS_BADGE = """
<q-td :props="props"><q-badge outline :label="props.value"
  :color="{FREE:'positive',BASIC:'primary',PREMIUM:'amber-9'}[props.value]" /></q-td>"""

# action -> (button label, icon, permission)
BULK_BUTTONS: list[tuple[str, str, str, Permission]] = [
    ("publish", "Publish", "public", Permission.CATALOG_PUBLISH),
    ("unpublish", "Unpublish", "public_off", Permission.CATALOG_PUBLISH),
    ("schedule", "Schedule…", "schedule", Permission.CATALOG_PUBLISH),
    ("move", "Move to collection…", "drive_file_move", Permission.CATALOG_EDIT),
    ("access_level", "Access level…", "lock", Permission.CATALOG_EDIT),
    ("feature", "Feature", "star", Permission.CATALOG_EDIT),
    ("unfeature", "Unfeature", "star_border", Permission.CATALOG_EDIT),
    ("delete", "Delete", "delete", Permission.CATALOG_EDIT),
    ("restore", "Restore", "restore_from_trash", Permission.CATALOG_EDIT),
]
BOOL_OPTIONS: dict[Any, str] = {None: "Any", True: "Yes", False: "No"}


def row_of(v: Video, collection_names: dict[int, str]) -> dict[str, Any]:
    """One table row: plain values only (NiceGUI escapes them)."""
    collection = "—"
    if v.collection_id is not None:
        collection = collection_names.get(v.collection_id, f"#{v.collection_id}")
    return {
        "id": v.id,
        "title": v.title + (" (deleted)" if v.deleted_at is not None else ""),
        "slug": v.slug,
        "kind": v.kind,
        "state": v.state,
        "collection": collection,
        "access_level": v.access_level,
        "monetization": v.monetization,
        "duration": format_duration(v.duration_seconds) or "—",
        "featured": "★" if v.is_featured else "",
        "publish_at": fmt_dt(v.publish_at) if v.publish_at else "—",
        "published_at": fmt_dt(v.published_at),
        "updated_at": fmt_dt(v.updated_at),
        "created_at": fmt_dt(v.created_at),
    }


def plural(n: int, word: str = "video") -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _visible_columns() -> list[str]:
    stored = app.storage.user.get(COLUMNS_KEY)
    if isinstance(stored, list):
        chosen = [c for c in stored if c in COLUMN_LABELS]
        if chosen:
            return chosen
    return list(DEFAULT_COLUMNS)


def _int_param(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 19 else None


def show_bulk_result(what: str, result: BulkResult, titles: dict[int, str]) -> None:
    with ui.dialog() as dialog, ui.card().classes("min-w-[520px] max-w-[90vw]").mark("bulk-result"):
        ui.label(f"{what}: done").classes("text-lg font-semibold")
        with ui.row().classes("gap-6"):
            ui.label(f"Changed: {len(result.changed):,}").classes("text-positive font-semibold").mark("bulk-changed")
            ui.label(f"Unchanged (already so): {len(result.unchanged):,}").mark("bulk-unchanged")
            ui.label(f"Refused: {len(result.refused):,}").classes(
                "text-negative font-semibold" if result.refused else ""
            ).mark("bulk-refused-count")
        if result.refused:
            ui.label("Refused rows were left as they were:").classes("text-sm")
            ui.table(
                columns=[
                    {"name": "id", "label": "#", "field": "id", "align": "right"},
                    {"name": "title", "label": "Title", "field": "title", "align": "left"},
                    {"name": "reason", "label": "Why", "field": "reason", "align": "left"},
                ],
                rows=[
                    {"id": vid, "title": titles.get(vid, f"#{vid}"), "reason": reason}
                    for vid, reason in sorted(result.refused.items())
                ],
                row_key="id",
            ).props("dense flat bordered wrap-cells").classes("w-full").mark("bulk-refused")
        ui.button("Close", on_click=dialog.close).props("flat").mark("bulk-result-close")
    dialog.open()


def register() -> None:
    """Registers /catalog, /catalog/new and /catalog/{video_id} (after /catalog/import, see web.py)."""

    @staff_page("/catalog", title="Catalog", permission=Permission.CATALOG_READ)
    def catalog_page(info: SessionInfo) -> None:
        request: Request = ui.context.client.request
        params = request.query_params
        can_edit = can(info.actor, Permission.CATALOG_EDIT)
        with session_scope() as session:
            collections = [(c.id, c.name) for c in list_collections(session, actor=info.actor)]
        names = dict(collections)
        collection_options: dict[Any, str] = {None: "Any collection", **names}
        wanted_collection = _int_param(params.get("collection"))
        state: dict[str, Any] = {
            "search": (params.get("q") or "")[:200],
            "collection_id": wanted_collection if wanted_collection in names else None,
            "kind": None,
            "state": params.get("state") if params.get("state") in VIDEO_STATES else None,
            "access_level": None,
            "featured": None,
            "has_performers": None,
            "include_deleted": False,
            **address_filters(params),
        }

        with ui.row().classes("items-end gap-2 w-full"):
            search = (
                ui.input("Title, slug or performer", value=state["search"])
                .props("dense clearable maxlength=200")
                .classes("w-64")
                .mark("catalog-search")
            )
            collection = (
                ui.select(collection_options, value=state["collection_id"], label="Collection", with_input=True)
                .props("dense options-dense")
                .classes("w-48")
                .mark("catalog-collection")
            )
            kind = (
                ui.select({None: "Any kind", **{k: k for k in VIDEO_KINDS}}, value=None, label="Kind")
                .props("dense options-dense")
                .classes("w-28")
                .mark("catalog-kind")
            )
            video_state = (
                ui.select({None: "Any state", **{s: s for s in VIDEO_STATES}}, value=state["state"], label="State")
                .props("dense options-dense")
                .classes("w-32")
                .mark("catalog-state")
            )
            access = (
                ui.select({None: "Any access", **{a: a for a in ACCESS_LEVELS}}, value=None, label="Access level")
                .props("dense options-dense")
                .classes("w-32")
                .mark("catalog-access")
            )
            featured = (
                ui.select(BOOL_OPTIONS, value=None, label="Featured")
                .props("dense options-dense")
                .classes("w-24")
                .mark("catalog-featured")
            )
            performers = (
                ui.select(BOOL_OPTIONS, value=None, label="Has performers")
                .props("dense options-dense")
                .classes("w-32")
                .mark("catalog-has-performers")
            )
            deleted = ui.checkbox("Include deleted").props("dense").mark("catalog-include-deleted")
            ui.button("Search", icon="search", on_click=lambda: apply()).props("dense unelevated").mark(
                "catalog-search-go"
            )
            ui.button("Clear", on_click=lambda: clear()).props("dense flat").mark("catalog-clear")
        with ui.row().classes("items-center gap-2 w-full"):
            columns = (
                ui.select(
                    COLUMN_LABELS, multiple=True, value=_visible_columns(), label="Columns", on_change=lambda: pick()
                )
                .props("dense options-dense use-chips")
                .classes("min-w-[280px] max-w-[640px]")
                .mark("catalog-columns")
            )
            ui.space()
            if can_edit:
                ui.button("New video", icon="add", on_click=lambda: ui.navigate.to("/catalog/new")).props(
                    "dense unelevated color=primary"
                ).mark("catalog-new")
                ui.link("Import / export", "/catalog/import").classes("text-sm").mark("catalog-import")
        chips = AddressFilterChips(state, on_change=lambda: apply())
        problem = ui.label("").classes("text-negative text-sm")
        problem.visible = False

        allowed_bulk = [b for b in BULK_BUTTONS if can(info.actor, b[3])]
        bulk_bar: ui.row | None = None
        selected_label: ui.label | None = None
        if allowed_bulk:
            with ui.row().classes("items-center gap-1 w-full p-1 rounded bg-blue-grey-1").mark("bulk-bar") as bar:
                selected_label = ui.label("").classes("text-sm font-semibold mr-2").mark("bulk-selected")
                for action, label, icon, _perm in allowed_bulk:
                    ui.button(label, icon=icon, on_click=lambda a=action: start_bulk(a)).props(
                        f"dense flat no-caps {'color=negative' if action == 'delete' else ''}"
                    ).mark(f"bulk-{action}")
                ui.space()
                ui.button("Clear selection", on_click=lambda: clear_selection()).props("dense flat no-caps")
            bar.visible = False
            bulk_bar = bar

        def fetch(page: PageRequest) -> Page[dict[str, Any]]:
            flt = VideoFilter(
                search=state["search"] or None,
                collection_id=state["collection_id"],
                kind=state["kind"],
                state=state["state"],
                access_level=state["access_level"],
                featured=state["featured"],
                has_performers=state["has_performers"],
                include_deleted=state["include_deleted"],
                on_hold=state["on_hold"],
                publish_day=state["publish_day"],
            )
            with session_scope() as session:
                result = list_videos(session, actor=info.actor, flt=flt, page=page)
                return Page([row_of(v, names) for v in result.rows], result.total, result.estimated, result.request)

        table = PagedTable(
            [c for c in COLUMNS if c["name"] in columns.value],
            fetch,
            sort_by="created_at",
            descending=True,
            on_row_click=lambda row: ui.navigate.to(f"/catalog/{int(row['id'])}"),
            selection="multiple" if allowed_bulk else None,
        )
        table.table.add_slot("body-cell-state", STATE_BADGE)
        table.table.add_slot("body-cell-access_level", ACCESS_BADGE)

        def selection_changed() -> None:
            if bulk_bar is None or selected_label is None:
                return
            n = len(table.table.selected)
            selected_label.text = f"{plural(n)} selected"
            bulk_bar.visible = n > 0

        table.table.on_select(selection_changed)

        def clear_selection() -> None:
            table.table.selected = []
            table.table.update()
            selection_changed()

        def pick() -> None:
            chosen = [c for c in COLUMN_LABELS if c in (columns.value or [])] or ["title"]
            app.storage.user[COLUMNS_KEY] = chosen
            table.table.columns = [c for c in COLUMNS if c["name"] in chosen]
            table.table.update()

        async def apply() -> None:
            problem.visible = False
            search.error = None
            state.update(
                search=(search.value or "").strip(),
                collection_id=collection.value,
                kind=kind.value,
                state=video_state.value,
                access_level=access.value,
                featured=featured.value,
                has_performers=performers.value,
                include_deleted=bool(deleted.value),
            )
            clear_selection()
            await table.reload()

        async def clear() -> None:
            search.value = ""
            for element in (collection, kind, video_state, access, featured, performers):
                element.value = None
            deleted.value = False
            chips.clear()
            await apply()

        search.on("keydown.enter", apply)
        for element in (collection, kind, video_state, access, featured, performers, deleted):
            element.on_value_change(apply)
        ui.timer(0, apply, once=True)

        # --- bulk actions ---------------------------------------------------------------------------------

        async def ask_value(action: str) -> Any:
            """The extra input some actions need (time, collection, access level); None when cancelled."""
            with ui.dialog() as dialog, ui.card().classes("min-w-[360px]").mark("bulk-value"):
                if action == "schedule":
                    ui.label("Publish at (UTC)").classes("text-lg font-semibold")
                    day = ui.input("Date (YYYY-MM-DD)").props("dense type=date").mark("bulk-date")
                    clock = ui.input("Time (HH:MM, UTC)").props("dense type=time").mark("bulk-time")
                    field: Any = day
                elif action == "move":
                    ui.label("Move to collection").classes("text-lg font-semibold")
                    field = (
                        ui.select(names, label="Collection", with_input=True)
                        .props("dense options-dense")
                        .classes("w-full")
                        .mark("bulk-collection")
                    )
                else:
                    ui.label("Set access level").classes("text-lg font-semibold")
                    field = ui.select(list(ACCESS_LEVELS), label="Access level").props("dense").mark("bulk-access")

                def done() -> None:
                    if action == "schedule":
                        when, error = parse_utc(day.value, clock.value)
                        day.error = error
                        if when is not None:
                            dialog.submit(when)
                    elif field.value is None:
                        field.error = "Choose one"
                    else:
                        dialog.submit(field.value)

                with ui.row().classes("justify-end w-full"):
                    ui.button("Cancel", on_click=lambda: dialog.submit(None)).props("flat")
                    ui.button("Continue", on_click=done).props("color=primary").mark("bulk-value-ok")
            value = await dialog
            dialog.delete()
            return value

        def describe(action: str, n: int, value: Any) -> tuple[str, str, str]:
            """(question, what will change, button label) for the confirmation."""
            them = plural(n)
            rest = "\nRows already in that state are left alone; refused rows are listed with the reason afterwards."
            if action == "publish":
                change = (
                    "Each one becomes public on the platform now, if it passes the publishing checks "
                    "(media, collection, performers, records)."
                )
                return f"Publish {them} now?", f"Selected: {them}.\n{change}{rest}", "Publish"
            if action == "unpublish":
                change = "Each published or scheduled one is taken off the platform (state: unpublished)."
                return f"Unpublish {them}?", f"Selected: {them}.\n{change}{rest}", "Unpublish"
            if action == "schedule":
                change = (
                    f"Each one goes public at {value:%Y-%m-%d %H:%M} UTC, if it passes the publishing checks "
                    "(checked now and again at that time)."
                )
                return f"Schedule {them}?", f"Selected: {them}.\n{change}{rest}", "Schedule"
            if action == "move":
                change = f"Each one moves to the collection “{names.get(value, value)}”."
                return f"Move {them}?", f"Selected: {them}.\n{change}{rest}", "Move"
            if action == "access_level":
                change = f"The access level of each one becomes {value}."
                return f"Change access of {them}?", f"Selected: {them}.\n{change}{rest}", "Change"
            if action in ("feature", "unfeature"):
                verb = "Feature" if action == "feature" else "Unfeature"
                change = "Each one is marked as featured." if action == "feature" else "None of them stays featured."
                return f"{verb} {them}?", f"Selected: {them}.\n{change}{rest}", verb
            if action == "delete":
                change = (
                    "Each one is removed from the catalog and the platform (soft delete: published ones are "
                    "unpublished). “Include deleted” and Restore bring them back."
                )
                return f"Delete {them}?", f"Selected: {them}.\n{change}{rest}", "Delete"
            change = "Each deleted one comes back into the catalog (unpublished)."
            return f"Restore {them}?", f"Selected: {them}.\n{change}{rest}", "Restore"

        async def start_bulk(action: str) -> None:
            selected = list(table.table.selected)
            ids = [int(r["id"]) for r in selected]
            if not ids:
                ui.notify("Select at least one video first.", type="warning")
                return
            if len(ids) > BULK_MAX:
                ui.notify(f"At most {BULK_MAX:,} videos at a time.", type="warning")
                return
            value: Any = None
            if action in ("schedule", "move", "access_level"):
                if action == "move" and not names:
                    ui.notify("There are no collections yet.", type="warning")
                    return
                value = await ask_value(action)
                if value is None:
                    return
            question, message, ok_label = describe(action, len(ids), value)
            if not await confirm(question, message, ok_label=ok_label, danger=action in ("delete", "unpublish")):
                return
            live = require_live_session()
            if live is None:
                return

            def work() -> BulkResult:
                with session_scope() as session:
                    return bulk(session, actor=live.actor, action=action, video_ids=ids, value=value)

            progress = ui.notification(f"{question.rstrip('?')} …", spinner=True, timeout=None)
            try:
                ok, result = await guarded(lambda: run.io_bound(work))
            finally:
                progress.dismiss()
            if not ok or result is None:
                return
            titles = {int(r["id"]): str(r["title"]) for r in selected}
            show_bulk_result(ok_label, result, titles)
            clear_selection()
            await table.reload(first_page=False)

    @staff_page("/catalog/new", title="New video", permission=Permission.CATALOG_EDIT)
    def new_video(info: SessionInfo) -> None:
        editor.build(info, None)

    @staff_page("/catalog/{video_id}", title="Video", permission=Permission.CATALOG_READ)
    def video_page(info: SessionInfo, video_id: str) -> None:
        # A str parameter: a non-numeric address gets the in-frame 404, not FastAPI's JSON 422.
        if _int_param(video_id) is None or int(video_id) == 0:
            raise NotFound(f"There is no video #{video_id[:40]}.")
        editor.build(info, int(video_id))
