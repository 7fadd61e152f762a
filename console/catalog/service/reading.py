"""Reading videos: the filter, list/search (paged), the filtered query the export walks, one video, its
performers and its history."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Select, exists, func, select, union
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.models import AuditEvent
from console.catalog.models import ACCESS_LEVELS, VIDEO_KINDS, VIDEO_STATES, Performer, Video, VideoPerformer
from console.catalog.rules import SLUG_RE
from console.compliance.models import ComplianceHold
from console.errors import NotFound, ValidationFailed
from console.paging import Page, PageRequest, exact_or_estimated_count, fetch_page
from console.staff.permissions import Permission, require
from console.textsearch import contains, fold
from console.validation import text_problem


@dataclass(frozen=True)
class VideoFilter:
    search: str | None = None
    collection_id: int | None = None
    kind: str | None = None
    state: str | None = None
    access_level: str | None = None
    featured: bool | None = None
    has_performers: bool | None = None
    include_deleted: bool = False
    on_hold: bool = False  # only videos under an open compliance hold (refused by the publishing gate until released)
    publish_day: date | None = None  # only videos scheduled to go public on this day of `day_zone`
    day_zone: str = "UTC"  # the viewer's IANA zone: "today" is theirs, 23 or 25 hours on a clock-change day


def _zone(name: str) -> ZoneInfo:
    """The zone a day filter is read in; UTC for a name the zone database does not know."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


SORTABLE = {
    "created_at": Video.created_at,
    "published_at": Video.published_at,
    "title": Video.title,
    "updated_at": Video.updated_at,
}


def _search_branches(base: Select[Any], term: str, *, live_slug: bool) -> list[Select[Any]]:
    """`base` narrowed three ways: the folded title contains the folded term (textsearch.py: "amelie" finds
    "Amélie"), the slug is the term (of a live video if `live_slug`), a linked live performer's folded name
    contains it."""
    folded = fold(term)
    branches = [
        base.where(contains(Video.title_search, folded)),
        base.join(VideoPerformer, VideoPerformer.video_id == Video.id)
        .join(Performer, Performer.id == VideoPerformer.performer_id)
        .where(contains(Performer.name_search, folded), Performer.deleted_at.is_(None)),
    ]
    if SLUG_RE.match(term.lower()):
        by_slug = base.where(Video.slug == term.lower())
        branches.insert(1, by_slug.where(Video.deleted_at.is_(None)) if live_slug else by_slug)
    return branches


def _search_condition(session: Session, term: str) -> Any:
    """Title contains the term, or the slug is the term, or a linked performer's name contains it.

    Written as `id IN (title matches UNION performer matches)` so PostgreSQL serves each side from its
    trigram index and joins once, instead of testing a correlated subquery on every video.
    """
    return Video.id.in_(union(*_search_branches(select(Video.id), term, live_slug=True)))


SEARCH_CAP = 20_000


def list_videos(session: Session, *, actor: Actor, flt: VideoFilter, page: PageRequest) -> Page[Video]:
    require(actor, Permission.CATALOG_READ)
    query = filtered_videos(session, flt)
    column = SORTABLE.get(page.sort or "", Video.created_at)
    descending = page.descending if page.sort in SORTABLE else True
    term = (flt.search or "").strip()
    if term:
        found = _search_page(session, flt, term, page, column, descending)
        if found is not None:
            return found
    total, estimated = exact_or_estimated_count(session, query)
    rows = fetch_page(session, query, [(column, descending), (Video.id, descending)], page, total, estimated=estimated)
    return Page(rows=rows, total=total, estimated=estimated, request=page)


def _search_page(
    session: Session, flt: VideoFilter, term: str, page: PageRequest, column: Any, descending: bool
) -> Page[Video] | None:
    """A search unions the matches (title, slug, performer name: each side from its own index) and lets the
    database sort them and cut out the page, with the total alongside (a window count): only the page's ids
    travel back, however many videos match, then the page's rows are loaded by id. Returns None past
    SEARCH_CAP matches (the caller falls back to the planner-estimated path)."""
    base = filtered_videos(session, replace(flt, search=None)).with_only_columns(Video.id, column.label("sort_key"))
    matches = union(*_search_branches(base, term, live_slug=False)).limit(SEARCH_CAP + 1).subquery("matches")
    key, ident = matches.c.sort_key, matches.c.id
    # NULLs (only published_at has them) last when descending, first when ascending, ties by id: spelled out,
    # so PostgreSQL and SQLite agree (their defaults differ) and the order is the one searches always had.
    order = [key.desc().nulls_last(), ident.desc()] if descending else [key.asc().nulls_first(), ident.asc()]
    found = session.execute(
        select(ident, func.count().over()).order_by(*order).offset(page.offset).limit(page.size)
    ).all()
    # Past the last page (or when nothing matches) no row carries the window's total: count apart.
    counted = select(func.count()).select_from(matches)
    total = int(found[0][1]) if found else int(session.execute(counted).scalar_one())
    if total > SEARCH_CAP:
        return None
    wanted = [row[0] for row in found]
    loaded = {v.id: v for v in session.execute(select(Video).where(Video.id.in_(wanted))).scalars()} if wanted else {}
    return Page(rows=[loaded[i] for i in wanted if i in loaded], total=total, estimated=False, request=page)


def filtered_videos(session: Session, flt: VideoFilter) -> Select[tuple[Video]]:
    """The (unordered) query for the videos `flt` selects, shared by the list and the export (transfer/exporting.py).
    Raises ValidationFailed for a bad filter; callers check the permission."""
    errors: dict[str, str] = {}
    term = (flt.search or "").strip()
    if len(term) > 200:
        errors["search"] = "is too long (200 characters at most)"
    elif term and (problem := text_problem(term)) is not None:
        errors["search"] = problem
    elif term and len(fold(term)) < 3:
        errors["search"] = "needs at least 3 characters"
    for name, allowed in (("kind", VIDEO_KINDS), ("state", VIDEO_STATES), ("access_level", ACCESS_LEVELS)):
        value = getattr(flt, name)
        if value is not None and value not in allowed:
            errors[name] = "is not a known value"
    if errors:
        raise ValidationFailed(errors)
    query = select(Video)
    if not flt.include_deleted:
        query = query.where(Video.deleted_at.is_(None))
    if term:
        query = query.where(_search_condition(session, term))
    if flt.collection_id is not None:
        query = query.where(Video.collection_id == flt.collection_id)
    if flt.kind:
        query = query.where(Video.kind == flt.kind)
    if flt.state:
        query = query.where(Video.state == flt.state)
    if flt.access_level:
        query = query.where(Video.access_level == flt.access_level)
    if flt.featured is not None:
        query = query.where(Video.is_featured.is_(flt.featured))
    if flt.has_performers is not None:
        linked = exists(select(VideoPerformer.id).where(VideoPerformer.video_id == Video.id))
        query = query.where(linked if flt.has_performers else ~linked)
    if flt.on_hold:  # the open holds' partial index (ix_compliance_holds_open)
        held = select(ComplianceHold.video_id).where(ComplianceHold.released_at.is_(None))
        query = query.where(Video.id.in_(held))
    if flt.publish_day is not None:  # the scheduled videos' partial index on publish_at
        zone = _zone(flt.day_zone)
        start = datetime.combine(flt.publish_day, time.min, tzinfo=zone).astimezone(UTC)
        end = datetime.combine(flt.publish_day + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
        query = query.where(Video.state == "scheduled", Video.publish_at >= start, Video.publish_at < end)
    return query


def count_videos(session: Session, *, actor: Actor, flt: VideoFilter) -> tuple[int, bool]:
    """(total, estimated) of the videos `flt` selects: the list's own query and its bounded/estimated count (the
    home page's tiles)."""
    require(actor, Permission.CATALOG_READ)
    return exact_or_estimated_count(session, filtered_videos(session, flt))


def get_video(session: Session, *, actor: Actor, video_id: int) -> Video:
    require(actor, Permission.CATALOG_READ)
    video = session.get(Video, video_id)
    if video is None:
        raise NotFound(f"Video #{video_id} does not exist.")
    return video


def performers_of(session: Session, *, actor: Actor, video_id: int) -> list[tuple[Performer, int]]:
    require(actor, Permission.CATALOG_READ)
    rows = session.execute(
        select(Performer, VideoPerformer.billing_order)
        .join(VideoPerformer, VideoPerformer.performer_id == Performer.id)
        .where(VideoPerformer.video_id == video_id)
        .order_by(VideoPerformer.billing_order, Performer.name)
    ).all()
    return [(p, order) for p, order in rows]


def video_history(session: Session, *, actor: Actor, video_id: int, limit: int = 200) -> list[AuditEvent]:
    """This video's audit events, newest first: catalog staff see their own area's history without audit.read."""
    require(actor, Permission.CATALOG_READ)
    return list(
        session.execute(
            select(AuditEvent)
            .where(AuditEvent.entity == "video", AuditEvent.entity_id == str(video_id))
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        ).scalars()
    )
