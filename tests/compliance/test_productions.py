"""Productions (console/compliance/productions.py): the date of production and the ID relied on per performer,
the custodian of records, and the compliance statement each depiction carries (28 CFR 75.6)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from console.actor import SYSTEM, Actor
from console.catalog import service
from console.catalog.models import Video
from console.compliance import productions
from console.compliance.models import Custodian, Production, ProductionPerformer
from console.db import get_engine, session_scope, utc_today, utcnow
from console.errors import Conflict, Forbidden, RuleViolation, ValidationFailed
from tests.catalog.factories import audit_mark, events_since
from tests.compliance.factories import (
    LEGAL_MARK,
    PRODUCTION_DAY,
    add_document,
    add_scan,
    cast_video,
    count,
    paperwork,
    performer,
    save_production,
    set_custodian,
)

ActorWith = Callable[..., Actor]


def relied_on(video_id: int) -> dict[int, int | None]:
    with session_scope() as session:
        rows = session.execute(
            select(ProductionPerformer).join(Production).where(Production.video_id == video_id)
        ).scalars()
        return {pp.performer_id: pp.id_document_id for pp in rows}


def statement(video_id: int, actor: Actor = SYSTEM) -> str:
    with session_scope() as session:
        return productions.compliance_statement(session, actor=actor, video_id=video_id)


# --- which ID is relied on ------------------------------------------------------------------------------------


def test_the_latest_id_examined_on_or_before_the_production_date_is_picked(clerk: Actor) -> None:
    work = paperwork(performer(), examined_on=date(2015, 1, 10), clerk=clerk)
    assert work.record_id is not None
    renewed = add_document(work.record_id, actor=clerk, examined_on=date(2019, 3, 1))
    on_the_day = add_document(work.record_id, actor=clerk, examined_on=date(2020, 6, 1))
    later = add_document(work.record_id, actor=clerk, examined_on=date(2021, 1, 1))
    for doc in (renewed, on_the_day, later):
        add_scan(doc, actor=clerk)
    video_id = cast_video([work.performer_id])
    save_production(video_id, date(2020, 5, 31), actor=clerk)
    assert relied_on(video_id) == {work.performer_id: renewed}
    save_production(video_id, date(2020, 6, 1), actor=clerk)
    assert relied_on(video_id) == {work.performer_id: on_the_day}
    save_production(video_id, date(2022, 1, 1), actor=clerk)
    assert relied_on(video_id) == {work.performer_id: later}
    save_production(video_id, date(2014, 1, 1), actor=clerk)  # before any examination: nothing to rely on
    assert relied_on(video_id) == {work.performer_id: None}


def test_the_automatic_pick_prefers_an_id_whose_copy_is_on_file(clerk: Actor) -> None:
    """A newer ID without a scan would fail the gate; the older scanned one is what a reviewer relies on."""
    work = paperwork(performer(), examined_on=date(2015, 1, 10), clerk=clerk)
    assert work.record_id is not None
    add_document(work.record_id, actor=clerk, examined_on=date(2019, 3, 1))  # never scanned
    video_id = cast_video([work.performer_id])
    save_production(video_id, date(2020, 6, 1), actor=clerk)
    assert relied_on(video_id) == {work.performer_id: work.document_id}


def test_an_explicit_choice_is_kept(clerk: Actor) -> None:
    work = paperwork(performer(), examined_on=date(2015, 1, 10), clerk=clerk)
    assert work.record_id is not None
    add_document(work.record_id, actor=clerk, examined_on=date(2019, 3, 1))
    video_id = cast_video([work.performer_id])
    save_production(video_id, actor=clerk, relied_on={work.performer_id: work.document_id})
    assert relied_on(video_id) == {work.performer_id: work.document_id}


def test_a_document_of_another_performer_is_refused_and_nothing_is_written(clerk: Actor) -> None:
    mine, theirs = paperwork(performer(), clerk=clerk), paperwork(performer(), clerk=clerk)
    video_id = cast_video([mine.performer_id])
    mark = audit_mark()
    for choice in (theirs.document_id, 999_999):
        with pytest.raises(ValidationFailed) as exc:
            save_production(video_id, actor=clerk, relied_on={mine.performer_id: choice})
        assert exc.value.errors == {
            f"relied_on.{mine.performer_id}": "is not an ID document of this performer's legal record"
        }
    with pytest.raises(ValidationFailed) as exc:
        save_production(video_id, actor=clerk, relied_on={mine.performer_id: "passport"})  # type: ignore[dict-item]
    assert exc.value.errors == {f"relied_on.{mine.performer_id}": "is not an ID document"}
    assert count(Production) == 0 and count(ProductionPerformer) == 0 and events_since(mark) == []


def test_a_performer_without_a_record_is_left_for_the_gate_to_report(clerk: Actor) -> None:
    bare = performer()
    video_id = cast_video([bare])
    save_production(video_id, actor=clerk)
    assert relied_on(video_id) == {}
    with session_scope() as session:
        detail = productions.view_production(session, actor=clerk, video_id=video_id)
    [line] = detail.cast
    assert (line.performer_id, line.record_id, line.legal_name, line.age_on_production) == (bare, None, None, None)
    assert any("has no legal record" in b for b in detail.blockers)


def test_a_performer_taken_off_the_video_is_dropped_from_the_production_on_the_next_save(clerk: Actor) -> None:
    a, b = paperwork(performer(), clerk=clerk), paperwork(performer(), clerk=clerk)
    video_id = cast_video([a.performer_id, b.performer_id])
    save_production(video_id, actor=clerk)
    assert set(relied_on(video_id)) == {a.performer_id, b.performer_id}
    with session_scope() as session:
        service.set_performers(session, actor=SYSTEM, video_id=video_id, performer_ids=[a.performer_id])
    save_production(video_id, actor=clerk, producer_notes="cast changed")
    assert set(relied_on(video_id)) == {a.performer_id}


# --- validation and audit -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"production_date": utc_today() + timedelta(days=1)}, "production_date", "is in the future"),
        ({"production_date": date(1969, 12, 31)}, "production_date", "is before 1970-01-01"),
        ({"production_date": None}, "production_date", "is required"),
        ({"production_date": "last summer"}, "production_date", "is not a date (YYYY-MM-DD)"),
        ({"production_date": PRODUCTION_DAY, "producer_notes": "n" * 2001}, "producer_notes", "is too long"),
        ({"production_date": PRODUCTION_DAY, "location_notes": "Studio\x1b[31m"}, "location_notes", "control"),
    ],
)
def test_bad_production_input_is_refused_and_nothing_is_written(
    data: dict[str, Any], field: str, message: str, clerk: Actor
) -> None:
    work = paperwork(performer(), clerk=clerk)
    video_id = cast_video([work.performer_id])
    mark = audit_mark()
    with session_scope() as session, pytest.raises(ValidationFailed) as exc:
        productions.save_production(session, actor=clerk, video_id=video_id, data=data, expected_version=None)
    assert message in exc.value.errors[field]
    assert count(Production) == 0 and events_since(mark) == []


@pytest.fixture
def server_far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The process's local zone set so that its day is not UTC's right now (12 hours behind before noon UTC, 14
    ahead after it): what `date.today()` would answer on a server not kept in UTC."""
    import time

    monkeypatch.setenv("TZ", "Etc/GMT+12" if utcnow().hour < 12 else "Etc/GMT-14")
    time.tzset()
    assert date.today() != utc_today()
    yield
    monkeypatch.undo()
    time.tzset()


def test_in_the_future_means_after_today_in_utc_whatever_the_servers_zone(
    clerk: Actor, server_far_from_utc: None
) -> None:
    """The checks read the server's local day: on a server 12 hours behind UTC a production of today (UTC) was
    "in the future", on one 14 hours ahead tomorrow's was taken."""
    work = paperwork(performer(), clerk=clerk)
    video_id = cast_video([work.performer_id])
    with session_scope() as session, pytest.raises(ValidationFailed) as exc:
        productions.save_production(
            session,
            actor=clerk,
            video_id=video_id,
            data={"production_date": utc_today() + timedelta(days=1)},
            expected_version=None,
        )
    assert "is in the future" in exc.value.errors["production_date"]
    assert save_production(video_id, utc_today(), actor=clerk).production_date == utc_today()


def test_saving_a_production_is_audited_and_a_repeat_save_writes_nothing(clerk: Actor) -> None:
    work = paperwork(performer(), clerk=clerk)
    video_id = cast_video([work.performer_id])
    mark = audit_mark()
    created = save_production(video_id, actor=clerk, location_notes="Studio B")
    repeat = save_production(video_id, actor=clerk, location_notes="Studio B", expected_version=created.version)
    assert repeat.version == created.version  # nothing changed: no version bump, so no false conflict for others
    updated = save_production(video_id, date(2020, 6, 2), actor=clerk, location_notes="Studio B")
    events = events_since(mark)
    assert [(e.action, e.entity, e.entity_id, e.actor_id) for e in events] == [
        ("production.create", "video", str(video_id), clerk.staff_id),
        ("production.update", "video", str(video_id), clerk.staff_id),
    ]
    assert events[0].before is None and events[0].after["production_date"] == "2020-06-01"
    assert events[0].after["relied_on"] == {str(work.performer_id): work.document_id}
    assert (events[1].before["production_date"], events[1].after["production_date"]) == ("2020-06-01", "2020-06-02")
    assert updated.version > created.version


def test_a_stale_production_save_is_a_conflict(clerk: Actor, verifier: Actor) -> None:
    work = paperwork(performer(), clerk=clerk)
    video_id = cast_video([work.performer_id])
    first = save_production(video_id, actor=clerk)
    save_production(video_id, date(2020, 6, 2), actor=verifier)
    mark = audit_mark()
    with pytest.raises(Conflict) as exc:
        save_production(video_id, date(2020, 6, 3), actor=clerk, expected_version=first.version)
    assert exc.value.current["production_date"] == date(2020, 6, 2)
    assert events_since(mark) == []


def test_view_production_shows_each_performers_age_on_the_day(clerk: Actor) -> None:
    adult = paperwork(performer(), dob=date(2002, 6, 1), clerk=clerk)
    minor = paperwork(performer(), dob=date(2002, 6, 2), clerk=clerk)
    video_id = cast_video([adult.performer_id, minor.performer_id])
    save_production(video_id, actor=clerk)
    with session_scope() as session:
        detail = productions.view_production(session, actor=clerk, video_id=video_id)
    ages = {line.performer_id: line.age_on_production for line in detail.cast}
    assert ages == {adult.performer_id: 18, minor.performer_id: 17}
    assert all(line.legal_name and LEGAL_MARK in line.legal_name for line in detail.cast)
    assert [b for b in detail.blockers if "under 18" in b] and len(detail.blockers) == 1


def test_the_view_reads_each_line_with_its_record_and_the_id_relied_on_in_three_statements(clerk: Actor) -> None:
    """The video with its production, the cast with their records and chosen IDs, the cast's IDs: three reads
    before the audit event, whatever the cast's size (the page's first answer waits on them), in billing order."""
    first, second, bare = paperwork(performer(), clerk=clerk), paperwork(performer(), clerk=clerk), performer()
    assert first.record_id is not None and second.record_id is not None
    older = add_document(first.record_id, actor=clerk, examined_on=PRODUCTION_DAY - timedelta(days=400))
    video_id = cast_video([first.performer_id, bare, second.performer_id])
    with session_scope() as session:  # no production yet: no line relies on an ID
        unsaved = productions.view_production(session, actor=clerk, video_id=video_id, verdict=False)
    assert unsaved.production is None and [line.id_document_id for line in unsaved.cast] == [None, None, None]
    save_production(video_id, actor=clerk, relied_on={first.performer_id: older})
    reads: list[str] = []

    def seen(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        if sql.lstrip().upper().startswith("SELECT") and "audit_events" not in sql and "advisory" not in sql:
            reads.append(sql)

    event.listen(get_engine(), "before_cursor_execute", seen)
    try:
        with session_scope() as session:
            detail = productions.view_production(session, actor=clerk, video_id=video_id, verdict=False)
    finally:
        event.remove(get_engine(), "before_cursor_execute", seen)
    assert len(reads) == 3, reads
    assert [line.performer_id for line in detail.cast] == [first.performer_id, bare, second.performer_id]
    by_performer = {line.performer_id: line for line in detail.cast}
    assert by_performer[first.performer_id].id_document_id == older
    assert by_performer[second.performer_id].id_document_id == second.document_id
    assert by_performer[bare].record_id is None and by_performer[bare].id_document_id is None
    assert {d.id for d in by_performer[first.performer_id].candidates} == {first.document_id, older}
    assert detail.production is not None and detail.production.production_date == PRODUCTION_DAY


def test_the_verdict_alone_is_the_views_and_writes_no_event(clerk: Actor, actor_with: ActorWith) -> None:
    """The editor's side column reads the gate's verdict once the page shows (`production_verdict`): the same words
    as the audited view's, no legal data, so no event; a role without catalog access is refused."""
    minor = paperwork(performer(), dob=date(2002, 6, 2), clerk=clerk)
    video_id = cast_video([minor.performer_id])
    save_production(video_id, actor=clerk)
    with session_scope() as session:
        first = productions.view_production(session, actor=clerk, video_id=video_id, verdict=False)
        full = productions.view_production(session, actor=clerk, video_id=video_id)
    assert first.blockers is None and full.blockers and [b for b in full.blockers if "under 18" in b]
    content, finance = actor_with("content"), actor_with("finance")
    mark = audit_mark()
    with session_scope() as session:
        verdict = productions.production_verdict(session, actor=content, video_id=video_id)
    assert verdict == full.blockers
    assert events_since(mark) == []
    with pytest.raises(Forbidden), session_scope() as session:
        productions.production_verdict(session, actor=finance, video_id=video_id)


# --- custodian and statement ----------------------------------------------------------------------------------


def test_the_statement_names_the_depiction_its_date_and_the_custodian(actor_with: ActorWith) -> None:
    work = paperwork(performer())
    video_id = cast_video([work.performer_id], title="Summer Nights")
    save_production(video_id)
    set_custodian(actor_with("compliance"))
    text = statement(video_id, actor_with("content"))  # public text: any catalog role may copy it
    with session_scope() as session:
        video = session.get(Video, video_id)
        assert video is not None
        slug = video.slug
    assert text.startswith("18 U.S.C. 2257 Record-Keeping Requirements Compliance Statement")
    assert "Title: Summer Nights" in text
    assert f"Identifier: {slug} (#{video_id})" in text
    assert "Date of production: 2020-06-01" in text
    for part in ("Casey Custodian", "Custodian of Records", "100 Records Way", "Suite 2257", "Monday to Friday"):
        assert part in text
    assert LEGAL_MARK not in text and "Secretname" not in text and "1990-05-17" not in text


def test_no_statement_without_a_custodian_or_a_production_date(actor_with: ActorWith) -> None:
    work = paperwork(performer())
    video_id = cast_video([work.performer_id])
    save_production(video_id)
    with pytest.raises(RuleViolation, match="No custodian of records is set"):
        statement(video_id)
    set_custodian()
    bare = cast_video([performer()])
    with pytest.raises(RuleViolation, match="no date of production"):
        statement(bare)
    with session_scope() as session, pytest.raises(Forbidden):
        productions.compliance_statement(session, actor=actor_with("finance"), video_id=video_id)


def test_the_custodian_is_validated_audited_and_only_compliance_sets_it(actor_with: ActorWith) -> None:
    officer = actor_with("compliance")
    with pytest.raises(ValidationFailed) as exc:
        set_custodian(officer, name="", hours="")
    assert set(exc.value.errors) == {"name", "hours"}
    with pytest.raises(Forbidden):
        set_custodian(actor_with("content"))
    assert count(Custodian) == 0
    mark = audit_mark()
    set_custodian(officer)
    set_custodian(officer)  # unchanged: no event
    set_custodian(officer, hours="By appointment")
    events = events_since(mark)
    assert [e.action for e in events] == ["custodian.set", "custodian.set"]
    assert (events[1].before["hours"], events[1].after["hours"]) == ("Monday to Friday, 9:00-17:00", "By appointment")
