"""Staff TOTP secrets encrypted at rest with the records key (the key that encrypts 2257 ID scans).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29

Reviewed by hand. Replaces staff.totp_secret (the base32 secret in clear) by staff.totp_secret_encrypted, a Fernet
token of it under CONSOLE_RECORDS_KEY. The key is had exactly as the console has it
(`Settings.effective_records_key()`: the variable, or var/records.key in development; production without the
variable stops). The upgrade encrypts every secret already stored, the downgrade decrypts them back into the clear
column. Both read the rows and get the key (and, going down, decrypt every token) before they change anything: a
missing, invalid or wrong key stops the migration with a ConfigError that says what to set, and the database stays
at the revision it was. With no secret to convert no key is needed. Fernet is called here directly rather than
through console/crypto.py, so this revision keeps its meaning if the console's helpers change.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from cryptography.fernet import Fernet, InvalidToken

from console.config import ConfigError, get_settings

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAFF = sa.table(
    "staff",
    sa.column("id", sa.BigInteger()),
    sa.column("totp_secret", sa.String()),
    sa.column("totp_secret_encrypted", sa.String()),
)


def _records_fernet(count: int, direction: str) -> Fernet:
    try:
        return Fernet(get_settings().effective_records_key())
    except ConfigError as exc:
        raise ConfigError(
            f"Migration 0012 {direction} stopped before changing anything: {count} staff TOTP secret(s) need "
            f"CONSOLE_RECORDS_KEY, the key the console runs with. {exc}"
        ) from exc


def _stored(column: sa.ColumnClause[str]) -> list[tuple[int, str]]:
    rows = op.get_bind().execute(sa.select(STAFF.c.id, column).where(column.is_not(None)).order_by(STAFF.c.id))
    return [(int(row[0]), str(row[1])) for row in rows]


def _write(column: str, values: list[tuple[int, str]]) -> None:
    bind = op.get_bind()
    for staff_id, value in values:
        bind.execute(sa.update(STAFF).where(STAFF.c.id == staff_id).values({column: value}))


def upgrade() -> None:
    clear = _stored(STAFF.c.totp_secret)
    sealed: list[tuple[int, str]] = []
    if clear:
        fernet = _records_fernet(len(clear), "upgrade")
        sealed = [(staff_id, fernet.encrypt(secret.encode("utf-8")).decode("ascii")) for staff_id, secret in clear]
    op.add_column("staff", sa.Column("totp_secret_encrypted", sa.String(length=255), nullable=True))
    _write("totp_secret_encrypted", sealed)
    op.drop_column("staff", "totp_secret")


def downgrade() -> None:
    sealed = _stored(STAFF.c.totp_secret_encrypted)
    clear: list[tuple[int, str]] = []
    if sealed:
        fernet = _records_fernet(len(sealed), "downgrade")
        for staff_id, token in sealed:
            try:
                clear.append((staff_id, fernet.decrypt(token.encode("ascii")).decode("utf-8")))
            except (InvalidToken, UnicodeError) as exc:
                raise ConfigError(
                    f"Migration 0012 downgrade stopped before changing anything: the TOTP secret of staff id {staff_id} "
                    "does not decrypt with CONSOLE_RECORDS_KEY; set the key the console ran with and run it again."
                ) from exc
    op.add_column("staff", sa.Column("totp_secret", sa.String(length=64), nullable=True))
    _write("totp_secret", clear)
    op.drop_column("staff", "totp_secret_encrypted")
