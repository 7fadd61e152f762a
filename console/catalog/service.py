"""Videos: list/search, create, edit (version-checked), performers, publish/schedule/unpublish, bulk actions.

Publishing of any kind goes through `_make_public()`, which asks the gate (gate.py) first; bulk actions
write one audit event per changed row and report per row what was refused and why.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import Select, bindparam, exists, func, select, union, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from console.actor import Actor
from console.audit.models import AuditEvent
from console.audit.service import record
from console.catalog.gate import publish_blockers, publish_blockers_many
from console.catalog.models import (
    ACCESS_LEVELS,
    MONETIZATION,
    QUALITIES,
    VIDEO_KINDS,
    VIDEO_STATES,
    Collection,
    Performer,
    Season,
    Video,
    VideoPerformer,
)
from console.catalog.rules import (
    SLUG_RE,
    check_slug,
    check_url,
    parse_duration,
    parse_money,
    slugify,
    unique_slug,
)
from console.db import dialect_name, utcnow
from console.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from console.members.countries import COUNTRIES
from console.paging import Page, PageRequest, exact_or_estimated_count, fetch_page
from console.staff.permissions import Permission, require
from console.textsearch import fold
from console.validation import clean_text, text_problem

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


# --- reading -------------------------------------------------------------------------------------------


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
        base.where(Video.title_search.contains(folded, autoescape=True)),
        base.join(VideoPerformer, VideoPerformer.video_id == Video.id)
        .join(Performer, Performer.id == VideoPerformer.performer_id)
        .where(Performer.name_search.contains(folded, autoescape=True), Performer.deleted_at.is_(None)),
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
    """The (unordered) query for the videos `flt` selects, shared by the list and the export (transfer.py).
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
    return query


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


# --- writing -------------------------------------------------------------------------------------------


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
    out["kind"] = kind
    collection_id = get("collection_id")
    if collection_id not in (None, ""):
        try:
            collection_id = int(collection_id)
        except (TypeError, ValueError):
            errors["collection_id"] = "is not a collection"
            collection_id = None
        if collection_id is not None and not look.collection_is_live(collection_id):
            errors["collection_id"] = "is not a collection"
    out["collection_id"] = collection_id if collection_id not in ("",) else None
    for name in URL_FIELDS:
        out[name] = check_url(get(name), name, errors, allow_local_media=name == "thumbnail_url")
    out["duration_seconds"] = parse_duration(get("duration_seconds"), "duration_seconds", errors)
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
    try:
        raw_count: Any = get("performer_count")
        count = int(raw_count) if raw_count not in (None, "") else 1
        if not 1 <= count <= 10:
            raise ValueError
        out["performer_count"] = count
    except (TypeError, ValueError):
        errors["performer_count"] = "must be a whole number from 1 to 10"
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
    out["genres"] = cleaned_genres
    qualities = get("qualities") or []
    if isinstance(qualities, str):
        qualities = [q.strip() for q in qualities.split(",") if q.strip()]
    if any(q not in QUALITIES for q in qualities):
        errors["qualities"] = "may only hold 480p, 720p, 1080p, 4k"
    out["qualities"] = [q for q in QUALITIES if q in qualities]
    country = (get("country") or "").strip().upper() or None
    if country and country not in COUNTRIES:
        errors["country"] = "is not a known country code"
    out["country"] = country
    out["language"] = clean_text(get("language"), "language", errors, max_len=LANGUAGE_MAX, required=False) or None
    out["director"] = clean_text(get("director"), "director", errors, max_len=DIRECTOR_MAX, required=False) or None
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
    size = get("file_size_bytes")
    if size not in (None, ""):
        try:
            size = int(size)
            if size < 0:
                raise ValueError
        except (TypeError, ValueError):
            errors["file_size_bytes"] = "must be a whole number of bytes"
            size = None
    out["file_size_bytes"] = size
    out["is_featured"] = bool(get("is_featured", current.is_featured if current else False))
    out["is_trending"] = bool(get("is_trending", current.is_trending if current else False))
    if errors:
        raise ValidationFailed(errors)
    return out


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


def _last_changed_by(session: Session, video_id: int) -> str | None:
    return session.execute(
        select(AuditEvent.actor_label)
        .where(AuditEvent.entity == "video", AuditEvent.entity_id == str(video_id))
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _locked_video(session: Session, video_id: int, expected_version: int | None) -> Video:
    video = session.execute(select(Video).where(Video.id == video_id).with_for_update()).scalar_one_or_none()
    if video is None:
        raise NotFound(f"Video #{video_id} does not exist.")
    if expected_version is not None and video.version != expected_version:
        who = _last_changed_by(session, video_id)
        raise Conflict(
            f"“{video.title}” was changed by {who or 'someone else'} while you edited it. "
            "Your input is kept: compare it with the saved version and save again.",
            current=video_view(video),
            changed_by=who,
        )
    return video


def create_video(
    session: Session,
    *,
    actor: Actor,
    data: dict[str, Any],
    season_id: int | None = None,
    episode_number: int | None = None,
) -> Video:
    """Create a draft. `season_id`/`episode_number` make it an episode: only series.add_episode passes them,
    after checking the season and the number (the audit event then records both)."""
    require(actor, Permission.CATALOG_EDIT)
    values = _clean(session, data, current=None, season_id=season_id)
    video = Video(**values, state="draft", season_id=season_id, episode_number=episode_number)
    session.add(video)
    session.flush()
    _recount_collections(session, {video.collection_id})
    after = video_view(video)
    if season_id is not None:
        after.update(season_id=season_id, episode_number=episode_number)
    record(session, actor, "video.create", "video", video.id, after=after)
    return video


def update_video(
    session: Session, *, actor: Actor, video_id: int, data: dict[str, Any], expected_version: int | None
) -> Video:
    require(actor, Permission.CATALOG_EDIT)
    video = _locked_video(session, video_id, expected_version)
    if video.deleted_at is not None:
        raise RuleViolation("This video is deleted; restore it before editing.")
    values = _clean(session, data, current=video)
    before = video_view(video)
    old_collection = video.collection_id
    for name, value in values.items():
        setattr(video, name, value)
    if video_view(video) == before:
        return video
    session.flush()
    _recount_collections(session, {old_collection, video.collection_id})
    if video.state in ("published", "scheduled"):
        reasons = publish_blockers(session, video)
        if reasons:
            raise RuleViolation("This change would break a public video: " + "; ".join(reasons) + ".")
    record(session, actor, "video.update", "video", video.id, before, video_view(video))
    return video


def set_performers(
    session: Session, *, actor: Actor, video_id: int, performer_ids: list[int], expected_version: int | None = None
) -> Video:
    """Replace the linked performers; the list order is the billing order."""
    require(actor, Permission.CATALOG_EDIT)
    video = _locked_video(session, video_id, expected_version)
    ids = [int(p) for p in performer_ids]
    live: set[int] = set()
    if ids and len(ids) <= 10:
        query = select(Performer.id).where(Performer.id.in_(ids), Performer.deleted_at.is_(None))
        live = set(session.execute(query).scalars())
    check_performer_ids(ids, live)
    current = session.execute(select(VideoPerformer).where(VideoPerformer.video_id == video.id)).scalars().all()
    before_ids = [vp.performer_id for vp in sorted(current, key=lambda vp: vp.billing_order)]
    if before_ids == ids:
        return video
    for vp in current:
        session.delete(vp)
    session.flush()
    for order, performer_id in enumerate(ids, start=1):
        session.add(VideoPerformer(video_id=video.id, performer_id=performer_id, billing_order=order))
    video.updated_at = utcnow()  # bumps the version: the editor's copy is now stale
    session.flush()
    _recount_performers(session, set(before_ids) | set(ids))
    if video.state in ("published", "scheduled"):
        reasons = publish_blockers(session, video)
        if reasons:
            raise RuleViolation("This change would break a public video: " + "; ".join(reasons) + ".")
    record(session, actor, "video.performers", "video", video.id, {"performers": before_ids}, {"performers": ids})
    return video


RECOUNT_BATCH = 1_000


def _set_counters(session: Session, model: Any, counts: dict[int, int]) -> None:
    """Cached counters are derived data, not edits: write them without bumping `version`, so an editor
    open on that collection or performer does not get a conflict nobody caused (and nothing to audit).
    One UPDATE by primary key per counter, sent together (executemany)."""
    if not counts:
        return
    table = model.__table__
    session.execute(
        update(table).where(table.c.id == bindparam("row_id")).values(video_count=bindparam("count")),
        [{"row_id": row_id, "count": count} for row_id, count in counts.items()],
    )
    for row_id, count in counts.items():
        loaded = session.identity_map.get(identity_key(model, row_id))
        if loaded is not None:
            set_committed_value(loaded, "video_count", count)


def _recount(session: Session, model: Any, ids: set[int], counted: Callable[[list[int]], Select[Any]]) -> None:
    """Recount the counters of `ids`, RECOUNT_BATCH at a time: one GROUP BY for the true counts, one read of the
    stored ones, and an UPDATE only for the counters that are off."""
    wanted = sorted(ids)
    for start in range(0, len(wanted), RECOUNT_BATCH):
        batch = wanted[start : start + RECOUNT_BATCH]
        counts = {row_id: int(n) for row_id, n in session.execute(counted(batch)).tuples()}
        stored = session.execute(select(model.id, model.video_count).where(model.id.in_(batch))).tuples()
        _set_counters(session, model, {i: counts.get(i, 0) for i, now in stored if now != counts.get(i, 0)})


_DEFERRED_RECOUNTS = "catalog.deferred_recounts"


@contextmanager
def deferred_recounts(session: Session) -> Iterator[None]:
    """Within the block, collection and performer video counts are recounted once, at its end, instead of
    after every change: a bulk import then runs one COUNT per touched collection/performer, not one per row
    (which grows with the collection and made big imports quadratic). Nested blocks defer to the outermost."""
    if _DEFERRED_RECOUNTS in session.info:
        yield
        return
    pending: tuple[set[int | None], set[int]] = (set(), set())
    session.info[_DEFERRED_RECOUNTS] = pending
    try:
        yield
    finally:
        session.info.pop(_DEFERRED_RECOUNTS, None)
    _recount_collections(session, pending[0])
    _recount_performers(session, pending[1])


def _recount_collections(session: Session, ids: set[int | None]) -> None:
    if (deferred := session.info.get(_DEFERRED_RECOUNTS)) is not None:
        deferred[0].update(ids)
        return

    def counted(batch: list[int]) -> Select[Any]:
        return (
            select(Video.collection_id, func.count())
            .where(Video.collection_id.in_(batch), Video.deleted_at.is_(None))
            .group_by(Video.collection_id)
        )

    _recount(session, Collection, {i for i in ids if i is not None}, counted)


def _recount_performers(session: Session, ids: set[int]) -> None:
    if (deferred := session.info.get(_DEFERRED_RECOUNTS)) is not None:
        deferred[1].update(ids)
        return

    def counted(batch: list[int]) -> Select[Any]:
        return (
            select(VideoPerformer.performer_id, func.count())
            .join(Video, Video.id == VideoPerformer.video_id)
            .where(VideoPerformer.performer_id.in_(batch), Video.deleted_at.is_(None))
            .group_by(VideoPerformer.performer_id)
        )

    _recount(session, Performer, ids, counted)


# --- publishing ------------------------------------------------------------------------------------------


class PublishRefused(RuleViolation):
    def __init__(self, title: str, reasons: list[str]) -> None:
        super().__init__(f"“{title}” cannot be published: " + "; ".join(reasons) + ".")
        self.reasons = reasons


def _make_public(
    session: Session,
    actor: Actor,
    video: Video,
    *,
    at: datetime | None,
    reason: str | None,
    known_blockers: list[str] | None = None,
) -> None:
    """Publish now (at=None) or schedule; the one place where a video becomes public. `known_blockers` is the
    gate's answer for this video when the caller asked it for many at once (bulk publish) in this transaction."""
    reasons = publish_blockers(session, video) if known_blockers is None else known_blockers
    if reasons:
        raise PublishRefused(video.title, reasons)
    before = video_view(video)
    now = utcnow()
    if at is None or at <= now:
        video.state, video.published_at, video.publish_at = "published", now, None
        action = "video.publish"
    else:
        video.state, video.publish_at = "scheduled", at
        action = "video.schedule"
    session.flush()
    record(session, actor, action, "video", video.id, before, video_view(video), reason=reason)


def publish(
    session: Session, *, actor: Actor, video_id: int, expected_version: int | None = None, reason: str | None = None
) -> Video:
    require(actor, Permission.CATALOG_PUBLISH)
    video = _locked_video(session, video_id, expected_version)
    if video.state == "published":
        return video  # already public: nothing changes, nothing to audit
    _make_public(session, actor, video, at=None, reason=reason)
    return video


def schedule(
    session: Session, *, actor: Actor, video_id: int, publish_at: datetime, expected_version: int | None = None
) -> Video:
    require(actor, Permission.CATALOG_PUBLISH)
    if publish_at.tzinfo is None:
        raise ValidationFailed({"publish_at": "needs a time zone"})
    if publish_at <= utcnow():
        raise ValidationFailed({"publish_at": "must be in the future"})
    video = _locked_video(session, video_id, expected_version)
    _make_public(session, actor, video, at=publish_at, reason=None)
    return video


def unpublish(
    session: Session, *, actor: Actor, video_id: int, expected_version: int | None = None, reason: str | None = None
) -> Video:
    require(actor, Permission.CATALOG_PUBLISH)
    return _unpublish(session, actor, video_id, expected_version, reason)


def take_down(session: Session, *, actor: Actor, video_id: int, reason: str) -> Video:
    """Moderation's unpublish (a reported video): the same change and event as unpublish, for moderators, who
    may take videos down but not publish them."""
    require(actor, Permission.MODERATION_ACT)
    return _unpublish(session, actor, video_id, None, reason)


def _unpublish(
    session: Session, actor: Actor, video_id: int, expected_version: int | None, reason: str | None
) -> Video:
    video = _locked_video(session, video_id, expected_version)
    if video.state not in ("published", "scheduled"):
        return video
    before = video_view(video)
    video.state, video.publish_at = "unpublished", None
    session.flush()
    record(session, actor, "video.unpublish", "video", video.id, before, video_view(video), reason=reason)
    return video


def republish_after_appeal(session: Session, *, actor: Actor, video_id: int, reason: str) -> Video:
    """Put back a video moderation took down, once the decision is overturned: through the same gate as any
    publish (PublishRefused names what now blocks it)."""
    require(actor, Permission.MODERATION_APPEALS)
    video = _locked_video(session, video_id, None)
    if video.state in ("published", "scheduled"):
        return video
    _make_public(session, actor, video, at=None, reason=reason)
    return video


def publish_due(session: Session, *, actor: Actor, now: datetime | None = None, limit: int = 500) -> dict[int, str]:
    """The scheduler: publish scheduled videos whose time has come, through the same gate. Returns refusals."""
    require(actor, Permission.CATALOG_PUBLISH)
    now = now or utcnow()
    query = (
        select(Video)
        .where(Video.state == "scheduled", Video.deleted_at.is_(None), Video.publish_at <= now)
        .order_by(Video.publish_at)
        .limit(limit)
    )
    if dialect_name(session) == "postgresql":
        query = query.with_for_update(skip_locked=True)
    refused: dict[int, str] = {}
    for video in session.execute(query).scalars().all():
        reasons = publish_blockers(session, video)
        if reasons:
            before = video_view(video)
            video.state, video.publish_at = "draft", None
            session.flush()
            record(
                session,
                actor,
                "video.schedule_refused",
                "video",
                video.id,
                before,
                video_view(video),
                reason="; ".join(reasons),
            )
            refused[video.id] = "; ".join(reasons)
            continue
        _make_public(session, actor, video, at=None, reason="scheduled time reached")
    return refused


# --- bulk ---------------------------------------------------------------------------------------------------


@dataclass
class BulkResult:
    changed: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


BULK_ACTIONS = ("publish", "unpublish", "schedule", "move", "access_level", "feature", "unfeature", "delete", "restore")


def bulk(session: Session, *, actor: Actor, action: str, video_ids: list[int], value: Any = None) -> BulkResult:
    """Apply one action to many videos, row by row (one audit event per changed row, refusals reported)."""
    if action not in BULK_ACTIONS:
        raise ValidationFailed({"action": "is not a bulk action"})
    needed = Permission.CATALOG_PUBLISH if action in ("publish", "unpublish", "schedule") else Permission.CATALOG_EDIT
    require(actor, needed)
    ids = sorted({int(i) for i in video_ids})
    if not ids:
        raise ValidationFailed({"selection": "select at least one video"})
    if len(ids) > BULK_MAX:
        raise ValidationFailed({"selection": f"at most {BULK_MAX:,} videos at a time"})
    if action == "move":
        errors: dict[str, str] = {}
        target = session.execute(
            select(Collection).where(Collection.id == value, Collection.deleted_at.is_(None))
        ).scalar_one_or_none()
        if target is None:
            errors["collection_id"] = "is not a collection"
            raise ValidationFailed(errors)
    if action == "access_level" and value not in ACCESS_LEVELS:
        raise ValidationFailed({"access_level": "must be FREE, BASIC or PREMIUM"})
    if action == "schedule" and (not isinstance(value, datetime) or value.tzinfo is None or value <= utcnow()):
        raise ValidationFailed({"publish_at": "must be a future time"})
    result = BulkResult()
    videos = {v.id: v for v in session.execute(select(Video).where(Video.id.in_(ids)).with_for_update()).scalars()}
    touched_collections: set[int | None] = set()
    gate_answers: dict[int, list[str]] = {}
    if action in ("publish", "schedule"):
        # One gate question for the whole selection (the rows are locked, and publishing one video does not
        # change what the gate says about another), instead of a few round trips per row.
        asking = [v for v in videos.values() if not (action == "publish" and v.state == "published")]
        gate_answers = publish_blockers_many(session, asking)
    for video_id in ids:
        video = videos.get(video_id)
        if video is None:
            result.refused[video_id] = "does not exist"
            continue
        try:
            if action in NEEDS_SAVEPOINT:
                with session.begin_nested():
                    changed = _bulk_one(session, actor, video, action, value, touched_collections)
            else:  # these refuse before they change anything: no savepoint round trips per row
                changed = _bulk_one(
                    session, actor, video, action, value, touched_collections, gate_answers.get(video_id)
                )
        except PublishRefused as exc:
            result.refused[video_id] = "; ".join(exc.reasons)
            continue
        except RuleViolation as exc:
            result.refused[video_id] = exc.message
            continue
        (result.changed if changed else result.unchanged).append(video_id)
    _recount_collections(session, touched_collections)
    if action in ("delete", "restore") and result.changed:  # performers count live videos only
        linked = select(VideoPerformer.performer_id).where(VideoPerformer.video_id.in_(result.changed))
        _recount_performers(session, set(session.execute(linked).scalars()))
    return result


# Actions that can refuse a row after changing it (the gate re-check after a move), so they need a savepoint.
NEEDS_SAVEPOINT = frozenset({"move"})


def _drop_as_featured(session: Session, actor: Actor, video: Video) -> None:
    """A video leaving its collection (moved or deleted) stops being that collection's featured video."""
    if video.collection_id is None:
        return
    collection = session.get(Collection, video.collection_id)
    if collection is not None and collection.featured_video_id == video.id:
        collection.featured_video_id = None
        session.flush()
        record(
            session,
            actor,
            "collection.feature_video",
            "collection",
            collection.id,
            {"featured_video_id": video.id},
            {"featured_video_id": None},
            reason="featured video left the collection",
        )


def _bulk_one(
    session: Session,
    actor: Actor,
    video: Video,
    action: str,
    value: Any,
    touched: set[int | None],
    known_blockers: list[str] | None = None,
) -> bool:
    if action in ("publish", "schedule"):
        if video.state == "published" and action == "publish":
            return False
        at = value if action == "schedule" else None
        _make_public(session, actor, video, at=at, reason="bulk", known_blockers=known_blockers)
        return True
    if action == "unpublish":
        if video.state not in ("published", "scheduled"):
            return False
        before = video_view(video)
        video.state, video.publish_at = "unpublished", None
        session.flush()
        record(session, actor, "video.unpublish", "video", video.id, before, video_view(video), reason="bulk")
        return True
    before = video_view(video)
    if action == "move":
        if video.collection_id == value:
            return False
        touched |= {video.collection_id, value}
        _drop_as_featured(session, actor, video)
        video.collection_id = value
        name = "video.move"
    elif action == "access_level":
        if video.access_level == value:
            return False
        video.access_level = value
        name = "video.access_level"
    elif action in ("feature", "unfeature"):
        wanted = action == "feature"
        if video.is_featured == wanted:
            return False
        video.is_featured = wanted
        name = f"video.{action}"
    elif action == "delete":
        if video.deleted_at is not None:
            return False
        video.deleted_at = utcnow()
        if video.state in ("published", "scheduled"):
            video.state, video.publish_at = "unpublished", None
        touched.add(video.collection_id)
        _drop_as_featured(session, actor, video)
        name = "video.delete"
    else:  # restore
        if video.deleted_at is None:
            return False
        clash = session.execute(
            select(Video.id).where(Video.slug == video.slug, Video.deleted_at.is_(None), Video.id != video.id)
        ).first()
        if clash:
            raise RuleViolation(f"slug “{video.slug}” is now used by video #{clash[0]}; change one slug first")
        if video.season_id is not None:
            taken = session.execute(
                select(Video.id, Video.title).where(
                    Video.season_id == video.season_id,
                    Video.episode_number == video.episode_number,
                    Video.deleted_at.is_(None),
                    Video.id != video.id,
                )
            ).first()
            if taken:
                raise RuleViolation(
                    f"episode {video.episode_number} of its season is now “{taken.title}”; renumber one first"
                )
        home = session.get(Collection, video.collection_id) if video.collection_id is not None else None
        if home is not None and home.deleted_at is not None:  # delete_collection refuses to orphan live videos
            raise RuleViolation(f"its collection “{home.name}” is deleted; move it to another collection first")
        video.deleted_at = None
        touched.add(video.collection_id)
        name = "video.restore"
    session.flush()
    if video.state in ("published", "scheduled") and action == "move":
        reasons = publish_blockers(session, video)
        if reasons:
            raise PublishRefused(video.title, reasons)
    record(session, actor, name, "video", video.id, before, video_view(video), reason="bulk")
    return True
