"""Collections: create, edit (version-checked), reorder, feature a video, delete only when empty (seed 001)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from console.actor import Actor
from console.audit.last_change import last_change
from console.audit.service import record
from console.catalog.models import Collection, Video
from console.catalog.rules import check_hex, check_slug, check_url, slugify, unique_slug
from console.db import utcnow
from console.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from console.paging import Page, PageRequest, exact_or_estimated_count, fetch_page
from console.staff.permissions import Permission, require
from console.validation import clean_text, text_problem

NAME_MAX = 120
SLUG_MAX = 140
DESCRIPTION_MAX = 5000
# The longest text each field takes, for forms that show a counter (console.ui.forms.limit_lengths).
TEXT_LIMITS = {
    "name": NAME_MAX,
    "slug": SLUG_MAX,
    "description": DESCRIPTION_MAX,
    "thumbnail_url": 2048,  # rules.check_url
    "banner_url": 2048,
}


def collection_view(c: Collection) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "slug": c.slug,
        "description": c.description,
        "color_primary": c.color_primary,
        "color_accent": c.color_accent,
        "thumbnail_url": c.thumbnail_url,
        "banner_url": c.banner_url,
        "featured_video_id": c.featured_video_id,
        "is_active": c.is_active,
        "sort_order": c.sort_order,
        "video_count": c.video_count,
        "deleted_at": c.deleted_at,
        "version": c.version,
    }


def list_collections(session: Session, *, actor: Actor, include_deleted: bool = False) -> list[Collection]:
    require(actor, Permission.CATALOG_READ)
    query = select(Collection).order_by(Collection.sort_order, Collection.id)
    if not include_deleted:
        query = query.where(Collection.deleted_at.is_(None))
    return list(session.execute(query).scalars())


def _search_term(search: str | None) -> str:
    """The trimmed search text, or ValidationFailed on `search` (too long, or a character no name holds)."""
    term = (search or "").strip()
    problem = text_problem(term) or (f"is too long ({NAME_MAX} characters at most)" if len(term) > NAME_MAX else None)
    if problem is not None:
        raise ValidationFailed({"search": problem})
    return term


def list_collections_page(
    session: Session, *, actor: Actor, page: PageRequest, search: str | None = None
) -> Page[Collection]:
    """One page of the live collections in display order (the order is fixed: the list is how staff arrange it);
    `search` keeps those whose name or slug contains it (any case; ASCII letters only on SQLite, which has no
    Unicode lower()). Collections are few (hundreds): the contains-filter scans the live ones."""
    require(actor, Permission.CATALOG_READ)
    term = _search_term(search)
    query = select(Collection).where(Collection.deleted_at.is_(None))
    if term:
        lowered = term.lower()
        query = query.where(
            or_(
                func.lower(Collection.name).contains(lowered, autoescape=True),
                func.lower(Collection.slug).contains(lowered, autoescape=True),
            )
        )
    total, estimated = exact_or_estimated_count(session, query)
    order = [(Collection.sort_order, False), (Collection.id, False)]
    rows = fetch_page(session, query, order, page, total, estimated=estimated)
    return Page(rows, total, estimated, page)


# Aliases built once: one made per call rebuilds its column collection on every call (~1 ms each).
_OTHER = aliased(Collection, name="other")


def display_positions(session: Session, *, actor: Actor, ids: set[int]) -> dict[int, int]:
    """Each of these live collections' place (1 = first) in the whole display order: a searched page numbers its
    rows as the full list does."""
    require(actor, Permission.CATALOG_READ)
    if not ids:
        return {}
    other = _OTHER
    before = (
        select(func.count(other.id))
        .where(
            other.deleted_at.is_(None),
            or_(
                other.sort_order < Collection.sort_order,
                and_(other.sort_order == Collection.sort_order, other.id < Collection.id),
            ),
        )
        .correlate(Collection)
        .scalar_subquery()
    )
    found = session.execute(
        select(Collection.id, before).where(Collection.id.in_(ids), Collection.deleted_at.is_(None))
    ).all()
    return {int(cid): int(count) + 1 for cid, count in found}


CHOICES_PAGE = 20  # what a searched select offers at a time (the editor's Collection field)


def collection_choices(
    session: Session, *, actor: Actor, search: str | None = None, page: PageRequest | None = None
) -> Page[Collection]:
    """One page of the live collections whose name contains `search` (case-insensitive), in display order: what a
    searched select offers instead of every collection (a chosen one outside the page: `collections_by_id`)."""
    require(actor, Permission.CATALOG_READ)
    term = _search_term(search)
    query = select(Collection).where(Collection.deleted_at.is_(None))
    if term:
        query = query.where(func.lower(Collection.name).contains(term.lower(), autoescape=True))
    request = page or PageRequest(size=CHOICES_PAGE)
    total, estimated = exact_or_estimated_count(session, query)
    order = [(Collection.sort_order, False), (Collection.id, False)]
    rows = fetch_page(session, query, order, request, total, estimated=estimated)
    return Page(rows, total, estimated, request)


def collections_by_id(session: Session, *, actor: Actor, ids: set[int]) -> dict[int, Collection]:
    """These live collections by id (a deleted or unknown id is left out): a chosen value outside the offered page."""
    require(actor, Permission.CATALOG_READ)
    if not ids:
        return {}
    query = select(Collection).where(Collection.id.in_(ids), Collection.deleted_at.is_(None))
    return {c.id: c for c in session.execute(query).scalars()}


def featured_titles(session: Session, *, actor: Actor, video_ids: set[int]) -> dict[int, str]:
    """The titles of these (featured) videos in one query; a video that no longer exists shows as "#id"."""
    require(actor, Permission.CATALOG_READ)
    found: dict[int, str] = {}
    if video_ids:
        found = dict(session.execute(select(Video.id, Video.title).where(Video.id.in_(video_ids))).tuples().all())
    return {video_id: found.get(video_id, f"#{video_id}") for video_id in video_ids}


def _slugs_taken(session: Session, slugs: list[str], current: Collection | None) -> set[str]:
    clash = select(Collection.slug).where(Collection.slug.in_(slugs), Collection.deleted_at.is_(None))
    if current is not None:
        clash = clash.where(Collection.id != current.id)
    return set(session.execute(clash).scalars())


def _clean(session: Session, data: dict[str, Any], current: Collection | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    out["name"] = clean_text(data.get("name"), "name", errors, max_len=NAME_MAX)
    typed_slug = bool(data.get("slug"))
    if typed_slug:  # a typed slug must be free; one made from the name gets a free -2, -3 ... suffix
        out["slug"] = check_slug(data.get("slug"), "slug", errors, max_len=SLUG_MAX)
    elif "name" in errors:  # refused anyway: no slug to make
        out["slug"] = ""
    else:
        base = slugify(out["name"], SLUG_MAX)
        out["slug"] = unique_slug(base, SLUG_MAX, lambda c: _slugs_taken(session, c, current), fallback="collection")
    out["description"] = (
        clean_text(
            data.get("description"), "description", errors, max_len=DESCRIPTION_MAX, required=False, multiline=True
        )
        or None
    )
    out["color_primary"] = check_hex(data.get("color_primary") or "#263238", "color_primary", errors)
    out["color_accent"] = check_hex(data.get("color_accent") or "#4FC3F7", "color_accent", errors)
    out["thumbnail_url"] = check_url(data.get("thumbnail_url"), "thumbnail_url", errors)
    out["banner_url"] = check_url(data.get("banner_url"), "banner_url", errors)
    out["is_active"] = bool(data.get("is_active", True))
    for name in ("name", "slug") if typed_slug else ("name",):
        if name in errors:
            continue
        clash = select(Collection.id).where(getattr(Collection, name) == out[name], Collection.deleted_at.is_(None))
        if current is not None:
            clash = clash.where(Collection.id != current.id)
        if session.execute(clash).first():
            errors[name] = "is already used by another collection"
    if errors:
        raise ValidationFailed(errors)
    return out


def _locked(session: Session, collection_id: int, expected_version: int | None) -> Collection:
    c = session.execute(select(Collection).where(Collection.id == collection_id).with_for_update()).scalar_one_or_none()
    if c is None or c.deleted_at is not None:
        raise NotFound(f"Collection #{collection_id} does not exist.")
    if expected_version is not None and c.version != expected_version:
        last = last_change(session, "collection", collection_id)
        raise Conflict(
            f"Collection “{c.name}” was changed by someone else; review and save again.",  # the panel says who
            current=collection_view(c),
            changed_by=last.by,
            changed_at=last.at,
        )
    return c


def create_collection(session: Session, *, actor: Actor, data: dict[str, Any]) -> Collection:
    require(actor, Permission.CATALOG_EDIT)
    values = _clean(session, data, None)
    last = session.execute(select(func.coalesce(func.max(Collection.sort_order), 0))).scalar_one()
    c = Collection(**values, sort_order=int(last) + 1)
    session.add(c)
    session.flush()
    record(session, actor, "collection.create", "collection", c.id, after=collection_view(c))
    return c


def update_collection(
    session: Session, *, actor: Actor, collection_id: int, data: dict[str, Any], expected_version: int | None
) -> Collection:
    require(actor, Permission.CATALOG_EDIT)
    c = _locked(session, collection_id, expected_version)
    values = _clean(session, data, c)
    before = collection_view(c)
    for name, value in values.items():
        setattr(c, name, value)
    if collection_view(c) == before:
        return c
    session.flush()
    record(session, actor, "collection.update", "collection", c.id, before, collection_view(c))
    return c


def set_featured_video(
    session: Session, *, actor: Actor, collection_id: int, video_id: int | None, expected_version: int | None = None
) -> Collection:
    require(actor, Permission.CATALOG_EDIT)
    c = _locked(session, collection_id, expected_version)
    if video_id is not None:
        video = session.get(Video, video_id)
        if video is None or video.deleted_at is not None or video.collection_id != c.id:
            raise ValidationFailed({"featured_video_id": "must be a video in this collection"})
    if c.featured_video_id == video_id:
        return c
    before = collection_view(c)
    c.featured_video_id = video_id
    session.flush()
    record(session, actor, "collection.feature_video", "collection", c.id, before, collection_view(c))
    return c


def reorder_collections(session: Session, *, actor: Actor, ordered_ids: list[int]) -> int:
    """Set the display order to the given id order; returns how many collections moved."""
    require(actor, Permission.CATALOG_EDIT)
    live = {
        c.id: c
        for c in session.execute(select(Collection).where(Collection.deleted_at.is_(None)).with_for_update()).scalars()
    }
    if sorted(ordered_ids) != sorted(live):
        raise ValidationFailed({"order": "must list every collection exactly once (reload: the list changed)"})
    moved = 0
    for position, collection_id in enumerate(ordered_ids, start=1):
        c = live[collection_id]
        if c.sort_order != position:
            before = {"sort_order": c.sort_order}
            c.sort_order = position
            session.flush()
            record(session, actor, "collection.reorder", "collection", c.id, before, {"sort_order": position})
            moved += 1
    return moved


def move_collection(session: Session, *, actor: Actor, collection_id: int, delta: int) -> int:
    """Swap a collection with its neighbour `delta` (-1 up, +1 down) places away in the display order; returns how
    many collections moved (0 at either end). The neighbour may be on another page of the list."""
    require(actor, Permission.CATALOG_EDIT)
    if delta not in (-1, 1):
        raise ValidationFailed({"order": "moves one place up or down"})
    ids = list(
        session.execute(
            select(Collection.id)
            .where(Collection.deleted_at.is_(None))
            .order_by(Collection.sort_order, Collection.id)
            .with_for_update()
        ).scalars()
    )
    if collection_id not in ids:
        raise NotFound(f"Collection #{collection_id} does not exist.")
    i = ids.index(collection_id)
    j = i + delta
    if not 0 <= j < len(ids):
        return 0
    ids[i], ids[j] = ids[j], ids[i]
    return reorder_collections(session, actor=actor, ordered_ids=ids)


def delete_collection(
    session: Session, *, actor: Actor, collection_id: int, expected_version: int | None = None
) -> Collection:
    """Soft delete, refused while live videos remain (it would orphan them)."""
    require(actor, Permission.CATALOG_EDIT)
    c = _locked(session, collection_id, expected_version)
    remaining = session.execute(
        select(func.count()).select_from(Video).where(Video.collection_id == c.id, Video.deleted_at.is_(None))
    ).scalar_one()
    if remaining:
        raise RuleViolation(
            f"“{c.name}” still holds {remaining} video{'s' if remaining != 1 else ''}. "
            "Move them to another collection (Catalog → select → Move) before deleting it."
        )
    before = collection_view(c)
    c.deleted_at = utcnow()
    c.featured_video_id = None
    session.flush()
    record(session, actor, "collection.delete", "collection", c.id, before, collection_view(c))
    return c
