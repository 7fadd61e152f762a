"""The editor's rules for a video's input (`_clean`), shared by the editor, the series pages and the
import, and the rules for a billing list of performers."""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.catalog.models import ACCESS_LEVELS, MONETIZATION, QUALITIES, VIDEO_KINDS, Collection, Season, Video
from console.catalog.rules import check_slug, check_url, parse_duration, parse_money, slugify, unique_slug
from console.catalog.service.fields import DESCRIPTION_MAX, DIRECTOR_MAX, LANGUAGE_MAX, SLUG_MAX, TITLE_MAX, URL_FIELDS
from console.errors import ValidationFailed
from console.members.countries import COUNTRIES
from console.validation import clean_text


class CleanLookups(Protocol):
    """What `_clean` asks the database."""

    def collection_is_live(self, collection_id: int) -> bool: ...

    def slug_taken(self, slug: str, except_id: int | None) -> bool:
        """Does a live video other than `except_id` hold `slug`?"""
        ...

    def slugs_taken(self, slugs: list[str], except_id: int | None) -> set[str]:
        """Which of `slugs` live videos other than `except_id` hold."""
        ...


@dataclass
class DatabaseLookups:
    """`_clean`'s default: one query per question."""

    session: Session

    def collection_is_live(self, collection_id: int) -> bool:
        query = select(Collection.id).where(Collection.id == collection_id, Collection.deleted_at.is_(None))
        return self.session.execute(query).first() is not None

    def slug_taken(self, slug: str, except_id: int | None) -> bool:
        clash = select(Video.id).where(Video.slug == slug, Video.deleted_at.is_(None))
        if except_id is not None:
            clash = clash.where(Video.id != except_id)
        return self.session.execute(clash.limit(1)).first() is not None

    def slugs_taken(self, slugs: list[str], except_id: int | None) -> set[str]:
        clash = select(Video.slug).where(Video.slug.in_(slugs), Video.deleted_at.is_(None))
        if except_id is not None:
            clash = clash.where(Video.id != except_id)
        return set(self.session.execute(clash).scalars())


def _clean_slug(typed: Any, title: str, errors: dict[str, str], look: CleanLookups, except_id: int | None) -> str:
    """A typed slug must be valid and free; one made from the title (none typed) gets a free -2, -3 ... suffix."""
    if typed in (None, ""):
        if "title" in errors:  # refused anyway: no slug to make
            return ""
        base = slugify(title, SLUG_MAX)
        return unique_slug(base, SLUG_MAX, lambda c: look.slugs_taken(c, except_id), fallback="video")
    slug = check_slug(typed, "slug", errors, max_len=SLUG_MAX)
    if "slug" not in errors and look.slug_taken(slug, except_id):
        errors["slug"] = "is already used by another video"
    return slug


Getter = Callable[..., Any]  # data.get


def _clean(
    session: Session,
    data: dict[str, Any],
    *,
    current: Video | None,
    season_id: int | None = None,
    lookups: CleanLookups | None = None,
) -> dict[str, Any]:
    """Validate editor/import input; raise ValidationFailed with every problem at once.

    `season_id` is set only by series.add_episode (creating an episode of a season it has checked).
    `lookups` answers the collection and slug checks (default: a query each; the import prefetches per chunk)."""
    look = lookups if lookups is not None else DatabaseLookups(session)
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    get = data.get
    out["title"] = clean_text(get("title"), "title", errors, max_len=TITLE_MAX)
    except_id = current.id if current is not None else None
    out["slug"] = _clean_slug(get("slug"), out["title"], errors, look, except_id)
    description = clean_text(
        get("description"), "description", errors, max_len=DESCRIPTION_MAX, required=False, multiline=True
    )
    out["description"] = description or None
    out["kind"] = _clean_kind(session, get, current, season_id, errors)
    out["collection_id"] = _clean_collection(get, look, errors)
    for name in URL_FIELDS:
        out[name] = check_url(get(name), name, errors, allow_local_media=name == "thumbnail_url")
    out["duration_seconds"] = parse_duration(get("duration_seconds"), "duration_seconds", errors)
    _clean_offer(get, out, errors)
    _clean_performer_count(get, out, errors)
    out["genres"] = _clean_genres(get, errors)
    out["qualities"] = _clean_qualities(get, errors)
    country = (get("country") or "").strip().upper() or None
    if country and country not in COUNTRIES:
        errors["country"] = "is not a known country code"
    out["country"] = country
    out["language"] = clean_text(get("language"), "language", errors, max_len=LANGUAGE_MAX, required=False) or None
    out["director"] = clean_text(get("director"), "director", errors, max_len=DIRECTOR_MAX, required=False) or None
    _clean_release(get, out, errors)
    out["file_size_bytes"] = _clean_file_size(get, errors)
    out["is_featured"] = bool(get("is_featured", current.is_featured if current else False))
    out["is_trending"] = bool(get("is_trending", current.is_trending if current else False))
    if errors:
        raise ValidationFailed(errors)
    return out


def _clean_kind(
    session: Session, get: Getter, current: Video | None, season_id: int | None, errors: dict[str, str]
) -> Any:
    """The kind: episode exactly when the video belongs to a season; a series keeps its kind while it has seasons."""
    kind = get("kind") or ("episode" if season_id is not None else current.kind if current else "movie")
    in_season = season_id is not None or (current is not None and current.season_id is not None)
    if kind not in VIDEO_KINDS:
        errors["kind"] = "must be movie, series, episode or live"
    elif kind == "episode" and not in_season:  # the DB's CHECK: episode exactly when it belongs to a season
        errors["kind"] = "is “episode” only for a season's episodes: add them on the series' Seasons & episodes page"
    elif kind != "episode" and in_season:
        errors["kind"] = "must stay “episode”: this video is an episode of a season"
    elif (
        current is not None
        and current.kind == "series"
        and kind != "series"
        and session.execute(select(Season.id).where(Season.series_id == current.id).limit(1)).first()
    ):
        errors["kind"] = "must stay “series” while the series has seasons (delete its seasons first)"
    return kind


def _clean_collection(get: Getter, look: CleanLookups, errors: dict[str, str]) -> int | None:
    collection_id = get("collection_id")
    if collection_id not in (None, ""):
        try:
            collection_id = int(collection_id)
        except (TypeError, ValueError):
            errors["collection_id"] = "is not a collection"
            collection_id = None
        if collection_id is not None and not look.collection_is_live(collection_id):
            errors["collection_id"] = "is not a collection"
    return collection_id if collection_id not in ("",) else None


def _clean_offer(get: Getter, out: dict[str, Any], errors: dict[str, str]) -> None:
    """Prices, access level and monetization (tvod needs a rental or purchase price, ppv a ppv price)."""
    for name in ("rental_price_cents", "purchase_price_cents", "ppv_price_cents"):
        out[name] = parse_money(get(name), name, errors)
    access = get("access_level") or "FREE"
    if access not in ACCESS_LEVELS:
        errors["access_level"] = "must be FREE, BASIC or PREMIUM"
    out["access_level"] = access
    monetization = get("monetization") or "svod"
    if monetization not in MONETIZATION:
        errors["monetization"] = "must be svod, avod, tvod or ppv"
    out["monetization"] = monetization
    if monetization == "tvod" and out.get("rental_price_cents") is None and out.get("purchase_price_cents") is None:
        errors.setdefault("rental_price_cents", "is required for tvod (or a purchase price)")
    if monetization == "ppv" and out.get("ppv_price_cents") is None:
        errors.setdefault("ppv_price_cents", "is required for ppv")


def _clean_performer_count(get: Getter, out: dict[str, Any], errors: dict[str, str]) -> None:
    raw_count: Any = get("performer_count")
    try:  # a whole number (an int, an integral float, or digits: imports send text); 2.5 is refused, never cut
        if raw_count in (None, ""):
            count = 1
        elif isinstance(raw_count, bool) or (isinstance(raw_count, float) and not raw_count.is_integer()):
            raise ValueError
        else:
            count = int(str(raw_count).strip()) if isinstance(raw_count, str) else int(raw_count)
        if not 1 <= count <= 10:
            raise ValueError
        out["performer_count"] = count
    except (TypeError, ValueError, OverflowError):
        errors["performer_count"] = "must be a whole number from 1 to 10"


def _clean_genres(get: Getter, errors: dict[str, str]) -> list[str]:
    genres = get("genres") or []
    if isinstance(genres, str):
        genres = [g.strip() for g in genres.split(",")]
    cleaned_genres: list[str] = []
    for g in genres:
        g = clean_text(str(g), "genres", errors, max_len=40, required=False)
        if g and g.lower() not in [c.lower() for c in cleaned_genres]:
            cleaned_genres.append(g)
    if len(cleaned_genres) > 20:
        errors["genres"] = "at most 20 genres"
    return cleaned_genres


def _clean_qualities(get: Getter, errors: dict[str, str]) -> list[str]:
    qualities = get("qualities") or []
    if isinstance(qualities, str):
        qualities = [q.strip() for q in qualities.split(",") if q.strip()]
    if any(q not in QUALITIES for q in qualities):
        errors["qualities"] = "may only hold 480p, 720p, 1080p, 4k"
    return [q for q in QUALITIES if q in qualities]


def _clean_release(get: Getter, out: dict[str, Any], errors: dict[str, str]) -> None:
    """The release date, and the year (typed, else the date's)."""
    release_date = get("release_date")
    if isinstance(release_date, str):
        try:
            release_date = date.fromisoformat(release_date.strip()) if release_date.strip() else None
        except ValueError:
            errors["release_date"] = "must be a date (YYYY-MM-DD)"
            release_date = None
    out["release_date"] = release_date
    year = get("release_year")
    if year not in (None, ""):
        try:
            year = int(year)
            if not 1880 <= year <= 2100:
                raise ValueError
        except (TypeError, ValueError):
            errors["release_year"] = "must be a year between 1880 and 2100"
            year = None
    out["release_year"] = year or (release_date.year if release_date else None)


def _clean_file_size(get: Getter, errors: dict[str, str]) -> int | None:
    size = get("file_size_bytes")
    if size not in (None, ""):
        try:
            size = int(size)
            if size < 0:
                raise ValueError
        except (TypeError, ValueError):
            errors["file_size_bytes"] = "must be a whole number of bytes"
            size = None
    return size


def validate_video_data(
    session: Session, data: dict[str, Any], *, current: Video | None, lookups: CleanLookups | None = None
) -> dict[str, Any]:
    """The editor's rules (`_clean`) for callers that write the video themselves: the import validates chunks
    of rows against prefetched `lookups`, then writes them in batches. Raises ValidationFailed."""
    return _clean(session, data, current=current, lookups=lookups)


def check_performer_ids(ids: list[int], live: Container[int]) -> None:
    """set_performers' rules for a billing list, given which of its ids are live performers."""
    if len(set(ids)) != len(ids):
        raise ValidationFailed({"performers": "lists a performer twice"})
    if len(ids) > 10:
        raise ValidationFailed({"performers": "at most 10 performers"})
    missing = [i for i in ids if i not in live]
    if missing:
        raise ValidationFailed({"performers": f"performer(s) not found: {', '.join(map(str, missing))}"})
