"""The batched import (console/catalog/transfer.py): chunks validated in Python and written together, with the
same outcome as the services row by row: per-row errors, the publishing gate, audit events, all-or-nothing."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, func, select

from console.actor import Actor
from console.audit.service import verify
from console.catalog import transfer
from console.catalog.models import Video
from console.catalog.transfer import ImportReport, engine
from console.db import get_engine, session_scope
from tests.catalog.factories import (
    audit_mark,
    events_since,
    extra_check,
    load_video,
    make_collection,
    make_performer,
    make_published_video,
    make_video,
)
from tests.catalog.test_transfer import csv_of, row
from tests.conftest import IS_POSTGRES

COLUMNS = ["slug", "title", "description"]


@pytest.fixture
def editor(make_staff: Callable[..., tuple[int, str]], actor_for: Callable[[int], Actor]) -> Actor:
    staff_id, _ = make_staff("content")
    return actor_for(staff_id)


def refuse_marked(_session: object, video: Video) -> list[str]:
    """A gate check as another area would register it: refuses public videos whose description says so."""
    return ["the description asks to be refused"] if "REFUSE" in (video.description or "") else []


@pytest.fixture
def catalog() -> dict[str, Any]:
    """Two published videos, two drafts; the slugs the file will name."""
    collection = make_collection("Drama Nights")
    performer = make_performer("Ann Able")
    public = [make_published_video(collection, performers=[performer]) for _ in range(2)]
    drafts = [make_video(title=f"Draft {n}", description="as stored") for n in (1, 2)]
    return {
        "public": [load_video(v).slug for v in public],
        "public_ids": public,
        "drafts": [load_video(v).slug for v in drafts],
        "draft_ids": drafts,
    }


def mixed_file(catalog: dict[str, Any]) -> bytes:
    """Row 2 and 8 create, 3 updates a public video, 4 is refused by the gate, 5 updates a draft (whose text
    would be refused, but drafts are not put to the gate), 6 is invalid, 7 changes nothing."""
    pub1, pub2 = catalog["public"]
    draft1, draft2 = catalog["drafts"]
    rows = [
        {"slug": "new-a", "title": "New A", "description": "fresh"},
        {"slug": pub1, "title": load_video(catalog["public_ids"][0]).title, "description": "re-described"},
        {"slug": pub2, "title": load_video(catalog["public_ids"][1]).title, "description": "REFUSE this"},
        {"slug": draft1, "title": "Draft 1", "description": "REFUSE is fine for a draft"},
        {"slug": "bad-row", "title": "", "description": "no title"},
        {"slug": draft2, "title": "Draft 2", "description": "as stored"},
        {"slug": "new-b", "title": "New B", "description": "fresh"},
    ]
    return csv_of(rows, COLUMNS)


def run(actor: Actor, data: bytes, *, dry: bool = False, all_or_nothing: bool = False) -> ImportReport:
    frame = transfer.read_table(data, "videos.csv")
    with session_scope() as session:
        if dry:
            return transfer.dry_run(session, actor=actor, frame=frame)
        return transfer.commit(session, actor=actor, frame=frame, all_or_nothing=all_or_nothing)


def outcome(report: ImportReport) -> tuple[int, int, int, int]:
    return report.created, report.updated, report.unchanged, report.failed


def count_videos() -> int:
    with session_scope() as session:
        return int(session.execute(select(func.count()).select_from(Video)).scalar_one())


@contextmanager
def statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(get_engine(), "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(get_engine(), "before_cursor_execute", note)


@pytest.mark.parametrize("chunk", [3, 500])
def test_a_mixed_batch_with_a_gate_refusal(
    editor: Actor, catalog: dict[str, Any], chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "CHUNK", chunk)  # 3: the refusal and the bad row land in different chunks
    data = mixed_file(catalog)
    mark = audit_mark()
    with extra_check(refuse_marked):
        report = run(editor, data)
    assert outcome(report) == (2, 2, 1, 2)
    assert [(i.row, i.column) for i in report.errors] == [(4, ""), (6, "title")]
    refusal = report.errors[0].message
    assert refusal.startswith("This change would break a public video:") and "asks to be refused" in refusal
    assert report.written

    pub1, pub2 = (load_video(v) for v in catalog["public_ids"])
    assert (pub1.state, pub1.description) == ("published", "re-described")
    assert pub2.description != "REFUSE this" and pub2.state == "published"
    assert load_video(catalog["draft_ids"][0]).description == "REFUSE is fine for a draft"
    with session_scope() as session:
        created = {v.slug: v.state for v in session.execute(select(Video).where(Video.slug.like("new-%"))).scalars()}
    assert created == {"new-a": "draft", "new-b": "draft"}

    # One audit event per changed row (no performers column: no video.performers events), none for the rest.
    events = events_since(mark)
    assert len(events) == report.created + report.updated
    ids = {slug: str(v.id) for slug, v in (("pub1", pub1), ("draft1", load_video(catalog["draft_ids"][0])))}
    assert sorted((e.action, e.entity_id) for e in events if e.action == "video.update") == sorted(
        [("video.update", ids["pub1"]), ("video.update", ids["draft1"])]
    )
    assert [e.action for e in events].count("video.create") == 2
    with session_scope() as session:
        assert verify(session).ok


def test_the_dry_run_predicts_the_commit_and_writes_nothing(editor: Actor, catalog: dict[str, Any]) -> None:
    data = mixed_file(catalog)
    videos, mark = count_videos(), audit_mark()
    with extra_check(refuse_marked):
        dry = run(editor, data, dry=True)
        assert (count_videos(), audit_mark()) == (videos, mark)
        assert load_video(catalog["public_ids"][0]).description != "re-described"
        done = run(editor, data)
    assert outcome(dry) == outcome(done)
    assert dry.errors == done.errors and dry.warnings == done.warnings
    assert not dry.written and "Nothing was written" in dry.summary()


def test_all_or_nothing_writes_nothing_when_the_gate_refuses_a_row(editor: Actor, catalog: dict[str, Any]) -> None:
    pub1 = catalog["public"][0]
    title = load_video(catalog["public_ids"][0]).title
    data = csv_of(
        [
            {"slug": "new-a", "title": "New A", "description": "fresh"},
            {"slug": pub1, "title": title, "description": "REFUSE this"},
            {"slug": catalog["drafts"][0], "title": "Draft 1", "description": "changed"},
        ],
        COLUMNS,
    )
    videos, mark = count_videos(), audit_mark()
    with extra_check(refuse_marked):
        report = run(editor, data, all_or_nothing=True)
    assert [(i.row, i.column) for i in report.errors] == [(3, "")]
    assert not report.written and "Nothing was imported" in report.summary()
    assert (count_videos(), audit_mark()) == (videos, mark)
    assert load_video(catalog["draft_ids"][0]).description == "as stored"


def test_fields_and_performers_each_write_their_event(editor: Actor) -> None:
    collection_id = make_collection("Drama Nights")
    for name in ("Ann Able", "Ben Baker"):
        make_performer(name)
    run(editor, csv_of([row(1, collection="drama-nights")]))
    video_id = load_video_by_slug("video-1").id
    version = load_video(video_id).version
    mark = audit_mark()
    report = run(editor, csv_of([row(1, title="Renamed", performers="ben-baker; ann-able")]))
    assert outcome(report) == (0, 1, 0, 0)
    events = events_since(mark)
    assert [e.action for e in events] == ["video.update", "video.performers"]
    assert events[1].before == {"performers": list(reversed(events[1].after["performers"]))}
    assert load_video(video_id).version == version + 1  # one write of the row: the editor's copy is stale
    assert load_video(video_id).collection_id == collection_id


def load_video_by_slug(slug: str) -> Video:
    with session_scope() as session:
        video = session.execute(select(Video).where(Video.slug == slug)).scalar_one()
        session.expunge(video)
        return video


def test_a_database_refusal_falls_back_to_one_row_at_a_time(editor: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules cannot foresee everything the database refuses (here: the duplicate check is switched off, as a
    concurrent insert would slip past it): the chunk is redone row by row and the error lands on its row."""
    monkeypatch.setattr(engine, "_duplicates", lambda _records: {})
    data = csv_of(
        [{"slug": "one", "title": "One"}, {"slug": "dup", "title": "Dup"}, {"slug": "dup", "title": "Dup 2"}],
        ["slug", "title"],
    )
    mark = audit_mark()
    report = run(editor, data)
    assert outcome(report) == (2, 0, 0, 1)
    [issue] = report.errors
    assert (issue.row, issue.column) == (4, "") and "database refused this row" in issue.message
    with session_scope() as session:
        assert sorted(session.execute(select(Video.title)).scalars()) == ["Dup", "One"]
    assert [e.action for e in events_since(mark)] == ["video.create", "video.create"]


def test_progress_is_reported_per_chunk(editor: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "CHUNK", 2)
    frame = transfer.read_table(csv_of([{"slug": f"v-{n}", "title": f"V {n}"} for n in range(5)], COLUMNS), "v.csv")
    seen: list[tuple[int, int]] = []
    with session_scope() as session:
        transfer.commit(session, actor=editor, frame=frame, all_or_nothing=True, progress=lambda *p: seen.append(p))
    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)]


def counted(statement: str) -> bool:
    return IS_POSTGRES or not statement.startswith("INSERT")


def test_statements_do_not_grow_with_the_rows(editor: Actor) -> None:
    """A chunk costs a handful of statements, whatever its size; the chain head is read once per import.
    (SQLite inserts ORM rows one statement at a time, in process; PostgreSQL gets them in batches.)"""
    make_collection("Drama Nights")
    for name in ("Ann Able", "Ben Baker"):
        make_performer(name)
    with statements() as seen:
        report = run(editor, csv_of([row(n) for n in range(120)]))
    assert report.created == 120
    assert len([s for s in seen if counted(s)]) < 40
    with statements() as seen:
        report = run(editor, csv_of([row(n, description="again") for n in range(120)]))
    assert report.updated == 120
    head_reads = [s for s in seen if "FROM audit_events" in s and "ORDER BY audit_events.id DESC" in s]
    assert len(head_reads) == 1
    # Versioned rows get one UPDATE each (the ORM checks every version); nothing else grows with the rows.
    assert len([s for s in seen if counted(s) and not s.startswith("UPDATE videos")]) < 40
    with session_scope() as session:
        assert verify(session).ok


def test_a_gate_refusal_rewrites_the_chunk_without_rereading_the_chain_head(
    editor: Actor, catalog: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "CHUNK", 2)  # the refused row's chunk comes after a recorded one
    with extra_check(refuse_marked), statements() as seen:
        report = run(editor, mixed_file(catalog))
    assert report.failed == 2
    assert len([s for s in seen if "FROM audit_events" in s and "ORDER BY audit_events.id DESC" in s]) == 1


def test_sequence_ids_keep_the_chain_in_id_order(editor: Actor) -> None:
    """Past PREASSIGN_FROM rows the ids come from the sequence up front (PostgreSQL): ids still follow the chain."""
    rows = [{"slug": f"v-{n}", "title": f"V {n}"} for n in range(130)]
    mark = audit_mark()
    assert run(editor, csv_of(rows, ["slug", "title"])).created == 130
    events = events_since(mark)
    assert len(events) == 130
    assert [e.id for e in events] == sorted(e.id for e in events)
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(events))
    with session_scope() as session:
        videos = list(session.execute(select(Video).where(Video.slug.like("v-%")).order_by(Video.id)).scalars())
        assert [v.slug for v in videos] == [f"v-{n}" for n in range(130)]
        assert verify(session).ok
