"""Checkpoints of the chain's head outside the database: deleting the newest events (which the chain alone cannot
show), rewriting the chain forward, the periodic job, the file (append-only, fsync'd, shared, damaged) and
`run.py audit verify` with its exit codes."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from console import cli
from console.audit import anchor, checkpoints
from console.audit.canonical import chain_hash
from console.audit.checkpoints import (
    Checkpoint,
    CheckpointFileError,
    append_checkpoint,
    database_identity,
    last_checkpoint,
    read_checkpoints,
)
from console.audit.models import AuditEvent
from console.audit.service import hash_payload, verify
from console.config import get_settings
from console.db import session_scope
from tests.audit.test_chain import remove, tamper, triggers_off, write_events
from tests.conftest import IS_POSTGRES, TEST_URL

AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def path() -> Path:
    return get_settings().checkpoint_path


def this_db() -> str:
    return database_identity(TEST_URL)


def lines() -> list[dict[str, Any]]:
    if not path().exists():
        return []
    return [json.loads(raw) for raw in path().read_text().splitlines() if raw.strip()]


def delete_newest(engine: Engine, n: int) -> None:
    """Delete the newest n events behind the application's back: with the triggers dropped on SQLite, as a
    superuser with session_replication_role = replica on PostgreSQL (what the console connected as until now)."""
    if IS_POSTGRES:
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            deleted = conn.execute(
                text("DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events ORDER BY id DESC LIMIT :n)"),
                {"n": n},
            )
    else:
        with triggers_off(engine), engine.begin() as conn:
            deleted = conn.execute(
                text("DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events ORDER BY id DESC LIMIT :n)"),
                {"n": n},
            )
    assert deleted.rowcount == n


def rehash_from(engine: Engine, first_id: int, **changes: Any) -> None:
    """Change one event and re-hash it and every later one, so the chain itself is valid again: what someone who
    can write the table and knows the hashing would do to hide a change."""
    with session_scope() as session:
        rows = list(session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars())
        session.expunge_all()
    prev = None
    updates = []
    for row in rows:
        if row.id < first_id:
            prev = row.hash
            continue
        if row.id == first_id:
            for key, value in changes.items():
                setattr(row, key, value)
        assert prev is not None
        row.prev_hash = prev
        row.hash = chain_hash(prev, hash_payload(row))
        prev = row.hash
        updates.append({"id": row.id, "prev_hash": row.prev_hash, "hash": row.hash, **changes})
        changes = {}
    for values in updates:
        tamper(engine, values.pop("id"), **values)


# --- deleting the newest events ---------------------------------------------------------------------------------


@pytest.mark.parametrize("deleted", [1, 5])
def test_deleting_the_newest_events_after_a_checkpoint_is_reported(engine: Engine, deleted: int) -> None:
    ids = write_events(12, per_transaction=4)
    status = anchor.checkpoint_head()
    assert status.written is not None and status.written.id == ids[-1]
    delete_newest(engine, deleted)

    result = anchor.verify_and_anchor()
    assert result.ok is False
    assert result.first_broken_id == ids[-1]
    assert result.problem == (
        f"event {ids[-1]:,} of checkpoint {status.written.at} is missing: the chain ends at event "
        f"{ids[-1 - deleted]:,} with {12 - deleted:,} events, the checkpoint counted 12 "
        "(the newest events were deleted)"
    )
    assert len(lines()) == 1  # a failed verification anchors nothing


def test_the_oldest_missing_checkpoint_is_named(engine: Engine) -> None:
    ids = write_events(4)
    first = anchor.checkpoint_head().written
    write_events(4)
    second = anchor.checkpoint_head().written
    assert first is not None and second is not None and (first.id, second.id) == (ids[-1], ids[-1] + 4)
    delete_newest(engine, 6)  # takes the first checkpoint's event with it
    result = anchor.verify_and_anchor()
    assert (result.ok, result.first_broken_id) == (False, first.id)
    assert result.problem is not None and result.problem.startswith(f"event {first.id:,} of checkpoint {first.at}")


def test_deleting_everything_is_reported(engine: Engine) -> None:
    ids = write_events(3)
    anchor.checkpoint_head()
    delete_newest(engine, 3)
    result = anchor.verify_and_anchor()
    assert (result.ok, result.first_broken_id, result.checked) == (False, ids[-1], 0)
    assert "the chain ends at event 0 with 0 events, the checkpoint counted 3" in (result.problem or "")


def test_deleted_then_written_again_is_still_reported(engine: Engine) -> None:
    """New events after the deletion make a valid chain again; the checkpointed event is still missing (PostgreSQL
    never reuses an id) or is another event under the same id (SQLite hands out the deleted ids again)."""
    ids = write_events(10)
    checkpoint = anchor.checkpoint_head().written
    assert checkpoint is not None
    delete_newest(engine, 5)
    new_ids = write_events(6)
    result = anchor.verify_and_anchor()
    assert (result.ok, result.first_broken_id) == (False, ids[-1])
    if IS_POSTGRES:
        assert new_ids[0] > ids[-1]
        assert result.problem == (
            f"event {ids[-1]:,} of checkpoint {checkpoint.at} is missing: the chain goes from event {ids[4]:,} "
            f"to event {new_ids[0]:,} (events were deleted)"
        )
    else:
        assert new_ids[0] == ids[5]
        assert result.problem == f"event {ids[-1]:,} differs from checkpoint {checkpoint.at} (the chain was rewritten)"


def test_a_chain_rewritten_and_rehashed_forward_differs_from_the_checkpoint(engine: Engine) -> None:
    ids = write_events(8, per_transaction=3)
    checkpoint = anchor.checkpoint_head().written
    assert checkpoint is not None
    rehash_from(engine, ids[2], after={"n": "forged"})
    with session_scope() as session:
        assert verify(session).ok  # the chain alone cannot tell
    result = anchor.verify_and_anchor()
    assert (result.ok, result.first_broken_id) == (False, ids[-1])
    assert result.problem == f"event {ids[-1]:,} differs from checkpoint {checkpoint.at} (the chain was rewritten)"


def test_a_tampered_middle_event_is_still_reported_at_that_event(engine: Engine) -> None:
    ids = write_events(6, per_transaction=2)
    anchor.checkpoint_head()
    tamper(engine, ids[3], after={"n": 999})
    result = anchor.verify_and_anchor()
    assert (result.ok, result.first_broken_id, result.checked) == (False, ids[3], 3)
    assert result.problem == "content does not match its hash"


def test_an_intact_chain_matches_every_checkpoint_and_is_anchored(engine: Engine) -> None:
    write_events(3)
    anchor.checkpoint_head()
    write_events(2)
    anchor.checkpoint_head()
    ids = write_events(1)
    result = anchor.verify_and_anchor()
    assert (result.ok, result.checked, result.checkpoints, result.anchored) == (True, 6, 2, True)
    assert result.notes == []
    newest = lines()[-1]
    assert (newest["id"], newest["count"], newest["source"], newest["db"]) == (ids[0], 6, "verify", this_db())
    assert newest["hash"] == result.head_hash and AT.match(newest["at"])


def test_no_checkpoint_yet_is_a_note_not_a_failure(engine: Engine) -> None:
    write_events(2)
    assert not path().exists()
    result = anchor.verify_and_anchor()
    assert (result.ok, result.checkpoints, result.anchored) == (True, 0, True)
    assert result.notes == [f"no checkpoint yet for this database in {path()}"]
    path().unlink()
    path().write_text("")  # an empty file is the same
    result = anchor.verify_and_anchor()
    assert result.ok and result.notes == [f"no checkpoint yet for this database in {path()}"]
    assert len(lines()) == 1


def test_an_empty_chain_is_intact_and_anchors_nothing(engine: Engine) -> None:
    result = anchor.verify_and_anchor()
    assert (result.ok, result.checked, result.anchored) == (True, 0, False)
    assert anchor.checkpoint_head().written is None
    assert not path().exists()


# --- the periodic job -----------------------------------------------------------------------------------------


def test_the_periodic_job_writes_only_when_the_head_moved(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    assert anchor.checkpoint_head().state == "none"  # empty chain: nothing to anchor
    write_events(3)
    with caplog.at_level(logging.INFO, logger="console.audit.anchor"):
        first = anchor.checkpoint_head()
    assert first.written is not None and (first.written.count, first.written.source) == (3, "periodic")
    assert f"audit checkpoint: event {first.written.id} hash {first.written.hash} count 3" in caplog.text
    again = anchor.checkpoint_head()
    assert again.written is None and again.checkpoint == first.written and again.state == "matches"
    assert len(lines()) == 1

    write_events(4, per_transaction=2)
    second = anchor.checkpoint_head()
    assert second.written is not None and second.written.count == 7  # counted on from the last checkpoint
    with session_scope() as session:
        assert session.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc())).scalars().first() == (
            second.written.id
        )
    assert [line["count"] for line in lines()] == [3, 7]
    assert anchor.verify_and_anchor().ok


def test_the_periodic_job_does_not_paper_over_a_deletion(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    write_events(5)
    written = anchor.checkpoint_head().written
    assert written is not None
    delete_newest(engine, 2)
    write_events(2)  # SQLite hands out ids 4 and 5 again: 5 is another event now
    with caplog.at_level(logging.ERROR, logger="console.audit.anchor"):
        status = anchor.checkpoint_head()
    assert status.written is None and status.checkpoint == written
    assert status.state == ("missing" if IS_POSTGRES else "differs")
    assert f"audit checkpoint not written: event {written.id} of checkpoint {written.at}" in caplog.text
    assert len(lines()) == 1
    assert anchor.last_status().state == status.state


def test_last_status_reports_the_newest_checkpoint(engine: Engine) -> None:
    assert anchor.last_status().state == "none"
    write_events(2)
    written = anchor.checkpoint_head().written
    status = anchor.last_status()
    assert (status.checkpoint, status.state) == (written, "matches")
    delete_newest(engine, 1)
    assert anchor.last_status().state == "missing"


# --- the file ---------------------------------------------------------------------------------------------------


def test_appends_are_o_append_and_fsynced(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    opened: list[tuple[str, int]] = []
    synced: list[int] = []
    real_open, real_fsync = os.open, os.fsync

    def spy_open(file: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        opened.append((str(file), flags))
        return real_open(file, flags, *args, **kwargs)

    def spy_fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(checkpoints.os, "open", spy_open)
    monkeypatch.setattr(checkpoints.os, "fsync", spy_fsync)
    target = tmp_path / "deep" / "anchor.jsonl"
    one = Checkpoint(1, "a" * 64, 1, "2026-01-01T00:00:00Z", "db")
    append_checkpoint(target, one)
    files = [flags for name, flags in opened if name == str(target)]
    assert len(files) == 1 and files[0] & os.O_APPEND and files[0] & os.O_CREAT and not files[0] & os.O_TRUNC
    assert len(synced) == 2  # the file, and its new folder entry
    assert target.stat().st_mode & 0o777 == 0o600
    append_checkpoint(target, Checkpoint(2, "b" * 64, 2, "2026-01-01T00:05:00Z", "db"))
    assert len(synced) == 3  # an existing file: only the file
    assert [c.id for c in read_checkpoints(target, "db").mine] == [1, 2]


def test_a_cut_line_is_skipped_and_never_glued_to_the_next(tmp_path: Path) -> None:
    target = tmp_path / "anchor.jsonl"
    append_checkpoint(target, Checkpoint(1, "a" * 64, 1, "2026-01-01T00:00:00Z", "db"))
    with target.open("a") as fh:
        fh.write('{"v":1,"db":"db","id":2,"ha')  # a write cut short (disk full)
    append_checkpoint(target, Checkpoint(3, "c" * 64, 3, "2026-01-01T00:10:00Z", "db"))
    found = read_checkpoints(target, "db")
    assert [c.id for c in found.mine] == [1, 3] and found.bad_lines == [2]
    assert [c.line for c in found.mine] == [1, 3]
    newest = last_checkpoint(target, "db")
    assert newest is not None and newest.id == 3


def test_bad_lines_and_other_databases_are_notes(engine: Engine) -> None:
    ids = write_events(2)
    with session_scope() as session:
        head_hash = session.execute(select(AuditEvent.hash).where(AuditEvent.id == ids[-1])).scalar_one()
    append_checkpoint(path(), Checkpoint(ids[-1], head_hash, 2, "2026-01-01T00:00:00Z", this_db()))
    append_checkpoint(path(), Checkpoint(999, "f" * 64, 999, "2026-01-01T00:00:00Z", "postgresql://elsewhere:5432/x"))
    with path().open("a") as fh:
        fh.write("not json\n[1, 2]\n")
    result = anchor.verify_and_anchor()
    assert (result.ok, result.checkpoints) == (True, 1)
    assert result.notes == [
        f"1 checkpoint of other databases in {path()} not checked",
        f"2 lines of {path()} are not checkpoints (skipped: line 3, 4)",
    ]


def test_the_last_checkpoint_is_found_from_the_end_across_blocks(tmp_path: Path) -> None:
    target = tmp_path / "anchor.jsonl"
    with target.open("w") as fh:
        for n in range(1, 3001):
            db = "mine" if n in (1, 17) else "other"
            fh.write(Checkpoint(n, f"{n:064x}", n, "2026-01-01T00:00:00Z", db).to_json() + "\n")
    assert target.stat().st_size > 3 * 64 * 1024  # several blocks after the one it looks for
    found = last_checkpoint(target, "mine")
    assert found is not None and found.id == 17
    assert found == read_checkpoints(target, "mine").newest
    assert last_checkpoint(target, "nobody") is None
    assert last_checkpoint(tmp_path / "absent.jsonl", "mine") is None


def test_database_identity_leaves_out_credentials_and_driver(tmp_path: Path) -> None:
    owner = database_identity("postgresql+psycopg://owner:s3cret@db.internal:5433/console")
    app = database_identity("postgresql+psycopg://console_app:other@db.internal:5433/console")
    assert owner == app == "postgresql://db.internal:5433/console"
    assert database_identity("postgresql://u@db.internal/console") == "postgresql://db.internal:5432/console"
    assert database_identity("postgresql://u@db.internal/other") != owner
    here = tmp_path / "x.db"
    assert database_identity(f"sqlite:///{here}") == f"sqlite:///{here.resolve().as_posix()}"
    assert "s3cret" not in owner


def test_lines_are_plain_json_objects() -> None:
    line = Checkpoint(4812, "9" * 64, 4800, "2026-11-29T10:00:00Z", "postgresql://db:5432/c", "periodic").to_json()
    assert json.loads(line) == {
        "v": 1,
        "db": "postgresql://db:5432/c",
        "id": 4812,
        "hash": "9" * 64,
        "count": 4800,
        "at": "2026-11-29T10:00:00Z",
        "source": "periodic",
    }
    assert "\n" not in line


# --- settings ---------------------------------------------------------------------------------------------------


def test_the_checkpoint_file_defaults_to_the_data_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from console.config import Settings

    assert Settings(data_dir=tmp_path).checkpoint_path == tmp_path / "audit-checkpoints.jsonl"
    monkeypatch.setenv("CONSOLE_AUDIT_CHECKPOINT_PATH", str(tmp_path / "elsewhere.jsonl"))
    assert Settings().checkpoint_path == tmp_path / "elsewhere.jsonl"
    assert Settings().audit_checkpoint_minutes == 0  # the tests' setting; 5 by default
    monkeypatch.delenv("CONSOLE_AUDIT_CHECKPOINT_MINUTES")
    assert Settings().audit_checkpoint_minutes == 5


# --- `run.py audit verify` --------------------------------------------------------------------------------------


def test_cli_verify_anchors_an_intact_chain(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    ids = write_events(4)
    assert cli.main(["audit", "verify"]) == 0
    captured = capsys.readouterr()
    assert "Audit chain intact: 4 events verified." in captured.out
    assert f"Checkpoint written to {path()}: event {ids[-1]}" in captured.out
    assert "no checkpoint yet" in captured.err
    assert cli.main(["audit", "verify"]) == 0
    assert "Audit chain intact: 4 events verified, matching 1 checkpoint." in capsys.readouterr().out
    assert [line["source"] for line in lines()] == ["cli", "cli"]


@pytest.mark.parametrize("deleted", [1, 5])
def test_cli_verify_exits_1_naming_the_missing_event(
    engine: Engine, capsys: pytest.CaptureFixture[str], deleted: int
) -> None:
    ids = write_events(8, per_transaction=3)
    assert cli.main(["audit", "verify"]) == 0
    capsys.readouterr()
    delete_newest(engine, deleted)
    assert cli.main(["audit", "verify"]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0].startswith(f"Audit chain BROKEN at event {ids[-1]}: event {ids[-1]:,} of checkpoint ")
    assert "(the newest events were deleted)" in out[0]
    assert out[-1] == str(ids[-1])


def test_cli_verify_exits_2_when_the_checkpoint_file_cannot_be_read(
    engine: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_events(1)
    folder = tmp_path / "a-folder"
    folder.mkdir()
    monkeypatch.setenv("CONSOLE_AUDIT_CHECKPOINT_PATH", str(folder))
    get_settings.cache_clear()
    assert cli.main(["audit", "verify"]) == 2
    assert f"Audit chain not verified: The audit checkpoint file {folder} cannot be read" in capsys.readouterr().err


def test_cli_verify_exits_2_when_the_checkpoint_cannot_be_written(
    engine: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_events(2)

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise CheckpointFileError("The audit checkpoint file x cannot be written: No space left on device.")

    monkeypatch.setattr(anchor, "append_checkpoint", refuse)
    assert cli.main(["audit", "verify"]) == 2
    captured = capsys.readouterr()
    assert "Audit chain intact: 2 events verified." in captured.out
    assert "Note: the checkpoint was not written: The audit checkpoint file x cannot be written" in captured.err


def test_a_deleted_checkpointed_event_in_the_middle_is_named(engine: Engine) -> None:
    ids = write_events(3)
    checkpoint = anchor.checkpoint_head().written
    assert checkpoint is not None
    later = write_events(2)

    remove(engine, ids[-1])
    result = anchor.verify_and_anchor()
    assert (result.ok, result.first_broken_id) == (False, ids[-1])
    assert result.problem == (
        f"event {ids[-1]:,} of checkpoint {checkpoint.at} is missing: the chain goes from event {ids[1]:,} "
        f"to event {later[0]:,} (events were deleted)"
    )


async def test_the_job_checkpoints_every_interval_and_survives_a_failed_round(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("CONSOLE_AUDIT_CHECKPOINT_MINUTES", "7")
    get_settings.cache_clear()
    write_events(2)
    naps: list[float] = []
    real_checkpoint_head = anchor.checkpoint_head

    def flaky() -> Any:
        if len(naps) == 2:
            raise CheckpointFileError("The audit checkpoint file x cannot be written: No space left on device.")
        return real_checkpoint_head()

    async def nap(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 1:
            write_events(1)  # the head moves between the first and the second round
        if len(naps) == 4:
            raise asyncio.CancelledError  # the server stops

    monkeypatch.setattr(anchor, "checkpoint_head", flaky)
    monkeypatch.setattr(anchor.asyncio, "sleep", nap)
    with caplog.at_level(logging.ERROR, logger="console.audit.anchor"), pytest.raises(asyncio.CancelledError):
        await anchor.run_forever()
    assert naps == [420, 420, 420, 420]
    assert [line["count"] for line in lines()] == [2, 3]  # rounds 1 and 2 wrote, 3 failed, 4 had nothing new
    assert "audit checkpoint failed; retrying at the next interval" in caplog.text
