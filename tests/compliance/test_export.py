"""The inspection export: the ZIP's indexes (CSV), the PDF with the custodian statement, decrypted ID copies
equal to the originals, formula neutralising, batching, one audit event with counts and the file's SHA-256,
refusal for non-compliance roles, damaged scans reported, and the `records export` command."""

from __future__ import annotations

import csv
import getpass
import hashlib
import io
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from console import cli
from console.actor import SYSTEM, Actor
from console.compliance import export, productions, vault
from console.compliance.fixtures import sample_scan
from console.compliance.models import IdScan, LegalRecord
from console.db import session_scope
from console.errors import Forbidden
from tests.catalog.factories import audit_mark, events_since
from tests.compliance.test_index import legal_record, video_with


def set_custodian() -> None:
    with session_scope() as session:
        productions.set_custodian(
            session,
            actor=SYSTEM,
            data={
                "name": "Cora Custodian",
                "title": "Custodian of Records",
                "business_address": "1 Records Way\nSuite 2257\nLos Angeles, CA 90001",
                "hours": "Mon–Fri 09:00–17:00",
            },
            expected_version=None,
        )


def run_export(actor: Actor, out: Path, **kw: Any) -> export.ExportResult:
    with session_scope() as session:
        return export.build_inspection_zip(session, actor=actor, out_dir=out, **kw)


def read_csv(zf: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    text = zf.read(name).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def officer(actor_with: Any) -> Actor:
    return actor_with("compliance")


@pytest.fixture
def cast() -> dict[str, Any]:
    """Two verified performers in two depictions (one together), one incomplete record with no depiction."""
    set_custodian()
    jane, jane_rec = legal_record(
        "Velvet Rain", first="Jane", middle="Q", last="Doe", names=(("Janie D", "alias"),), verify=True
    )
    zoe, zoe_rec = legal_record("Nordic Star", first="Zoë", last="Ångström", names=(("Мария", "alias"),), verify=True)
    _, sam_rec = legal_record("Lonely", first="Sam", last="Stone")
    solo = video_with([jane], title="Solo Shoot", production_date=date(2019, 3, 4))
    duet = video_with([jane, zoe], title="Duet Night", production_date=date(2021, 7, 8))
    return {
        "jane": jane,
        "jane_rec": jane_rec,
        "zoe": zoe,
        "zoe_rec": zoe_rec,
        "sam_rec": sam_rec,
        "solo": solo,
        "duet": duet,
    }


def test_the_zip_holds_the_three_indexes_the_pdf_and_the_id_copies(
    officer: Actor, cast: dict[str, Any], tmp_path: Path
) -> None:
    result = run_export(officer, tmp_path)
    assert result.path.parent == tmp_path and result.path.name.startswith("inspection-2257-")
    assert (result.records, result.depictions, result.scans, result.problems) == (3, 2, 2, [])
    assert oct(result.path.stat().st_mode & 0o777) == "0o600"
    assert not list(tmp_path.glob(".*.part"))
    with zipfile.ZipFile(result.path) as zf:
        names = set(zf.namelist())
        folder_jane = f"ids/Doe_Jane_{cast['jane_rec']}"
        folder_zoe = f"ids/Ångström_Zoë_{cast['zoe_rec']}"
        copies = sorted(n for n in names if n.startswith("ids/"))
        assert {
            "README.txt",
            "index_by_legal_name.csv",
            "index_by_other_names.csv",
            "index_by_depiction.csv",
            "records.pdf",
        } <= names
        assert "PROBLEMS.txt" not in names
        assert len(copies) == 2
        assert copies[0].startswith(folder_jane + "/") and copies[0].endswith(".png")
        assert copies[1].startswith(folder_zoe + "/")
        for name in copies:  # decrypted: byte for byte the scan that was uploaded
            assert zf.read(name) == sample_scan()

        by_legal = read_csv(zf, "index_by_legal_name.csv")
        # Where "Ångström" sorts depends on the database's collation; the rest of the order does not.
        found = [(r["legal_name"], r["title"], r["production_date"]) for r in by_legal]
        assert [row for row in found if row[0] != "Ångström, Zoë"] == [
            ("Doe, Jane Q", "Solo Shoot", "2019-03-04"),  # a record's depictions: oldest production first
            ("Doe, Jane Q", "Duet Night", "2021-07-08"),
            ("Stone, Sam", "", ""),  # a record with no depiction still has its row
        ]
        assert ("Ångström, Zoë", "Duet Night", "2021-07-08") in found
        jane_row = next(r for r in by_legal if r["legal_last_name"] == "Doe")
        assert jane_row["stage_name"] == "Velvet Rain" and jane_row["record_status"] == "verified"
        assert jane_row["identifier"] == "solo-shoot" and jane_row["url"] == f"/catalog/{cast['solo']}"
        assert jane_row["other_names"] == "Janie D (Alias)"  # the stage name has its own column

        by_name = read_csv(zf, "index_by_other_names.csv")
        assert [(r["name"], r["kind"], r["legal_name"]) for r in by_name] == [
            ("Janie D", "Alias", "Doe, Jane Q"),
            ("Lonely", "Stage name", "Stone, Sam"),  # the profile name stands in when no stage name is listed
            ("Nordic Star", "Stage name", "Ångström, Zoë"),
            ("Velvet Rain", "Stage name", "Doe, Jane Q"),
            ("Мария", "Alias", "Ångström, Zoë"),  # Cyrillic after Latin in every collation
        ]

        by_depiction = read_csv(zf, "index_by_depiction.csv")
        assert [
            (r["video_id"], r["stage_name"], r["legal_name"], r["age_on_production_date"]) for r in by_depiction
        ] == [
            (str(cast["solo"]), "Velvet Rain", "Doe, Jane Q", "28"),
            (str(cast["duet"]), "Velvet Rain", "Doe, Jane Q", "31"),
            (str(cast["duet"]), "Nordic Star", "Ångström, Zoë", "31"),
        ]
        assert by_depiction[0]["id_type"] == "Passport" and by_depiction[0]["id_number"] == f"P{cast['jane']:08d}"
        assert by_depiction[0]["id_examined_on"] == "2015-01-10"

        pdf = zf.read("records.pdf")
        assert pdf.startswith(b"%PDF")
        assert b"Custodian of records: Cora Custodian, Custodian of Records" in pdf  # the document's subject
        assert pdf.count(b"/Type /Page\n") == 1 + 3  # the statement, then one sheet per performer

        readme = zf.read("README.txt").decode()
        assert "Cora Custodian" in readme and "Legal records: 3" in readme and "ID copies: 2" in readme


def test_the_legal_name_index_is_in_last_first_order(officer: Actor, tmp_path: Path) -> None:
    legal_record("B", first="Anna", last="Smith")
    legal_record("C", first="Zed", last="Adams")
    legal_record("D", first="Aaron", last="Smith")
    result = run_export(officer, tmp_path)
    with zipfile.ZipFile(result.path) as zf:
        rows = read_csv(zf, "index_by_legal_name.csv")
    assert [r["legal_name"] for r in rows] == ["Adams, Zed", "Smith, Aaron", "Smith, Anna"]


def test_records_are_read_in_batches(officer: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export.passes, "BATCH", 2)
    lasts = ["Evans", "Clark", "Adams", "Davis", "Baker"]
    for i, last in enumerate(lasts):
        legal_record(f"Stage {i}", first="Pat", last=last)
    seen: list[tuple[int, int, str]] = []
    result = run_export(officer, tmp_path, progress=lambda done, total, label: seen.append((done, total, label)))
    with zipfile.ZipFile(result.path) as zf:
        rows = read_csv(zf, "index_by_legal_name.csv")
    assert [r["legal_last_name"] for r in rows] == sorted(lasts)
    record_steps = [done for done, _, label in seen if label.startswith("Records")]
    assert record_steps == [2, 4, 5]
    assert seen[-1][0] == seen[-1][1] == 5 + 5  # 5 records + 5 stage names, no depictions


def test_cells_that_a_spreadsheet_would_run_are_neutralised(officer: Actor, tmp_path: Path) -> None:
    performer_id, _ = legal_record(
        '=HYPERLINK("http://evil")', first="-Plus", last="Sum", names=(("-2+3", "alias"),), verify=True
    )
    with session_scope() as session:  # a name stored before legal names were held to letters (no "@" today)
        rec = session.execute(select(LegalRecord).where(LegalRecord.performer_id == performer_id)).scalar_one()
        rec.legal_last_name = "@Sum"
    video_with([performer_id], title="=cmd|' /C calc'!A0")
    result = run_export(officer, tmp_path)
    with zipfile.ZipFile(result.path) as zf:
        legal = read_csv(zf, "index_by_legal_name.csv")[0]
        names = read_csv(zf, "index_by_other_names.csv")
        depiction = read_csv(zf, "index_by_depiction.csv")[0]
    assert legal["legal_last_name"] == "'@Sum" and legal["legal_first_name"] == "'-Plus"
    assert legal["legal_name"] == "'@Sum, -Plus"
    assert legal["stage_name"] == '\'=HYPERLINK("http://evil")'
    assert legal["title"] == "'=cmd|' /C calc'!A0"
    assert {n["name"] for n in names} == {"'-2+3", '\'=HYPERLINK("http://evil")'}
    assert depiction["title"].startswith("'=") and depiction["stage_name"].startswith("'=")


def test_one_audit_event_with_counts_and_the_files_sha256(officer: Actor, cast: dict[str, Any], tmp_path: Path) -> None:
    mark = audit_mark()
    result = run_export(officer, tmp_path)
    [event] = events_since(mark)
    assert (event.action, event.entity, event.actor_id) == ("compliance.export", "compliance_index", officer.staff_id)
    digest = hashlib.sha256(result.path.read_bytes()).hexdigest()
    assert event.after == {
        "records": 3,
        "names": 5,
        "depictions": 2,
        "scans": 2,
        "sha256": digest,
        "size_bytes": result.path.stat().st_size,
        "file": result.path.name,
        "problems": 0,
    }
    assert result.sha256 == digest


@pytest.mark.parametrize("role", ["content", "moderator", "finance"])
def test_other_roles_are_refused_and_nothing_is_written(actor_with: Any, tmp_path: Path, role: str) -> None:
    legal_record("Velvet Rain", first="Jane", last="Doe", verify=True)
    actor = actor_with(role)
    mark = audit_mark()
    with pytest.raises(Forbidden):
        run_export(actor, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert events_since(mark) == []


def test_admin_may_export(admin: Actor, tmp_path: Path) -> None:
    legal_record("Velvet Rain", first="Jane", last="Doe")
    assert run_export(admin, tmp_path).records == 1


def test_a_damaged_scan_is_reported_not_hidden(officer: Actor, cast: dict[str, Any], tmp_path: Path) -> None:
    with session_scope() as session:
        scan = session.execute(select(IdScan).order_by(IdScan.id).limit(1)).scalar_one()
        stored = vault.records_dir() / scan.storage_name[:2] / scan.storage_name
    stored.write_bytes(b"not a fernet token")
    result = run_export(officer, tmp_path)
    assert result.scans == 1 and len(result.problems) == 1
    assert "cannot be decrypted" in result.problems[0]
    with zipfile.ZipFile(result.path) as zf:
        assert "PROBLEMS.txt" in zf.namelist()
        assert "cannot be decrypted" in zf.read("PROBLEMS.txt").decode()
        assert "PROBLEMS: 1" in zf.read("README.txt").decode()


def test_an_export_without_a_custodian_says_so(officer: Actor, tmp_path: Path) -> None:
    legal_record("Velvet Rain", first="Jane", last="Doe")
    result = run_export(officer, tmp_path)
    with zipfile.ZipFile(result.path) as zf:
        assert "Custodian of records: NOT SET" in zf.read("README.txt").decode()
        assert zf.read("records.pdf").startswith(b"%PDF")


def test_an_existing_file_is_never_overwritten(officer: Actor, tmp_path: Path) -> None:
    target = tmp_path / "mine.zip"
    target.write_bytes(b"keep me")
    with session_scope() as session, pytest.raises(Exception, match="already exists"):
        export.build_inspection_zip(session, actor=officer, file=target)
    assert target.read_bytes() == b"keep me"


def test_folder_names_keep_letters_of_any_script() -> None:
    assert export.folder_name("Ångström", "Zoë", 7) == "Ångström_Zoë_7"
    assert export.folder_name("../../etc", "pa ss/wd", 8) == "etc_pa-ss-wd_8"
    assert export.folder_name("", "李", 9) == "x_李_9"


# --- the command ------------------------------------------------------------------------------------------


def test_cli_records_export_writes_the_zip_and_prints_its_path(cast: dict[str, Any], tmp_path: Path, capsys) -> None:
    mark = audit_mark()
    out = tmp_path / "inspection"
    assert cli.main(["records", "export", "--out", str(out)]) == 0
    printed = capsys.readouterr()
    path = Path(printed.out.strip())
    assert path.parent == out and path.is_file()
    assert "3 records" in printed.err and "2 scans" in printed.err
    with zipfile.ZipFile(path) as zf:
        assert "records.pdf" in zf.namelist()
    [event] = events_since(mark)
    assert event.action == "compliance.export"
    assert (event.actor_kind, event.actor_label) == ("system", f"cli:{getpass.getuser()}")


def test_cli_records_export_fails_clearly(tmp_path: Path, capsys) -> None:
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    assert cli.main(["records", "export", "--out", str(not_a_folder)]) != 0
    assert "is a file, not a folder" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["records", "export"])  # --out is required


def test_cli_records_has_help(capsys) -> None:
    for argv in (["records", "--help"], ["records", "export", "--help"]):
        with pytest.raises(SystemExit) as exc:
            cli.main(argv)
        assert exc.value.code == 0
    assert "usage" in capsys.readouterr().out.lower()
