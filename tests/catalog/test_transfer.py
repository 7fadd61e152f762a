"""Bulk import/export of video metadata (console/catalog/transfer.py) on the real services and database."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from console.actor import SYSTEM, Actor
from console.audit.models import AuditEvent
from console.catalog import collections as collection_service
from console.catalog import performers as performer_service
from console.catalog import service, transfer
from console.catalog.models import Collection, Performer, Video, VideoPerformer
from console.catalog.service import VideoFilter
from console.catalog.transfer import COLUMNS, ImportReport, exporting, reading
from console.compliance.fixtures import compliant_video
from console.db import session_scope
from console.errors import Forbidden, ValidationFailed

CDN = "https://cdn.example.com"


# --- helpers ------------------------------------------------------------------------------------------------


@pytest.fixture
def editor(make_staff: Callable[..., tuple[int, str]], actor_for: Callable[[int], Actor]) -> Actor:
    staff_id, _ = make_staff("content")
    return actor_for(staff_id)


@pytest.fixture
def world() -> dict[str, Any]:
    """Two collections and three performers, made by the system."""
    with session_scope() as session:
        drama = collection_service.create_collection(session, actor=SYSTEM, data={"name": "Drama Nights"})
        shorts = collection_service.create_collection(session, actor=SYSTEM, data={"name": "Shorts"})
        people = [
            performer_service.create_performer(session, actor=SYSTEM, data={"name": name})
            for name in ("Ann Able", "Ben Baker", "Cy Cole")
        ]
        return {
            "drama": drama.id,
            "shorts": shorts.id,
            "performers": {p.slug: p.id for p in people},
        }


def row(n: int, **overrides: str) -> dict[str, str]:
    """A complete, valid import row for a draft video."""
    data = {
        "slug": f"video-{n}",
        "title": f"Video {n}",
        "kind": "movie",
        "collection": "drama-nights",
        "description": f"Description {n}",
        "release_date": "2024-06-21",
        "duration": "1:32:05",
        "language": "English",
        "country": "US",
        "director": "Dee Director",
        "genres": "Drama; Romance",
        "hls_url": f"{CDN}/v{n}/master.m3u8",
        "thumbnail_url": f"{CDN}/v{n}/thumb.jpg",
        "poster_url": "",
        "backdrop_url": "",
        "trailer_url": "",
        "qualities": "720p; 1080p",
        "access_level": "PREMIUM",
        "monetization": "tvod",
        "rental_price": "3.99",
        "purchase_price": "9.99",
        "ppv_price": "",
        "performer_count": "2",
        "performers": "ann-able; ben-baker",
        "featured": "no",
    }
    data.update(overrides)
    return data


def csv_of(rows: list[dict[str, str]], columns: list[str] | tuple[str, ...] = COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def dry_run(actor: Actor, data: bytes, name: str = "videos.csv") -> ImportReport:
    frame = transfer.read_table(data, name)
    with session_scope() as session:
        return transfer.dry_run(session, actor=actor, frame=frame)


def commit(actor: Actor, data: bytes, *, all_or_nothing: bool = True, name: str = "videos.csv") -> ImportReport:
    frame = transfer.read_table(data, name)
    with session_scope() as session:
        return transfer.commit(session, actor=actor, frame=frame, all_or_nothing=all_or_nothing)


def export(actor: Actor, flt: VideoFilter | None = None) -> list[dict[str, str]]:
    with session_scope() as session:
        return transfer.export_rows(session, actor=actor, flt=flt or VideoFilter())


def count_videos() -> int:
    with session_scope() as session:
        return int(session.execute(select(func.count()).select_from(Video)).scalar_one())


def audit_count() -> int:
    with session_scope() as session:
        return int(session.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def events_after(mark: int) -> list[tuple[str, str | None]]:
    with session_scope() as session:
        return [
            (e.action, e.entity_id)
            for e in session.execute(select(AuditEvent).where(AuditEvent.id > mark).order_by(AuditEvent.id)).scalars()
        ]


def last_event_id() -> int:
    with session_scope() as session:
        return int(session.execute(select(func.coalesce(func.max(AuditEvent.id), 0))).scalar_one())


def video_by_slug(slug: str) -> Video:
    with session_scope() as session:
        video = session.execute(select(Video).where(Video.slug == slug, Video.deleted_at.is_(None))).scalar_one()
        session.expunge(video)
        return video


def performer_slugs_of(slug: str) -> list[str]:
    with session_scope() as session:
        video = session.execute(select(Video).where(Video.slug == slug)).scalar_one()
        return [p.slug for p, _ in service.performers_of(session, actor=SYSTEM, video_id=video.id)]


def counters(world: dict[str, Any]) -> dict[str, int]:
    """The cached video counts of the collections and performers (the services keep them)."""
    with session_scope() as session:
        out = {
            name: session.get(Collection, world[name]).video_count  # type: ignore[union-attr]
            for name in ("drama", "shorts")
        }
        for slug, performer_id in world["performers"].items():
            out[slug] = session.get(Performer, performer_id).video_count  # type: ignore[union-attr]
        return out


def issues(report: ImportReport) -> set[tuple[int, str]]:
    return {(i.row, i.column) for i in report.errors}


# --- reading files ------------------------------------------------------------------------------------------


def test_template_parses_and_holds_every_column() -> None:
    frame = transfer.read_table(transfer.template_csv(), "template.csv")
    assert list(frame.columns) == list(COLUMNS)
    assert list(frame.index) == [2]
    assert frame.loc[2, "slug"] == "summer-nights"
    assert transfer.template_csv().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8


def test_csv_and_xlsx_are_told_apart_by_content_not_name() -> None:
    rows = [row(1), row(2, title="Zoë’s Night")]
    from_csv = transfer.read_table(csv_of(rows), "really-a-csv.xlsx")
    from_xlsx = transfer.read_table(transfer.to_xlsx(rows), "really-a-workbook.csv")
    assert from_csv.equals(from_xlsx)
    assert from_csv.loc[3, "title"] == "Zoë’s Night"
    assert list(from_csv.index) == [2, 3]


def test_csv_with_bom_semicolons_blank_lines_and_short_rows() -> None:
    text = "\ufeffSlug;Title;Genres\r\nvideo-1;Video 1;\r\n\r\nvideo-2;Video 2\r\n"
    frame = transfer.read_table(text.encode(), "excel-export.csv")
    assert list(frame.columns) == ["slug", "title", "genres"]
    assert list(frame.index) == [2, 4]  # spreadsheet rows: the blank line 3 is skipped, numbering kept
    assert frame.loc[4, "genres"] == ""


def test_a_hand_made_workbook_with_typed_cells(editor: Actor, world: dict[str, Any]) -> None:
    """Excel turns typed dates, times, prices and booleans into numbers: they read back as the import text."""
    from datetime import date, time

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Slug", "Title", "release_date", "duration", "rental_price", "performer_count", "featured", None])
    sheet.append(["typed-1", "Typed", date(2024, 2, 29), time(1, 2, 3), 4.99, 2, True, None])
    sheet.append([None] * 8)  # a formatted but empty row
    sheet.append(["typed-2", "=1+1", None, 3723, 5, 1.0, False])  # a formula: only its cached value is read
    buffer = io.BytesIO()
    book.save(buffer)
    frame = transfer.read_table(buffer.getvalue(), "hand-made.xlsx")
    assert list(frame.columns) == [
        "slug",
        "title",
        "release_date",
        "duration",
        "rental_price",
        "performer_count",
        "featured",
    ]
    assert list(frame.index) == [2, 4]
    assert frame.loc[2].tolist() == ["typed-1", "Typed", "2024-02-29", "1:02:03", "4.99", "2", "yes"]
    assert frame.loc[4].tolist() == ["typed-2", "", "", "3723", "5", "1", "no"]  # never a formula's text
    report = dry_run(editor, buffer.getvalue(), "hand-made.xlsx")
    assert issues(report) == {(4, "title")}


def test_unnamed_columns_with_data_are_refused() -> None:
    with pytest.raises(ValidationFailed, match="Column 3 has data but no name"):
        transfer.read_table(b"slug,title,,genres\nx,y,oops,z\n", "videos.csv")
    assert list(transfer.read_table(b"slug,title,,\nx,y,,\n", "videos.csv").columns) == ["slug", "title"]


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "videos.csv", "neither an Excel workbook"),
        (bytes(range(128, 256)) * 8, "videos.csv", "neither an Excel workbook"),
        (b"slug,title\nx,\x00y\n", "videos.csv", "binary data"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "videos.xls", "old Excel .xls"),
        (b"PK\x03\x04garbage", "videos.xlsx", "damaged"),
        (b"", "videos.csv", "empty"),
        (b"slug,title,tittle\nx,y,z\n", "videos.csv", "unknown columns: tittle"),
        (b"slug,description\nx,y\n", "videos.csv", "lacks the required columns: title"),
        (b"slug,title,title\nx,y,z\n", "videos.csv", "more than once: title"),
        (b"slug,title\nx,y,z\n", "videos.csv", "not valid CSV"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(data: bytes, name: str, expected: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        transfer.read_table(data, name)
    assert expected in caught.value.errors["file"]


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ValidationFailed, match="not an Excel workbook"):
        transfer.read_table(buffer.getvalue(), "videos.xlsx")


def test_size_and_row_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_BYTES", 100)
    with pytest.raises(ValidationFailed, match="larger than"):
        transfer.read_table(csv_of([row(1)]), "big.csv")
    monkeypatch.setattr(reading, "MAX_BYTES", 20 * 1024 * 1024)
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    four = [row(i) for i in range(4)]
    with pytest.raises(ValidationFailed, match="more than 3 rows"):
        transfer.read_table(csv_of(four), "many.csv")
    with pytest.raises(ValidationFailed, match="more than 3 rows"):
        transfer.read_table(transfer.to_xlsx(four), "many.xlsx")
    assert len(transfer.read_table(csv_of(four[:3]), "ok.csv")) == 3


# --- dry run ------------------------------------------------------------------------------------------------


def test_dry_run_reports_every_kind_of_error_by_row_and_writes_nothing(editor: Actor, world: dict[str, Any]) -> None:
    rows = [
        row(1),  # row 2: fine
        row(2, collection="no-such-collection"),  # row 3
        row(3, hls_url="http://insecure.example.com/x.m3u8", trailer_url="javascript:alert(1)"),  # row 4
        row(4, slug="twice"),  # row 5
        row(5, slug="twice"),  # row 6
        row(6, duration="ninety minutes"),  # row 7
        row(7, performers="ann-able; nobody-at-all"),  # row 8
        row(8, performer_count="3"),  # row 9: a draft with 2 of 3 performers: a warning only
        row(9, featured="maybe", rental_price="4.999"),  # row 10
        row(10, kind="episode"),  # row 11
        row(11, title=""),  # row 12
    ]
    before_events = audit_count()
    report = dry_run(editor, csv_of(rows))
    assert issues(report) == {
        (3, "collection"),
        (4, "hls_url"),
        (4, "trailer_url"),
        (5, "slug"),
        (6, "slug"),
        (7, "duration"),
        (8, "performers"),
        (10, "featured"),
        (10, "rental_price"),
        (11, "kind"),
        (12, "title"),
    }
    by_cell = {(i.row, i.column): i.message for i in report.errors}
    assert "no-such-collection" in by_cell[(3, "collection")]
    assert by_cell[(4, "hls_url")] == "must be an https:// address"
    assert "also on row 6" in by_cell[(5, "slug")]
    assert "nobody-at-all" in by_cell[(8, "performers")]
    assert [(w.row, w.column) for w in report.warnings] == [(9, "performers")]
    assert report.rows == 11 and report.failed == 9 and report.created == 2
    assert report.dry_run and not report.written
    assert count_videos() == 0
    assert audit_count() == before_events
    with session_scope() as session:
        assert session.execute(select(func.count()).select_from(VideoPerformer)).scalar_one() == 0


def test_dry_run_predicts_updates_and_unchanged_rows(editor: Actor, world: dict[str, Any]) -> None:
    commit(editor, csv_of([row(1), row(2)]))
    mark = last_event_id()
    report = dry_run(editor, csv_of([row(1), row(2, title="Video 2, recut"), row(3)]))
    assert (report.created, report.updated, report.unchanged, report.failed) == (1, 1, 1, 0)
    assert events_after(mark) == []
    assert video_by_slug("video-2").title == "Video 2"


def test_a_moderator_may_not_import(make_staff: Callable[..., tuple[int, str]], actor_for: Callable, world) -> None:
    moderator = actor_for(make_staff("moderator")[0])
    frame = transfer.read_table(csv_of([row(1)]), "videos.csv")
    with session_scope() as session, pytest.raises(Forbidden):
        transfer.dry_run(session, actor=moderator, frame=frame)
    with session_scope() as session, pytest.raises(Forbidden):
        transfer.commit(session, actor=moderator, frame=frame, all_or_nothing=False)
    executive = actor_for(make_staff("executive")[0])
    with pytest.raises(Forbidden):
        export(executive)
    assert count_videos() == 0


# --- commit -------------------------------------------------------------------------------------------------


def test_commit_creates_then_updates_idempotently(editor: Actor, world: dict[str, Any]) -> None:
    data = csv_of([row(1), row(2, performers="cy-cole", performer_count="1", featured="yes")])
    mark = last_event_id()
    report = commit(editor, data)
    assert (report.created, report.updated, report.unchanged, report.failed) == (2, 0, 0, 0)
    assert report.written and report.ok
    first = video_by_slug("video-1")
    assert first.state == "draft"  # importing never publishes
    assert first.collection_id == world["drama"]
    assert first.duration_seconds == 1 * 3600 + 32 * 60 + 5
    assert first.genres == ["Drama", "Romance"] and first.qualities == ["720p", "1080p"]
    assert (first.rental_price_cents, first.purchase_price_cents, first.ppv_price_cents) == (399, 999, None)
    assert first.release_year == 2024 and first.country == "US"
    assert performer_slugs_of("video-1") == ["ann-able", "ben-baker"]
    assert video_by_slug("video-2").is_featured is True
    assert counters(world) == {"drama": 2, "shorts": 0, "ann-able": 1, "ben-baker": 1, "cy-cole": 1}
    events = events_after(mark)
    assert sorted(a for a, _ in events) == ["video.create", "video.create", "video.performers", "video.performers"]
    assert {e for _, e in events} == {str(first.id), str(video_by_slug("video-2").id)}

    mark = last_event_id()
    again = commit(editor, data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert not again.written
    assert events_after(mark) == []
    assert video_by_slug("video-1").version == first.version

    changed = csv_of([row(1, title="Video 1 (director's cut)", performers="ben-baker; ann-able"), row(2)])
    mark = last_event_id()
    third = commit(editor, changed)
    assert (third.created, third.updated, third.unchanged) == (0, 2, 0)
    assert video_by_slug("video-1").title == "Video 1 (director's cut)"
    assert performer_slugs_of("video-1") == ["ben-baker", "ann-able"]  # billing order follows the file
    assert video_by_slug("video-2").is_featured is False
    assert counters(world) == {"drama": 2, "shorts": 0, "ann-able": 2, "ben-baker": 2, "cy-cole": 0}
    actions = sorted(a for a, _ in events_after(mark))
    assert actions == ["video.performers", "video.performers", "video.update", "video.update"]
    assert count_videos() == 2


def test_columns_left_out_keep_stored_values(editor: Actor, world: dict[str, Any]) -> None:
    commit(editor, csv_of([row(1)]))
    report = commit(editor, csv_of([{"slug": "video-1", "title": "Renamed"}], columns=["slug", "title"]))
    assert report.updated == 1
    assert report.warnings and report.warnings[0].row == 1 and "description" in report.warnings[0].column
    video = video_by_slug("video-1")
    assert video.title == "Renamed"
    assert video.description == "Description 1" and video.rental_price_cents == 399
    assert performer_slugs_of("video-1") == ["ann-able", "ben-baker"]


def test_all_or_nothing_with_one_bad_row_writes_nothing(editor: Actor, world: dict[str, Any]) -> None:
    commit(editor, csv_of([row(1)]))
    mark = last_event_id()
    rows = [row(1, title="Changed"), row(2), row(3, thumbnail_url="ftp://files.example.com/t.jpg"), row(4)]
    report = commit(editor, csv_of(rows), all_or_nothing=True)
    assert issues(report) == {(4, "thumbnail_url")}
    assert not report.written
    assert "Nothing was imported" in report.summary()
    assert count_videos() == 1
    assert video_by_slug("video-1").title == "Video 1"
    assert events_after(mark) == []
    assert counters(world)["drama"] == 1 and counters(world)["ann-able"] == 1


def test_partial_mode_commits_the_good_rows_only(editor: Actor, world: dict[str, Any]) -> None:
    rows = [row(1), row(2, duration="soon"), row(3), row(4, performers="ghost")]
    report = commit(editor, csv_of(rows), all_or_nothing=False)
    assert issues(report) == {(3, "duration"), (5, "performers")}
    assert (report.created, report.failed) == (2, 2) and report.written
    with session_scope() as session:
        slugs = set(session.execute(select(Video.slug)).scalars())
    assert slugs == {"video-1", "video-3"}
    assert performer_slugs_of("video-3") == ["ann-able", "ben-baker"]
    assert counters(world) == {"drama": 2, "shorts": 0, "ann-able": 2, "ben-baker": 2, "cy-cole": 0}


def test_import_keeps_published_videos_public_and_the_gate_guards_them(editor: Actor, world: dict[str, Any]) -> None:
    commit(editor, csv_of([row(1, performer_count="2")]))
    with session_scope() as session:
        video = session.execute(select(Video).where(Video.slug == "video-1")).scalar_one()
        compliant_video(session, video.id)  # 2257 paperwork, so the gate lets it go public
        service.publish(session, actor=SYSTEM, video_id=video.id)
    report = commit(editor, csv_of([row(1, title="New title"), row(2)]), all_or_nothing=False)
    assert (report.updated, report.created) == (1, 1)
    assert video_by_slug("video-1").state == "published"
    assert video_by_slug("video-1").title == "New title"
    assert video_by_slug("video-2").state == "draft"
    refused = commit(editor, csv_of([row(1, title="New title", hls_url="")]), all_or_nothing=False)
    assert [(i.row, i.column) for i in refused.errors] == [(2, "")]
    assert "HLS manifest URL is missing" in refused.errors[0].message
    assert video_by_slug("video-1").hls_url


# --- export -------------------------------------------------------------------------------------------------


def test_formula_like_cells_are_neutralised_in_csv_and_xlsx(editor: Actor, world: dict[str, Any]) -> None:
    nasty = {
        "video-1": '=HYPERLINK("https://evil.example.com","click")',
        "video-2": "+1+1",
        "video-3": "-2+3",
        "video-4": "@SUM(A1)",
        "video-5": "'=already quoted",
        "video-6": "'Til Death",
    }
    # Written by to_csv (neutralised) and imported: the stored titles are exactly the originals.
    commit(editor, transfer.to_csv([row(int(slug[-1]), title=title) for slug, title in nasty.items()]))
    assert {video_by_slug(s).title for s in nasty} == set(nasty.values())
    rows = export(editor)

    exported_csv = transfer.to_csv(rows)
    read_back = list(csv.DictReader(io.StringIO(exported_csv.decode("utf-8-sig"))))
    titles = {r["slug"]: r["title"] for r in read_back}
    assert titles["video-1"] == "'" + nasty["video-1"]
    assert titles["video-2"] == "'+1+1"
    assert titles["video-3"] == "'-2+3"
    assert titles["video-4"] == "'@SUM(A1)"
    assert titles["video-5"] == "''=already quoted"
    assert titles["video-6"] == "'Til Death"  # not formula-like: left alone

    book = load_workbook(io.BytesIO(transfer.to_xlsx(rows)))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    cells = {r[0].value: r[header.index("title")] for r in sheet.iter_rows(min_row=2)}
    assert cells["video-1"].value == "'" + nasty["video-1"]
    assert all(cell.data_type == "s" for cell in cells.values())  # text, never a formula
    assert cells["video-4"].value == "'@SUM(A1)"

    for data, name in ((exported_csv, "export.csv"), (transfer.to_xlsx(rows), "export.xlsx")):
        report = dry_run(editor, data, name)
        assert (report.unchanged, report.updated, report.failed) == (6, 0, 0)
    for value in ("\tcmd", "\rcmd", "-", "=", "plain"):
        assert transfer._unneutralise(transfer.neutralise(value)) == value
    assert transfer.neutralise("\tcmd") == "'\tcmd" and transfer.neutralise("\rcmd") == "'\rcmd"


def test_export_then_import_round_trip(editor: Actor, world: dict[str, Any]) -> None:
    rows = [
        row(1),
        row(2, kind="series", hls_url="", collection="", performers="", performer_count="1", featured="yes"),
        row(3, monetization="ppv", ppv_price="12.50", rental_price="", purchase_price="", country="de"),
        row(4, description="", genres="", qualities="", release_date="", duration="", language="", director=""),
        row(5, collection="shorts", performers="cy-cole; ann-able; ben-baker", performer_count="3"),
    ]
    commit(editor, csv_of(rows))
    with session_scope() as session:  # fields the file does not carry must survive too
        video = session.execute(select(Video).where(Video.slug == "video-1")).scalar_one()
        video.release_year, video.is_trending, video.file_size_bytes = 2023, True, 123_456
    exported = export(editor)
    assert [r["slug"] for r in exported] == [f"video-{n}" for n in range(1, 6)]
    assert list(exported[0]) == list(COLUMNS)
    by_slug = {r["slug"]: r for r in exported}
    assert by_slug["video-3"]["ppv_price"] == "12.50" and by_slug["video-3"]["country"] == "DE"
    assert by_slug["video-5"]["performers"] == "cy-cole; ann-able; ben-baker"
    assert by_slug["video-1"]["duration"] == "1:32:05" and by_slug["video-1"]["rental_price"] == "3.99"
    assert by_slug["video-2"]["featured"] == "yes" and by_slug["video-4"]["genres"] == ""

    for data, name in ((transfer.to_csv(exported), "a.csv"), (transfer.to_xlsx(exported), "a.xlsx")):
        frame = transfer.read_table(data, name)
        assert frame.to_dict("records") == exported
        mark = last_event_id()
        report = commit(editor, data, name=name)
        assert (report.unchanged, report.updated, report.created, report.failed) == (5, 0, 0, 0), report.errors
        assert events_after(mark) == []
    first = video_by_slug("video-1")
    assert (first.release_year, first.is_trending, first.file_size_bytes) == (2023, True, 123_456)

    # The same file into an empty catalog recreates the same metadata.
    with session_scope() as session:
        for video in session.execute(select(Video)).scalars():
            service.bulk(session, actor=editor, action="delete", video_ids=[video.id])
    report = commit(editor, transfer.to_csv(exported))
    assert report.created == 5
    again = export(editor)
    for before, after in zip(exported, again, strict=True):
        if before["slug"] != "video-1":
            assert before == after


def test_export_follows_the_filter_in_keyset_batches(
    editor: Actor, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    commit(editor, csv_of([row(n, kind="series" if n % 3 == 0 else "movie") for n in range(1, 11)]))
    monkeypatch.setattr(exporting, "EXPORT_BATCH", 3)
    assert [r["slug"] for r in export(editor)] == [f"video-{n}" for n in range(1, 11)]
    assert [r["slug"] for r in export(editor, VideoFilter(kind="series"))] == ["video-3", "video-6", "video-9"]
    assert [r["slug"] for r in export(editor, VideoFilter(search="Video 1"))] == ["video-1", "video-10"]
    with session_scope() as session, pytest.raises(ValidationFailed, match="narrow the filter"):
        transfer.export_rows(session, actor=editor, flt=VideoFilter(), limit=5)
    with pytest.raises(ValidationFailed):
        export(editor, VideoFilter(kind="opera"))


def test_two_thousand_rows_import_quickly(editor: Actor, world: dict[str, Any]) -> None:
    rows = [row(n, performers="" if n % 10 else "ben-baker; cy-cole", performer_count="2") for n in range(2_000)]
    data = transfer.to_xlsx(rows)
    seen: list[tuple[int, int]] = []
    started = time.perf_counter()
    frame = transfer.read_table(data, "big.xlsx")
    with session_scope() as session:
        report = transfer.commit(
            session, actor=editor, frame=frame, all_or_nothing=True, progress=lambda d, t: seen.append((d, t))
        )
    elapsed = time.perf_counter() - started
    assert (report.created, report.failed) == (2_000, 0)
    assert len(report.warnings) == 1_800  # drafts without their 2 performers: allowed, but flagged
    assert seen[0] == (0, 2_000) and seen[-1] == (2_000, 2_000)
    assert count_videos() == 2_000
    assert elapsed < 120, f"2,000 rows took {elapsed:.1f}s"


def test_deferred_recounts_count_once_at_the_end(world: dict[str, Any]) -> None:
    """service.deferred_recounts: counters are stale inside the block and right after it (also when nested)."""
    with session_scope() as session:
        with service.deferred_recounts(session):
            with service.deferred_recounts(session):
                video = service.create_video(
                    session, actor=SYSTEM, data={"title": "Counted later", "collection_id": world["drama"]}
                )
                service.set_performers(
                    session, actor=SYSTEM, video_id=video.id, performer_ids=[world["performers"]["cy-cole"]]
                )
            assert session.get(Collection, world["drama"]).video_count == 0  # type: ignore[union-attr]
        assert session.get(Collection, world["drama"]).video_count == 1  # type: ignore[union-attr]
    assert counters(world)["cy-cole"] == 1
    with session_scope() as session:
        with pytest.raises(RuntimeError), service.deferred_recounts(session):
            raise RuntimeError("the block failed: nothing is recounted, the caller rolls back")
        assert "catalog.deferred_recounts" not in session.info  # later changes recount right away again


def test_a_broken_csv_is_refused_in_a_spreadsheet_users_words() -> None:
    """The import showed pandas' own "Error tokenizing data. C error: EOF inside string starting at row 4"."""
    from console.catalog.transfer.reading import csv_problem

    assert csv_problem("Error tokenizing data. C error: EOF inside string starting at row 2") == (
        'a quoted cell that starts on row 3 is never closed (a closing " is missing)'
    )
    assert csv_problem("Error tokenizing data. C error: Expected 2 fields in line 3, saw 3\n") == (
        "row 3 has 3 cells where the rows before it have 2 (check its quotes)"
    )
    assert csv_problem("Error tokenizing data. C error: something new") == "something new"
