"""A video's editable fields, the longest text each takes, and the audited view of a video."""

from __future__ import annotations

from typing import Any

from console.catalog.models import Video

TITLE_MAX = 500


SLUG_MAX = 500


DESCRIPTION_MAX = 20_000


LANGUAGE_MAX = 35


DIRECTOR_MAX = 200


URL_MAX = 2048  # rules.check_url


BULK_MAX = 5_000


URL_FIELDS = ("hls_url", "thumbnail_url", "poster_url", "backdrop_url", "trailer_url")


# The longest text each field takes, for forms that show a counter (console.ui.forms.limit_lengths).
TEXT_LIMITS = {
    "title": TITLE_MAX,
    "slug": SLUG_MAX,
    "description": DESCRIPTION_MAX,
    "language": LANGUAGE_MAX,
    "director": DIRECTOR_MAX,
    **dict.fromkeys(URL_FIELDS, URL_MAX),
}


EDITABLE = (
    "kind",
    "collection_id",
    "title",
    "slug",
    "description",
    "release_date",
    "release_year",
    "duration_seconds",
    "language",
    "country",
    "director",
    "genres",
    *URL_FIELDS,
    "qualities",
    "file_size_bytes",
    "access_level",
    "monetization",
    "rental_price_cents",
    "purchase_price_cents",
    "ppv_price_cents",
    "performer_count",
    "is_featured",
    "is_trending",
)


def video_view(video: Video) -> dict[str, Any]:
    """The audited and displayed state of a video."""
    data = {name: getattr(video, name) for name in EDITABLE}
    data.update(
        id=video.id,
        state=video.state,
        publish_at=video.publish_at,
        published_at=video.published_at,
        deleted_at=video.deleted_at,
        version=video.version,
    )
    return data
