"""18 U.S.C. 2257 / 28 CFR Part 75 records: one legal record per performer, every other name, examined IDs
with encrypted scans, productions (per video, with the record and ID relied on per performer), holds
put on published videos when a record is revoked, and the custodian of records.

Seed 001 carried legal_name/stage_name/date_of_birth/age_verified on the performer; they live here
instead, so that only compliance staff can read them and every read is audited.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from console.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow
from console.textsearch import keep_folded

RECORD_STATES = ("incomplete", "pending_verification", "verified", "rejected", "revoked")
NAME_KINDS = ("stage", "maiden", "alias", "nickname", "previous_legal")
ID_TYPES = ("passport", "drivers_licence", "state_id", "national_id", "other_government_id")
SCAN_TYPES = ("image/png", "image/jpeg", "image/webp", "application/pdf")
CHECKLIST = ("id_examined", "name_matches", "dob_matches", "photo_matches")
# What put a video on hold: a record revoked or amended, a production or an ID document changed so that the
# gate refuses, the scheduled sweep finding a public video the gate refuses, or an emergency report (UNDERAGE,
# NON_CONSENSUAL) on a video, which moderation acts on before anyone looks.
HOLD_SOURCES = ("record", "production", "id_document", "sweep", "report")
SWEEP_STATES = ("running", "done", "failed")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class LegalRecord(Base):
    """The performer's legal identity, as taken from an examined government photo ID (28 CFR 75.2)."""

    __tablename__ = "legal_records"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    performer_id: Mapped[int] = mapped_column(ForeignKey("performers.id", ondelete="RESTRICT"), nullable=False)
    legal_first_name: Mapped[str] = mapped_column(String(120), nullable=False)
    legal_middle_name: Mapped[str | None] = mapped_column(String(120))
    legal_last_name: Mapped[str] = mapped_column(String(120), nullable=False)
    # first, middle and last name folded (textsearch.py): a search word matches any of them
    legal_name_search: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(24), nullable=False, default="incomplete")
    notes: Mapped[str | None] = mapped_column(Text)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    amended_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    verified_by_label: Mapped[str | None] = mapped_column(String(255))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checklist: Mapped[dict[str, bool]] = mapped_column(JSONType, nullable=False, default=dict)
    status_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    amended_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    retention_until: Mapped[date] = mapped_column(Date, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("performer_id"),
        CheckConstraint(_in("status", RECORD_STATES), name="status_valid"),
        CheckConstraint(
            "status <> 'verified' OR (verified_by_label IS NOT NULL AND verified_at IS NOT NULL)",
            name="verified_has_verifier",
        ),
        CheckConstraint("status <> 'verified' OR date_of_birth IS NOT NULL", name="verified_has_dob"),
        Index("ix_legal_records_name", "legal_last_name", "legal_first_name", "id"),
        Index("ix_legal_records_status", "status", "id"),
        Index(
            "ix_legal_records_name_search_trgm",
            "legal_name_search",
            postgresql_using="gin",
            postgresql_ops={"legal_name_search": "gin_trgm_ops"},
        ),
    )


class PerformerName(Base):
    """Every other name the performer has used (75.2(a)(2)): stage, maiden, alias, nickname, previous legal."""

    __tablename__ = "performer_names"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    legal_record_id: Mapped[int] = mapped_column(ForeignKey("legal_records.id", ondelete="RESTRICT"), nullable=False)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    name_search: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")  # textsearch.py
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    used_from: Mapped[date | None] = mapped_column(Date)
    used_to: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    __table_args__ = (
        CheckConstraint(_in("kind", NAME_KINDS), name="kind_valid"),
        CheckConstraint("used_from IS NULL OR used_to IS NULL OR used_from <= used_to", name="dates_ordered"),
        UniqueConstraint("legal_record_id", "name", "kind"),
        Index("ix_performer_names_record", "legal_record_id"),
        Index(
            "ix_performer_names_name_search_trgm",
            "name_search",
            postgresql_using="gin",
            postgresql_ops={"name_search": "gin_trgm_ops"},
        ),
    )


class IdDocument(Base):
    """A government photo ID examined by staff (75.2(a)(1)); its scans live encrypted on disk."""

    __tablename__ = "id_documents"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    legal_record_id: Mapped[int] = mapped_column(ForeignKey("legal_records.id", ondelete="RESTRICT"), nullable=False)
    doc_type: Mapped[str] = mapped_column(String(24), nullable=False)
    number: Mapped[str] = mapped_column(String(64), nullable=False)
    issuing_country: Mapped[str] = mapped_column(String(2), nullable=False)
    issuing_state: Mapped[str | None] = mapped_column(String(64))
    issue_date: Mapped[date | None] = mapped_column(Date)
    expiry_date: Mapped[date | None] = mapped_column(Date)
    examined_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    examined_by_label: Mapped[str | None] = mapped_column(String(255))
    examined_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(_in("doc_type", ID_TYPES), name="doc_type_valid"),
        CheckConstraint("issue_date IS NULL OR expiry_date IS NULL OR issue_date <= expiry_date", name="dates_ordered"),
        Index("ix_id_documents_record", "legal_record_id"),
        Index("ix_id_documents_expiry", "expiry_date"),
    )


class IdScan(Base):
    """One scanned page/side of an ID: Fernet-encrypted file under the records dir, SHA-256 of the original."""

    __tablename__ = "id_scans"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    id_document_id: Mapped[int] = mapped_column(ForeignKey("id_documents.id", ondelete="RESTRICT"), nullable=False)
    storage_name: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    content_type: Mapped[str] = mapped_column(String(32), nullable=False)
    original_name: Mapped[str | None] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    __table_args__ = (
        CheckConstraint(_in("content_type", SCAN_TYPES), name="content_type_valid"),
        Index("ix_id_scans_document", "id_document_id"),
    )


class Production(Base):
    """The date of production of one depiction (a video), with optional producer/location notes."""

    __tablename__ = "productions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("videos.id", ondelete="RESTRICT"), nullable=False, unique=True)
    production_date: Mapped[date | None] = mapped_column(Date)
    producer_notes: Mapped[str | None] = mapped_column(Text)
    location_notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_productions_date", "production_date"),)


class ProductionPerformer(Base):
    """Which legal record and which examined ID were relied on for one performer in one production."""

    __tablename__ = "production_performers"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    production_id: Mapped[int] = mapped_column(ForeignKey("productions.id", ondelete="CASCADE"), nullable=False)
    performer_id: Mapped[int] = mapped_column(ForeignKey("performers.id", ondelete="RESTRICT"), nullable=False)
    legal_record_id: Mapped[int] = mapped_column(ForeignKey("legal_records.id", ondelete="RESTRICT"), nullable=False)
    id_document_id: Mapped[int | None] = mapped_column(ForeignKey("id_documents.id", ondelete="RESTRICT"))

    __table_args__ = (
        UniqueConstraint("production_id", "performer_id"),
        Index("ix_production_performers_record", "legal_record_id"),
    )


class ComplianceHold(Base):
    """A video taken down because its 2257 paperwork stopped passing the gate; compliance releases it.

    `legal_record_id` names the record that caused it when one did (a revocation or amendment); a changed
    production or the sweep may find problems that belong to no single record (no production date)."""

    __tablename__ = "compliance_holds"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("videos.id", ondelete="RESTRICT"), nullable=False)
    legal_record_id: Mapped[int | None] = mapped_column(ForeignKey("legal_records.id", ondelete="RESTRICT"))
    source: Mapped[str] = mapped_column(String(24), nullable=False, default="record", server_default="record")
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))

    __table_args__ = (
        Index(
            "ix_compliance_holds_open",
            "video_id",
            sqlite_where=text("released_at IS NULL"),
            postgresql_where=text("released_at IS NULL"),
        ),
        Index("ix_compliance_holds_created", "created_at", "id"),
        CheckConstraint(_in("source", HOLD_SOURCES), name="source_valid"),
    )


class ComplianceSweep(Base):
    """One run of the scheduled 2257 sweep: every public video asked of the gate, failures put on hold.

    `findings` keeps the failing videos (id, title, reasons, held) for the worklist, capped at FINDINGS_CAP."""

    __tablename__ = "compliance_sweeps"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    trigger: Mapped[str] = mapped_column(String(16), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="running")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    failing: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    held: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    findings: Mapped[list[dict[str, object]]] = mapped_column(JSONType, nullable=False, default=list)
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint(_in("status", SWEEP_STATES), name="status_valid"),
        Index("ix_compliance_sweeps_started", "started_at"),
    )


class Custodian(Base):
    """The custodian of records named in every compliance statement (75.6). One row (id = 1)."""

    __tablename__ = "custodian"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    business_address: Mapped[str] = mapped_column(Text, nullable=False)
    hours: Mapped[str] = mapped_column(String(300), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)


keep_folded(LegalRecord, "legal_name_search", "legal_first_name", "legal_middle_name", "legal_last_name")
keep_folded(PerformerName, "name_search", "name")
