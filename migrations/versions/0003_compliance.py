"""Compliance (18 U.S.C. 2257 / 28 CFR Part 75): legal records, other names, ID documents and their
encrypted scans, productions with the record/ID relied on per performer, holds, the custodian.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

Reviewed by hand. Retention is enforced by the database too: a trigger on both dialects refuses to
DELETE a legal record, an ID document or a scan while the record's retention_until is in the future,
so not even a hand-written query can destroy records early (28 CFR 75.4). PostgreSQL gets trigram
indexes for name search (pg_trgm was created by 0002).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TS = sa.DateTime(timezone=True)

RETAINED = {  # table -> SQL that is true while the row's legal record must still be kept
    "legal_records": "OLD.retention_until > CURRENT_DATE",
    "id_documents": "EXISTS (SELECT 1 FROM legal_records r WHERE r.id = OLD.legal_record_id"
    " AND r.retention_until > CURRENT_DATE)",
    "id_scans": "EXISTS (SELECT 1 FROM id_documents d JOIN legal_records r ON r.id = d.legal_record_id"
    " WHERE d.id = OLD.id_document_id AND r.retention_until > CURRENT_DATE)",
}

PG_FUNCTION = """
CREATE FUNCTION {table}_retained() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF {condition} THEN
        RAISE EXCEPTION '{table}: deletion refused before the retention period ends (28 CFR 75.4)'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER {table}_retention BEFORE DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_retained();
"""

SQLITE_TRIGGER = """CREATE TRIGGER {table}_retention BEFORE DELETE ON {table} WHEN {condition}
BEGIN SELECT RAISE(ABORT, '{table}: deletion refused before the retention period ends (28 CFR 75.4)'); END"""


def _create_retention_triggers() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, condition in RETAINED.items():
        op.execute((PG_FUNCTION if postgres else SQLITE_TRIGGER).format(table=table, condition=condition))


def _drop_retention_triggers() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in RETAINED:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_retention" + (f" ON {table}" if postgres else ""))
        if postgres:
            op.execute(f"DROP FUNCTION IF EXISTS {table}_retained()")


def upgrade() -> None:
    op.create_table(
        "custodian",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("business_address", sa.Text(), nullable=False),
        sa.Column("hours", sa.String(length=300), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_custodian_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custodian")),
    )
    op.create_table(
        "legal_records",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("performer_id", ID, nullable=False),
        sa.Column("legal_first_name", sa.String(length=120), nullable=False),
        sa.Column("legal_middle_name", sa.String(length=120), nullable=True),
        sa.Column("legal_last_name", sa.String(length=120), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("entered_by_id", ID, nullable=True),
        sa.Column("amended_by_id", ID, nullable=True),
        sa.Column("verified_by_id", ID, nullable=True),
        sa.Column("verified_by_label", sa.String(length=255), nullable=True),
        sa.Column("verified_at", TS, nullable=True),
        sa.Column("checklist", JSON, nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("amended_at", TS, nullable=False),
        sa.Column("retention_until", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status <> 'verified' OR (verified_by_label IS NOT NULL AND verified_at IS NOT NULL)",
            name=op.f("ck_legal_records_verified_has_verifier"),
        ),
        sa.CheckConstraint(
            "status <> 'verified' OR date_of_birth IS NOT NULL", name=op.f("ck_legal_records_verified_has_dob")
        ),
        sa.CheckConstraint(
            "status IN ('incomplete', 'pending_verification', 'verified', 'rejected', 'revoked')",
            name=op.f("ck_legal_records_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["amended_by_id"], ["staff.id"], name=op.f("fk_legal_records_amended_by_id_staff"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["staff.id"], name=op.f("fk_legal_records_entered_by_id_staff"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["performer_id"],
            ["performers.id"],
            name=op.f("fk_legal_records_performer_id_performers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_id"], ["staff.id"], name=op.f("fk_legal_records_verified_by_id_staff"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_records")),
        sa.UniqueConstraint("performer_id", name=op.f("uq_legal_records_performer_id")),
    )
    op.create_index(
        "ix_legal_records_first_trgm",
        "legal_records",
        ["legal_first_name"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"legal_first_name": "gin_trgm_ops"},
    )
    op.create_index(
        "ix_legal_records_middle_trgm",
        "legal_records",
        ["legal_middle_name"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"legal_middle_name": "gin_trgm_ops"},
    )
    op.create_index(
        "ix_legal_records_last_trgm",
        "legal_records",
        ["legal_last_name"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"legal_last_name": "gin_trgm_ops"},
    )
    op.create_index(
        "ix_legal_records_name", "legal_records", ["legal_last_name", "legal_first_name", "id"], unique=False
    )
    op.create_index("ix_legal_records_status", "legal_records", ["status", "id"], unique=False)

    op.create_table(
        "compliance_holds",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("video_id", ID, nullable=False),
        sa.Column("legal_record_id", ID, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("released_at", TS, nullable=True),
        sa.Column("released_by_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["legal_record_id"],
            ["legal_records.id"],
            name=op.f("fk_compliance_holds_legal_record_id_legal_records"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["released_by_id"], ["staff.id"], name=op.f("fk_compliance_holds_released_by_id_staff"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["video_id"], ["videos.id"], name=op.f("fk_compliance_holds_video_id_videos"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_holds")),
    )
    op.create_index("ix_compliance_holds_created", "compliance_holds", ["created_at", "id"], unique=False)
    op.create_index(
        "ix_compliance_holds_open",
        "compliance_holds",
        ["video_id"],
        unique=False,
        sqlite_where=sa.text("released_at IS NULL"),
        postgresql_where=sa.text("released_at IS NULL"),
    )

    op.create_table(
        "id_documents",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("legal_record_id", ID, nullable=False),
        sa.Column("doc_type", sa.String(length=24), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("issuing_country", sa.String(length=2), nullable=False),
        sa.Column("issuing_state", sa.String(length=64), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=True),
        sa.Column("expiry_date", sa.Date(), nullable=True),
        sa.Column("examined_by_id", ID, nullable=True),
        sa.Column("examined_by_label", sa.String(length=255), nullable=True),
        sa.Column("examined_on", sa.Date(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "doc_type IN ('passport', 'drivers_licence', 'state_id', 'national_id', 'other_government_id')",
            name=op.f("ck_id_documents_doc_type_valid"),
        ),
        sa.CheckConstraint(
            "issue_date IS NULL OR expiry_date IS NULL OR issue_date <= expiry_date",
            name=op.f("ck_id_documents_dates_ordered"),
        ),
        sa.ForeignKeyConstraint(
            ["examined_by_id"], ["staff.id"], name=op.f("fk_id_documents_examined_by_id_staff"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["legal_record_id"],
            ["legal_records.id"],
            name=op.f("fk_id_documents_legal_record_id_legal_records"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_id_documents")),
    )
    op.create_index("ix_id_documents_expiry", "id_documents", ["expiry_date"], unique=False)
    op.create_index("ix_id_documents_record", "id_documents", ["legal_record_id"], unique=False)

    op.create_table(
        "performer_names",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("legal_record_id", ID, nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("used_from", sa.Date(), nullable=True),
        sa.Column("used_to", sa.Date(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.CheckConstraint(
            "kind IN ('stage', 'maiden', 'alias', 'nickname', 'previous_legal')",
            name=op.f("ck_performer_names_kind_valid"),
        ),
        sa.CheckConstraint(
            "used_from IS NULL OR used_to IS NULL OR used_from <= used_to",
            name=op.f("ck_performer_names_dates_ordered"),
        ),
        sa.ForeignKeyConstraint(
            ["legal_record_id"],
            ["legal_records.id"],
            name=op.f("fk_performer_names_legal_record_id_legal_records"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_performer_names")),
        sa.UniqueConstraint("legal_record_id", "name", "kind", name=op.f("uq_performer_names_legal_record_id")),
    )
    op.create_index(
        "ix_performer_names_name_trgm",
        "performer_names",
        ["name"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )
    op.create_index("ix_performer_names_record", "performer_names", ["legal_record_id"], unique=False)

    op.create_table(
        "productions",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("video_id", ID, nullable=False),
        sa.Column("production_date", sa.Date(), nullable=True),
        sa.Column("producer_notes", sa.Text(), nullable=True),
        sa.Column("location_notes", sa.Text(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["video_id"], ["videos.id"], name=op.f("fk_productions_video_id_videos"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_productions")),
        sa.UniqueConstraint("video_id", name=op.f("uq_productions_video_id")),
    )
    op.create_index("ix_productions_date", "productions", ["production_date"], unique=False)

    op.create_table(
        "id_scans",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("id_document_id", ID, nullable=False),
        sa.Column("storage_name", sa.String(length=80), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", ID, nullable=True),
        sa.Column("uploaded_at", TS, nullable=False),
        sa.CheckConstraint(
            "content_type IN ('image/png', 'image/jpeg', 'image/webp', 'application/pdf')",
            name=op.f("ck_id_scans_content_type_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["id_document_id"],
            ["id_documents.id"],
            name=op.f("fk_id_scans_id_document_id_id_documents"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["staff.id"], name=op.f("fk_id_scans_uploaded_by_id_staff"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_id_scans")),
        sa.UniqueConstraint("storage_name", name=op.f("uq_id_scans_storage_name")),
    )
    op.create_index("ix_id_scans_document", "id_scans", ["id_document_id"], unique=False)

    op.create_table(
        "production_performers",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("production_id", ID, nullable=False),
        sa.Column("performer_id", ID, nullable=False),
        sa.Column("legal_record_id", ID, nullable=False),
        sa.Column("id_document_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["id_document_id"],
            ["id_documents.id"],
            name=op.f("fk_production_performers_id_document_id_id_documents"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["legal_record_id"],
            ["legal_records.id"],
            name=op.f("fk_production_performers_legal_record_id_legal_records"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["performer_id"],
            ["performers.id"],
            name=op.f("fk_production_performers_performer_id_performers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["production_id"],
            ["productions.id"],
            name=op.f("fk_production_performers_production_id_productions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_production_performers")),
        sa.UniqueConstraint("production_id", "performer_id", name=op.f("uq_production_performers_production_id")),
    )
    op.create_index("ix_production_performers_record", "production_performers", ["legal_record_id"], unique=False)

    _create_retention_triggers()


def downgrade() -> None:
    _drop_retention_triggers()
    op.drop_index("ix_production_performers_record", table_name="production_performers")

    op.drop_table("production_performers")
    op.drop_index("ix_id_scans_document", table_name="id_scans")

    op.drop_table("id_scans")
    op.drop_index("ix_productions_date", table_name="productions")

    op.drop_table("productions")
    op.drop_index("ix_performer_names_record", table_name="performer_names")
    op.drop_index(
        "ix_performer_names_name_trgm",
        table_name="performer_names",
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )

    op.drop_table("performer_names")
    op.drop_index("ix_id_documents_record", table_name="id_documents")
    op.drop_index("ix_id_documents_expiry", table_name="id_documents")

    op.drop_table("id_documents")
    op.drop_index(
        "ix_compliance_holds_open",
        table_name="compliance_holds",
        sqlite_where=sa.text("released_at IS NULL"),
        postgresql_where=sa.text("released_at IS NULL"),
    )
    op.drop_index("ix_compliance_holds_created", table_name="compliance_holds")

    op.drop_table("compliance_holds")
    op.drop_index("ix_legal_records_status", table_name="legal_records")
    op.drop_index("ix_legal_records_name", table_name="legal_records")
    op.drop_index(
        "ix_legal_records_last_trgm",
        table_name="legal_records",
        postgresql_using="gin",
        postgresql_ops={"legal_last_name": "gin_trgm_ops"},
    )
    op.drop_index(
        "ix_legal_records_first_trgm",
        table_name="legal_records",
        postgresql_using="gin",
        postgresql_ops={"legal_first_name": "gin_trgm_ops"},
    )
    op.drop_index(
        "ix_legal_records_middle_trgm",
        table_name="legal_records",
        postgresql_using="gin",
        postgresql_ops={"legal_middle_name": "gin_trgm_ops"},
    )

    op.drop_table("legal_records")
    op.drop_table("custodian")
