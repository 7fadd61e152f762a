"""The cached video counts of collections and performers: recounted after a change, or once at the end of
a `deferred_recounts` block."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from console.catalog.models import Collection, Performer, Video, VideoPerformer

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
