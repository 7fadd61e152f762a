"""What the collections page reads: one page of collections as plain rows, the featured-video choices."""

from __future__ import annotations

from typing import Any

from console.actor import Actor
from console.catalog.collections import (
    collection_view,
    display_positions,
    featured_titles,
    list_collections_page,
)
from console.catalog.service import VideoFilter, get_video, list_videos
from console.db import session_scope
from console.errors import NotFound
from console.paging import Page, PageRequest
from console.ui.formatting import plural  # noqa: F401 - re-exported for this area's parts

FEATURED_CHOICES = 200  # the featured-video select lists this many of the collection's videos (by title)
NO_VIDEO = "— none —"
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


def load_page(actor: Actor, request: PageRequest, search: str = "") -> Page[dict[str, Any]]:
    """One page of the live collections in display order (those whose name or slug contains `search`), each with
    its featured video's title and its place in the whole list (`position`, 1 = first), in one unit of work; runs
    off the event loop."""
    with session_scope() as session:
        found = list_collections_page(session, actor=actor, page=request, search=search)
        featured = {c.featured_video_id for c in found.rows if c.featured_video_id is not None}
        titles = featured_titles(session, actor=actor, video_ids=featured)
        places = (
            display_positions(session, actor=actor, ids={c.id for c in found.rows})
            if search.strip()
            else {c.id: request.offset + index + 1 for index, c in enumerate(found.rows)}
        )
        rows = []
        for c in found.rows:
            row = collection_view(c)
            row["featured_title"] = None if c.featured_video_id is None else titles[c.featured_video_id]
            row["position"] = places.get(c.id)  # None: deleted between the two reads
            rows.append(row)
        return Page(rows, found.total, found.estimated, found.request)


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
