"""Audit log page: chain state, filters, event details, access for other roles."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from nicegui.testing import User
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from console import db
from console.actor import SYSTEM, ClientInfo
from console.audit import anchor, verify_worker
from console.audit.models import AuditEvent
from console.audit.pages import day_range
from console.audit.service import VerifyResult, count_events, record
from console.audit.verify_worker import chain_check
from console.staff.preferences import set_time_zone
from tests.audit.test_chain import staff
from tests.audit.test_checkpoints import delete_newest
from tests.conftest import IS_POSTGRES
from tests.ui.helpers import (
    all_marked,
    caption,
    element,
    is_shown,
    rows,
    shown,
    sign_in_and_wait,
    table,
    wait_for_caption,
    wait_for_rows,
    wait_until,
)

TAMPER = "UPDATE audit_events SET actor_label = 'someone-else' WHERE id = (SELECT min(id) FROM audit_events)"


@pytest.fixture(autouse=True)
def fresh_chain_check() -> Iterator[None]:
    """The page keeps the chain verification per process for minutes; each test starts without it."""
    chain_check.forget()
    yield
    chain_check.forget()


@pytest.fixture
async def admin_user(user: User, admin, make_staff) -> User:
    make_staff("moderator", email="mona@test.example", name="Mona Moderator")
    await sign_in_and_wait(user, "root@test.example")
    return user


def _chain_text(user: User) -> str:
    area = element(user, "chain-state")
    return " ".join(str(getattr(e, "text", "")) for e in area.descendants() if getattr(e, "visible", True))


async def _wait_for_chain(user: User, needle: str) -> str:
    await wait_until(lambda: needle in _chain_text(user), what=f"chain state containing {needle!r}")
    return _chain_text(user)


def _tamper_with_oldest_event(engine: Engine) -> None:
    """Change a stored event behind the application's back (what an attacker with the owner's rights could do)."""
    with engine.begin() as conn:
        if IS_POSTGRES:
            conn.execute(text("SET LOCAL session_replication_role = replica"))  # skips the append-only trigger
            conn.execute(text(TAMPER))
        else:
            trigger = conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_events_no_update'"
            ).scalar_one()
            conn.exec_driver_sql("DROP TRIGGER audit_events_no_update")
            conn.exec_driver_sql(TAMPER)
            conn.exec_driver_sql(trigger)


async def test_admin_sees_chain_intact(admin_user: User) -> None:
    user = admin_user
    await user.open("/audit")
    state = await _wait_for_chain(user, "Chain intact")
    with db.session_scope() as session:
        total = count_events(session)
    assert total >= 3  # two staff.create and one auth.login at least
    assert f"✓ Chain intact: {total:,} events verified." in state
    assert "BROKEN" not in state


async def test_broken_chain_is_reported(admin_user: User, engine: Engine) -> None:
    user = admin_user
    _tamper_with_oldest_event(engine)
    await user.open("/audit")
    state = await _wait_for_chain(user, "Chain BROKEN")
    with db.session_scope() as session:
        oldest = session.execute(text("SELECT min(id) FROM audit_events")).scalar_one()
    assert f"✗ Chain BROKEN at event #{oldest}: content does not match its hash." in state
    assert "Chain intact" not in state


async def test_verify_now_rechecks_the_chain(admin_user: User, engine: Engine) -> None:
    user = admin_user
    await user.open("/audit")
    await _wait_for_chain(user, "Chain intact")
    _tamper_with_oldest_event(engine)
    user.find("Verify chain now").click()
    await _wait_for_chain(user, "Chain BROKEN")


async def test_rows_are_newest_first(admin_user: User) -> None:
    user = admin_user
    await user.open("/audit")
    found = await wait_for_rows(user, lambda found: len(found) >= 3, "the audit rows")
    ids = [r["id"] for r in found]
    assert ids == sorted(ids, reverse=True)
    assert found[0]["action"] == "auth.login"
    assert found[0]["actor"] == "root@test.example"
    assert found[0]["after"]["email"] and found[0]["changes"] == ""  # a sign-in's fields are facts, not changes
    assert next(r for r in found if r["action"] == "staff.create")["changes"]  # a change still lists its fields
    with db.session_scope() as session:
        assert caption(user) == f"1–{count_events(session)} of {count_events(session)}"


async def test_filter_by_action_prefix(admin_user: User) -> None:
    user = admin_user
    await user.open("/audit")
    everything = await wait_for_rows(user, lambda found: len(found) >= 3, "the audit rows")
    assert {r["action"] for r in everything} >= {"staff.create", "auth.login"}

    user.find(marker="audit-action").type("staff.").trigger("keydown.enter")
    found = await wait_for_rows(user, lambda found: {r["action"] for r in found} == {"staff.create"}, "staff.* rows")
    assert len(found) == 2
    assert caption(user) == "1–2 of 2"

    user.find(marker="audit-action").clear().type("auth.")
    user.find(marker="audit-filter").click()
    found = await wait_for_rows(user, lambda found: {r["action"] for r in found} == {"auth.login"}, "auth.* rows")
    assert [r["actor"] for r in found] == ["root@test.example"]

    user.find(marker="audit-action").clear().type("nothing.like.this").trigger("keydown.enter")
    await wait_for_rows(user, lambda found: found == [], "no rows")
    assert caption(user) == "0–0 of 0"


async def test_filter_by_actor_prefix(admin_user: User) -> None:
    user = admin_user
    await user.open("/audit")
    await wait_for_rows(user, lambda found: len(found) >= 3, "the audit rows")
    user.find(marker="audit-actor").type("ROOT@").trigger("keydown.enter")
    found = await wait_for_rows(
        user, lambda found: {r["actor"] for r in found} == {"root@test.example"}, "root's events"
    )
    assert [r["action"] for r in found] == ["auth.login"]


async def test_action_filter_wildcards_are_literal(admin_user: User) -> None:
    user = admin_user
    await user.open("/audit")
    await wait_for_rows(user, lambda found: len(found) >= 3, "the audit rows")
    user.find(marker="audit-action").type("staff_").trigger("keydown.enter")
    await wait_for_rows(user, lambda found: found == [], "no rows for a literal 'staff_'")
    user.find(marker="audit-action").clear().type("%").trigger("keydown.enter")
    await wait_until(lambda: caption(user) == "0–0 of 0", what="no rows for a literal '%'")


async def test_bad_date_is_shown_on_its_field(admin_user: User) -> None:
    user = admin_user
    await user.open("/audit")
    await wait_for_rows(user, lambda found: len(found) >= 3, "the audit rows")
    since = user.find("From")
    since.type("31/12/2024")
    user.find(marker="audit-filter").click()
    field = next(iter(since.elements))
    await wait_until(lambda: field.error is not None, what="an error on the date")
    assert field.error == "From must be a date like 2025-01-31"  # named, as every other form says it


async def test_enter_in_from_or_to_filters_and_to_before_from_is_said_on_to(admin_user: User) -> None:
    """QA: Enter in From/To left the list unfiltered (it worked in every other field), and To before From was said
    as "Until must not be before the start date", a field the page does not have."""
    user = admin_user
    await user.open("/audit")
    await wait_for_rows(user, lambda found: len(found) >= 3, "the audit rows")
    user.find("From").type("2099-01-01").trigger("keydown.enter")  # after every event: nothing left
    await wait_until(lambda: caption(user) == "0–0 of 0", what="the From filter applied by Enter")
    user.find("From").clear().trigger("keydown.enter")
    await wait_until(lambda: caption(user) != "0–0 of 0", what="every event back")
    user.find("To").type("2000-01-01").trigger("keydown.enter")
    await wait_until(lambda: caption(user) == "0–0 of 0", what="the To filter applied by Enter")
    user.find("From").type("2000-02-01").trigger("keydown.enter")
    until = next(iter(user.find("To").elements))
    await wait_until(lambda: until.error is not None, what="the order's message")
    assert until.error == "To must not be before the start date"


async def test_event_details_show_the_change(admin_user: User) -> None:
    user = admin_user
    await user.open("/audit")
    found = await wait_for_rows(user, lambda found: len(found) >= 3, "the audit rows")
    event = next(r for r in found if r["action"] == "staff.create" and "mona" in str(r["after"]))
    user.find(marker="paged-table").trigger("rowClick", [{}, event, 0])
    await wait_until(lambda: shown(user, "audit-diff"), what="the event dialog")
    await user.should_see(f"Event #{event['id']} · Staff created")  # in words, the stored code under it
    await user.should_see(event["code"])
    assert event["code"].startswith("staff.create · staff ") and event["what"] == "Staff created"
    assert event["entity"].startswith("Staff #")
    diff = next(e for e in all_marked(user, "audit-diff") if is_shown(e))
    by_field = {r["field"]: r for r in diff.rows}
    assert by_field["email"]["before"] == "—"
    assert by_field["email"]["after"] == "mona@test.example"
    assert by_field["roles"]["after"] == '["moderator"]'
    assert "password_hash" not in by_field


async def test_an_event_opens_from_the_keyboard(admin_user: User) -> None:
    """QA: j / k and Enter did nothing here (Staff and Members have them) and Tab skipped the rows: the details
    opened with the mouse only."""
    from tests.moderation.page_helpers import press

    user = admin_user
    await user.open("/audit")
    found = await wait_for_rows(user, lambda found: len(found) >= 3, "the audit rows")
    press(user, "j")
    press(user, "j")
    press(user, "Enter")
    await wait_until(lambda: shown(user, "audit-diff") or shown(user, "audit-code"), what="the event dialog")
    await user.should_see(f"Event #{found[1]['id']} · {found[1]['what']}")  # the second row: j twice


async def test_event_details_name_the_staff_its_fields_hold(admin_user: User, make_staff) -> None:
    """`approved_by_id 5` told an auditor nothing: a field that holds a staff id shows the name with the id; an id
    whose account is gone, and a number that is not a staff id, stay as stored."""
    dana, _ = make_staff("finance", name="Dana Whitfield")
    with db.session_scope() as session:
        record(
            session,
            SYSTEM,
            "payout.approve",
            "payout",
            7,
            before={"approved_by_id": None, "reviewed_by_id": 987654, "amount_cents": 100},
            after={"approved_by_id": dana, "reviewed_by_id": None, "amount_cents": dana},
        )
    user = admin_user
    await user.open("/audit")
    found = await wait_for_rows(user, lambda found: any(r["action"] == "payout.approve" for r in found), "the event")
    event = next(r for r in found if r["action"] == "payout.approve")
    assert event["what"] == "Payout approved" and event["entity"] == "Payout #7"
    user.find(marker="paged-table").trigger("rowClick", [{}, event, 0])
    await wait_until(lambda: shown(user, "audit-diff"), what="the event dialog")
    diff = next(e for e in all_marked(user, "audit-diff") if is_shown(e))
    by_field = {r["field"]: r for r in diff.rows}
    assert by_field["approved_by_id"]["after"] == f"Dana Whitfield (#{dana})"
    assert by_field["approved_by_id"]["label"] == "Approved by"  # the field in words, the stored name beside it
    assert by_field["amount_cents"]["label"] == "Amount (cents)"
    assert event["changes"] == "Amount (cents), Approved by, Reviewed by"  # in the stored names' order
    assert by_field["reviewed_by_id"]["before"] == "987654"  # no such account: the stored number
    assert by_field["amount_cents"]["after"] == str(dana)  # not a staff field: the number as stored


# --- changes, reads or all --------------------------------------------------------------------------------------

READS_WRITTEN = ["legal_record.view", "compliance.export", "legal_record.scan_view", "legal_record.view"]
CHANGES_WRITTEN = 30  # video.update events, besides the two staff.create and the sign-in the fixture writes


@pytest.fixture
def mixed_log(admin_user: User) -> User:
    """Reads written between changes: a 2257 record viewed, an export, a scan shown."""
    compliance = staff("cora@test.example", "compliance", staff_id=77)
    with db.session_scope() as session:
        for i in range(CHANGES_WRITTEN):
            record(session, staff("carl@test.example", "content", staff_id=78), "video.update", "video", i)
            if i % 8 == 3:
                read = READS_WRITTEN[i // 8]
                record(session, compliance, read, "legal_record", i, reason="inspection")
    return admin_user


def _actions(found: list[dict]) -> set[str]:
    return {r["action"] for r in found}


def _choose(user: User, kind: str) -> None:
    toggle = element(user, "audit-kind")
    with user.client:  # type: ignore[union-attr]
        toggle.value = kind


async def test_changes_are_shown_by_default_without_reads(mixed_log: User) -> None:
    user = mixed_log
    await user.open("/audit")
    changes = CHANGES_WRITTEN + 3
    await wait_for_caption(user, f"1–25 of {changes}")
    assert element(user, "audit-kind").value == "changes"
    assert _actions(rows(user)) == {"video.update"}
    with db.session_scope() as session:
        assert count_events(session) == changes + len(READS_WRITTEN)  # the reads are there, just not shown

    wanted = {"rowsPerPage": 25, "sortBy": None, "descending": True}
    user.find(marker="paged-table").trigger("request", {"pagination": {**wanted, "page": 2}})
    await wait_for_caption(user, f"26–{changes} of {changes}")
    page_two = rows(user)
    assert _actions(page_two) == {"video.update", "staff.create", "auth.login"}  # sign-ins are not reads
    ids = [r["id"] for r in page_two]
    assert ids == sorted(ids, reverse=True)
    assert table(user).pagination["page"] == 2


async def test_reads_shows_only_reads(mixed_log: User) -> None:
    user = mixed_log
    await user.open("/audit")
    await wait_for_caption(user, f"1–25 of {CHANGES_WRITTEN + 3}")
    _choose(user, "reads")
    await wait_for_caption(user, f"1–4 of {len(READS_WRITTEN)}")
    found = rows(user)
    assert [r["action"] for r in found] == list(reversed(READS_WRITTEN))
    assert {r["actor"] for r in found} == {"cora@test.example"}

    user.find(marker="audit-action").type("compliance.").trigger("keydown.enter")  # the kind stays applied
    await wait_for_caption(user, "1–1 of 1")
    assert [r["action"] for r in rows(user)] == ["compliance.export"]


async def test_all_shows_changes_and_reads(mixed_log: User) -> None:
    user = mixed_log
    await user.open("/audit")
    await wait_for_caption(user, f"1–25 of {CHANGES_WRITTEN + 3}")
    _choose(user, "all")
    total = CHANGES_WRITTEN + 3 + len(READS_WRITTEN)
    await wait_for_caption(user, f"1–25 of {total}")
    assert _actions(rows(user)) == {"video.update", "legal_record.view", "compliance.export", "legal_record.scan_view"}
    user.find(marker="paged-table").trigger(
        "request", {"pagination": {"rowsPerPage": 50, "sortBy": None, "descending": True, "page": 1}}
    )
    await wait_for_caption(user, f"1–{total} of {total}")
    assert len(rows(user)) == total
    _choose(user, "changes")
    await wait_for_caption(user, f"1–{CHANGES_WRITTEN + 3} of {CHANGES_WRITTEN + 3}")  # the page size is kept


async def test_the_jobs_runs_are_listed_under_jobs_not_among_the_changes(admin_user: User) -> None:
    """The insights rollup writes two events every 10 minutes: staff changes must not drown under them."""
    user = admin_user
    with db.session_scope() as session:
        for day in range(40):
            record(session, SYSTEM, "insights.rollup", "insights_rollup_runs", f"2026-10-{day % 28 + 1:02d}")
            if day % 10 == 0:
                record(session, SYSTEM, "ad_stats.rollup", "ad_stats_daily", f"2026-10-{day + 1:02d}")
        record(session, staff("carl@test.example", "content", staff_id=78), "video.update", "video", 1)
    await user.open("/audit")
    await wait_for_caption(user, "1–4 of 4")  # the video change, the two staff.create and the sign-in
    assert _actions(rows(user)) == {"video.update", "staff.create", "auth.login"}
    _choose(user, "jobs")
    await wait_for_caption(user, "1–25 of 44")
    assert _actions(rows(user)) == {"insights.rollup", "ad_stats.rollup"}
    assert {r["actor"] for r in rows(user)} == {"system"}
    _choose(user, "all")
    await wait_for_caption(user, "1–25 of 48")


async def test_ip_cells_are_never_cut(admin_user: User) -> None:
    user = admin_user
    with db.session_scope() as session:
        ipv6 = "2001:0db8:85a3:0000:0000:8a2e:0370:7334"
        who = replace(staff("ivy@test.example", "admin", staff_id=79), client=ClientInfo(ip=ipv6, user_agent="test"))
        record(session, who, "config.set", "system_config", "maintenance")
    await user.open("/audit")
    found = await wait_for_rows(user, lambda found: any(r["ip"] == ipv6 for r in found), "the IPv6 event")
    assert found[0]["ip"] == ipv6  # whole, not shortened on the server
    slot = table(user).slots["body-cell-ip"].template
    assert slot is not None and "white-space: nowrap" in slot and ':title="props.value"' in slot
    for name in ("actor", "what", "entity", "changes"):  # long cells ellipsise and show the whole value on hover
        template = table(user).slots[f"body-cell-{name}"].template
        assert template is not None and 'class="console-clip"' in template and ':title="props.value"' in template
        assert next(c for c in table(user).columns if c["name"] == name)["clip"].endswith("rem")


async def test_moderator_gets_403_on_audit(user: User, make_staff) -> None:
    _, email = make_staff("moderator")
    await sign_in_and_wait(user, email)
    await user.open("/audit")
    await user.should_see(marker="forbidden")
    await user.should_not_see(marker="chain-state")
    await user.should_not_see(marker="paged-table")


@pytest.mark.parametrize("role", ["finance", "executive", "compliance"])
async def test_other_roles_get_403_on_audit(user: User, make_staff, role: str) -> None:
    _, email = make_staff(role)
    await sign_in_and_wait(user, email)
    await user.open("/audit")
    await user.should_see(marker="forbidden")
    await user.should_not_see(marker="audit-action")


# --- one verification per process, whatever the pages do; the last checkpoint ---------------------------------


def _slow_verifier(monkeypatch: pytest.MonkeyPatch, calls: list[int], seconds: float = 0.5) -> None:
    async def slow() -> VerifyResult:
        calls.append(1)
        await asyncio.sleep(seconds)
        return VerifyResult(ok=True, checked=4242)

    monkeypatch.setattr(verify_worker, "verify_in_worker", slow)


async def test_two_pages_opened_at_once_share_one_verification(
    admin_user: User, create_user: Callable[[], User], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    _slow_verifier(monkeypatch, calls)
    second = create_user()
    await sign_in_and_wait(second, "root@test.example")
    await asyncio.gather(admin_user.open("/audit"), second.open("/audit"))
    await _wait_for_chain(admin_user, "Chain intact: 4,242 events")
    await _wait_for_chain(second, "Chain intact: 4,242 events")
    assert calls == [1]


async def test_leaving_the_page_does_not_cancel_the_verification(
    admin_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    _slow_verifier(monkeypatch, calls)
    user = admin_user
    await user.open("/audit")
    await wait_until(lambda: chain_check.running, what="the verification to start")
    left = user.client
    assert left is not None
    await user.open("/")  # leave while it runs ...
    left.delete()  # ... and the reconnect window ends: NiceGUI deletes the page, cancelling its timer's task
    await wait_until(lambda: chain_check.result is not None, what="the verification to finish without the page")
    assert not chain_check.running
    await user.open("/audit")
    await _wait_for_chain(user, "Chain intact: 4,242 events verified.")
    assert calls == [1]  # the kept result, not a new run


async def test_the_last_checkpoint_is_shown_after_a_verification(admin_user: User) -> None:
    user = admin_user
    await user.open("/audit")
    await _wait_for_chain(user, "Chain intact")
    with db.session_scope() as session:
        head = session.execute(text("SELECT max(id) FROM audit_events")).scalar_one()
    await wait_until(
        lambda: f"Last checkpoint: event #{head:,} at " in element(user, "checkpoint-state").text,
        what="the checkpoint the verification wrote",
    )
    assert element(user, "checkpoint-state").text.endswith(", matches the database.")


async def test_no_checkpoint_yet_is_said(admin_user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    _slow_verifier(monkeypatch, [], seconds=0)  # verifies without writing a checkpoint
    user = admin_user
    await user.open("/audit")
    await _wait_for_chain(user, "Chain intact")
    await wait_until(
        lambda: (
            element(user, "checkpoint-state").text
            == "Last checkpoint: none yet (one is written after each verification)."
        ),
        what="no checkpoint yet",
    )


async def test_deleted_newest_events_are_reported(admin_user: User, engine: Engine) -> None:
    user = admin_user
    written = anchor.checkpoint_head().written
    assert written is not None
    delete_newest(engine, 1)
    await user.open("/audit")
    state = await _wait_for_chain(user, "Chain BROKEN")
    assert f"✗ Chain BROKEN at event #{written.id}: event {written.id:,} of checkpoint {written.at} is missing" in state
    assert "(the newest events were deleted)" in state
    await wait_until(
        lambda: "MISSING from the database" in element(user, "checkpoint-state").text, what="the missing checkpoint"
    )
    assert element(user, "checkpoint-state").text == (
        f"Last checkpoint: event #{written.id:,} at {written.at.replace('T', ' ').replace('Z', ' UTC')}, MISSING from "
        "the database: "
        "the newest events were deleted."
    )


# --- From and To are the viewer's days --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "first", "last", "since", "until"),
    [
        ("UTC", "2026-11-30", "2026-11-30", datetime(2026, 11, 30, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)),
        (  # Tokyo's day starts at 15:00 UTC the day before
            "Asia/Tokyo", "2026-11-30", "2026-11-30",
            datetime(2026, 11, 29, 15, tzinfo=UTC), datetime(2026, 11, 30, 15, tzinfo=UTC),
        ),
        (  # Berlin's spring-forward day has 23 hours, its autumn day 25
            "Europe/Berlin", "2026-03-29", "2026-10-25",
            datetime(2026, 3, 28, 23, tzinfo=UTC), datetime(2026, 10, 25, 23, tzinfo=UTC),
        ),
        ("America/New_York", None, "2026-07-04", None, datetime(2026, 7, 5, 4, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_from_and_to_are_days_of_the_viewers_zone(
    zone: str, first: str | None, last: str | None, since: datetime | None, until: datetime | None
) -> None:
    assert day_range(first, last, ZoneInfo(zone)) == (since, until, {})


def test_unreadable_days_are_named_per_field() -> None:
    assert day_range("31/12/2024", "2026-02-30", ZoneInfo("UTC")) == (
        None,
        None,
        {"since": "must be a date like 2025-01-31", "until": "must be a date like 2025-01-31"},
    )


async def test_a_viewer_far_east_of_utc_finds_todays_events_under_their_today(
    user: User, make_staff, actor_for
) -> None:
    staff_id, email = make_staff("admin", email="kiri@test.example", name="Kiri Timati")
    with db.session_scope() as session:
        set_time_zone(session, actor=actor_for(staff_id), time_zone="Pacific/Kiritimati")  # UTC+14
    await sign_in_and_wait(user, email)
    await user.open("/audit")
    await wait_for_rows(user, lambda found: len(found) >= 1, "the audit rows")
    login = select(AuditEvent.occurred_at).where(AuditEvent.action == "auth.login").order_by(AuditEvent.id.desc())
    with db.session_scope() as session:  # the sign-in's day there (by now the clock may be in the next one)
        signed_in_at = session.execute(login).scalars().first()
    assert signed_in_at is not None
    local_today = signed_in_at.astimezone(ZoneInfo("Pacific/Kiritimati")).date().isoformat()
    user.find("From").type(local_today)
    user.find("To").type(local_today)
    user.find(marker="audit-filter").click()
    found = await wait_for_rows(user, lambda found: any(r["action"] == "auth.login" for r in found), "today's rows")
    assert all(r["occurred_at"].startswith(local_today) for r in found)  # shown in their zone, on their day


def test_stored_stamps_show_in_the_viewers_zone_like_the_time_column() -> None:
    """The event dialog showed "2026-11-30T23:26:50.825844Z" and the checkpoint line "…at 2026-11-30T23:31:49Z" under
    times in the viewer's zone."""
    from console.audit.anchor import CheckpointStatus
    from console.audit.checkpoints import Checkpoint
    from console.audit.pages import checkpoint_text
    from console.audit.pages import shown as shown_value
    from console.ui.formatting import use_zone

    with use_zone("Asia/Kolkata"):
        assert shown_value("2026-11-30T23:26:50.825844Z") == "2026-12-01 04:56:50 Asia/Kolkata"
        assert shown_value("2026-11-30T23:26:50+00:00") == "2026-12-01 04:56:50 Asia/Kolkata"
        assert shown_value("2026-11-30") == "2026-11-30" and shown_value("not 2026-11-30T23:26:50Z") != ""
        assert shown_value(["wrong_size"]) == '["wrong_size"]' and shown_value(None) == "—"
        assert (shown_value(False, "totp"), shown_value(True, "is_active")) == ("No", "Yes")  # QA: a raw "false"
        point = Checkpoint(id=12, hash="h", count=12, at="2026-11-30T23:31:49Z", db="d")
        line, _style = checkpoint_text(CheckpointStatus(point, "matches"))
    assert line == "Last checkpoint: event #12 at 2026-12-01 05:01:49 Asia/Kolkata, matches the database."
