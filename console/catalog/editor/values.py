"""The editor's words and values, without any page: field labels, what a stored video looks like in the form's
fields (and back), which image sources and colours may reach the browser."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from console.catalog.models import QUALITIES
from console.catalog.rules import HEX_RE, LOCAL_THUMBNAIL_RE, format_duration, format_money
from console.catalog.service import EDITABLE

URL_LABELS = {
    "hls_url": "HLS manifest URL (https://…/master.m3u8)",
    "thumbnail_url": "Thumbnail URL",
    "poster_url": "Poster URL",
    "backdrop_url": "Backdrop URL",
    "trailer_url": "Trailer URL",
}
PRICE_LABELS = {
    "rental_price_cents": "Rental price",
    "purchase_price_cents": "Purchase price",
    "ppv_price_cents": "Pay-per-view price",
}
FIELD_LABELS: dict[str, str] = {
    "title": "Title",
    "slug": "Slug",
    "kind": "Kind",
    "collection_id": "Collection",
    "description": "Description",
    "release_date": "Release date",
    "release_year": "Release year",
    "duration_seconds": "Duration",
    "language": "Language",
    "country": "Country",
    "director": "Director",
    "genres": "Genres",
    **{k: v.split(" (")[0] for k, v in URL_LABELS.items()},
    "qualities": "Qualities",
    "access_level": "Access level",
    "monetization": "Monetization",
    **PRICE_LABELS,
    "performer_count": "Performer count",
    "is_featured": "Featured",
    "is_trending": "Trending",
}

ACTION_LABELS = {  # the audit's action codes as the History tab says them
    "video.create": "Created",
    "video.update": "Edited",
    "video.publish": "Published",
    "video.unpublish": "Unpublished",
    "video.schedule": "Scheduled",
    "video.schedule_refused": "Scheduled publish refused",
    "video.move": "Moved to a collection",
    "video.access_level": "Access level changed",
    "video.feature": "Featured",
    "video.unfeature": "No longer featured",
    "video.performers": "Performers changed",
    "video.delete": "Deleted",
    "video.restore": "Restored",
    "video.compliance_hold": "Put on 2257 hold",
    "video.compliance_release": "2257 hold released",
    "video.episode_detach": "Detached from its series",
    "video.episode_number": "Episode number changed",
    "production.create": "2257 production recorded",
    "production.update": "2257 production changed",
    "production.view": "2257 production viewed",
}

HISTORY_LABELS = FIELD_LABELS | {
    "state": "State",
    "publish_at": "Scheduled for",
    "published_at": "Published at",
    "deleted_at": "Deleted at",
    "file_size_bytes": "File size",
    "performers": "Performers",
}
MONETIZATION_LABELS = {
    "svod": "SVOD · subscription",
    "avod": "AVOD · with ads",
    "tvod": "TVOD · rent or buy",
    "ppv": "PPV · pay-per-view",
}
ACCESS_COLOURS = {"FREE": "positive", "BASIC": "primary", "PREMIUM": "warning"}
DEFAULT_COLOURS = ("#263238", "#4FC3F7")


def _iso(value: Any) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def empty_view() -> dict[str, Any]:
    view: dict[str, Any] = dict.fromkeys(EDITABLE)
    view.update(
        kind="movie",
        genres=[],
        qualities=[],
        access_level="FREE",
        monetization="svod",
        performer_count=1,
        is_featured=False,
        is_trending=False,
        id=None,
        state="draft",
        version=None,
        publish_at=None,
        published_at=None,
        deleted_at=None,
    )
    return view


def form_values(view: dict[str, Any]) -> dict[str, Any]:
    """A stored video (video_view) as the editor's fields hold it: text for text inputs, lists for chips."""
    values: dict[str, Any] = {
        "title": _text(view.get("title")),
        "slug": _text(view.get("slug")),
        "kind": view.get("kind") or "movie",
        "collection_id": view.get("collection_id"),
        "description": _text(view.get("description")),
        "release_date": _iso(view.get("release_date"))[:10],
        "release_year": _text(view.get("release_year")),
        "duration_seconds": format_duration(view.get("duration_seconds")),
        "language": _text(view.get("language")),
        "country": view.get("country") or None,
        "director": _text(view.get("director")),
        "genres": list(view.get("genres") or []),
        "qualities": [q for q in QUALITIES if q in (view.get("qualities") or [])],
        "access_level": view.get("access_level") or "FREE",
        "monetization": view.get("monetization") or "svod",
        "performer_count": view.get("performer_count") or 1,
        "is_featured": bool(view.get("is_featured")),
        "is_trending": bool(view.get("is_trending")),
        "file_size_bytes": view.get("file_size_bytes"),
    }
    for name in URL_LABELS:
        values[name] = _text(view.get(name))
    for name in PRICE_LABELS:
        values[name] = format_money(view.get(name))
    return values


def element_values(values: dict[str, Any]) -> dict[str, Any]:
    """form_values as the editor's elements hold them: one switch per quality; the file size is not shown."""
    out = {k: v for k, v in values.items() if k not in ("qualities", "file_size_bytes")}
    out.update({f"quality:{q}": q in values["qualities"] for q in QUALITIES})
    return out


def comparable(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def safe_image(url: str | None) -> str:
    """Only an https URL or an uploaded thumbnail's path may become an image source (never a server file path)."""
    url = (url or "").strip()
    if LOCAL_THUMBNAIL_RE.fullmatch(url):
        return url
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.netloc and not any(ch.isspace() for ch in url) and len(url) <= 2048:
        return url
    return ""


def safe_colour(value: str | None, default: str) -> str:
    return value if value and HEX_RE.match(value) else default
