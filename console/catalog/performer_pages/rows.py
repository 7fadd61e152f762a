"""What the performer pages read: directory rows, a profile with its photos, links and videos, as plain values;
the labels the pages show for photo types, platforms and video states."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from console.actor import Actor
from console.catalog.performers import (
    PerformerFilter,
    get_performer,
    links_of,
    list_performers,
    performer_view,
    photos_of,
    videos_of,
)
from console.compliance.records import can_read_legal, compliance_badges
from console.db import session_scope
from console.paging import Page, PageRequest
from console.ui.formatting import word_labels
from console.ui.paged_table import column, open_column

VIDEO_LIMIT = 200
COLUMNS: list[dict[str, Any]] = [
    column("name", "Name"),
    column("slug", "Slug"),
    column("active", "Active"),
    column("video_count", "Videos", "right"),
    open_column(),
]
LABELS = word_labels("name", "slug", "bio", "is_active", is_active="Active")
PHOTO_TYPE_LABELS = word_labels(
    "performer_photo", "profile", "behind_scenes", "video_still", behind_scenes="Behind the scenes"
)
PLATFORM_LABELS = {
    "instagram": "Instagram",
    "twitter": "Twitter / X",
    "onlyfans": "OnlyFans",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "custom": "Other (custom)",
}


def row_of(p: Any) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "slug": p.slug,
        "active": "active" if p.is_active else "inactive",
        "video_count": p.video_count,
    }


def load_page(actor: Actor, flt: PerformerFilter, request: PageRequest) -> Page[dict[str, Any]]:
    """One page of the directory (one unit of work; runs off the event loop)."""
    with session_scope() as session:
        result = list_performers(session, actor=actor, flt=flt, page=request)
        return Page([row_of(p) for p in result.rows], result.total, result.estimated, result.request)


def https_only(url: Any) -> str | None:
    """Only ever hand an https:// address to an <img> or <a> (the services store nothing else)."""
    return url if isinstance(url, str) and url.lower().startswith("https://") else None


def _photos_and_links(session: Session, actor: Actor, performer_id: int) -> dict[str, Any]:
    return {
        "photos": [
            {
                "id": p.id,
                "url": p.url,
                "thumbnail_url": p.thumbnail_url,
                "alt_text": p.alt_text,
                "photo_type": p.photo_type,
                "is_primary": p.is_primary,
            }
            for p in photos_of(session, actor=actor, performer_id=performer_id)
        ],
        "links": [
            {"platform": link.platform, "handle": link.handle, "url": link.url}
            for link in links_of(session, actor=actor, performer_id=performer_id)
        ],
    }


def stored_view(session: Session, actor: Actor, performer_id: int) -> dict[str, Any]:
    """The performer as stored now, with its photos and links."""
    p = get_performer(session, actor=actor, performer_id=performer_id)
    data: dict[str, Any] = {"view": performer_view(p) | {"video_count": p.video_count}}
    data.update(_photos_and_links(session, actor, performer_id))
    return data


def load_profile(actor: Actor, performer_id: int) -> dict[str, Any]:
    with session_scope() as session:
        data = stored_view(session, actor, performer_id)
        data["videos"] = [
            {"id": v.id, "title": v.title, "state": v.state}
            for v in videos_of(session, actor=actor, performer_id=performer_id, limit=VIDEO_LIMIT)
        ]
        # 2257: compliance staff get a link to the legal record; everyone else only a compliant/not badge.
        if not can_read_legal(actor):
            data["compliant"] = compliance_badges(session, actor=actor, performer_ids=[performer_id])[performer_id]
        return data


def reload_parts(actor: Actor, performer_id: int) -> dict[str, Any]:
    with session_scope() as session:
        return stored_view(session, actor, performer_id)


def profile_values(view: dict[str, Any]) -> dict[str, Any]:
    """A performer view as the profile form's fields hold it."""
    return {
        "name": view["name"] or "",
        "slug": view["slug"] or "",
        "bio": view["bio"] or "",
        "is_active": bool(view["is_active"]),
    }
