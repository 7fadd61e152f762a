"""The cross-reference index (28 CFR 75.2): legal records by legal name (last, first), each with every other
name and every depiction; search by any name; and the reverse index from a depiction to its performers.

Only compliance/admin may read it, and every page of it is an audited read of legal data (one
`compliance.index_view` event per page load or search, naming the search and the records shown).

A page costs a handful of indexed queries whatever the table size: the page of records (ordered by the
`ix_legal_records_name` index), then the performers' stage names, the other names and the depictions of that
page's records, one query each. A name search is `id IN (union of per-source matches)` so that PostgreSQL
serves each source from its own trigram index; its page and total come from one sorted, windowed pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, select, union
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record as audit
from console.catalog.models import Performer, Video, VideoPerformer
from console.compliance.models import (
    RECORD_STATES,
    IdDocument,
    LegalRecord,
    PerformerName,
    Production,
    ProductionPerformer,
)
from console.compliance.records import age_on, legal_name
from console.errors import NotFound, ValidationFailed
from console.paging import Page, PageRequest, exact_or_estimated_count, fetch_page
from console.staff.permissions import Permission, require
from console.textsearch import contains, fold, word_in
from console.validation import text_problem

MIN_TERM = 2  # two-letter surnames (Li, Wu, Ng) must be findable
MAX_TERM = 200
DEPICTIONS_PER_ENTRY = 50  # on a page; the export and the reverse index list every one
DEPICTION_CHUNK = 50  # records whose depictions are read by one query
_WORDS = re.compile(r"[\s,]+")


def video_url(video_id: int) -> str:
    return f"/catalog/{int(video_id)}"


@dataclass(frozen=True)
class OtherName:
    name: str
    kind: str
    used_from: date | None = None
    used_to: date | None = None


@dataclass(frozen=True)
class Depiction:
    video_id: int
    title: str
    slug: str
    production_date: date | None
    deleted: bool = False

    @property
    def url(self) -> str:
        return video_url(self.video_id)


@dataclass(frozen=True)
class IndexEntry:
    record_id: int
    performer_id: int
    legal_name: str
    legal_last_name: str
    legal_first_name: str
    legal_middle_name: str | None
    stage_name: str
    status: str
    other_names: list[OtherName] = field(default_factory=list)
    depictions: list[Depiction] = field(default_factory=list)
    depiction_total: int = 0


@dataclass(frozen=True)
class CastMember:
    performer_id: int
    stage_name: str
    performer_deleted: bool
    record_id: int | None
    legal_name: str | None
    status: str | None
    date_of_birth: date | None
    id_document_id: int | None
    id_type: str | None
    id_number: str | None
    id_country: str | None
    id_examined_on: date | None
    age_on_production: int | None


@dataclass(frozen=True)
class DepictionEntry:
    video_id: int
    title: str
    slug: str
    production_date: date | None
    deleted: bool
    performers: list[CastMember] = field(default_factory=list)

    @property
    def url(self) -> str:
        return video_url(self.video_id)


# --- search ---------------------------------------------------------------------------------------------------


def search_words(search: str | None) -> list[str]:
    """The folded words of a name search ('Doe, Jane' -> ['doe', 'jane']; 'MÜLLER' -> ['muller']: see
    textsearch.py). Words shorter than MIN_TERM are dropped (a middle initial); a search with no usable word
    is refused."""
    term = (search or "").strip()
    if not term:
        return []
    if len(term) > MAX_TERM:
        raise ValidationFailed({"search": f"is too long ({MAX_TERM} characters at most)"})
    if (problem := text_problem(term)) is not None:
        raise ValidationFailed({"search": problem})
    words = [w for w in _WORDS.split(fold(term)) if len(w) >= MIN_TERM]
    if not words:
        raise ValidationFailed({"search": f"needs at least {MIN_TERM} characters"})
    return list(dict.fromkeys(words))[:6]


def _matches_word(word: str) -> Any:
    """Record ids with any name matching `word` (legal first/middle/last name together in one folded column,
    other names, the stage name): each branch is served by its own trigram index."""
    return union(
        select(LegalRecord.id).where(word_in(LegalRecord.legal_name_search, word)),
        select(PerformerName.legal_record_id).where(word_in(PerformerName.name_search, word)),
        select(LegalRecord.id)
        .join(Performer, Performer.id == LegalRecord.performer_id)
        .where(word_in(Performer.name_search, word)),
    )


def name_search_condition(words: Sequence[str]) -> Any:
    """Records where every word matches one of their names (legal, stage, or any other name)."""
    return and_(*(LegalRecord.id.in_(_matches_word(w)) for w in words))


# --- loading a page's details (one query each; shared with the export) --------------------------------------


def other_names_of(session: Session, record_ids: Iterable[int]) -> dict[int, list[OtherName]]:
    ids = list(record_ids)
    out: dict[int, list[OtherName]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = session.execute(
        select(
            PerformerName.legal_record_id,
            PerformerName.name,
            PerformerName.kind,
            PerformerName.used_from,
            PerformerName.used_to,
        )
        .where(PerformerName.legal_record_id.in_(ids))
        .order_by(PerformerName.legal_record_id, PerformerName.name, PerformerName.id)
    )
    for rid, name, kind, used_from, used_to in rows:
        out[rid].append(OtherName(name, kind, used_from, used_to))
    return out


def depictions_of(
    session: Session, record_ids: Iterable[int], *, cap: int | None = None
) -> dict[int, tuple[list[Depiction], int]]:
    """Per record: its depictions — videos the performer is linked to, and videos whose production relied on
    the record — oldest production first, with their total. `cap` keeps the first `cap` per record.

    One query per DEPICTION_CHUNK records (one for a default page): past that PostgreSQL's estimate of the
    link rows tips it into hashing the whole videos table instead of looking each video up by key."""
    ids = list(record_ids)
    out: dict[int, tuple[list[Depiction], int]] = {i: ([], 0) for i in ids}
    for start in range(0, len(ids), DEPICTION_CHUNK):
        _depictions_chunk(session, ids[start : start + DEPICTION_CHUNK], cap, out)
    return out


def _depictions_chunk(
    session: Session, ids: list[int], cap: int | None, out: dict[int, tuple[list[Depiction], int]]
) -> None:
    links = union(
        select(LegalRecord.id.label("record_id"), VideoPerformer.video_id.label("video_id"))
        .join(VideoPerformer, VideoPerformer.performer_id == LegalRecord.performer_id)
        .where(LegalRecord.id.in_(ids)),
        # A correlated lookup by primary key: a join here lets PostgreSQL pick a scan of all productions.
        select(
            ProductionPerformer.legal_record_id,
            select(Production.video_id).where(Production.id == ProductionPerformer.production_id).scalar_subquery(),
        ).where(ProductionPerformer.legal_record_id.in_(ids)),
    ).subquery("links")
    order = (Production.production_date.is_(None), Production.production_date, Video.id)
    rank = func.row_number().over(partition_by=links.c.record_id, order_by=order)
    total = func.count().over(partition_by=links.c.record_id)
    ranked = (
        select(
            links.c.record_id,
            Video.id.label("video_id"),
            Video.title,
            Video.slug,
            Video.deleted_at,
            Production.production_date,
            rank.label("rank"),
            total.label("total"),
        )
        .join(Video, Video.id == links.c.video_id)
        .outerjoin(Production, Production.video_id == Video.id)
    ).subquery("ranked")
    query = select(ranked).order_by(ranked.c.record_id, ranked.c.rank)
    if cap is not None:
        query = query.where(ranked.c.rank <= cap)
    for row in session.execute(query):
        found, _ = out[row.record_id]
        found.append(Depiction(row.video_id, row.title, row.slug, row.production_date, row.deleted_at is not None))
        out[row.record_id] = (found, int(row.total))


def stage_names_of(session: Session, performer_ids: Iterable[int]) -> dict[int, str]:
    ids = list(performer_ids)
    if not ids:
        return {}
    return dict(session.execute(select(Performer.id, Performer.name).where(Performer.id.in_(ids))).tuples().all())


def entries_for(session: Session, records: Sequence[LegalRecord], *, cap: int | None) -> list[IndexEntry]:
    ids = [r.id for r in records]
    stage = stage_names_of(session, [r.performer_id for r in records])
    names = other_names_of(session, ids)
    depictions = depictions_of(session, ids, cap=cap)
    return [
        IndexEntry(
            record_id=r.id,
            performer_id=r.performer_id,
            legal_name=legal_name(r),
            legal_last_name=r.legal_last_name,
            legal_first_name=r.legal_first_name,
            legal_middle_name=r.legal_middle_name,
            stage_name=stage.get(r.performer_id, ""),
            status=r.status,
            other_names=names[r.id],
            depictions=depictions[r.id][0],
            depiction_total=depictions[r.id][1],
        )
        for r in records
    ]


# --- the index by legal name --------------------------------------------------------------------------------

LEGAL_ORDER = ((LegalRecord.legal_last_name, False), (LegalRecord.legal_first_name, False), (LegalRecord.id, False))


def index_query(search: str | None = None, status: str | None = None) -> Select[tuple[LegalRecord]]:
    """The (unordered) records a search selects; raises ValidationFailed for a bad search or status."""
    words = search_words(search)
    if status is not None and status not in RECORD_STATES:
        raise ValidationFailed({"status": "is not a record status"})
    query = select(LegalRecord)
    if words:
        query = query.where(name_search_condition(words))
    if status is not None:
        query = query.where(LegalRecord.status == status)
    return query


def legal_name_index(
    session: Session, *, actor: Actor, page: PageRequest, search: str | None = None, status: str | None = None
) -> Page[IndexEntry]:
    """One page of the index by legal name (last, first), each record with its other names and depictions.
    Audited: the event names the search and the records shown."""
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    query = index_query(search, status)
    term = (search or "").strip() or None
    estimated = False
    if term:
        records, total = _search_page(session, query, page)
    else:
        total, estimated = exact_or_estimated_count(session, query)
        records = fetch_page(session, query, LEGAL_ORDER, page, total, estimated=estimated)
    entries = entries_for(session, records, cap=DEPICTIONS_PER_ENTRY)
    audit(
        session,
        actor,
        "compliance.index_view",
        "compliance_index",
        None,
        after={
            "index": "legal_name",
            "search": term,
            "status": status,
            "page": page.page,
            "record_ids": [e.record_id for e in entries],
        },
        reason=f"search: {term}" if term else None,
    )
    return Page(rows=entries, total=total, estimated=estimated, request=page)


def _search_page(
    session: Session, query: Select[tuple[LegalRecord]], page: PageRequest
) -> tuple[list[LegalRecord], int]:
    """A search's page and exact total in one pass: the matches (each name source from its own index) are
    sorted by legal name and cut by the database with a window count alongside, then the page's rows are
    loaded by id. A search matches at most the whole table, so the count stays cheap."""
    matches = query.with_only_columns(
        LegalRecord.id, LegalRecord.legal_last_name, LegalRecord.legal_first_name
    ).subquery("matches")
    found = session.execute(
        select(matches.c.id, func.count().over())
        .order_by(matches.c.legal_last_name, matches.c.legal_first_name, matches.c.id)
        .offset(page.offset)
        .limit(page.size)
    ).all()
    # Past the last page (or when nothing matches) no row carries the window's total: count apart.
    counted = select(func.count()).select_from(matches)
    total = int(found[0][1]) if found else int(session.execute(counted).scalar_one())
    wanted = [row[0] for row in found]
    loaded = (
        {r.id: r for r in session.execute(select(LegalRecord).where(LegalRecord.id.in_(wanted))).scalars()}
        if wanted
        else {}
    )
    return [loaded[i] for i in wanted if i in loaded], total


# --- the reverse index: depiction -> performers -------------------------------------------------------------


def cast_of(session: Session, video_ids: Iterable[int]) -> dict[int, list[CastMember]]:
    """Per video, every linked performer in billing order with their legal record, the ID the production
    relied on and their age on the date of production. One query for all the videos."""
    ids = list(video_ids)
    out: dict[int, list[CastMember]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = session.execute(
        select(
            VideoPerformer.video_id,
            Performer.id.label("performer_id"),
            Performer.name,
            Performer.deleted_at,
            LegalRecord,
            Production.production_date,
            IdDocument.id.label("doc_id"),
            IdDocument.doc_type,
            IdDocument.number,
            IdDocument.issuing_country,
            IdDocument.examined_on,
        )
        .join(Performer, Performer.id == VideoPerformer.performer_id)
        .outerjoin(LegalRecord, LegalRecord.performer_id == Performer.id)
        .outerjoin(Production, Production.video_id == VideoPerformer.video_id)
        .outerjoin(
            ProductionPerformer,
            and_(ProductionPerformer.production_id == Production.id, ProductionPerformer.performer_id == Performer.id),
        )
        .outerjoin(IdDocument, IdDocument.id == ProductionPerformer.id_document_id)
        .where(VideoPerformer.video_id.in_(ids))
        .order_by(VideoPerformer.video_id, VideoPerformer.billing_order, Performer.id)
    )
    for row in rows:
        rec: LegalRecord | None = row.LegalRecord
        day = row.production_date
        dob = rec.date_of_birth if rec is not None else None
        out[row.video_id].append(
            CastMember(
                performer_id=row.performer_id,
                stage_name=row.name,
                performer_deleted=row.deleted_at is not None,
                record_id=rec.id if rec else None,
                legal_name=legal_name(rec) if rec else None,
                status=rec.status if rec else None,
                date_of_birth=dob,
                id_document_id=row.doc_id,
                id_type=row.doc_type,
                id_number=row.number,
                id_country=row.issuing_country,
                id_examined_on=row.examined_on,
                age_on_production=age_on(dob, day) if dob and day else None,
            )
        )
    return out


def _depiction_rows(session: Session, videos: Sequence[Any]) -> list[DepictionEntry]:
    ids = [v.id for v in videos]
    days = (
        dict(
            session.execute(select(Production.video_id, Production.production_date).where(Production.video_id.in_(ids)))
            .tuples()
            .all()
        )
        if ids
        else {}
    )
    cast = cast_of(session, ids)
    return [DepictionEntry(v.id, v.title, v.slug, days.get(v.id), v.deleted_at is not None, cast[v.id]) for v in videos]


def depiction_performers(session: Session, *, actor: Actor, video_id: int) -> DepictionEntry:
    """The reverse index for one depiction: each performer's legal name, stage name, record status, the ID relied
    on and their age on the date of production. Audited."""
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    video = session.get(Video, video_id)
    if video is None:
        raise NotFound(f"Video #{video_id} does not exist.")
    entry = _depiction_rows(session, [video])[0]
    audit(
        session,
        actor,
        "compliance.index_view",
        "video",
        video_id,
        after={"index": "depiction", "record_ids": [c.record_id for c in entry.performers if c.record_id]},
    )
    return entry


def depiction_query(search: str | None = None) -> Select[tuple[Video]]:
    """Videos that have a production; a search matches the title, the slug, or the id — written as
    `id IN (union of per-source matches)` so each source is served by its own index."""
    query = select(Video).join(Production, Production.video_id == Video.id)
    term = (search or "").strip()
    if not term:
        return query
    if len(term) > MAX_TERM:
        raise ValidationFailed({"search": f"is too long ({MAX_TERM} characters at most)"})
    if (problem := text_problem(term)) is not None:
        raise ValidationFailed({"search": problem})
    number = term.lstrip("#")
    branches = [select(Video.id).where(Video.slug == number.lower(), Video.deleted_at.is_(None))]
    if number.isascii() and number.isdigit() and len(number) < 19:
        branches.append(select(Video.id).where(Video.id == int(number)))
    if len(fold(term)) >= 3:
        branches.append(select(Video.id).where(contains(Video.title_search, fold(term))))
    elif len(branches) == 1:
        raise ValidationFailed({"search": "needs at least 3 characters (or a video id)"})
    return query.where(Video.id.in_(union(*branches)))


def depiction_index(
    session: Session, *, actor: Actor, page: PageRequest, search: str | None = None
) -> Page[DepictionEntry]:
    """One page of the index by depiction (videos with a production, by id), each with its performers. Audited."""
    require(actor, Permission.COMPLIANCE_READ_LEGAL)
    query = depiction_query(search)
    total, estimated = exact_or_estimated_count(session, query)
    videos = fetch_page(session, query, [(Video.id, False)], page, total, estimated=estimated)
    entries = _depiction_rows(session, videos)
    term = (search or "").strip() or None
    audit(
        session,
        actor,
        "compliance.index_view",
        "compliance_index",
        None,
        after={
            "index": "depiction",
            "search": term,
            "page": page.page,
            "video_ids": [e.video_id for e in entries],
            "record_ids": sorted({c.record_id for e in entries for c in e.performers if c.record_id}),
        },
        reason=f"search: {term}" if term else None,
    )
    return Page(rows=entries, total=total, estimated=estimated, request=page)
