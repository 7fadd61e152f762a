"""/catalog/import with NiceGUI's simulated user: upload, dry run, import, export, access."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User
from sqlalchemy import func, select

from console.actor import SYSTEM
from console.audit.models import AuditEvent
from console.catalog import collections as collection_service
from console.catalog import performers as performer_service
from console.catalog import transfer
from console.catalog.import_pages import filter_from_query
from console.catalog.models import Video
from console.db import session_scope
from console.ui.paged_table import PAGER_LABEL
from tests.catalog.test_transfer import csv_of, row
from tests.ui.helpers import all_marked, element, shown, sign_in_and_wait, wait_until


@pytest.fixture
def catalog() -> None:
    with session_scope() as session:
        collection_service.create_collection(session, actor=SYSTEM, data={"name": "Drama Nights"})
        for name in ("Ann Able", "Ben Baker"):
            performer_service.create_performer(session, actor=SYSTEM, data={"name": name})


@pytest.fixture
async def content_user(user: User, make_staff: Callable[..., tuple[int, str]], catalog: None) -> User:
    _, email = make_staff("content", name="Cleo Content")
    await sign_in_and_wait(user, email)
    await user.open("/catalog/import")
    await user.should_see(marker="import-upload")
    return user


async def upload(user: User, data: bytes, name: str) -> None:
    uploader = element(user, "import-upload")
    assert isinstance(uploader, ui.upload)
    assert user.client is not None
    with user.client:
        await uploader.handle_uploads([SmallFileUpload(name=name, content_type="text/csv", _data=data)])


def text_of(user: User, marker: str) -> str:
    return str(element(user, marker).text)


def issue_table(user: User) -> ui.table:
    (table,) = all_marked(user, "import-issues")  # hidden while there is nothing to show
    assert isinstance(table, ui.table)
    return table


def issues(user: User) -> list[tuple[int, str, str]]:
    return [(r["row"], r["column"], r["level"]) for r in issue_table(user).rows]


def video_slugs() -> set[str]:
    with session_scope() as session:
        return set(session.execute(select(Video.slug)).scalars())


def audit_count() -> int:
    with session_scope() as session:
        return int(session.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


async def wait_for_summary(user: User, start: str) -> str:
    await wait_until(lambda: text_of(user, "import-summary").startswith(start), what=f"a summary starting {start!r}")
    return text_of(user, "import-summary")


async def test_dry_run_shows_the_bad_url_row_and_writes_nothing(content_user: User) -> None:
    user = content_user
    assert not element(user, "import-commit").enabled  # no dry run yet
    events = audit_count()
    data = csv_of([row(1), row(2, hls_url="javascript:alert(1)"), row(3)])
    await upload(user, data, "videos.csv")
    summary = await wait_for_summary(user, "Dry run")
    assert "1 row with errors" in summary
    assert issues(user) == [(3, "hls_url", "error")]
    assert shown(user, "import-issues")
    message = issue_table(user).rows[0]["message"]
    assert message == "must be an https:// address"
    assert text_of(user, "import-counts").startswith("3 rows ·")
    assert text_of(user, "import-counts").endswith("· 1 error · 0 warnings")  # not "1 errors"
    assert issue_table(user).props[":pagination-label"] == PAGER_LABEL  # "1–25 of 300", as every list
    assert video_slugs() == set() and audit_count() == events
    # All-or-nothing is on and a row is bad: Import stays off until the switch is turned off.
    assert not element(user, "import-commit").enabled
    user.find(marker="import-all-or-nothing").click()
    assert element(user, "import-commit").enabled


async def test_import_creates_the_videos_after_a_dry_run(content_user: User) -> None:
    user = content_user
    await upload(user, transfer.to_xlsx([row(1), row(2)]), "videos-named-wrongly.csv")
    await wait_for_summary(user, "Dry run")
    assert issues(user) == []
    assert element(user, "import-commit").enabled
    user.find(marker="import-commit").click()
    summary = await wait_for_summary(user, "Import finished")
    assert "2 new" in summary
    assert video_slugs() == {"video-1", "video-2"}
    assert not element(user, "import-commit").enabled  # a new dry run is needed before importing again
    await user.should_see("Import finished (2 rows)")


async def test_partial_import_skips_bad_rows(content_user: User) -> None:
    user = content_user
    await upload(user, csv_of([row(1), row(2, performers="nobody")]), "videos.csv")
    await wait_for_summary(user, "Dry run")
    assert issues(user) == [(3, "performers", "error")]
    user.find(marker="import-all-or-nothing").click()  # off: import the valid rows
    user.find(marker="import-commit").click()
    summary = await wait_for_summary(user, "Import finished")
    assert "1 new" in summary and "1 row with errors skipped" in summary, summary
    assert video_slugs() == {"video-1"}


async def test_unreadable_file_gets_a_clear_message(content_user: User) -> None:
    user = content_user
    await upload(user, b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "videos.csv")
    await wait_until(lambda: shown(user, "import-file-problem"), what="the file problem")
    assert "neither an Excel workbook" in text_of(user, "import-file-problem")
    assert not element(user, "import-commit").enabled
    assert not element(user, "import-dry-run").enabled


async def test_template_and_export_downloads(content_user: User) -> None:
    user = content_user
    user.find(marker="import-template").click()
    template = await user.download.next()
    assert transfer.read_table(template.content, "t.csv").columns.tolist() == list(transfer.COLUMNS)

    await upload(user, csv_of([row(1, title="=2+2"), row(2)]), "videos.csv")
    await wait_for_summary(user, "Dry run")
    user.find(marker="import-commit").click()
    await wait_for_summary(user, "Import finished")

    user.find(marker="export-csv").click()
    exported = await user.download.next(timeout=10)
    read_back = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [r["slug"] for r in read_back] == ["video-1", "video-2"]
    assert read_back[0]["title"] == "'=2+2"
    user.find(marker="export-xlsx").click()
    workbook = await user.download.next(timeout=10)
    assert workbook.content.startswith(b"PK\x03\x04")
    assert len(transfer.read_table(workbook.content, "export.xlsx")) == 2


async def test_export_uses_the_filter_in_the_address(content_user: User) -> None:
    user = content_user
    await upload(user, csv_of([row(1), row(2, kind="series", hls_url="")]), "videos.csv")
    await wait_for_summary(user, "Dry run")
    user.find(marker="import-commit").click()
    await wait_for_summary(user, "Import finished")
    await user.open("/catalog/import?kind=series")
    await user.should_see("kind = series")
    user.find(marker="export-csv").click()
    exported = await user.download.next(timeout=10)
    read_back = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [r["slug"] for r in read_back] == ["video-2"]


def test_filter_from_query() -> None:
    flt, ignored = filter_from_query({"q": " night ", "kind": "movie", "featured": "yes", "collection_id": "x"})
    assert (flt.search, flt.kind, flt.featured, flt.collection_id) == ("night", "movie", True, None)
    assert ignored == ["collection_id"]
    assert filter_from_query({})[0] == transfer.VideoFilter()


async def test_a_moderator_gets_403(user: User, make_staff: Callable[..., tuple[int, str]]) -> None:
    _, email = make_staff("moderator")
    await sign_in_and_wait(user, email)
    await user.open("/catalog/import")
    await user.should_see(marker="forbidden")
    await user.should_not_see(marker="import-upload")
    await user.should_not_see(marker="export-csv")
