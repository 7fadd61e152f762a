"""`records rekey`: move every secret under the records key to the current key (ID scans and staff TOTP secrets).

Rotation: set the new key as CONSOLE_RECORDS_KEY and the old one in CONSOLE_RECORDS_OLD_KEYS, restart (everything
still reads), run `python3 run.py records rekey`, then drop the old key. A token already under the current key is
left alone (its signature is checked, nothing decrypted), so the command can be stopped and run again. Each scan file
is replaced atomically (vault.replace_token), and its SHA-256 of the original does not change; TOTP secrets change
in the caller's transaction with one `records.rekey` audit event that counts what moved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.fernet import InvalidToken
from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record
from console.compliance import vault
from console.compliance.models import IdScan
from console.crypto import current_key_only, records_fernet
from console.errors import Forbidden
from console.staff.models import Staff

Progress = Callable[[int, int], None]


@dataclass
class RekeyReport:
    scans_moved: int = 0
    scans_current: int = 0
    scans_unreadable: list[int] = field(default_factory=list)  # IdScan ids: no configured key opens them
    scans_missing: list[int] = field(default_factory=list)  # IdScan ids whose file is gone
    secrets_moved: int = 0
    secrets_current: int = 0
    secrets_unreadable: list[int] = field(default_factory=list)  # staff ids

    @property
    def complete(self) -> bool:
        """True when everything is now under the current key (the old key may be dropped)."""
        return not (self.scans_unreadable or self.scans_missing or self.secrets_unreadable)

    def summary(self) -> dict[str, object]:
        return {
            "scans_moved": self.scans_moved,
            "scans_current": self.scans_current,
            "scans_unreadable": self.scans_unreadable[:100],
            "scans_missing": self.scans_missing[:100],
            "secrets_moved": self.secrets_moved,
            "secrets_current": self.secrets_current,
            "secrets_unreadable": self.secrets_unreadable[:100],
        }


def _is_current(token: bytes) -> bool:
    try:
        current_key_only().extract_timestamp(token)  # checks the HMAC only
    except InvalidToken:
        return False
    return True


def _rotate(token: bytes) -> bytes | None:
    """The token under the current key, or None when no configured key opens it."""
    try:
        return records_fernet().rotate(token)
    except InvalidToken:
        return None


def _rekey_scans(session: Session, report: RekeyReport, progress: Progress | None) -> None:
    scans = session.execute(select(IdScan.id, IdScan.storage_name).order_by(IdScan.id)).all()
    for done, (scan_id, name) in enumerate(scans, start=1):
        try:
            token = vault.read_token(name)
        except FileNotFoundError:
            report.scans_missing.append(scan_id)
            continue
        if _is_current(token):
            report.scans_current += 1
        elif (moved := _rotate(token)) is None:
            report.scans_unreadable.append(scan_id)
        else:
            vault.replace_token(name, moved)
            report.scans_moved += 1
        if progress is not None:
            progress(done, len(scans))


def _rekey_secrets(session: Session, report: RekeyReport) -> None:
    staff_rows = session.scalars(select(Staff).where(Staff.totp_secret_encrypted.is_not(None)).order_by(Staff.id))
    for staff in staff_rows:
        token = (staff.totp_secret_encrypted or "").encode("ascii")
        if _is_current(token):
            report.secrets_current += 1
        elif (moved := _rotate(token)) is None:
            report.secrets_unreadable.append(staff.id)
        else:
            staff.totp_secret_encrypted = moved.decode("ascii")
            report.secrets_moved += 1


def rekey_records(session: Session, *, actor: Actor, progress: Progress | None = None) -> RekeyReport:
    """Re-encrypt what an old key still protects under the current key; audited once with the counts."""
    if not actor.is_system:
        raise Forbidden("The records key is rotated by an operator with `python3 run.py records rekey`.")
    report = RekeyReport()
    _rekey_scans(session, report, progress)
    _rekey_secrets(session, report)
    if report.scans_moved or report.secrets_moved or not report.complete:
        record(session, actor, "records.rekey", "records_key", None, after=report.summary())
    return report
