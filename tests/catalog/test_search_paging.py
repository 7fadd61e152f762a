"""Catalog search pages (service._search_page): sorted and cut in SQL, in the order searches have always had
(NULLs last when descending, first when ascending, ties by id), with exact totals, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from console.actor import SYSTEM
from console.catalog import service
from console.catalog.models import Video
from console.catalog.service import VideoFilter
from console.db import session_scope
from console.paging import PageRequest
from tests.catalog.factories import make_collection, make_performer, make_published_video, make_video


@pytest.fixture
def quest() -> set[int]:
    """Videos matching "quest": by title, by slug, by performer name (one by both), published and drafts, with
    repeated titles; plus videos that do not match."""
    rider = make_performer("Quest Rider")
    other = make_performer("Someone Else")
    collection = make_collection()
    titles = ("Quest", "Quest", "The Quest", "Side quest", "Quest")
    ids = {make_video(title=title, slug=f"title-{n}") for n, title in enumerate(titles)}
    ids.add(make_video(title="Untitled", slug="quest"))
    ids |= {make_published_video(collection, performers=[rider], title=t) for t in ("Ride", "Quest again")}
    ids.add(make_published_video(collection, performers=[other, rider], title="Duo"))
    make_video(title="Nothing here")
    make_published_video(collection, performers=[other], title="Other")
    return ids


def reference(ids: set[int], sort: str, descending: bool) -> list[int]:
    """The order the search used to compute in Python: (is not NULL, key, id), reversed when descending."""
    column = service.SORTABLE[sort]
    with session_scope() as session:
        keys = session.execute(select(Video.id, column).where(Video.id.in_(ids))).all()
    keys.sort(key=lambda row: (row[1] is not None, row[1] if row[1] is not None else 0, row[0]), reverse=descending)
    return [row[0] for row in keys]


def pages(sort: str, descending: bool, size: int, **flt: Any) -> tuple[list[int], set[int]]:
    ids: list[int] = []
    totals = set()
    with session_scope() as session:
        for number in range(1, 20):
            page = service.list_videos(
                session,
                actor=SYSTEM,
                flt=VideoFilter(search="quest", **flt),
                page=PageRequest(number, size, sort, descending),
            )
            totals.add((page.total, page.estimated))
            if not page.rows:
                break
            ids.extend(v.id for v in page.rows)
    return ids, totals


@pytest.mark.parametrize("sort", ["created_at", "published_at", "title", "updated_at"])
@pytest.mark.parametrize("descending", [True, False])
def test_search_pages_follow_the_old_order(quest: set[int], sort: str, descending: bool) -> None:
    found, totals = pages(sort, descending, size=3)
    assert found == reference(quest, sort, descending)
    assert totals == {(len(quest), False)}  # also past the last page, where no row carries the window count


def test_search_with_filters_and_past_the_end(quest: set[int]) -> None:
    with session_scope() as session:
        drafts = set(session.execute(select(Video.id).where(Video.id.in_(quest), Video.state == "draft")).scalars())
    found, totals = pages("title", False, size=4, state="draft")
    assert found == reference(drafts, "title", False)
    assert totals == {(len(drafts), False)}
    with session_scope() as session:
        empty = service.list_videos(
            session, actor=SYSTEM, flt=VideoFilter(search="no such words"), page=PageRequest(1, 25)
        )
    assert (empty.rows, empty.total) == ([], 0)


def test_past_the_cap_the_search_falls_back_to_the_plain_path(quest: set[int], monkeypatch: pytest.MonkeyPatch) -> None:
    capped, _ = pages("created_at", True, size=4)
    monkeypatch.setattr(service.reading, "SEARCH_CAP", 3)
    fallback, totals = pages("created_at", True, size=4)
    assert sorted(fallback) == sorted(capped) == sorted(quest)
    assert {total for total, _ in totals} == {len(quest)}
