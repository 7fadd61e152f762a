"""Collections page: order, colours, active toggle, featured video, delete refusal.

One dense list in display order (collections are few; the service returns them all). Content staff
reorder with the arrow buttons or, with a row focused, Alt+ArrowUp/Alt+ArrowDown; everything else
happens in one create/edit dialog. Colours reach a `style` only after `safe_hex` accepted them.
"""

from __future__ import annotations

from typing import Any

from nicegui import run, ui
from sqlalchemy.orm import Session

from console.actor import Actor
from console.catalog.collections import (
    SLUG_MAX,
    TEXT_LIMITS,
    collection_view,
    create_collection,
    delete_collection,
    list_collections,
    reorder_collections,
    set_featured_video,
    update_collection,
)
from console.catalog.page_parts import (
    ColourField,
    ConflictCatcher,
    call_service,
    confirm_in,
    paint,
    safe_hex,
    show_conflict,
    swatch,
    text_colour_on,
)
from console.catalog.rules import slugify
from console.catalog.service import VideoFilter, get_video, list_videos
from console.db import session_scope
from console.errors import ConsoleError, NotFound
from console.paging import PageRequest
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission, can
from console.ui.forms import limit_lengths, report
from console.ui.ordering import move_buttons
from console.ui.page import staff_page

FEATURED_CHOICES = 200  # the featured-video select lists this many of the collection's videos (by title)
NO_VIDEO = "— none —"
FOCUS_JS = (  # only an element id goes in: never user text in JavaScript
    "(function f(n){const el=getElement(%d);if(el&&el.focus){el.focus();}else if(n>0){setTimeout(()=>f(n-1),20);}})(50)"
)
LABELS = {
    "name": "Name",
    "slug": "Slug",
    "description": "Description",
    "color_primary": "Primary colour",
    "color_accent": "Accent colour",
    "thumbnail_url": "Thumbnail URL",
    "banner_url": "Banner URL",
    "is_active": "Active",
}


def load_rows(actor: Actor) -> list[dict[str, Any]]:
    """Every live collection in display order, with the featured video's title."""
    with session_scope() as session:
        rows = []
        for c in list_collections(session, actor=actor):
            row = collection_view(c)
            row["featured_title"] = None
            if c.featured_video_id is not None:
                try:
                    row["featured_title"] = get_video(session, actor=actor, video_id=c.featured_video_id).title
                except NotFound:
                    row["featured_title"] = f"#{c.featured_video_id}"
            rows.append(row)
        return rows


def load_video_choices(actor: Actor, collection_id: int, featured_id: int | None) -> tuple[dict[Any, str], int]:
    """The collection's videos for the featured-video select (A to Z, capped) and how many there are."""
    with session_scope() as session:
        page = list_videos(
            session,
            actor=actor,
            flt=VideoFilter(collection_id=collection_id),
            page=PageRequest(size=FEATURED_CHOICES, sort="title", descending=False),
        )
        choices: dict[Any, str] = {None: NO_VIDEO}
        choices.update({v.id: f"{v.title} ({v.state})" for v in page.rows})
        if featured_id is not None and featured_id not in choices:
            try:
                video = get_video(session, actor=actor, video_id=featured_id)
                choices[video.id] = f"{video.title} ({video.state})"
            except NotFound:
                pass
        return choices, page.total


def editable_data(row: dict[str, Any]) -> dict[str, Any]:
    """What update_collection needs to keep every field as stored (it validates the whole record)."""
    return {key: row.get(key) for key in LABELS}


def register() -> None:
    @staff_page("/collections", title="Collections", permission=Permission.CATALOG_READ)
    def collections_page(info: SessionInfo) -> None:
        actor = info.actor
        editable = can(actor, Permission.CATALOG_EDIT)
        state: dict[str, Any] = {"rows": load_rows(actor), "busy": False}
        row_elements: dict[int, ui.element] = {}

        with ui.row().classes("items-center gap-2"):
            if editable:
                ui.button("New collection", icon="add", on_click=lambda: open_editor(None)).props(
                    "dense unelevated color=primary no-caps"
                ).mark("collection-new")
            ui.button("Reload", icon="refresh", on_click=lambda: reload()).props("dense flat no-caps")
            count = ui.label("").classes("text-xs opacity-70").mark("collection-count")
        if editable:
            ui.label("Reorder with the arrows, or focus a row (Tab) and press Alt+↑ / Alt+↓.").classes(
                "text-xs opacity-70"
            )
        dialog_host = ui.element("div")

        def find(collection_id: int) -> dict[str, Any] | None:
            return next((r for r in state["rows"] if r["id"] == collection_id), None)

        async def reload(focus: int | None = None) -> None:
            try:
                rows = await run.io_bound(load_rows, actor)
            except ConsoleError as exc:
                report(exc)
                return
            if rows is None:  # shutting down
                return
            state["rows"] = rows
            await listing.refresh()  # awaited: row_elements holds the new rows below
            if focus is not None and focus in row_elements:
                # The refreshed row has a new element id; focus it once the browser has rendered it. (Through
                # the row's client: the handler's own context may be a row the refresh just deleted.)
                row = row_elements[focus]
                row.client.run_javascript(FOCUS_JS % int(row.id))

        async def move(collection_id: int, delta: int) -> None:
            if state["busy"]:
                return  # one move at a time: the next is computed from the order the first produced
            ids = [r["id"] for r in state["rows"]]
            if collection_id not in ids:
                return
            i = ids.index(collection_id)
            j = i + delta
            if not 0 <= j < len(ids):
                return
            ids[i], ids[j] = ids[j], ids[i]
            state["busy"] = True
            try:
                await call_service(lambda s: reorder_collections(s, actor=actor, ordered_ids=ids))
                await reload(focus=collection_id)
            finally:
                state["busy"] = False

        async def toggle_active(collection_id: int, value: bool) -> None:
            row = find(collection_id)
            if row is None:
                return
            data = editable_data(row) | {"is_active": bool(value)}
            ok, _ = await call_service(
                lambda s: update_collection(
                    s, actor=actor, collection_id=collection_id, data=data, expected_version=row["version"]
                )
            )
            if ok:
                ui.notify(f"{'Activated' if value else 'Deactivated'} “{row['name']}”.", type="positive")
            await reload()

        async def remove(collection_id: int) -> None:
            row = find(collection_id)
            if row is None:
                return
            if not await confirm_in(
                dialog_host,
                f"Delete the collection “{row['name']}”?",
                "It disappears from the site and from this list. A collection that still holds videos "
                "cannot be deleted: move its videos first.",
                ok_label="Delete",
                danger=True,
            ):
                return
            ok, _ = await call_service(
                lambda s: delete_collection(
                    s, actor=actor, collection_id=collection_id, expected_version=row["version"]
                )
            )
            if ok:
                ui.notify(f"Deleted “{row['name']}”.", type="positive")
            await reload()

        def row_view(index: int, row: dict[str, Any], last: int) -> None:
            cid = int(row["id"])
            with (
                ui.row()
                .classes(
                    "w-full items-center no-wrap gap-3 px-2 py-1 border-b border-gray-300 "
                    "focus:outline-none focus:bg-blue-100 hover:bg-gray-50"
                )
                .props("tabindex=0 role=listitem")
                .mark("collection-row", f"collection-row-{cid}") as line
            ):
                line._props["aria-label"] = f"{index + 1}. {row['name']}"
                row_elements[cid] = line
                if editable:
                    line.on("keydown.alt.up.prevent", lambda cid=cid: move(cid, -1))
                    line.on("keydown.alt.down.prevent", lambda cid=cid: move(cid, 1))
                ui.label(str(index + 1)).classes("w-6 text-right opacity-60 shrink-0")
                with ui.row().classes("w-14 gap-1 no-wrap shrink-0"):
                    swatch(row["color_primary"], label="Primary").mark(f"collection-swatch-{cid}")
                    swatch(row["color_accent"], label="Accent").mark(f"collection-accent-{cid}")
                ui.label(row["name"]).classes("w-56 truncate font-medium shrink-0").mark(
                    "collection-name", f"collection-name-{cid}"
                )
                ui.label(row["slug"]).classes("w-48 truncate font-mono text-xs opacity-80 shrink-0")
                with ui.element("div").classes("w-24 shrink-0"):
                    if editable:
                        ui.switch(
                            value=bool(row["is_active"]),
                            on_change=lambda e, cid=cid: toggle_active(cid, e.value),
                        ).props("dense aria-label='Active (shown on the site)'").mark(f"collection-active-{cid}")
                    else:
                        ui.badge("active" if row["is_active"] else "inactive").props(
                            f"color={'positive' if row['is_active'] else 'grey'}"
                        )
                ui.label(f"{row['video_count']:,} video{'s' if row['video_count'] != 1 else ''}").classes(
                    "w-20 text-right shrink-0"
                ).mark(f"collection-count-{cid}")
                with ui.row().classes("items-center gap-1 no-wrap min-w-0 grow"):
                    if row["featured_title"]:
                        ui.icon("star", size="xs").classes("opacity-60")
                    ui.label(row["featured_title"] or "—").classes("truncate").mark(f"collection-featured-{cid}")
                if editable:
                    with ui.row().classes("gap-0 no-wrap shrink-0"):
                        move_buttons("collection", cid, move, index=index, last=last)
                        ui.button(icon="edit", on_click=lambda cid=cid: open_editor(cid)).props(
                            "flat dense round size=sm aria-label=Edit"
                        ).mark(f"collection-edit-{cid}").tooltip("Edit")
                        ui.button(icon="delete", on_click=lambda cid=cid: remove(cid)).props(
                            "flat dense round size=sm color=negative aria-label=Delete"
                        ).mark(f"collection-delete-{cid}").tooltip("Delete")

        @ui.refreshable
        def listing() -> None:
            rows = state["rows"]
            count.text = f"{len(rows):,} collection{'s' if len(rows) != 1 else ''}"
            row_elements.clear()
            with ui.column().classes("w-full gap-0 text-sm").props("role=list").mark("collection-list"):
                with ui.row().classes("w-full no-wrap gap-3 px-2 py-1 text-xs font-semibold opacity-70 border-b"):
                    ui.label("#").classes("w-6 text-right shrink-0")
                    ui.label("Colours").classes("w-14 shrink-0")
                    ui.label("Name").classes("w-56 shrink-0")
                    ui.label("Slug").classes("w-48 shrink-0")
                    ui.label("Active").classes("w-24 shrink-0")
                    ui.label("Videos").classes("w-20 text-right shrink-0")
                    ui.label("Featured video").classes("grow")
                if not rows:
                    ui.label("No collections yet.").classes("p-2 opacity-70")
                for index, row in enumerate(rows):
                    row_view(index, row, len(rows) - 1)

        listing()

        async def open_editor(collection_id: int | None) -> None:
            current = find(collection_id) if collection_id is not None else None
            if collection_id is not None and current is None:
                return
            choices: dict[Any, str] = {None: NO_VIDEO}
            total = 0
            if current is not None:
                try:
                    loaded = await run.io_bound(
                        load_video_choices, actor, int(current["id"]), current["featured_video_id"]
                    )
                except ConsoleError as exc:
                    report(exc)
                    return
                if loaded is None:
                    return
                choices, total = loaded
            version = {"value": current["version"] if current else None}
            dialog_host.clear()  # the previous (closed) dialog
            with dialog_host, ui.dialog() as dialog, ui.card().classes("w-[640px] max-w-full gap-2"):
                ui.label("New collection" if current is None else "Edit collection").classes("text-lg font-semibold")
                name = (
                    ui.input("Name", value=current["name"] if current else "")
                    .props("dense")
                    .classes("w-full")
                    .mark("col-name")
                )
                slug = (
                    ui.input("Slug", value=current["slug"] if current else "")
                    .props("dense")
                    .classes("w-full font-mono")
                    .mark("col-slug")
                )
                slug.props(
                    'hint="a-z, 0-9 and hyphens; filled in from the name until you edit it"'
                    if current is None
                    else 'hint="a-z, 0-9 and hyphens; changing it changes the public address"'
                )
                auto_slug = {"on": current is None}

                def name_changed() -> None:
                    if auto_slug["on"]:
                        slug.value = slugify(name.value or "", SLUG_MAX)

                def slug_changed() -> None:
                    auto_slug["on"] = current is None and (slug.value or "") == slugify(name.value or "", SLUG_MAX)

                name.on_value_change(name_changed)
                slug.on_value_change(slug_changed)
                description = (
                    ui.textarea("Description", value=(current["description"] or "") if current else "")
                    .props("dense autogrow")
                    .classes("w-full")
                    .mark("col-description")
                )
                with ui.row().classes("w-full items-start no-wrap gap-3"):
                    primary = (
                        ColourField("Primary colour", value=current["color_primary"] if current else "#263238")
                        .props("dense")
                        .classes("w-48 shrink-0")
                        .mark("col-primary")
                    )
                    accent = (
                        ColourField("Accent colour", value=current["color_accent"] if current else "#4FC3F7")
                        .props("dense")
                        .classes("w-48 shrink-0")
                        .mark("col-accent")
                    )
                    with (
                        ui.element("div")
                        .classes(
                            "grow min-w-0 overflow-hidden h-16 rounded border border-gray-400 p-2 "
                            "flex flex-col justify-between"
                        )
                        .mark("col-preview") as preview
                    ):
                        sample = ui.label("").classes("text-sm font-semibold truncate")
                        accent_bar = ui.element("div").classes("h-2 w-1/2 rounded").mark("col-preview-accent")
                invalid = ui.label("").classes("text-xs text-negative -mt-2")

                def repaint() -> None:
                    ok_primary = paint(preview, primary.value)
                    ok_accent = paint(accent_bar, accent.value)
                    sample.text = (name.value or "Collection name").strip()[:60]
                    sample.style(replace=f"color: {text_colour_on(safe_hex(primary.value))}")
                    problems = [label for label, ok in (("primary", ok_primary), ("accent", ok_accent)) if not ok]
                    invalid.text = f"Not a #RRGGBB colour: {', '.join(problems)}" if problems else ""

                for source in (primary, accent, name):
                    source.on_value_change(repaint)
                repaint()
                thumbnail = (
                    ui.input("Thumbnail URL (https://)", value=(current["thumbnail_url"] or "") if current else "")
                    .props("dense")
                    .classes("w-full")
                    .mark("col-thumbnail")
                )
                banner = (
                    ui.input("Banner URL (https://)", value=(current["banner_url"] or "") if current else "")
                    .props("dense")
                    .classes("w-full")
                    .mark("col-banner")
                )
                limit_lengths(
                    {
                        "name": name,
                        "slug": slug,
                        "description": description,
                        "thumbnail_url": thumbnail,
                        "banner_url": banner,
                    },
                    TEXT_LIMITS,
                )
                active = ui.switch("Active (shown on the site)", value=bool(current["is_active"]) if current else True)
                active.mark("col-active")
                featured = (
                    ui.select(
                        choices,
                        value=current["featured_video_id"]
                        if current and current["featured_video_id"] in choices
                        else None,
                        label="Featured video",
                        with_input=True,
                    )
                    .props("dense options-dense")
                    .classes("w-full")
                    .mark("col-featured")
                )
                if current is None:
                    featured.disable()
                    featured.props('hint="Add videos to the collection first, then pick one here."')
                elif total > FEATURED_CHOICES:
                    featured.props(f'hint="Showing the first {FEATURED_CHOICES} of {total:,} videos, A to Z."')
                elif total == 0:
                    featured.props('hint="This collection holds no videos yet."')
                conflict_box = ui.column().classes("w-full gap-0 p-2 rounded bg-orange-100 text-black")
                conflict_box.mark("col-conflict")
                conflict_box.visible = False
                summary = ui.label("").classes("text-negative text-sm").mark("col-summary")
                summary.visible = False
                fields = {
                    "name": name,
                    "slug": slug,
                    "description": description,
                    "color_primary": primary,
                    "color_accent": accent,
                    "thumbnail_url": thumbnail,
                    "banner_url": banner,
                    "featured_video_id": featured,
                }

                def typed() -> dict[str, Any]:
                    return {
                        "name": name.value or "",
                        "slug": "" if auto_slug["on"] else slug.value or "",  # "": the service makes a free one
                        "description": description.value or "",
                        "color_primary": primary.value or "",
                        "color_accent": accent.value or "",
                        "thumbnail_url": thumbnail.value or "",
                        "banner_url": banner.value or "",
                        "is_active": bool(active.value),
                    }

                async def save() -> None:
                    data = typed()
                    featured_id = featured.value if current is not None else None
                    catcher = ConflictCatcher()

                    def work(session: Session) -> int:
                        if current is None:
                            return create_collection(session, actor=actor, data=data).id
                        c = update_collection(
                            session,
                            actor=actor,
                            collection_id=int(current["id"]),
                            data=data,
                            expected_version=version["value"],
                        )
                        set_featured_video(
                            session, actor=actor, collection_id=c.id, video_id=featured_id, expected_version=c.version
                        )
                        return c.id

                    ok, saved_id = await call_service(catcher(work), fields=fields, summary=summary)
                    if ok:
                        conflict_box.visible = False
                        dialog.close()
                        ui.notify(f"Saved “{data['name'].strip()}”.", type="positive")
                        await reload(focus=saved_id)
                    elif catcher.conflict is not None:
                        # Keep the input; the next save deliberately replaces what is stored now.
                        version["value"] = catcher.conflict.current.get("version", version["value"])
                        show_conflict(conflict_box, catcher.conflict, data, LABELS)

                with ui.row().classes("justify-end w-full"):
                    ui.button("Cancel", on_click=dialog.close).props("flat")
                    ui.button("Create" if current is None else "Save", on_click=save).props(
                        "unelevated color=primary"
                    ).mark("col-save")
            dialog.open()
