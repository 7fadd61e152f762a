"""Retention (28 CFR 75.4): records and ID copies are kept until `retention_until`, seven years (a setting) after
creation or the last amendment. The service refuses earlier deletion, and so does the database itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from console.actor import Actor
from console.compliance import records
from console.compliance.models import IdDocument, IdScan, LegalRecord, PerformerName
from console.config import get_settings
from console.db import session_scope, utcnow
from console.errors import RuleViolation
from tests.catalog.factories import audit_mark, events_since
from tests.compliance.factories import (
    add_document,
    add_scan,
    amend,
    backdate,
    cast_video,
    count,
    create_record,
    load_record,
    paperwork,
    performer,
    save_production,
    stored_files,
)

ActorWith = Callable[..., Actor]


def years_from_today(years: int) -> date:
    today = utcnow().date()
    return records.retention_from(utcnow()) if years == 7 else today.replace(year=today.year + years)


def full_record(clerk: Actor) -> tuple[int, int, int]:
    """A record with a stage name and one scanned passport: (record, document, scan)."""
    work = paperwork(performer(), status="incomplete", clerk=clerk)
    assert work.record_id is not None and work.document_id is not None
    with session_scope() as session:
        scan_id = session.execute(select(IdScan.id).where(IdScan.id_document_id == work.document_id)).scalar_one()
    return work.record_id, work.document_id, scan_id


def delete(record_id: int, actor: Actor, today: date | None = None) -> None:
    with session_scope() as session:
        records.delete_record(session, actor=actor, record_id=record_id, today=today)


def counts() -> tuple[int, int, int, int]:
    return count(LegalRecord), count(PerformerName), count(IdDocument), count(IdScan)


# --- the period ---------------------------------------------------------------------------------------------


def test_a_new_record_is_kept_seven_years(clerk: Actor) -> None:
    rec = load_record(create_record(performer(), actor=clerk))
    created = rec.created_at.date()
    assert rec.retention_until == created.replace(year=created.year + 7)


def test_the_period_is_a_setting(clerk: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSOLE_RECORDS_RETENTION_YEARS", "10")
    get_settings.cache_clear()
    rec = load_record(create_record(performer(), actor=clerk))
    created = rec.created_at.date()
    assert rec.retention_until == created.replace(year=created.year + 10)
    with pytest.raises(RuleViolation) as exc:
        delete(rec.id, clerk)
    assert rec.retention_until.isoformat() in exc.value.message


def test_the_retention_clock_restarts_at_29_february() -> None:
    from datetime import UTC, datetime

    assert records.retention_from(datetime(2024, 2, 29, 12, tzinfo=UTC)) == date(2031, 3, 1)


@pytest.mark.parametrize("amendment", ["notes", "name", "document", "scan"])
def test_an_amendment_keeps_the_record_seven_years_from_the_amendment(amendment: str, clerk: Actor) -> None:
    record_id = create_record(performer(), actor=clerk)
    old = backdate(record_id, years=3)  # created three years ago: kept four more years
    assert old < years_from_today(7)
    if amendment == "notes":
        amend(record_id, actor=clerk, notes="new address on file")
    elif amendment == "name":
        with session_scope() as session:
            records.add_name(session, actor=clerk, record_id=record_id, data={"name": "Nova", "kind": "alias"})
    elif amendment == "document":
        add_document(record_id, actor=clerk)
    else:
        doc_id = add_document(record_id, actor=clerk)
        backdate(record_id, years=3)
        add_scan(doc_id, actor=clerk)
    rec = load_record(record_id)
    today = rec.amended_at.date()
    assert rec.retention_until == today.replace(year=today.year + 7)


def test_an_amendment_never_shortens_the_period(clerk: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    record_id = create_record(performer(), actor=clerk)
    kept_until = load_record(record_id).retention_until
    monkeypatch.setenv("CONSOLE_RECORDS_RETENTION_YEARS", "2")
    get_settings.cache_clear()
    amend(record_id, actor=clerk, notes="shorter setting now")
    assert load_record(record_id).retention_until == kept_until


# --- the service ------------------------------------------------------------------------------------------------


def test_deleting_before_the_retention_date_is_refused_naming_the_date(clerk: Actor) -> None:
    record_id, _, _ = full_record(clerk)
    until = load_record(record_id).retention_until
    before, files, mark = counts(), stored_files(), audit_mark()
    with session_scope() as session, pytest.raises(RuleViolation) as exc:
        records.delete_record(session, actor=clerk, record_id=record_id)
    assert f"must be kept until {until.isoformat()}" in exc.value.message and "75.4" in exc.value.message
    with session_scope() as session, pytest.raises(RuleViolation):
        records.delete_record(session, actor=clerk, record_id=record_id, today=until - timedelta(days=1))
    assert counts() == before and stored_files() == files and events_since(mark) == []


def test_deleting_after_the_retention_date_removes_the_record_its_ids_and_scan_files(clerk: Actor) -> None:
    record_id, _, _ = full_record(clerk)
    until = backdate(record_id)
    assert until < utcnow().date()
    files = stored_files()
    mark = audit_mark()
    delete(record_id, clerk, today=until + timedelta(days=1))
    assert counts() == (0, 0, 0, 0)
    assert len(files - stored_files()) == 1  # the encrypted scan left the disk with its row
    [event] = events_since(mark)
    assert (event.action, event.entity_id, event.reason) == ("legal_record.delete", str(record_id), "retention ended")
    assert event.before["id"] == record_id and event.after is None


def test_a_record_cited_by_a_production_is_kept_even_after_its_period(clerk: Actor) -> None:
    work = paperwork(performer())
    assert work.record_id is not None
    save_production(cast_video([work.performer_id]))
    backdate(work.record_id)
    with pytest.raises(RuleViolation, match="Productions still cite this record"):
        delete(work.record_id, clerk)
    assert count(LegalRecord) == 1


def test_the_today_argument_cannot_talk_the_database_into_an_early_deletion(clerk: Actor) -> None:
    record_id, _, scan_id = full_record(clerk)
    until = load_record(record_id).retention_until
    files = stored_files()
    with pytest.raises(DBAPIError, match="deletion refused before the retention period ends"):
        delete(record_id, clerk, today=until + timedelta(days=1))
    assert counts() == (1, 1, 1, 1)
    assert stored_files() == files
    with session_scope() as session:
        assert records.read_scan(session, actor=clerk, scan_id=scan_id)[0]


def test_a_deletion_rolled_back_to_a_savepoint_keeps_the_files(clerk: Actor) -> None:
    record_id, _, scan_id = full_record(clerk)
    backdate(record_id)
    files = stored_files()
    with session_scope() as session:
        savepoint = session.begin_nested()
        records.delete_record(session, actor=clerk, record_id=record_id)
        savepoint.rollback()
    assert counts() == (1, 1, 1, 1) and stored_files() == files
    with pytest.raises(RuntimeError), session_scope() as session:
        with session.begin_nested():  # released: still not durable
            records.delete_record(session, actor=clerk, record_id=record_id)
        raise RuntimeError("a later step failed")
    assert counts() == (1, 1, 1, 1) and stored_files() == files
    with session_scope() as session:
        assert records.read_scan(session, actor=clerk, scan_id=scan_id)[0]


def test_id_documents_cannot_be_deleted_one_by_one(clerk: Actor) -> None:
    record_id, document_id, _ = full_record(clerk)
    until = load_record(record_id).retention_until
    with session_scope() as session, pytest.raises(RuleViolation, match=until.isoformat()):
        records.delete_document(session, actor=clerk, document_id=document_id)
    assert count(IdDocument) == 1


# --- the database -------------------------------------------------------------------------------------------


RAW_DELETES = {
    "id_scans": "DELETE FROM id_scans WHERE id = :scan",
    "id_documents": "DELETE FROM id_documents WHERE id = :document",
    "legal_records": "DELETE FROM legal_records WHERE id = :record",
}


@pytest.mark.parametrize("table", ["id_scans", "id_documents", "legal_records"])
def test_the_database_refuses_a_hand_written_delete_before_retention(table: str, clerk: Actor) -> None:
    record_id, document_id, scan_id = full_record(clerk)
    ids = {"record": record_id, "document": document_id, "scan": scan_id}
    refused = f"{table}: deletion refused before the retention period ends"
    with pytest.raises(DBAPIError, match=refused), session_scope() as session:
        session.execute(text(RAW_DELETES[table]), ids)
    assert counts() == (1, 1, 1, 1)


def test_the_database_allows_the_same_deletes_once_retention_has_ended(clerk: Actor) -> None:
    record_id, document_id, scan_id = full_record(clerk)
    backdate(record_id)
    with session_scope() as session:
        session.execute(text("DELETE FROM id_scans WHERE id = :id"), {"id": scan_id})
        session.execute(text("DELETE FROM id_documents WHERE id = :id"), {"id": document_id})
        session.execute(text("DELETE FROM performer_names WHERE legal_record_id = :id"), {"id": record_id})
        session.execute(text("DELETE FROM legal_records WHERE id = :id"), {"id": record_id})
    assert counts() == (0, 0, 0, 0)


def test_a_bare_record_is_protected_too(clerk: Actor) -> None:
    """No names, no IDs, so no foreign key stands in the way: only the trigger refuses."""
    record_id = create_record(performer(), actor=clerk)
    with pytest.raises(DBAPIError, match="legal_records: deletion refused"), session_scope() as session:
        session.execute(text("DELETE FROM legal_records WHERE id = :id"), {"id": record_id})
    assert count(LegalRecord) == 1
