"""Holds that belong to no single record, and the scheduled 2257 sweep.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

Reviewed by hand. A hold used to name the legal record whose revocation caused it. Changed productions,
amended ID documents and the sweep put videos on hold too, for reasons that may belong to no record (no
production date): `legal_record_id` becomes nullable and `source` says what put the video on hold (existing
holds came from records). `compliance_sweeps` keeps one row per sweep with what it found.

SQLite cannot change a column's nullability or add a CHECK in place: batch mode copies the table (it has no
triggers; its indexes are recreated). The downgrade refuses while holds without a record exist: dropping
them would let their videos be republished, and making up a record for them would be false.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TS = sa.DateTime(timezone=True)
SOURCES = "source IN ('record', 'production', 'id_document', 'sweep', 'report')"


def upgrade() -> None:
    with op.batch_alter_table("compliance_holds") as batch:
        batch.add_column(sa.Column("source", sa.String(length=24), server_default="record", nullable=False))
        batch.alter_column("legal_record_id", existing_type=ID, nullable=True)
        batch.create_check_constraint(op.f("ck_compliance_holds_source_valid"), SOURCES)

    op.create_table(
        "compliance_sweeps",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("checked", sa.Integer(), nullable=False),
        sa.Column("failing", sa.Integer(), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.Column("findings", JSON, nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('running', 'done', 'failed')", name=op.f("ck_compliance_sweeps_status_valid")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_sweeps")),
    )
    op.create_index("ix_compliance_sweeps_started", "compliance_sweeps", ["started_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_compliance_sweeps_started", table_name="compliance_sweeps")
    op.drop_table("compliance_sweeps")
    orphans = op.get_bind().execute(sa.text("SELECT count(*) FROM compliance_holds WHERE legal_record_id IS NULL"))
    if orphans.scalar_one():
        raise RuntimeError(
            "compliance_holds has holds that name no legal record (production, ID or sweep holds); revision 0004 "
            "cannot store them. Release them (they stay in the audit log) before downgrading."
        )
    with op.batch_alter_table("compliance_holds") as batch:
        batch.drop_constraint(op.f("ck_compliance_holds_source_valid"), type_="check")
        batch.alter_column("legal_record_id", existing_type=ID, nullable=False)
        batch.drop_column("source")
