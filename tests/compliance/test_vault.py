"""ID scans at rest (console/compliance/vault.py through records.add_scan/read_scan): encrypted with Fernet,
checked by content, SHA-256 kept and verified on every read, no orphan files when a transaction fails."""

from __future__ import annotations

import hashlib
import stat
from io import BytesIO

import pytest
from cryptography.fernet import Fernet
from PIL import Image

from console.actor import Actor
from console.compliance import records, vault
from console.compliance.fixtures import sample_scan
from console.compliance.models import IdScan
from console.compliance.vault import ScanIntegrityError
from console.config import get_settings
from console.db import session_scope
from console.errors import ValidationFailed
from tests.catalog.factories import audit_mark, events_since
from tests.compliance.factories import (
    SAMPLE_PDF,
    add_document,
    add_scan,
    count,
    create_record,
    performer,
    scan_path,
    stored_files,
)


@pytest.fixture
def document_id(clerk: Actor) -> int:
    return add_document(create_record(performer(), actor=clerk), actor=clerk)


def read(scan_id: int, actor: Actor, purpose: str = "view") -> tuple[bytes, str, str]:
    with session_scope() as session:
        return records.read_scan(session, actor=actor, scan_id=scan_id, purpose=purpose)


def image_bytes(fmt: str) -> bytes:
    out = BytesIO()
    Image.new("RGB", (40, 30), "#336699").save(out, fmt)
    return out.getvalue()


# --- encryption at rest -------------------------------------------------------------------------------------


def test_the_file_on_disk_is_a_fernet_token_not_the_scan(document_id: int, clerk: Actor) -> None:
    original = sample_scan()
    scan_id = add_scan(document_id, actor=clerk, data=original, filename="passport.png")
    path = scan_path(scan_id)
    on_disk = path.read_bytes()
    assert original not in on_disk and original[:64] not in on_disk
    assert b"\x89PNG" not in on_disk and b"IHDR" not in on_disk
    assert on_disk.startswith(b"gAAAAA")  # Fernet version byte 0x80, base64url
    assert Fernet(get_settings().effective_records_key()).decrypt(on_disk) == original
    # Outside anything served over HTTP, private to the console's user, never named after the upload.
    assert path.is_relative_to(get_settings().records_path)
    assert not path.is_relative_to(get_settings().data_dir / "media")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0  # nobody else may even list the scans
    assert stat.S_IMODE(get_settings().records_path.stat().st_mode) & 0o077 == 0
    assert "passport" not in path.name and path.suffix == ".bin"
    with session_scope() as session:
        scan = session.get(IdScan, scan_id)
        assert scan is not None
        assert scan.sha256 == hashlib.sha256(original).hexdigest()
        assert (scan.size_bytes, scan.content_type, scan.original_name) == (len(original), "image/png", "passport.png")


def test_reading_a_scan_decrypts_the_original(document_id: int, clerk: Actor) -> None:
    scan_id = add_scan(document_id, actor=clerk)
    data, content_type, name = read(scan_id, clerk, purpose="download")
    assert data == sample_scan() and content_type == "image/png"
    assert name == f"record-{name.split('-')[1]}-id-{document_id}-scan-{scan_id}.png"


def test_a_tampered_file_is_reported_not_shown(document_id: int, clerk: Actor) -> None:
    scan_id = add_scan(document_id, actor=clerk)
    path = scan_path(scan_id)
    token = bytearray(path.read_bytes())
    token[len(token) // 2] ^= 0x01
    path.write_bytes(bytes(token))
    mark = audit_mark()
    with pytest.raises(ScanIntegrityError, match="altered"):
        read(scan_id, clerk)
    assert events_since(mark) == []


def test_a_swapped_file_fails_the_sha256_check(document_id: int, clerk: Actor) -> None:
    scan_id = add_scan(document_id, actor=clerk)
    # Someone with the key replaces the file with another (validly encrypted) image.
    scan_path(scan_id).write_bytes(Fernet(get_settings().effective_records_key()).encrypt(image_bytes("PNG")))
    with pytest.raises(ScanIntegrityError, match="SHA-256"):
        read(scan_id, clerk)


def test_a_missing_file_is_reported(document_id: int, clerk: Actor) -> None:
    scan_id = add_scan(document_id, actor=clerk)
    scan_path(scan_id).unlink()
    with pytest.raises(ScanIntegrityError, match="missing"):
        read(scan_id, clerk)


def test_the_wrong_key_cannot_read_a_scan(document_id: int, clerk: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    scan_id = add_scan(document_id, actor=clerk)
    assert read(scan_id, clerk)[0] == sample_scan()
    monkeypatch.setenv("CONSOLE_RECORDS_KEY", Fernet.generate_key().decode())
    get_settings.cache_clear()
    with pytest.raises(ScanIntegrityError, match="CONSOLE_RECORDS_KEY"):
        read(scan_id, clerk)


def test_a_configured_key_is_the_one_used(document_id: int, clerk: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    key = Fernet.generate_key()
    monkeypatch.setenv("CONSOLE_RECORDS_KEY", key.decode())
    get_settings.cache_clear()
    scan_id = add_scan(document_id, actor=clerk)
    assert Fernet(key).decrypt(scan_path(scan_id).read_bytes()) == sample_scan()


# --- checked by content -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"just some text, honestly a picture", "passport.png", "passport.png is not a PNG, JPEG, WebP image or a PDF"),
        (b"<!doctype html><html><script>alert(1)</script></html>", "id.html", "is not a PNG, JPEG, WebP image"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "id.svg", "is not a PNG"),
        (b"", "empty.png", "empty.png is empty"),
        (b"%PDF-1.4\n1 0 obj<<>>endobj\n", "cut.pdf", "cut.pdf is a truncated or damaged PDF"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "broken.png", "is not a PNG, JPEG, WebP image or a PDF"),
    ],
)
def test_uploads_that_are_not_an_image_or_pdf_are_refused_and_leave_nothing(
    data: bytes, filename: str, message: str, document_id: int, clerk: Actor
) -> None:
    files, mark = stored_files(), audit_mark()
    with session_scope() as session, pytest.raises(ValidationFailed) as exc:
        records.add_scan(session, actor=clerk, document_id=document_id, data=data, filename=filename)
    assert message in exc.value.errors["scan"]
    assert count(IdScan) == 0 and stored_files() == files and events_since(mark) == []


def test_a_gif_is_refused_even_named_png(document_id: int, clerk: Actor) -> None:
    with session_scope() as session, pytest.raises(ValidationFailed, match="not a PNG, JPEG, WebP image"):
        records.add_scan(session, actor=clerk, document_id=document_id, data=image_bytes("GIF"), filename="id.png")
    assert count(IdScan) == 0


def test_an_oversize_upload_is_refused(document_id: int, clerk: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSOLE_RECORDS_SCAN_MAX_MB", "1")
    get_settings.cache_clear()
    big = sample_scan() + b"\x00" * (1024 * 1024)
    files = stored_files()
    with session_scope() as session, pytest.raises(ValidationFailed) as exc:
        records.add_scan(session, actor=clerk, document_id=document_id, data=big, filename="huge.png")
    assert exc.value.errors == {"scan": "huge.png is larger than 1 MB"}
    assert count(IdScan) == 0 and stored_files() == files


@pytest.mark.parametrize(
    ("data", "content_type", "extension"),
    [
        (SAMPLE_PDF, "application/pdf", "pdf"),
        (image_bytes("JPEG"), "image/jpeg", "jpg"),
        (image_bytes("WEBP"), "image/webp", "webp"),
        (image_bytes("PNG"), "image/png", "png"),
    ],
)
def test_images_and_pdfs_are_accepted_whatever_their_name(
    data: bytes, content_type: str, extension: str, document_id: int, clerk: Actor
) -> None:
    scan_id = add_scan(document_id, actor=clerk, data=data, filename="../../etc/scan.txt")
    back, stored_type, name = read(scan_id, clerk)
    assert back == data and stored_type == content_type and name.endswith(f".{extension}")
    assert scan_path(scan_id).is_relative_to(vault.records_dir())


# --- no orphans -----------------------------------------------------------------------------------------------


def test_a_failed_transaction_after_add_scan_leaves_no_file(document_id: int, clerk: Actor) -> None:
    files = stored_files()
    with pytest.raises(RuntimeError), session_scope() as session:
        records.add_scan(session, actor=clerk, document_id=document_id, data=sample_scan(), filename="a.png")
        assert len(stored_files() - files) == 1  # written, not yet committed
        raise RuntimeError("the page crashed before the commit")
    assert stored_files() == files and count(IdScan) == 0


def test_a_scan_rejected_by_the_database_leaves_no_file(
    document_id: int, clerk: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = stored_files()

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(records.documents, "audit", refuse)
    with pytest.raises(RuntimeError), session_scope() as session:
        records.add_scan(session, actor=clerk, document_id=document_id, data=sample_scan(), filename="a.png")
    assert stored_files() == files and count(IdScan) == 0


def test_a_rolled_back_savepoint_removes_only_its_own_scans(document_id: int, clerk: Actor) -> None:
    """A scan stored earlier in the transaction survives a later savepoint's rollback; the savepoint's own goes."""
    files = stored_files()
    with session_scope() as session:
        kept = records.add_scan(session, actor=clerk, document_id=document_id, data=sample_scan(), filename="k.png")
        savepoint = session.begin_nested()
        records.add_scan(session, actor=clerk, document_id=document_id, data=image_bytes("PNG"), filename="d.png")
        savepoint.rollback()
        kept_id = kept.id
    assert count(IdScan) == 1
    assert read(kept_id, clerk)[0] == sample_scan()
    assert len(stored_files() - files) == 1


def test_a_released_savepoint_does_not_make_a_scan_durable(document_id: int, clerk: Actor) -> None:
    """Releasing a savepoint fires after_commit too; the file must still go if the outer transaction fails."""
    files = stored_files()
    with pytest.raises(RuntimeError), session_scope() as session:
        with session.begin_nested():
            records.add_scan(session, actor=clerk, document_id=document_id, data=sample_scan(), filename="a.png")
        raise RuntimeError("a later step of the same unit of work failed")
    assert stored_files() == files and count(IdScan) == 0
