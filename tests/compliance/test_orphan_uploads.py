"""Uploads never saved leave nothing behind: a thumbnail uploaded in the video editor whose video was never saved
and an ID scan file without its row (a process killed before the commit) are removed once past their grace period;
files a row refers to, and young files an open editor or an unsaved draft may still save, are kept."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from console import cli
from console.catalog.media import store_thumbnail, thumbnails_dir
from console.compliance import sweep, vault
from console.compliance.fixtures import sample_scan
from console.compliance.models import IdScan
from console.db import session_scope
from console.ui.drafts import MAX_AGE
from console.uploads import SCAN_GRACE, THUMBNAIL_GRACE, sweep_orphans
from tests.catalog.factories import make_performer, make_video
from tests.compliance.factories import add_document, add_scan, create_record


def png(colour: str) -> bytes:
    out = BytesIO()
    Image.new("RGB", (16, 9), colour).save(out, "PNG")
    return out.getvalue()


def thumbnail_file(public_path: str) -> Path:
    return thumbnails_dir() / public_path.rsplit("/", 1)[1]


def age(path: Path, by: timedelta) -> Path:
    then = time.time() - by.total_seconds()
    os.utime(path, (then, then))
    return path


def scan_file(storage_name: str) -> Path:
    return vault.records_dir() / storage_name[:2] / storage_name


@pytest.fixture
def thumbnails() -> dict[str, Path]:
    """A saved video's thumbnail, an old upload never saved, and a recent one (an editor may still save it)."""
    saved = store_thumbnail(png("red"), "saved.png")
    make_video(thumbnail_url=saved)
    old = store_thumbnail(png("green"), "never-saved.png")
    recent = store_thumbnail(png("blue"), "still-open.png")
    return {
        "saved": age(thumbnail_file(saved), THUMBNAIL_GRACE + timedelta(days=30)),
        "old": age(thumbnail_file(old), THUMBNAIL_GRACE + timedelta(hours=1)),
        "recent": age(thumbnail_file(recent), THUMBNAIL_GRACE - timedelta(hours=1)),
    }


@pytest.fixture
def scans() -> dict[str, Path]:
    """A stored scan with its row, a file whose row never committed, a fresh such file and a stale `.part`."""
    document_id = add_document(create_record(make_performer()))
    scan_id = add_scan(document_id)
    with session_scope() as session:
        stored = session.execute(select(IdScan.storage_name).where(IdScan.id == scan_id)).scalar_one()
    orphan = vault.store(sample_scan(), "killed.png").storage_name
    fresh = vault.store(sample_scan(), "in-flight.png").storage_name
    part = scan_file(fresh).with_name(f".{'f' * 32}.bin.part")
    part.write_bytes(b"half a token")
    return {
        "saved": age(scan_file(stored), SCAN_GRACE * 10),
        "orphan": age(scan_file(orphan), SCAN_GRACE + timedelta(minutes=5)),
        "fresh": age(scan_file(fresh), SCAN_GRACE - timedelta(minutes=5)),
        "part": age(part, SCAN_GRACE + timedelta(minutes=5)),
    }


def test_an_old_thumbnail_no_video_refers_to_is_removed(thumbnails: dict[str, Path]) -> None:
    with session_scope() as session:
        report = sweep_orphans(session)
    assert thumbnails["old"] in report.thumbnails and not thumbnails["old"].exists()
    assert thumbnails["saved"].exists() and thumbnails["saved"] not in report.thumbnails
    assert thumbnails["recent"].exists() and report.too_young >= 1


def test_an_old_scan_file_without_its_row_is_removed_and_a_recorded_scan_kept(scans: dict[str, Path]) -> None:
    with session_scope() as session:
        report = sweep_orphans(session)
    assert {scans["orphan"], scans["part"]} <= set(report.scans)
    assert not scans["orphan"].exists() and not scans["part"].exists()
    assert scans["saved"].exists() and scans["fresh"].exists()
    with session_scope() as session:  # the recorded scan still decrypts and matches its hash
        scan = session.execute(select(IdScan).where(IdScan.storage_name == scans["saved"].name)).scalar_one()
        assert vault.load(scan.storage_name, scan.sha256) == sample_scan()


def test_a_dry_run_removes_nothing(thumbnails: dict[str, Path], scans: dict[str, Path]) -> None:
    with session_scope() as session:
        report = sweep_orphans(session, dry_run=True)
    assert thumbnails["old"] in report.thumbnails and scans["orphan"] in report.scans and not report.removed
    assert all(path.exists() for path in [*thumbnails.values(), *scans.values()])


def test_thumbnails_outlive_an_unsaved_draft_that_may_name_them() -> None:
    assert THUMBNAIL_GRACE > MAX_AGE


def test_the_command_lists_then_removes(
    thumbnails: dict[str, Path], scans: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["uploads", "sweep", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Would remove") and str(thumbnails["old"]) in out and str(scans["orphan"]) in out
    assert thumbnails["old"].exists()
    assert cli.main(["uploads", "sweep", "--older-than-hours", "0.5"]) == 0  # one grace for both kinds
    out = capsys.readouterr().out
    assert out.startswith("Removed") and str(thumbnails["recent"]) in out and str(scans["fresh"]) in out
    assert not thumbnails["recent"].exists() and not scans["fresh"].exists()
    assert thumbnails["saved"].exists() and scans["saved"].exists()


def test_the_command_refuses_a_negative_grace(thumbnails: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["uploads", "sweep", "--older-than-hours", "-1"]) == 2
    assert "between 0 and" in capsys.readouterr().err
    assert thumbnails["old"].exists()


def test_the_daily_job_removes_them_after_the_sweep(thumbnails: dict[str, Path], scans: dict[str, Path]) -> None:
    sweep._remove_orphan_uploads()
    assert not thumbnails["old"].exists() and not scans["orphan"].exists()
    assert thumbnails["saved"].exists() and scans["saved"].exists() and thumbnails["recent"].exists()
