"""What the video list reads and shows: the columns (and the cells that keep a long title from pushing the others off
screen), one page of videos as plain rows with their collections' names, the collection choices, the chosen
columns kept per staff member."""

from __future__ import annotations

from typing import Any

from nicegui import app

from console.actor import Actor
from console.catalog.collections import collection_choices, collections_by_id
from console.catalog.models import Video
from console.catalog.rules import format_duration
from console.catalog.service import VideoFilter, list_videos
from console.catalog.state_look import VIDEO_KIND_CELL, VIDEO_STATE_CELL
from console.db import session_scope
from console.paging import Page, PageRequest
from console.ui.formatting import fmt_dt
from console.ui.paged_table import CLIPPED_CELL, column, id_column

COLUMNS: list[dict[str, Any]] = [
    id_column(),
    column("title", "Title", sortable=True),
    column("slug", "Slug"),
    column("kind", "Kind"),
    column("state", "State"),
    column("collection", "Collection"),
    column("access_level", "Access"),
    column("monetization", "Monetization"),
    column("duration", "Duration", "right"),
    column("featured", "Featured", "center"),
    column("publish_at", "Scheduled for"),
    column("published_at", "Published", sortable=True),
    column("updated_at", "Updated", sortable=True),
    column("created_at", "Created", sortable=True),
]
COLUMN_LABELS = {c["name"]: c["label"] for c in COLUMNS}
DEFAULT_COLUMNS = ["title", "kind", "state", "collection", "access_level", "duration", "featured", "updated_at"]
COLUMNS_KEY = "catalog_columns"

ACCESS_BADGE = """
<q-td :props="props"><q-badge outline :label="props.value"
  :color="{FREE:'positive',BASIC:'primary',PREMIUM:'warning'}[props.value]" /></q-td>"""
# Free text (a title without spaces, a long slug) stays on one line, cut with an ellipsis at console.css's width,
# the whole text on hover (the shared clipped cell; these columns are the user's choice, so they carry no `clip`).
CLIPPED_COLUMNS = ("title", "slug", "collection")
CELL_SLOTS = {
    "body-cell-state": VIDEO_STATE_CELL,
    "body-cell-kind": VIDEO_KIND_CELL,
    "body-cell-access_level": ACCESS_BADGE,
    **{f"body-cell-{name}": CLIPPED_CELL for name in CLIPPED_COLUMNS},
}
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


def load_page(actor: Actor, flt: VideoFilter, request: PageRequest) -> Page[dict[str, Any]]:
    """One page of videos as rows, with the names of only the collections on it (one unit of work; off the loop)."""
    with session_scope() as session:
        found = list_videos(session, actor=actor, flt=flt, page=request)
        wanted = {v.collection_id for v in found.rows if v.collection_id is not None}
        names = {c.id: c.name for c in collections_by_id(session, actor=actor, ids=wanted).values()}
        return Page([row_of(v, names) for v in found.rows], found.total, found.estimated, found.request)


def collection_options(actor: Actor, search: str) -> dict[Any, str]:
    """The collections a select offers for the typed text (the first few, in display order)."""
    with session_scope() as session:
        return {c.id: c.name for c in collection_choices(session, actor=actor, search=search).rows}


def collection_name(actor: Actor, collection_id: int | None) -> str | None:
    """The live collection's name, None when there is none with that id."""
    if collection_id is None:
        return None
    with session_scope() as session:
        found = collections_by_id(session, actor=actor, ids={collection_id}).get(collection_id)
        return found.name if found is not None else None


def visible_columns() -> list[str]:
    stored = app.storage.user.get(COLUMNS_KEY)
    if isinstance(stored, list):
        chosen = [c for c in stored if c in COLUMN_LABELS]
        if chosen:
            return chosen
    return list(DEFAULT_COLUMNS)


def keep_columns(wanted: list[str] | None) -> list[str]:
    """The chosen columns in table order (at least the title), remembered for this staff member."""
    chosen = [c for c in COLUMN_LABELS if c in (wanted or [])] or ["title"]
    app.storage.user[COLUMNS_KEY] = chosen
    return chosen


def columns_for(names: list[str]) -> list[dict[str, Any]]:
    return [c for c in COLUMNS if c["name"] in names]


def int_param(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 19 else None
