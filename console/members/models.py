"""The platform's members, merged from the seeds (000 users, 004 users/roles/2FA, age verification)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from console.db import Base, BigIntPK, UTCDateTime, utcnow
from console.textsearch import keep_folded

# muted: may watch but not comment or chat; suspended: may not sign in until `suspended_until` (or for good when
# NULL); banned: for good. They change only through moderation actions (console/moderation), audited.
MEMBER_STATUSES = ("active", "muted", "suspended", "banned", "deleted")
# what staff read: "Muted", not "muted" (keyed `str | None` to join a filter's "Any status" option)
MEMBER_STATUS_LABELS: dict[str | None, str] = {s: s.capitalize() for s in MEMBER_STATUSES}
MEMBER_ROLES = ("viewer", "performer", "dj")
AGE_METHODS = ("id_document", "credit_card", "third_party", "self_declared")

# Byte-order ("C") collation on PostgreSQL: prefix LIKE can use the btree index whatever the database locale.
SearchString = String(254).with_variant(String(254, collation="C"), "postgresql")


class Member(Base):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(SearchString, nullable=False, unique=True)
    username: Mapped[str] = mapped_column(SearchString, nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(String(80), nullable=False)
    # fold(display_name), kept on every write (textsearch.py): "Amélie" is found by "amelie", "AMELIE", "Amelie"
    display_name_search: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    role: Mapped[str] = mapped_column(String(16), nullable=False, default="viewer")
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="active")
    email_verified: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    two_factor_enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)
    age_verified: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    age_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    age_verification_method: Mapped[str | None] = mapped_column(String(16), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    muted_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("status IN ('active', 'muted', 'suspended', 'banned', 'deleted')", name="status_valid"),
        CheckConstraint("role IN ('viewer', 'performer', 'dj')", name="role_valid"),
        CheckConstraint(
            "age_verification_method IS NULL OR age_verification_method IN "
            "('id_document', 'credit_card', 'third_party', 'self_declared')",
            name="age_method_valid",
        ),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint("(status = 'deleted') = (deleted_at IS NOT NULL)", name="deleted_consistent"),
        Index("ix_members_created_at_id", "created_at", "id"),
        Index("ix_members_status_created_at_id", "status", "created_at", "id"),
        Index("ix_members_country_created_at_id", "country", "created_at", "id"),
        Index("ix_members_status_country_created_at_id", "status", "country", "created_at", "id"),
        Index("ix_members_last_login_at_id", "last_login_at", "id"),
        Index(
            "ix_members_display_name_search_trgm",
            "display_name_search",
            postgresql_using="gin",
            postgresql_ops={"display_name_search": "gin_trgm_ops"},
        ),
    )


keep_folded(Member, "display_name_search", "display_name")
