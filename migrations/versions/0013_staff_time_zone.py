"""Staff time zone: the IANA zone a staff member reads times in (stored values stay UTC).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29

Reviewed by hand. Adds staff.time_zone, an IANA zone name such as "Europe/Berlin", NOT NULL with the server default
"UTC", so every existing staff member keeps seeing UTC until they choose a zone on My account. Only the display
changes with it: every stored timestamp stays UTC. The name is checked against the zone database by the service
(console/staff/preferences.py), not by a CHECK constraint: the list of zones changes with tzdata releases. Plain
ADD/DROP COLUMN as in 0012 (SQLite takes a NOT NULL column with a default, and drops a column since 3.35): no batch
copy of the staff table, which staff_sessions and login_attempts reference. The downgrade drops the column (the
chosen zones are lost; times are shown in UTC again).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("staff", sa.Column("time_zone", sa.String(length=64), server_default="UTC", nullable=False))


def downgrade() -> None:
    op.drop_column("staff", "time_zone")
