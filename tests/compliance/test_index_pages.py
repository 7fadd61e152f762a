"""The cross-reference index page: rows by legal name, a search by any name narrows them, one audited event per
load, the by-depiction tab built on demand, the export button (progress, a one-time download for its maker
only, the file removed once fetched), and content staff refused."""

from __future__ import annotations

import importlib
import io
import threading
import zipfile
from datetime import date
from typing import Any

import pytest
from nicegui.testing import User

from console.compliance import index_pages
from tests.catalog.factories import audit_mark, events_since
from tests.compliance.test_export import set_custodian
from tests.compliance.test_index import legal_record, video_with
from tests.ui.helpers import (
    all_marked,
    caption,
    current_path,
    element,
    rows,
    shown,
    sign_in_and_wait,
    wait_for_rows,
    wait_until,
)

OFFICER_EMAIL = "olga.officer@test.example"


@pytest.fixture
async def officer_user(user: User, make_staff: Any) -> User:
    make_staff("compliance", email=OFFICER_EMAIL, name="Olga Officer")
    await sign_in_and_wait(user, OFFICER_EMAIL)
    return user


@pytest.fixture
def people() -> dict[str, int]:
    jane, _ = legal_record("Velvet Rain", first="Jane", last="Doe", names=(("Janie D", "alias"),))
    zoe, _ = legal_record("Nordic Star", first="Zoë", last="Adams", names=(("Мария", "alias"),))
    sam, _ = legal_record("Lonely", first="Sam", last="Stone")
    video = video_with([jane], title="Summer Shoot", production_date=date(2020, 6, 1))
    return {"jane": jane, "zoe": zoe, "sam": sam, "video": video}


async def test_rows_are_by_legal_name_and_a_search_by_any_name_narrows_them(
    officer_user: User, people: dict[str, int]
) -> None:
    user = officer_user
    mark = audit_mark()
    await user.open("/compliance/index")
    found = await wait_for_rows(user, lambda r: len(r) == 3, "three records")
    assert [r["legal_name"] for r in found] == ["Adams, Zoë", "Doe, Jane", "Stone, Sam"]
    jane = found[1]
    assert (jane["stage_name"], jane["other_names"], jane["status"]) == ("Velvet Rain", "Janie D (alias)", "Verified")
    assert [(d["title"], d["date"], d["production_url"]) for d in jane["depictions"]] == [
        ("Summer Shoot", "2020-06-01", f"/compliance/productions/{people['video']}")
    ]
    assert [e.action for e in events_since(mark)] == ["compliance.index_view"]  # one event per load

    for term, expected in (("janie", "Doe, Jane"), ("Мария", "Adams, Zoë"), ("Lonely", "Stone, Sam")):
        # an alias, a unicode alias, a stage name
        user.find(marker="index-search").clear().type(term).trigger("keydown.enter")
        await wait_for_rows(user, lambda r, e=expected: [x["legal_name"] for x in r] == [e], f"only {expected}")
        assert caption(user) == "1–1 of 1"
    searches = [e.after["search"] for e in events_since(mark)]
    assert searches == [None, "janie", "Мария", "Lonely"]

    user.find(marker="index-search").clear().type("x").trigger("keydown.enter")
    await wait_until(lambda: shown(user, "index-search-problem"), what="the search message")
    assert "at least 2 characters" in element(user, "index-search-problem").text
    assert caption(user) == "1–1 of 1"  # the last good search still shown


async def test_a_row_opens_the_performers_record(officer_user: User, people: dict[str, int]) -> None:
    user = officer_user
    await user.open("/compliance/index")
    await wait_for_rows(user, lambda r: len(r) == 3, "three records")
    user.find(marker="paged-table").trigger("rowClick", [{}, rows(user)[1], 1])
    await wait_until(lambda: current_path(user) == f"/compliance/records/{people['jane']}", what="the record page")


async def test_the_depiction_tab_is_built_when_opened(officer_user: User, people: dict[str, int]) -> None:
    user = officer_user
    await user.open("/compliance/index")
    await wait_for_rows(user, lambda r: len(r) == 3, "three records")
    assert not all_marked(user, "depiction-table")  # not read (nor audited) until asked for
    mark = audit_mark()
    user.find(marker="tab-depiction").click()
    await wait_until(
        lambda: bool(all_marked(user, "depiction-table")) and bool(element(user, "depiction-table").rows),
        what="the depiction table",
    )
    [row] = element(user, "depiction-table").rows
    assert (row["video_id"], row["title"], row["production_date"]) == (people["video"], "Summer Shoot", "2020-06-01")
    assert [(p["stage_name"], p["legal_name"], p["age"]) for p in row["performers"]] == [
        ("Velvet Rain", "Doe, Jane", 30)
    ]
    assert [e.after["index"] for e in events_since(mark)] == ["depiction"]
    user.find(marker="depiction-table").trigger("rowClick", [{}, row, 0])
    await wait_until(
        lambda: current_path(user) == f"/compliance/productions/{people['video']}", what="the production page"
    )


async def test_export_runs_with_progress_and_downloads_once(officer_user: User, people: dict[str, int]) -> None:
    user = officer_user
    set_custodian()
    await user.open("/compliance/index")
    await wait_for_rows(user, lambda r: len(r) == 3, "three records")
    mark = audit_mark()
    user.find(marker="index-export").click()
    await wait_until(lambda: shown(user, "confirm-ok"), what="the confirmation")
    user.find(marker="confirm-ok").click()
    response = await user.download.next(timeout=60)
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        assert "records.pdf" in zf.namelist() and "index_by_legal_name.csv" in zf.namelist()
    assert shown(user, "export-result") and not shown(user, "export-progress")
    [event] = [e for e in events_since(mark) if e.action == "compliance.export"]
    assert event.after["records"] == 3 and event.after["sha256"] in element(user, "export-result").text
    # Served once: the decrypted copies do not stay on the server.
    await wait_until(
        lambda: not list(index_pages.exports_dir().glob("inspection-*")), what="the served file to be removed"
    )


async def test_the_progress_bar_follows_the_export(
    officer_user: User, people: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    user = officer_user
    release = threading.Event()
    # NiceGUI's user fixture re-imports page modules for every test: patch the one the running app uses.
    pages = importlib.import_module("console.compliance.index_pages")
    real_export = pages.run_export

    def slow_export(actor: Any, progress: Any) -> Any:
        progress(5, 10, "Records, sheets and ID copies")
        release.wait(30)
        return real_export(actor, progress)

    monkeypatch.setattr(pages, "run_export", slow_export)
    await user.open("/compliance/index")
    await wait_for_rows(user, lambda r: len(r) == 3, "three records")
    user.find(marker="index-export").click()
    await wait_until(lambda: shown(user, "confirm-ok"), what="the confirmation")
    user.find(marker="confirm-ok").click()
    await wait_until(
        lambda: shown(user, "export-progress") and all_marked(user, "export-progress-bar")[0].value == 0.5,
        what="half-way progress",
    )
    assert element(user, "export-progress-label").text == "Records, sheets and ID copies: 5 of 10"
    assert not element(user, "index-export").enabled  # one export at a time
    release.set()
    response = await user.download.next(timeout=60)
    assert response.status_code == 200
    await wait_until(lambda: element(user, "index-export").enabled, what="the button back")


async def test_the_download_address_serves_only_its_maker(officer_user: User, people: dict[str, int]) -> None:
    """Another signed-in officer (or a second request) gets a 404 from the one-time address."""
    user = officer_user
    await user.open("/compliance/index")
    await wait_for_rows(user, lambda r: len(r) == 3, "three records")
    folder = index_pages.exports_dir() / "inspection-test"
    folder.mkdir()
    target = folder / "inspection.zip"
    target.write_bytes(b"PK\x03\x04 test")
    assert user.client is not None
    with user.client:
        stranger = index_pages.offer_download(target, staff_id=-1)
        mine = index_pages.offer_download(target, staff_id=_officer_id())
    assert (await user.http_client.get(stranger)).status_code == 404
    first = await user.http_client.get(mine)
    assert first.status_code == 200 and first.content == b"PK\x03\x04 test"
    assert (await user.http_client.get(mine)).status_code in (404, 303)
    assert not folder.exists()


def _officer_id() -> int:
    from sqlalchemy import select

    from console.db import session_scope
    from console.staff.models import Staff

    with session_scope() as session:
        return int(session.execute(select(Staff.id).where(Staff.email == OFFICER_EMAIL)).scalar_one())


async def test_content_staff_are_refused(user: User, make_staff: Any, people: dict[str, int]) -> None:
    make_staff("content", email="cora@test.example")
    await sign_in_and_wait(user, "cora@test.example")
    mark = audit_mark()
    await user.open("/compliance/index")
    await user.should_see(marker="forbidden")
    await user.should_not_see("Doe, Jane")
    assert [e for e in events_since(mark) if e.action.startswith("compliance.")] == []
